import Foundation
import Panel

/// Renderers for the panel statistics (for a `stats` command or the chair's screen).
///
/// JSON shape (exact values as reduced-fraction strings, `sd` as a number rounded to 4 decimals):
/// `{"dossiers":[{"dossier":ID,"name":TEXT,"n":N,"mean":"255/3"|null,"variance":"50/3"|null,"sd":4.0825|null,
///   "min":N|null,"max":N|null,"spread":N|null}],
///  "members":[{"member":ID,"sheets":N,"mean":"80","offset":"40/9"}],
///  "kendall_w":{"w":"31/33","members":N,"dossiers":N,"chi_square":"62/11","df":N,"design":"complete"|"incomplete",
///   "balanced":BOOL,"exact":BOOL}|null,
///  "outliers":[{"dossier":ID,"member":ID,"total":N,"others_median":"81","deviation":"41","threshold":"10"}],
///  "stability":[{"member":ID,"dossier":ID,"name":TEXT,"from":STATUS,"to":STATUS}],
///  "problems":N}` (N: the store's problems; records with one are left out)
extension PanelStatistics {
    /// `problems`: how many problems the store has (records with one are left out), the last key.
    public func json(problems: Int = 0) -> String {
        func frac(_ f: Fraction?) -> String { f.map { jsonString($0.description) } ?? "null" }
        func int(_ i: Int?) -> String { i.map(String.init) ?? "null" }
        var out = "{\"dossiers\":["
        out += dossiers.map { d in
            "\n{\"dossier\":\(jsonString(d.dossier)),\"name\":\(jsonString(d.name)),\"n\":\(d.n),\"mean\":\(frac(d.mean))"
                + ",\"variance\":\(frac(d.variance)),\"sd\":\(d.variance.map { $0.sqrtRounded4() } ?? "null")"
                + ",\"min\":\(int(d.min)),\"max\":\(int(d.max)),\"spread\":\(int(d.spread))}"
        }.joined(separator: ",")
        out += "\n],\"members\":["
        out += members.map { m in
            "\n{\"member\":\(jsonString(m.member)),\"sheets\":\(m.sheets),\"mean\":\(frac(m.meanTotal)),\"offset\":\(frac(m.offset))}"
        }.joined(separator: ",")
        out += "\n],\"kendall_w\":"
        out += kendallW?.json() ?? "null"
        out += ",\"outliers\":["
        out += outliers.map { o in
            "\n{\"dossier\":\(jsonString(o.dossier)),\"member\":\(jsonString(o.member)),\"total\":\(o.total)"
                + ",\"others_median\":\(frac(o.othersMedian)),\"deviation\":\(frac(o.deviation)),\"threshold\":\(frac(o.threshold))}"
        }.joined(separator: ",")
        out += outliers.isEmpty ? "]" : "\n]"
        out += ",\"stability\":["
        out += stability.map { c in
            "\n{\"member\":\(jsonString(c.member)),\"dossier\":\(jsonString(c.dossier)),\"name\":\(jsonString(c.name))"
                + ",\"from\":\(jsonString(c.from.rawValue)),\"to\":\(jsonString(c.to.rawValue))}"
        }.joined(separator: ",")
        out += stability.isEmpty ? "]" : "\n]"
        out += ",\"problems\":\(problems)}\n"
        return out
    }

    /// A plain-text report in `lang`, tables aligned by terminal cells.
    public func text(_ lang: Language) -> String {
        var out = ""
        out += lang.pick("各申报材料评分分布", "Spread of totals per dossier") + "\n"
        out += textTable(
            [lang.pick("编号", "Dossier"), lang.pick("姓名", "Name"), "n", lang.pick("平均", "Mean"), lang.pick("标准差", "SD"),
             lang.pick("最低", "Min"), lang.pick("最高", "Max"), lang.pick("极差", "Spread")],
            dossiers.map { d in
                [d.dossier, d.name, String(d.n), d.mean?.rounded2() ?? "-", d.variance.map { $0.sqrtRounded(places: 2) } ?? "-",
                 d.min.map(String.init) ?? "-", d.max.map(String.init) ?? "-", d.spread.map(String.init) ?? "-"]
            }, numeric: [2, 3, 4, 5, 6, 7])
        out += "\n" + lang.pick("评委宽严度（相对全体评委平均的偏差，负数为偏严）", "Member severity (offset from the panel mean; negative = stricter)") + "\n"
        out += textTable([lang.pick("评委", "Member"), lang.pick("评分表", "Sheets"), lang.pick("平均总分", "Mean total"), lang.pick("偏差", "Offset")],
                         members.map { [$0.member, String($0.sheets), $0.meanTotal.rounded2(), $0.offset.rounded2()] }, numeric: [1, 2, 3])
        out += "\n"
        out += KendallW.text(kendallW, lang) + "\n"
        out += "\n" + lang.pick("离群评分表", "Outlier sheets") + "\n"
        if outliers.isEmpty {
            out += lang.pick("（无）", "(none)") + "\n"
        } else {
            out += textTable([lang.pick("编号", "Dossier"), lang.pick("评委", "Member"), lang.pick("总分", "Total"),
                              lang.pick("其他评委中位数", "Others' median"), lang.pick("偏离", "Deviation")],
                             outliers.map { [$0.dossier, $0.member, String($0.total), $0.othersMedian.rounded2(), $0.deviation.rounded2()] },
                             numeric: [2, 3, 4])
        }
        out += "\n" + lang.pick("名额线稳定性（去掉某位评委的评分表后状态改变的材料）", "Stability at the cut (status changes when one member's sheets are left out)") + "\n"
        if stability.isEmpty {
            out += lang.pick("（稳定：任何一位评委都不能单独改变入选结果）", "(stable: no single member changes who is selected)") + "\n"
        } else {
            out += textTable([lang.pick("去掉评委", "Without"), lang.pick("编号", "Dossier"), lang.pick("姓名", "Name"),
                              lang.pick("原状态", "From"), lang.pick("新状态", "To")],
                             stability.map { [$0.member, $0.dossier, $0.name, $0.from.label(lang), $0.to.label(lang)] }, numeric: [])
        }
        return out
    }
}

