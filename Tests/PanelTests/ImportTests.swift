import Foundation
import Testing
@testable import Panel

/// A temporary directory removed at deinit.
final class TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "pingshen-panel-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String, _ data: Data) -> String {
        let p = path + "/" + name
        _ = FileManager.default.createFile(atPath: p, contents: data)
        return p
    }
    func file(_ name: String, _ text: String) -> String { file(name, Data(text.utf8)) }

    /// A store with the given programme and dossiers written the way import writes them.
    func store(_ programID: String = "hangzhou-craftsman", dossiers: [Dossier] = []) throws -> PanelStore {
        let root = path + "/store"
        try FileManager.default.createDirectory(atPath: root + "/dossiers", withIntermediateDirectories: true)
        let p = Templates.program(programID)!
        try Data(try YAMLFile.encode(p).utf8).write(to: URL(fileURLWithPath: root + "/program.yaml"))
        for d in dossiers {
            try Data(try DossierImport.yaml(d).utf8).write(to: URL(fileURLWithPath: root + "/dossiers/\(d.id).yaml"))
        }
        return try PanelStore.open(root)
    }
}

let gb18030 = String.Encoding(rawValue: 0x80000632)
let hangzhou = Templates.program("hangzhou-craftsman")!

func listing(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
}

@Suite struct CSVTests {
    @Test func quotedFieldsCommasNewlinesAndCRLF() throws {
        let text = "a,b,c\r\n1,\"x, y\",\"line1\r\nline2\"\r\n2,\"say \"\"hi\"\"\",\r\n"
        let recs = try CSV.parse(text, path: "t.csv")
        #expect(recs.count == 3)
        #expect(recs[1].fields == ["1", "x, y", "line1\nline2"])
        #expect(recs[1].line == 2)
        #expect(recs[2].fields == ["2", "say \"hi\"", ""])
        #expect(recs[2].line == 4)
    }

    @Test func noFinalNewlineAndLoneCR() throws {
        let recs = try CSV.parse("a,b\r1,2", path: "t.csv")
        #expect(recs.map(\.fields) == [["a", "b"], ["1", "2"]])
    }

    @Test func unterminatedQuoteNamesItsLine() {
        do {
            _ = try CSV.parse("a,b\n1,2\n3,\"open\nmore\n", path: "t.csv")
            Issue.record("no error")
        } catch let e as InputError {
            #expect(e.path == "t.csv")
            #expect(e.line == 3)
            #expect(e.field == columnName(2))
        } catch { Issue.record("\(error)") }
    }

    @Test func textAfterAClosingQuote() {
        #expect(throws: InputError.self) { try CSV.parse("a\n\"x\"y\n", path: "t.csv") }
    }

    @Test func writeThenParseRoundTrips() throws {
        let rows = [["编号", "主要事迹"], ["A1", "他说：“好,很好”\n第二行"], ["A2", "\"quoted\""]]
        let back = try CSV.parse(CSV.write(rows), path: "w.csv")
        #expect(back.map(\.fields) == rows)
    }
}

@Suite struct EncodingTests {
    static let csv = "编号,姓名,出生日期,主要事迹\r\nHZ-1,楼建平,1956年10月1日,“织锦”技艺——传承\r\n"

    @Test func utf8WithAndWithoutBOM() throws {
        let dir = TempDir()
        for (name, data) in [("plain.csv", Data(Self.csv.utf8)), ("bom.csv", Data([0xEF, 0xBB, 0xBF]) + Data(Self.csv.utf8))] {
            let ds = try DossierImport.read(path: dir.file(name, data), program: hangzhou)
            #expect(ds.count == 1)
            #expect(ds[0].id == "HZ-1")
            #expect(ds[0].name == "楼建平")
            #expect(ds[0].deeds == "“织锦”技艺——传承")
        }
    }

