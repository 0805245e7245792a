import Foundation
import Testing
import ZIPFoundation
@testable import Panel

/// Workbooks made by LibreOffice (Tests/XLSXFixtures, from the CSV and .fods in its src/), and
/// hand-built packages for what real writers do that LibreOffice does not (WPS, Excel, odd
/// generators: CoreXLSX issues #94, #121, #141, #181, #185) and for hostile files.
@Suite struct XLSXImportTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("XLSXFixtures").path

    static let ns = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
    static let relNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    /// An .xlsx of the given parts (name -> XML text), stored deflated.
    static func workbook(_ dir: TempDir, _ name: String = "t.xlsx", parts: [String: String]) throws -> String {
        let path = dir.path + "/" + name
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for (part, text) in parts.sorted(by: { $0.key < $1.key }) {
            let data = Data(text.utf8)
            try archive.addEntry(with: part, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { pos, size in
                data.subdata(in: Int(pos)..<Int(pos) + size)
            }
        }
        return path
    }

    /// The usual parts around one sheet's XML (`sheetData` and after), with optional shared
    /// strings and styles.
    static func simple(sheet: String, shared: String? = nil, styles: String? = nil, workbookPr: String = "",
                       sheetTarget: String = "worksheets/sheet1.xml", extraRels: String = "") -> [String: String] {
        var rels = "<Relationship Id=\"rId1\" Type=\"\(relNS)/worksheet\" Target=\"\(sheetTarget)\"/>" + extraRels
        var parts = [
            "[Content_Types].xml": "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
            "_rels/.rels": "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"\(relNS)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>",
            "xl/workbook.xml": "<?xml version=\"1.0\"?><workbook \(ns)>\(workbookPr)<sheets><sheet name=\"名单\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
            "xl/worksheets/sheet1.xml": "<?xml version=\"1.0\"?><worksheet \(ns)><dimension ref=\"A1:A1\"/>\(sheet)</worksheet>",
        ]
        if let shared {
            parts["xl/sharedStrings.xml"] = "<?xml version=\"1.0\"?><sst \(ns)>\(shared)</sst>"
            rels += "<Relationship Id=\"rId2\" Type=\"\(relNS)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        }
        if let styles {
            parts["xl/styles.xml"] = "<?xml version=\"1.0\"?><styleSheet \(ns)>\(styles)</styleSheet>"
            rels += "<Relationship Id=\"rId3\" Type=\"\(relNS)/styles\" Target=\"styles.xml\"/>"
        }
        parts["xl/_rels/workbook.xml.rels"] = "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\(rels)</Relationships>"
        return parts
    }

    static func inline(_ ref: String, _ s: String) -> String { "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(s)</t></is></c>" }

    // MARK: workbooks from LibreOffice

    @Test func listConvertedFromCSVByLibreOffice() throws {
        let ds = try DossierImport.readXLSX(path: Self.fixtures + "/list-from-csv.xlsx", program: hangzhou)
        #expect(ds.map(\.id) == ["HZ-001", "HZ-002", "HZ-003"])
        #expect(ds[0].fields["name"] == "王建国")
        // LibreOffice stored the ISO dates as serial numbers under a date format
        #expect(ds[0].fields["birth_date"] == "1975-03-08")
        #expect(ds[2].fields["birth_date"] == "1969-02-28")
        #expect(ds[0].fields["phone"] == "13800138000")
        #expect(ds[2].fields["name"] == "Zhang O'Neil <b>")
        #expect(ds[2].fields["employer"] == "西湖龙井茶业有限公司, 杭州")
        #expect(ds[2].fields["deeds"] == "炒茶技艺传承人；\n获省级技能大师工作室")
    }

    @Test func titleRowMergedHeadersDatesAndRichText() throws {
        let path = Self.fixtures + "/merged-title-dates.xlsx"
        let ds = try DossierImport.readXLSX(path: path, program: hangzhou)
        #expect(ds.map(\.id) == ["HZ-101", "HZ-102", "HZ-103"])
        #expect(ds.map { $0.fields["birth_date"] } == ["1978-11-02", "1980-02-29", "1966-07-15"])
        #expect(ds[0].fields["name"] == "陈红梅")
        #expect(ds[0].fields["employer"] == "杭州丝绸之路刺绣厂")
        // rich-text runs (bold red 国家级 …) joined into one value
        #expect(ds[0].fields["deeds"] == "国家级非遗杭绣代表性传承人，培养学徒 40 余名")
        #expect(ds[1].fields["deeds"] == "信号系统维护，零事故运行 3000 天")
        // the second sheet, by name: a note with no header row
        let e = #expect(throws: InputError.self) { try DossierImport.readXLSX(path: path, sheet: "说明", program: hangzhou) }
        #expect(e?.field?.hasPrefix("说明!A1") == true, "\(String(describing: e))")
        let missing = #expect(throws: InputError.self) { try DossierImport.readXLSX(path: path, sheet: "Sheet9", program: hangzhou) }
        #expect(missing?.message.contains("推荐名单") == true)
    }

    // MARK: what other writers do

    @Test func inlineStringsNoSharedStringsCellsWithoutRefAndALyingDimension() throws {
        let d = TempDir()
        let sheet = "<sheetData><row>" + ["编号", "姓名", "手机"].map { "<c t=\"inlineStr\"><is><t>\($0)</t></is></c>" }.joined() + "</row>"
            + "<row><c t=\"inlineStr\"><is><r><t>A</t></r><r><rPr><b/></rPr><t>-1</t></r></is></c><c t=\"inlineStr\"><is><t>周</t><rPh sb=\"0\" eb=\"1\"><t>ZHOU</t></rPh></is></c><c><v>13912345678</v></c></row>"
            + "<row r=\"7\"><c r=\"B7\" t=\"str\"><f>CONCAT(\"x\")</f><v>x</v></c><c r=\"A7\" t=\"inlineStr\"><is><t>A-2</t></is></c></row>"
            + "<row r=\"30\"><c r=\"A30\" s=\"0\"/></row></sheetData>"
        let ds = try DossierImport.readXLSX(path: try Self.workbook(d, parts: Self.simple(sheet: sheet)), program: hangzhou)
        #expect(ds.map(\.id) == ["A-1", "A-2"])
        #expect(ds[0].fields["name"] == "周")
        #expect(ds[0].fields["mobile"] == "13912345678")
        #expect(ds[1].fields["name"] == "x")
    }

    @Test func sharedStringsWithPhoneticRunsAndNamespacePrefixes() throws {
        let d = TempDir()
        let shared = "<si><t>编号</t></si><si><r><t>姓</t></r><r><t>名</t></r></si><si><t>B-1</t></si><si><t>吴</t><rPh><t>WU</t></rPh></si>"
        var parts = Self.simple(sheet: "", shared: shared)
        parts["xl/worksheets/sheet1.xml"] = "<?xml version=\"1.0\"?><x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0</x:v></x:c><x:c r=\"B1\" t=\"s\"><x:v>1</x:v></x:c></x:row><x:row r=\"2\"><x:c r=\"A2\" t=\"s\"><x:v>2</x:v></x:c><x:c r=\"B2\" t=\"s\"><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>"
        let ds = try DossierImport.readXLSX(path: try Self.workbook(d, parts: parts), program: hangzhou)
        #expect(ds.count == 1)
        #expect(ds[0].id == "B-1")
        #expect(ds[0].fields["name"] == "吴")
    }

    @Test func dateFormatsBuiltInCustomLeapYearBugAndDate1904() throws {
        // 0: general, 1: id 14, 2: id 31 (CJK 年月日), 3: custom quoted-Chinese date, 4: a number format with [Red]
        let styles = "<numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/><numFmt numFmtId=\"165\" formatCode=\"[Red]0.00;[Blue]-0.00\"/></numFmts>"
            + "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"31\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/></cellXfs>"
        func row(_ n: Int, _ id: String, _ serial: String, style: Int) -> String {
            "<row r=\"\(n)\">" + Self.inline("A\(n)", id) + "<c r=\"B\(n)\" s=\"\(style)\"><v>\(serial)</v></c></row>"
        }
        let header = "<row r=\"1\">" + Self.inline("A1", "编号") + Self.inline("B1", "出生日期") + "</row>"
        let d = TempDir()
        let sheet = "<sheetData>" + header + row(2, "d1", "59", style: 1) + row(3, "d2", "61", style: 2) + row(4, "d3", "27819", style: 3)
            + row(5, "d4", "27819.5", style: 1) + row(6, "d5", "1975.5", style: 4) + row(7, "d6", "1", style: 0) + "</sheetData>"
        let ds = try DossierImport.readXLSX(path: try Self.workbook(d, "a.xlsx", parts: Self.simple(sheet: sheet, styles: styles)), program: hangzhou)
        // serial 59 is 1900-02-28, 60 the phantom 29 February, 61 is 1 March 1900
        #expect(ds.map { $0.fields["birth_date"] } == ["1900-02-28", "1900-03-01", "1976-02-29", "1976-02-29", "1975.5", "1"])
        // date1904: serial 0 is 1904-01-01
        let s1904 = "<sheetData>" + header + row(2, "e1", "0", style: 1) + row(3, "e2", "26357", style: 1) + "</sheetData>"
        let e = try DossierImport.readXLSX(path: try Self.workbook(d, "b.xlsx", parts: Self.simple(sheet: s1904, styles: styles, workbookPr: "<workbookPr date1904=\"1\"/>")), program: hangzhou)
        #expect(e.map { $0.fields["birth_date"] } == ["1904-01-01", "1976-02-29"])
        // the phantom day itself is an error naming the cell
        let bad = "<sheetData>" + header + row(2, "f1", "60", style: 1) + "</sheetData>"
        let err = #expect(throws: InputError.self) {
            try DossierImport.readXLSX(path: try Self.workbook(d, "c.xlsx", parts: Self.simple(sheet: bad, styles: styles)), program: hangzhou)
        }
        #expect(err?.field == "名单!B2")
        #expect(err?.line == 2)
    }

    @Test func numberFormatKinds() {
        for id in [14, 15, 16, 17, 27, 30, 36, 50, 57, 58] { #expect(XLSXNumberFormat.kind(id: id, custom: [:]) == .date(time: false), "\(id)") }
        #expect(XLSXNumberFormat.kind(id: 22, custom: [:]) == .date(time: true))
        for id in [18, 19, 20, 21, 45, 46, 47] { #expect(XLSXNumberFormat.kind(id: id, custom: [:]) == .time, "\(id)") }
        for id in [0, 1, 2, 10, 11, 12, 13, 23, 37, 44, 48, 49, 59] { #expect(XLSXNumberFormat.kind(id: id, custom: [:]) == .general, "\(id)") }
        #expect(XLSXNumberFormat.kind(code: "yyyy/m/d") == .date(time: false))
        #expect(XLSXNumberFormat.kind(code: "[$-804]yyyy\"年\"m\"月\"d\"日\";@") == .date(time: false))
        #expect(XLSXNumberFormat.kind(code: "yyyy\\年m\\月d\\日") == .date(time: false))
        #expect(XLSXNumberFormat.kind(code: "[DBNum1][$-804]yyyy\"年\"m\"月\"") == .date(time: false))
        #expect(XLSXNumberFormat.kind(code: "m/d/yy h:mm") == .date(time: true))
        #expect(XLSXNumberFormat.kind(code: "[h]:mm:ss") == .time)
        #expect(XLSXNumberFormat.kind(code: "\"Day\" 0") == .general)
        #expect(XLSXNumberFormat.kind(code: "#,##0.00_);[Red](#,##0.00)") == .general)
        #expect(XLSXNumberFormat.kind(code: "General") == .general)
        #expect(XLSXNumberFormat.plain(0.30000000000000004, raw: "0.30000000000000004") == "0.3")
    }

    @Test func absoluteTargetsUnknownRelationshipsAndBackslashes() throws {
        let d = TempDir()
        let sheet = "<sheetData><row r=\"1\">" + Self.inline("A1", "编号") + "</row><row r=\"2\">" + Self.inline("A2", "C-1") + "</row></sheetData>"
        var parts = Self.simple(sheet: sheet, sheetTarget: "/xl/worksheets/sheet1.xml",
                                extraRels: "<Relationship Id=\"rId9\" Type=\"http://example.com/unknown/thing\" Target=\"../../../etc/passwd\"/><Relationship Id=\"rId8\" Type=\"\(Self.relNS)/hyperlink\" Target=\"http://x\" TargetMode=\"External\"/>")
        parts["_rels/.rels"] = parts["_rels/.rels"]!.replacingOccurrences(of: "Target=\"xl/workbook.xml\"", with: "Target=\"/xl/workbook.xml\"")
        #expect(try DossierImport.readXLSX(path: try Self.workbook(d, parts: parts), program: hangzhou).map(\.id) == ["C-1"])
        #expect(XLSXPackage.resolve("../../x", from: "xl") == nil)
        #expect(XLSXPackage.resolve("/xl/a.xml", from: "xl") == "xl/a.xml")
        #expect(XLSXPackage.resolve("worksheets/../a.xml", from: "xl") == "xl/a.xml")
    }

    // MARK: errors

    @Test func errorsNameSheetCellAndField() throws {
        let d = TempDir()
        let dup = "<sheetData><row r=\"1\">" + Self.inline("A1", "编号") + Self.inline("B1", "姓名") + "</row><row r=\"2\">" + Self.inline("A2", "X-1")
            + "</row><row r=\"7\">" + Self.inline("A7", "X-1") + Self.inline("B7", "钱") + "</row></sheetData>"
        let e = #expect(throws: InputError.self) { try DossierImport.readXLSX(path: try Self.workbook(d, "a.xlsx", parts: Self.simple(sheet: dup)), program: hangzhou) }
        #expect(e?.field == "名单!A7 id")
        #expect(e?.line == 7)
        #expect(e?.description.contains("名单!A7") == true)
        let unknown = "<sheetData><row r=\"3\">" + Self.inline("A3", "编号") + Self.inline("B3", "姓名") + Self.inline("C3", "星座") + "</row></sheetData>"
        let u = #expect(throws: InputError.self) { try DossierImport.readXLSX(path: try Self.workbook(d, "b.xlsx", parts: Self.simple(sheet: unknown)), program: hangzhou) }
        #expect(u?.field == "名单!C3 星座")
        let stray = "<sheetData><row r=\"1\">" + Self.inline("A1", "编号") + "</row><row r=\"2\">" + Self.inline("A2", "Y-1") + Self.inline("D2", "?") + "</row></sheetData>"
        let s = #expect(throws: InputError.self) { try DossierImport.readXLSX(path: try Self.workbook(d, "c.xlsx", parts: Self.simple(sheet: stray)), program: hangzhou) }
        #expect(s?.field == "名单!D2")
        let formulaError = "<sheetData><row r=\"1\">" + Self.inline("A1", "编号") + "</row><row r=\"2\"><c r=\"A2\" t=\"e\"><v>#REF!</v></c></row></sheetData>"
        let f = #expect(throws: InputError.self) { try DossierImport.readXLSX(path: try Self.workbook(d, "e.xlsx", parts: Self.simple(sheet: formulaError)), program: hangzhou) }
        #expect(f?.field == "名单!A2")
    }

    @Test func legacyXLSAndNotAZip() throws {
        let d = TempDir()
        let xls = d.file("old.xls", Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504)))
        let e = #expect(throws: InputError.self) { try DossierImport.read(path: xls, program: hangzhou) }
        #expect(e?.message.contains(".xlsx") == true)
        #expect(e?.message.contains("CSV") == true)
        // an .xls-named file saved as a real workbook still reads (WPS names files either way)
        let renamed = d.path + "/really.xls"
        try FileManager.default.copyItem(atPath: Self.fixtures + "/list-from-csv.xlsx", toPath: renamed)
        #expect(try DossierImport.read(path: renamed, program: hangzhou).count == 3)
        for junk in [Data(), Data("编号,姓名\n".utf8), Data([0x50, 0x4B, 3, 4, 0, 0])] {
            #expect(throws: InputError.self) { try DossierImport.read(path: d.file("j.xlsx", junk), program: hangzhou) }
        }
    }

    // MARK: hostile

    @Test func zipBombStopsAtTheBound() throws {
        let d = TempDir()
        // 300 MiB of one repeated row inflates from a few hundred KiB
        let path = d.path + "/bomb.xlsx"
        var parts = Self.simple(sheet: "")
        parts.removeValue(forKey: "xl/worksheets/sheet1.xml")
        _ = try Self.workbook(d, "bomb.xlsx", parts: parts)
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .update)
        let chunk = Data(String(repeating: "<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>", count: 20_000).utf8)
        let total = 300 << 20
        try archive.addEntry(with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(total), compressionMethod: .deflate) { pos, size in
            let start = Int(pos) % chunk.count
            var out = Data(capacity: size)
            var i = start
            while out.count < size { let n = min(size - out.count, chunk.count - i); out.append(chunk.subdata(in: i..<i + n)); i = 0 }
            return out
        }
        let e = #expect(throws: InputError.self) { try DossierImport.readXLSX(path: path, program: hangzhou) }
        #expect(e?.message.contains("MiB") == true, "\(String(describing: e))")
    }

    @Test func entityExpansionHugeIndexesTraversalNamesAndBadRefs() throws {
        let d = TempDir()
        let laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><sst \(Self.ns)><si><t>&lol3;</t></si></sst>"
        var parts = Self.simple(sheet: "<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData>", shared: "")
        parts["xl/sharedStrings.xml"] = laughs
        let e = #expect(throws: InputError.self) { try DossierImport.readXLSX(path: try Self.workbook(d, "a.xlsx", parts: parts), program: hangzhou) }
        #expect(e?.message.contains("DTD") == true)

        let huge = "<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row><row r=\"2\"><c r=\"A2\" t=\"s\"><v>99999999999999999999</v></c></row></sheetData>"
        let h = #expect(throws: InputError.self) { try DossierImport.readXLSX(path: try Self.workbook(d, "b.xlsx", parts: Self.simple(sheet: huge, shared: "<si><t>编号</t></si>")), program: hangzhou) }
        #expect(h?.field == "名单!A2")

        for bad in ["<row r=\"99999999999999999999\"><c><v>1</v></c></row>", "<row r=\"-1\"/>", "<row><c r=\"ZZZZZZZZ1\"><v>1</v></c></row>",
                    "<row><c r=\"A1\" t=\"n\"><v>NaN</v></c></row>", "<row><c r=\"A1\" s=\"-5\"><v>1e400</v></c></row>"] {
            #expect(throws: InputError.self) {
                try DossierImport.readXLSX(path: try Self.workbook(d, "c.xlsx", parts: Self.simple(sheet: "<sheetData>\(bad)</sheetData>")), program: hangzhou)
            }
            try? FileManager.default.removeItem(atPath: d.path + "/c.xlsx")
        }
        // entry names that climb out are only names: nothing is written anywhere
        var trav = Self.simple(sheet: "<sheetData><row r=\"1\">" + Self.inline("A1", "编号") + "</row><row r=\"2\">" + Self.inline("A2", "T-1") + "</row></sheetData>")
        trav["../../evil.txt"] = "x"
        trav["/abs/evil.txt"] = "x"
        #expect(try DossierImport.readXLSX(path: try Self.workbook(d, "t.xlsx", parts: trav), program: hangzhou).map(\.id) == ["T-1"])
        #expect(!FileManager.default.fileExists(atPath: d.path + "/../evil.txt"))
        // a merged range over the whole sheet spreads nothing unbounded
        let merge = "<sheetData><row r=\"1\">" + Self.inline("A1", "编号") + "</row><row r=\"2\">" + Self.inline("A2", "M-1") + "</row></sheetData><mergeCells><mergeCell ref=\"A2:XFD1048576\"/></mergeCells>"
        #expect(try DossierImport.readXLSX(path: try Self.workbook(d, "m.xlsx", parts: Self.simple(sheet: merge)), program: hangzhou).map(\.id) == ["M-1"])
    }
}
