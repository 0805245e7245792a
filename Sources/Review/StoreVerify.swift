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
    public static func report(layout: StoreLayout, threads: Int = Verifier.defaultThreads(), language lang: Language, cached: Bool) throws -> VerifyReport {
        var report = try Verifier.verifyStore(layout: layout, threads: threads, language: lang, cached: cached)
        let more = reviewProblems(layout: layout, language: lang)
        if !more.isEmpty {
            report.problems += more
            report.ok = false
        }
        return report
    }

    /// What the session adds (rounds, issue 13): nothing for a programme with one round (a
    /// shortlist there breaks the records' rules already: "not the last round"), nor for a
    /// store no session opens (its problems are the records' already). The programme is read
    /// from the signed history, not the view: a store with one round (every store before
    /// issue 13) opens no session here, so sync and the hub pay nothing for it.
    static func reviewProblems(layout: StoreLayout, language lang: Language) -> [Problem] {
        guard let st = try? Governance.load(layout, language: lang), (st.program?.roundCount ?? 1) > 1 else { return [] }
        let audit = try? Trace.phase("verify: rounds (a session on the store)") { try PanelMessages.$language.withValue(lang) { () -> [Problem] in
            let session = try ReviewSession(root: layout.root)
            return session.hasRounds || !session.shortlists().isEmpty ? session.roundVerifyProblems(language: lang) : []
        } }
        return audit ?? []
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
    /// not signed by the session: refused.
    public static let replicable: Set<String> = ["decision-conflict", "round-rule", "shortlist-conflict", "shortlist-outdated"]
}
