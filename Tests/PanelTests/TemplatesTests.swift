import Foundation
import Testing
@testable import Panel

@Suite struct TemplatesTests {
    @Test func everyTemplateDecodesAndValidates() throws {
        #expect(Templates.ids == ["shanghai-craftsman", "qingpu-craftsman", "hangzhou-craftsman",
                                  "jingan-chief-technician", "jingan-master-studio", "jingan-term-review", "shanghai-chief-technician"])
        for src in Templates.sources {
            let p = try Templates.decode(src.yaml, id: src.id)
            #expect(p.id == src.id)
            #expect(!p.title.zh.isEmpty && !p.title.en.isEmpty)
            #expect(!p.rules.isEmpty)
            #expect(!p.sheet.criteria.isEmpty)
            for c in p.sheet.criteria {
                #expect(!c.name.zh.isEmpty && !c.name.en.isEmpty && !c.rubric.zh.isEmpty && !c.rubric.en.isEmpty && c.max > 0)
            }
            for f in p.fields { #expect(!f.label.zh.isEmpty && !f.label.en.isEmpty) }
            #expect(p.fields.contains { $0.id == "id" })
            #expect(p.notes?.isEmpty == false)
            try Eligibility.validate(p)
        }
        #expect(Templates.program("nope") == nil)
    }

    @Test func quotas() {
        #expect(Templates.program("shanghai-craftsman")?.quota == 100)
        #expect(Templates.program("qingpu-craftsman")?.quota == 10)
        #expect(Templates.program("hangzhou-craftsman")?.quota == 30)
        #expect(Templates.program("jingan-chief-technician")?.quota == 50)
        #expect(Templates.program("jingan-master-studio")?.quota == 10)
    }

    @Test(arguments: ["shanghai-craftsman", "qingpu-craftsman"])
    func craftsmanSheetsAndAggregation(id: String) throws {
        let p = try #require(Templates.program(id))
        #expect(p.sheet.criteria.map(\.id) == ["craft", "skill", "leadership", "contribution"])
        #expect(p.sheet.criteria.allSatisfy { $0.max == 25 })
        #expect(p.sheet.maxTotal == 100)
        #expect(p.aggregation.method == "trimmed-mean")
        #expect(p.aggregation.trim == 1)
        #expect(p.aggregation.trimMin == 5)
        #expect(p.aggregation.quorum == 3)
        #expect(p.aggregation.tieBreaks == ["median", "recommend"])
    }

    @Test func channels() {
        #expect(Templates.program("shanghai-craftsman")?.channels == ["单位推荐", "社团推荐", "个人自荐"])
        #expect(Templates.program("qingpu-craftsman")?.channels == ["单位推荐", "个人自荐"])
        #expect(Templates.program("hangzhou-craftsman")?.channels == ["单位推荐", "社团推荐", "他人推荐", "个人自荐"])
    }

    @Test func termReviewScoresTheFiveElements() throws {
        let p = try #require(Templates.program("jingan-term-review"))
        #expect(p.sheet.criteria.map(\.name.zh) == ["硬件建设", "内部管理", "项目成果", "人才培养", "社会效应"])
    }

    @Test func formLimits() {
        #expect(Templates.program("hangzhou-craftsman")?.field("deeds")?.maxChars == 600)
        // seed 002 "详细事迹材料1000字" is a length, not a limit (rule deeds_length is a note)
        #expect(Templates.program("qingpu-craftsman")?.rules.first { $0.id == "deeds_length" }?.isNote == true)
        // "《申报审批表》不得缺项、漏项": every box it prints but 编号 and the unit's two (unit nominations only)
        #expect(Templates.program("qingpu-craftsman").map { ProgramForm.columns($0).filter { !$0.required }.map(\.id) } == ["id", "recommender", "unit_rank"])
        #expect(Templates.program("hangzhou-craftsman")?.referenceDate == "2016-09-30")
    }

    @Test func qingpuStagesAreDated() throws {
        let p = try #require(Templates.program("qingpu-craftsman"))
        #expect(p.stages.count == 5)
        #expect(p.stages.allSatisfy { $0.start != nil && $0.end != nil })
        #expect(p.stages[2].start == "2018-07-01" && p.stages[2].end == "2018-07-31")
    }

    @Test func instantiateMovesDatesByYears() throws {
        let p = try #require(Templates.instantiate("hangzhou-craftsman", year: 2020, quota: 12))
        #expect(p.year == 2020)
        #expect(p.quota == 12)
        #expect(p.referenceDate == "2020-09-30")
        #expect(p.stages.first?.end == "2020-09-30")
        #expect(Templates.instantiate("missing") == nil)
    }

    @Test func yamlRoundTripThroughTheEncoder() throws {
        for p in Templates.all {
            let text = try YAMLFile.encode(p)
            let back = try Templates.decode(text, id: p.id)
            #expect(back == p)
        }
    }

    @Test func unknownRuleTypeIsAnError() throws {
        var p = try #require(Templates.program("shanghai-craftsman"))
        p.rules.append(RuleSpec(id: "odd", type: "astrology"))
        #expect(throws: InputError.self) { try Eligibility.validate(p) }
        let text = try YAMLFile.encode(p)
        #expect(throws: InputError.self) { try Templates.decode(text, id: "x") }
        // and a check never passes it silently
        let d = Dossier(id: "a", fields: ["name": "张三"])
        let r = Eligibility.check(d, program: p, sanctions: [])
        #expect(r.failures.contains { $0.rule == "odd" })
    }

    @Test func aRuleNamingAnUnknownFieldIsAnError() throws {
        var p = try #require(Templates.program("qingpu-craftsman"))
        p.rules.append(RuleSpec(id: "typo", type: "required", values: ["emplyer"]))
        #expect(throws: InputError.self) { try Eligibility.validate(p) }
        p.rules.removeLast()
        p.rules.append(RuleSpec(id: "typo2", type: "yes", field: "unit_alowance"))
        #expect(throws: InputError.self) { try Eligibility.validate(p) }
        p.rules.removeLast()
        p.rules.append(RuleSpec(id: "fine", type: "yes", field: "unit_rank"))
        try Eligibility.validate(p)
    }

    @Test func missingParameterIsAnError() throws {
        var p = try #require(Templates.program("hangzhou-craftsman"))
        p.rules.append(RuleSpec(id: "age2", type: "max_age"))
        #expect(throws: InputError.self) { try Eligibility.validate(p) }
    }

    @Test func listingNamesEveryTemplate() {
        let text = Templates.listing(.zh)
        for id in Templates.ids { #expect(text.contains(id)) }
        #expect(Templates.listing(.en).contains("Shanghai Craftsman"))
    }
}

/// Issue 12: the English of the templates was cut at an unquoted comma in a YAML flow mapping
/// ("{zh: …, en: Funds, space, …}" reads en as "Funds"). Every flow-mapping `en:` value that
/// holds a comma is quoted, and each decoded English text is the whole text of its line.
@Suite struct TemplateEnglishTests {
    @Test(arguments: Templates.ids)
    func noEnglishIsCutAtAComma(id: String) throws {
        let yaml = try #require(Templates.yaml(id))
        for line in yaml.split(separator: "\n") where line.contains("{") && line.contains("en: ") {
            guard let r = line.range(of: "en: ") else { continue }
            let rest = line[r.upperBound...]
            if rest.hasPrefix("\"") { continue }
            // unquoted: up to the closing brace of the flow mapping, no comma allowed
            let value = rest.prefix { $0 != "}" }
            #expect(!value.contains(","), "\(id): \(line)")
        }
        let p = try #require(Templates.program(id))
        let texts = [p.title.en] + p.fields.map(\.label.en) + p.rules.compactMap { $0.description?.en } + p.sheet.criteria.map(\.rubric.en)
        for t in texts { #expect(!t.isEmpty && !t.hasSuffix(","), "\(id): \(t)") }
    }
}
