import Foundation
import Panel

// Field groups and assignment (issue 13): who reviews which dossier at city scale.
//
// Three record kinds, each signed by a secretary of the signed roster (`RecordKinds`):
//
// - `group`: one group's definition and members {group, name, fields, members}. A later `group`
//   record for the same id supersedes (chain order, `DecisionOrder`). A member may sit in
//   several groups.
// - `dossier-group`: dossiers put in groups {groups: {dossier → group}, reason?}: the automatic
//   proposal confirmed (`group confirm`), or a move (`group move`, with its reason). The latest
//   per dossier counts.
// - `assignment`: which members of its group review each dossier {per_dossier, seed, pool,
//   excluded, dropped, previous?, assignments}. Its result is a pure function of its body and
//   the assignment it names as `previous` (`AssignmentPlan.compute`), so `verify` recomputes it;
//   what it was computed from (the pool, the groups of the dossiers, the exclusions) is checked
//   against the signed records it had seen (VerifierAssignments.swift).

/// One (member, dossier) pair.
public struct MemberDossierPair: Hashable, Sendable, Comparable {
    public var member: String
    public var dossier: String
    public init(_ member: String, _ dossier: String) { self.member = member; self.dossier = dossier }
    public static func < (a: Self, b: Self) -> Bool {
        a.dossier == b.dossier ? a.member.utf8.lexicographicallyPrecedes(b.member.utf8) : a.dossier.utf8.lexicographicallyPrecedes(b.dossier.utf8)
    }
}

/// The deterministic assignment (documented in design.md and README, so an independent recount
/// can reproduce it):
///
/// 1. The table starts from `kept` (the previous assignment less its dropped pairs; empty for a
///    first assignment), restricted to dossiers that have a group.
/// 2. Each member's load is the number of dossiers it holds in the table, across all groups.
/// 3. The dossier ids, sorted by their UTF-8 bytes, are shuffled by Fisher–Yates with
///    SplitMix64(seed): for i = n−1 down to 1, j = next() mod (i+1), swap i and j.
/// 4. In that order, a dossier that holds fewer than K members draws r = next() mod p (p: its
///    group's pool size, members sorted by UTF-8 bytes; no draw when p = 0) and takes, among the
///    pool's members it does not hold and that are not excluded from it, the K − held with the
///    lowest load, ties broken by the pool index rotated by r ((index − r) mod p). Their loads
///    go up by one. A dossier that finds too few is short by the difference.
///
/// 5. Balancing: while some member `a` (taken in order of load, highest first, then id) has a
///    chain a →d₁→ m₁ →d₂→ … → b of pairs made in this run (a holds d₁, m₁ may take d₁ and holds
///    d₂, …; "may take": in the dossier's pool, not holding it, not excluded) ending at a member b
///    with load(b) ≤ load(a) − 2, the first such chain by breadth-first search (members and
///    dossiers visited in UTF-8 byte order) is shifted: each dossier passes to the next member,
///    so a loses one and b gains one. Each shift lowers the sum of squared loads, so it ends, and
///    it ends where no such chain is left: loads are then as even as the groups, the pools and
///    the exclusions allow (within one wherever that is possible).
///
/// A replacement keeps every pair that was not dropped: nobody else's dossiers move (balancing
/// moves only pairs made in the same run).
public enum AssignmentPlan {
    /// The unit `member` shares with `dossier` (its employer or recommender, spaces trimmed),
    /// nil when none: the 回避 rule `assign` applies and `verify` checks.
    public static func sharedUnit(_ member: Member?, _ dossier: Dossier) -> String? {
        guard let u = member?.unit?.trimmingCharacters(in: .whitespaces), !u.isEmpty else { return nil }
        return [dossier.employer, dossier["recommender"] ?? ""].contains { $0.trimmingCharacters(in: .whitespaces) == u } ? u : nil
    }

    public struct Result: Sendable, Equatable {
        /// dossier → its members, sorted.
        public var table: [String: [String]]
        /// dossier → how many members it lacks.
        public var short: [String: Int]
    }

