import Foundation
import Panel
import Scoring
import Review

// The scoring sheet: its keys (fields, digits, votes, text, sign, leaving with unsigned
// changes), its update (drafts, the signing confirmation) and its view, side by side.

extension UI {
    // MARK: - Update

    static func openSheet(_ s: inout AppState, _ id: String, _ b: ReviewBackend) {
        let criteria = b.program.sheet.criteria
        let status = b.status(id)
        let draft = b.loadDraft(id)
        let signed = status == .signed ? b.signedSheet(id) : nil
        var ed = SheetEditor(dossier: id, criteria: criteria, from: draft ?? signed, wasSigned: status == .signed)
        ed.lock = b.sheetLock(id)
        if case .sheet = s.top { s.stack.removeLast() }
        s.stack.append(.sheet(ed))
        if let lock = ed.lock {
            say(&s, "此表只读：" + lock.zh, "Read-only: " + lock.en, .warning)
        } else if draft != nil, status == .signed {
            say(&s, "已载入未签名的修改：签名后才取代原评分", "Unsigned changes loaded: they replace your signed sheet only once signed", .draft)
        } else if draft != nil {
            say(&s, "已载入草稿", "Draft loaded", .draft)
        } else if status == .signed {
            say(&s, "您已签名此表；再次签名将取代原评分", "You signed this sheet; signing again supersedes it", .warning)
        } else if status == .recused {
            say(&s, "您已声明回避此申报", "You declared a conflict on this dossier", .warning)
        }
    }

    // MARK: - Keys

    static func sheetKey(_ s: inout AppState, _ ed: inout SheetEditor, _ key: Key, _ b: ReviewBackend) -> [Effect] {
        let program = b.program
        let criteria = program.sheet.criteria
        let fields = ed.fields(votes: program.sheet.votes)
        var changed = false

        func moveFocus(_ d: Int) {
            let i = fields.firstIndex(of: ed.focus) ?? 0
            ed.focus = fields[(i + d + fields.count) % fields.count]
        }

        // A sheet that cannot be signed is read-only (issue 17): it moves and leaves, and says
        // why to anything else.
        if let lock = ed.lock {
            switch Keymap.action(for: key, in: .sheet) {
            case .nextField?: moveFocus(1)
            case .prevField?: moveFocus(-1)
            case .back?: s.stack.removeLast()
            case .help?: s.modal = .help(scroll: 0)
            case .quit?: s.quit = true; return [.quit]
            default: say(&s, "此表只读：" + lock.zh, "Read-only: " + lock.en, .warning)
            }
            return []
        }
        // Text fields take printable keys (so j, k, q, s, ? are text there).
        switch ed.focus {
        case .comment, .reason:
            var buf = ed.focus == .comment ? ed.comment : ed.reason
            let limit = ed.focus == .comment ? program.sheet.commentMaxChars : nil
            var handled = true
            switch key {
            case .backspace: buf.backspace()
            case .delete: buf.deleteForward()
            case .left: buf.left()
            case .right: buf.right()
            case .home: buf.home()
            case .end: buf.end()
            case .enter: if ed.focus == .comment { buf.insert("\n") } else { handled = false }
            case .up, .down:
                // Inside a multi-line comment ↑/↓ move by line; past its first or last line
                // they move between fields, as Tab does (issue 17).
                if ed.focus == .comment, let to = SheetView.verticalMove(buf, width: SheetView.commentWidth(cols: s.cols), delta: key == .up ? -1 : 1) {
                    buf.cursor = to
                } else { handled = false }
            default:
                if let c = key.printable {
                    if let limit, buf.text.unicodeScalars.count >= limit {
                        say(&s, "评语最多 \(limit) 字", "Comments are limited to \(limit) characters", .warning)
                    } else {
                        buf.insert(c)
                    }
                } else { handled = false }
            }
            if handled {
                let old = ed.focus == .comment ? ed.comment : ed.reason
                if buf.chars != old.chars { changed = true }
                if ed.focus == .comment { ed.comment = buf } else { ed.reason = buf }
                return changed ? draft(&s, &ed, criteria) : []
            }
        case .criterion(let i):
            let c = criteria[i]
            if let ch = key.printable, ch.isASCII, let digit = ch.wholeNumberValue {
                let candidate = ed.points[i] == "0" ? String(digit) : ed.points[i] + String(digit)
                if let v = Int(candidate), v <= c.max {
                    ed.points[i] = String(v)
                    return draft(&s, &ed, criteria)
                }
                say(&s, "\(c.name.zh)：分数须在 0–\(c.max) 之间", "\(c.name.en): points must be 0–\(c.max)", .warning)
                return []
            }
            if key == .backspace || key == .delete {
                if !ed.points[i].isEmpty { ed.points[i].removeLast(); return draft(&s, &ed, criteria) }
                return []
            }
            if key == .enter { moveFocus(1); return [] }
            if key.printable != nil, Keymap.action(for: key, in: .sheet) == nil {
                say(&s, "此项只能输入数字（0–\(c.max)）", "Digits only here (0–\(c.max))", .warning)
                return []
            }
        case .vote:
            let order: [String?] = [nil, "recommend", "reject", "abstain"]
            if let ch = key.printable, let n = ch.wholeNumberValue, (1...3).contains(n) {
                ed.vote = order[n]
                return draft(&s, &ed, criteria)
            }
            if key == .enter { moveFocus(1); return [] }
            if key.printable != nil && key != .char(" ") && Keymap.action(for: key, in: .sheet) == nil {
                say(&s, "投票：按 1 推荐、2 不推荐、3 弃权，或 ←/→", "Vote: 1 recommend, 2 reject, 3 abstain, or ←/→", .warning)
                return []
            }
        case .conflict:
            if key == .enter || key == .char("y") || key == .char("n") {
                let want = key == .enter ? !ed.conflict : key == .char("y")
                if want != ed.conflict {
                    ed.conflict = want
                    if want { ed.focus = .reason }
                    return draft(&s, &ed, criteria)
                }
                return []
            }
        }

        guard let action = Keymap.action(for: key, in: .sheet) else {
            if key.printable != nil {
                say(&s, "按 Tab 移到下一项；按 F1 查看帮助", "Tab moves to the next field; F1 for help", .warning)
            }
            return []
        }
        switch action {
        case .nextField: moveFocus(1)
        case .prevField: moveFocus(-1)
        case .back:
            // Unsigned changes to a signed sheet do not count: leaving asks (issue 17).
            if ed.wasSigned, !ed.conflict, let signed = b.signedSheet(ed.dossier), ed.input(criteria: criteria) != signed {
                s.modal = .leaveEdited(dossier: ed.dossier)
                return []
            }
            s.stack.removeLast()
        case .help: s.modal = .help(scroll: 0)
        case .quit:
            // Every change was saved as a draft when it was typed (`draft`), so nothing is lost.
            s.quit = true
            return [.quit]
        case .left, .right, .toggle:
            if ed.focus == .vote {
                let order: [String?] = [nil, "recommend", "reject", "abstain"]
                let cur = order.firstIndex(of: ed.vote) ?? 0
                ed.vote = order[(cur + (action == .left ? order.count - 1 : 1)) % order.count]
                return draft(&s, &ed, criteria)
            }
            if ed.focus == .conflict {
                ed.conflict.toggle()
                return draft(&s, &ed, criteria)
            }
        case .sign:
            return askToSign(&s, &ed, b)
        default: break
        }
        return []
    }

