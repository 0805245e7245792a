import Foundation
import Panel
import Scoring
import Review

/// What the runtime does for the update function (the only writes).
public enum Effect: Equatable, Sendable {
    case saveDraft(SheetInput)
    case sign(SheetInput)
    case recuse(dossier: String, reason: String)
    case finalize([String: TieResolution])
    /// Deletes my draft of a dossier (unsigned changes to a signed sheet, discarded).
    case discardDraft(String)
    /// Keeps my language and theme for the next session (and applies the theme).
    case savePreferences(MemberPreferences)
    case quit
}

/// Who may do what.
public enum Permissions {
    public static func canScore(_ r: Role) -> Bool { r == .member || r == .chair }
    public static func canOversee(_ r: Role) -> Bool { r == .chair || r == .secretary || r == .approver }
    public static func canFinalize(_ r: Role) -> Bool { r == .chair }
    public static func canQualify(_ r: Role) -> Bool { r == .chair || r == .secretary || r == .approver }

    public static func allowed(_ a: Action, role r: Role) -> Bool {
        switch a {
        case .score: return canScore(r)
        case .progress, .ranking: return canOversee(r)
        case .finalize: return canFinalize(r)
        case .eligibility, .objections: return canQualify(r)
        case .breakdown: return true
        default: return true
        }
    }
}

/// State → update → view. `update` reads the backend (queries only) and returns the effects
/// (writes) for the runtime to perform; it never writes itself.
public enum UI {
    // MARK: - Data

    /// Rebuilds the list rows (and the chair's data when loaded) from the backend.
    public static func reload(_ s: inout AppState, _ b: ReviewBackend) {
        let scorer = Permissions.canScore(b.me.role)
        let ds = b.dossiers
        var rows: [ListRow] = []
        rows.reserveCapacity(ds.count)
        var byID: [String: Int] = [:]
        for (i, d) in ds.enumerated() {
            let hay = UI.searchFold([d.id, d.name, d.employer, d.field, d["title"] ?? "", d["recommender"] ?? ""].joined(separator: "\u{1F}"))
            let status = scorer ? b.status(d.id) : .todo
            let outcome = scorer ? nil : b.eligibility(d.id)?.outcome
            rows.append(ListRow(id: d.id, name: d.name, employer: d.employer, field: d.field,
                                status: status, state: scorer ? b.memberState(d.id) : .todo,
                                eligible: outcome.map { $0 == .eligible }, outcome: outcome, haystack: hay,
                                updated: status == .signed && b.dossierUpdated(d.id)))
            byID[d.id] = i
        }
        s.all = rows
        s.byID = byID
        var counts: [SheetStatus: Int] = [:]
        for r in rows { counts[r.status, default: 0] += 1 }
        s.counts = counts
        s.states = Set(rows.map(\.state))
        s.doneCount = rows.filter(\.state.done).count
        s.anyUpdated = rows.contains(where: \.updated)
        s.finalized = b.finalized
        s.checkingStore = b.checkingStore
        s.storeProblems = b.storeProblems
        refilter(&s)
        if s.chair != nil { loadChair(&s, b) }
        if s.stack.contains(where: { if case .objections = $0 { return true } else { return false } }) {
            s.objections = b.objections()
        }
    }

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

    // MARK: - Mouse (issue 17)

    /// The wheel scrolls what ↑/↓ scroll (three rows a notch); a press selects a list row, and
    /// a press on the row already selected opens it; in the sheet a press focuses the field.
    /// Text fields keep their text: a press never types, and the wheel does not leave a field.
    static func mouse(_ s: inout AppState, _ m: Mouse, _ b: ReviewBackend) -> [Effect] {
        switch m.kind {
        case .wheelUp, .wheelDown:
            if case .sheet = s.top, s.modal == nil { return [] }
            if case .finalize = s.top, s.modal == nil { return [] }
            if s.searching { return [] }
            var fx: [Effect] = []
            for _ in 0..<3 { fx += handleKey(&s, m.kind == .wheelUp ? .up : .down, b) }
            return fx
        case .press:
            guard s.modal == nil, !s.searching else { return [] }
            switch s.top {
            case .list:
                let row = m.y - 2
                guard row >= 0, row < s.bodyHeight else { return [] }
                var pos = s.list
                pos.clamp(count: s.visible.count, height: s.bodyHeight)
                let i = pos.scroll + row
                guard s.visible.indices.contains(i) else { return [] }
                if i == s.list.selected { return handleKey(&s, .enter, b) }
                s.list.selected = i
                s.list.clamp(count: s.visible.count, height: s.bodyHeight)
            case .sheet(var ed):
                if ed.lock == nil, let f = SheetView.field(at: m.y, s, b, ed) {
                    ed.focus = f
                    s.stack[s.stack.count - 1] = .sheet(ed)
                }
            default:
                break
            }
            return []
        }
    }

