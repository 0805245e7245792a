import Foundation
import Panel
import Records
import Scoring

/// A store opened for work: the panel's data, the verified ledger, and every action that
/// appends a signed record. The command line and the terminal UI both go through here, so a
/// rule (回避, ranges, roles, finalization) is enforced in one place.
public final class ReviewSession: @unchecked Sendable {
    public let layout: StoreLayout
    /// The panel with the dossiers a signed intake or amendment names (see `DossierPins`):
    /// what every rule and every view reads. Unsigned dossier files are not in it.
    public private(set) var panel: PanelStore
    /// The signed governance history: the programme, roster and sanctions of `panel` come from
    /// it (never from the view files), and every record signed here names its head.
    public private(set) var governance: Governance.State
    /// The panel as its files are on disk, every dossier file included.
    private var filesPanel: PanelStore
    /// The dossier files that differ from their last signed version, that no signed record
    /// names, or that are gone (also in `ledger.problems`).
    public private(set) var dossierProblems: [Problem] = []
    public private(set) var ledger: Ledger
    public let records: RecordStore
    /// Modification times of the panel's files, and of the records directories.
    private var panelStamp: [String: Int]
    private var recordsStamp: [String: Int]
    /// Goes up each time the panel (programme, roster, dossiers, sanctions) is read again, so
    /// that what is derived from it alone (the qualification check) is recomputed only then.
    public private(set) var panelVersion = 0

    /// The full open running beside a quick one (`checkInBackground`), until taken.
    private var pendingCheck: Background<Ledger>?

    /// The assignment in force, parsed once per record (issue 13, Groups.swift): its SHA-256
    /// and dossier → members. Read by `sheetLock` for every row of a member's list.
    var assignmentCache: (sha: String, table: [String: Set<String>])?

    /// The open round and each round's dossiers (issue 13, Rounds.swift), derived from the
    /// ledger and the panel: emptied whenever either changes (`applyPins`, `append`).
    var roundCache = RoundCache()

    /// Opens the store. With `checkInBackground` (the terminal UI), the ledger first comes from
    /// the store index without looking at the record files' stamps, so the first screen comes
    /// at once, and the full open (every file's stamp, anything changed read and verified) runs
    /// on a thread beside it: `refreshIfChanged` takes its result as soon as it is there, and
    /// everything that checks rules or signs waits for it (`settle`).
    public init(root: String, checkInBackground: Bool = false) throws {
        layout = StoreLayout(root)
        records = RecordStore(layout: layout)
        // The panel (10,000 dossier files at city scale) is read on a thread of its own while
        // the ledger is loaded: neither needs the other. Unless an import or amendment was
        // killed (its folder is left in STORE/.staging): then its files are cleaned up first,
        // with the ledger's signed versions (`DossierStaging.recover`), since a power cut can
        // leave one empty, which no command could read past.
        let storeLayout = layout
        let killedRun = !((try? FileManager.default.contentsOfDirectory(atPath: layout.stagingDir)) ?? []).filter { !$0.hasPrefix(".") }.isEmpty
        // The governance history is replayed once: the panel's thread hands it to the ledger's
        // scan as soon as it is loaded (or nothing, if the panel fails first: the scan loads it).
        let sharedGovernance = Handover<Governance.State>()
        let panelResult = killedRun ? nil : Background {
            defer { sharedGovernance.give(nil) }
            return try Trace.phase("panel: open") { try Governance.openPanel(root, loaded: { sharedGovernance.give($0) }) }
        }
        let panelGovernance: (@Sendable () -> Governance.State?)? = killedRun ? nil : { @Sendable in sharedGovernance.take() }
        let ledgerResult = Result { try Ledger.load(layout: storeLayout, trustingStamps: checkInBackground, governance: panelGovernance) }
        if killedRun, let pins = try? ledgerResult.get().pins {
            _ = DossierStaging.recover(storeLayout) { pins.current[$0]?.sha256 }
        }
        (filesPanel, governance) = try panelResult?.value() ?? Governance.openPanel(root)
        panel = filesPanel
        ledger = try ledgerResult.get()
        if checkInBackground {
            pendingCheck = Background {
                // Below the screen's thread (Linux: per thread, and the scan's workers inherit it).
                #if os(Linux)
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
                #endif
                return try Ledger.load(layout: storeLayout)
            }
        }
        panelStamp = [:]
        recordsStamp = Trace.phase("session: records stamp") { ReviewSession.recordsStamp(storeLayout) }
        Trace.phase("session: pins and rules") { applyPins() }
        panelStamp = ReviewSession.panelStamp(layout)
    }

