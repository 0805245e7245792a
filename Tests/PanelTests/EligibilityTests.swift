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
        "outstanding_contribution": "否",
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
/// The rules a dossier is to be confirmed on (待核实).
func unconfirmed(_ r: EligibilityResult) -> [String] { r.toConfirm.map(\.rule) }
func noted(_ r: EligibilityResult) -> [String] { r.notes.map(\.rule) }

@Suite struct BaselineTests {
    @Test(arguments: [
        ("shanghai-craftsman", Sample.shanghai), ("qingpu-craftsman", Sample.qingpu), ("hangzhou-craftsman", Sample.hangzhou),
        ("jingan-chief-technician", Sample.chief), ("jingan-master-studio", Sample.studio), ("jingan-term-review", Sample.term),
    ])
    func sampleIsEligible(id: String, base: [String: String]) {
        let r = Sample.check(id, base)
        #expect(r.eligible, "\(id): \(r.failures) \(r.toConfirm)")
        #expect(r.outcome == .eligible)
        #expect(r.failures.isEmpty && r.toConfirm.isEmpty)
    }

    @Test(arguments: Templates.ids)
    func emptyDossierFailsAndEveryReasonIsBilingual(id: String) {
        let r = Eligibility.check(Dossier(id: "E", fields: [:]), program: Sample.program(id), sanctions: [])
        #expect(!r.eligible)
        #expect(r.outcome == .ineligible)
        #expect(failed(r).contains { $0.hasPrefix("required") || $0 == "complete_form" })
        for f in r.failures + r.toConfirm + r.notes {
            #expect(!f.zh.isEmpty && !f.en.isEmpty && f.zh != f.en)
        }
    }
}

@Suite struct CommonRuleTests {
    /// Hangzhou (seed 003 三（一）): "“杭州工匠”应具有中国国籍" — a rule.
    @Test func hangzhouNationalityIsARule() {
        let id = "hangzhou-craftsman"
        #expect(failed(Sample.check(id, Sample.hangzhou, ["nationality": "美国"])) == ["nationality"])
        for v in [" 中国 ", "中华人民共和国", "china", "中国国籍", "中国籍", "PRC", "Chinese"] {
            #expect(Sample.check(id, Sample.hangzhou, ["nationality": v]).eligible, "\(v)")
        }
        // a region's passport does not say the nationality: 待核实, not 不合格
        let hk = Sample.check(id, Sample.hangzhou, ["nationality": "中国香港特别行政区护照"])
        #expect(hk.outcome == .toBeConfirmed && unconfirmed(hk) == ["nationality"])
        // no column: the annex does not ask it — 待核实
        let none = Sample.check(id, Sample.hangzhou, ["nationality": nil])
        #expect(none.outcome == .toBeConfirmed && unconfirmed(none) == ["nationality"] && failed(none).isEmpty)
    }

