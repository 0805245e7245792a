import Foundation
import Panel
import Scoring
import Review

// The chair's progress grid: its keys (↑/↓ dossiers, ←/→ members), update and view.

extension UI {
    static func openProgress(_ s: inout AppState, _ b: ReviewBackend) {
        if s.chair == nil { loadChair(&s, b) }
        // With field groups (issue 13) the board per group comes first; Enter opens this grid.
        if s.chair?.groups != nil { pushOrReplace(&s, .groups(ListPos())); return }
        pushOrReplace(&s, .progress(ListPos(), column: 0))
    }

    static func moveProgress(_ s: AppState, _ p: inout ListPos, _ col: inout Int, _ action: Action) {
        if action == .left { col = max(0, col - 1) }
        else if action == .right { col = min(max(0, (s.chair?.members.count ?? 1) - 1), col + 1) }
        else { p.move(action, count: s.all.count, height: s.bodyHeight - 1) }
    }

    static func clampProgress(_ s: AppState, _ p: inout ListPos, _ col: inout Int) {
        p.clamp(count: s.all.count, height: s.bodyHeight - 1)
        col = max(0, min(col, max(0, (s.chair?.members.count ?? 1) - 1)))
    }
}

// MARK: - View

extension ChairViews {
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
}
