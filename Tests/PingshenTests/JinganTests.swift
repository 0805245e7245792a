import Foundation
import Testing

/// Issue 12, Jing'an (seed 004): the term review (届满考核) is graded on the five elements'
/// total against its pass mark, with no quota and no votes; a funding round has a pass mark
/// (合格线) and is competitive (差额评审).
@Suite struct JinganTests {
    static let termCSV = """
    id,name,employer,project_kind,in_term,deeds
    T001,钱工作室,静安某厂,技能大师工作室,是,三年来运作情况……
    T002,孙项目,静安某公司,首席技师资助项目,是,带徒12人，攻关3项……
    T003,李项目,静安某院,首席技师资助项目,是,完成任务……
    """

    static func scoreFive(_ fx: Fixture, _ m: String, _ d: String, _ each: Int) throws -> Harness.Result {
        try Harness.pingshen(["score", fx.store, "--as", m, "--dossier", d, "--key", fx.key(m), "--score"]
                             + ["hardware", "management", "results", "talent", "social"].map { "\($0)=\(each)" })
    }

    /// On main a 30/100 studio passed and a 90/100 one failed (a 60-place quota and 2/3
    /// recommend votes decided). Now the total against the pass mark decides, and the review may
    /// be held before the term ends (在资助周期届满前, seed 004 七(二)).
    @Test func theTermReviewGradesTheFiveElementsTotalWithNoQuotaAndNoVotes() throws {
        // quota 1: it must not matter.
        let fx = try Fixture(program: "jingan-term-review", quota: 1, dossiers: Self.termCSV)
        for m in ["m1", "m2", "m3"] {
            #expect(try Self.scoreFive(fx, m, "T001", 6).status == 0)    // 30/100
            #expect(try Self.scoreFive(fx, m, "T002", 18).status == 0)   // 90/100
            #expect(try Self.scoreFive(fx, m, "T003", 13).status == 0)   // 65/100
        }
        // No vote is taken: a sheet with one is refused.
        let voted = try Harness.pingshen(["score", fx.store, "--as", "m4", "--dossier", "T001", "--key", fx.key("m4"), "--score",
                                          "hardware=1", "management=1", "results=1", "talent=1", "social=1", "--vote", "recommend"])
        #expect(voted.status == 1 && voted.stderr.contains("votes: off"), "\(voted.stderr)")
        let check = try Harness.pingshen(["check", fx.store, "--format", "json"])
        #expect(check.status == 0 && !check.stdout.contains("\"eligible\":false"), "\(check.stdout)")
        try fx.signCheck()
        let json = try Harness.json(try Harness.pingshen(["rank", fx.store, "--format", "json"]).stdout)
        #expect(json["mode"] as? String == "assessment" && json["pass_mark"] as? Int == 60)
        let byID = Dictionary(uniqueKeysWithValues: (json["entries"] as? [[String: Any]] ?? []).map { ($0["dossier"] as! String, $0) })
        #expect(byID["T001"]?["status"] as? String == "not-selected" && byID["T001"]?["grade"] as? String == "fail", "\(byID)")
        #expect(byID["T002"]?["status"] as? String == "selected" && byID["T002"]?["grade"] as? String == "excellent", "\(byID)")
        #expect(byID["T003"]?["status"] as? String == "selected" && byID["T003"]?["grade"] as? String == "pass", "\(byID)")
        let table = try Harness.run(Harness.binary, ["rank", fx.store, "--lang", "zh"]).stdout
        #expect(table.contains("优秀") && table.contains("不合格") && table.contains("逐一考核"), "\(table)")
        // No tie at a cut, no quota: the chair finalizes as it stands, and both pass.
        let fin = try fx.finalize()
        #expect(fin.status == 0, "\(fin.stderr)")
        try fx.approveList()
        let final = try Harness.pingshen(["export", fx.store, "final", "--format", "csv"]).stdout
        #expect(final.contains("T002") && final.contains("T003") && !final.contains("T001"), "\(final)")
    }

