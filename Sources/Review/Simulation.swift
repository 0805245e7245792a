import Foundation
import Panel
import Records
import Scoring

/// A large, realistic signed store for benchmarks (`pingshen simulate`): every member scores
/// every dossier, with some recusals and superseded sheets; or, grouped (issue 13), each dossier
/// is scored by the K members of its field group an assignment gives it. Files are written without an fsync
/// each (one sync at the end): for simulation only; real appends go through RecordStore.
public enum Simulation {
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈").map(String.init)
    static let given = ["建国", "秀英", "伟", "静", "洋", "敏", "强", "磊", "军", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "志华", "海燕", "文斌", "晓东", "国庆", "卫东", "丽华", "振宇"]
    static let employers = ["上海电气集团", "上汽集团", "江南造船（集团）有限责任公司", "上海地铁维护保障有限公司", "宝钢股份", "中国商飞上海飞机制造有限公司",
                            "上海隧道工程有限公司", "上海外高桥造船有限公司", "上海城建集团", "上海核工程研究设计院", "上海烟草集团", "东方国际集团"]
    static let fields = ["数控加工", "焊接", "装配钳工", "电气维修", "精密测量", "船舶管系", "轨道交通信号", "模具制造", "汽车装调", "航空铆接"]
    static let titles = ["高级技师", "技师", "高级工", "高级工程师"]

    public struct Summary: Sendable {
        public var dossiers: Int; public var members: Int; public var records: Int; public var seconds: Double
        /// Grouped (`--groups`): the groups, members per dossier, and the pairs the replacement assignment re-gave.
        public var groups: Int = 0
        public var perDossier: Int = 0
        public var replaced: Int = 0
        /// With two rounds: the dossiers on the round-1 shortlists (round 2's), and the ties at a
        /// shortlist line the chair resolved.
        public var shortlisted: Int = 0
        public var tiesResolved: Int = 0
    }

    /// A programme in field groups (`simulate --groups G --per-dossier K`): G groups of the
    /// members (the j-th member, from 0, in group j mod G), each covering the fields whose index is its own mod G.
    public struct Grouped: Sendable {
        public var groups: Int
        public var perDossier: Int
        /// 1, or 2: 初评 by the groups, a shortlist of 3× the quota (ratio 3, split across the
        /// groups by their nominations), then 终评 by the whole committee.
        public var rounds: Int
        public init(groups: Int, perDossier: Int, rounds: Int = 1) { self.groups = groups; self.perDossier = perDossier; self.rounds = rounds }
        /// At most one group per simulated 专业领域.
        public static let maxGroups = Simulation.fields.count
    }

    /// One member's chain as the simulation signs it, across phases.
    struct Chain: Sendable {
        var seq = 0
        var prev = String(repeating: "0", count: 64)
        var rng: SplitMix64
        var severity: Int
        /// The dossiers (indices) the member recused from: never scored in a later round.
        var recused: Set<Int> = []
    }

