import Foundation
import Testing
@testable import Panel

/// Dossiers that pass every rule of their programme; each test breaks one thing.
enum Sample {
    static func program(_ id: String) -> Program { Templates.program(id)! }

    static let shanghai: [String: String] = [
        "name": "陈建国", "gender": "男", "birth_date": "1968-03-12", "nationality": "中国", "union_member": "是",
        "field": "焊接", "title": "高级技师", "employer": "上海电气集团上海锅炉厂有限公司", "recommender": "上海电气工会",
        "channel": "单位推荐", "years_in_trade": "30", "deeds": "三十年焊接生涯。",
    ]
    static let qingpu: [String: String] = [
        "name": "沈明", "gender": "男", "birth_date": "1979-04-01", "ethnicity": "汉族", "nationality": "中国",
        "union_member": "是", "field": "模具", "title": "技师", "mobile": "13800000000", "address": "青浦区公园路1号",
        "employer": "青浦某模具厂", "recommender": "赵巷镇总工会", "channel": "单位推荐", "years_in_trade": "15",
        "awards": "区技术能手", "honors": "无", "unit_rank": "1", "deeds": "模具精度攻关。",
    ]
    static let hangzhou: [String: String] = [
        "name": "楼建平", "birth_date": "1970-01-01", "nationality": "中国", "union_member": "是", "field": "丝绸织造",
        "employer": "杭州某丝绸公司", "channel": "他人推荐", "years_in_trade": "20", "condition": "2", "deeds": "织锦技艺传承。",
    ]
    static let chief: [String: String] = [
        "name": "顾伟", "title": "高级技师", "field": "电梯维修", "employer": "静安某电梯公司", "recommender": "区国资委",
        "frontline": "是", "unit_has_chief_system": "是", "unit_team_support": "是", "unit_allowance": "是",
        "unit_training": "是", "in_term": "是", "deeds": "首席技师项目。",
    ]
    static let studio: [String: String] = [
        "name": "钱芳", "title": "技师", "field": "美发", "employer": "静安某美发公司", "recommender": "区商务委",
        "master_basis": "1", "master_fit": "是", "unit_skilled_workforce": "是", "unit_policies": "是",
        "unit_team_support": "是", "deeds": "技能大师工作室。",
    ]
    static let term: [String: String] = [
        "name": "顾伟", "employer": "静安某电梯公司", "project_kind": "首席技师资助项目", "in_term": "是", "deeds": "三年运作情况。",
    ]

    static func check(_ id: String, _ base: [String: String], _ change: [String: String?] = [:], sanctions: [Sanction] = []) -> EligibilityResult {
        var f = base
        for (k, v) in change { f[k] = v }
        return Eligibility.check(Dossier(id: "T1", fields: f), program: program(id), sanctions: sanctions)
    }
}

func failed(_ r: EligibilityResult) -> [String] { r.failures.map(\.rule) }

@Suite struct BaselineTests {
    @Test(arguments: [
        ("shanghai-craftsman", Sample.shanghai), ("qingpu-craftsman", Sample.qingpu), ("hangzhou-craftsman", Sample.hangzhou),
        ("jingan-chief-technician", Sample.chief), ("jingan-master-studio", Sample.studio), ("jingan-term-review", Sample.term),
    ])
    func sampleIsEligible(id: String, base: [String: String]) {
        let r = Sample.check(id, base)
        #expect(r.eligible, "\(id): \(r.failures)")
        #expect(r.failures.isEmpty)
    }

    @Test(arguments: Templates.ids)
    func emptyDossierFailsAndEveryReasonIsBilingual(id: String) {
        let r = Eligibility.check(Dossier(id: "E", fields: [:]), program: Sample.program(id), sanctions: [])
        #expect(!r.eligible)
        #expect(failed(r).contains { $0.hasPrefix("required") || $0 == "complete_form" })
        for f in r.failures {
            #expect(!f.zh.isEmpty && !f.en.isEmpty && f.zh != f.en)
        }
    }
}

