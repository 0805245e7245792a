import Panel

/// The scoring sheet: criteria in programme order (zh/en name, rubric, max), a running total,
/// the vote, a comment editor, a conflict declaration (recusal).
public enum SheetView {
    struct Seg { var x: Int; var text: String; var role: StyleRole }
    struct Row {
        var field: SheetEditor.Field?
        var segs: [Seg] = []
        var cursorX: Int?
        var fill: StyleRole?
    }

    public static let commentRows = 5

    /// Lays out `buf` into lines of `width` cells (character wrap, newlines kept); returns the
    /// lines and the cursor's (line, column).
    public static func layout(_ buf: TextBuffer, width: Int) -> (lines: [String], cursor: (Int, Int)) {
        var lines: [String] = [""]
        var col = 0
        var cur = (0, 0)
        for (i, ch) in buf.chars.enumerated() {
            if i == buf.cursor { cur = (lines.count - 1, col) }
            if ch == "\n" { lines.append(""); col = 0; continue }
            let w = max(1, DisplayWidth.of(ch))
            if col + w > width { lines.append(""); col = 0 }
            lines[lines.count - 1].append(ch)
            col += w
        }
        if buf.cursor >= buf.chars.count {
            if col >= width { lines.append(""); col = 0 }
            cur = (lines.count - 1, col)
        }
        return (lines, cur)
    }

    /// The comment box's text width on a screen `cols` wide (as `draw` lays it out).
    public static func commentWidth(cols: Int) -> Int { max(1, cols - 1 - 6) }

    /// The cursor index one visual line up (`delta` -1) or down (+1) in a box `width` wide, at
    /// the same column or the nearest before it; nil on the first or last line (issue 17:
    /// ↑/↓ moved between fields even inside a multi-line comment).
    public static func verticalMove(_ buf: TextBuffer, width: Int, delta: Int) -> Int? {
        // (line, column) of every cursor position 0...count, as `layout` places them.
        var pos: [(Int, Int)] = []
        pos.reserveCapacity(buf.chars.count + 1)
        var line = 0, col = 0
        for ch in buf.chars {
            if ch == "\n" { pos.append((line, col)); line += 1; col = 0; continue }
            let w = max(1, DisplayWidth.of(ch))
            if col + w > width { line += 1; col = 0 }
            pos.append((line, col))
            col += w
        }
        if col >= width { line += 1; col = 0 }
        pos.append((line, col))
        let here = pos[min(buf.cursor, pos.count - 1)]
        let target = here.0 + delta
        guard target >= 0, target <= line else { return nil }
        var best: Int?
        for (i, p) in pos.enumerated() where p.0 == target {
            if best == nil || p.1 <= here.1 { best = i }
            if p.1 >= here.1 { break }
        }
        return best
    }

