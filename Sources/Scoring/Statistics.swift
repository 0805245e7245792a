import Foundation
import Panel

/// Per-dossier spread of the totals. `variance` is the population variance (divisor n), exact;
/// `sd` its square root (the only inexact figure, for display).
public struct DossierStats: Sendable, Hashable {
    public var dossier: String
    public var name: String
    public var n: Int
    public var mean: Fraction?
    public var variance: Fraction?
    public var sd: Double?
    public var min: Int?
    public var max: Int?
    /// max − min.
    public var spread: Int?
}

/// A member's severity: the mean, over the dossiers the member scored, of (member's total −
/// panel mean on that dossier, the member's own sheet included). Negative = stricter than the panel.
public struct MemberSeverity: Sendable, Hashable {
    public var member: String
    public var sheets: Int
    public var meanTotal: Fraction
    public var offset: Fraction
}

/// Kendall's coefficient of concordance over the members, tie-corrected:
/// W = 12·S / (m²(n³ − n) − m·Σ T), T = Σ (t³ − t) over each member's groups of tied totals,
/// S = Σ (Rᵢ − m(n+1)/2)² over dossier rank sums (tied totals get the mean rank).
/// Computed on the complete block: the members who scored anything and the dossiers every one of
/// them scored (a recusal takes that dossier out of the block). Nil when the block has fewer than
/// 2 members or 2 dossiers, or when every member tied every dossier.
public struct KendallW: Sendable, Hashable {
    public var w: Fraction
    public var members: Int
    public var dossiers: Int
    /// Friedman's χ² = m(n − 1)W, with n − 1 degrees of freedom.
    public var chiSquare: Fraction
}

/// A sheet far from the others on its dossier: |total − median of the other sheets| greater than
/// max(3 × median absolute deviation of the other sheets from their median, max total / 10).
/// Only dossiers with at least 3 sheets are examined.
public struct OutlierSheet: Sendable, Hashable {
    public var dossier: String
    public var member: String
    public var total: Int
    public var othersMedian: Fraction
    public var deviation: Fraction
    public var threshold: Fraction
}

/// A dossier whose status changes when one member's sheets are left out.
public struct StabilityChange: Sendable, Hashable {
    public var member: String
    public var dossier: String
    public var name: String
    public var from: RankStatus
    public var to: RankStatus
}

public struct PanelStatistics: Sendable {
    public var dossiers: [DossierStats]
    /// Sorted by member id.
    public var members: [MemberSeverity]
    public var kendallW: KendallW?
    /// Sorted by dossier, then member.
    public var outliers: [OutlierSheet]
    /// The stability report at the cut line: for every member, the ranking recomputed without
    /// that member's sheets; every change of status is listed (sorted by member, then dossier).
    /// Empty means no single member's sheets decide who is selected.
    public var stability: [StabilityChange]
}

public enum Statistics {
    public static func compute(program: Program, dossiers: [Dossier], sheets: [Sheet]) -> PanelStatistics {
        compute(program: program, grouped: Grouped(program: program, dossiers: dossiers, sheets: sheets))
    }

    /// The same from the compact table of valid sheets.
    public static func compute(program: Program, dossiers: [Dossier], table: SheetTable) -> PanelStatistics {
        compute(program: program, grouped: Grouped(program: program, dossiers: dossiers, table: table))
    }

    static func compute(program: Program, grouped g: Grouped) -> PanelStatistics {
        let per = dossierStats(g)
        return PanelStatistics(dossiers: per, members: severity(g, per), kendallW: kendallW(g),
                               outliers: outliers(g), stability: stability(program: program, grouped: g))
    }

    static func dossierStats(_ g: Grouped) -> [DossierStats] {
        (0..<g.count).map { d in
            let r = g.range(d)
            guard !r.isEmpty else {
                return DossierStats(dossier: g.ids[d], name: g.names[d], n: 0, mean: nil, variance: nil, sd: nil, min: nil, max: nil, spread: nil)
            }
            let t = g.totals[r]
            let n = t.count
            let s = t.reduce(0, +)
            let mean = Fraction(s, n)
            // Var = Σ(n·x − S)² / n³.
            var ss: Int128 = 0
            for x in t { let dv = Int128(n * x - s); ss += dv * dv }
            let variance = Fraction.make(ss, Int128(n) * Int128(n) * Int128(n))
            let lo = t.min()!, hi = t.max()!
            return DossierStats(dossier: g.ids[d], name: g.names[d], n: n, mean: mean, variance: variance,
                                sd: variance.doubleValue.squareRoot(), min: lo, max: hi, spread: hi - lo)
        }
    }

