import Foundation
import Panel
import Scoring
import Review

// The chair's finalization: its keys (the same as the sheet's: Tab/↓ to the reason, S-Tab/↑
// back, ←/→ the decision), its update (the warnings and the signing confirmation) and its view.

extension UI {
    // MARK: - Keys

    /// Keys taken before the keymap: the reason being typed, and Tab/↓, S-Tab/↑ between the
    /// decision and the reason. nil: the key goes to the keymap.
    static func finalizeKey(_ s: inout AppState, _ f: inout FinalizeState, _ key: Key) -> [Effect]? {
        if f.editingReason {
            return finalizeText(&s, &f, key)
        } else if !f.ties.isEmpty, [.tab, .down, .backTab, .up].contains(key) {
            // The same keys as the sheet (issue 17): Tab/↓ to the next field (this tie's
            // reason), S-Tab/↑ to the previous (the tie above's reason).
            if key == .tab || key == .down { f.editingReason = true }
            else if f.pos.selected > 0 { f.pos.selected -= 1; f.editingReason = true }
            return []
        }
        return nil
    }

    /// Typing a reason for the selected tie. Returns nil when the key is not for the editor.
    static func finalizeText(_ s: inout AppState, _ f: inout FinalizeState, _ key: Key) -> [Effect]? {
        guard f.ties.indices.contains(f.pos.selected) else { return nil }
        let t = f.ties[f.pos.selected]
        var r = f.reasons[t] ?? TextBuffer()
        switch key {
        case .tab, .down, .enter:
            // On to the next tie's decision (the last reason stays where it is).
            f.editingReason = false
            if f.pos.selected + 1 < f.ties.count { f.pos.selected += 1 }
            return []
        case .backTab, .up, .escape: f.editingReason = false; return []
        case .backspace: r.backspace()
        case .delete: r.deleteForward()
        case .left: r.left()
        case .right: r.right()
        case .home: r.home()
        case .end: r.end()
        default:
            guard let c = key.printable else { return nil }
            r.insert(c)
        }
        f.reasons[t] = r
        return []
    }

    // MARK: - Update

    static func openFinalize(_ s: inout AppState, _ b: ReviewBackend) {
        if s.finalized {
            say(&s, "排名已定稿签名", "The ranking is already finalized", .warning); return
        }
        if s.chair == nil { loadChair(&s, b) }
        let ties = s.chair?.ranking.entries.filter { $0.status == .tieAtCut }.map(\.dossier) ?? []
        pushOrReplace(&s, .finalize(FinalizeState(ties: ties)))
    }

    static func moveFinalize(_ s: AppState, _ f: inout FinalizeState, _ action: Action) {
        switch action {
        case .left, .right, .toggle:
            guard f.ties.indices.contains(f.pos.selected) else { break }
            let t = f.ties[f.pos.selected]
            let order: [String?] = [nil, "selected", "not-selected"]
            let cur = order.firstIndex(of: f.decisions[t]) ?? 0
            let next = action == .left ? (cur + order.count - 1) % order.count : (cur + 1) % order.count
            f.decisions[t] = order[next]
        default:
            f.pos.move(action, count: f.ties.count, height: s.bodyHeight)
        }
    }

    static func askToFinalize(_ s: inout AppState, _ f: FinalizeState, _ b: ReviewBackend) {
        let lang = s.lang
        for t in f.ties {
            if f.decisions[t] == nil {
                say(&s, "请先裁定并列的 \(t)：入选或不入选（←/→）", "Decide the tie of \(t) first: selected or not (←/→)", .warning); return
            }
            if (f.reasons[t]?.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                say(&s, "请写明裁定 \(t) 的理由（Tab 输入）", "Give a reason for the decision on \(t) (Tab to type)", .warning); return
            }
        }
        let res = f.resolutions
        do {
            let record = try b.previewFinalize(resolutions: res)
            var summary = [lang.pick("定稿：\(b.program.title.zh)，名额 \(b.program.quota)", "Final ranking: \(b.program.title.en), quota \(b.program.quota)")]
            // What is still missing comes first (issue 17): the chair finalized with 13 sheets
            // missing and 3 drafts unsigned, and nothing said so.
            let work = outstandingWork(s)
            if !work.missing.isEmpty {
                let n = work.missing.reduce(0) { $0 + $1.count }
                summary.append(lang.pick("⚠ 尚缺 \(n) 份评分表：", "⚠ \(n) sheets missing: ")
                               + work.missing.map { "\($0.member.name) \($0.count)" }.joined(separator: lang.pick("，", ", ")))
            }
            if !work.drafts.isEmpty {
                let n = work.drafts.reduce(0) { $0 + $1.count }
                summary.append(lang.pick("⚠ \(n) 份草稿未签名，不计入：", "⚠ \(n) drafts unsigned, not counted: ")
                               + work.drafts.map { "\($0.member.name) \($0.count)" }.joined(separator: lang.pick("，", ", ")))
            }
            if let entries = s.chair?.ranking.entries {
                summary.append(lang.pick("定稿名单：", "The final list:"))
                for e in entries where e.status == .selected || res[e.dossier]?.decision == "selected" {
                    let row = s.byID[e.dossier].map { s.all[$0] }
                    let unit = row.map { $0.employer.isEmpty ? "" : lang.pick("（\($0.employer)）", " (\($0.employer))") } ?? ""
                    let score = b.othersVisible(e.dossier) ? e.score?.rounded2() ?? "—" : ChairViews.hiddenWord(lang)
                    summary.append("  \(e.rank). \(e.dossier) \(row?.name ?? e.name)\(unit)  \(score)")
                }
            }
            for t in f.ties.sorted() {
                let r = res[t]!
                summary.append("  \(t)" + lang.pick("：", ": ") + (r.decision == "selected" ? lang.pick("入选", "selected") : lang.pick("不入选", "not selected")) + " — " + r.reason)
            }
            summary.append(lang.pick("定稿签名后不可撤回。", "A signed finalization cannot be undone."))
            summary.append(lang.pick("签名方式：", "Signing with: ") + b.signingDescription)
            s.modal = .confirm(ConfirmState(pending: .finalize(res), summary: summary, record: record, scroll: 0))
        } catch {
            setMessage(&s, error.userMessage(lang), .error)
        }
    }

    /// Per scoring member, the dossiers in the running they have not signed a sheet for (nor
    /// recused from), and those of them with an unsigned draft, from the chair's progress table.
    static func outstandingWork(_ s: AppState) -> (missing: [(member: Member, count: Int)], drafts: [(member: Member, count: Int)]) {
        guard let chair = s.chair else { return ([], []) }
        var missing: [(Member, Int)] = [], drafts: [(Member, Int)] = []
        for (j, m) in chair.members.enumerated() {
            var todo = 0, draft = 0
            for (i, row) in s.all.enumerated() where chair.rankIndex[row.id] != nil && i < chair.progress.count && j < chair.progress[i].count {
                switch chair.progress[i][j] {
                case .todo: todo += 1
                case .draft: draft += 1
                default: break
                }
            }
            if todo + draft > 0 { missing.append((m, todo + draft)) }
            if draft > 0 { drafts.append((m, draft)) }
        }
        return (missing, drafts)
    }
}

// MARK: - View

extension ChairViews {

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
