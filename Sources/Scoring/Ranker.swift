import Foundation
import Panel

public enum RankStatus: String, Sendable, Codable, CaseIterable {
    case selected
    case notSelected = "not-selected"
    case tieAtCut = "tie-at-cut"
    case noQuorum = "no-quorum"

    public func label(_ lang: Language) -> String {
        switch self {
        case .selected: return lang.pick("入选", "selected")
        case .notSelected: return lang.pick("未入选", "not selected")
        case .tieAtCut: return lang.pick("名额线并列", "tie at cut")
        case .noQuorum: return lang.pick("有效评分表不足", "no quorum")
        }
    }
}

/// An assessment's grade (Jing'an 届满考核: 优秀 / 合格 / 不合格 against the pass marks).
public enum Grade: String, Sendable, Codable, CaseIterable {
    case excellent, pass, fail

    public func label(_ lang: Language) -> String {
        switch self {
        case .excellent: return lang.pick("优秀", "excellent")
        case .pass: return lang.pick("合格", "pass")
        case .fail: return lang.pick("不合格", "fail")
        }
    }
}

/// Whether a dossier met the programme's approval threshold (only when one is set).
public enum ApprovalResult: String, Sendable, Codable {
    case met
    case belowThreshold = "below-threshold"

    public func label(_ lang: Language) -> String {
        switch self {
        case .met: return lang.pick("达到", "met")
        case .belowThreshold: return lang.pick("未达推荐比例", "below threshold")
        }
    }
}

public struct RankEntry: Sendable, Hashable {
    public var rank: Int
    public var dossier: String
    public var name: String
    /// The aggregate by the programme's method; nil only when the dossier has no valid sheet.
    public var score: Fraction?
    /// Number of valid sheets.
    public var sheets: Int
    public var status: RankStatus
    /// Median of the totals (the first tie-break); nil when no sheet.
    public var median: Fraction?
    public var votes: [Vote: Int]
    /// Set when the programme has an approval threshold (and the dossier has a quorum).
    public var approval: ApprovalResult?
    /// Whether the score reached the programme's pass mark (合格线); nil when there is none or
    /// no quorum. Below it: never selected.
    public var passMark: ApprovalResult?
    /// An assessment's grade (mode: assessment); nil in a selection.
    public var grade: Grade?
    /// The field group whose list the entry is ranked in (a round by groups, issue 13); nil
    /// in a committee round or a programme without rounds.
    public var group: String?

    public init(rank: Int, dossier: String, name: String, score: Fraction?, sheets: Int, status: RankStatus,
                median: Fraction?, votes: [Vote: Int], approval: ApprovalResult? = nil) {
        self.rank = rank; self.dossier = dossier; self.name = name; self.score = score; self.sheets = sheets
        self.status = status; self.median = median; self.votes = votes; self.approval = approval
    }

    public var recommend: Int { votes[.recommend] ?? 0 }
    public var reject: Int { votes[.reject] ?? 0 }
    public var abstain: Int { votes[.abstain] ?? 0 }
}

/// A member's latest sheet for a dossier that was amended after the sheet was signed.
public struct StaleSheet: Sendable, Hashable {
    public var member: String
    public var dossier: String
    /// records/MEMBER/NNN/NNNNNN.json
    public var path: String
    /// Whether it is counted (program.yaml `aggregation.stale_sheets: count`, the default).
    public var counted: Bool
    public init(member: String, dossier: String, path: String, counted: Bool) {
        self.member = member; self.dossier = dossier; self.path = path; self.counted = counted
    }
}