    static let fundingCSV = """
    id,name,title,field,employer,recommender,frontline,unit_has_chief_system,unit_team_support,unit_allowance,unit_training,in_term,deeds
    J001,周师傅,高级技师,数控,静安甲厂,区经委,是,是,是,是,是,是,项目简介甲
    J002,吴师傅,技师,焊接,静安乙厂,区经委,是,是,是,是,是,是,项目简介乙
    J003,郑师傅,高级技师,电工,静安丙厂,区建委,是,是,是,是,是,是,项目简介丙
    """

    static func scoreFunding(_ fx: Fixture, _ m: String, _ d: String, _ p: [Int]) throws -> Harness.Result {
        try Harness.pingshen(["score", fx.store, "--as", m, "--dossier", d, "--key", fx.key(m), "--score"]
                             + zip(["expertise", "team", "treatment", "training", "results"], p).map { "\($0)=\($1)" })
    }

    /// 33/100 is not funded whatever places are left; the check warns that a round with no more
    /// eligible candidates than places is not 差额.
    @Test func aFundingRoundHasAPassMarkAndWarnsWhenItIsNotCompetitive() throws {
        let fx = try Fixture(program: "jingan-chief-technician", quota: 3, dossiers: Self.fundingCSV)
        let check = try Harness.pingshen(["check", fx.store])
        #expect(check.stdout.contains("3 eligible"), "\(check.stdout)")
        #expect(check.stderr.contains("no more eligible candidates (3) than places (3)"), "\(check.stderr)")
        for m in ["m1", "m2", "m3"] {
            #expect(try Self.scoreFunding(fx, m, "J001", [27, 22, 13, 13, 13]).status == 0)   // 88
            #expect(try Self.scoreFunding(fx, m, "J002", [20, 15, 10, 10, 10]).status == 0)   // 65
            #expect(try Self.scoreFunding(fx, m, "J003", [10, 8, 5, 5, 5]).status == 0)       // 33
        }
        try fx.signCheck()
        let json = try Harness.json(try Harness.pingshen(["rank", fx.store, "--format", "json"]).stdout)
        let byID = Dictionary(uniqueKeysWithValues: (json["entries"] as? [[String: Any]] ?? []).map { ($0["dossier"] as! String, $0) })
        #expect(byID["J001"]?["status"] as? String == "selected")
        #expect(byID["J002"]?["status"] as? String == "selected")
        #expect(byID["J003"]?["status"] as? String == "not-selected" && byID["J003"]?["pass_mark"] as? String == "below", "\(byID)")
        #expect(try Harness.pingshen(["rank", fx.store]).stdout.contains("below pass mark"))

        // With fewer places than eligible candidates the round is competitive: no warning.
        let amend = try HostileValuesTests.amendProgram(fx, "^quota: .*$", "quota: 2")
        #expect(amend.status == 0, "\(amend.stderr)")
        #expect(!(try Harness.pingshen(["check", fx.store]).stderr.contains("competitive")))
    }

    @Test func anAssessmentNeedsAPassMarkWithinTheSheet() throws {
        let fx = try Fixture(program: "jingan-term-review", quota: 1, dossiers: Self.termCSV)
        let noMark = try HostileValuesTests.amendProgram(fx, "^(\\s*)pass_mark: 60\\n", "")
        #expect(noMark.status == 1 && noMark.stderr.contains("an assessment needs a pass_mark"), "\(noMark.stderr)")
        let over = try HostileValuesTests.amendProgram(fx, "^(\\s*)pass_mark: 60$", "$1pass_mark: 101")
        #expect(over.status == 1 && over.stderr.contains("within 0…100"), "\(over.stderr)")
        let mode = try HostileValuesTests.amendProgram(fx, "^(\\s*)mode: assessment$", "$1mode: lottery")
        #expect(mode.status == 1 && mode.stderr.contains("lottery"), "\(mode.stderr)")
    }
}
