import Foundation
import Crypto
import Panel

// The fast paths of the per-record check. Each one accepts only input it is sure about and
// otherwise answers nil, so that the general code (SSHSig.parse/verify, Record(bytes:)) runs and
// words the problem exactly as before: a fast path never decides that something is wrong.

/// 32 raw key bytes as a cheap dictionary key (no Data hashing, no allocation).
struct KeyBytes: Hashable, Sendable {
    var a: UInt64, b: UInt64, c: UInt64, d: UInt64

    init?(_ p: UnsafeRawBufferPointer) {
        guard p.count == 32 else { return nil }
        a = p.loadUnaligned(as: UInt64.self)
        b = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        c = p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        d = p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
    }

    init?(_ data: Data) {
        guard let k = data.withUnsafeBytes({ KeyBytes($0) }) else { return nil }
        self = k
    }

    var data: Data {
        var me = self
        return withUnsafeBytes(of: &me) { Data($0) }
    }
}

/// The roster's keys, ready for swift-crypto (parsed once per run, not once per record).
/// Immutable after init; swift-crypto's key is a value holding its bytes, so sharing is safe.
struct PreparedKeys: @unchecked Sendable {
    private let keys: [KeyBytes: Curve25519.Signing.PublicKey]

    init<S: Sequence>(_ raws: S) where S.Element == Data {
        var k: [KeyBytes: Curve25519.Signing.PublicKey] = [:]
        for raw in raws {
            guard let kb = KeyBytes(raw), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { continue }
            k[kb] = key
        }
        keys = k
    }

    subscript(_ k: KeyBytes) -> Curve25519.Signing.PublicKey? { keys[k] }
}

/// Member and dossier ids, straight from a record's bytes: Panel's `Identifier` rule.
enum FastID {
    static func isSafe(_ s: String) -> Bool { Identifier.isValid(s) }
    static func isSafe(bytes u: UnsafeBufferPointer<UInt8>) -> Bool { Identifier.isValid(bytes: u) }
}

/// An SSHSIG as `pingshen` and `ssh-keygen -Y sign` write it (Ed25519, sha512, our namespace),
/// checked straight from the .sig file's bytes: base64 decoded into a stack buffer, fields
/// compared in place, the signed blob built in place, the roster's key ready.
enum FastSig {
    static let keyType = Array("ssh-ed25519".utf8)
    static let namespace = Array(SSHSig.namespace.utf8)
    static let sha512 = Array("sha512".utf8)
    /// Decoded SSHSIG size for the form above: 6 + 4 + (4+51) + (4+22) + 4 + (4+6) + (4+83).
    static let capacity = 256