    /// Shanghai and Qingpu (seed 000 三（二）, seed 002 三（二）): "一般应具有中国国籍" is a judgment:
    /// a note for the panel, never a rejection. (This test asked every spelling but five to fail.)
    @Test(arguments: ["shanghai-craftsman", "qingpu-craftsman"])
    func nationalityAsARuleIsANote(id: String) {
        let base = id == "shanghai-craftsman" ? Sample.shanghai : Sample.qingpu
        let other = Sample.check(id, base, ["nationality": "美国"])
        #expect(other.eligible)
        #expect(noted(other) .contains("nationality"))
        #expect(other.notes.first { $0.rule == "nationality" }?.zh.contains("美国") == true)
        let chinese = Sample.check(id, base, ["nationality": "中国国籍"])
        #expect(chinese.eligible && !noted(chinese).contains("nationality"))
        let blank = Sample.check(id, base, ["nationality": nil])
        #expect(blank.eligible && !noted(blank).contains("nationality"))
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

    /// "必须是工会会员" with no answer on the sheet: 待核实 where the form may leave it out
    /// (Shanghai's and Hangzhou's), 不合格 where 不得缺项 (Qingpu's 申报审批表).
    @Test func unionMemberNotSaid() {
        for (id, base) in [("shanghai-craftsman", Sample.shanghai), ("hangzhou-craftsman", Sample.hangzhou)] {
            let r = Sample.check(id, base, ["union_member": nil])
            #expect(r.outcome == .toBeConfirmed && unconfirmed(r) == ["union_member"], "\(id)")
        }
        let q = Sample.check("qingpu-craftsman", Sample.qingpu, ["union_member": nil])
        #expect(q.outcome == .ineligible && failed(q) == ["complete_form"])
    }

    @Test func channelsDifferByProgramme() {
        #expect(Sample.check("hangzhou-craftsman", Sample.hangzhou, ["channel": "他人推荐"]).eligible)
        #expect(failed(Sample.check("shanghai-craftsman", Sample.shanghai, ["channel": "他人推荐"])) == ["channel"])
        #expect(Sample.check("shanghai-craftsman", Sample.shanghai, ["channel": "社团推荐"]).eligible)
        #expect(Sample.check("shanghai-craftsman", Sample.shanghai, ["channel": "个人自荐"]).eligible)
        #expect(failed(Sample.check("qingpu-craftsman", Sample.qingpu, ["channel": "社团推荐"])) == ["channel"])
        #expect(Sample.check("qingpu-craftsman", Sample.qingpu, ["channel": "个人自荐"]).eligible)
        #expect(failed(Sample.check("qingpu-craftsman", Sample.qingpu, ["channel": "他人推荐"])) == ["channel"])
        // a sheet without the box (the Hangzhou annex) says nothing about the channel
        #expect(Sample.check("hangzhou-craftsman", Sample.hangzhou, ["channel": nil]).eligible)
    }

    @Test func shanghaiRequiredFields() {
        let r = Sample.check("shanghai-craftsman", Sample.shanghai, ["employer": nil, "deeds": "  "])
        #expect(failed(r) == ["required_fields"])
        #expect(r.failures[0].zh.contains("工作单位") && r.failures[0].zh.contains("主要事迹"))
        #expect(r.failures[0].en.contains("Employer"))
        // optional fields may stay blank
        #expect(Sample.check("shanghai-craftsman", Sample.shanghai, ["title": nil, "birth_date": nil, "field": nil]).eligible)
    }

    /// Seed 000 sets no length for the deeds (this test asked 2,001 characters to fail); nor does
    /// seed 004 for a project summary, a studio summary or a term report (2,000 and 3,000 before).
    @Test func noDeedsLimitWhereTheSeedSetsNone() {
        let long = String(repeating: "匠", count: 5000)
        #expect(Sample.check("shanghai-craftsman", Sample.shanghai, ["deeds": long]).eligible)
        #expect(Sample.check("jingan-chief-technician", Sample.chief, ["deeds": long]).eligible)
        #expect(Sample.check("jingan-master-studio", Sample.studio, ["deeds": long]).eligible)
        #expect(Sample.check("jingan-term-review", Sample.term, ["deeds": long]).eligible)
        for id in ["shanghai-craftsman", "jingan-chief-technician", "jingan-master-studio", "jingan-term-review"] {
            #expect(!Sample.program(id).rules.contains { $0.type == "max_chars" }, "\(id)")
        }
    }

    /// The seeds' judgments are notes shown with every dossier, never reasons.
    @Test func judgmentsAreNotes() {
        let sh = Sample.check("shanghai-craftsman", Sample.shanghai)
        #expect(noted(sh) == ["basic_requirements"])
        #expect(sh.notes[0].zh.contains("一线岗位"))
        let hz = Sample.check("hangzhou-craftsman", Sample.hangzhou)
        #expect(noted(hz) == ["conditions", "frontline"])
        #expect(hz.notes[0].zh.contains("2"))   // the condition the nomination names
    }
}

@Suite struct HangzhouTests {
    let id = "hangzhou-craftsman"

    /// 《民法典》第一千二百五十九条: "以上、以下、以内、届满，包括本数". Seed 003 "须60周岁以下": 60 passes.
    /// (This test asked a nominee who turns 60 on the reference date to fail.)
    @Test func sixtyOrUnderAtTheDeadline() {
        // reference date 2016-09-30: born 1956-09-30 turns 60 that day; born 1955-09-30 turns 61
        #expect(Sample.check(id, Sample.hangzhou, ["birth_date": "1956-10-01"]).eligible)
        #expect(Sample.check(id, Sample.hangzhou, ["birth_date": "1956-09-30"]).eligible)
        #expect(Sample.check(id, Sample.hangzhou, ["birth_date": "1955-10-01"]).eligible)   // 60 and 364 days
        let r = Sample.check(id, Sample.hangzhou, ["birth_date": "1955-09-30"])
        #expect(failed(r) == ["age"])
        #expect(r.failures[0].zh.contains("61") && r.failures[0].zh.contains("60周岁以下"))
        #expect(r.failures[0].en.contains("60 or under"))
        #expect(failed(Sample.check(id, Sample.hangzhou, ["birth_date": "1950-01-01"])) == ["age"])
        #expect(Sample.check(id, Sample.hangzhou, ["birth_date": "1990-01-01"]).eligible)
    }

