import Foundation
import Panel
import Records

// Field groups and assignment (issue 13): the secretary's side, as the command line and the UI
// use it. The record kinds and the deterministic algorithm are in Records/Grouping.swift; what
// verify checks across records is in Records/VerifierAssignments.swift.
//
// - Groups come from program.yaml (`groups`) and from signed `group` records (which also hold
//   the members: a member may sit in several groups).
// - A dossier's group is proposed from its 专业领域 (`FieldGroup.matches`, the first group in
//   order that matches) and counts once the secretary signs it (`dossier-group`); a move is
//   signed with its reason. A dossier no group matches is listed as unassigned, never dropped.
// - `assign` signs an `assignment`: K members of its group per dossier, loads balanced, no
//   member on a dossier of their own unit, a declared conflict or a recusal; a later `assign`
//   replaces only the open pairs of members who recused, left the roster or the group.
// - Once an assignment is in force, a member may sign sheets only for the dossiers it gives
//   them (`assignmentLock`, read by `sheetLock`: the CLI's `score` and the UI alike).

extension ReviewSession {
    /// One group as the store has it now.
    public struct GroupInfo: Sendable, Hashable {
        public var id: String
        public var name: LocalizedText
        public var fields: [String]
        /// The members the latest signed `group` record gives it (empty: none signed yet).
        public var members: [String]
        /// Whether program.yaml defines it (else a `group` record does).
        public var fromProgramme: Bool
        /// The latest `group` record, records/MEMBER/NNN/NNNNNN.json.
        public var record: String?
    }

    /// The groups: the programme's, in its order, then those only records define, by id.
    public func groups() -> [GroupInfo] {
        let signed = ledger.groupRecords
        var out: [GroupInfo] = []
        var seen: Set<String> = []
        for g in program.groups ?? [] where seen.insert(g.id).inserted {
            let r = signed[g.id]
            out.append(GroupInfo(id: g.id, name: g.name, fields: g.fields,
                                 members: r.flatMap { GroupingBody.group($0.record.body)?.members } ?? [], fromProgramme: true, record: r?.path))
        }
        for id in signed.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where !seen.contains(id) {
            guard let r = signed[id], let g = GroupingBody.group(r.record.body) else { continue }
            out.append(GroupInfo(id: id, name: LocalizedText(zh: g.name, en: g.name), fields: g.fields, members: g.members,
                                 fromProgramme: false, record: r.path))
        }
        return out
    }

    /// Whether the store works in groups at all (programme groups or a signed group record).
    public var hasGroups: Bool { !(program.groups ?? []).isEmpty || !ledger.groupRecords.isEmpty }

    /// The group a dossier's 专业领域 proposes: the first group in order that matches, nil when none does.
    public func proposedGroup(for d: Dossier, groups: [GroupInfo]) -> String? {
        groups.first { FieldGroup(id: $0.id, name: $0.name, fields: $0.fields).matches(d.field) }?.id
    }

    /// Every dossier with its proposed and its signed group, in id order.
    public struct GroupingRow: Sendable, Hashable {
        public var dossier: String
        public var name: String
        public var field: String
        public var proposed: String?
        public var signed: String?
    }

    public func groupingRows() -> [GroupingRow] {
        let gs = groups()
        let signed = ledger.dossierGroups
        return panel.dossiers.map { d in
            GroupingRow(dossier: d.id, name: d.name, field: d.field, proposed: proposedGroup(for: d, groups: gs), signed: signed[d.id])
        }
    }

    func requireSecretary(_ id: String, for kind: RecordKind) throws {
        try settle()
        let m = try member(id)
        try requireRole(m, for: kind)
        if ledger.finalization != nil {
            throw ActionError(zh: "评审结果已定稿，不能再改分组或分配", en: "the ranking is finalized; groups and assignments can no longer change")
        }
    }

    static func scoring(_ m: Member) -> Bool { m.role == .member || m.role == .chair }

