import Foundation
import Panel

/// Canonical JSON values: strings, integers, arrays, objects only. Not `indirect`: arrays and
/// objects hold their elements on the heap already, so strings and integers need no box of their own.
public enum JSONValue: Hashable, Sendable {
    case string(String)
    case int(Int64)
    case array([JSONValue])
    case object([String: JSONValue])

    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var int: Int64? { if case .int(let i) = self { return i }; return nil }
    public var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var object: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
    public subscript(key: String) -> JSONValue? { if case .object(let o) = self { return o[key] }; return nil }
    public subscript(index: Int) -> JSONValue? {
        if case .array(let a) = self, a.indices.contains(index) { return a[index] }
        return nil
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var o: [String: JSONValue] = [:]
        for (k, v) in elements { o[k] = v }
        self = .object(o)
    }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { String(decoding: CanonicalJSON.encode(self), as: UTF8.self) }
}

/// The one byte form of a JSON value that records are signed in: object keys sorted by their
/// UTF-8 bytes, no white space, integers in shortest form, strings as UTF-8 with only `"`, `\`
/// and control characters escaped (`\b \f \n \r \t`, else `\u00xx` in lowercase hex).
public enum CanonicalJSON {
    public static func encode(_ v: JSONValue) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        encode(v, into: &out)
        return Data(out)
    }

    public static func encode(_ v: JSONValue, into out: inout [UInt8]) {
        switch v {
        case .string(let s): encodeString(s, into: &out)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (n, e) in a.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                encode(e, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for (n, k) in sortedKeys(o).enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                encodeString(k, into: &out)
                out.append(UInt8(ascii: ":"))
                encode(o[k]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func sortedKeys(_ o: [String: JSONValue]) -> [String] {
        o.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static func encodeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(b)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(b)
            case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out.append(Hex.digits[Int(b >> 4)]); out.append(Hex.digits[Int(b & 15)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Where and why bytes are not canonical JSON.
    public struct DecodeError: Error, CustomStringConvertible, Equatable, Sendable {
        /// Byte offset (0-based).
        public var offset: Int
        public var zh: String
        public var en: String
        public var description: String { RecordsError.currentLanguage.pick("第 \(offset) 字节：\(zh)", "byte \(offset): \(en)") }
        public func message(_ lang: Language) -> String { lang.pick("第 \(offset) 字节：\(zh)", "byte \(offset): \(en)") }
    }

    /// Strict: rejects invalid UTF-8, floats, exponents, booleans, null, duplicate or unsorted
    /// keys, white space, leading zeros, "-0", escapes that are not the canonical ones, and
    /// anything after the value.
    public static func decode(_ d: Data) throws -> JSONValue {
        try d.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            var p = Parser(buf: buf.bindMemory(to: UInt8.self))
            let v = try p.value(depth: 0)
            guard p.pos == p.buf.count else { throw p.fail("值之后还有多余内容", "trailing bytes after the value") }
            return v
        }
    }

    struct Parser {
        let buf: UnsafeBufferPointer<UInt8>
        var pos = 0
        static let maxDepth = 64

        func fail(_ zh: String, _ en: String) -> DecodeError { DecodeError(offset: pos, zh: zh, en: en) }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < Parser.maxDepth else { throw fail("嵌套过深", "nesting too deep") }
            guard pos < buf.count else { throw fail("数据意外结束", "unexpected end of data") }
            switch buf[pos] {
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .int(try integer())
            case UInt8(ascii: "["):
                pos += 1
                var a: [JSONValue] = []
                if pos < buf.count, buf[pos] == UInt8(ascii: "]") { pos += 1; return .array(a) }
                while true {
                    a.append(try value(depth: depth + 1))
                    guard pos < buf.count else { throw fail("数组未结束", "unterminated array") }
                    if buf[pos] == UInt8(ascii: ",") { pos += 1; continue }
                    if buf[pos] == UInt8(ascii: "]") { pos += 1; return .array(a) }
                    throw fail("数组中应为 “,” 或 “]”", "expected ',' or ']' in array")
                }
            case UInt8(ascii: "{"):
                pos += 1
                var o: [String: JSONValue] = [:]
                if pos < buf.count, buf[pos] == UInt8(ascii: "}") { pos += 1; return .object(o) }
                o.reserveCapacity(4)  // a record body and its points: one allocation, not three
                var lastKey: String? = nil
                while true {
                    guard pos < buf.count, buf[pos] == UInt8(ascii: "\"") else { throw fail("对象中应为键（字符串）", "expected a string key in object") }
                    let keyStart = pos
                    let key = try string()
                    if let last = lastKey {
                        if last.utf8.elementsEqual(key.utf8) {
                            pos = keyStart; throw fail("重复的键 “\(key)”", "duplicate key '\(key)'")
                        }
                        if !last.utf8.lexicographicallyPrecedes(key.utf8) {
                            pos = keyStart; throw fail("键 “\(key)” 未按字节顺序排列", "key '\(key)' is out of byte order")
                        }
                    }
                    lastKey = key
                    guard pos < buf.count, buf[pos] == UInt8(ascii: ":") else { throw fail("键之后应为 “:”", "expected ':' after key") }
                    pos += 1
                    o[key] = try value(depth: depth + 1)
                    guard pos < buf.count else { throw fail("对象未结束", "unterminated object") }
                    if buf[pos] == UInt8(ascii: ",") { pos += 1; continue }
                    if buf[pos] == UInt8(ascii: "}") { pos += 1; return .object(o) }
                    throw fail("对象中应为 “,” 或 “}”", "expected ',' or '}' in object")
                }
            case UInt8(ascii: "t"), UInt8(ascii: "f"): throw fail("不允许布尔值", "booleans are not allowed")
            case UInt8(ascii: "n"): throw fail("不允许 null", "null is not allowed")
            case 0x20, 0x09, 0x0A, 0x0D: throw fail("不允许空白", "white space is not allowed")
            default: throw fail("无效字符", "invalid character")
            }
        }

        mutating func integer() throws -> Int64 {
            let start = pos
            var neg = false
            if buf[pos] == UInt8(ascii: "-") { neg = true; pos += 1 }
            let digitsStart = pos
            var mag: UInt64 = 0
            while pos < buf.count, buf[pos] >= 0x30, buf[pos] <= 0x39 {
                let (m1, o1) = mag.multipliedReportingOverflow(by: 10)
                let (m2, o2) = m1.addingReportingOverflow(UInt64(buf[pos] - 0x30))
                if o1 || o2 { pos = start; throw fail("整数超出 64 位范围", "integer out of 64-bit range") }
                mag = m2; pos += 1
            }
            let n = pos - digitsStart
            if n == 0 { pos = start; throw fail("无效数字", "invalid number") }
            if n > 1 && buf[digitsStart] == 0x30 { pos = start; throw fail("整数不得有前导零", "integer with a leading zero") }
            if pos < buf.count, buf[pos] == UInt8(ascii: ".") || buf[pos] == UInt8(ascii: "e") || buf[pos] == UInt8(ascii: "E") {
                pos = start; throw fail("只允许整数（不允许小数或指数）", "only integers are allowed (no fractions or exponents)")
            }
            if neg {
                if mag == 0 { pos = start; throw fail("不允许 -0", "-0 is not allowed") }
                if mag > UInt64(Int64.max) + 1 { pos = start; throw fail("整数超出 64 位范围", "integer out of 64-bit range") }
                return mag == UInt64(Int64.max) + 1 ? Int64.min : -Int64(mag)
            }
            if mag > UInt64(Int64.max) { pos = start; throw fail("整数超出 64 位范围", "integer out of 64-bit range") }
            return Int64(mag)
        }

        mutating func string() throws -> String {
            pos += 1  // opening quote
            let start = pos
            var plain = true
            // Fast path: no escapes.
            while pos < buf.count {
                let b = buf[pos]
                if b == UInt8(ascii: "\"") { break }
                if b == UInt8(ascii: "\\") { plain = false; break }
                if b < 0x20 { throw fail("字符串中有未转义的控制字符", "unescaped control character in string") }
                pos += 1
            }
            guard pos < buf.count else { throw fail("字符串未结束", "unterminated string") }
            var bytes: [UInt8]
            if plain {
                let slice = UnsafeBufferPointer(rebasing: buf[start..<pos])
                pos += 1
                guard let s = FastText.string(slice) else {
                    pos = start; throw fail("字符串不是有效的 UTF-8", "string is not valid UTF-8")
                }
                return s
            }
            bytes = Array(buf[start..<pos])
            while true {
                guard pos < buf.count else { throw fail("字符串未结束", "unterminated string") }
                let b = buf[pos]
                if b == UInt8(ascii: "\"") { pos += 1; break }
                if b < 0x20 { throw fail("字符串中有未转义的控制字符", "unescaped control character in string") }
                if b != UInt8(ascii: "\\") { bytes.append(b); pos += 1; continue }
                guard pos + 1 < buf.count else { throw fail("字符串未结束", "unterminated string") }
                switch buf[pos + 1] {
                case UInt8(ascii: "\""): bytes.append(0x22); pos += 2
                case UInt8(ascii: "\\"): bytes.append(0x5C); pos += 2
                case UInt8(ascii: "b"): bytes.append(0x08); pos += 2
                case UInt8(ascii: "f"): bytes.append(0x0C); pos += 2
                case UInt8(ascii: "n"): bytes.append(0x0A); pos += 2
                case UInt8(ascii: "r"): bytes.append(0x0D); pos += 2
                case UInt8(ascii: "t"): bytes.append(0x09); pos += 2
                case UInt8(ascii: "u"):
                    // Only \u00xx (lowercase hex) for control characters without a short form.
                    guard pos + 5 < buf.count, buf[pos + 2] == 0x30, buf[pos + 3] == 0x30,
                          let h = hexDigit(buf[pos + 4]), let l = hexDigit(buf[pos + 5]) else {
                        throw fail("非规范的 \\u 转义", "non-canonical \\u escape")
                    }
                    let c = h << 4 | l
                    guard c < 0x20, ![0x08, 0x0C, 0x0A, 0x0D, 0x09].contains(c) else {
                        throw fail("非规范的 \\u 转义", "non-canonical \\u escape")
                    }
                    bytes.append(c); pos += 6
                default: throw fail("非规范的转义", "non-canonical escape")
                }
            }
            guard let s = String(validating: bytes, as: UTF8.self) else {
                pos = start; throw fail("字符串不是有效的 UTF-8", "string is not valid UTF-8")
            }
            return s
        }

        func hexDigit(_ c: UInt8) -> UInt8? {
            switch c { case 0x30...0x39: return c - 0x30; case 0x61...0x66: return c - 0x61 + 10; default: return nil }
        }
    }
}
