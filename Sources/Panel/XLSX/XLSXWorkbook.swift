import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One worksheet's cells as text, row by row (rows without cells are left out), and its merged
/// ranges. Cell text is what the secretary sees: shared and inline strings with every rich-text
/// run joined, numbers as written, dates (serial numbers under a date format) as YYYY-MM-DD.
public struct XLSXSheet: Sendable {
    public struct Row: Sendable {
        public var number: Int
        /// (column 1-based, text), in column order, empty text left out.
        public var cells: [(col: Int, text: String)]
    }
    public struct Merge: Sendable, Equatable { public var r1, c1, r2, c2: Int }
    public var name: String
    public var rows: [Row] = []
    public var merges: [Merge] = []
}

/// A workbook opened for reading: its sheets' names in order, its date system and formats.
public final class XLSXWorkbook {
    public let path: String
    let package: XLSXPackage
    /// (name, part) of each worksheet, in the workbook's order (chart sheets are left out).
    public private(set) var sheets: [(name: String, part: String)] = []
    var date1904 = false
    /// cellXfs index -> number format id; custom format id -> format code.
    var xfFormat: [Int] = []
    var customFormats: [Int: String] = [:]
    var sharedStringsPart: String?
    var stylesPart: String?

    public init(path: String) throws {
        self.path = path
        package = try XLSXPackage(path: path)
        // _rels/.rels names the workbook (the officeDocument relationship); writers that put it
        // elsewhere than xl/workbook.xml exist, and some give the target as an absolute path.
        var workbookPart = "xl/workbook.xml"
        if let rels = try package.part("_rels/.rels") {
            let r = try parseRelationships(rels, part: "_rels/.rels", sourceDir: "")
            if let wb = r.values.first(where: { $0.type.hasSuffix("/officeDocument") }) { workbookPart = wb.target }
        }
        guard let wbData = try package.part(workbookPart) else {
            throw InputError(path: path, message: localized("不是 .xlsx 工作簿：缺少 \(workbookPart)", "not an .xlsx workbook: \(workbookPart) is missing"))
        }
        let dir = (workbookPart as NSString).deletingLastPathComponent
        let relsName = dir + "/_rels/" + (workbookPart as NSString).lastPathComponent + ".rels"
        var rels: [String: (type: String, target: String)] = [:]
        if let relsData = try package.part(relsName) { rels = try parseRelationships(relsData, part: relsName, sourceDir: dir) }
        let wb = WorkbookDelegate()
        try run(wb, on: wbData, part: workbookPart)
        date1904 = wb.date1904
        for (name, rid) in wb.sheets {
            if let rel = rels[rid] {
                // Unknown relationship types (CoreXLSX issue #185) and chart sheets are skipped.
                guard rel.type.hasSuffix("/worksheet") else { continue }
                sheets.append((name, rel.target))
            } else if package.has(dir + "/worksheets/sheet\(sheets.count + 1).xml") {
                sheets.append((name, dir + "/worksheets/sheet\(sheets.count + 1).xml"))
            }
        }
        sharedStringsPart = rels.values.first(where: { $0.type.hasSuffix("/sharedStrings") })?.target
            ?? (package.has(dir + "/sharedStrings.xml") ? dir + "/sharedStrings.xml" : nil)
        stylesPart = rels.values.first(where: { $0.type.hasSuffix("/styles") })?.target
            ?? (package.has(dir + "/styles.xml") ? dir + "/styles.xml" : nil)
        if let sp = stylesPart, let data = try package.part(sp) {
            let st = StylesDelegate()
            try run(st, on: data, part: sp)
            xfFormat = st.xfFormat
            customFormats = st.custom
        }
    }

    func parseRelationships(_ data: Data, part: String, sourceDir: String) throws -> [String: (type: String, target: String)] {
        let d = RelsDelegate()
        try run(d, on: data, part: part)
        var out: [String: (type: String, target: String)] = [:]
        for r in d.rels where r.external == false {
            guard let t = XLSXPackage.resolve(r.target, from: sourceDir) else { continue }
            out[r.id] = (r.type, t)
        }
        return out
    }