    /// Keeps in `panel` the dossiers the ledger's signed intake and amendment records name, and
    /// reports the files that differ from them. First cleans up after an import or amendment
    /// that was killed (`DossierStaging.recover`): what it staged and never signed goes, what it
    /// signed and never put in place is put there.
    func applyPins() {
        roundCache = RoundCache()
        let pins = ledger.pins
        let recovery = Trace.phase("session: staging recovery") { DossierStaging.recover(layout) { pins.current[$0]?.sha256 } }
        if !recovery.isEmpty, let reread = try? Governance.openPanel(layout.root) { (filesPanel, governance) = reread }
        var p = filesPanel
        p.dossiers = filesPanel.dossiers.filter { pins.current[$0.id] != nil }
        panel = p
        var files = filesPanel.files
        for id in recovery.inProgress where pins.current[id] == nil { files[id] = nil }
        dossierProblems = Trace.phase("session: dossier pins") { pins.problems(files: files, language: RecordsError.currentLanguage) }
        if let fin = ledger.finalization, let p = pins.finalizationProblem(fin.record, path: fin.path, language: RecordsError.currentLanguage) {
            dossierProblems.append(p)
        }
        ledger.problems = ledger.problems.filter { !DossierPins.problemKinds.contains($0.kind) && $0.kind != "unassigned-sheet" } + dossierProblems
        ledger.discardedMembers = Set(governance.members.values.filter(\.discardSheets).map(\.entry.id))
        // Sheets outside the assignment in force (issue 13): a problem, and never counted.
        let outside = Trace.phase("session: sheets outside the assignment") { unassignedSheets() }
        ledger.unassignedSlots = Set(outside.map(\.slot))
        ledger.problems += outside.map { o in
            Problem(path: o.sheet.path, kind: "unassigned-sheet",
                    message: RecordsError.currentLanguage.pick("\(o.sheet.sheet.member) 评了未分配给其的 \(o.sheet.sheet.dossier)",
                                                               "\(o.sheet.sheet.member) scored \(o.sheet.sheet.dossier), which the assignment in force does not give them"))
        }
        // Sheets the round rules leave out (issue 13, Rounds.swift): a problem, never counted.
        ledger.problems = ledger.problems.filter { $0.kind != "round-rule" }
        for o in Trace.phase("session: round rules") { applyRoundRules() } {
            ledger.problems.append(Problem(path: o.path, kind: "round-rule", message: o.why.text(RecordsError.currentLanguage)))
        }
    }

    /// Applies the round rules (`roundRules`, Rounds.swift) to the ledger: each slot counts the
    /// sheet its round's shortlist counted (a later one is kept aside, never lost); the slots
    /// and recusals left out are marked. The same on a ledger fresh from the records and on the
    /// kept one (`LedgerSnapshot`): both hold every sheet, and the rules look at all of them.
    func applyRoundRules() -> [RoundRules.Flag] {
        ledger.roundRuleSlots = [:]
        ledger.roundRuleRecusals = [:]
        let rules = roundRules()
        var excluded = rules.excluded
        for (n, cuts) in rules.cutoffs {
            for (slot, cut) in cuts {
                let kept = n == 1 ? ledger.keepCounted(slot: slot, upTo: cut) : (ledger.laterRounds[n]?.keepCounted(slot: slot, upTo: cut) ?? false)
                if !kept { excluded[n, default: []].insert(slot) }
            }
        }
        ledger.roundRuleSlots = excluded
        ledger.roundRuleRecusals = rules.recusals
        return rules.flagged
    }

    /// Runs `body` (the signing of their intake record) with `added`, dossier files this
    /// session has just created, taken into the panel as reading them back would give them (an
    /// import of 10,000 dossiers does not read 10,000 files again); on an error, the panel as it
    /// was. The panel's stamp is left as it was: `refreshIfChanged` still reads the files again.
    func withCreatedDossiers<T>(_ added: [(dossier: Dossier, file: DossierFile)], _ body: () throws -> T) throws -> T {
        let before = filesPanel
        var p = filesPanel
        p.dossiers = (p.dossiers + added.map(\.dossier)).sorted { $0.id < $1.id }
        for a in added { p.files[a.dossier.id] = a.file }
        filesPanel = p
        panelVersion += 1
        do {
            return try body()
        } catch {
            filesPanel = before
            panelVersion += 1
            applyPins()
            throw error
        }
    }

    /// Reads the dossier files again (after this session imported or amended some).
    func reloadPanel() throws {
        (filesPanel, governance) = try Governance.openPanel(layout.root)
        panelVersion += 1
        applyPins()
        panelStamp = ReviewSession.panelStamp(layout)
    }