    static func bytesLess(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    public static func compute(perDossier k: Int, seed: UInt64, pool: [String: [String]], dossierGroup: [String: String],
                               excluded: Set<MemberDossierPair>, kept: [String: [String]]) -> Result {
        var table: [String: [String]] = [:]
        var load: [String: Int] = [:]
        for (d, ms) in kept where dossierGroup[d] != nil {
            table[d] = ms
            for m in ms { load[m, default: 0] += 1 }
        }
        var order = dossierGroup.keys.sorted(by: bytesLess)
        var rng = SplitMix64(seed: seed)
        if order.count > 1 {
            for i in stride(from: order.count - 1, through: 1, by: -1) {
                let j = Int(rng.next() % UInt64(i + 1))
                order.swapAt(i, j)
            }
        }
        let pools = pool.mapValues { Array(Set($0)).sorted(by: bytesLess) }
        var short: [String: Int] = [:]
        for d in order {
            guard let g = dossierGroup[d] else { continue }
            let held = table[d] ?? []
            let need = k - held.count
            guard need > 0 else { continue }
            let p = pools[g] ?? []
            guard !p.isEmpty else { short[d] = need; continue }
            let r = Int(rng.next() % UInt64(p.count))
            let heldSet = Set(held)
            var candidates: [(m: String, load: Int, tie: Int)] = []
            for (i, m) in p.enumerated() where !heldSet.contains(m) && !excluded.contains(MemberDossierPair(m, d)) {
                candidates.append((m, load[m] ?? 0, ((i - r) % p.count + p.count) % p.count))
            }
            candidates.sort { $0.load != $1.load ? $0.load < $1.load : $0.tie < $1.tie }
            let chosen = candidates.prefix(need).map(\.m)
            for m in chosen { load[m, default: 0] += 1 }
            table[d] = (held + chosen).sorted(by: bytesLess)
            if chosen.count < need { short[d] = need - chosen.count }
        }
        balance(&table, load: &load, pools: pools, dossierGroup: dossierGroup, excluded: excluded, kept: kept)
        for d in dossierGroup.keys where table[d] == nil { table[d] = [] }
        return Result(table: table, short: short)
    }

    /// Step 5 (see the type): shift chains of pairs made in this run from the most loaded
    /// members to members at least two below them.
    static func balance(_ table: inout [String: [String]], load: inout [String: Int], pools: [String: [String]], dossierGroup: [String: String],
                        excluded: Set<MemberDossierPair>, kept: [String: [String]]) {
        // The pairs made in this run, per member (sorted dossier ids).
        var movable: [String: Set<String>] = [:]
        for (d, ms) in table {
            let old = Set(kept[d] ?? [])
            for m in ms where !old.contains(m) { movable[m, default: []].insert(d) }
        }
        var members = Set(load.keys)
        for p in pools.values { members.formUnion(p) }
        for m in members where load[m] == nil { load[m] = 0 }
        let ids = members.sorted(by: bytesLess)
        var holds: [String: Set<String>] = table.mapValues(Set.init)
        while true {
            var shifted = false
            let order = ids.sorted { (load[$0] ?? 0) != (load[$1] ?? 0) ? (load[$0] ?? 0) > (load[$1] ?? 0) : bytesLess($0, $1) }
            for a in order {
                let la = load[a] ?? 0
                guard la >= 2 else { break }
                var parent: [String: (from: String, dossier: String)] = [:]
                var visited: Set<String> = [a]
                var queue = [a]
                var head = 0
                var found: String?
                search: while head < queue.count {
                    let m = queue[head]; head += 1
                    for d in (movable[m] ?? []).sorted(by: bytesLess) {
                        guard let g = dossierGroup[d] else { continue }
                        for n in pools[g] ?? [] where !visited.contains(n) && !(holds[d]?.contains(n) ?? false) && !excluded.contains(MemberDossierPair(n, d)) {
                            visited.insert(n)
                            parent[n] = (m, d)
                            if (load[n] ?? 0) <= la - 2 { found = n; break search }
                            queue.append(n)
                        }
                    }
                }
                guard let b = found else { continue }
                // Shift along the chain, from b back to a.
                var n = b
                while let step = parent[n] {
                    let (m, d) = step
                    holds[d]?.remove(m); holds[d, default: []].insert(n)
                    movable[m]?.remove(d); movable[n, default: []].insert(d)
                    n = m
                }
                load[a] = la - 1
                load[b] = (load[b] ?? 0) + 1
                shifted = true
                break
            }
            if !shifted { break }
        }
        for (d, ms) in holds { table[d] = ms.sorted(by: bytesLess) }
    }

    /// The seed as written (decimal, 0…2^64−1), nil when it is not one.
    public static func parseSeed(_ s: String) -> UInt64? {
        guard !s.isEmpty, s.utf8.count <= 20, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt64(s)
    }

    /// The most members per dossier an assignment may ask for.
    public static let maxPerDossier = 100
}

/// Reading the bodies of the three kinds (after their shape passed).
public enum GroupingBody {
    /// A `group` record: (group id, name, fields, members).
    public static func group(_ body: [String: JSONValue]) -> (id: String, name: String, fields: [String], members: [String])? {
        guard let id = body["group"]?.string, let name = body["name"]?.string, let f = body["fields"]?.array,
              let m = body["members"]?.array else { return nil }
        return (id, name, f.compactMap(\.string), m.compactMap(\.string))
    }

