import Foundation
import Panel
import Records
import Scoring

// Rounds and shortlists (初评/终评, issue 13): the session's side. The programme's `rounds:` is
// in Panel/Rounds.swift, the shortlist record in Records/Shortlists.swift, what verify checks
// across records in Records/VerifierRounds.swift. Here, one place for:
//
// - which dossiers a round ranks: round 1, every dossier in the running; round N, those on a
//   signed round N−1 shortlist (and still in the running);
// - its lists: one per field group in a round by groups (the signed `dossier-group`), one for
//   the committee; each list's size (`ShortlistRule.apportion`);
// - the open round: the first whose shortlists are not all signed (the last once they are);
//   sheets are taken for the open round only, and in a round after the first only for the
//   dossiers on the shortlist (`roundLock`, read by `sheetLock`: `score` and the UI alike);
// - the ranking of a round, per list (`roundRanking`), and the shortlist the chair signs
//   (`shortlistBodies`), cut and resolved as `finalize` cuts at the quota line;
// - the recount of every signed shortlist from the signed sheets (`shortlistAudit`, run by
//   `verify`).
/// What the session derives about rounds, kept until the ledger or the panel changes (the UI
/// asks `sheetLock` for every row of a list).
struct RoundCache {
    var open: Int?
    var dossiers: [Int: [Dossier]] = [:]
    /// Every signed shortlist, read (the round rules, the open round and each round's dossiers
    /// read them: each body parsed once per change, not three times at the first frame).
    var shortlists: [ReviewSession.SignedShortlist]?
    /// `Ledger.dossierGroups` (a pass over every decision item).
    var dossierGroups: [String: String]?
}

extension ReviewSession {
    /// A signed shortlist, read.
    public struct SignedShortlist: Sendable {
        public var record: StoredRecord
        public var body: ShortlistBody.Shortlist
    }

    /// Whether the programme has more than one round.
    public var hasRounds: Bool { program.roundCount > 1 }

    /// The open round's sheets and recusals (the whole ledger's own for round 1): what a
    /// member's list and sheet show.
    public var openLedger: Ledger { hasRounds ? ledger.round(openRound) : ledger }

    /// Every signed shortlist of round `n` (all rounds when nil), in path order.
    public func shortlists(round n: Int? = nil) -> [SignedShortlist] {
        let all: [SignedShortlist]
        if let c = roundCache.shortlists {
            all = c
        } else {
            all = ledger.shortlistRecords.compactMap { r in ShortlistBody.read(r.record.body).map { SignedShortlist(record: r, body: $0) } }
            roundCache.shortlists = all
        }
        return n.map { n in all.filter { $0.body.round == n } } ?? all
    }

    /// `ledger.dossierGroups`, kept with the round cache.
    var signedDossierGroups: [String: String] {
        if let g = roundCache.dossierGroups { return g }
        let g = ledger.dossierGroups
        roundCache.dossierGroups = g
        return g
    }

    /// The dossiers round `n` ranks, in id order (see the file's notes).
    public func roundDossiers(_ n: Int) -> [Dossier] {
        if let c = roundCache.dossiers[n] { return c }
        let out: [Dossier]
        if n > 1 {
            let on = Set(shortlists(round: n - 1).flatMap(\.body.shortlist))
            out = dossiersInRunning(where: { on.contains($0.id) })
        } else {
            out = dossiersInRunning
        }
        roundCache.dossiers[n] = out
        return out
    }

    /// The list a dossier is ranked in, in round `n`: its signed group in a round by groups
    /// (nil: no signed group), nil for the committee.
    func listKey(round n: Int) -> (String) -> String? {
        guard program.roundSpec(n)?.byGroups == true else { return { _ in nil } }
        let groups = signedDossierGroups
        return { groups[$0] }
    }

    /// Round `n`'s lists: list key (group, nil for the committee or the ungrouped) → its
    /// dossiers in the round.
    public func roundLists(_ n: Int) -> [String?: [Dossier]] {
        let key = listKey(round: n)
        var out: [String?: [Dossier]] = [:]
        for d in roundDossiers(n) { out[key(d.id), default: []].append(d) }
        return out
    }

    /// Round `n`'s lists in order: groups by id (UTF-8 bytes), then the committee's (nil).
    static func orderedKeys(_ keys: some Sequence<String?>) -> [String?] {
        keys.sorted { a, b in
            switch (a, b) {
            case let (x?, y?): return x.utf8.lexicographicallyPrecedes(y.utf8)
            case (_?, nil): return true
            default: return false
            }
        }
    }