    /// The signing key when the signature is of the usual form and valid over `message`
    /// (or, with `cache`, known valid); nil otherwise, and then nothing was noted in the cache.
    static func validKey(signature: Data, message: Data, jsonDigest: SHA256.Digest,
                         keys: PreparedKeys, cache: VerifyCache?) -> KeyBytes? {
        signature.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> KeyBytes? in
            let text = raw.bindMemory(to: UInt8.self)
            // The armour as ssh-keygen reads it: the same rule as the general parse.
            guard case .success(let range) = SSHSigArmor.body(text) else { return nil }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { blob -> KeyBytes? in
                guard let n = decodeBase64(UnsafeBufferPointer(rebasing: text[range]), into: blob) else { return nil }
                return check(blob: UnsafeBufferPointer(rebasing: blob[0..<n]), signature: signature, message: message,
                             jsonDigest: jsonDigest, keys: keys, cache: cache)
            }
        }
    }

    private static func check(blob p: UnsafeBufferPointer<UInt8>, signature: Data, message: Data, jsonDigest: SHA256.Digest,
                              keys: PreparedKeys, cache: VerifyCache?) -> KeyBytes? {
        var pos = 0
        func bytes(_ want: [UInt8]) -> Bool {
            guard p.count - pos >= want.count else { return false }
            for i in 0..<want.count where p[pos + i] != want[i] { return false }
            pos += want.count
            return true
        }
        func u32(_ want: UInt32) -> Bool {
            guard p.count - pos >= 4 else { return false }
            let v = UInt32(p[pos]) << 24 | UInt32(p[pos + 1]) << 16 | UInt32(p[pos + 2]) << 8 | UInt32(p[pos + 3])
            pos += 4
            return v == want
        }
        func string(_ want: [UInt8]) -> Bool { u32(UInt32(want.count)) && bytes(want) }
        // "SSHSIG", version 1, string(string("ssh-ed25519") string(key[32])).
        guard bytes(SSHSig.magic), u32(1), u32(51), string(keyType), u32(32) else { return nil }
        let keyAt = pos
        pos += 32
        // string(namespace), string(reserved) empty, string("sha512"),
        // string(string("ssh-ed25519") string(sig[64])), nothing after.
        guard string(namespace), u32(0), string(sha512), u32(83), string(keyType), u32(64) else { return nil }
        let sigAt = pos
        guard p.count - pos == 64 else { return nil }
        guard let key = KeyBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: p[keyAt..<(keyAt + 32)]))) else { return nil }

        if let cache {
            let e = cache.entry(jsonDigest: jsonDigest, signature: signature)
            if cache.contains(e) {
                cache.note(e, new: false)
                return key
            }
            guard ed25519(p, keyAt: keyAt, sigAt: sigAt, key: key, message: message, keys: keys) else { return nil }
            cache.note(e, new: true)
            return key
        }
        return ed25519(p, keyAt: keyAt, sigAt: sigAt, key: key, message: message, keys: keys) ? key : nil
    }

    /// Ed25519 over "SSHSIG" || string(namespace) || string("") || string("sha512") || string(SHA-512(message)).
    private static func ed25519(_ p: UnsafeBufferPointer<UInt8>, keyAt: Int, sigAt: Int, key: KeyBytes,
                                message: Data, keys: PreparedKeys) -> Bool {
        let pub: Curve25519.Signing.PublicKey
        if let k = keys[key] { pub = k } else {
            guard let k = try? Curve25519.Signing.PublicKey(rawRepresentation: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: p[keyAt..<(keyAt + 32)]))) else { return false }
            pub = k
        }
        let digest = SHA512.hash(data: message)
        let size = 6 + 4 + namespace.count + 4 + 4 + sha512.count + 4 + 64
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: size) { out -> Bool in
            var n = 0
            func put(_ b: [UInt8]) { for x in b { out[n] = x; n += 1 } }
            func len(_ v: Int) {
                out[n] = UInt8(truncatingIfNeeded: v >> 24); out[n + 1] = UInt8(truncatingIfNeeded: v >> 16)
                out[n + 2] = UInt8(truncatingIfNeeded: v >> 8); out[n + 3] = UInt8(truncatingIfNeeded: v); n += 4
            }
            put(SSHSig.magic)
            len(namespace.count); put(namespace)
            len(0)
            len(sha512.count); put(sha512)
            len(64)
            digest.withUnsafeBytes { d in for x in d { out[n] = x; n += 1 } }
            guard n == size else { return false }
            let sig = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(p)[sigAt..<(sigAt + 64)])
            return pub.isValidSignature(sig, for: UnsafeRawBufferPointer(out))
        }
    }

    /// `Base64.pton` (ssh-keygen's b64_pton rules) into `out`; nil when invalid or longer than `out`.
    static func decodeBase64(_ chars: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        Base64.pton(chars, into: out)
    }
}

extension Record {
    /// The usual record, read without the top-level dictionary:
    /// {"body":{…},"created":"…","gov":"…","kind":"…","prev":"…","program":"…","seen":{…},"seq":N,"signer":"…","v":2}
    /// (the only canonical order of the fields). nil for anything else, including every record
    /// `init(bytes:)` refuses; when it answers, it is the record `init(bytes:)` makes.
    /// `program`: the expected programme instance, kept instead of a copy when the record names it.
    static func fast(_ bytes: Data, program expected: String? = nil) -> Record? {
        bytes.withUnsafeBytes { raw in fast(raw.bindMemory(to: UInt8.self), program: expected) }
    }