    @Test func gb18030AsChineseExcelSavesIt() throws {
        let dir = TempDir()
        let data = try #require(Self.csv.data(using: gb18030))
        #expect(String(data: data, encoding: .utf8) == nil)   // really not UTF-8
        let path = dir.file("excel.csv", data)
        let ds = try DossierImport.read(path: path, program: hangzhou)
        #expect(ds.map(\.name) == ["楼建平"])
        #expect(ds[0]["birth_date"] == "1956年10月1日")
        #expect(ds[0].deeds == "“织锦”技艺——传承")
        // the explicit override agrees; forcing UTF-8 fails with a line
        #expect(try DossierImport.read(path: path, program: hangzhou, encoding: .gb18030) == ds)
        do {
            _ = try DossierImport.read(path: path, program: hangzhou, encoding: .utf8)
            Issue.record("no error")
        } catch let e as InputError {
            #expect(e.line == 1)
            #expect(e.path == path)
        }
    }

    @Test func gb18030FourByteCharacters() throws {
        // 𠀀 (U+20000) and € are four-byte / two-byte sequences in GB18030
        let text = "编号,姓名\nA1,𠀀€王\n"
        let data = try #require(text.data(using: gb18030))
        let dir = TempDir()
        let ds = try DossierImport.read(path: dir.file("four.csv", data), program: hangzhou)
        #expect(ds[0].name == "𠀀€王")
    }

    @Test func bytesThatAreNeitherEncoding() throws {
        var data = Data("编号,姓名\nA1,王\n".utf8)
        data += Data("A2,".utf8) + Data([0xFF, 0xFE, 0x80]) + Data("\n".utf8)
        let dir = TempDir()
        do {
            _ = try DossierImport.read(path: dir.file("bad.csv", data), program: hangzhou)
            Issue.record("no error")
        } catch let e as InputError {
            #expect(e.line == 3)
            #expect(e.description.contains("bad.csv:3"))
        }
    }

    @Test func validatorsAgreeWithFoundation() {
        let samples: [[UInt8]] = [[0xE4, 0xB8, 0xAD], [0xE4, 0xB8], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x41]]
        for s in samples {
            #expect((TextDecoding.firstInvalidUTF8(s) == nil) == (String(validating: s, as: UTF8.self) != nil), "\(s)")
        }
        #expect(TextDecoding.firstInvalidGB18030([0xD6, 0xD0]) == nil)
        #expect(TextDecoding.firstInvalidGB18030([0x81, 0x30, 0x81, 0x30]) == nil)
        #expect(TextDecoding.firstInvalidGB18030([0x41, 0x80]) == 1)
        #expect(TextDecoding.firstInvalidGB18030([0xD6]) == 0)
    }
}

