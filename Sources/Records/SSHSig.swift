import Foundation
import Crypto
import Panel

/// OpenSSH signatures (PROTOCOL.sshsig), Ed25519 only, as `ssh-keygen -Y sign/verify` make them.
public enum SSHSig {
    public static let namespace = "review-record@pingshen"
    static let magic = Array("SSHSIG".utf8)
    static let label = "SSH SIGNATURE"

    /// The blob the key signs: "SSHSIG" || string(namespace) || string(reserved) || string(hash_alg) || string(H(message)).
    static func signedData(namespace: String, hashAlgorithm: String, hash: [UInt8]) -> [UInt8] {
        var w = SSHWriter()
        w.raw(magic)
        w.string(namespace)
        w.string([UInt8]())
        w.string(hashAlgorithm)
        w.string(hash)
        return w.bytes
    }

    /// Signs `message` (hash sha512) and returns the armored signature, as `ssh-keygen -Y sign` writes it.
    public static func sign(_ message: Data, signer: RecordSigner, namespace: String = namespace) throws -> String {
        let h = Array(SHA512.hash(data: message))
        let toSign = signedData(namespace: namespace, hashAlgorithm: "sha512", hash: h)
        let sig = try signer.signRaw(Data(toSign))
        guard sig.count == 64 else {
            throw RecordsError("签名长度无效", "signature of the wrong length")
        }
        guard (try? signer.publicKey.cryptoKey().isValidSignature(sig, for: Data(toSign))) == true else {
            throw RecordsError("签名者 \(signer.description) 给出的签名无法验证", "the signature made by \(signer.description) does not verify")
        }
        var sigBlob = SSHWriter()
        sigBlob.string("ssh-ed25519")
        sigBlob.string(Array(sig))
        var w = SSHWriter()
        w.raw(magic)
        w.u32(1)
        w.string(signer.publicKey.blobBytes)
        w.string(namespace)
        w.string([UInt8]())
        w.string("sha512")
        w.string(sigBlob.bytes)
        return Armor.wrap(w.bytes, label: label)
    }

    /// A parsed SSHSIG: cheap to make, pure to check.
    public struct Parsed: Sendable {
        public var publicKey: SSHPublicKey
        public var namespace: String
        public var hashAlgorithm: String
        public var signature: Data
    }

    public static func parse(armored: String) throws -> Parsed {
        try parse(armoredBytes: Array(armored.utf8))
    }

    /// From the bytes of a .sig file, armour read as ssh-keygen reads it (`SSHSigArmor`).
    public static func parse(armoredBytes: [UInt8]) throws -> Parsed {
        switch SSHSigArmor.decode(armoredBytes) {
        case .failure(let r): throw r.error
        case .success(let blob): return try parse(blob: blob)
        }
    }

    static func parse(blob bytes: [UInt8]) throws -> Parsed {
        var r = SSHReader(bytes, what: "SSHSIG")
        guard try r.raw(6).elementsEqual(magic) else {
            throw RecordsError("SSH 签名缺少 SSHSIG 标记", "SSH signature lacks the SSHSIG magic")
        }
        let version = try r.u32()
        guard version == 1 else {
            throw RecordsError("不支持的 SSHSIG 版本 \(version)", "unsupported SSHSIG version \(version)")
        }
        let pkBlob = try r.string()
        let key: SSHPublicKey
        do { key = try SSHPublicKey(blob: pkBlob) } catch {
            throw RecordsError("签名所用的密钥不是 ssh-ed25519", "the signing key is not ssh-ed25519")
        }
        let ns = try r.text()
        _ = try r.string()  // reserved
        let alg = try r.text()
        var s = SSHReader(try r.string(), what: "SSHSIG signature")
        guard r.atEnd else { throw RecordsError("SSH 签名之后有多余数据", "trailing data after the SSH signature") }
        try s.expect("ssh-ed25519", field: "signature type")
        let sig = try s.string()
        guard sig.count == 64, s.atEnd else {
            throw RecordsError("Ed25519 签名长度应为 64 字节", "an Ed25519 signature must be 64 bytes")
        }
        return Parsed(publicKey: key, namespace: ns, hashAlgorithm: alg, signature: Data(sig))
    }

    /// Checks a parsed signature over `message`; returns the signing key.
    public static func verify(_ p: Parsed, message: Data, namespace: String = namespace) throws -> SSHPublicKey {
        guard p.namespace == namespace else {
            throw RecordsError("签名的命名空间是 “\(p.namespace)”，应为 “\(namespace)”",
                               "the signature's namespace is '\(p.namespace)', should be '\(namespace)'")
        }
        let h: [UInt8]
        switch p.hashAlgorithm {
        case "sha512": h = Array(SHA512.hash(data: message))
        case "sha256": h = Array(SHA256.hash(data: message))
        default:
            throw RecordsError("不支持的散列算法 “\(p.hashAlgorithm)”", "unsupported hash algorithm '\(p.hashAlgorithm)'")
        }
        let data = Data(signedData(namespace: namespace, hashAlgorithm: p.hashAlgorithm, hash: h))
        guard try p.publicKey.cryptoKey().isValidSignature(p.signature, for: data) else {
            throw RecordsError("签名与内容不符", "the signature does not match the content")
        }
        return p.publicKey
    }

    /// Parses and checks an armored signature over `message`; returns the signing key.
    public static func verify(armored: String, message: Data, namespace: String = namespace) throws -> SSHPublicKey {
        try verify(parse(armored: armored), message: message, namespace: namespace)
    }
}
