import Panel
import Review
import Scoring

/// Selection and scroll of a list.
public struct ListPos: Hashable, Sendable {
    public var selected: Int = 0
    public var scroll: Int = 0
    public init(selected: Int = 0, scroll: Int = 0) { self.selected = selected; self.scroll = scroll }

    /// Keeps `selected` in 0..<count and visible in a window of `height` rows.
    public mutating func clamp(count: Int, height: Int) {
        let h = max(1, height)
        selected = count == 0 ? 0 : min(max(0, selected), count - 1)
        if selected < scroll { scroll = selected }
        if selected >= scroll + h { scroll = selected - h + 1 }
        scroll = max(0, min(scroll, max(0, count - h)))
    }

    public mutating func move(_ action: Action, count: Int, height: Int) {
        switch action {
        case .up: selected -= 1
        case .down: selected += 1
        case .pageUp: selected -= max(1, height - 1); scroll -= max(1, height - 1)
        case .pageDown: selected += max(1, height - 1); scroll += max(1, height - 1)
        case .top: selected = 0
        case .bottom: selected = count - 1
        default: break
        }
        clamp(count: count, height: height)
    }
}

/// A line of editable text with a cursor (grapheme clusters, so Chinese and combining text
/// edit as a reader sees them).
public struct TextBuffer: Hashable, Sendable {
    public var chars: [Character]
    public var cursor: Int
    public init(_ text: String = "") { chars = Array(text); cursor = chars.count }
    public var text: String { String(chars) }
    public var isEmpty: Bool { chars.isEmpty }

    public mutating func insert(_ c: Character) { chars.insert(c, at: cursor); cursor += 1 }
    public mutating func backspace() { if cursor > 0 { chars.remove(at: cursor - 1); cursor -= 1 } }
    public mutating func deleteForward() { if cursor < chars.count { chars.remove(at: cursor) } }
    public mutating func left() { cursor = max(0, cursor - 1) }
    public mutating func right() { cursor = min(chars.count, cursor + 1) }
    public mutating func home() { cursor = 0 }
    public mutating func end() { cursor = chars.count }
}

/// The list's orders (`o` cycles them). Names and employers sort by ICU collation, not by code
/// point (issue 17): pinyin, or surname strokes (姓氏笔画, the order of official name lists).
public enum SortKey: String, CaseIterable, Sendable {
    case id, name, strokes, status, employer
    public func label(_ lang: Language) -> String {
        switch self {
        case .id: return lang.pick("编号", "number")
        case .name: return lang.pick("姓名拼音", "name (pinyin)")
        case .strokes: return lang.pick("姓氏笔画", "surname strokes")
        case .status: return lang.pick("状态", "status")
        case .employer: return lang.pick("工作单位拼音", "employer (pinyin)")
        }
    }

    /// The ICU collation of a text order (nil: not a text order).
    var collation: String? {
        switch self {
        case .name, .employer: return "zh_CN@collation=pinyin"
        case .strokes: return "zh_CN@collation=stroke"
        case .id, .status: return nil
        }
    }
}

/// One row of the dossier list, precomputed on data change (never per frame).
public struct ListRow: Hashable, Sendable {
    public var id: String
    public var name: String
    public var employer: String
    public var field: String
    public var status: SheetStatus
    /// My one status on it as the list, sheet and dossier view show it (scorers only).
    public var state: MemberState = .todo
    /// nil when unknown; shown to those who do not score. True only for the outcome eligible.
    public var eligible: Bool?
    /// The qualification check's outcome (eligible, ineligible, 待核实), nil when unknown.
    public var outcome: EligibilityOutcome? = nil
    /// Lower-cased text the `/` search looks in.
    public var haystack: String
    /// My signed sheet was made on an older version of the dossier ("材料已更新").
    public var updated = false
}

