import Foundation
import Crypto
import Panel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An OpenSSH Ed25519 public key ("ssh-ed25519 AAAA… comment").
public struct SSHPublicKey: Hashable, Sendable, CustomStringConvertible {
    /// The 32-byte Ed25519 public key.
    public var raw: Data
    public var comment: String

    public init(raw: Data, comment: String = "") {
        self.raw = raw; self.comment = comment
    }

    /// Parses an OpenSSH public key line. Only ssh-ed25519 keys are accepted.
    public init(line: String) throws {
        let parts = line.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(maxSplits: 2, omittingEmptySubsequences: true, whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count >= 2 else {
            throw RecordsError("不是 OpenSSH 公钥行（应为 “ssh-ed25519 AAAA… 注释”）",
                               "not an OpenSSH public key line (expected 'ssh-ed25519 AAAA… comment')")
        }
        guard parts[0] == "ssh-ed25519" else {
            throw RecordsError("不支持的密钥类型 “\(parts[0])”：只支持 ssh-ed25519",
                               "unsupported key type '\(parts[0])': only ssh-ed25519 is supported")
        }
        guard let blob = Base64.decode(parts[1].utf8) else {
            throw RecordsError("公钥的 base64 部分无效", "the key's base64 part is invalid")
        }
        try self.init(blob: blob, comment: parts.count > 2 ? String(parts[2]) : "")
    }

    /// Parses the wire blob: string "ssh-ed25519", string key(32).
    init<C: Collection>(blob: C, comment: String = "") throws where C.Element == UInt8 {
        var r = SSHReader(blob, what: "ssh-ed25519 public key")
        try r.expect("ssh-ed25519", field: "key type")
        let k = try r.string()
        guard k.count == 32, r.atEnd else {
            throw RecordsError("Ed25519 公钥长度应为 32 字节", "an Ed25519 public key must be 32 bytes")
        }
        self.raw = Data(k); self.comment = comment
    }

    /// The wire blob: string "ssh-ed25519", string key.
    public var blob: Data {
        var w = SSHWriter(); w.string("ssh-ed25519"); w.string(Array(raw)); return w.data
    }
    var blobBytes: [UInt8] { var w = SSHWriter(); w.string("ssh-ed25519"); w.string(Array(raw)); return w.bytes }

    /// "ssh-ed25519 AAAA…": the key without its comment (allowed_signers, authorized_keys).
    public var keyText: String { "ssh-ed25519 " + blob.base64EncodedString() }

    /// "ssh-ed25519 AAAA… comment" (no comment part when the comment is empty).
    public var line: String { comment.isEmpty ? keyText : keyText + " " + comment }

    /// "SHA256:…" as `ssh-keygen -l` prints it (base64 without padding).
    public var fingerprint: String {
        var b64 = Data(SHA256.hash(data: blob)).base64EncodedString()
        while b64.hasSuffix("=") { b64.removeLast() }
        return "SHA256:" + b64
    }

    /// Same key, whatever the comment.
    public func sameKey(_ other: SSHPublicKey) -> Bool { raw == other.raw }

    public var description: String { line }

    /// The key as swift-crypto sees it.
    public func cryptoKey() throws -> Curve25519.Signing.PublicKey {
        try Curve25519.Signing.PublicKey(rawRepresentation: raw)
    }
}

/// Something that signs with an Ed25519 key: a key file or ssh-agent.
public protocol RecordSigner: Sendable {
    var publicKey: SSHPublicKey { get }
    var description: String { get }
    /// The 64-byte Ed25519 signature over `data`.
    func signRaw(_ data: Data) throws -> Data
}

/// Signs with an unencrypted OpenSSH Ed25519 private key file (openssh-key-v1).
public struct KeyFileSigner: RecordSigner {
    public let publicKey: SSHPublicKey
    public let path: String
    /// The 32-byte seed (swift-crypto's key type is not Sendable).
    let seed: Data

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RecordsError("\(path)：无法读取私钥文件", "\(path): cannot read the private key file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RecordsError("\(path)：不是 OpenSSH 私钥文件", "\(path): not an OpenSSH private key file")
        }
        let key = try OpenSSHPrivateKey.parse(text, path: path)
        self.path = path
        self.seed = key.privateKey.rawRepresentation
        self.publicKey = key.publicKey
    }