/// The ranking of a programme's dossiers.
///
/// Order of `entries`: the dossiers with a quorum first, best first (score, then the tie-breaks in
/// order, then dossier id for a stable listing); then every `no-quorum` dossier, sorted by dossier
/// id, all sharing the rank that follows the last ranked one (ranked count + 1). No-quorum dossiers
/// never take a quota place. Ranks are competition ranks (1, 2, 2, 4).
public struct Ranking: Sendable, Hashable {
    public var program: String
    public var method: String
    public var quota: Int
    public var entries: [RankEntry]
    /// The aggregation settings used (for reports; not part of the JSON contract keys).
    public var quorum: Int
    public var approvalThreshold: Fraction?
    /// Sheets made on an older version of their dossier (issue 11, "材料已更新"), and whether the
    /// programme still counts them (program.yaml `aggregation.stale_sheets`).
    public var staleSheets: [StaleSheet] = []
    /// The dossiers not in the running (未审核, 不合格, 异议成立) with their reasons: listed
    /// after the ranking by `rank` (table and JSON) and the UI (issue 12).
    public var outOfRunning: [Qualification] = []
    /// The programme's pass mark (合格线), if any, and whether this is an assessment (each
    /// dossier graded on its own, no quota).
    public var passMark: Int?
    public var excellentMark: Int?
    public var assessment = false
    /// The store fingerprint (SHA-256 of its genesis record, issue 11) when the ranking is of a
    /// store: `store_fingerprint` in JSON, a last line in Markdown. nil: not written.
    public var storeFingerprint: String?
    /// The round ranked (issue 13), when the programme has rounds or one was asked for: JSON
    /// then carries `round` at the top and `round` and `group` in every entry.
    public var round: Int?

    public init(program: String, method: String, quota: Int, entries: [RankEntry], quorum: Int = 3, approvalThreshold: Fraction? = nil) {
        self.program = program; self.method = method; self.quota = quota; self.entries = entries
        self.quorum = quorum; self.approvalThreshold = approvalThreshold
    }

    public func entry(_ dossier: String) -> RankEntry? { entries.first { $0.dossier == dossier } }
}

public enum Ranker {
    /// Ranks `dossiers` from their valid `sheets` (see `validSheets`) by `program.aggregation`
    /// and `program.quota`. Sheets for dossiers not in `dossiers` are ignored.
    ///
    /// Rules:
    /// * fewer than `quorum` valid sheets → `no-quorum` (listed last, never selected);
    /// * order by score (method of `Method`), then each tie-break of `tie_breaks` in order —
    ///   `median` (higher median of totals), `recommend` (more recommend votes), `approval` (higher
    ///   share of recommend among cast votes); unknown names are ignored (see `validate`);
    ///   still equal → the same competition rank;
    /// * approval threshold (e.g. "2/3"): a dossier passes when it has at least one cast vote
    ///   (recommend, reject or abstain — abstain counts as cast) and recommend ≥ threshold × cast.
    ///   A dossier that fails keeps its rank but cannot be selected: status `not-selected` and
    ///   `approval: below-threshold`; its quota place passes down to the next eligible dossier;
    /// * quota: walking the rank groups (dossiers sharing a rank) in order and counting only eligible
    ///   dossiers, a group that fits entirely within the quota is `selected`; a group that starts
    ///   inside the quota but does not fit is `tie-at-cut` (every eligible dossier of it); the rest
    ///   are `not-selected`. Without a threshold this is: rank r, group size s: r+s−1 ≤ quota →
    ///   selected; r ≤ quota < r+s−1 → tie-at-cut.
    public static func rank(program: Program, dossiers: [Dossier], sheets: [Sheet]) -> Ranking {
        rank(program: program, grouped: Grouped(program: program, dossiers: dossiers, sheets: sheets))
    }

    /// The same from the compact table of valid sheets.
    public static func rank(program: Program, dossiers: [Dossier], table: SheetTable) -> Ranking {
        rank(program: program, grouped: Grouped(program: program, dossiers: dossiers, table: table))
    }

    /// The method a programme's aggregation names; an unknown name falls back to `trimmed-mean`
    /// (the template default) — `validate` reports it.
    public static func method(_ a: Aggregation) -> Method { Method(rawValue: a.method) ?? .trimmedMean }

    /// Problems in a programme's aggregation settings, in zh and en (empty when fine).
    public static func validate(_ a: Aggregation) -> [(zh: String, en: String)] {
        var out: [(zh: String, en: String)] = []
        if Method(rawValue: a.method) == nil {
            let names = Method.allCases.map(\.rawValue).joined(separator: ", ")
            out.append(("aggregation.method：未知的计分方法 \"\(a.method)\"（可选：\(names)）",
                        "aggregation.method: unknown method \"\(a.method)\" (one of: \(names))"))
        }
        if a.trim < 0 { out.append(("aggregation.trim：不能为负数", "aggregation.trim: must not be negative")) }
        if a.quorum < 1 { out.append(("aggregation.quorum：至少为 1", "aggregation.quorum: must be at least 1")) }
        for t in a.tieBreaks where !["median", "recommend", "approval"].contains(t) {
            out.append(("aggregation.tie_breaks：未知的并列处理规则 \"\(t)\"（可选：median, recommend, approval）",
                        "aggregation.tie_breaks: unknown tie-break \"\(t)\" (one of: median, recommend, approval)"))
        }
        if let t = a.approvalThreshold {
            if let f = Fraction(parsing: t), f >= .zero, f <= .one {} else {
                out.append(("aggregation.approval_threshold：应为 0 到 1 之间的分数，如 \"2/3\"，而不是 \"\(t)\"",
                            "aggregation.approval_threshold: expected a fraction between 0 and 1 such as \"2/3\", not \"\(t)\""))
            }
        }
        return out
    }

