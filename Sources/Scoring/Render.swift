import Foundation
import Panel

/// Renderers for `pingshen rank --format table|json|csv|md`: pure string functions.
///
/// Entry keys (JSON object keys in this order, and the CSV header): `rank`, `dossier`, `name`,
/// `score` (two decimals, half up, as a string), `exact` (reduced fraction as a string, an integer
/// written without "/1", e.g. "86" — as Python's `str(Fraction)`), `sheets`, `status` — the
/// contract keys — then `median` (exact, string), `recommend`, `reject`, `abstain` (numbers) and
/// `approval` ("met" | "below-threshold", null when the programme has no threshold or the dossier
/// has no quorum). `score`, `exact` and `median` are null for a dossier with no valid sheet.
/// Top-level keys: `program`, `method`, `quota`, `entries` (contract order), then `quorum` and
/// `approval_threshold` (the threshold as a reduced fraction string, or null), `stale_sheets`
/// (sheets made on an older version of their dossier: member, dossier, path, counted),
/// `not_in_running` (dossier, name, status "unchecked" | "ineligible" | "objection-upheld",
/// reasons {rule, zh, en}, reason: the secretary's, older_version), `store_fingerprint` (the
/// store's identity, issue 11; only when the ranking is of a store), and last
/// `problems` (how many problems the store has: records with one are left out; `rank` then exits 1).
extension Ranking {
    public static let entryKeys = ["rank", "dossier", "name", "score", "exact", "sheets", "status",
                                   "median", "recommend", "reject", "abstain", "approval"]

    /// JSON (UTF-8 text, one entry per line, trailing newline). `problems`: how many problems
    /// the store has (records with one are left out of the ranking), always the last key.
    public func json(problems: Int = 0) -> String {
        var out = "{\"program\":\(jsonString(program)),\"method\":\(jsonString(method)),\"quota\":\(quota),\"entries\":["
        for (i, e) in entries.enumerated() {
            out += i == 0 ? "\n" : ",\n"
            out += "{\"rank\":\(e.rank),\"dossier\":\(jsonString(e.dossier)),\"name\":\(jsonString(e.name))"
            out += ",\"score\":\(e.score.map { jsonString($0.rounded2()) } ?? "null")"
            out += ",\"exact\":\(e.score.map { jsonString($0.description) } ?? "null")"
            out += ",\"sheets\":\(e.sheets),\"status\":\(jsonString(e.status.rawValue))"
            out += ",\"median\":\(e.median.map { jsonString($0.description) } ?? "null")"
            out += ",\"recommend\":\(e.recommend),\"reject\":\(e.reject),\"abstain\":\(e.abstain)"
            out += ",\"approval\":\(e.approval.map { jsonString($0.rawValue) } ?? "null")"
            // Only where the programme sets a pass mark / is an assessment (issue 12).
            if passMark != nil { out += ",\"pass_mark\":\(e.passMark.map { jsonString($0 == .met ? "met" : "below") } ?? "null")" }
            if assessment { out += ",\"grade\":\(e.grade.map { jsonString($0.rawValue) } ?? "null")" }
            // Rounds (issue 13): the round and the group whose list the entry is ranked in.
            if let round { out += ",\"round\":\(round),\"group\":\(e.group.map(jsonString) ?? "null")" }
            out += "}"
        }
        out += entries.isEmpty ? "]" : "\n]"
        out += ",\"quorum\":\(quorum),\"approval_threshold\":\(approvalThreshold.map { jsonString($0.description) } ?? "null")"
        if let passMark { out += ",\"pass_mark\":\(passMark)" }
        if let round { out += ",\"round\":\(round)" }
        if assessment { out += ",\"mode\":\"assessment\",\"excellent_mark\":\(excellentMark.map(String.init) ?? "null")" }
        // Sheets judged on an older dossier version (issue 11): listed, counted or not.
        out += ",\"stale_sheets\":[" + staleSheets.map {
            "{\"member\":\(jsonString($0.member)),\"dossier\":\(jsonString($0.dossier)),\"path\":\(jsonString($0.path)),\"counted\":\($0.counted)}"
        }.joined(separator: ",") + "]"
        // Who is not in the running and why (issue 12): 未审核, 不合格 (with the signed reasons),
        // 异议成立.
        out += ",\"not_in_running\":[" + outOfRunning.map { q in
            "{\"dossier\":\(jsonString(q.dossier)),\"name\":\(jsonString(q.name)),\"status\":\(jsonString(q.state.rawValue))"
                + ",\"reasons\":[" + q.reasons.map { "{\"rule\":\(jsonString($0.rule)),\"zh\":\(jsonString($0.zh)),\"en\":\(jsonString($0.en))}" }.joined(separator: ",") + "]"
                + ",\"reason\":\(q.reason.map(jsonString) ?? "null"),\"older_version\":\(q.decidedOnOlderVersion)}"
        }.joined(separator: ",") + "]"
        if let storeFingerprint { out += ",\"store_fingerprint\":\(jsonString(storeFingerprint))" }
        out += ",\"problems\":\(problems)}\n"
        return out
    }

