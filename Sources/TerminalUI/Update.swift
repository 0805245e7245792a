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
    /// The secretary's signed work (issue 17).
    case secretary(SecretaryAction)
    /// A published list written to a new file.
    case writeList(PublishedList, format: String, path: String)
    case quit
}

/// Who may do what.
public enum Permissions {
    public static func canScore(_ r: Role) -> Bool { r == .member || r == .chair }
    public static func canOversee(_ r: Role) -> Bool { r == .chair || r == .secretary || r == .approver }
    public static func canFinalize(_ r: Role) -> Bool { r == .chair }
    public static func canQualify(_ r: Role) -> Bool { r == .chair || r == .secretary || r == .approver }
    /// The secretary's desk: import, the check, the notice, objections, exports, the roster.
    public static func isSecretary(_ r: Role) -> Bool { r == .secretary }

    public static func allowed(_ a: Action, role r: Role) -> Bool {
        switch a {
        case .score: return canScore(r)
        case .progress, .ranking: return canOversee(r)
        case .finalize: return canFinalize(r)
        case .eligibility, .objections: return canQualify(r)
        case .desk, .signCheck, .decide, .add, .remove, .outcome, .reassign: return isSecretary(r)
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
        // Under an assignment (issue 13), a scoring member's list is their assigned dossiers.
        let assigned = scorer ? b.assignedToMe : nil
        let ds = assigned.map { a in b.dossiers.filter { a.contains($0.id) } } ?? b.dossiers
        s.assignedOnly = assigned != nil
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
        s.qualificationsSigned = Permissions.canQualify(b.me.role)
            ? rows.reduce(0) { n, r in n + (b.qualification(r.id).map { $0.state != .unchecked ? 1 : 0 } ?? 0) } : 0
        s.anyUpdated = rows.contains(where: \.updated)
        s.finalized = b.finalized
        s.checkingStore = b.checkingStore
        s.storeProblems = b.storeProblems
        s.forks = b.forks
        refilter(&s)
        if s.chair != nil { loadChair(&s, b) }
        if s.stack.contains(where: { if case .objections = $0 { return true } else { return false } }) {
            s.objections = b.objections()
        }
        if s.stack.contains(where: { if case .assignment = $0 { return true } else { return false } }) {
            s.assignmentView = b.assignmentOverview(lang: s.lang)
        }
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
            if case .form = s.top, s.modal == nil { return [] }
            if s.searching { return [] }
            var fx: [Effect] = []
            for _ in 0..<3 { fx += handleKey(&s, m.kind == .wheelUp ? .up : .down, b) }
            return fx
        case .press:
            guard s.modal == nil, !s.searching else { return [] }
            switch s.top {
            case .list:
                return listPress(&s, m, b)
            case .sheet(var ed):
                sheetPress(&s, &ed, m, b)
                s.replaceTop(.sheet(ed))
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
        s.chair = ChairData(ranking: ranking, report: PanelReport(b.statistics(), roster: b.roster), members: members, progress: progress, counts: counts, rankIndex: rankIndex,
                            groups: b.groupBoard())
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
        case .secretaryDone(let msg):
            // The form is done with; the screen under it shows the new state.
            if case .form = s.top { s.stack.removeLast() }
            reload(&s, b)
            s.objections = b.objections()
            clampAll(&s, b)
            setMessage(&s, msg, .signed)
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
            case .progress(var p, var col):
                clampProgress(s, &p, &col)
                s.stack[i] = .progress(p, column: col)
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
            case .desk(var p):
                p.clamp(count: deskStepCount(b), height: s.bodyHeight)
                s.stack[i] = .desk(p)
            case .groups(var p):
                p.clamp(count: s.chair?.groups?.progress.count ?? 0, height: boardHeight(s))
                s.stack[i] = .groups(p)
            case .assignment(let scroll):
                s.stack[i] = .assignment(scroll: max(0, min(scroll, assignmentMaxScroll(s, b))))
            case .roster(var p):
                p.clamp(count: b.roster.members.count, height: s.bodyHeight - 4)
                s.stack[i] = .roster(p)
            case .list, .sheet, .form:
                break
            }
        }
        if case .confirm(var c)? = s.modal {
            c.scroll = min(c.scroll, max(0, confirmLineCount(s, c) - 1))
            s.modal = .confirm(c)
        }
    }

    static func confirmLineCount(_ s: AppState, _ c: ConfirmState) -> Int {
        ConfirmView.bodyLines(s, c, width: ConfirmView.innerWidth(s)).count
    }

    // MARK: - Keys

