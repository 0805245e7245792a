import Foundation

/// A rule a dossier failed, with its reason in both languages.
public struct RuleFailure: Codable, Hashable, Sendable {
    public var rule: String
    public var zh: String
    public var en: String
    public init(rule: String, zh: String, en: String) { self.rule = rule; self.zh = zh; self.en = en }
    public func message(_ lang: Language) -> String { lang.pick(zh, en) }
}

/// The qualification check (资格审核) of one dossier.
public struct EligibilityResult: Codable, Hashable, Sendable {
    public var dossier: String
    public var eligible: Bool
    public var failures: [RuleFailure]
    public init(dossier: String, eligible: Bool, failures: [RuleFailure]) {
        self.dossier = dossier; self.eligible = eligible; self.failures = failures
    }
}

/// The rule engine: each `RuleSpec.type` of a programme is one case below. A type the engine
/// does not know is an error (`validate`), never a silent pass.
public enum Eligibility {
    /// The rule types the engine implements, with the parameters each needs.
    public static let ruleTypes: [String: String] = [
        "equals": "field, value (values: other spellings accepted)",
        "required": "values (field ids; none = every required form field)",
        "max_chars": "field, max (or the field's max_chars)",
        "max_age": "field (default birth_date), max; unless_field, unless_values",
        "min_years": "field (default years_in_trade), min; unless_field, unless_values",
        "one_of": "field, values (default the programme's channels)",
        "excluded_values": "field, values",
        "sanctions": "max (years barred, default 5)",
        "contains_any": "field, values; unless_field, unless_values",
        "yes": "field",
    ]

    /// Checks that every rule of `program` has a known type and the parameters it needs. Throws
    /// `InputError` naming `path` (the store's program.yaml) and the rule.
    public static func validate(_ program: Program, path: String = "program.yaml") throws {
        if let p = program.aggregation.staleSheets, !Aggregation.staleSheetPolicies.contains(p) {
            throw InputError(path: path, field: "aggregation.stale_sheets",
                             message: localized("stale_sheets 为“\(p)”，应为 count（照计并标注）或 drop（不计）",
                                                "stale_sheets is '\(p)': use count (counted, flagged) or drop (not counted)"))
        }
        var seen: Set<String> = []
        for (i, r) in program.rules.enumerated() {
            let place = "rules[\(i)] \(r.id)"
            func missing(_ what: String) -> InputError {
                InputError(path: path, field: place,
                           message: localized("规则“\(r.id)”（\(r.type)）缺少参数 \(what)", "rule '\(r.id)' (\(r.type)) needs '\(what)'"))
            }
            guard ruleTypes[r.type] != nil else {
                let known = ruleTypes.keys.sorted().joined(separator: ", ")
                throw InputError(path: path, field: place,
                                 message: localized("规则“\(r.id)”的类型“\(r.type)”不认识；可用的类型：\(known)",
                                                    "rule '\(r.id)' has unknown type '\(r.type)'; known types: \(known)"))
            }
            // A field a rule names must be one a dossier can hold: a typo would fail (or pass) every dossier.
            let named = [r.field, r.unlessField].compactMap { $0 } + (r.type == "required" ? (r.values ?? []) : [])
            for f in named where program.field(f) == nil && !DossierFields.all.contains(where: { $0.id == f }) {
                throw InputError(path: path, field: place,
                                 message: localized("规则“\(r.id)”提到的字段“\(f)”既不在表单（fields）中，也不是标准字段",
                                                    "rule '\(r.id)' names the field '\(f)', which is neither in the form (fields) nor a standard field"))
            }
            if !seen.insert(r.id).inserted {
                throw InputError(path: path, field: place, message: localized("规则编号“\(r.id)”重复", "duplicate rule id '\(r.id)'"))
            }
            switch r.type {
            case "equals":
                if r.field == nil { throw missing("field") }
                if r.value == nil { throw missing("value") }
            case "max_chars":
                guard let f = r.field else { throw missing("field") }
                if r.max == nil && program.field(f)?.maxChars == nil { throw missing("max") }
            case "max_age":
                if r.max == nil { throw missing("max") }
                if program.referenceDate == nil && program.year == nil { throw missing("reference_date (programme)") }
                if let rd = program.referenceDate, DateText.parse(rd) == nil {
                    throw InputError(path: path, field: "reference_date",
                                     message: localized("参考日期“\(rd)”无法识别", "cannot read the reference date '\(rd)'"))
                }
            case "min_years":
                if r.min == nil { throw missing("min") }
            case "excluded_values", "contains_any":
                if r.field == nil { throw missing("field") }
                if (r.values ?? []).isEmpty { throw missing("values") }
            case "yes":
                if r.field == nil { throw missing("field") }
            case "one_of":
                if r.field == nil { throw missing("field") }
                if (r.values ?? []).isEmpty && program.channels.isEmpty { throw missing("values") }
            default:
                break
            }
        }
    }

