import Foundation
import Panel
import Records
import Scoring

/// The lists a federation publishes: the public notice (社会公示) after finalization, and the
/// final list (审定名单) after approval.
public enum PublishedList: String, Sendable, CaseIterable {
    case publicity, final
}

extension ReviewSession {
    public struct ListRow: Sendable {
        public var rank: Int
        public var dossier: Dossier
        public var score: String
    }

    /// The list as the signed records say it: the publicity list is the finalization's
    /// `selected` (else its ranking rows with status selected), the final list the approval's
    /// `selected`; ranks and scores are the finalization's signed ranking. Nothing is
    /// recomputed from editable files, and a file that disagrees with the signed records (the
    /// quota or method edited after finalization, a listed dossier's file gone) is refused, as is
    /// a store with problems.
    public func publishedRows(_ list: PublishedList) throws -> [ListRow] {
        try settle()
        guard let fin = ledger.finalization else {
            throw ActionError(zh: "尚未定稿：组长签署定稿后才有公示名单", en: "not finalized: the public list exists once the chair signs the ranking")
        }
        try requireNoProblems(list == .publicity ? LocalizedText(zh: "导出公示名单", en: "export the list for public notice")
                                                 : LocalizedText(zh: "导出审定名单", en: "export the approved list"))
        let body = fin.record.body
        func disagree(_ what: String, file: String, signed: String, now: String) -> ActionError {
            ActionError(zh: "\(file) 的 \(what) 为 \(now)，与组长签署的定稿 \(fin.path) 中的 \(signed) 不符（定稿后被修改？）",
                        en: "\(file) says \(what) \(now), the chair's signed finalization \(fin.path) says \(signed) (changed after finalization?)")
        }
        if let q = body["quota"]?.int, q != Int64(program.quota) {
            throw disagree("quota", file: "program.yaml", signed: String(q), now: String(program.quota))
        }
        if let m = body["method"]?.string, m != program.aggregation.method {
            throw disagree("method", file: "program.yaml", signed: m, now: program.aggregation.method)
        }
        // The signed ranking: dossier → (rank, exact score).
        var signedRows: [String: (rank: Int, exact: String, status: String)] = [:]
        var order: [String] = []
        if case .array(let items)? = body["ranking"] {
            for item in items {
                guard let d = item["dossier"]?.string else { continue }
                let rank = item["rank"]?.int.flatMap { Int(exactly: $0) } ?? 0
                signedRows[d] = (rank, item["exact"]?.string ?? "", item["status"]?.string ?? "")
                order.append(d)
            }
        }
        var ids: [String]
        switch list {
        case .publicity:
            if case .array(let sel)? = body["selected"] {
                ids = sel.compactMap(\.string)
            } else {
                ids = order.filter { signedRows[$0]?.status == "selected" }
            }
        case .final:
            guard let approval = ledger.approval else {
                throw ActionError(zh: "尚未审定：审定后才有最终名单", en: "not approved: the final list exists once it is approved")
            }
            // Approved jointly (Qingpu: 区总工会 and 区人社局): every body has signed first.
            let waiting = bodiesToApprove()
            guard waiting.isEmpty else {
                throw ActionError(zh: "尚待审定：\(waiting.joined(separator: "、"))（各审定机构签署后才有最终名单）",
                                  en: "still to approve: \(waiting.joined(separator: ", ")) (the final list exists once every approving body has signed)")
            }
            guard approval.record.body["finalize"]?.string == fin.sha256 else {
                throw ActionError(zh: "审定 \(approval.path) 指向的不是最新定稿 \(fin.path)，请重新审定",
                                  en: "the approval \(approval.path) does not name the latest finalization \(fin.path); approve again")
            }
            guard case .array(let sel)? = approval.record.body["selected"] else {
                throw ActionError(zh: "\(approval.path)：审定记录没有名单（selected）", en: "\(approval.path): the approval has no selected list")
            }
            ids = sel.compactMap(\.string)
        }
        return try ids.map { id in
            guard let d = panel.dossier(id) else {
                throw ActionError(zh: "签署的名单列有 \(id)，但其申报材料 dossiers/\(id).yaml 不存在（被删除？）",
                                  en: "the signed list names \(id) but its dossier file dossiers/\(id).yaml does not exist (deleted?)")
            }
            let row = signedRows[id]
            let score = row.flatMap { $0.exact.contains("-") ? nil : Fraction(parsing: $0.exact) }?.rounded2() ?? ""
            return ListRow(rank: row?.rank ?? 0, dossier: d, score: score)
        }
    }

