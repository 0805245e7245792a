import Foundation
import Testing
import ZIPFoundation
import Panel

/// Issue 15, workbooks out through the real binary: `form --format xlsx` (filled in and imported
/// back), `export publicity|final --format xlsx`, and LibreOffice opening both where installed.
@Suite struct XLSXExportTests {
    /// A copy of `path` with rows added to its first sheet, as a secretary fills the form in
    /// (inline strings: what some writers produce; the rest of the package left as it was).
    static func fill(_ path: String, rows: [[String]], to out: String) throws {
        let src = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        let dst = try Archive(url: URL(fileURLWithPath: out), accessMode: .create)
        for e in src {
            var data = Data()
            _ = try src.extract(e) { data.append($0) }
            if e.path == "xl/worksheets/sheet1.xml" {
                var xml = String(decoding: data, as: UTF8.self)
                var added = ""
                for (i, row) in rows.enumerated() {
                    added += "<row r=\"\(i + 2)\">" + row.enumerated().map { c, v in
                        let esc = v.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                        return "<c r=\"\(XLSXRef.name(col: c + 1, row: i + 2))\" t=\"inlineStr\"><is><t>\(esc)</t></is></c>"
                    }.joined() + "</row>"
                }
                xml = xml.replacingOccurrences(of: "</sheetData>", with: added + "</sheetData>")
                data = Data(xml.utf8)
            }
            let d = data
            try dst.addEntry(with: e.path, type: .file, uncompressedSize: Int64(d.count), compressionMethod: .deflate) { pos, size in
                d.subdata(in: Int(pos)..<Int(pos) + size)
            }
        }
    }

    static var soffice: String? { ["/usr/bin/soffice", "/usr/bin/libreoffice"].first { FileManager.default.isExecutableFile(atPath: $0) } }

    /// LibreOffice's CSV of the workbook's first sheet (nil when LibreOffice is not installed).
    static func libreOfficeCSV(_ path: String) throws -> String? {
        guard let exe = soffice else { return nil }
        let out = try Harness.tempDir("lo")
        let r = try Harness.run(exe, ["--headless", "-env:UserInstallation=file://" + out + "/profile",
                                      "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", out, path], env: ["HOME": out])
        #expect(r.status == 0, "soffice: \(r.stdout) \(r.stderr)")
        let csv = out + "/" + ((path as NSString).lastPathComponent as NSString).deletingPathExtension + ".csv"
        return try String(contentsOfFile: csv, encoding: .utf8)
    }

