import Foundation

/// One nomination (申报材料). Values are kept as written, keyed by field id (design.md §4).
public struct Dossier: Codable, Hashable, Sendable {
    public var id: String
    public var fields: [String: String]

    public init(id: String, fields: [String: String]) {
        self.id = id
        var f = fields
        f["id"] = id
        self.fields = f
    }

    public subscript(_ field: String) -> String? {
        get { fields[field].flatMap { $0.isEmpty ? nil : $0 } }
        set { fields[field] = newValue }
    }

    public var name: String { self["name"] ?? "" }
    public var employer: String { self["employer"] ?? "" }
    public var field: String { self["field"] ?? "" }
    public var deeds: String { self["deeds"] ?? "" }
}

/// The dossier field ids and their form labels, in form order (design.md §4). Import accepts
/// either as a CSV header.
public enum DossierFields {
    public static let all: [(id: String, zh: String, en: String)] = [
        ("id", "编号", "No."),
        ("name", "姓名", "Name"),
        ("gender", "性别", "Gender"),
        ("birth_date", "出生日期", "Date of birth"),
        ("age", "年龄", "Age"),
        ("ethnicity", "民族", "Ethnicity"),
        ("nationality", "国籍", "Nationality"),
        ("union_member", "工会会员", "Union member"),
        ("field", "专业领域", "Field"),
        ("title", "职称（技能等级）", "Title (skill level)"),
        ("phone", "联系电话", "Phone"),
        ("mobile", "手机", "Mobile"),
        ("address", "联系地址", "Address"),
        ("employer", "工作单位", "Employer"),
        ("recommender", "推荐单位", "Recommended by"),
        ("channel", "推荐方式", "Nomination channel"),
        ("years_in_trade", "从业年限", "Years in the trade"),
        ("awards", "获奖情况", "Awards"),
        ("contest_award", "竞赛获奖", "Contest award"),
        ("honors", "已获荣誉", "Honours held"),
        ("outstanding_contribution", "突出贡献", "Outstanding contribution"),
        ("unit_rank", "单位排序", "Rank within unit"),
        ("deeds", "主要事迹", "Main deeds"),
    ]

    /// Maps a header (Chinese label, id, or English label; surrounding space and a BOM ignored) to a field id.
    public static func id(forHeader header: String) -> String? {
        let h = headerKey(header)
        for f in all where headerKey(f.id) == h || headerKey(f.zh) == h || headerKey(f.en) == h { return f.id }
        return nil
    }

    /// A header as compared: without any white space (forms print "姓  名" and "推 荐 单 位"),
    /// a BOM or a trailing colon, with full-width brackets for ASCII ones (职称(技能等级) and
    /// 职称（技能等级） alike), ASCII letters lower-cased.
    public static func headerKey(_ header: String) -> String {
        var out = ""
        for c in DateText.halfwidth(header) where !c.isWhitespace && c != "\u{FEFF}" {
            switch c {
            case "(": out.append("（")
            case ")": out.append("）")
            default: out.append(c)
            }
        }
        while out.hasSuffix(":") || out.hasSuffix("：") { out.removeLast() }
        return out.lowercased()
    }

    public static func label(_ id: String, _ lang: Language) -> String {
        guard let f = all.first(where: { $0.id == id }) else { return id }
        return lang == .zh ? f.zh : f.en
    }
}
