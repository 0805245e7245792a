import Foundation

/// Output of the qualification check (`pingshen check`).
public enum CheckReport {
    /// The JSON contract of design.md §4: `{"dossiers":[{"dossier":ID,"eligible":bool,
    /// "reasons":[{"rule":ID,"message":TEXT}]}]}`, with "message" in `lang` and also
    /// "message_zh"/"message_en". Extended (issue 12): each dossier's "outcome" (eligible |
    /// ineligible | to-be-confirmed); each reason's "outcome" (ineligible for a rule that fails,
    /// to-be-confirmed for one that cannot be decided from the dossier); "notes" for the panel
    /// (the seed's judgments, a unit's ranking), never reasons; a "summary" of counts. "eligible"
    /// is true only for the outcome eligible. Keys in a fixed order; one line.
    public static func json(_ r: [EligibilityResult], lang: Language) -> String {
        func items(_ list: [RuleFailure], outcome: String?) -> String {
            list.map { f in
                "{\"rule\":" + quote(f.rule) + ",\"message\":" + quote(f.message(lang))
                    + ",\"message_zh\":" + quote(f.zh) + ",\"message_en\":" + quote(f.en)
                    + (outcome.map { ",\"outcome\":" + quote($0) } ?? "") + "}"
            }.joined(separator: ",")
        }
        var out = "{\"dossiers\":["
        for (i, res) in r.enumerated() {
            if i > 0 { out += "," }
            out += "{\"dossier\":" + quote(res.dossier) + ",\"eligible\":" + (res.eligible ? "true" : "false")
                + ",\"outcome\":" + quote(res.outcome.rawValue) + ",\"reasons\":["
            out += items(res.failures, outcome: EligibilityOutcome.ineligible.rawValue)
            if !res.failures.isEmpty && !res.toConfirm.isEmpty { out += "," }
            out += items(res.toConfirm, outcome: EligibilityOutcome.toBeConfirmed.rawValue)
            out += "],\"notes\":[" + items(res.notes, outcome: nil) + "]}"
        }
        let eligible = r.filter { $0.outcome == .eligible }.count
        let ineligible = r.filter { $0.outcome == .ineligible }.count
        out += "],\"summary\":{\"total\":\(r.count),\"eligible\":\(eligible),\"ineligible\":\(ineligible),\"to_be_confirmed\":\(r.count - eligible - ineligible)}}"
        return out
    }

    /// A JSON string literal.
    public static func quote(_ s: String) -> String { JSONText.string(s) }

    /// A table for the terminal: one line per dossier that passes, one per reason (failed or to
    /// be confirmed) and per note of the others, then a summary line. Columns aligned in
    /// terminal cells. Notes are marked 【评审组注意】 / [for the panel]; a note every dossier
    /// has (the seed's judgments, the same words for all) is printed once above the table.
    public static func table(_ r: [EligibilityResult], dossiers: [Dossier], lang: Language) -> String {
        var common: [RuleFailure] = []
        if r.count > 1, let first = r.first {
            common = first.notes.filter { n in r.allSatisfy { $0.notes.contains(n) } }
        }
        var byID: [String: Dossier] = [:]
        for d in dossiers { byID[d.id] = d }
        let headers = [lang.pick("编号", "No."), lang.pick("姓名", "Name"), lang.pick("工作单位", "Employer"),
                       lang.pick("结果", "Result"), lang.pick("规则", "Rule"), lang.pick("原因", "Reason")]
        var rows: [[String]] = []
        for res in r {
            let d = byID[res.dossier]
            let head = [res.dossier, d?.name ?? "", d?.employer ?? "", res.outcome.word(lang)]
            let lines: [(String, String)] = res.failures.map { ($0.rule, $0.message(lang)) }
                + res.toConfirm.map { ($0.rule, lang.pick("待核实：", "to confirm: ") + $0.message(lang)) }
                + res.notes.filter { !common.contains($0) }.map { ($0.rule, lang.pick("【评审组注意】", "[for the panel] ") + $0.message(lang)) }
            if lines.isEmpty { rows.append(head + ["", ""]); continue }
            for (k, l) in lines.enumerated() {
                rows.append((k == 0 ? head : ["", "", "", ""]) + [l.0, l.1])
            }
        }
        let eligible = r.filter { $0.outcome == .eligible }.count
        let ineligible = r.filter { $0.outcome == .ineligible }.count
        let confirm = r.count - eligible - ineligible
        var out = ""
        if !common.isEmpty {
            out += lang.pick("评审组注意（每份材料）：\n", "For the panel (every dossier):\n")
            for n in common { out += "  · " + n.message(lang) + " [\(n.rule)]\n" }
            out += "\n"
        }
        out += TextTable.render(headers: headers, rows: rows, maxColumnWidth: 80)
        out += lang.pick("共 \(r.count) 份，合格 \(eligible) 份，不合格 \(ineligible) 份，待核实 \(confirm) 份\n",
                         "\(r.count) dossiers: \(eligible) eligible, \(ineligible) ineligible, \(confirm) to be confirmed\n")
        return out
    }
}
