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
    /// False when `offset` had to be rounded: its exact value passes 64 bits (the dossiers'
    /// sheet counts are its denominators, and many different counts make their lcm pass 2⁶³).
    public var exact = true
}

/// Kendall's coefficient of concordance W over the members, for complete and incomplete rankings.
///
/// Blocks are the members who scored at least 2 of the dossiers considered (a member with one
/// sheet ranks nothing); each ranks the dossiers they scored by total, tied totals getting the
/// mean rank (mid-ranks). Treatments are the t dossiers scored by at least one of them. Member i
/// ranks kᵢ dossiers, dossier j is ranked by rⱼ members, and λⱼⱼ′ members ranked both j and j′.
/// With cᵢⱼ = Rᵢⱼ − (kᵢ + 1)/2 (member i's centred rank of dossier j):
///
/// - S = Σⱼ (Σᵢ cᵢⱼ)² and A − C = Σᵢⱼ cᵢⱼ² (Conover's A = Σ R², C = Σᵢ kᵢ(kᵢ + 1)²/4).
/// - `chiSquare` is Durbin's statistic (Durbin 1951, "Incomplete blocks in ranking experiments",
///   Brit. J. Psych. (Stat. Section) 4:85–90) in the tie-corrected form of Conover, *Practical
///   Nonparametric Statistics*, 3rd ed. (1999), §5.9: T₁ = (t − 1)·S / (A − C), with t − 1 degrees
///   of freedom (`df`). For a complete design it is Friedman's χ² = m(n − 1)W, tie-corrected.
/// - `w` = S / (A − C) · (A − C)₀ / S̄, where (A − C)₀ = Σᵢ (kᵢ³ − kᵢ)/12 is A − C without ties
///   and S̄ = (1/12)·Σⱼ (Lⱼ² + 2·Σⱼ′≠ⱼ λⱼⱼ′²), Lⱼ = Σᵢ∋ⱼ (kᵢ − 1), is the mean of S over all the
///   orders the members could agree on (S when every member ranks their dossiers in one common
///   order, averaged over that order). For a balanced incomplete block design (every kᵢ = k,
///   every rⱼ = r, every λⱼⱼ′ = λ) S̄ = λ²(t³ − t)/12 whatever the order, and W is the coefficient
///   of concordance for incomplete rankings of Kendall & Gibbons, *Rank Correlation Methods*,
///   5th ed. (1990), ch. 7 (Gibbons & Chakraborti, *Nonparametric Statistical Inference*, §12.5):
///   W = 12S/(λ²(t³ − t)) = T₁·(k + 1)/(r(k − 1)(t + 1)), which is 1 exactly when the members
///   agree. For a complete design (λ = r = m, k = t = n) it is Kendall's W, tie-corrected:
///   12S/(m²(n³ − n) − m·Σ(τ³ − τ)) = S/(m(A − C)).
///
/// Unbalanced designs (what a real assignment gives: loads differ by one, λ varies from pair to
/// pair, rⱼ drops when a member recused) use the same formulas; the choice and its limits:
/// - T₁'s null expectation is t − 1 for any design (under the null each member's ranks are a
///   random permutation: E[S] = A − C), but its χ² distribution is only an approximation there.
/// - S when the members agree depends on the common order when λ is not constant, so W is
///   normalised by its mean over orders S̄: agreement gives W close to 1 (the closer the more
///   dossiers), not exactly 1, and W may slightly exceed 1. `balanced` says whether W is exact
///   Kendall–Gibbons.
/// - Ties: the tie correction (dividing by the A − C the ties leave) keeps W ≤ 1 in a complete
///   design (S ≤ m(A − C) by Cauchy–Schwarz) but not in an incomplete one, balanced or not: tied
///   totals can lift T₁ and W a little past their untied maxima (ConcordanceTests has a Fano-plane
///   case with W = 31/30). W is reported as computed, not clamped. With no agreement E[W] = (A − C)₀ / S̄ ≈ 1/r̄ (1/m for a complete design),
///   the chance level, as for Kendall's W with as many members as rank each dossier.
/// The Skillings–Mack and Prentice statistics, exact for any design, need a generalised inverse
/// of a t × t covariance matrix: irrational weights and O(t³) work, given up for exact arithmetic.
///
/// All sums are exact integers (doubled centred ranks); `w` and `chiSquare` are exact fractions
/// when they fit 64 bits, otherwise rounded (`exact` false). Nil when fewer than 2 members
/// ranked 2 or more dossiers, fewer than 2 dossiers were ranked, or every member tied every
/// dossier they ranked.
public struct KendallW: Sendable, Hashable {
    public enum Design: String, Sendable, Hashable {
        /// Every member ranked every dossier: Kendall's W and Friedman's χ².
        case complete
        /// Members ranked different subsets: W for incomplete rankings and Durbin's T₁.
        case incomplete
    }
    public var w: Fraction
    /// The members ranking (2 or more sheets) and the dossiers ranked.
    public var members: Int
    public var dossiers: Int
    /// Friedman's χ² (complete) or Durbin's T₁ (incomplete), with `df` degrees of freedom.
    public var chiSquare: Fraction
    public var design: Design
    /// Equal loads, equal rⱼ and equal λ (a BIBD; a complete design is one).
    public var balanced: Bool
    /// False when `w` or `chiSquare` had to be rounded to fit 64 bits.
    public var exact: Bool
    public var df: Int { dossiers - 1 }

