import Foundation

/// Text in both UI languages. Programme data carries both; dossier text is shown as written.
public struct LocalizedText: Codable, Hashable, Sendable {
    public var zh: String
    public var en: String
    public init(zh: String, en: String) { self.zh = zh; self.en = en }
    public func text(_ lang: Language) -> String { lang == .zh ? zh : en }
    enum CodingKeys: String, CodingKey, CaseIterable { case zh, en }
}

/// A stage of the programme's calendar (动员部署, 选拔推荐, 评审公示 …).
public struct Stage: Codable, Hashable, Sendable {
    public var id: String
    public var name: LocalizedText
    /// ISO dates (YYYY-MM-DD); either may be absent when the seed gives only a month.
    public var start: String?
    public var end: String?
    public init(id: String, name: LocalizedText, start: String? = nil, end: String? = nil) {
        self.id = id; self.name = name; self.start = start; self.end = end
    }
    enum CodingKeys: String, CodingKey, CaseIterable { case id, name, start, end }
}

/// One field of the application form (申报表): its label as the programme's own form prints it,
/// the other labels a sheet may carry for it (`aliases`: 年龄 / 出生日期 are two fields, but
/// 主要事迹 / 主要事迹简介 are one), and whether the seed requires it filled.
public struct FieldSpec: Codable, Hashable, Sendable {
    public var id: String
    public var label: LocalizedText
    public var required: Bool
    /// Limit in characters (Unicode scalars as a reader counts them), not bytes.
    public var maxChars: Int?
    /// For yes/no and choice fields: the accepted values as written on the form.
    public var choices: [String]?
    /// Other headers that name this field on a sheet (Chinese or English).
    public var aliases: [String]?
    /// False for a column the programme accepts and checks when a sheet carries it, but which
    /// its own form does not print (`pingshen form` leaves it out). Default true.
    public var onForm: Bool?
    public init(id: String, label: LocalizedText, required: Bool = false, maxChars: Int? = nil, choices: [String]? = nil,
                aliases: [String]? = nil, onForm: Bool? = nil) {
        self.id = id; self.label = label; self.required = required; self.maxChars = maxChars; self.choices = choices
        self.aliases = aliases; self.onForm = onForm
    }
    /// Whether the programme's own form prints this field.
    public var printed: Bool { onForm ?? true }
    enum CodingKeys: String, CodingKey, CaseIterable { case id, label, required, maxChars = "max_chars", choices, aliases, onForm = "on_form" }
}

/// A criterion of the scoring sheet. Weights are expressed as max points.
public struct Criterion: Codable, Hashable, Sendable {
    public var id: String
    public var name: LocalizedText
    public var rubric: LocalizedText
    public var max: Int
    public init(id: String, name: LocalizedText, rubric: LocalizedText, max: Int) {
        self.id = id; self.name = name; self.rubric = rubric; self.max = max
    }
    enum CodingKeys: String, CodingKey, CaseIterable { case id, name, rubric, max }
}

/// Whether a sheet takes a recommend/reject/abstain vote (issue 12: a programme setting,
/// enforced in the session for the UI and the command line alike). No seed has votes: the
/// templates use `off` or `optional`.
public enum VotePolicy: String, Codable, Hashable, Sendable, CaseIterable {
    /// No vote: a sheet with one is refused.
    case off
    /// A vote may be cast or left out.
    case optional
    /// Every sheet carries a vote.
    case required
}

