import Foundation
import Panel

/// The aggregation methods a programme may choose (`aggregation.method`).
///
/// All are exact. Two of them need a per-sheet transformation whose exact value would carry an
/// unbounded denominator (a different one per member); for those, each transformed sheet value is
/// rounded half up to 1/10000 of a point (`Aggregate.unitsPerPoint`) before the dossier's mean is
/// taken, and that mean is then exact:
///
/// * `trimmed-mean`: with at least `trim_min` valid sheets (and more than 2·`trim`), drop the
///   `trim` highest and `trim` lowest totals and take the mean of the rest; otherwise the plain mean.
/// * `mean`: the mean of the totals.
/// * `median`: the median of the totals (mean of the two middle ones for an even count).
/// * `z-score`: each member's totals are standardised over all the dossiers that member scored,
///   then rescaled to the panel's scale: v = μ + D·(x − mₘ)/Aₘ, where mₘ and Aₘ are the member's
///   mean and **mean absolute deviation**, μ and D the mean and mean absolute deviation of all
///   valid totals. The mean absolute deviation replaces the standard deviation so that everything
///   stays rational (a standard deviation needs a square root); it is the variance-free robust
///   scale. A member with Aₘ = 0 (one sheet, or every sheet the same) contributes v = μ (no
///   preference expressed). v is rounded half up to 1/10000; the dossier's score is the mean of
///   its sheets' v. Note: like any per-member standardisation this is not monotone — raising one
///   total can change the member's own mean and scale enough to lower that dossier relative to
///   another (see the tests).
/// * `borda`: each member ranks the dossiers they scored by total; a dossier gets from that member
///   the number of the member's other dossiers it beats plus half the number it ties with,
///   divided by (nₘ − 1) and multiplied by the sheet's maximum total, so that every member's
///   points lie on the same 0…max scale whatever the length of their list (nₘ = 1 gives max/2).
///   Rounded half up to 1/10000. A dossier a member did not score (recused, or not yet scored)
///   gets nothing from that member and is not counted among that member's dossiers: its score is
///   the mean over the members who did score it, like every other method.
public enum Method: String, Sendable, CaseIterable {
    case trimmedMean = "trimmed-mean"
    case mean
    case median
    case zScore = "z-score"
    case borda

    public func label(_ lang: Language) -> String {
        switch self {
        case .trimmedMean: return lang.pick("去掉最高最低分后平均", "trimmed mean")
        case .mean: return lang.pick("平均分", "mean")
        case .median: return lang.pick("中位数", "median")
        case .zScore: return lang.pick("标准分（Z 分）", "z-score")
        case .borda: return lang.pick("博尔达计分", "Borda count")
        }
    }
}

/// Sheets grouped by dossier once (flat arrays, no dictionaries of dictionaries).
struct Grouped {
    /// Dossiers in the order given (duplicates dropped).
    var ids: [String] = []
    var names: [String] = []
    /// Sheets of dossier d are at offsets[d] ..< offsets[d+1] of the flat arrays.
    var offsets: [Int] = []
    var totals: [Int] = []
    var memberOf: [Int32] = []
    var voteOf: [Int8] = []  // -1 none, else index in Vote.allCases
    var memberIDs: [String] = []
    var maxTotal: Int = 100

    init(program: Program, dossiers: [Dossier], sheets: [Sheet]) {
        self.init(program: program, dossiers: dossiers, table: SheetTable(sheets))
    }

