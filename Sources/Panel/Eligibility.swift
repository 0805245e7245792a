import Foundation

/// A rule's finding about a dossier, with its reason in both languages.
public struct RuleFailure: Codable, Hashable, Sendable {
    public var rule: String
    public var zh: String
    public var en: String
    public init(rule: String, zh: String, en: String) { self.rule = rule; self.zh = zh; self.en = en }
    public func message(_ lang: Language) -> String { lang.pick(zh, en) }
}

/// The three outcomes of the qualification check (资格审核) of one dossier.
public enum EligibilityOutcome: String, Codable, Hashable, Sendable, CaseIterable {
    /// Every hard rule holds.
    case eligible
    /// A hard rule fails on what the dossier says.
    case ineligible
    /// No hard rule fails, but one cannot be decided from the dossier: the programme's own form
    /// does not carry its data (Hangzhou's annex has no 国籍 or 工会会员 box, though seed 003
    /// requires both), or the box is blank or unreadable. 待核实: the secretary settles it in the
    /// signed eligibility decision.
    case toBeConfirmed = "to-be-confirmed"

    public func word(_ lang: Language) -> String {
        switch self {
        case .eligible: return lang.pick("合格", "eligible")
        case .ineligible: return lang.pick("不合格", "ineligible")
        case .toBeConfirmed: return lang.pick("待核实", "to be confirmed")
        }
    }
}

/// The qualification check (资格审核) of one dossier: its outcome, the hard rules it fails
/// (`failures`), those that need confirming (`toConfirm`), and the notes for the panel — what
/// a seed states as a judgment ("符合下列条件之一", "一线岗位", "一般应具有中国国籍"), shown with
/// the dossier and never a rejection.
public struct EligibilityResult: Codable, Hashable, Sendable {
    public var dossier: String
    public var outcome: EligibilityOutcome
    public var failures: [RuleFailure]
    public var toConfirm: [RuleFailure]
    public var notes: [RuleFailure]
    /// True only for `.eligible` (a dossier to be confirmed is not yet eligible).
    public var eligible: Bool { outcome == .eligible }

    public init(dossier: String, failures: [RuleFailure], toConfirm: [RuleFailure] = [], notes: [RuleFailure] = []) {
        self.dossier = dossier; self.failures = failures; self.toConfirm = toConfirm; self.notes = notes
        outcome = !failures.isEmpty ? .ineligible : (!toConfirm.isEmpty ? .toBeConfirmed : .eligible)
    }

    /// A result of two outcomes (eligible or not), as before 待核实 existed.
    public init(dossier: String, eligible: Bool, failures: [RuleFailure]) {
        self.dossier = dossier; self.failures = failures; toConfirm = []; notes = []
        outcome = eligible ? .eligible : .ineligible
    }

    /// The reasons behind the outcome: the failures, then what needs confirming.
    public var reasons: [RuleFailure] { failures + toConfirm }
}

/// The rule engine: each `RuleSpec.type` of a programme is one case below. A type the engine
/// does not know is an error (`validate`), never a silent pass.
public enum Eligibility {
    /// The rule types the engine implements, with the parameters each needs. Every type also
    /// takes `severity` (hard | note) and `if_blank` (confirm | pass | fail).
    public static let ruleTypes: [String: String] = [
        "equals": "field, value (values: other spellings accepted)",
        "required": "values (field ids; none = every required form field); unless_field, unless_values",
        "max_chars": "field, max (or the field's max_chars)",
        "max_age": "field (default birth_date; the age field 年龄 when there is no birth date), max, bound (以下 | 不满 …); unless_field, unless_values",
        "min_years": "field (default years_in_trade), min, bound (不少于 | 超过 …); unless_field, unless_values; fields + contest_places (+ prize_is_place): contest places that waive the years",
        "one_of": "field, values (default the programme's channels)",
        "excluded_values": "field or fields (every honour field), values",
        "sanctions": "max (years barred, default 5)",
        "contains_any": "field, values; unless_field, unless_values",
        "yes": "field",
        "nationality": "field (default nationality): Chinese nationality (中国, 中国籍, 中华人民共和国, China …)",
        "qualification": "field (default title), max (the lowest level accepted: 2 = 技师, 1 = 高级技师); unless_field, unless_values",
        "unit_ranks": "field (default unit_rank): a unit's ranking of its nominees; two nominees of one unit at the same rank are to be confirmed; the ranking is shown to the panel",
        "note": "description (and field, whose value is shown): a judgment the seed leaves to the panel",
    ]

