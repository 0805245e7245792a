import Foundation
import Panel

// Field groups and assignment across records (issue 13), as `verify` reports them of a store
// signed by any means. Per record, `RecordKinds` checks shapes and that ids exist; here:
//
// - group-rule: a dossier-group or assignment names a group neither the programme nor a
//   `group` record defines;
// - assignment-mismatch: the assignment is not what `AssignmentPlan.compute` gives from its seed,
//   its inputs and the assignment it replaces (recomputed here);
// - assignment-input: its pool or its dossiers' groups are not what the signed group and
//   dossier-group records it had seen say (ordered by chains, `DecisionOrder`);
// - assignment-rule: it gives a member a dossier of their own unit or one they had recused
//   from, or takes a pair off without a reason that holds (units, roles and removals as the
//   roster was at the assignment's `gov`, not today's);
// - assignment-conflict: two assignments were signed without one replacing the other;
// - unassigned-sheet: a score by a member the assignment in force does not give that dossier.
struct AssignmentChecks {
    struct Item { var record: Record; var path: String; var sha: String }
    var groups: [Item] = []
    var dossierGroups: [Item] = []
    var assignments: [Item] = []
    /// Every score and recusal handed over: (member, dossier, seq, path); those with a problem
    /// are forgotten (`forget`) before the checks.
    var scores: [(member: String, dossier: String, seq: Int, path: String)] = []
    var recusalList: [(pair: MemberDossierPair, seq: Int, path: String)] = []
    /// The first recusal of each pair (by seq), of those that count.
    var recusals: [MemberDossierPair: Int] {
        var out: [MemberDossierPair: Int] = [:]
        for r in recusalList { out[r.pair] = min(out[r.pair] ?? r.seq, r.seq) }
        return out
    }

    static let kinds: Set<RecordKind> = [.group, .dossierGroup, .assignment]

    mutating func note(_ s: RecordSummary) {
        switch s.content {
        case let .score(dossier, _, _, _, _): scores.append((s.signer, dossier, s.seq, s.path))
        case let .recusal(dossier, _): noteRecusal(s.signer, dossier, s.seq, s.path)
        case let .whole(r, sha): note(r, path: s.path, sha: sha)
        }
    }

    mutating func noteRecusal(_ m: String, _ d: String, _ seq: Int, _ path: String) {
        recusalList.append((MemberDossierPair(m, d), seq, path))
    }

    mutating func note(_ r: Record, path: String, sha: String) {
        let item = Item(record: r, path: path, sha: sha)
        switch r.kind {
        case .group: groups.append(item)
        case .dossierGroup: dossierGroups.append(item)
        case .assignment: assignments.append(item)
        // The assignment is round 1's (issue 13): a later round's sheet is the committee's.
        case .score: if let d = r.body["dossier"]?.string, RecordKinds.round(of: r.body) == 1 { scores.append((r.signer, d, r.seq, path)) }
        case .recusal: if let d = r.body["dossier"]?.string { noteRecusal(r.signer, d, r.seq, path) }
        default: return
        }
    }

    /// Drops the records at `paths` (those with a problem): an uncached verify hands over every
    /// record that passed its own checks, some of which get a problem later (a sheet after the
    /// finalization, …); none of them counts here, as none counts in a cached one.
    mutating func forget(_ paths: Set<String>) {
        scores.removeAll { paths.contains($0.path) }
        recusalList.removeAll { paths.contains($0.path) }
        groups.removeAll { paths.contains($0.path) }
        dossierGroups.removeAll { paths.contains($0.path) }
        assignments.removeAll { paths.contains($0.path) }
    }

    var concernsAnything: Bool { !groups.isEmpty || !dossierGroups.isEmpty || !assignments.isEmpty }

    /// Whether `later` had seen `earlier` (same chain: a higher seq; else its `seen`).
    static func saw(_ later: Record, _ earlier: Record) -> Bool { saw(later, signer: earlier.signer, seq: earlier.seq) }

    /// Whether `later` had seen record `seq` of `signer`'s chain.
    static func saw(_ later: Record, signer: String, seq: Int) -> Bool {
        later.signer == signer ? later.seq > seq : (later.seen[signer] ?? 0) >= seq
    }