    /// Modals first, then a search being typed, then what a screen takes before the keymap (the
    /// sheet's fields, the finalize screen's reasons: Screens/*.swift), then the keymap.
    static func handleKey(_ s: inout AppState, _ key: Key, _ b: ReviewBackend) -> [Effect] {
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
                case .secretary(let a): return [.secretary(a)]
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
        if case .leaveEdited(let d)? = s.modal { return leaveEditedKey(&s, d, key, b) }
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
        switch s.top {
        case .sheet(var ed):
            let effects = sheetKey(&s, &ed, key, b)
            if case .sheet = s.top { s.replaceTop(.sheet(ed)) }
            return effects
        case .finalize(var f):
            if let effects = finalizeKey(&s, &f, key) {
                s.replaceTop(.finalize(f))
                return effects
            }
        case .form(var f):
            if let effects = formKey(&s, &f, key, b) {
                if case .form = s.top { s.replaceTop(.form(f)) }
                return effects
            }
        case .desk:
            if let effects = deskKey(&s, key, b) { return effects }
        default:
            break
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

    /// Actions that open screens or apply everywhere; the rest move within the screen (`move`).
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
            if case .ranking(var p) = s.top { jumpToQuotaLine(s, &p); s.replaceTop(.ranking(p)) }
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
            openProgress(&s, b)
            return []
        case .ranking:
            openRanking(&s, b)
            return []
        case .finalize:
            openFinalize(&s, b)
            return []
        case .eligibility:
            pushOrReplace(&s, .eligibility(ListPos()))
            return []
        case .objections:
            openObjections(&s, b)
            return []
        case .breakdown:
            guard let id = currentDossier(s, b) else { return [] }
            s.stack.append(.breakdown(id: id, ListPos()))
            return []
        case .open:
            return open(&s, b)
        case .sign:
            if case .finalize(let f) = s.top { askToFinalize(&s, f, b) }
            if case .form(let f) = s.top { return submitForm(&s, f, b) }
            return []
        case .desk:
            openDesk(&s, b)
            return []
        case .signCheck:
            askToSignCheck(&s, b)
            return []
        case .decide:
            openDecide(&s, b)
            return []
        case .add:
            if case .roster = s.top { openAddMember(&s, b) } else { openObjectionForm(&s, b, existing: false) }
            return []
        case .remove:
            openRemoveMember(&s, b)
            return []
        case .reassign:
            askToReassign(&s, b)
            return []
        case .outcome:
            openObjectionForm(&s, b, existing: true)
            return []
        default:
            move(&s, action, b)
            return []
        }
    }

    /// Chair screens replace each other instead of piling up.
    static func pushOrReplace(_ s: inout AppState, _ screen: Screen) {
        switch s.top {
        case .progress, .ranking, .eligibility, .objections, .finalize, .roster, .groups:
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
        case .desk, .form, .roster, .groups, .assignment:
            return nil
        }
    }

    static func open(_ s: inout AppState, _ b: ReviewBackend) -> [Effect] {
        if case .desk(let p) = s.top { openDeskItem(&s, p.selected, b); return [] }
        if case .groups = s.top { s.stack.append(.progress(ListPos(), column: 0)); return [] }
        guard let id = currentDossier(s, b) else { return [] }
        switch s.top {
        case .ranking, .progress:
            s.stack.append(.breakdown(id: id, ListPos()))
        default:
            s.stack.append(.dossier(id: id, scroll: 0))
        }
        return []
    }

    /// Moves within the screen on top: each screen's own update (Screens/*.swift).
    static func move(_ s: inout AppState, _ action: Action, _ b: ReviewBackend) {
        switch s.top {
        case .list:
            moveList(&s, action)
        case .dossier(let id, let scroll):
            s.replaceTop(.dossier(id: id, scroll: moveDossier(s, id, scroll, action, b)))
        case .progress(var p, var col):
            moveProgress(s, &p, &col, action)
            s.replaceTop(.progress(p, column: col))
        case .ranking(var p):
            moveRanking(s, &p, action)
            s.replaceTop(.ranking(p))
        case .breakdown(let id, var p):
            moveBreakdown(s, id, &p, action, b)
            s.replaceTop(.breakdown(id: id, p))
        case .eligibility(var p):
            moveEligibility(s, &p, action)
            s.replaceTop(.eligibility(p))
        case .objections(var p):
            moveObjections(s, &p, action)
            s.replaceTop(.objections(p))
        case .finalize(var f):
            moveFinalize(s, &f, action)
            s.replaceTop(.finalize(f))
        case .desk(var p):
            p.move(action, count: deskStepCount(b), height: s.bodyHeight)
            s.replaceTop(.desk(p))
        case .groups(var p):
            p.move(action, count: s.chair?.groups?.progress.count ?? 0, height: boardHeight(s))
            s.replaceTop(.groups(p))
        case .assignment(var scroll):
            let maxScroll = assignmentMaxScroll(s, b)
            scroll = scrolled(scroll, action, height: s.bodyHeight - 1, bottom: maxScroll)
            s.replaceTop(.assignment(scroll: max(0, min(scroll, maxScroll))))
        case .roster(var p):
            p.move(action, count: b.roster.members.count, height: s.bodyHeight - 4)
            s.replaceTop(.roster(p))
        case .form(var f):
            moveForm(&s, &f, action)
            s.replaceTop(.form(f))
        case .sheet:
            break
        }
    }
}
