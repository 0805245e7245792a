import Foundation
import Panel
import Scoring
import Review

// The dossier list: its keys (search, sort, a press on a row), its update (filter and order)
// and its view, side by side (as tig and gitui keep a view's keys with the view).

extension UI {
    // MARK: - Update

    /// Lower-cased for search. Chinese text (no case) is kept as it is without the Unicode
    /// case tables, which are slow over 10,000 dossiers.
    static func searchFold(_ s: String) -> String {
        // ASCII and U+3000–U+9FFF only: lower-case the ASCII letters byte by byte.
        guard s.unicodeScalars.allSatisfy({ $0.value < 0x80 || ($0.value >= 0x3000 && $0.value <= 0x9FFF) }) else { return s.lowercased() }
        guard s.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return s }
        return String(decoding: s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    /// Recomputes `visible` from `query` and `sort`, keeping the selected dossier selected.
    public static func refilter(_ s: inout AppState) {
        let keep = s.visible.indices.contains(s.list.selected) ? s.all[s.visible[s.list.selected]].id : nil
        let terms = s.query.lowercased().split(separator: " ").map(String.init)
        var idx = terms.isEmpty ? Array(s.all.indices) : s.all.indices.filter { i in terms.allSatisfy { s.all[i].haystack.contains($0) } }
        let all = s.all
        switch s.sort {
        case .id: break   // rows are in id order
        case .name, .strokes:
            let r = collationRanks(&s, s.sort, all.map(\.name))
            idx.sort { (r[all[$0].name] ?? 0, all[$0].id) < (r[all[$1].name] ?? 0, all[$1].id) }
        case .employer:
            let r = collationRanks(&s, .employer, all.map(\.employer))
            idx.sort { (r[all[$0].employer] ?? 0, all[$0].id) < (r[all[$1].employer] ?? 0, all[$1].id) }
        case .status:
            func rank(_ st: SheetStatus) -> Int { SheetStatus.allCases.firstIndex(of: st)! }
            idx.sort { (rank(all[$0].status), all[$0].id) < (rank(all[$1].status), all[$1].id) }
        }
        s.visible = idx
        if let keep, let i = idx.firstIndex(where: { all[$0].id == keep }) { s.list.selected = i }
        s.list.clamp(count: idx.count, height: s.bodyHeight)
    }

    /// Each distinct text's place in the order's collation, cached in the state until a text
    /// it has not seen appears.
    static func collationRanks(_ s: inout AppState, _ key: SortKey, _ texts: [String]) -> [String: Int] {
        if let r = s.collationRanks[key], texts.allSatisfy({ r[$0] != nil }) { return r }
        let locale = Locale(identifier: key.collation ?? "zh_CN")
        let distinct = Array(Set(texts)).sorted { a, b in
            switch a.compare(b, locale: locale) {
            case .orderedAscending: return true
            case .orderedDescending: return false
            case .orderedSame: return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
            }
        }
        var r: [String: Int] = [:]
        r.reserveCapacity(distinct.count)
        for (i, t) in distinct.enumerated() { r[t] = i }
        s.collationRanks[key] = r
        return r
    }

    // MARK: - Keys

    static func searchKey(_ s: inout AppState, _ key: Key) -> [Effect] {
        if let c = key.printable {
            s.query.append(c); refilter(&s); return []
        }
        switch key {
        case .backspace:
            if !s.query.isEmpty { s.query.removeLast(); refilter(&s) }
        case .enter:
            s.searching = false
            say(&s, "找到 \(s.visible.count) 份", "\(s.visible.count) found")
        case .escape:
            s.searching = false; s.query = ""; refilter(&s)
        case .up, .down, .pageUp, .pageDown:
            let a: Action = key == .up ? .up : key == .down ? .down : key == .pageUp ? .pageUp : .pageDown
            s.list.move(a, count: s.visible.count, height: s.bodyHeight)
        default: break
        }
        return []
    }

    /// A press on a row selects it; a press on the row already selected opens it.
    static func listPress(_ s: inout AppState, _ m: Mouse, _ b: ReviewBackend) -> [Effect] {
        let row = m.y - 2
        guard row >= 0, row < s.bodyHeight else { return [] }
        var pos = s.list
        pos.clamp(count: s.visible.count, height: s.bodyHeight)
        let i = pos.scroll + row
        guard s.visible.indices.contains(i) else { return [] }
        if i == s.list.selected { return handleKey(&s, .enter, b) }
        s.list.selected = i
        s.list.clamp(count: s.visible.count, height: s.bodyHeight)
        return []
    }

    static func moveList(_ s: inout AppState, _ action: Action) {
        s.list.move(action, count: s.visible.count, height: s.bodyHeight)
    }
}

// MARK: - View

/// The dossier list: number, name, employer, field, my status; sort and `/` search.
public enum ListView {
    struct Columns { var id, name, employer, field, status: Int }

    /// `status`: 10 cells, wider when a row says "[材料已更新]" / "[dossier updated]".
    static func columns(_ width: Int, status: Int = 10) -> Columns {
        let id = 10, name = 10
        let rest = max(10, width - 2 - id - name - status - 4)
        let field = min(20, rest * 2 / 5)
        return Columns(id: id, name: name, employer: rest - field - 1, field: field, status: status)
    }