    func run(_ delegate: XLSXDelegate & XMLParserDelegate, on data: Data, part: String) throws {
        let p = XMLParser(data: data)
        p.shouldResolveExternalEntities = false
        p.delegate = delegate
        let ok = p.parse()
        if let e = delegate.failure { throw e }
        if !ok {
            throw InputError(path: path, line: p.lineNumber, field: part,
                             message: localized("工作簿的部件 \(part) 不是格式正确的 XML", "part \(part) is not well-formed XML"))
        }
    }

    /// The sheet named `name` (nil: the first worksheet), read in full.
    public func sheet(named name: String?) throws -> XLSXSheet {
        guard !sheets.isEmpty else {
            throw InputError(path: path, message: localized("工作簿里没有工作表", "the workbook has no worksheet"))
        }
        let chosen: (name: String, part: String)
        if let name {
            guard let s = sheets.first(where: { $0.name == name }) ?? sheets.first(where: { $0.name.trimmingCharacters(in: .whitespaces) == name.trimmingCharacters(in: .whitespaces) }) else {
                let names = sheets.map(\.name).joined(separator: "、")
                throw InputError(path: path, field: name, message: localized("没有名为“\(name)”的工作表（有：\(names)）", "no sheet named '\(name)' (the sheets: \(names))"))
            }
            chosen = s
        } else {
            chosen = sheets[0]
        }
        var shared: [String] = []
        if let sp = sharedStringsPart, let data = try package.part(sp) {
            let d = SharedStringsDelegate()
            try run(d, on: data, part: sp)
            shared = d.strings
        }
        guard let data = try package.part(chosen.part) else {
            throw InputError(path: path, field: chosen.name, message: localized("工作表“\(chosen.name)”的部件 \(chosen.part) 不在工作簿里", "the part \(chosen.part) of sheet '\(chosen.name)' is missing"))
        }
        // Each cell style's number format, decided once (not once per cell).
        let kinds = xfFormat.map { XLSXNumberFormat.kind(id: $0, custom: customFormats) }
        let d = SheetDelegate(sheet: chosen.name, path: path, shared: shared, date1904: date1904) { style in
            guard style >= 0, style < kinds.count else { return .general }
            return kinds[style]
        }
        try run(d, on: data, part: chosen.part)
        return d.result
    }
}

/// A SAX delegate that can stop the parse with an error of ours. (Each subclass declares
/// XMLParserDelegate itself: without the Objective-C runtime, a subclass's methods would not be
/// the witnesses of a conformance declared on the base class.)
class XLSXDelegate: NSObject {
    var failure: InputError?
    func fail(_ parser: XMLParser, _ e: InputError) {
        if failure == nil { failure = e }
        parser.abortParsing()
    }
    /// The local name of an element or attribute (`x:c` -> `c`; some writers prefix the
    /// spreadsheetml namespace).
    @inline(__always) static func local(_ name: String) -> Substring {
        if let i = name.lastIndex(of: ":") { return name[name.index(after: i)...] }
        return Substring(name)
    }
    /// `s` without white space at either end (Foundation's `.whitespaces`), at once when it
    /// begins and ends with a printable ASCII character (a number, a string index).
    @inline(__always) static func trimmedSpaces(_ s: String) -> String {
        if let f = s.utf8.first, let l = s.utf8.last, f > 0x20, f < 0x7F, l > 0x20, l < 0x7F { return s }
        return s.trimmingCharacters(in: .whitespaces)
    }
    static func attr(_ a: [String: String], _ key: String) -> String? {
        if let v = a[key] { return v }
        for (k, v) in a where local(k) == key { return v }
        return nil
    }
}

final class RelsDelegate: XLSXDelegate, XMLParserDelegate {
    var rels: [(id: String, type: String, target: String, external: Bool)] = []
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
        guard XLSXDelegate.local(name) == "Relationship", let id = a["Id"], let target = a["Target"] else { return }
        rels.append((id, a["Type"] ?? "", target, a["TargetMode"] == "External"))
    }
}

final class WorkbookDelegate: XLSXDelegate, XMLParserDelegate {
    var sheets: [(name: String, rid: String)] = []
    var date1904 = false
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
        switch XLSXDelegate.local(name) {
        case "workbookPr":
            if let v = a["date1904"] { date1904 = (v == "1" || v == "true") }
        case "sheet":
            if let n = a["name"] { sheets.append((n, XLSXDelegate.attr(a, "id") ?? "")) }
        default: break
        }
    }
}

