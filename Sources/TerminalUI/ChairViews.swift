import Panel
import Scoring

/// The chair's screens: progress, ranking (quota line, ties, outliers, stability), a dossier's
/// per-member breakdown, finalization.
public enum ChairViews {
    // MARK: Progress

    public static func progress(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend, _ p: ListPos, _ col: Int) {
        let lang = s.lang
        guard let chair = s.chair else { return }
        let members = chair.members
        let idW = 10, nameW = 8, cellW = 3, sumW = 9
        let x0 = 1 + idW + 1 + nameW + 1
        let visibleCols = max(1, (g.width - x0 - sumW - 1) / cellW)
        let first = max(0, min(col - visibleCols + 1, max(0, members.count - visibleCols)))
        let firstCol = col < first ? col : first
        // Header: the focused member's counts.
        g.fill(x: 0, y: 1, count: g.width, role: .header)
        if members.indices.contains(col) {
            let m = members[col]
            let c = chair.counts[col]
            let summary = " \(col + 1). \(m.name)" + lang.pick("：", ": ") + SheetStatus.allCases.map { "\($0.label(lang)) \(c[$0] ?? 0)" }.joined(separator: "  ")
                + lang.pick("（←/→ 换评委）", " (←/→ other member)")
            g.put(DisplayWidth.truncate(summary, to: g.width), x: 0, y: 1, role: .header)
        } else {
            g.put(lang.pick(" 名单上没有评分的评委", " No scoring members on the roster"), x: 0, y: 1, role: .header)
        }
        // Column numbers.
        let y0 = 2
        g.put(DisplayWidth.pad(lang.pick("编号", "No."), to: idW), x: 1, y: y0, role: .dim)
        g.put(DisplayWidth.pad(lang.pick("姓名", "Name"), to: nameW), x: 1 + idW + 1, y: y0, role: .dim)
        for j in firstCol..<min(members.count, firstCol + visibleCols) {
            let x = x0 + (j - firstCol) * cellW
            g.put(DisplayWidth.pad(String(j + 1), to: cellW - 1, alignRight: true), x: x, y: y0, role: j == col ? .focus : .dim)
        }
        g.put(lang.pick("已签", "signed"), x: g.width - sumW, y: y0, role: .dim)
        let h = s.bodyHeight - 1
        var pos = p
        pos.clamp(count: s.all.count, height: h)
        if s.all.isEmpty {
            g.put(lang.pick("尚无申报材料", "No dossiers yet"), x: 2, y: y0 + 1, role: .dim)
        }
        for (k, i) in (pos.scroll..<min(s.all.count, pos.scroll + h)).enumerated() {
            let y = y0 + 1 + k
            let row = s.all[i]
            let sel = i == pos.selected
            let base: StyleRole = sel ? .selection : .normal
            g.fill(x: 0, y: y, count: g.width, role: base)
            g.put(DisplayWidth.truncate(row.id, to: idW), x: 1, y: y, role: base)
            g.put(DisplayWidth.truncate(row.name, to: nameW), x: 1 + idW + 1, y: y, role: base)
            let line = chair.progress[i]
            for j in firstCol..<min(members.count, firstCol + visibleCols) {
                let st = line[j]
                g.put(st.marker(lang), x: x0 + (j - firstCol) * cellW, y: y, role: sel ? .selection : st.role)
            }
            let signed = line.filter { $0 == .signed }.count
            let recused = line.filter { $0 == .recused }.count
            g.put("\(signed)/\(members.count - recused)", x: g.width - sumW, y: y, role: base)
        }
        if s.message == nil {
            let legend = SheetStatus.allCases.map { $0.marker(lang) + "=" + $0.label(lang) }.joined(separator: "  ")
            g.put(DisplayWidth.truncate(lang.pick("图例：", "Legend: ") + legend + lang.pick("    Enter 查看评分明细", "    Enter: breakdown"), to: g.width), x: 0, y: g.height - 2, role: .dim)
        }
    }

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
            if shown, let o = chair.report.outliers[e.dossier], !o.isEmpty { notes.append(lang.pick("离群 \(o.count)", "outliers \(o.count)")) }
            if isTied(r, i) { notes.append(lang.pick("并列", "tied")) }
            if shown, needsExact(r, i), let v = e.score { notes.append(lang.pick("精确值 \(v)", "exact \(v)")) }
            g.put(DisplayWidth.truncate(notes.joined(separator: " "), to: notesW), x: x, y: y, role: sel ? .selection : .warning)
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

    // MARK: Breakdown