    public var program: Program { panel.program }
    public var instance: String { panel.program.instance ?? panel.program.id }

    /// Whether the full check of the store's files (see `init`) is still running.
    public var checkingInBackground: Bool { pendingCheck != nil }

    /// Waits for the full check of the store's files, if one runs, and takes its ledger.
    public func settle() throws {
        guard let pending = pendingCheck else { return }
        pendingCheck = nil
        ledger = try pending.value()
        applyPins()
    }

    /// Reloads what another session changed: the panel when its files changed, the ledger when
    /// a records directory did. Cheap (a few stat calls) when nothing did. Takes the result of
    /// the full check of the files once it is in.
    @discardableResult
    public func refreshIfChanged() throws -> Bool {
        // The full check of the files has finished: its ledger replaces the quick one.
        var settled = false
        if let pending = pendingCheck, pending.isDone {
            try settle()
            settled = true
        }
        let panelNow = ReviewSession.panelStamp(layout)
        let recordsNow = ReviewSession.recordsStamp(layout)
        let panelChanged = panelNow != panelStamp
        let recordsChanged = recordsNow != recordsStamp
        guard settled || panelChanged || recordsChanged else { return false }
        if panelChanged {
            (filesPanel, governance) = try Governance.openPanel(layout.root)
            panelVersion += 1
        } else if recordsChanged {
            // A governance record (a member added, the programme amended) is a record too.
            let g = try Governance.load(layout)
            if g.head != governance.head, let program = g.program {
                governance = g
                filesPanel.program = program
                filesPanel.roster = g.roster
                filesPanel.sanctions = g.sanctions
                panelVersion += 1
            }
        }
        // The roster decides which records verify, so a panel change re-reads the ledger too.
        if panelChanged || recordsChanged { ledger = try Ledger.load(layout: layout) }
        applyPins()
        panelStamp = panelNow
        recordsStamp = recordsNow
        return true
    }