    /// The size of each list of round `n` (a round before the last): `ShortlistRule.apportion`
    /// over the lists' nominations. A list of ungrouped dossiers in a round by groups gets none.
    public func shortlistSizes(round n: Int) -> (sizes: [String?: Int], nominations: [String: Int]) {
        let lists = roundLists(n)
        let byGroups = program.roundSpec(n)?.byGroups == true
        var noms: [String: Int] = [:]
        for (k, ds) in lists where !(byGroups && k == nil) { noms[k ?? ""] = ds.count }
        let rule = program.roundSpec(n)?.shortlist ?? ShortlistRule(perGroup: program.quota)
        let split = rule.apportion(quota: program.quota, nominations: noms) ?? [:]
        var sizes: [String?: Int] = [:]
        for k in lists.keys { sizes[k] = (byGroups && k == nil) ? 0 : (split[k ?? ""] ?? 0) }
        return (sizes, noms)
    }

    /// Whether every list of round `n` (a round before the last) has its signed shortlist.
    /// Its lists are those of its dossiers in the running (`roundLists`): closed when there is
    /// one and each has its signed shortlist. A dossier of a signed list is qualified only
    /// until one in the running is found, so the first screen (`openRound`) does not qualify
    /// all 10,000 dossiers of round 1 (the same answer: only an unsigned list's must be).
    public func roundClosed(_ n: Int) -> Bool {
        guard n < program.roundCount else { return false }
        let signed = Set(shortlists(round: n).map(\.body.group))
        let key = listKey(round: n)
        if let known = roundCache.dossiers[n] { return !known.isEmpty && known.allSatisfy { signed.contains(key($0.id)) } }
        // The dossiers `roundDossiers(n)` would qualify, in the same order.
        let on: Set<String>? = n > 1 ? Set(shortlists(round: n - 1).flatMap(\.body.shortlist)) : nil
        let l = ledger
        var anyInRunning = false
        for d in panel.dossiers where on?.contains(d.id) ?? true {
            let listed = signed.contains(key(d.id))
            if listed && anyInRunning { continue }
            guard ReviewSession.qualification(of: d, in: l).inRunning else { continue }
            if !listed { return false }
            anyInRunning = true
        }
        return anyInRunning
    }

    /// The round open for sheets: the first whose shortlists are not all signed; the last once
    /// every earlier one is closed (1 for a programme without rounds).
    public var openRound: Int {
        guard hasRounds else { return 1 }
        if let c = roundCache.open { return c }
        var open = program.roundCount
        for n in 1..<program.roundCount where !roundClosed(n) { open = n; break }
        roundCache.open = open
        return open
    }

    /// Why `member` cannot sign a sheet of round `n` for `dossier`, nil when they may (the
    /// rounds' part of `sheetLock`).
    public func roundLock(member memberID: String, dossier: String, round n: Int) -> LocalizedText? {
        guard program.hasRound(n) else {
            return LocalizedText(zh: "程序没有第 \(n) 轮（共 \(program.roundCount) 轮）", en: "the programme has no round \(n) (it has \(program.roundCount))")
        }
        guard hasRounds else { return nil }
        let open = openRound
        if n < open {
            return LocalizedText(zh: "第 \(n) 轮已结束（入围名单已签署），不能再提交该轮评分表", en: "round \(n) is closed (its shortlists are signed); no more sheets for it")
        }
        if n > open {
            return LocalizedText(zh: "第 \(n) 轮尚未开始：第 \(open) 轮的入围名单签署后才开始", en: "round \(n) is not open: it opens once round \(open)'s shortlists are signed")
        }
        if n > 1, !roundDossiers(n).contains(where: { $0.id == dossier }) {  // (a few hundred at most)
            return LocalizedText(zh: "\(dossier) 不在第 \(n - 1) 轮的入围名单上，不参加第 \(n) 轮", en: "\(dossier) is not on round \(n - 1)'s shortlist; it is not in round \(n)")
        }
        for k in 1..<max(1, n) where ledger.round(k).recusal(.init(memberID, dossier)) != nil {
            return LocalizedText(zh: "\(memberID) 在第 \(k) 轮已声明回避 \(dossier)，不能评分", en: "\(memberID) recused from \(dossier) in round \(k) and cannot score it")
        }
        return nil
    }

    // MARK: - Ranking a round

    /// The programme as round `n`'s list ranks (the list's shortlist size as its quota, the
    /// programme's quota in the last round).
    func roundProgram(_ n: Int, size: Int?) -> Program {
        n < program.roundCount ? program.forRound(n, quota: size ?? 0) : program.forRound(n)
    }

