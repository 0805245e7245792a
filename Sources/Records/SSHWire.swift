import Foundation
import Panel

/// SSH wire encoding (RFC 4251 §5): uint32 big-endian, string = uint32 length + bytes.
struct SSHWriter {
    var bytes: [UInt8] = []
    init() { bytes.reserveCapacity(128) }
    mutating func u32(_ v: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: v >> 24)); bytes.append(UInt8(truncatingIfNeeded: v >> 16))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8)); bytes.append(UInt8(truncatingIfNeeded: v))
    }
    mutating func byte(_ b: UInt8) { bytes.append(b) }
    mutating func raw<C: Collection>(_ d: C) where C.Element == UInt8 { bytes.append(contentsOf: d) }
    mutating func string<C: Collection>(_ d: C) where C.Element == UInt8 { u32(UInt32(d.count)); bytes.append(contentsOf: d) }
    mutating func string(_ s: String) { string(Array(s.utf8)) }
    var data: Data { Data(bytes) }
}

struct SSHReader {
    let bytes: [UInt8]
    var pos = 0
    let what: String
    init<C: Collection>(_ d: C, what: String) where C.Element == UInt8 { bytes = Array(d); self.what = what }
    var atEnd: Bool { pos == bytes.count }
    var remaining: Int { bytes.count - pos }

    func truncated() -> RecordsError {
        RecordsError("\(what)：数据不完整", "\(what): truncated data")
    }
    mutating func u32() throws -> UInt32 {
        guard remaining >= 4 else { throw truncated() }
        let v = UInt32(bytes[pos]) << 24 | UInt32(bytes[pos + 1]) << 16 | UInt32(bytes[pos + 2]) << 8 | UInt32(bytes[pos + 3])
        pos += 4
        return v
    }
    mutating func byte() throws -> UInt8 {
        guard remaining >= 1 else { throw truncated() }
        pos += 1
        return bytes[pos - 1]
    }
    mutating func raw(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, remaining >= n else { throw truncated() }
        pos += n
        return bytes[(pos - n)..<pos]
    }
    mutating func string() throws -> ArraySlice<UInt8> {
        let n = Int(try u32())
        return try raw(n)
    }
    mutating func text() throws -> String {
        let s = try string()
        guard let t = String(validating: s, as: UTF8.self) else {
            throw RecordsError("\(what)：字符串不是有效的 UTF-8", "\(what): string is not valid UTF-8")
        }
        return t
    }
    /// Reads an exact expected string (e.g. a key type or magic).
    mutating func expect(_ s: String, field: String) throws {
        let got = try string()
        guard got.elementsEqual(s.utf8) else {
            let g = String(decoding: got, as: UTF8.self)
            throw RecordsError("\(what)：\(field) 应为 “\(s)”，实为 “\(g)”", "\(what): \(field) should be '\(s)', is '\(g)'")
        }
    }
}

enum Armor {
    /// Base64, wrapped at `width` columns, between BEGIN/END lines, ending in a newline.
    static func wrap(_ bytes: [UInt8], label: String, width: Int = 70) -> String {
        let b64 = Data(bytes).base64EncodedString()
        var out = "-----BEGIN \(label)-----\n"
        var i = b64.startIndex
        while i < b64.endIndex {
            let j = b64.index(i, offsetBy: width, limitedBy: b64.endIndex) ?? b64.endIndex
            out += b64[i..<j]; out += "\n"
            i = j
        }
        out += "-----END \(label)-----\n"
        return out
    }

    /// The same, straight from file bytes (no String in between).
    static func unwrap<C: Collection>(bytes text: C, label: String) -> [UInt8]? where C.Element == UInt8, C.Index == Int {
        let begin = Array("-----BEGIN \(label)-----".utf8), end = Array("-----END \(label)-----".utf8)
        guard let b = find(begin, in: text, from: text.startIndex) else { return nil }
        let from = b + begin.count
        guard let e = find(end, in: text, from: from) else { return nil }
        return Base64.decode(text[from..<e])
    }

