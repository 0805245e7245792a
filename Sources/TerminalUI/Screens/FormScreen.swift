import Foundation
import Panel
import Scoring
import Review

// The secretary's forms (issue 17): one editor for the import, the decision on a dossier, the
// public notice, an objection, an export and the roster changes. Each form's own file says what
// it holds, what it shows under the fields and what it signs (`submitForm` dispatches there).
// Text is edited as in the sheet: the cursor is where the next character goes, and a failed
// check or signature leaves every field as typed.

extension UI {
    // MARK: - Keys

    /// Keys taken before the keymap: text typed into a text field, Enter. nil: the key goes to
    /// the keymap (Tab, ←/→ on a choice, Ctrl-S, Esc, and q / ? outside text fields).
    static func formKey(_ s: inout AppState, _ f: inout FormState, _ key: Key, _ b: ReviewBackend) -> [Effect]? {
        guard f.fields.indices.contains(f.focus) else { return nil }
        if key == .enter {
            // The import reads its file for the preview; elsewhere Enter moves on (a box ticks).
            if f.kind == .importFile { previewImport(&s, &f, b); return [] }
            if f.fields[f.focus].kind == .toggle { f.fields[f.focus].on.toggle(); return [] }
            f.focus = min(f.fields.count - 1, f.focus + 1)
            return []
        }
        guard f.fields[f.focus].kind == .text else { return nil }
        var t = f.fields[f.focus].text
        switch key {
        case .backspace: t.backspace()
        case .delete: t.deleteForward()
        case .left: t.left()
        case .right: t.right()
        case .home: t.home()
        case .end: t.end()
        default:
            guard let c = key.printable, c != "\n", c != "\r" else { return nil }
            t.insert(c)
        }
        f.fields[f.focus].text = t
        return []
    }

    /// Tab/↓, S-Tab/↑ between fields; ←/→ and Space change a choice or a box; ↑/↓ scroll nothing
    /// else (the lines under the form scroll with PgUp/PgDn).
    static func moveForm(_ s: inout AppState, _ f: inout FormState, _ action: Action) {
        switch action {
        case .nextField: f.focus = min(f.fields.count - 1, f.focus + 1)
        case .prevField: f.focus = max(0, f.focus - 1)
        case .left, .right, .toggle:
            guard f.fields.indices.contains(f.focus) else { return }
            var fld = f.fields[f.focus]
            switch fld.kind {
            case .choice:
                let n = max(1, fld.values.count)
                fld.choice = action == .left ? (fld.choice + n - 1) % n : (fld.choice + 1) % n
            case .toggle: fld.on.toggle()
            case .text: break
            }
            f.fields[f.focus] = fld
        case .pageDown: f.scroll = min(max(0, f.lines.count - 1), f.scroll + max(1, s.bodyHeight / 2))
        case .pageUp: f.scroll = max(0, f.scroll - max(1, s.bodyHeight / 2))
        default: break
        }
    }

    // MARK: - Update

    static func formTitle(_ k: FormKind, _ lang: Language) -> String {
        switch k {
        case .importFile: return lang.pick("导入申报材料", "Import dossiers")
        case .decide(let d): return lang.pick("资格审核决定 \(d)", "Decision on \(d)")
        case .notice: return lang.pick("签署社会公示", "Sign the public notice")
        case .objection: return lang.pick("公示异议", "Objection")
        case .export: return lang.pick("导出名单", "Export a list")
        case .addMember: return lang.pick("添加成员", "Add a member")
        case .removeMember(let id): return lang.pick("移除成员 \(id)", "Remove \(id)")
        }
    }

    /// What the form does, above its fields (each form's own words, in its screen's file).
    static func formIntro(_ k: FormKind, _ lang: Language) -> String {
        switch k {
        case .importFile: return importIntro(lang)
        case .decide: return decideIntro(lang)
        case .notice: return noticeIntro(lang)
        case .objection: return objectionIntro(lang)
        case .export: return exportIntro(lang)
        case .addMember: return addMemberIntro(lang)
        case .removeMember: return removeMemberIntro(lang)
        }
    }