@Suite struct ReadTests {
    func expectError(_ text: String, name: String = "in.csv", program: Program = hangzhou, existing: Set<String> = [],
                     line: Int?, field: String?, sourceLocation: SourceLocation = #_sourceLocation) {
        let dir = TempDir()
        let path = dir.file(name, text)
        do {
            let ds = try DossierImport.read(path: path, program: program, existingIDs: existing)
            Issue.record("no error, read \(ds.count)", sourceLocation: sourceLocation)
        } catch let e as InputError {
            #expect(e.path == path, sourceLocation: sourceLocation)
            #expect(e.line == line, "\(e)", sourceLocation: sourceLocation)
            #expect(e.field == field, "\(e)", sourceLocation: sourceLocation)
            #expect(!e.message.isEmpty, sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func headersByLabelIdOrEnglish() throws {
        let dir = TempDir()
        let text = "id,姓名,职称(技能等级),Employer,工会会员,符合认定条件（第几条）\nA1,王五,高级技师,杭州某厂,是,3\n"
        let ds = try DossierImport.read(path: dir.file("h.csv", text), program: hangzhou)
        #expect(ds[0].fields == ["id": "A1", "name": "王五", "title": "高级技师", "employer": "杭州某厂", "union_member": "是", "condition": "3"])
    }

    @Test func programmeFieldsAreAcceptedOnlyWhereTheyExist() throws {
        let text = "编号,首席技师姓名,in_term,已建立健全首席技师制度\nJ1,顾伟,是,是\n"
        let dir = TempDir()
        let ds = try DossierImport.read(path: dir.file("j.csv", text), program: Templates.program("jingan-chief-technician")!)
        #expect(ds[0]["in_term"] == "是")
        #expect(ds[0]["unit_has_chief_system"] == "是")
        #expect(ds[0].name == "顾伟")
        expectError(text, program: Templates.program("shanghai-craftsman")!, line: 1, field: "首席技师姓名")
    }

    @Test func blankFieldsAreImportedAndBlankLinesSkipped() throws {
        let dir = TempDir()
        let text = "编号,姓名,工作单位\n\nA1,,杭州某厂\n,,\nA2,李四,\n"
        let ds = try DossierImport.read(path: dir.file("b.csv", text), program: hangzhou)
        #expect(ds.map(\.id) == ["A1", "A2"])
        #expect(ds[0]["name"] == nil)
        #expect(!Eligibility.check(ds[0], program: hangzhou, sanctions: []).eligible)
    }

    @Test func unknownHeader() { expectError("编号,姓名,星座\nA1,王,狮子\n", line: 1, field: "星座") }
    @Test func duplicateHeader() { expectError("编号,姓名,name\nA1,王,王\n", line: 1, field: "name") }
    /// A sheet without 编号 is numbered in row order (the annex of 杭总工〔2016〕34号 has no 编号);
    /// it was refused. A 编号 column with a blank cell is still an error (`blankID`).
    @Test func noIDColumnIsNumbered() throws {
        let dir = TempDir()
        let ds = try DossierImport.read(path: dir.file("n.csv", "姓名\n王\n李\n"), program: hangzhou, existingIDs: ["HZ007", "HZ1000x"])
        #expect(ds.map(\.id) == ["HZ008", "HZ009"])
        #expect(ds.map(\.name) == ["王", "李"])
    }
    @Test func tooManyFields() { expectError("编号,姓名\nA1,王\nA2,李,多余\n", line: 3, field: columnName(3)) }
    @Test func tooFewFields() { expectError("编号,姓名,工作单位\nA1,王\n", line: 2, field: columnName(3)) }
    @Test func unterminatedQuote() { expectError("编号,姓名\nA1,王\nA2,\"李\n", line: 3, field: columnName(2)) }
    @Test func duplicateIDInTheFile() { expectError("编号,姓名\nA1,王\nA2,李\nA1,赵\n", line: 4, field: "id") }
    @Test func duplicateIDWithTheStore() { expectError("编号,姓名\nA1,王\nA2,李\n", existing: ["A2"], line: 3, field: "id") }
    @Test func unsafeID() { expectError("编号,姓名\nA1,王\n../etc,李\n", line: 3, field: "id") }
    @Test func chineseID() { expectError("编号,姓名\n甲一,王\n", line: 2, field: "id") }
    @Test func blankID() { expectError("编号,姓名\n,王\n", line: 2, field: "id") }
    @Test func quotedRecordLineIsWhereItStarts() {
        expectError("编号,主要事迹\nA1,\"第一行\n第二行\"\nA1,x\n", line: 4, field: "id")
    }
    @Test func unknownExtension() { expectError("x", name: "in.xlsx", line: nil, field: nil) }

    @Test func yamlListWithIDsAndLabels() throws {
        let text = """
        - 编号: Y1
          姓名: 王五
          出生日期: 1956-10-01
          从业年限: 12
          已获荣誉: [区劳模, 市技术能手]
          主要事迹: |
            第一段。
            第二段。
        - id: Y2
          name: 李六
          union_member: 是
          outstanding_contribution: null
        """
        let dir = TempDir()
        let ds = try DossierImport.read(path: dir.file("d.yaml", text), program: hangzhou)
        #expect(ds.map(\.id) == ["Y1", "Y2"])
        #expect(ds[0]["birth_date"] == "1956-10-01")
        #expect(ds[0]["years_in_trade"] == "12")
        #expect(ds[0]["honors"] == "区劳模、市技术能手")
        #expect(ds[0].deeds == "第一段。\n第二段。")
        #expect(ds[1]["outstanding_contribution"] == nil)
    }

    @Test func yamlProgrammeFields() throws {
        let text = "- {编号: J1, 首席技师姓名: 顾伟, in_term: 是, unit_allowance: 否}\n"
        let dir = TempDir()
        let ds = try DossierImport.read(path: dir.file("j.yml", text), program: Templates.program("jingan-chief-technician")!)
        #expect(ds[0]["unit_allowance"] == "否")
    }

    @Test func yamlErrors() {
        expectError("- 编号: Y1\n  星座: 狮子\n", name: "e.yaml", line: 2, field: "星座")
        expectError("- 编号: Y1\n- 编号: Y1\n", name: "e.yaml", line: 2, field: "id")
        expectError("- 编号: Y1\n  姓名: {a: b}\n", name: "e.yaml", line: 2, field: "姓名")
        expectError("编号: Y1\n", name: "e.yaml", line: 1, field: nil)
        expectError("- 编号: Y1\n  姓名: [unclosed\n", name: "e.yaml", line: 3, field: nil)
        // a list where no item has 编号 is numbered (as a sheet without the column); one where
        // some have it and one has not is an error
        expectError("- 编号: Y1\n- 姓名: 无编号\n", name: "e.yaml", line: 2, field: "id")
    }

    @Test func yamlInGB18030() throws {
        let data = try #require("- 编号: G1\n  姓名: 王五\n".data(using: gb18030))
        let dir = TempDir()
        let ds = try DossierImport.read(path: dir.file("g.yaml", data), program: hangzhou)
        #expect(ds[0].name == "王五")
    }
}

@Suite struct ImportIntoStoreTests {
    @Test func importWritesOneFilePerDossierAndTheStoreReadsThemBack() throws {
        let dir = TempDir()
        let store = try dir.store()
        let text = "编号,姓名,出生日期,主要事迹,从业年限\nA1,王五,1956-10-01,\"“好”,很好\n第二行\",12\nA2,李六,null,no,007\n"
        let ds = try DossierImport.importFile(path: dir.file("in.csv", text), into: store)
        #expect(ds.count == 2)
        #expect(listing(store.layout.dossiersDir) == ["A1.yaml", "A2.yaml"])
        let reopened = try PanelStore.open(store.layout.root)
        #expect(reopened.dossiers == ds)
        #expect(reopened.dossier("A2")?["birth_date"] == "null")
        #expect(reopened.dossier("A2")?.deeds == "no")
        #expect(reopened.dossier("A2")?["years_in_trade"] == "007")
        #expect(reopened.dossier("A1")?.deeds == "“好”,很好\n第二行")
    }

