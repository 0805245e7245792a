import Foundation

/// Decoding the bytes of an imported file: UTF-8 (with or without BOM) or GB18030, the encoding
/// Chinese Excel saves "CSV (逗号分隔)" in.
public enum TextDecoding {
    public static let gb18030 = String.Encoding(rawValue: 0x80000632)

    /// The offset of the first byte that is not part of a well-formed UTF-8 sequence, or nil.
    public static func firstInvalidUTF8(_ b: [UInt8]) -> Int? {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            var need = 0
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return i
            }
            for k in 1...need {
                guard i + k < n else { return i }
                let t = b[i + k]
                if k == 1 { if t < lo || t > hi { return i } } else if t < 0x80 || t > 0xBF { return i }
            }
            i += need + 1
        }
        return nil
    }

    /// The offset of the first byte that cannot start or continue a GB18030 sequence, or nil.
    /// One byte 00–7F; two bytes 81–FE then 40–7E or 80–FE; four bytes 81–FE 30–39 81–FE 30–39.
    public static func firstInvalidGB18030(_ b: [UInt8]) -> Int? {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            guard c >= 0x81 && c <= 0xFE, i + 1 < n else { return i }
            let t = b[i + 1]
            if (t >= 0x40 && t <= 0x7E) || (t >= 0x80 && t <= 0xFE) { i += 2; continue }
            if t >= 0x30 && t <= 0x39 {
                guard i + 3 < n, b[i + 2] >= 0x81, b[i + 2] <= 0xFE, b[i + 3] >= 0x30, b[i + 3] <= 0x39 else { return i }
                i += 4; continue
            }
            return i
        }
        return nil
    }

    /// The 1-based line of byte `offset` (counting LF, and CR not followed by LF).
    public static func line(ofOffset offset: Int, in b: [UInt8]) -> Int {
        var line = 1
        var i = 0
        while i < min(offset, b.count) {
            if b[i] == 0x0A { line += 1 } else if b[i] == 0x0D && (i + 1 >= b.count || b[i + 1] != 0x0A) { line += 1 }
            i += 1
        }
        return line
    }

    /// Decodes `data` as `encoding`; `.auto` takes UTF-8 when the bytes are valid UTF-8 (a BOM
    /// says so too), else GB18030. Throws `InputError` naming the line of the first bad byte.
    public static func decode(_ data: Data, path: String, encoding: DossierImport.Encoding) throws -> (text: String, encoding: DossierImport.Encoding) {
        let bytes = [UInt8](data)
        let hadBOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        func badBytes(_ offset: Int, _ what: String) -> InputError {
            let shown = bytes[offset..<min(bytes.count, offset + 4)].map { String(format: "%02X", $0) }.joined(separator: " ")
            return InputError(path: path, line: line(ofOffset: offset, in: bytes), field: nil,
                              message: localized("第 \(offset + 1) 字节起（\(shown)）不是有效的\(what)编码",
                                                 "the bytes at offset \(offset + 1) (\(shown)) are not valid \(what)"))
        }
        // UTF-32's byte-order marks (Unicode §23.8: FF FE 00 00 little-endian, 00 00 FE FF
        // big-endian) before UTF-16's, whose FF FE begins the little-endian UTF-32 one.
        if bytes.count >= 4 && ((bytes[0] == 0xFF && bytes[1] == 0xFE && bytes[2] == 0 && bytes[3] == 0)
                                || (bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0xFE && bytes[3] == 0xFF)) {
            throw InputError(path: path, line: 1,
                             message: localized("这是 UTF-32 文件：请另存为“CSV UTF-8（逗号分隔）”或“CSV（逗号分隔）”",
                                                "this is a UTF-32 file: save it as \"CSV UTF-8 (Comma delimited)\" or \"CSV (Comma delimited)\""))
        }
        if bytes.count >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)) {
            throw InputError(path: path, line: 1,
                             message: localized("这是 UTF-16 文件（Excel 的“Unicode 文本”）：请另存为“CSV UTF-8（逗号分隔）”或“CSV（逗号分隔）”",
                                                "this is a UTF-16 file (Excel's \"Unicode Text\"): save it as \"CSV UTF-8 (Comma delimited)\" or \"CSV (Comma delimited)\""))
        }
        func utf8() throws -> String {
            // The text after the BOM; `bytes` stays the whole file, which `badBytes` offsets
            // (and quotes) count in.
            let text = hadBOM ? bytes[3...] : bytes[...]
            if let bad = firstInvalidUTF8(Array(text)) { throw badBytes(bad + (hadBOM ? 3 : 0), "UTF-8") }
            return String(decoding: text, as: UTF8.self)
        }
        func gb() throws -> String {
            if let bad = firstInvalidGB18030(bytes) { throw badBytes(bad, "GB18030") }
            guard let s = String(data: Data(bytes), encoding: gb18030) else {
                throw InputError(path: path, message: localized("无法按 GB18030 解码", "cannot decode as GB18030"))
            }
            return s.hasPrefix("\u{FEFF}") ? String(s.dropFirst()) : s
        }
        switch encoding {
        case .utf8: return (try utf8(), .utf8)
        case .gb18030: return (try gb(), .gb18030)
        case .auto:
            if hadBOM || firstInvalidUTF8(bytes) == nil { return (try utf8(), .utf8) }
            if let badGB = firstInvalidGB18030(bytes) {
                // Report the place of the encoding that got further: that is the one the file
                // was meant to be in.
                let badU = firstInvalidUTF8(bytes) ?? 0
                let bad = max(badGB, badU)
                let likely = badU >= badGB ? "UTF-8" : "GB18030"
                throw InputError(path: path, line: line(ofOffset: bad, in: bytes), field: nil,
                                 message: localized("第 \(bad + 1) 字节起的内容既不是 UTF-8 也不是 GB18030（此前的内容像 \(likely)；可用 --encoding 指定编码）",
                                                    "the bytes at offset \(bad + 1) are neither UTF-8 nor GB18030 (the text before looks like \(likely); use --encoding to choose one)"))
            }
            return (try gb(), .gb18030)
        }
    }
}
