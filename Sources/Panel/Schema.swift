import Foundation
import Yams

/// The schema check of the YAML files a person edits (program.yaml, roster.yaml): every key is
/// one the file may hold, every value has its type and lies within its bounds (`Limits`), and an
/// error names the file, the line (from the YAML parser's marks), the key and the reason, in the
/// user's language. `YAMLFile.decode` runs it for every type that conforms to `YAMLSchema`.
public protocol YAMLSchema {
    /// The keys each mapping may hold.
    static var shape: YAMLShape { get }
    /// What is wrong with the decoded value, beyond its shape (bounds, duplicates, names).
    func schemaProblems() -> [SchemaProblem]
}

/// The nesting of a YAML document: which keys a mapping may hold.
public indirect enum YAMLShape: Sendable {
    /// A scalar or anything below (not checked further).
    case any
    case map([String: YAMLShape])
    case list(YAMLShape)

    /// A mapping with exactly these keys, each of any content.
    public static func keys<K: CaseIterable & RawRepresentable>(_ k: K.Type, _ nested: [String: YAMLShape] = [:]) -> YAMLShape where K.RawValue == String {
        var m: [String: YAMLShape] = [:]
        for c in k.allCases { m[c.rawValue] = nested[c.rawValue] ?? .any }
        return .map(m)
    }
}

/// One step of a path into a YAML document.
public enum SchemaPathItem: Hashable, Sendable {
    case key(String)
    case index(Int)
}

/// A problem found in a decoded file: where (a path of keys and indices) and why, in both languages.
public struct SchemaProblem: Sendable {
    public var path: [SchemaPathItem]
    public var zh: String
    public var en: String
    public init(_ path: [SchemaPathItem], _ zh: String, _ en: String) { self.path = path; self.zh = zh; self.en = en }

    /// "aggregation.tie_breaks[1]"
    public static func dotted(_ path: [SchemaPathItem]) -> String {
        var out = ""
        for p in path {
            switch p {
            case .key(let k): out += (out.isEmpty ? "" : ".") + k
            case .index(let i): out += "[\(i)]"
            }
        }
        return out
    }
}

/// Bounds of the numbers a programme or a record may hold, each with its reason. Every number
/// read from a file or an argument is checked against one of these on entry, so the arithmetic
/// behind it (Scoring's exact fractions, dates, thread counts) cannot overflow.
public enum Limits {
    /// A criterion's maximum points. Every seed's sheet is 100 points in all; 1000 leaves a
    /// factor of ten. With totals ≤ 1000 every exact aggregate of Scoring (z-score: products of
    /// four sums of totals; variance: n³·max²) stays inside 64 bits after reduction for panels
    /// of 10,000 members and a million sheets.
    public static let criterionMax = 1...1000
    /// The sheet's total (the sum of the criteria's maxima), for the same reason.
    public static let maxTotal = 1...1000
    /// Criteria on one sheet (a form a person fills in; the seeds have 3 to 5).
    public static let criteria = 1...50
    /// Places to award (the seeds give 10 to 100; a quota above the number of dossiers is harmless).
    public static let quota = 1...100_000
    /// Sheets dropped at each end by the trimmed mean, and the sheets needed before trimming.
    public static let trim = 0...100
    public static let trimMin = 0...1000
    /// Valid sheets a dossier needs to be ranked (a panel has at most a few hundred members).
    public static let quorum = 1...1000
    /// Rounds of a review (初评, 复评, 终评: the seeds have two at most).
    public static let rounds = 1...10
    /// The programme year: a calendar year of the scheme (the seeds date from 2015 to 2020);
    /// ages, stage dates and the five-year sanctions bar are counted from it.
    public static let year = 2000...2100
    /// Characters of a form field or a comment (a deed text is 600–1000 characters in the seeds).
    public static let chars = 1...100_000
    /// Years a sanction bars a unit or person (the Shanghai seed: 5).
    public static let sanctionYears = 1...100
    /// An age limit or a years-in-the-trade minimum, in years.
    public static let years = 0...150
    /// Worker threads for `verify --threads` (the machine has at most a few hundred cores).
    public static let threads = 1...256
    /// `simulate`: a benchmark store (the city scale is 10,000 dossiers and 30 members; ten
    /// times that still fits a disk, and every member scores every dossier).
    public static let simulatedDossiers = 1...100_000
    public static let simulatedMembers = 1...300
    /// `bench-ui`: a terminal's size in cells and the keys of the scripted walk.
    public static let terminalColumns = 20...1000
    public static let terminalRows = 5...1000
    public static let benchKeys = 0...1_000_000
}