public struct ScoringSheet: Codable, Hashable, Sendable {
    public var criteria: [Criterion]
    /// Whether members also cast a recommend/reject/abstain vote (`votePolicy` ≠ off).
    public var votes: Bool
    public var commentMaxChars: Int?
    /// Whether every sheet must carry a vote (`votePolicy` = required); checked when signing
    /// and by `verify` (RecordKinds).
    public var voteRequired: Bool?
    public init(criteria: [Criterion], votes: Bool = true, commentMaxChars: Int? = 500, voteRequired: Bool? = nil) {
        self.criteria = criteria; self.votes = votes; self.commentMaxChars = commentMaxChars; self.voteRequired = voteRequired
    }
    public init(criteria: [Criterion], votePolicy: VotePolicy, commentMaxChars: Int? = 500) {
        self.init(criteria: criteria, votes: votePolicy != .off, commentMaxChars: commentMaxChars,
                  voteRequired: votePolicy == .required ? true : nil)
    }
    /// The programme's vote setting: `votes: off | optional | required` in the sheet (the older
    /// `votes: true|false` with `vote_required` reads as the same).
    public var votePolicy: VotePolicy {
        get { !votes ? .off : (voteRequired == true ? .required : .optional) }
        set { votes = newValue != .off; voteRequired = newValue == .required ? true : nil }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        criteria = try c.decode([Criterion].self, forKey: .criteria)
        commentMaxChars = try c.decodeIfPresent(Int.self, forKey: .commentMaxChars)
        voteRequired = try c.decodeIfPresent(Bool.self, forKey: .voteRequired)
        if let b = try? c.decode(Bool.self, forKey: .votes) {
            votes = b
        } else {
            let word = try c.decode(String.self, forKey: .votes)
            guard let p = VotePolicy(rawValue: word) else {
                throw DecodingError.dataCorruptedError(forKey: .votes, in: c,
                    debugDescription: "votes is '\(word)': use off, optional or required")
            }
            votes = p != .off
            if p == .required { voteRequired = true }
            if p == .optional, voteRequired == true {
                throw DecodingError.dataCorruptedError(forKey: .voteRequired, in: c,
                    debugDescription: "votes: optional contradicts vote_required: true")
            }
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(criteria, forKey: .criteria)
        try c.encode(votePolicy.rawValue, forKey: .votes)
        try c.encodeIfPresent(commentMaxChars, forKey: .commentMaxChars)
    }
    /// The sum of the criteria's maxima, saturating at Int.max (a programme read from a file is
    /// bounded by `Limits`; one built in code must not trap here either).
    public var maxTotal: Int { criteria.reduce(0) { Points.add($0, $1.max) } }
    public func criterion(_ id: String) -> Criterion? { criteria.first { $0.id == id } }
    enum CodingKeys: String, CodingKey, CaseIterable { case criteria, votes, commentMaxChars = "comment_max_chars", voteRequired = "vote_required" }
}

/// How the panel's sheets become a ranking (see the Scoring target).
public struct Aggregation: Codable, Hashable, Sendable {
    /// trimmed-mean | mean | median | z-score | borda
    public var method: String
    /// For trimmed-mean: how many highest and how many lowest totals are dropped…
    public var trim: Int
    /// …when there are at least this many valid sheets (else the plain mean).
    public var trimMin: Int
    /// Fewer valid sheets than this: no-quorum.
    public var quorum: Int
    /// Tie-breaks in order: "median" (higher median of totals), "recommend" (more recommend votes).
    public var tieBreaks: [String]
    /// Optional approval threshold on recommend votes among cast votes, as a fraction "2/3".
    public var approvalThreshold: String?
    /// Members see others' scores only after they signed their own sheet for that dossier.
    public var hideOthersUntilSubmitted: Bool
    /// Whether the host-held key mode (signing with a key file on the review host) is allowed.
    public var hostKeyAllowed: Bool
    /// Whether a sheet made on an older version of its dossier (the dossier was amended after it
    /// was signed) still counts: "count" (the default: it counts, flagged 材料已更新) or "drop"
    /// (issue 11: the programme decides).
    public var staleSheets: String?
    /// The pass mark (合格线, issue 12), in points of the sheet's total, compared with a
    /// dossier's score by the programme's method (under z-score and Borda, whose scores are not
    /// points, with the mean of its sheets' totals): below it a dossier is not selected whatever
    /// the quota (its place passes down, as under the approval threshold). nil: none.
    public var passMark: Int?
    /// In an assessment, the mark for 优秀 (excellent); at or above `passMark` and below it is
    /// 合格, below `passMark` 不合格. nil: pass/fail only.
    public var excellentMark: Int?
    /// "selection" (the default: the quota decides, with ties at the cut) or "assessment" (each
    /// dossier passes or fails on its own against the pass mark, no quota: Jing'an's 届满考核,
    /// seed 004 七(二)).
    public var mode: String?
    public static let modes = ["selection", "assessment"]
    public var isAssessment: Bool { mode == "assessment" }
    /// The values `staleSheets` may take.
    public static let staleSheetPolicies = ["count", "drop"]
    /// True when sheets on an older dossier version are left out of the count.
    public var dropsStaleSheets: Bool { staleSheets == "drop" }
    public init(method: String = "trimmed-mean", trim: Int = 1, trimMin: Int = 5, quorum: Int = 3,
                tieBreaks: [String] = ["median", "recommend"], approvalThreshold: String? = nil,
                hideOthersUntilSubmitted: Bool = true, hostKeyAllowed: Bool = false) {
        self.method = method; self.trim = trim; self.trimMin = trimMin; self.quorum = quorum
        self.tieBreaks = tieBreaks; self.approvalThreshold = approvalThreshold
        self.hideOthersUntilSubmitted = hideOthersUntilSubmitted; self.hostKeyAllowed = hostKeyAllowed
    }
    enum CodingKeys: String, CodingKey, CaseIterable {
        case method, trim, trimMin = "trim_min", quorum, tieBreaks = "tie_breaks"
        case approvalThreshold = "approval_threshold", hideOthersUntilSubmitted = "hide_others_until_submitted"
        case hostKeyAllowed = "host_key_allowed", staleSheets = "stale_sheets"
        case passMark = "pass_mark", excellentMark = "excellent_mark", mode
    }
}

/// An eligibility rule of the qualification check (资格审核). `type` selects the rule; the
/// other members are its parameters (unused ones stay nil). See `Eligibility.ruleTypes`.
public struct RuleSpec: Codable, Hashable, Sendable {
    public var id: String
    public var type: String
    public var description: LocalizedText?
    public var field: String?
    public var value: String?
    public var values: [String]?
    public var max: Int?
    public var min: Int?
    public var unlessField: String?
    public var unlessValues: [String]?
    /// "hard" (the default: a failure makes the dossier ineligible, missing data makes it 待核实)
    /// or "note" (what the seed states as a judgment: a note for the panel, never a rejection).
    public var severity: String?
    /// The limit word of the seed for max_age / min_years (以下, 以上, 不满, 不少于 …), read as
    /// 《民法典》第一千二百五十九条 defines it (`LimitWord`). Default: 以下 for max_age, 不少于 for min_years.
    public var bound: String?
    /// More fields a rule reads (excluded_values: every honour field; min_years: the fields a
    /// contest result may be written in).
    public var fields: [String]?
    /// min_years: the contest places that waive the years, as "level:place" (world:3 = a world
    /// contest's places 1–3). Levels: world, national, provincial, municipal, district.
    public var contestPlaces: [String]?
    /// Whether a 一/二/三等奖 counts as place 1/2/3 (only where the seed equates them).
    public var prizeIsPlace: Bool?
    /// What a blank value gives: "confirm" (the default: 待核实), "pass" or "fail".
    public var ifBlank: String?
    public init(id: String, type: String, description: LocalizedText? = nil, field: String? = nil, value: String? = nil,
                values: [String]? = nil, max: Int? = nil, min: Int? = nil, unlessField: String? = nil, unlessValues: [String]? = nil,
                severity: String? = nil, bound: String? = nil, fields: [String]? = nil, contestPlaces: [String]? = nil,
                prizeIsPlace: Bool? = nil, ifBlank: String? = nil) {
        self.id = id; self.type = type; self.description = description; self.field = field; self.value = value
        self.values = values; self.max = max; self.min = min; self.unlessField = unlessField; self.unlessValues = unlessValues
        self.severity = severity; self.bound = bound; self.fields = fields; self.contestPlaces = contestPlaces
        self.prizeIsPlace = prizeIsPlace; self.ifBlank = ifBlank
    }
    /// True for a rule whose findings are notes for the panel.
    public var isNote: Bool { severity == "note" || type == "note" }
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, type, description, field, value, values, max, min
        case unlessField = "unless_field", unlessValues = "unless_values"
        case severity, bound, fields, contestPlaces = "contest_places", prizeIsPlace = "prize_is_place", ifBlank = "if_blank"
    }
}