    /// The `kendall_w` object of `stats --format json`.
    public func json() -> String {
        "{\"w\":\(jsonString(w.description)),\"members\":\(members),\"dossiers\":\(dossiers),\"chi_square\":\(jsonString(chiSquare.description))"
            + ",\"df\":\(df),\"design\":\(jsonString(design.rawValue)),\"balanced\":\(balanced),\"exact\":\(exact)}"
    }
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
        // Exact while the sum fits 64 bits (nil after), and in Double alongside for when it does not.
        var offsets = [Fraction?](repeating: .zero, count: mCount)
        var approx = [Double](repeating: 0, count: mCount)
        for d in 0..<g.count {
            guard let mean = per[d].mean else { continue }
            for i in g.range(d) {
                let m = Int(g.memberOf[i])
                count[m] += 1
                sumTotals[m] += g.totals[i]
                let o = Fraction(g.totals[i]) - mean
                approx[m] += o.doubleValue
                if let sum = offsets[m] { offsets[m] = Fraction.sum(sum, o) }
            }
        }
        var out: [MemberSeverity] = []
        for m in 0..<mCount where count[m] > 0 {
            let exact = offsets[m].flatMap { Fraction.checked(Int128($0.numerator), Int128($0.denominator) * Int128(count[m])) }
            out.append(MemberSeverity(member: g.memberIDs[m], sheets: count[m], meanTotal: Fraction(sumTotals[m], count[m]),
                                      offset: exact ?? Fraction.rounded(approx[m] / Double(count[m])) ?? .zero, exact: exact != nil))
        }
        out.sort { codePointLess($0.member, $1.member) }
        return out
    }

    static func kendallW(_ g: Grouped) -> KendallW? {
        let mCount = g.memberIDs.count
        guard mCount >= 2, g.count >= 2 else { return nil }
        // Each member's sheets (a member has one valid sheet per dossier; duplicates from a
        // hostile table only skew the figures, never trap).
        var byMember = [[(d: Int, total: Int)]](repeating: [], count: mCount)
        for d in 0..<g.count {
            for i in g.range(d) { byMember[Int(g.memberOf[i])].append((d, g.totals[i])) }
        }
        let isBlock = byMember.map { $0.count >= 2 }
        let blocks = (0..<mCount).filter { isBlock[$0] }
        guard blocks.count >= 2 else { return nil }
        // Doubled centred ranks e = 2R − (k + 1) (integers: a tie group at positions p…p+τ−1,
        // 1-based, has 2R = 2p + τ − 1). All sums stay below N³ for N sheets: exact in Int128.
        var e = [Int128](repeating: 0, count: g.count)  // Σᵢ eᵢⱼ = 2·Σᵢ cᵢⱼ
        var r = [Int](repeating: 0, count: g.count)
        var l = [Int128](repeating: 0, count: g.count)  // Lⱼ
        var sumSq: Int128 = 0   // Σ e² = 4(A − C)
        var untied: Int128 = 0  // Σ (k³ − k) = 12(A − C)₀
        var pairs: Int128 = 0   // Σ k(k − 1) = Σⱼ≠ⱼ′ λⱼⱼ′
        for m in blocks {
            var items = byMember[m]
            items.sort { $0.total < $1.total }
            let k = items.count
            var p = 0
            while p < k {
                var q = p + 1
                while q < k && items[q].total == items[p].total { q += 1 }
                let tau = q - p
                let c2 = Int128(2 * (p + 1) + tau - 1) - Int128(k + 1)
                for x in p..<q {
                    let d = items[x].d
                    e[d] += c2; r[d] += 1; l[d] += Int128(k - 1)
                }
                sumSq += Int128(tau) * c2 * c2
                p = q
            }
            let kk = Int128(k)
            untied += kk * kk * kk - kk
            pairs += kk * (kk - 1)
        }
        let ranked = (0..<g.count).filter { r[$0] > 0 }
        let t = ranked.count
        guard t >= 2, sumSq > 0 else { return nil }
        var sumE2: Int128 = 0, sumL2: Int128 = 0, sumR2: Int128 = 0
        for d in ranked {
            sumE2 += e[d] * e[d]; sumL2 += l[d] * l[d]; sumR2 += Int128(r[d]) * Int128(r[d])
        }
        // Complete: every member ranked every dossier once (rⱼ = m for all j, kᵢ = t for all i).
        let complete = blocks.allSatisfy { byMember[$0].count == t } && ranked.allSatisfy { r[$0] == blocks.count }
        // Σⱼ Σⱼ′≠ⱼ λⱼⱼ′²: m²·t(t − 1) when complete; else Σᵢ,ᵢ′ |Bᵢ ∩ Bᵢ′|² − Σⱼ rⱼ² (Bᵢ: member
        // i's dossiers; i = i′ included), in Σⱼ rⱼ² steps: one row of intersections at a time.
        let sumLambda2: Int128
        if complete {
            let mm = Int128(blocks.count)
            sumLambda2 = mm * mm * Int128(t) * Int128(t - 1)
        } else {
            var inter = [Int](repeating: 0, count: mCount)
            var touched: [Int] = []
            var sumI2: Int128 = 0
            for m in blocks {
                for (d, _) in byMember[m] {
                    for i in g.range(d) {
                        let o = Int(g.memberOf[i])
                        guard isBlock[o] else { continue }
                        if inter[o] == 0 { touched.append(o) }
                        inter[o] += 1
                    }
                }
                for o in touched { sumI2 += Int128(inter[o]) * Int128(inter[o]); inter[o] = 0 }
                touched.removeAll(keepingCapacity: true)
            }
            sumLambda2 = sumI2 - sumR2
        }
        let meanAgree12 = sumL2 + 2 * sumLambda2  // 12·S̄
        let k0 = byMember[blocks[0]].count, r0 = r[ranked[0]]
        let tt = Int128(t)
        // λ constant ⇔ Σ λ² = λ·Σ λ with λ = Σ λ / (t(t − 1)), over the t(t − 1) ordered pairs.
        let pairCount = tt * (tt - 1)
        let lambda = pairs / pairCount
        let (lambdaSum, overflow) = lambda.multipliedReportingOverflow(by: pairs)
        let balanced = complete || (blocks.allSatisfy { byMember[$0].count == k0 } && ranked.allSatisfy { r[$0] == r0 }
            && pairs % pairCount == 0 && !overflow && lambdaSum == sumLambda2)
        // T₁ = (t − 1)·S/(A − C) = (t − 1)·Σ E² / Σ e²;  W = S·(A − C)₀ / ((A − C)·S̄) = Σ E²·Σ(k³ − k) / (Σ e²·12S̄).
        guard meanAgree12 > 0,
              let chi = Fraction.ratio(tt - 1, sumE2, over: sumSq, 1),
              let w = Fraction.ratio(sumE2, untied, over: sumSq, meanAgree12) else { return nil }
        return KendallW(w: w.value, members: blocks.count, dossiers: t, chiSquare: chi.value,
                        design: complete ? .complete : .incomplete, balanced: balanced, exact: chi.exact && w.exact)
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
