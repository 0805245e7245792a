import Foundation
import ZIPFoundation

/// Writes a workbook: the smallest set of SpreadsheetML parts that Excel, WPS and LibreOffice
/// open (ECMA-376 Part 1 §18, Part 2 for the package), built by hand and zipped with
/// ZIPFoundation (issue 15: `form --format xlsx`, `export … --format xlsx`).
///
/// Parts: `[Content_Types].xml`, `_rels/.rels`, `xl/workbook.xml` and its rels, `xl/styles.xml`
/// (a bold header, a text column format "@" so that an id like 001 or a phone number stays as
/// typed, two decimals for scores), `xl/sharedStrings.xml` (every text cell is a shared string,
/// `t="s"`: never a formula, so a cell reading `=HYPERLINK(…)` stays text), one
/// `xl/worksheets/sheetN.xml` per sheet (CT_Worksheet's element order: sheetViews, cols,
/// sheetData, dataValidations). A list validation (`type="list"`) takes its choices literally
/// (`"是,否"`) when they fit (no comma or quote, 255 characters in all, §18.3.1.32), else from a
/// hidden sheet of lists. Text goes through `TerminalText`'s rule (control, bidi and invisible
/// characters shown as `\u{…}`, line breaks kept): a spreadsheet is read by people, and XML 1.0
/// cannot hold most controls anyway. Entries are dated 1980-01-01 so the same input gives the
/// same bytes.
public enum XLSXWriter {
    public enum Value: Sendable, Hashable {
        case text(String)
        case number(String)
        case empty
    }

    public struct Validation: Sendable, Hashable {
        /// 1-based column, and the rows it covers.
        public var column: Int
        public var rows: ClosedRange<Int>
        public var choices: [String]
        public init(column: Int, rows: ClosedRange<Int>, choices: [String]) { self.column = column; self.rows = rows; self.choices = choices }
    }

    public struct Sheet: Sendable {
        public var name: String
        public var rows: [[Value]]
        /// Rows (from the top) in bold, kept in view when scrolling.
        public var headerRows: Int
        /// Column widths in characters (Excel's unit), by 1-based column; others default.
        public var widths: [Int: Int]
        /// Columns formatted as text (ids, phone numbers), so what is typed stays as typed.
        public var textColumns: Set<Int>
        /// Columns whose numbers show two decimals.
        public var decimalColumns: Set<Int>
        public var validations: [Validation]
        public var hidden: Bool
        public init(name: String, rows: [[Value]], headerRows: Int = 1, widths: [Int: Int] = [:], textColumns: Set<Int> = [],
                    decimalColumns: Set<Int> = [], validations: [Validation] = [], hidden: Bool = false) {
            self.name = name; self.rows = rows; self.headerRows = headerRows; self.widths = widths; self.textColumns = textColumns
            self.decimalColumns = decimalColumns; self.validations = validations; self.hidden = hidden
        }
    }

    static let mainNS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let pkgRelNS = "http://schemas.openxmlformats.org/package/2006/relationships"
    static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    /// The most rows a validation covers on a blank form (Excel's own lists stop wherever set).
    public static let formRows = 1000