    /// The theme to keep: a built-in one only (a --theme file is not remembered).
    static func builtInTheme(_ s: AppState) -> String? { MemberPreferences.themes.contains(s.themeName) ? s.themeName : nil }

    static func loadChair(_ s: inout AppState, _ b: ReviewBackend) {
        let ranking = b.ranking()
        let members = b.roster.members.filter { Permissions.canScore($0.role) }
        var progress: [[SheetStatus]] = []
        progress.reserveCapacity(s.all.count)
        var counts = Array(repeating: [SheetStatus: Int](), count: members.count)
        for row in s.all {
            var line: [SheetStatus] = []
            line.reserveCapacity(members.count)
            for (j, m) in members.enumerated() {
                let st = b.progressStatus(member: m.id, dossier: row.id)
                line.append(st)
                counts[j][st, default: 0] += 1
            }
            progress.append(line)
        }
        var rankIndex: [String: Int] = [:]
        for (i, e) in ranking.entries.enumerated() { rankIndex[e.dossier] = i }
        s.chair = ChairData(ranking: ranking, report: PanelReport(b.statistics(), roster: b.roster), members: members, progress: progress, counts: counts, rankIndex: rankIndex)
    }

    // MARK: - Update

    @discardableResult
    public static func update(_ s: inout AppState, _ event: Event, _ b: ReviewBackend) -> [Effect] {
        switch event {
        case .resize(let c, let r):
            s.cols = c; s.rows = r
            clampAll(&s, b)
            return []
        case .dataChanged:
            reload(&s, b)
            clampAll(&s, b)
            return []
        case .done(let result):
            return finished(&s, result, b)
        case .mouse(let m):
            if s.tooSmall { return [] }
            return mouse(&s, m, b)
        case .key(let key):
            if key == .resize { return [] }
            if s.tooSmall { return [] }   // only the size message is shown; keys wait
            let before = s.messageSeq
            let effects = handleKey(&s, key, b)
            if s.messageSeq == before, s.modal == nil, !s.busy { s.message = nil }
            return effects
        }
    }

    static func say(_ s: inout AppState, _ zh: String, _ en: String, _ role: StyleRole = .message) {
        setMessage(&s, s.lang.pick(zh, en), role)
    }

    public static func setMessage(_ s: inout AppState, _ text: String, _ role: StyleRole) {
        s.message = text; s.messageRole = role; s.messageSeq += 1
    }

    static func finished(_ s: inout AppState, _ r: EffectResult, _ b: ReviewBackend) -> [Effect] {
        s.busy = false
        switch r {
        case .draftSaved(let d):
            if case .sheet(var ed) = s.top, ed.dossier == d { ed.saved = true; s.stack[s.stack.count - 1] = .sheet(ed) }
            if let i = s.byID[d] {
                s.all[i].status = b.status(d); s.all[i].state = b.memberState(d)
                s.states.insert(s.all[i].state)
                s.doneCount = s.all.filter(\.state.done).count   // once per saved draft, not per frame
            }
        case .draftDiscarded(let d):
            if case .sheet(let ed) = s.top, ed.dossier == d { s.stack.removeLast() }
            reload(&s, b)
            say(&s, "已放弃未签名的修改：\(d) 仍按原签名评分计", "Unsigned changes discarded: \(d) counts as signed before")
        case .signed(let d, let path):
            if case .sheet(let ed) = s.top, ed.dossier == d { s.stack.removeLast() }
            reload(&s, b)
            say(&s, "已签名并保存：\(d)（\(path)）", "Signed and saved: \(d) (\(path))", .signed)
        case .recused(let d):
            if case .sheet(let ed) = s.top, ed.dossier == d { s.stack.removeLast() }
            reload(&s, b)
            say(&s, "已签名回避声明：\(d)", "Recusal signed: \(d)", .recused)
        case .finalized(let path):
            if case .finalize = s.top { s.stack.removeLast() }
            reload(&s, b)
            say(&s, "已签名定稿：\(path)", "Final ranking signed: \(path)", .signed)
        case .failed(let msg):
            if case .sheet(var ed) = s.top { ed.saved = false; s.stack[s.stack.count - 1] = .sheet(ed) }
            setMessage(&s, msg, .error)
        }
        return []
    }