    /// The lines after the table: the dossiers not in the running, each with its state and reasons.
    public func outOfRunningText(_ lang: Language) -> String {
        guard !outOfRunning.isEmpty else { return "" }
        let counts = Qualification.State.allCases.compactMap { st -> String? in
            let n = outOfRunning.filter { $0.state == st }.count
            return n == 0 ? nil : "\(st.label(lang)) \(n)"
        }
        var out = lang.pick("未参加排名（\(counts.joined(separator: "，"))）：\n", "not in the running (\(counts.joined(separator: ", "))):\n")
        for q in outOfRunning { out += "  \(q.dossier) \(oneLine(q.name))  \(oneLine(q.summary(lang)))\n" }
        return out
    }

    /// The values of an entry in `entryKeys` order, as text (empty for null).
    func fields(_ e: RankEntry) -> [String] {
        [String(e.rank), e.dossier, e.name, e.score?.rounded2() ?? "", e.score?.description ?? "", String(e.sheets),
         e.status.rawValue, e.median?.description ?? "", String(e.recommend), String(e.reject), String(e.abstain),
         e.approval?.rawValue ?? ""]
    }

    /// CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote, CR or LF;
    /// formula-leading text prefixed with ' as OWASP recommends, CSV.exportField; UTF-8,
    /// no byte-order mark). The header is the JSON entry keys. On a store with problems
    /// (`problems` > 0) one more column, `problems`, last, carries the count on every row: a
    /// reader by column name is unaffected, and the flag survives sorting and filtering.
    public func csv(problems: Int = 0) -> String {
        let rounds = round != nil ? ["round", "group"] : []
        let extra = problems > 0 ? ["problems"] : []
        var out = (Ranking.entryKeys + rounds + extra).joined(separator: ",") + "\r\n"
        for e in entries {
            let r = round.map { [String($0), e.group ?? ""] } ?? []
            out += (fields(e) + r + (problems > 0 ? [String(problems)] : [])).map(CSV.exportField).joined(separator: ",") + "\r\n"
        }
        return out
    }

    func headers(_ lang: Language) -> [String] {
        [lang.pick("名次", "Rank"), lang.pick("编号", "Dossier"), lang.pick("姓名", "Name"), lang.pick("得分", "Score"),
         lang.pick("精确值", "Exact"), lang.pick("评分表", "Sheets"), lang.pick("状态", "Status"),
         lang.pick("中位数", "Median"), lang.pick("推荐", "Rec."), lang.pick("不推荐", "Rej."),
         lang.pick("弃权", "Abst."), lang.pick("推荐比例", "Approval")] + (round != nil ? [lang.pick("专业组", "Group")] : [])
    }

    /// Fields for people (table, Markdown): status and approval in `lang`, "-" for a missing value.
    func localizedFields(_ e: RankEntry, _ lang: Language) -> [String] {
        var f = fields(e)
        for i in [3, 4, 7] where f[i].isEmpty { f[i] = "-" }
        f[6] = e.grade?.label(lang) ?? e.status.label(lang)
        if e.passMark == .belowThreshold, passMark.map({ _ in !assessment }) == true { f[6] += lang.pick("（低于合格线）", " (below pass mark)") }
        f[11] = e.approval?.label(lang) ?? ""
        if round != nil { f.append(e.group ?? "-") }
        return f
    }