    static func rows(_ s: AppState, _ b: ReviewBackend, _ ed: SheetEditor, width: Int) -> [Row] {
        let lang = s.lang
        let sheet = b.program.sheet
        var out: [Row] = []
        let boxW = 8
        for (i, c) in sheet.criteria.enumerated() {
            let focused = ed.focus == .criterion(i)
            var r = Row(field: .criterion(i))
            r.segs.append(Seg(x: 0, text: focused ? "▶" : " ", role: focused ? .focus : .normal))
            // Chinese screens show Chinese names only, English ones English (issue 17).
            let name = "\(i + 1). " + c.name.text(lang)
            let maxText = "/ \(c.max)"
            let nameRoom = width - boxW - DisplayWidth.of(maxText) - 6
            r.segs.append(Seg(x: 2, text: DisplayWidth.truncate(name, to: nameRoom), role: focused ? .header : .normal))
            let bx = width - boxW - DisplayWidth.of(maxText) - 1
            let value = ed.points[i]
            let shown = value.isEmpty ? "" : value
            r.segs.append(Seg(x: bx, text: "[" + DisplayWidth.pad(shown, to: boxW - 2, alignRight: true) + "]", role: focused ? .focus : .input))
            r.segs.append(Seg(x: bx + boxW + 1, text: maxText, role: .dim))
            if focused { r.cursorX = bx + boxW - 1 }
            out.append(r)
            if focused {
                for l in TextLayout.wrap(c.rubric.text(lang), width: width - 6).prefix(4) {
                    out.append(Row(field: .criterion(i), segs: [Seg(x: 5, text: l, role: .dim)]))
                }
            }
        }
        out.append(Row(field: nil))
        if sheet.votes {
            let focused = ed.focus == .vote
            var r = Row(field: .vote)
            r.segs.append(Seg(x: 0, text: focused ? "▶" : " ", role: focused ? .focus : .normal))
            r.segs.append(Seg(x: 2, text: lang.pick("投票", "Vote"), role: focused ? .header : .normal))
            var x = 12
            for v in ["recommend", "reject", "abstain"] {
                let on = ed.vote == v
                let t = (on ? "[x] " : "[ ] ") + UI.voteLabel(v, lang)
                r.segs.append(Seg(x: x, text: t, role: on ? (focused ? .focus : .selected) : .normal))
                x += DisplayWidth.of(t) + 3
            }
            out.append(r)
        }
        // Comment editor.
        let cFocused = ed.focus == .comment
        var head = Row(field: .comment)
        head.segs.append(Seg(x: 0, text: cFocused ? "▶" : " ", role: cFocused ? .focus : .normal))
        var count = lang.pick("评语（\(ed.comment.text.unicodeScalars.count)", "Comment (\(ed.comment.text.unicodeScalars.count)")
        if let m = sheet.commentMaxChars { count += "/\(m)" }
        count += lang.pick(" 字）", " characters)")
        head.segs.append(Seg(x: 2, text: count, role: cFocused ? .header : .normal))
        out.append(head)
        let inner = width - 6   // = commentWidth(cols:)
        let (lines, cur) = layout(ed.comment, width: inner)
        var first = 0
        if cur.0 >= commentRows { first = cur.0 - commentRows + 1 }
        for k in 0..<commentRows {
            var r = Row(field: .comment)
            r.segs.append(Seg(x: 2, text: "│", role: .border))
            let li = first + k
            if li < lines.count { r.segs.append(Seg(x: 4, text: lines[li], role: .normal)) }
            if cFocused && li == cur.0 { r.cursorX = 4 + cur.1 }
            out.append(r)
        }
        if first + commentRows < lines.count || first > 0 {
            out.append(Row(field: .comment, segs: [Seg(x: 4, text: lang.pick("（评语共 \(lines.count) 行）", "(\(lines.count) lines in all)"), role: .dim)]))
        }
        // Conflict declaration.
        let kFocused = ed.focus == .conflict
        var k = Row(field: .conflict)
        k.segs.append(Seg(x: 0, text: kFocused ? "▶" : " ", role: kFocused ? .focus : .normal))
        k.segs.append(Seg(x: 2, text: (ed.conflict ? "[x] " : "[ ] ") + lang.pick("我与此申报有利益冲突，申请回避（Enter 切换）", "I have a conflict of interest and recuse myself (Enter toggles)"),
                          role: ed.conflict ? .recused : (kFocused ? .header : .normal)))
        out.append(k)
        if ed.conflict {
            let rf = ed.focus == .reason
            var r = Row(field: .reason)
            r.segs.append(Seg(x: 0, text: rf ? "▶" : " ", role: rf ? .focus : .normal))
            let label = lang.pick("回避理由：", "Reason: ")
            r.segs.append(Seg(x: 2, text: label, role: rf ? .header : .normal))
            let lx = 2 + DisplayWidth.of(label)
            let room = width - lx - 1
            var text = ed.reason.text
            let before = String(ed.reason.chars.prefix(ed.reason.cursor))
            var cx = DisplayWidth.of(before)
            while DisplayWidth.of(text) > room || cx > room - 1, !text.isEmpty {
                cx -= DisplayWidth.of(text.removeFirst())
            }
            r.segs.append(Seg(x: lx, text: DisplayWidth.pad(text, to: room), role: .input))
            if rf { r.cursorX = lx + max(0, cx) }
            out.append(r)
        }
        return out
    }

