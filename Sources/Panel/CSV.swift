import Foundation

/// A small RFC 4180 reader that remembers where every record starts, so that errors name a line.
/// Records end at CRLF, LF or a lone CR; fields are separated by commas; a field in double quotes
/// may hold commas, line breaks and doubled quotes ("").
public enum CSV {
    public struct Record: Hashable, Sendable {
        /// The physical line (1-based) the record starts on.
        public var line: Int
        public var fields: [String]
        public init(line: Int, fields: [String]) { self.line = line; self.fields = fields }
        /// True when every field is empty (a blank line, or a row of commas as spreadsheets save it).
        public var isBlank: Bool { fields.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
    }

    /// Parses `text` (already decoded; a leading BOM is ignored). Throws `InputError` naming `path`
    /// and the line for an unterminated quote or text after a closing quote.
    public static func parse(_ text: String, path: String) throws -> [Record] {
        // Works on the UTF-8 bytes: the delimiters are ASCII, which never occur inside a
        // multi-byte sequence.
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        field.reserveCapacity(256)
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var quoteLine = 1
        var afterQuote = false      // just closed a quoted field: only , or a line end may follow
        var fieldStarted = false    // anything seen in the current record
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            afterQuote = false
        }
        func endRecord() {
            endField()
            records.append(Record(line: recordLine, fields: fields))
            fields = []
            fieldStarted = false
        }

        var utf8 = Array(text.utf8)
        if utf8.starts(with: [0xEF, 0xBB, 0xBF]) { utf8.removeFirst(3) }
        let n = utf8.count
        var i = 0
        while i < n {
            let c = utf8[i]
            if inQuotes {
                if c == quote {
                    if i + 1 < n && utf8[i + 1] == quote {
                        field.append(quote); i += 2; continue
                    }
                    inQuotes = false; afterQuote = true; i += 1; continue
                }
                if c == cr {
                    // CRLF (or a lone CR) inside a quoted field is one line break, kept as "\n".
                    field.append(lf); line += 1
                    if i + 1 < n && utf8[i + 1] == lf { i += 1 }
                    i += 1; continue
                }
                if c == lf { line += 1 }
                field.append(c); i += 1; continue
            }
            switch c {
            case comma:
                endField(); fieldStarted = true; i += 1
            case cr, lf:
                if c == cr && i + 1 < n && utf8[i + 1] == lf { i += 1 }
                endRecord()
                line += 1; recordLine = line; i += 1
            case quote where field.isEmpty && !afterQuote:
                inQuotes = true; quoteLine = line; fieldStarted = true; i += 1
            default:
                if afterQuote {
                    let shown = String(decoding: utf8[i..<min(n, i + 4)], as: UTF8.self).first.map(String.init) ?? "?"
                    throw InputError(path: path, line: line, field: columnName(fields.count + 1),
                                     message: localized("右引号之后出现了多余的字符“\(shown)”（字段内的引号须写成两个 \"\"）",
                                                        "unexpected character '\(shown)' after a closing quote (write a quote inside a field as \"\")"))
                }
                field.append(c); fieldStarted = true; i += 1
            }
        }
        if inQuotes {
            throw InputError(path: path, line: quoteLine, field: columnName(fields.count + 1),
                             message: localized("引号未闭合：从第 \(quoteLine) 行开始的带引号字段直到文件末尾都没有结束",
                                                "unterminated quote: the quoted field opened on line \(quoteLine) runs to the end of the file"))
        }
        if fieldStarted || !field.isEmpty || afterQuote { endRecord() }
        return records
    }

    /// One field of an export meant for a spreadsheet (rank, export): formula-leading text
    /// neutralised, then written by `escape`.
    public static func exportField(_ s: String) -> String { escape(neutralised(s)) }

    /// One field written for CSV: quoted when it holds a comma, quote or line break (RFC 4180;
    /// `parse` reads back exactly what was written).
    public static func escape(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    /// CSV injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with `=`,
    /// `+`, `-` or `@` (and, in some, a tab or carriage return) as a formula — DDE, HYPERLINK,
    /// WEBSERVICE… A dossier name or comment such a cell holds is prefixed with `'`, which the
    /// spreadsheet shows as text and does not display. Two kinds of cell are left as they are,
    /// because they cannot call anything: a number (`-3`, `-0.25`, `+7`; a negative score is
    /// a number, not text), and a lone `-` (the placeholder for "no value"). A fraction like
    /// `-7/2` is prefixed (a spreadsheet would compute it).
    public static func neutralised(_ s: String) -> String {
        guard let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return s }
        if s == "-" || isNumber(s) { return s }
        return "'" + s
    }

    /// An optional sign, digits, and optionally '.' and digits.
    static func isNumber(_ s: String) -> Bool {
        var u = Substring(s).utf8
        if let f = u.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") { u = u.dropFirst() }
        let parts = u.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty else { return false }
        let digit: (UInt8) -> Bool = { $0 >= 0x30 && $0 <= 0x39 }
        guard whole.allSatisfy(digit) else { return false }
        if parts.count == 2 { return !parts[1].isEmpty && parts[1].allSatisfy(digit) }
        return true
    }

    /// Rows written as CSV with CRLF line ends (as spreadsheets expect).
    public static func write(_ rows: [[String]]) -> String {
        rows.map { $0.map(escape).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }
}

/// The language of errors thrown by import and validation (`InputError` messages).
public enum PanelMessages {
    /// Set around a call to choose the language of its errors, e.g. from `--lang`:
    /// `PanelMessages.$language.withValue(.en) { try DossierImport.read(…) }`.
    /// Unset: LC_ALL / LC_MESSAGES / LANG, else zh-CN (design.md §5).
    @TaskLocal public static var language: Language?
}

/// A message for an error thrown where the caller did not pass a language.
public func localized(_ zh: String, _ en: String) -> String {
    (PanelMessages.language ?? Language.resolve(flag: nil)).pick(zh, en)
}

/// How errors name a CSV column without a header: "第 3 列" / "column 3".
func columnName(_ n: Int) -> String { localized("第 \(n) 列", "column \(n)") }
