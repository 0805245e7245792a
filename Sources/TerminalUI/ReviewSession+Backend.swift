import Foundation
import Panel
import Records
import Review
import Scoring

/// The terminal UI's view of a real store: a `ReviewSession` for one member, with the signer
/// that member's records go through. Derived data (ranking, statistics, drafts) is computed once
/// per change of the store, never per frame.
public final class SessionBackend: ReviewBackend {
    public let session: ReviewSession
    public let me: Member
    /// nil when no usable key was found: the UI still opens, and signing says why it cannot.
    private let signer: RecordSigner?
    private let signerProblem: ActionError?
    private var cachedRanking: Ranking?
    private var cachedStatistics: PanelStatistics?
    private var draftIndex: [String: Set<String>] = [:]
    private var eligibilityIndex: [String: EligibilityResult] = [:]

    public init(session: ReviewSession, member: String, signer: RecordSigner?, signerProblem: ActionError? = nil) throws {
        self.session = session
        self.me = try session.member(member)
        self.signer = signer
        self.signerProblem = signerProblem
        reindex()
        Trace.phase("ui: drafts") { reindexDrafts() }
        draftStamp = SessionBackend.draftStamp(session.layout)
    }

    /// Forgets what the ledger decides (ranking, statistics). The qualification check is
    /// recomputed only when the panel itself was read again, and only when first asked for
    /// (a member's list does not show it: 10,000 dossiers checked would delay the first screen).
    private func reindex() {
        cachedRanking = nil
        cachedStatistics = nil
    }

    private func eligibilityIndexNow() -> [String: EligibilityResult] {
        if eligibilityVersion != session.panelVersion {
            eligibilityIndex = Trace.phase("ui: qualification check") {
                Dictionary(Eligibility.checkAll(session.panel).map { ($0.dossier, $0) }, uniquingKeysWith: { a, _ in a })
            }
            eligibilityVersion = session.panelVersion
        }
        return eligibilityIndex
    }
    private var eligibilityVersion = -1

    private func reindexDrafts() {
        let drafts = Drafts(layout: session.layout)
        draftIndex = [:]
        for m in session.panel.roster.members { draftIndex[m.id] = drafts.dossiers(of: m.id) }
    }

    public var program: Program { session.program }
    public var roster: Roster { session.panel.roster }
    public var dossiers: [Dossier] { session.panel.dossiers }
    public var finalized: Bool { session.finalized }
    public var checkingStore: Bool { session.checkingInBackground }
    public var storeProblems: Int { session.problemCount }

    public var signingDescription: String {
        if let signer { return signer.description }
        return signerProblem.map { "⚠ " + $0.zh + " / " + $0.en } ?? "⚠ no signing key"
    }

    public func eligibility(_ dossier: String) -> EligibilityResult? { eligibilityIndexNow()[dossier] }

    public func qualification(_ dossier: String) -> Qualification? { session.panel.dossier(dossier).map(session.qualification(of:)) }

    public func status(_ dossier: String) -> SheetStatus { progressStatus(member: me.id, dossier: dossier) }

    public func dossierUpdated(_ dossier: String) -> Bool { session.ledger.isStale(.init(me.id, dossier)) }

    public func progressStatus(member: String, dossier: String) -> SheetStatus {
        let key = Ledger.MemberDossier(member, dossier)
        if session.ledger.recusal(key) != nil { return .recused }
        if session.ledger.latestScore(key) != nil { return .signed }
        if draftIndex[member]?.contains(dossier) == true { return .draft }
        return .todo
    }

    static func input(from signed: Ledger.SignedSheet) -> SheetInput? {
        let sheet = signed.sheet
        return SheetInput(dossier: sheet.dossier, points: sheet.points, vote: sheet.vote?.rawValue,
                          comment: signed.comment ?? "")
    }

    public func signedSheet(_ dossier: String) -> SheetInput? {
        session.ledger.latestScore(.init(me.id, dossier)).flatMap(SessionBackend.input(from:))
    }

    public func panelSheets(_ dossier: String) -> [PanelSheet] {
        roster.members.filter { KindPolicy.allowed(.score, role: $0.role) }.map { m in
            let status = progressStatus(member: m.id, dossier: dossier)
            let sheet = status == .signed ? session.ledger.latestScore(.init(m.id, dossier)).flatMap(SessionBackend.input(from:)) : nil
            return PanelSheet(member: m.id, status: status, sheet: sheet)
        }
    }

    public func loadDraft(_ dossier: String) -> SheetInput? {
        Drafts(layout: session.layout).load(member: me.id, dossier: dossier)
    }

    public func savePreferences(_ p: MemberPreferences) throws {
        try Drafts(layout: session.layout).savePreferences(member: me.id, p)
    }

    public func discardDraft(_ dossier: String) throws {
        Drafts(layout: session.layout).discard(member: me.id, dossier: dossier)
        draftIndex[me.id]?.remove(dossier)
    }

    public func hasDraft(_ dossier: String) -> Bool { draftIndex[me.id]?.contains(dossier) == true }

    public func sheetLock(_ dossier: String) -> LocalizedText? { session.sheetLock(member: me.id, dossier: dossier) }

    public func saveDraft(_ input: SheetInput) throws {
        try Drafts(layout: session.layout).save(member: me.id, input)
        draftIndex[me.id, default: []].insert(input.dossier)
    }