    public static func draw(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend) {
        let lang = s.lang
        let scorer = Permissions.canScore(b.me.role)
        // The status column fits the widest status shown ("[已签·有未签修改]", "[材料已更新]").
        var statusW = 10
        if scorer {
            for st in s.states { statusW = max(statusW, DisplayWidth.of("[" + st.label(lang) + "]")) }
            if s.anyUpdated { statusW = max(statusW, DisplayWidth.of(lang.pick("[材料已更新]", "[dossier updated]"))) }
        }
        let c = columns(g.width, status: statusW)
        // The active order shows in the header (▾; 笔画 for surname strokes).
        func mark(_ title: String, _ keys: [SortKey]) -> String {
            guard keys.contains(s.sort) else { return title }
            return (s.sort == .strokes ? lang.pick("姓氏笔画", "Strokes") : title) + "▾"
        }
        Chrome.header(&g, [
            (mark(lang.pick("编号", "No."), [.id]), c.id), (mark(lang.pick("姓名", "Name"), [.name, .strokes]), c.name),
            (mark(lang.pick("工作单位", "Employer"), [.employer]), c.employer), (lang.pick("专业领域", "Field"), c.field),
            (mark(scorer ? lang.pick("我的状态", "My status") : lang.pick("资格", "Qualified"), [.status]), c.status),
        ], y: 1)
        let h = s.bodyHeight
        if s.visible.isEmpty {
            let msg: String
            if s.all.isEmpty { msg = lang.pick("尚无申报材料。请工作人员先导入申报（pingshen import）。", "No dossiers yet. The secretary imports them first (pingshen import).") }
            else { msg = lang.pick("没有符合“\(s.query)”的申报。按 Esc 清除搜索。", "No dossier matches “\(s.query)”. Press Esc to clear the search.") }
            for (i, l) in TextLayout.wrap(msg, width: g.width - 4).prefix(h).enumerated() { g.put(l, x: 2, y: 3 + i, role: .dim) }
        }
        var pos = s.list
        pos.clamp(count: s.visible.count, height: h)
        let end = min(s.visible.count, pos.scroll + h)
        if pos.scroll < end {
            for (k, vi) in (pos.scroll..<end).enumerated() {
                let row = s.all[s.visible[vi]]
                let y = 2 + k
                let sel = vi == pos.selected
                let base = g.listRow(y, selected: sel)
                var x = 1
                g.put(DisplayWidth.truncate(row.id, to: c.id), x: x, y: y, role: base); x += c.id + 1
                g.put(DisplayWidth.truncate(row.name, to: c.name), x: x, y: y, role: base); x += c.name + 1
                g.put(DisplayWidth.truncate(row.employer, to: c.employer), x: x, y: y, role: base); x += c.employer + 1
                g.put(DisplayWidth.truncate(row.field, to: c.field), x: x, y: y, role: base); x += c.field + 1
                if scorer && row.updated {
                    // Signed on an older version of the dossier (issue 11): the member looks again.
                    g.put(lang.pick("[材料已更新]", "[dossier updated]"), x: x, y: y, role: sel ? .selection : .warning)
                } else if scorer {
                    g.put("[" + row.state.label(lang) + "]", x: x, y: y, role: sel ? .selection : row.state.role)
                } else if row.outcome == .toBeConfirmed {
                    g.put(lang.pick("待核实", "confirm"), x: x, y: y, role: sel ? .selection : .draft)
                } else if let e = row.eligible {
                    g.put(e ? lang.pick("合格", "yes") : lang.pick("不合格", "no"), x: x, y: y, role: sel ? .selection : (e ? .signed : .warning))
                } else {
                    g.put("—", x: x, y: y, role: .dim)
                }
            }
        }
    }
}

extension UI {
    /// "待评 12 · 已评 28 · 共 40": my assigned dossiers, open and done (issue 13).
    static func assignedCounts(_ s: AppState) -> String {
        let done = s.doneCount
        return s.lang.pick("待评 \(s.all.count - done) · 已评 \(done) · 共 \(s.all.count)",
                           "to do \(s.all.count - done) · done \(done) · of \(s.all.count)")
    }
}

extension ListView {
    /// The list's footer, shown in the message line when there is nothing else to say (it was
    /// drawn by the list and then blanked by the message line, issue 17): how many are shown,
    /// "完成 7/12" for a member, the sort, and a search that is still on.
    static func footer(_ s: AppState, _ b: ReviewBackend) -> String {
        let lang = s.lang
        let scorer = Permissions.canScore(b.me.role)
        var parts = [lang.pick("共 \(s.visible.count) 份", "\(s.visible.count) dossiers")]
        if s.visible.count != s.all.count { parts[0] += lang.pick("（全部 \(s.all.count)）", " (of \(s.all.count))") }
        if scorer && s.assignedOnly {
            // Under an assignment (issue 13): "待评 12 · 已评 28 · 共 40" over my dossiers.
            parts.append(UI.assignedCounts(s))
        } else if scorer {
            // Signed, recused or out of the running by a signed decision.
            let done = s.doneCount
            parts.append(lang.pick("完成 \(done)/\(s.all.count)", "done \(done)/\(s.all.count)") + "  "
                         + SheetStatus.allCases.map { "\($0.label(lang)) \(s.counts[$0] ?? 0)" }.joined(separator: "  "))
        }
        parts.append(lang.pick("排序：", "sort: ") + s.sort.label(lang))
        if !s.query.isEmpty { parts.append(lang.pick("搜索：", "search: ") + s.query) }
        return parts.joined(separator: " · ")
    }
}