    /// The ranking of round `n` (of one list with `group`, a group id, or nil for the
    /// committee's and every list when `group` is not given): each list ranked on its own
    /// against its size, entries carrying their group, statuses as any signed shortlist
    /// resolved them. The sheets are the round's, less those the round rules leave out.
    public func roundRanking(_ n: Int, group only: String?? = nil) -> Ranking {
        let lists = roundLists(n)
        let sizes = n < program.roundCount ? shortlistSizes(round: n).sizes : [:]
        let table = ledger.round(n).sheetTable(dropStale: program.aggregation.dropsStaleSheets)
        let signed = Dictionary(shortlists(round: n).map { ($0.body.group, $0) }, uniquingKeysWith: { a, _ in a })
        var keys = ReviewSession.orderedKeys(lists.keys)
        if let only { keys = keys.filter { $0 == only } }
        let base = roundProgram(n, size: 0)
        var out = Ranking(program: program.id, method: base.aggregation.method, quota: 0, entries: [], quorum: base.aggregation.quorum,
                          approvalThreshold: nil)
        for k in keys {
            let p = roundProgram(n, size: sizes[k] ?? 0)
            var r = Ranker.rank(program: p, dossiers: lists[k] ?? [], table: table)
            if let s = signed[k] {
                for i in r.entries.indices where r.entries[i].status == .tieAtCut {
                    if let d = s.body.resolutions[r.entries[i].dossier] { r.entries[i].status = d == "selected" ? .selected : .notSelected }
                }
            }
            for i in r.entries.indices { r.entries[i].group = k }
            out.entries += r.entries
            out.quota += p.quota
            out.approvalThreshold = r.approvalThreshold
            out.passMark = r.passMark
        }
        if n == program.roundCount { out.quota = program.quota }
        out.round = n
        out.outOfRunning = qualifications().filter { !$0.inRunning }
        out.staleSheets = staleSheets()
        return out
    }

    // MARK: - Signing a shortlist (chair)

