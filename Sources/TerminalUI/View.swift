import Panel
import Review
import Scoring

extension UI {
    /// Draws the whole screen. Pure: the same state and backend give the same grid.
    public static func view(_ s: AppState, _ b: ReviewBackend) -> Grid {
        var g = Grid(width: s.cols, height: s.rows)
        if s.tooSmall {
            Chrome.tooSmall(&g, s)
            return g
        }
        Chrome.titleBar(&g, s, b)
        switch s.top {
        case .list: ListView.draw(&g, s, b)
        case .dossier(let id, let scroll): DossierView.draw(&g, s, b, id, scroll)
        case .sheet(let ed): SheetView.draw(&g, s, b, ed)
        case .progress(let p, let col): ChairViews.progress(&g, s, b, p, col)
        case .ranking(let p): ChairViews.ranking(&g, s, b, p)
        case .breakdown(let id, let p): ChairViews.breakdown(&g, s, b, id, p)
        case .finalize(let f): ChairViews.finalize(&g, s, b, f)
        case .eligibility(let p): SecretaryViews.eligibility(&g, s, b, p)
        case .objections(let p): SecretaryViews.objections(&g, s, b, p)
        case .desk(let p): SecretaryViews.desk(&g, s, b, p)
        case .form(let f): FormView.draw(&g, s, b, f)
        case .roster(let p): SecretaryViews.roster(&g, s, b, p)
        case .groups(let p): ChairViews.groups(&g, s, b, p)
        case .assignment(let scroll): SecretaryViews.assignment(&g, s, b, scroll)
        }
        Chrome.messageLine(&g, s, b)
        Chrome.hintBar(&g, s, b)
        switch s.modal {
        case .help?: HelpView.draw(&g, s, role: b.me.role)
        case .confirm(let c)?: ConfirmView.draw(&g, s, c)
        case .leaveEdited(let d)?: LeaveEditedView.draw(&g, s, d)
        case nil: break
        }
        return g
    }

    public static func screenName(_ sc: Screen, _ lang: Language) -> String {
        switch sc {
        case .list: return lang.pick("申报列表", "Dossiers")
        case .dossier: return lang.pick("申报材料", "Dossier")
        case .sheet: return lang.pick("评分表", "Scoring sheet")
        case .progress: return lang.pick("评审进度", "Progress")
        case .ranking: return lang.pick("排名", "Ranking")
        case .breakdown: return lang.pick("评分明细", "Breakdown")
        case .finalize: return lang.pick("定稿", "Finalize")
        case .eligibility: return lang.pick("资格审核", "Qualification")
        case .objections: return lang.pick("公示异议", "Objections")
        case .desk: return lang.pick("秘书工作台", "Secretary's desk")
        case .form(let f): return UI.formTitle(f.kind, lang)
        case .roster: return lang.pick("成员名册", "Roster")
        case .groups: return lang.pick("分组进度", "Progress by group")
        case .assignment: return lang.pick("专业组分配", "Assignment")
        }
    }
}

/// Title bar, message line, hint bar, the too-small message: the frame around every screen.
public enum Chrome {
    public static func tooSmall(_ g: inout Grid, _ s: AppState) {
        let text = s.lang.pick("窗口太小：至少需要 80×24，当前 \(s.cols)×\(s.rows)。请放大窗口，放大后自动恢复。",
                               "Window too small: needs at least 80×24, now \(s.cols)×\(s.rows). Enlarge it and the screen comes back.")
        let lines = TextLayout.wrap(text, width: max(1, s.cols - 2))
        let top = max(0, (s.rows - lines.count) / 2)
        for (i, l) in lines.enumerated() {
            let x = max(0, (s.cols - DisplayWidth.of(l)) / 2)
            g.put(l, x: x, y: top + i, role: .warning)
        }
    }

