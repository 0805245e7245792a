import Foundation
import Panel

// Shortlists (入围名单, issue 13): the chair's signed list of the dossiers of one round (of one
// group, in a round by groups) that go on to the next round. Its body:
//
//   round        the round it closes (never the programme's last: that one is finalized)
//   group        in a round by groups, the group whose shortlist it is; absent for a committee
//   size         places on this shortlist (per_group, or this group's apportioned share)
//   nominations  how many dossiers the group ranked in the round
//   apportion    when sized by a ratio: {ratio, places, total, nominations: {group → n}}, the
//                inputs of `ShortlistRule.apportion`
//   method, quorum   the round's
//   counted      member → the last seq of theirs the shortlist counted (as finalize's)
//   assignment   the SHA-256 of the assignment in force (absent: none was signed)
//   from         the SHA-256 of the previous round's shortlists (round 2 and later)
//   ranking      [{rank, dossier, exact, status}], status after the resolutions
//   shortlist    the dossiers that go on (exactly the ranking's `selected`)
//   resolutions  [{dossier, decision: selected|not-selected, reason}]: ties at the line
//   excluded     dossier → why it was not ranked (ineligible, unchecked, …)
//   program_sha256, roster_sha256, gov, dossier_set   as finalize pins them
//
// Per record, `shape` and `rules` (the RecordKinds table) check the body; across records
// (`RoundChecks`, VerifierRounds.swift) verify checks the sheets of each round against the
// shortlists; Review recomputes each shortlist from the signed sheets (Review/Rounds.swift).
public enum ShortlistBody {
    public static let statuses: Set<String> = ["selected", "not-selected", "tie-at-cut", "no-quorum"]

    /// What a shortlist body says (after its shape passed).
    public struct Shortlist: Sendable, Hashable {
        public var round: Int
        public var group: String?
        public var size: Int
        public var counted: [String: Int]
        public var assignment: String?
        public var from: [String]
        public var shortlist: [String]
        /// dossier → status as signed.
        public var ranking: [(rank: Int, dossier: String, exact: String, status: String)]
        public var resolutions: [String: String]
        public var excluded: [String: String]
        public static func == (a: Self, b: Self) -> Bool {
            a.round == b.round && a.group == b.group && a.size == b.size && a.shortlist == b.shortlist
        }
        public func hash(into h: inout Hasher) { h.combine(round); h.combine(group); h.combine(shortlist) }
        /// The dossiers it ranked (every one of its group in the round).
        public var ranked: Set<String> { Set(ranking.map(\.dossier)) }
    }

    public static func read(_ body: [String: JSONValue]) -> Shortlist? {
        guard let r = body["round"]?.int, let round = Int(exactly: r), let s = body["size"]?.int, let size = Int(exactly: s),
              let counted = body["counted"]?.object, let list = body["shortlist"]?.array, let ranking = body["ranking"]?.array else { return nil }
        var c: [String: Int] = [:]
        for (m, v) in counted { if let n = v.int.flatMap({ Int(exactly: $0) }) { c[m] = n } }
        var res: [String: String] = [:]
        for item in body["resolutions"]?.array ?? [] {
            if let d = item["dossier"]?.string, let dec = item["decision"]?.string { res[d] = dec }
        }
        var ex: [String: String] = [:]
        for (d, v) in body["excluded"]?.object ?? [:] { ex[d] = v.string ?? "" }
        return Shortlist(round: round, group: body["group"]?.string, size: size, counted: c, assignment: body["assignment"]?.string,
                         from: (body["from"]?.array ?? []).compactMap(\.string), shortlist: list.compactMap(\.string),
                         ranking: ranking.compactMap { e in
                             guard let k = e["rank"]?.int.flatMap({ Int(exactly: $0) }), let d = e["dossier"]?.string else { return nil }
                             return (k, d, e["exact"]?.string ?? "", e["status"]?.string ?? "")
                         },
                         resolutions: res, excluded: ex)
    }

    static func int(_ body: [String: JSONValue], _ key: String, _ range: ClosedRange<Int64>) -> RecordsError? {
        guard let n = body[key]?.int, range.contains(n) else {
            return RecordsError("“\(key)” 应为 \(range.lowerBound)…\(range.upperBound) 的整数", "'\(key)' must be an integer in \(range.lowerBound)…\(range.upperBound)")
        }
        return nil
    }