    public init(privateKey: Curve25519.Signing.PrivateKey, comment: String = "") {
        self.path = ""
        self.seed = privateKey.rawRepresentation
        self.publicKey = SSHPublicKey(raw: privateKey.publicKey.rawRepresentation, comment: comment)
    }

    public var description: String { path.isEmpty ? "key \(publicKey.fingerprint)" : "\(path) (\(publicKey.fingerprint))" }

    public func signRaw(_ data: Data) throws -> Data {
        try Curve25519.Signing.PrivateKey(rawRepresentation: seed).signature(for: data)
    }
}

/// The openssh-key-v1 private key format (OpenSSH PROTOCOL.key), Ed25519, unencrypted.
public enum OpenSSHPrivateKey {
    static let magic = Array("openssh-key-v1\0".utf8)
    static let label = "OPENSSH PRIVATE KEY"

    public struct Parsed {
        public var privateKey: Curve25519.Signing.PrivateKey
        public var publicKey: SSHPublicKey
    }

    /// The PEM text of an unencrypted openssh-key-v1 file holding `key`.
    public static func encode(_ key: Curve25519.Signing.PrivateKey, comment: String, checkint: UInt32 = UInt32.random(in: 0...UInt32.max)) -> String {
        let pub = SSHPublicKey(raw: key.publicKey.rawRepresentation)
        var w = SSHWriter()
        w.raw(magic)
        w.string("none"); w.string("none"); w.string([UInt8]())
        w.u32(1)
        w.string(pub.blobBytes)
        var p = SSHWriter()
        p.u32(checkint); p.u32(checkint)
        p.string("ssh-ed25519")
        p.string(Array(pub.raw))
        p.string(Array(key.rawRepresentation) + Array(pub.raw))  // seed || public
        p.string(comment)
        var pad: UInt8 = 1
        while p.bytes.count % 8 != 0 { p.byte(pad); pad += 1 }
        w.string(p.bytes)
        return Armor.wrap(w.bytes, label: label)
    }

