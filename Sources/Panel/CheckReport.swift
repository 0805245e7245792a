import Foundation

/// Output of the qualification check (`pingshen check`).
public enum CheckReport {
    /// The JSON contract of design.md §4: `{"dossiers":[{"dossier":ID,"eligible":bool,
    /// "reasons":[{"rule":ID,"message":TEXT}]}]}`, with "message" in `lang` and also
    /// "message_zh"/"message_en", plus a "summary" of counts. Keys in a fixed order; one line.
    public static func json(_ r: [EligibilityResult], lang: Language) -> String {
        var out = "{\"dossiers\":["
        for (i, res) in r.enumerated() {
            if i > 0 { out += "," }
            out += "{\"dossier\":" + quote(res.dossier) + ",\"eligible\":" + (res.eligible ? "true" : "false") + ",\"reasons\":["
            for (j, f) in res.failures.enumerated() {
                if j > 0 { out += "," }
                out += "{\"rule\":" + quote(f.rule) + ",\"message\":" + quote(f.message(lang))
                    + ",\"message_zh\":" + quote(f.zh) + ",\"message_en\":" + quote(f.en) + "}"
            }
            out += "]}"
        }
        let eligible = r.filter(\.eligible).count
        out += "],\"summary\":{\"total\":\(r.count),\"eligible\":\(eligible),\"ineligible\":\(r.count - eligible)}}"
        return out
    }

    /// A JSON string literal.
    public static func quote(_ s: String) -> String { JSONText.string(s) }

    /// A table for the terminal: one line per dossier that passes, one per failed rule of one
    /// that does not, then a summary line. Columns aligned in terminal cells.
    public static func table(_ r: [EligibilityResult], dossiers: [Dossier], lang: Language) -> String {
        var byID: [String: Dossier] = [:]
        for d in dossiers { byID[d.id] = d }
        let headers = [lang.pick("编号", "No."), lang.pick("姓名", "Name"), lang.pick("工作单位", "Employer"),
                       lang.pick("结果", "Result"), lang.pick("规则", "Rule"), lang.pick("原因", "Reason")]
        var rows: [[String]] = []
        for res in r {
            let d = byID[res.dossier]
            let head = [res.dossier, d?.name ?? "", d?.employer ?? ""]
            if res.eligible {
                rows.append(head + [lang.pick("合格", "eligible"), "", ""])
                continue
            }
            for (k, f) in res.failures.enumerated() {
                let lead = k == 0 ? head + [lang.pick("不合格", "ineligible")] : ["", "", "", ""]
                rows.append(lead + [f.rule, f.message(lang)])
            }
        }
        let eligible = r.filter(\.eligible).count
        var out = TextTable.render(headers: headers, rows: rows, maxColumnWidth: 80)
        out += lang.pick("共 \(r.count) 份，合格 \(eligible) 份，不合格 \(r.count - eligible) 份\n",
                         "\(r.count) dossiers: \(eligible) eligible, \(r.count - eligible) ineligible\n")
        return out
    }
}
