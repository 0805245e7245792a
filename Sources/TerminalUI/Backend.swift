import Panel
import Review
import Scoring

/// A member's status on one dossier: 待评 / 草稿 / 已签 / 回避.
public enum SheetStatus: String, Sendable, Hashable, CaseIterable {
    case todo, draft, signed, recused

    public func label(_ lang: Language) -> String {
        switch self {
        case .todo: return lang.pick("待评", "to do")
        case .draft: return lang.pick("草稿", "draft")
        case .signed: return lang.pick("已签", "signed")
        case .recused: return lang.pick("回避", "recused")
        }
    }

    /// A one-cell marker that carries the meaning without colour (progress grid).
    public func marker(_ lang: Language) -> String {
        switch self {
        case .todo: return lang.pick("缺", "-")
        case .draft: return lang.pick("稿", "d")
        case .signed: return lang.pick("签", "S")
        case .recused: return lang.pick("避", "R")
        }
    }

    public var role: StyleRole {
        switch self {
        case .todo: return .missing
        case .draft: return .draft
        case .signed: return .signed
        case .recused: return .recused
        }
    }
}

/// Where a dossier stands for me, the one status the list, the sheet and the dossier view show
/// (issue 17): 待评, 草稿, 已签, 已签·有未签修改, 已回避, 不合格 / 异议成立 / 未审核, 已定稿.
/// `ReviewBackend.memberState` computes it; the sheet is read-only where `sheetLock` says why.
public enum MemberState: Hashable, Sendable {
    case todo, draft, signed
    /// Signed, and a draft with other values exists: the change does not count until signed.
    case edited
    case recused
    /// Out of the running by a signed decision, or (only while I have done nothing) not checked.
    case out(Qualification.State)
    case finalized

    public func label(_ lang: Language) -> String {
        switch self {
        case .todo: return lang.pick("待评", "to do")
        case .draft: return lang.pick("草稿", "draft")
        case .signed: return lang.pick("已签", "signed")
        case .edited: return lang.pick("已签·有未签修改", "signed·unsigned edits")
        case .recused: return lang.pick("已回避", "recused")
        case .out(let q): return q.label(lang)
        case .finalized: return lang.pick("已定稿", "finalized")
        }
    }

    public var role: StyleRole {
        switch self {
        case .todo: return .missing
        case .draft, .edited: return .draft
        case .signed: return .signed
        case .recused: return .recused
        case .out, .finalized: return .dim
        }
    }

    /// Nothing left for me to do on it (the member's "all done").
    public var done: Bool {
        switch self {
        case .signed, .recused, .finalized: return true
        case .out(let q): return q != .unchecked
        case .todo, .draft, .edited: return false
        }
    }
}

/// What a member has typed on a scoring sheet (a draft), or what a signed sheet says: the
/// review session's draft type, so what the UI edits is what the draft file holds.
public typealias SheetInput = Draft

/// One member's sheet as the chair's breakdown shows it.
public struct PanelSheet: Hashable, Sendable {
    public var member: String
    public var status: SheetStatus
    /// nil unless signed
    public var sheet: SheetInput?
    public init(member: String, status: SheetStatus, sheet: SheetInput?) {
        self.member = member; self.status = status; self.sheet = sheet
    }
}

/// Outliers and the stability of the ranking, as lines in both languages.
public struct PanelReport: Hashable, Sendable {
    /// e.g. "名额线上下 0.5 分内有 3 份" / "3 dossiers within 0.5 points of the cut".
    public var stability: [LocalizedText]
    /// dossier id → notes about outlying sheets ("评委 m3 总分 52，偏离中位数 30 分").
    public var outliers: [String: [LocalizedText]]
    public init(stability: [LocalizedText] = [], outliers: [String: [LocalizedText]] = [:]) {
        self.stability = stability; self.outliers = outliers
    }
}

/// A file attached to a dossier (issue 15), as the dossier screen lists it.
public struct AttachmentItem: Hashable, Sendable {
    public var name: String
    /// pdf, image, text, office or other
    public var kind: String
    public var size: Int
    public var sha256: String
    /// Where the file is on this machine, for the member to open it there.
    public var localPath: String
    /// False when the file there is gone or not the size signed (verify says more).
    public var present: Bool
    public init(name: String, kind: String, size: Int, sha256: String, localPath: String, present: Bool = true) {
        self.name = name; self.kind = kind; self.size = size; self.sha256 = sha256; self.localPath = localPath; self.present = present
    }

    /// "1.2 MB", "840 KB", "312 B" (decimal units, one decimal under 10).
    public static func sizeText(_ n: Int) -> String {
        let units = ["B", "KB", "MB", "GB"]
        var v = Double(max(0, n)), u = 0
        while v >= 1000, u < units.count - 1 { v /= 1000; u += 1 }
        if u == 0 { return "\(Int(v)) B" }
        return (v < 10 ? String(format: "%.1f", v) : String(Int(v.rounded()))) + " " + units[u]
    }
}