extension YAMLFile {
    /// A YAML syntax error as an `InputError` with the line the parser stopped at.
    static func syntaxError(_ e: YamlError, path: String) -> InputError {
        switch e {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return InputError(path: path, line: mark.line,
                              message: localized("YAML 语法错误（第 \(mark.column) 列）：\(problem)", "YAML syntax error at column \(mark.column): \(problem)"))
        case let .duplicatedKeysInMapping(duplicates, context):
            return InputError(path: path, line: context.mark.line,
                              message: localized("重复的键：\(duplicates.joined(separator: ", "))", "duplicate keys: \(duplicates.joined(separator: ", "))"))
        case let .reader(problem, offset, _, _):
            return InputError(path: path, message: localized("无法读取 YAML（字节 \(offset ?? 0)）：\(problem)", "cannot read the YAML (byte \(offset ?? 0)): \(problem)"))
        default:
            return InputError(path: path, message: localized("YAML 错误：\(e)", "YAML error: \(e)"))
        }
    }

    /// The node at `path` in `root` (nil when the path leaves the document).
    static func node(_ root: Node, _ path: [SchemaPathItem]) -> Node? {
        var n = root
        for p in path {
            switch (p, n) {
            case let (.key(k), .mapping(m)):
                guard let v = m.first(where: { $0.key.string == k })?.value else { return nil }
                n = v
            case let (.index(i), .sequence(s)):
                guard i >= 0, i < s.count else { return nil }
                n = s[s.index(s.startIndex, offsetBy: i)]
            default:
                return nil
            }
        }
        return n
    }

    /// The line of `path` in `root`, or of the deepest node on the way that exists.
    static func line(_ root: Node, _ path: [SchemaPathItem]) -> Int? {
        var p = path
        while true {
            if let n = node(root, p), let m = n.mark { return m.line }
            if p.isEmpty { return nil }
            p.removeLast()
        }
    }

    /// Unknown keys (and mappings or lists where the shape wants the other) in `node`.
    static func checkShape(_ node: Node, _ shape: YAMLShape, path: String, at: [SchemaPathItem]) throws {
        switch (shape, node) {
        case (.any, _):
            return
        case let (.map(keys), .mapping(m)):
            for (k, v) in m {
                guard let name = k.string, let sub = keys[name] else {
                    let known = keys.keys.sorted().joined(separator: ", ")
                    let shown = TerminalText.quoted(k.string ?? "?")
                    throw InputError(path: path, line: k.mark?.line, field: SchemaProblem.dotted(at).isEmpty ? nil : SchemaProblem.dotted(at),
                                     message: localized("未知的键 \(shown)（可用：\(known)）", "unknown key \(shown) (known keys: \(known))"))
                }
                try checkShape(v, sub, path: path, at: at + [.key(name)])
            }
        case let (.list(item), .sequence(s)):
            for (i, v) in s.enumerated() { try checkShape(v, item, path: path, at: at + [.index(i)]) }
        case (.map, _):
            throw InputError(path: path, line: node.mark?.line, field: SchemaProblem.dotted(at).isEmpty ? nil : SchemaProblem.dotted(at),
                             message: localized("应为映射（键: 值）", "expected a mapping (key: value)"))
        case (.list, _):
            throw InputError(path: path, line: node.mark?.line, field: SchemaProblem.dotted(at).isEmpty ? nil : SchemaProblem.dotted(at),
                             message: localized("应为列表（- 项）", "expected a list (- item)"))
        }
    }