final class StylesDelegate: XLSXDelegate, XMLParserDelegate {
    var xfFormat: [Int] = []
    var custom: [Int: String] = [:]
    private var inCellXfs = false
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
        switch XLSXDelegate.local(name) {
        case "numFmt":
            if let id = a["numFmtId"].flatMap({ Int($0) }), let code = a["formatCode"] { custom[id] = code }
        case "cellXfs": inCellXfs = true
        case "xf" where inCellXfs:
            if xfFormat.count < 100_000 { xfFormat.append(a["numFmtId"].flatMap { Int($0) } ?? 0) }
        default: break
        }
    }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if XLSXDelegate.local(name) == "cellXfs" { inCellXfs = false }
    }
}

/// sharedStrings.xml: each `si` is a plain `t` or rich-text runs (`r`/`t`); phonetic runs
/// (`rPh`, furigana) are not part of the text (CoreXLSX issue #94).
final class SharedStringsDelegate: XLSXDelegate, XMLParserDelegate {
    var strings: [String] = []
    private var current = ""
    private var inT = false
    private var inPhonetic = 0
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
        switch XLSXDelegate.local(name) {
        case "si": current = ""
        case "rPh": inPhonetic += 1
        case "t": inT = inPhonetic == 0
        default: break
        }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { if inT { current += string } }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch XLSXDelegate.local(name) {
        case "si": strings.append(current)
        case "rPh": inPhonetic -= 1
        case "t": inT = false
        default: break
        }
    }
}

/// A worksheet, streamed: `row`/`c` elements with or without `r` (a cell without one follows
/// the previous cell; CoreXLSX issue #141), `v`, inline strings, `mergeCell`. The `dimension`
/// element is ignored: WPS writes A1:A1 whatever the sheet holds.
final class SheetDelegate: XLSXDelegate, XMLParserDelegate {
    static let maxRow = 1_048_576, maxCol = 16_384
    var result: XLSXSheet
    let path: String
    let shared: [String]
    let date1904: Bool
    let format: (Int) -> XLSXNumberFormat.Kind
    private var rowNumber = 0
    private var cells: [(col: Int, text: String)] = []
    private var col = 0
    private var type = ""
    private var style = 0
    private var text = ""
    private var capture = false
    private var inInline = false
    private var inPhonetic = 0
    private var hasValue = false

    init(sheet: String, path: String, shared: [String], date1904: Bool, format: @escaping (Int) -> XLSXNumberFormat.Kind) {
        result = XLSXSheet(name: sheet)
        self.path = path; self.shared = shared; self.date1904 = date1904; self.format = format
    }

