import Foundation
import Panel
import Records
import Review

/// Signed pushes (issue 14): `git push --signed` with `gpg.format ssh` sends a push certificate
/// (git-push(1), Documentation/technical/pack-protocol "push-cert") — the ref updates, the
/// hub's nonce, and an SSHSIG over all that in namespace `git`. receive-pack keeps it as a blob
/// and names it in the hook's environment (`GIT_PUSH_CERT`, `GIT_PUSH_CERT_NONCE_STATUS`);
/// git's own check needs an allowed-signers file, so the hook checks the certificate itself
/// with pingshen's SSHSIG verifier against the member keys of the pushed tip's signed roster.
public enum PushCert {
    /// The namespace git signs push certificates in.
    public static let namespace = "git"
    /// Larger certificates are refused unread (one update line per ref: the hub takes one ref).
    public static let maxBytes = 64 * 1024
    static let begin = "-----BEGIN SSH SIGNATURE-----\n"

    /// A certificate as the hook received it.
    public struct Received: Sendable {
        /// The certificate's bytes (from the blob `GIT_PUSH_CERT` names).
        public var text: String
        /// `GIT_PUSH_CERT_NONCE_STATUS`: OK when the nonce is the one this hub issued.
        public var nonceStatus: String
        public init(text: String, nonceStatus: String) { self.text = text; self.nonceStatus = nonceStatus }
    }

    /// Reads the certificate the hook's environment names (nil when the push was not signed).
    public static func received(git: Git, environment: [String: String]) throws -> Received? {
        guard let id = environment["GIT_PUSH_CERT"], !id.isEmpty else { return nil }
        guard Git.isObjectID(id) else {
            throw ActionError(zh: "推送证书的对象名不可用", en: "the push certificate's object name is not usable")
        }
        let size = try git.run(["cat-file", "-s", id])
        guard size.status == 0, let n = Int(size.line), n <= maxBytes else {
            throw ActionError(zh: "推送证书无法读取或超过 \(maxBytes) 字节", en: "the push certificate cannot be read or exceeds \(maxBytes) bytes")
        }
        let blob = try git.ok(["cat-file", "blob", id])
        return Received(text: String(decoding: blob.stdout, as: UTF8.self), nonceStatus: environment["GIT_PUSH_CERT_NONCE_STATUS"] ?? "")
    }

    /// Checks `cert` for a push whose update lines are `updates` (`OLD NEW REF`), against the
    /// signed roster's keys (`keys`: id → key line, members' and review hosts'). Returns the
    /// member or host who signed it, or the reason it is refused.
    public static func check(_ cert: Received, updates: [String], keys: [String: String], language lang: Language) -> Result<String, ActionError> {
        func refuse(_ zh: String, _ en: String) -> Result<String, ActionError> { .failure(ActionError(zh: zh, en: en)) }
        guard cert.nonceStatus == "OK" else {
            return refuse("推送证书的随机数状态是 \(TerminalText.quoted(cert.nonceStatus))，不是 OK（重放的或过期的证书）",
                          "the push certificate's nonce status is \(TerminalText.quoted(cert.nonceStatus)), not OK (a replayed or stale certificate)")
        }
        let text = cert.text
        guard let r = text.range(of: "\n" + begin) else {
            return refuse("推送证书没有 SSH 签名（须用成员的 SSH 密钥签名：gpg.format=ssh）",
                          "the push certificate holds no SSH signature (it must be signed with a member's SSH key: gpg.format=ssh)")
        }
        let payload = String(text[text.startIndex...r.lowerBound])
        let armored = String(text[text.index(after: r.lowerBound)...])
        let key: SSHPublicKey
        do {
            key = try SSHSig.verify(armored: armored, message: Data(payload.utf8), namespace: namespace)
        } catch {
            return refuse("推送证书的签名无效：\(error)", "the push certificate's signature does not verify: \(error)")
        }
        // The updates git applies are the certificate's: each one this hook was given must be in it.
        let body = payload.components(separatedBy: "\n\n").dropFirst().joined(separator: "\n\n")
        let certified = Set(body.split(separator: "\n").map(String.init))
        for u in updates where !certified.contains(u) {
            return refuse("推送证书不包含更新 \(TerminalText.quoted(u))", "the push certificate does not hold the update \(TerminalText.quoted(u))")
        }
        for (id, line) in keys.sorted(by: { $0.key < $1.key }) {
            if let k = try? SSHPublicKey(line: line), k.raw == key.raw { return .success(id) }
        }
        return refuse("推送证书由密钥 \(key.fingerprint) 签名，它不是签名名单上任何成员或主机的现行密钥",
                      "the push certificate is signed by key \(key.fingerprint), which is no member's or host's current key on the signed roster")
    }
}