    /// The body of a `group` record: the group's definition and its members (all of them: the
    /// record supersedes the group's earlier one). A group the programme defines takes the
    /// programme's name and fields (given ones must agree); another needs both.
    public func groupAddBody(as secretaryID: String, id: String, name: String?, fields: [String]?, members: [String]) throws -> [String: JSONValue] {
        try requireSecretary(secretaryID, for: .group)
        guard Identifier.isValid(id) else {
            throw ActionError(zh: "专业组编号 \(TerminalText.quoted(id)) 不可用：\(Identifier.rule.zh)", en: "group id \(TerminalText.quoted(id)) is not usable: \(Identifier.rule.en)")
        }
        let fs = fields?.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        var theName = name?.trimmingCharacters(in: .whitespacesAndNewlines)
        var theFields = fs
        if let g = program.groups?.first(where: { $0.id == id }) {
            if let fs, Set(fs) != Set(g.fields) {
                throw ActionError(zh: "专业组 \(id) 由程序定义，其专业领域为 \(g.fields.joined(separator: "、"))；要改请修订程序（pingshen program amend）",
                                  en: "group \(id) is defined by the programme with fields \(g.fields.joined(separator: ", ")); amend the programme to change them (pingshen program amend)")
            }
            theName = theName?.isEmpty == false ? theName : g.name.zh
            theFields = g.fields
        }
        guard let n = theName, !n.isEmpty else {
            throw ActionError(zh: "专业组 \(id) 不在程序中：需要 --name", en: "group \(id) is not in the programme: give --name")
        }
        guard let f = theFields, !f.isEmpty else {
            throw ActionError(zh: "专业组 \(id) 不在程序中：需要 --fields（专业领域或关键词，逗号分隔）", en: "group \(id) is not in the programme: give --fields (fields or keywords, comma-separated)")
        }
        var seen: Set<String> = []
        for m in members {
            guard seen.insert(m).inserted else { throw ActionError(zh: "成员 \(m) 列了两次", en: "member \(m) is listed twice") }
            guard let mm = panel.roster.member(m) else {
                throw ActionError(zh: "\(m) 不在名册上，不能加入专业组 \(id)", en: "\(m) is not on the roster and cannot sit in group \(id)")
            }
            guard ReviewSession.scoring(mm) else {
                throw ActionError(zh: "\(m) 的角色（\(mm.role.rawValue)）不评分，不能加入专业组", en: "\(m)'s role (\(mm.role.rawValue)) does not score and cannot sit in a group")
            }
        }
        let body: [String: JSONValue] = ["group": .string(id), "name": .string(n), "fields": .array(f.map { .string($0) }),
                                         "members": .array(members.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { .string($0) })]
        if let e = RecordKinds.ruleProblem(kind: .group, body: body, rules: ruleBook) { throw ActionError(zh: e.zh, en: e.en) }
        return body
    }

    /// The body of a `dossier-group` record confirming the proposal for every dossier whose
    /// signed group is not already the proposed one (nil when there is none), and the dossiers
    /// no group matches (listed, never dropped).
    public func groupConfirmBody(as secretaryID: String) throws -> (body: [String: JSONValue]?, unassigned: [String]) {
        try requireSecretary(secretaryID, for: .dossierGroup)
        guard hasGroups else {
            throw ActionError(zh: "本项目没有专业组（program.yaml groups 或 pingshen group add）", en: "this programme has no groups (program.yaml groups, or pingshen group add)")
        }
        var map: [String: JSONValue] = [:]
        var unassigned: [String] = []
        for row in groupingRows() {
            guard let p = row.proposed else { if row.signed == nil { unassigned.append(row.dossier) }; continue }
            // A dossier already signed into a group stays there (a move is its own decision).
            if row.signed == nil { map[row.dossier] = .string(p) }
        }
        guard !map.isEmpty else { return (nil, unassigned) }
        let body: [String: JSONValue] = ["groups": .object(map)]
        if let e = RecordKinds.ruleProblem(kind: .dossierGroup, body: body, rules: ruleBook) { throw ActionError(zh: e.zh, en: e.en) }
        return (body, unassigned)
    }

    /// The body of a `dossier-group` record moving one dossier to group `to`, with the reason.
    public func groupMoveBody(as secretaryID: String, dossier: String, to group: String, reason: String) throws -> [String: JSONValue] {
        try requireSecretary(secretaryID, for: .dossierGroup)
        _ = try requireDossier(dossier)
        let known = groups().map(\.id)
        guard known.contains(group) else {
            throw ActionError(zh: "没有专业组 \(TerminalText.quoted(group))（现有：\(known.joined(separator: "、"))）",
                              en: "no group \(TerminalText.quoted(group)) (groups: \(known.joined(separator: ", ")))")
        }
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else { throw ActionError(zh: "调整分组需要写明理由（--reason）", en: "a move needs a reason (--reason)") }
        if ledger.dossierGroups[dossier] == group {
            throw ActionError(zh: "\(dossier) 已在专业组 \(group)", en: "\(dossier) is already in group \(group)")
        }
        return ["groups": .object([dossier: .string(group)]), "reason": .string(why)]
    }

