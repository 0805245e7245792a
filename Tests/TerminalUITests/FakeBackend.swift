import Foundation
import Panel
import Review
import Scoring
@testable import TerminalUI

/// A store in memory: a dozen Chinese dossiers with long deeds and “”…— characters, a panel of
/// five scoring members, a chair and a secretary; or nothing at all (`empty`).
final class FakeBackend: ReviewBackend {
    var program: Program
    var me: Member
    var roster: Roster
    var signingDescription = "ssh-agent · ED25519 SHA256:q1w2e3r4t5y6u7i8o9p0"
    var dossiers: [Dossier]
    var statuses: [String: [String: SheetStatus]] = [:]     // member → dossier → status
    var sheets: [String: [String: SheetInput]] = [:]        // member → dossier → signed sheet
    var drafts: [String: SheetInput] = [:]
    var savedDrafts: [SheetInput] = []
    var submitted: [SheetInput] = []
    var recusals: [(String, String)] = []
    var finalizedWith: [String: TieResolution]?
    var failDraftSave = false
    var changed = false
    var objectionItems: [ObjectionItem] = []
    /// The secretary's signed work, in order (issue 17), and the lists written.
    var secretaryDone: [SecretaryAction] = []
    var written: [(PublishedList, String, String)] = []
    var noticeItems: [NoticeItem] = []
    var failSecretary = false
    /// Results that replace the built-in ones (issue 12: 待核实 and notes), by dossier.
    var eligibilityOverride: [String: EligibilityResult] = [:]
    /// Field groups (issue 13): the chair's board and the secretary's assignment screen.
    var board: GroupBoard?
    var overview: AssignmentOverview?

    static let criteria = [
        Criterion(id: "craft", name: LocalizedText(zh: "工艺专长", en: "Craft expertise"),
                  rubric: LocalizedText(zh: "在本行业、本领域具有独到的工艺专长，掌握“绝招”“绝技”，解决过关键技术难题——以实例为准…",
                                        en: "A distinctive craft in the trade; masters unique techniques and has solved key technical problems — judged on examples…"), max: 30),
        Criterion(id: "skill", name: LocalizedText(zh: "高超技能", en: "Outstanding skill"),
                  rubric: LocalizedText(zh: "技能水平在本市同行业中处于领先地位，获得过市级以上技能竞赛奖项。", en: "Skill level leading in the city's trade; city-level contest awards or better."), max: 30),
        Criterion(id: "lead", name: LocalizedText(zh: "领军作用", en: "Leadership"),
                  rubric: LocalizedText(zh: "带徒传技，培养出一批技能人才，发挥示范引领作用。", en: "Trains apprentices and sets an example for others."), max: 20),
        Criterion(id: "contrib", name: LocalizedText(zh: "突出贡献", en: "Contribution"),
                  rubric: LocalizedText(zh: "为企业和社会创造显著经济效益和社会效益。", en: "Clear economic and social benefit for the employer and society."), max: 20),
    ]

    static func makeProgram(quota: Int = 3, hide: Bool = true) -> Program {
        Program(id: "shanghai-craftsman", title: LocalizedText(zh: "上海工匠", en: "Shanghai Craftsman"),
                organiser: LocalizedText(zh: "上海市总工会", en: "Shanghai Federation of Trade Unions"),
                document: "沪工总经〔2015〕260号", year: 2026, quota: quota,
                sheet: ScoringSheet(criteria: criteria, votePolicy: .required, commentMaxChars: 500),
                aggregation: Aggregation(method: "trimmed-mean", trim: 1, trimMin: 5, quorum: 3, tieBreaks: ["median"],
                                         hideOthersUntilSubmitted: hide))
    }

    static let people: [(String, String, String, String)] = [
        ("张伟", "上海电气集团股份有限公司上海汽轮机厂", "数控加工", "男"),
        ("李秀英", "上海宝钢股份有限公司冷轧厂", "轧钢工艺", "女"),
        ("王建国", "中国商飞上海飞机制造有限公司", "飞机铆装", "男"),
        ("陈静", "上海市第六人民医院", "护理", "女"),
        ("刘洋", "上海隧道工程股份有限公司", "盾构施工", "男"),
        ("杨帆", "上海外高桥造船有限公司", "船体焊接", "男"),
        ("赵敏", "上海老凤祥有限公司", "金银细工", "女"),
        ("黄磊", "上汽大众汽车有限公司", "汽车装调", "男"),
        ("周婷", "上海城建市政工程（集团）有限公司", "市政养护", "女"),
        ("吴刚", "上海振华重工（集团）股份有限公司", "电气调试", "男"),
        ("欧阳明月", "上海中华印刷有限公司", "古籍修复与传统装帧技艺", "女"),
        ("孙悟", "上海某某精密机械有限公司", "模具", "男"),
    ]

