import Foundation
import Panel
import Records
import Scoring

/// The store's signed records, checked, and what they say: sheets, recusals, eligibility
/// decisions, the finalization, objections and approvals. Records that fail verification are
/// reported and left out of every count.
///
/// Compact at city scale (300,000 records): the record bytes and parsed bodies of score and
/// recusal records are not kept, only the sheet each one carries; the few other records
/// (eligibility, finalization, objections, approval) are kept whole.
public struct Ledger: Sendable {
    /// How many records passed verification (and are counted).
    public var recordCount: Int
    public var problems: [Problem]
    public var events: [SheetEvent]
    /// Latest score sheet per (member, dossier), for display and drafts.
    public var latestScores: [MemberDossier: SignedSheet]
    /// Recusals per (member, dossier): the recusal's seq.
    public var recusals: [MemberDossier: Int]
    /// The secretary's latest eligibility decision per dossier ("eligible" | "ineligible").
    public var eligibilityDecisions: [String: String]
    public var finalization: StoredRecord?
    /// Latest objection per dossier.
    public var objections: [String: StoredRecord]
    public var approval: StoredRecord?

    public struct MemberDossier: Hashable, Sendable {
        public var member: String
        public var dossier: String
        public init(_ member: String, _ dossier: String) { self.member = member; self.dossier = dossier }
    }

    /// A signed score sheet: what the record says, without its bytes.
    public struct SignedSheet: Sendable {
        public var sheet: Sheet
        public var comment: String?
        public var seq: Int
        /// records/MEMBER/NNNNNN.json
        public var path: String
    }

    /// What one verified record leaves behind until the report says which ones count.
    enum Item {
        case score(SignedSheet)
        case recusal(member: String, dossier: String, seq: Int, path: String)
        case other(StoredRecord)
        var path: String {
            switch self {
            case .score(let s): return s.path
            case .recusal(_, _, _, let p): return p
            case .other(let r): return r.path
            }
        }
    }

    static func item(_ stored: StoredRecord) -> Item? {
        let r = stored.record
        switch r.kind {
        case .score:
            guard let sheet = Ledger.sheet(from: r) else { return nil }
            return .score(SignedSheet(sheet: sheet, comment: r.body["comment"]?.string, seq: r.seq, path: stored.path))
        case .recusal:
            guard let dossier = r.body["dossier"]?.string else { return nil }
            return .recusal(member: r.signer, dossier: dossier, seq: r.seq, path: stored.path)
        default:
            // No need to keep the bytes of these either.
            return .other(StoredRecord(record: r, bytes: Data(), path: stored.path, sha256: stored.sha256))
        }
    }

    public init(records: [StoredRecord], problems: [Problem]) {
        self.init(items: records.compactMap(Ledger.item), count: records.count, problems: problems, bad: [])
    }

    init(items: [Item], count: Int, problems: [Problem], bad: Set<String>) {
        self.problems = problems
        recordCount = 0
        events = []
        latestScores = [:]
        recusals = [:]
        eligibilityDecisions = [:]
        objections = [:]
        events.reserveCapacity(items.count)
        var eligibilityOrder: [String: String] = [:]
        var objectionOrder: [String: String] = [:]
        var counted = count
        for item in items {
            if !bad.isEmpty, bad.contains(item.path) { counted -= 1; continue }
            switch item {
            case .score(let s):
                events.append(.score(s.sheet, seq: s.seq))
                let key = MemberDossier(s.sheet.member, s.sheet.dossier)
                if let old = latestScores[key], old.seq > s.seq { continue }
                latestScores[key] = s
            case .recusal(let member, let dossier, let seq, _):
                events.append(.recusal(member: member, dossier: dossier, seq: seq))
                recusals[MemberDossier(member, dossier)] = seq
            case .other(let stored):
                let r = stored.record
                let dossier = r.body["dossier"]?.string
                switch r.kind {
                case .eligibility:
                    guard let dossier, let result = r.body["result"]?.string else { continue }
                    if let seen = eligibilityOrder[dossier], seen > r.created { continue }
                    eligibilityOrder[dossier] = r.created
                    eligibilityDecisions[dossier] = result
                case .finalize:
                    if let f = finalization, f.record.created > r.created { continue }
                    finalization = stored
                case .objection:
                    guard let dossier else { continue }
                    if let seen = objectionOrder[dossier], seen > r.created { continue }
                    objectionOrder[dossier] = r.created
                    objections[dossier] = stored
                case .approval:
                    approval = stored
                case .score, .recusal:
                    continue
                }
            }
        }
        recordCount = counted
    }

    /// A score record's sheet, or nil when its body is not a score sheet.
    public static func sheet(from r: Record) -> Sheet? {
        guard let dossier = r.body["dossier"]?.string, case .object(let pts)? = r.body["points"] else { return nil }
        var points: [String: Int] = [:]
        for (k, v) in pts {
            guard let n = v.int else { return nil }
            points[k] = Int(n)
        }
        let vote = r.body["vote"]?.string.flatMap(Vote.init(rawValue:))
        return Sheet(member: r.signer, dossier: dossier, points: points, vote: vote)
    }

    /// Loads every record of the store, verified (through the verified-record cache: a record
    /// whose bytes and signature were verified before is not verified again); records with a
    /// problem are reported and left out.
    public static func load(layout: StoreLayout) throws -> Ledger {
        var items: [Item] = []
        var count = 0
        let report = try Verifier.forEachVerifiedRecord(layout: layout, cache: true) { stored in
            count += 1
            if let item = Ledger.item(stored) { items.append(item) }
        }
        return Ledger(items: items, count: count, problems: report.problems, bad: Set(report.problems.map(\.path)))
    }

    public var sheets: [Sheet] { validSheets(events) }

    public func outcome(of dossier: String) -> String? { objections[dossier]?.record.body["outcome"]?.string }
}