    /// The values `severity` and `if_blank` may take.
    public static let severities = ["hard", "note"]
    public static let blankOutcomes = ["confirm", "pass", "fail"]

    /// Checks that every rule of `program` has a known type and the parameters it needs. Throws
    /// `InputError` naming `path` (the store's program.yaml) and the rule.
    public static func validate(_ program: Program, path: String = "program.yaml") throws {
        if let p = program.aggregation.staleSheets, !Aggregation.staleSheetPolicies.contains(p) {
            throw InputError(path: path, field: "aggregation.stale_sheets",
                             message: localized("stale_sheets 为“\(p)”，应为 count（照计并标注）或 drop（不计）",
                                                "stale_sheets is '\(p)': use count (counted, flagged) or drop (not counted)"))
        }
        var seenFields: Set<String> = []
        var seenHeaders: [String: String] = [:]
        for (i, f) in program.fields.enumerated() {
            if !seenFields.insert(f.id).inserted {
                throw InputError(path: path, field: "fields[\(i)] \(f.id)", message: localized("字段编号“\(f.id)”重复", "duplicate field id '\(f.id)'"))
            }
            // One header names one field: a label or alias used twice would import into either.
            for h in [f.label.zh, f.label.en] + (f.aliases ?? []) {
                let k = DossierFields.headerKey(h)
                if let other = seenHeaders[k], other != f.id {
                    throw InputError(path: path, field: "fields[\(i)] \(f.id)",
                                     message: localized("表头“\(h)”同时指向字段 \(other) 和 \(f.id)", "the header '\(h)' names both \(other) and \(f.id)"))
                }
                seenHeaders[k] = f.id
            }
        }
        var seen: Set<String> = []
        for (i, r) in program.rules.enumerated() {
            let place = "rules[\(i)] \(r.id)"
            func missing(_ what: String) -> InputError {
                InputError(path: path, field: place,
                           message: localized("规则“\(r.id)”（\(r.type)）缺少参数 \(what)", "rule '\(r.id)' (\(r.type)) needs '\(what)'"))
            }
            func bad(_ key: String, _ v: String, _ known: [String]) -> InputError {
                InputError(path: path, field: place + " " + key,
                           message: localized("规则“\(r.id)”的 \(key) 为“\(v)”，可用：\(known.joined(separator: ", "))",
                                              "rule '\(r.id)' has \(key) '\(v)'; use one of: \(known.joined(separator: ", "))"))
            }
            guard ruleTypes[r.type] != nil else {
                let known = ruleTypes.keys.sorted().joined(separator: ", ")
                throw InputError(path: path, field: place,
                                 message: localized("规则“\(r.id)”的类型“\(r.type)”不认识；可用的类型：\(known)",
                                                    "rule '\(r.id)' has unknown type '\(r.type)'; known types: \(known)"))
            }
            if let s = r.severity, !severities.contains(s) { throw bad("severity", s, severities) }
            if let b = r.ifBlank, !blankOutcomes.contains(b) { throw bad("if_blank", b, blankOutcomes) }
            if let b = r.bound, LimitWord.includes(b) == nil { throw bad("bound", b, LimitWord.all) }
            for c in r.contestPlaces ?? [] where ContestResult.placeSpec(c) == nil {
                throw bad("contest_places", c, ContestResult.Level.allCases.map { "\($0.rawValue):N" })
            }
            // A field a rule names must be one a dossier can hold: a typo would fail (or pass) every dossier.
            let named = [r.field, r.unlessField].compactMap { $0 } + (r.fields ?? []) + (r.type == "required" ? (r.values ?? []) : [])
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
                if r.contestPlaces != nil && (r.fields ?? []).isEmpty { throw missing("fields (where contest results are written)") }
            case "excluded_values":
                if r.field == nil && (r.fields ?? []).isEmpty { throw missing("field") }
                if (r.values ?? []).isEmpty { throw missing("values") }
            case "contains_any":
                if r.field == nil { throw missing("field") }
                if (r.values ?? []).isEmpty { throw missing("values") }
            case "yes":
                if r.field == nil { throw missing("field") }
            case "one_of":
                if r.field == nil { throw missing("field") }
                if (r.values ?? []).isEmpty && program.channels.isEmpty { throw missing("values") }
            case "qualification":
                if let m = r.max, !(1...5).contains(m) {
                    throw InputError(path: path, field: place + " max",
                                     message: localized("职业资格等级应为 1（高级技师）到 5（初级工）", "a qualification level is 1 (高级技师) to 5 (初级工)"))
                }
            case "note":
                if r.description == nil { throw missing("description") }
            default:
                break
            }
        }
    }

    /// Checks sanctions.yaml: every entry is a "unit" or a "person" with a name and a plausible
    /// year (`sanctionProblem`, the check the signed history applies to each `sanction-add` too).
    public static func validate(sanctions: [Sanction], path: String = "sanctions.yaml") throws {
        for (i, s) in sanctions.enumerated() {
            guard let p = sanctionProblem(s) else { continue }
            throw InputError(path: path, field: "[\(i)].\(p.field)",
                             message: localized("第 \(i + 1) 条：\(p.zh)", "entry \(i + 1): \(p.en)"))
        }
    }

    /// The years a sanction may name.
    public static let sanctionYears = 1990...2100

    /// What is wrong with one sanction, nil when the panel takes it: its kind is "unit" or
    /// "person", it has a name, its year is within `sanctionYears`. The one check behind
    /// sanctions.yaml (`validate(sanctions:)`) and the signed history's `sanction-add`
    /// (Records' `GovernanceRules`).
    public static func sanctionProblem(_ s: Sanction) -> (field: String, zh: String, en: String)? {
        guard s.kind == "unit" || s.kind == "person" else {
            return ("kind", "kind 为“\(TerminalText.sanitize(s.kind))”，应为 unit（单位）或 person（个人）", "kind is '\(TerminalText.sanitize(s.kind))': use unit or person")
        }
        guard !s.name.trimmingCharacters(in: .whitespaces).isEmpty else { return ("name", "缺少名称", "no name") }
        guard sanctionYears.contains(s.year) else {
            return ("year", "年份 \(s.year) 不合理（应在 \(sanctionYears.lowerBound)…\(sanctionYears.upperBound)）",
                    "an implausible year \(s.year) (not within \(sanctionYears.lowerBound)…\(sanctionYears.upperBound))")
        }
        return nil
    }

    /// Runs every rule of `program` on `d` alone (a rule across dossiers, `unit_ranks`, sees
    /// only `d`: use `checkAll` for a store).
    public static func check(_ d: Dossier, program: Program, sanctions: [Sanction]) -> EligibilityResult {
        check(d, program: program, sanctions: sanctions, context: Context(program: program, dossiers: [d]))
    }

    /// The check of every dossier of the store, in id order.
    public static func checkAll(_ store: PanelStore) -> [EligibilityResult] {
        checkAll(store.dossiers, program: store.program, sanctions: store.sanctions)
    }

    /// The check of `dossiers`, in their order, with the rules across dossiers (a unit's ranks).
    public static func checkAll(_ dossiers: [Dossier], program: Program, sanctions: [Sanction]) -> [EligibilityResult] {
        let context = Context(program: program, dossiers: dossiers)
        return dossiers.map { check($0, program: program, sanctions: sanctions, context: context) }
    }

    static func check(_ d: Dossier, program: Program, sanctions: [Sanction], context: Context) -> EligibilityResult {
        var failures: [RuleFailure] = [], confirm: [RuleFailure] = [], notes: [RuleFailure] = []
        for rule in program.rules {
            for f in apply(rule, to: d, program: program, sanctions: sanctions, context: context) {
                switch (f.kind, rule.isNote) {
                case (.note, _), (.fail, true): notes.append(f.failure)
                case (.confirm, true): break  // a judgment with no data says nothing
                case (.fail, false): failures.append(f.failure)
                case (.confirm, false): confirm.append(f.failure)
                }
            }
        }
        return EligibilityResult(dossier: d.id, failures: failures, toConfirm: confirm, notes: notes)
    }

    /// What the rules across dossiers need, computed once for a store: each unit's ranking of
    /// the nominees it put forward (seed 002: 单位推荐 "请于推荐汇总表上排序").
    struct Context {
        struct Ranked { var dossier: String; var rank: Int? }
        /// unit (normalised 推荐单位) → its nominees in id order, with the rank each was given.
        var units: [String: [Ranked]] = [:]

        init(program: Program, dossiers: [Dossier]) {
            let fields = Set(program.rules.filter { $0.type == "unit_ranks" }.map { $0.field ?? "unit_rank" })
            guard !fields.isEmpty else { return }
            for d in dossiers {
                guard let unit = Eligibility.unitOf(d) else { continue }
                for f in fields {
                    units[unit + "\u{0}" + f, default: []].append(Ranked(dossier: d.id, rank: Eligibility.value(d, f).flatMap(Eligibility.parseRank)))
                }
            }
        }
    }

    /// The unit that put `d` forward (推荐单位), unless it is self-nominated.
    static func unitOf(_ d: Dossier) -> String? {
        if let c = value(d, "channel"), normalize(c).contains("自荐") { return nil }
        return value(d, "recommender").map(normalize)
    }

    /// "1", "第1名", "第一", "1/3", "１" → 1.
    static func parseRank(_ raw: String) -> Int? {
        var s = DateText.halfwidth(DateText.trimmed(raw))
        if let slash = s.firstIndex(where: { $0 == "/" || $0 == "／" }) { s = String(s[..<slash]) }
        if s.hasPrefix("第") { s.removeFirst() }
        for suffix in ["名", "位"] where s.hasSuffix(suffix) { s.removeLast() }
        guard let n = FormNumber.parse(s), n >= 1, n <= 100_000 else { return nil }
        return n
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

    /// One finding of a rule: a failure (不合格), something to confirm (待核实) or a note for the panel.
    struct Finding {
        enum Kind { case fail, confirm, note }
        var kind: Kind
        var failure: RuleFailure
    }

    static func apply(_ r: RuleSpec, to d: Dossier, program: Program, sanctions: [Sanction], context: Context) -> [Finding] {
        func fail(_ zh: String, _ en: String) -> [Finding] { [Finding(kind: .fail, failure: RuleFailure(rule: r.id, zh: zh, en: en))] }
        func confirm(_ zh: String, _ en: String) -> [Finding] { [Finding(kind: .confirm, failure: RuleFailure(rule: r.id, zh: zh, en: en))] }
        func note(_ zh: String, _ en: String) -> [Finding] { [Finding(kind: .note, failure: RuleFailure(rule: r.id, zh: zh, en: en))] }
        let lacking = fail("规则缺少参数", "the rule lacks its parameters")
        /// A blank value: 待核实 unless the rule says otherwise (if_blank). The programme's own
        /// form may not carry the field at all (seed 003's annex has no 国籍 box): the secretary
        /// confirms it; the data of a present column is always checked.
        func blank(_ zh: String, _ en: String) -> [Finding] {
            switch r.ifBlank ?? "confirm" {
            case "pass": return []
            case "fail": return fail(zh, en)
            default:
                let named = [r.field ?? (r.type == "max_age" ? "birth_date" : "")] + (r.type == "max_age" ? ["age"] : [])
                let onForm = named.contains { program.field($0)?.printed ?? false }
                let why = onForm ? ("申报表此项未填", "the form's box is blank") : ("本项目的申报表没有此项", "the programme's form has no such box")
                return confirm("\(zh)（\(why.0)，请核实）", "\(en) (\(why.1): to be confirmed)")
            }
        }
        switch r.type {
        case "equals":
            guard let f = r.field, let want = r.value else { return lacking }
            let l = label(f, program)
            guard let v = value(d, f) else {
                return blank("\(l.zh)未填写（须为“\(want)”）", "\(l.en) is blank (must be \(want))")
            }
            let accepted = [want] + (r.values ?? [])
            let ok = isYes(want) ? isYes(v) : accepted.contains { normalize($0) == normalize(v) }
            let wantEn = isYes(want) ? "\(want) (yes)" : want
            return ok ? [] : fail("\(l.zh)为“\(v)”，须为“\(want)”", "\(l.en) is \(v), must be \(wantEn)")

        case "nationality":
            let f = r.field ?? "nationality"
            let l = label(f, program)
            let desc = r.description ?? LocalizedText(zh: "应具有中国国籍", en: "Chinese nationality")
            guard let v = value(d, f) else {
                return blank("\(l.zh)未填写（\(desc.zh)）", "\(l.en) is blank (\(desc.en))")
            }
            switch Nationality.read(v) {
            case .chinese: return []
            case .unclear:
                return r.isNote ? note("\(l.zh)为“\(v)”：\(desc.zh)，请评审组注意", "\(l.en) is \(v): \(desc.en); for the panel to weigh")
                    : confirm("\(l.zh)为“\(v)”：是否具有中国国籍，请核实", "\(l.en) is \(v): whether this is Chinese nationality is to be confirmed")
            case .other:
                return r.isNote ? note("\(l.zh)为“\(v)”：种子文件写“\(desc.zh)”，由评审组判断", "\(l.en) is \(v): the seed says \(desc.en); for the panel to judge")
                    : fail("\(l.zh)为“\(v)”，\(desc.zh)", "\(l.en) is \(v): \(desc.en) is required")
            }

        case "required":
            let fields = r.values ?? program.fields.filter(\.required).map(\.id)
            if unlessApplies(r, d) { return [] }
            let blankFields = fields.filter { value(d, $0) == nil }
            if blankFields.isEmpty { return [] }
            let zh = blankFields.map { label($0, program).zh }.joined(separator: "、")
            let en = blankFields.map { label($0, program).en }.joined(separator: ", ")
            return fail("缺项：\(zh) 未填写", "missing: \(en) left blank")

        case "max_chars":
            guard let f = r.field, let max = r.max ?? program.field(f)?.maxChars else { return lacking }
            guard let n = characters(d[f] ?? "", over: max) else { return [] }
            let l = label(f, program)
            return fail("\(l.zh)共 \(n) 字，超过 \(max) 字的限制", "\(l.en) has \(n) characters, over the limit of \(max)")

        case "max_age":
            return maxAge(r, d, program, fail: fail, confirm: confirm, blank: blank)

        case "min_years":
            return minYears(r, d, program, fail: fail, confirm: confirm, blank: blank)

        case "one_of":
            let f = r.field ?? "channel"
            let values = (r.values?.isEmpty == false ? r.values : nil) ?? program.channels
            let l = label(f, program)
            guard let v = value(d, f) else {
                return blank("\(l.zh)未填写（可选：\(values.joined(separator: "、"))）", "\(l.en) is blank (one of \(values.joined(separator: ", ")))")
            }
            if values.contains(where: { normalize($0) == normalize(v) }) { return [] }
            return fail("\(l.zh)“\(v)”不在本项目接受的范围内（\(values.joined(separator: "、"))）",
                        "\(l.en) '\(v)' is not accepted by this programme (one of \(values.joined(separator: ", ")))")

        case "excluded_values":
            guard let values = r.values else { return lacking }
            // Every field the rule names (seed 002's titles are honours: 已获荣誉, 获奖情况 …).
            var out: [Finding] = []
            for f in ([r.field].compactMap { $0 } + (r.fields ?? [])) {
                guard let v = value(d, f) else { continue }
                let nv = normalize(v)
                let hit = values.filter { nv.contains(normalize($0)) }
                if hit.isEmpty { continue }
                let l = label(f, program)
                out += fail("\(l.zh)含“\(hit.joined(separator: "”“"))”，已获此类称号者不再参评",
                            "\(l.en) include \(hit.joined(separator: ", ")): holders of these titles are not eligible")
            }
            return out

        case "sanctions":
            // Clamped as the schema bounds it (Limits.sanctionYears), so that a programme built
            // in code cannot overflow the year arithmetic below either.
            let bar = min(max(r.max ?? 5, Limits.sanctionYears.lowerBound), Limits.sanctionYears.upperBound)
            let year = programYear(program)
            var out: [Finding] = []
            let name = value(d, "name").map(normalize)
            let units = ["employer", "recommender"].compactMap { value(d, $0) }.map(normalize)
            for s in sanctions where year >= s.year && year <= s.year + bar - 1 {
                let sn = normalize(s.name)
                let hit: Bool
                if s.kind == "person" { hit = name == sn } else { hit = units.contains(sn) }
                guard hit else { continue }
                let last = s.year + bar - 1
                if s.kind == "person" {
                    out += fail("申报人“\(s.name)”\(s.year)年经查实弄虚作假，\(s.year)–\(last)年不再接受其申报",
                                "the nominee \(s.name) was found to have falsified material in \(s.year): barred \(s.year)–\(last)")
                } else {
                    out += fail("单位“\(s.name)”\(s.year)年经查实弄虚作假，\(s.year)–\(last)年不再接受该单位的申报",
                                "the unit \(s.name) was found to have falsified material in \(s.year): barred \(s.year)–\(last)")
                }
            }
            return out

        case "contains_any":
            guard let f = r.field, let values = r.values else { return lacking }
            if unlessApplies(r, d) { return [] }
            let l = label(f, program)
            guard let v = value(d, f) else {
                return blank("\(l.zh)未填写（须含“\(values.joined(separator: "”或“"))”）", "\(l.en) is blank (it must contain \(values.joined(separator: " or ")))")
            }
            if values.contains(where: { normalize(v).contains(normalize($0)) }) { return [] }
            var zh = "\(l.zh)为“\(v)”，须含“\(values.joined(separator: "”或“"))”"
            var en = "\(l.en) is \(v); it must contain \(values.joined(separator: " or "))"
            if let uf = r.unlessField {
                zh += "（或\(label(uf, program).zh)为“是”）"
                en += " (or \(label(uf, program).en) is yes)"
            }
            return fail(zh, en)

        case "qualification":
            // 静安 seed 004 三(一)2: "具有技师及以上国家职业资格（或相同水平）；对于从事职业尚无国家职业标准的
            // …经过行业内水平认定后，也可聘为首席技师". 国家职业资格二级 is the 技师 level.
            let f = r.field ?? "title"
            let lowest = r.max ?? 2
            if unlessApplies(r, d) { return [] }
            let l = label(f, program)
            let want = SkillLevel.name(lowest)
            guard let v = value(d, f) else {
                return blank("\(l.zh)未填写（须为\(want)及以上）", "\(l.en) is blank (must be \(want) or higher)")
            }
            guard let level = SkillLevel.parse(v) else {
                return confirm("\(l.zh)“\(v)”不是国家职业资格等级：是否相当于\(want)及以上水平，请核实",
                               "\(l.en) '\(v)' is not a national vocational qualification level: whether it is the equal of \(want) or higher is to be confirmed")
            }
            if level <= lowest { return [] }
            var zh = "\(l.zh)为“\(v)”（\(SkillLevel.name(level))），须为\(want)及以上"
            var en = "\(l.en) is \(v) (\(SkillLevel.name(level))), must be \(want) (level \(lowest)) or higher"
            if let uf = r.unlessField {
                zh += "（或\(label(uf, program).zh)为“是”）"
                en += " (or \(label(uf, program).en) is yes)"
            }
            return fail(zh, en)

        case "yes":
            guard let f = r.field else { return lacking }
            let v = value(d, f)
            if isYes(v) { return [] }
            let l = label(f, program)
            let desc = r.description
            guard let v else {
                return blank("\(desc?.zh ?? l.zh)：未填写", "\(desc?.en ?? l.en): blank")
            }
            return fail("\(desc?.zh ?? l.zh)：“\(v)”，须为“是”", "\(desc?.en ?? l.en): \(v), must be yes (是)")

        case "unit_ranks":
            let f = r.field ?? "unit_rank"
            guard let unit = unitOf(d), let list = context.units[unit + "\u{0}" + f] else { return [] }
            let l = label(f, program)
            let shownUnit = value(d, "recommender") ?? unit
            guard let raw = value(d, f) else {
                return blank("\(l.zh)未填写（推荐单位“\(shownUnit)”的推荐汇总表上的排序）",
                             "\(l.en) is blank (the rank on the summary list of \(shownUnit))")
            }
            guard let rank = parseRank(raw) else {
                return confirm("\(l.zh)“\(raw)”不是名次，请核实", "\(l.en) '\(raw)' is not a rank: to be confirmed")
            }
            var out = note("推荐单位“\(shownUnit)”推荐 \(list.count) 人，本人排第 \(rank) 名",
                           "\(shownUnit) put forward \(list.count) nominee(s) and ranks this one \(rank)")
            let same = list.filter { $0.rank == rank && $0.dossier != d.id }.map(\.dossier)
            if !same.isEmpty {
                out += confirm("推荐单位“\(shownUnit)”把 \(([d.id] + same).sorted().joined(separator: "、")) 都排在第 \(rank) 名：请向推荐单位核实推荐汇总表",
                               "\(shownUnit) ranks \(([d.id] + same).sorted().joined(separator: ", ")) all at \(rank): to be confirmed with the unit's summary list")
            }
            return out

        case "note":
            guard let desc = r.description else { return lacking }
            if let f = r.field {
                let l = label(f, program)
                if let v = value(d, f) { return note("\(desc.zh)（\(l.zh)：\(v)）", "\(desc.en) (\(l.en): \(v))") }
            }
            return note(desc.zh, desc.en)

        default:
            return fail("程序中的规则类型“\(r.type)”不认识，无法审核（请修改 program.yaml）",
                        "unknown rule type '\(r.type)' in the programme: cannot check (fix program.yaml)")
        }
    }

    /// Whether `n` is within `limit` read with the limit word `word` (Art. 1259): an upper
    /// limit (以下, 不满 …) when `upper`, else a lower one (以上, 不少于, 超过 …).
    static func within(_ n: Int, _ limit: Int, word: String, upper: Bool) -> Bool {
        let inclusive = LimitWord.includes(word) ?? true
        if upper { return inclusive ? n <= limit : n < limit }
        return inclusive ? n >= limit : n > limit
    }

    /// max_age: seed 003 "须60周岁以下（有突出贡献的可不受年龄限制）". 以下 includes 60
    /// (《民法典》第一千二百五十九条). The age is counted in full years at the reference date from the
    /// birth date, else taken from 年龄 (the annex's box) as written.
    static func maxAge(_ r: RuleSpec, _ d: Dossier, _ program: Program,
                       fail: (String, String) -> [Finding], confirm: (String, String) -> [Finding], blank: (String, String) -> [Finding]) -> [Finding] {
        let f = r.field ?? "birth_date"
        guard let max = r.max else { return fail("规则缺少参数", "the rule lacks its parameters") }
        if unlessApplies(r, d) { return [] }
        let word = r.bound ?? "以下"
        let l = label(f, program)
        let al = label("age", program)
        guard let ref = referenceDate(program) else {
            return fail("程序未设参考日期，无法计算年龄", "the programme has no reference date to count ages at")
        }
        let limitZh = "\(max)周岁\(word)"
        let limitEn = (LimitWord.includes(word) ?? true) ? "\(max) or under" : "under \(max)"
        let ages: ClosedRange<Int>
        let shown: String, shownEn: String
        if let raw = value(d, f) {
            guard let born = BirthText.parse(raw) else {
                return confirm("\(l.zh)“\(raw)”无法识别（可写 1966-05-01、1966/5/1、1966年5月1日或 1966年5月），请核实年龄",
                               "\(l.en) '\(raw)' is not a date (write 1966-05-01, 1966/5/1, 1966年5月1日 or 1966年5月): the age is to be confirmed")
            }
            ages = BirthText.ages(born, at: ref)
            if ages.upperBound < 0 {
                return confirm("\(l.zh)“\(raw)”晚于参考日期 \(ref.iso)，请核实", "\(l.en) \(raw) is after the reference date \(ref.iso): to be confirmed")
            }
            shown = "截至 \(ref.iso)"
            shownEn = "at \(ref.iso)"
        } else if let raw = value(d, "age") {
            guard let a = AgeText.parse(raw) else {
                return confirm("\(al.zh)“\(raw)”不是岁数，请核实", "\(al.en) '\(raw)' is not an age: to be confirmed")
            }
            ages = a...a
            shown = "申报表所填\(al.zh)"
            shownEn = "as the form's \(al.en) says"
        } else {
            return blank("\(l.zh)和\(al.zh)均未填写，无法核对“\(limitZh)”", "neither \(l.en) nor \(al.en) is given: cannot check \(limitEn)")
        }
        let lo = within(ages.lowerBound, max, word: word, upper: true), hi = within(ages.upperBound, max, word: word, upper: true)
        if lo && hi { return [] }
        if lo != hi {
            return confirm("\(l.zh)只写到月，\(shown)为 \(ages.lowerBound) 或 \(ages.upperBound) 周岁：是否\(limitZh)，请核实",
                           "\(l.en) gives the month only: \(ages.lowerBound) or \(ages.upperBound) at \(ref.iso); whether \(limitEn) is to be confirmed")
        }
        let age = ages.lowerBound
        var zh = "\(shown)\(age) 周岁，须\(limitZh)"
        var en = "aged \(age) \(shownEn), must be \(limitEn)"
        if let uf = r.unlessField {
            let ul = label(uf, program)
            let words = (r.unlessValues ?? []).joined(separator: "/")
            // The exception is a judgment (有突出贡献的): a form without its box leaves it open.
            if value(d, uf) == nil {
                return confirm(zh + "；\(ul.zh)为“\(words)”者可不受年龄限制，申报表未写明，请核实",
                               en + "; no limit when \(ul.en) is \(words), which the form does not say: to be confirmed")
            }
            zh += "（\(ul.zh)为“\(words)”者除外）"
            en += " (unless \(ul.en) is \(words))"
        }
        return fail(zh, en)
    }

    /// min_years: seed 003 "在杭从事本专业技能工作不少于10年", waived by condition 4: "获得世界技能大赛和
    /// 国家级技能大赛的前3名，省技能大赛的第1名。（符合此条，不受工作年限的限制。）" The waiver reads every
    /// contest result written in `fields` (`ContestResult`), as levels and places.
    static func minYears(_ r: RuleSpec, _ d: Dossier, _ program: Program,
                         fail: (String, String) -> [Finding], confirm: (String, String) -> [Finding], blank: (String, String) -> [Finding]) -> [Finding] {
        let f = r.field ?? "years_in_trade"
        guard let min = r.min else { return fail("规则缺少参数", "the rule lacks its parameters") }
        if unlessApplies(r, d) { return [] }
        let word = r.bound ?? "不少于"
        let l = label(f, program)
        let places = (r.contestPlaces ?? []).compactMap(ContestResult.placeSpec)
        var results: [ContestResult] = []
        for cf in r.fields ?? [] { if let v = value(d, cf) { results += ContestResult.parseAll(v) } }
        if !places.isEmpty, results.contains(where: { $0.meets(places, prizeIsPlace: r.prizeIsPlace ?? false) }) { return [] }
        let waiverZh = places.map { "\($0.0.zh)第1–\($0.1)名" }.joined(separator: "、")
        let waiverEn = places.map { "\($0.0.rawValue) places 1–\($0.1)" }.joined(separator: ", ")
        // A 一等奖 at a waiving level is not a place unless the seed equates them: the secretary asks.
        let prizeOnly = places.isEmpty ? nil : results.first { res in
            res.place == nil && res.prize != nil && places.contains { $0.0 == res.level }
        }
        let limitZh = "\(word) \(min) 年"
        let limitEn = (LimitWord.includes(word) ?? true) ? "at least \(min) years" : "more than \(min) years"
        func shortOf(_ zh: String, _ en: String) -> [Finding] {
            if let p = prizeOnly {
                return confirm(zh + "；“\(p.text)”是否为可免年限的名次（\(waiverZh)），请核实",
                               en + "; whether '\(p.text)' is a place that waives the years (\(waiverEn)) is to be confirmed")
            }
            let tail = places.isEmpty ? ("", "") : ("（获\(waiverZh)者不受此限）", " (waived for \(waiverEn))")
            return fail(zh + tail.0, en + tail.1)
        }
        guard let raw = value(d, f) else {
            let tail = places.isEmpty ? ("", "") : ("，且未见可免年限的竞赛名次（\(waiverZh)）", ", and no contest place that waives it (\(waiverEn))")
            return blank("\(l.zh)未填写（须\(limitZh)）" + tail.0, "\(l.en) is blank (must be \(limitEn))" + tail.1)
        }
        guard let years = parseYears(raw) else {
            return confirm("\(l.zh)“\(raw)”不是年数，请核实", "\(l.en) '\(raw)' is not a number of years: to be confirmed")
        }
        let ok = (LimitWord.includes(word) ?? true) ? years >= Double(min) : years > Double(min)
        if ok { return [] }
        return shortOf("\(l.zh)为 \(raw)，须\(limitZh)", "\(l.en) is \(raw), must be \(limitEn)")
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
        // Begins and ends with a printable ASCII character: nothing to trim (no grapheme walk).
        if let f = s.utf8.first, let l = s.utf8.last, f > 0x20, f < 0x7F, l > 0x20, l < 0x7F { return s }
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