    static func deeds(_ i: Int, _ name: String) -> String {
        let base = "\(name)同志扎根一线二十余年，被同事称为“金手指”。他（她）主持完成“高精度叶片五轴联动加工”等攻关项目十余项——其中三项填补国内空白…"
            + "先后带徒 36 名，其中 12 人成为高级技师；所在班组获评“全国工人先锋号”。"
            + "面对进口设备故障频发、外方工程师迟迟不能到场的困境，他带领团队连续奋战 72 小时，自主完成关键部件测绘与修复，为企业节约维修费用 300 余万元。"
            + "近五年累计提出合理化建议 58 条，被采纳 41 条，创造经济效益逾 2000 万元；获国家发明专利 3 项、实用新型专利 9 项。"
        return i % 3 == 0 ? base + "\n\n" + base : base
    }

    init(role: Role = .member, me memberID: String? = nil, empty: Bool = false, quota: Int = 3, hide: Bool = true, extra: Int = 0) {
        program = FakeBackend.makeProgram(quota: quota, hide: hide)
        let members = [
            Member(id: "m1", name: "张建华", role: .member, unit: "上海交通大学", key: "ssh-ed25519 AAAA m1"),
            Member(id: "m2", name: "李明", role: .member, unit: "上海市职业技能鉴定中心", key: "ssh-ed25519 AAAA m2"),
            Member(id: "m3", name: "王芳", role: .member, unit: "同济大学", key: "ssh-ed25519 AAAA m3"),
            Member(id: "m4", name: "赵强", role: .member, unit: "上海电气", key: "ssh-ed25519 AAAA m4"),
            Member(id: "chair", name: "王主任", role: .chair, unit: "市总工会", key: "ssh-ed25519 AAAA c"),
            Member(id: "sec", name: "钱秘书", role: .secretary, unit: "市总工会", key: "ssh-ed25519 AAAA s"),
        ]
        roster = Roster(members: members)
        let id = memberID ?? (role == .chair ? "chair" : role == .secretary ? "sec" : "m1")
        me = members.first { $0.id == id }!
        dossiers = []
        guard !empty else { return }
        for (i, p) in FakeBackend.people.enumerated() {
            let did = String(format: "SH2026-%03d", i + 1)
            dossiers.append(Dossier(id: did, fields: [
                "name": p.0, "employer": p.1, "field": p.2, "gender": p.3, "birth_date": "1975-0\(i % 9 + 1)-15",
                "ethnicity": "汉族", "nationality": "中国", "union_member": "是", "title": "高级技师（国家职业资格一级）",
                "mobile": "1380000\(String(format: "%04d", i))", "recommender": "上海市总工会", "channel": "单位推荐",
                "years_in_trade": "\(20 + i)", "awards": "全国技术能手；上海市五一劳动奖章", "deeds": FakeBackend.deeds(i, p.0),
            ]))
        }
        for i in 0..<extra {
            dossiers.append(Dossier(id: String(format: "SH2026-%03d", 100 + i), fields: ["name": "候选人\(i)", "employer": "某厂", "field": "钳工", "deeds": "事迹"]))
        }
        // Totals: D1 90 (one outlier 60), D2 88, D3 85, D4 85 (tie at the cut of 3), D5 80, D6 70, D7 60, D8 2 sheets only.
        let totals = [90, 88, 85, 85, 80, 70, 60, 75]
        let scorers = ["m1", "m2", "m3", "m4", "chair"]
        for (di, t) in totals.enumerated() {
            let did = dossiers[di].id
            for m in scorers {
                if di == 7 && !(m == "m2" || m == "m3") { continue }
                if m == "m1" && (di == 2 || di == 3 || di == 4) { continue }   // m1: draft on D3, recused on D4, D5 to do
                var total = t
                if di == 0 && m == "m4" { total = 60 }
                sheets[m, default: [:]][did] = SheetInput(dossier: did, points: FakeBackend.split(total), vote: total >= 80 ? "recommend" : "abstain",
                                                        comment: m == "m2" ? "事迹突出，“绝技”可信——建议推荐…" : "")
                statuses[m, default: [:]][did] = .signed
            }
        }
        statuses["m1", default: [:]][dossiers[2].id] = .draft
        drafts[dossiers[2].id] = SheetInput(dossier: dossiers[2].id, points: ["craft": 25, "skill": 22], vote: nil, comment: "草稿：工艺“绝招”待核实…")
        statuses["m1", default: [:]][dossiers[3].id] = .recused
        statuses["m2", default: [:]][dossiers[9].id] = .draft
        objectionItems = [
            ObjectionItem(dossier: dossiers[4].id, text: "群众来信反映：申报材料中“主持完成盾构始发”一项系集体成果——请核实个人作用。", outcome: "pending"),
            ObjectionItem(dossier: dossiers[6].id, text: "获奖证书复印件与原件不符。", outcome: "dismissed"),
        ]
    }

