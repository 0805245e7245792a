import Foundation
import Testing

/// Issue 12 through the real binary: `pingshen form` prints the programme's own form, and that
/// form — the annex of 杭总工〔2016〕34号 for Hangzhou — imports and is checked with 待核实 for what
/// the seed requires and the annex does not ask.
@Suite struct FormCommandTests {
    @Test func theBlankFormOfEachProgramme() throws {
        let hz = try Harness.pingshen(["form", "hangzhou-craftsman", "--format", "csv"])
        #expect(hz.status == 0, "\(hz.stderr)")
        #expect(hz.stdout == "姓名,年龄,民族,专业领域,职称（技能等级）,联系电话,手机,联系地址,工作单位,主要事迹简介\r\n")
        let en = try Harness.pingshen(["form", "hangzhou-craftsman", "--headers", "en"])
        #expect(en.stdout.hasPrefix("Name,Age,Ethnicity,"))
        let qp = try Harness.pingshen(["form", "qingpu-craftsman"])
        #expect(qp.stdout.contains("单位排序") && qp.stdout.contains("已获荣誉") && !qp.stdout.contains("国籍"))
        let bad = try Harness.pingshen(["form", "no-such-programme", "--lang", "en"])
        #expect(bad.status != 0 && bad.stderr.contains("no template or store"))
        let fmt = try Harness.pingshen(["form", "hangzhou-craftsman", "--format", "pdf", "--lang", "en"])
        #expect(fmt.status != 0 && fmt.stderr.contains("unknown format"))
    }

    @Test func theHangzhouAnnexImportsAndIsChecked() throws {
        let form = try Harness.pingshen(["form", "hangzhou-craftsman"]).stdout
        let csv = form + """
        楼建平,60,汉族,丝绸织造,高级技师,0571-1,139,杭州,杭州某丝绸公司,织锦技艺传承。\r
        王炳南,61,汉族,木雕,技师,,138,东阳,杭州某木雕厂,木雕技艺。\r

        """
        let fx = try Fixture(program: "hangzhou-craftsman", dossiers: csv)
        let r = try Harness.pingshen(["check", fx.store, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try Harness.json(r.stdout)
        let list = try #require(obj["dossiers"] as? [[String: Any]])
        #expect(list.map { $0["dossier"] as? String } == ["HZ001", "HZ002"])
        #expect(list.map { $0["outcome"] as? String } == ["to-be-confirmed", "to-be-confirmed"])
        let rules = list.map { (($0["reasons"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String } }
        #expect(Set(rules[0]) == ["nationality", "union_member", "years_in_trade"])
        #expect(Set(rules[1]) == ["nationality", "union_member", "years_in_trade", "age"])
        #expect(((list[0]["notes"] as? [[String: Any]]) ?? []).contains { $0["rule"] as? String == "frontline" })
        let table = try Harness.pingshen(["check", fx.store, "--lang", "en"])
        #expect(table.status == 0 && table.stdout.contains("to be confirmed") && table.stdout.contains("For the panel (every dossier)"), "\(table.stdout)\(table.stderr)")
    }
}