    static func mtime(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_mtim.tv_sec) * 1_000_000_000 + Int(st.st_mtim.tv_nsec)
    }

    static func panelStamp(_ layout: StoreLayout) -> [String: Int] {
        var out: [String: Int] = [:]
        for path in [layout.rosterFile, layout.programFile, layout.dossiersDir, layout.sanctionsFile] {
            out[path] = mtime(path)
        }
        return out
    }

    /// The modification times of records/, each member's directory and each of its folders
    /// NNN/ (a record added changes its folder, a new folder the member's directory).
    static func recordsStamp(_ layout: StoreLayout) -> [String: Int] {
        var out: [String: Int] = [layout.recordsDir: mtime(layout.recordsDir) ?? 0]
        for m in (try? FileManager.default.contentsOfDirectory(atPath: layout.recordsDir)) ?? [] {
            let dir = layout.memberRecordsDir(m)
            out[dir] = mtime(dir)
            for f in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where RecordFileName.parseFolder(f) != nil {
                out[dir + "/" + f] = mtime(dir + "/" + f)
            }
        }
        return out
    }

    // MARK: - Who

    public func member(_ id: String) throws -> Member {
        guard let m = panel.roster.member(id) else {
            throw ActionError(zh: "\(id) 不在名册上（roster.yaml）", en: "\(id) is not on the roster (roster.yaml)")
        }
        return m
    }

    func requireRole(_ m: Member, for kind: RecordKind) throws {
        guard KindPolicy.allowed(kind, role: m.role) else {
            throw ActionError(zh: "\(m.id) 的角色（\(m.role.rawValue)）不能签署 \(kind.rawValue) 记录",
                              en: "\(m.id)'s role (\(m.role.rawValue)) may not sign \(kind.rawValue) records")
        }
    }

    func requireDossier(_ id: String) throws -> Dossier {
        guard let d = panel.dossier(id) else {
            throw ActionError(zh: "没有编号为 \(id) 的申报材料", en: "no dossier with id \(id)")
        }
        return d
    }

    func requireOpen() throws {
        if ledger.finalization != nil {
            throw ActionError(zh: "评审结果已由组长签署定稿，不能再提交评分或回避",
                              en: "the ranking has been finalized by the chair; no more scores or recusals")
        }
    }

    // MARK: - Member actions

    /// Checks a score sheet against the programme and the rules of 回避; returns the record body.
    /// `round`: the round the sheet is for (default: the open round, `openRound`; a programme
    /// with rounds writes it into the record, issue 13).
    public func scoreBody(as memberID: String, dossier: String, points: [String: Int], vote: Vote?, comment: String?, round: Int? = nil) throws -> [String: JSONValue] {
        try settle()
        let m = try member(memberID)
        try requireRole(m, for: .score)
        let d = try requireDossier(dossier)
        let n = round ?? openRound
        // Finalized, recused, or out of the running by a signed decision (Visibility.swift);
        // the round not open, or the dossier not on its shortlist (Rounds.swift).
        if let lock = sheetLock(member: memberID, dossier: dossier, round: n) { throw ActionError(zh: lock.zh, en: lock.en) }
        if let unit = m.unit?.trimmingCharacters(in: .whitespaces), !unit.isEmpty, unit == d.employer.trimmingCharacters(in: .whitespaces) {
            throw ActionError(zh: "回避：\(dossier) 的工作单位（\(unit)）与 \(memberID) 相同，请声明回避",
                              en: "conflict of interest: \(dossier)'s employer (\(unit)) is \(memberID)'s own unit; recuse instead")
        }
        let sheet = program.sheet(round: n)
        // The one table of sheet rules (SheetRules), which the UI's editor reads too.
        if let p = SheetRules.problem(sheet, points: points, vote: vote?.rawValue, comment: comment?.isEmpty == false ? comment : nil) {
            throw ActionError(zh: p.zh, en: p.en)
        }
        var pts: [String: JSONValue] = [:]
        for c in sheet.criteria { pts[c.id] = .int(Int64(points[c.id] ?? 0)) }
        var body: [String: JSONValue] = ["dossier": .string(dossier), "points": .object(pts)]
        // The version judged (issue 11): a later amendment flags this sheet.
        if let pin = ledger.pins.current[dossier] { body[DossierPins.bodyKey] = .string(pin.sha256) }
        if let vote { body["vote"] = .string(vote.rawValue) }
        if let comment, !comment.isEmpty { body["comment"] = .string(comment) }
        if hasRounds { body["round"] = .int(Int64(n)) }
        // The one table verify reads (RecordKinds): what is signed here is what verify counts.
        if let e = RecordKinds.ruleProblem(kind: .score, body: body, rules: ruleBook) {
            throw ActionError(zh: e.zh, en: e.en)
        }
        return body
    }

    /// The rules record bodies keep in this store (the programme's sheet, the dossiers, the roster).
    public var ruleBook: RuleBook {
        RuleBook(program: program, dossiers: Set(panel.dossiers.map(\.id)), members: Set(panel.roster.members.map(\.id)))
    }

    /// The exact bytes that signing would produce for this body (seq and prev as of now).
    public func preview(kind: RecordKind, body: [String: JSONValue], as memberID: String, now: Date = Clock.now()) throws -> Data {
        try settle()
        // The chain head only: one directory listing and one record read, not the whole chain.
        let head = try records.publishedSeqs(of: memberID).last.map { try records.read(member: memberID, seq: $0) }
        let record = Record(kind: kind, program: instance, signer: memberID,
                            seq: (head?.record.seq ?? 0) + 1,
                            prev: head?.sha256 ?? String(repeating: "0", count: 64),
                            created: Timestamp.format(now), gov: governance.head, seen: seen(by: memberID), body: body)
        return record.canonicalBytes()
    }

    /// Appends a signed record. With `confirmed` (the bytes the member was shown, made by
    /// `preview` at `now`), refuses when the record to be signed is no longer exactly those bytes
    /// (another session of the same member signed in between): the member confirms again.
    @discardableResult
    public func append(kind: RecordKind, body: [String: JSONValue], as memberID: String, signer: RecordSigner,
                       now: Date = Clock.now(), confirmed: Data? = nil) throws -> StoredRecord {
        try settle()
        if let confirmed, try preview(kind: kind, body: body, as: memberID, now: now) != confirmed {
            throw ActionError(zh: "记录在确认后发生了变化（同一成员的另一会话刚签了名），请重新确认",
                              en: "the record changed after you confirmed it (another session of yours just signed); confirm again")
        }
        let m = try member(memberID)
        try requireRole(m, for: kind)
        let rosterKey = try SSHPublicKey(line: m.key)
        guard signer.publicKey.raw == rosterKey.raw else {
            throw ActionError(zh: "签名密钥不是名册上 \(memberID) 的密钥", en: "the signing key is not \(memberID)'s key on the roster")
        }
        let stored = try records.append(kind: kind, body: body, program: instance, signerID: memberID, signer: signer, now: now,
                                        gov: governance.head, seen: seen(by: memberID), governance: governance)
        // The record just signed was checked above and follows the chain the ledger already
        // holds: take it in without reading the store again. If the chain moved on meanwhile
        // (another session of this member), read everything.
        roundCache = RoundCache()
        if stored.record.seq == ledger.head(of: memberID) + 1 {
            ledger.take(stored)
            if kind == .intake || kind == .dossierAmend || kind == .assignment || kind == .shortlist { applyPins() }
            let folder = layout.recordFolder(memberID, seq: stored.record.seq)
            recordsStamp[folder] = ReviewSession.mtime(folder)
            recordsStamp[layout.memberRecordsDir(memberID)] = ReviewSession.mtime(layout.memberRecordsDir(memberID))
            recordsStamp[layout.recordsDir] = ReviewSession.mtime(layout.recordsDir)
        } else {
            ledger = try Ledger.load(layout: layout)
            applyPins()
            recordsStamp = ReviewSession.recordsStamp(layout)
        }
        // A signed sheet or a recusal ends the member's draft for that dossier.
        if kind == .score || kind == .recusal, let dossier = body["dossier"]?.string {
            Drafts(layout: layout).discard(member: memberID, dossier: dossier)
        }
        return stored
    }

    /// What this session has seen of the other members' chains: the `seen` vector of a record
    /// `memberID` signs now (issue 16: removing a record a later one saw is detectable).
    public func seen(by memberID: String) -> [String: Int] { ledger.heads(except: memberID) }

    @discardableResult
    public func score(as memberID: String, dossier: String, points: [String: Int], vote: Vote?, comment: String?, signer: RecordSigner,
                      now: Date = Clock.now(), confirmed: Data? = nil, round: Int? = nil) throws -> StoredRecord {
        let body = try scoreBody(as: memberID, dossier: dossier, points: points, vote: vote, comment: comment, round: round)
        return try append(kind: .score, body: body, as: memberID, signer: signer, now: now, confirmed: confirmed)
    }

    public func recusalBody(as memberID: String, dossier: String, reason: String?) throws -> [String: JSONValue] {
        try settle()
        let m = try member(memberID)
        try requireRole(m, for: .recusal)
        _ = try requireDossier(dossier)
        try requireOpen()
        // A recusal is of the open round (issue 13); one in an earlier round still holds.
        let n = openRound
        for k in 1...n where ledger.round(k).recusal(.init(memberID, dossier)) != nil {
            throw ActionError(zh: "\(memberID) 已声明回避 \(dossier)", en: "\(memberID) already recused from \(dossier)")
        }
        var body: [String: JSONValue] = ["dossier": .string(dossier)]
        if hasRounds { body["round"] = .int(Int64(n)) }
        if let pin = ledger.pins.current[dossier] { body[DossierPins.bodyKey] = .string(pin.sha256) }
        if let reason, !reason.isEmpty { body["reason"] = .string(reason) }
        return body
    }

    @discardableResult
    public func recuse(as memberID: String, dossier: String, reason: String?, signer: RecordSigner,
                       now: Date = Clock.now(), confirmed: Data? = nil) throws -> StoredRecord {
        let body = try recusalBody(as: memberID, dossier: dossier, reason: reason)
        return try append(kind: .recusal, body: body, as: memberID, signer: signer, now: now, confirmed: confirmed)
    }

    // MARK: - What the records say

    public var finalized: Bool { ledger.finalization != nil }
}