    /// Points for a total, by the 30/30/20/20 weights (each within its maximum).
    static func split(_ total: Int) -> [String: Int] {
        let a = total * 30 / 100, b = total * 30 / 100, c = total * 20 / 100
        return ["craft": a, "skill": b, "lead": c, "contrib": total - a - b - c]
    }

    func eligibility(_ dossier: String) -> EligibilityResult? {
        if let r = eligibilityOverride[dossier] { return r }
        guard !dossiers.isEmpty else { return nil }
        if dossier == dossiers.last?.id {
            return EligibilityResult(dossier: dossier, eligible: false, failures: [
                RuleFailure(rule: "age", zh: "申报时年龄 61 岁，超过 60 岁（且无突出贡献）", en: "aged 61 at the deadline, over 60 (and no outstanding contribution)"),
                RuleFailure(rule: "deeds-length", zh: "主要事迹 1,234 字，超过 1000 字", en: "main deeds 1,234 characters, over 1,000"),
            ])
        }
        return EligibilityResult(dossier: dossier, eligible: true, failures: [])
    }

    func status(_ dossier: String) -> SheetStatus { statuses[me.id]?[dossier] ?? .todo }
    func signedSheet(_ dossier: String) -> SheetInput? { sheets[me.id]?[dossier] }

    func panelSheets(_ dossier: String) -> [PanelSheet] {
        roster.members.filter { $0.role == .member || $0.role == .chair }.map { m in
            PanelSheet(member: m.id, status: statuses[m.id]?[dossier] ?? .todo,
                       sheet: statuses[m.id]?[dossier] == .signed ? sheets[m.id]?[dossier] : nil)
        }
    }

    func loadDraft(_ dossier: String) -> SheetInput? { drafts[dossier] }
    func hasDraft(_ dossier: String) -> Bool { drafts[dossier] != nil }
    var savedPreferences: [MemberPreferences] = []
    func savePreferences(_ p: MemberPreferences) throws { savedPreferences.append(p) }
    func discardDraft(_ dossier: String) throws {
        drafts[dossier] = nil
        if statuses[me.id]?[dossier] == .draft { statuses[me.id]?[dossier] = nil }
    }

    /// The last dossier was signed "not eligible" by the secretary; the others are unknown
    /// (nil: a fake without a qualification record), unless `qualifications` says otherwise.
    var qualifications: [String: Qualification.State] = [:]
    func qualification(_ dossier: String) -> Qualification? {
        if let st = qualifications[dossier] { return Qualification(dossier: dossier, name: "", state: st) }
        guard dossier == dossiers.last?.id else { return nil }
        return Qualification(dossier: dossier, name: "", state: .ineligible,
                             reasons: [RuleFailure(rule: "age", zh: "申报时年龄 61 岁，超过 60 岁", en: "aged 61 at the deadline, over 60")])
    }

    /// The session's rule (`ReviewSession.sheetLock`) over the fake's facts.
    func sheetLock(_ dossier: String) -> LocalizedText? {
        if finalized { return LocalizedText(zh: "评审结果已定稿", en: "the ranking is finalized") }
        if statuses[me.id]?[dossier] == .recused { return LocalizedText(zh: "已声明回避（不可撤回）", en: "recused (final)") }
        if let q = qualification(dossier)?.state, q == .ineligible || q == .objectionUpheld {
            return LocalizedText(zh: "\(dossier) 经签名的资格审核为不合格", en: "\(dossier) was signed as not eligible")
        }
        return nil
    }

