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
        /// The signed notice that published this row (publicity list only; nil before any is signed).
        public var notice: NoticeTag? = nil
    }

    /// Which notice published a row of the publicity list (issue 12): the main notice of the
    /// finalized list, or a supplementary notice (补充公示) with the upheld objection that freed
    /// the place it fills.
    public struct NoticeTag: Sendable {
        public var supplement: Bool
        public var record: String
        public var from: String
        public var to: String
        /// Supplement only: the publicised dossier whose upheld objection freed the place.
        public var supplementFor: String?
        /// Supplement only: that objection's record path and the date it came in.
        public var objection: String?
        public var objectionReceived: String?
        /// The chair's ruling the supplement follows, as the notice states it.
        public var resolution: String?
    }

    /// A signed notice of the latest finalization: its record, its tag, the dossiers it lists.
    public typealias NoticeEntry = (notice: StoredRecord, tag: NoticeTag, dossiers: [String])

    /// The signed notices of the latest finalization as tags, in the order signed.
    func noticeTags() -> [NoticeEntry] {
        notices().map { n in
            let b = n.record.body
            var tag = NoticeTag(supplement: b["supplement_for"] != nil, record: n.path, from: b["from"]?.string ?? "", to: b["to"]?.string ?? "")
            if let freed = b["supplement_for"]?.string {
                tag.supplementFor = freed
                let sha = b["objection"]?.string
                if let o = ledger.objections[freed], o.sha256 == sha {
                    tag.objection = o.path
                    tag.objectionReceived = o.record.body["received"]?.string
                } else {
                    tag.objection = sha
                }
                tag.resolution = b["resolution"]?.string
            }
            return (n, tag, (b["dossiers"]?.array ?? []).compactMap(\.string))
        }
    }

    /// The list as the signed records say it: the publicity list is the finalization's
    /// `selected` (else its ranking rows with status selected), the final list the approval's
    /// `selected`; ranks and scores are the finalization's signed ranking. Nothing is
    /// recomputed from editable files, and a file that disagrees with the signed records (the
    /// quota or method edited after finalization, a listed dossier's file gone) is refused, as is
    /// a store with problems.
    public func publishedRows(_ list: PublishedList) throws -> [ListRow] { try publishedList(list).rows }

    /// `publishedRows` with the signed notices it was made under (read once, for the rows and
    /// for what an export prints about them: periods, supplements).
    public func publishedList(_ list: PublishedList) throws -> (rows: [ListRow], notices: [NoticeEntry]) {
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
        var tags: [String: NoticeTag] = [:]
        let notices = noticeTags()
        switch list {
        case .publicity:
            if case .array(let sel)? = body["selected"] {
                ids = sel.compactMap(\.string)
            } else {
                ids = order.filter { signedRows[$0]?.status == "selected" }
            }
            // The list as published (社会公示): the finalized list under its notice, then each
            // supplementary notice's candidate (补充公示) under its own, in the order signed.
            for (_, tag, listed) in notices {
                for d in listed where tags[d] == nil {
                    tags[d] = tag
                    if !ids.contains(d) { ids.append(d) }
                }
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
        let rows = try ids.map { id in
            guard let d = panel.dossier(id) else {
                throw ActionError(zh: "签署的名单列有 \(id)，但其申报材料 dossiers/\(id).yaml 不存在（被删除？）",
                                  en: "the signed list names \(id) but its dossier file dossiers/\(id).yaml does not exist (deleted?)")
            }
            let row = signedRows[id]
            let score = row.flatMap { $0.exact.contains("-") ? nil : Fraction(parsing: $0.exact) }?.rounded2() ?? ""
            return ListRow(rank: row?.rank ?? 0, dossier: d, score: score, notice: tags[id])
        }
        return (rows, notices)
    }

    static let listColumns: [(id: String, zh: String, en: String)] = [
        ("rank", "名次", "Rank"), ("id", "编号", "No."), ("name", "姓名", "Name"), ("gender", "性别", "Gender"),
        ("employer", "工作单位", "Employer"), ("field", "专业领域", "Field"), ("title", "职称（技能等级）", "Title"),
        ("score", "得分", "Score"),
    ]

    /// The publicity list's own columns (issue 12), before `store_fingerprint`: which notice
    /// published the row (main or supplement, empty before any is signed), its period, and for a
    /// supplementary notice the dossier whose upheld objection freed the place and that
    /// objection's record; `objection` is the row's own objection outcome, if any.
    static let noticeColumns = ["notice", "notice_from", "notice_to", "supplement_for", "freed_by_objection", "objection"]

    func noticeCells(_ r: ListRow) -> [String] {
        guard let t = r.notice else { return ["", "", "", "", "", ledger.outcome(of: r.dossier.id) ?? ""] }
        return [t.supplement ? "supplement" : "main", t.from, t.to, t.supplementFor ?? "", t.objection ?? "", ledger.outcome(of: r.dossier.id) ?? ""]
    }

    public func exportList(_ list: PublishedList, format: String, lang: Language) throws -> String {
        if format == "html" { return try noticePage(list, lang: lang) }
        let (rows, notices) = try publishedList(list)
        let cols = ReviewSession.listColumns
        func cellsOf(_ r: ListRow) -> [String] {
            cols.map { c in
                switch c.id {
                case "rank": return String(r.rank)
                case "score": return r.score
                default: return r.dossier[c.id] ?? ""
                }
            }
        }
        var cells: [[String]] = rows.map(cellsOf)
        let title = program.title.text(lang) + (program.year.map { " \($0)" } ?? "") + " — " +
            (list == .publicity ? lang.pick("公示名单", "list for public notice") : lang.pick("审定名单", "approved list"))
        // The final list's empty places (issue 12), as the approval signed them: `vacant` and
        // each place's reason. In CSV one row each (no rank, no id; the name says vacant) with
        // the reason in the `note` column.
        let approvalBody = list == .final ? ledger.approval?.record.body : nil
        let vacant = approvalBody?["vacant"]?.int ?? 0
        let vacancies: [(count: Int64, reason: String, freed: String?)] = (approvalBody?["vacancies"]?.array ?? []).map {
            ($0["count"]?.int ?? 1, $0["reason"]?.string ?? "", $0["freed"]?.string)
        }
        func vacancyNote(_ v: (count: Int64, reason: String, freed: String?)) -> String {
            (v.freed.map { lang.pick("\($0) 异议成立空出：", "freed by the upheld objection to \($0): ") } ?? "") + v.reason
        }
        let noticeCols = list == .publicity ? ReviewSession.noticeColumns : ["note"]
        var extra: [[String]] = rows.map { list == .publicity ? noticeCells($0) : [""] }
        if list == .final {
            for v in vacancies {
                for _ in 0..<max(1, min(v.count, Int64(Limits.quota.upperBound))) {
                    cells.append(cols.map { $0.id == "name" ? lang.pick("（空缺）", "(vacant)") : "" })
                    extra.append([vacancyNote(v)])
                }
            }
        }
        // The store's identity (issue 11) in every format, so a list can be checked against
        // the store it came from (`pingshen verify STORE --fingerprint HEX`).
        let fingerprint = governance.fingerprint ?? ""
        switch format {
        case "csv":
            // The fingerprint is the last column, so the others keep their positions.
            var out = (cols.map(\.id) + noticeCols + ["store_fingerprint"]).joined(separator: ",") + "\r\n"
            for (row, more) in zip(cells, extra) { out += (row + more + [fingerprint]).map(CSV.exportField).joined(separator: ",") + "\r\n" }
            return out
        case "json":
            var out = "{\"program\":\(jsonString(program.id)),\"instance\":\(jsonString(instance)),\"list\":\(jsonString(list.rawValue))"
            out += ",\"title\":\(jsonString(title)),\"store_fingerprint\":\(governance.fingerprint.map(jsonString) ?? "null"),\"entries\":["
            // Entries are the dossiers only: the final list's empty places are `vacancies`.
            let listed = Array(zip(cells.prefix(rows.count), extra.prefix(rows.count)))
            let items: [String] = listed.map { row, more in
                let base: [String] = zip(cols, row).map { c, v in jsonString(c.id == "id" ? "dossier" : c.id) + ":" + (c.id == "rank" ? v : jsonString(v)) }
                let added: [String] = list == .publicity ? zip(noticeCols, more).map { jsonString($0) + ":" + jsonString($1) } : []
                return "\n{" + (base + added).joined(separator: ",") + "}"
            }
            out += items.joined(separator: ",")
            out += items.isEmpty ? "]" : "\n]"
            if list == .final {
                let places: [String] = vacancies.map { v in
                    let freed = v.freed.map { ",\"freed\":" + jsonString($0) } ?? ""
                    return "{\"count\":\(v.count),\"reason\":" + jsonString(v.reason) + freed + "}"
                }
                out += ",\"vacant\":\(vacant),\"vacancies\":[" + places.joined(separator: ",") + "]"
            }
            if list == .publicity {
                // Every signed notice: the main one and each supplementary notice (补充公示).
                out += ",\"notices\":[" + notices.map { _, tag, listed in
                    var o = "{\"kind\":\(jsonString(tag.supplement ? "supplement" : "main")),\"record\":\(jsonString(tag.record))"
                    o += ",\"from\":\(jsonString(tag.from)),\"to\":\(jsonString(tag.to)),\"dossiers\":[" + listed.map(jsonString).joined(separator: ",") + "]"
                    if let f = tag.supplementFor { o += ",\"supplement_for\":\(jsonString(f))" }
                    if let ob = tag.objection { o += ",\"freed_by_objection\":\(jsonString(ob))" }
                    if let day = tag.objectionReceived { o += ",\"objection_received\":\(jsonString(day))" }
                    if let r = tag.resolution { o += ",\"resolution\":\(jsonString(r))" }
                    return o + "}"
                }.joined(separator: ",") + "]"
            }
            // The notice's "核验 / Verification" list, as the Markdown prints it.
            out += ",\"proofs\":[" + noticeProofs(lang: lang).map { "{\"label\":\(jsonString($0.label)),\"value\":\(jsonString($0.value))}" }.joined(separator: ",") + "]"
            out += "}\n"
            return out
        case "md":
            let esc = MarkdownText.cell
            func table(_ rs: [ListRow]) -> String {
                var t = "| " + cols.map { lang.pick($0.zh, $0.en) }.joined(separator: " | ") + " |\n"
                t += "|" + cols.map { _ in "---" }.joined(separator: "|") + "|\n"
                for r in rs { t += "| " + cellsOf(r).map(esc).joined(separator: " | ") + " |\n" }
                return t
            }
            var out = "# \(title)\n\n"
            let main = rows.filter { $0.notice?.supplement != true }
            out += table(main)
            if list == .final, vacant > 0 {
                out += "\n## " + lang.pick("空缺 \(vacant) 个名额", "\(vacant) vacant place\(vacant == 1 ? "" : "s")") + "\n\n"
                for v in vacancies { out += "- " + (v.count > 1 ? "\(v.count) × " : "") + esc(vacancyNote(v)) + "\n" }
            }
            if list == .publicity {
                if let m = notices.first(where: { !$0.tag.supplement })?.tag {
                    out += "\n" + lang.pick("公示期：\(m.from) 至 \(m.to)（公示记录 \(m.record)）", "Notice period: \(m.from) to \(m.to) (notice record \(m.record))") + "\n"
                }
                let upheld = main.map(\.dossier.id).filter { ledger.outcome(of: $0) == "upheld" }
                if !upheld.isEmpty {
                    out += "\n" + lang.pick("异议成立：", "Objection upheld: ") + upheld.joined(separator: ", ") + "\n"
                }
                // Each supplementary notice (补充公示): its period, the candidate it adds, and
                // the upheld objection that freed the place.
                for (i, entry) in notices.filter(\.tag.supplement).enumerated() {
                    let t = entry.tag
                    out += "\n## " + lang.pick("补充公示 \(i + 1)：\(t.from) 至 \(t.to)", "Supplementary notice \(i + 1): \(t.from) to \(t.to)") + "\n\n"
                    let obj = (t.objection ?? "") + (t.objectionReceived.map { lang.pick("，收到于 \($0)", ", received \($0)") } ?? "")
                    out += lang.pick("因 \(t.supplementFor ?? "") 的公示异议成立（异议记录 \(obj)）空出名额，递补公示（公示记录 \(t.record)）：",
                                     "The upheld objection to \(t.supplementFor ?? "") (objection record \(obj)) freed a place; publicised to fill it (notice record \(t.record)):") + "\n\n"
                    out += table(rows.filter { $0.notice?.record == t.record })
                    if let r = t.resolution { out += "\n" + lang.pick("组长裁定：", "The chair's ruling: ") + esc(r) + "\n" }
                }
            }
            // What lets anyone check this list against the store (issue 11).
            let proofs = noticeProofs(lang: lang)
            if !proofs.isEmpty {
                out += "\n## " + lang.pick("核验", "Verification") + "\n\n"
                for p in proofs { out += "- " + p.label + ": `" + p.value.replacingOccurrences(of: "`", with: "'") + "`\n" }
            }
            return out
        default:
            throw ActionError(zh: "未知格式 \(TerminalText.sanitize(format))（md、csv、json、html、pdf 或 xlsx）",
                              en: "unknown format \(TerminalText.sanitize(format)) (md, csv, json, html, pdf or xlsx)")
        }
    }
}