    // MARK: - Assignment

    /// The assignment in force: its record and dossier → members. nil when none is signed;
    /// throws when two were signed without seeing each other.
    public func assignmentInForce() throws -> (record: StoredRecord, assignment: GroupingBody.Assignment)? {
        let heads = ledger.assignmentHeads
        guard !heads.isEmpty else { return nil }
        guard heads.count == 1, let a = GroupingBody.assignment(heads[0].record.body) else {
            throw ActionError(zh: "有 \(heads.count) 份互不知晓的分配记录（\(heads.map(\.path).joined(separator: ", "))）：请秘书重新分配",
                              en: "\(heads.count) assignments were signed without seeing each other (\(heads.map(\.path).joined(separator: ", "))): the secretary assigns again")
        }
        return (heads[0], a)
    }

    /// Why the member may not score the dossier under the assignment in force, nil when they may
    /// (or no assignment is signed: a flat panel, as before).
    public func assignmentLock(member memberID: String, dossier: String) -> LocalizedText? {
        let heads = ledger.assignmentHeads
        guard !heads.isEmpty else { return nil }
        guard heads.count == 1 else {
            return LocalizedText(zh: "分配记录互相冲突，秘书重新分配前不能评分", en: "assignments conflict; no sheet until the secretary assigns again")
        }
        if assignmentCache?.sha != heads[0].sha256 {
            let a = GroupingBody.assignment(heads[0].record.body)
            assignmentCache = (heads[0].sha256, (a?.table ?? [:]).mapValues(Set.init))
        }
        if assignmentCache?.table[dossier]?.contains(memberID) == true { return nil }
        return LocalizedText(zh: "\(dossier) 没有分配给 \(memberID)（分配记录 \(heads[0].path)），不能评分",
                             en: "\(dossier) is not assigned to \(memberID) (assignment \(heads[0].path)); no sheet can be signed")
    }

    /// The latest sheets the assignment in force does not allow (empty without one; every
    /// sheet when assignments conflict is not claimed: verify names the conflict).
    func unassignedSheets() -> [(slot: Int, sheet: Ledger.SignedSheet)] {
        let heads = ledger.assignmentHeads
        guard heads.count == 1, let a = GroupingBody.assignment(heads[0].record.body) else { return [] }
        return ledger.sheetsOutside(a.table)
    }

