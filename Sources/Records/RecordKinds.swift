import Foundation
import Crypto
import Panel

// The one table of record kinds (design.md §7, "one table drives behaviour and its
// explanation"): for every kind, who may sign it, what its body may hold, what it pins, and the
// rules of the programme its body must keep. `verify` (a `rule-violation` problem), signing
// (`RecordStore.append`, `ReviewSession`), the ledger (a record with a problem is never counted)
// and the docs (`RecordKinds.describe`) all read this table; `KindPolicy` and `RecordBody` are
// its two historical views.
//
// A new kind gets its row in `spec(_:)`, whose switch the compiler keeps exhaustive.

/// What the programme and the store say a record body must keep: the scoring sheet and the ids
/// that exist. Built once per scan (`RuleBook(program:dossiers:members:)`).
public struct RuleBook: Sendable {
    /// Criterion id → max points, exactly the sheet's criteria.
    public var criteria: [String: Int]
    /// In the sheet's order (for messages).
    public var criterionOrder: [String]
    /// Whether the sheet takes a recommend/reject/abstain vote at all.
    public var votes: Bool
    /// Whether every sheet must carry a vote (program.yaml `sheet.vote_required`).
    public var voteRequired: Bool
    /// Comment limit in characters (as the sheet counts them: Swift characters).
    public var commentMaxChars: Int?
    /// The dossier ids of the store (names of dossiers/ID.yaml); nil: not known, not checked.
    public var dossiers: Set<String>?
    /// The roster's member ids.
    public var members: Set<String>
    /// The shortest public notice (program.yaml `publicity`, else its default).
    public var notice: PublicitySpec
    /// The approving bodies (program.yaml `approval.by`); empty: any approver, one approval.
    public var approvingBodies: [String]
    /// Rounds (issue 13, Panel/Rounds.swift): how many (1 without `rounds:`), which rank by
    /// groups, which end with a shortlist, and the sheet of each round after the first (the
    /// fields above are round 1's).
    public var roundCount: Int = 1
    public var roundsByGroups: Set<Int> = []
    public var laterSheets: [Int: RuleBook] = [:]

    public init(program: Program, dossiers: Set<String>?, members: Set<String>) {
        self.init(sheet: program.sheet(round: 1), program: program, dossiers: dossiers, members: members)
        roundCount = program.roundCount
        roundsByGroups = Set((program.rounds ?? []).filter(\.byGroups).map(\.round))
        if roundCount > 1 {
            for n in 2...roundCount { laterSheets[n] = RuleBook(sheet: program.sheet(round: n), program: program, dossiers: dossiers, members: members) }
        }
    }

    /// The rules of round `n`'s sheets (self for round 1), nil for a round the programme lacks.
    public func round(_ n: Int) -> RuleBook? { n == 1 ? self : laterSheets[n] }

    init(sheet: ScoringSheet, program: Program, dossiers: Set<String>?, members: Set<String>) {
        let program = { var p = program; p.sheet = sheet; return p }()
        var c: [String: Int] = [:]
        for k in program.sheet.criteria where c[k.id] == nil { c[k.id] = k.max }
        criteria = c
        criterionOrder = program.sheet.criteria.map(\.id)
        votes = program.sheet.votes
        voteRequired = program.sheet.voteRequired ?? false
        commentMaxChars = program.sheet.commentMaxChars
        self.dossiers = dossiers
        self.members = members
        notice = program.noticeRule
        approvingBodies = program.approvingBodies
    }

    /// The dossier ids of a store: the names of dossiers/ID.yaml (a listing, no file is read).
    /// nil when the store has no dossiers/ directory at all (a records-only copy): ids are then
    /// not checked. (Once import signs an intake record, the signed set replaces the listing.)
    public static func dossierIDs(in layout: StoreLayout) -> Set<String>? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: layout.dossiersDir) else { return nil }
        var out: Set<String> = []
        out.reserveCapacity(names.count)
        for n in names where n.hasSuffix(".yaml") && !n.hasPrefix(".") { out.insert(String(n.dropLast(5))) }
        return out
    }

    /// SHA-256 over everything the rules read: the store index keeps records checked under
    /// these rules only while they stay the same (a programme or dossier-set change re-checks).
    public var fingerprint: [UInt8] {
        var h = SHA256()
        func put(_ s: String) { h.update(data: Data(s.utf8)); h.update(data: Data([0])) }
        for k in criterionOrder { put(k); put(String(criteria[k] ?? 0)) }
        put(votes ? "votes" : "no-votes"); put(voteRequired ? "vote-required" : "")
        put(commentMaxChars.map(String.init) ?? "")
        put("dossiers")
        for d in (dossiers ?? []).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) { put(d) }
        put(dossiers == nil ? "unknown" : "known")
        put("members")
        for m in members.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) { put(m) }
        put("notice"); put(String(notice.days)); put(notice.workingDays ? "working" : "calendar"); put("calendar-v1")
        // The declared holidays count too: a changed table re-checks every notice.
        for y in notice.calendar ?? [] {
            put(String(y.year)); put(y.holidays.joined(separator: ",")); put((y.workdays ?? []).joined(separator: ","))
        }
        put("approving-bodies")
        for b in approvingBodies { put(b) }
        // Rounds (issue 13): a changed round sheet re-checks every sheet.
        if roundCount > 1 {
            put("rounds"); put(String(roundCount))
            for n in roundsByGroups.sorted() { put(String(n)) }
            for n in laterSheets.keys.sorted() {
                guard let b = laterSheets[n] else { continue }
                put("round " + String(n))
                for k in b.criterionOrder { put(k); put(String(b.criteria[k] ?? 0)) }
                put(b.votes ? "votes" : "no-votes"); put(b.voteRequired ? "vote-required" : ""); put(b.commentMaxChars.map(String.init) ?? "")
            }
        }
        return Array(h.finalize())
    }
}

