import Foundation
import Panel

/// Fairness across field groups (issue 13): groups score on different scales, so each group's
/// figures are shown beside the others'. All exact but `sd`.
///
/// - `mean`, `variance` (population, divisor n), `min`, `max`: over every counted sheet total
///   of the group's dossiers.
/// - `offset`: the group's severity, its mean minus the mean of every other counted sheet (the
///   dossiers in the running outside the group, ungrouped ones included). Negative = the
///   group scores lower than the others. nil when either side has no sheet.
/// - `members`: each member's severity within the group (`MemberSeverity`, on the group's
///   dossiers only: the offset from the group's own panel mean on each dossier).
/// - `kendallW`, `outliers`: `Statistics` on the group's dossiers alone (`KendallW`: Kendall's
///   W when every member scored every dossier, else W for incomplete rankings with Durbin's T₁,
///   so a group under an assignment of K below its size gets a W too).
/// - `stability`: at the group's line when one is given (its shortlist: the group's dossiers
///   ranked alone with that many places, recomputed without each member's sheets), else the
///   whole ranking's changes at the programme's quota line that fall on the group's dossiers.
public struct GroupStatistics: Sendable {
    public var group: String
    /// The group's dossiers in the running, and their counted sheets.
    public var dossiers: Int
    public var sheets: Int
    public var mean: Fraction?
    public var variance: Fraction?
    public var sd: Double?
    public var min: Int?
    public var max: Int?
    public var offset: Fraction?
    public var members: [MemberSeverity]
    public var kendallW: KendallW?
    public var outliers: [OutlierSheet]
    public var stability: [StabilityChange]
    /// The line the stability is at: the group's own (a shortlist), nil for the quota line.
    public var line: Int?
    /// The per-dossier figures of the group's dossiers (what `stats --group` shows at the top).
    public var perDossier: [DossierStats]

    /// The group's figures in the shape of the whole panel's (`stats --group G`).
    public var panel: PanelStatistics {
        PanelStatistics(dossiers: perDossier, members: members, kendallW: kendallW, outliers: outliers, stability: stability)
    }
}

extension Statistics {
    /// Each group's statistics, in `order` (groups with no dossier included, with empty
    /// figures). `groupOf`: dossier → group (dossiers of no group in `order` count only among
    /// the "others" of `offset`). `overall`: the whole panel's statistics, whose stability is
    /// filtered for groups without a line. `lines`: group → its shortlist size.
    public static func groups(program: Program, dossiers: [Dossier], table: SheetTable, groupOf: [String: String], order: [String],
                              overall: PanelStatistics, lines: [String: Int] = [:]) -> [GroupStatistics] {
        let all = Grouped(program: program, dossiers: dossiers, table: table)
        // Sum and count of the totals, per group and overall (Int: totals are bounded by the
        // arithmetic bound Grouped applies, and a store holds far fewer than 2^40 sheets).
        var sum: [String: Int] = [:], count: [String: Int] = [:]
        var sumAll = 0, countAll = 0
        for d in 0..<all.count {
            let r = all.range(d)
            let s = all.totals[r].reduce(0, +)
            sumAll += s; countAll += r.count
            if let g = groupOf[all.ids[d]] { sum[g, default: 0] += s; count[g, default: 0] += r.count }
        }
        var byGroup: [String: [Dossier]] = [:]
        for d in dossiers { if let g = groupOf[d.id] { byGroup[g, default: []].append(d) } }
        var out: [GroupStatistics] = []
        for gid in order {
            let ds = byGroup[gid] ?? []
            let ids = Set(ds.map(\.id))
            let sub = Grouped(program: program, dossiers: ds, table: table)
            let per = dossierStats(sub)
            let n = count[gid] ?? 0, s = sum[gid] ?? 0
            var mean: Fraction?, variance: Fraction?, lo: Int?, hi: Int?
            if n > 0 {
                mean = Fraction(s, n)
                // Var = (n·Σx² − S²) / n² (the numerator stays below n²·1000², as totals are ≤ 1000).
                var sq: Int128 = 0
                for x in sub.totals { sq += Int128(x) * Int128(x) }
                variance = Fraction.make(Int128(n) * sq - Int128(s) * Int128(s), Int128(n) * Int128(n))
                lo = sub.totals.min(); hi = sub.totals.max()
            }
            let otherN = countAll - n
            let offset = (n > 0 && otherN > 0) ? Fraction(s, n) - Fraction(sumAll - s, otherN) : nil
            let stab: [StabilityChange]
            if let line = lines[gid] {
                var p = program
                p.quota = line
                stab = stability(program: p, grouped: sub)
            } else {
                stab = overall.stability.filter { ids.contains($0.dossier) }
            }
            out.append(GroupStatistics(group: gid, dossiers: sub.count, sheets: n, mean: mean, variance: variance,
                                       sd: variance.map { $0.doubleValue.squareRoot() }, min: lo, max: hi, offset: offset,
                                       members: severity(sub, per), kendallW: kendallW(sub), outliers: outliers(sub),
                                       stability: stab, line: lines[gid], perDossier: per))
        }
        return out
    }
}