@Suite struct CommonRuleTests {
    @Test(arguments: ["shanghai-craftsman", "qingpu-craftsman", "hangzhou-craftsman"])
    func nationality(id: String) {
        let base = id == "shanghai-craftsman" ? Sample.shanghai : id == "qingpu-craftsman" ? Sample.qingpu : Sample.hangzhou
        #expect(failed(Sample.check(id, base, ["nationality": "美国"])) == ["nationality"])
        #expect(Sample.check(id, base, ["nationality": " 中国 "]).eligible)
        #expect(Sample.check(id, base, ["nationality": "中华人民共和国"]).eligible)
        #expect(Sample.check(id, base, ["nationality": "china"]).eligible)
        #expect(failed(Sample.check(id, base, ["nationality": "中国香港特别行政区护照"])) == ["nationality"])
        #expect(failed(Sample.check(id, base, ["nationality": nil])).contains("nationality"))
    }

    @Test(arguments: ["shanghai-craftsman", "qingpu-craftsman", "hangzhou-craftsman"])
    func unionMember(id: String) {
        let base = id == "shanghai-craftsman" ? Sample.shanghai : id == "qingpu-craftsman" ? Sample.qingpu : Sample.hangzhou
        let r = Sample.check(id, base, ["union_member": "否"])
        #expect(failed(r) == ["union_member"])
        #expect(r.failures[0].zh.contains("工会会员"))
        #expect(r.failures[0].en.contains("Union member"))
        #expect(Sample.check(id, base, ["union_member": "是"]).eligible)
    }

    @Test func channelsDifferByProgramme() {
        #expect(Sample.check("hangzhou-craftsman", Sample.hangzhou, ["channel": "他人推荐"]).eligible)
        #expect(failed(Sample.check("shanghai-craftsman", Sample.shanghai, ["channel": "他人推荐"])) == ["channel"])
        #expect(Sample.check("shanghai-craftsman", Sample.shanghai, ["channel": "社团推荐"]).eligible)
        #expect(Sample.check("shanghai-craftsman", Sample.shanghai, ["channel": "个人自荐"]).eligible)
        #expect(failed(Sample.check("qingpu-craftsman", Sample.qingpu, ["channel": "社团推荐"])) == ["channel"])
        #expect(Sample.check("qingpu-craftsman", Sample.qingpu, ["channel": "个人自荐"]).eligible)
        #expect(failed(Sample.check("qingpu-craftsman", Sample.qingpu, ["channel": "他人推荐"])) == ["channel"])
    }

    @Test func shanghaiRequiredFields() {
        let r = Sample.check("shanghai-craftsman", Sample.shanghai, ["employer": nil, "deeds": "  "])
        #expect(failed(r) == ["required_fields"])
        #expect(r.failures[0].zh.contains("工作单位") && r.failures[0].zh.contains("主要事迹"))
        #expect(r.failures[0].en.contains("Employer"))
        // optional fields may stay blank
        #expect(Sample.check("shanghai-craftsman", Sample.shanghai, ["title": nil, "birth_date": nil]).eligible)
    }

    @Test func shanghaiDeedsLimit() {
        #expect(Sample.check("shanghai-craftsman", Sample.shanghai, ["deeds": String(repeating: "匠", count: 2000)]).eligible)
        #expect(failed(Sample.check("shanghai-craftsman", Sample.shanghai, ["deeds": String(repeating: "匠", count: 2001)])) == ["deeds_length"])
    }
}

@Suite struct HangzhouTests {
    let id = "hangzhou-craftsman"

    @Test func under60AtTheDeadline() {
        // reference date 2016-09-30: born 1956-10-01 is 59, born 1956-09-30 turns 60 that day
        #expect(Sample.check(id, Sample.hangzhou, ["birth_date": "1956-10-01"]).eligible)
        let r = Sample.check(id, Sample.hangzhou, ["birth_date": "1956-09-30"])
        #expect(failed(r) == ["age"])
        #expect(r.failures[0].zh.contains("60"))
        #expect(r.failures[0].en.contains("60"))
        #expect(failed(Sample.check(id, Sample.hangzhou, ["birth_date": "1950-01-01"])) == ["age"])
        #expect(Sample.check(id, Sample.hangzhou, ["birth_date": "1990-01-01"]).eligible)
    }

    @Test func outstandingContributionLiftsTheAgeLimit() {
        #expect(Sample.check(id, Sample.hangzhou, ["birth_date": "1950-01-01", "outstanding_contribution": "是"]).eligible)
        #expect(failed(Sample.check(id, Sample.hangzhou, ["birth_date": "1950-01-01", "outstanding_contribution": "否"])) == ["age"])
    }