    /// The dossiers assigned to a member, in id order; nil when no assignment is in force.
    public func assignedDossiers(_ memberID: String) -> [String]? {
        // A round after the first is the committee's (issue 13): every dossier on the shortlist.
        if hasRounds, openRound > 1 { return roundDossiers(openRound).map(\.id) }
        guard let a = try? assignmentInForce() else { return ledger.assignmentHeads.isEmpty ? nil : [] }
        return a.assignment.table.filter { $0.value.contains(memberID) }.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// What `assign` would sign, and what it means.
    public struct AssignmentProposal: Sendable {
        public var body: [String: JSONValue]
        public var result: AssignmentPlan.Result
        /// member → dossiers held, every member of a pool.
        public var loads: [String: Int]
        /// Dossiers with no signed group (never dropped: listed).
        public var ungrouped: [String]
        /// Pairs a replacement takes off, with why.
        public var dropped: [(pair: MemberDossierPair, why: String)]
        public var excludedCount: Int
        public var replaces: String?
        /// False when a replacement would change nothing.
        public var changes: Bool
        /// The pairs of the assignment in force with a reason to come off, and whether each
        /// had a sheet: the only sheets the proposal depends on (`stillHolds`).
        public var scoreDependent: [(member: String, dossier: String, scored: Bool)] = []
    }

    /// What `assignmentProposal` reads, but the sheets (issue 13): the signed history's head
    /// (programme, roster), the panel read, the groups, the signed grouping, the assignments in
    /// force, the round, the finalization and every recusal. With equal inputs and the same
    /// sheets on `scoreDependent` (`stillHolds`), the proposal is the same, so the secretary's
    /// screen computes it once per change of these, not on every sheet another member signs.
    public struct AssignmentInputs: Equatable, Sendable {
        public var governance: String
        public var panelVersion: Int
        public var dossiers: Int
        public var groups: [GroupInfo]
        public var dossierGroups: [String: String]
        public var assignments: [String]
        public var shortlists: Int
        public var openRound: Int
        public var finalized: Bool
        public var recusals: [String]
    }

    public func assignmentInputs() -> AssignmentInputs {
        let l = ledger
        return AssignmentInputs(governance: governance.head, panelVersion: panelVersion, dossiers: panel.dossiers.count, groups: groups(),
                                dossierGroups: l.dossierGroups, assignments: l.assignmentHeads.map(\.sha256),
                                shortlists: l.shortlistRecords.count, openRound: openRound, finalized: l.finalization != nil,
                                recusals: l.recusals.map { $0.member + "\u{0}" + $0.dossier + "\u{0}" + String($0.seq) })
    }

    /// Whether the sheets `p` depended on are as they were (see `AssignmentInputs`).
    public func stillHolds(_ p: AssignmentProposal) -> Bool {
        let l = ledger
        return p.scoreDependent.allSatisfy { (l.latestScore(.init($0.member, $0.dossier)) != nil) == $0.scored }
    }

    /// The assignment to sign: the first one, or the replacement of the one in force (see
    /// `AssignmentPlan`). `conflicts`: pairs the secretary declares kept apart (also carried
    /// over from the assignment in force).
    public func assignmentProposal(as secretaryID: String, perDossier k: Int?, seed: UInt64?, conflicts: [MemberDossierPair] = []) throws -> AssignmentProposal {
        try requireSecretary(secretaryID, for: .assignment)
        // The assignment is round 1's (issue 13): once its shortlists are signed it stands.
        if hasRounds, openRound > 1 {
            throw ActionError(zh: "第 1 轮已结束（入围名单已签署），分配不能再改", en: "round 1 is closed (its shortlists are signed); the assignment can no longer change")
        }
        let k = k ?? max(1, program.forRound(1).aggregation.quorum)
        guard k >= 1, k <= AssignmentPlan.maxPerDossier else {
            throw ActionError(zh: "--per-dossier 应在 1…\(AssignmentPlan.maxPerDossier) 之间，得到 \(k)", en: "--per-dossier must be within 1…\(AssignmentPlan.maxPerDossier), got \(k)")
        }
        let gs = groups()
        guard !gs.isEmpty else {
            throw ActionError(zh: "本项目没有专业组：先定义专业组（program.yaml groups 或 pingshen group add）", en: "this programme has no groups: define them first (program.yaml groups, or pingshen group add)")
        }
        let byID = Dictionary(gs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let signed = ledger.dossierGroups
        var dossierGroup: [String: String] = [:]
        var ungrouped: [String] = []
        for d in panel.dossiers {
            guard let g = signed[d.id] else { ungrouped.append(d.id); continue }
            guard byID[g] != nil else {
                throw ActionError(zh: "\(d.id) 签署的专业组 \(TerminalText.quoted(g)) 未定义：请用 pingshen group move 调整", en: "\(d.id) is signed into group \(TerminalText.quoted(g)), which is not defined: move it (pingshen group move)")
            }
            dossierGroup[d.id] = g
        }
        guard !dossierGroup.isEmpty else {
            throw ActionError(zh: "还没有签署分组的申报材料：先 pingshen group confirm", en: "no dossier has a signed group yet: run pingshen group confirm first")
        }
        // The pools: each group's members who are on the roster and score.
        var pool: [String: [String]] = [:]
        for g in Set(dossierGroup.values).sorted() {
            let ms = (byID[g]?.members ?? []).filter { panel.roster.member($0).map(ReviewSession.scoring) ?? false }
            guard !ms.isEmpty else {
                throw ActionError(zh: "专业组 \(g) 没有成员，不能分配（pingshen group add --id \(g) --members …）", en: "group \(g) has no members; nothing to assign (pingshen group add --id \(g) --members …)")
            }
            guard k <= ms.count else {
                throw ActionError(zh: "每份材料 \(k) 人，多于专业组 \(g) 的 \(ms.count) 名成员", en: "\(k) members per dossier is more than group \(g)'s \(ms.count) members")
            }
            pool[g] = ms
        }
        for c in conflicts {
            guard panel.roster.member(c.member) != nil else { throw ActionError(zh: "--conflict：\(c.member) 不在名册上", en: "--conflict: \(c.member) is not on the roster") }
            _ = try requireDossier(c.dossier)
        }
        let current = try assignmentInForce()
        // What is kept apart: declared conflicts (now and before), same unit, recusals.
        var why: [MemberDossierPair: String] = [:]
        for c in conflicts { why[c] = "conflict" }
        for e in current?.assignment.excluded ?? [] where e.why == "conflict" { why[e.pair] = "conflict" }
        for d in panel.dossiers {
            guard let g = dossierGroup[d.id] else { continue }
            for m in pool[g] ?? [] {
                let pair = MemberDossierPair(m, d.id)
                if AssignmentPlan.sharedUnit(panel.roster.member(m), d) != nil { why[pair] = "unit" }
                if ledger.recusal(.init(m, d.id)) != nil { why[pair] = "recusal" }
            }
        }
        // A replacement: the open pairs of members who recused, left the roster or the group,
        // or are now kept apart, come off; every other pair stays.
        var kept: [String: [String]] = [:]
        var dropped: [(pair: MemberDossierPair, why: String)] = []
        var scoreDependent: [(member: String, dossier: String, scored: Bool)] = []
        if let current {
            for (d, ms) in current.assignment.table {
                guard let g = dossierGroup[d] else { continue }
                var stay: [String] = []
                for m in ms {
                    let pair = MemberDossierPair(m, d)
                    let scored = ledger.latestScore(.init(m, d)) != nil
                    let reason: String?
                    if !(panel.roster.member(m).map(ReviewSession.scoring) ?? false) { reason = "removed" }
                    else if ledger.recusal(.init(m, d)) != nil { reason = "recusal" }
                    else if !(pool[g] ?? []).contains(m) { reason = "not-in-group" }
                    else if let w = why[pair] { reason = w }
                    else { reason = nil }
                    // A pair with a reason to come off stays if it was scored: the one place
                    // the sheets decide (`scoreDependent`).
                    if reason != nil { scoreDependent.append((m, d, scored)) }
                    if scored { stay.append(m); continue }
                    if let reason { dropped.append((pair, reason)) } else { stay.append(m) }
                }
                kept[d] = stay
            }
        }
        let theSeed = seed ?? current?.assignment.seed ?? 0
        var excluded = why.map { (pair: $0.key, why: $0.value) }
        // Dropped pairs are never handed back to the member they came off.
        let excludedSet = Set(excluded.map(\.pair)).union(dropped.map(\.pair))
        let result = AssignmentPlan.compute(perDossier: k, seed: theSeed, pool: pool, dossierGroup: dossierGroup, excluded: excludedSet, kept: kept)
        excluded.sort { $0.pair < $1.pair }
        let body = GroupingBody.assignmentBody(perDossier: k, seed: theSeed, pool: pool, excluded: excluded, dropped: dropped,
                                               previous: current?.record.sha256, dossierGroup: dossierGroup, result: result)
        if let e = RecordKinds.ruleProblem(kind: .assignment, body: body, rules: ruleBook) { throw ActionError(zh: e.zh, en: e.en) }
        var loads: [String: Int] = [:]
        for ms in pool.values { for m in ms { loads[m] = 0 } }
        for ms in result.table.values { for m in ms { loads[m, default: 0] += 1 } }
        let changes = current.map { c in
            c.assignment.table != result.table || c.assignment.perDossier != k || Set(c.assignment.dossierGroup.keys) != Set(dossierGroup.keys)
        } ?? true
        return AssignmentProposal(body: body, result: result, loads: loads, ungrouped: ungrouped, dropped: dropped,
                                  excludedCount: excluded.count, replaces: current?.record.path, changes: changes,
                                  scoreDependent: scoreDependent)
    }

    /// Each dossier assigned to `member`, with whether they have signed a sheet for it: the
    /// member's list under an assignment ("待评 12 · 已评 28 · 共 40").
    public func assignmentCounts(_ memberID: String) -> (open: Int, done: Int, total: Int)? {
        guard let ds = assignedDossiers(memberID) else { return nil }
        let ledger = openLedger
        let done = ds.filter { ledger.latestScore(.init(memberID, $0)) != nil || ledger.recusal(.init(memberID, $0)) != nil }.count
        return (ds.count - done, done, ds.count)
    }
}
