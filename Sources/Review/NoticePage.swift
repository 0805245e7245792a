import Foundation
import Panel
import Records

// The public notice (社会公示) and the approved list as a page a federation can publish on its
// website and print (issue 15): `export publicity|final --format html`. The list is exactly
// what `publishedRows` reads from the signed records (the other formats print the same rows);
// the page adds what a reader needs around it: the notice period the secretary signed, where
// and how to object (program.yaml `publicity.objections`), a short extract of the deeds where
// the programme publishes them (`publicity.deeds_chars`), and a footer with the store
// fingerprint and the Merkle root of the counted records, so anyone holding a copy of the store
// can check the list against it (`pingshen verify COPY --fingerprint HEX`).
//
// One standalone file: no script, no external resource (inline CSS only, and a
// Content-Security-Policy that forbids anything else), so it can be put on any web server or
// opened from a USB stick. Every text from the store goes through `HTMLText.escape`. The markup
// is also well-formed XML (void elements closed, only XML's five entities), which the tests use
// to read it back. Print: A4 (`@page`), the table header repeated on each page, no row split
// across pages. Phone: `viewport` meta, and below 40em each row becomes a card with the column
// names beside the values.
extension ReviewSession {
    /// The rows' columns on the page: dossier fields by id, with the programme's own labels.
    func pageColumns(lang: Language) -> [(id: String, label: String)] {
        let wanted = ["id", "name", "gender", "employer", "field", "title"]
        var out: [(String, String)] = [("seq", lang.pick("序号", "No."))]
        for id in wanted {
            // Gender and title where the programme's form has them; the others always.
            if ["gender", "title"].contains(id), program.field(id) == nil { continue }
            let label = id == "id" ? lang.pick("编号", "ID") : (program.field(id)?.label.text(lang) ?? DossierFields.label(id, lang))
            out.append((id, label))
        }
        if program.noticeRule.deedsChars != nil {
            out.append(("deeds", lang.pick("主要事迹（摘要）", "Main deeds (extract)")))
        }
        return out
    }

    /// The body that signed an approval, by the programme's name for it, else its id.
    func approvalBody(_ a: StoredRecord, lang: Language) -> String? {
        let id = a.record.body["body"]?.string
        return program.approval?.by.first { $0.id == id }?.name.text(lang) ?? id
    }