    init(program: Program, dossiers: [Dossier], table: SheetTable) {
        var index: [String: Int] = [:]
        index.reserveCapacity(dossiers.count)
        for d in dossiers where index[d.id] == nil {
            index[d.id] = ids.count
            ids.append(d.id)
            names.append(d.name)
        }
        let n = ids.count
        // The table's dossier and member numbers → this grouping's (members numbered in order
        // of their first sheet for a dossier in the list).
        let dossierOfTable = table.dossierIDs.map { index[$0] ?? -1 }
        var memberOfTable = [Int32](repeating: -1, count: table.memberIDs.count)
        // Only totals within 0…Limits.maxTotal.upperBound take part, whatever the caller
        // passed: the arithmetic below (sums, products of sums in 128 bits, reductions to 64
        // bits) is safe within that bound and may trap beyond it. This is a bound of the
        // arithmetic, not the programme's rule: whether a sheet fits the programme's criteria
        // and maxima is decided (and reported) where records are validated, before Scoring.
        let m = program.sheet.maxTotal
        maxTotal = m > 0 ? Swift.min(m, Limits.maxTotal.upperBound) : 100
        let allowed = 0...Limits.maxTotal.upperBound
        var counts = [Int](repeating: 0, count: n + 1)
        for row in table.rows {
            let d = dossierOfTable[Int(row.dossier)]
            guard d >= 0, allowed.contains(row.total) else { continue }
            counts[d + 1] += 1
            if memberOfTable[Int(row.member)] < 0 {
                memberOfTable[Int(row.member)] = Int32(memberIDs.count)
                memberIDs.append(table.memberIDs[Int(row.member)])
            }
        }
        for d in 0..<n { counts[d + 1] += counts[d] }
        offsets = counts
        let total = counts[n]
        totals = [Int](repeating: 0, count: total)
        memberOf = [Int32](repeating: 0, count: total)
        voteOf = [Int8](repeating: -1, count: total)
        var next = counts
        for row in table.rows {
            let d = dossierOfTable[Int(row.dossier)]
            if d < 0 || !allowed.contains(row.total) { continue }
            let at = next[d]
            next[d] += 1
            totals[at] = row.total
            memberOf[at] = memberOfTable[Int(row.member)]
            voteOf[at] = row.vote
        }
    }

    /// The same panel without one member's sheets (the member keeps its index; it simply has no sheet).
    func without(member m: Int32) -> Grouped {
        var g = self
        g.totals.removeAll(keepingCapacity: true)
        g.memberOf.removeAll(keepingCapacity: true)
        g.voteOf.removeAll(keepingCapacity: true)
        var offsets = [0]
        offsets.reserveCapacity(count + 1)
        for d in 0..<count {
            for i in range(d) where memberOf[i] != m {
                g.totals.append(totals[i])
                g.memberOf.append(memberOf[i])
                g.voteOf.append(voteOf[i])
            }
            offsets.append(g.totals.count)
        }
        g.offsets = offsets
        return g
    }

    var count: Int { ids.count }
    func range(_ d: Int) -> Range<Int> { offsets[d]..<offsets[d + 1] }
    func sortedTotals(_ d: Int) -> [Int] { totals[range(d)].sorted() }
}

public enum Aggregate {
    /// Rounding unit of the z-score and Borda per-sheet values: 1/10000 of a point.
    public static let unitsPerPoint: Int64 = 10_000

    /// ⌊num/den + 1/2⌋ for den > 0.
    static func roundHalfUp(_ num: Int128, _ den: Int128) -> Int128 {
        Fraction.floorDiv(2 * num + den, 2 * den)
    }

    static func mean(_ sorted: ArraySlice<Int>) -> Fraction {
        Fraction(sorted.reduce(0, +), sorted.count)
    }

    /// Median of sorted totals (nil when empty).
    public static func median(sorted t: [Int]) -> Fraction? {
        guard !t.isEmpty else { return nil }
        let n = t.count
        return n % 2 == 1 ? Fraction(t[n / 2]) : Fraction(t[n / 2 - 1] + t[n / 2], 2)
    }

    /// Trimmed mean of sorted totals: drop `trim` at each end when count ≥ trimMin and count > 2·trim.
    public static func trimmedMean(sorted t: [Int], trim: Int, trimMin: Int) -> Fraction? {
        guard !t.isEmpty else { return nil }
        let k = max(0, trim)
        // t.count / 2 >= k, not t.count > 2·k: no product of an unbounded `trim` (Limits.trim).
        if k > 0 && t.count >= trimMin && (t.count - 1) / 2 >= k {
            return mean(t[k..<(t.count - k)])
        }
        return mean(t[...])
    }

    /// Scores of every dossier of `g` by `method` (nil where a dossier has no sheet).
    static func scores(_ g: Grouped, method: Method, aggregation a: Aggregation) -> [Fraction?] {
        switch method {
        case .mean:
            return (0..<g.count).map { d in
                let r = g.range(d)
                return r.isEmpty ? nil : Fraction(g.totals[r].reduce(0, +), r.count)
            }
        case .median:
            return (0..<g.count).map { median(sorted: g.sortedTotals($0)) }
        case .trimmedMean:
            return (0..<g.count).map { trimmedMean(sorted: g.sortedTotals($0), trim: a.trim, trimMin: a.trimMin) }
        case .zScore:
            return unitMeans(g, perSheetUnits: zScoreUnits(g))
        case .borda:
            return unitMeans(g, perSheetUnits: bordaUnits(g))
        }
    }

