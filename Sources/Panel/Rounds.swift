import Foundation

// Rounds and shortlists (初评/终评, issue 13). A programme may define `rounds:` in program.yaml:
// 初评 by the field groups, each group ranking its own dossiers, then 终评 by the whole
// committee on the shortlist the chair signed (Hangzhou: the expert team reviews "初审入围人员";
// Jing'an: 差额评审, more candidates than places). Each round may have its own sheet, method and
// quorum; every round but the last ends with a signed shortlist, sized by `shortlist`.
// Without `rounds:` a programme has one round, exactly as before.

/// How many dossiers of a round go on to the next (`rounds[i].shortlist`): either a number per
/// group, or a 差额 ratio to the programme's places (quota) split across the groups in
/// proportion to their nominations (`ShortlistRule.apportion`).
public struct ShortlistRule: Codable, Hashable, Sendable {
    /// Each group sends on this many (a committee round: the one list's size).
    public var perGroup: Int?
    /// The whole shortlist is ⌈ratio × quota⌉, e.g. "3/2" or "1.5" (差额: more than the places).
    public var ratio: String?
    public init(perGroup: Int? = nil, ratio: String? = nil) { self.perGroup = perGroup; self.ratio = ratio }
    enum CodingKeys: String, CodingKey, CaseIterable { case perGroup = "per_group", ratio }

    /// The largest ratio (a shortlist of 100× the places is no shortlist).
    public static let maxRatio: Int64 = 100

    /// A ratio "a/b" or a decimal "1.5" as numerator and denominator: 0 < a/b ≤ 100, b ≤ 10⁹,
    /// at most nine decimal places; nil for anything else.
    public static func parseRatio(_ text: String) -> (n: Int64, d: Int64)? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let limit: Int64 = 1_000_000_000
        func digits(_ s: Substring) -> Bool { !s.isEmpty && s.count <= 12 && s.allSatisfy { $0.isASCII && $0.isNumber } }
        var n: Int64, d: Int64
        if let slash = t.firstIndex(of: "/") {
            let a = t[..<slash].trimmingCharacters(in: .whitespaces), b = t[t.index(after: slash)...].trimmingCharacters(in: .whitespaces)
            guard digits(Substring(a)), digits(Substring(b)), let x = Int64(a), let y = Int64(b), y > 0, y <= limit else { return nil }
            (n, d) = (x, y)
        } else {
            let parts = t.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), digits(parts[0]), parts[0].count <= 3, let whole = Int64(parts[0]) else { return nil }
            if parts.count == 2 {
                guard digits(parts[1]), parts[1].count <= 9, let frac = Int64(parts[1]) else { return nil }
                var scale: Int64 = 1
                for _ in 0..<parts[1].count { scale *= 10 }
                (n, d) = (whole * scale + frac, scale)
            } else {
                (n, d) = (whole, 1)
            }
        }
        guard n > 0, n <= maxRatio * d else { return nil }
        return (n, d)
    }

    /// The shortlist's size per group. `nominations`: group → dossiers it ranks in the round
    /// (a committee round: one entry, any key). Exactly:
    ///
    /// - `per_group: N`: each group sends min(N, its nominations).
    /// - `ratio: a/b`: the whole shortlist is T = min(⌈quota × a / b⌉, total nominations);
    ///   each group g of n_g nominations (of N in all) gets ⌊T·n_g / N⌋, and the seats left
    ///   over go one each to the groups with the largest remainders (T·n_g mod N), ties by
    ///   more nominations, then group id by UTF-8 bytes (the largest-remainder, or Hamilton,
    ///   method: deterministic, and no group gets more than it nominated).
    ///
    /// nil when the rule is neither (the schema refuses it).
    public func apportion(quota: Int, nominations: [String: Int]) -> [String: Int]? {
        if let p = perGroup { return nominations.mapValues { min(p, max(0, $0)) } }
        guard let r = ratio.flatMap(ShortlistRule.parseRatio) else { return nil }
        let counts = nominations.mapValues { max(0, $0) }
        let total = counts.values.reduce(0, +)
        var out = counts.mapValues { _ in 0 }
        guard total > 0 else { return out }
        // ⌈quota × a / b⌉ in Int64: quota ≤ 100,000 and a ≤ 100 × 10⁹ would overflow, so reduce first.
        let q = Int64(max(0, quota))
        let (hi, lo) = q.multipliedFullWidth(by: r.n)
        let wanted: Int64
        if hi != 0 { wanted = Int64.max } else {
            let prod = Int64(bitPattern: lo)
            wanted = prod / r.d + (prod % r.d == 0 ? 0 : 1)
        }
        let t = Int(min(wanted, Int64(total)))
        var remainders: [(g: String, rem: Int, n: Int)] = []
        var given = 0
        for (g, n) in counts {
            let exact = t * n   // t ≤ total ≤ dossiers: no overflow
            out[g] = exact / total
            given += exact / total
            remainders.append((g, exact % total, n))
        }
        remainders.sort { a, b in
            a.rem != b.rem ? a.rem > b.rem : (a.n != b.n ? a.n > b.n : a.g.utf8.lexicographicallyPrecedes(b.g.utf8))
        }
        for i in 0..<(t - given) where i < remainders.count { out[remainders[i].g, default: 0] += 1 }
        return out
    }

    public func describe(_ lang: Language) -> String {
        if let p = perGroup { return lang.pick("每组 \(p) 名", "\(p) per group") }
        return lang.pick("名额的 \(ratio ?? "?") 倍（按各组申报数最大余额法分配）", "\(ratio ?? "?") × the places (split by the groups' nominations, largest remainder)")
    }
}