    /// Whether this viewer may see others' scores on a dossier now.
    public static func othersVisible(_ s: AppState, _ b: ReviewBackend, _ id: String) -> Bool { b.othersVisible(id) }

    /// What a score cell shows for a dossier whose scores the viewer may not see yet.
    static func hiddenWord(_ lang: Language) -> String { lang.pick("隐藏", "hidden") }

    public static func breakdown(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend, _ id: String, _ p: ListPos) {
        let lang = s.lang
        let criteria = b.program.sheet.criteria
        let name = s.byID[id].map { s.all[$0].name } ?? ""
        let sheets = b.panelSheets(id)
        let visible = othersVisible(s, b, id)
        g.fill(x: 0, y: 1, count: g.width, role: .header)
        var head = " " + id + " " + name + " · " + lang.pick("各评委评分", "scores by member")
        if let e = s.chair?.rankIndex[id].flatMap({ s.chair?.ranking.entries[$0] }) {
            head += " · " + lang.pick("得分 ", "score ") + (visible ? e.score?.rounded2() ?? "—" : hiddenWord(lang)) + " · " + e.status.label(lang)
        }
        g.put(DisplayWidth.truncate(head, to: g.width), x: 0, y: 1, role: .header)
        let nameW = 10, stW = 6, cW = 4, totW = 6, voteW = 8
        let shownCriteria = min(criteria.count, max(0, (g.width - 2 - nameW - stW - totW - voteW - 10) / cW))
        var x = 1
        let y0 = 2
        g.put(DisplayWidth.pad(lang.pick("评委", "Member"), to: nameW), x: x, y: y0, role: .dim); x += nameW + 1
        g.put(DisplayWidth.pad(lang.pick("状态", "Status"), to: stW), x: x, y: y0, role: .dim); x += stW + 1
        for j in 0..<shownCriteria { g.put(DisplayWidth.pad("C\(j + 1)", to: cW - 1, alignRight: true), x: x, y: y0, role: .dim); x += cW }
        x += 1
        g.put(DisplayWidth.pad(lang.pick("总分", "Total"), to: totW - 1, alignRight: true), x: x, y: y0, role: .dim); x += totW + 1
        g.put(lang.pick("投票", "Vote"), x: x, y: y0, role: .dim); x += voteW + 1
        g.put(lang.pick("评语", "Comment"), x: x, y: y0, role: .dim)
        let commentX = x
        let h = UI.breakdownHeight(s)
        var pos = p
        pos.clamp(count: sheets.count, height: h)
        if !visible {
            g.put(lang.pick("在您签名或声明回避之前，其他评委的评分不显示（程序规定）。", "Other members' scores stay hidden until you sign or recuse on this dossier (programme rule)."),
                  x: 1, y: y0 + 1, role: .warning)
        }
        let startY = visible ? y0 + 1 : y0 + 2
        for (k, i) in (pos.scroll..<min(sheets.count, pos.scroll + h - (visible ? 0 : 1))).enumerated() {
            let ps = sheets[i]
            let y = startY + k
            let sel = i == pos.selected
            let base: StyleRole = sel ? .selection : .normal
            g.fill(x: 0, y: y, count: g.width, role: base)
            let mname = b.roster.member(ps.member)?.name ?? ps.member
            var x = 1
            g.put(DisplayWidth.truncate(mname, to: nameW), x: x, y: y, role: base); x += nameW + 1
            g.put(ps.status.label(lang), x: x, y: y, role: sel ? .selection : ps.status.role); x += stW + 1
            let mine = ps.member == b.me.id
            if let sh = ps.sheet, visible || mine {
                for j in 0..<shownCriteria {
                    g.put(DisplayWidth.pad(sh.points[criteria[j].id].map(String.init) ?? "—", to: cW - 1, alignRight: true), x: x, y: y, role: base); x += cW
                }
                x += 1
                g.put(DisplayWidth.pad(String(sh.total), to: totW - 1, alignRight: true), x: x, y: y, role: base); x += totW + 1
                g.put(DisplayWidth.truncate(UI.voteLabel(sh.vote, lang), to: voteW), x: x, y: y, role: base)
                g.put(DisplayWidth.truncate(sh.comment.replacingOccurrences(of: "\n", with: " "), to: max(0, g.width - commentX - 1)), x: commentX, y: y, role: base)
            } else if ps.sheet != nil {
                g.put(lang.pick("（隐藏）", "(hidden)"), x: x, y: y, role: .dim)
            }
        }
        // Detail panel: the selected member's full comment.
        let py = 2 + h + 1
        g.put(String(repeating: "─", count: g.width), x: 0, y: py, role: .border)
        if sheets.indices.contains(pos.selected) {
            let ps = sheets[pos.selected]
            let mname = b.roster.member(ps.member)?.name ?? ps.member
            g.put(" " + mname + " ", x: 2, y: py, role: .header)
            if let sh = ps.sheet, visible || ps.member == b.me.id {
                var ls: [String] = []
                let pts = criteria.enumerated().map { "C\($0.offset + 1) \($0.element.name.text(lang)) \(sh.points[$0.element.id].map(String.init) ?? "—")/\($0.element.max)" }
                ls += TextLayout.wrap(pts.joined(separator: "  "), width: g.width - 2)
                ls += TextLayout.wrap(lang.pick("评语：", "Comment: ") + (sh.comment.isEmpty ? lang.pick("（无）", "(none)") : sh.comment), width: g.width - 2)
                for (k, l) in ls.prefix(max(0, g.height - 2 - py - 1)).enumerated() { g.put(l, x: 1, y: py + 1 + k, role: .normal) }
            }
        }
    }