    @Test(arguments: ["1956/10/1", "1956年10月1日", "1956.10.01", "19561001", "1956-10-1", "１９５６－１０－０１"])
    func dateFormatsAt59(text: String) {
        #expect(Sample.check(id, Sample.hangzhou, ["birth_date": text]).eligible, "\(text)")
    }

    @Test(arguments: ["1956/9/30", "1956年9月30日", "1956.09.30"])
    func dateFormatsAt60(text: String) {
        #expect(failed(Sample.check(id, Sample.hangzhou, ["birth_date": text])) == ["age"], "\(text)")
    }

    @Test(arguments: ["五六年", "1956-13-01", "1956-02-30", "1956/5", "yesterday", "1956-5/1"])
    func unreadableDateIsAFailureWithAReason(text: String) {
        let r = Sample.check(id, Sample.hangzhou, ["birth_date": text])
        #expect(failed(r) == ["age"])
        #expect(r.failures[0].zh.contains(text))
        #expect(r.failures[0].en.contains("not a date"))
    }

    @Test func blankBirthDate() {
        let r = Sample.check(id, Sample.hangzhou, ["birth_date": nil])
        #expect(failed(r).contains("age"))
        #expect(failed(r).contains("required_fields"))
    }

    @Test func tenYearsInTheTrade() {
        #expect(Sample.check(id, Sample.hangzhou, ["years_in_trade": "10"]).eligible)
        #expect(Sample.check(id, Sample.hangzhou, ["years_in_trade": "10年"]).eligible)
        #expect(Sample.check(id, Sample.hangzhou, ["years_in_trade": "１０"]).eligible)
        #expect(failed(Sample.check(id, Sample.hangzhou, ["years_in_trade": "9"])) == ["years_in_trade"])
        #expect(failed(Sample.check(id, Sample.hangzhou, ["years_in_trade": "9.5"])) == ["years_in_trade"])
        #expect(Sample.check(id, Sample.hangzhou, ["years_in_trade": "十年"]).eligible)
        #expect(Sample.check(id, Sample.hangzhou, ["years_in_trade": "二十三年"]).eligible)
        #expect(failed(Sample.check(id, Sample.hangzhou, ["years_in_trade": "九年"])) == ["years_in_trade"])
        #expect(Eligibility.chineseNumber("十五") == 15)
        #expect(Eligibility.chineseNumber("四十") == 40)
        #expect(Eligibility.chineseNumber("十十") == nil)
        #expect(Eligibility.chineseNumber("一百") == nil)
        let r = Sample.check(id, Sample.hangzhou, ["years_in_trade": "很多"])
        #expect(failed(r) == ["years_in_trade"])
        #expect(r.failures[0].en.contains("not a number"))
    }

    @Test(arguments: ["世界技能大赛前3名", "国家级技能大赛前3名", "省技能大赛第1名", "2015年国家级技能大赛前3名"])
    func conditionFourWaivesTheYears(award: String) {
        #expect(Sample.check(id, Sample.hangzhou, ["years_in_trade": "9", "contest_award": award]).eligible, "\(award)")
    }

    @Test(arguments: ["市级技能大赛第1名", "省技能大赛第2名", "无"])
    func otherAwardsDoNot(award: String) {
        #expect(failed(Sample.check(id, Sample.hangzhou, ["years_in_trade": "9", "contest_award": award])) == ["years_in_trade"], "\(award)")
    }

    @Test func deedsOf600Characters() {
        let six = String(repeating: "精", count: 600)
        #expect(six.utf8.count == 1800)   // bytes are not characters
        #expect(Sample.check(id, Sample.hangzhou, ["deeds": six]).eligible)
        let r = Sample.check(id, Sample.hangzhou, ["deeds": six + "。"])
        #expect(failed(r) == ["deeds_length"])
        #expect(r.failures[0].zh.contains("601"))
        // a flag emoji and a letter with a combining accent are one character each
        let mixed = String(repeating: "精", count: 598) + "🇨🇳" + "e\u{301}"
        #expect(mixed.count == 600)
        #expect(Sample.check(id, Sample.hangzhou, ["deeds": mixed]).eligible)
    }