    func saveDraft(_ input: SheetInput) throws {
        if failDraftSave { throw UIError(zh: "磁盘已满", en: "disk full") }
        drafts[input.dossier] = input
        savedDrafts.append(input)
        if statuses[me.id]?[input.dossier] == nil { statuses[me.id, default: [:]][input.dossier] = .draft }
    }

    func previewScoreRecord(_ input: SheetInput) throws -> String {
        guard dossiers.contains(where: { $0.id == input.dossier }) else { throw UIError(zh: "没有这份申报", en: "no such dossier") }
        let pts = input.points.keys.sorted().map { "\"\($0)\":\(input.points[$0]!)" }.joined(separator: ",")
        return "{\"body\":{\"comment\":\"\(input.comment)\",\"dossier\":\"\(input.dossier)\",\"points\":{\(pts)},\"vote\":\"\(input.vote ?? "")\"},\"created\":\"2026-06-01T08:00:00Z\",\"kind\":\"score\",\"prev\":\"\(String(repeating: "0", count: 64))\",\"program\":\"shanghai-craftsman-2026\",\"seq\":1,\"signer\":\"\(me.id)\",\"v\":1}"
    }

    func submitScore(_ input: SheetInput) throws -> String {
        submitted.append(input)
        sheets[me.id, default: [:]][input.dossier] = input
        statuses[me.id, default: [:]][input.dossier] = .signed
        drafts[input.dossier] = nil
        return "records/\(me.id)/000/00000\(submitted.count).json"
    }

    func previewRecusal(_ dossier: String, reason: String) throws -> String {
        "{\"body\":{\"dossier\":\"\(dossier)\",\"reason\":\"\(reason)\"},\"kind\":\"recusal\",\"signer\":\"\(me.id)\",\"v\":1}"
    }

    func recuse(_ dossier: String, reason: String) throws {
        recusals.append((dossier, reason))
        statuses[me.id, default: [:]][dossier] = .recused
        drafts[dossier] = nil
    }

    var scoringSheets: [Sheet] {
        var out: [Sheet] = []
        for (m, byD) in sheets {
            for (d, s) in byD where statuses[m]?[d] == .signed {
                out.append(Sheet(member: m, dossier: d, points: s.points, vote: s.vote.flatMap(Vote.init(rawValue:))))
            }
        }
        return out
    }

    /// A ranking to show instead of the one the sheets give (scores no integer points reach).
    var rankingOverride: Ranking?
    func ranking() -> Ranking { rankingOverride ?? Ranker.rank(program: program, dossiers: dossiers, sheets: scoringSheets) }
    func statistics() -> PanelStatistics { Statistics.compute(program: program, dossiers: dossiers, sheets: scoringSheets) }

    func progressStatus(member: String, dossier: String) -> SheetStatus { statuses[member]?[dossier] ?? .todo }

    func previewFinalize(resolutions: [String: TieResolution]) throws -> String {
        let r = resolutions.keys.sorted().map { "{\"decision\":\"\(resolutions[$0]!.decision)\",\"dossier\":\"\($0)\",\"reason\":\"\(resolutions[$0]!.reason)\"}" }
        return "{\"body\":{\"resolutions\":[\(r.joined(separator: ","))]},\"kind\":\"finalize\",\"signer\":\"\(me.id)\",\"v\":1}"
    }

    func finalize(resolutions: [String: TieResolution]) throws -> String {
        finalizedWith = resolutions
        return "records/\(me.id)/000/000009.json"
    }

    var finalized: Bool { finalizedWith != nil }
    var checkingStore = false
    var storeProblems = 0
    var forks: [ForkNotice] = []
    func objections() -> [ObjectionItem] { objectionItems }

    func refreshIfChanged() -> Bool {
        defer { changed = false }
        return changed
    }
}

// MARK: - The secretary's work (issue 17)