    /// The decoding error's coding path as schema path items.
    static func items(_ codingPath: [CodingKey]) -> [SchemaPathItem] {
        codingPath.map { $0.intValue.map(SchemaPathItem.index) ?? .key($0.stringValue) }
    }
}

// MARK: program.yaml

extension Program: YAMLSchema {
    public static var shape: YAMLShape {
        let text = YAMLShape.keys(LocalizedText.CodingKeys.self)
        return .keys(CodingKeys.self, [
            "title": text, "organiser": text,
            "stages": .list(.keys(Stage.CodingKeys.self, ["name": text])),
            "fields": .list(.keys(FieldSpec.CodingKeys.self, ["label": text])),
            "rules": .list(.keys(RuleSpec.CodingKeys.self, ["description": text])),
            "sheet": .keys(ScoringSheet.CodingKeys.self, ["criteria": .list(.keys(Criterion.CodingKeys.self, ["name": text, "rubric": text]))]),
            "aggregation": .keys(Aggregation.CodingKeys.self),
            "feeds": .list(.keys(Feed.CodingKeys.self)),
            "publicity": .keys(PublicitySpec.CodingKeys.self, ["objections": text, "calendar": .list(.keys(HolidayYear.CodingKeys.self))]),
            "approval": .keys(ApprovalSpec.CodingKeys.self, ["by": .list(.keys(ApprovingBody.CodingKeys.self, ["name": text]))]),
            "groups": .list(.keys(FieldGroup.CodingKeys.self, ["name": text])),
            "rounds": .list(.keys(RoundSpec.CodingKeys.self, [
                "name": text, "shortlist": .keys(ShortlistRule.CodingKeys.self),
                "sheet": .keys(ScoringSheet.CodingKeys.self, ["criteria": .list(.keys(Criterion.CodingKeys.self, ["name": text, "rubric": text]))]),
            ])),
        ])
    }


    /// The bounds of a scoring sheet at `at` (the programme's, or a round's own).
    static func sheetProblems(_ sheet: ScoringSheet, at base: [SchemaPathItem]) -> [SchemaProblem] {
        var out: [SchemaProblem] = []
        func range(_ v: Int, _ r: ClosedRange<Int>, _ path: [SchemaPathItem], _ why: (zh: String, en: String)) {
            if !r.contains(v) {
                out.append(SchemaProblem(path, "\(v) 超出范围 \(r.lowerBound)…\(r.upperBound)（\(why.zh)）",
                                         "\(v) is outside \(r.lowerBound)…\(r.upperBound) (\(why.en))"))
            }
        }
        let c = sheet.criteria
        if c.isEmpty {
            out.append(SchemaProblem(base + [.key("criteria")], "评分表没有评分项", "the scoring sheet has no criteria"))
        } else if c.count > Limits.criteria.upperBound {
            out.append(SchemaProblem(base + [.key("criteria")], "评分项太多（\(c.count)，至多 \(Limits.criteria.upperBound)）",
                                     "too many criteria (\(c.count), at most \(Limits.criteria.upperBound))"))
        }
        var seen: Set<String> = []
        for (i, cr) in c.enumerated() {
            let at: [SchemaPathItem] = base + [.key("criteria"), .index(i)]
            if !Identifier.isValid(cr.id) {
                out.append(SchemaProblem(at + [.key("id")], "评分项编号 \(TerminalText.quoted(cr.id)) 不可用：\(Identifier.rule.zh)",
                                         "criterion id \(TerminalText.quoted(cr.id)) is not usable: \(Identifier.rule.en)"))
            }
            if !seen.insert(cr.id).inserted {
                out.append(SchemaProblem(at + [.key("id")], "评分项 “\(cr.id)” 重复", "duplicate criterion '\(cr.id)'"))
            }
            range(cr.max, Limits.criterionMax, at + [.key("max")], ("评分项满分", "a criterion's maximum points"))
        }
        // Only when each maximum is in range (the sum of bounded values cannot overflow).
        if c.allSatisfy({ Limits.criterionMax.contains($0.max) }) && c.count <= Limits.criteria.upperBound && !c.isEmpty {
            range(sheet.maxTotal, Limits.maxTotal, base + [.key("criteria")], ("评分表总分（各项满分之和）", "the sheet's total, the sum of the maxima"))
        }
        if let m = sheet.commentMaxChars { range(m, Limits.chars, base + [.key("comment_max_chars")], ("评语字数上限", "a comment's length limit")) }
        return out
    }