    /// A `dossier-group` record: dossier → group.
    public static func dossierGroups(_ body: [String: JSONValue]) -> [String: String] {
        guard let o = body["groups"]?.object else { return [:] }
        var out: [String: String] = [:]
        for (d, g) in o { if let g = g.string { out[d] = g } }
        return out
    }

    public struct Assignment: Sendable {
        public var perDossier: Int
        public var seed: UInt64
        public var pool: [String: [String]]
        public var excluded: [(pair: MemberDossierPair, why: String)]
        public var dropped: [(pair: MemberDossierPair, why: String)]
        public var previous: String?
        /// dossier → (group, members) as signed.
        public var entries: [String: (group: String, members: [String])]
        public var dossierGroup: [String: String] { entries.mapValues(\.group) }
        public var table: [String: [String]] { entries.mapValues(\.members) }
    }

    static func pairs(_ v: JSONValue?) -> [(pair: MemberDossierPair, why: String)] {
        (v?.array ?? []).compactMap { item in
            guard let m = item["member"]?.string, let d = item["dossier"]?.string else { return nil }
            return (MemberDossierPair(m, d), item["why"]?.string ?? "")
        }
    }

    public static func assignment(_ body: [String: JSONValue]) -> Assignment? {
        guard let k = body["per_dossier"]?.int, let kk = Int(exactly: k), let s = body["seed"]?.string.flatMap(AssignmentPlan.parseSeed),
              let poolObj = body["pool"]?.object, let items = body["assignments"]?.array else { return nil }
        var pool: [String: [String]] = [:]
        for (g, v) in poolObj { pool[g] = (v.array ?? []).compactMap(\.string) }
        var entries: [String: (group: String, members: [String])] = [:]
        for item in items {
            guard let d = item["dossier"]?.string, let g = item["group"]?.string else { continue }
            entries[d] = (g, (item["members"]?.array ?? []).compactMap(\.string))
        }
        return Assignment(perDossier: kk, seed: s, pool: pool, excluded: pairs(body["excluded"]), dropped: pairs(body["dropped"]),
                          previous: body["previous"]?.string, entries: entries)
    }

    /// The body of an assignment (sorted, canonical): what `assign` signs.
    public static func assignmentBody(perDossier: Int, seed: UInt64, pool: [String: [String]], excluded: [(pair: MemberDossierPair, why: String)],
                                      dropped: [(pair: MemberDossierPair, why: String)], previous: String?,
                                      dossierGroup: [String: String], result: AssignmentPlan.Result) -> [String: JSONValue] {
        func pairList(_ ps: [(pair: MemberDossierPair, why: String)]) -> JSONValue {
            .array(ps.sorted { $0.pair < $1.pair }.map {
                .object(["member": .string($0.pair.member), "dossier": .string($0.pair.dossier), "why": .string($0.why)])
            })
        }
        var body: [String: JSONValue] = [
            "per_dossier": .int(Int64(perDossier)), "seed": .string(String(seed)),
            "pool": .object(pool.mapValues { .array(Array(Set($0)).sorted(by: AssignmentPlan.bytesLess).map { .string($0) }) }),
            "excluded": pairList(excluded), "dropped": pairList(dropped),
            "assignments": .array(dossierGroup.keys.sorted(by: AssignmentPlan.bytesLess).map { d in
                var o: [String: JSONValue] = ["dossier": .string(d), "group": .string(dossierGroup[d]!),
                                              "members": .array((result.table[d] ?? []).map { .string($0) })]
                if let s = result.short[d] { o["short"] = .int(Int64(s)) }
                return .object(o)
            }),
        ]
        if let previous { body["previous"] = .string(previous) }
        return body
    }