    @Test func aFailedImportLeavesTheStoreExactlyAsItWas() throws {
        let dir = TempDir()
        let store = try dir.store(dossiers: [Dossier(id: "OLD", fields: ["name": "老"])])
        let before = listing(store.layout.dossiersDir)
        let bad = "编号,姓名\nN1,新一\nN2,新二\nN3,\"未闭合\n"
        #expect(throws: InputError.self) { try DossierImport.importFile(path: dir.file("bad.csv", bad), into: store) }
        #expect(listing(store.layout.dossiersDir) == before)
        let dup = "编号,姓名\nN1,新一\nOLD,重复\n"
        #expect(throws: InputError.self) { try DossierImport.importFile(path: dir.file("dup.csv", dup), into: store) }
        #expect(listing(store.layout.dossiersDir) == before)
    }

    @Test func aRaceOnPublishRollsBackWhatThisCallPublished() throws {
        // The store was read before another writer created B2: publish must not replace it and
        // must remove the B1 it already linked.
        let dir = TempDir()
        let store = try dir.store()
        let other = Dossier(id: "B2", fields: ["name": "别人"])
        try Data(try DossierImport.yaml(other).utf8).write(to: URL(fileURLWithPath: store.layout.dossierFile("B2")))
        let text = "编号,姓名\nB1,甲\nB2,乙\nB3,丙\n"
        do {
            try DossierImport.importFile(path: dir.file("race.csv", text), into: store)
            Issue.record("no error")
        } catch let e as InputError {
            #expect(e.field == "id")
            #expect(e.message.contains("B2"))
        }
        #expect(listing(store.layout.dossiersDir) == ["B2.yaml"])
        #expect(try PanelStore.open(store.layout.root).dossier("B2")?.name == "别人")
    }

