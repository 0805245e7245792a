import Foundation
import Panel
import Scoring
import Review

// The qualification check's results and the signed decisions: keys, update and view.

extension UI {
    static func moveEligibility(_ s: AppState, _ p: inout ListPos, _ action: Action) {
        p.move(action, count: s.all.count, height: s.bodyHeight - 4)
    }
}

// MARK: - View

/// The secretary's screens: qualification results and objections.
public enum SecretaryViews {
    public static func eligibility(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend, _ p: ListPos) {
        let lang = s.lang
        let idW = 10, nameW = 10, resW = 8
        Chrome.header(&g, [(lang.pick("编号", "No."), idW), (lang.pick("姓名", "Name"), nameW), (lang.pick("结果", "Result"), resW),
                           (lang.pick("原因", "Reason"), max(4, g.width - idW - nameW - resW - 5))], y: 1)
        let h = s.bodyHeight - 4
        var pos = p
        pos.clamp(count: s.all.count, height: h)
        if s.all.isEmpty { g.put(lang.pick("尚无申报材料", "No dossiers yet"), x: 2, y: 2, role: .dim) }
        for (k, i) in (pos.scroll..<min(s.all.count, pos.scroll + h)).enumerated() {
            let row = s.all[i]
            let y = 2 + k
            let sel = i == pos.selected
            let base = g.listRow(y, selected: sel)
            var x = 1
            g.put(DisplayWidth.truncate(row.id, to: idW), x: x, y: y, role: base); x += idW + 1
            g.put(DisplayWidth.truncate(row.name, to: nameW), x: x, y: y, role: base); x += nameW + 1
            let e = b.eligibility(row.id)
            // What counts is the secretary's signed decision on the current version (as `rank`
            // shows it); the check's own result (合格 / 不合格 / 待核实) where there is none.
            let q = b.qualification(row.id)
            let checked: String? = e.map { r in
                switch r.outcome {
                case .eligible: return lang.pick("合格", "eligible")
                case .ineligible: return lang.pick("不合格", "not eligible")
                case .toBeConfirmed: return lang.pick("待核实", "confirm")   // fits the 8-cell column
                }
            }
            let word = q.map { $0.state.label(lang) } ?? checked ?? lang.pick("未审核", "unchecked")
            let checkedRole: StyleRole = e.map { $0.outcome == .eligible ? .signed : ($0.outcome == .ineligible ? .warning : .draft) } ?? .dim
            let role: StyleRole = q.map { $0.state == .eligible ? .signed : ($0.state == .unchecked ? .dim : .warning) } ?? checkedRole
            g.put(DisplayWidth.truncate(word, to: resW), x: x, y: y, role: sel ? .selection : role); x += resW + 1
            if let e, let f = e.reasons.first {
                let more = e.reasons.count > 1 ? lang.pick(" 等 \(e.reasons.count) 项", " (+\(e.reasons.count - 1))") : ""
                g.put(DisplayWidth.truncate(f.message(lang) + more, to: g.width - x - 1), x: x, y: y, role: base)
            }
        }
        let py = 2 + h
        g.put(String(repeating: "─", count: g.width), x: 0, y: py, role: .border)
        if s.all.indices.contains(pos.selected) {
            let row = s.all[pos.selected]
            g.put(" \(row.id) \(row.name) ", x: 2, y: py, role: .header)
            var ls: [(String, StyleRole)] = []
            if let q = b.qualification(row.id) {
                ls.append((lang.pick("签署的决定：", "Signed decision: ") + q.summary(lang), q.state == .eligible ? .signed : .warning))
            }
            if let e = b.eligibility(row.id) {
                if e.eligible { ls.append((lang.pick("符合全部申报条件", "Meets every condition"), .signed)) }
                for f in e.failures { ls += TextLayout.wrap("• " + f.message(lang) + " [\(f.rule)]", width: g.width - 2).map { ($0, .warning) } }
                for f in e.toConfirm { ls += TextLayout.wrap("? " + lang.pick("待核实：", "to confirm: ") + f.message(lang) + " [\(f.rule)]", width: g.width - 2).map { ($0, .draft) } }
                for f in e.notes { ls += TextLayout.wrap("· " + lang.pick("评审组注意：", "for the panel: ") + f.message(lang) + " [\(f.rule)]", width: g.width - 2).map { ($0, .normal) } }
            } else { ls.append((lang.pick("尚未审核", "Not yet checked"), .dim)) }
            for (k, l) in ls.prefix(3).enumerated() { g.put(l.0, x: 1, y: py + 1 + k, role: l.1) }
        }
        if s.message == nil {
            var ok = 0, bad = 0, confirm = 0
            // Counted over the visible window only would mislead; the list is small enough to count.
            for r in s.all {
                if r.outcome == .toBeConfirmed { confirm += 1 } else if r.eligible == true { ok += 1 } else if r.eligible == false { bad += 1 }
            }
            if ok + bad + confirm > 0 {
                let more = confirm > 0 ? lang.pick(" · 待核实 \(confirm)", " · to confirm \(confirm)") : ""
                g.put(lang.pick("合格 \(ok) · 不合格 \(bad)\(more) · 共 \(s.all.count)", "eligible \(ok) · not eligible \(bad)\(more) · total \(s.all.count)"), x: 0, y: g.height - 2, role: .dim)
            }
        }
    }
}