    // MARK: Finalize

    public static func finalize(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend, _ f: FinalizeState) {
        let lang = s.lang
        guard let chair = s.chair else { return }
        let r = chair.ranking
        let selected = r.entries.filter { $0.status == .selected }.count
        g.fill(x: 0, y: 1, count: g.width, role: .header)
        g.put(DisplayWidth.truncate(" " + lang.pick("定稿：名额 \(r.quota)，已入选 \(selected)，名额线并列 \(f.ties.count) 份",
                                                  "Finalize: quota \(r.quota), \(selected) selected, \(f.ties.count) tied at the quota line"), to: g.width),
              x: 0, y: 1, role: .header)
        var y = 2
        let intro = f.ties.isEmpty
            ? lang.pick("没有名额线并列。核对排名后按 Ctrl-S（或 F9）签名定稿。", "No tie at the quota line. Check the ranking, then press Ctrl-S (or F9) to sign it.")
            : lang.pick("并列 \(f.ties.count) 份争 \(max(0, r.quota - selected)) 个名额。逐一裁定：←/→ 选择入选或不入选，Tab 或 ↓ 到下一项（理由），S-Tab 或 ↑ 回上一项；全部裁定后按 Ctrl-S（或 F9）签名定稿。",
                        "\(f.ties.count) tied for \(max(0, r.quota - selected)) place(s). Decide each: ←/→ selected or not, Tab or ↓ to the next field (the reason), S-Tab or ↑ back; then Ctrl-S (or F9) to sign.")
        for l in TextLayout.wrap(intro, width: g.width - 2) { g.put(l, x: 1, y: y, role: .dim); y += 1 }
        y += 1
        let h = max(1, (g.height - 2 - y) / 3)
        var pos = f.pos
        pos.clamp(count: f.ties.count, height: h)
        for (k, i) in (pos.scroll..<min(f.ties.count, pos.scroll + h)).enumerated() {
            let t = f.ties[i]
            let e = chair.rankIndex[t].map { r.entries[$0] }
            let sel = i == pos.selected
            let ry = y + k * 3
            g.fill(x: 0, y: ry, count: g.width, role: sel ? .selection : .normal)
            if sel { g.put("▶", x: 0, y: ry, role: .selection) }
            let info = "\(e?.rank ?? 0)= \(t) \(e?.name ?? "") " + lang.pick("得分 ", "score ") + (b.othersVisible(t) ? e?.score?.rounded2() ?? "—" : hiddenWord(lang))
            g.put(DisplayWidth.truncate(info, to: 40), x: 2, y: ry, role: sel ? .selection : .tie)
            let dec: String
            switch f.decisions[t] {
            case "selected"?: dec = lang.pick("< 入选 >", "< selected >")
            case "not-selected"?: dec = lang.pick("< 不入选 >", "< not selected >")
            default: dec = lang.pick("< 未裁定 >", "< undecided >")
            }
            g.put(dec, x: 44, y: ry, role: sel && !f.editingReason ? .focus : (f.decisions[t] == nil ? .warning : .normal))
            // The tie-break facts the chair weighs: median, votes, sheets (as visibility allows).
            if let e, b.othersVisible(t) {
                let facts = lang.pick("中位数 \(e.median?.rounded2() ?? "—") · 精确值 \(e.score.map { "\($0)" } ?? "—") · 推荐 \(e.recommend) 不推荐 \(e.reject) 弃权 \(e.abstain) · 评分表 \(e.sheets)",
                                      "median \(e.median?.rounded2() ?? "—") · exact \(e.score.map { "\($0)" } ?? "—") · recommend \(e.recommend) reject \(e.reject) abstain \(e.abstain) · sheets \(e.sheets)")
                g.put(DisplayWidth.truncate(facts, to: g.width - 6), x: 4, y: ry + 1, role: .dim)
            } else {
                g.put(lang.pick("先评分或声明回避，才能看到并列者的评分事实。", "Score or recuse first to see the tie-break facts."), x: 4, y: ry + 1, role: .warning)
            }
            let label = lang.pick("理由：", "Reason: ")
            g.put(label, x: 4, y: ry + 2, role: .normal)
            let lx = 4 + DisplayWidth.of(label)
            let reason = f.reasons[t] ?? TextBuffer()
            var text = reason.text
            let room = g.width - lx - 2
            var cx = DisplayWidth.of(String(reason.chars.prefix(reason.cursor)))
            while DisplayWidth.of(text) > room || cx > room - 1, !text.isEmpty { cx -= DisplayWidth.of(text.removeFirst()) }
            g.put(DisplayWidth.pad(text, to: room), x: lx, y: ry + 2, role: sel && f.editingReason ? .focus : .input)
            if sel && f.editingReason { g.cursor = (lx + max(0, cx), ry + 2) }
        }
        if s.finalized {
            g.put(lang.pick("排名已定稿签名。", "The ranking has been finalized."), x: 1, y: g.height - 3, role: .signed)
        }
    }
}

