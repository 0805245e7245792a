import Foundation
import Panel
import Records
import Scoring

/// The store's signed records, checked, and what they say: sheets, recusals, eligibility
/// decisions, the finalization, objections and approvals. Records that fail verification are
/// reported and left out of every count.
public struct Ledger: Sendable {
    public var records: [StoredRecord]
    public var problems: [Problem]
    public var events: [SheetEvent]
    /// Latest score body per (member, dossier), for display and drafts.
    public var latestScores: [MemberDossier: StoredRecord]
    public var recusals: [MemberDossier: StoredRecord]
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

    public init(records: [StoredRecord], problems: [Problem]) {
        self.records = records
        self.problems = problems
        events = []
        latestScores = [:]
        recusals = [:]
        eligibilityDecisions = [:]
        objections = [:]
        var eligibilityOrder: [String: String] = [:]
        var objectionOrder: [String: String] = [:]
        for stored in records {
            let r = stored.record
            let dossier = r.body["dossier"]?.string
            switch r.kind {
            case .score:
                guard let dossier, let sheet = Ledger.sheet(from: r) else { continue }
                events.append(.score(sheet, seq: r.seq))
                let key = MemberDossier(r.signer, dossier)
                if let old = latestScores[key], old.record.seq > r.seq { continue }
                latestScores[key] = stored
            case .recusal:
                guard let dossier else { continue }
                events.append(.recusal(member: r.signer, dossier: dossier, seq: r.seq))
                recusals[MemberDossier(r.signer, dossier)] = stored
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
        let (records, report) = try Verifier.verifiedRecords(layout: layout, cache: true)
        return Ledger(records: records, problems: report.problems)
    }

    public var sheets: [Sheet] { validSheets(events) }

    public func outcome(of dossier: String) -> String? { objections[dossier]?.record.body["outcome"]?.string }
}