    static func threshold(_ a: Aggregation) -> Fraction? {
        guard let t = a.approvalThreshold, let f = Fraction(parsing: t), f >= .zero, f <= .one else { return nil }
        return f
    }

    struct Row {
        var d: Int
        var score: Fraction?
        var median: Fraction?
        var votes: (Int, Int, Int)
        var n: Int
        /// What the pass mark is compared with, in points: the score where the method scores
        /// in points (mean, trimmed mean, median), the mean of the totals under z-score and
        /// Borda (whose scores are not points).
        var points: Fraction? = nil
    }

    static func rank(program: Program, grouped g: Grouped) -> Ranking {
        let a = program.aggregation
        let method = method(a)
        // z-score and Borda need every member's sheets first; the others work per dossier on the
        // sorted totals computed below anyway.
        let global: [Fraction?]? = (method == .zScore || method == .borda) ? Aggregate.scores(g, method: method, aggregation: a) : nil
        let threshold = threshold(a)
        let quorum = max(1, a.quorum)

        var rows: [Row] = []
        rows.reserveCapacity(g.count)
        var buffer: [Int] = []
        for d in 0..<g.count {
            let r = g.range(d)
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: g.totals[r])
            buffer.sort()
            var v = (0, 0, 0)
            for i in r {
                switch g.voteOf[i] { case 0: v.0 += 1; case 1: v.1 += 1; case 2: v.2 += 1; default: break }
            }
            let median = Aggregate.median(sorted: buffer)
            let score: Fraction?
            switch method {
            case .zScore, .borda: score = global![d]
            case .median: score = median
            case .mean: score = buffer.isEmpty ? nil : Fraction(buffer.reduce(0, +), buffer.count)
            case .trimmedMean: score = Aggregate.trimmedMean(sorted: buffer, trim: a.trim, trimMin: a.trimMin)
            }
            let points: Fraction? = (method == .zScore || method == .borda)
                ? (buffer.isEmpty ? nil : Fraction(buffer.reduce(0, Points.add), buffer.count)) : score
            rows.append(Row(d: d, score: score, median: median, votes: v, n: r.count, points: points))
        }
        let quorate = rows.filter { $0.n >= quorum }
        var missing = rows.filter { $0.n < quorum }

        // Tie-break keys in order; each compares "higher is better".
        let breaks: [(Row, Row) -> Int] = a.tieBreaks.compactMap { name in
            switch name {
            case "median": return { x, y in compare(x.median, y.median) }
            case "recommend": return { x, y in x.votes.0 == y.votes.0 ? 0 : (x.votes.0 > y.votes.0 ? 1 : -1) }
            case "approval": return { x, y in compare(approvalShare(x.votes), approvalShare(y.votes)) }
            default: return nil
            }
        }
        // > 0: x better than y.
        func better(_ x: Row, _ y: Row) -> Int {
            let c = compare(x.score, y.score)
            if c != 0 { return c }
            for b in breaks {
                let c = b(x, y)
                if c != 0 { return c }
            }
            return 0
        }
        let ordered = quorate.sorted { x, y in
            let c = better(x, y)
            if c != 0 { return c > 0 }
            return codePointLess(g.ids[x.d], g.ids[y.d])
        }