/// The scoring sheet being edited.
public struct SheetEditor: Hashable, Sendable {
    public enum Field: Hashable, Sendable {
        case criterion(Int), vote, comment, conflict, reason
    }
    public var dossier: String
    /// Digits as typed, per criterion in programme order ("" = not yet scored).
    public var points: [String]
    public var vote: String?
    public var comment: TextBuffer
    public var conflict: Bool
    public var reason: TextBuffer
    public var focus: Field
    /// Whether the last edit reached the draft file: nil = nothing typed yet.
    public var saved: Bool?
    /// Whether a signed sheet already exists (signing again supersedes it).
    public var wasSigned: Bool
    /// Why this sheet cannot be signed (finalized, recused, out of the running): it opens
    /// read-only and says so. nil: editable.
    public var lock: LocalizedText? = nil

    public init(dossier: String, criteria: [Criterion], from input: SheetInput?, wasSigned: Bool) {
        self.dossier = dossier
        self.points = criteria.map { c in input?.points[c.id].map(String.init) ?? "" }
        self.vote = input?.vote
        self.comment = TextBuffer(input?.comment ?? "")
        self.conflict = input?.recuseReason != nil
        self.reason = TextBuffer(input?.recuseReason ?? "")
        self.focus = .criterion(0)
        self.saved = nil
        self.wasSigned = wasSigned
        if criteria.isEmpty { focus = .comment }
    }

    public func fields(votes: Bool) -> [Field] {
        var f: [Field] = points.indices.map { .criterion($0) }
        if votes { f.append(.vote) }
        f.append(.comment)
        f.append(.conflict)
        if conflict { f.append(.reason) }
        return f
    }

    public func input(criteria: [Criterion]) -> SheetInput {
        var p: [String: Int] = [:]
        for (i, c) in criteria.enumerated() where i < points.count {
            if let v = Int(points[i]) { p[c.id] = v }
        }
        return SheetInput(dossier: dossier, points: p, vote: vote, comment: comment.text, recuseReason: conflict ? reason.text : nil)
    }

    /// Saturating: a draft may hold any number (Points).
    public var total: Int { Points.sum(points.compactMap { Int($0) }) }
}

/// The chair's finalization: decisions for the ties at the quota line.
public struct FinalizeState: Hashable, Sendable {
    public var ties: [String]
    public var decisions: [String: String]
    public var reasons: [String: TextBuffer]
    public var pos: ListPos
    public var editingReason: Bool
    public init(ties: [String]) {
        self.ties = ties; decisions = [:]; reasons = [:]; pos = ListPos(); editingReason = false
    }
    public var resolutions: [String: TieResolution] {
        var out: [String: TieResolution] = [:]
        for t in ties { if let d = decisions[t] { out[t] = TieResolution(decision: d, reason: reasons[t]?.text ?? "") } }
        return out
    }
}

/// A field of one of the secretary's forms (issue 17): text edited as in the sheet (the cursor
/// where the next character goes), a choice (←/→), or a box (Space).
public struct FormField: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case text, choice, toggle }
    public var id: String
    public var label: LocalizedText
    public var kind: Kind
    public var text = TextBuffer()
    /// A choice's values (what is signed) and their labels; `choice` indexes them.
    public var values: [String] = []
    public var labels: [LocalizedText] = []
    public var choice = 0
    public var on = false
    /// A word beside the field: its format, what leaving it empty means.
    public var note: LocalizedText?

    public static func text(_ id: String, _ label: LocalizedText, _ value: String = "", note: LocalizedText? = nil) -> FormField {
        FormField(id: id, label: label, kind: .text, text: TextBuffer(value), note: note)
    }

    public static func choice(_ id: String, _ label: LocalizedText, _ options: [(String, LocalizedText)], selected: String? = nil,
                              note: LocalizedText? = nil) -> FormField {
        let values = options.map(\.0)
        return FormField(id: id, label: label, kind: .choice, values: values, labels: options.map(\.1),
                         choice: selected.flatMap { values.firstIndex(of: $0) } ?? 0, note: note)
    }

    public static func toggle(_ id: String, _ label: LocalizedText, on: Bool = false, note: LocalizedText? = nil) -> FormField {
        FormField(id: id, label: label, kind: .toggle, on: on, note: note)
    }

    /// What the field holds: its text, its choice's value, or "yes" / "".
    public var value: String {
        switch kind {
        case .text: return text.text
        case .choice: return values.indices.contains(choice) ? values[choice] : ""
        case .toggle: return on ? "yes" : ""
        }
    }
}

