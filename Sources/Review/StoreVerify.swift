import Foundation
import Panel
import Records

/// Everything `pingshen verify` checks, in one place for every command that judges a store:
/// `verify` itself, and `sync`, the hub's pre-receive hook, `clone` and the level remotes on
/// the tree they would take in (`TreeCheck.check`). First the records (`Verifier.verifyStore`:
/// signatures, chains, roster, rules, pins, groups and assignment), then what needs the
/// session's view of them (rounds: every signed shortlist recounted from the signed sheets,
/// the round rules; `roundVerifyProblems`).
public enum StoreVerify {
    /// The store's verify report, every problem in it (`ok` false when there is one).
    ///
    /// Fails closed: when the programme has rounds and their checks cannot run (the session
    /// will not open on the store: a signed sanction or programme the panel refuses, a dossier
    /// file that does not read…), that is a problem of its own, `rounds-unchecked`, naming the
    /// cause; it is not replicable, so sync, the hub, `clone` and the level remotes refuse such
    /// a tree. (Before, the checks were skipped and a forged shortlist passed.)
    public static func report(layout: StoreLayout, threads: Int = Verifier.defaultThreads(), language lang: Language, cached: Bool) throws -> VerifyReport {
        // The programme from the signed history, not the view: a store with one round (every
        // store before issue 13) collects nothing and opens no session, so sync and the hub pay
        // nothing for it. No signed programme (no valid genesis): the verifier reports why, and
        // there is no round to check.
        let governance = Result { try Governance.load(layout, language: lang) }
        let rounds = (try? governance.get()).map { ($0.program?.roundCount ?? 1) > 1 }
        var report = try Verifier.verifyStore(layout: layout, threads: threads, language: lang, cached: cached)
        var more: [Problem] = []
        switch governance {
        case .failure(let error):
            // (The verifier loads it too, and throws first; a store changing meanwhile.)
            more.append(unchecked(error, layout: layout, language: lang))
        case .success:
            if rounds == true { more = reviewProblems(layout: layout, language: lang) }
        }
        if !more.isEmpty {
            report.problems += more
            report.ok = false
        }
        return report
    }

    /// What the session adds (rounds, issue 13): the recount of every shortlist and the round
    /// rules (`roundVerifyProblems`), on a session opened on the store, or `rounds-unchecked`
    /// when it cannot be opened.
    ///
    /// The session loads the ledger itself (`Ledger.load`: the store index, every file's stamp,
    /// then the kept ledger when the records are as they were), after the verifier read and
    /// checked every record. Building the ledger from the verifier's summaries instead was
    /// measured and is slower: on the two-round benchmark store (80,160 records, release build,
    /// 2026-12-03 10:40 UTC, load 12–18, 4 and 5 runs) the verifier's hand-over went from
    /// 1.0–2.2 s to 33.7–63.7 s (`Ledger.take` of every summary, the later rounds' sheets
    /// among them), where the session's own `ledger: load` (the kept ledger) took 0.39–1.34 s
    /// (6 runs, load 6–9).
    static func reviewProblems(layout: StoreLayout, language lang: Language) -> [Problem] {
        let audit = Result { try Trace.phase("verify: rounds (a session on the store)") { try PanelMessages.$language.withValue(lang) { () -> [Problem] in
            let session = try ReviewSession(root: layout.root)
            return roundProblems(session, language: lang)
        } } }
        switch audit {
        case .success(let problems): return problems
        case .failure(let error): return [unchecked(error, layout: layout, language: lang)]
        }
    }

    /// `rounds-unchecked`: the round checks could not run, for `error`. Its path is the file
    /// the error names when that is in the store, else `records`.
    static func unchecked(_ error: Error, layout: StoreLayout, language lang: Language) -> Problem {
        var path = "records"
        var cause: String
        switch error {
        case var e as InputError:
            let root = layout.root.hasSuffix("/") ? layout.root : layout.root + "/"
            if e.path.hasPrefix(root), e.path.count > root.count { e.path = String(e.path.dropFirst(root.count)); path = e.path }
            cause = e.description
        case let e as RecordsError: cause = e.message(lang)
        case let e as ActionError: cause = e.message(lang)
        default: cause = "\(error)"
        }
        // Named relative to the store, as every problem is.
        cause = cause.replacingOccurrences(of: layout.root + "/", with: "")
        return Problem(path: path, kind: uncheckedKind, message: lang.pick(
            "无法在此存储上打开评审会话，入围名单的重算与轮次规则未能检查：\(cause)",
            "no review session opens on this store, so the shortlists' recount and the round rules could not be checked: \(cause)"))
    }

    /// The round checks could not run (see `report`): never replicable, and never excused by
    /// the same problem in the store a fetch would come into (`TreeCheck.newProblems`).
    public static let uncheckedKind = "rounds-unchecked"

    /// The round checks on an open session (the shortlists' recount, the round rules), as
    /// `verify` runs them: none for a programme with one round (a shortlist there breaks the
    /// records' rules already) or a store with no round and no shortlist.
    static func roundProblems(_ session: ReviewSession, language lang: Language) -> [Problem] {
        session.program.roundCount > 1 && (session.hasRounds || !session.shortlists().isEmpty) ? session.roundVerifyProblems(language: lang) : []
    }

    /// The round problems on `session` that replication refuses (not `replicable`): a
    /// shortlist that does not recount from the records it had seen (`shortlist-mismatch`) or
    /// pins what they do not give (`shortlist-input`). `finalize` and `shortlist` (and the UI's
    /// finalize) sign nothing over one (`ReviewSession.requireReplicableRounds`).
    public static func refusedRoundProblems(_ session: ReviewSession, language lang: Language) -> [Problem] {
        roundProblems(session, language: lang).filter { !replicable.contains($0.kind) }
    }

    /// The problem kinds that do not stop a record from being replicated (`sync`, the hub,
    /// `clone`, the level remotes): what two hosts acting concurrently can bring about, which
    /// verify reports and replication must bring together, never hold apart:
    /// - `decision-conflict`: two decisions on the same thing, neither having seen the other
    ///   (a later decision that has seen both resolves it, `DecisionOrder`);
    /// - `round-rule`: a sheet or recusal signed on one host before the round's shortlist,
    ///   signed on another, reached it (the shortlist did not count it; it counts nowhere);
    /// - `shortlist-conflict`: two shortlists of one list signed on two hosts;
    /// - `shortlist-outdated`: a shortlist that no longer recounts to what was signed because
    ///   of records it had not seen (an assignment, an eligibility decision, a removal…).
    /// A shortlist that does not recount from the records it counted (`shortlist-mismatch`),
    /// or pins what those records do not give (`shortlist-input`: its `counted` below its own
    /// `seen`, an assignment not in force…), with no record it had not seen to explain it, was
    /// not signed by the session: refused. Nor is `rounds-unchecked` (the round checks could
    /// not run) replicable: what they would have found is unknown.
    public static let replicable: Set<String> = ["decision-conflict", "round-rule", "shortlist-conflict", "shortlist-outdated"]
}