extension KendallW {
    /// The report's line on W: which statistic was computed (Kendall's W on a complete design, or
    /// W for incomplete rankings with Durbin's T₁), on how many members and dossiers.
    public static func text(_ w: KendallW?, _ lang: Language) -> String {
        guard let w else {
            return lang.pick("肯德尔和谐系数：评过两份以上材料的评委或被评的材料不足两个（或全部同分），无法计算",
                             "Kendall's W: fewer than 2 members who scored 2 or more dossiers, fewer than 2 dossiers, or all tied")
        }
        let approx = w.exact ? "" : lang.pick("（近似值）", " (rounded)")
        switch w.design {
        case .complete:
            return lang.pick("肯德尔和谐系数 W = \(w.w.rounded(places: 4))\(approx)（\(w.members) 位评委，\(w.dossiers) 份共同评分的材料；χ² = \(w.chiSquare.rounded2())，自由度 \(w.df)）",
                             "Kendall's W = \(w.w.rounded(places: 4))\(approx) (\(w.members) members, \(w.dossiers) dossiers scored by all; χ² = \(w.chiSquare.rounded2()), df \(w.df))")
        case .incomplete:
            let design = w.balanced ? lang.pick("平衡不完全区组", "balanced incomplete blocks")
                                    : lang.pick("非平衡设计，W 为近似的和谐系数", "unbalanced design: W approximate")
            return lang.pick("肯德尔和谐系数（不完全排序，Durbin）W = \(w.w.rounded(places: 4))\(approx)（\(w.members) 位评委各自排序所评材料，共 \(w.dossiers) 份；Durbin T₁ = \(w.chiSquare.rounded2())，自由度 \(w.df)；\(design)）",
                             "Kendall's W for incomplete rankings (Durbin) = \(w.w.rounded(places: 4))\(approx) (\(w.members) members each ranking the dossiers they scored, \(w.dossiers) dossiers; Durbin's T₁ = \(w.chiSquare.rounded2()), df \(w.df); \(design))")
        }
    }

    /// The figure for a narrow cell: "0.62" (complete), "0.62*" (incomplete rankings).
    public func cell(places: Int = 2) -> String {
        w.rounded(places: places) + (design == .incomplete ? "*" : "")
    }
}

extension Fraction {
    /// √self rounded half up to `places` decimals, exactly (integer square root), as text. self ≥ 0.
    public func sqrtRounded(places: Int) -> String {
        precondition(numerator >= 0 && places >= 0 && places <= 6)
        // round(√x · 10^p) = ⌊√(x·10^2p) + 1/2⌋ = r or r+1 where r = ⌊√⌊x·10^2p⌋⌋: r+1 when x·10^2p ≥ (r + 1/2)².
        var scale: Int128 = 1
        for _ in 0..<(2 * places) { scale *= 10 }
        let num = Int128(numerator) * scale, den = Int128(denominator)
        let r = isqrt(num / den)
        // (r + 1/2)² = r² + r + 1/4 ≤ num/den  ⇔  4·num ≥ (4r² + 4r + 1)·den
        let units = 4 * num >= (4 * r * r + 4 * r + 1) * den ? r + 1 : r
        var p: Int128 = 1
        for _ in 0..<places { p *= 10 }
        let whole = String(units / p)
        if places == 0 { return whole }
        let frac = String(units % p)
        return whole + "." + String(repeating: "0", count: places - frac.count) + frac
    }

    func sqrtRounded4() -> String {
        // As a JSON number: drop trailing zeros of the fraction part.
        var s = sqrtRounded(places: 4)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}

/// ⌊√n⌋ for n ≥ 0 (Newton's method on integers).
func isqrt(_ n: Int128) -> Int128 {
    if n < 2 { return n }
    var x = Int128(Double(n).squareRoot())
    // Correct the floating-point estimate.
    while x * x > n { x -= 1 }
    while (x + 1) * (x + 1) <= n { x += 1 }
    return x
}

func textTable(_ headers: [String], _ rows: [[String]], numeric: Set<Int>) -> String {
    let rows = rows.map { $0.map(oneLine) }
    var widths = headers.map { DisplayWidth.of($0) }
    for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(c)) } }
    func line(_ cells: [String]) -> String {
        var s = cells.enumerated().map { i, c in DisplayWidth.pad(c, to: widths[i], alignRight: numeric.contains(i)) }.joined(separator: "  ")
        while s.hasSuffix(" ") { s.removeLast() }
        return s + "\n"
    }
    return line(headers) + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" + rows.map(line).joined()
}