/// An objection from the public notice (公示异议) and its outcome.
public struct ObjectionItem: Hashable, Sendable {
    public var dossier: String
    public var text: String
    /// "pending" | "upheld" | "dismissed" (shown as written when other)
    public var outcome: String
    public init(dossier: String, text: String, outcome: String) {
        self.dossier = dossier; self.text = text; self.outcome = outcome
    }
}

/// What the secretary signs from the UI (issue 17). The backend builds each record with the same
/// session code as the CLI (`import`, `eligibility --all`, `publicity`, `objection`,
/// `member add` / `member remove`); the UI only collects the fields.
public enum SecretaryAction: Hashable, Sendable {
    case importFile(path: String, sheet: String?)
    /// The qualification decisions still to sign, in one record (`eligibility --all`), with the
    /// secretary's own decisions where given.
    case eligibility(overrides: [EligibilityOverride])
    case publicity(from: String, to: String, supplement: String?)
    case objection(dossier: String, text: String, outcome: String, received: String?)
    case addMember(id: String, name: String, role: Role, unit: String?, pubkeyFile: String)
    case removeMember(id: String, reason: String, discardSheets: Bool)
    /// The assignment `pingshen assign` would sign now: the first one, or the replacement of
    /// the open pairs after a recusal or a removal (issue 13).
    case assign
}

/// What the confirmation shows before the secretary signs.
public struct SecretaryPreview: Hashable, Sendable {
    public var summary: [String]
    /// The exact record that will be signed, where it is known before signing (empty where
    /// the record depends on files staged at signing: an import, a roster change).
    public var record: String
    public init(summary: [String], record: String) { self.summary = summary; self.record = record }
}

/// What an import file holds, read without writing anything (`ReviewSession.readImport`).
public struct ImportPreview: Hashable, Sendable {
    public var new: [Dossier]
    public var unchanged: Int
    public init(new: [Dossier], unchanged: Int) { self.new = new; self.unchanged = unchanged }
}

/// A signed public notice (社会公示) of the latest finalization.
public struct NoticeItem: Hashable, Sendable {
    public var path: String
    public var from: String
    public var to: String
    public var dossiers: [String]
    /// A supplementary notice: the dossier whose place it fills.
    public var supplementFor: String?
    public init(path: String, from: String, to: String, dossiers: [String], supplementFor: String? = nil) {
        self.path = path; self.from = from; self.to = to; self.dossiers = dossiers; self.supplementFor = supplementFor
    }
}

/// A chair's resolution of a tie at the quota line.
public struct TieResolution: Hashable, Sendable {
    /// "selected" | "not-selected"
    public var decision: String
    public var reason: String
    public init(decision: String, reason: String) { self.decision = decision; self.reason = reason }
}

/// What the terminal UI needs from the store. The review session implements it
/// (`ReviewSession+Backend.swift`); tests use a fake. Reads are cheap and side-effect free;
/// writes (`saveDraft`, `submitScore`, `recuse`, `finalize`) happen only through effects.
public protocol ReviewBackend: AnyObject {
    var program: Program { get }
    var me: Member { get }
    var roster: Roster { get }
    /// How records will be signed, e.g. "ssh-agent · ED25519 SHA256:…" or "key file /path".
    var signingDescription: String { get }
    /// Sorted by id.
    var dossiers: [Dossier] { get }
    /// The dossiers an assignment in force gives me (issue 13), nil when none is (a flat
    /// panel: every dossier). Only these are on my list.
    var assignedToMe: Set<String>? { get }
    func eligibility(_ dossier: String) -> EligibilityResult?
    func qualification(_ dossier: String) -> Qualification?
    /// My status on a dossier.
    func status(_ dossier: String) -> SheetStatus
    /// My latest signed sheet.
    func signedSheet(_ dossier: String) -> SheetInput?
    /// Everyone's status and latest signed sheet (the UI hides them per programme rule).
    func panelSheets(_ dossier: String) -> [PanelSheet]
    func loadDraft(_ dossier: String) -> SheetInput?
    func saveDraft(_ input: SheetInput) throws
    /// Whether I have a draft of the dossier (cheap: no file is read).
    func hasDraft(_ dossier: String) -> Bool
    /// Keeps my language and theme for the next session (`Drafts.savePreferences`).
    func savePreferences(_ p: MemberPreferences) throws
    /// Deletes my draft of a dossier (the member chose to discard unsigned changes).
    func discardDraft(_ dossier: String) throws
    /// Why I cannot sign a sheet for the dossier now, nil when I can (`ReviewSession.sheetLock`).
    func sheetLock(_ dossier: String) -> LocalizedText?
    /// The exact canonical JSON that will be signed; throws with a clear message on invalid input.
    func previewScoreRecord(_ input: SheetInput) throws -> String
    /// Signs and appends; returns the record path.
    func submitScore(_ input: SheetInput) throws -> String
    func previewRecusal(_ dossier: String, reason: String) throws -> String
    func recuse(_ dossier: String, reason: String) throws
    func ranking() -> Ranking
    /// Scoring's statistics (outliers, stability report); the UI turns them into `PanelReport`.
    func statistics() -> PanelStatistics
    /// A member's status on a dossier, for the chair's progress grid (draft = a draft file exists).
    func progressStatus(member: String, dossier: String) -> SheetStatus
    func previewFinalize(resolutions: [String: TieResolution]) throws -> String
    func finalize(resolutions: [String: TieResolution]) throws -> String
    var finalized: Bool { get }
    /// The record files are still being checked beside the first screen (see
    /// `ReviewSession(root:checkInBackground:)`): what is shown comes from the store index.
    var checkingStore: Bool { get }
    /// How many problems `verify` finds in the store (records with one are not counted): the
    /// title bar says so while there are any.
    var storeProblems: Int { get }
    /// Forks a `sync` found and kept (one member, two different signed records at one seq):
    /// the title bar names the member while the proof is there (`ForkEvidence`).
    var forks: [ForkNotice] { get }
    func objections() -> [ObjectionItem]
    /// Cheap: stats the records directories; true when something new was loaded.
    func refreshIfChanged() -> Bool
    /// Whether my signed sheet for the dossier was made on an older version of it (the dossier
    /// was amended since): the list shows "材料已更新 / dossier updated" (issue 11).
    func dossierUpdated(_ dossier: String) -> Bool

