import Foundation
import Panel
import Scoring
import Review

// The ranking (chair, secretary, approver): its keys (move, = to the quota line), its update
// and its view (the quota line, ties, outliers, stability), side by side.

extension UI {
    // MARK: - Update

    static func rankingHeight(_ s: AppState) -> Int { max(1, s.bodyHeight - max(6, s.bodyHeight / 3)) }

    static func openRanking(_ s: inout AppState, _ b: ReviewBackend) {
        if s.chair == nil { loadChair(&s, b) }
        var p = ListPos()
        if let id = currentDossier(s, b), let i = s.chair?.rankIndex[id] { p.selected = i }
        p.clamp(count: s.chair?.ranking.entries.count ?? 0, height: rankingHeight(s))
        pushOrReplace(&s, .ranking(p))
    }

    // MARK: - Keys

    /// `=`: the first row below the quota line (the first of a tie at the cut).
    static func jumpToQuotaLine(_ s: AppState, _ p: inout ListPos) {
        guard let r = s.chair?.ranking, let cut = ChairViews.cutIndex(r) else { return }
        p.selected = min(cut, max(0, r.entries.count - 1))
        p.clamp(count: r.entries.count, height: rankingHeight(s))
    }

    static func moveRanking(_ s: AppState, _ p: inout ListPos, _ action: Action) {
        p.move(action, count: s.chair?.ranking.entries.count ?? 0, height: rankingHeight(s))
    }
}

// MARK: - View

extension ChairViews {
    // MARK: Ranking

    public static func statusWord(_ e: RankEntry, _ lang: Language) -> String {
        var t = e.status.label(lang)
        if e.approval == .belowThreshold { t += lang.pick("·未达推荐比例", " · below threshold") }
        return t
    }

    static func statusRole(_ st: RankStatus) -> StyleRole {
        switch st {
        case .selected: return .selected
        case .notSelected: return .normal
        case .tieAtCut: return .tie
        case .noQuorum: return .warning
        }
    }

    /// Index of the first entry below the quota line (after the last selected or tied entry).
    /// Where the quota line is drawn: after the places that are certain, so a tie at the cut
    /// sits below it (issue 17: both tied rows sat above the line, as if four were selected).
    public static func cutIndex(_ r: Ranking) -> Int? {
        if let tie = r.entries.firstIndex(where: { $0.status == .tieAtCut }) { return tie }
        guard let last = r.entries.lastIndex(where: { $0.status == .selected }) else { return nil }
        return last + 1
    }

    /// The quota line's words: the quota, and for a tie how many share how many places left.
    static func quotaLine(_ r: Ranking, _ lang: Language) -> String {
        let tied = r.entries.filter { $0.status == .tieAtCut }.count
        var label = lang.pick("── 名额线（名额 \(r.quota)）", "── quota line (\(r.quota) places)")
        if tied > 0 {
            let left = max(0, r.quota - r.entries.filter { $0.status == .selected }.count)
            label += lang.pick("：以下 \(tied) 份并列，争 \(left) 个名额", ": the \(tied) tied below share \(left) place\(left == 1 ? "" : "s") left")
        }
        return label + " "
    }

    /// Whether the row's score, rounded for display, equals a neighbour's that is not the same
    /// value: then the row shows the exact value too.
    static func needsExact(_ r: Ranking, _ i: Int) -> Bool {
        guard let v = r.entries[i].score else { return false }
        return [i - 1, i + 1].contains { j in
            r.entries.indices.contains(j) && r.entries[j].score.map { $0 != v && $0.rounded2() == v.rounded2() } == true
        }
    }

    /// The score with as few decimals as tell it from a neighbour shown equal (90.391 beside
    /// 90.389); the fraction itself where six do not. nil when no neighbour looks equal.
    static func exactText(_ r: Ranking, _ i: Int) -> String? {
        guard needsExact(r, i), let v = r.entries[i].score else { return nil }
        let near = [i - 1, i + 1].compactMap { r.entries.indices.contains($0) ? r.entries[$0].score : nil }
            .filter { $0 != v && $0.rounded2() == v.rounded2() }
        for places in 3...6 where near.allSatisfy({ $0.rounded(places: places) != v.rounded(places: places) }) {
            return v.rounded(places: places)
        }
        return "\(v)"
    }