        var entries: [RankEntry] = []
        entries.reserveCapacity(g.count)
        // The pass mark (合格线): a score below it is never selected (issue 12).
        let passMark = a.passMark.map { Fraction($0, 1) }
        func reached(_ row: Row) -> ApprovalResult? {
            guard let passMark else { return nil }
            guard let s = row.points, s >= passMark else { return .belowThreshold }
            return .met
        }
        if a.isAssessment {
            // Each dossier on its own against the marks: no quota, no cut, no ties to resolve
            // (seed 004 七(二): the review's five elements decide, not a number of places).
            var i = 0
            while i < ordered.count {
                var j = i + 1
                while j < ordered.count && better(ordered[i], ordered[j]) == 0 { j += 1 }
                for row in ordered[i..<j] {
                    let pm = reached(row)
                    let approval = threshold.map { passes(row.votes, $0) ? ApprovalResult.met : .belowThreshold }
                    let ok = pm != .belowThreshold && approval != .belowThreshold
                    var e = entry(g, row, rank: i + 1, status: ok ? .selected : .notSelected, approval: approval)
                    e.passMark = pm
                    e.grade = !ok ? .fail : (a.excellentMark.map { m in row.points.map { $0 >= Fraction(m, 1) } ?? false } == true ? .excellent : .pass)
                    entries.append(e)
                }
                i = j
            }
            missing.sort { codePointLess(g.ids[$0.d], g.ids[$1.d]) }
            for row in missing { entries.append(entry(g, row, rank: ordered.count + 1, status: .noQuorum, approval: nil)) }
            var r = Ranking(program: program.id, method: method.rawValue, quota: program.quota, entries: entries,
                            quorum: quorum, approvalThreshold: threshold)
            r.passMark = a.passMark; r.excellentMark = a.excellentMark; r.assessment = true
            return r
        }
        var eligibleTaken = 0
        var i = 0
        while i < ordered.count {
            var j = i + 1
            while j < ordered.count && better(ordered[i], ordered[j]) == 0 { j += 1 }
            let rank = i + 1
            let group = ordered[i..<j]
            let results: [ApprovalResult?] = group.map { row in
                guard let t = threshold else { return nil }
                return passes(row.votes, t) ? .met : .belowThreshold
            }
            let marks = group.map(reached)
            // Below the threshold or the pass mark: keeps its rank, takes no place.
            let takes = zip(results, marks).map { $0 != .belowThreshold && $1 != .belowThreshold }
            let eligible = takes.filter { $0 }.count
            let groupStatus: RankStatus
            if eligibleTaken + eligible <= program.quota {
                groupStatus = .selected
            } else if eligibleTaken < program.quota {
                groupStatus = .tieAtCut
            } else {
                groupStatus = .notSelected
            }
            eligibleTaken += eligible
            for (k, row) in group.enumerated() {
                let status: RankStatus = takes[k] ? groupStatus : .notSelected
                var e = entry(g, row, rank: rank, status: status, approval: results[k])
                e.passMark = marks[k]
                entries.append(e)
            }
            i = j
        }
        missing.sort { codePointLess(g.ids[$0.d], g.ids[$1.d]) }
        for row in missing {
            entries.append(entry(g, row, rank: ordered.count + 1, status: .noQuorum, approval: nil))
        }
        var r = Ranking(program: program.id, method: method.rawValue, quota: program.quota, entries: entries,
                        quorum: quorum, approvalThreshold: threshold)
        r.passMark = a.passMark
        return r
    }

    static func entry(_ g: Grouped, _ row: Row, rank: Int, status: RankStatus, approval: ApprovalResult?) -> RankEntry {
        var votes: [Vote: Int] = [:]
        votes[.recommend] = row.votes.0
        votes[.reject] = row.votes.1
        votes[.abstain] = row.votes.2
        return RankEntry(rank: rank, dossier: g.ids[row.d], name: g.names[row.d], score: row.score, sheets: row.n,
                         status: status, median: row.median, votes: votes, approval: approval)
    }

    static func compare(_ x: Fraction?, _ y: Fraction?) -> Int {
        switch (x, y) {
        case let (x?, y?): return x == y ? 0 : (x > y ? 1 : -1)
        case (nil, nil): return 0
        case (_?, nil): return 1
        case (nil, _?): return -1
        }
    }

    static func approvalShare(_ v: (Int, Int, Int)) -> Fraction? {
        let cast = v.0 + v.1 + v.2
        return cast == 0 ? nil : Fraction(v.0, cast)
    }

    /// recommend ≥ threshold × cast, with at least one cast vote.
    static func passes(_ v: (Int, Int, Int), _ t: Fraction) -> Bool {
        let cast = v.0 + v.1 + v.2
        guard cast > 0 else { return false }
        return Fraction(v.0, cast) >= t
    }
}