    /// Text as XML character data or an attribute value (see the type's comment).
    static func xml(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in TerminalText.sanitize(s, keepLineBreaks: true).unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            default:
                // Noncharacters XML 1.0 does not allow (U+FFFE, U+FFFF) and their kin: visible.
                if HTMLText.isNoncharacter(u.value) {
                    out += TerminalText.visible(u)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    /// A sheet name Excel accepts (§18.2.19: 1–31 characters, none of : \ / ? * [ ], not
    /// starting or ending with '), made unique among `taken`.
    static func sheetName(_ s: String, taken: Set<String>) -> String {
        var n = String(TerminalText.sanitize(s).unicodeScalars.filter { !":\\/?*[]".unicodeScalars.contains($0) }.map(Character.init))
        while n.hasPrefix("'") { n.removeFirst() }
        while n.hasSuffix("'") { n.removeLast() }
        if n.isEmpty { n = "Sheet" }
        n = String(n.prefix(31))
        var candidate = n, k = 2
        while taken.contains(candidate.lowercased()) {
            let suffix = " (\(k))"
            candidate = String(n.prefix(31 - suffix.count)) + suffix
            k += 1
        }
        return candidate
    }

    public static func workbook(_ input: [Sheet]) throws -> Data {
        var sheets = input
        // Lists that cannot be literal go to a hidden sheet, one column each.
        var listColumns: [[String]] = []
        var listRefs: [Validation: Int] = [:]
        for s in sheets {
            for v in s.validations where !literalFits(v.choices) {
                listColumns.append(v.choices)
                listRefs[v] = listColumns.count
            }
        }
        var taken: Set<String> = []
        for i in sheets.indices {
            sheets[i].name = sheetName(sheets[i].name, taken: taken)
            taken.insert(sheets[i].name.lowercased())
        }
        var listSheetName = ""
        if !listColumns.isEmpty {
            listSheetName = sheetName("lists", taken: taken)
            let height = listColumns.map(\.count).max() ?? 0
            let rows: [[Value]] = (0..<height).map { r in listColumns.map { r < $0.count ? .text($0[r]) : .empty } }
            sheets.append(Sheet(name: listSheetName, rows: rows, headerRows: 0, hidden: true))
        }

        var strings: [String] = [], stringIndex: [String: Int] = [:]
        func shared(_ s: String) -> Int {
            if let i = stringIndex[s] { return i }
            strings.append(s); stringIndex[s] = strings.count - 1
            return strings.count - 1
        }
        var parts: [(String, String)] = []
        for (n, s) in sheets.enumerated() {
            var x = header + "<worksheet xmlns=\"\(mainNS)\" xmlns:r=\"\(relNS)\">"
            let lastCol = max(1, s.rows.map(\.count).max() ?? 1)
            x += "<dimension ref=\"A1:\(XLSXRef.name(col: lastCol, row: max(1, s.rows.count)))\"/>"
            x += "<sheetViews><sheetView workbookViewId=\"0\"" + (n == 0 ? " tabSelected=\"1\"" : "") + ">"
            if s.headerRows > 0, s.rows.count >= s.headerRows {
                x += "<pane ySplit=\"\(s.headerRows)\" topLeftCell=\"A\(s.headerRows + 1)\" activePane=\"bottomLeft\" state=\"frozen\"/>"
            }
            x += "</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>"
            let styled = Set(s.widths.keys).union(s.textColumns).union(s.decimalColumns).sorted()
            if !styled.isEmpty {
                x += "<cols>"
                for c in styled {
                    let style = s.textColumns.contains(c) ? " style=\"2\"" : ""
                    x += "<col min=\"\(c)\" max=\"\(c)\" width=\"\(s.widths[c] ?? 12)\" customWidth=\"1\"\(style)/>"
                }
                x += "</cols>"
            }
            x += "<sheetData>"
            for (ri, row) in s.rows.enumerated() {
                let r = ri + 1
                x += "<row r=\"\(r)\">"
                for (ci, v) in row.enumerated() {
                    let c = ci + 1, ref = XLSXRef.name(col: c, row: r)
                    let style = r <= s.headerRows ? 1 : (s.textColumns.contains(c) ? 2 : (s.decimalColumns.contains(c) ? 3 : 0))
                    let st = style == 0 ? "" : " s=\"\(style)\""
                    switch v {
                    case .empty: if style != 0 { x += "<c r=\"\(ref)\"\(st)/>" }
                    case .text(let t): x += "<c r=\"\(ref)\"\(st) t=\"s\"><v>\(shared(t))</v></c>"
                    case .number(let d):
                        // Only a plain decimal is written as a number; anything else stays text.
                        if isDecimal(d) { x += "<c r=\"\(ref)\"\(st)><v>\(d)</v></c>" } else { x += "<c r=\"\(ref)\"\(st) t=\"s\"><v>\(shared(d))</v></c>" }
                    }
                }
                x += "</row>"
            }
            x += "</sheetData>"
            if !s.validations.isEmpty {
                x += "<dataValidations count=\"\(s.validations.count)\">"
                for v in s.validations {
                    let col = XLSXRef.column(v.column)
                    let formula: String
                    if let idx = listRefs[v] {
                        let lc = XLSXRef.column(idx)
                        formula = "'\(listSheetName)'!$\(lc)$1:$\(lc)$\(max(1, v.choices.count))"
                    } else {
                        formula = "\"" + v.choices.joined(separator: ",") + "\""
                    }
                    x += "<dataValidation type=\"list\" allowBlank=\"1\" showInputMessage=\"1\" showErrorMessage=\"1\" sqref=\"\(col)\(v.rows.lowerBound):\(col)\(v.rows.upperBound)\">"
                    x += "<formula1>\(xml(formula))</formula1></dataValidation>"
                }
                x += "</dataValidations>"
            }
            x += "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
            x += "<pageSetup paperSize=\"9\" orientation=\"landscape\"/>"
            x += "</worksheet>"
            parts.append(("xl/worksheets/sheet\(n + 1).xml", x))
        }
        var wb = header + "<workbook xmlns=\"\(mainNS)\" xmlns:r=\"\(relNS)\"><bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>"
        for (n, s) in sheets.enumerated() {
            wb += "<sheet name=\"\(xml(s.name))\" sheetId=\"\(n + 1)\"" + (s.hidden ? " state=\"hidden\"" : "") + " r:id=\"rId\(n + 1)\"/>"
        }
        wb += "</sheets></workbook>"
        var rels = header + "<Relationships xmlns=\"\(pkgRelNS)\">"
        for n in sheets.indices {
            rels += "<Relationship Id=\"rId\(n + 1)\" Type=\"\(relNS)/worksheet\" Target=\"worksheets/sheet\(n + 1).xml\"/>"
        }
        rels += "<Relationship Id=\"rId\(sheets.count + 1)\" Type=\"\(relNS)/styles\" Target=\"styles.xml\"/>"
        rels += "<Relationship Id=\"rId\(sheets.count + 2)\" Type=\"\(relNS)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        rels += "</Relationships>"
        var sst = header + "<sst xmlns=\"\(mainNS)\" count=\"\(strings.count)\" uniqueCount=\"\(strings.count)\">"
        for s in strings {
            let t = xml(s)
            let preserve = s.first?.isWhitespace == true || s.last?.isWhitespace == true || s.contains("\n")
            sst += preserve ? "<si><t xml:space=\"preserve\">\(t)</t></si>" : "<si><t>\(t)</t></si>"
        }
        sst += "</sst>"
        var types = header + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        types += "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        types += "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        types += "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
        for n in sheets.indices {
            types += "<Override PartName=\"/xl/worksheets/sheet\(n + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        types += "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
        types += "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
        types += "</Types>"
        let rootRels = header + "<Relationships xmlns=\"\(pkgRelNS)\"><Relationship Id=\"rId1\" Type=\"\(relNS)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"

        let all: [(String, String)] = [("[Content_Types].xml", types), ("_rels/.rels", rootRels), ("xl/workbook.xml", wb),
                                        ("xl/_rels/workbook.xml.rels", rels), ("xl/styles.xml", styles), ("xl/sharedStrings.xml", sst)] + parts
        let archive = try Archive(data: Data(), accessMode: .create)
        let date = Date(timeIntervalSince1970: 315_532_800)   // 1980-01-01, the first DOS date
        for (name, text) in all {
            let data = Data(text.utf8)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), modificationDate: date,
                                 compressionMethod: .deflate) { pos, size in data.subdata(in: Int(pos)..<Int(pos) + size) }
        }
        guard let out = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return out
    }

    /// Whether a list can be written literally in `formula1`.
    static func literalFits(_ choices: [String]) -> Bool {
        !choices.isEmpty && choices.joined(separator: ",").count <= 255
            && !choices.contains { $0.contains(",") || $0.contains("\"") || $0.unicodeScalars.contains(where: TerminalText.isUnsafe) }
    }

    static func isDecimal(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard !u.isEmpty, u.count <= 20 else { return false }
        var i = u[0] == UInt8(ascii: "-") ? 1 : 0
        var digits = 0, dot = false
        while i < u.count {
            if u[i] >= 0x30 && u[i] <= 0x39 { digits += 1 } else if u[i] == UInt8(ascii: "."), !dot { dot = true } else { return false }
            i += 1
        }
        return digits > 0 && u.last != UInt8(ascii: ".")
    }

    /// Styles (§18.8): 0 default, 1 bold (header), 2 text "@" (numFmtId 49), 3 "0.00" (numFmtId 2).
    static let styles = header + """
    <styleSheet xmlns="\(mainNS)">\
    <fonts count="2"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>\
    <font><b/><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font></fonts>\
    <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
    <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
    <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
    <cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
    <xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>\
    <xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
    <xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
    <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
    </styleSheet>
    """
}