    // The secretary's work (issue 17): each goes through the session code the CLI uses.
    /// Reads an import file for its preview; throws the reader's error (file, row or cell, field).
    func previewImport(path: String, sheet: String?, lang: Language) throws -> ImportPreview
    /// Checks a secretary's action with every rule and returns what the confirmation shows.
    func previewSecretary(_ action: SecretaryAction, lang: Language) throws -> SecretaryPreview
    /// Signs and appends; returns what to tell the secretary.
    func performSecretary(_ action: SecretaryAction, lang: Language) throws -> String
    /// Writes a published list to a new file (`ReviewSession.writeList`); returns the path.
    func writeList(_ list: PublishedList, format: String, to path: String, lang: Language) throws -> String
    /// The notices of the latest finalization, in the order signed.
    func notices() -> [NoticeItem]
    /// The next eligible candidate for a place an upheld objection freed (nil: no place free).
    func supplementCandidate() -> String?
    /// The files attached to the dossier (issue 15), by name.
    func attachments(_ dossier: String) -> [AttachmentItem]

    // Field groups (issue 13).
    /// Whether the programme works in field groups (cheap).
    var hasGroups: Bool { get }
    /// The chair's board: progress and statistics per group; nil without groups.
    func groupBoard() -> GroupBoard?
    /// The secretary's assignment screen; nil without groups.
    func assignmentOverview(lang: Language) -> AssignmentOverview?
}

extension ReviewBackend {
    public var assignedToMe: Set<String>? { nil }
    public var hasGroups: Bool { false }
    public func groupBoard() -> GroupBoard? { nil }
    public func assignmentOverview(lang: Language) -> AssignmentOverview? { nil }
    public func previewImport(path: String, sheet: String?, lang: Language) throws -> ImportPreview { throw UIError.notHere }
    public func previewSecretary(_ action: SecretaryAction, lang: Language) throws -> SecretaryPreview { throw UIError.notHere }
    public func performSecretary(_ action: SecretaryAction, lang: Language) throws -> String { throw UIError.notHere }
    public func writeList(_ list: PublishedList, format: String, to path: String, lang: Language) throws -> String { throw UIError.notHere }
    public func notices() -> [NoticeItem] { [] }
    public func supplementCandidate() -> String? { nil }
}

extension ReviewBackend {
    /// My one status on a dossier (`MemberState`), from the session's facts: recusal and
    /// finalization first, then a signed decision that takes the dossier out of the running,
    /// then what I signed or typed.
    public func memberState(_ dossier: String) -> MemberState {
        let st = status(dossier)
        if st == .recused { return .recused }
        if finalized { return .finalized }
        if let q = qualification(dossier)?.state, q == .ineligible || q == .objectionUpheld { return .out(q) }
        switch st {
        case .signed:
            if hasDraft(dossier), let d = loadDraft(dossier), let signed = signedSheet(dossier), d != signed { return .edited }
            return .signed
        case .draft: return .draft
        case .todo:
            if qualification(dossier)?.state == .unchecked { return .out(.unchecked) }
            return .todo
        case .recused: return .recused
        }
    }