/// One round of the review.
public struct RoundSpec: Codable, Hashable, Sendable {
    /// 1, 2, … in order.
    public var round: Int
    public var name: LocalizedText
    /// "groups" (each field group ranks its own dossiers; only round 1, where the assignment
    /// applies) or "committee" (every member and chair, one ranking).
    public var by: String
    /// Every round but the last: how many go on.
    public var shortlist: ShortlistRule?
    /// The round's own sheet, method and quorum; absent: the programme's.
    public var sheet: ScoringSheet?
    public var method: String?
    public var quorum: Int?
    public init(round: Int, name: LocalizedText, by: String, shortlist: ShortlistRule? = nil, sheet: ScoringSheet? = nil,
                method: String? = nil, quorum: Int? = nil) {
        self.round = round; self.name = name; self.by = by; self.shortlist = shortlist; self.sheet = sheet
        self.method = method; self.quorum = quorum
    }
    enum CodingKeys: String, CodingKey, CaseIterable { case round, name, by, shortlist, sheet, method, quorum }
    public static let byValues = ["groups", "committee"]
    public var byGroups: Bool { by == "groups" }
}

extension Program {
    /// How many rounds the programme has (1 without `rounds:`).
    public var roundCount: Int { max(1, rounds?.count ?? 0) }

    /// The round's definition; nil for a programme without rounds or a number it does not define.
    public func roundSpec(_ n: Int) -> RoundSpec? { rounds?.first { $0.round == n } }

    /// Whether `n` is a round of the programme (always 1 for one without rounds).
    public func hasRound(_ n: Int) -> Bool { n == 1 || roundSpec(n) != nil }

    /// The round's sheet: its own, else the programme's.
    public func sheet(round n: Int) -> ScoringSheet { roundSpec(n)?.sheet ?? sheet }

    /// The programme as round `n` ranks: its sheet, method and quorum; the pass mark, approval
    /// threshold and assessment apply to the last round only (the selection), and a round
    /// before the last selects `quota` (the shortlist's size).
    public func forRound(_ n: Int, quota places: Int? = nil) -> Program {
        guard let r = roundSpec(n) else { return self }
        var p = self
        p.sheet = r.sheet ?? sheet
        if let m = r.method { p.aggregation.method = m }
        if let q = r.quorum { p.aggregation.quorum = q }
        if n < roundCount {
            p.aggregation.passMark = nil
            p.aggregation.excellentMark = nil
            p.aggregation.approvalThreshold = nil
            p.aggregation.mode = nil
            if let places { p.quota = places }
        }
        return p
    }

