import Foundation
import Testing
@testable import Panel

@Suite struct TextTableTests {
    @Test func columnsLineUpInTerminalCells() {
        let out = TextTable.render(headers: ["编号", "姓名", "分数"], rows: [["A1", "王五", "9"], ["B22", "欧阳建国", "100"]], alignRight: [2])
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        // the third column ends at the same cell on every line
        let ends = lines.map { DisplayWidth.of($0) }
        #expect(Set(ends).count == 1, "\(ends)")
        #expect(lines[2].hasSuffix("  9"))
        #expect(lines[1].allSatisfy { $0 == "-" || $0 == " " })
        // 姓名 column starts at the same cell everywhere
        let starts = lines.map { l -> Int in
            let idx = l.firstIndex(of: " ")!
            var rest = l[idx...]
            while rest.first == " " { rest = rest.dropFirst() }
            return DisplayWidth.of(String(l[..<rest.startIndex]))
        }
        #expect(Set(starts).count == 1, "\(starts)")
    }

    @Test func newlinesBecomeSpacesAndLongCellsAreCut() {
        let out = TextTable.render(headers: ["a"], rows: [["第一行\n第二行"], [String(repeating: "长", count: 30)]], maxColumnWidth: 10)
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[2] == "第一行 第…")
        #expect(DisplayWidth.of(lines[3]) <= 10)
        #expect(lines[3].hasSuffix("…"))
    }

    @Test func shortRowsArePadded() {
        let out = TextTable.render(headers: ["a", "b"], rows: [["1"]])
        #expect(out == "a  b\n-  -\n1\n")
    }
}

@Suite struct CheckReportTests {
    let results = [
        EligibilityResult(dossier: "A1", eligible: true, failures: []),
        EligibilityResult(dossier: "A2", eligible: false, failures: [
            RuleFailure(rule: "union_member", zh: "工会会员为“否”，须为“是”", en: "Union member is 否, must be 是"),
            RuleFailure(rule: "deeds_length", zh: "主要事迹共 601 字，超过 600 字的限制", en: "Main deeds has 601 characters, \"over\" the limit\nof 600"),
        ]),
    ]
    let dossiers = [Dossier(id: "A1", fields: ["name": "王五", "employer": "杭州某厂"]), Dossier(id: "A2", fields: ["name": "李六"])]

    @Test func jsonContract() throws {
        for lang in Language.allCases {
            let text = CheckReport.json(results, lang: lang)
            let obj = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let list = try #require(obj["dossiers"] as? [[String: Any]])
            #expect(list.count == 2)
            #expect(list[0]["dossier"] as? String == "A1")
            #expect(list[0]["eligible"] as? Bool == true)
            #expect((list[0]["reasons"] as? [Any])?.isEmpty == true)
            #expect(list[1]["eligible"] as? Bool == false)
            let reasons = try #require(list[1]["reasons"] as? [[String: String]])
            #expect(reasons.map { $0["rule"] } == ["union_member", "deeds_length"])
            #expect(reasons[0]["message"] == (lang == .zh ? "工会会员为“否”，须为“是”" : "Union member is 否, must be 是"))
            #expect(reasons[1]["message_en"] == "Main deeds has 601 characters, \"over\" the limit\nof 600")
            #expect(reasons[1]["message_zh"] == "主要事迹共 601 字，超过 600 字的限制")
            let summary = try #require(obj["summary"] as? [String: Int])
            #expect(summary == ["total": 2, "eligible": 1, "ineligible": 1, "to_be_confirmed": 0])
        }
        #expect(CheckReport.json([], lang: .zh).hasPrefix("{\"dossiers\":[]"))
    }

    @Test func quoteEscapesControlCharacters() throws {
        let s = "a\u{1}b\t\"\\"
        let decoded = try JSONSerialization.jsonObject(with: Data(("[" + CheckReport.quote(s) + "]").utf8)) as? [String]
        #expect(decoded == [s])
    }