    /// Whole notes while they fit, then "…": a note is never cut (a cut exact value would show
    /// the very digits that do not tell two scores apart).
    static func fitNotes(_ notes: [String], _ width: Int) -> String {
        var out = ""
        for n in notes {
            let next = out.isEmpty ? n : out + " " + n
            if DisplayWidth.of(next) <= width { out = next; continue }
            if out.isEmpty { return DisplayWidth.truncate(n, to: width) }
            return DisplayWidth.of(out) + 2 <= width ? out + " …" : out
        }
        return out
    }

    public static func ranking(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend, _ p: ListPos) {
        let lang = s.lang
        guard let chair = s.chair else { return }
        let r = chair.ranking
        let rankW = 5, idW = 10, nameW = 10, scoreW = 8, sheetsW = 6, voteW = 8, statusW = 14
        let notesW = max(4, g.width - 2 - rankW - idW - nameW - scoreW - sheetsW - voteW - statusW - 7)
        Chrome.header(&g, [
            (lang.pick("名次", "Rank"), rankW), (lang.pick("编号", "No."), idW), (lang.pick("姓名", "Name"), nameW),
            (lang.pick("得分", "Score"), scoreW), (lang.pick("表数", "Sheets"), sheetsW), (lang.pick("推荐", "Rec."), voteW),
            (lang.pick("状态", "Status"), statusW), (lang.pick("提示", "Notes"), notesW),
        ], y: 1)
        let h = UI.rankingHeight(s)
        var pos = p
        pos.clamp(count: r.entries.count, height: h)
        let cut = cutIndex(r)
        var y = 2
        let bottom = 2 + h + 1   // one extra row for the quota line
        if r.entries.isEmpty {
            g.put(lang.pick("尚无可排名的申报", "Nothing to rank yet"), x: 2, y: y, role: .dim)
        }
        var i = pos.scroll
        // The quota line sits above the first entry below it; show it at the top if scrolled there.
        while i < r.entries.count && y < bottom {
            if let cut, i == cut, y < bottom {
                let label = quotaLine(r, lang)
                g.put(label + String(repeating: "─", count: max(0, g.width - 2 - DisplayWidth.of(label))), x: 1, y: y, role: .cutLine)
                y += 1
                if y >= bottom { break }
            }
            let e = r.entries[i]
            let sel = i == pos.selected
            let base = g.listRow(y, selected: sel)
            var x = 1
            let rankText = e.status == .noQuorum ? "—" : String(e.rank) + (isTied(r, i) ? "=" : "")
            g.put(DisplayWidth.pad(rankText, to: rankW - 1, alignRight: true), x: x, y: y, role: base); x += rankW + 1
            g.put(DisplayWidth.truncate(e.dossier, to: idW), x: x, y: y, role: base); x += idW + 1
            g.put(DisplayWidth.truncate(e.name, to: nameW), x: x, y: y, role: base); x += nameW + 1
            let shown = b.othersVisible(e.dossier)
            g.put(DisplayWidth.pad(shown ? e.score?.rounded2() ?? "—" : hiddenWord(lang), to: scoreW, alignRight: true), x: x, y: y, role: shown ? base : (sel ? base : .dim)); x += scoreW + 1
            g.put(DisplayWidth.pad(String(e.sheets), to: sheetsW - 1, alignRight: true), x: x, y: y, role: base); x += sheetsW + 1
            g.put(DisplayWidth.pad(shown ? "\(e.recommend)/\(e.recommend + e.reject + e.abstain)" : "—", to: voteW - 1, alignRight: true), x: x, y: y, role: base); x += voteW + 1
            g.put(DisplayWidth.truncate(statusWord(e, lang), to: statusW), x: x, y: y, role: sel ? .selection : statusRole(e.status)); x += statusW + 1
            var notes: [String] = []
            // The exact value first: it is what tells two equal-looking scores apart, and the
            // column is narrow at 80 columns.
            if shown, let x = exactText(r, i) { notes.append(lang.pick("精确\(x)", "= \(x)")) }
            if shown, let o = chair.report.outliers[e.dossier], !o.isEmpty { notes.append(lang.pick("离群 \(o.count)", "outliers \(o.count)")) }
            if isTied(r, i) { notes.append(lang.pick("并列", "tied")) }
            g.put(fitNotes(notes, notesW), x: x, y: y, role: sel ? .selection : .warning)
            y += 1
            i += 1
        }
        if let cut, cut == r.entries.count, y < bottom, i == cut {
            let label = quotaLine(r, lang)
            g.put(label + String(repeating: "─", count: max(0, g.width - 2 - DisplayWidth.of(label))), x: 1, y: y, role: .cutLine)
        }
        // Report panel: the selected entry's details, outliers and the stability report.
        let py = 2 + h + 1
        g.fill(x: 0, y: py, count: g.width, role: .border)
        g.put(String(repeating: "─", count: g.width), x: 0, y: py, role: .border)
        g.put(" " + lang.pick("详情与稳定性", "Details and stability") + " ", x: 2, y: py, role: .header)
        var lines: [(String, StyleRole)] = []
        if r.entries.indices.contains(pos.selected) {
            let e = r.entries[pos.selected]
            if b.othersVisible(e.dossier) {
                var d = "\(e.dossier) \(e.name)" + lang.pick("：得分 ", ": score ") + (e.score.map { "\($0.rounded2()) (\($0))" } ?? "—")
                d += lang.pick("，中位数 ", ", median ") + (e.median?.rounded2() ?? "—")
                d += lang.pick("，推荐 \(e.recommend) 不推荐 \(e.reject) 弃权 \(e.abstain)", ", recommend \(e.recommend) reject \(e.reject) abstain \(e.abstain)")
                lines.append((d, .normal))
                for o in chair.report.outliers[e.dossier] ?? [] { lines.append(("⚑ " + o.text(lang), .warning)) }
            } else {
                lines.append(("\(e.dossier) \(e.name)" + lang.pick("：在您签名或声明回避之前，其他评委的评分不显示（程序规定）。",
                                                               ": others' scores stay hidden until you sign or recuse on this dossier (programme rule)."), .warning))
            }
        }
        // The stability report speaks of single members' sheets on named dossiers: it waits
        // until the viewer may see every dossier's scores.
        let hidden = r.entries.filter { !b.othersVisible($0.dossier) }.count
        if hidden == 0 {
            for st in chair.report.stability { lines.append((st.text(lang), .normal)) }
        } else {
            lines.append((lang.pick("您尚有 \(hidden) 份申报未评分也未回避：这些申报的得分、投票与稳定性报告暂不显示。",
                                    "\(hidden) dossiers you have neither scored nor recused from: their scores, votes and the stability report stay hidden."), .dim))
        }
        // Who is not in the running, as `rank` lists it (未审核 / 不合格 / 异议成立).
        if !r.outOfRunning.isEmpty {
            let counts = Qualification.State.allCases.compactMap { st -> String? in
                let n = r.outOfRunning.filter { $0.state == st }.count
                return n == 0 ? nil : "\(st.label(lang)) \(n)"
            }
            lines.append((lang.pick("未参加排名：", "Not in the running: ") + counts.joined(separator: lang.pick("，", ", "))
                          + " (" + r.outOfRunning.prefix(8).map(\.dossier).joined(separator: " ") + (r.outOfRunning.count > 8 ? " …" : "") + ")", .warning))
        }
        let method = Ranker.method(b.program.aggregation).label(lang)
        lines.append((lang.pick("计分方法：\(method)；名额 \(r.quota)；法定评分表数 \(r.quorum)", "Method: \(method); quota \(r.quota); quorum \(r.quorum)"), .dim))
        for (k, l) in lines.prefix(max(0, g.height - 2 - py - 1)).enumerated() {
            g.put(DisplayWidth.truncate(l.0, to: g.width - 2), x: 1, y: py + 1 + k, role: l.1)
        }
    }

    static func isTied(_ r: Ranking, _ i: Int) -> Bool {
        let e = r.entries[i]
        if e.status == .noQuorum { return false }
        if i > 0, r.entries[i - 1].rank == e.rank, r.entries[i - 1].status != .noQuorum { return true }
        if i + 1 < r.entries.count, r.entries[i + 1].rank == e.rank, r.entries[i + 1].status != .noQuorum { return true }
        return false
    }
}