/// One value handed from one thread to another: `take` waits for the first `give` (later
/// ones are ignored); nil says there is none.
final class Handover<T>: @unchecked Sendable {
    private var value: T?
    private var given = false
    private let ready = DispatchSemaphore(value: 0)
    private let lock = NSLock()

    func give(_ v: T?) {
        lock.lock()
        guard !given else { lock.unlock(); return }
        given = true; value = v
        lock.unlock()
        ready.signal()
    }

    func take() -> T? {
        ready.wait()
        ready.signal()
        lock.lock(); defer { lock.unlock() }
        return value
    }
}

/// Runs `body` on a thread of its own; `value()` waits for it.
final class Background<T>: @unchecked Sendable {
    private var result: Result<T, Error>?
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var finished = false

    /// Whether `body` has returned (never waits).
    var isDone: Bool { lock.lock(); defer { lock.unlock() }; return finished }

    init(_ body: @escaping @Sendable () throws -> T) {
        // Task-local values do not cross to a Thread: the language of messages (--lang) is
        // carried over by hand, so that errors raised here speak it too.
        let language = PanelMessages.language
        let t = Thread { [self] in
            let r = PanelMessages.$language.withValue(language) { Result { try body() } }
            lock.lock(); result = r; finished = true; lock.unlock()
            done.signal()
        }
        t.stackSize = 8 << 20
        t.start()
    }

    func value() throws -> T {
        done.wait()
        done.signal()
        lock.lock(); defer { lock.unlock() }
        return try result!.get()
    }
}