    /// The bodies of the shortlists to sign for round `n`: of `group`, or of every list not yet
    /// signed; all checked before any is returned. Ties at a list's line are resolved by
    /// `resolutions` as at the quota line (`finalizeBody`).
    public func shortlistBodies(as chairID: String, round n: Int, group: String?, resolutions: [Resolution]) throws -> [[String: JSONValue]] {
        try settle()
        let chair = try member(chairID)
        try requireRole(chair, for: .shortlist)
        guard program.hasRound(n) else {
            throw ActionError(zh: "程序没有第 \(n) 轮（共 \(program.roundCount) 轮）", en: "the programme has no round \(n) (it has \(program.roundCount))")
        }
        guard n < program.roundCount else {
            throw ActionError(zh: hasRounds ? "第 \(n) 轮是最后一轮，没有入围名单：用 pingshen finalize 定稿" : "本项目只有一轮，没有入围名单：用 pingshen finalize 定稿",
                              en: hasRounds ? "round \(n) is the last round and has no shortlist: finalize it (pingshen finalize)" : "this programme has one round and no shortlist: finalize it (pingshen finalize)")
        }
        if ledger.finalization != nil { throw ActionError(zh: "评审结果已定稿", en: "the ranking is finalized") }
        try requireNoProblems(LocalizedText(zh: "签署入围名单", en: "sign a shortlist"))
        try requireReplicableRounds(LocalizedText(zh: "签署入围名单", en: "sign a shortlist"))
        let open = openRound
        if n < open { throw ActionError(zh: "第 \(n) 轮的入围名单已全部签署", en: "round \(n)'s shortlists are all signed") }
        if n > open { throw ActionError(zh: "第 \(n) 轮尚未开始：先签署第 \(open) 轮的入围名单", en: "round \(n) is not open: sign round \(open)'s shortlists first") }
        let unchecked = qualifications().filter { $0.state == .unchecked }.map(\.dossier)
        if !unchecked.isEmpty {
            let list = unchecked.prefix(10).joined(separator: ", ") + (unchecked.count > 10 ? " …" : "")
            throw ActionError(zh: "\(unchecked.count) 份申报材料尚无资格审核决定：\(list)；请秘书先签署", en: "\(unchecked.count) dossiers have no signed eligibility decision: \(list); the secretary signs them first")
        }
        let byGroups = program.roundSpec(n)?.byGroups == true
        let lists = roundLists(n)
        if byGroups, let ungrouped = lists[nil], !ungrouped.isEmpty {
            let ids = ungrouped.map(\.id)
            throw ActionError(zh: "\(ids.count) 份申报材料没有签署的专业组：\(ids.prefix(10).joined(separator: ", "))（pingshen group confirm 或 group move）",
                              en: "\(ids.count) dossiers have no signed group: \(ids.prefix(10).joined(separator: ", ")) (pingshen group confirm or group move)")
        }
        let signed = Set(shortlists(round: n).map(\.body.group))
        var targets: [String?]
        if let group {
            guard byGroups else { throw ActionError(zh: "第 \(n) 轮由评审委员会评审，没有专业组（去掉 --group）", en: "round \(n) is by the committee and has no groups (leave out --group)") }
            guard lists[group] != nil else {
                let known = ReviewSession.orderedKeys(lists.keys).compactMap { $0 }
                throw ActionError(zh: "第 \(n) 轮没有专业组 \(TerminalText.quoted(group))（有：\(known.joined(separator: "、"))）",
                                  en: "round \(n) has no group \(TerminalText.quoted(group)) (groups: \(known.joined(separator: ", ")))")
            }
            guard !signed.contains(group) else {
                throw ActionError(zh: "专业组 \(group) 第 \(n) 轮的入围名单已签署（一组一轮只签一次）", en: "group \(group)'s round \(n) shortlist is already signed (once per group and round)")
            }
            targets = [group]
        } else {
            targets = ReviewSession.orderedKeys(lists.keys).filter { !signed.contains($0) }
        }
        guard !targets.isEmpty else { throw ActionError(zh: "第 \(n) 轮没有待签的入围名单", en: "round \(n) has no shortlist left to sign") }
        let (sizes, noms) = shortlistSizes(round: n)
        let ranking = roundRanking(n)
        // The resolutions: each for a dossier tied at the line of one of the lists signed now.
        let byDossier = Dictionary(resolutions.map { ($0.dossier, $0) }, uniquingKeysWith: { _, b in b })
        var tiedAll: [String] = []
        var perList: [String?: [RankEntry]] = [:]
        for k in targets { perList[k] = ranking.entries.filter { $0.group == k } }
        for k in targets { tiedAll += perList[k]!.filter { $0.status == .tieAtCut }.map(\.dossier) }
        for r in resolutions {
            guard tiedAll.contains(r.dossier) else {
                throw ActionError(zh: "\(r.dossier) 不在入围线的并列之中，无需裁定", en: "\(r.dossier) is not in a tie at a shortlist line; nothing to resolve")
            }
            try r.checkShape()
        }
        let unresolved = tiedAll.filter { byDossier[$0] == nil }
        if !unresolved.isEmpty {
            throw ActionError(zh: "入围线处并列未裁定：\(unresolved.joined(separator: ", "))（用 --resolve 编号=selected|not-selected:理由）",
                              en: "tie at a shortlist line not resolved: \(unresolved.joined(separator: ", ")) (use --resolve ID=selected|not-selected:REASON)")
        }
        let assignment = try assignmentInForce()?.record.sha256
        let from = n > 1 ? shortlists(round: n - 1).map(\.record.sha256).sorted() : []
        var counted = ledger.heads(except: chairID)
        if ledger.head(of: chairID) > 0 { counted[chairID] = ledger.head(of: chairID) }
        let pins = try finalizePins()
        let rule = program.roundSpec(n)?.shortlist
        let outOfRunning = qualifications().filter { !$0.inRunning }
        let previousOn = Set(n > 1 ? shortlists(round: n - 1).flatMap(\.body.shortlist) : [])
        let groupOf = ledger.dossierGroups
        var bodies: [[String: JSONValue]] = []
        for k in targets {
            let entries = perList[k]!
            let size = sizes[k] ?? 0
            let tied = entries.filter { $0.status == .tieAtCut }.map(\.dossier)
            if !tied.isEmpty {
                let selectedBefore = entries.filter { $0.status == .selected }.count
                let places = max(0, size - selectedBefore)
                let chosen = tied.filter { byDossier[$0]?.decision == "selected" }.count
                guard chosen == min(places, tied.count) else {
                    throw ActionError(zh: "\(k.map { "专业组 \($0)" } ?? "名单")的并列中应选入 \(min(places, tied.count)) 人，裁定选入了 \(chosen) 人",
                                      en: "\(min(places, tied.count)) of the tied dossiers \(k.map { "of group \($0) " } ?? "")go on; the resolutions select \(chosen)")
                }
            }
            var rows: [JSONValue] = []
            var selected: [JSONValue] = []
            for e in entries {
                var status = e.status.rawValue
                if e.status == .tieAtCut, let r = byDossier[e.dossier] { status = r.decision }
                if status == "selected" { selected.append(.string(e.dossier)) }
                rows.append(.object(["rank": .int(Int64(e.rank)), "dossier": .string(e.dossier),
                                     "exact": .string(e.score.map { $0.description } ?? ""), "status": .string(status)]))
            }
            let mine = Set(entries.map(\.dossier))
            var excluded: [String: JSONValue] = [:]
            for q in outOfRunning where !mine.contains(q.dossier) {
                let inList = (n == 1 || previousOn.contains(q.dossier)) && (!byGroups || groupOf[q.dossier] == k)
                if inList { excluded[q.dossier] = .string(q.state.rawValue) }
            }
            let p = roundProgram(n, size: size)
            var body: [String: JSONValue] = [
                "round": .int(Int64(n)), "size": .int(Int64(size)), "nominations": .int(Int64(entries.count)),
                "method": .string(p.aggregation.method), "quorum": .int(Int64(p.aggregation.quorum)),
                "counted": .object(counted.mapValues { .int(Int64($0)) }),
                "ranking": .array(rows), "shortlist": .array(selected),
                "resolutions": .array(resolutions.filter { mine.contains($0.dossier) }.map {
                    .object(["dossier": .string($0.dossier), "decision": .string($0.decision), "reason": .string($0.reason)])
                }),
                "excluded": .object(excluded),
            ]
            if let k { body["group"] = .string(k) }
            if let assignment { body["assignment"] = .string(assignment) }
            if n > 1 { body["from"] = .array(from.map { .string($0) }) }
            if let ratio = rule?.ratio {
                let wanted = (rule?.apportion(quota: program.quota, nominations: noms) ?? [:]).values.reduce(0, +)
                body["apportion"] = .object(["ratio": .string(ratio), "places": .int(Int64(program.quota)), "total": .int(Int64(wanted)),
                                             "nominations": .object(noms.mapValues { .int(Int64($0)) })])
            }
            body.merge(pins) { a, _ in a }
            if let e = RecordKinds.ruleProblem(kind: .shortlist, body: body, rules: ruleBook) { throw ActionError(zh: e.zh, en: e.en) }
            bodies.append(body)
        }
        return bodies
    }

