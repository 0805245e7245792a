import Panel

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

/// One dossier: every form field, the qualification result, the deeds wrapped by cell width.
public enum DossierView {
    public struct Line: Hashable, Sendable {
        public var text: String
        public var role: StyleRole
        public var indent: Int
    }

    /// The dossier's lines at the current width (shared by the view and by scrolling).
    public static func lines(_ s: AppState, _ b: ReviewBackend, _ id: String) -> [Line] {
        let lang = s.lang
        let width = max(10, s.cols - 2)
        guard let i = s.byID[id], i < b.dossiers.count, b.dossiers[i].id == id else {
            return [Line(text: lang.pick("找不到申报 \(id)", "No dossier \(id)"), role: .error, indent: 0)]
        }
        let d = b.dossiers[i]
        var out: [Line] = []
        func add(_ text: String, _ role: StyleRole = .normal, indent: Int = 0, hanging: Int = 0) {
            let w = width - indent
            var first = true
            for l in TextLayout.wrap(text, width: max(4, first ? w : w - hanging)) {
                out.append(Line(text: l, role: role, indent: first ? indent : indent + hanging))
                first = false
            }
        }
        // Form fields in programme order (or the standard form), then any others the dossier has.
        // (年龄 only where a dossier gives it: the standard form asks the birth date.)
        var order: [(id: String, label: String)] = b.program.fields.isEmpty
            ? DossierFields.all.filter { $0.id != "age" || d["age"] != nil }.map { ($0.id, lang == .zh ? $0.zh : $0.en) }
            : b.program.fields.map { ($0.id, $0.label.text(lang)) }
        for k in d.fields.keys.sorted() where !order.contains(where: { $0.id == k }) {
            order.append((k, DossierFields.label(k, lang)))
        }
        add(lang.pick("申报表", "Application form"), .header)
        let labelWidth = min(20, order.filter { $0.id != "deeds" }.map { DisplayWidth.of($0.label) }.max() ?? 8)
        for f in order where f.id != "deeds" {
            let value = d[f.id] ?? lang.pick("（未填）", "(blank)")
            let label = DisplayWidth.pad(f.label, to: labelWidth)
            let w = width - labelWidth - 2
            let parts = TextLayout.wrap(value, width: max(4, w))
            for (k, p) in parts.enumerated() {
                out.append(Line(text: (k == 0 ? label : String(repeating: " ", count: labelWidth)) + "  " + p,
                                role: d[f.id] == nil ? .dim : .normal, indent: 0))
            }
        }
        out.append(Line(text: "", role: .normal, indent: 0))
        add(lang.pick("资格审核", "Qualification check"), .header)
        if let e = b.eligibility(id) {
            switch e.outcome {
            case .eligible:
                add(lang.pick("✓ 合格：符合全部申报条件", "✓ Eligible: meets every condition"), .signed, indent: 2)
            case .ineligible:
                add(lang.pick("✗ 不合格：", "✗ Not eligible:"), .warning, indent: 2)
                for f in e.failures { add("• " + f.message(lang) + " [\(f.rule)]", .warning, indent: 4, hanging: 2) }
            case .toBeConfirmed:
                add(lang.pick("? 待核实（由工作人员在资格审核决定中确认）：", "? To be confirmed (the secretary settles it in the eligibility decision):"), .draft, indent: 2)
            }
            if e.outcome != .eligible {
                for f in e.toConfirm { add("• " + f.message(lang) + " [\(f.rule)]", .draft, indent: 4, hanging: 2) }
            }
            // The seed's judgments and the unit's ranking: for the panel, with the dossier.
            if !e.notes.isEmpty {
                add(lang.pick("评审组注意：", "For the panel:"), .header, indent: 2)
                for f in e.notes { add("• " + f.message(lang) + " [\(f.rule)]", .normal, indent: 4, hanging: 2) }
            }
        } else {
            add(lang.pick("尚未审核", "Not yet checked"), .dim, indent: 2)
        }
        // The secretary's signed decision, which alone puts the dossier in the running.
        if let q = b.qualification(id) {
            add(lang.pick("签署的决定：", "Signed decision: ") + q.summary(lang), q.state == .eligible ? .signed : .warning, indent: 2)
        }
        if Permissions.canScore(b.me.role) {
            let st = s.byID[id].map { s.all[$0].state } ?? .todo
            add(lang.pick("我的状态：", "My status: ") + st.label(lang), st.role, indent: 2)
            if let lock = b.sheetLock(id) { add(lang.pick("不能评分：", "Cannot be scored: ") + lock.text(lang), .warning, indent: 2) }
        }
        out.append(Line(text: "", role: .normal, indent: 0))
        let deeds = d.deeds
        add(lang.pick("主要事迹（\(deeds.count) 字）", "Main deeds (\(deeds.count) characters)"), .header)
        if deeds.isEmpty { add(lang.pick("（未填）", "(blank)"), .dim, indent: 2) }
        else { add(deeds, .normal, indent: 2) }
        return out
    }

    public static func draw(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend, _ id: String, _ scroll: Int) {
        let lang = s.lang
        let name = s.byID[id].map { s.all[$0].name } ?? ""
        let ls = lines(s, b, id)
        let h = s.bodyHeight
        let top = max(0, min(scroll, ls.count - h))
        g.fill(x: 0, y: 1, count: g.width, role: .header)
        let pos = ls.count > h ? "  \(top + 1)–\(min(ls.count, top + h))/\(ls.count)" : ""
        g.put(" " + id + "  " + name + "  " + lang.pick("申报材料", "dossier") + pos, x: 0, y: 1, role: .header)
        for (k, l) in ls[top..<min(ls.count, top + h)].enumerated() {
            g.put(l.text, x: 1 + l.indent, y: 2 + k, role: l.role)
        }
        if top + h < ls.count, s.message == nil {
            g.put(lang.pick("↓ 还有 \(ls.count - top - h) 行（↓/j、PgDn）", "↓ \(ls.count - top - h) more lines (↓/j, PgDn)"), x: 0, y: g.height - 2, role: .dim)
        }
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
        if scorer {
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