    /// Columns aligned right (numbers).
    static let numeric: Set<Int> = [0, 3, 4, 5, 7, 8, 9, 10]

    func title(_ lang: Language) -> String {
        let m = Method(rawValue: method)?.label(lang) ?? method
        var t = lang.pick("\(program) · 计分方法：\(m) · 名额 \(quota) · 法定评分表数 \(quorum)",
                          "\(program) · method: \(m) · quota \(quota) · quorum \(quorum)")
        if let a = approvalThreshold {
            t += lang.pick(" · 推荐比例不低于 \(a)", " · approval threshold \(a)")
        }
        if let p = passMark { t += lang.pick(" · 合格线 \(p)", " · pass mark \(p)") }
        if let round { t += lang.pick(" · 第 \(round) 轮", " · round \(round)") }
        if assessment {
            t = lang.pick("\(program) · 逐一考核（不设名额） · 计分方法：\(Method(rawValue: method)?.label(lang) ?? method) · 合格线 \(passMark ?? 0)",
                          "\(program) · assessment (no quota) · method: \(Method(rawValue: method)?.label(lang) ?? method) · pass mark \(passMark ?? 0)")
                + (excellentMark.map { lang.pick(" · 优秀 \($0)", " · excellent \($0)") } ?? "")
        }
        return t
    }

    /// Markdown table, headers in `lang`; "|" in text is escaped, line breaks become spaces.
    public func markdown(_ lang: Language) -> String {
        let hs = headers(lang)
        var out = "**\(mdCell(title(lang)))**\n\n"
        out += "| " + hs.map(mdCell).joined(separator: " | ") + " |\n"
        out += "|" + hs.indices.map { Ranking.numeric.contains($0) ? "---:|" : "---|" }.joined() + "\n"
        for e in entries {
            out += "| " + localizedFields(e, lang).map(mdCell).joined(separator: " | ") + " |\n"
        }
        if let storeFingerprint { out += "\n" + lang.pick("评审库指纹", "Store fingerprint") + ": `" + mdCell(storeFingerprint) + "`\n" }
        return out
    }

    /// A plain-text table aligned by terminal cells (`DisplayWidth`: CJK characters take two),
    /// headers in `lang`. Columns that are empty for every entry (approval without a threshold) are left out.
    public func table(_ lang: Language) -> String {
        var hs = headers(lang)
        var rows = entries.map { localizedFields($0, lang).map(oneLine) }
        var keep = Array(hs.indices)
        if approvalThreshold == nil { keep.removeAll { $0 == 11 } }
        hs = keep.map { hs[$0] }
        rows = rows.map { r in keep.map { r[$0] } }
        let numeric = Set(keep.enumerated().filter { Ranking.numeric.contains($0.element) }.map(\.offset))
        var widths = hs.map { DisplayWidth.of($0) }
        for r in rows {
            for (i, c) in r.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(c)) }
        }
        func line(_ cells: [String]) -> String {
            var s = ""
            for (i, c) in cells.enumerated() {
                let padded = DisplayWidth.pad(c, to: widths[i], alignRight: numeric.contains(i))
                s += i == 0 ? padded : "  " + padded
            }
            // No trailing blanks.
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        var out = title(lang) + "\n"
        out += line(hs) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for r in rows { out += line(r) + "\n" }
        if entries.isEmpty { out += lang.pick("（没有申报材料）", "(no dossiers)") + "\n" }
        out += outOfRunningText(lang)
        return out
    }
}

/// A JSON string literal (shared with the check report: `JSONText.string`).
public func jsonString(_ s: String) -> String { JSONText.string(s) }


func oneLine(_ s: String) -> String {
    String(s.map { $0.isNewline || $0 == "\t" ? " " : $0 })
}

func mdCell(_ s: String) -> String {
    oneLine(s).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
}
