import Foundation

/// Plain-text tables whose columns line up in a terminal: widths are measured in cells
/// (`DisplayWidth`: a Chinese character takes two), never in characters or bytes.
public enum TextTable {
    /// Renders `headers` and `rows` with two spaces between columns and a rule of '-' under the
    /// header. Line breaks and tabs inside a cell become spaces, other controls, bidi and
    /// zero-width characters are made visible (`TerminalText`); a cell wider than
    /// `maxColumnWidth` cells is cut with "…" (never inside a wide character). Rows shorter than
    /// the header are padded with blanks. Trailing spaces are trimmed from every line.
    public static func render(headers: [String], rows: [[String]], alignRight: Set<Int> = [], maxColumnWidth: Int? = nil) -> String {
        let columns = max(headers.count, rows.map(\.count).max() ?? 0)
        func cell(_ s: String) -> String {
            var t = s.replacingOccurrences(of: "\r\n", with: " ")
            t = String(t.map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 })
            // Before measuring: a made-visible control takes the cells it will be shown in.
            t = TerminalText.sanitize(t)
            if let m = maxColumnWidth { t = DisplayWidth.truncate(t, to: m) }
            return t
        }
        let head = (0..<columns).map { $0 < headers.count ? cell(headers[$0]) : "" }
        let body = rows.map { r in (0..<columns).map { $0 < r.count ? cell(r[$0]) : "" } }
        var widths = head.map(DisplayWidth.of)
        for r in body { for (i, c) in r.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(c)) } }
        func line(_ r: [String]) -> String {
            var out = ""
            for (i, c) in r.enumerated() {
                if i > 0 { out += "  " }
                out += DisplayWidth.pad(c, to: widths[i], alignRight: alignRight.contains(i))
            }
            while out.hasSuffix(" ") { out.removeLast() }
            return out
        }
        var lines = [line(head)]
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines.append(contentsOf: body.map(line))
        return lines.joined(separator: "\n") + "\n"
    }
}