    /// Ctrl-S: each form's own submit (in its screen's file).
    static func submitForm(_ s: inout AppState, _ f: FormState, _ b: ReviewBackend) -> [Effect] {
        switch f.kind {
        case .importFile: askToImport(&s, f, b)
        case .decide(let d): askToDecide(&s, f, d, b)
        case .notice: askToPublish(&s, f, b)
        case .objection: askToRecordObjection(&s, f, b)
        case .export: return exportEffects(&s, f)
        case .addMember: askToAddMember(&s, f, b)
        case .removeMember(let id): askToRemoveMember(&s, f, id, b)
        }
        return []
    }

    /// The confirmation of a secretary's action: the backend checks it with every rule first;
    /// a refusal is said on the message line and the form stays as typed.
    static func confirmSecretary(_ s: inout AppState, _ a: SecretaryAction, _ b: ReviewBackend) {
        let lang = s.lang
        do {
            let p = try b.previewSecretary(a, lang: lang)
            var summary = p.summary
            summary.append(lang.pick("签名方式：", "Signing with: ") + b.signingDescription)
            s.modal = .confirm(ConfirmState(pending: .secretary(a), summary: summary, record: p.record, scroll: 0))
        } catch {
            setMessage(&s, error.userMessage(lang), .error)
        }
    }
}

// MARK: - View

/// One form: a title, what it does, the fields, and the lines under them.
public enum FormView {
    public static let labelWidth = 14

    public static func draw(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend, _ f: FormState) {
        let lang = s.lang
        g.fill(x: 0, y: 1, count: g.width, role: .header)
        g.put(DisplayWidth.truncate(" " + UI.formTitle(f.kind, lang), to: g.width), x: 0, y: 1, role: .header)
        var y = 2
        for l in TextLayout.wrap(UI.formIntro(f.kind, lang), width: g.width - 2).prefix(3) { g.put(l, x: 1, y: y, role: .dim); y += 1 }
        y += 1
        let lw = labelWidth
        for (i, fld) in f.fields.enumerated() where y < g.height - 3 {
            let focused = i == f.focus
            g.put(DisplayWidth.pad(DisplayWidth.truncate(fld.label.text(lang), to: lw), to: lw), x: 1, y: y, role: focused ? .key : .normal)
            let fx = 2 + lw
            // The field box leaves room for its note at 120 columns; at 80 the note goes.
            let note = fld.note?.text(lang) ?? ""
            let noteW = DisplayWidth.of(note)
            let boxW = max(10, min(g.width - fx - 2, g.width >= 100 && noteW > 0 ? g.width - fx - 4 - noteW : g.width - fx - 2))
            switch fld.kind {
            case .text:
                var text = fld.text.text
                var cx = DisplayWidth.of(String(fld.text.chars.prefix(fld.text.cursor)))
                // Scroll the text left so the cursor stays in the box.
                while DisplayWidth.of(text) > boxW || cx > boxW - 1, !text.isEmpty { cx -= DisplayWidth.of(text.removeFirst()) }
                g.put(DisplayWidth.pad(text, to: boxW), x: fx, y: y, role: focused ? .focus : .input)
                if focused { g.cursor = (fx + max(0, cx), y) }
            case .choice:
                let word = fld.labels.indices.contains(fld.choice) ? fld.labels[fld.choice].text(lang) : ""
                g.put("< " + word + " >", x: fx, y: y, role: focused ? .focus : .normal)
            case .toggle:
                g.put(fld.on ? "[x]" : "[ ]", x: fx, y: y, role: focused ? .focus : .normal)
            }
            if g.width >= 100, noteW > 0, fx + boxW + 2 + noteW <= g.width {
                g.put(note, x: fx + boxW + 2, y: y, role: .dim)
            }
            y += 1
        }
        if !f.editingText { g.cursor = nil }
        y += 1
        guard y < g.height - 2, !f.lines.isEmpty else { return }
        g.put(String(repeating: "─", count: g.width), x: 0, y: y, role: .border)
        y += 1
        var wrapped: [FormLine] = []
        for l in f.lines { wrapped += TextLayout.wrap(l.text, width: g.width - 2).map { FormLine($0, l.role) } }
        let room = g.height - 2 - y
        let top = max(0, min(f.scroll, wrapped.count - room))
        for (k, l) in wrapped.dropFirst(top).prefix(room).enumerated() { g.put(l.text, x: 1, y: y + k, role: l.role) }
        if wrapped.count > room + top, room > 0 {
            let more = lang.pick("（PgDn 看更多）", "(PgDn for more)")
            g.put(more, x: max(0, g.width - DisplayWidth.of(more) - 1), y: y + room - 1, role: .dim)
        }
    }
}