    static func clampAll(_ s: inout AppState, _ b: ReviewBackend) {
        s.list.clamp(count: s.visible.count, height: s.bodyHeight)
        for i in s.stack.indices {
            switch s.stack[i] {
            case .dossier(let id, let scroll):
                s.stack[i] = .dossier(id: id, scroll: clampDossierScroll(s, b, id, scroll))
            case .progress(var p, let col):
                p.clamp(count: s.all.count, height: s.bodyHeight - 1)
                s.stack[i] = .progress(p, column: max(0, min(col, max(0, (s.chair?.members.count ?? 1) - 1))))
            case .ranking(var p):
                p.clamp(count: s.chair?.ranking.entries.count ?? 0, height: rankingHeight(s))
                s.stack[i] = .ranking(p)
            case .breakdown(let id, var p):
                p.clamp(count: b.panelSheets(id).count, height: breakdownHeight(s))
                s.stack[i] = .breakdown(id: id, p)
            case .eligibility(var p):
                p.clamp(count: s.all.count, height: s.bodyHeight - 4)
                s.stack[i] = .eligibility(p)
            case .objections(var p):
                p.clamp(count: s.objections.count, height: s.bodyHeight - 4)
                s.stack[i] = .objections(p)
            case .finalize(var f):
                f.pos.clamp(count: f.ties.count, height: s.bodyHeight)
                s.stack[i] = .finalize(f)
            case .list, .sheet:
                break
            }
        }
        if case .confirm(var c)? = s.modal {
            c.scroll = min(c.scroll, max(0, confirmLineCount(s, c) - 1))
            s.modal = .confirm(c)
        }
    }

    static func clampDossierScroll(_ s: AppState, _ b: ReviewBackend, _ id: String, _ scroll: Int) -> Int {
        let n = DossierView.lines(s, b, id).count
        return max(0, min(scroll, n - s.bodyHeight))
    }

    static func rankingHeight(_ s: AppState) -> Int { max(1, s.bodyHeight - max(6, s.bodyHeight / 3)) }
    static func breakdownHeight(_ s: AppState) -> Int { max(1, s.bodyHeight - 6) }

    static func confirmLineCount(_ s: AppState, _ c: ConfirmState) -> Int {
        ConfirmView.bodyLines(s, c, width: ConfirmView.innerWidth(s)).count
    }

    // MARK: - Keys