    /// The ways a pair is excluded, and dropped.
    public static let exclusionReasons: Set<String> = ["unit", "conflict", "recusal"]
    public static let dropReasons: Set<String> = ["recusal", "removed", "not-in-group"]

    // MARK: - Shapes

    static func ids(_ v: JSONValue?, _ key: String, allowEmpty: Bool = true) -> RecordsError? {
        guard let items = v?.array else { return RecordsError("“\(key)” 应为编号数组", "'\(key)' must be an array of ids") }
        if !allowEmpty && items.isEmpty { return RecordsError("“\(key)” 不能为空", "'\(key)' must not be empty") }
        var seen: Set<String> = []
        for item in items {
            guard let s = item.string, FastID.isSafe(s) else { return RecordsError("“\(key)” 中有无效的编号", "'\(key)' holds an invalid id") }
            guard seen.insert(s).inserted else { return RecordsError("“\(key)” 中 \(s) 重复", "'\(key)' lists \(s) twice") }
        }
        return nil
    }

    static func groupShape(_ body: [String: JSONValue], _ kind: RecordKind) -> RecordsError? {
        guard let g = body["group"]?.string, FastID.isSafe(g) else {
            return RecordsError("group 记录需要有效的 “group”（专业组编号）", "a group record needs a valid 'group' (the group id)")
        }
        guard let n = body["name"]?.string, !n.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, n.count <= 200 else {
            return RecordsError("“name”（专业组名称）不能为空，至多 200 字", "'name' (the group's name) is not blank and at most 200 characters")
        }
        guard let f = body["fields"]?.array, !f.isEmpty, f.count <= FieldGroup.maxFields,
              f.allSatisfy({ ($0.string.map { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && $0.count <= 100 }) ?? false }) else {
            return RecordsError("“fields” 应为 1…\(FieldGroup.maxFields) 个非空的专业领域或关键词", "'fields' must be 1…\(FieldGroup.maxFields) non-blank fields or keywords")
        }
        return ids(body["members"], "members")
    }

    static func dossierGroupShape(_ body: [String: JSONValue], _ kind: RecordKind) -> RecordsError? {
        guard let o = body["groups"]?.object, !o.isEmpty else {
            return RecordsError("dossier-group 记录需要非空的 “groups”（申报材料 → 专业组）", "a dossier-group record needs a non-empty 'groups' (dossier → group)")
        }
        for (d, g) in o {
            guard FastID.isSafe(d) else { return RecordsError("“groups” 中有无效的申报材料编号", "'groups' holds an invalid dossier id") }
            guard let s = g.string, FastID.isSafe(s) else {
                return RecordsError("“groups” 中 \(d) 的专业组编号无效", "'groups' gives \(d) an invalid group id")
            }
        }
        if let r = body["reason"], r.string == nil { return RecordsError("“reason” 应为字符串", "'reason' must be a string") }
        return nil
    }

    static func pairShape(_ v: JSONValue?, _ key: String, reasons: Set<String>) -> RecordsError? {
        guard let items = v?.array else { return RecordsError("“\(key)” 应为数组", "'\(key)' must be an array") }
        var seen: Set<MemberDossierPair> = []
        for (i, item) in items.enumerated() {
            guard let m = item["member"]?.string, FastID.isSafe(m), let d = item["dossier"]?.string, FastID.isSafe(d) else {
                return RecordsError("\(key)[\(i)] 需要有效的 member 和 dossier", "\(key)[\(i)] needs a valid member and dossier")
            }
            guard let w = item["why"]?.string, reasons.contains(w) else {
                return RecordsError("\(key)[\(i)]：“why” 只能是 \(reasons.sorted().joined(separator: "、"))", "\(key)[\(i)]: 'why' is one of \(reasons.sorted().joined(separator: ", "))")
            }
            guard seen.insert(MemberDossierPair(m, d)).inserted else {
                return RecordsError("\(key)[\(i)]：\(m)–\(d) 重复", "\(key)[\(i)]: \(m)–\(d) appears twice")
            }
        }
        return nil
    }