    /// The ranking `rank` shows: of `round` (default: the open round of a programme with rounds,
    /// the final ranking once finalized), of one list with `group`. A programme without rounds
    /// and no `round` asked: the final standing exactly as before.
    public func ranking(round asked: Int?, group: String?? = nil) throws -> Ranking {
        if let asked, !program.hasRound(asked) {
            throw ActionError(zh: "程序没有第 \(asked) 轮（共 \(program.roundCount) 轮）", en: "the programme has no round \(asked) (it has \(program.roundCount))")
        }
        guard let n = asked ?? (hasRounds ? (finalized ? program.roundCount : openRound) : nil) else { return standing().ranking }
        if n < program.roundCount { return roundRanking(n, group: group) }
        var r = standing().ranking
        r.round = n
        if let group { r.entries = r.entries.filter { $0.group == group } }
        return r
    }

    /// What the statistics read for `round` (default: the open round; a programme without
    /// rounds: the programme, the dossiers in the running and the counted sheets, as before).
    public func statisticsInput(round asked: Int?) -> (program: Program, dossiers: [Dossier], table: SheetTable) {
        guard hasRounds || (asked ?? 1) != 1 else { return (program, dossiersInRunning, countedSheetTable) }
        let n = asked ?? (finalized ? program.roundCount : openRound)
        let size = n < program.roundCount ? shortlistSizes(round: n).sizes.values.reduce(0, +) : program.quota
        return (roundProgram(n, size: size), roundDossiers(n), ledger.round(n).sheetTable(dropStale: program.aggregation.dropsStaleSheets))
    }

    // MARK: - The round rules over the ledger

    /// What the round rules do to the ledger (issue 13), one place for every command and
    /// `verify`. A sheet or recusal a rule leaves out counts nowhere and never replaces what
    /// was counted:
    /// - a sheet of a round after the first for a dossier on no shortlist of the round before,
    ///   or by a member who recused from it in an earlier round: its slot counts nowhere;
    /// - a sheet signed after the shortlist that ranked its dossier in its round (seq above the
    ///   shortlist's `counted` for its member): flagged; the slot counts the latest sheet signed
    ///   before (`cutoffs`), or nothing when there is none;
    /// - a recusal signed after that shortlist: flagged, and it takes no sheet out and bars no
    ///   later round (`recusals`).
    struct RoundRules {
        typealias Flag = (round: Int, path: String, why: LocalizedText)
        var flagged: [Flag] = []
        /// Slots that count nowhere, per round.
        var excluded: [Int: Set<Int>] = [:]
        /// Round → slot → the highest seq its round's shortlist counted (for the slots whose
        /// latest sheet is above it).
        var cutoffs: [Int: [Int: Int]] = [:]
        /// Recusals left out, per round (their slots).
        var recusals: [Int: Set<Int>] = [:]
    }