    @Test func oneOfTheFiveConditions() {
        #expect(Sample.check(id, Sample.hangzhou, ["condition": "5"]).eligible)
        #expect(failed(Sample.check(id, Sample.hangzhou, ["condition": "6"])) == ["condition"])
    }
}

@Suite struct QingpuTests {
    let id = "qingpu-craftsman"

    @Test func everyFormFieldIsRequired() throws {
        let p = Sample.program(id)
        for f in p.fields where f.id != "id" {
            let r = Sample.check(id, Sample.qingpu, [f.id: nil])
            #expect(failed(r).contains("complete_form"), "\(f.id)")
            #expect(r.failures.first { $0.rule == "complete_form" }?.zh.contains(f.label.zh) == true)
        }
    }

    @Test func unitNominationNeedsRankAndRecommender() {
        #expect(failed(Sample.check(id, Sample.qingpu, ["unit_rank": nil])) == ["unit_nomination"])
        #expect(failed(Sample.check(id, Sample.qingpu, ["recommender": nil])) == ["unit_nomination"])
        #expect(Sample.check(id, Sample.qingpu, ["channel": "个人自荐", "unit_rank": nil, "recommender": nil]).eligible)
    }

    @Test func deedsOf1000Characters() {
        #expect(Sample.check(id, Sample.qingpu, ["deeds": String(repeating: "青", count: 1000)]).eligible)
        #expect(failed(Sample.check(id, Sample.qingpu, ["deeds": String(repeating: "青", count: 1001)])) == ["deeds_length"])
    }

    @Test(arguments: ["上海市十大工人发明家", "上海市十大职工科技创新英才", "上海市职工技术创新能手", "上海市职工科技创新标兵",
                      "区劳动模范；2016年上海市职工技术创新能手"])
    func excludingHonours(honors: String) {
        let r = Sample.check(id, Sample.qingpu, ["honors": honors])
        #expect(failed(r) == ["excluded_honours"], "\(honors)")
    }

    @Test func otherHonoursAreFine() {
        #expect(Sample.check(id, Sample.qingpu, ["honors": "上海市五一劳动奖章；青浦区技术能手"]).eligible)
    }

    @Test func fiveYearBarOnAPerson() {
        // programme year 2018: a sanction of year Y bars Y…Y+4
        let s2014 = [Sanction(kind: "person", name: "沈明", year: 2014)]
        #expect(failed(Sample.check(id, Sample.qingpu, sanctions: s2014)) == ["falsified_material"])
        let s2013 = [Sanction(kind: "person", name: "沈明", year: 2013)]
        #expect(Sample.check(id, Sample.qingpu, sanctions: s2013).eligible)
        let s2018 = [Sanction(kind: "person", name: "沈明", year: 2018)]
        #expect(failed(Sample.check(id, Sample.qingpu, sanctions: s2018)) == ["falsified_material"])
        let s2019 = [Sanction(kind: "person", name: "沈明", year: 2019)]
        #expect(Sample.check(id, Sample.qingpu, sanctions: s2019).eligible)
        let other = [Sanction(kind: "person", name: "沈明明", year: 2016)]
        #expect(Sample.check(id, Sample.qingpu, sanctions: other).eligible)
    }

    @Test func fiveYearBarOnAUnitByEmployerOrRecommender() {
        let byEmployer = [Sanction(kind: "unit", name: "青浦某模具厂", year: 2016)]
        let r = Sample.check(id, Sample.qingpu, sanctions: byEmployer)
        #expect(failed(r) == ["falsified_material"])
        #expect(r.failures[0].zh.contains("2016–2020"))
        let byRecommender = [Sanction(kind: "unit", name: "赵巷镇总工会", year: 2015)]
        #expect(failed(Sample.check(id, Sample.qingpu, sanctions: byRecommender)) == ["falsified_material"])
        // a person sanction does not match a unit name
        let wrongKind = [Sanction(kind: "person", name: "青浦某模具厂", year: 2016)]
        #expect(Sample.check(id, Sample.qingpu, sanctions: wrongKind).eligible)
    }
}

