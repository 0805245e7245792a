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

    /// The decision is one of the two, and a reason is given: for the tie at the quota line
    /// (`finalize --resolve`) and a freed place (`ruling --resolve`) alike.
    func checkShape() throws {
        guard decision == "selected" || decision == "not-selected" else {
            throw ActionError(zh: "裁定只能是 selected 或 not-selected（\(dossier)）", en: "a resolution is selected or not-selected (\(dossier))")
        }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ActionError(zh: "裁定 \(dossier) 需要写明理由", en: "the resolution of \(dossier) needs a reason")
        }
    }
}

/// Where the decision stands: the ranking of the dossiers still in the running, after the
/// secretary's eligibility decisions, upheld objections and the chair's resolutions.
public struct Standing: Sendable {
    public var ranking: Ranking
    /// Dossiers left out: id → why ("ineligible" | "unchecked" | "objection-upheld").
    public var excluded: [String: String]
    public var finalized: Bool
    public var approved: Bool
}

extension ReviewSession {
    /// The ranking as the records say now. Pure in the ledger and the panel.
    public func standing() -> Standing { standing(applyingFinalization: true) }

    func standing(applyingFinalization: Bool) -> Standing {
        // Who is in the running: one function (`qualification(of:)`, Running.swift).
        var excluded: [String: String] = [:]
        var considered: [Dossier] = []
        var out: [Qualification] = []
        for d in panel.dossiers {
            let q = qualification(of: d)
            if q.inRunning { considered.append(d) } else { excluded[d.id] = q.state.rawValue; out.append(q) }
        }
        let drop = program.aggregation.dropsStaleSheets
        var ranking: Ranking
        if hasRounds {
            // Rounds (issue 13): the last round ranks the dossiers on the previous round's
            // shortlists by its own sheets, method and quorum.
            let last = program.roundCount
            let on = Set(roundDossiers(last).map(\.id))
            for d in considered where !on.contains(d.id) { excluded[d.id] = "not-shortlisted" }
            considered = considered.filter { on.contains($0.id) }
            ranking = Ranker.rank(program: program.forRound(last), dossiers: considered, table: ledger.round(last).sheetTable(dropStale: drop))
            ranking.round = last
        } else {
            ranking = Ranker.rank(program: program, dossiers: considered, table: ledger.sheetTable(dropStale: drop))
        }
        ranking.staleSheets = staleSheets()
        ranking.outOfRunning = out
        if applyingFinalization, let fin = ledger.finalization {
            let resolutions = ReviewSession.resolutions(in: fin.record)
            for i in ranking.entries.indices where ranking.entries[i].status == .tieAtCut {
                if let r = resolutions[ranking.entries[i].dossier] {
                    ranking.entries[i].status = r == "selected" ? .selected : .notSelected
                }
            }
            // Once the list is publicised, the selected are those publicised (issue 12): an
            // upheld objection frees a place that only a supplementary notice fills, never the
            // next in the ranking by itself.
            if mainNotice() != nil {
                let pub = Set(publicised())
                for i in ranking.entries.indices {
                    if pub.contains(ranking.entries[i].dossier) {
                        ranking.entries[i].status = .selected
                    } else if ranking.entries[i].status == .selected || ranking.entries[i].status == .tieAtCut {
                        ranking.entries[i].status = .notSelected
                    }
                }
            }
        }
        return Standing(ranking: ranking, excluded: excluded, finalized: ledger.finalization != nil, approved: approvalComplete)
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
        try requireReplicableRounds(LocalizedText(zh: "签署定稿", en: "sign the finalization"))
        if ledger.approval != nil {
            throw ActionError(zh: "名单已审定，不能再定稿", en: "the list has been approved; it cannot be finalized again")
        }
        // Every dossier needs the secretary's signed decision on its current version first
        // (资格审核 before 专家评审): the panel never finalizes over an unchecked one.
        let unchecked = qualifications().filter { $0.state == .unchecked }.map(\.dossier)
        if !unchecked.isEmpty {
            let list = unchecked.prefix(10).joined(separator: ", ") + (unchecked.count > 10 ? " …" : "")
            throw ActionError(zh: "\(unchecked.count) 份申报材料尚无资格审核决定（或材料已更新）：\(list)；请秘书先签署（pingshen eligibility STORE --as 秘书 --all）",
                              en: "\(unchecked.count) dossiers have no signed eligibility decision on their current version: \(list); the secretary signs them first (pingshen eligibility STORE --as SEC --all)")
        }
        // Rounds (issue 13): finalize applies to the last round, once every earlier one is closed.
        if hasRounds, openRound < program.roundCount {
            throw ActionError(zh: "第 \(openRound) 轮尚未结束：先签署其入围名单（pingshen shortlist --round \(openRound)）",
                              en: "round \(openRound) is still open: sign its shortlists first (pingshen shortlist --round \(openRound))")
        }
        let standing = standing(applyingFinalization: false)
        let ranking = standing.ranking
        let tied = ranking.entries.filter { $0.status == .tieAtCut }.map(\.dossier)
        let byDossier = Dictionary(resolutions.map { ($0.dossier, $0) }, uniquingKeysWith: { _, b in b })
        for r in resolutions {
            guard tied.contains(r.dossier) else {
                throw ActionError(zh: "\(r.dossier) 不在分数线并列之中，无需裁定", en: "\(r.dossier) is not in a tie at the cut; nothing to resolve")
            }
            try r.checkShape()
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

    // Objections and the approval: Notice.swift (issue 12).

    // MARK: - Eligibility decisions (secretary)

    /// The decision the automatic check gives, nil when only the secretary can settle it
    /// (待核实 / to be confirmed: a hard rule whose data the programme's form does not carry).
    public static func checkDecision(_ r: EligibilityResult) -> String? {
        switch r.outcome {
        case .eligible: return "eligible"
        case .ineligible: return "ineligible"
        case .toBeConfirmed: return nil
        }
    }

    /// The decisions to sign: for each dossier (of `only`, else all) whose current version has
    /// no signed decision equal to what is decided now, the check's decision, or the
    /// secretary's where `overrides` gives one (with a reason, required when it differs from the
    /// check's or settles a 待核实, as a real 资格审核 records why). Dossiers the check leaves
    /// to be confirmed and no override settles are left out (they stay 未审核) and returned in
    /// `unsettled`.
    public func eligibilityDecisions(as secretaryID: String, overrides: [EligibilityOverride] = [], only: Set<String>? = nil) throws
        -> (decisions: [RecordKinds.EligibilityEntry], unsettled: [String]) {
        try settle()
        let sec = try member(secretaryID)
        try requireRole(sec, for: .eligibility)
        if ledger.approval != nil {
            throw ActionError(zh: "名单已审定，不能再改资格审核决定", en: "the list is approved; eligibility decisions can no longer change")
        }
        var byDossier: [String: EligibilityOverride] = [:]
        for o in overrides {
            _ = try requireDossier(o.dossier)
            guard o.decision == "eligible" || o.decision == "ineligible" else {
                throw ActionError(zh: "\(o.dossier) 的决定只能是 eligible 或 ineligible，得到“\(o.decision)”",
                                  en: "the decision for \(o.dossier) is eligible or ineligible, got '\(o.decision)'")
            }
            guard byDossier.updateValue(o, forKey: o.dossier) == nil else {
                throw ActionError(zh: "\(o.dossier) 的决定给了两次", en: "\(o.dossier) is decided twice")
            }
        }
        if let only { for d in only.sorted() { _ = try requireDossier(d) } }
        var out: [RecordKinds.EligibilityEntry] = []
        var unsettled: [String] = []
        // The whole store's check: a rule across dossiers (a unit's ranks) sees them all.
        let checks = Dictionary(Eligibility.checkAll(panel).map { ($0.dossier, $0) }, uniquingKeysWith: { a, _ in a })
        for d in panel.dossiers where only?.contains(d.id) ?? true {
            let r = checks[d.id] ?? Eligibility.check(d, program: program, sanctions: panel.sanctions)
            let checked = ReviewSession.checkDecision(r)
            let o = byDossier[d.id]
            guard let decision = o?.decision ?? checked else { unsettled.append(d.id); continue }
            let reason = o?.reason.trimmingCharacters(in: .whitespacesAndNewlines)
            if decision != checked, reason?.isEmpty ?? true {
                throw ActionError(zh: "\(d.id)：决定与资格核查结果不同（或核查结果待核实），须写明理由（--decide \(d.id)=\(decision):理由）",
                                  en: "\(d.id): the decision differs from the check (or settles a to-be-confirmed), so it needs a reason (--decide \(d.id)=\(decision):REASON)")
            }
            guard let version = ledger.pins.current[d.id]?.sha256 else { continue }
            // Decided already on this version, and nothing new to say.
            if o == nil, ledger.eligibilityDecisions[d.id] == decision, ledger.eligibilityVersions[d.id] == version { continue }
            // What failed and what was to be confirmed (a settled 待核实 says what it settled).
            let reasons: [JSONValue] = r.reasons.map { .object(["rule": .string($0.rule), "zh": .string($0.zh), "en": .string($0.en)]) }
            out.append(RecordKinds.EligibilityEntry(dossier: d.id, decision: decision, version: version, reasons: reasons,
                                                    reason: reason?.isEmpty == false ? reason : nil))
        }
        return (out, unsettled)
    }

    /// One `eligibility` record per decision (the per-dossier form).
    public func eligibilityBodies(as secretaryID: String, overrides: [EligibilityOverride] = [], only: Set<String>? = nil) throws -> [[String: JSONValue]] {
        try eligibilityDecisions(as: secretaryID, overrides: overrides, only: only).decisions.map { e in
            var body: [String: JSONValue] = ["dossier": .string(e.dossier), "result": .string(e.decision), "reasons": .array(e.reasons)]
            if let v = e.version { body[DossierPins.bodyKey] = .string(v) }
            if let why = e.reason { body["reason"] = .string(why) }
            return body
        }
    }

    /// One `eligibility` record for all the decisions (the batch form: the whole check of
    /// 10,000 dossiers is one signature); nil when there is nothing to decide.
    public func eligibilityBatchBody(as secretaryID: String, overrides: [EligibilityOverride] = [], only: Set<String>? = nil) throws -> [String: JSONValue]? {
        let decisions = try eligibilityDecisions(as: secretaryID, overrides: overrides, only: only).decisions
        guard !decisions.isEmpty else { return nil }
        return ["decisions": .array(decisions.map { e in
            var item: [String: JSONValue] = ["dossier": .string(e.dossier), "decision": .string(e.decision), "reasons": .array(e.reasons)]
            if let v = e.version { item["sha256"] = .string(v) }
            if let why = e.reason { item["reason"] = .string(why) }
            return .object(item)
        })]
    }
}

/// The secretary's own decision on a dossier, overriding (or settling) the check, with why.
public struct EligibilityOverride: Hashable, Sendable {
    public var dossier: String
    /// "eligible" | "ineligible"
    public var decision: String
    public var reason: String
    public init(dossier: String, decision: String, reason: String) { self.dossier = dossier; self.decision = decision; self.reason = reason }

    /// `ID=eligible:REASON` or `ID=ineligible:REASON` (the reason may be empty when the decision is the check's).
    public init(parsing item: String) throws {
        guard let eq = item.firstIndex(of: "=") else {
            throw ActionError(zh: "--decide 需要 编号=eligible|ineligible:理由，得到“\(item)”", en: "--decide takes ID=eligible|ineligible:REASON, got '\(item)'")
        }
        let rest = item[item.index(after: eq)...]
        let colon = rest.firstIndex(of: ":")
        self.init(dossier: String(item[..<eq]), decision: String(rest[..<(colon ?? rest.endIndex)]),
                  reason: colon.map { String(rest[rest.index(after: $0)...]) } ?? "")
    }
}
