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
        var records: [Record] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var quoteLine = 1
        var afterQuote = false      // just closed a quoted field: only , or a line end may follow
        var fieldStarted = false    // anything seen in the current record
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var i = 0
        let n = scalars.count

        func endField() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            afterQuote = false
        }
        func endRecord() {
            endField()
            records.append(Record(line: recordLine, fields: fields))
            fields = []
            fieldStarted = false
        }

        while i < n {
            let c = scalars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < n && scalars[i + 1] == "\"" {
                        field.append("\""); i += 2; continue
                    }
                    inQuotes = false; afterQuote = true; i += 1; continue
                }
                if c == "\r" {
                    // CRLF inside a quoted field is one line break, kept as "\n".
                    field.append("\n"); line += 1
                    if i + 1 < n && scalars[i + 1] == "\n" { i += 1 }
                    i += 1; continue
                }
                if c == "\n" { line += 1 }
                field.append(c); i += 1; continue
            }
            switch c {
            case ",":
                endField(); fieldStarted = true; i += 1
            case "\r", "\n":
                if c == "\r" && i + 1 < n && scalars[i + 1] == "\n" { i += 1 }
                endRecord()
                line += 1; recordLine = line; i += 1
            case "\"" where field.isEmpty && !afterQuote:
                inQuotes = true; quoteLine = line; fieldStarted = true; i += 1
            default:
                if afterQuote {
                    throw InputError(path: path, line: line, field: columnName(fields.count + 1),
                                     message: localized("右引号之后出现了多余的字符“\(Character(c))”（字段内的引号须写成两个 \"\"）",
                                                                    "unexpected character '\(Character(c))' after a closing quote (write a quote inside a field as \"\")"))
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

    /// One field written for CSV output: quoted when it holds a comma, quote or line break.
    public static func escape(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    /// Rows written as CSV with CRLF line ends (as spreadsheets expect).
    public static func write(_ rows: [[String]]) -> String {
        rows.map { $0.map(escape).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }
}

/// A message for an error thrown where no caller chose the language: LC_ALL / LC_MESSAGES / LANG,
/// else zh-CN (design.md §5).
func localized(_ zh: String, _ en: String) -> String {
    Language.resolve(flag: nil).pick(zh, en)
}

/// How errors name a CSV column without a header: "第 3 列" / "column 3".
func columnName(_ n: Int) -> String { localized("第 \(n) 列", "column \(n)") }
