import Panel

/// The `?` help overlay: every binding of the screen underneath, from the one keymap table.
public enum HelpView {
    public static func lines(_ s: AppState, role: Role? = nil) -> [(String, String)] {
        let lang = s.lang
        let ctx: KeyContext = s.searching ? .search : s.top.context
        var out: [(String, String)] = []
        var seen = Set<String>()
        for bnd in Keymap.bindings(in: ctx) where role.map({ Permissions.allowed(bnd.action, role: $0) }) ?? true {
            let k = bnd.label + "|" + bnd.hint(lang)
            if seen.insert(k).inserted { out.append((bnd.label, bnd.hint(lang))) }
        }
        if ctx == .sheet {
            out.append(("0-9", lang.pick("在评分项中输入分数（不超过该项满分）", "type points in a criterion (up to its maximum)")))
            out.append(("Backspace", lang.pick("删除", "delete")))
            out.append(("1/2/3", lang.pick("投票：推荐/不推荐/弃权", "vote: recommend/reject/abstain")))
            out.append(("Enter", lang.pick("评语中换行；回避项中勾选或取消勾选（回避一经签名不可撤回）", "new line in the comment; mark or unmark a conflict (a signed recusal is final)")))
        }
        if ctx == .finalize { out.append(("Tab", lang.pick("填写或结束填写裁定理由", "type or finish the reason"))) }
        if ctx == .form {
            out.append(("Enter", lang.pick("导入：读取文件并预览；其他表单：下一项（勾选框：勾选）", "import: read the file for the preview; other forms: next field (a box: tick it)")))
            out.append(("", lang.pick("文字项中 q 和 ? 是文字；帮助用 F1。检查未通过或签名失败时，已填写的内容都保留。", "In a text field q and ? are text; F1 is help. A refusal or a failed signature keeps everything typed.")))
        }
        if ctx == .desk { out.append(("1-6", lang.pick("直接打开对应的一步", "open that step"))) }
        if ctx == .groups { out.append(("", lang.pick("每个专业组：已签/应签（按分配），组内 Kendall W（带 * 为不完全排序的 W，Durbin 检验），离群评分表，名额线稳定性，落后的评委及其未完成份数。", "Each group: signed/expected (by the assignment), Kendall's W within it (W* is W for incomplete rankings, Durbin's test), outlier sheets, stability at the quota line, the members behind with how many are open."))) }
        out.append(("", ""))
        out.append(("", lang.pick("状态：待评、草稿、已签、回避（文字标明，不只靠颜色）。", "Status: to do, draft, signed, recused (always written, not only coloured).")))
        out.append(("", lang.pick("草稿随输入自动保存；断线、窗口变化都不会丢失。", "Drafts save as you type; a disconnect or resize loses nothing.")))
        out.append(("", lang.pick("签名前会显示将要签名的完整记录，按 y 才签名。", "Before signing you see the exact record; only y signs it.")))
        return out
    }

    public static func draw(_ g: inout Grid, _ s: AppState, role: Role? = nil) {
        g.cursor = nil
        Chrome.clearBody(&g)
        let w = min(g.width - 4, 76)
        let h = g.height - 4
        let x = (g.width - w) / 2
        let (ix, iy, iw, ih) = Chrome.box(&g, x: x, y: 2, w: w, h: h, title: s.lang.pick("帮助：按键（Esc 或 ? 关闭）", "Help: keys (Esc or ? closes)"))
        guard case .help(let scroll)? = s.modal else { return }
        var rows: [(String, String)] = []
        let keyW = 12
        for (k, t) in lines(s, role: role) {
            let wrapped = TextLayout.wrap(t, width: max(4, iw - keyW - 1))
            for (i, l) in wrapped.enumerated() { rows.append((i == 0 ? k : "", l)) }
            if wrapped.isEmpty { rows.append((k, "")) }
        }
        let top = max(0, min(scroll, rows.count - ih))
        for (k, r) in rows[top..<min(rows.count, top + ih)].enumerated() {
            g.put(DisplayWidth.truncate(r.0, to: keyW), x: ix, y: iy + k, role: .key)
            g.put(r.1, x: ix + keyW + 1, y: iy + k, role: .normal)
        }
    }
}