    public static func titleBar(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend) {
        let lang = s.lang
        g.fill(x: 0, y: 0, count: g.width, role: .title)
        let p = b.program
        var left = " " + lang.pick("评审", "pingshen") + " · " + p.title.text(lang)
        if let y = p.year { left += " \(y)" }
        var right = b.me.name + lang.pick("（", " (") + UI.roleName(b.me.role, lang) + lang.pick("）", ")") + " · " + UI.screenName(s.top, lang)
        // Under an assignment (issue 13), the list's title carries my counts.
        if case .list = s.top, s.assignedOnly { right += " · " + UI.assignedCounts(s) }
        if s.finalized { right = lang.pick("已定稿 · ", "finalized · ") + right }
        if s.checkingStore { right = lang.pick("核对记录文件中… · ", "checking record files… · ") + right }
        right += " "
        // No silent partial results: on a store with problems the bar says so first, in the
        // warning colour (records with a problem are not counted anywhere on screen).
        // A fork (issue 14): the member who signed two different records at one seq, named.
        let banner = forkBanner(s) + (s.storeProblems > 0
            ? lang.pick(" ⚠ 评审库有 \(s.storeProblems) 个问题，结果不完整（pingshen verify） ", " ⚠ store has \(s.storeProblems) problems; results incomplete (pingshen verify) ")
            : "")
        let bw = DisplayWidth.of(banner)
        let rw = DisplayWidth.of(right)
        let room = max(0, g.width - rw - bw - 1)
        if bw > 0 { g.put(DisplayWidth.truncate(banner, to: g.width), x: 0, y: 0, role: .warning) }
        g.put(DisplayWidth.truncate(left, to: room), x: min(bw, g.width), y: 0, role: .title)
        g.put(right, x: max(0, g.width - rw), y: 0, role: .title)
    }

    /// " ⚠ fork: m1 signed two different records at seq 1 (pingshen sync) ", or for several
    /// " ⚠ forks: m1 seq 1, m3 seq 7 … (pingshen sync) "; empty without a fork.
    static func forkBanner(_ s: AppState) -> String {
        let lang = s.lang
        guard let first = s.forks.first else { return "" }
        if s.forks.count == 1 {
            return lang.pick(" ⚠ 分叉：成员 \(first.member) 在序号 \(first.seq) 签了两份不同的记录（pingshen sync） ",
                             " ⚠ fork: member \(first.member) signed two different records at seq \(first.seq) (pingshen sync) ")
        }
        let shown = s.forks.prefix(3).map { lang.pick("\($0.member) 序号 \($0.seq)", "\($0.member) seq \($0.seq)") }
        let more = s.forks.count > 3 ? lang.pick(" 等 \(s.forks.count) 处", " and \(s.forks.count - 3) more") : ""
        return lang.pick(" ⚠ 分叉：\(shown.joined(separator: "、"))\(more) 各签了两份不同的记录（pingshen sync） ",
                         " ⚠ forks: \(shown.joined(separator: ", "))\(more), each signed twice differently (pingshen sync) ")
    }

    public static func messageLine(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend) {
        let y = g.height - 2
        g.fill(x: 0, y: y, count: g.width, role: .normal)
        if s.searching {
            let label = s.lang.pick("搜索：", "Search: ")
            let w = g.put(label, x: 0, y: y, role: .key)
            let q = s.query
            let room = g.width - w - 2
            var shown = q
            while DisplayWidth.of(shown) > room, !shown.isEmpty { shown.removeFirst() }
            let qw = g.put(shown, x: w, y: y, role: .input)
            g.put(" ", x: w + qw, y: y, role: .focus)
            g.cursor = (w + qw, y)
            return
        }
        if let m = s.message {
            g.put(DisplayWidth.truncate(m.replacingOccurrences(of: "\n", with: " "), to: g.width), x: 0, y: y, role: s.messageRole)
        } else if s.modal == nil, case .list = s.top {
            g.put(DisplayWidth.truncate(ListView.footer(s, b), to: g.width), x: 0, y: y, role: .dim)
        }
    }

