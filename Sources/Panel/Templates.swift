import Foundation
import Yams

/// The programme templates embedded in the binary (as YAML in Swift source, not SwiftPM
/// resources, so the executable runs wherever it is copied). One per programme of the seeds.
public enum Templates {
    /// The YAML text of each template, in listing order.
    public static let sources: [(id: String, yaml: String)] = [
        ("shanghai-craftsman", shanghaiCraftsman),
        ("qingpu-craftsman", qingpuCraftsman),
        ("hangzhou-craftsman", hangzhouCraftsman),
        ("jingan-chief-technician", jinganChiefTechnician),
        ("jingan-master-studio", jinganMasterStudio),
        ("jingan-term-review", jinganTermReview),
        ("shanghai-chief-technician", shanghaiChiefTechnician),
    ]

    public static let ids: [String] = sources.map(\.id)

    /// Every template decoded. A template that does not decode is a programming error caught by
    /// the tests (`decode` throws with the template id).
    public static let all: [Program] = sources.map { src in
        do { return try decode(src.yaml, id: src.id) } catch { fatalError("\(error)") }
    }

    public static func program(_ id: String) -> Program? { all.first { $0.id == id } }

    /// The YAML text of template `id` (what `init` copies into program.yaml).
    public static func yaml(_ id: String) -> String? { sources.first { $0.id == id }?.yaml }

    /// Decodes a programme from YAML and validates its rules.
    public static func decode(_ yaml: String, id: String) throws -> Program {
        let path = "template \(id)"
        let p = try YAMLFile.decode(Program.self, text: yaml, path: path)
        try Eligibility.validate(p, path: path)
        return p
    }

    /// Template `id` set up for `year` (stage dates and the reference date moved by whole years)
    /// and, when given, another quota. Nil when there is no such template.
    public static func instantiate(_ id: String, year: Int? = nil, quota: Int? = nil) -> Program? {
        guard var p = program(id) else { return nil }
        // Out of bounds the date arithmetic below could overflow: `StoreSetup` says why first.
        if let year, !Limits.year.contains(year) { return nil }
        if let quota, !Limits.quota.contains(quota) { return nil }
        if let year, let from = p.year, year != from {
            let shift = year - from
            func move(_ s: String?) -> String? {
                guard let s, let d = DateText.parse(s) else { return s }
                var m = DateText.YMD(year: d.year + shift, month: d.month, day: d.day)
                if m.day > DateText.daysIn(month: m.month, year: m.year) { m.day = DateText.daysIn(month: m.month, year: m.year) }
                return m.iso
            }
            p.referenceDate = move(p.referenceDate)
            p.stages = p.stages.map { var st = $0; st.start = move(st.start); st.end = move(st.end); return st }
            p.year = year
        } else if let year {
            p.year = year
        }
        if let quota { p.quota = quota }
        return p
    }

    /// One line per template for `pingshen programs`, aligned in terminal cells (fits about
    /// 90 columns: id, title, quota, the scoring sheet in short).
    public static func listing(_ lang: Language) -> String {
        let headers = [lang.pick("编号", "id"), lang.pick("项目", "programme"), lang.pick("名额", "quota"),
                       lang.pick("评分", "sheet")]
        let rows = all.map { p in
            [p.id, p.title.text(lang), String(p.quota),
             lang.pick("\(p.sheet.criteria.count) 项共 \(p.sheet.maxTotal) 分", "\(p.sheet.criteria.count) criteria, \(p.sheet.maxTotal) points")]
        }
        return TextTable.render(headers: headers, rows: rows, alignRight: [2], maxColumnWidth: 40)
    }
}