    /// Signs the flat store (every member scores every dossier, as before) or, with `grouped`,
    /// the grouped one: the programme amended with G groups, the groups' members, the grouping
    /// of every dossier by its field and an assignment of K members per dossier, each signed by
    /// the secretary through the session (the real rules and `AssignmentPlan`); then each member
    /// signs sheets for their assigned dossiers only, recusing from about 1 %; the secretary then
    /// signs the replacement assignment for the recused pairs (`assign` again) and the members it
    /// names score them. With two rounds, the chair then signs each group's round-1 shortlist
    /// (ties at a line resolved by dossier id, as a chair may, with the reason), and every
    /// member and the chair score the shortlisted dossiers in round 2.
    public static func run(root: String, dossiers n: Int, members m: Int, seed: UInt64 = 1, grouped: Grouped? = nil) throws -> Summary {
        let start = Date()
        guard n > 0, m > 0 else { throw ActionError(zh: "申报数和成员数必须大于 0", en: "--dossiers and --members must be positive") }
        if let g = grouped {
            guard (1...Grouped.maxGroups).contains(g.groups) else {
                throw ActionError(zh: "--groups 应在 1…\(Grouped.maxGroups) 之间（模拟的专业领域有 \(Grouped.maxGroups) 个）",
                                  en: "--groups must be within 1…\(Grouped.maxGroups) (the simulation has \(Grouped.maxGroups) fields)")
            }
            guard g.rounds == 1 || g.rounds == 2 else {
                throw ActionError(zh: "--rounds 只能是 1 或 2", en: "--rounds must be 1 or 2")
            }
            guard m / g.groups >= g.perDossier else {
                throw ActionError(zh: "\(m) 名成员分成 \(g.groups) 组，每组不足 --per-dossier \(g.perDossier) 人",
                                  en: "\(m) members in \(g.groups) groups leave fewer than --per-dossier \(g.perDossier) in a group")
            }
        }
        // The founding secretary signs the genesis and every member-add (issue 11).
        let secretaryKey = try StoreSetup.createWithNewKey(root: root, programID: "shanghai-craftsman", year: 2026, quota: min(100, max(1, n / 10)),
                                                           founder: Member(id: "s01", name: "秘书", role: .secretary, unit: "市总工会", key: ""))
        let layout = StoreLayout(root)
        var rng = SplitMix64(seed: seed)
        let width = max(5, String(n).count)
        var dossierList: [Dossier] = []
        dossierList.reserveCapacity(n)
        for i in 1...n {
            let name = surnames[Int(rng.next() % UInt64(surnames.count))] + given[Int(rng.next() % UInt64(given.count))]
            let id = "D" + String(repeating: "0", count: max(0, width - String(i).count)) + String(i)
            let year = 1966 + Int(rng.next() % 30)
            dossierList.append(Dossier(id: id, fields: [
                "name": name, "gender": rng.next() % 4 == 0 ? "女" : "男", "birth_date": "\(year)-0\(1 + Int(rng.next() % 9))-1\(Int(rng.next() % 9))",
                "ethnicity": "汉族", "nationality": "中国", "union_member": "是",
                "field": fields[Int(rng.next() % UInt64(fields.count))], "title": titles[Int(rng.next() % UInt64(titles.count))],
                "employer": employers[Int(rng.next() % UInt64(employers.count))], "recommender": "上海市总工会",
                "channel": "单位推荐", "years_in_trade": String(10 + Int(rng.next() % 25)),
                "deeds": "长期扎根一线，主持完成多项技术攻关，总结先进操作法并在全行业推广；带教徒弟二十余名，其中多人获市级技能大赛奖项。",
            ]))
        }
        let ds = dossierList
        try FileManager.default.createDirectory(atPath: layout.dossiersDir, withIntermediateDirectories: true)
        var intake: [(id: String, file: DossierFile)] = []
        intake.reserveCapacity(ds.count)
        for d in ds {
            let bytes = Data(try DossierImport.yaml(d).utf8)
            try DurableFile.write(bytes, to: layout.dossierFile(d.id), replace: false, sync: false)
            intake.append((d.id, DossierFile(bytes: bytes)))
        }
        let keysDir = root + "/.keys"
        // The secretary signs the intake record that makes the dossiers part of the store (what
        // `pingshen import` signs last; written here after the files, as a benchmark store may).
        let instanceID = try RecordStore.programInstance(layout)
        _ = try RecordStore(layout: layout, durable: false).append(kind: .intake, body: DossierPins.intakeBody(intake, source: "simulate"),
                                                               program: instanceID, signerID: "s01", signer: try KeyFileSigner(path: secretaryKey))
        var ids: [String] = []
        for j in 1...m {
            let id = j == 1 ? "c01" : "m" + String(format: "%03d", j)
            // Grouped: in each group, the members seated 2nd, 5th, 8th, … come from one of the
            // dossiers' employers, so that `assign` has pairs of the same unit to keep apart.
            let unit = grouped.map { ((j - 1) / $0.groups) % 3 == 1 } == true ? employers[(j - 1) % employers.count] : "评审专家库"
            try StoreSetup.addMemberWithNewKey(Member(id: id, name: "专家\(j)", role: j == 1 ? .chair : .member, unit: unit, key: ""),
                                               to: layout, comment: "\(id)@simulate", secretary: "s01", secretaryKey: secretaryKey)
            ids.append(id)
        }
        let roster = ids
        var summary = Summary(dossiers: n, members: m, records: 0, seconds: 0)
        // Grouped: the groups, the grouping and the first assignment, signed through the session.
        var assigned: [String: [String]]?
        if let g = grouped {
            assigned = try signGrouping(layout: layout, members: roster, grouped: g, seed: seed, secretaryKey: secretaryKey).table
            summary.groups = g.groups
            summary.perDossier = g.perDossier
        }
        let program = try Governance.openPanel(root).panel.program
        let instance = program.instance ?? program.id
        let criteria = program.sheet.criteria
        let strengths = ds.map { _ in 12 + Int(rng.next() % 12) }
        let chains = Locked(ids.map { _ -> Chain in
            var local = SplitMix64(seed: rng.next())
            let severity = Int(local.next() % 5) - 2
            return Chain(rng: local, severity: severity)
        })
        let versions = intake.map(\.file.sha256)
        let index = Dictionary(uniqueKeysWithValues: ds.enumerated().map { ($0.element.id, $0.offset) })
        let gov = try RecordStore(layout: layout).governanceHead()

        /// Each member signs, in dossier order, a sheet (now and then superseded by a second) or,
        /// with `recusals`, about one time in a hundred a recusal, for the dossiers `work` gives them.
        func sign(_ work: [[Int]], recusals: Bool, round: Int? = nil, seen: [String: Int] = [:]) throws {
            let failure = Locked<Error?>(nil)
            let created = Timestamp.format(Date())
            DispatchQueue.concurrentPerform(iterations: roster.count) { j in
                do {
                    let member = roster[j]
                    var chain = chains.get()[j]
                    guard !work[j].isEmpty else { return }
                    let signer = try KeyFileSigner(path: keysDir + "/" + member)
                    var folder = -1
                    func emit(_ kind: RecordKind, _ body: [String: JSONValue]) throws {
                        chain.seq += 1
                        var body = body
                        if let round { body["round"] = .int(Int64(round)) }
                        let record = Record(kind: kind, program: instance, signer: member, seq: chain.seq, prev: chain.prev, created: created,
                                            gov: gov, seen: seen.filter { $0.key != member }, body: body)
                        let bytes = record.canonicalBytes()
                        let sig = try SSHSig.sign(bytes, signer: signer)
                        if RecordFileName.folderNumber(chain.seq) != folder {
                            folder = RecordFileName.folderNumber(chain.seq)
                            try FileManager.default.createDirectory(atPath: layout.recordFolder(member, seq: chain.seq),
                                                                    withIntermediateDirectories: true)
                        }
                        let name = layout.recordFile(member, seq: chain.seq)
                        try DurableFile.write(bytes, to: name, replace: false, sync: false)
                        try DurableFile.write(Data(sig.utf8), to: name + ".sig", replace: false, sync: false)
                        chain.prev = Record.sha256Hex(bytes)
                    }
                    for i in work[j] where !chain.recused.contains(i) {
                        let d = ds[i]
                        let roll = chain.rng.next() % 100
                        if roll == 0 && recusals {
                            try emit(.recusal, ["dossier": .string(d.id), "reason": .string("曾为同一项目合作者"), DossierPins.bodyKey: .string(versions[i])])
                            chain.recused.insert(i)
                            continue
                        }
                        let rounds = roll < 4 ? 2 : 1   // a superseded sheet now and then
                        for _ in 0..<rounds {
                            var pts: [String: JSONValue] = [:]
                            var total = 0
                            for c in criteria {
                                let p = min(c.max, max(0, strengths[i] + chain.severity + Int(chain.rng.next() % 5) - 2))
                                pts[c.id] = .int(Int64(p)); total += p
                            }
                            let vote = total >= 70 ? "recommend" : (total >= 55 ? "abstain" : "reject")
                            try emit(.score, ["dossier": .string(d.id), "points": .object(pts), "vote": .string(vote), DossierPins.bodyKey: .string(versions[i])])
                        }
                    }
                    chains.update { $0[j] = chain }
                } catch {
                    failure.set(error)
                }
            }
            if let e = failure.get() { throw e }
        }

        /// The chain of member `j` as its files now end (after the session signed for it).
        func resync(_ member: String, at j: Int) throws {
            let store = RecordStore(layout: layout, durable: false, checkRoster: false)
            guard let seq = try store.publishedSeqs(of: member).last else { return }
            let bytes = try store.read(member: member, seq: seq).bytes
            chains.update { $0[j].seq = seq; $0[j].prev = Record.sha256Hex(bytes) }
        }

        /// member index → the dossier indices `table` gives them (in dossier order), less `except`.
        func work(_ table: [String: [String]], except: [String: [String]] = [:]) -> [[Int]] {
            let slot = Dictionary(uniqueKeysWithValues: roster.enumerated().map { ($0.element, $0.offset) })
            var out = [[Int]](repeating: [], count: roster.count)
            for (d, ms) in table {
                guard let i = index[d] else { continue }
                let before = Set(except[d] ?? [])
                for member in ms where !before.contains(member) { if let j = slot[member] { out[j].append(i) } }
            }
            return out.map { $0.sorted() }
        }

        let firstRound: Int? = (grouped?.rounds ?? 1) > 1 ? 1 : nil
        if let first = assigned {
            try sign(work(first), recusals: true, round: firstRound)
            sync()
            // The secretary re-assigns the recused pairs (only those move), and the members it
            // names score them.
            let session = try ReviewSession(root: root)
            let p = try session.assignmentProposal(as: "s01", perDossier: grouped?.perDossier, seed: nil)
            if p.changes {
                _ = try session.append(kind: .assignment, body: p.body, as: "s01", signer: try KeyFileSigner(path: secretaryKey))
                let fresh = work(p.result.table, except: first)
                summary.replaced = fresh.reduce(0) { $0 + $1.count }
                try sign(fresh, recusals: false, round: firstRound)
            }
            if firstRound != nil {
                // 初评 closes: the chair signs every group's shortlist, then the committee scores.
                let (list, ties) = try signShortlists(root: root, chair: roster[0], key: keysDir + "/" + roster[0])
                summary.shortlisted = list.count
                summary.tiesResolved = ties
                try resync(roster[0], at: 0)
                let after = try ReviewSession(root: root)
                let heads = after.ledger.heads(except: "")
                let onList = list.compactMap { index[$0] }.sorted()
                try sign([[Int]](repeating: onList, count: roster.count), recusals: false, round: 2, seen: heads)
            }
        } else {
            try sign([[Int]](repeating: Array(0..<n), count: roster.count), recusals: true)
        }
        sync()
        summary.records = chains.get().reduce(0) { $0 + $1.seq }
        summary.seconds = Date().timeIntervalSince(start)
        return summary
    }

