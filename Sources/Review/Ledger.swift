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
        public var path: String { "records/" + sheet.member + "/" + RecordFileName.json(seq) }
    }

    /// What one verified record leaves behind.
    enum Item {
        case score(SignedSheet)
        case recusal(member: String, dossier: String, seq: Int)
        case other(StoredRecord)
        /// Signer and seq.
        var position: (String, Int) {
            switch self {
            case .score(let s): return (s.sheet.member, s.seq)
            case .recusal(let m, _, let seq): return (m, seq)
            case .other(let r): return (r.record.signer, r.record.seq)
            }
        }
        var path: String {
            switch self {
            case .score(let s): return s.path
            case .recusal(let m, _, let seq): return "records/" + m + "/" + RecordFileName.json(seq)
            case .other(let r): return r.path
            }
        }
    }

    static func item(_ stored: StoredRecord) -> Item? {
        let r = stored.record
        switch r.kind {
        case .score:
            guard let sheet = Ledger.sheet(from: r) else { return nil }
            return .score(SignedSheet(sheet: sheet, comment: r.body["comment"]?.string, seq: r.seq))
        case .recusal:
            guard let dossier = r.body["dossier"]?.string else { return nil }
            return .recusal(member: r.signer, dossier: dossier, seq: r.seq)
        default:
            // No need to keep the bytes of these either.
            return .other(StoredRecord(record: r, bytes: Data(), path: stored.path, sha256: stored.sha256))
        }
    }

    /// Each signer's highest seq among the records counted.
    var heads: [String: Int] = [:]

    /// The last seq of `member`'s records in this ledger (0 for none).
    public func head(of member: String) -> Int { heads[member] ?? 0 }

    /// Takes in a record this session has just appended (and so knows to be valid).
    public mutating func take(_ stored: StoredRecord) {
        recordCount += 1
        if let item = Ledger.item(stored) { add(item) }
    }

    // Latest `created` seen per dossier, while adding.
    var eligibilityOrder: [String: String] = [:]
    var objectionOrder: [String: String] = [:]

    init(problems: [Problem]) {
        self.problems = problems
        recordCount = 0
        events = []
        latestScores = [:]
        recusals = [:]
        eligibilityDecisions = [:]
        objections = [:]
    }

    public init(records: [StoredRecord], problems: [Problem]) {
        self.init(problems: problems)
        let bad = Set(problems.map(\.path))
        events.reserveCapacity(records.count)
        for stored in records where !bad.contains(stored.path) { take(stored) }
    }

    mutating func add(_ item: Item) {
        let (signer, seq) = item.position
        if seq > heads[signer, default: 0] { heads[signer] = seq }
        switch item {
        case .score(let s):
            events.append(.score(s.sheet, seq: s.seq))
            let key = MemberDossier(s.sheet.member, s.sheet.dossier)
            if let old = latestScores[key], old.seq > s.seq { return }
            latestScores[key] = s
        case .recusal(let member, let dossier, let seq):
            events.append(.recusal(member: member, dossier: dossier, seq: seq))
            recusals[MemberDossier(member, dossier)] = seq
        case .other(let stored):
            let r = stored.record
            let dossier = r.body["dossier"]?.string
            switch r.kind {
            case .eligibility:
                guard let dossier, let result = r.body["result"]?.string else { return }
                if let seen = eligibilityOrder[dossier], seen > r.created { return }
                eligibilityOrder[dossier] = r.created
                eligibilityDecisions[dossier] = result
            case .finalize:
                if let f = finalization, f.record.created > r.created { return }
                finalization = stored
            case .objection:
                guard let dossier else { return }
                if let seen = objectionOrder[dossier], seen > r.created { return }
                objectionOrder[dossier] = r.created
                objections[dossier] = stored
            case .approval:
                approval = stored
            case .score, .recusal:
                return
            }
        }
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
        var ledger = Ledger(problems: [])
        let report = try Verifier.forEachVerifiedRecord(layout: layout, cache: true) { stored in
            ledger.take(stored)
        }
        // Only these problems can name a record after it was handed over (see
        // forEachVerifiedRecord); then build again from the records that count, the slow way.
        if report.problems.contains(where: { $0.kind == "after-finalize" || $0.kind == "merkle" }) {
            let (records, full) = try Verifier.verifiedRecords(layout: layout, cache: true)
            return Ledger(records: records, problems: full.problems)
        }
        ledger.problems = report.problems
        return ledger
    }

    public var sheets: [Sheet] { validSheets(events) }

    public func outcome(of dossier: String) -> String? { objections[dossier]?.record.body["outcome"]?.string }
}