    static func severity(_ g: Grouped, _ per: [DossierStats]) -> [MemberSeverity] {
        let mCount = g.memberIDs.count
        var count = [Int](repeating: 0, count: mCount)
        var sumTotals = [Int](repeating: 0, count: mCount)
        var offsets = [Fraction](repeating: .zero, count: mCount)
        for d in 0..<g.count {
            guard let mean = per[d].mean else { continue }
            for i in g.range(d) {
                let m = Int(g.memberOf[i])
                count[m] += 1
                sumTotals[m] += g.totals[i]
                offsets[m] = offsets[m] + (Fraction(g.totals[i]) - mean)
            }
        }
        var out: [MemberSeverity] = []
        for m in 0..<mCount where count[m] > 0 {
            out.append(MemberSeverity(member: g.memberIDs[m], sheets: count[m], meanTotal: Fraction(sumTotals[m], count[m]),
                                      offset: offsets[m] / Fraction(count[m])))
        }
        out.sort { codePointLess($0.member, $1.member) }
        return out
    }

    static func kendallW(_ g: Grouped) -> KendallW? {
        let mCount = g.memberIDs.count
        guard mCount >= 2 else { return nil }
        // Dossiers scored by every member (a member has at most one valid sheet per dossier).
        var block: [Int] = []
        for d in 0..<g.count {
            let r = g.range(d)
            if r.count != mCount { continue }
            var seen = Set<Int32>()
            for i in r { seen.insert(g.memberOf[i]) }
            if seen.count == mCount { block.append(d) }
        }
        let n = block.count
        guard n >= 2 else { return nil }
        // Doubled ranks (integers): a tie group at positions p…p+t−1 (1-based) gets 2p + t − 1.
        var rankSum2 = [Int64](repeating: 0, count: n)
        var tieSum: Int64 = 0
        for m in 0..<mCount {
            var items: [(total: Int, b: Int)] = []
            items.reserveCapacity(n)
            for (b, d) in block.enumerated() {
                for i in g.range(d) where Int(g.memberOf[i]) == m { items.append((g.totals[i], b)) }
            }
            items.sort { $0.total < $1.total }
            var p = 0
            while p < n {
                var q = p + 1
                while q < n && items[q].total == items[p].total { q += 1 }
                let t = Int64(q - p)
                let r2 = Int64(2 * (p + 1)) + t - 1
                for k in p..<q { rankSum2[items[k].b] += r2 }
                tieSum += t * t * t - t
                p = q
            }
        }
        let m = Int64(mCount), nn = Int64(n)
        let center = m * (nn + 1)  // mean doubled rank sum
        var s4: Int128 = 0  // 4·S
        for r in rankSum2 { let dv = Int128(r - center); s4 += dv * dv }
        let den = Int128(m) * Int128(m) * Int128(nn * nn * nn - nn) - Int128(m) * Int128(tieSum)
        guard den > 0 else { return nil }
        // W = 12·S / den = 3·(4S) / den.
        let w = Fraction.make(3 * s4, den)
        return KendallW(w: w, members: mCount, dossiers: n, chiSquare: w * Fraction(m * (nn - 1)))
    }

    static func outliers(_ g: Grouped) -> [OutlierSheet] {
        var out: [OutlierSheet] = []
        let floor = Fraction(g.maxTotal, 10)
        for d in 0..<g.count {
            let r = g.range(d)
            guard r.count >= 3 else { continue }
            for i in r {
                var others: [Int] = []
                others.reserveCapacity(r.count - 1)
                for j in r where j != i { others.append(g.totals[j]) }
                others.sort()
                let med = Aggregate.median(sorted: others)!
                let absDev = others.map { (Fraction($0) - med).magnitude }.sorted()
                let mad: Fraction
                let k = absDev.count
                mad = k % 2 == 1 ? absDev[k / 2] : (absDev[k / 2 - 1] + absDev[k / 2]) / Fraction(2)
                let threshold = Swift.max(Fraction(3) * mad, floor)
                let dev = (Fraction(g.totals[i]) - med).magnitude
                if dev > threshold {
                    out.append(OutlierSheet(dossier: g.ids[d], member: g.memberIDs[Int(g.memberOf[i])], total: g.totals[i],
                                            othersMedian: med, deviation: dev, threshold: threshold))
                }
            }
        }
        out.sort { $0.dossier != $1.dossier ? codePointLess($0.dossier, $1.dossier) : codePointLess($0.member, $1.member) }
        return out
    }

    static func stability(program: Program, grouped g: Grouped) -> [StabilityChange] {
        let base = Ranker.rank(program: program, grouped: g)
        var baseStatus: [String: RankStatus] = [:]
        for e in base.entries { baseStatus[e.dossier] = e.status }
        var changes: [StabilityChange] = []
        for (m, member) in g.memberIDs.enumerated() {
            let r = Ranker.rank(program: program, grouped: g.without(member: Int32(m)))
            for e in r.entries {
                if let from = baseStatus[e.dossier], from != e.status {
                    changes.append(StabilityChange(member: member, dossier: e.dossier, name: e.name, from: from, to: e.status))
                }
            }
        }
        changes.sort { $0.member != $1.member ? codePointLess($0.member, $1.member) : codePointLess($0.dossier, $1.dossier) }
        return changes
    }
}