    func problems(layout: StoreLayout, language lang: Language) -> [Problem] {
        guard concernsAnything else { return [] }
        guard let (panel, governance) = try? Governance.openPanel(layout.root, cachedDossiers: false) else { return [] }
        var out: [Problem] = []
        func problem(_ path: String, _ kind: String, _ zh: String, _ en: String) { out.append(Problem(path: path, kind: kind, message: lang.pick(zh, en))) }
        // The groups known: the programme's and those a group record defines.
        let known = Set((panel.program.groups ?? []).map(\.id)).union(groups.compactMap { $0.record.body["group"]?.string })
        for i in dossierGroups {
            for (d, g) in GroupingBody.dossierGroups(i.record.body).sorted(by: { $0.key < $1.key }) where !known.contains(g) {
                problem(i.path, "group-rule", "\(d) 被分入未定义的专业组 “\(g)”", "\(d) is put in group '\(g)', which no programme or group record defines")
            }
        }
        let dossiers = Dictionary(panel.dossiers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let recusals = self.recusals
        let bySha = Dictionary(assignments.map { ($0.sha, $0) }, uniquingKeysWith: { a, _ in a })
        for a in assignments.sorted(by: { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }) {
            guard let body = GroupingBody.assignment(a.record.body) else { continue }
            // The roster as the signed history says it was when the assignment was signed (its
            // `gov`): a member removed later is judged as they were then (their unit, their
            // role), and a pair dropped as "removed" must have been removed by then.
            let roster = governance.position[a.record.gov].map { governance.roster(at: $0) } ?? panel.roster
            let scoring = { (m: String) -> Bool in roster.member(m).map { $0.role == .member || $0.role == .chair } ?? false }
            func sameUnit(_ m: String, _ d: String) -> String? { dossiers[d].flatMap { AssignmentPlan.sharedUnit(roster.member(m), $0) } }
            for (d, e) in body.entries.sorted(by: { $0.key < $1.key }) where !known.contains(e.group) {
                problem(a.path, "group-rule", "分配记录把 \(d) 列在未定义的专业组 “\(e.group)”", "the assignment puts \(d) in group '\(e.group)', which no programme or group record defines")
            }
            // Recompute from the body and the assignment it replaces.
            var kept: [String: [String]] = [:]
            let dropped = Set(body.dropped.map(\.pair))
            if let prevSha = body.previous {
                guard let prev = bySha[prevSha], let pb = GroupingBody.assignment(prev.record.body) else { continue }  // a missing pin: rule-violation
                for (d, ms) in pb.table { kept[d] = ms.filter { !dropped.contains(MemberDossierPair($0, d)) } }
                // A declared conflict is kept apart for good (`assign` carries each over): a
                // replacement that forgets one could hand the pair out.
                let own = Set(body.excluded.filter { $0.why == "conflict" }.map(\.pair))
                if let c = pb.excluded.filter({ $0.why == "conflict" && !own.contains($0.pair) }).map(\.pair).sorted().first {
                    problem(a.path, "assignment-rule", "分配未沿用所替换分配中声明的利益冲突 \(c.member) – \(c.dossier)",
                            "the assignment drops the declared conflict \(c.member) – \(c.dossier) of the assignment it replaces")
                }
            }
            let excluded = Set(body.excluded.map(\.pair)).union(dropped)
            let again = AssignmentPlan.compute(perDossier: body.perDossier, seed: body.seed, pool: body.pool, dossierGroup: body.dossierGroup,
                                               excluded: excluded, kept: kept)
            let signedShort = Dictionary(uniqueKeysWithValues: (a.record.body["assignments"]?.array ?? []).compactMap { item -> (String, Int)? in
                guard let d = item["dossier"]?.string, let s = item["short"]?.int else { return nil }
                return (d, Int(s))
            })
            if let d = body.entries.keys.sorted().first(where: { again.table[$0] != body.table[$0] }) {
                problem(a.path, "assignment-mismatch",
                        "分配记录与由 seed \(body.seed) 及其输入重算的结果不符：\(d) 签署为 \(body.table[d]?.joined(separator: ",") ?? "")，重算为 \(again.table[d]?.joined(separator: ",") ?? "")",
                        "the assignment is not what its seed \(body.seed) and inputs give: \(d) is signed as \(body.table[d]?.joined(separator: ",") ?? ""), recomputed as \(again.table[d]?.joined(separator: ",") ?? "")")
            } else if again.short != signedShort {
                problem(a.path, "assignment-mismatch", "分配记录所记的缺额与重算不符", "the assignment's shortfalls are not what recomputing gives")
            }
            // Its inputs against the signed records it had seen.
            for (g, pool) in body.pool.sorted(by: { $0.key < $1.key }) {
                let seen = groups.filter { $0.record.body["group"]?.string == g && AssignmentChecks.saw(a.record, $0.record) }
                let items = seen.map { DecisionOrder.Item($0.record, path: $0.path, value: $0.path) }
                let latest = DecisionOrder.latest(items).flatMap { l in seen.first { $0.path == l.path } }
                let members = Set(latest.flatMap { GroupingBody.group($0.record.body)?.members } ?? [])
                let expected = members.filter(scoring)
                if !Set(pool).isSubset(of: members) || !expected.isSubset(of: Set(pool)) {
                    problem(a.path, "assignment-input", "分配记录中专业组 \(g) 的成员与其所见的 group 记录不符", "the assignment's members of group \(g) are not those of the group record it had seen")
                } else if let m = Set(pool).subtracting(expected).sorted().first {
                    // `assign` pools only those who score: one removed (by the roster of its
                    // time) or the secretary would hold dossiers nobody reviews.
                    problem(a.path, "assignment-input", "分配记录把不能评分的 \(m)（已移出或不是评审成员）列入专业组 \(g) 的人选", "the assignment pools \(m) in group \(g), who cannot score (removed, or not a reviewing member)")
                }
            }
            var signedGroup: [String: [DecisionOrder.Item]] = [:]
            for i in dossierGroups where AssignmentChecks.saw(a.record, i.record) {
                for (d, g) in GroupingBody.dossierGroups(i.record.body) { signedGroup[d, default: []].append(DecisionOrder.Item(i.record, path: i.path, value: g)) }
            }
            for d in Set(signedGroup.keys).union(body.entries.keys).sorted() where dossiers[d] != nil {
                let g = signedGroup[d].flatMap(DecisionOrder.latest)?.value
                if g != body.entries[d]?.group {
                    problem(a.path, "assignment-input", "\(d) 的专业组在分配记录中为 \(body.entries[d]?.group ?? "（无）")，其所见的分组记录为 \(g ?? "（无）")",
                            "\(d)'s group in the assignment is \(body.entries[d]?.group ?? "(none)"), the grouping it had seen says \(g ?? "(none)")")
                }
            }
            // The rules of 回避 on the pairs it gives.
            for (d, ms) in body.table.sorted(by: { $0.key < $1.key }) {
                for m in ms where !(kept[d] ?? []).contains(m) {
                    if let u = sameUnit(m, d) {
                        problem(a.path, "assignment-rule", "分配把 \(d) 交给同单位（\(u)）的 \(m)", "the assignment gives \(d) to \(m) of the same unit (\(u))")
                    }
                    if let seq = recusals[MemberDossierPair(m, d)], AssignmentChecks.saw(a.record, signer: m, seq: seq) {
                        problem(a.path, "assignment-rule", "分配把 \(d) 交给已声明回避的 \(m)", "the assignment gives \(d) to \(m), who had recused from it")
                    }
                    if body.excluded.contains(where: { $0.pair == MemberDossierPair(m, d) }) {
                        problem(a.path, "assignment-rule", "分配把 \(d) 交给其 excluded 中列出的 \(m)", "the assignment gives \(d) to \(m), whom its own excluded list keeps apart")
                    }
                }
            }
            for x in body.dropped {
                let (m, d) = (x.pair.member, x.pair.dossier)
                let holds: Bool
                switch x.why {
                case "recusal": holds = recusals[x.pair] != nil
                case "removed": holds = !scoring(m)
                case "not-in-group": holds = !(body.pool[body.entries[d]?.group ?? ""] ?? []).contains(m)
                case "unit": holds = sameUnit(m, d) != nil
                case "conflict": holds = body.excluded.contains { $0.pair == x.pair && $0.why == "conflict" }
                default: holds = false
                }
                if !holds {
                    problem(a.path, "assignment-rule", "分配撤下 \(m) – \(d) 的理由（\(x.why)）不成立", "the assignment takes \(m) off \(d) for a reason (\(x.why)) that does not hold")
                }
                // `assign` takes off open pairs only: a sheet it had seen stays assigned (a
                // removal or a recusal deals with its sheets itself).
                if x.why != "removed" && x.why != "recusal",
                   let s = scores.first(where: { $0.member == m && $0.dossier == d && AssignmentChecks.saw(a.record, signer: m, seq: $0.seq) }) {
                    problem(a.path, "assignment-rule", "分配撤下 \(m) – \(d)，而 \(m) 已评过该材料（\(s.path)）", "the assignment takes \(m) off \(d), which they had already scored (\(s.path))")
                }
            }
        }
        // The assignment in force, and the sheets it allows.
        let replaced = Set(assignments.compactMap { $0.record.body["previous"]?.string })
        let heads = assignments.filter { !replaced.contains($0.sha) }.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        if heads.count > 1 {
            for h in heads {
                problem(h.path, "assignment-conflict", "有 \(heads.count) 份互不替换的分配记录：\(heads.map(\.path).joined(separator: ", "))",
                        "\(heads.count) assignments do not replace one another: \(heads.map(\.path).joined(separator: ", "))")
            }
        }
        if heads.count == 1, let table = GroupingBody.assignment(heads[0].record.body)?.table {
            for s in scores where !(table[s.dossier] ?? []).contains(s.member) {
                problem(RecordFileName.path(member: s.member, seq: s.seq), "unassigned-sheet",
                        "\(s.member) 评了未分配给其的 \(s.dossier)（分配记录 \(heads[0].path)）", "\(s.member) scored \(s.dossier), which the assignment \(heads[0].path) does not give them")
            }
        }
        return out
    }
}