    static func find<C: Collection>(_ needle: [UInt8], in hay: C, from: Int) -> Int? where C.Element == UInt8, C.Index == Int {
        guard !needle.isEmpty, hay.endIndex - from >= needle.count else { return nil }
        let first = needle[0]
        var i = from
        let last = hay.endIndex - needle.count
        while i <= last {
            if hay[i] == first {
                var j = 1
                while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// The bytes between the BEGIN/END lines of `label`, or nil when the armor is not there.
    static func unwrap(_ text: String, label: String) -> [UInt8]? {
        let begin = "-----BEGIN \(label)-----", end = "-----END \(label)-----"
        guard let b = text.range(of: begin), let e = text.range(of: end, range: b.upperBound..<text.endIndex) else { return nil }
        return Base64.decode(text.utf8[b.upperBound..<e.lowerBound])
    }
}

/// A small, strict base64 decoder that skips ASCII white space (armor line breaks).
enum Base64 {
    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    static func decode<C: Sequence>(_ chars: C) -> [UInt8]? where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        var acc: UInt32 = 0, n = 0, pad = 0
        for c in chars {
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { continue }
            if c == UInt8(ascii: "=") { pad += 1; continue }
            if pad > 0 { return nil }
            let v = table[Int(c)]
            if v == 0xFF { return nil }
            acc = acc << 6 | UInt32(v); n += 1
            if n == 4 {
                out.append(UInt8(truncatingIfNeeded: acc >> 16)); out.append(UInt8(truncatingIfNeeded: acc >> 8)); out.append(UInt8(truncatingIfNeeded: acc))
                acc = 0; n = 0
            }
        }
        switch n {
        case 0: guard pad == 0 else { return nil }
        case 2: out.append(UInt8(truncatingIfNeeded: acc >> 4)); guard pad == 0 || pad == 2 else { return nil }
        case 3: out.append(UInt8(truncatingIfNeeded: acc >> 10)); out.append(UInt8(truncatingIfNeeded: acc >> 2)); guard pad == 0 || pad == 1 else { return nil }
        default: return nil
        }
        return out
    }

    /// C's isspace() in the C locale: space, \t, \n, \v, \f, \r.
    @inline(__always)
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }

    /// Base64 exactly as OpenSSH decodes a signature (`sshbuf_b64tod` → `b64_pton`,
    /// openbsd-compat/base64.c): white space (isspace) skipped anywhere; the data must end on a
    /// whole quantum, or with "=" / "==" (white space allowed around them) and nothing but white
    /// space after; "=" in a quantum's first or second place is an error; the unused bits before
    /// the padding must be zero ("a subliminal channel" otherwise). Writes into `out`; nil when
    /// invalid, or longer than `out` (callers that must answer give room for every byte).
    static func pton(_ chars: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        let cap = out.count
        var o = 0, state = 0
        var next: UInt8 = 0   // the bits of the byte being assembled
        var i = 0
        let n = chars.count
        return table.withUnsafeBufferPointer { table -> Int? in
            while i < n {
                let c = chars[i]; i += 1
                if isSpace(c) { continue }
                if c == UInt8(ascii: "=") {
                    switch state {
                    case 2:
                        // One byte of information: a second "=" must follow (white space between).
                        while i < n, isSpace(chars[i]) { i += 1 }
                        guard i < n, chars[i] == UInt8(ascii: "=") else { return nil }
                        i += 1
                    case 3:
                        break
                    default:
                        return nil
                    }
                    while i < n { guard isSpace(chars[i]) else { return nil }; i += 1 }
                    return next == 0 ? o : nil
                }
                let v = table[Int(c)]
                if v == 0xFF { return nil }
                switch state {
                case 0:
                    next = v << 2; state = 1
                case 1:
                    guard o < cap else { return nil }
                    out[o] = next | v >> 4; o += 1; next = (v & 0x0F) << 4; state = 2
                case 2:
                    guard o < cap else { return nil }
                    out[o] = next | v >> 2; o += 1; next = (v & 0x03) << 6; state = 3
                default:
                    guard o < cap else { return nil }
                    out[o] = next | v; o += 1; next = 0; state = 0
                }
            }
            // The end of the text without padding: no partial byte may be left.
            return state == 0 ? o : nil
        }
    }

    /// `pton` into a new array (room for every byte).
    static func ptonDecode<C: Collection>(_ chars: C) -> [UInt8]? where C.Element == UInt8 {
        let text = Array(chars)
        var out = [UInt8](repeating: 0, count: text.count / 4 * 3 + 3)
        let n = text.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { pton(src, into: $0) } }
        guard let n else { return nil }
        out.removeSubrange(n...)
        return out
    }
}