/// The secretary's screens: qualification results and objections.
public enum SecretaryViews {
    public static func eligibility(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend, _ p: ListPos) {
        let lang = s.lang
        let idW = 10, nameW = 10, resW = 8
        Chrome.header(&g, [(lang.pick("编号", "No."), idW), (lang.pick("姓名", "Name"), nameW), (lang.pick("结果", "Result"), resW),
                           (lang.pick("原因", "Reason"), max(4, g.width - idW - nameW - resW - 5))], y: 1)
        let h = s.bodyHeight - 4
        var pos = p
        pos.clamp(count: s.all.count, height: h)
        if s.all.isEmpty { g.put(lang.pick("尚无申报材料", "No dossiers yet"), x: 2, y: 2, role: .dim) }
        for (k, i) in (pos.scroll..<min(s.all.count, pos.scroll + h)).enumerated() {
            let row = s.all[i]
            let y = 2 + k
            let sel = i == pos.selected
            let base = g.listRow(y, selected: sel)
            var x = 1
            g.put(DisplayWidth.truncate(row.id, to: idW), x: x, y: y, role: base); x += idW + 1
            g.put(DisplayWidth.truncate(row.name, to: nameW), x: x, y: y, role: base); x += nameW + 1
            let e = b.eligibility(row.id)
            // What counts is the secretary's signed decision on the current version (as `rank`
            // shows it); the check's own result (合格 / 不合格 / 待核实) where there is none.
            let q = b.qualification(row.id)
            let checked: String? = e.map { r in
                switch r.outcome {
                case .eligible: return lang.pick("合格", "eligible")
                case .ineligible: return lang.pick("不合格", "not eligible")
                case .toBeConfirmed: return lang.pick("待核实", "confirm")   // fits the 8-cell column
                }
            }
            let word = q.map { $0.state.label(lang) } ?? checked ?? lang.pick("未审核", "unchecked")
            let checkedRole: StyleRole = e.map { $0.outcome == .eligible ? .signed : ($0.outcome == .ineligible ? .warning : .draft) } ?? .dim
            let role: StyleRole = q.map { $0.state == .eligible ? .signed : ($0.state == .unchecked ? .dim : .warning) } ?? checkedRole
            g.put(DisplayWidth.truncate(word, to: resW), x: x, y: y, role: sel ? .selection : role); x += resW + 1
            if let e, let f = e.reasons.first {
                let more = e.reasons.count > 1 ? lang.pick(" 等 \(e.reasons.count) 项", " (+\(e.reasons.count - 1))") : ""
                g.put(DisplayWidth.truncate(f.message(lang) + more, to: g.width - x - 1), x: x, y: y, role: base)
            }
        }
        let py = 2 + h
        g.put(String(repeating: "─", count: g.width), x: 0, y: py, role: .border)
        if s.all.indices.contains(pos.selected) {
            let row = s.all[pos.selected]
            g.put(" \(row.id) \(row.name) ", x: 2, y: py, role: .header)
            var ls: [(String, StyleRole)] = []
            if let q = b.qualification(row.id) {
                ls.append((lang.pick("签署的决定：", "Signed decision: ") + q.summary(lang), q.state == .eligible ? .signed : .warning))
            }
            if let e = b.eligibility(row.id) {
                if e.eligible { ls.append((lang.pick("符合全部申报条件", "Meets every condition"), .signed)) }
                for f in e.failures { ls += TextLayout.wrap("• " + f.message(lang) + " [\(f.rule)]", width: g.width - 2).map { ($0, .warning) } }
                for f in e.toConfirm { ls += TextLayout.wrap("? " + lang.pick("待核实：", "to confirm: ") + f.message(lang) + " [\(f.rule)]", width: g.width - 2).map { ($0, .draft) } }
                for f in e.notes { ls += TextLayout.wrap("· " + lang.pick("评审组注意：", "for the panel: ") + f.message(lang) + " [\(f.rule)]", width: g.width - 2).map { ($0, .normal) } }
            } else { ls.append((lang.pick("尚未审核", "Not yet checked"), .dim)) }
            for (k, l) in ls.prefix(3).enumerated() { g.put(l.0, x: 1, y: py + 1 + k, role: l.1) }
        }
        if s.message == nil {
            var ok = 0, bad = 0, confirm = 0
            // Counted over the visible window only would mislead; the list is small enough to count.
            for r in s.all {
                if r.outcome == .toBeConfirmed { confirm += 1 } else if r.eligible == true { ok += 1 } else if r.eligible == false { bad += 1 }
            }
            if ok + bad + confirm > 0 {
                let more = confirm > 0 ? lang.pick(" · 待核实 \(confirm)", " · to confirm \(confirm)") : ""
                g.put(lang.pick("合格 \(ok) · 不合格 \(bad)\(more) · 共 \(s.all.count)", "eligible \(ok) · not eligible \(bad)\(more) · total \(s.all.count)"), x: 0, y: g.height - 2, role: .dim)
            }
        }
    }