    @Test func checkAllOverTheStore() throws {
        let dir = TempDir()
        let store = try dir.store("hangzhou-craftsman")
        let text = """
        编号,姓名,出生日期,国籍,工会会员,专业领域,工作单位,推荐方式,从业年限,符合认定条件（第几条）,突出贡献,主要事迹
        H1,甲,1956-10-01,中国,是,木雕,杭州某厂,他人推荐,10,2,否,事迹
        H2,乙,1955-09-30,中国,是,木雕,杭州某厂,他人推荐,9,2,否,事迹

        """
        try DossierImport.importFile(path: dir.file("h.csv", text), into: store)
        let results = Eligibility.checkAll(try PanelStore.open(store.layout.root))
        #expect(results.map(\.dossier) == ["H1", "H2"])
        #expect(results[0].eligible)
        // 61 at 2016-09-30 (60 would pass: 60周岁以下 includes 60, 民法典 Art. 1259)
        #expect(failed(results[1]) == ["age", "years_in_trade"])
    }

    @Test func fixtureFileInGB18030() throws {
        // Fixtures/QingpuFixture.swift saved the way Chinese Excel saves CSV.
        let utf8 = Fixtures.qingpuCSV
        let data = try #require(utf8.replacingOccurrences(of: "\n", with: "\r\n").data(using: gb18030))
        let dir = TempDir()
        let program = Templates.program("qingpu-craftsman")!
        let ds = try DossierImport.read(path: dir.file("qingpu-gb18030.csv", data), program: program)
        #expect(ds.count == 3)
        let results = ds.map { Eligibility.check($0, program: program, sanctions: []) }
        #expect(results.map(\.eligible) == [true, false, false])
        #expect(failed(results[1]) == ["excluded_honours"])
        // "详细事迹材料1000字" (seed 002 七、3) names a length, not a limit: a note, not a reason
        #expect(failed(results[2]) == ["complete_form"])
        #expect(noted(results[2]).contains("deeds_length"))
    }
}

@Suite struct StoreValidationTests {
    @Test func openingAStoreWithAnUnknownRuleTypeFails() throws {
        let dir = TempDir()
        let store = try dir.store("shanghai-craftsman")
        var p = store.program
        p.rules.append(RuleSpec(id: "zodiac", type: "zodiac_sign", field: "birth_date"))
        try Data(try YAMLFile.encode(p).utf8).write(to: URL(fileURLWithPath: store.layout.programFile))
        do {
            _ = try PanelStore.open(store.layout.root)
            Issue.record("opened")
        } catch let e as InputError {
            #expect(e.path == store.layout.programFile)
            #expect(e.field?.contains("zodiac") == true)
            #expect(e.message.contains("zodiac_sign"))
        }
    }
}

@Suite struct SpreadsheetLeftoversTests {
    @Test func trailingEmptyHeaderColumnsAreIgnored() throws {
        let dir = TempDir()
        let ds = try DossierImport.read(path: dir.file("t.csv", "编号,姓名,,\r\nA1,王,,\r\nA2,李\r\n"), program: hangzhou)
        #expect(ds.map(\.name) == ["王", "李"])
    }

    @Test func aValueUnderNoHeaderIsAnError() {
        let dir = TempDir()
        let path = dir.file("t.csv", "编号,姓名,,\nA1,王,,\nA2,李,,孤值\n")
        do {
            _ = try DossierImport.read(path: path, program: hangzhou)
            Issue.record("no error")
        } catch let e as InputError {
            #expect(e.line == 3)
            #expect(e.field == columnName(4))
        } catch { Issue.record("\(error)") }
    }

    @Test func anEmptyHeaderInTheMiddleIsAnError() {
        #expect(throws: InputError.self) {
            let dir = TempDir()
            _ = try DossierImport.read(path: dir.file("t.csv", "编号,,姓名\nA1,x,王\n"), program: hangzhou)
        }
    }
}