    /// The grouped programme's decisions, each signed by the secretary s01 as the CLI signs them
    /// (`program amend`, `eligibility --all`, `group add`, `group confirm`, `assign`): returns
    /// the assignment.
    static func signGrouping(layout: StoreLayout, members ids: [String], grouped g: Grouped, seed: UInt64,
                             secretaryKey: String) throws -> AssignmentPlan.Result {
        let signer = try KeyFileSigner(path: secretaryKey)
        var text = try Governance.load(layout).programText
        if !text.hasSuffix("\n") { text += "\n" }
        text += "groups:\n"
        for k in 0..<g.groups {
            let fs = fields.indices.filter { $0 % g.groups == k }.map { fields[$0] }
            text += "  - id: \(groupID(k))\n    name: {zh: 第\(k + 1)专业组, en: Group \(k + 1)}\n    fields: [\(fs.joined(separator: ", "))]\n"
        }
        if g.rounds == 2 {
            text += """
            rounds:
              - round: 1
                name: {zh: 初评, en: first round}
                by: groups
                shortlist: {ratio: "3"}
              - round: 2
                name: {zh: 终评, en: final round}
                by: committee

            """
        }
        try Governance.append(.amend(programYAML: text, reason: "专业组（模拟）"), layout: layout, as: "s01", signer: signer)
        let session = try ReviewSession(root: layout.root)
        // 资格审核 before the experts: the automatic check of every dossier, signed in one record
        // (`eligibility --all`), so that the dossiers are in the running.
        if let body = try session.eligibilityBatchBody(as: "s01") {
            _ = try session.append(kind: .eligibility, body: body, as: "s01", signer: signer)
        }
        for k in 0..<g.groups {
            let ms = ids.indices.filter { $0 % g.groups == k }.map { ids[$0] }
            let body = try session.groupAddBody(as: "s01", id: groupID(k), name: nil, fields: nil, members: ms)
            _ = try session.append(kind: .group, body: body, as: "s01", signer: signer)
        }
        let confirm = try session.groupConfirmBody(as: "s01")
        guard let body = confirm.body, confirm.unassigned.isEmpty else {
            throw ActionError(zh: "模拟的分组未覆盖全部申报：\(confirm.unassigned.prefix(5).joined(separator: ", "))",
                              en: "the simulated groups leave dossiers unassigned: \(confirm.unassigned.prefix(5).joined(separator: ", "))")
        }
        _ = try session.append(kind: .dossierGroup, body: body, as: "s01", signer: signer)
        let p = try session.assignmentProposal(as: "s01", perDossier: g.perDossier, seed: seed)
        _ = try session.append(kind: .assignment, body: p.body, as: "s01", signer: signer)
        return p.result
    }