/// Which of the secretary's forms (each screen's file says what its form holds and signs).
public enum FormKind: Hashable, Sendable {
    case importFile
    /// The secretary's own decision on one dossier (an override, or a 待核实 settled).
    case decide(dossier: String)
    case notice
    case objection
    case export
    case addMember
    case removeMember(id: String)
}

/// A line under a form (the import's preview, the notices signed so far).
public struct FormLine: Hashable, Sendable {
    public var text: String
    public var role: StyleRole
    public init(_ text: String, _ role: StyleRole = .normal) { self.text = text; self.role = role }
}

/// A secretary's form being filled in. A failed check or signature leaves every field as typed.
public struct FormState: Hashable, Sendable {
    public var kind: FormKind
    public var fields: [FormField]
    public var focus = 0
    public var lines: [FormLine] = []
    public var scroll = 0
    /// The field values the import preview was read for: signing needs a preview of exactly them.
    public var previewed: [String]?
    public init(kind: FormKind, fields: [FormField], lines: [FormLine] = []) {
        self.kind = kind; self.fields = fields; self.lines = lines
    }

    public func value(_ id: String) -> String { fields.first { $0.id == id }?.value ?? "" }
    /// The value trimmed; nil when empty.
    public func optional(_ id: String) -> String? {
        let v = value(id).trimmingCharacters(in: .whitespacesAndNewlines)
        return v.isEmpty ? nil : v
    }
    public var values: [String] { fields.map(\.value) }
    public var focused: FormField? { fields.indices.contains(focus) ? fields[focus] : nil }
    public var editingText: Bool { focused?.kind == .text }
}

public enum Screen: Hashable, Sendable {
    case list
    case dossier(id: String, scroll: Int)
    case sheet(SheetEditor)
    case progress(ListPos, column: Int)
    case ranking(ListPos)
    case breakdown(id: String, ListPos)
    case finalize(FinalizeState)
    case eligibility(ListPos)
    case objections(ListPos)
    /// The secretary's desk: every step of the job, and where it stands (issue 17).
    case desk(ListPos)
    case form(FormState)
    case roster(ListPos)
    /// The chair's progress board per field group (issue 13).
    case groups(ListPos)
    /// The secretary's assignment screen (issue 13).
    case assignment(scroll: Int)

    public var context: KeyContext {
        switch self {
        case .list: return .list
        case .dossier: return .dossier
        case .sheet: return .sheet
        case .progress: return .progress
        case .ranking: return .ranking
        case .breakdown: return .breakdown
        case .finalize: return .finalize
        case .eligibility: return .eligibility
        case .objections: return .objections
        case .desk: return .desk
        case .form: return .form
        case .roster: return .roster
        case .groups: return .groups
        case .assignment: return .assignment
        }
    }
}

/// What is waiting for a `y`.
public enum Pending: Hashable, Sendable {
    case score(SheetInput)
    case recuse(dossier: String, reason: String)
    case finalize([String: TieResolution])
    case secretary(SecretaryAction)
}

public struct ConfirmState: Hashable, Sendable {
    public var pending: Pending
    /// Human-readable summary lines.
    public var summary: [String]
    /// The exact record text that will be signed.
    public var record: String
    public var scroll: Int
}

public enum Modal: Hashable, Sendable {
    case help(scroll: Int)
    case confirm(ConfirmState)
    /// Leaving a signed sheet with unsigned changes: sign them, discard them, or stay.
    case leaveEdited(dossier: String)
}