    public static func hintBar(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend) {
        let y = g.height - 1
        g.fill(x: 0, y: y, count: g.width, role: .hint)
        let role = b.me.role
        if case .leaveEdited? = s.modal {
            // The question's own answers (the confirmation's y/n are no answer here).
            drawHints(&g, [("s", s.lang.pick("签名提交修改", "sign the changes")), ("d", s.lang.pick("放弃修改", "discard them")),
                           ("Esc", s.lang.pick("继续编辑", "keep editing"))], y)
            return
        }
        var ctx = s.context
        if case .sheet(let ed) = s.top, s.modal == nil {
            // In the sheet the hints depend on the field.
            ctx = .sheet
            var parts: [(String, String)] = []
            switch ed.focus {
            case .criterion: parts.append(("0-9", s.lang.pick("输入分数", "type points")))
            case .vote: parts.append(("←/→ 1-3", s.lang.pick("投票", "vote")))
            case .comment, .reason: parts.append(("", s.lang.pick("直接输入文字", "type text")))
            case .conflict: parts.append(("Enter", s.lang.pick("勾选回避（签名后不可撤回）", "mark conflict (final once signed)")))
            }
            let text = ed.focus == .comment || ed.focus == .reason
            let bar = Keymap.hintBar(ctx, s.lang)
            parts += bar.filter { !Keymap.pinned.contains($0.action) }.map { ($0.key, $0.text) }
            // In a text field q is text, so the bar does not offer it there.
            var pinned: [(String, String)] = [("F1", s.lang.pick("帮助", "help"))]
            if !text { pinned += bar.filter { $0.action == .quit }.map { ($0.key, $0.text) } }
            drawHints(&g, parts, pinned: pinned, y)
            return
        }
        let bar = Keymap.hintBar(ctx, s.lang) { Permissions.allowed($0, role: role) }
        if case .form(let f) = s.top, s.modal == nil {
            // In a text field `q` and `?` are text: help is F1 there (as in the sheet).
            var parts = bar.filter { !Keymap.pinned.contains($0.action) }.map { ($0.key, $0.text) }
            if f.kind == .importFile { parts.insert(("Enter", s.lang.pick("预览", "preview")), at: 0) }
            let pinned: [(String, String)] = f.editingText ? [("F1", s.lang.pick("帮助", "help"))]
                : bar.filter { Keymap.pinned.contains($0.action) }.map { ($0.key, $0.text) }
            drawHints(&g, parts, pinned: pinned, y)
            return
        }
        drawHints(&g, bar.filter { !Keymap.pinned.contains($0.action) }.map { ($0.key, $0.text) },
                  pinned: bar.filter { Keymap.pinned.contains($0.action) }.map { ($0.key, $0.text) }, y)
    }

    /// Draws the hints left to right and the pinned ones (help, quit) after them. The pinned
    /// hints are never dropped (issue 17): at 80 columns the other hints give way to them, and
    /// below that they are drawn alone, truncated only when even they do not fit.
    static func drawHints(_ g: inout Grid, _ parts: [(String, String)], pinned: [(String, String)] = [], _ y: Int) {
        func width(_ p: (String, String)) -> Int { DisplayWidth.of(p.0) + (p.0.isEmpty ? 0 : 1) + DisplayWidth.of(p.1) + 2 }
        let reserved = pinned.reduce(0) { $0 + width($1) }
        var x = 1
        func draw(_ p: (String, String)) {
            guard x < g.width else { return }
            if !p.0.isEmpty { x += g.put(p.0, x: x, y: y, role: .key, maxWidth: g.width - x); x += 1 }
            guard x < g.width else { return }
            x += g.put(p.1, x: x, y: y, role: .hint, maxWidth: g.width - x)
            x += 2
        }
        for p in parts {
            if x + width(p) + reserved > g.width { break }
            draw(p)
        }
        for p in pinned { draw(p) }
    }

    /// Blanks everything between the title bar and the message line (behind an overlay).
    public static func clearBody(_ g: inout Grid) {
        for y in 1..<max(1, g.height - 2) { g.fill(x: 0, y: y, count: g.width, role: .normal) }
    }

    /// A column header row.
    public static func header(_ g: inout Grid, _ cols: [(String, Int)], y: Int, x0: Int = 1) {
        g.fill(x: 0, y: y, count: g.width, role: .header)
        var x = x0
        for (t, w) in cols {
            g.put(DisplayWidth.pad(t, to: w), x: x, y: y, role: .header, maxWidth: w)
            x += w + 1
        }
    }

    /// A box with a title, for overlays. Returns the inner rectangle (x, y, w, h).
    @discardableResult
    public static func box(_ g: inout Grid, x: Int, y: Int, w: Int, h: Int, title: String) -> (Int, Int, Int, Int) {
        for row in y..<(y + h) { g.fill(x: x, y: row, count: w, role: .normal) }
        let horiz = String(repeating: "─", count: max(0, w - 2))
        g.put("┌" + horiz + "┐", x: x, y: y, role: .border)
        for row in (y + 1)..<(y + h - 1) {
            g.put("│", x: x, y: row, role: .border)
            g.put("│", x: x + w - 1, y: row, role: .border)
        }
        g.put("└" + horiz + "┘", x: x, y: y + h - 1, role: .border)
        let t = " " + DisplayWidth.truncate(title, to: w - 6) + " "
        g.put(t, x: x + 2, y: y, role: .header)
        return (x + 2, y + 1, w - 4, h - 2)
    }
}
