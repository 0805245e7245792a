import Foundation
import Panel

/// A member's approval vote beside the points (推荐 / 不推荐 / 弃权).
public enum Vote: String, Sendable, Codable, CaseIterable {
    case recommend, reject, abstain

    public func label(_ lang: Language) -> String {
        switch self {
        case .recommend: return lang.pick("推荐", "recommend")
        case .reject: return lang.pick("不推荐", "reject")
        case .abstain: return lang.pick("弃权", "abstain")
        }
    }
}

/// One member's scoring sheet for one dossier. `total` is the sum of the criterion points
/// (weights are expressed as max points), kept up to date when `points` changes.
public struct Sheet: Sendable, Hashable {
    public var member: String
    public var dossier: String
    public var points: [String: Int] { didSet { total = Sheet.sum(points) } }
    public var vote: Vote?
    public private(set) var total: Int

    public init(member: String, dossier: String, points: [String: Int], vote: Vote? = nil) {
        self.member = member
        self.dossier = dossier
        self.points = points
        self.vote = vote
        self.total = Sheet.sum(points)
    }

    static func sum(_ points: [String: Int]) -> Int { Points.sum(points.values) }
}

/// What the records say about sheets, in the order of each member's chain (`seq`).
public enum SheetEvent: Sendable {
    case score(Sheet, seq: Int)
    case recusal(member: String, dossier: String, seq: Int)
}

/// The sheets that count: for each (member, dossier) the `score` with the highest `seq` (later
/// sheets supersede earlier ones; `seq` numbers one member's records); a recusal by that member
/// for that dossier removes the pair whatever its position in the chain (a declared conflict of
/// interest is final; a later score for the same dossier does not undo it).
/// The result is sorted by dossier, then member (code-point order), so it does not depend on the
/// order of `events`.
public func validSheets(_ events: [SheetEvent]) -> [Sheet] {
    struct Key: Hashable { var member: String; var dossier: String }
    var latest: [Key: (sheet: Sheet, seq: Int)] = [:]
    var recused: Set<Key> = []
    latest.reserveCapacity(events.count)
    for event in events {
        switch event {
        case let .score(sheet, seq):
            let key = Key(member: sheet.member, dossier: sheet.dossier)
            if let old = latest[key], old.seq >= seq { continue }
            latest[key] = (sheet, seq)
        case let .recusal(member, dossier, _):
            recused.insert(Key(member: member, dossier: dossier))
        }
    }
    var out: [Sheet] = []
    out.reserveCapacity(latest.count)
    for (key, value) in latest where !recused.contains(key) { out.append(value.sheet) }
    out.sort { a, b in
        a.dossier != b.dossier ? codePointLess(a.dossier, b.dossier) : codePointLess(a.member, b.member)
    }
    return out
}

/// Code-point order of strings (what Python's `sorted` does), independent of Unicode normalisation.
@inline(__always) func codePointLess(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}

/// Valid sheets in compact form (what the ranking and the statistics read of them): ids
/// interned once, one small row per sheet. Rows are in (dossier, member) code-point order, as
/// `validSheets` returns them.
public struct SheetTable: Sendable {
    public struct Row: Sendable, Hashable {
        public var member: Int32
        public var dossier: Int32
        public var total: Int
        /// -1 none, else the index in `Vote.allCases`.
        public var vote: Int8
        public init(member: Int32, dossier: Int32, total: Int, vote: Int8) {
            self.member = member; self.dossier = dossier; self.total = total; self.vote = vote
        }
    }
    public var memberIDs: [String]
    public var dossierIDs: [String]
    public var rows: [Row]

    public init(memberIDs: [String], dossierIDs: [String], rows: [Row]) {
        self.memberIDs = memberIDs; self.dossierIDs = dossierIDs; self.rows = rows
    }

    /// The table of `sheets` (already in `validSheets` order).
    public init(_ sheets: [Sheet]) {
        var members: [String: Int32] = [:], dossiers: [String: Int32] = [:]
        memberIDs = []; dossierIDs = []; rows = []
        rows.reserveCapacity(sheets.count)
        for s in sheets {
            let m = members[s.member] ?? { let i = Int32(memberIDs.count); members[s.member] = i; memberIDs.append(s.member); return i }()
            let d = dossiers[s.dossier] ?? { let i = Int32(dossierIDs.count); dossiers[s.dossier] = i; dossierIDs.append(s.dossier); return i }()
            rows.append(Row(member: m, dossier: d, total: s.total, vote: SheetTable.voteCode(s.vote)))
        }
    }

    public static func voteCode(_ v: Vote?) -> Int8 { v.map { Int8(Vote.allCases.firstIndex(of: $0)!) } ?? -1 }
}