    func cellError(_ parser: XMLParser, _ zh: String, _ en: String) {
        fail(parser, InputError(path: path, line: rowNumber, field: "\(result.name)!\(XLSXRef.name(col: col, row: rowNumber))", message: localized(zh, en)))
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]) {
        switch XLSXDelegate.local(name) {
        case "row":
            flushRow()
            if let r = a["r"] {
                guard let n = Int(r), n >= 1, n <= SheetDelegate.maxRow else {
                    fail(parser, InputError(path: path, line: parser.lineNumber, field: result.name,
                                            message: localized("行号“\(r.prefix(20))”无效", "invalid row number '\(r.prefix(20))'")))
                    return
                }
                rowNumber = n
            } else {
                rowNumber += 1
            }
            col = 0
        case "c":
            if let r = a["r"] {
                guard let ref = XLSXRef.parse(r), ref.col <= SheetDelegate.maxCol, ref.row <= SheetDelegate.maxRow else {
                    fail(parser, InputError(path: path, line: rowNumber, field: result.name,
                                            message: localized("单元格引用“\(r.prefix(20))”无效", "invalid cell reference '\(r.prefix(20))'")))
                    return
                }
                col = ref.col
                if ref.row != rowNumber { flushRow(); rowNumber = ref.row }
            } else {
                col += 1
                if col > SheetDelegate.maxCol {
                    cellError(parser, "列数超过 \(SheetDelegate.maxCol)", "more than \(SheetDelegate.maxCol) columns")
                    return
                }
            }
            if rowNumber == 0 { rowNumber = 1 }
            type = a["t"] ?? "n"
            style = a["s"].flatMap { Int($0) } ?? 0
            text = ""
            hasValue = false
        case "v":
            capture = true; text = ""; hasValue = true
        case "is":
            inInline = true; text = ""; hasValue = true
        case "rPh":
            inPhonetic += 1
        case "t" where inInline:
            capture = inPhonetic == 0
        case "mergeCell":
            if let ref = a["ref"] {
                let ends = ref.split(separator: ":")
                if let a = ends.first.flatMap({ XLSXRef.parse(String($0)) }), let b = (ends.count == 2 ? XLSXRef.parse(String(ends[1])) : a),
                   result.merges.count < 100_000 {
                    result.merges.append(.init(r1: min(a.row, b.row), c1: min(a.col, b.col), r2: max(a.row, b.row), c2: max(a.col, b.col)))
                }
            }
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if capture { text += string } }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch XLSXDelegate.local(name) {
        case "v", "t": capture = false
        case "rPh": inPhonetic -= 1
        case "is": inInline = false
        case "c":
            guard hasValue else { return }
            let value: String
            switch type {
            case "s":
                guard let i = Int(XLSXDelegate.trimmedSpaces(text)), i >= 0, i < shared.count else {
                    cellError(parser, "共享字符串的编号“\(text.prefix(20))”超出范围（共有 \(shared.count) 个）",
                              "shared string index '\(text.prefix(20))' is out of range (there are \(shared.count))")
                    return
                }
                value = shared[i]
            case "inlineStr", "str": value = text
            case "b": value = (text == "1" || text == "true") ? "是" : "否"
            case "e":
                cellError(parser, "单元格是公式错误 \(text.prefix(20))", "the cell holds a formula error \(text.prefix(20))")
                return
            case "d":
                // ISO 8601 (ECMA-376 Part 1 §18.17.4): the date part.
                value = String(text.prefix(10))
            default:
                let raw = XLSXDelegate.trimmedSpaces(text)
                guard let x = Double(raw), x.isFinite else {
                    cellError(parser, "数值“\(raw.prefix(20))”无效", "invalid number '\(raw.prefix(20))'")
                    return
                }
                switch format(style) {
                case .general:
                    value = XLSXNumberFormat.plain(x, raw: raw)
                case .date(let withTime):
                    guard let d = XLSXNumberFormat.date(serial: x, date1904: date1904, withTime: withTime) else {
                        cellError(parser, "日期序号 \(raw.prefix(20)) 不是有效日期（Excel 的 1900 年 2 月 29 日并不存在）",
                                  "date serial \(raw.prefix(20)) is not a valid date (Excel's 29 February 1900 never existed)")
                        return
                    }
                    value = d
                case .time:
                    value = XLSXNumberFormat.time(serial: x) ?? raw
                }
            }
            if !value.isEmpty { cells.append((col, value)) }
        case "sheetData": flushRow()
        default: break
        }
    }

    func flushRow() {
        guard !cells.isEmpty else { return }
        cells.sort { $0.col < $1.col }
        result.rows.append(.init(number: rowNumber, cells: cells))
        cells = []
    }
}

/// A1-style references (ECMA-376 Part 1 §18.18.62).
public enum XLSXRef {
    public static func parse(_ s: String) -> (col: Int, row: Int)? {
        var col = 0, row = 0, seenDigit = false
        for u in s.utf8 {
            if u == 0x24 { continue } // $A$1
            if !seenDigit, (0x41...0x5A).contains(u) || (0x61...0x7A).contains(u) {
                col = col * 26 + Int((u | 0x20) - 0x60)
                if col > 1 << 20 { return nil }
            } else if (0x30...0x39).contains(u), col > 0 {
                seenDigit = true
                row = row * 10 + Int(u - 0x30)
                if row > 1 << 24 { return nil }
            } else {
                return nil
            }
        }
        return col > 0 && row > 0 ? (col, row) : nil
    }

    /// Column letters for 1-based `col` (1 -> A, 27 -> AA).
    public static func column(_ col: Int) -> String {
        var n = max(col, 1), s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }

    public static func name(col: Int, row: Int) -> String { column(col) + String(row) }
}