extension GroupStatistics {
    /// One entry of `stats --format json`'s `groups` array.
    public func json() -> String {
        func frac(_ f: Fraction?) -> String { f.map { jsonString($0.description) } ?? "null" }
        func int(_ i: Int?) -> String { i.map(String.init) ?? "null" }
        var out = "{\"group\":\(jsonString(group)),\"dossiers\":\(dossiers),\"sheets\":\(sheets),\"mean\":\(frac(mean))"
        out += ",\"variance\":\(frac(variance)),\"sd\":\(variance.map { $0.sqrtRounded4() } ?? "null"),\"min\":\(int(min)),\"max\":\(int(max))"
        out += ",\"offset\":\(frac(offset)),\"line\":\(int(line))"
        out += ",\"members\":[" + members.map { m in
            "{\"member\":\(jsonString(m.member)),\"sheets\":\(m.sheets),\"mean\":\(frac(m.meanTotal)),\"offset\":\(frac(m.offset))}"
        }.joined(separator: ",") + "]"
        out += ",\"kendall_w\":" + (kendallW?.json() ?? "null")
        out += ",\"outliers\":[" + outliers.map { o in
            "{\"dossier\":\(jsonString(o.dossier)),\"member\":\(jsonString(o.member)),\"total\":\(o.total)"
                + ",\"others_median\":\(frac(o.othersMedian)),\"deviation\":\(frac(o.deviation)),\"threshold\":\(frac(o.threshold))}"
        }.joined(separator: ",") + "]"
        out += ",\"stability\":[" + stability.map { c in
            "{\"member\":\(jsonString(c.member)),\"dossier\":\(jsonString(c.dossier)),\"name\":\(jsonString(c.name))"
                + ",\"from\":\(jsonString(c.from.rawValue)),\"to\":\(jsonString(c.to.rawValue))}"
        }.joined(separator: ",") + "]}"
        return out
    }

    /// The table of groups for the text report: one row per group.
    public static func text(_ groups: [GroupStatistics], names: [String: String], _ lang: Language) -> String {
        var out = lang.pick("各专业组评分尺度（偏差：本组平均总分减其他各组平均，负数为偏严）",
                            "Field groups' scales (offset: the group's mean total minus the others'; negative = stricter)") + "\n"
        out += textTable([lang.pick("专业组", "Group"), lang.pick("名称", "Name"), lang.pick("材料", "Dossiers"), lang.pick("评分表", "Sheets"),
                          lang.pick("平均", "Mean"), lang.pick("标准差", "SD"), lang.pick("最低", "Min"), lang.pick("最高", "Max"),
                          lang.pick("偏差", "Offset"), "W", lang.pick("离群", "Outliers"), lang.pick("不稳定", "Unstable")],
                         groups.map { g in
                             [g.group, names[g.group] ?? "", String(g.dossiers), String(g.sheets), g.mean?.rounded2() ?? "-",
                              g.variance.map { $0.sqrtRounded(places: 2) } ?? "-", g.min.map(String.init) ?? "-", g.max.map(String.init) ?? "-",
                              g.offset?.rounded2() ?? "-", g.kendallW?.cell(places: 4) ?? "-", String(g.outliers.count), String(g.stability.count)]
                         }, numeric: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
        if groups.contains(where: { $0.kendallW?.design == .incomplete }) {
            out += lang.pick("W*：不完全排序的肯德尔和谐系数（Durbin 检验；每位评委只排序分配给他的材料）",
                             "W*: Kendall's W for incomplete rankings (Durbin's test; each member ranks only the dossiers they scored)") + "\n"
        }
        for g in groups where !g.members.isEmpty {
            out += "\n" + lang.pick("专业组 \(g.group) 评委宽严度（相对本组评委平均）", "Group \(g.group): member severity (offset from the group's panel mean)") + "\n"
            out += textTable([lang.pick("评委", "Member"), lang.pick("评分表", "Sheets"), lang.pick("平均总分", "Mean total"), lang.pick("偏差", "Offset")],
                             g.members.map { [$0.member, String($0.sheets), $0.meanTotal.rounded2(), $0.offset.rounded2()] }, numeric: [1, 2, 3])
        }
        return out
    }
}