    @Test func tableInBothLanguages() {
        let zh = CheckReport.table(results, dossiers: dossiers, lang: .zh)
        #expect(zh.contains("合格"))
        #expect(zh.contains("不合格"))
        #expect(zh.contains("王五"))
        #expect(zh.contains("共 2 份，合格 1 份，不合格 1 份"))
        let en = CheckReport.table(results, dossiers: dossiers, lang: .en)
        #expect(en.contains("ineligible"))
        #expect(en.contains("2 dossiers: 1 eligible, 1 ineligible"))
        // one line per failed rule, the header, the rule, A1, and the summary
        let lines = en.split(separator: "\n")
        #expect(lines.count == 2 + 1 + 2 + 1)
        // every table line has the Result column at the same cell
        let tableLines = zh.split(separator: "\n").dropLast().map(String.init)
        let col = tableLines.compactMap { l -> Int? in
            guard let r = l.range(of: "合格") ?? l.range(of: "结果") else { return nil }
            var s = String(l[..<r.lowerBound])
            if s.hasSuffix("不") { s.removeLast() }
            return DisplayWidth.of(s)
        }
        #expect(Set(col).count == 1, "\(col)")
    }

    /// Issue 12: 待核实 and notes. JSON: each dossier's outcome, each reason's outcome, notes
    /// apart from reasons; the table prints a note every dossier has once, above it.
    @Test func threeOutcomesAndNotes() throws {
        let every = RuleFailure(rule: "frontline", zh: "一线岗位，由评审组判断", en: "front line: for the panel")
        let rank = RuleFailure(rule: "unit_ranks", zh: "推荐单位“甲”推荐 2 人，本人排第 1 名", en: "unit 甲 ranks this one 1 of 2")
        let r = [
            EligibilityResult(dossier: "A1", failures: [], notes: [every, rank]),
            EligibilityResult(dossier: "A2", failures: [RuleFailure(rule: "union_member", zh: "工会会员为“否”", en: "not a member")],
                              toConfirm: [RuleFailure(rule: "nationality", zh: "国籍未填写", en: "nationality blank")], notes: [every]),
            EligibilityResult(dossier: "A3", failures: [], toConfirm: [RuleFailure(rule: "age", zh: "年龄未填写", en: "age blank")], notes: [every]),
        ]
        #expect(r.map(\.outcome) == [.eligible, .ineligible, .toBeConfirmed])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(CheckReport.json(r, lang: .en).utf8)) as? [String: Any])
        let list = try #require(obj["dossiers"] as? [[String: Any]])
        #expect(list.map { $0["outcome"] as? String } == ["eligible", "ineligible", "to-be-confirmed"])
        #expect(list.map { $0["eligible"] as? Bool } == [true, false, false])
        let reasons = try #require(list[1]["reasons"] as? [[String: String]])
        #expect(reasons.map { $0["outcome"] } == ["ineligible", "to-be-confirmed"])
        #expect((list[0]["reasons"] as? [Any])?.isEmpty == true)
        #expect((list[0]["notes"] as? [[String: String]])?.map { $0["rule"] } == ["frontline", "unit_ranks"])
        #expect(obj["summary"] as? [String: Int] == ["total": 3, "eligible": 1, "ineligible": 1, "to_be_confirmed": 1])
        let zh = CheckReport.table(r, dossiers: [], lang: .zh)
        #expect(zh.components(separatedBy: "一线岗位，由评审组判断").count == 2)   // once, above
        #expect(zh.hasPrefix("评审组注意（每份材料）："))
        #expect(zh.contains("【评审组注意】推荐单位“甲”推荐 2 人，本人排第 1 名"))
        #expect(zh.contains("待核实：国籍未填写") && zh.contains("待核实：年龄未填写"))
        #expect(zh.contains("共 3 份，合格 1 份，不合格 1 份，待核实 1 份"))
    }
}