    /// The chair signs every group's round-1 shortlist as `shortlist --round 1` does; a tie at a
    /// group's line is resolved by dossier id (the first ones take the places left), with the
    /// reason. Returns the dossiers on the shortlists and how many ties were resolved.
    static func signShortlists(root: String, chair: String, key: String) throws -> (list: [String], ties: Int) {
        let session = try ReviewSession(root: root)
        let ranking = session.roundRanking(1)
        let sizes = session.shortlistSizes(round: 1).sizes
        var resolutions: [Resolution] = []
        for (group, entries) in Dictionary(grouping: ranking.entries, by: \.group) {
            let tied = entries.filter { $0.status == .tieAtCut }.map(\.dossier).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            guard !tied.isEmpty else { continue }
            let places = max(0, (sizes[group] ?? 0) - entries.filter { $0.status == .selected }.count)
            for (i, d) in tied.enumerated() {
                resolutions.append(Resolution(dossier: d, decision: i < places ? "selected" : "not-selected", reason: "并列：按申报编号（模拟）"))
            }
        }
        let signer = try KeyFileSigner(path: key)
        var list: [String] = []
        for body in try session.shortlistBodies(as: chair, round: 1, group: nil, resolutions: resolutions) {
            _ = try session.append(kind: .shortlist, body: body, as: chair, signer: signer)
            list += (body["shortlist"]?.array ?? []).compactMap(\.string)
        }
        return (list, resolutions.count)
    }

    static func groupID(_ k: Int) -> String { "g" + String(format: "%02d", k + 1) }
}

/// A value shared between threads.
final class Locked<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ v: T) { value = v }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
    func update(_ f: (inout T) -> Void) { lock.lock(); f(&value); lock.unlock() }
}