/// One row of the table.
public struct KindSpec: Sendable {
    public var kind: RecordKind
    /// The roles that may sign it.
    public var signers: [Role]
    /// What its body holds (for the docs and `--help`).
    public var holds: LocalizedText
    /// What it pins: a body key that names another record by the SHA-256 of its bytes, and
    /// that record's kind (checked across the store by `verify`).
    public var pin: (key: String, kind: RecordKind)?
    public var pins: LocalizedText
    /// The body's shape alone (fields and types), no programme needed.
    let shape: @Sendable (_ body: [String: JSONValue], _ kind: RecordKind) -> RecordsError?
    /// The programme's rules (run after `shape` passed).
    let rules: @Sendable (_ body: [String: JSONValue], _ book: RuleBook) -> RecordsError?
}

public enum RecordKinds {
    public static let votes: Set<String> = ["recommend", "reject", "abstain"]
    public static let outcomes: Set<String> = ["pending", "upheld", "dismissed"]

    /// Every row, in `RecordKind` order.
    public static var table: [KindSpec] { RecordKind.allCases.map(spec) }

    public static func spec(_ kind: RecordKind) -> KindSpec {
        switch kind {
        case .score:
            return KindSpec(kind: kind, signers: [.member, .chair],
                            holds: LocalizedText(zh: "dossier；points（恰为该轮评分表的评分项，各为 0…满分 的整数）；vote（项目要求时）；comment（不超过字数上限）；dossier_sha256（所评材料的版本）；round（轮次，程序定义的 1…N；缺省为第 1 轮）",
                                                 en: "dossier; points (exactly the round's sheet's criteria, each an integer 0…max); vote (where the programme takes one); comment (within its limit); dossier_sha256 (the dossier version judged); round (a round the programme defines, 1…N; absent: round 1)"),
                            pin: nil, pins: LocalizedText(zh: "存在的申报材料编号", en: "a dossier id that exists"),
                            shape: scoreShape, rules: scoreRules)
        case .recusal:
            return KindSpec(kind: kind, signers: [.member, .chair],
                            holds: LocalizedText(zh: "dossier；reason（可选）；round（轮次；缺省为第 1 轮）", en: "dossier; reason (optional); round (absent: round 1)"),
                            pin: nil, pins: LocalizedText(zh: "存在的申报材料编号", en: "a dossier id that exists"),
                            shape: { b, k in dossierShape(b, k) ?? string(b, "reason", required: false) ?? roundShape(b) },
                            rules: { b, book in roundRule(b, book) ?? dossierRule(b, book) })
        case .eligibility:
            return KindSpec(kind: kind, signers: [.secretary],
                            holds: LocalizedText(zh: "一份：dossier；result（eligible 或 ineligible）；reasons（数组）；dossier_sha256；reason（改变核查结果或settle待核实时的理由）。或成批：decisions（数组，每项 {dossier, sha256, decision, reasons, reason?}）",
                                                 en: "one: dossier; result (eligible or ineligible); reasons (an array); dossier_sha256; reason (why, when the decision differs from the check or settles a to-be-confirmed). Or a batch: decisions (an array of {dossier, sha256, decision, reasons, reason?})"),
                            pin: nil, pins: LocalizedText(zh: "存在的申报材料编号及其版本（SHA-256）", en: "dossier ids that exist, and their versions (SHA-256)"),
                            shape: eligibilityShape, rules: eligibilityRules)
        case .finalize:
            return KindSpec(kind: kind, signers: [.chair],
                            holds: LocalizedText(zh: "counted（成员 → 序号）；merkle_root；method；quota；ranking；resolutions；excluded",
                                                 en: "counted (member → seq); merkle_root; method; quota; ranking; resolutions; excluded"),
                            pin: nil, pins: LocalizedText(zh: "名单上成员的记录（Merkle 根）", en: "records of members on the roster (the Merkle root)"),
                            shape: finalizeShape, rules: finalizeRules)
        case .objection:
            return KindSpec(kind: kind, signers: [.secretary],
                            holds: LocalizedText(zh: "dossier；text；outcome（pending、upheld 或 dismissed）；publicity（所答复的公示记录的 SHA-256）；received（收到异议的日期，在公示期内）",
                                                 en: "dossier; text; outcome (pending, upheld or dismissed); publicity (the SHA-256 of the notice it answers); received (the date it came in, within the notice period)"),
                            pin: (key: "publicity", kind: .publicity),
                            pins: LocalizedText(zh: "存在的申报材料编号；列有该材料的公示记录", en: "a dossier id that exists; a publicity record that lists it"),
                            shape: objectionShape, rules: dossierRule)
        case .approval:
            // 审定 is the approving body's (seeds 000 三(四), 002 五(四), 003 五), never the panel's.
            return KindSpec(kind: kind, signers: [.approver],
                            holds: LocalizedText(zh: "finalize（定稿记录的 SHA-256）；selected；decision；body（审定机构，程序 approval.by 之一）；notices（公示记录的 SHA-256）；名单少于名额时 vacant（空缺数）与 vacancies（{count, reason, freed?, objection?, ruling?}）",
                                                 en: "finalize (the finalize record's SHA-256); selected; decision; body (the approving body, one of the programme's approval.by); notices (the publicity records' SHA-256); where the list is shorter than the quota, vacant (how many places) and vacancies ({count, reason, freed?, objection?, ruling?})"),
                            pin: (key: "finalize", kind: .finalize),
                            pins: LocalizedText(zh: "存在的定稿记录；selected 中存在且已公示的申报材料；公示期已结束", en: "a finalize record that exists; dossiers in selected that exist and were publicised; a notice period that has ended"),
                            shape: approvalShape, rules: approvalRules)
        case .publicity:
            return KindSpec(kind: kind, signers: [.secretary],
                            holds: LocalizedText(zh: "finalize；from、to（公示起止日期 YYYY-MM-DD，含首尾）；dossiers（公示的申报材料）；补充公示另有 supplement_for（因异议成立而空出名额的材料）与 objection（该异议记录的 SHA-256）",
                                                 en: "finalize; from, to (the notice's first and last dates, YYYY-MM-DD); dossiers (those publicised); a supplementary notice also has supplement_for (the dossier whose upheld objection freed the place) and objection (that objection record's SHA-256)"),
                            pin: (key: "finalize", kind: .finalize),
                            pins: LocalizedText(zh: "存在的定稿记录；公示期不短于程序规定", en: "a finalize record that exists; a period no shorter than the programme's"),
                            shape: publicityShape, rules: publicityRules)
        case .ruling:
            return KindSpec(kind: kind, signers: [.chair],
                            holds: LocalizedText(zh: "finalize；objection（空出名额的成立异议的 SHA-256）；freed（被异议的材料）；tied（下一名额处的候选人）；resolutions（{dossier, decision: selected|not-selected, reason}，恰一人 selected）或 vacant（名额空缺的理由）",
                                                 en: "finalize; objection (the SHA-256 of the upheld objection that freed the place); freed (the dossier objected to); tied (the candidates at the next place); resolutions ({dossier, decision: selected|not-selected, reason}, exactly one selected) or vacant (why the place stays empty)"),
                            pin: (key: "finalize", kind: .finalize),
                            pins: LocalizedText(zh: "存在的定稿记录；对已公示材料成立的异议", en: "a finalize record that exists; an upheld objection to a publicised dossier"),
                            shape: rulingShape, rules: rulingRules)
        // Dossiers as signed history (issue 11, issue 16): see `DossierPins`.
        case .intake:
            return KindSpec(kind: kind, signers: [.secretary],
                            holds: LocalizedText(zh: "dossiers（编号 → {sha256, size}，导入的每份材料文件）；source（导入的文件名）",
                                                 en: "dossiers (id → {sha256, size}, every dossier file imported); source (the imported file's name)"),
                            pin: nil, pins: LocalizedText(zh: "每份材料文件的版本（SHA-256）：导入的提交点", en: "each dossier file's version (SHA-256): the commit point of an import"),
                            shape: { b, _ in DossierPins.intakeProblem(b) }, rules: { _, _ in nil })
        case .dossierAmend:
            return KindSpec(kind: kind, signers: [.secretary],
                            holds: LocalizedText(zh: "dossier；sha256；size；reason（修改理由）", en: "dossier; sha256; size; reason"),
                            pin: nil, pins: LocalizedText(zh: "该材料的新版本（SHA-256）", en: "the dossier's new version (SHA-256)"),
                            shape: { b, k in
                                if let e = dossierShape(b, k) { return e }
                                if let e = DossierPins.pinProblem(b, id: b["dossier"]?.string ?? "") { return e }
                                guard let r = b["reason"]?.string, !r.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                                    return RecordsError("dossier-amend 记录需要 “reason”（修改理由）", "a dossier-amend record needs a 'reason'")
                                }
                                return nil
                            }, rules: dossierRule)
        // Field groups and assignment (issue 13): see Grouping.swift and VerifierAssignments.swift.
        case .group:
            return KindSpec(kind: kind, signers: [.secretary],
                            holds: LocalizedText(zh: "group（专业组编号）；name；fields（专业领域或关键词）；members（成员编号，可为多组成员）",
                                                 en: "group (the group id); name; fields (fields or keywords); members (member ids; a member may sit in several groups)"),
                            pin: nil, pins: LocalizedText(zh: "名单上的成员；同一专业组的后一条记录取代前一条", en: "members on the roster; a later record of the same group supersedes"),
                            shape: GroupingBody.groupShape, rules: GroupingBody.groupRules)
        case .dossierGroup:
            return KindSpec(kind: kind, signers: [.secretary],
                            holds: LocalizedText(zh: "groups（申报材料 → 专业组：确认自动分组或调整）；reason（调整时的理由）",
                                                 en: "groups (dossier → group: the automatic grouping confirmed, or a move); reason (why, for a move)"),
                            pin: nil, pins: LocalizedText(zh: "存在的申报材料；程序或 group 记录定义的专业组", en: "dossiers that exist; groups the programme or a group record defines"),
                            shape: GroupingBody.dossierGroupShape, rules: GroupingBody.dossierGroupRules)
        case .assignment:
            return KindSpec(kind: kind, signers: [.secretary],
                            holds: LocalizedText(zh: "per_dossier（每份材料的评审人数 K）；seed；pool（专业组 → 成员）；excluded（回避的成员–材料：unit、conflict、recusal）；dropped（替换时撤下的：recusal、removed、not-in-group）；previous（所替换的分配）；assignments（每份材料：dossier、group、members、short?）",
                                                 en: "per_dossier (K reviewers per dossier); seed; pool (group → members); excluded (member–dossier pairs kept apart: unit, conflict, recusal); dropped (pairs taken off by a replacement: recusal, removed, not-in-group); previous (the assignment it replaces); assignments (per dossier: dossier, group, members, short?)"),
                            pin: (key: "previous", kind: .assignment),
                            pins: LocalizedText(zh: "所替换的分配记录；由 seed 与签名的输入可重算（verify 重算并比对）", en: "the assignment it replaces; recomputable from the seed and the signed inputs (verify recomputes it)"),
                            shape: GroupingBody.assignmentShape, rules: GroupingBody.assignmentRules)
        // Attachments (issue 15): see `AttachmentPins`.
        case .attachment:
            return KindSpec(kind: kind, signers: [.secretary],
                            holds: LocalizedText(zh: "dossier；files（文件名 → {sha256, size, kind}，存于 dossiers/编号/ 下的附件）",
                                                 en: "dossier; files (name → {sha256, size, kind}, the files attached in dossiers/ID/)"),
                            pin: nil, pins: LocalizedText(zh: "存在的申报材料编号；每个附件文件的版本（SHA-256、大小）",
                                                           en: "a dossier id that exists; each attached file's version (SHA-256, size)"),
                            shape: AttachmentPins.shapeProblem, rules: dossierRule)
        // Rounds and shortlists (issue 13): see Panel/Rounds.swift and Records/Shortlists.swift.
        case .shortlist:
            return KindSpec(kind: kind, signers: [.chair],
                            holds: LocalizedText(zh: "round（轮次，不是最后一轮）；group（按专业组的轮次：专业组编号）；size（入围名额）；nominations（参评数）；apportion（按倍数分配时：ratio、places、total、nominations 各组）；method；quorum；counted（成员 → 序号，计入的记录）；assignment（当时有效的分配记录的 SHA-256）；from（上一轮入围名单的 SHA-256）；ranking；shortlist（入围的申报材料）；resolutions；excluded；program_sha256；roster_sha256；gov",
                                                 en: "round (not the last); group (in a round by groups: the group id); size (places on the shortlist); nominations (dossiers ranked); apportion (when sized by a ratio: ratio, places, total, nominations per group); method; quorum; counted (member → seq, the records counted); assignment (the SHA-256 of the assignment in force); from (the SHA-256 of the previous round's shortlists); ranking; shortlist (the dossiers that go on); resolutions; excluded; program_sha256; roster_sha256; gov"),
                            pin: (key: "assignment", kind: .assignment),
                            pins: LocalizedText(zh: "当时有效的分配记录；上一轮的入围名单；所计入的各成员记录（counted）；verify 由签名的评分表重算名单并比对",
                                                 en: "the assignment in force; the previous round's shortlists; each member's records counted (counted); verify recomputes the list from the signed sheets"),
                            shape: ShortlistBody.shape, rules: ShortlistBody.rules)
        // The governance chain (issue 11): bodies as `GovernanceBody` says; replayed by
        // `Governance`, which checks what each names against the history.
        case .genesis:
            return governance(kind, holds: LocalizedText(zh: "program_yaml、program_sha256、instance、year、quota、member（创始秘书）",
                                                         en: "program_yaml, program_sha256, instance, year, quota, member (the founding secretary)"),
                              pins: LocalizedText(zh: "程序定义（其 SHA-256 为存储指纹的一部分）", en: "the programme definition (its SHA-256)"))
        case .memberAdd:
            return governance(kind, holds: LocalizedText(zh: "gov_prev；member {id, name, role, unit?, key}", en: "gov_prev; member {id, name, role, unit?, key}"))
        case .memberRotate:
            return governance(kind, holds: LocalizedText(zh: "gov_prev；id；key；from_seq", en: "gov_prev; id; key; from_seq"))
        case .memberRemove:
            return governance(kind, holds: LocalizedText(zh: "gov_prev；id；reason；last_seq；sheets?（keep 或 discard）", en: "gov_prev; id; reason; last_seq; sheets? (keep or discard)"))
        case .programAmend:
            return governance(kind, holds: LocalizedText(zh: "gov_prev；program_yaml；program_sha256；reason", en: "gov_prev; program_yaml; program_sha256; reason"))
        case .sanctionAdd:
            return governance(kind, holds: LocalizedText(zh: "gov_prev；sanction {kind, name, year, note?}", en: "gov_prev; sanction {kind, name, year, note?}"))
        // Review hosts (issue 14): keys that sign pushes to the hub, never records.
        case .hostAdd:
            return governance(kind, holds: LocalizedText(zh: "gov_prev；host {id, name?, key（ssh-ed25519 AAAA…，无注释）}；reason",
                                                         en: "gov_prev; host {id, name?, key (ssh-ed25519 AAAA…, no comment)}; reason"))
        case .hostRemove:
            return governance(kind, holds: LocalizedText(zh: "gov_prev；id；reason", en: "gov_prev; id; reason"))
        }
    }

    /// Every governance record but the genesis pins the one before it.
    static let previousGovernance = LocalizedText(zh: "上一条治理记录（gov_prev）", en: "the previous governance record (gov_prev)")

    static func governance(_ kind: RecordKind, holds: LocalizedText, pins: LocalizedText = previousGovernance) -> KindSpec {
        KindSpec(kind: kind, signers: [.secretary], holds: holds, pin: nil, pins: pins,
                 shape: { b, k in GovernanceBody.problem(kind: k, body: b) }, rules: { _, _ in nil })
    }

    /// nil when the body has the shape its kind needs, else what is wrong.
    public static func shapeProblem(kind: RecordKind, body: [String: JSONValue]) -> RecordsError? {
        spec(kind).shape(body, kind)
    }

    /// nil when the body keeps the programme's rules (and has its shape), else what is wrong.
    public static func ruleProblem(kind: RecordKind, body: [String: JSONValue], rules book: RuleBook) -> RecordsError? {
        let s = spec(kind)
        if let e = s.shape(body, kind) { return e }
        return s.rules(body, book)
    }

    /// The table as text (docs, `--help`): one paragraph per kind.
    public static func describe(_ lang: Language) -> String {
        table.map { s in
            "\(s.kind.rawValue): " + lang.pick("签署：", "signed by: ") + s.signers.map(\.rawValue).joined(separator: "/") + "; "
                + lang.pick("内容：", "holds: ") + s.holds.text(lang) + "; " + lang.pick("指向：", "pins: ") + s.pins.text(lang)
        }.joined(separator: "\n")
    }

    // MARK: - Shapes

    static func string(_ body: [String: JSONValue], _ k: String, required: Bool = true) -> RecordsError? {
        guard let v = body[k] else {
            return required ? RecordsError("记录缺少 “\(k)”", "the record needs '\(k)'") : nil
        }
        return v.string == nil ? RecordsError("“\(k)” 应为字符串", "'\(k)' must be a string") : nil
    }

    static func dossierShape(_ body: [String: JSONValue], _ kind: RecordKind) -> RecordsError? {
        guard let v = body["dossier"] else {
            return RecordsError("\(kind.rawValue) 记录缺少 “dossier”", "a \(kind.rawValue) record needs 'dossier'")
        }
        guard let d = v.string else { return RecordsError("“dossier” 应为字符串", "'dossier' must be a string") }
        guard FastID.isSafe(d) else { return RecordsError("“dossier” 不是有效的编号 “\(d)”", "'dossier' is not a valid id: '\(d)'") }
        // The version of the dossier judged (issue 11), when named.
        if let h = body[DossierPins.bodyKey], !DossierPins.isHash(h.string) {
            return RecordsError("“\(DossierPins.bodyKey)” 应为 64 位小写十六进制", "'\(DossierPins.bodyKey)' must be 64 lowercase hex digits")
        }
        return nil
    }

    static func scoreShape(_ body: [String: JSONValue], _ kind: RecordKind) -> RecordsError? {
        if let e = dossierShape(body, kind) { return e }
        guard let pts = body["points"]?.object else {
            return RecordsError("score 记录需要 “points”（评分项 → 整数）", "a score record needs 'points' (criterion → integer)")
        }
        for (k, v) in pts {
            guard let n = v.int, n >= 0 else {
                return RecordsError("评分项 “\(k)” 的分数应为非负整数", "points for '\(k)' must be a non-negative integer")
            }
        }
        if let v = body["vote"] {
            guard let s = v.string, votes.contains(s) else {
                return RecordsError("“vote” 只能是 recommend、reject 或 abstain", "'vote' is recommend, reject or abstain")
            }
        }
        return string(body, "comment", required: false) ?? roundShape(body)
    }

    /// `round` (issue 13), where present: an integer within `Limits.rounds` (absent: round 1).
    static func roundShape(_ body: [String: JSONValue]) -> RecordsError? {
        guard let v = body["round"] else { return nil }
        guard let n = v.int, n >= Int64(Limits.rounds.lowerBound), n <= Int64(Limits.rounds.upperBound) else {
            return RecordsError("“round” 应为 \(Limits.rounds.lowerBound)…\(Limits.rounds.upperBound) 的整数", "'round' must be an integer in \(Limits.rounds.lowerBound)…\(Limits.rounds.upperBound)")
        }
        return nil
    }

    /// The round a sheet or recusal belongs to (absent: 1; the shape check bounds it).
    public static func round(of body: [String: JSONValue]) -> Int { body["round"]?.int.flatMap { Int(exactly: $0) } ?? 1 }

    /// The round is one the programme defines.
    static func roundRule(_ body: [String: JSONValue], _ book: RuleBook) -> RecordsError? {
        let n = round(of: body)
        guard n >= 1, n <= book.roundCount else {
            return RecordsError("程序没有第 \(n) 轮（共 \(book.roundCount) 轮）", "the programme has no round \(n) (it has \(book.roundCount))")
        }
        return nil
    }

    /// One decision of an eligibility record (资格审核): the per-dossier form has one, the batch
    /// form (`decisions`, the whole check signed at once: 10,000 dossiers in one record) many.
    public struct EligibilityEntry: Sendable, Hashable {
        public var dossier: String
        /// "eligible" | "ineligible"
        public var decision: String
        /// The dossier version decided on (`dossier_sha256`, or `sha256` in a batch entry).
        public var version: String?
        /// The check's reasons as signed: {rule, zh, en} objects.
        public var reasons: [JSONValue]
        /// The secretary's reason where the decision is not the check's (an override, 待核实 settled).
        public var reason: String?
        public init(dossier: String, decision: String, version: String?, reasons: [JSONValue], reason: String?) {
            self.dossier = dossier; self.decision = decision; self.version = version; self.reasons = reasons; self.reason = reason
        }
    }

    /// The decisions of an eligibility record, in body order; empty when it has neither form.
    public static func eligibilityEntries(_ body: [String: JSONValue]) -> [EligibilityEntry] {
        if let items = body["decisions"]?.array {
            return items.compactMap { item in
                guard let d = item["dossier"]?.string, let v = item["decision"]?.string else { return nil }
                return EligibilityEntry(dossier: d, decision: v, version: item["sha256"]?.string,
                                        reasons: item["reasons"]?.array ?? [], reason: item["reason"]?.string)
            }
        }
        guard let d = body["dossier"]?.string, let v = body["result"]?.string else { return [] }
        return [EligibilityEntry(dossier: d, decision: v, version: body[DossierPins.bodyKey]?.string,
                                 reasons: body["reasons"]?.array ?? [], reason: body["reason"]?.string)]
    }

    static let decisions: Set<String> = ["eligible", "ineligible"]

    static func eligibilityShape(_ body: [String: JSONValue], _ kind: RecordKind) -> RecordsError? {
        if let v = body["decisions"] {
            if body["dossier"] != nil {
                return RecordsError("eligibility 记录不能同时有 “dossier” 和 “decisions”", "an eligibility record has 'dossier' or 'decisions', not both")
            }
            guard let items = v.array, !items.isEmpty else {
                return RecordsError("“decisions” 应为非空数组", "'decisions' must be a non-empty array")
            }
            var seen: Set<String> = []
            for (i, item) in items.enumerated() {
                guard let o = item.object else { return RecordsError("decisions[\(i)] 应为对象", "decisions[\(i)] must be an object") }
                if let e = dossierShape(o, kind) { return RecordsError("decisions[\(i)]：" + e.zh, "decisions[\(i)]: " + e.en) }
                guard let d = o["dossier"]?.string, seen.insert(d).inserted else {
                    return RecordsError("decisions[\(i)]：申报材料重复出现", "decisions[\(i)]: the dossier appears twice")
                }
                guard DossierPins.isHash(o["sha256"]?.string) else {
                    return RecordsError("decisions[\(i)]（\(d)）：“sha256” 应为 64 位小写十六进制（所审材料的版本）",
                                        "decisions[\(i)] (\(d)): 'sha256' must be 64 lowercase hex digits (the version decided on)")
                }
                guard let r = o["decision"]?.string, decisions.contains(r) else {
                    return RecordsError("decisions[\(i)]（\(d)）：“decision” 只能是 eligible 或 ineligible", "decisions[\(i)] (\(d)): 'decision' is eligible or ineligible")
                }
                if let v = o["reasons"], v.array == nil { return RecordsError("decisions[\(i)]：“reasons” 应为数组", "decisions[\(i)]: 'reasons' must be an array") }
                if let v = o["reason"], v.string == nil { return RecordsError("decisions[\(i)]：“reason” 应为字符串", "decisions[\(i)]: 'reason' must be a string") }
            }
            return nil
        }
        if let e = dossierShape(body, kind) { return e }
        guard let r = body["result"]?.string, decisions.contains(r) else {
            return RecordsError("“result” 只能是 eligible 或 ineligible", "'result' is eligible or ineligible")
        }
        if let v = body["reasons"], v.array == nil { return RecordsError("“reasons” 应为数组", "'reasons' must be an array") }
        return string(body, "reason", required: false)
    }

    /// Every dossier decided on exists.
    static func eligibilityRules(_ body: [String: JSONValue], _ book: RuleBook) -> RecordsError? {
        guard let ids = book.dossiers else { return nil }
        for e in eligibilityEntries(body) where !ids.contains(e.dossier) {
            return RecordsError("申报材料 “\(e.dossier)” 不存在（dossiers/\(e.dossier).yaml）", "dossier '\(e.dossier)' does not exist (dossiers/\(e.dossier).yaml)")
        }
        return nil
    }

    static func hash(_ body: [String: JSONValue], _ k: String, required: Bool = true) -> RecordsError? {
        guard let v = body[k] else { return required ? RecordsError("记录缺少 “\(k)”", "the record needs '\(k)'") : nil }
        return DossierPins.isHash(v.string) ? nil : RecordsError("“\(k)” 应为 64 位小写十六进制（SHA-256）", "'\(k)' must be 64 lowercase hex digits (a SHA-256)")
    }

    static func date(_ body: [String: JSONValue], _ k: String, required: Bool = true) -> RecordsError? {
        guard let v = body[k] else { return required ? RecordsError("记录缺少 “\(k)”", "the record needs '\(k)'") : nil }
        return v.string.flatMap({ NoticeDate($0) }) != nil ? nil : RecordsError("“\(k)” 应为日期 YYYY-MM-DD", "'\(k)' must be a date YYYY-MM-DD")
    }

    static func publicityShape(_ body: [String: JSONValue], _ kind: RecordKind) -> RecordsError? {
        if let e = hash(body, "finalize") ?? date(body, "from") ?? date(body, "to") { return e }
        if let f = body["from"]?.string.flatMap({ NoticeDate($0) }), let t = body["to"]?.string.flatMap({ NoticeDate($0) }), t < f {
            return RecordsError("公示截止日期 \(t) 早于开始日期 \(f)", "the notice ends (\(t)) before it starts (\(f))")
        }
        guard let items = body["dossiers"]?.array, !items.isEmpty else {
            return RecordsError("“dossiers” 应为非空的编号数组", "'dossiers' must be a non-empty array of ids")
        }
        var seen: Set<String> = []
        for item in items {
            guard let d = item.string, FastID.isSafe(d) else { return RecordsError("“dossiers” 中有无效的编号", "'dossiers' holds an invalid id") }
            guard seen.insert(d).inserted else { return RecordsError("“dossiers” 中 \(d) 重复", "'dossiers' lists \(d) twice") }
        }
        switch (body["supplement_for"], body["objection"]) {
        case (nil, nil): return nil
        case (let s?, _?):
            guard let d = s.string, FastID.isSafe(d) else { return RecordsError("“supplement_for” 不是有效的编号", "'supplement_for' is not a valid id") }
            if let e = hash(body, "objection") { return e }
            return items.count == 1 ? nil : RecordsError("补充公示只公示一名候选人", "a supplementary notice publicises one candidate")
        default:
            return RecordsError("补充公示需要同时有 “supplement_for” 和 “objection”", "a supplementary notice needs both 'supplement_for' and 'objection'")
        }
    }

    /// The dossiers exist; the period is no shorter than the programme's notice.
    static func publicityRules(_ body: [String: JSONValue], _ book: RuleBook) -> RecordsError? {
        if let ids = book.dossiers {
            for d in (body["dossiers"]?.array ?? []).compactMap(\.string) + [body["supplement_for"]?.string].compactMap({ $0 }) where !ids.contains(d) {
                return RecordsError("公示列有不存在的申报材料 “\(d)”", "the notice lists dossier '\(d)', which does not exist")
            }
        }
        guard let f = body["from"]?.string.flatMap({ NoticeDate($0) }), let t = body["to"]?.string.flatMap({ NoticeDate($0) }) else { return nil }
        let n: Int
        do {
            n = try NoticeDate.length(from: f, to: t, rule: book.notice)
        } catch let e as UnknownHolidayYear {
            return RecordsError(e.zh, e.en)
        } catch {
            return RecordsError("\(error)", "\(error)")
        }
        if n < book.notice.days {
            return RecordsError("公示期 \(f) 至 \(t) 只有 \(n) \(book.notice.workingDays ? "个工作日" : "天")，程序要求至少 \(book.notice.describe(.zh))",
                                "the notice \(f) to \(t) runs \(n) \(book.notice.workingDays ? "working days" : "days"); the programme asks for at least \(book.notice.describe(.en))")
        }
        return nil
    }

    static func rulingShape(_ body: [String: JSONValue], _ kind: RecordKind) -> RecordsError? {
        if let e = hash(body, "finalize") ?? hash(body, "objection") { return e }
        guard let freed = body["freed"]?.string, FastID.isSafe(freed) else {
            return RecordsError("“freed” 应为空出名额的材料编号", "'freed' must be the id of the dossier whose place was freed")
        }
        if let t = body["tied"], !(t.array.map { $0.allSatisfy { $0.string.map(FastID.isSafe) ?? false } } ?? false) {
            return RecordsError("“tied” 应为编号数组", "'tied' must be an array of ids")
        }
        switch (body["resolutions"], body["vacant"]) {
        case (nil, let v?):
            guard let reason = v.string, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                return RecordsError("“vacant” 应写明名额空缺的理由", "'vacant' must say why the place stays empty")
            }
            return nil
        case (let r?, nil):
            guard let items = r.array, !items.isEmpty else { return RecordsError("“resolutions” 应为非空数组", "'resolutions' must be a non-empty array") }
            var selected = 0, seen: Set<String> = []
            for item in items {
                guard let d = item["dossier"]?.string, FastID.isSafe(d), seen.insert(d).inserted,
                      let decision = item["decision"]?.string, decision == "selected" || decision == "not-selected",
                      let reason = item["reason"]?.string, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                    return RecordsError("“resolutions” 的每项应为 {dossier, decision: selected|not-selected, reason}，编号不重复",
                                        "each of 'resolutions' must be {dossier, decision: selected|not-selected, reason}, ids once")
                }
                if decision == "selected" { selected += 1 }
            }
            return selected == 1 ? nil : RecordsError("裁定应恰选入一人（选入了 \(selected) 人）", "a ruling selects exactly one (it selects \(selected))")
        default:
            return RecordsError("裁定应有 “resolutions” 或 “vacant” 之一", "a ruling has either 'resolutions' or 'vacant'")
        }
    }

    static func rulingRules(_ body: [String: JSONValue], _ book: RuleBook) -> RecordsError? {
        guard let ids = book.dossiers else { return nil }
        let named = [body["freed"]?.string].compactMap { $0 } + (body["resolutions"]?.array ?? []).compactMap { $0["dossier"]?.string }
        for d in named where !ids.contains(d) {
            return RecordsError("裁定列有不存在的申报材料 “\(d)”", "the ruling names dossier '\(d)', which does not exist")
        }
        return nil
    }

    static func objectionShape(_ body: [String: JSONValue], _ kind: RecordKind) -> RecordsError? {
        if let e = dossierShape(body, kind) { return e }
        if let e = hash(body, "publicity", required: false) ?? date(body, "received", required: false) { return e }
        if let v = body["outcome"] {
            guard let s = v.string, outcomes.contains(s) else {
                return RecordsError("“outcome” 只能是 pending、upheld 或 dismissed", "'outcome' is pending, upheld or dismissed")
            }
        }
        return nil
    }

    static func approvalShape(_ body: [String: JSONValue], _ kind: RecordKind) -> RecordsError? {
        if let e = string(body, "finalize") { return e }
        if let e = string(body, "body", required: false) { return e }
        if let v = body["notices"], !(v.array.map { $0.allSatisfy { DossierPins.isHash($0.string) } } ?? false) {
            return RecordsError("“notices” 应为 SHA-256 数组", "'notices' must be an array of SHA-256")
        }
        if let v = body["selected"] {
            guard let items = v.array, items.allSatisfy({ $0.string != nil }) else {
                return RecordsError("“selected” 应为编号数组", "'selected' must be an array of ids")
            }
        }
        // Empty places said, not left to be counted (issue 12): `vacant` is how many, and
        // `vacancies` says why for each ({count, reason, freed?, objection?, ruling?}).
        if let v = body["vacant"] {
            guard let n = v.int, n >= 0, n <= 100_000 else { return RecordsError("“vacant” 应为非负整数", "'vacant' must be a non-negative integer") }
            let items = body["vacancies"]?.array ?? []
            var total: Int64 = 0
            for item in items {
                guard let c = item["count"]?.int, c >= 1, c <= 100_000, let r = item["reason"]?.string, !r.isEmpty else {
                    return RecordsError("“vacancies” 的每项应为 {count, reason, …}", "each of 'vacancies' must be {count, reason, …}")
                }
                total += c
            }
            if total != n { return RecordsError("“vacancies” 合计 \(total) 个空缺，与 “vacant” \(n) 不符", "'vacancies' account for \(total) places, 'vacant' says \(n)") }
        } else if body["vacancies"] != nil {
            return RecordsError("有 “vacancies” 却没有 “vacant”", "'vacancies' without 'vacant'")
        }
        return nil
    }

    /// Every dossier the approval lists exists (the final list must not name a ghost).
    static func approvalRules(_ body: [String: JSONValue], _ book: RuleBook) -> RecordsError? {
        // The body named is one the programme lists (Qingpu: 区总工会 and 区人社局).
        if !book.approvingBodies.isEmpty {
            guard let b = body["body"]?.string, book.approvingBodies.contains(b) else {
                let named = body["body"]?.string.map { "“\($0)”" } ?? "none"
                return RecordsError("审定机构 \(named) 不是程序规定的审定机构（\(book.approvingBodies.joined(separator: "、"))）",
                                    "the approving body \(named) is not one the programme names (\(book.approvingBodies.joined(separator: ", ")))")
            }
        }
        guard let ids = book.dossiers, let items = body["selected"]?.array else { return nil }
        for d in items.compactMap(\.string) where !ids.contains(d) {
            return RecordsError("审定名单列有不存在的申报材料 “\(d)”", "the approved list names dossier '\(d)', which does not exist")
        }
        return nil
    }

    static func finalizeShape(_ body: [String: JSONValue], _ kind: RecordKind) -> RecordsError? {
        guard Verifier.finalizeBody(body) != nil else {
            return RecordsError("finalize 记录需要 “counted”（成员 → 序号）和 “merkle_root”",
                                "a finalize record needs 'counted' (member → seq) and 'merkle_root'")
        }
        return nil
    }

    // MARK: - Rules of the programme

    static func dossierRule(_ body: [String: JSONValue], _ book: RuleBook) -> RecordsError? {
        guard let ids = book.dossiers, let d = body["dossier"]?.string else { return nil }
        return ids.contains(d) ? nil : RecordsError("申报材料 “\(d)” 不存在（dossiers/\(d).yaml）", "dossier '\(d)' does not exist (dossiers/\(d).yaml)")
    }

    /// Exactly the sheet's criteria, each an integer within 0…max (the sum of maxima then bounds
    /// the total, so no sum of a valid sheet can overflow); the vote as the programme takes it;
    /// the comment within its limit; a dossier that exists.
    static func scoreRules(_ body: [String: JSONValue], _ book: RuleBook) -> RecordsError? {
        // The round's own sheet (issue 13).
        if let e = roundRule(body, book) { return e }
        guard let book = book.round(round(of: body)) else { return nil }
        guard let pts = body["points"]?.object else { return nil }
        // (Sorted only to name the first unknown one: verify's hot path sorts nothing.)
        if pts.keys.contains(where: { book.criteria[$0] == nil }), let k = pts.keys.sorted().first(where: { book.criteria[$0] == nil }) {
            return RecordsError("评分表没有评分项 “\(k)”（评分项：\(book.criterionOrder.joined(separator: ", "))）",
                                "the scoring sheet has no criterion '\(k)' (criteria: \(book.criterionOrder.joined(separator: ", ")))")
        }
        for k in book.criterionOrder {
            guard let v = pts[k]?.int else {
                return RecordsError("缺少评分项 “\(k)” 的分数", "no points for criterion '\(k)'")
            }
            let max = book.criteria[k] ?? 0
            guard v >= 0, v <= Int64(max) else {
                return RecordsError("评分项 “\(k)” 的分数 \(v) 超出范围 0–\(max)", "points \(v) for '\(k)' out of range 0–\(max)")
            }
        }
        if body["vote"] != nil, !book.votes {
            return RecordsError("本项目不投推荐票，记录却有 “vote”", "this programme takes no vote, yet the record has 'vote'")
        }
        if body["vote"] == nil, book.votes, book.voteRequired {
            return RecordsError("本项目要求投票，记录缺少 “vote”", "this programme requires a vote; the record has none")
        }
        if let max = book.commentMaxChars, let c = body["comment"]?.string, c.utf8.count > max, c.count > max {
            return RecordsError("评语 \(c.count) 字，超过上限 \(max) 字", "the comment has \(c.count) characters, over the limit of \(max)")
        }
        return dossierRule(body, book)
    }

    static func finalizeRules(_ body: [String: JSONValue], _ book: RuleBook) -> RecordsError? {
        guard let f = Verifier.finalizeBody(body) else { return nil }
        for m in f.counted.keys.sorted() where !book.members.contains(m) {
            return RecordsError("定稿计入的成员 “\(m)” 不在名单上", "the finalization counts '\(m)', who is not on the roster")
        }
        return nil
    }
}

/// Which role may sign which kind of record: the `signers` column of `RecordKinds`.
public enum KindPolicy {
    public static func allowed(_ kind: RecordKind, role: Role) -> Bool { RecordKinds.spec(kind).signers.contains(role) }

    public static func roles(for kind: RecordKind) -> [Role] { Role.allCases.filter { allowed(kind, role: $0) } }
}

/// The shape of each kind's body: the `shape` column of `RecordKinds`. Checked before signing
/// and by `verify`. Keys not listed are allowed (bodies may grow).
public enum RecordBody {
    public static let votes = RecordKinds.votes

    /// nil when the body has the shape its kind needs, else what is wrong (zh, en).
    public static func problem(kind: RecordKind, body: [String: JSONValue]) -> RecordsError? {
        RecordKinds.shapeProblem(kind: kind, body: body)
    }
}