    static func shape(_ body: [String: JSONValue], _ kind: RecordKind) -> RecordsError? {
        if let e = int(body, "round", Int64(Limits.rounds.lowerBound)...Int64(Limits.rounds.upperBound))
            ?? int(body, "size", 0...1_000_000) ?? int(body, "nominations", 0...1_000_000) ?? int(body, "quorum", 1...1_000_000) { return e }
        if let g = body["group"], !(g.string.map(FastID.isSafe) ?? false) {
            return RecordsError("“group” 不是有效的专业组编号", "'group' is not a valid group id")
        }
        guard let m = body["method"]?.string, Aggregation.methods.contains(m) else {
            return RecordsError("“method” 应为计分方法之一（\(Aggregation.methods.joined(separator: ", "))）", "'method' must be one of \(Aggregation.methods.joined(separator: ", "))")
        }
        guard let counted = body["counted"]?.object else {
            return RecordsError("入围名单需要 “counted”（成员 → 序号）", "a shortlist needs 'counted' (member → seq)")
        }
        for (k, v) in counted {
            guard FastID.isSafe(k), let n = v.int, n >= 0, n <= Int64(Int32.max) else {
                return RecordsError("“counted” 应为 成员 → 非负整数", "'counted' must map members to non-negative integers")
            }
        }
        if let e = RecordKinds.hash(body, "assignment", required: false) { return e }
        if let f = body["from"], !(f.array.map { $0.allSatisfy { DossierPins.isHash($0.string) } } ?? false) {
            return RecordsError("“from” 应为 SHA-256 数组（上一轮的入围名单）", "'from' must be an array of SHA-256 (the previous round's shortlists)")
        }
        if let a = body["apportion"] {
            guard let o = a.object, let ratio = o["ratio"]?.string, ShortlistRule.parseRatio(ratio) != nil,
                  let places = o["places"]?.int, places >= 0, places <= 1_000_000, let total = o["total"]?.int, total >= 0, total <= 1_000_000,
                  let noms = o["nominations"]?.object,
                  noms.allSatisfy({ FastID.isSafe($0.key) && ($0.value.int.map { $0 >= 0 && $0 <= 1_000_000 } ?? false) }) else {
                return RecordsError("“apportion” 应为 {ratio, places, total, nominations: 专业组 → 数}", "'apportion' must be {ratio, places, total, nominations: group → count}")
            }
        }
        guard let ranking = body["ranking"]?.array else { return RecordsError("入围名单需要 “ranking”", "a shortlist needs 'ranking'") }
        var status: [String: String] = [:]
        for (i, e) in ranking.enumerated() {
            guard let d = e["dossier"]?.string, FastID.isSafe(d), status[d] == nil, let k = e["rank"]?.int, k >= 1, k <= 1_000_000,
                  e["exact"]?.string != nil, let s = e["status"]?.string, statuses.contains(s) else {
                return RecordsError("ranking[\(i)] 应为 {rank, dossier, exact, status}，编号不重复", "ranking[\(i)] must be {rank, dossier, exact, status}, each dossier once")
            }
            status[d] = s
        }
        guard let list = body["shortlist"]?.array else { return RecordsError("入围名单需要 “shortlist”", "a shortlist needs 'shortlist'") }
        var listed: Set<String> = []
        for v in list {
            guard let d = v.string, FastID.isSafe(d), listed.insert(d).inserted else {
                return RecordsError("“shortlist” 应为不重复的编号数组", "'shortlist' must be an array of ids, each once")
            }
        }
        let selected = Set(status.filter { $0.value == "selected" }.keys)
        if listed != selected {
            return RecordsError("“shortlist” 与 ranking 中 status 为 selected 的申报材料不一致", "'shortlist' is not exactly the dossiers the ranking marks selected")
        }
        if let n = body["size"]?.int, Int64(listed.count) > n {
            return RecordsError("入围 \(listed.count) 份，多于名额 \(n)", "\(listed.count) shortlisted, more than its size \(n)")
        }
        if status.values.contains("tie-at-cut") {
            return RecordsError("入围名单中还有未裁定的并列（tie-at-cut）", "the shortlist still holds an unresolved tie (tie-at-cut)")
        }
        var resolved: Set<String> = []
        for (i, item) in (body["resolutions"]?.array ?? []).enumerated() {
            guard let d = item["dossier"]?.string, status[d] != nil, resolved.insert(d).inserted,
                  let dec = item["decision"]?.string, dec == "selected" || dec == "not-selected", dec == status[d],
                  let why = item["reason"]?.string, !why.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                return RecordsError("resolutions[\(i)] 应为 {dossier, decision: selected|not-selected, reason}，针对 ranking 中的材料且与其 status 一致",
                                    "resolutions[\(i)] must be {dossier, decision: selected|not-selected, reason} for a ranked dossier, as its status says")
            }
        }
        if let r = body["resolutions"], r.array == nil { return RecordsError("“resolutions” 应为数组", "'resolutions' must be an array") }
        if let x = body["excluded"], !(x.object.map { $0.allSatisfy { FastID.isSafe($0.key) && $0.value.string != nil } } ?? false) {
            return RecordsError("“excluded” 应为 编号 → 理由", "'excluded' must map ids to reasons")
        }
        return nil
    }

    /// Not the last round; a group exactly in a round by groups; dossiers and members that exist.
    static func rules(_ body: [String: JSONValue], _ book: RuleBook) -> RecordsError? {
        guard let r = body["round"]?.int.flatMap({ Int(exactly: $0) }) else { return nil }
        if r >= book.roundCount {
            return RecordsError(book.roundCount == 1 ? "本项目只有一轮，没有入围名单（用 finalize 定稿）" : "第 \(r) 轮没有入围名单（共 \(book.roundCount) 轮，最后一轮用 finalize 定稿）",
                                book.roundCount == 1 ? "this programme has one round and no shortlist (finalize instead)" : "round \(r) has no shortlist (the programme has \(book.roundCount) rounds; the last is finalized)")
        }
        let byGroups = book.roundsByGroups.contains(r)
        if byGroups && body["group"] == nil {
            return RecordsError("第 \(r) 轮按专业组评审：入围名单需要 “group”", "round \(r) is by groups: the shortlist needs 'group'")
        }
        if !byGroups && body["group"] != nil {
            return RecordsError("第 \(r) 轮由评审委员会评审：入围名单不应有 “group”", "round \(r) is by the committee: the shortlist has no 'group'")
        }
        if let ids = book.dossiers {
            let named = (body["ranking"]?.array ?? []).compactMap { $0["dossier"]?.string }
            for d in named where !ids.contains(d) {
                return RecordsError("入围名单列有不存在的申报材料 “\(d)”", "the shortlist names dossier '\(d)', which does not exist")
            }
        }
        for m in (body["counted"]?.object ?? [:]).keys.sorted() where !book.members.contains(m) {
            return RecordsError("入围名单计入的成员 “\(m)” 不在名单上", "the shortlist counts '\(m)', who is not on the roster")
        }
        return nil
    }
}