/// A programme: what its seed document says, as data. Templates are embedded in the binary;
/// `init` copies one into the store's program.yaml, where the secretary may edit it.
public struct Program: Codable, Hashable, Sendable {
    public var id: String
    public var title: LocalizedText
    public var organiser: LocalizedText
    /// The document number, e.g. 沪工总经〔2015〕260号.
    public var document: String
    public var seed: String?
    public var year: Int?
    public var quota: Int
    /// The date ages and years are counted at (the nomination deadline), YYYY-MM-DD.
    public var referenceDate: String?
    /// "person" for craftsmen, "project"/"studio" for unit applications.
    public var subject: String
    public var stages: [Stage]
    public var channels: [String]
    public var fields: [FieldSpec]
    public var rules: [RuleSpec]
    public var sheet: ScoringSheet
    public var aggregation: Aggregation
    /// Set by `pingshen init`: the identity of this programme instance, named by every record.
    public var instance: String?
    public var notes: [String]?
    /// Whether the public notice lists the panel (names and key fingerprints) beside the
    /// store fingerprint and the Merkle root (issue 11). Absent: not listed.
    public var publishPanel: Bool?
    /// The prefix of the ids given to nominations imported from a sheet without 编号
    /// (`AutoNumber`: HZ001, HZ002 …). Default "D".
    public var idPrefix: String?
    /// The programmes whose approved lists may be promoted into this one (逐级推荐, issue 12;
    /// seed 001 "建立工匠人才逐级晋升制度，搭建市、区（产业）等多级多层推荐体系"). Absent or
    /// empty: this programme takes no promotions.
    public var feeds: [Feed]?
    /// 差额评审: the round must have more eligible candidates than places (seed 004 五.4,
    /// "专家开展差额评审"); `check` warns when it has not.
    public var competitive: Bool?
    /// The public notice (社会公示, issue 12): its shortest length. Absent: `PublicitySpec.standard`.
    public var publicity: PublicitySpec?
    /// The approving bodies (审定, issue 12): one signed approval each closes the programme.
    public var approval: ApprovalSpec?
    /// Field groups (专业组, issue 13): who reviews what at city scale. Absent or empty: one flat
    /// panel, as before; groups may also be defined by signed `group` records.
    public var groups: [FieldGroup]?
    /// Rounds (初评/终评, issue 13, Rounds.swift): each with its own sheet, method, quorum and
    /// shortlist. Absent: one round, as before.
    public var rounds: [RoundSpec]?

