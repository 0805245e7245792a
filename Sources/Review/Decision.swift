import Foundation
import Panel
import Records
import Scoring

/// The chair's resolution of one dossier of a tie at the quota line.
public struct Resolution: Hashable, Sendable {
    public var dossier: String
    /// "selected" or "not-selected"
    public var decision: String
    public var reason: String
    public init(dossier: String, decision: String, reason: String) {
        self.dossier = dossier; self.decision = decision; self.reason = reason
    }
}

/// Where the decision stands: the ranking of the dossiers still in the running, after the
/// secretary's eligibility decisions, upheld objections and the chair's resolutions.
public struct Standing: Sendable {
    public var ranking: Ranking
    /// Dossiers left out: id → why ("ineligible" | "objection-upheld").
    public var excluded: [String: String]
    public var finalized: Bool
    public var approved: Bool
}

extension ReviewSession {
    /// The ranking as the records say now. Pure in the ledger and the panel.
    public func standing() -> Standing { standing(applyingFinalization: true) }

    func standing(applyingFinalization: Bool) -> Standing {
        var excluded: [String: String] = [:]
        for (d, result) in ledger.eligibilityDecisions where result == "ineligible" { excluded[d] = "ineligible" }
        for (d, _) in ledger.objections where ledger.outcome(of: d) == "upheld" { excluded[d] = "objection-upheld" }
        let considered = panel.dossiers.filter { excluded[$0.id] == nil }
        let drop = program.aggregation.dropsStaleSheets
        var ranking = Ranker.rank(program: program, dossiers: considered, table: ledger.sheetTable(dropStale: drop))
        ranking.staleSheets = staleSheets()
        if applyingFinalization, let fin = ledger.finalization {
            let resolutions = ReviewSession.resolutions(in: fin.record)
            for i in ranking.entries.indices where ranking.entries[i].status == .tieAtCut {
                if let r = resolutions[ranking.entries[i].dossier] {
                    ranking.entries[i].status = r == "selected" ? .selected : .notSelected
                }
            }
        }
        return Standing(ranking: ranking, excluded: excluded, finalized: ledger.finalization != nil, approved: ledger.approval != nil)
    }

    /// The latest sheets made on an older version of their dossier (issue 11), of dossiers in
    /// the store, each with whether the programme counts it (`aggregation.stale_sheets`).
    public func staleSheets() -> [StaleSheet] {
        let counted = !program.aggregation.dropsStaleSheets
        return ledger.staleSheets.filter { panel.dossier($0.sheet.dossier) != nil }.map {
            StaleSheet(member: $0.sheet.member, dossier: $0.sheet.dossier, path: $0.path, counted: counted)
        }
    }

    /// The sheet table the programme counts (without stale sheets under `stale_sheets: drop`).
    public var countedSheetTable: SheetTable { ledger.sheetTable(dropStale: program.aggregation.dropsStaleSheets) }

    static func resolutions(in record: Record) -> [String: String] {
        guard case .array(let items)? = record.body["resolutions"] else { return [:] }
        var out: [String: String] = [:]
        for item in items {
            if let d = item["dossier"]?.string, let decision = item["decision"]?.string { out[d] = decision }
        }
        return out
    }

    // MARK: - Finalize (chair)