    public func schemaProblems() -> [SchemaProblem] {
        var out: [SchemaProblem] = []
        func range(_ v: Int, _ r: ClosedRange<Int>, _ path: [SchemaPathItem], _ why: (zh: String, en: String)) {
            if !r.contains(v) {
                out.append(SchemaProblem(path, "\(v) 超出范围 \(r.lowerBound)…\(r.upperBound)（\(why.zh)）",
                                         "\(v) is outside \(r.lowerBound)…\(r.upperBound) (\(why.en))"))
            }
        }
        if !Identifier.isValid(id) {
            out.append(SchemaProblem([.key("id")], "项目编号 \(TerminalText.quoted(id)) 不可用：\(Identifier.rule.zh)",
                                     "programme id \(TerminalText.quoted(id)) is not usable: \(Identifier.rule.en)"))
        }
        if let year { range(year, Limits.year, [.key("year")], ("项目年度", "the programme year")) }
        if let prefix = idPrefix, prefix.count > 20 || !Identifier.isValid(prefix + "001") {
            out.append(SchemaProblem([.key("id_prefix")], "编号前缀 \(TerminalText.quoted(prefix)) 不可用：至多 20 个英文字母、数字、- _ .，不以 . 开头",
                                     "id prefix \(TerminalText.quoted(prefix)) is not usable: at most 20 letters, digits, '-', '_' or '.', not starting with '.'"))
        }
        range(quota, Limits.quota, [.key("quota")], ("名额", "places to award"))
        out.append(contentsOf: Program.sheetProblems(sheet, at: [.key("sheet")]))
        for (i, f) in fields.enumerated() {
            if let m = f.maxChars { range(m, Limits.chars, [.key("fields"), .index(i), .key("max_chars")], ("字段字数上限", "a field's length limit")) }
        }
        var feedPrograms: Set<String> = [], feedPrefixes: Set<String> = []
        for (i, f) in (feeds ?? []).enumerated() {
            let at: [SchemaPathItem] = [.key("feeds"), .index(i)]
            if !Identifier.isValid(f.program) {
                out.append(SchemaProblem(at + [.key("program")], "来源项目编号 \(TerminalText.quoted(f.program)) 不可用：\(Identifier.rule.zh)",
                                         "source programme id \(TerminalText.quoted(f.program)) is not usable: \(Identifier.rule.en)"))
            } else if !feedPrograms.insert(f.program).inserted {
                out.append(SchemaProblem(at + [.key("program")], "来源项目 “\(f.program)” 重复", "source programme '\(f.program)' is listed twice"))
            }
            if !Identifier.isValid(f.prefix) || f.prefix.utf8.count > Feed.maxPrefix {
                out.append(SchemaProblem(at + [.key("prefix")], "编号前缀 \(TerminalText.quoted(f.prefix)) 不可用：至多 \(Feed.maxPrefix) 个字节，\(Identifier.rule.zh)",
                                         "id prefix \(TerminalText.quoted(f.prefix)) is not usable: at most \(Feed.maxPrefix) bytes, \(Identifier.rule.en)"))
            } else if !feedPrefixes.insert(f.prefix).inserted {
                out.append(SchemaProblem(at + [.key("prefix")], "编号前缀 “\(f.prefix)” 重复（两个来源会撞号）", "id prefix '\(f.prefix)' is used twice (two sources would collide)"))
            }
            if let c = f.channel, !channels.isEmpty, !channels.contains(c) {
                out.append(SchemaProblem(at + [.key("channel")], "推荐方式 \(TerminalText.quoted(c)) 不在 channels 中（\(channels.joined(separator: "、"))）",
                                         "channel \(TerminalText.quoted(c)) is not one of channels (\(channels.joined(separator: ", ")))"))
            }
        }
        if let p = publicity {
            range(p.days, 1...PublicitySpec.maxDays, [.key("publicity"), .key("days")], ("公示期天数", "the notice's length in days"))
            if let n = p.deedsChars {
                range(n, 1...PublicitySpec.maxDeedsChars, [.key("publicity"), .key("deeds_chars")], ("公示的事迹摘要字数", "characters of the deeds the notice publishes"))
            }
            // Declared public holidays (issue 12): real dates of their own year, a year once.
            var years: Set<Int> = []
            for (i, y) in (p.calendar ?? []).enumerated() {
                let at: [SchemaPathItem] = [.key("publicity"), .key("calendar"), .index(i)]
                range(y.year, Limits.year, at + [.key("year")], ("节假日安排的年度", "the year of a holiday table"))
                if !years.insert(y.year).inserted {
                    out.append(SchemaProblem(at + [.key("year")], "\(y.year) 年的节假日安排重复", "the holidays of \(y.year) are declared twice"))
                }
                for pr in y.problems() { out.append(SchemaProblem(at + [.key(pr.field)], pr.zh, pr.en)) }
            }
        }
        var bodies: Set<String> = []
        for (i, b) in (approval?.by ?? []).enumerated() {
            let at: [SchemaPathItem] = [.key("approval"), .key("by"), .index(i), .key("id")]
            if !Identifier.isValid(b.id) {
                out.append(SchemaProblem(at, "审定机构编号 \(TerminalText.quoted(b.id)) 不可用：\(Identifier.rule.zh)",
                                         "approving body id \(TerminalText.quoted(b.id)) is not usable: \(Identifier.rule.en)"))
            } else if !bodies.insert(b.id).inserted {
                out.append(SchemaProblem(at, "审定机构 “\(b.id)” 重复", "approving body '\(b.id)' is listed twice"))
            }
        }
        // Field groups (issue 13): usable, unique ids; at least one field each, none blank.
        let gs = groups ?? []
        if gs.count > FieldGroup.maxGroups {
            out.append(SchemaProblem([.key("groups")], "专业组太多（\(gs.count)，至多 \(FieldGroup.maxGroups)）",
                                     "too many groups (\(gs.count), at most \(FieldGroup.maxGroups))"))
        }
        var groupIDs: Set<String> = []
        for (i, g) in gs.enumerated() {
            let at: [SchemaPathItem] = [.key("groups"), .index(i)]
            if !Identifier.isValid(g.id) {
                out.append(SchemaProblem(at + [.key("id")], "专业组编号 \(TerminalText.quoted(g.id)) 不可用：\(Identifier.rule.zh)",
                                         "group id \(TerminalText.quoted(g.id)) is not usable: \(Identifier.rule.en)"))
            } else if !groupIDs.insert(g.id).inserted {
                out.append(SchemaProblem(at + [.key("id")], "专业组 “\(g.id)” 重复", "group '\(g.id)' is listed twice"))
            }
            if g.fields.isEmpty || g.fields.count > FieldGroup.maxFields {
                out.append(SchemaProblem(at + [.key("fields")], "专业组应列出 1…\(FieldGroup.maxFields) 个专业领域或关键词",
                                         "a group lists 1…\(FieldGroup.maxFields) fields or keywords"))
            }
            for (j, f) in g.fields.enumerated() where f.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || f.count > 100 {
                out.append(SchemaProblem(at + [.key("fields"), .index(j)], "专业领域不能为空，至多 100 字", "a field is not blank and at most 100 characters"))
            }
        }
        // Rounds and shortlists (issue 13, Rounds.swift).
        out.append(contentsOf: roundProblems())
        let a = aggregation
        let ag: [SchemaPathItem] = [.key("aggregation")]
        if !Aggregation.methods.contains(a.method) {
            out.append(SchemaProblem(ag + [.key("method")], "未知的计分方法 “\(TerminalText.sanitize(a.method))”（可选：\(Aggregation.methods.joined(separator: ", "))）",
                                     "unknown method '\(TerminalText.sanitize(a.method))' (one of: \(Aggregation.methods.joined(separator: ", ")))"))
        }
        range(a.trim, Limits.trim, ag + [.key("trim")], ("两端各去掉的评分表数", "sheets dropped at each end"))
        range(a.trimMin, Limits.trimMin, ag + [.key("trim_min")], ("去掉最高最低分所需的评分表数", "sheets needed before trimming"))
        if a.method == "trimmed-mean", Limits.trim.contains(a.trim), Limits.trimMin.contains(a.trimMin), a.trim > 0, 2 * a.trim >= a.trimMin {
            out.append(SchemaProblem(ag + [.key("trim_min")], "trim_min（\(a.trimMin)）须大于 2 × trim（\(a.trim)），否则去掉两端后一张评分表也不剩",
                                     "trim_min (\(a.trimMin)) must exceed 2 × trim (\(a.trim)), or trimming would leave no sheet"))
        }
        range(a.quorum, Limits.quorum, ag + [.key("quorum")], ("计入排名所需的有效评分表数", "valid sheets a dossier needs to be ranked"))
        for (i, t) in a.tieBreaks.enumerated() where !Aggregation.tieBreakNames.contains(t) {
            out.append(SchemaProblem(ag + [.key("tie_breaks"), .index(i)], "未知的并列处理规则 “\(TerminalText.sanitize(t))”（可选：\(Aggregation.tieBreakNames.joined(separator: ", "))）",
                                     "unknown tie-break '\(TerminalText.sanitize(t))' (one of: \(Aggregation.tieBreakNames.joined(separator: ", ")))"))
        }
        if Set(a.tieBreaks).count != a.tieBreaks.count {
            out.append(SchemaProblem(ag + [.key("tie_breaks")], "并列处理规则重复", "a tie-break is listed twice"))
        }
        // The pass mark (合格线) and the assessment mode (issue 12): marks in points of the
        // sheet's total (under z-score and Borda compared with the mean of the totals).
        if let m = a.mode, !Aggregation.modes.contains(m) {
            out.append(SchemaProblem(ag + [.key("mode")], "应为 selection（按名额评选）或 assessment（逐一考核），而不是 “\(TerminalText.sanitize(m))”",
                                     "selection (the quota decides) or assessment (each passes or fails), not '\(TerminalText.sanitize(m))'"))
        }
        for (key, mark) in [("pass_mark", a.passMark), ("excellent_mark", a.excellentMark)] {
            guard let mark else { continue }
            // In points of the sheet the selection is scored on: the last round's.
            let total = self.sheet(round: roundCount).maxTotal
            if mark < 0 || mark > total {
                out.append(SchemaProblem(ag + [.key(key)], "\(key) 为 \(mark)，应在 0…\(total)（评分表总分）之间",
                                         "\(key) is \(mark): it must lie within 0…\(total) (the sheet's total)"))
            }
        }
        if a.isAssessment, a.passMark == nil {
            out.append(SchemaProblem(ag + [.key("mode")], "assessment（逐一考核）需要 pass_mark（合格线）", "an assessment needs a pass_mark"))
        }
        if let p = a.passMark, let e = a.excellentMark, e < p {
            out.append(SchemaProblem(ag + [.key("excellent_mark")], "excellent_mark（\(e)）低于 pass_mark（\(p)）", "excellent_mark (\(e)) is below pass_mark (\(p))"))
        }
        if let t = a.approvalThreshold, Aggregation.parseThreshold(t) == nil {
            out.append(SchemaProblem(ag + [.key("approval_threshold")], "应为 0 到 1 之间的分数，如 “2/3”，而不是 “\(TerminalText.sanitize(t))”",
                                     "expected a fraction between 0 and 1 such as '2/3', not '\(TerminalText.sanitize(t))'"))
        }
        for (i, r) in rules.enumerated() {
            let at: [SchemaPathItem] = [.key("rules"), .index(i)]
            switch r.type {
            case "sanctions":
                if let m = r.max { range(m, Limits.sanctionYears, at + [.key("max")], ("禁入年数", "years a sanction bars")) }
            case "max_age":
                if let m = r.max { range(m, Limits.years, at + [.key("max")], ("年龄上限", "an age limit")) }
            case "min_years":
                if let m = r.min { range(m, Limits.years, at + [.key("min")], ("从业年限下限", "a minimum of years")) }
            case "max_chars":
                if let m = r.max { range(m, Limits.chars, at + [.key("max")], ("字数上限", "a length limit")) }
            default:
                if let m = r.max { range(m, 0...100_000, at + [.key("max")], ("规则参数", "a rule parameter")) }
                if let m = r.min { range(m, 0...100_000, at + [.key("min")], ("规则参数", "a rule parameter")) }
            }
        }
        return out
    }
}