    public static func parse(_ text: String, path: String) throws -> Parsed {
        guard let bytes = Armor.unwrap(text, label: label) else {
            if text.contains("-----BEGIN") {
                throw RecordsError("\(path)：不是 openssh-key-v1 格式的私钥（可用 `ssh-keygen -p -f \(path)` 转换）",
                                   "\(path): not an openssh-key-v1 private key (convert it with `ssh-keygen -p -f \(path)`)")
            }
            throw RecordsError("\(path)：不是 OpenSSH 私钥文件", "\(path): not an OpenSSH private key file")
        }
        var r = SSHReader(bytes, what: path)
        guard try r.raw(magic.count).elementsEqual(magic) else {
            throw RecordsError("\(path)：缺少 openssh-key-v1 标记", "\(path): missing the openssh-key-v1 magic")
        }
        let cipher = try r.text()
        let kdf = try r.text()
        _ = try r.string()
        if cipher != "none" || kdf != "none" {
            throw RecordsError(
                "\(path)：私钥有口令保护（\(cipher)）。请先用 `ssh-add \(path)` 把它加入 ssh-agent，然后不带 --key 运行（通过 ssh-agent 签名）。",
                "\(path): the private key is passphrase-protected (\(cipher)). Add it to ssh-agent with `ssh-add \(path)` and run without --key (signing through ssh-agent).")
        }
        let n = try r.u32()
        guard n == 1 else {
            throw RecordsError("\(path)：文件中有 \(n) 个密钥，只支持 1 个", "\(path): the file holds \(n) keys; only 1 is supported")
        }
        let pubBlob = try r.string()
        let priv = try r.string()
        var p = SSHReader(priv, what: path)
        let c1 = try p.u32(), c2 = try p.u32()
        guard c1 == c2 else {
            throw RecordsError("\(path)：校验值不一致（文件损坏或口令错误）", "\(path): check values differ (corrupt file or wrong passphrase)")
        }
        let type = try p.text()
        guard type == "ssh-ed25519" else {
            throw RecordsError("\(path)：不支持的密钥类型 “\(type)”：只支持 ssh-ed25519（`ssh-keygen -t ed25519`）",
                               "\(path): unsupported key type '\(type)': only ssh-ed25519 is supported (`ssh-keygen -t ed25519`)")
        }
        let pk = try p.string()
        let sk = try p.string()
        let comment = try p.text()
        guard pk.count == 32, sk.count == 64, sk.suffix(32).elementsEqual(pk) else {
            throw RecordsError("\(path)：Ed25519 私钥数据无效", "\(path): invalid Ed25519 private key data")
        }
        // Padding 1, 2, 3, … to the block size.
        var expected: UInt8 = 1
        while !p.atEnd {
            guard try p.byte() == expected else {
                throw RecordsError("\(path)：私钥填充无效", "\(path): invalid private key padding")
            }
            expected &+= 1
        }
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: Data(sk.prefix(32)))
        guard key.publicKey.rawRepresentation.elementsEqual(pk) else {
            throw RecordsError("\(path)：私钥与其中的公钥不匹配", "\(path): the private key does not match its public key")
        }
        let pub = try SSHPublicKey(blob: pubBlob, comment: comment)
        guard pub.raw.elementsEqual(pk) else {
            throw RecordsError("\(path)：私钥与其中的公钥不匹配", "\(path): the private key does not match its public key")
        }
        return Parsed(privateKey: key, publicKey: pub)
    }
}

/// `pingshen keygen`: a new Ed25519 key pair in OpenSSH formats.
public enum KeyGen {
    public static func generate(comment: String) -> (privateKeyFile: String, publicKeyLine: String) {
        let key = Curve25519.Signing.PrivateKey()
        let pub = SSHPublicKey(raw: key.publicKey.rawRepresentation, comment: comment)
        return (OpenSSHPrivateKey.encode(key, comment: comment), pub.line + "\n")
    }

    /// Writes PATH (mode 0600, openssh-key-v1) and PATH.pub. Refuses to overwrite either.
    public static func write(to path: String, comment: String) throws {
        let fm = FileManager.default
        for p in [path, path + ".pub"] where fm.fileExists(atPath: p) {
            throw RecordsError("\(p)：已存在，不会覆盖", "\(p): already exists; not overwriting it")
        }
        let (priv, pub) = generate(comment: comment)
        try writeNew(Data(priv.utf8), to: path, mode: 0o600)
        do {
            try writeNew(Data(pub.utf8), to: path + ".pub", mode: 0o644)
        } catch {
            unlink(path)
            throw error
        }
    }

    /// Durable, never replacing, created with `mode` from the start.
    static func writeNew(_ data: Data, to path: String, mode: mode_t) throws {
        let dir = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let tmp = dir + "/.tmp-" + (path as NSString).lastPathComponent + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            let e = String(cString: strerror(errno))
            throw RecordsError("\(path)：无法创建（\(e)）", "\(path): cannot create (\(e))")
        }
        defer { unlink(tmp) }
        var ok = fchmod(fd, mode) == 0
        data.withUnsafeBytes { buf in
            var off = 0
            while ok && off < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 { if errno == EINTR { continue }; ok = false } else { off += n }
            }
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok else {
            let e = String(cString: strerror(errno))
            throw RecordsError("\(path)：写入失败（\(e)）", "\(path): write failed (\(e))")
        }
        guard link(tmp, path) == 0 else {
            let e = String(cString: strerror(errno))
            throw RecordsError("\(path)：无法写入（\(e)）", "\(path): cannot publish (\(e))")
        }
        _ = try? DurableFile.syncDirectory(dir)
    }
}
