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
        self.me = try Trace.phase("ui: member") { try session.member(member) }
        self.signer = signer
        self.signerProblem = signerProblem
        reindex()
        Trace.phase("ui: drafts") { reindexDrafts() }
        draftStamp = SessionBackend.draftStamp(session.layout)
        forkStamp = ForkEvidence.stamp(session.layout)
    }

    /// Forgets what the ledger decides (ranking, statistics). The qualification check is
    /// recomputed only when the panel itself was read again, and only when first asked for
    /// (a member's list does not show it: 10,000 dossiers checked would delay the first screen).
    private func reindex() {
        cachedRanking = nil
        cachedStatistics = nil
        cachedForks = nil
    }
    /// Read again when the store changed or a sync kept a new fork (`forkStamp`).
    private var cachedForks: [ForkNotice]?
    private var forkStamp: Date?

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
    /// The assignment screen's data (`assignmentMemoNow`).
    fileprivate var assignmentMemo: AssignmentMemo?
    /// Each member's open count, kept with their chain head (their sheets and recusals change only with it).
    fileprivate var openCounts: [String: (head: Int, open: Int)] = [:]
    /// How many times the screen's data was computed in full (tests).
    public fileprivate(set) var assignmentComputations = 0

    private func reindexDrafts() {
        let drafts = Drafts(layout: session.layout)
        draftIndex = [:]
        for m in session.panel.roster.members { draftIndex[m.id] = drafts.dossiers(of: m.id) }
    }

    public var program: Program { session.program }
    public var roster: Roster { session.panel.roster }
    public var dossiers: [Dossier] { session.panel.dossiers }
    /// A scoring member under an assignment sees only their dossiers (Review/Groups.swift).
    public var assignedToMe: Set<String>? {
        guard Permissions.canScore(me.role) else { return nil }
        return session.assignedDossiers(me.id).map(Set.init)
    }
    public var finalized: Bool { session.finalized }
    public var checkingStore: Bool { session.checkingInBackground }
    public var storeProblems: Int { session.problemCount }
    public var forks: [ForkNotice] {
        if cachedForks == nil { cachedForks = session.forks() }
        return cachedForks ?? []
    }

    public var signingDescription: String {
        if let signer { return signer.description }
        return signerProblem.map { "⚠ " + $0.zh + " / " + $0.en } ?? "⚠ no signing key"
    }

    public func eligibility(_ dossier: String) -> EligibilityResult? { eligibilityIndexNow()[dossier] }

    public func qualification(_ dossier: String) -> Qualification? { session.panel.dossier(dossier).map(session.qualification(of:)) }

    public func status(_ dossier: String) -> SheetStatus { progressStatus(member: me.id, dossier: dossier) }

    public func dossierUpdated(_ dossier: String) -> Bool { session.openLedger.isStale(.init(me.id, dossier)) }
    public func attachments(_ dossier: String) -> [AttachmentItem] {
        session.attachments(of: dossier).map { a in
            // A stat, not a hash, per frame: verify compares the bytes.
            var st = stat()
            let present = lstat(a.localPath, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && Int(st.st_size) == a.pin.size
            return AttachmentItem(name: a.pin.name, kind: a.pin.kind, size: a.pin.size, sha256: a.pin.sha256, localPath: a.localPath, present: present)
        }
    }

    public func progressStatus(member: String, dossier: String) -> SheetStatus {
        // The open round's sheets and recusals (issue 13; the one round of most programmes).
        let key = Ledger.MemberDossier(member, dossier)
        let ledger = session.openLedger
        if ledger.recusal(key) != nil { return .recused }
        if ledger.latestScore(key) != nil { return .signed }
        if draftIndex[member]?.contains(dossier) == true { return .draft }
        return .todo
    }

    static func input(from signed: Ledger.SignedSheet) -> SheetInput? {
        let sheet = signed.sheet
        return SheetInput(dossier: sheet.dossier, points: sheet.points, vote: sheet.vote?.rawValue,
                          comment: signed.comment ?? "")
    }

    public func signedSheet(_ dossier: String) -> SheetInput? {
        session.openLedger.latestScore(.init(me.id, dossier)).flatMap(SessionBackend.input(from:))
    }

    public func panelSheets(_ dossier: String) -> [PanelSheet] {
        roster.members.filter { KindPolicy.allowed(.score, role: $0.role) }.map { m in
            let status = progressStatus(member: m.id, dossier: dossier)
            let sheet = status == .signed ? session.openLedger.latestScore(.init(m.id, dossier)).flatMap(SessionBackend.input(from:)) : nil
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
        // The dossiers in the running only, as `pingshen stats` (one function decides), of the
        // round it shows (issue 13: the open round of a programme with rounds).
        let input = session.statisticsInput(round: nil)
        let s = Statistics.compute(program: input.program, dossiers: input.dossiers, table: input.table)
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
        var changed = (try? session.refreshIfChanged()) == true
        // A sync in another process that found a fork changes no record here: its folder does.
        let forks = ForkEvidence.stamp(session.layout)
        if forks != forkStamp { forkStamp = forks; changed = true }
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

// MARK: - The secretary's work (issue 17)

extension SessionBackend {
    /// Errors of the Panel readers follow the UI's language.
    private func inLanguage<T>(_ lang: Language, _ body: () throws -> T) rethrows -> T {
        try PanelMessages.$language.withValue(lang) { try body() }
    }

    public func previewImport(path: String, sheet: String?, lang: Language) throws -> ImportPreview {
        try inLanguage(lang) {
            try session.requireCanImport(as: me.id)
            let r = try session.readImport(path: path, sheet: sheet)
            return ImportPreview(new: r.new, unchanged: r.unchanged.count)
        }
    }

    private static func key(_ a: SecretaryAction) -> String { "secretary|\(a)" }

    /// The record body of an action that signs an ordinary record (nil: an import or a roster
    /// change, which sign their own way).
    private func body(_ a: SecretaryAction) throws -> (RecordKind, [String: JSONValue])? {
        switch a {
        case .eligibility(let overrides):
            guard let body = try session.eligibilityBatchBody(as: me.id, overrides: overrides, only: overrides.isEmpty ? nil : Set(overrides.map(\.dossier))) else {
                let unsettled = try session.eligibilityDecisions(as: me.id).unsettled
                throw ActionError(zh: "没有需要签署的资格审核决定" + (unsettled.isEmpty ? "" : "；待核实的须逐份决定（d）：\(unsettled.joined(separator: ", "))"),
                                  en: "no eligibility decision to sign" + (unsettled.isEmpty ? "" : "; the ones to be confirmed need a decision each (d): \(unsettled.joined(separator: ", "))"))
            }
            return (.eligibility, body)
        case .publicity(let from, let to, let supplement):
            return (.publicity, try session.publicityBody(as: me.id, from: from, to: to, supplement: supplement))
        case .objection(let d, let text, let outcome, let received):
            return (.objection, try session.objectionBody(as: me.id, dossier: d, text: text, outcome: outcome, received: received))
        case .importFile, .addMember, .removeMember, .assign:
            return nil
        }
    }

    public func previewSecretary(_ a: SecretaryAction, lang: Language) throws -> SecretaryPreview {
        try inLanguage(lang) {
            var summary: [String] = []
            switch a {
            case .importFile(let path, let sheet):
                try session.requireCanImport(as: me.id)
                let r = try session.readImport(path: path, sheet: sheet)
                guard !r.new.isEmpty else { throw ActionError(zh: "\(path) 中没有新的申报材料", en: "\(path) holds no new dossier") }
                summary.append(lang.pick("导入 \(path)：\(r.new.count) 份申报材料，全部导入或全部不导入", "Import \(path): \(r.new.count) dossiers, all or nothing"))
                summary += r.new.map { "  \($0.id) \($0.name) \($0.employer)" }
                summary.append(lang.pick("签署的导入记录列出每份材料的 SHA-256。", "The intake record signed lists each dossier's SHA-256."))
                return SecretaryPreview(summary: summary, record: "")
            case .addMember(let id, let name, let role, let unit, let file):
                // The checks the signing does (`Governance.State.checkAdd`), against the
                // session's signed history: an id never used, a key no member ever held.
                let member = Member(id: id, name: name, role: role, unit: unit, key: try ReviewSession.readPublicKey(file, flag: lang.pick("公钥文件", "public key file")))
                let key = try SSHPublicKey(line: try session.governance.checkAdd(member, path: session.layout.rosterFile).key)
                summary.append(lang.pick("添加成员：\(id) \(name)（\(UI.roleName(role, .zh))）\(unit.map { "，" + $0 } ?? "")",
                                         "Add a member: \(id) \(name) (\(UI.roleName(role, .en)))\(unit.map { ", " + $0 } ?? "")"))
                summary.append(lang.pick("公钥指纹：", "Key fingerprint: ") + key.fingerprint)
                summary.append(lang.pick("成员添加记录由秘书签署，记入签名的治理历史。", "The member-add record is signed by the secretary into the governance history."))
                return SecretaryPreview(summary: summary, record: "")
            case .removeMember(let id, let reason, let discard):
                guard let m = session.panel.roster.member(id) else { throw ActionError(zh: "名册上没有 \(id)", en: "\(id) is not on the roster") }
                summary.append(lang.pick("移除成员：\(id) \(m.name)；理由：\(reason)", "Remove \(id) \(m.name); reason: \(reason)"))
                summary.append(discard ? lang.pick("其评分表不再计入。", "Their sheets are no longer counted.")
                                       : lang.pick("此前签名的评分表照常计入，之后的记录无效。", "The sheets signed before keep counting; later records are problems."))
                summary.append(lang.pick("移除不可撤回（可再次添加）。", "A removal is not undone (the member may be added again)."))
                return SecretaryPreview(summary: summary, record: "")
            case .eligibility(let o):
                let d = try session.eligibilityDecisions(as: me.id, overrides: o, only: o.isEmpty ? nil : Set(o.map(\.dossier)))
                summary.append(lang.pick("签署资格审核决定 \(d.decisions.count) 份（一条记录）：", "Sign \(d.decisions.count) qualification decisions (one record):"))
                summary += d.decisions.map { e in "  \(e.dossier) " + (e.decision == "eligible" ? lang.pick("合格", "eligible") : lang.pick("不合格", "not eligible")) + (e.reason.map { " — " + $0 } ?? "") }
                if o.isEmpty, !d.unsettled.isEmpty {
                    summary.append(lang.pick("待核实，不在本次签署中（按 d 逐份决定）：", "To be confirmed, not in this record (d decides each): ") + d.unsettled.joined(separator: ", "))
                }
            case .publicity(let from, let to, let supplement):
                summary.append(supplement.map { lang.pick("补充公示 \($0)：\(from) 至 \(to)", "Supplementary notice of \($0): \(from) to \(to)") }
                               ?? lang.pick("公示定稿名单：\(from) 至 \(to)", "Public notice of the finalized list: \(from) to \(to)"))
            case .objection(let d, _, let outcome, _):
                summary.append(lang.pick("公示异议：\(d)，处理结果：\(SecretaryViews.outcomeWord(outcome, .zh))", "Objection: \(d), outcome: \(SecretaryViews.outcomeWord(outcome, .en))"))
            case .assign:
                let p = try assignProposal()
                let loads = p.loads.values
                summary.append(p.replaces.map { lang.pick("签署替换分配（替换 \($0)）：只改下列组合，其余不动", "Sign a replacement assignment (replaces \($0)): only these pairs change") }
                               ?? lang.pick("签署分配", "Sign the assignment"))
                summary.append(lang.pick("\(p.result.table.count) 份材料，每份 \(p.body["per_dossier"]?.int ?? 0) 人；工作量 \(loads.min() ?? 0)…\(loads.max() ?? 0) 份/人；回避 \(p.excludedCount) 对",
                                         "\(p.result.table.count) dossiers, \(p.body["per_dossier"]?.int ?? 0) members each; loads \(loads.min() ?? 0)…\(loads.max() ?? 0) a member; \(p.excludedCount) pairs kept apart"))
                for d in p.dropped.sorted(by: { $0.pair < $1.pair }) {
                    summary.append("  " + lang.pick("撤下 \(d.pair.member) – \(d.pair.dossier)（\(UI.whyWord(d.why, .zh))）", "off: \(d.pair.member) – \(d.pair.dossier) (\(UI.whyWord(d.why, .en)))"))
                }
                for (d, n) in p.result.short.sorted(by: { $0.key < $1.key }) {
                    summary.append(lang.pick("\(d) 缺 \(n) 名评审", "\(d) lacks \(n) members"))
                }
                return SecretaryPreview(summary: summary, record: try show(SessionBackend.key(a), kind: .assignment, body: p.body))
            }
            guard let (kind, body) = try body(a) else { return SecretaryPreview(summary: summary, record: "") }
            let record = try show(SessionBackend.key(a), kind: kind, body: body)
            return SecretaryPreview(summary: summary, record: record)
        }
    }

    public func performSecretary(_ a: SecretaryAction, lang: Language) throws -> String {
        try inLanguage(lang) {
            let message: String
            switch a {
            case .importFile(let path, let sheet):
                let made = try session.importDossiers(path: path, sheet: sheet, as: me.id, signer: try requireSigner())
                message = lang.pick("已导入 \(made.imported.count) 份申报材料并签署导入记录", "Imported \(made.imported.count) dossiers; the intake record is signed")
            case .addMember(let id, let name, let role, let unit, let file):
                let key = try ReviewSession.readPublicKey(file, flag: lang.pick("公钥文件", "public key file"))
                let rec = try session.signGovernance(.add(Member(id: id, name: name, role: role, unit: unit, key: key)), as: me.id) { _ in
                    try self.requireSigner()
                }
                message = lang.pick("已添加 \(id)（\(name)）：\(rec.path)", "Added \(id) (\(name)): \(rec.path)")
            case .removeMember(let id, let reason, let discard):
                let rec = try session.signGovernance(.remove(id: id, reason: reason, discardSheets: discard), as: me.id) { _ in
                    try self.requireSigner()
                }
                message = lang.pick("已移除 \(id)：\(rec.path)", "Removed \(id): \(rec.path)")
            case .assign:
                let p = try assignProposal()
                let (at, bytes) = confirmed(SessionBackend.key(a))
                let stored = try session.append(kind: .assignment, body: p.body, as: me.id, signer: try requireSigner(), now: at, confirmed: bytes)
                message = lang.pick("已签署分配记录：\(stored.path)", "Assignment signed: \(stored.path)")
                    + (p.replaces.map { lang.pick("（替换 \($0)）", " (replaces \($0))") } ?? "")
            case .eligibility, .publicity, .objection:
                guard let (kind, body) = try body(a) else { throw UIError.notHere }
                let (at, bytes) = confirmed(SessionBackend.key(a))
                let stored = try session.append(kind: kind, body: body, as: me.id, signer: try requireSigner(), now: at, confirmed: bytes)
                switch a {
                case .eligibility: message = lang.pick("已签署资格审核记录：\(stored.path)", "Qualification decisions signed: \(stored.path)")
                case .publicity: message = lang.pick("已签署公示：\(stored.path)", "Public notice signed: \(stored.path)")
                default: message = lang.pick("已签署异议记录：\(stored.path)", "Objection signed: \(stored.path)")
                }
            }
            _ = refreshIfChanged()
            reindex()
            return message
        }
    }

    public func writeList(_ list: PublishedList, format: String, to path: String, lang: Language) throws -> String {
        try inLanguage(lang) { try session.writeList(list, format: format, lang: lang, to: path) }
    }

    public func notices() -> [NoticeItem] {
        session.notices().map { n in
            let b = n.record.body
            return NoticeItem(path: n.path, from: b["from"]?.string ?? "", to: b["to"]?.string ?? "",
                              dossiers: (b["dossiers"]?.array ?? []).compactMap(\.string), supplementFor: b["supplement_for"]?.string)
        }
    }

    public func supplementCandidate() -> String? {
        guard !session.vacancies().isEmpty else { return nil }
        return try? session.nextCandidate()
    }
}

// MARK: - Field groups (issue 13)

extension SessionBackend {
    public var hasGroups: Bool { session.hasGroups }

    public func groupBoard() -> GroupBoard? {
        guard session.hasGroups else { return nil }
        let stats = session.groupStatistics(overall: statistics())
        let signed = session.ledger.dossierGroups
        let n = session.shownRound
        return GroupBoard(progress: session.groupProgress(round: n), statistics: Dictionary(stats.map { ($0.group, $0) }, uniquingKeysWith: { a, _ in a }),
                          ungrouped: session.panel.dossiers.filter { signed[$0.id] == nil }.count,
                          round: session.hasRounds ? n : nil, roundName: session.program.roundSpec(n)?.name)
    }

    /// What `pingshen assign` with no option would sign now: the assignment in force's K and
    /// seed (the programme's quorum and 0 for a first one). Throws what `assign` would say.
    fileprivate func assignProposal() throws -> ReviewSession.AssignmentProposal {
        guard let p = try assignProposalIfChanged() else {
            throw ActionError(zh: "分配无需改变：没有回避、移除或新的冲突", en: "the assignment in force stands: no recusal, removal or new conflict")
        }
        return p
    }

    /// The secretary's screen's data that depends on the assignment's inputs but not on the
    /// sheets (`ReviewSession.AssignmentInputs`), computed once per change of those inputs: the
    /// assignment in force, read; the grouping rows; the proposal, or why there is none.
    /// Polls that find a new sheet reuse it (the proposal too while the sheets it depended on
    /// are as they were).
    fileprivate struct AssignmentMemo {
        var inputs: ReviewSession.AssignmentInputs
        var current: Result<(record: StoredRecord, assignment: GroupingBody.Assignment)?, Error>
        var rows: [ReviewSession.GroupingRow]
        var proposal: Result<ReviewSession.AssignmentProposal, Error>
    }

    private func assignmentMemoNow() -> AssignmentMemo {
        let inputs = session.assignmentInputs()
        if let m = assignmentMemo, m.inputs == inputs, (try? m.proposal.get()).map(session.stillHolds) ?? true { return m }
        assignmentComputations += 1
        openCounts = [:]
        let current = Result { try session.assignmentInForce() }
        let rows = Trace.phase("assignment: grouping rows") { session.groupingRows() }
        let proposal = Result { () throws -> ReviewSession.AssignmentProposal in
            let c = try current.get()
            return try Trace.phase("assignment: proposal") {
                try session.assignmentProposal(as: me.id, perDossier: c?.assignment.perDossier, seed: c?.assignment.seed)
            }
        }
        let m = AssignmentMemo(inputs: inputs, current: current, rows: rows, proposal: proposal)
        assignmentMemo = m
        return m
    }

    /// The same, nil when it would change nothing.
    fileprivate func assignProposalIfChanged() throws -> ReviewSession.AssignmentProposal? {
        let current = try session.assignmentInForce()
        let p = try session.assignmentProposal(as: me.id, perDossier: current?.assignment.perDossier, seed: current?.assignment.seed)
        return p.changes ? p : nil
    }

    public func assignmentOverview(lang: Language) -> AssignmentOverview? {
        Trace.phase("ui: assignment screen") { assignmentOverviewNow(lang: lang) }
    }

    private func assignmentOverviewNow(lang: Language) -> AssignmentOverview? {
        guard session.hasGroups else { return nil }
        let memo = assignmentMemoNow()
        let gs = memo.inputs.groups
        let ids = gs.map(\.id)
        let index = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let ledger = session.ledger
        var o = AssignmentOverview(groups: ids, loads: [])
        var loads: [String: AssignmentOverview.Load] = [:]
        func line(_ m: String) -> AssignmentOverview.Load { loads[m] ?? AssignmentOverview.Load(member: m, perGroup: Array(repeating: 0, count: ids.count), total: 0, open: 0) }
        for g in gs { for m in g.members where session.panel.roster.member(m) != nil { loads[m] = line(m) } }
        var problem: String?
        do {
            if let c = try memo.current.get() {
                o.record = c.record.path
                o.perDossier = c.assignment.perDossier
                o.seed = String(c.assignment.seed)
                var held: [String: [String]] = [:]
                for (d, e) in c.assignment.entries {
                    for m in e.members {
                        var l = line(m)
                        if let i = index[e.group] { l.perGroup[i] += 1 }
                        l.total += 1
                        loads[m] = l
                        held[m, default: []].append(d)
                    }
                }
                // Open: held, neither signed nor recused; counted again only for a member
                // whose chain moved since (a sheet changes one member's count).
                for (m, ds) in held {
                    let head = ledger.head(of: m)
                    let open: Int
                    if let k = openCounts[m], k.head == head { open = k.open } else {
                        open = ds.filter { ledger.latestScore(.init(m, $0)) == nil && ledger.recusal(.init(m, $0)) == nil }.count
                        openCounts[m] = (head, open)
                    }
                    loads[m]?.open = open
                }
                o.kept = c.assignment.excluded.sorted { $0.pair < $1.pair }.map { .init(member: $0.pair.member, dossier: $0.pair.dossier, why: $0.why) }
            }
        } catch {
            problem = error.userMessage(lang)
        }
        o.loads = loads.values.sorted { $0.member.utf8.lexicographicallyPrecedes($1.member.utf8) }
        for r in memo.rows where r.signed == nil {
            if r.proposed == nil { o.ungrouped.append(r.dossier) } else { o.unconfirmed.append(r.dossier) }
        }
        let signed = memo.inputs.dossierGroups
        for g in gs where !g.members.contains(where: { session.panel.roster.member($0).map { $0.role == .member || $0.role == .chair } ?? false }) {
            let ds = session.panel.dossiers.map(\.id).filter { signed[$0] == g.id }
            if !ds.isEmpty { o.memberless.append(.init(group: g.id, dossiers: ds)) }
        }
        if let problem { o.problem = problem; return o }
        do {
            let p = try memo.proposal.get()
            guard p.changes else { return o }
            let ls = p.loads.values
            o.replacement = .init(replaces: p.replaces, dropped: p.dropped.sorted { $0.pair < $1.pair }.map { .init(member: $0.pair.member, dossier: $0.pair.dossier, why: $0.why) },
                                  dossiers: p.result.table.count, loadMin: ls.min() ?? 0, loadMax: ls.max() ?? 0,
                                  short: p.result.short.sorted { $0.key < $1.key }.map { .init(member: "", dossier: $0.key, why: String($0.value)) })
        } catch {
            o.problem = error.userMessage(lang)
        }
        return o
    }
}
