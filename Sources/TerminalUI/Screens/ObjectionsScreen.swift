import Foundation
import Panel
import Scoring
import Review

// Objections from the public notice and their outcomes: keys, update and view.

extension UI {
    static func openObjections(_ s: inout AppState, _ b: ReviewBackend) {
        s.objections = b.objections()
        pushOrReplace(&s, .objections(ListPos()))
    }

    static func moveObjections(_ s: AppState, _ p: inout ListPos, _ action: Action) {
        p.move(action, count: s.objections.count, height: s.bodyHeight - 4)
    }

    // MARK: - Recording an objection and its outcome (issue 17)

    static func objectionIntro(_ lang: Language) -> String {
        lang.pick("登记公示期间收到的异议及其处理结果（待处理、异议成立、异议不成立）。收到日期须在公示期内，留空为今天。Ctrl-S 签署。",
                  "Record an objection received during the public notice and its outcome (pending, upheld, dismissed). The date received lies within the notice; empty: today. Ctrl-S signs.")
    }

    static let outcomes: [(String, LocalizedText)] = [
        ("pending", LocalizedText(zh: "待处理", en: "pending")),
        ("upheld", LocalizedText(zh: "异议成立", en: "upheld")),
        ("dismissed", LocalizedText(zh: "异议不成立", en: "dismissed")),
    ]

    /// `a`: a new objection (the dossier chosen among those publicised); `u`: the selected
    /// objection's outcome, its text kept.
    static func openObjectionForm(_ s: inout AppState, _ b: ReviewBackend, existing: Bool) {
        let lang = s.lang
        var item: ObjectionItem?
        if existing {
            guard case .objections(let p) = s.top, s.objections.indices.contains(p.selected) else {
                say(&s, "没有选中的异议；按 a 登记新的异议", "No objection selected; press a to record one", .warning); return
            }
            item = s.objections[p.selected]
        }
        let publicised = b.notices().flatMap(\.dossiers)
        var seen = Set<String>()
        let choices = (item.map { [$0.dossier] } ?? publicised).filter { seen.insert($0).inserted }
        guard !choices.isEmpty else {
            say(&s, "尚无公示名单：异议针对已公示的申报（先签署社会公示）", "Nothing publicised yet: an objection answers the public notice (sign the notice first)", .warning)
            return
        }
        let byID = s.byID, all = s.all
        let name: (String) -> String = { id in byID[id].map { "\(id) \(all[$0].name)" } ?? id }
        var f = FormState(kind: .objection, fields: [
            .choice("dossier", LocalizedText(zh: "申报", en: "Dossier"), choices.map { ($0, LocalizedText(zh: name($0), en: name($0))) }),
            .text("text", LocalizedText(zh: "异议内容", en: "Objection"), item?.text ?? ""),
            .choice("outcome", LocalizedText(zh: "处理结果", en: "Outcome"), outcomes, selected: item?.outcome),
            .text("received", LocalizedText(zh: "收到日期", en: "Received"), note: LocalizedText(zh: "YYYY-MM-DD，留空为今天", en: "YYYY-MM-DD; empty: today")),
        ])
        if item != nil { f.focus = 2 }
        f.lines = b.notices().map { n in
            FormLine((n.supplementFor == nil ? lang.pick("公示 ", "Notice ") : lang.pick("补充公示 ", "Supplementary notice ")) + "\(n.from) — \(n.to)" + lang.pick("：", ": ") + n.dossiers.joined(separator: ", ") + "  (\(n.path))", .dim)
        }
        s.stack.append(.form(f))
    }

    static func askToRecordObjection(_ s: inout AppState, _ f: FormState, _ b: ReviewBackend) {
        confirmSecretary(&s, .objection(dossier: f.value("dossier"), text: f.value("text"), outcome: f.value("outcome"), received: f.optional("received")), b)
    }
}

// MARK: - View

extension SecretaryViews {
    public static func outcomeWord(_ o: String, _ lang: Language) -> String {
        switch o {
        case "pending": return lang.pick("待处理", "pending")
        case "upheld": return lang.pick("异议成立", "upheld")
        case "dismissed": return lang.pick("异议不成立", "dismissed")
        default: return o
        }
    }

    public static func objections(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend, _ p: ListPos) {
        let lang = s.lang
        let idW = 10, nameW = 10, outW = 10
        Chrome.header(&g, [(lang.pick("编号", "No."), idW), (lang.pick("姓名", "Name"), nameW), (lang.pick("处理结果", "Outcome"), outW),
                           (lang.pick("异议内容", "Objection"), max(4, g.width - idW - nameW - outW - 5))], y: 1)
        let items = s.objections
        let h = s.bodyHeight - 4
        var pos = p
        pos.clamp(count: items.count, height: h)
        if items.isEmpty { g.put(lang.pick("公示期间没有收到异议", "No objections received during the public notice"), x: 2, y: 2, role: .dim) }
        for (k, i) in (pos.scroll..<min(items.count, pos.scroll + h)).enumerated() {
            let o = items[i]
            let y = 2 + k
            let sel = i == pos.selected
            let base = g.listRow(y, selected: sel)
            var x = 1
            g.put(DisplayWidth.truncate(o.dossier, to: idW), x: x, y: y, role: base); x += idW + 1
            let name = s.byID[o.dossier].map { s.all[$0].name } ?? ""
            g.put(DisplayWidth.truncate(name, to: nameW), x: x, y: y, role: base); x += nameW + 1
            g.put(DisplayWidth.truncate(outcomeWord(o.outcome, lang), to: outW), x: x, y: y, role: sel ? .selection : (o.outcome == "upheld" ? .warning : o.outcome == "pending" ? .draft : .normal)); x += outW + 1
            g.put(DisplayWidth.truncate(o.text.replacingOccurrences(of: "\n", with: " "), to: g.width - x - 1), x: x, y: y, role: base)
        }
        let py = 2 + h
        g.put(String(repeating: "─", count: g.width), x: 0, y: py, role: .border)
        if items.indices.contains(pos.selected) {
            let o = items[pos.selected]
            g.put(" \(o.dossier) · \(outcomeWord(o.outcome, lang)) ", x: 2, y: py, role: .header)
            for (k, l) in TextLayout.wrap(o.text, width: g.width - 2).prefix(3).enumerated() { g.put(l, x: 1, y: py + 1 + k, role: .normal) }
        }
    }
}