/// The confirmation before signing: a summary and the exact record text.
public enum ConfirmView {
    public static func innerWidth(_ s: AppState) -> Int { max(10, min(s.cols - 4, 110) - 4) }
    public static func bodyHeight(_ s: AppState) -> Int { max(1, s.rows - 4 - 2 - 2) }

    public static func bodyLines(_ s: AppState, _ c: ConfirmState, width: Int) -> [(String, StyleRole)] {
        let lang = s.lang
        var out: [(String, StyleRole)] = []
        for l in c.summary { out += TextLayout.wrap(l, width: width).map { ($0, StyleRole.normal) } }
        // An import or a roster change has no record to show before it is signed (the intake
        // record names files staged at signing): the summary says what it holds.
        if c.record.isEmpty { return out }
        out.append(("", .normal))
        out.append((lang.pick("—— 将要签名的记录原文 ——", "—— the exact record that will be signed ——"), .header))
        // Hard wrap by cells so that every byte of the record is shown as it is.
        var line = ""
        var lw = 0
        for ch in c.record {
            if ch == "\n" { out.append((line, .dim)); line = ""; lw = 0; continue }
            let cw = DisplayWidth.of(ch)
            if lw + cw > width { out.append((line, .dim)); line = ""; lw = 0 }
            line.append(ch); lw += cw
        }
        if !line.isEmpty { out.append((line, .dim)) }
        return out
    }

    public static func draw(_ g: inout Grid, _ s: AppState, _ c: ConfirmState) {
        g.cursor = nil
        Chrome.clearBody(&g)
        let lang = s.lang
        let w = min(g.width - 4, 110)
        let x = (g.width - w) / 2
        let h = g.height - 4
        let title: String
        switch c.pending {
        case .score: title = lang.pick("确认签名评分表", "Sign this scoring sheet?")
        case .recuse: title = lang.pick("确认签名回避声明", "Sign this declaration of conflict?")
        case .finalize: title = lang.pick("确认签名定稿排名", "Sign the final ranking?")
        case .secretary(let a):
            switch a {
            case .importFile: title = lang.pick("确认签署导入记录", "Sign the intake record?")
            case .eligibility: title = lang.pick("确认签署资格审核决定", "Sign the qualification decisions?")
            case .publicity: title = lang.pick("确认签署社会公示", "Sign the public notice?")
            case .objection: title = lang.pick("确认签署公示异议", "Sign the objection?")
            case .addMember: title = lang.pick("确认签署成员添加", "Sign the member-add?")
            case .removeMember: title = lang.pick("确认签署成员移除", "Sign the removal?")
            case .assign: title = lang.pick("确认签署分配记录", "Sign the assignment?")
            }
        }
        let (ix, iy, iw, ih) = Chrome.box(&g, x: x, y: 2, w: w, h: h, title: title)
        let lines = bodyLines(s, c, width: iw)
        let bh = ih - 2
        let top = max(0, min(c.scroll, lines.count - bh))
        for (k, l) in lines[top..<min(lines.count, top + bh)].enumerated() {
            g.put(l.0, x: ix, y: iy + k, role: l.1)
        }
        if top + bh < lines.count {
            g.put(lang.pick("↓ 还有 \(lines.count - top - bh) 行（↓ 滚动）", "↓ \(lines.count - top - bh) more lines (↓ scrolls)"), x: ix, y: iy + bh, role: .dim)
        }
        let prompt = lang.pick("按 y 确认签名；按 n 或 Esc 取消（不签名）", "Press y to sign; n or Esc cancels (nothing is signed)")
        g.put(prompt, x: ix, y: iy + ih - 1, role: .warning)
    }
}