extension FakeBackend {
    /// Import files are read with the real reader (`DossierImport.read`), so that the preview and
    /// its errors (file, row, field) are the ones the store would give; what is signed is kept.
    func previewImport(path: String, sheet: String?, lang: Language) throws -> ImportPreview {
        try PanelMessages.$language.withValue(lang) {
            let all = try DossierImport.read(path: path, program: program)
            let have = Set(dossiers.map(\.id))
            return ImportPreview(new: all.filter { !have.contains($0.id) }, unchanged: all.filter { have.contains($0.id) }.count)
        }
    }

    func previewSecretary(_ action: SecretaryAction, lang: Language) throws -> SecretaryPreview {
        switch action {
        case .importFile(let path, let sheet):
            let p = try previewImport(path: path, sheet: sheet, lang: lang)
            return SecretaryPreview(summary: [lang.pick("导入 \(path)：\(p.new.count) 份", "Import \(path): \(p.new.count) dossiers")] + p.new.map { "  \($0.id) \($0.name)" }, record: "")
        case .publicity(let from, let to, _):
            guard NoticeDate(from) != nil, NoticeDate(to) != nil else {
                throw UIError(zh: "日期应为 YYYY-MM-DD：\(from) / \(to)", en: "dates are YYYY-MM-DD: \(from) / \(to)")
            }
            return SecretaryPreview(summary: [lang.pick("公示定稿名单：\(from) 至 \(to)", "Public notice of the finalized list: \(from) to \(to)")],
                                    record: "{\"body\":{\"from\":\"\(from)\",\"to\":\"\(to)\"},\"kind\":\"publicity\",\"signer\":\"\(me.id)\",\"v\":1}")
        case .objection(let d, let text, let outcome, _):
            return SecretaryPreview(summary: [lang.pick("公示异议：\(d)", "Objection: \(d)")],
                                    record: "{\"body\":{\"dossier\":\"\(d)\",\"outcome\":\"\(outcome)\",\"text\":\"\(text)\"},\"kind\":\"objection\",\"signer\":\"\(me.id)\",\"v\":1}")
        case .eligibility(let o):
            let ids = o.isEmpty ? dossiers.map(\.id).filter { qualification($0) == nil } : o.map(\.dossier)
            return SecretaryPreview(summary: [lang.pick("签署资格审核决定 \(ids.count) 份", "Sign \(ids.count) qualification decisions")],
                                    record: "{\"body\":{\"decisions\":[\(ids.map { "{\"dossier\":\"\($0)\"}" }.joined(separator: ","))]},\"kind\":\"eligibility\",\"signer\":\"\(me.id)\",\"v\":1}")
        case .addMember(let id, let name, _, _, _):
            return SecretaryPreview(summary: [lang.pick("添加成员：\(id) \(name)", "Add a member: \(id) \(name)")], record: "")
        case .removeMember(let id, _, _):
            return SecretaryPreview(summary: [lang.pick("移除成员：\(id)", "Remove \(id)")], record: "")
        case .assign:
            guard let r = overview?.replacement else { throw UIError(zh: "分配无需改变", en: "the assignment in force stands") }
            return SecretaryPreview(summary: [lang.pick("签署替换分配", "Sign a replacement assignment")] + r.dropped.map { "  \($0.member) – \($0.dossier) (\($0.why))" },
                                    record: "{\"body\":{\"dropped\":[\(r.dropped.map { "{\"dossier\":\"\($0.dossier)\",\"member\":\"\($0.member)\",\"why\":\"\($0.why)\"}" }.joined(separator: ","))]},\"kind\":\"assignment\",\"signer\":\"\(me.id)\",\"v\":1}")
        }
    }

    func performSecretary(_ action: SecretaryAction, lang: Language) throws -> String {
        if failSecretary { throw UIError(zh: "ssh-agent 拒绝签名", en: "the ssh-agent refused to sign") }
        secretaryDone.append(action)
        return lang.pick("已签署：records/\(me.id)/000/000042.json", "Signed: records/\(me.id)/000/000042.json")
    }

    func writeList(_ list: PublishedList, format: String, to path: String, lang: Language) throws -> String {
        written.append((list, format, path))
        return path
    }

    func notices() -> [NoticeItem] { noticeItems }
}

// MARK: - Field groups (issue 13)

extension FakeBackend {
    var hasGroups: Bool { board != nil || overview != nil }
    func groupBoard() -> GroupBoard? { board }
    func assignmentOverview(lang: Language) -> AssignmentOverview? { overview }
}