    static let listColumns: [(id: String, zh: String, en: String)] = [
        ("rank", "名次", "Rank"), ("id", "编号", "No."), ("name", "姓名", "Name"), ("gender", "性别", "Gender"),
        ("employer", "工作单位", "Employer"), ("field", "专业领域", "Field"), ("title", "职称（技能等级）", "Title"),
        ("score", "得分", "Score"),
    ]

    public func exportList(_ list: PublishedList, format: String, lang: Language) throws -> String {
        let rows = try publishedRows(list)
        let cols = ReviewSession.listColumns
        let cells: [[String]] = rows.map { r in
            cols.map { c in
                switch c.id {
                case "rank": return String(r.rank)
                case "score": return r.score
                default: return r.dossier[c.id] ?? ""
                }
            }
        }
        let title = program.title.text(lang) + (program.year.map { " \($0)" } ?? "") + " — " +
            (list == .publicity ? lang.pick("公示名单", "list for public notice") : lang.pick("审定名单", "approved list"))
        // The store's identity (issue 11) in every format, so a list can be checked against
        // the store it came from (`pingshen verify STORE --fingerprint HEX`).
        let fingerprint = governance.fingerprint ?? ""
        switch format {
        case "csv":
            // The fingerprint is the last column, so the others keep their positions.
            var out = (cols.map(\.id) + ["store_fingerprint"]).joined(separator: ",") + "\r\n"
            for row in cells { out += (row + [fingerprint]).map(CSV.exportField).joined(separator: ",") + "\r\n" }
            return out
        case "json":
            var out = "{\"program\":\(jsonString(program.id)),\"instance\":\(jsonString(instance)),\"list\":\(jsonString(list.rawValue))"
            out += ",\"title\":\(jsonString(title)),\"store_fingerprint\":\(governance.fingerprint.map(jsonString) ?? "null"),\"entries\":["
            out += cells.map { row in
                "\n{" + zip(cols, row).map { c, v in
                    jsonString(c.id == "id" ? "dossier" : c.id) + ":" + (c.id == "rank" ? v : jsonString(v))
                }.joined(separator: ",") + "}"
            }.joined(separator: ",")
            out += cells.isEmpty ? "]" : "\n]"
            // The notice's "核验 / Verification" list, as the Markdown prints it.
            out += ",\"proofs\":[" + noticeProofs(lang: lang).map { "{\"label\":\(jsonString($0.label)),\"value\":\(jsonString($0.value))}" }.joined(separator: ",") + "]"
            out += "}\n"
            return out
        case "md":
            var out = "# \(title)\n\n"
            out += "| " + cols.map { lang.pick($0.zh, $0.en) }.joined(separator: " | ") + " |\n"
            out += "|" + cols.map { _ in "---" }.joined(separator: "|") + "|\n"
            for row in cells { out += "| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
            // What lets anyone check this list against the store (issue 11).
            let proofs = noticeProofs(lang: lang)
            if !proofs.isEmpty {
                out += "\n## " + lang.pick("核验", "Verification") + "\n\n"
                for p in proofs { out += "- " + p.label + ": `" + p.value.replacingOccurrences(of: "`", with: "'") + "`\n" }
            }
            return out
        default:
            throw ActionError(zh: "未知格式 \(format)（md、csv 或 json）", en: "unknown format \(format) (md, csv or json)")
        }
    }
}
