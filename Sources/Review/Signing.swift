import Foundation
import Panel
import Records

/// How a member's records get signed: through ssh-agent (the default, and the only way in a
/// remote session with a forwarded agent) or with an unencrypted key file.
public enum SignerChoice {
    /// `keyPath` nil: the agent at SSH_AUTH_SOCK must hold the roster's key for `member`.
    public static func resolve(keyPath: String?, member: Member,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RecordSigner {
        try resolve(keyPath: keyPath, id: member.id, key: member.key, environment: environment)
    }

    /// The same for any key the roster names for `id` (`key`: its OpenSSH line): a member's,
    /// or a review host's that signs pushes (issue 14).
    public static func resolve(keyPath: String?, id: String, key: String,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RecordSigner {
        let member = (id: id, key: key)
        let rosterKey = try SSHPublicKey(line: member.key)
        if let keyPath {
            let signer = try KeyFileSigner(path: keyPath)
            guard signer.publicKey.raw == rosterKey.raw else {
                throw ActionError(
                    zh: "密钥 \(keyPath) 不是名册上 \(member.id) 的密钥（名册：\(rosterKey.fingerprint)，文件：\(signer.publicKey.fingerprint)）",
                    en: "key \(keyPath) is not \(member.id)'s key on the roster (roster: \(rosterKey.fingerprint), file: \(signer.publicKey.fingerprint))")
            }
            return signer
        }
        guard let socket = environment["SSH_AUTH_SOCK"], !socket.isEmpty else {
            throw ActionError(
                zh: "没有 ssh-agent（SSH_AUTH_SOCK 未设置）：请用 ssh-add 添加 \(member.id) 的密钥，远程评审时用 ssh -A；或用 --key 指定密钥文件",
                en: "no ssh-agent (SSH_AUTH_SOCK is not set): ssh-add \(member.id)'s key, use ssh -A for remote review, or give --key PATH")
        }
        let keys = try AgentSigner.identities(socket: socket)
        guard keys.contains(where: { $0.raw == rosterKey.raw }) else {
            throw ActionError(
                zh: "ssh-agent 中没有 \(member.id) 的密钥 \(rosterKey.fingerprint)：请先 ssh-add 该密钥",
                en: "the ssh-agent does not hold \(member.id)'s key \(rosterKey.fingerprint): ssh-add it first")
        }
        return try AgentSigner(socket: socket, key: rosterKey)
    }
}

/// A refused action: nothing was written. Carries its message in both languages.
public struct ActionError: Error, CustomStringConvertible, Sendable {
    public var zh: String
    public var en: String
    public init(zh: String, en: String) { self.zh = zh; self.en = en }
    public func message(_ lang: Language) -> String { lang == .zh ? zh : en }
    public var description: String { en }
}