    /// The round rules over the ledger as it is (see `RoundRules`): every sheet kept aside is
    /// looked at, so the answer does not depend on which sheet the slot counts now.
    func roundRules() -> RoundRules {
        var out = RoundRules()
        let all = shortlists()
        guard hasRounds || !all.isEmpty else { return out }
        let rounds = Array(Set([1] + ledger.laterRoundNumbers)).sorted()
        // Round → dossier → the shortlist of that round that ranked it (built once: 50,000
        // sheets), as its index in `all` (read in place: no shortlist copied per sheet).
        var closing: [Int: [String: Int]] = [:]
        for (i, sl) in all.enumerated() { for d in sl.body.ranking.map(\.dossier) where closing[sl.body.round]?[d] == nil { closing[sl.body.round, default: [:]][d] = i } }
        // The recusals first: a late one bars nothing.
        // Round → the (member, dossier) pairs with a recusal that counts (bars later rounds).
        var recused: [Int: Set<Ledger.MemberDossier>] = [:]
        for n in rounds {
            for x in ledger.round(n).recusals {
                guard let i = closing[n]?[x.dossier], x.seq > (all[i].body.counted[x.member] ?? 0) else {
                    recused[n, default: []].insert(Ledger.MemberDossier(x.member, x.dossier))
                    continue
                }
                let sl = all[i]
                out.recusals[n, default: []].insert(x.slot)
                out.flagged.append((n, RecordFileName.path(member: x.member, seq: x.seq), LocalizedText(
                    zh: "第 \(n) 轮的回避签于该轮入围名单 \(sl.record.path) 之后（不计）", en: "a round \(n) recusal signed after the round's shortlist \(sl.record.path) (not counted)")))
            }
        }
        func recusedBefore(_ m: String, _ d: String, _ n: Int) -> Int? {
            guard n > 1 else { return nil }
            let key = Ledger.MemberDossier(m, d)
            return (1..<n).first { recused[$0]?.contains(key) ?? false }
        }
        for n in rounds {
            // Dossier → the round N−1 shortlists that put it on.
            var putOn: [String: [SignedShortlist]] = [:]
            for sl in all where sl.body.round == n - 1 { for d in sl.body.shortlist { putOn[d, default: []].append(sl) } }
            let closingN = closing[n] ?? [:]
            let roundLedger = n == 1 ? ledger : ledger.round(n)
            // Each slot's seqs only (`forEachSheetSlot`): a sheet's path is made when it is flagged.
            roundLedger.forEachSheetSlot { slot, m, d, seqs in
                guard let latest = seqs.last else { return }
                func path(_ q: Int) -> String { RecordFileName.path(member: m, seq: q) }
                if n > 1, putOn[d] == nil {
                    out.excluded[n, default: []].insert(slot)
                    out.flagged.append((n, path(latest), LocalizedText(zh: "第 \(n) 轮评分表：\(d) 不在第 \(n - 1) 轮签署的入围名单上", en: "a round \(n) sheet for \(d), which is on no signed round \(n - 1) shortlist")))
                    return
                }
                if let k = recusedBefore(m, d, n) {
                    out.excluded[n, default: []].insert(slot)
                    out.flagged.append((n, path(latest), LocalizedText(zh: "第 \(n) 轮评分表：\(m) 已在第 \(k) 轮声明回避 \(d)", en: "a round \(n) sheet by \(m), who recused from \(d) in round \(k)")))
                    return
                }
                // A later round's sheet counts only once its member had seen a shortlist that
                // put the dossier on (its `seen`): one signed before counts nowhere.
                let early = n > 1 ? seqs.filter { q in !(putOn[d] ?? []).contains { roundLedger.sheetSaw(member: m, seq: q, $0.record.record) } } : []
                for q in early {
                    let sl = putOn[d]?.first
                    out.flagged.append((n, path(q), LocalizedText(zh: "第 \(n) 轮评分表签于使 \(d) 入围的名单 \(sl?.record.path ?? "") 之前（不计）",
                                                                  en: "a round \(n) sheet signed before the shortlist \(sl?.record.path ?? "") that put \(d) on (not counted)")))
                }
                let closer = closingN[d]
                let cut = closer.map { all[$0].body.counted[m] ?? 0 } ?? Int.max
                // (`seqs` ascend: some is late exactly when the latest is.)
                let anyLate = latest > cut
                if anyLate, let i = closer {
                    let sl = all[i]
                    for q in seqs where q > cut {
                        out.flagged.append((n, path(q), LocalizedText(zh: "第 \(n) 轮评分表签于该轮入围名单 \(sl.record.path) 之后（不计；计入的是此前签的评分表，如有）",
                                                                      en: "a round \(n) sheet signed after the round's shortlist \(sl.record.path) (not counted: the member's sheet signed before it, if any, counts)")))
                    }
                }
                guard !early.isEmpty || anyLate else { return }
                // The slot counts its latest sheet that is neither early nor late, or nothing.
                if let counted = seqs.last(where: { $0 <= cut && !early.contains($0) }) {
                    if counted != latest { out.cutoffs[n, default: [:]][slot] = counted }
                } else {
                    out.excluded[n, default: []].insert(slot)
                }
            }
        }
        return out
    }

    // MARK: - The recount of signed shortlists (verify)

    /// What `verify` adds for rounds: the recount of every shortlist (`shortlistAudit`) and the
    /// sheets and recusals the round rules leave out (`round-rule`, as every command sees them).
    public func roundVerifyProblems(language lang: Language) -> [Problem] {
        shortlistAudit(language: lang) + roundRules().flagged.map { Problem(path: $0.path, kind: "round-rule", message: $0.why.text(lang)) }
    }