extension Aggregation {
    /// The ranking methods Scoring implements (Scoring's `Ranker.Method` has exactly these).
    public static let methods = ["trimmed-mean", "mean", "median", "z-score", "borda"]
    /// The tie-breaks Scoring implements, in the words of `tie_breaks`.
    public static let tieBreakNames = ["median", "recommend", "approval"]

    /// An approval threshold "a/b" (or a decimal such as "0.75") between 0 and 1, as numerator
    /// and denominator with 0 < b ≤ 10⁹; nil for anything else ("2/0", "-1/3", "3/2", "x").
    public static func parseThreshold(_ text: String) -> (n: Int64, d: Int64)? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let limit: Int64 = 1_000_000_000
        if let slash = t.firstIndex(of: "/") {
            guard let n = Int64(t[..<slash].trimmingCharacters(in: .whitespaces)),
                  let d = Int64(t[t.index(after: slash)...].trimmingCharacters(in: .whitespaces)),
                  d > 0, d <= limit, n >= 0, n <= d else { return nil }
            return (n, d)
        }
        if t == "0" || t == "1" { return (Int64(t)!, 1) }
        // A decimal 0.xxx or 1.0…, at most nine places.
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "0" || parts[0] == "1", (1...9).contains(parts[1].count),
              parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let frac = Int64(parts[1]) else { return nil }
        var scale: Int64 = 1
        for _ in 0..<parts[1].count { scale *= 10 }
        let n = (parts[0] == "1" ? scale : 0) + frac
        return n <= scale ? (n, scale) : nil
    }
}