    static func unitMeans(_ g: Grouped, perSheetUnits u: [Int64]) -> [Fraction?] {
        (0..<g.count).map { d in
            let r = g.range(d)
            if r.isEmpty { return nil }
            var sum: Int128 = 0
            for i in r { sum += Int128(u[i]) }
            return Fraction.make(sum, Int128(r.count) * Int128(unitsPerPoint))
        }
    }

    /// v = μ + D·(x − mₘ)/Aₘ per sheet, in units of 1/10000, rounded half up (see `Method`).
    /// With N sheets summing to T, Dn = Σ|N·x − T| (so D = Dn/N²), and for a member with n sheets
    /// summing to S, An = Σ|n·x − S| (so Aₘ = An/n²):
    ///   v = (T·N·An + Dn·(n·x − S)·n) / (N²·An).
    static func zScoreUnits(_ g: Grouped) -> [Int64] {
        let total = g.totals.count
        guard total > 0 else { return [] }
        let mCount = g.memberIDs.count
        var n = [Int64](repeating: 0, count: mCount)
        var s = [Int64](repeating: 0, count: mCount)
        var bigT: Int64 = 0
        for i in 0..<total {
            let m = Int(g.memberOf[i])
            n[m] += 1
            s[m] += Int64(g.totals[i])
            bigT += Int64(g.totals[i])
        }
        let bigN = Int64(total)
        var an = [Int64](repeating: 0, count: mCount)
        var dn: Int64 = 0
        for i in 0..<total {
            let m = Int(g.memberOf[i])
            let x = Int64(g.totals[i])
            an[m] += abs(n[m] * x - s[m])
            dn += abs(bigN * x - bigT)
        }
        let scale = Int128(unitsPerPoint)
        let nn = Int128(bigN), tt = Int128(bigT), dd = Int128(dn)
        var out = [Int64](repeating: 0, count: total)
        let flat = roundHalfUp(tt * scale, nn)
        for i in 0..<total {
            let m = Int(g.memberOf[i])
            if an[m] == 0 { out[i] = Int64(flat); continue }
            let a = Int128(an[m]), nm = Int128(n[m])
            let dev = nm * Int128(g.totals[i]) - Int128(s[m])
            let num = tt * nn * a + dd * dev * nm
            let den = nn * nn * a
            out[i] = Int64(roundHalfUp(num * scale, den))
        }
        return out
    }

    /// Borda points per sheet, in units of 1/10000 of a point (see `Method`).
    static func bordaUnits(_ g: Grouped) -> [Int64] {
        let total = g.totals.count
        guard total > 0 else { return [] }
        let mCount = g.memberIDs.count
        // Each member's totals, sorted (CSR by member).
        var counts = [Int](repeating: 0, count: mCount + 1)
        for i in 0..<total { counts[Int(g.memberOf[i]) + 1] += 1 }
        for m in 0..<mCount { counts[m + 1] += counts[m] }
        var byMember = [Int](repeating: 0, count: total)
        var next = counts
        for i in 0..<total {
            let m = Int(g.memberOf[i])
            byMember[next[m]] = g.totals[i]
            next[m] += 1
        }
        for m in 0..<mCount { byMember[counts[m]..<counts[m + 1]].sort() }
        let maxT = Int128(g.maxTotal) * Int128(unitsPerPoint)
        var out = [Int64](repeating: 0, count: total)
        for i in 0..<total {
            let m = Int(g.memberOf[i])
            let lo = counts[m], hi = counts[m + 1]
            let nm = hi - lo
            if nm <= 1 { out[i] = Int64(roundHalfUp(maxT, 2)); continue }
            let x = g.totals[i]
            let less = lowerBound(byMember, lo, hi, x) - lo
            let notGreater = lowerBound(byMember, lo, hi, x + 1) - lo
            let tiedOthers = notGreater - less - 1
            out[i] = Int64(roundHalfUp(Int128(2 * less + tiedOthers) * maxT, Int128(2 * (nm - 1))))
        }
        return out
    }

    /// First index in a[lo..<hi] (sorted) whose value is ≥ x.
    static func lowerBound(_ a: [Int], _ lo: Int, _ hi: Int, _ x: Int) -> Int {
        var lo = lo, hi = hi
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
