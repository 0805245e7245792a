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

    public func publishedRows(_ list: PublishedList) throws -> [ListRow] {
        let s = standing()
        guard s.finalized else {
            throw ActionError(zh: "尚未定稿：组长签署定稿后才有公示名单", en: "not finalized: the public list exists once the chair signs the ranking")
        }
        var ids: [String]
        switch list {
        case .publicity:
            ids = s.ranking.entries.filter { $0.status == .selected }.map(\.dossier)
        case .final:
            guard let approval = ledger.approval else {
                throw ActionError(zh: "尚未审定：审定后才有最终名单", en: "not approved: the final list exists once it is approved")
            }
            guard case .array(let sel)? = approval.record.body["selected"] else {
                throw StoreError("\(approval.path): approval without a selected list")
            }
            ids = sel.compactMap(\.string)
        }
        let byID = Dictionary(s.ranking.entries.map { ($0.dossier, $0) }, uniquingKeysWith: { a, _ in a })
        return ids.compactMap { id in
            guard let d = panel.dossier(id) else { return nil }
            let e = byID[id]
            return ListRow(rank: e?.rank ?? 0, dossier: d, score: e?.score?.rounded2() ?? "")
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
        switch format {
        case "csv":
            var out = cols.map(\.id).joined(separator: ",") + "\r\n"
            for row in cells { out += row.map(CSV.escape).joined(separator: ",") + "\r\n" }
            return out
        case "md":
            var out = "# \(title)\n\n"
            out += "| " + cols.map { lang.pick($0.zh, $0.en) }.joined(separator: " | ") + " |\n"
            out += "|" + cols.map { _ in "---" }.joined(separator: "|") + "|\n"
            for row in cells { out += "| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
            return out
        default:
            throw ActionError(zh: "未知格式 \(format)（md 或 csv）", en: "unknown format \(format) (md or csv)")
        }
    }

    // MARK: - Multi-level recommendation (逐级晋升)

    /// Turns this store's approved list into nominations of a higher-level programme in
    /// `target`, each carrying a reference to the signed approval. All or nothing.
    public func promote(to target: String) throws -> [Dossier] {
        guard let approval = ledger.approval else {
            throw ActionError(zh: "尚未审定：只有审定名单可以逐级推荐", en: "not approved: only an approved list can be promoted")
        }
        let rows = try publishedRows(.final)
        let city = try PanelStore.open(target)
        var made: [Dossier] = []
        for r in rows {
            var fields = r.dossier.fields
            fields["recommender"] = program.organiser.zh
            fields["channel"] = "单位推荐"
            fields["promoted_from"] = instance
            fields["promotion_approval"] = approval.sha256
            fields["promotion_rank"] = String(r.rank)
            let d = Dossier(id: r.dossier.id, fields: fields)
            if city.dossier(d.id) != nil {
                throw ActionError(zh: "目标库已有编号 \(d.id) 的申报材料", en: "the target store already has a dossier \(d.id)")
            }
            made.append(d)
        }
        // All or nothing, as an import: nothing of the list lands if any of it cannot.
        try DossierImport.publish(made, into: city.layout, source: layout.root)
        return made
    }
}

