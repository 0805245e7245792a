import Foundation

/// Reads a dossier file written in the fixed form of `DossierImport.yaml(_:)` without a YAML
/// parser (10,000 dossiers through Yams took seconds). It accepts only that exact form:
///
///     id: "D00001"
///     fields:
///       name: "王建国"
///       deeds: |-
///         first line
///         second line
///
/// and returns nil for anything else (comments, other quoting, flow style, odd indentation,
/// duplicate keys…), in which case the caller decodes the file with Yams as before, so that
/// every error message and every accepted file stays exactly as it was.
public enum DossierFastReader {
    public static func parse(_ data: Data) -> Dossier? {
        data.withUnsafeBytes { raw -> Dossier? in
            parse(raw.bindMemory(to: UInt8.self))
        }
    }

    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Dossier? {
        // Split into lines; the file must end with a newline and hold no \r.
        var lines: [Range<Int>] = []
        lines.reserveCapacity(32)
        var start = 0
        for i in 0..<b.count {
            let c = b[i]
            if c == 0x0A { lines.append(start..<i); start = i + 1 } else if c == 0x0D { return nil }
        }
        guard start == b.count, lines.count >= 2 else { return nil }
        func line(_ k: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: b[lines[k]]) }
        func hasPrefix(_ l: UnsafeBufferPointer<UInt8>, _ p: StaticString) -> Bool {
            let n = p.utf8CodeUnitCount
            guard l.count >= n else { return false }
            let pp = p.utf8Start
            for i in 0..<n where l[i] != pp[i] { return false }
            return true
        }
        // id: "…"
        let first = line(0)
        guard hasPrefix(first, "id: "), let id = quoted(UnsafeBufferPointer(rebasing: first[4...])) else { return nil }
        let second = line(1)
        guard second.count == 7, hasPrefix(second, "fields:") else { return nil }
        var fields: [String: String] = [:]
        var k = 2
        while k < lines.count {
            let l = line(k)
            // "  key:" then " \"…\"" or " |" / " |-"
            guard l.count > 3, l[0] == 0x20, l[1] == 0x20, l[2] != 0x20 else { return nil }
            var j = 2
            while j < l.count, isKeyByte(l[j]) { j += 1 }
            guard j > 2, j < l.count, l[j] == 0x3A else { return nil }   // ':'
            let keyBytes = UnsafeBufferPointer(rebasing: l[2..<j])
            // a key YAML would read as something other than the plain string
            guard !(keyBytes[0] >= 0x30 && keyBytes[0] <= 0x39) else { return nil }
            let key = String(decoding: keyBytes, as: UTF8.self)
            if ["y", "n", "yes", "no", "on", "off", "true", "false", "null"].contains(key.lowercased()) { return nil }
            guard fields[key] == nil else { return nil }
            let rest = UnsafeBufferPointer(rebasing: l[(j + 1)...])
            if rest.count >= 2, rest[0] == 0x20, rest[1] == 0x22 {
                guard let v = quoted(UnsafeBufferPointer(rebasing: rest[1...])) else { return nil }
                fields[key] = v
                k += 1
            } else if rest.count == 2 && rest[0] == 0x20 && rest[1] == 0x7C || rest.count == 3 && rest[0] == 0x20 && rest[1] == 0x7C && rest[2] == 0x2D {
                let keep = rest.count == 2   // "|" keeps one final newline, "|-" none
                k += 1
                var parts: [String] = []
                while k < lines.count {
                    let bl = line(k)
                    if bl.isEmpty { parts.append(""); k += 1; continue }
                    guard bl.count > 4, bl[0] == 0x20, bl[1] == 0x20, bl[2] == 0x20, bl[3] == 0x20 else { break }
                    let content = UnsafeBufferPointer(rebasing: bl[4...])
                    for c in content where c < 0x20 || c == 0x7F { return nil }
                    guard let s = String(validating: content, as: UTF8.self) else { return nil }
                    parts.append(s)
                    k += 1
                }
                // The writer never leaves a block empty, starting with a space or ending in blank lines.
                guard let firstPart = parts.first, !firstPart.isEmpty, !firstPart.hasPrefix(" "), !firstPart.hasPrefix("\t"),
                      let lastPart = parts.last, !lastPart.isEmpty else { return nil }
                for p in parts where !p.isEmpty && p.allSatisfy({ $0 == " " }) { return nil }
                for p in parts where p.unicodeScalars.contains(where: { u in
                    let v = u.value
                    return (v >= 0x80 && v <= 0x9F) || v == 0x2028 || v == 0x2029 || v == 0xFEFF || v == 0xFFFE || v == 0xFFFF || v == 0x85
                }) { return nil }
                fields[key] = parts.joined(separator: "\n") + (keep ? "\n" : "")
            } else {
                return nil
            }
        }
        // Dossier(id:fields:) would add the id; the decoded file must already hold it.
        guard fields["id"] == id else { return nil }
        return Dossier(id: id, fields: fields)
    }

    static func isKeyByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D
    }

    /// A whole double-quoted scalar as `DossierImport.yamlQuoted` writes it (nothing after the
    /// closing quote), or nil.
    static func quoted(_ l: UnsafeBufferPointer<UInt8>) -> String? {
        guard l.count >= 2, l[0] == 0x22, l[l.count - 1] == 0x22 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(l.count)
        var i = 1
        let end = l.count - 1
        while i < end {
            let c = l[i]
            if c == 0x22 { return nil }
            if c < 0x20 || c == 0x7F { return nil }
            if c == 0x5C {   // backslash
                guard i + 1 < end else { return nil }
                let e = l[i + 1]
                switch e {
                case 0x22: out.append(0x22); i += 2
                case 0x5C: out.append(0x5C); i += 2
                case 0x6E: out.append(0x0A); i += 2
                case 0x74: out.append(0x09); i += 2
                case 0x72: out.append(0x0D); i += 2
                case 0x75:   // \uXXXX
                    guard i + 6 <= end else { return nil }
                    var v: UInt32 = 0
                    for h in l[(i + 2)..<(i + 6)] {
                        guard let d = hexDigit(h) else { return nil }
                        v = v * 16 + UInt32(d)
                    }
                    // Yams drops an escaped BOM at the start of a scalar: let it decide.
                    guard v != 0xFEFF, let u = Unicode.Scalar(v) else { return nil }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                    i += 6
                default: return nil
                }
                continue
            }
            out.append(c)
            i += 1
        }
        guard let s = String(validating: out, as: UTF8.self) else { return nil }
        // What the writer escapes must not appear raw (YAML would fold or refuse it).
        for u in s.unicodeScalars where u.value == 0x85 || u.value == 0x2028 || u.value == 0x2029 || u.value == 0xFEFF {
            // Raw in the file means someone else wrote it: let Yams decide.
            if rawContains(l, u) { return nil }
        }
        return s
    }

    static func rawContains(_ l: UnsafeBufferPointer<UInt8>, _ u: Unicode.Scalar) -> Bool {
        let needle = Array(String(Character(u)).utf8)
        guard l.count >= needle.count else { return false }
        for i in 0...(l.count - needle.count) where l[i] == needle[0] {
            if Array(l[i..<(i + needle.count)]) == needle { return true }
        }
        return false
    }

    static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}