    /// Checks sanctions.yaml: every entry is a "unit" or a "person" with a name and a plausible year.
    public static func validate(sanctions: [Sanction], path: String = "sanctions.yaml") throws {
        for (i, s) in sanctions.enumerated() {
            guard s.kind == "unit" || s.kind == "person" else {
                throw InputError(path: path, field: "[\(i)].kind",
                                 message: localized("第 \(i + 1) 条的 kind 为“\(s.kind)”，应为 unit（单位）或 person（个人）",
                                                    "entry \(i + 1) has kind '\(s.kind)': use unit or person"))
            }
            guard !s.name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw InputError(path: path, field: "[\(i)].name", message: localized("第 \(i + 1) 条缺少名称", "entry \(i + 1) has no name"))
            }
            guard (1990...2100).contains(s.year) else {
                throw InputError(path: path, field: "[\(i)].year",
                                 message: localized("第 \(i + 1) 条的年份 \(s.year) 不合理", "entry \(i + 1) has an implausible year \(s.year)"))
            }
        }
    }

    /// Runs every rule of `program` on `d`. Unknown rule types fail (with a reason saying so).
    public static func check(_ d: Dossier, program: Program, sanctions: [Sanction]) -> EligibilityResult {
        var failures: [RuleFailure] = []
        for rule in program.rules {
            failures.append(contentsOf: apply(rule, to: d, program: program, sanctions: sanctions))
        }
        return EligibilityResult(dossier: d.id, eligible: failures.isEmpty, failures: failures)
    }

    /// The check of every dossier of the store, in id order.
    public static func checkAll(_ store: PanelStore) -> [EligibilityResult] {
        store.dossiers.map { check($0, program: store.program, sanctions: store.sanctions) }
    }

    // MARK: the rules

    static func label(_ field: String, _ program: Program) -> (zh: String, en: String) {
        if let f = program.field(field) { return (f.label.zh, f.label.en) }
        return (DossierFields.label(field, .zh), DossierFields.label(field, .en))
    }

    static func value(_ d: Dossier, _ field: String) -> String? {
        guard let v = d[field].map(DateText.trimmed), !v.isEmpty else { return nil }
        return v
    }

    /// True when `v` matches one of `values`: equal (ignoring space and case), or, for values of
    /// four characters or more, contained in `v` ("2015年国家级技能大赛前3名" matches
    /// "国家级技能大赛前3名"; "是" never matches "不是").
    static func matches(_ v: String, _ values: [String]) -> Bool {
        let nv = normalize(v)
        for x in values {
            let nx = normalize(x)
            if nv == nx { return true }
            if nx.count >= 4 && nv.contains(nx) { return true }
        }
        return false
    }

    /// Trimmed, full-width forms (１２, ＡＢ, －) made half-width, lower-cased.
    static func normalize(_ s: String) -> String {
        let t = DateText.halfwidth(DateText.trimmed(s))
        // lowercased() allocates even when nothing changes: most values are Chinese
        return t.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A || $0 >= 0xC0 }) && t.unicodeScalars.contains(where: mayChangeWhenLowercased) ? t.lowercased() : t
    }

    /// CJK symbols, kana and ideographs (U+3000–U+9FFF) have no case: no property lookup for
    /// the bulk of Chinese text.
    static func mayChangeWhenLowercased(_ u: Unicode.Scalar) -> Bool {
        if u.value < 0x80 { return u.value >= 0x41 && u.value <= 0x5A }
        if u.value >= 0x3000 && u.value <= 0x9FFF { return false }
        return u.properties.changesWhenLowercased
    }

    /// The number of characters (grapheme clusters) of `s` when it is more than `limit`, else
    /// nil. A character is at least one scalar, so text of `limit` scalars or fewer is within
    /// it without the costlier count of clusters.
    static func characters(_ s: String, over limit: Int) -> Int? {
        if s.unicodeScalars.count <= limit { return nil }
        let n = s.count
        return n > limit ? n : nil
    }

    static let yesWords: Set<String> = ["是", "yes", "y", "true", "有", "√", "✓", "1"]

    /// Whether a checklist answer means yes (是; also yes/y/true/有/√/1).
    public static func isYes(_ v: String?) -> Bool {
        guard let v else { return false }
        return yesWords.contains(normalize(v))
    }

    static func unlessApplies(_ r: RuleSpec, _ d: Dossier) -> Bool {
        guard let f = r.unlessField, let values = r.unlessValues, let v = value(d, f) else { return false }
        if values.contains(where: { yesWords.contains(normalize($0)) }) && isYes(v) { return true }
        return matches(v, values)
    }

    static func apply(_ r: RuleSpec, to d: Dossier, program: Program, sanctions: [Sanction]) -> [RuleFailure] {
        func fail(_ zh: String, _ en: String) -> [RuleFailure] { [RuleFailure(rule: r.id, zh: zh, en: en)] }
        switch r.type {
        case "equals":
            guard let f = r.field, let want = r.value else { return fail("规则缺少参数", "the rule lacks its parameters") }
            let l = label(f, program)
            guard let v = value(d, f) else {
                return fail("\(l.zh)未填写（须为“\(want)”）", "\(l.en) is blank (must be \(want))")
            }
            let accepted = [want] + (r.values ?? [])
            let ok = isYes(want) ? isYes(v) : accepted.contains { normalize($0) == normalize(v) }
            let wantEn = isYes(want) ? "\(want) (yes)" : want
            return ok ? [] : fail("\(l.zh)为“\(v)”，须为“\(want)”", "\(l.en) is \(v), must be \(wantEn)")

        case "required":
            let fields = r.values ?? program.fields.filter(\.required).map(\.id)
            if unlessApplies(r, d) { return [] }
            let blank = fields.filter { value(d, $0) == nil }
            if blank.isEmpty { return [] }
            let zh = blank.map { label($0, program).zh }.joined(separator: "、")
            let en = blank.map { label($0, program).en }.joined(separator: ", ")
            return fail("缺项：\(zh) 未填写", "missing: \(en) left blank")

        case "max_chars":
            guard let f = r.field, let max = r.max ?? program.field(f)?.maxChars else { return fail("规则缺少参数", "the rule lacks its parameters") }
            guard let n = characters(d[f] ?? "", over: max) else { return [] }
            let l = label(f, program)
            return fail("\(l.zh)共 \(n) 字，超过 \(max) 字的限制", "\(l.en) has \(n) characters, over the limit of \(max)")

        case "max_age":
            let f = r.field ?? "birth_date"
            guard let max = r.max else { return fail("规则缺少参数", "the rule lacks its parameters") }
            if unlessApplies(r, d) { return [] }
            let l = label(f, program)
            guard let ref = referenceDate(program) else {
                return fail("程序未设参考日期，无法计算年龄", "the programme has no reference date to count ages at")
            }
            guard let raw = value(d, f) else {
                return fail("\(l.zh)未填写，无法核对年龄（须未满 \(max) 周岁）", "\(l.en) is blank: cannot check the age (must be under \(max))")
            }
            guard let born = DateText.parse(raw) else {
                return fail("\(l.zh)“\(raw)”无法识别（可写 1966-05-01、1966/5/1 或 1966年5月1日）",
                            "\(l.en) '\(raw)' is not a date (write 1966-05-01, 1966/5/1 or 1966年5月1日)")
            }
            let age = DateText.fullYears(from: born, to: ref)
            if age < 0 {
                return fail("\(l.zh)“\(raw)”晚于参考日期 \(ref.iso)", "\(l.en) \(raw) is after the reference date \(ref.iso)")
            }
            if age < max { return [] }
            var zh = "截至 \(ref.iso) 已满 \(age) 周岁，须在 \(max) 周岁以下"
            var en = "aged \(age) full years at \(ref.iso), must be under \(max)"
            if let uf = r.unlessField {
                let ul = label(uf, program)
                zh += "（\(ul.zh)为“\((r.unlessValues ?? []).joined(separator: "/"))”者除外）"
                en += " (unless \(ul.en) is \((r.unlessValues ?? []).joined(separator: "/")))"
            }
            return fail(zh, en)

        case "min_years":
            let f = r.field ?? "years_in_trade"
            guard let min = r.min else { return fail("规则缺少参数", "the rule lacks its parameters") }
            if unlessApplies(r, d) { return [] }
            let l = label(f, program)
            guard let raw = value(d, f) else {
                return fail("\(l.zh)未填写（须不少于 \(min) 年）", "\(l.en) is blank (must be at least \(min) years)")
            }
            guard let years = parseYears(raw) else {
                return fail("\(l.zh)“\(raw)”不是年数", "\(l.en) '\(raw)' is not a number of years")
            }
            if years >= Double(min) { return [] }
            var zh = "\(l.zh)为 \(raw)，不足 \(min) 年"
            var en = "\(l.en) is \(raw), less than \(min) years"
            if let uf = r.unlessField, let uv = r.unlessValues {
                zh += "（\(label(uf, program).zh)为 \(uv.joined(separator: "、")) 者不受此限）"
                en += " (waived when \(label(uf, program).en) is one of \(uv.joined(separator: ", ")))"
            }
            return fail(zh, en)

        case "one_of":
            let f = r.field ?? "channel"
            let values = (r.values?.isEmpty == false ? r.values : nil) ?? program.channels
            let l = label(f, program)
            guard let v = value(d, f) else {
                return fail("\(l.zh)未填写（可选：\(values.joined(separator: "、"))）", "\(l.en) is blank (one of \(values.joined(separator: ", ")))")
            }
            if values.contains(where: { normalize($0) == normalize(v) }) { return [] }
            return fail("\(l.zh)“\(v)”不在本项目接受的范围内（\(values.joined(separator: "、"))）",
                        "\(l.en) '\(v)' is not accepted by this programme (one of \(values.joined(separator: ", ")))")

        case "excluded_values":
            guard let f = r.field, let values = r.values else { return fail("规则缺少参数", "the rule lacks its parameters") }
            guard let v = value(d, f) else { return [] }
            let nv = normalize(v)
            let hit = values.filter { nv.contains(normalize($0)) }
            if hit.isEmpty { return [] }
            let l = label(f, program)
            return fail("\(l.zh)含“\(hit.joined(separator: "”“"))”，已获此类称号者不再参评",
                        "\(l.en) include \(hit.joined(separator: ", ")): holders of these titles are not eligible")

        case "sanctions":
            // Clamped as the schema bounds it (Limits.sanctionYears), so that a programme built
            // in code cannot overflow the year arithmetic below either.
            let bar = min(max(r.max ?? 5, Limits.sanctionYears.lowerBound), Limits.sanctionYears.upperBound)
            let year = programYear(program)
            var out: [RuleFailure] = []
            let name = value(d, "name").map(normalize)
            let units = ["employer", "recommender"].compactMap { value(d, $0) }.map(normalize)
            for s in sanctions where year >= s.year && year <= s.year + bar - 1 {
                let sn = normalize(s.name)
                let hit: Bool
                if s.kind == "person" { hit = name == sn } else { hit = units.contains(sn) }
                guard hit else { continue }
                let last = s.year + bar - 1
                if s.kind == "person" {
                    out.append(RuleFailure(rule: r.id,
                                           zh: "申报人“\(s.name)”\(s.year)年经查实弄虚作假，\(s.year)–\(last)年不再接受其申报",
                                           en: "the nominee \(s.name) was found to have falsified material in \(s.year): barred \(s.year)–\(last)"))
                } else {
                    out.append(RuleFailure(rule: r.id,
                                           zh: "单位“\(s.name)”\(s.year)年经查实弄虚作假，\(s.year)–\(last)年不再接受该单位的申报",
                                           en: "the unit \(s.name) was found to have falsified material in \(s.year): barred \(s.year)–\(last)"))
                }
            }
            return out

        case "contains_any":
            guard let f = r.field, let values = r.values else { return fail("规则缺少参数", "the rule lacks its parameters") }
            if unlessApplies(r, d) { return [] }
            let l = label(f, program)
            if let v = value(d, f), values.contains(where: { normalize(v).contains(normalize($0)) }) { return [] }
            let shown = value(d, f).map { "“\($0)”" } ?? "未填写"
            let shownEn = value(d, f) ?? "blank"
            var zh = "\(l.zh)为\(shown)，须含“\(values.joined(separator: "”或“"))”"
            var en = "\(l.en) is \(shownEn); it must contain \(values.joined(separator: " or "))"
            if let uf = r.unlessField {
                zh += "（或\(label(uf, program).zh)为“是”）"
                en += " (or \(label(uf, program).en) is yes)"
            }
            return fail(zh, en)

        case "yes":
            guard let f = r.field else { return fail("规则缺少参数", "the rule lacks its parameters") }
            let v = value(d, f)
            if isYes(v) { return [] }
            let l = label(f, program)
            let desc = r.description
            return fail("\(desc?.zh ?? l.zh)：\(v.map { "“\($0)”" } ?? "未填写")，须为“是”",
                        "\(desc?.en ?? l.en): \(v ?? "blank"), must be yes (是)")

        default:
            return fail("程序中的规则类型“\(r.type)”不认识，无法审核（请修改 program.yaml）",
                        "unknown rule type '\(r.type)' in the programme: cannot check (fix program.yaml)")
        }
    }

    /// The date ages are counted at: the programme's reference date, else 31 Dec of its year.
    static func referenceDate(_ p: Program) -> DateText.YMD? {
        if let r = p.referenceDate { return DateText.parse(r) }
        if let y = p.year { return DateText.YMD(year: y, month: 12, day: 31) }
        return nil
    }

    /// The programme year sanctions are counted in: its year, else its reference date's, else now.
    static func programYear(_ p: Program) -> Int {
        if let y = p.year { return y }
        if let r = p.referenceDate.flatMap(DateText.parse) { return r.year }
        return Calendar(identifier: .gregorian).component(.year, from: Date())
    }

    /// "12", "12年", "１２", "12.5" → years.
    static func parseYears(_ raw: String) -> Double? {
        var s = normalize(raw)
        for suffix in ["年以上", "余年", "多年", "年", "years", "year", "yrs", "y"] where s.hasSuffix(suffix) {
            s = String(s.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            break
        }
        guard let v = Double(s) ?? chineseNumber(s).map(Double.init), v >= 0, v < 100 else { return nil }
        return v
    }

    /// 一 … 九十九 (also 两, 〇/零) as a number; nil for anything else.
    static func chineseNumber(_ s: String) -> Int? {
        let digits: [Character: Int] = ["〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9]
        let chars = Array(s)
        guard !chars.isEmpty, chars.count <= 3 else { return nil }
        if let i = chars.firstIndex(of: "十") {
            let tens = i == 0 ? 1 : (i == 1 ? digits[chars[0]] : nil)
            let rest = chars[(i + 1)...]
            let ones = rest.isEmpty ? 0 : (rest.count == 1 ? digits[rest.first!] : nil)
            guard let t = tens, let o = ones, t > 0 else { return nil }
            return t * 10 + o
        }
        guard chars.count == 1, let d = digits[chars[0]] else { return nil }
        return d
    }
}

/// Dates as people write them on forms: 1966-05-01, 1966/5/1, 1966年5月1日, 1966.05.01, 19660501.
public enum DateText {
    public struct YMD: Hashable, Sendable, Comparable {
        public var year: Int, month: Int, day: Int
        public init(year: Int, month: Int, day: Int) { self.year = year; self.month = month; self.day = day }
        public static func < (a: YMD, b: YMD) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
        public var iso: String { String(format: "%04d-%02d-%02d", year, month, day) }
    }

    public static func parse(_ raw: String) -> YMD? {
        var s = halfwidth(raw).trimmingCharacters(in: .whitespaces)
        if s.hasSuffix("日") || s.hasSuffix("号") { s.removeLast() }
        var parts: [Int] = []
        if s.count == 8, s.allSatisfy(\.isASCII), let _ = Int(s) {
            parts = [Int(s.prefix(4))!, Int(s.dropFirst(4).prefix(2))!, Int(s.suffix(2))!]
        } else {
            let pieces = s.split(whereSeparator: { "-/.年月".contains($0) }).map(String.init)
            guard pieces.count == 3 else { return nil }
            for p in pieces {
                guard !p.isEmpty, p.count <= 4, p.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(p) else { return nil }
                parts.append(v)
            }
            // the separators must be of one style (no 1966-5/1)
            let seps = Set(s.filter { "-/.".contains($0) })
            if seps.count > 1 { return nil }
        }
        guard parts[0] >= 1900, parts[0] <= 2100, (1...12).contains(parts[1]), parts[2] >= 1,
              parts[2] <= daysIn(month: parts[1], year: parts[0]) else { return nil }
        return YMD(year: parts[0], month: parts[1], day: parts[2])
    }

    /// `s` without white space (including the ideographic space and a BOM) at either end; fast
    /// when there is none.
    public static func trimmed(_ s: String) -> String {
        func blank(_ c: Character) -> Bool { c.isWhitespace || c == "\u{FEFF}" }
        guard let f = s.first, let l = s.last, blank(f) || blank(l) else { return s }
        var sub = Substring(s)
        while let c = sub.first, blank(c) { sub.removeFirst() }
        while let c = sub.last, blank(c) { sub.removeLast() }
        return String(sub)
    }

    /// Full-width ASCII forms (U+FF01–FF5E: １, －, ／, Ａ) as their ASCII letters.
    public static func halfwidth(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value >= 0xFF01 && $0.value <= 0xFF5E }) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            out.append((u.value >= 0xFF01 && u.value <= 0xFF5E) ? Unicode.Scalar(u.value - 0xFEE0)! : u)
        }
        return String(out)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Full years from `a` to `b` (a birthday on `b` counts).
    public static func fullYears(from a: YMD, to b: YMD) -> Int {
        var y = b.year - a.year
        if (b.month, b.day) < (a.month, a.day) { y -= 1 }
        return y
    }
}
