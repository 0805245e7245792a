import Foundation
import Testing
@testable import Panel

/// Issue 12: each programme's own form, written the way its seed's annex or the federation's
/// usual sheet is, imports and gets the eligibility its seed implies.
@Suite struct FormImportTests {
    /// Imports `csv` into a fresh store of `program` and checks every dossier (across dossiers
    /// too: a unit's ranks). Results by id.
    func imported(_ program: String, _ csv: String) throws -> (ids: [String], results: [String: EligibilityResult]) {
        let dir = TempDir()
        let store = try dir.store(program)
        let new = try DossierImport.importFile(path: dir.file("form.csv", csv), into: store)
        let results = Eligibility.checkAll(try PanelStore.open(store.layout.root))
        return (new.map(\.id), Dictionary(uniqueKeysWithValues: results.map { ($0.dossier, $0) }))
    }

    /// The annex of 杭总工〔2016〕34号, 首届“杭州工匠”认定工作申报表, as a sheet: its boxes as printed
    /// ("姓  名", "主要事迹简介（600字以内，详细材料请另附）"), no 编号, none of 符合认定条件, 国籍, 工会会员,
    /// 推荐方式, 从业年限. It imports; what the seed requires and the annex does not ask is 待核实.
    @Test func hangzhouAnnexAlone() throws {
        let deeds600 = String(repeating: "织", count: 600)
        let csv = """
        姓  名,年龄,民族,专业领域,职称（技能等级）,联系电话,手机,联系地址,工作单位,主要事迹简介（600字以内，详细材料请另附）
        楼建平,60,汉族,丝绸织造,高级技师,0571-88000001,13900000001,杭州市拱墅区,杭州某丝绸公司,\(deeds600)
        王炳南,61岁,汉族,木雕,技师,,13900000002,东阳,杭州某木雕厂,木雕技艺传承五十年。
        陈立,45,汉族,数控加工,高级技师,,13900000003,杭州,杭州某机床厂,\(deeds600)。

        """
        let (ids, r) = try imported("hangzhou-craftsman", csv)
        #expect(ids == ["HZ001", "HZ002", "HZ003"])
        let seedOnly: Set<String> = ["nationality", "union_member", "years_in_trade"]
        // 60 exactly: 60周岁以下 includes 60 (民法典 Art. 1259); the rest is for the secretary to confirm
        #expect(r["HZ001"]?.outcome == .toBeConfirmed)
        #expect(Set(r["HZ001"].map(unconfirmed) ?? []) == seedOnly)
        #expect(r["HZ001"]?.failures.isEmpty == true)
        // 61 with no 突出贡献 box: "有突出贡献的可不受年龄限制" — 待核实, not 不合格
        #expect(r["HZ002"]?.outcome == .toBeConfirmed)
        #expect(Set(r["HZ002"].map(unconfirmed) ?? []) == seedOnly.union(["age"]))
        // the annex's own limit: 600字以内
        #expect(r["HZ003"]?.outcome == .ineligible && r["HZ003"].map(failed) == ["deeds_length"])
        // every reason says what to confirm, in both languages
        for f in r["HZ001"]?.toConfirm ?? [] { #expect(f.zh.contains("请核实") && f.en.contains("to be confirmed")) }
    }

    /// The annex with the columns a federation adds for the seed's requirements (国籍, 工会会员,
    /// 在杭从业年限, 竞赛获奖, 获奖情况, 突出贡献): present columns are checked.
    @Test func hangzhouAnnexWithTheSeedsColumns() throws {
        let rows: [(String, String, String, String, String, String, String)] = [
            // 年龄, 国籍, 工会会员, 从业年限, 竞赛获奖, 获奖情况, 突出贡献
            ("60", "中国", "是", "12", "", "", "否"),                          // A: 60 exactly
            ("61", "中国", "是", "30", "", "", "否"),                          // B: 61
            ("63", "中国", "是", "30", "", "", "是"),                          // C: 61+ with an outstanding contribution
            ("35", "中国", "是", "3", "第43届世界技能大赛金牌", "", "否"),     // D
            ("28", "中国", "是", "4", "浙江省职业技能大赛第1名", "", "否"),    // E
            ("33", "中国", "是", "5", "全国技能大赛第2名", "", "否"),          // F
            ("30", "中国", "是", "6", "2017年全国数控技能大赛铜牌", "", "否"), // G
            ("31", "中国", "是", "6", "", "浙江省第五届职业技能大赛第一名", "否"), // H: under 获奖情况
            ("32", "中国", "是", "6", "浙江省职业技能大赛第2名", "", "否"),    // I: provincial 2nd
            ("32", "中国", "是", "6", "杭州市职业技能大赛第1名", "", "否"),    // J: municipal 1st (condition 5, no waiver)
            ("32", "中国", "是", "6", "浙江省职业技能大赛一等奖", "", "否"),   // K: a prize class
            ("40", "中国", "否", "20", "", "", "否"),                          // L: not a union member
            ("40", "美国", "是", "20", "", "", "否"),                          // M: 应具有中国国籍
        ]
        var csv = "姓名,年龄,民族,专业领域,职称（技能等级）,工作单位,主要事迹简介,国籍,是否工会会员,在杭从业年限,竞赛获奖,获奖情况,突出贡献\n"
        for (i, r) in rows.enumerated() {
            csv += "申报人\(i),\(r.0),汉族,数控加工,高级技师,杭州某厂,事迹\(i),\(r.1),\(r.2),\(r.3),\(r.4),\(r.5),\(r.6)\n"
        }
        let (ids, r) = try imported("hangzhou-craftsman", csv)
        #expect(ids.count == rows.count)
        let outcome = ids.map { r[$0]?.outcome }
        let e = EligibilityOutcome.eligible, x = EligibilityOutcome.ineligible, c = EligibilityOutcome.toBeConfirmed
        #expect(outcome == [e, x, e, e, e, e, e, e, x, x, c, x, x])
        #expect(r[ids[1]].map(failed) == ["age"])
        #expect(r[ids[8]].map(failed) == ["years_in_trade"])
        #expect(r[ids[10]].map(unconfirmed) == ["years_in_trade"])
        #expect(r[ids[11]].map(failed) == ["union_member"])
        #expect(r[ids[12]].map(failed) == ["nationality"])
    }

    /// A sheet imported twice is not numbered twice; a new row after it takes the next number.
    @Test func aNumberedSheetImportedAgain() throws {
        let dir = TempDir()
        let store = try dir.store("hangzhou-craftsman")
        let one = "姓名,年龄,工作单位,主要事迹简介\n甲,40,杭州某厂,事迹甲\n乙,41,杭州某厂,事迹乙\n"
        #expect(try DossierImport.importFile(path: dir.file("a.csv", one), into: store).map(\.id) == ["HZ001", "HZ002"])
        let again = try PanelStore.open(store.layout.root)
        let two = one + "丙,42,杭州某厂,事迹丙\n"
        let read = try DossierImport.readForImport(path: dir.file("b.csv", two), into: again)
        #expect(read.unchanged.map(\.id) == ["HZ001", "HZ002"])
        #expect(read.new.map(\.id) == ["HZ003"])
        #expect(read.new.first?.name == "丙")
    }

    /// Shanghai (seed 000): the federation's usual sheet. "一般应具有中国国籍" a note, "必须是工会会员"
    /// a rule, no age, years or length condition ("不受年龄、…、工作年限、荣誉基础等条件限制").
    @Test func shanghaiUsualSheet() throws {
        let long = String(repeating: "匠", count: 3000)
        let csv = """
        编号,姓名,性别,出生年月,民族,国籍,是否工会会员,专业领域,职称(技能等级),手机,工作单位,推荐单位,推荐途径,获奖情况,已获荣誉,主要事迹简介
        SH001,陈建国,男,1955.03,汉族,中国国籍,是,焊接,高级技师,139,上海锅炉厂,上海电气工会,单位推荐,全国技术能手,,\(long)
        SH002,Anna,女,1980-01-01,,德国,是,精密装配,技师,138,上海某外资企业,浦东新区总工会,单位推荐,,,事迹
        SH003,李强,男,1982-02-02,汉族,中国,,数控,技师,137,上海某厂,,个人自荐,,,事迹
        SH004,赵敏,女,1979-09-09,汉族,中国,否,护理,,136,上海某医院,,社团推荐,,,事迹

        """
        let (_, r) = try imported("shanghai-craftsman", csv)
        #expect(r["SH001"]?.outcome == .eligible)   // 61 and a 3,000-character text: no such rule
        #expect(r["SH002"]?.outcome == .eligible)
        #expect(r["SH002"]?.notes.contains { $0.rule == "nationality" && $0.zh.contains("德国") } == true)
        #expect(r["SH003"]?.outcome == .toBeConfirmed && r["SH003"].map(unconfirmed) == ["union_member"])
        #expect(r["SH004"]?.outcome == .ineligible && r["SH004"].map(failed) == ["union_member"])
    }

    /// Qingpu (seed 002): the 申报审批表 with the 推荐汇总表's unit and rank. Excluded titles in either
    /// honour box; two nominees a unit ranks alike are 待核实; 1000字 a note.
    @Test func qingpuApplicationForm() throws {
        let head = "编号,姓名,性别,出生年月,民族,是否工会会员,专业领域,职称（技能等级）,手机,联系地址,工作单位,推荐方式,推荐单位,单位排序,获奖情况,已获荣誉,主要事迹"
        func row(_ id: String, unit: String, rank: String, channel: String = "单位推荐", awards: String = "区技术能手", honors: String = "无", deeds: String = "事迹") -> String {
            "\(id),沈\(id),男,1979.04,汉族,是,模具,技师,138,青浦区,青浦某厂,\(channel),\(unit),\(rank),\(awards),\(honors),\(deeds)"
        }
        let csv = [head,
                   row("QP001", unit: "赵巷镇总工会", rank: "1"),
                   row("QP002", unit: "赵巷镇总工会", rank: "1"),
                   row("QP003", unit: "赵巷镇总工会", rank: "2", awards: "2016年上海市十大工人发明家"),
                   row("QP004", unit: "华新镇总工会", rank: "1", honors: "上海市职工技术创新能手"),
                   row("QP005", unit: "华新镇总工会", rank: "2", deeds: String(repeating: "青", count: 1200)),
                   row("QP006", unit: "", rank: "", channel: "个人自荐"),
                   row("QP007", unit: "华新镇总工会", rank: "3", honors: ""),
        ].joined(separator: "\n") + "\n"
        let (_, r) = try imported("qingpu-craftsman", csv)
        for id in ["QP001", "QP002"] {
            #expect(r[id]?.outcome == .toBeConfirmed && r[id].map(unconfirmed) == ["unit_ranks"], "\(id)")
        }
        #expect(r["QP003"].map(failed) == ["excluded_honours"])           // under 获奖情况
        #expect(r["QP004"].map(failed) == ["excluded_honours"])           // under 已获荣誉
        #expect(r["QP005"]?.outcome == .eligible)
        #expect(r["QP005"].map(noted)?.contains("deeds_length") == true)
        #expect(r["QP005"]?.notes.contains { $0.rule == "unit_ranks" && $0.zh.contains("华新镇总工会") && $0.zh.contains("第 2 名") } == true)
        #expect(r["QP006"]?.outcome == .eligible)
        #expect(r["QP007"].map(failed) == ["complete_form"])              // 不得缺项、漏项
    }

    /// Jing'an chief technician (seed 004 三（一）): 技师 or higher, 国家职业资格二级 being 技师; 相同水平
    /// 待核实; 一线岗位 a note; the unit's four conditions.
    @Test func jinganChiefTechnicianApplication() throws {
        let head = "编号,首席技师姓名,国家职业资格,专业领域,申报单位,主管委办局,无国家职业标准经行业水平认定,在一线岗位直接从事生产技术或技能培训,已建立健全首席技师制度,已建立工作室或项目班组并提供支持,已落实首席技师岗位津贴等待遇,按规定提取职工教育经费开展培训,首席技师在聘期内,项目简介"
        func row(_ id: String, _ title: String, equivalent: String = "否", frontline: String = "是", allowance: String = "是") -> String {
            "\(id),顾\(id),\(title),电梯维修,静安某电梯公司,区国资委,\(equivalent),\(frontline),是,是,\(allowance),是,是,\(String(repeating: "项", count: 2500))"
        }
        let csv = [head, row("JC001", "国家职业资格二级"), row("JC002", "高级技师"), row("JC003", "高级工"),
                   row("JC004", "工程师"), row("JC005", "无", equivalent: "是"), row("JC006", "技师", frontline: "否"),
                   row("JC007", "技师", allowance: "否")].joined(separator: "\n") + "\n"
        let (_, r) = try imported("jingan-chief-technician", csv)
        #expect(r["JC001"]?.outcome == .eligible)
        #expect(r["JC002"]?.outcome == .eligible)
        #expect(r["JC003"].map(failed) == ["technician_qualification"])
        #expect(r["JC004"]?.outcome == .toBeConfirmed && r["JC004"].map(unconfirmed) == ["technician_qualification"])
        #expect(r["JC005"]?.outcome == .eligible)
        #expect(r["JC006"]?.outcome == .eligible && r["JC006"].map(noted) == ["frontline"])
        #expect(r["JC007"].map(failed) == ["unit_allowance"])
    }

    /// Jing'an studio (seed 004 四（二）1): one of three conditions, no qualification level.
    @Test func jinganStudioApplication() throws {
        let head = "编号,技能大师姓名,职称（技能等级）,专业领域,依托企业,主管委办局,技能大师条件（第几项）,获奖情况,身体健康，能承担工作室日常工作,技能人才比较密集,技能人才培养评价激励制度完善、工作室制度完善,提供资金、场所、设施设备、人员等条件,工作室简介"
        let csv = [head,
                   "JS001,钱芳,高级工,美发,静安某美发公司,区商务委,3,,是,是,是,是,绝技绝活传承",
                   "JS002,周立,国家职业资格二级,烹饪,静安某酒店,区商务委,1,上海市技术能手,是,是,是,是,工作室",
                   "JS003,吴刚,技师,钳工,静安某厂,区国资委,,,是,是,是,是,工作室",
        ].joined(separator: "\n") + "\n"
        let (_, r) = try imported("jingan-master-studio", csv)
        #expect(r["JS001"]?.outcome == .eligible)
        #expect(r["JS002"]?.outcome == .eligible)
        #expect(r["JS003"].map(failed) == ["required_fields"])
    }

    /// Jing'an term review (seed 004 七（二）): the report of a project or studio, no length limit.
    @Test func jinganTermReport() throws {
        let csv = """
        编号,带头人,所在单位,项目类别,资助周期届满前,运作情况和任务完成情况
        JT001,顾伟,静安某电梯公司,首席技师资助项目,是,\(String(repeating: "考", count: 4000))
        JT002,钱芳,静安某美发公司,技能大师工作室,否,三年运作

        """
        let (_, r) = try imported("jingan-term-review", csv)
        #expect(r["JT001"]?.outcome == .eligible)
        #expect(r["JT002"].map(failed) == ["in_term"])
    }

    /// Every template's blank form (`ProgramForm`) imports back, with no 编号 too.
    @Test(arguments: Templates.ids)
    func theBlankFormFilledIn(id: String) throws {
        let p = try #require(Templates.program(id))
        let columns = ProgramForm.columns(p).filter { $0.id != "id" }
        let csv = CSV.write([columns.map(\.label.zh), columns.map { $0.choices?.first ?? "值" }])
        let dir = TempDir()
        let ds = try DossierImport.read(path: dir.file("f.csv", csv), program: p)
        #expect(ds.count == 1)
        #expect(ds[0].id == (p.idPrefix ?? "D") + "001")
    }
}