    /// Whether I may see the other members' scores on a dossier now (`ScoreVisibility`, the
    /// session's one rule): every screen that shows a score, a median or a vote asks this.
    public func othersVisible(_ dossier: String) -> Bool {
        let own: ScoreVisibility.Own
        switch status(dossier) {
        case .todo: own = .nothing
        case .draft: own = .draft
        case .signed: own = .signed
        case .recused: own = .recused
        }
        return ScoreVisibility.othersVisible(program: program, viewer: me.role, own: own, finalized: finalized)
    }

    public func dossierUpdated(_ dossier: String) -> Bool { false }
    /// The dossier's signed attachments (none in a fake).
    public func attachments(_ dossier: String) -> [AttachmentItem] { [] }
    /// The secretary's signed decision on the dossier's current version (未审核 / 不合格 / 合格),
    /// as `rank` shows it (`ReviewSession.qualification(of:)`); nil: not known (a fake).
    public func qualification(_ dossier: String) -> Qualification? { nil }
}

extension Error {
    /// The message to show for an error thrown by the backend.
    public func userMessage(_ lang: Language) -> String {
        if let l = self as? BilingualError { return l.message(lang) }
        // Errors of other targets that carry `zh` and `en` texts (e.g. Review's ActionError).
        var zh: String?, en: String?
        for child in Mirror(reflecting: self).children {
            if child.label == "zh" { zh = child.value as? String }
            if child.label == "en" { en = child.value as? String }
        }
        if let zh, let en { return lang.pick(zh, en) }
        return String(describing: self)
    }
}

/// Errors that carry both languages (the backend may throw these).
public protocol BilingualError: Error {
    func message(_ lang: Language) -> String
}

/// A plain bilingual error.
public struct UIError: BilingualError, CustomStringConvertible {
    public var zh: String
    public var en: String
    public init(zh: String, en: String) { self.zh = zh; self.en = en }
    public func message(_ lang: Language) -> String { lang.pick(zh, en) }
    public var description: String { en }
    /// A backend that cannot do the secretary's work (a read-only fake).
    static let notHere = UIError(zh: "此处不能执行该操作", en: "this cannot be done here")
}

extension PanelReport {
    /// The UI's lines from Scoring's statistics.
    public init(_ st: PanelStatistics, roster: Roster) {
        func name(_ m: String) -> String { roster.member(m)?.name ?? m }
        var outliers: [String: [LocalizedText]] = [:]
        for o in st.outliers {
            outliers[o.dossier, default: []].append(LocalizedText(
                zh: "评委 \(name(o.member)) 总分 \(o.total)，其余评委中位数 \(o.othersMedian.rounded2())，偏离 \(o.deviation.rounded2())（阈值 \(o.threshold.rounded2())）",
                en: "\(name(o.member)) gave \(o.total); others' median \(o.othersMedian.rounded2()), off by \(o.deviation.rounded2()) (threshold \(o.threshold.rounded2()))"))
        }
        var stability: [LocalizedText] = []
        if st.stability.isEmpty {
            stability.append(LocalizedText(zh: "稳定性：去掉任何一位评委的评分，入选名单都不变。",
                                           en: "Stability: leaving out any one member's sheets changes no selection."))
        } else {
            stability.append(LocalizedText(zh: "稳定性：以下结果取决于单个评委的评分（共 \(st.stability.count) 处）：",
                                           en: "Stability: these results hinge on a single member's sheets (\(st.stability.count)):"))
            for c in st.stability {
                stability.append(LocalizedText(
                    zh: "  去掉 \(name(c.member)) 的评分：\(c.dossier) \(c.name) 由“\(c.from.label(.zh))”变为“\(c.to.label(.zh))”",
                    en: "  without \(name(c.member)): \(c.dossier) \(c.name) goes from \(c.from.label(.en)) to \(c.to.label(.en))"))
            }
        }
        if let w = st.kendallW, w.design == .complete {
            stability.insert(LocalizedText(zh: "评委一致性 Kendall W = \(w.w.rounded2())（\(w.members) 位评委，\(w.dossiers) 份申报）",
                                           en: "Agreement Kendall W = \(w.w.rounded2()) (\(w.members) members, \(w.dossiers) dossiers)"), at: 0)
        } else if let w = st.kendallW {
            stability.insert(LocalizedText(zh: "评委一致性 W* = \(w.w.rounded2())（不完全排序，Durbin：\(w.members) 位评委，\(w.dossiers) 份申报）",
                                           en: "Agreement W* = \(w.w.rounded2()) (incomplete rankings, Durbin: \(w.members) members, \(w.dossiers) dossiers)"), at: 0)
        }
        self.init(stability: stability, outliers: outliers)
    }
}

extension ReviewBackend {
    public var checkingStore: Bool { false }
    public var storeProblems: Int { 0 }
    public var forks: [ForkNotice] { [] }
}