    /// The question on leaving a signed sheet with unsigned changes: s signs, d discards, Esc stays.
    static func leaveEditedKey(_ s: inout AppState, _ d: String, _ key: Key, _ b: ReviewBackend) -> [Effect] {
        switch key {
        case .char("s"), .char("S"), .ctrl("s"), .function(9):
            s.modal = nil
            if case .sheet(var ed) = s.top, ed.dossier == d {
                let fx = askToSign(&s, &ed, b)
                s.stack[s.stack.count - 1] = .sheet(ed)
                return fx
            }
        case .char("d"), .char("D"):
            s.modal = nil
            return [.discardDraft(d)]
        case .escape, .char("n"), .char("N"):
            s.modal = nil
            say(&s, "继续编辑；修改签名后才计入", "Still editing; the changes count once signed")
        default:
            say(&s, "按 s 签名提交修改，d 放弃修改，Esc 继续编辑", "Press s to sign the changes, d to discard them, Esc to keep editing", .warning)
        }
        return []
    }

    /// A press in the sheet focuses the field under it (a read-only sheet only moves).
    static func sheetPress(_ s: inout AppState, _ ed: inout SheetEditor, _ m: Mouse, _ b: ReviewBackend) {
        if ed.lock == nil, let f = SheetView.field(at: m.y, s, b, ed) { ed.focus = f }
    }

    static func draft(_ s: inout AppState, _ ed: inout SheetEditor, _ criteria: [Criterion]) -> [Effect] {
        ed.saved = nil
        return [.saveDraft(ed.input(criteria: criteria))]
    }