    public func finalizeBody(as chairID: String, resolutions: [Resolution]) throws -> [String: JSONValue] {
        try settle()
        let chair = try member(chairID)
        try requireRole(chair, for: .finalize)
        try requireNoProblems(LocalizedText(zh: "签署定稿", en: "sign the finalization"))
        if ledger.approval != nil {
            throw ActionError(zh: "名单已审定，不能再定稿", en: "the list has been approved; it cannot be finalized again")
        }
        let standing = standing(applyingFinalization: false)
        let ranking = standing.ranking
        let tied = ranking.entries.filter { $0.status == .tieAtCut }.map(\.dossier)
        let byDossier = Dictionary(resolutions.map { ($0.dossier, $0) }, uniquingKeysWith: { _, b in b })
        for r in resolutions {
            guard tied.contains(r.dossier) else {
                throw ActionError(zh: "\(r.dossier) 不在分数线并列之中，无需裁定", en: "\(r.dossier) is not in a tie at the cut; nothing to resolve")
            }
            guard r.decision == "selected" || r.decision == "not-selected" else {
                throw ActionError(zh: "裁定只能是 selected 或 not-selected（\(r.dossier)）", en: "a resolution is selected or not-selected (\(r.dossier))")
            }
            guard !r.reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ActionError(zh: "裁定 \(r.dossier) 需要写明理由", en: "the resolution of \(r.dossier) needs a reason")
            }
        }
        let unresolved = tied.filter { byDossier[$0] == nil }
        if !unresolved.isEmpty {
            throw ActionError(zh: "分数线处并列未裁定：\(unresolved.joined(separator: ", "))（用 --resolve 编号=selected|not-selected:理由）",
                              en: "tie at the cut not resolved: \(unresolved.joined(separator: ", ")) (use --resolve ID=selected|not-selected:REASON)")
        }
        if !tied.isEmpty {
            let selectedBefore = ranking.entries.filter { $0.status == .selected }.count
            let places = max(0, ranking.quota - selectedBefore)
            let chosen = tied.filter { byDossier[$0]?.decision == "selected" }.count
            guard chosen == min(places, tied.count) else {
                throw ActionError(zh: "并列中应选入 \(min(places, tied.count)) 人，裁定选入了 \(chosen) 人",
                                  en: "\(min(places, tied.count)) of the tied dossiers fill the quota; the resolutions select \(chosen)")
            }
        }
        let (counted, root) = try records.finalizeSummary()
        let pins = try finalizePins()
        var rows: [JSONValue] = []
        var selected: [JSONValue] = []
        for e in ranking.entries {
            var status = e.status.rawValue
            if let r = byDossier[e.dossier] { status = r.decision }
            if status == "selected" { selected.append(.string(e.dossier)) }
            rows.append(.object([
                "rank": .int(Int64(e.rank)), "dossier": .string(e.dossier),
                "exact": .string(e.score.map { $0.description } ?? ""), "status": .string(status),
            ]))
        }
        return [
            "method": .string(ranking.method),
            "quota": .int(Int64(ranking.quota)),
            "counted": .object(counted.mapValues { .int(Int64($0)) }),
            "merkle_root": .string(root),
            "ranking": .array(rows),
            // What the public notice lists (`export publicity` prints exactly this).
            "selected": .array(selected),
            "resolutions": .array(resolutions.map {
                .object(["dossier": .string($0.dossier), "decision": .string($0.decision), "reason": .string($0.reason)])
            }),
            "excluded": .object(standing.excluded.mapValues { .string($0) }),
        ].merging(pins) { a, _ in a }
    }

    // MARK: - Objections (secretary) and approval (chair / approver)

    public func objectionBody(as secretaryID: String, dossier: String, text: String, outcome: String) throws -> [String: JSONValue] {
        try settle()
        let sec = try member(secretaryID)
        try requireRole(sec, for: .objection)
        _ = try requireDossier(dossier)
        guard ["pending", "upheld", "dismissed"].contains(outcome) else {
            throw ActionError(zh: "异议结果只能是 pending、upheld 或 dismissed", en: "an objection's outcome is pending, upheld or dismissed")
        }
        if ledger.approval != nil {
            throw ActionError(zh: "名单已审定，公示期已结束", en: "the list is approved; the public notice period is over")
        }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ActionError(zh: "请写明异议内容", en: "the objection needs its text")
        }
        return ["dossier": .string(dossier), "text": .string(text), "outcome": .string(outcome)]
    }

    public func approvalBody(as approverID: String) throws -> [String: JSONValue] {
        try settle()
        let a = try member(approverID)
        try requireRole(a, for: .approval)
        try requireNoProblems(LocalizedText(zh: "签署审定", en: "sign the approval"))
        guard let fin = ledger.finalization else {
            throw ActionError(zh: "尚未定稿，不能审定", en: "nothing to approve: the ranking is not finalized")
        }
        if ledger.approval != nil {
            throw ActionError(zh: "名单已审定", en: "the list is already approved")
        }
        let pending = ledger.objections.keys.filter { ledger.outcome(of: $0) == "pending" }.sorted()
        if !pending.isEmpty {
            throw ActionError(zh: "仍有未处理的公示异议：\(pending.joined(separator: ", "))", en: "objections still pending: \(pending.joined(separator: ", "))")
        }
        let s = standing()
        if s.ranking.entries.contains(where: { $0.status == .tieAtCut }) {
            throw ActionError(zh: "分数线处仍有并列，请组长重新定稿", en: "a tie at the cut remains; the chair must finalize again")
        }
        let selected = s.ranking.entries.filter { $0.status == .selected }.map { JSONValue.string($0.dossier) }
        return ["finalize": .string(fin.sha256), "selected": .array(selected), "decision": .string("approved")]
    }

    // MARK: - Eligibility decisions (secretary)

    /// One `eligibility` record per dossier whose automatic check result differs from the last
    /// recorded decision (or has none).
    public func eligibilityBodies(as secretaryID: String) throws -> [[String: JSONValue]] {
        try settle()
        let sec = try member(secretaryID)
        try requireRole(sec, for: .eligibility)
        var out: [[String: JSONValue]] = []
        for r in Eligibility.checkAll(panel) {
            let result = r.eligible ? "eligible" : "ineligible"
            let version = ledger.pins.current[r.dossier]?.sha256
            // Decided again when the dossier was amended since (the decision names its version).
            if ledger.eligibilityDecisions[r.dossier] == result && ledger.eligibilityVersions[r.dossier] == version { continue }
            var body: [String: JSONValue] = [
                "dossier": .string(r.dossier), "result": .string(result),
                "reasons": .array(r.failures.map { .object(["rule": .string($0.rule), "zh": .string($0.zh), "en": .string($0.en)]) }),
            ]
            if let version { body[DossierPins.bodyKey] = .string(version) }
            out.append(body)
        }
        return out
    }
}