    static func assignmentShape(_ body: [String: JSONValue], _ kind: RecordKind) -> RecordsError? {
        guard let k = body["per_dossier"]?.int, k >= 1, k <= Int64(AssignmentPlan.maxPerDossier) else {
            return RecordsError("“per_dossier” 应为 1…\(AssignmentPlan.maxPerDossier) 的整数", "'per_dossier' must be an integer in 1…\(AssignmentPlan.maxPerDossier)")
        }
        guard body["seed"]?.string.flatMap(AssignmentPlan.parseSeed) != nil else {
            return RecordsError("“seed” 应为 0…18446744073709551615 的十进制字符串", "'seed' must be a decimal string in 0…18446744073709551615")
        }
        guard let pool = body["pool"]?.object else { return RecordsError("“pool” 应为对象（专业组 → 成员）", "'pool' must be an object (group → members)") }
        for (g, v) in pool {
            guard FastID.isSafe(g) else { return RecordsError("“pool” 中有无效的专业组编号", "'pool' holds an invalid group id") }
            if let e = ids(v, "pool." + g) { return e }
        }
        if let e = pairShape(body["excluded"], "excluded", reasons: exclusionReasons) ?? pairShape(body["dropped"], "dropped", reasons: dropReasons) { return e }
        if let p = body["previous"], !DossierPins.isHash(p.string) {
            return RecordsError("“previous” 应为 64 位小写十六进制（所替换的分配记录的 SHA-256）", "'previous' must be 64 lowercase hex digits (the SHA-256 of the assignment it replaces)")
        }
        guard let items = body["assignments"]?.array else {
            return RecordsError("“assignments” 应为数组", "'assignments' must be an array")
        }
        var seen: Set<String> = []
        for (i, item) in items.enumerated() {
            guard let d = item["dossier"]?.string, FastID.isSafe(d), seen.insert(d).inserted else {
                return RecordsError("assignments[\(i)]：申报材料编号无效或重复", "assignments[\(i)]: the dossier id is invalid or repeated")
            }
            guard let g = item["group"]?.string, pool[g] != nil else {
                return RecordsError("assignments[\(i)]（\(d)）：“group” 不在 “pool” 中", "assignments[\(i)] (\(d)): 'group' is not in 'pool'")
            }
            if let e = ids(item["members"], "assignments[\(i)].members") { return e }
            if let s = item["short"], !(s.int.map { $0 >= 1 && $0 <= k } ?? false) {
                return RecordsError("assignments[\(i)]：“short” 应为 1…per_dossier", "assignments[\(i)]: 'short' must be 1…per_dossier")
            }
        }
        return nil
    }

    // MARK: - Rules (the ids exist)

    static func membersExist(_ ms: [String], _ book: RuleBook, _ what: String) -> RecordsError? {
        for m in ms where !book.members.contains(m) {
            return RecordsError("\(what)列有不在名单上的成员 “\(m)”", "\(what == "" ? "the record" : what) names '\(m)', who is not on the roster")
        }
        return nil
    }

    static func dossiersExist(_ ds: [String], _ book: RuleBook) -> RecordsError? {
        guard let ids = book.dossiers else { return nil }
        for d in ds where !ids.contains(d) {
            return RecordsError("申报材料 “\(d)” 不存在（dossiers/\(d).yaml）", "dossier '\(d)' does not exist (dossiers/\(d).yaml)")
        }
        return nil
    }

    static func groupRules(_ body: [String: JSONValue], _ book: RuleBook) -> RecordsError? {
        membersExist((body["members"]?.array ?? []).compactMap(\.string), book, "")
    }

    static func dossierGroupRules(_ body: [String: JSONValue], _ book: RuleBook) -> RecordsError? {
        dossiersExist(dossierGroups(body).keys.sorted(), book)
    }

    static func assignmentRules(_ body: [String: JSONValue], _ book: RuleBook) -> RecordsError? {
        guard let a = assignment(body) else { return nil }
        if let e = dossiersExist(a.entries.keys.sorted(), book) { return e }
        return membersExist(a.pool.values.flatMap { $0 }.sorted(), book, "")
    }
}