    static func askToSign(_ s: inout AppState, _ ed: inout SheetEditor, _ b: ReviewBackend) -> [Effect] {
        let program = b.program
        let criteria = program.sheet.criteria
        let lang = s.lang
        if ed.conflict {
            let reason = ed.reason.text.trimmingCharacters(in: .whitespacesAndNewlines)
            do {
                let record = try b.previewRecusal(ed.dossier, reason: reason)
                let name = s.byID[ed.dossier].map { s.all[$0].name } ?? ""
                let summary = [
                    lang.pick("回避声明：\(ed.dossier) \(name)", "Declaration of conflict: \(ed.dossier) \(name)"),
                    lang.pick("理由：", "Reason: ") + (reason.isEmpty ? lang.pick("（未填写）", "(none)") : reason),
                    lang.pick("回避一经签名不可撤回：此后您不能再为这份申报评分。", "A signed recusal is final: you can no longer score this dossier."),
                    lang.pick("签名方式：", "Signing with: ") + b.signingDescription,
                ]
                s.modal = .confirm(ConfirmState(pending: .recuse(dossier: ed.dossier, reason: reason), summary: summary, record: record, scroll: 0))
            } catch {
                setMessage(&s, error.userMessage(lang), .error)
            }
            return []
        }
        let input = ed.input(criteria: criteria)
        // The session's one table of sheet rules (Review.SheetRules), as `pingshen score` keeps
        // them: the UI refuses exactly what the command line refuses (issue 12).
        if let p = SheetRules.problem(program.sheet, points: input.points, vote: input.vote, comment: input.comment.isEmpty ? nil : input.comment) {
            switch p.field {
            case .criterion(let id): if let i = criteria.firstIndex(where: { $0.id == id }) { ed.focus = .criterion(i) }
            case .vote: ed.focus = .vote
            case .comment: ed.focus = .comment
            }
            setMessage(&s, p.message(lang), .warning)
            return []
        }
        do {
            let record = try b.previewScoreRecord(input)
            let name = s.byID[ed.dossier].map { s.all[$0].name } ?? ""
            var summary = [lang.pick("评分表：\(ed.dossier) \(name)", "Scoring sheet: \(ed.dossier) \(name)")]
            for (i, c) in criteria.enumerated() {
                summary.append("  \(c.name.text(lang))  \(ed.points[i]) / \(c.max)")
            }
            summary.append(lang.pick("总分：", "Total: ") + "\(input.total) / \(program.sheet.maxTotal)")
            if program.sheet.votes { summary.append(lang.pick("投票：", "Vote: ") + voteLabel(input.vote, lang)) }
            summary.append(lang.pick("评语：", "Comment: ") + (input.comment.isEmpty ? lang.pick("（无）", "(none)") : input.comment))
            summary.append(lang.pick("签名方式：", "Signing with: ") + b.signingDescription)
            if ed.wasSigned { summary.append(lang.pick("此记录将取代您先前签名的评分。", "This record supersedes your earlier signed sheet.")) }
            s.modal = .confirm(ConfirmState(pending: .score(input), summary: summary, record: record, scroll: 0))
        } catch {
            setMessage(&s, error.userMessage(lang), .error)
        }
        return []
    }

    public static func voteLabel(_ v: String?, _ lang: Language) -> String {
        switch v {
        case "recommend"?: return lang.pick("推荐", "recommend")
        case "reject"?: return lang.pick("不推荐", "reject")
        case "abstain"?: return lang.pick("弃权", "abstain")
        case nil: return lang.pick("（未投）", "(not cast)")
        case let other?: return other
        }
    }
}

// MARK: - View

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

/// Leaving a signed sheet with unsigned changes (issue 17): they do not count until signed.
public enum LeaveEditedView {
    public static func lines(_ lang: Language, _ dossier: String) -> [String] {
        [lang.pick("您修改了已签名的评分表 \(dossier)，修改尚未签名。", "You changed your signed sheet for \(dossier); the changes are not signed."),
         lang.pick("未签名的修改不计入：计入的仍是原签名评分。", "Unsigned changes do not count: your earlier signed sheet still does."),
         "",
         lang.pick("s  签名提交修改（先显示记录原文）", "s    sign the changes (the record is shown first)"),
         lang.pick("d  放弃修改，保留原签名评分", "d    discard the changes, keep the signed sheet"),
         lang.pick("Esc 继续编辑", "Esc  keep editing")]
    }

    public static func draw(_ g: inout Grid, _ s: AppState, _ dossier: String) {
        g.cursor = nil
        let text = lines(s.lang, dossier)
        let w = min(g.width - 4, max(40, (text.map { DisplayWidth.of($0) }.max() ?? 0) + 6))
        let h = text.count + 4
        let (ix, iy, iw, _) = Chrome.box(&g, x: (g.width - w) / 2, y: max(1, (g.height - h) / 2), w: w, h: h,
                                         title: s.lang.pick("未签名的修改", "Unsigned changes"))
        for (k, l) in text.enumerated() {
            g.put(DisplayWidth.truncate(l, to: iw), x: ix, y: iy + 1 + k, role: k < 2 ? .warning : .normal)
        }
    }
}