    @Test func theFormWorkbookIsFilledInAndImportedBack() throws {
        let fx = try Fixture()
        let form = fx.dir + "/申报表.xlsx"
        let r = try Harness.pingshen(["form", "shanghai-craftsman", "--format", "xlsx", "--out", form])
        #expect(r.status == 0 && r.stdout.isEmpty, "\(r.stderr)")
        // The same bytes to standard output.
        let stdout = try Harness.run("/bin/sh", ["-c", "\"$0\" form shanghai-craftsman --format xlsx > \"$1\"", Harness.binary, fx.dir + "/stdout.xlsx"])
        #expect(stdout.status == 0)
        #expect(FileManager.default.contents(atPath: form) == FileManager.default.contents(atPath: fx.dir + "/stdout.xlsx"))
        // The form as a secretary returns it: its own headers, two nominations, read by import.
        let p = try #require(Templates.program("shanghai-craftsman"))
        let cols = ProgramForm.columns(p).map(\.id)
        func row(_ values: [String: String]) -> [String] { cols.map { values[$0] ?? "" } }
        let filled = fx.dir + "/已填.xlsx"
        try Self.fill(form, rows: [
            row(["id": "X001", "name": "周师傅", "gender": "男", "union_member": "是", "field": "模具", "employer": "上海模具厂", "channel": "单位推荐", "deeds": "三十年磨一剑"]),
            row(["id": "X002", "name": "吴师傅", "gender": "女", "union_member": "是", "field": "纺织", "employer": "上海纺织", "channel": "社团推荐", "deeds": "改进工艺"]),
        ], to: filled)
        let imp = try Harness.pingshen(["import", fx.store, filled, "--as", "sec", "--key", fx.key("sec")])
        #expect(imp.status == 0, "\(imp.stderr)")
        let check = try Harness.json(try Harness.pingshen(["check", fx.store, "--format", "json"]).stdout)
        let ids = (check["dossiers"] as? [[String: Any]] ?? []).compactMap { $0["dossier"] as? String }
        #expect(ids.contains("X001") && ids.contains("X002"), "\(ids)")
        #expect(try String(contentsOfFile: fx.store + "/dossiers/X001.yaml", encoding: .utf8).contains("周师傅"))
        // LibreOffice opens it: its CSV of sheet 1 is the header row with the required marks.
        if let csv = try Self.libreOfficeCSV(form) {
            #expect(csv.hasPrefix(ProgramForm.columns(p).map { $0.label.zh + ($0.required ? "*" : "") }.joined(separator: ",")), "\(csv)")
        }
        if let exe = Self.soffice {
            // And keeps the lists: converted to .ods, the 是/否 and channel validations are there.
            let out = try Harness.tempDir("lo-ods")
            let r = try Harness.run(exe, ["--headless", "-env:UserInstallation=file://" + out + "/profile", "--convert-to", "ods", "--outdir", out, form], env: ["HOME": out])
            #expect(r.status == 0, "\(r.stderr)")
            let ods = try Archive(url: URL(fileURLWithPath: out + "/申报表.ods"), accessMode: .read)
            var content = Data()
            _ = try ods.extract(try #require(ods["content.xml"])) { content.append($0) }
            let xml = String(decoding: content, as: UTF8.self)
            #expect(xml.contains("cell-content-is-in-list(&quot;是&quot;;&quot;否&quot;)"), "\(xml.prefix(3000))")
            #expect(xml.contains("cell-content-is-in-list(&quot;单位推荐&quot;;&quot;社团推荐&quot;;&quot;个人自荐&quot;)"))
        }
        if let csv = try Self.libreOfficeCSV(filled) {
            #expect(csv.contains("X001,周师傅,男") && csv.contains("X002,吴师傅,女"), "\(csv)")
        }
        // Unknown format and header language: refused by name.
        let bad = try Harness.pingshen(["form", "shanghai-craftsman", "--format", "ods"])
        #expect(bad.status == 1 && bad.stderr.contains("csv, xlsx"), "\(bad.stderr)")
    }

    @Test func thePublishedListsAsWorkbooks() throws {
        let csv = Fixture.defaultCSV.replacingOccurrences(of: "D002,李师傅", with: "D002,=HYPERLINK(\"http://x\")")
        let fx = try Fixture(dossiers: csv)
        try fx.finalizedList(["D001": 24, "D002": 20, "D003": 15])
        let pub = fx.dir + "/公示名单.xlsx"
        let r = try Harness.pingshen(["export", fx.store, "publicity", "--format", "xlsx", "--out", pub])
        #expect(r.status == 0, "\(r.stderr)")
        let fp = try #require(try Harness.json(try Harness.pingshen(["verify", fx.store, "--format", "json"]).stdout)["fingerprint"] as? String)
        let fin = try #require(Harness.records(fx.store, "chair").last)
        let root = try #require((try NoticeTests.body(fin))["merkle_root"] as? String)
        let wb = try XLSXWorkbook(path: pub)
        #expect(wb.sheets.map(\.name) == ["Public notice", "Verification"])
        let sheet = try wb.sheet(named: nil)
        #expect(sheet.rows.first?.cells.map(\.text).prefix(8) == ["Rank", "No.", "Name", "Gender", "Employer", "Field", "Title", "Score"])
        #expect(sheet.rows.first?.cells.last?.text == "Store fingerprint")
        let body = sheet.rows.dropFirst().map { $0.cells.map(\.text) }
        #expect(body.count == 2 && body[0][1] == "D001" && body[0][2] == "王师傅" && body[1][2] == "=HYPERLINK(\"http://x\")", "\(body)")
        #expect(body.allSatisfy { $0.last == fp })
        let proofs = try wb.sheet(named: "Verification").rows.map { $0.cells.map(\.text) }
        #expect(proofs.contains { $0.last == fp } && proofs.contains { $0.last == root }, "\(proofs)")
        // Final, after approval; written to standard output when no --out.
        try fx.approveList()
        let final = fx.dir + "/final.xlsx"
        let out = try Harness.run("/bin/sh", ["-c", "\"$0\" export \"$1\" final --format xlsx --lang zh > \"$2\"", Harness.binary, fx.store, final])
        #expect(out.status == 0, "\(out.stderr)")
        let fwb = try XLSXWorkbook(path: final)
        #expect(fwb.sheets.map(\.name) == ["审定名单", "核验"])
        let frows = try fwb.sheet(named: nil).rows.map { $0.cells.map(\.text) }
        #expect(frows.first?.prefix(3) == ["名次", "编号", "姓名"] && frows.count == 3, "\(frows)")
        // LibreOffice reads the list: the formula-like name stays text, the scores numbers.
        if let csv = try Self.libreOfficeCSV(pub) {
            #expect(csv.contains("D001,王师傅") && csv.contains("\"=HYPERLINK(\"\"http://x\"\")\"") && csv.contains(fp), "\(csv)")
        }
    }
}
