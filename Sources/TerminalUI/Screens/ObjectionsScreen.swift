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