    static func handleKey(_ s: inout AppState, _ key: Key, _ b: ReviewBackend) -> [Effect] {
        // Modals first.
        if case .confirm(var c)? = s.modal {
            switch Keymap.action(for: key, in: .confirm) {
            case .confirmYes?:
                s.modal = nil
                s.busy = true
                say(&s, "正在签名…", "Signing…")
                switch c.pending {
                case .score(let input): return [.sign(input)]
                case .recuse(let d, let reason): return [.recuse(dossier: d, reason: reason)]
                case .finalize(let res): return [.finalize(res)]
                }
            case .confirmNo?:
                s.modal = nil
                say(&s, "已取消，未签名", "Cancelled; nothing was signed")
            case let a? where [.up, .down, .pageUp, .pageDown, .top, .bottom].contains(a):
                let n = confirmLineCount(s, c)
                let h = ConfirmView.bodyHeight(s)
                switch a {
                case .up: c.scroll -= 1
                case .down: c.scroll += 1
                case .pageUp: c.scroll -= max(1, h - 1)
                case .pageDown: c.scroll += max(1, h - 1)
                case .top: c.scroll = 0
                default: c.scroll = n
                }
                c.scroll = max(0, min(c.scroll, max(0, n - h)))
                s.modal = .confirm(c)
            default:
                say(&s, "按 y 确认签名，按 n 或 Esc 取消", "Press y to sign, n or Esc to cancel", .warning)
            }
            return []
        }
        if case .leaveEdited(let d)? = s.modal {
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
        if case .help(var scroll)? = s.modal {
            switch Keymap.action(for: key, in: .help) {
            case .back?: s.modal = nil
            case .up?: scroll = max(0, scroll - 1); s.modal = .help(scroll: scroll)
            case .down?: scroll += 1; s.modal = .help(scroll: min(scroll, max(0, HelpView.lines(s, role: b.me.role).count - 1)))
            case .pageDown?: s.modal = .help(scroll: min(scroll + 10, max(0, HelpView.lines(s, role: b.me.role).count - 1)))
            case .pageUp?: s.modal = .help(scroll: max(0, scroll - 10))
            case .top?: s.modal = .help(scroll: 0)
            default: break
            }
            return []
        }
        if s.searching { return searchKey(&s, key) }
        if case .sheet(var ed) = s.top {
            let effects = sheetKey(&s, &ed, key, b)
            if case .sheet = s.top { s.stack[s.stack.count - 1] = .sheet(ed) }
            return effects
        }
        if case .finalize(var f) = s.top {
            if f.editingReason {
                if let effects = finalizeText(&s, &f, key) {
                    s.stack[s.stack.count - 1] = .finalize(f)
                    return effects
                }
            } else if !f.ties.isEmpty, [.tab, .down, .backTab, .up].contains(key) {
                // The same keys as the sheet (issue 17): Tab/↓ to the next field (this tie's
                // reason), S-Tab/↑ to the previous (the tie above's reason).
                if key == .tab || key == .down { f.editingReason = true }
                else if f.pos.selected > 0 { f.pos.selected -= 1; f.editingReason = true }
                s.stack[s.stack.count - 1] = .finalize(f)
                return []
            }
        }
        let ctx = s.top.context
        guard let action = Keymap.action(for: key, in: ctx) else {
            if key.printable != nil || key == .enter {
                say(&s, "此处没有这个键；按 ? 查看帮助", "That key does nothing here; press ? for help", .warning)
            }
            return []
        }
        if !Permissions.allowed(action, role: b.me.role) {
            say(&s, "您的角色（\(roleName(b.me.role, .zh))）不能使用此功能", "Your role (\(roleName(b.me.role, .en))) cannot use this", .warning)
            return []
        }
        return perform(&s, action, b)
    }

    static func perform(_ s: inout AppState, _ action: Action, _ b: ReviewBackend) -> [Effect] {
        switch action {
        case .help:
            s.modal = .help(scroll: 0)
            return []
        case .language:
            s.lang = s.lang == .zh ? .en : .zh
            say(&s, "界面语言：中文（按 L 切换）", "Language: English (L switches)")
            return [.savePreferences(MemberPreferences(lang: s.lang == .zh ? "zh" : "en", theme: builtInTheme(s)))]
        case .theme:
            let names = MemberPreferences.themes
            s.themeName = names[((names.firstIndex(of: s.themeName) ?? -1) + 1) % names.count]
            say(&s, "配色：\(s.themeName)（按 T 切换）", "Colour theme: \(s.themeName) (T switches)")
            return [.savePreferences(MemberPreferences(lang: s.lang == .zh ? "zh" : "en", theme: s.themeName))]
        case .quotaLine:
            // The first row below the quota line (the first of a tie at the cut).
            if case .ranking(var p) = s.top, let r = s.chair?.ranking, let cut = ChairViews.cutIndex(r) {
                p.selected = min(cut, max(0, r.entries.count - 1))
                p.clamp(count: r.entries.count, height: rankingHeight(s))
                s.stack[s.stack.count - 1] = .ranking(p)
            }
            return []
        case .quit:
            s.quit = true
            return [.quit]
        case .search:
            s.searching = true
            return []
        case .sort:
            let all = SortKey.allCases
            s.sort = all[(all.firstIndex(of: s.sort)! + 1) % all.count]
            refilter(&s)
            say(&s, "排序：\(s.sort.label(.zh))", "Sorted by \(s.sort.label(.en))")
            return []
        case .back:
            if s.stack.count > 1 { s.stack.removeLast() }
            else if !s.query.isEmpty { s.query = ""; refilter(&s) }
            return []
        case .score:
            guard let id = currentDossier(s, b) else {
                say(&s, "没有选中的申报", "No dossier selected", .warning); return []
            }
            openSheet(&s, id, b)
            return []
        case .progress:
            if s.chair == nil { loadChair(&s, b) }
            pushOrReplace(&s, .progress(ListPos(), column: 0))
            return []
        case .ranking:
            if s.chair == nil { loadChair(&s, b) }
            var p = ListPos()
            if let id = currentDossier(s, b), let i = s.chair?.rankIndex[id] { p.selected = i }
            p.clamp(count: s.chair?.ranking.entries.count ?? 0, height: rankingHeight(s))
            pushOrReplace(&s, .ranking(p))
            return []
        case .finalize:
            if s.finalized {
                say(&s, "排名已定稿签名", "The ranking is already finalized", .warning); return []
            }
            if s.chair == nil { loadChair(&s, b) }
            let ties = s.chair?.ranking.entries.filter { $0.status == .tieAtCut }.map(\.dossier) ?? []
            pushOrReplace(&s, .finalize(FinalizeState(ties: ties)))
            return []
        case .eligibility:
            pushOrReplace(&s, .eligibility(ListPos()))
            return []
        case .objections:
            s.objections = b.objections()
            pushOrReplace(&s, .objections(ListPos()))
            return []
        case .breakdown:
            guard let id = currentDossier(s, b) else { return [] }
            s.stack.append(.breakdown(id: id, ListPos()))
            return []
        case .open:
            return open(&s, b)
        case .sign:
            if case .finalize(let f) = s.top { askToFinalize(&s, f, b) }
            return []
        default:
            move(&s, action, b)
            return []
        }
    }

    /// Chair screens replace each other instead of piling up.
    static func pushOrReplace(_ s: inout AppState, _ screen: Screen) {
        switch s.top {
        case .progress, .ranking, .eligibility, .objections, .finalize:
            s.stack[s.stack.count - 1] = screen
        default:
            s.stack.append(screen)
        }
    }

    static func roleName(_ r: Role, _ lang: Language) -> String {
        switch r {
        case .member: return lang.pick("评审专家", "panel member")
        case .chair: return lang.pick("评审组长", "chair")
        case .secretary: return lang.pick("工作人员", "secretary")
        case .approver: return lang.pick("审定", "approver")
        }
    }

    /// The dossier the current screen is about, or the selected one in a list.
    public static func currentDossier(_ s: AppState, _ b: ReviewBackend) -> String? {
        switch s.top {
        case .list:
            return s.visible.indices.contains(s.list.selected) ? s.all[s.visible[s.list.selected]].id : nil
        case .dossier(let id, _), .breakdown(let id, _): return id
        case .sheet(let ed): return ed.dossier
        case .ranking(let p):
            guard let e = s.chair?.ranking.entries, e.indices.contains(p.selected) else { return nil }
            return e[p.selected].dossier
        case .progress(let p, _), .eligibility(let p):
            return s.all.indices.contains(p.selected) ? s.all[p.selected].id : nil
        case .objections(let p):
            return s.objections.indices.contains(p.selected) ? s.objections[p.selected].dossier : nil
        case .finalize(let f):
            return f.ties.indices.contains(f.pos.selected) ? f.ties[f.pos.selected] : nil
        }
    }

    static func open(_ s: inout AppState, _ b: ReviewBackend) -> [Effect] {
        guard let id = currentDossier(s, b) else { return [] }
        switch s.top {
        case .ranking, .progress:
            s.stack.append(.breakdown(id: id, ListPos()))
        default:
            s.stack.append(.dossier(id: id, scroll: 0))
        }
        return []
    }

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

    static func move(_ s: inout AppState, _ action: Action, _ b: ReviewBackend) {
        let i = s.stack.count - 1
        switch s.top {
        case .list:
            s.list.move(action, count: s.visible.count, height: s.bodyHeight)
        case .dossier(let id, var scroll):
            let n = DossierView.lines(s, b, id).count
            let h = s.bodyHeight
            switch action {
            case .up: scroll -= 1
            case .down: scroll += 1
            case .pageUp: scroll -= max(1, h - 1)
            case .pageDown: scroll += max(1, h - 1)
            case .top: scroll = 0
            case .bottom: scroll = n
            default: break
            }
            s.stack[i] = .dossier(id: id, scroll: max(0, min(scroll, n - h)))
        case .progress(var p, var col):
            if action == .left { col = max(0, col - 1) }
            else if action == .right { col = min(max(0, (s.chair?.members.count ?? 1) - 1), col + 1) }
            else { p.move(action, count: s.all.count, height: s.bodyHeight - 1) }
            s.stack[i] = .progress(p, column: col)
        case .ranking(var p):
            p.move(action, count: s.chair?.ranking.entries.count ?? 0, height: rankingHeight(s))
            s.stack[i] = .ranking(p)
        case .breakdown(let id, var p):
            p.move(action, count: b.panelSheets(id).count, height: breakdownHeight(s))
            s.stack[i] = .breakdown(id: id, p)
        case .eligibility(var p):
            p.move(action, count: s.all.count, height: s.bodyHeight - 4)
            s.stack[i] = .eligibility(p)
        case .objections(var p):
            p.move(action, count: s.objections.count, height: s.bodyHeight - 4)
            s.stack[i] = .objections(p)
        case .finalize(var f):
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
            s.stack[i] = .finalize(f)
        case .sheet:
            break
        }
    }

    // MARK: - Search

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

    // MARK: - Finalize text

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

    // MARK: - Scoring sheet

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