    static func fast(_ buf: UnsafeBufferPointer<UInt8>, program expected: String? = nil) -> Record? {
        var pos = 0
        func lit(_ s: StaticString) -> Bool {
            let n = s.utf8CodeUnitCount
            guard buf.count - pos >= n else { return false }
            let p = s.utf8Start
            for i in 0..<n where buf[pos + i] != p[i] { return false }
            pos += n
            return true
        }
        /// A string without escapes or control characters, up to its closing quote.
        func plain() -> UnsafeBufferPointer<UInt8>? {
            let start = pos
            while pos < buf.count {
                let c = buf[pos]
                if c == UInt8(ascii: "\"") {
                    pos += 1
                    return UnsafeBufferPointer(rebasing: buf[start..<(pos - 1)])
                }
                if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
                pos += 1
            }
            return nil
        }
        func text() -> String? {
            guard let u = plain() else { return nil }
            return FastText.string(u)
        }
        func hash() -> UnsafeBufferPointer<UInt8>? {
            guard let h = plain(), h.count == 64,
                  h.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else { return nil }
            return h
        }
        guard lit("{\"body\":"), pos < buf.count, buf[pos] == UInt8(ascii: "{") else { return nil }
        var parser = CanonicalJSON.Parser(buf: buf, pos: pos)
        guard let bodyValue = try? parser.value(depth: 1), case .object(let body) = bodyValue else { return nil }
        pos = parser.pos
        guard lit(",\"created\":\""), let createdBytes = plain(), Timestamp.isValid(bytes: createdBytes) else { return nil }
        guard lit(",\"gov\":\""), let govBytes = hash() else { return nil }
        guard lit(",\"kind\":\""), let kindText = text(), let kind = RecordKind(rawValue: kindText) else { return nil }
        guard lit(",\"prev\":\""), let prevBytes = hash() else { return nil }
        guard lit(",\"program\":\""), let programBytes = plain() else { return nil }
        let program: String
        if let expected, expected.utf8.elementsEqual(programBytes) { program = expected } else {
            guard let p = FastText.string(programBytes) else { return nil }
            program = p
        }
        // The seen vector: usually small; checked once the signer is known.
        guard lit(",\"seen\":"), pos < buf.count, buf[pos] == UInt8(ascii: "{") else { return nil }
        var seenObject: [String: JSONValue] = [:]
        if !lit("{}") {
            var p = CanonicalJSON.Parser(buf: buf, pos: pos)
            guard let v = try? p.value(depth: 1), case .object(let o) = v else { return nil }
            pos = p.pos
            seenObject = o
        }
        guard lit(",\"seq\":") else { return nil }
        // 1 ... Int32.max, shortest form.
        let digitsAt = pos
        var seq = 0
        while pos < buf.count, buf[pos] >= 0x30, buf[pos] <= 0x39, pos - digitsAt < 10 {
            seq = seq * 10 + Int(buf[pos] - 0x30); pos += 1
        }
        guard pos > digitsAt, buf[digitsAt] != 0x30, seq <= Int(Int32.max) else { return nil }
        guard lit(",\"signer\":\""), let signerBytes = plain(), FastID.isSafe(bytes: signerBytes) else { return nil }
        guard lit(",\"v\":2}"), pos == buf.count else { return nil }
        let signer = FastText.string(signerBytes)!
        let seen: [String: Int]
        if seenObject.isEmpty { seen = [:] } else {
            guard let s = Record.seenVector(seenObject, signer: signer) else { return nil }
            seen = s
        }
        return Record(v: 2, kind: kind, program: program, signer: signer, seq: seq,
                      prev: FastText.string(prevBytes)!, created: FastText.string(createdBytes)!,
                      gov: FastText.string(govBytes)!, seen: seen, body: body)
    }
}

enum FastText {
    /// The string of UTF-8 bytes, nil when they are not valid UTF-8 (as `String(validating:)`).
    static func string(_ u: UnsafeBufferPointer<UInt8>) -> String? {
        var ascii = true
        for c in u where c >= 0x80 { ascii = false; break }
        if ascii { return String(decoding: u, as: UTF8.self) }
        return String(validating: u, as: UTF8.self)
    }
}

enum FastPath {
    /// "records/MEMBER/NNN/NNNNNN.json", as `RecordFileName.path(member:seq:)`, built in one
    /// allocation (seqs below 1,000,000: three-digit folder, six-digit name).
    static func record(member: String, seq: Int) -> String {
        guard seq >= 0, seq <= 999_999 else { return RecordFileName.path(member: member, seq: seq) }
        let m = member.utf8.count
        let total = 8 + m + 1 + 4 + 6 + 5
        return String(unsafeUninitializedCapacity: total) { out in
            var n = 0
            func put(_ s: StaticString) {
                let p = s.utf8Start
                for i in 0..<s.utf8CodeUnitCount { out[n] = p[i]; n += 1 }
            }
            put("records/")
            for c in member.utf8 { out[n] = c; n += 1 }
            put("/")
            var v = seq / RecordFileName.perFolder
            for i in stride(from: 2, through: 0, by: -1) { out[n + i] = UInt8(0x30 + v % 10); v /= 10 }
            n += 3
            put("/")
            v = seq
            for i in stride(from: 5, through: 0, by: -1) { out[n + i] = UInt8(0x30 + v % 10); v /= 10 }
            n += 6
            put(".json")
            return n
        }
    }
}