    /// The rows shown and the first one, as `draw` scrolls them to keep the focused field in view.
    static func visibleRows(_ s: AppState, _ b: ReviewBackend, _ ed: SheetEditor) -> (rows: [Row], top: Int, height: Int) {
        let all = rows(s, b, ed, width: s.cols - 1)
        let h = s.bodyHeight - 1
        let focusRows = all.indices.filter { all[$0].field == ed.focus }
        var top = 0
        if let last = focusRows.last, last >= h { top = last - h + 1 }
        if let firstF = focusRows.first, firstF < top { top = firstF }
        return (all, top, h)
    }

    /// The field drawn on screen row `y`, if any (a mouse press focuses it).
    public static func field(at y: Int, _ s: AppState, _ b: ReviewBackend, _ ed: SheetEditor) -> SheetEditor.Field? {
        let (all, top, h) = visibleRows(s, b, ed)
        let k = y - 2
        guard k >= 0, k < h, top + k < all.count else { return nil }
        return all[top + k].field
    }

    public static func draw(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend, _ ed: SheetEditor) {
        let lang = s.lang
        let sheet = b.program.sheet
        let name = s.byID[ed.dossier].map { s.all[$0].name } ?? ""
        let employer = s.byID[ed.dossier].map { s.all[$0].employer } ?? ""
        let status = s.byID[ed.dossier].map { s.all[$0].state } ?? .todo
        g.fill(x: 0, y: 1, count: g.width, role: .header)
        let head = " " + lang.pick("评分表", "Scoring sheet") + " · " + ed.dossier + " " + name + " · " + employer
        let st = "[" + status.label(lang) + "] "
        g.put(DisplayWidth.truncate(head, to: g.width - DisplayWidth.of(st) - 1), x: 0, y: 1, role: .header)
        g.put(st, x: g.width - DisplayWidth.of(st), y: 1, role: .header)

        // The body ends with the total line; the rest scrolls to keep the focused field in view.
        let (all, top, h) = visibleRows(s, b, ed)
        for (k, r) in all[top..<min(all.count, top + h)].enumerated() {
            let y = 2 + k
            for seg in r.segs { g.put(seg.text, x: 1 + seg.x, y: y, role: seg.role) }
            if let cx = r.cursorX { g.cursor = (1 + cx, y) }
        }
        // Running total and draft state.
        let y = 2 + h
        let done = ed.points.filter { !$0.isEmpty }.count
        var total = lang.pick("总分：", "Total: ") + "\(ed.total) / \(sheet.maxTotal)"
        total += lang.pick("（已评 \(done)/\(ed.points.count) 项）", " (\(done) of \(ed.points.count) scored)")
        g.put(total, x: 1, y: y, role: .header)
        var saved: (String, StyleRole)
        switch ed.saved {
        case nil: saved = ("", .dim)
        case true?: saved = (lang.pick("草稿已保存", "draft saved"), .draft)
        case false?: saved = (lang.pick("草稿未能保存！", "draft NOT saved!"), .error)
        }
        if ed.lock != nil { saved = (lang.pick("只读", "read-only"), .warning) }
        if !saved.0.isEmpty { g.put(saved.0, x: g.width - DisplayWidth.of(saved.0) - 1, y: y, role: saved.1) }
        if top + h < all.count, s.message == nil {
            g.put(lang.pick("↓ 下方还有内容（Tab 移动）", "↓ more below (Tab moves)"), x: 0, y: g.height - 2, role: .dim)
        }
    }
}