/// The armour of an SSH signature, read exactly as `ssh-keygen -Y verify` reads it
/// (OpenSSH sshsig.c `sshsig_dearmor`, PROTOCOL.sshsig §"Armored format"):
///
/// - the file starts with "-----BEGIN SSH SIGNATURE-----" and a line feed: nothing before it,
///   not even white space. OpenSSH 9.5 and later also take "\r\n" there (commit 1ee0a16e,
///   sshsig.c 1.33); 8.1–9.4 do not (sshsig.c 1.32: BEGIN_SIGNATURE ends in "\n"). A record
///   must verify with every ssh-keygen that reads SSHSIG, so we take the rule both keep: "\n".
/// - the base64 ends at the first "\n-----END SSH SIGNATURE-----" after the header line; whatever
///   follows the footer is ignored (`sshbuf_consume_end`), as ssh-keygen ignores it.
/// - the base64 text may hold a NUL only as its last byte (`sshbuf_dup_string`), and is decoded
///   by `Base64.pton` (`sshbuf_b64tod` → `b64_pton`): carriage returns, blank lines, trailing
///   spaces and any line length are white space to it.
enum SSHSigArmor {
    static let header = Array("-----BEGIN SSH SIGNATURE-----\n".utf8)
    static let footer = Array("\n-----END SSH SIGNATURE-----".utf8)

    enum Refusal: Error {
        case header, footer, nul, base64
        var error: RecordsError {
            switch self {
            case .header:
                return RecordsError("不是 SSH 签名：文件须以 “-----BEGIN SSH SIGNATURE-----” 和换行（LF）开头（与 ssh-keygen 一致）",
                                    "not an SSH signature: the file must start with '-----BEGIN SSH SIGNATURE-----' and a line feed (LF), as ssh-keygen requires")
            case .footer:
                return RecordsError("SSH 签名缺少单独成行的 “-----END SSH SIGNATURE-----”", "the SSH signature has no '-----END SSH SIGNATURE-----' line")
            case .nul:
                return RecordsError("SSH 签名的 base64 中有 NUL 字节", "the SSH signature's base64 holds a NUL byte")
            case .base64:
                return RecordsError("SSH 签名的 base64 无效（ssh-keygen 的 b64_pton 规则）", "the SSH signature's base64 is invalid (ssh-keygen's b64_pton rules)")
            }
        }
    }

    /// Where the base64 text lies in the file's bytes.
    static func body(_ text: UnsafeBufferPointer<UInt8>) -> Result<Range<Int>, Refusal> {
        guard text.count >= header.count else { return .failure(.header) }
        for i in 0..<header.count where text[i] != header[i] { return .failure(.header) }
        let from = header.count
        guard let e = Armor.find(footer, in: text, from: from) else { return .failure(.footer) }
        var end = e
        // A NUL is taken only as the last byte of the base64 text.
        for i in from..<e where text[i] == 0 {
            guard i == e - 1 else { return .failure(.nul) }
            end = i
        }
        return .success(from..<end)
    }

    /// The decoded SSHSIG blob of a .sig file.
    static func decode(_ bytes: [UInt8]) -> Result<[UInt8], Refusal> {
        bytes.withUnsafeBufferPointer { text -> Result<[UInt8], Refusal> in
            switch body(text) {
            case .failure(let r): return .failure(r)
            case .success(let range):
                guard let blob = Base64.ptonDecode(UnsafeBufferPointer(rebasing: text[range])) else { return .failure(.base64) }
                return .success(blob)
            }
        }
    }
}

enum Hex {
    static let digits = Array("0123456789abcdef".utf8)
    static func encode<C: Sequence>(_ bytes: C) -> String where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
    /// Lowercase hex only.
    static func decode(_ s: String) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count % 2 == 0 else { return nil }
        func v(_ c: UInt8) -> UInt8? {
            switch c { case 0x30...0x39: return c - 0x30; case 0x61...0x66: return c - 0x61 + 10; default: return nil }
        }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let h = v(u[i]), let l = v(u[i + 1]) else { return nil }
            out.append(h << 4 | l); i += 2
        }
        return out
    }
}