    public static func outcomeWord(_ o: String, _ lang: Language) -> String {
        switch o {
        case "pending": return lang.pick("待处理", "pending")
        case "upheld": return lang.pick("异议成立", "upheld")
        case "dismissed": return lang.pick("异议不成立", "dismissed")
        default: return o
        }
    }

    public static func objections(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend, _ p: ListPos) {
        let lang = s.lang
        let idW = 10, nameW = 10, outW = 10
        Chrome.header(&g, [(lang.pick("编号", "No."), idW), (lang.pick("姓名", "Name"), nameW), (lang.pick("处理结果", "Outcome"), outW),
                           (lang.pick("异议内容", "Objection"), max(4, g.width - idW - nameW - outW - 5))], y: 1)
        let items = s.objections
        let h = s.bodyHeight - 4
        var pos = p
        pos.clamp(count: items.count, height: h)
        if items.isEmpty { g.put(lang.pick("公示期间没有收到异议", "No objections received during the public notice"), x: 2, y: 2, role: .dim) }
        for (k, i) in (pos.scroll..<min(items.count, pos.scroll + h)).enumerated() {
            let o = items[i]
            let y = 2 + k
            let sel = i == pos.selected
            let base = g.listRow(y, selected: sel)
            var x = 1
            g.put(DisplayWidth.truncate(o.dossier, to: idW), x: x, y: y, role: base); x += idW + 1
            let name = s.byID[o.dossier].map { s.all[$0].name } ?? ""
            g.put(DisplayWidth.truncate(name, to: nameW), x: x, y: y, role: base); x += nameW + 1
            g.put(DisplayWidth.truncate(outcomeWord(o.outcome, lang), to: outW), x: x, y: y, role: sel ? .selection : (o.outcome == "upheld" ? .warning : o.outcome == "pending" ? .draft : .normal)); x += outW + 1
            g.put(DisplayWidth.truncate(o.text.replacingOccurrences(of: "\n", with: " "), to: g.width - x - 1), x: x, y: y, role: base)
        }
        let py = 2 + h
        g.put(String(repeating: "─", count: g.width), x: 0, y: py, role: .border)
        if items.indices.contains(pos.selected) {
            let o = items[pos.selected]
            g.put(" \(o.dossier) · \(outcomeWord(o.outcome, lang)) ", x: 2, y: py, role: .header)
            for (k, l) in TextLayout.wrap(o.text, width: g.width - 2).prefix(3).enumerated() { g.put(l, x: 1, y: py + 1 + k, role: .normal) }
        }
    }
}