@Suite struct ShanghaiSanctionTests {
    @Test func barCountsFromTheProgrammeYear() {
        var p = Sample.program("shanghai-craftsman")
        p.year = 2020
        let d = Dossier(id: "X", fields: Sample.shanghai)
        let s = [Sanction(kind: "unit", name: "上海电气集团上海锅炉厂有限公司", year: 2016)]
        #expect(!Eligibility.check(d, program: p, sanctions: s).eligible)   // 2016–2020
        p.year = 2021
        #expect(Eligibility.check(d, program: p, sanctions: s).eligible)
    }
}

@Suite struct JinganTests {
    @Test(arguments: ["技师", "高级技师", "电工高级技师", "二级/技师"])
    func technicianOrHigher(title: String) {
        #expect(Sample.check("jingan-chief-technician", Sample.chief, ["title": title]).eligible, "\(title)")
        #expect(Sample.check("jingan-master-studio", Sample.studio, ["title": title]).eligible, "\(title)")
    }

    @Test(arguments: ["高级工", "工程师", "中级工"])
    func belowTechnician(title: String) {
        #expect(failed(Sample.check("jingan-chief-technician", Sample.chief, ["title": title])) == ["technician_qualification"])
        #expect(failed(Sample.check("jingan-master-studio", Sample.studio, ["title": title])) == ["technician_qualification"])
    }

    @Test func recognisedByTheTrade() {
        #expect(Sample.check("jingan-chief-technician", Sample.chief, ["title": "无国家职业标准", "technician_equivalent": "是"]).eligible)
        #expect(failed(Sample.check("jingan-chief-technician", Sample.chief, ["title": "高级工", "technician_equivalent": "否"])) == ["technician_qualification"])
    }

    @Test(arguments: ["frontline", "unit_has_chief_system", "unit_team_support", "unit_allowance", "unit_training", "in_term"])
    func chiefChecklist(field: String) {
        #expect(failed(Sample.check("jingan-chief-technician", Sample.chief, [field: "否"])) == [field])
        let blank = failed(Sample.check("jingan-chief-technician", Sample.chief, [field: nil]))
        #expect(blank.contains(field) && blank.contains("required_fields"))
        #expect(Sample.check("jingan-chief-technician", Sample.chief, [field: "yes"]).eligible)
    }

    @Test(arguments: ["master_fit", "unit_skilled_workforce", "unit_policies", "unit_team_support"])
    func studioChecklist(field: String) {
        #expect(failed(Sample.check("jingan-master-studio", Sample.studio, [field: "否"])) == [field])
    }

    @Test func studioMasterCondition() {
        #expect(Sample.check("jingan-master-studio", Sample.studio, ["master_basis": "3"]).eligible)
        #expect(failed(Sample.check("jingan-master-studio", Sample.studio, ["master_basis": "4"])) == ["master_basis"])
    }

    @Test func termReview() {
        #expect(Sample.check("jingan-term-review", Sample.term, ["project_kind": "技能大师工作室"]).eligible)
        #expect(failed(Sample.check("jingan-term-review", Sample.term, ["project_kind": "其他"])) == ["project_kind"])
        #expect(failed(Sample.check("jingan-term-review", Sample.term, ["in_term": "否"])) == ["in_term"])
        #expect(failed(Sample.check("jingan-term-review", Sample.term, ["deeds": String(repeating: "字", count: 3001)])) == ["report_length"])
    }
}

@Suite struct DateTextTests {
    @Test func parsesAndCounts() throws {
        let a = try #require(DateText.parse("1966年5月1日"))
        #expect(a == DateText.YMD(year: 1966, month: 5, day: 1))
        #expect(DateText.parse("2000-02-29") != nil)
        #expect(DateText.parse("1900-02-29") == nil)
        let b = DateText.YMD(year: 2016, month: 4, day: 30)
        #expect(DateText.fullYears(from: a, to: b) == 49)
        #expect(DateText.fullYears(from: a, to: DateText.YMD(year: 2016, month: 5, day: 1)) == 50)
    }
}

