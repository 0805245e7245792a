import Foundation
import Panel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A client of the ssh-agent protocol (draft-miller-ssh-agent): list identities, sign.
enum SSHAgentClient {
    static let failure: UInt8 = 5
    static let requestIdentities: UInt8 = 11
    static let identitiesAnswer: UInt8 = 12
    static let signRequest: UInt8 = 13
    static let signResponse: UInt8 = 14

    static func socketPath(_ socket: String?) throws -> String {
        if let socket, !socket.isEmpty { return socket }
        guard let s = ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"], !s.isEmpty else {
            throw RecordsError("没有 ssh-agent：SSH_AUTH_SOCK 未设置。请启动 ssh-agent 并 `ssh-add` 你的密钥，或用 --key 指定未加密的私钥文件。",
                               "no ssh-agent: SSH_AUTH_SOCK is not set. Start ssh-agent and `ssh-add` your key, or give an unencrypted key file with --key.")
        }
        return s
    }

    /// One request, one reply, on a fresh connection.
    static func roundTrip(_ socket: String, _ message: [UInt8]) throws -> [UInt8] {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw sysError(socket, "socket") }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socket.utf8)
        let cap = MemoryLayout.size(ofValue: addr.sun_path)
        guard pathBytes.count < cap else {
            throw RecordsError("\(socket)：套接字路径过长", "\(socket): socket path too long")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { p in
            for (i, b) in pathBytes.enumerated() { p[i] = b }
            p[pathBytes.count] = 0
        }
        let len = socklen_t(MemoryLayout<sockaddr_un>.size)
        let rc = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, len) }
        }
        guard rc == 0 else { throw sysError(socket, "connect") }
        var w = SSHWriter()
        w.string(message)
        try writeAll(fd, w.bytes, socket)
        let head = try readExactly(fd, 4, socket)
        let n = Int(UInt32(head[0]) << 24 | UInt32(head[1]) << 16 | UInt32(head[2]) << 8 | UInt32(head[3]))
        guard n >= 1, n <= 256 * 1024 else {
            throw RecordsError("\(socket)：ssh-agent 的回复长度无效", "\(socket): invalid ssh-agent reply length")
        }
        return try readExactly(fd, n, socket)
    }

    static func sysError(_ socket: String, _ what: String) -> RecordsError {
        let e = String(cString: strerror(errno))
        return RecordsError("无法连接 ssh-agent（\(socket)，\(what)：\(e)）。请检查 SSH_AUTH_SOCK，或用 --key 指定私钥文件。",
                            "cannot talk to ssh-agent (\(socket), \(what): \(e)). Check SSH_AUTH_SOCK, or give a key file with --key.")
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ socket: String) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL)) }
            if n < 0 { if errno == EINTR { continue }; throw sysError(socket, "send") }
            off += n
        }
    }

    static func readExactly(_ fd: Int32, _ count: Int, _ socket: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var off = 0
        while off < count {
            let n = out.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + off, count - off) }
            if n < 0 { if errno == EINTR { continue }; throw sysError(socket, "read") }
            if n == 0 {
                throw RecordsError("ssh-agent（\(socket)）提前关闭了连接", "ssh-agent (\(socket)) closed the connection early")
            }
            off += n
        }
        return out
    }

    static func identities(_ socket: String) throws -> [(blob: [UInt8], comment: String)] {
        try parseIdentities(try roundTrip(socket, [requestIdentities]))
    }

    /// SSH_AGENT_IDENTITIES_ANSWER (draft-miller-ssh-agent §4.4): byte 12, uint32 nkeys, then
    /// nkeys × (string key blob, string comment). Pure, so that the reply parser can be fuzzed.
    static func parseIdentities(_ reply: [UInt8]) throws -> [(blob: [UInt8], comment: String)] {
        var r = SSHReader(reply, what: "ssh-agent")
        let type = try r.byte()
        guard type == identitiesAnswer else {
            throw RecordsError("ssh-agent 拒绝列出密钥", "ssh-agent refused to list its keys")
        }
        let n = try r.u32()
        var out: [(blob: [UInt8], comment: String)] = []
        for _ in 0..<n {
            let blob = Array(try r.string())
            let comment = String(decoding: try r.string(), as: UTF8.self)
            out.append((blob, comment))
        }
        return out
    }
}

/// Signs through ssh-agent: the key never leaves the agent.
public struct AgentSigner: RecordSigner {
    public let publicKey: SSHPublicKey
    public let socket: String

    /// Checks that the agent at `socket` (default SSH_AUTH_SOCK) holds `key`.
    public init(socket: String? = nil, key: SSHPublicKey) throws {
        let path = try SSHAgentClient.socketPath(socket)
        let ids = try SSHAgentClient.identities(path)
        guard let found = ids.first(where: { (try? SSHPublicKey(blob: $0.blob))?.raw == key.raw }) else {
            throw RecordsError(
                "ssh-agent 中没有密钥 \(key.fingerprint)。请用 `ssh-add 私钥文件` 加入，或用 --key 指定私钥文件。",
                "ssh-agent does not hold key \(key.fingerprint). Add it with `ssh-add KEYFILE`, or give a key file with --key.")
        }
        self.socket = path
        var k = key
        if k.comment.isEmpty { k.comment = found.comment }
        self.publicKey = k
    }

    /// The Ed25519 keys the agent holds (other key types are skipped).
    public static func identities(socket: String? = nil) throws -> [SSHPublicKey] {
        let path = try SSHAgentClient.socketPath(socket)
        return try SSHAgentClient.identities(path).compactMap { try? SSHPublicKey(blob: $0.blob, comment: $0.comment) }
    }

    public var description: String { "ssh-agent (\(publicKey.fingerprint))" }

    public func signRaw(_ data: Data) throws -> Data {
        var w = SSHWriter()
        w.byte(SSHAgentClient.signRequest)
        w.string(publicKey.blobBytes)
        w.string(Array(data))
        w.u32(0)
        return try SSHAgentClient.parseSignature(try SSHAgentClient.roundTrip(socket, w.bytes), key: publicKey)
    }
}

extension SSHAgentClient {
    /// SSH_AGENT_SIGN_RESPONSE (draft-miller-ssh-agent §4.5): byte 14, string signature, the
    /// signature being string "ssh-ed25519", string sig[64]. Pure, so that it can be fuzzed.
    static func parseSignature(_ reply: [UInt8], key publicKey: SSHPublicKey) throws -> Data {
        var r = SSHReader(reply, what: "ssh-agent")
        let type = try r.byte()
        guard type == signResponse else {
            throw RecordsError("ssh-agent 拒绝签名（密钥 \(publicKey.fingerprint) 是否已加入？是否需要确认？）",
                               "ssh-agent refused to sign (is key \(publicKey.fingerprint) added? does it need confirmation?)")
        }
        var s = SSHReader(try r.string(), what: "ssh-agent signature")
        try s.expect("ssh-ed25519", field: "signature type")
        let sig = try s.string()
        guard sig.count == 64 else {
            throw RecordsError("ssh-agent 返回的签名长度无效", "ssh-agent returned a signature of the wrong length")
        }
        return Data(sig)
    }
}