    public func noticePage(_ list: PublishedList, lang: Language) throws -> String {
        let (rows, notices) = try publishedList(list)
        let e = { (s: String) in HTMLText.escape(s) }
        let title = program.title.text(lang)
        let organiser = program.organiser.text(lang)
        let year = program.year.map(String.init)
        let rule = program.noticeRule
        let unitWord: (zh: String, en: String) = program.subject == "person" ? ("名", "nominees") : ("项", "entries")
        let subtitle: String
        switch list {
        case .publicity:
            subtitle = lang.pick((year.map { "\($0)年度" } ?? "") + "拟入选名单公示", (year.map { "\($0): " } ?? "") + "list for public notice")
        case .final:
            subtitle = lang.pick((year.map { "\($0)年度" } ?? "") + "入选名单", (year.map { "\($0): " } ?? "") + "approved list")
        }
        var h = "<!DOCTYPE html>\n"
        h += "<html lang=\"\(lang == .zh ? "zh-CN" : "en")\">\n<head>\n"
        h += "<meta charset=\"utf-8\"/>\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        // Nothing but this page's own style may load or run, even if a text slipped through.
        h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>\n"
        h += "<meta name=\"generator\" content=\"pingshen\"/>\n"
        h += "<title>\(e(title)) — \(e(subtitle))</title>\n"
        h += "<style>\n" + ReviewSession.pageStyle + "</style>\n</head>\n<body>\n"
        h += "<header>\n<p class=\"organiser\">\(e(organiser))</p>\n<h1>\(e(title))</h1>\n<p class=\"subtitle\">\(e(subtitle))</p>\n"
        if !program.document.isEmpty { h += "<p class=\"document\">\(e(program.document))</p>\n" }
        h += "</header>\n<main>\n"

        // What the notice says, in the words of a Chinese public notice of a selection.
        let n = rows.count
        let approvals = list == .final ? currentApprovals() : []
        switch list {
        case .publicity:
            h += "<p class=\"intro\">" + e(lang.pick(
                "经资格审核、专家评审，以下 \(n) \(unitWord.zh)拟入选\(year.map { "\($0)年度" } ?? "")\(title)，现予以公示，接受社会监督。",
                "After the qualification check and the expert review, the \(n) \(unitWord.en) below are proposed for \(title)\(year.map { " \($0)" } ?? ""). They are published here for public scrutiny.")) + "</p>\n"
        case .final:
            let bodies = approvals.map { approvalBody($0, lang: lang) ?? $0.record.signer }
            h += "<p class=\"intro\">" + e(lang.pick(
                "经资格审核、专家评审、社会公示和\(bodies.joined(separator: "、"))审定，以下 \(n) \(unitWord.zh)入选\(year.map { "\($0)年度" } ?? "")\(title)。",
                "After the qualification check, the expert review, the public notice and the approval by \(bodies.joined(separator: ", ")), the \(n) \(unitWord.en) below are selected for \(title)\(year.map { " \($0)" } ?? "").")) + "</p>\n"
        }

        // The list.
        let cols = pageColumns(lang: lang)
        let deedsChars = rule.deedsChars ?? 0
        h += "<table>\n<thead>\n<tr>" + cols.map { "<th scope=\"col\">\(e($0.label))</th>" }.joined() + "</tr>\n</thead>\n<tbody>\n"
        for (i, r) in rows.enumerated() {
            h += "<tr>"
            for c in cols {
                let v: String
                switch c.id {
                case "seq": v = String(i + 1)
                case "id": v = r.dossier.id
                case "deeds": v = HTMLText.extract(r.dossier.deeds, limit: deedsChars)
                default: v = r.dossier[c.id] ?? ""
                }
                h += "<td data-label=\"\(e(c.label))\"" + (c.id == "deeds" ? " class=\"deeds\"" : "") + ">\(e(v))</td>"
            }
            h += "</tr>\n"
        }
        h += "</tbody>\n</table>\n"

        // The notice period as signed (the main notice and any supplementary one).
        h += "<section class=\"period\">\n<h2>\(e(lang.pick("公示期", "Notice period")))</h2>\n"
        if notices.isEmpty {
            h += "<p>" + e(lang.pick("公示期尚未确定（本项目公示不少于 \(rule.describe(.zh))）。",
                                     "The notice period is not yet set (this programme's notice runs at least \(rule.describe(.en))).")) + "</p>\n"
        } else {
            h += "<ul>\n"
            for (notice, _, _) in notices {
                guard let p = ReviewSession.period(notice.record) else { continue }
                let span = lang.pick("\(p.from) 至 \(p.to)", "\(p.from) to \(p.to)")
                if let vacated = notice.record.body["supplement_for"]?.string {
                    let names = (notice.record.body["dossiers"]?.array ?? []).compactMap(\.string)
                        .map { id in panel.dossier(id).map { "\($0.name)（\(id)）" } ?? id }
                    h += "<li>" + e(lang.pick("补充公示（递补 \(vacated) 空出的名额）：\(names.joined(separator: "、"))，\(span)",
                                              "Supplementary notice (the place of \(vacated)): \(names.joined(separator: ", ")), \(span)")) + "</li>\n"
                } else {
                    h += "<li>" + e(span + lang.pick("（北京时间，含首尾两日；本项目要求不少于 \(rule.describe(.zh))）",
                                                     " (Beijing dates, both days included; this programme asks for at least \(rule.describe(.en)))")) + "</li>\n"
                }
            }
            h += "</ul>\n"
        }
        h += "</section>\n"

        switch list {
        case .publicity:
            // Where and how to object.
            h += "<section class=\"objections\">\n<h2>\(e(lang.pick("异议受理", "Objections")))</h2>\n"
            if let text = rule.objections?.text(lang), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                h += "<p>" + HTMLText.escape(text, keepLineBreaks: true) + "</p>\n"
            } else {
                h += "<p>" + e(lang.pick(
                    "公示期间，单位或个人对公示对象有异议的，请以书面形式向\(organiser)反映。以单位名义反映的须加盖公章，以个人名义反映的须署真实姓名并提供联系方式。",
                    "During the notice period, any unit or person with an objection to a listed nominee writes to \(organiser). An objection in a unit's name carries its official seal; one in a person's name carries the writer's real name and contact details.")) + "</p>\n"
            }
            h += "</section>\n"
        case .final:
            h += "<section class=\"approval\">\n<h2>\(e(lang.pick("审定", "Approval")))</h2>\n<ul>\n"
            for a in approvals {
                let body = approvalBody(a, lang: lang) ?? ""
                let day = NoticeDate(created: a.record.created).map(\.description) ?? a.record.created
                h += "<li>" + e(lang.pick("\(body)（\(a.record.signer)）审定，\(day)", "\(body) (\(a.record.signer)), approved \(day)")) + "</li>\n"
            }
            h += "</ul>\n</section>\n"
        }
        h += "</main>\n"