// MARK: roster.yaml

extension Roster: YAMLSchema {
    public static var shape: YAMLShape { .keys(CodingKeys.self, ["members": .list(.keys(Member.CodingKeys.self))]) }

    public func schemaProblems() -> [SchemaProblem] {
        var out: [SchemaProblem] = []
        var seen: Set<String> = []
        for (i, m) in members.enumerated() {
            let at: [SchemaPathItem] = [.key("members"), .index(i)]
            if !Identifier.isValid(m.id) {
                out.append(SchemaProblem(at + [.key("id")], "成员编号 \(TerminalText.quoted(m.id)) 不可用：\(Identifier.rule.zh)",
                                         "member id \(TerminalText.quoted(m.id)) is not usable: \(Identifier.rule.en)"))
            } else if !seen.insert(m.id).inserted {
                out.append(SchemaProblem(at + [.key("id")], "成员编号 “\(m.id)” 重复", "duplicate member id '\(m.id)'"))
            }
            if m.name.trimmingCharacters(in: .whitespaces).isEmpty {
                out.append(SchemaProblem(at + [.key("name")], "姓名不能为空", "the name must not be empty"))
            }
            // One line "ssh-ed25519 BASE64 [comment]": no options before the type, no control
            // character (a newline would add a line to allowed_signers or authorized_keys).
            if m.key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
                || !m.key.hasPrefix("ssh-ed25519 ") {
                out.append(SchemaProblem(at + [.key("key")], "公钥应为一行 “ssh-ed25519 AAAA… 注释”，而不是 \(TerminalText.quoted(m.key))",
                                         "the key must be one line 'ssh-ed25519 AAAA… comment', not \(TerminalText.quoted(m.key))"))
            }
        }
        return out
    }
}
