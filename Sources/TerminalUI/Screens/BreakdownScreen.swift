import Foundation
import Panel
import Scoring
import Review

// One dossier's sheets member by member (as visibility allows): keys, update and view.

extension UI {
    static func breakdownHeight(_ s: AppState) -> Int { max(1, s.bodyHeight - 6) }

    static func moveBreakdown(_ s: AppState, _ id: String, _ p: inout ListPos, _ action: Action, _ b: ReviewBackend) {
        p.move(action, count: b.panelSheets(id).count, height: breakdownHeight(s))
    }
}

// MARK: - View

extension ChairViews {

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
}