    /// The annex asks 年龄, not a birth date: the age is read from it when there is no birth date.
    @Test(arguments: [("60", true), ("60岁", true), ("六十周岁", true), ("59", true), ("６０", true), ("61", false), ("61周岁", false)])
    func ageFromTheAnnexBox(age: String, passes: Bool) {
        let r = Sample.check(id, Sample.hangzhou, ["birth_date": nil, "age": age])
        if passes { #expect(r.eligible, "\(age)") } else { #expect(failed(r) == ["age"], "\(age)") }
    }

    @Test func theBirthDateWinsOverTheAge() {
        #expect(failed(Sample.check(id, Sample.hangzhou, ["birth_date": "1950-01-01", "age": "45"])) == ["age"])
    }

    /// "不满" excludes the number (Art. 1259): a programme that writes 不满60周岁 rejects 60.
    @Test func underSixtyExcludesSixty() {
        var p = Sample.program(id)
        let i = try! #require(p.rules.firstIndex { $0.id == "age" })
        p.rules[i].bound = "不满"
        let d = Dossier(id: "X", fields: Sample.hangzhou.merging(["birth_date": "1956-09-30"]) { _, b in b })
        #expect(failed(Eligibility.check(d, program: p, sanctions: [])) == ["age"])
        p.rules[i].bound = "以下"
        #expect(Eligibility.check(d, program: p, sanctions: []).eligible)
    }

    @Test func outstandingContributionLiftsTheAgeLimit() {
        #expect(Sample.check(id, Sample.hangzhou, ["birth_date": "1950-01-01", "outstanding_contribution": "是"]).eligible)
        #expect(failed(Sample.check(id, Sample.hangzhou, ["birth_date": "1950-01-01", "outstanding_contribution": "否"])) == ["age"])
        // "有突出贡献的可不受年龄限制": a sheet that does not say is 待核实, not 不合格
        let r = Sample.check(id, Sample.hangzhou, ["birth_date": nil, "age": "63", "outstanding_contribution": nil])
        #expect(r.outcome == .toBeConfirmed && unconfirmed(r) == ["age"])
    }

    @Test(arguments: ["1956/10/1", "1956年10月1日", "1956.10.01", "19561001", "1956-10-1", "１９５６－１０－０１"])
    func dateFormatsAt59(text: String) {
        #expect(Sample.check(id, Sample.hangzhou, ["birth_date": text]).eligible, "\(text)")
    }

    /// 60 exactly passes (Art. 1259); 61 does not, in every way of writing the date.
    @Test(arguments: ["1956/9/30", "1956年9月30日", "1956.09.30"])
    func dateFormatsAt60(text: String) {
        #expect(Sample.check(id, Sample.hangzhou, ["birth_date": text]).eligible, "\(text)")
        let at61 = text.replacingOccurrences(of: "1956", with: "1955")
        #expect(failed(Sample.check(id, Sample.hangzhou, ["birth_date": at61])) == ["age"], "\(at61)")
    }

    /// 出生年月 to the month: decided when the month decides; 待核实 when the reference month is the
    /// birth month and the nominee is 60 or 61.
    @Test func birthMonthOnly() {
        #expect(Sample.check(id, Sample.hangzhou, ["birth_date": "1956年10月"]).eligible)
        #expect(Sample.check(id, Sample.hangzhou, ["birth_date": "1956.09"]).eligible)
        #expect(failed(Sample.check(id, Sample.hangzhou, ["birth_date": "1955-08"])) == ["age"])
        let r = Sample.check(id, Sample.hangzhou, ["birth_date": "1955年9月"])
        #expect(r.outcome == .toBeConfirmed && unconfirmed(r) == ["age"])
    }

    /// An unreadable date cannot decide the age: 待核实 with the reason (it was 不合格).
    @Test(arguments: ["五六年", "1956-13-01", "1956-02-30", "yesterday", "1956-5/1"])
    func unreadableDateIsToBeConfirmedWithAReason(text: String) {
        let r = Sample.check(id, Sample.hangzhou, ["birth_date": text])
        #expect(r.outcome == .toBeConfirmed)
        #expect(unconfirmed(r) == ["age"])
        #expect(r.toConfirm[0].zh.contains(text))
        #expect(r.toConfirm[0].en.contains("not a date"))
    }

    /// No birth date and no age: the annex's 年龄 left blank is 待核实.
    @Test func blankBirthDateAndAge() {
        let r = Sample.check(id, Sample.hangzhou, ["birth_date": nil])
        #expect(r.outcome == .toBeConfirmed && unconfirmed(r) == ["age"])
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
        // unreadable: 待核实 with the reason (it was 不合格)
        let r = Sample.check(id, Sample.hangzhou, ["years_in_trade": "很多"])
        #expect(r.outcome == .toBeConfirmed && unconfirmed(r) == ["years_in_trade"])
        #expect(r.toConfirm[0].en.contains("not a number"))
        // no column: the annex does not ask the years — 待核实
        let none = Sample.check(id, Sample.hangzhou, ["years_in_trade": nil])
        #expect(none.outcome == .toBeConfirmed && unconfirmed(none) == ["years_in_trade"])
    }

    /// Condition 4 of seed 003: "获得世界技能大赛和国家级技能大赛的前3名，省技能大赛的第1名。（符合此条，不受
    /// 工作年限的限制。）" Read as levels and places, in the ways forms write them.
    @Test(arguments: ["第43届世界技能大赛金牌", "浙江省职业技能大赛第1名", "全国技能大赛第2名", "世界技能大赛前3名",
                      "国家级技能大赛前3名", "省技能大赛第1名", "2015年国家级技能大赛前3名", "2017年全国数控技能大赛铜牌",
                      "浙江省第五届职业技能大赛第一名", "第44届世界技能大赛银牌", "全国技能大赛浙江省选拔赛冠军",
                      "杭州市技能大赛第2名；全国技能大赛第3名"])
    func conditionFourWaivesTheYears(award: String) {
        #expect(Sample.check(id, Sample.hangzhou, ["years_in_trade": "9", "contest_award": award]).eligible, "\(award)")
        // written under 获奖情况 as well, and with no years column at all
        #expect(Sample.check(id, Sample.hangzhou, ["years_in_trade": nil, "awards": award]).eligible, "\(award)")
    }

    @Test(arguments: ["市级技能大赛第1名", "省技能大赛第2名", "无", "浙江省职业技能大赛银牌", "全国技能大赛第4名",
                      "杭州市职业技能大赛第1名", "全国市场营销技能大赛优秀奖"])
    func otherAwardsDoNot(award: String) {
        #expect(failed(Sample.check(id, Sample.hangzhou, ["years_in_trade": "9", "contest_award": award])) == ["years_in_trade"], "\(award)")
    }

    /// The seed does not equate 一等奖 with 第1名: a prize class at a waiving level is 待核实.
    @Test func aPrizeClassIsToBeConfirmed() {
        let r = Sample.check(id, Sample.hangzhou, ["years_in_trade": "9", "contest_award": "浙江省职业技能大赛一等奖"])
        #expect(r.outcome == .toBeConfirmed && unconfirmed(r) == ["years_in_trade"])
        #expect(r.toConfirm[0].zh.contains("一等奖"))
        // where a programme's seed equates them, it is the place
        var p = Sample.program(id)
        let i = try! #require(p.rules.firstIndex { $0.id == "years_in_trade" })
        p.rules[i].prizeIsPlace = true
        let d = Dossier(id: "X", fields: Sample.hangzhou.merging(["years_in_trade": "9", "contest_award": "浙江省职业技能大赛一等奖"]) { _, b in b })
        #expect(Eligibility.check(d, program: p, sanctions: []).eligible)
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

    /// "并符合下列条件之一" is for the panel to judge: the condition a nomination names is shown, and
    /// naming none (or a sixth) is no rejection. (This test asked 条件 6 to fail.)
    @Test func oneOfTheFiveConditionsIsANote() {
        let five = Sample.check(id, Sample.hangzhou, ["condition": "5"])
        #expect(five.eligible && five.notes.first { $0.rule == "conditions" }?.zh.contains("5") == true)
        #expect(Sample.check(id, Sample.hangzhou, ["condition": "6"]).eligible)
        #expect(Sample.check(id, Sample.hangzhou, ["condition": nil]).eligible)
    }
}

@Suite struct QingpuTests {
    let id = "qingpu-craftsman"

    @Test func everyFormFieldIsRequired() throws {
        let p = Sample.program(id)
        for f in p.fields where f.required {
            let r = Sample.check(id, Sample.qingpu, [f.id: nil])
            #expect(failed(r).contains("complete_form"), "\(f.id)")
            #expect(r.failures.first { $0.rule == "complete_form" }?.zh.contains(f.label.zh) == true)
        }
        // every box the form prints, but the unit's two (asked of unit nominations only) and 编号
        #expect(Set(ProgramForm.columns(p).filter { !$0.required }.map(\.id)) == ["id", "recommender", "unit_rank"])
    }

    @Test func unitNominationNeedsRankAndRecommender() {
        #expect(failed(Sample.check(id, Sample.qingpu, ["unit_rank": nil])) == ["unit_nomination"])
        #expect(failed(Sample.check(id, Sample.qingpu, ["recommender": nil])) == ["unit_nomination"])
        #expect(Sample.check(id, Sample.qingpu, ["channel": "个人自荐", "unit_rank": nil, "recommender": nil]).eligible)
    }

    /// "详细事迹材料1000字" names a length, not a limit (no 以内): a longer text is a note for the
    /// panel. (This test asked 1,001 characters to fail.)
    @Test func deedsOf1000CharactersIsANote() {
        let ok = Sample.check(id, Sample.qingpu, ["deeds": String(repeating: "青", count: 1000)])
        #expect(ok.eligible && !noted(ok).contains("deeds_length"))
        let long = Sample.check(id, Sample.qingpu, ["deeds": String(repeating: "青", count: 1001)])
        #expect(long.eligible && noted(long).contains("deeds_length"))
    }

    /// Seed 002 三（二）: "已经被授予上海市十大工人发明家、…者不再参评", wherever the form writes it.
    @Test(arguments: ["上海市十大工人发明家", "上海市十大职工科技创新英才", "上海市职工技术创新能手", "上海市职工科技创新标兵",
                      "区劳动模范；2016年上海市职工技术创新能手"])
    func excludingHonours(honors: String) {
        #expect(failed(Sample.check(id, Sample.qingpu, ["honors": honors])) == ["excluded_honours"], "\(honors)")
        #expect(failed(Sample.check(id, Sample.qingpu, ["awards": honors])) == ["excluded_honours"], "\(honors) under 获奖情况")
    }

    @Test func otherHonoursAreFine() {
        #expect(Sample.check(id, Sample.qingpu, ["honors": "上海市五一劳动奖章；青浦区技术能手"]).eligible)
        #expect(Sample.check(id, Sample.qingpu, ["awards": "青浦区职工技术创新能手"]).eligible)
    }

    /// "请于推荐汇总表上排序": the unit's ranking is a note with the dossier; two nominees ranked
    /// alike by one unit are 待核实 (both of them).
    @Test func unitRanks() {
        let p = Sample.program(id)
        func d(_ id: String, _ unit: String, _ rank: String?, _ channel: String = "单位推荐") -> Dossier {
            var f = Sample.qingpu
            f["recommender"] = unit; f["unit_rank"] = rank; f["channel"] = channel
            return Dossier(id: id, fields: f)
        }
        let list = [d("QP001", "赵巷镇总工会", "1"), d("QP002", "赵巷镇总工会", "第2名"), d("QP003", " 赵巷镇总工会", "1"),
                    d("QP004", "华新镇总工会", "1"), d("QP005", "华新镇总工会", "2"), d("QP006", "赵巷镇总工会", nil, "个人自荐")]
        let r = Dictionary(uniqueKeysWithValues: Eligibility.checkAll(list, program: p, sanctions: []).map { ($0.dossier, $0) })
        for x in ["QP001", "QP003"] {
            #expect(r[x]?.outcome == .toBeConfirmed, "\(x)")
            #expect(r[x]?.toConfirm.first { $0.rule == "unit_ranks" }?.zh.contains("QP001、QP003") == true)
        }
        #expect(r["QP002"]?.eligible == true)
        #expect(r["QP002"]?.notes.first { $0.rule == "unit_ranks" }?.zh == "推荐单位“赵巷镇总工会”推荐 3 人，本人排第 2 名")
        #expect(r["QP004"]?.eligible == true && r["QP005"]?.eligible == true)
        #expect(r["QP006"]?.eligible == true && r["QP006"]?.notes.contains { $0.rule == "unit_ranks" } == false)
        #expect(Eligibility.parseRank("第一") == 1 && Eligibility.parseRank("2/5") == 2 && Eligibility.parseRank("甲") == nil)
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
    /// Seed 004 三（一）2: "具有技师及以上国家职业资格（或相同水平）". 国家职业资格二级 is the 技师 level,
    /// 一级 the 高级技师 level.
    @Test(arguments: ["技师", "高级技师", "电工高级技师", "二级/技师", "国家职业资格二级", "职业资格一级", "职业技能等级二级",
                      "国家职业资格二级（技师）", "二级"])
    func technicianOrHigher(title: String) {
        #expect(Sample.check("jingan-chief-technician", Sample.chief, ["title": title]).eligible, "\(title)")
    }

    @Test(arguments: ["高级工", "中级工", "国家职业资格三级", "职业技能等级四级"])
    func belowTechnician(title: String) {
        #expect(failed(Sample.check("jingan-chief-technician", Sample.chief, ["title": title])) == ["technician_qualification"], "\(title)")
    }

    /// "（或相同水平）": a title that names no qualification level (工程师) may be the same level —
    /// 待核实, not 不合格. (This test asked 工程师 to fail.)
    @Test(arguments: ["工程师", "二级建造师"])
    func anotherKindOfTitleIsToBeConfirmed(title: String) {
        let r = Sample.check("jingan-chief-technician", Sample.chief, ["title": title])
        #expect(r.outcome == .toBeConfirmed && unconfirmed(r) == ["technician_qualification"], "\(title)")
    }

    /// Seed 004 四（二）1: the studio master "应具备以下条件之一" (an award, a district chief-technician
    /// project, a unique technique) — no qualification level. (This test asked 高级工 to fail.)
    @Test(arguments: ["技师", "高级工", "中级工", "工程师", "无"])
    func theStudioMasterNeedsOneOfThreeNotATitle(title: String) {
        #expect(Sample.check("jingan-master-studio", Sample.studio, ["title": title]).eligible, "\(title)")
        let none = Sample.check("jingan-master-studio", Sample.studio, ["title": title, "master_basis": nil])
        #expect(failed(none) == ["required_fields"])
    }

    @Test func recognisedByTheTrade() {
        #expect(Sample.check("jingan-chief-technician", Sample.chief, ["title": "无国家职业标准", "technician_equivalent": "是"]).eligible)
        #expect(failed(Sample.check("jingan-chief-technician", Sample.chief, ["title": "高级工", "technician_equivalent": "否"])) == ["technician_qualification"])
    }

    @Test(arguments: ["unit_has_chief_system", "unit_team_support", "unit_allowance", "unit_training", "in_term"])
    func chiefChecklist(field: String) {
        #expect(failed(Sample.check("jingan-chief-technician", Sample.chief, [field: "否"])) == [field])
        let blank = Sample.check("jingan-chief-technician", Sample.chief, [field: nil])
        #expect(failed(blank) == ["required_fields"] && unconfirmed(blank) == [field])
        #expect(Sample.check("jingan-chief-technician", Sample.chief, [field: "yes"]).eligible)
    }

    /// Seed 004 三（一）1 "在一线岗位上直接从事生产技术或技能培训工作" is a judgment: a note. (This test
    /// asked 否 to fail.)
    @Test func frontlineIsANote() {
        let r = Sample.check("jingan-chief-technician", Sample.chief, ["frontline": "否"])
        #expect(r.eligible && noted(r) == ["frontline"])
        #expect(Sample.check("jingan-chief-technician", Sample.chief, ["frontline": nil]).eligible)
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

/// Every rule of every template has a change that gives its finding alone (so none can silently
/// pass): a failure for a rule, 待核实 where only missing or unreadable data can trouble it, a
/// note for a judgment (rules of type note speak on every dossier).
@Suite struct EveryRuleTests {
    struct Breaks {
        var base: [String: String]
        var fail: [String: [String: String?]] = [:]
        var confirm: [String: [String: String?]] = [:]
        var note: [String: [String: String?]] = [:]
        var sanctions: [Sanction] = []
    }

    static let breaking: [String: Breaks] = [
        "shanghai-craftsman": Breaks(base: Sample.shanghai, fail: [
            "union_member": ["union_member": "否"], "required_fields": ["employer": nil],
            "channel": ["channel": "他人推荐"], "falsified_material": ["name": "假造者"],
        ], note: ["nationality": ["nationality": "日本"]], sanctions: [Sanction(kind: "person", name: "假造者", year: 2015)]),
        "qingpu-craftsman": Breaks(base: Sample.qingpu, fail: [
            "union_member": ["union_member": "否"], "complete_form": ["ethnicity": nil], "unit_nomination": ["unit_rank": nil],
            "channel": ["channel": "社团推荐"], "excluded_honours": ["awards": "上海市十大工人发明家"], "falsified_material": ["employer": "造假厂"],
        ], confirm: ["unit_ranks": ["unit_rank": "头名"]],
           note: ["nationality": ["nationality": "日本"], "deeds_length": ["deeds": String(repeating: "字", count: 1001)]],
           sanctions: [Sanction(kind: "unit", name: "造假厂", year: 2014)]),
        "hangzhou-craftsman": Breaks(base: Sample.hangzhou, fail: [
            "nationality": ["nationality": "日本"], "union_member": ["union_member": "否"],
            "required_fields": ["employer": nil], "age": ["birth_date": "1955-09-30"], "years_in_trade": ["years_in_trade": "9"],
            "deeds_length": ["deeds": String(repeating: "字", count: 601)], "channel": ["channel": "组织推荐"],
        ]),
        "jingan-chief-technician": Breaks(base: Sample.chief, fail: [
            "required_fields": ["field": nil], "technician_qualification": ["title": "高级工"],
            "unit_has_chief_system": ["unit_has_chief_system": "否"], "unit_team_support": ["unit_team_support": "否"],
            "unit_allowance": ["unit_allowance": "否"], "unit_training": ["unit_training": "否"], "in_term": ["in_term": "否"],
        ], note: ["frontline": ["frontline": "否"]]),
        "jingan-master-studio": Breaks(base: Sample.studio, fail: [
            "required_fields": ["field": nil], "master_basis": ["master_basis": "9"],
            "master_fit": ["master_fit": "否"], "unit_skilled_workforce": ["unit_skilled_workforce": "否"],
            "unit_policies": ["unit_policies": "否"], "unit_team_support": ["unit_team_support": "否"],
        ]),
        "jingan-term-review": Breaks(base: Sample.term, fail: [
            "required_fields": ["employer": nil], "project_kind": ["project_kind": "其他"], "in_term": ["in_term": "否"],
        ]),
        // The city level Jing'an recommends to (issue 12): its only hard rules are the form's.
        "shanghai-chief-technician": Breaks(base: Sample.chief.merging(["channel": "区级推荐"]) { $1 }, fail: [
            "required_fields": ["field": nil], "channel": ["channel": "个人自荐"],
        ]),
    ]

    @Test(arguments: Templates.ids)
    func everyRuleIsBrokenAloneByOneChange(id: String) throws {
        let p = Sample.program(id)
        let e = try #require(Self.breaking[id])
        let always = Set(p.rules.filter { $0.type == "note" || $0.type == "unit_ranks" }.map(\.id))
        let covered = Set(e.fail.keys).union(e.confirm.keys).union(e.note.keys).union(always)
        #expect(covered == Set(p.rules.map(\.id)), "rules without a test in \(id)")
        let base = Sample.check(id, e.base, sanctions: e.sanctions)
        #expect(base.eligible)
        #expect(Set(noted(base)) == always, "\(id): the notes of every dossier")
        for (rule, change) in e.fail {
            let r = Sample.check(id, e.base, change, sanctions: e.sanctions)
            #expect(failed(r) == [rule] && r.outcome == .ineligible, "\(id) \(rule): \(r.failures)")
            for f in r.failures { #expect(!f.zh.isEmpty && !f.en.isEmpty) }
        }
        for (rule, change) in e.confirm {
            let r = Sample.check(id, e.base, change, sanctions: e.sanctions)
            #expect(failed(r).isEmpty && unconfirmed(r) == [rule] && r.outcome == .toBeConfirmed, "\(id) \(rule): \(r.toConfirm)")
        }
        for (rule, change) in e.note {
            let r = Sample.check(id, e.base, change, sanctions: e.sanctions)
            #expect(r.eligible && noted(r).contains(rule), "\(id) \(rule): \(r.notes)")
        }
    }
}