@Suite struct CheckAllTests {
    @Test func demoDataOnShanghai() {
        let p = Sample.program(DemoData.programID)
        let results = DemoData.dossiers.map { Eligibility.check($0, program: p, sanctions: []) }
        #expect(DemoData.dossiers.count == 12)
        #expect(Set(DemoData.dossiers.map(\.id)).count == 12)
        #expect(results.filter { !$0.eligible }.map(\.dossier) == ["SH-007"])
        #expect(failed(results.first { !$0.eligible }!) == ["union_member"])
        for d in DemoData.dossiers {
            #expect(isSafeFileName(d.id))
            #expect((200...820).contains(d.deeds.count), "\(d.id) \(d.deeds.count)")
        }
        #expect(DemoData.dossiers.map(\.deeds.count).max()! >= 780)
    }
}

/// Every rule of every template has a change that breaks it alone (so none can silently pass).
@Suite struct EveryRuleTests {
    static let breaking: [String: (base: [String: String], changes: [String: [String: String?]], sanctions: [Sanction])] = [
        "shanghai-craftsman": (Sample.shanghai, [
            "nationality": ["nationality": "日本"], "union_member": ["union_member": "否"],
            "required_fields": ["field": nil], "deeds_length": ["deeds": String(repeating: "字", count: 2001)],
            "channel": ["channel": "他人推荐"], "falsified_material": ["name": "假造者"],
        ], [Sanction(kind: "person", name: "假造者", year: 2015)]),
        "qingpu-craftsman": (Sample.qingpu, [
            "nationality": ["nationality": "日本"], "union_member": ["union_member": "否"],
            "complete_form": ["ethnicity": nil], "unit_nomination": ["unit_rank": nil],
            "deeds_length": ["deeds": String(repeating: "字", count: 1001)], "channel": ["channel": "社团推荐"],
            "excluded_honours": ["honors": "上海市十大工人发明家"], "falsified_material": ["employer": "造假厂"],
        ], [Sanction(kind: "unit", name: "造假厂", year: 2014)]),
        "hangzhou-craftsman": (Sample.hangzhou, [
            "nationality": ["nationality": "日本"], "union_member": ["union_member": "否"],
            "required_fields": ["field": nil], "age": ["birth_date": "1956-09-30"], "years_in_trade": ["years_in_trade": "9"],
            "condition": ["condition": "0"], "deeds_length": ["deeds": String(repeating: "字", count: 601)],
            "channel": ["channel": "组织推荐"],
        ], []),
        "jingan-chief-technician": (Sample.chief, [
            "required_fields": ["field": nil], "technician_qualification": ["title": "高级工"], "frontline": ["frontline": "否"],
            "unit_has_chief_system": ["unit_has_chief_system": "否"], "unit_team_support": ["unit_team_support": "否"],
            "unit_allowance": ["unit_allowance": "否"], "unit_training": ["unit_training": "否"], "in_term": ["in_term": "否"],
            "deeds_length": ["deeds": String(repeating: "字", count: 2001)],
        ], []),
        "jingan-master-studio": (Sample.studio, [
            "required_fields": ["field": nil], "technician_qualification": ["title": "高级工"], "master_basis": ["master_basis": "9"],
            "master_fit": ["master_fit": "否"], "unit_skilled_workforce": ["unit_skilled_workforce": "否"],
            "unit_policies": ["unit_policies": "否"], "unit_team_support": ["unit_team_support": "否"],
            "deeds_length": ["deeds": String(repeating: "字", count: 2001)],
        ], []),
        "jingan-term-review": (Sample.term, [
            "required_fields": ["employer": nil], "project_kind": ["project_kind": "其他"], "in_term": ["in_term": "否"],
            "report_length": ["deeds": String(repeating: "字", count: 3001)],
        ], []),
    ]

    @Test(arguments: Templates.ids)
    func everyRuleIsBrokenAloneByOneChange(id: String) throws {
        let p = Sample.program(id)
        let entry = try #require(Self.breaking[id])
        #expect(Set(entry.changes.keys) == Set(p.rules.map(\.id)), "rules without a test in \(id)")
        #expect(Sample.check(id, entry.base, sanctions: entry.sanctions).eligible)
        for (rule, change) in entry.changes {
            let r = Sample.check(id, entry.base, change, sanctions: entry.sanctions)
            #expect(failed(r) == [rule], "\(id) \(rule): \(r.failures)")
            for f in r.failures {
                #expect(!f.zh.isEmpty && !f.en.isEmpty)
            }
        }
    }
}
