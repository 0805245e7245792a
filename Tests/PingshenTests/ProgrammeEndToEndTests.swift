import Foundation
import Testing
import Panel

/// Issue 12, "Done when": each of the six programmes of design.md run as its seed runs it,
/// through the real binary: init → import (the programme's own form) → check → eligibility →
/// scoring → finalize → publicity → objection (upheld) → supplementary notice of the next
/// candidate → approval by each approving body → export final → verify.
@Suite struct ProgrammeEndToEndTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var program: String
        var csv: String
        /// The dossier ids, best first as the panel will score them.
        var ids: [String]
        /// The secretary's settlements of 待核实 (the form does not carry what the seed requires).
        var decide: [String] = []
        var testDescription: String { program }
    }

    static let hangzhouCSV = """
    姓名,年龄,民族,专业领域,职称（技能等级）,联系电话,手机,联系地址,工作单位,主要事迹简介
    楼建平,52,汉族,丝绸织造,高级技师,0571-1,139,杭州,杭州某丝绸公司,织锦技艺传承。
    王炳南,48,汉族,木雕,高级技师,0571-2,138,东阳,杭州某木雕厂,木雕技艺。
    陈海燕,45,汉族,数控加工,技师,0571-3,137,杭州,杭州某机床厂,数控工艺改进。
    """

    static let studioCSV = """
    id,name,title,field,employer,recommender,master_basis,master_fit,unit_skilled_workforce,unit_policies,unit_team_support,deeds
    S001,顾师傅,高级技师,精密装配,静安甲厂,区经委,1,是,是,是,是,工作室简介甲
    S002,陶师傅,技师,汽车维修,静安乙厂,区经委,3,是,是,是,是,工作室简介乙
    S003,柯师傅,高级技师,电梯维保,静安丙厂,区建委,2,是,是,是,是,工作室简介丙
    """

    static let settled = "经核实：中国国籍，工会会员，在杭从业满10年（附件证明）"

    static let cases: [Case] = [
        Case(program: "shanghai-craftsman", csv: Fixture.defaultCSV, ids: ["D001", "D002", "D003"]),
        Case(program: "qingpu-craftsman", csv: PromoteTests.qingpuCSV, ids: ["QP001", "QP002", "QP003"]),
        Case(program: "hangzhou-craftsman", csv: hangzhouCSV, ids: ["HZ001", "HZ002", "HZ003"],
             decide: ["HZ001", "HZ002", "HZ003"].map { "\($0)=eligible:\(settled)" }),
        Case(program: "jingan-chief-technician", csv: JinganTests.fundingCSV, ids: ["J001", "J002", "J003"]),
        Case(program: "jingan-master-studio", csv: studioCSV, ids: ["S001", "S002", "S003"]),
        Case(program: "jingan-term-review", csv: JinganTests.termCSV, ids: ["T002", "T003", "T001"]),
    ]

    /// Every criterion at `percent` of its maximum.
    static func score(_ fx: Fixture, _ m: String, _ d: String, program: Program, percent: Int) throws -> Harness.Result {
        try Harness.pingshen(["score", fx.store, "--as", m, "--dossier", d, "--key", fx.key(m), "--score"]
                             + program.sheet.criteria.map { "\($0.id)=\($0.max * percent / 100)" })
    }

    @Test(arguments: cases)
    func fromInitToApproval(_ c: Case) throws {
        _ = try Self.run(c, Fixture(program: c.program, quota: 2, dossiers: c.csv))
    }

    /// The district's approved list goes up to the city (Qingpu → Shanghai, seed 001's
    /// recommendation), and the city runs the whole chain again on it: check, eligibility,
    /// scoring, finalize, notice, an objection upheld with its supplement, approval, export.
    @Test func aPromotionFromDistrictToCityRunsTheCityChainToo() throws {
        let qp = try Self.run(Self.cases[1], Fixture(program: "qingpu-craftsman", quota: 2, dossiers: PromoteTests.qingpuCSV))
        let city = try Fixture(program: "shanghai-craftsman", quota: 2, dossiers: Fixture.defaultCSV)
        let promoted = try PromoteTests.promote(qp, to: city)
        #expect(promoted.status == 0, "\(promoted.stderr)")
        // QP002 and QP003 were approved in the district (QP001's objection was upheld).
        let ids = ["QP2026-QP002", "QP2026-QP003", "D001", "D002", "D003", "D004"]
        for id in ids.prefix(2) { #expect(FileManager.default.fileExists(atPath: city.store + "/dossiers/\(id).yaml"), "\(id)") }
        #expect(!FileManager.default.fileExists(atPath: city.store + "/dossiers/QP2026-QP001.yaml"))
        let cityCase = Case(program: "shanghai-craftsman", csv: "", ids: ["QP2026-QP002", "QP2026-QP003", "D001"],
                            decide: ["QP2026-QP002", "QP2026-QP003"].map { "\($0)=eligible:经核实：区级推荐材料齐全，工会会员" })
        _ = try Self.run(cityCase, city)
    }

    /// One programme from its imported form to export final and verify; returns the store.
    static func run(_ c: Case, _ fx: Fixture) throws -> Fixture {
        let program = try #require(Templates.program(c.program))
        let check = try Harness.pingshen(["check", fx.store, "--format", "json"])
        #expect(check.status == 0, "\(c.program): \(check.stderr)")
        try fx.signCheck(decide: c.decide)
        // 90, 80, 70 per cent of every criterion: the first two selected (or passing), the third next.
        let assessment = program.aggregation.isAssessment
        let percents = assessment ? [90, 70, 30] : [90, 80, 70]
        for m in ["m1", "m2", "m3"] {
            for (d, p) in zip(c.ids, percents) {
                let r = try Self.score(fx, m, d, program: program, percent: p)
                #expect(r.status == 0, "\(c.program) \(m) \(d): \(r.stderr)")
            }
        }
        let fin = try fx.finalize()
        #expect(fin.status == 0, "\(c.program): \(fin.stderr)")
        // The notice of the finalized list, then an objection to the first, upheld.
        let notice = try fx.publicise()
        #expect(notice.status == 0, "\(c.program): \(notice.stderr)")
        let listed = try Harness.json(try String(contentsOfFile: try #require(Harness.records(fx.store, "sec").last), encoding: .utf8))["body"] as? [String: Any]
        #expect(listed?["dossiers"] as? [String] == Array(c.ids.prefix(2)), "\(c.program): \(listed ?? [:])")
        for (outcome, day) in [("pending", Fixture.noticeFrom + 2), ("upheld", Fixture.noticeTo + 1)] {
            let r = try Harness.pingshen(["objection", fx.store, "--as", "sec", "--key", fx.key("sec"), "--dossier", c.ids[0],
                                          "--text", "举报材料不实，经核查属实", "--outcome", outcome], env: ["PINGSHEN_NOW": Fixture.day(day)])
            #expect(r.status == 0, "\(c.program) \(outcome): \(r.stderr)")
        }
        // The freed place: a supplementary notice of the next candidate (an assessment has no
        // quota, so nobody moves up).
        let supplement = try fx.publicise(from: Fixture.day(Fixture.noticeTo + 2), to: Fixture.day(Fixture.noticeTo + 11), supplement: c.ids[2])
        if assessment {
            #expect(supplement.status == 1 && supplement.stderr.contains("an assessment has no quota"), "\(c.program): \(supplement.stderr)")
        } else {
            #expect(supplement.status == 0, "\(c.program): \(supplement.stderr)")
        }
        // The chair may not approve; each approving body does, after the notices ended.
        let chair = try Harness.pingshen(["approve", fx.store, "--as", "chair", "--key", fx.key("chair")])
        #expect(chair.status == 1 && chair.stderr.contains("may not sign approval"), "\(c.program): \(chair.stderr)")
        try fx.approveList(publicise: false)
        let approvals = (Fixture.approvingBodies[c.program] ?? []).count
        #expect(approvals == program.approvingBodies.count && approvals >= 1, "\(c.program)")
        let final = try Harness.pingshen(["export", fx.store, "final", "--format", "csv"])
        #expect(final.status == 0, "\(c.program): \(final.stderr)")
        let expected = assessment ? [c.ids[1]] : [c.ids[1], c.ids[2]]
        for d in c.ids {
            #expect(final.stdout.contains(d) == expected.contains(d), "\(c.program) \(d): \(final.stdout)")
        }
        let v = try Harness.pingshen(["verify", fx.store])
        #expect(v.status == 0, "\(c.program): \(v.stdout)")
        return fx
    }
}