/// Chair and secretary data, computed when their screens open or data changes.
public struct ChairData: Sendable {
    public var ranking: Ranking
    public var report: PanelReport
    /// Scoring members (member and chair roles), in roster order.
    public var members: [Member]
    /// progress[dossierIndex][memberIndex]
    public var progress: [[SheetStatus]]
    /// Per member: counts of todo, draft, signed, recused.
    public var counts: [[SheetStatus: Int]]
    /// Dossier id → index into the ranking's entries.
    public var rankIndex: [String: Int]
    /// The board per field group (issue 13), nil when the programme has no groups.
    public var groups: GroupBoard? = nil
}

/// The whole UI state. `update` changes it; `view` draws it.
public struct AppState: Sendable {
    public var lang: Language
    public var cols: Int
    public var rows: Int
    public var stack: [Screen] = [.list]
    public var modal: Modal?
    // dossier list
    public var list = ListPos()
    public var sort: SortKey = .id
    /// The colour theme's name (a built-in one, or what --theme named).
    public var themeName = "default"
    /// Collation ranks of names and employers per order, computed once (ICU compares cost
    /// about 0.7 s for 10,000 names) and kept while the texts stay the same.
    public var collationRanks: [SortKey: [String: Int]] = [:]
    public var query = ""
    public var searching = false
    public var all: [ListRow] = []
    /// Indices into `all`, filtered by `query` and sorted by `sort`.
    public var visible: [Int] = []
    public var byID: [String: Int] = [:]
    /// My sheets by status, over all dossiers.
    public var counts: [SheetStatus: Int] = [:]
    /// The distinct member states of the rows and how many are done, kept with the rows (a
    /// frame must not walk 10,000 rows: key-to-redraw doubled when the list did).
    public var states: Set<MemberState> = []
    public var doneCount = 0
    /// Dossiers with a qualification decision signed on their current version (roles that see
    /// the check), counted once per reload for the check's footer and the desk, not per frame.
    public var qualificationsSigned = 0
    /// Whether the list holds only the dossiers an assignment gives me (issue 13).
    public var assignedOnly = false
    public var anyUpdated = false
    // chair / secretary
    public var chair: ChairData?
    /// The secretary's assignment screen's data, read when it opens and on every reload.
    public var assignmentView: AssignmentOverview?
    public var objections: [ObjectionItem] = []
    public var finalized = false
    /// Shown in the title bar until the check of the record files is in.
    public var checkingStore = false
    /// Problems in the store (see `ReviewBackend.storeProblems`).
    public var storeProblems = 0
    /// Forks found by a sync (see `ReviewBackend.forks`).
    public var forks: [ForkNotice] = []
    // feedback
    public var message: String?
    public var messageRole: StyleRole = .message
    /// Bumped whenever a message is set, so a repeated message is not mistaken for an old one.
    public var messageSeq = 0
    public var busy = false
    public var quit = false

    public init(lang: Language, cols: Int, rows: Int) {
        self.lang = lang; self.cols = cols; self.rows = rows
    }

    public var top: Screen { stack.last ?? .list }

    /// Puts the screen on top back with its new state (a screen's update works on a copy).
    mutating func replaceTop(_ screen: Screen) {
        if stack.isEmpty { stack = [screen] } else { stack[stack.count - 1] = screen }
    }

    public var context: KeyContext {
        switch modal {
        case .help?: return .help
        case .confirm?, .leaveEdited?: return .confirm
        case nil: return searching ? .search : top.context
        }
    }

    public static let minCols = 80
    public static let minRows = 24
    public var tooSmall: Bool { cols < AppState.minCols || rows < AppState.minRows }

    /// Rows available to a list body: the screen minus title, column header, message and hints.
    public var bodyHeight: Int { max(1, rows - 4) }
}