    /// The bounds of `rounds:` and of each round (the schema check, `schemaProblems`).
    func roundProblems() -> [SchemaProblem] {
        guard let rs = rounds else { return [] }
        var out: [SchemaProblem] = []
        if rs.isEmpty || rs.count > Limits.rounds.upperBound {
            out.append(SchemaProblem([.key("rounds")], "轮次应为 1…\(Limits.rounds.upperBound) 轮", "a programme has 1…\(Limits.rounds.upperBound) rounds"))
            if rs.isEmpty { return out }
        }
        if aggregation.isAssessment {
            out.append(SchemaProblem([.key("rounds")], "逐一考核（mode: assessment）不分轮次", "an assessment (mode: assessment) has no rounds"))
        }
        for (i, r) in rs.enumerated() {
            let at: [SchemaPathItem] = [.key("rounds"), .index(i)]
            if r.round != i + 1 {
                out.append(SchemaProblem(at + [.key("round")], "第 \(i + 1) 项的轮次应为 \(i + 1)（轮次从 1 起依次编号），而不是 \(r.round)",
                                         "item \(i + 1) must be round \(i + 1) (rounds are numbered 1, 2, … in order), not \(r.round)"))
            }
            if r.name.zh.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || r.name.en.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                || r.name.zh.count > 100 || r.name.en.count > 100 {
                out.append(SchemaProblem(at + [.key("name")], "轮次名称（zh、en）不能为空，至多 100 字", "a round's name (zh, en) is not blank and at most 100 characters"))
            }
            if !RoundSpec.byValues.contains(r.by) {
                out.append(SchemaProblem(at + [.key("by")], "应为 groups（各专业组）或 committee（全体评审委员会），而不是 \(TerminalText.quoted(r.by))",
                                         "groups (each field group) or committee (the whole committee), not \(TerminalText.quoted(r.by))"))
            } else if r.byGroups && i > 0 {
                out.append(SchemaProblem(at + [.key("by")], "只有第 1 轮按专业组评审（分配只用于第 1 轮）", "only round 1 is by groups (the assignment is round 1's)"))
            }
            let last = i == rs.count - 1
            if last && r.by != "committee" {
                out.append(SchemaProblem(at + [.key("by")], "最后一轮由评审委员会评审（按名额定稿，只有一个名单）", "the last round is by the committee (it is finalized against the quota, one list)"))
            }
            switch (r.shortlist, last) {
            case (nil, false):
                out.append(SchemaProblem(at + [.key("shortlist")], "最后一轮之前的每一轮都要写明入围名单的大小（per_group 或 ratio）",
                                         "every round before the last says how large its shortlist is (per_group or ratio)"))
            case (_?, true):
                out.append(SchemaProblem(at + [.key("shortlist")], "最后一轮按名额定稿，没有入围名单", "the last round is finalized against the quota; it has no shortlist"))
            case (let s?, false):
                switch (s.perGroup, s.ratio) {
                case (let p?, nil):
                    if !Limits.quota.contains(p) {
                        out.append(SchemaProblem(at + [.key("shortlist"), .key("per_group")], "\(p) 超出范围 \(Limits.quota.lowerBound)…\(Limits.quota.upperBound)（每组入围数）",
                                                 "\(p) is outside \(Limits.quota.lowerBound)…\(Limits.quota.upperBound) (shortlisted per group)"))
                    }
                case (nil, let t?):
                    if ShortlistRule.parseRatio(t) == nil {
                        out.append(SchemaProblem(at + [.key("shortlist"), .key("ratio")], "应为大于 0、至多 \(ShortlistRule.maxRatio) 的倍数，如 “3/2” 或 “1.5”，而不是 \(TerminalText.quoted(t))",
                                                 "a ratio above 0 and at most \(ShortlistRule.maxRatio) such as '3/2' or '1.5', not \(TerminalText.quoted(t))"))
                    }
                default:
                    out.append(SchemaProblem(at + [.key("shortlist")], "入围名单的大小写 per_group 或 ratio 之一", "a shortlist is sized by exactly one of per_group or ratio"))
                }
            case (nil, true):
                break
            }
            if let m = r.method, !Aggregation.methods.contains(m) {
                out.append(SchemaProblem(at + [.key("method")], "未知的计分方法 “\(TerminalText.sanitize(m))”（可选：\(Aggregation.methods.joined(separator: ", "))）",
                                         "unknown method '\(TerminalText.sanitize(m))' (one of: \(Aggregation.methods.joined(separator: ", ")))"))
            }
            if let q = r.quorum, !Limits.quorum.contains(q) {
                out.append(SchemaProblem(at + [.key("quorum")], "\(q) 超出范围 \(Limits.quorum.lowerBound)…\(Limits.quorum.upperBound)（计入排名所需的有效评分表数）",
                                         "\(q) is outside \(Limits.quorum.lowerBound)…\(Limits.quorum.upperBound) (valid sheets a dossier needs to be ranked)"))
            }
            if let s = r.sheet { out.append(contentsOf: Program.sheetProblems(s, at: at + [.key("sheet")])) }
        }
        return out
    }
}