        // What lets anyone check this list against the store (issue 11).
        h += "<footer>\n<h2>\(e(lang.pick("核验", "Verification")))</h2>\n<dl>\n"
        for p in noticeProofs(lang: lang) {
            h += "<dt>\(e(p.label))</dt><dd><code>\(e(p.value))</code></dd>\n"
        }
        h += "</dl>\n"
        if let fp = governance.fingerprint {
            h += "<p>" + e(lang.pick(
                "本名单依据的评审库可用 pingshen verify 评审库 --fingerprint \(fp) 核验：每条记录的签名、计入记录的 Merkle 根与名单所依据的定稿一致。",
                "Anyone holding a copy of the store can check this list against it: pingshen verify STORE --fingerprint \(fp) checks every signature, and the Merkle root above is the finalization's.")) + "</p>\n"
        }
        h += "</footer>\n</body>\n</html>\n"
        return h
    }

    /// The page's only style: screen, phone (below 40em: each row a card) and print (A4).
    static let pageStyle = """
    :root { color-scheme: light; }
    body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "SimSun", serif;
           max-width: 60rem; margin: 0 auto; padding: 1rem; line-height: 1.6; color: #111; background: #fff; }
    header { text-align: center; margin-bottom: 1.5rem; }
    h1 { font-size: 1.7rem; margin: 0.25rem 0; }
    h2 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
    .organiser, .document { color: #444; margin: 0.25rem 0; }
    .subtitle { font-size: 1.25rem; font-weight: bold; margin: 0.25rem 0; }
    .intro { text-indent: 2em; }
    table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
    th, td { border: 1px solid #888; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
    th { background: #eee; }
    td.deeds { font-size: 0.9rem; }
    footer { margin-top: 2rem; padding-top: 0.5rem; border-top: 1px solid #888; font-size: 0.8rem; color: #333; }
    dt { font-weight: bold; }
    dd { margin: 0 0 0.4rem 0; }
    code { font-family: "Noto Sans Mono CJK SC", "DejaVu Sans Mono", monospace; word-break: break-all; }
    @media (max-width: 40em) {
      body { padding: 0.5rem; }
      h1 { font-size: 1.35rem; }
      table, thead, tbody, tr, th, td { display: block; }
      thead tr { position: absolute; left: -10000px; top: auto; }
      tr { border: 1px solid #888; margin-bottom: 0.75rem; }
      td { border: none; border-bottom: 1px solid #ddd; }
      td:last-child { border-bottom: none; }
      td::before { content: attr(data-label); display: inline-block; min-width: 6.5em; font-weight: bold; margin-right: 0.5em; }
    }
    @page { size: A4; margin: 18mm 16mm 20mm 16mm; }
    @media print {
      body { max-width: none; padding: 0; font-size: 10.5pt; }
      th { background: none; }
      thead { display: table-header-group; }
      tr { break-inside: avoid; page-break-inside: avoid; }
      footer { break-inside: avoid; }
    }

    """
}