@Suite struct CSVTemplateTests {
    @Test(arguments: Templates.ids)
    func theBlankFormImportsBackToTheProgrammesFields(id: String) throws {
        let p = Templates.program(id)!
        for lang in Language.allCases {
            let text = DossierImport.csvTemplate(for: p, lang: lang)
            let header = try CSV.parse(text, path: "form.csv")[0].fields
            // the programme's own form: the columns it prints (ProgramForm), in order
            let columns = ProgramForm.columns(p)
            #expect(header.map { DossierImport.fieldID(forHeader: $0, program: p) } == columns.map(\.id), "\(id) \(lang)")
            // and a filled row reads as a dossier
            let dir = TempDir()
            let row = columns.map { $0.id == "id" ? "X1" : "值" }
            let ds = try DossierImport.read(path: dir.file("f.csv", text + CSV.write([row])), program: p)
            #expect(ds.count == 1 && ds[0].fields.count == columns.count + (columns.contains { $0.id == "id" } ? 0 : 1))
        }
    }
}

@Suite struct SanctionsFileTests {
    @Test func sanctionsAreReadAndApplied() throws {
        let dir = TempDir()
        let store = try dir.store("shanghai-craftsman")
        try "- {kind: unit, name: 某造假公司, year: 2014, note: 2014年查实}\n".write(toFile: store.layout.sanctionsFile, atomically: true, encoding: .utf8)
        let text = "编号,姓名,国籍,工会会员,专业领域,工作单位,推荐方式,主要事迹\nS1,甲,中国,是,焊接,某造假公司,单位推荐,事迹\nS2,乙,中国,是,焊接,别的公司,单位推荐,事迹\n"
        try DossierImport.importFile(path: dir.file("s.csv", text), into: store)
        let results = Eligibility.checkAll(try PanelStore.open(store.layout.root))   // programme year 2016
        #expect(results.map(\.eligible) == [false, true])
        #expect(failed(results[0]) == ["falsified_material"])
    }

    @Test func aBadKindIsAnErrorWhenTheStoreOpens() throws {
        let dir = TempDir()
        let store = try dir.store("shanghai-craftsman")
        try "- {kind: company, name: 某公司, year: 2014}\n".write(toFile: store.layout.sanctionsFile, atomically: true, encoding: .utf8)
        do {
            _ = try PanelStore.open(store.layout.root)
            Issue.record("opened")
        } catch let e as InputError {
            #expect(e.path == store.layout.sanctionsFile)
            #expect(e.field == "[0].kind")
        }
    }
}

@Suite struct UTF16Tests {
    @Test func utf16IsRefusedWithAHint() throws {
        let dir = TempDir()
        let data = try #require("编号,姓名\nA1,王\n".data(using: .utf16LittleEndian))
        do {
            _ = try DossierImport.read(path: dir.file("u16.csv", Data([0xFF, 0xFE]) + data), program: hangzhou)
            Issue.record("no error")
        } catch let e as InputError {
            #expect(e.line == 1)
            #expect(e.message.contains("UTF-16"))
        }
    }

    /// A UTF-32 file (whose little-endian mark starts like UTF-16's) is called UTF-32.
    @Test(arguments: [true, false]) func utf32IsNotCalledUTF16(little: Bool) throws {
        let dir = TempDir()
        let text = try #require("编号,姓名\nA1,王\n".data(using: little ? .utf32LittleEndian : .utf32BigEndian))
        let bom: [UInt8] = little ? [0xFF, 0xFE, 0, 0] : [0, 0, 0xFE, 0xFF]
        do {
            _ = try PanelMessages.$language.withValue(.en) {
                try DossierImport.read(path: dir.file("u32.csv", Data(bom) + text), program: hangzhou)
            }
            Issue.record("no error")
        } catch let e as InputError {
            #expect(e.line == 1)
            #expect(e.message.contains("UTF-32"), "\(e.message)")
            #expect(!e.message.contains("UTF-16"), "\(e.message)")
        }
    }
}

@Suite struct ErrorLanguageTests {
    @Test func theCallerChoosesTheLanguageOfErrors() throws {
        let dir = TempDir()
        let path = dir.file("x.csv", "编号,星座\nA1,狮子\n")
        for (lang, word) in [(Language.zh, "不认识的表头"), (Language.en, "unknown header")] {
            PanelMessages.$language.withValue(lang) {
                do {
                    _ = try DossierImport.read(path: path, program: hangzhou)
                    Issue.record("no error")
                } catch let e as InputError {
                    #expect(e.message.contains(word), "\(e.message)")
                } catch { Issue.record("\(error)") }
            }
        }
    }
}
