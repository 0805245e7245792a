import Foundation
import Panel
import Scoring
import Review

// One dossier: its keys and update (scrolling) and its view, side by side.

extension UI {
    // MARK: - Update

    static func clampDossierScroll(_ s: AppState, _ b: ReviewBackend, _ id: String, _ scroll: Int) -> Int {
        let n = DossierView.lines(s, b, id).count
        return max(0, min(scroll, n - s.bodyHeight))
    }

    static func moveDossier(_ s: AppState, _ id: String, _ scroll: Int, _ action: Action, _ b: ReviewBackend) -> Int {
        let n = DossierView.lines(s, b, id).count
        let h = s.bodyHeight
        return max(0, min(scrolled(scroll, action, height: h, bottom: n), n - h))
    }

    /// A text view's first line after a movement key (unclamped): a line, a page of `height`
    /// lines less one of overlap, or an end (`bottom`: the caller clamps it).
    static func scrolled(_ scroll: Int, _ action: Action, height h: Int, bottom: Int) -> Int {
        switch action {
        case .up: return scroll - 1
        case .down: return scroll + 1
        case .pageUp: return scroll - max(1, h - 1)
        case .pageDown: return scroll + max(1, h - 1)
        case .top: return 0
        case .bottom: return bottom
        default: return scroll
        }
    }
}

// MARK: - View

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
        // The files attached (issue 15): what each is, and where to open it on this machine.
        let files = b.attachments(id)
        if !files.isEmpty {
            add(lang.pick("附件（\(files.count) 个，可在本机打开）", "Attachments (\(files.count), to open on this machine)"), .header)
            let nameWidth = min(30, files.map { DisplayWidth.of($0.name) }.max() ?? 8)
            for f in files {
                let kind = DisplayWidth.pad(f.kind, to: 6)
                let size = DisplayWidth.pad(AttachmentItem.sizeText(f.size), to: 8)
                let state = f.present ? "" : lang.pick("  ⚠ 文件不在或已变", "  ⚠ file gone or changed")
                add(DisplayWidth.pad(f.name, to: nameWidth) + "  " + kind + "  " + size + "  " + String(f.sha256.prefix(12)) + state,
                    f.present ? .normal : .warning, indent: 2)
                add(f.localPath, .dim, indent: 4)
            }
            out.append(Line(text: "", role: .normal, indent: 0))
        }
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