    public init(id: String, title: LocalizedText, organiser: LocalizedText, document: String, seed: String? = nil,
                year: Int? = nil, quota: Int, referenceDate: String? = nil, subject: String = "person",
                stages: [Stage] = [], channels: [String] = [], fields: [FieldSpec] = [], rules: [RuleSpec] = [],
                sheet: ScoringSheet, aggregation: Aggregation = Aggregation(), instance: String? = nil, notes: [String]? = nil) {
        self.id = id; self.title = title; self.organiser = organiser; self.document = document; self.seed = seed
        self.year = year; self.quota = quota; self.referenceDate = referenceDate; self.subject = subject
        self.stages = stages; self.channels = channels; self.fields = fields; self.rules = rules
        self.sheet = sheet; self.aggregation = aggregation; self.instance = instance; self.notes = notes
    }
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, title, organiser, document, seed, year, quota, referenceDate = "reference_date", subject
        case stages, channels, fields, rules, sheet, aggregation, instance, notes, publishPanel = "publish_panel"
        case idPrefix = "id_prefix"
        case feeds
        case competitive
        case publicity, approval
        case groups
        case rounds
    }
    public func field(_ id: String) -> FieldSpec? { fields.first { $0.id == id } }
    /// The feed that admits programme `id`, nil when this programme takes none from it.
    public func feed(from id: String) -> Feed? { feeds?.first { $0.program == id } }
}

/// A field group (专业组, issue 13): its id, its name, and the 专业领域 values or keywords it
/// covers. A dossier whose 专业领域 equals one of `fields`, or contains one as a keyword, belongs
/// to it (`FieldGroup.matches`); the secretary signs the grouping and may move a dossier.
public struct FieldGroup: Codable, Hashable, Sendable {
    public var id: String
    public var name: LocalizedText
    public var fields: [String]
    public init(id: String, name: LocalizedText, fields: [String]) { self.id = id; self.name = name; self.fields = fields }
    enum CodingKeys: String, CodingKey, CaseIterable { case id, name, fields }
    /// The most groups a programme may define, and fields per group (bounds on input).
    public static let maxGroups = 200
    public static let maxFields = 200
    /// Whether a dossier's 专业领域 falls in this group: equal to one of the fields, or
    /// containing one (a keyword), after trimming white space; an empty field matches nothing.
    public func matches(_ field: String) -> Bool {
        let f = field.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !f.isEmpty else { return false }
        return fields.contains { k in
            let k = k.trimmingCharacters(in: .whitespacesAndNewlines)
            return !k.isEmpty && (f == k || f.contains(k))
        }
    }
}

/// One lower-level programme that may feed a higher one (`feeds` in program.yaml).
public struct Feed: Codable, Hashable, Sendable {
    /// The source programme's id (its template id, as its signed genesis names it).
    public var program: String
    /// The namespace of its dossiers here: a promoted dossier's id is PREFIX + source year +
    /// "-" + its id at the source (QP2018-QP001), so two districts that both number from QP001
    /// cannot collide.
    public var prefix: String
    /// The nomination channel (推荐方式) a promoted dossier takes here; the source's own channel
    /// is kept beside it as `source_channel`. Absent: the source's channel stays.
    public var channel: String?
    public init(program: String, prefix: String, channel: String? = nil) {
        self.program = program; self.prefix = prefix; self.channel = channel
    }
    enum CodingKeys: String, CodingKey, CaseIterable { case program, prefix, channel }
    /// The longest prefix: with a 4-digit year and "-" it leaves 43 bytes of an id for the source's own.
    public static let maxPrefix = 16
}

/// Sums of points from signed records or files, which may hold any 64-bit value: saturating, so
/// that no sum traps or wraps into range (four points of Int64.max wrapped to a total of −4).
/// A saturated total lies outside 0…max total and is never counted (Scoring's `Grouped`).
public enum Points {
    @inlinable public static func add(_ a: Int, _ b: Int) -> Int {
        let (s, o) = a.addingReportingOverflow(b)
        return o ? (b > 0 ? Int.max : Int.min) : s
    }
    @inlinable public static func sum<S: Sequence>(_ values: S) -> Int where S.Element == Int { values.reduce(0, add) }
}
