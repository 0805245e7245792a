import Foundation
import Panel
import Records

extension ReviewSession {
    /// The header labels of `noticeColumns`, in either language.
    static let noticeLabels: [String: (zh: String, en: String)] = [
        "notice": ("公示", "Notice"), "notice_from": ("公示开始", "Notice from"), "notice_to": ("公示结束", "Notice to"),
        "supplement_for": ("递补的名额", "Place of"), "freed_by_objection": ("空出名额的异议", "Freed by objection"),
        "objection": ("异议结果", "Objection"),
    ]

    /// `export publicity|final --format xlsx` (issue 15): the list as a workbook, the same rows
    /// and columns as the CSV (`store_fingerprint` last), the labels in `lang`, ranks and scores
    /// as numbers; a second sheet holds the notice's proofs (store fingerprint, Merkle root …).
    public func exportWorkbook(_ list: PublishedList, lang: Language) throws -> Data {
        let rows = try publishedRows(list)
        let cols = ReviewSession.listColumns
        let noticeCols = list == .publicity ? ReviewSession.noticeColumns : []
        let fingerprint = governance.fingerprint ?? ""
        var header: [XLSXWriter.Value] = cols.map { .text(lang.pick($0.zh, $0.en)) }
        header += noticeCols.map { c in .text(ReviewSession.noticeLabels[c].map { lang.pick($0.zh, $0.en) } ?? c) }
        header.append(.text(lang.pick("评审库指纹", "Store fingerprint")))
        var table: [[XLSXWriter.Value]] = [header]
        for r in rows {
            var row: [XLSXWriter.Value] = cols.map { c in
                switch c.id {
                case "rank": return .number(String(r.rank))
                case "score": return r.score.isEmpty ? .empty : .number(r.score)
                default: return .text(r.dossier[c.id] ?? "")
                }
            }
            if list == .publicity { row += noticeCells(r).map { .text($0) } }
            row.append(.text(fingerprint))
            table.append(row)
        }
        var widths: [Int: Int] = [:]
        for (i, c) in cols.enumerated() { widths[i + 1] = ["employer", "title"].contains(c.id) ? 28 : (c.id == "rank" ? 6 : 12) }
        widths[header.count] = 66
        let scoreColumn = (cols.firstIndex { $0.id == "score" } ?? 0) + 1
        let idColumn = (cols.firstIndex { $0.id == "id" } ?? 0) + 1
        let name = list == .publicity ? lang.pick("公示名单", "Public notice") : lang.pick("审定名单", "Approved list")
        let main = XLSXWriter.Sheet(name: name, rows: table, headerRows: 1, widths: widths, textColumns: [idColumn], decimalColumns: [scoreColumn])
        var proofs: [[XLSXWriter.Value]] = [[.text(lang.pick("核验", "Verification")), .text("")]]
        proofs.append([.text(lang.pick("名单", "List")), .text(program.title.text(lang) + (program.year.map { " \($0)" } ?? "") + " — " + name)])
        for p in noticeProofs(lang: lang) { proofs.append([.text(p.label), .text(p.value)]) }
        let check = XLSXWriter.Sheet(name: lang.pick("核验", "Verification"), rows: proofs, headerRows: 1, widths: [1: 24, 2: 100])
        return try XLSXWriter.workbook([main, check])
    }
}