    /// A record that may change what the shortlist `s` ranks and that it had not seen, as a
    /// path (nil when none): one of `Ledger.shortlistInputKinds` or a shortlist of an earlier
    /// round, by a member above the shortlist's `counted` for them (by its own signer: after it).
    func unseenInput(_ s: SignedShortlist) -> String? {
        let rec = s.record.record
        func horizon(_ m: String) -> Int { m == rec.signer ? rec.seq : (s.body.counted[m] ?? 0) }
        if let (m, q) = ledger.inputHeads.sorted(by: { $0.key < $1.key }).first(where: { $0.value > horizon($0.key) }) {
            return RecordFileName.path(member: m, seq: q)
        }
        return shortlists().first { $0.body.round < s.body.round && $0.record.record.seq > horizon($0.record.record.signer) }?.record.path
    }

    /// Every signed shortlist recomputed from the signed sheets and the programme: its ranking,
    /// its size, its list; and what it pins against the store now.
    public func shortlistAudit(language lang: Language) -> [Problem] {
        var out: [Problem] = []
        let all = shortlists()
        // A problem of its inputs or its recount is `shortlist-outdated` when a record the
        // shortlist had not seen may have changed them (`unseenInput`): concurrent on two hosts,
        // or signed after it; otherwise the shortlist is not what the session signs.
        var unseen: String?
        func problem(_ s: SignedShortlist, _ kind: String, _ zh: String, _ en: String) {
            if let unseen, kind == "shortlist-mismatch" || kind == "shortlist-input" {
                out.append(Problem(path: s.record.path, kind: "shortlist-outdated", message: lang.pick(
                    zh + "（它未见的 \(unseen) 改变了它的依据）", en + " (\(unseen), which it had not seen, changed what it ranks)")))
            } else {
                out.append(Problem(path: s.record.path, kind: kind, message: lang.pick(zh, en)))
            }
        }
        var seen: [String: SignedShortlist] = [:]
        let inForce = (try? assignmentInForce())??.record.sha256
        let definedGroups = Set((program.groups ?? []).map(\.id)).union(ledger.groupIDs)
        for s in all {
            let b = s.body
            let key = "\(b.round) \(b.group ?? "")"
            unseen = nil
            if let first = seen[key] {
                // Two shortlists of one list (two hosts): each is still recounted below, so a
                // forged one is found as such.
                problem(s, "shortlist-conflict", "第 \(b.round) 轮\(b.group.map { "专业组 \($0) " } ?? "")的入围名单签了两次（另见 \(first.record.path)）",
                        "round \(b.round)\(b.group.map { ", group \($0)," } ?? "") has a second shortlist (also \(first.record.path))")
            } else {
                seen[key] = s
            }
            guard b.round < program.roundCount else { continue }   // a rule-violation already
            // It counts every record it had seen: a sheet it saw is never left out as "after".
            let rec = s.record.record
            // (The chair's own shortlists signed by the same command come between: not sheets.)
            let own = b.counted[rec.signer] ?? 0
            let between = all.filter { $0.record.record.signer == rec.signer && $0.record.record.seq > own && $0.record.record.seq < rec.seq }.count
            let short = rec.seen.keys.sorted().filter { (b.counted[$0] ?? 0) < (rec.seen[$0] ?? 0) } + (own < rec.seq - 1 - between ? [rec.signer] : [])
            // (Never outdated: `counted` is what the signing session held, at least its `seen`.)
            if !short.isEmpty {
                problem(s, "shortlist-input", "入围名单的 counted 少于其所见的记录（\(short.joined(separator: ", "))）", "the shortlist's counted leaves out records it had seen (\(short.joined(separator: ", ")))")
            }
            unseen = unseenInput(s)
            if b.assignment != inForce {
                problem(s, "shortlist-input", "入围名单所记的分配（\(b.assignment?.prefix(12) ?? "无")）不是现行的分配（\(inForce?.prefix(12) ?? "无")）",
                        "the shortlist pins the assignment \(b.assignment?.prefix(12) ?? "none"), not the one in force (\(inForce?.prefix(12) ?? "none"))")
            }
            if b.round > 1 {
                let prev = Set(shortlists(round: b.round - 1).map(\.record.sha256))
                if Set(b.from) != prev {
                    problem(s, "shortlist-input", "入围名单所依据的上一轮入围名单（from）与签署的不符", "the previous round's shortlists it names (from) are not those signed")
                }
            }
            for (d, _) in b.excluded.sorted(by: { $0.key < $1.key }) {
                if let dd = panel.dossier(d), qualification(of: dd).inRunning {
                    problem(s, "shortlist-input", "入围名单把 \(d) 列为未参评，而它在评审之中", "the shortlist leaves out \(d), which is in the running")
                }
            }
            // It is the shortlist of a group someone defines (the programme or a group record):
            // one for a group nobody defines is nobody's list.
            if let g = b.group, !definedGroups.contains(g) {
                problem(s, "shortlist-input", "入围名单属于未定义的专业组 “\(g)”（程序与 group 记录均未定义）",
                        "the shortlist is for group '\(g)', which no programme or group record defines")
            }
            // It ranks its own list only: a dossier of another group (or of none), or one no
            // previous shortlist put on, would reach the next round through a list not its own.
            let listOf = listKey(round: b.round)
            let onPrevious: Set<String>? = b.round > 1 ? Set(shortlists(round: b.round - 1).flatMap(\.body.shortlist)) : nil
            if let d = b.ranking.map(\.dossier).first(where: { listOf($0) != b.group || !(onPrevious?.contains($0) ?? true) }) {
                let list = b.group.map { "group \($0)" } ?? "the committee"
                problem(s, "shortlist-input", "入围名单排列了不在其名单（第 \(b.round) 轮\(b.group.map { "专业组 \($0)" } ?? "评审委员会")）上的 \(d)",
                        "the shortlist ranks \(d), which is not on its list (round \(b.round), \(list))")
            }
            // The list again, from the sheets: the dossiers of its list now and those it ranked,
            // less those it left out (checked above).
            let now = Set((roundLists(b.round)[b.group] ?? []).map(\.id)).union(b.ranked)
            let mine = panel.dossiers.filter { now.contains($0.id) && (b.excluded[$0.id] == nil || b.ranked.contains($0.id)) }
            let rule = program.roundSpec(b.round)?.shortlist
            var noms = [b.group ?? "": mine.count]
            if let ratio = rule?.ratio {
                let a = s.record.record.body["apportion"]
                let signedNoms = (a?["nominations"]?.object ?? [:]).compactMapValues { $0.int.flatMap { Int(exactly: $0) } }
                if a?["ratio"]?.string != ratio || a?["places"]?.int != Int64(program.quota) || signedNoms[b.group ?? ""] != mine.count {
                    problem(s, "shortlist-mismatch", "入围名单的分配依据（apportion）与程序（ratio \(ratio)，名额 \(program.quota)）或本组参评数（\(mine.count)）不符",
                            "the shortlist's apportion is not the programme's (ratio \(ratio), \(program.quota) places) or its own list (\(mine.count) nominations)")
                }
                if let other = all.first(where: { $0.body.round == b.round && $0.record.path != s.record.path
                    && ($0.record.record.body["apportion"]?["nominations"]?.object ?? [:]).compactMapValues({ $0.int.flatMap { Int(exactly: $0) } }) != signedNoms }) {
                    problem(s, "shortlist-mismatch", "同一轮的入围名单按不同的各组参评数分配名额（另见 \(other.record.path)）",
                            "shortlists of the same round apportion by different nominations (also \(other.record.path))")
                }
                noms = signedNoms
            }
            let size = rule?.apportion(quota: program.quota, nominations: noms)?[b.group ?? ""] ?? 0
            if size != b.size {
                problem(s, "shortlist-mismatch", "入围名额签署为 \(b.size)，按程序重算为 \(size)", "the shortlist's size is signed as \(b.size), the programme gives \(size)")
            }
            let table = ledger.round(b.round).sheetTable(dropStale: program.aggregation.dropsStaleSheets)
            var r = Ranker.rank(program: roundProgram(b.round, size: b.size), dossiers: mine, table: table)
            let tied = r.entries.filter { $0.status == .tieAtCut }
            let selectedBefore = r.entries.filter { $0.status == .selected }.count
            let chosen = tied.filter { b.resolutions[$0.dossier] == "selected" }.count
            if Set(b.resolutions.keys) != Set(tied.map(\.dossier)) || (!tied.isEmpty && chosen != min(max(0, b.size - selectedBefore), tied.count)) {
                problem(s, "shortlist-mismatch", "入围名单的裁定与重算的入围线并列（\(tied.map(\.dossier).joined(separator: ", "))）不符",
                        "the shortlist's resolutions do not resolve the tie at its line as recomputed (\(tied.map(\.dossier).joined(separator: ", ")))")
            }
            for i in r.entries.indices where r.entries[i].status == .tieAtCut {
                if let d = b.resolutions[r.entries[i].dossier] { r.entries[i].status = d == "selected" ? .selected : .notSelected }
            }
            let again = r.entries.map { "\($0.rank) \($0.dossier) \($0.score?.description ?? "") \($0.status.rawValue)" }
            let signed = b.ranking.map { "\($0.rank) \($0.dossier) \($0.exact) \($0.status)" }
            if again != signed {
                let i = zip(again, signed).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(again.count, signed.count)
                let a = i < again.count ? again[i] : "—", g = i < signed.count ? signed[i] : "—"
                problem(s, "shortlist-mismatch", "入围名单与由签名评分表重算的排名不符：第 \(i + 1) 行签署为 “\(g)”，重算为 “\(a)”",
                        "the shortlist is not what the signed sheets give: row \(i + 1) is signed as '\(g)', recomputed as '\(a)'")
            }
        }
        return out
    }
}
