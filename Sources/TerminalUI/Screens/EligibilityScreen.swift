import Foundation
import Panel
import Scoring
import Review

// The qualification check's results and the signed decisions: keys, update and view.

extension UI {
    static func moveEligibility(_ s: AppState, _ p: inout ListPos, _ action: Action) {
        p.move(action, count: s.all.count, height: s.bodyHeight - 4)
    }

    // MARK: - Signing the check (issue 17)

    /// Ctrl-S: every decision not yet signed on a dossier's current version, in one record
    /// (`pingshen eligibility --all`). 待核实 waits for the secretary's decision (`d`).
    static func askToSignCheck(_ s: inout AppState, _ b: ReviewBackend) {
        confirmSecretary(&s, .eligibility(overrides: []), b)
    }

    static func decideIntro(_ lang: Language) -> String {
        lang.pick("秘书对这份申报的决定：与核查结果不同或核实待核实项时须写明理由。Ctrl-S 签署。",
                  "The secretary's decision on this dossier: a reason is needed where it differs from the check or settles a to-be-confirmed. Ctrl-S signs.")
    }

    /// `d` on the selected dossier: the secretary's own decision, with a reason.
    static func openDecide(_ s: inout AppState, _ b: ReviewBackend) {
        guard case .eligibility(let p) = s.top, s.all.indices.contains(p.selected) else { return }
        let id = s.all[p.selected].id
        let current = b.qualification(id)?.state
        let checked = b.eligibility(id)?.outcome
        let start = current == .ineligible ? "ineligible" : current == .eligible ? "eligible" : (checked == .ineligible ? "ineligible" : "eligible")
        var f = FormState(kind: .decide(dossier: id), fields: [
            .choice("decision", LocalizedText(zh: "决定", en: "Decision"),
                    [("eligible", LocalizedText(zh: "合格", en: "eligible")), ("ineligible", LocalizedText(zh: "不合格", en: "not eligible"))], selected: start),
            .text("reason", LocalizedText(zh: "理由", en: "Reason"), b.qualification(id)?.reason ?? ""),
        ])
        f.lines = decisionFacts(s.lang, id, b)
        s.stack.append(.form(f))
    }

    /// What the check found on the dossier, under the decision form.
    static func decisionFacts(_ lang: Language, _ id: String, _ b: ReviewBackend) -> [FormLine] {
        var out: [FormLine] = []
        if let d = b.dossiers.first(where: { $0.id == id }) { out.append(FormLine("\(d.id)  \(d.name)  \(d.employer)")) }
        if let q = b.qualification(id) {
            out.append(FormLine(lang.pick("已签署的决定：", "Signed decision: ") + q.summary(lang), q.state == .unchecked ? .dim : .signed))
        } else {
            out.append(FormLine(lang.pick("尚未签署决定", "No signed decision yet"), .dim))
        }
        if let e = b.eligibility(id) {
            if e.eligible { out.append(FormLine(lang.pick("核查：符合全部申报条件", "Check: meets every condition"), .signed)) }
            for r in e.failures { out.append(FormLine("• " + r.message(lang) + " [\(r.rule)]", .warning)) }
            for r in e.toConfirm { out.append(FormLine("? " + lang.pick("待核实：", "to confirm: ") + r.message(lang) + " [\(r.rule)]", .draft)) }
        }
        return out
    }

    static func askToDecide(_ s: inout AppState, _ f: FormState, _ id: String, _ b: ReviewBackend) {
        confirmSecretary(&s, .eligibility(overrides: [EligibilityOverride(dossier: id, decision: f.value("decision"), reason: f.value("reason"))]), b)
    }
}

// MARK: - View

/// The secretary's screens: qualification results and objections.
public enum SecretaryViews {
    /// Whether a decision is signed on the dossier's current version, and which.
    public static func signedWord(_ q: Qualification?, _ lang: Language) -> String {
        guard let q else { return lang.pick("未签署", "not signed") }
        switch q.state {
        case .unchecked: return q.decidedOnOlderVersion ? lang.pick("材料已更新", "re-decide") : lang.pick("未签署", "not signed")
        case .eligible: return lang.pick("已签·合格", "✓ eligible")
        case .ineligible: return lang.pick("已签·不合格", "✓ ineligible")
        case .objectionUpheld: return lang.pick("异议成立", "objection")
        }
    }

    static func signedRole(_ q: Qualification?) -> StyleRole {
        switch q?.state {
        case .eligible?: return .signed
        case .ineligible?, .objectionUpheld?: return .warning
        default: return .missing
        }
    }

    public static func eligibility(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend, _ p: ListPos) {
        let lang = s.lang
        // The check's result and, beside it, whether a decision is signed (issue 17: the screen
        // did not say which results were signed).
        let idW = 10, nameW = 10, resW = 10, sigW = 12
        Chrome.header(&g, [(lang.pick("编号", "No."), idW), (lang.pick("姓名", "Name"), nameW), (lang.pick("核查结果", "Check"), resW),
                           (lang.pick("签署", "Signed"), sigW), (lang.pick("原因", "Reason"), max(4, g.width - idW - nameW - resW - sigW - 6))], y: 1)
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
                case .ineligible: return lang.pick("不合格", "ineligible")
                case .toBeConfirmed: return lang.pick("待核实", "to confirm")   // fits the 10-cell column
                }
            }
            let checkedRole: StyleRole = e.map { $0.outcome == .eligible ? .normal : ($0.outcome == .ineligible ? .warning : .draft) } ?? .dim
            g.put(DisplayWidth.truncate(checked ?? "—", to: resW), x: x, y: y, role: sel ? .selection : checkedRole); x += resW + 1
            g.put(DisplayWidth.truncate(signedWord(q, lang), to: sigW), x: x, y: y, role: sel ? .selection : signedRole(q)); x += sigW + 1
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
                let signed = s.qualificationsSigned, unsigned = s.all.count - signed
                g.put(DisplayWidth.truncate(lang.pick("合格 \(ok) · 不合格 \(bad)\(more) · 共 \(s.all.count) · 已签署 \(signed) · 未签署 \(unsigned)",
                                                      "eligible \(ok) · not eligible \(bad)\(more) · total \(s.all.count) · signed \(signed) · not signed \(unsigned)"), to: g.width),
                      x: 0, y: g.height - 2, role: unsigned > 0 ? .warning : .dim)
            }
        }
    }
}