    private func vote(_ input: SheetInput) throws -> Vote? {
        guard let v = input.vote, !v.isEmpty else { return nil }
        guard let vote = Vote(rawValue: v) else { throw ActionError(zh: "未知投票 \(v)", en: "unknown vote \(v)") }
        return vote
    }

    private func requireSigner() throws -> RecordSigner {
        if let signer { return signer }
        throw signerProblem ?? ActionError(zh: "没有可用的签名密钥", en: "no signing key available")
    }

    /// What the member was last shown in the signing confirmation: signing signs exactly these
    /// bytes (same `created` time, same chain position) or refuses.
    private var shown: (key: String, at: Date, bytes: Data)?

    private func show(_ key: String, kind: RecordKind, body: [String: JSONValue]) throws -> String {
        let now = Date()
        let bytes = try session.preview(kind: kind, body: body, as: me.id, now: now)
        shown = (key, now, bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private func confirmed(_ key: String) -> (Date, Data?) {
        guard let shown, shown.key == key else { return (Date(), nil) }
        return (shown.at, shown.bytes)
    }

    private static func key(_ input: SheetInput) -> String {
        "score|\(input.dossier)|\(input.points.sorted { $0.key < $1.key })|\(input.vote ?? "")|\(input.comment)"
    }

    public func previewScoreRecord(_ input: SheetInput) throws -> String {
        let body = try session.scoreBody(as: me.id, dossier: input.dossier, points: input.points, vote: try vote(input), comment: input.comment)
        return try show(SessionBackend.key(input), kind: .score, body: body)
    }

    public func submitScore(_ input: SheetInput) throws -> String {
        let (at, bytes) = confirmed(SessionBackend.key(input))
        let stored = try session.score(as: me.id, dossier: input.dossier, points: input.points, vote: try vote(input),
                                       comment: input.comment, signer: try requireSigner(), now: at, confirmed: bytes)
        shown = nil
        draftIndex[me.id]?.remove(input.dossier)   // the session discarded the draft
        reindex()
        return stored.path
    }

    public func previewRecusal(_ dossier: String, reason: String) throws -> String {
        let body = try session.recusalBody(as: me.id, dossier: dossier, reason: reason)
        return try show("recuse|\(dossier)|\(reason)", kind: .recusal, body: body)
    }

    public func recuse(_ dossier: String, reason: String) throws {
        let (at, bytes) = confirmed("recuse|\(dossier)|\(reason)")
        try session.recuse(as: me.id, dossier: dossier, reason: reason, signer: try requireSigner(), now: at, confirmed: bytes)
        shown = nil
        draftIndex[me.id]?.remove(dossier)
        reindex()
    }

    public func ranking() -> Ranking {
        if let cachedRanking { return cachedRanking }
        let r = session.standing().ranking
        cachedRanking = r
        return r
    }

    public func statistics() -> PanelStatistics {
        if let cachedStatistics { return cachedStatistics }
        // The dossiers in the running only, as `pingshen stats` (one function decides).
        let s = Statistics.compute(program: program, dossiers: session.dossiersInRunning, table: session.countedSheetTable)
        cachedStatistics = s
        return s
    }

    private func resolutions(_ r: [String: TieResolution]) -> [Resolution] {
        r.sorted { $0.key < $1.key }.map { Resolution(dossier: $0.key, decision: $0.value.decision, reason: $0.value.reason) }
    }

    private static func key(_ r: [String: TieResolution]) -> String {
        "finalize|" + r.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.decision):\($0.value.reason)" }.joined(separator: "|")
    }

    public func previewFinalize(resolutions r: [String: TieResolution]) throws -> String {
        let body = try session.finalizeBody(as: me.id, resolutions: resolutions(r))
        return try show(SessionBackend.key(r), kind: .finalize, body: body)
    }

    public func finalize(resolutions r: [String: TieResolution]) throws -> String {
        let body = try session.finalizeBody(as: me.id, resolutions: resolutions(r))
        let (at, bytes) = confirmed(SessionBackend.key(r))
        let stored = try session.append(kind: .finalize, body: body, as: me.id, signer: try requireSigner(), now: at, confirmed: bytes)
        shown = nil
        reindex()
        return stored.path
    }

    public func objections() -> [ObjectionItem] {
        session.ledger.objections.keys.sorted().compactMap { d in
            guard let r = session.ledger.objections[d]?.record else { return nil }
            return ObjectionItem(dossier: d, text: r.body["text"]?.string ?? "", outcome: r.body["outcome"]?.string ?? "pending")
        }
    }

    /// New records reload the ledger; drafts written by other sessions (the chair's progress
    /// grid shows them) only rebuild the draft index.
    public func refreshIfChanged() -> Bool {
        let changed = (try? session.refreshIfChanged()) == true
        if changed { reindex() }
        let stamp = SessionBackend.draftStamp(session.layout)
        guard changed || stamp != draftStamp else { return false }
        draftStamp = stamp
        reindexDrafts()
        return true
    }

    private var draftStamp: [String: Date] = [:]

    static func draftStamp(_ layout: StoreLayout) -> [String: Date] {
        let fm = FileManager.default
        var out: [String: Date] = [:]
        for m in (try? fm.contentsOfDirectory(atPath: layout.draftsDir)) ?? [] {
            let dir = layout.draftsDir + "/" + m
            if let d = (try? fm.attributesOfItem(atPath: dir))?[.modificationDate] as? Date { out[m] = d }
        }
        return out
    }
}
