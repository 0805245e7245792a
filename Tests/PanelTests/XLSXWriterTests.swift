import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import ZIPFoundation
@testable import Panel

/// Issue 15, workbooks out: the hand-built SpreadsheetML of `XLSXWriter`, read back by the
/// project's own reader (`XLSXWorkbook`, the one `import` uses) and checked part by part.
@Suite struct XLSXWriterTests {
    static func write(_ data: Data, _ name: String = "t.xlsx") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-xlsxw-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The text of one part of the package.
    static func part(_ path: String, _ name: String) throws -> String {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        let entry = try #require(archive[name], "no part \(name)")
        var out = Data()
        _ = try archive.extract(entry) { out.append($0) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether every XML part of the package is well-formed.
    static func wellFormed(_ path: String) throws -> Bool {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        var ok = true
        for e in archive {
            var out = Data()
            _ = try archive.extract(e) { out.append($0) }
            let p = XMLParser(data: out)
            if !p.parse() { ok = false; Issue.record("\(e.path) is not well-formed: \(String(describing: p.parserError))") }
        }
        return ok
    }

    @Test(arguments: Templates.ids)
    func theBlankFormReadsBackAsTheProgrammesHeaders(id: String) throws {
        let p = try #require(Templates.program(id))
        let path = try Self.write(try ProgramForm.xlsx(p))
        #expect(try Self.wellFormed(path))
        let wb = try XLSXWorkbook(path: path)
        #expect(wb.sheets.map(\.name) == ["申报表", "填表说明"])
        let sheet = try wb.sheet(named: nil)
        let header = try #require(sheet.rows.first)
        let cols = ProgramForm.columns(p)
        #expect(header.cells.map(\.text) == cols.map { $0.label.text(.zh) + ($0.required ? "*" : "") })
        // Each header names its field for import (the "*" read past).
        #expect(header.cells.map { DossierImport.xlsxFieldID($0.text, program: p) } == cols.map(\.id))
        // A list for every field with choices (是/否 among them) and for the channels.
        let xml = try Self.part(path, "xl/worksheets/sheet1.xml")
        for (i, f) in cols.enumerated() {
            guard let c = ProgramForm.choices(f, program: p) else { continue }
            let col = XLSXRef.column(i + 1)
            #expect(xml.contains("sqref=\"\(col)2:\(col)1001\"><formula1>&quot;\(c.joined(separator: ","))&quot;</formula1>"), "\(id) \(f.id): \(xml)")
        }
        if cols.contains(where: { $0.choices == ["是", "否"] }) { #expect(xml.contains("&quot;是,否&quot;")) }
        // The header frozen and bold; ids as text.
        #expect(xml.contains("state=\"frozen\"") && xml.contains("<c r=\"A1\" s=\"1\" t=\"s\">"))
        if let idCol = cols.firstIndex(where: { $0.id == "id" }) {
            #expect(xml.contains("<col min=\"\(idCol + 1)\" max=\"\(idCol + 1)\"") && xml.contains("style=\"2\"/>"))
        }
        // The same input gives the same bytes.
        #expect(try ProgramForm.xlsx(p) == ProgramForm.xlsx(p))
    }

    @Test func hostileTextStaysTextAndTheXMLStaysValid() throws {
        let hostile = ["=HYPERLINK(\"http://x\",\"点我\")", "@SUM(1)", "王\u{1B}]52;c;ZXZpbA==\u{07}师\u{202E}傅\u{200B}", "a<b>&\"c'",
                       "  leading", "line\nbreak", "nonchar" + String(Character(Unicode.Scalar(0xFFFE)!)), "_x001B_"]
        let rows: [[XLSXWriter.Value]] = [[.text("h")]] + hostile.map { [.text($0)] } + [[.number("1e9")], [.number("-12.50")]]
        let path = try Self.write(try XLSXWriter.workbook([.init(name: "名单[1]:*?/\\", rows: rows)]))
        #expect(try Self.wellFormed(path))
        let wb = try XLSXWorkbook(path: path)
        #expect(wb.sheets.map(\.name) == ["名单1"])
        let texts = try wb.sheet(named: nil).rows.map { $0.cells.first?.text ?? "" }
        #expect(texts[1] == hostile[0] && texts[2] == "@SUM(1)")
        #expect(texts[3] == "王\\u{1B}]52;c;ZXZpbA==\\u{7}师\\u{202E}傅\\u{200B}", "\(texts[3].debugDescription)")
        #expect(texts[4] == "a<b>&\"c'" && texts[5] == "  leading" && texts[6] == "line\nbreak" && texts[7] == "nonchar\\u{FFFE}")
        #expect(texts[9] == "1e9" && (texts[10] == "-12.50" || texts[10] == "-12.5"), "\(texts[9]) \(texts[10])")
        // Never a formula: every text is a shared string.
        let xml = try Self.part(path, "xl/worksheets/sheet1.xml")
        #expect(!xml.contains("<f>") && xml.contains("<c r=\"A2\" t=\"s\">"))
        #expect(xml.contains("<c r=\"A11\"><v>-12.50</v></c>"))
    }

    @Test func listsThatCannotBeLiteralGoToAHiddenSheet() throws {
        let long = (1...60).map { "选项\($0)" }
        let rows: [[XLSXWriter.Value]] = [[.text("a"), .text("b"), .text("c")]]
        let v = [XLSXWriter.Validation(column: 1, rows: 2...10, choices: ["是", "否"]),
                 XLSXWriter.Validation(column: 2, rows: 2...10, choices: long),
                 XLSXWriter.Validation(column: 3, rows: 2...10, choices: ["甲,乙", "丙\"丁"])]
        let path = try Self.write(try XLSXWriter.workbook([.init(name: "lists", rows: rows, validations: v)]))
        #expect(try Self.wellFormed(path))
        let wb = try XLSXWorkbook(path: path)
        #expect(wb.sheets.map(\.name) == ["lists", "lists (2)"])
        #expect(try Self.part(path, "xl/workbook.xml").contains("<sheet name=\"lists (2)\" sheetId=\"2\" state=\"hidden\""))
        let xml = try Self.part(path, "xl/worksheets/sheet1.xml")
        #expect(xml.contains("<formula1>&quot;是,否&quot;</formula1>"))
        #expect(xml.contains("<formula1>&#39;lists (2)&#39;!$A$1:$A$60</formula1>") || xml.contains("<formula1>'lists (2)'!$A$1:$A$60</formula1>"), "\(xml)")
        #expect(xml.contains("'lists (2)'!$B$1:$B$2") || xml.contains("&#39;lists (2)&#39;!$B$1:$B$2"))
        let lists = try wb.sheet(named: "lists (2)")
        #expect(lists.rows.count == 60 && lists.rows[0].cells.map(\.text) == ["选项1", "甲,乙"] && lists.rows[1].cells.map(\.text) == ["选项2", "丙\"丁"])
    }
}
