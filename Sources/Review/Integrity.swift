import Foundation
import Panel
import Records

// No silent partial results (issue 16): a store with problems says so in every output a person
// or a program reads, and nothing is signed or published over it. One place for the wording and
// the refusal, read by `rank`, `stats`, `export`, `finalize`, `approve` and the UI.
extension ReviewSession {
    /// How many problems `verify` finds in the store (records with one are not counted).
    public var problemCount: Int { ledger.problems.count }

    /// One line to print above any result on a store with problems (nil when it has none).
    public func problemBanner(_ lang: Language) -> String? {
        let n = ledger.problems.count
        guard n > 0 else { return nil }
        return lang.pick("⚠ 评审库有 \(n) 个问题（用 pingshen verify 查看）：有问题的记录未计入，以下结果不完整",
                         "⚠ the store has \(n) problems (see pingshen verify): records with a problem are not counted; the result below is incomplete")
    }

    /// Problems that stop no signature: `round-rule`, a validly signed sheet or recusal the
    /// round rules leave out (every command and the recount leave it out alike). It replicates
    /// (concurrency brings it about), so one signed by any member with their own key, a round-2
    /// sheet before the shortlists or a round-1 sheet after them, stopped every shortlist and
    /// the finalization for good (later records saw it: it cannot go).
    static let nonBlockingKinds: Set<String> = ["round-rule"]

    /// Throws, naming the first problems, when the store has any: a signature or a published
    /// list must not stand on records `verify` rejects (`what`: the act refused). A record the
    /// round rules leave out is not one of those (`nonBlockingKinds`).
    public func requireNoProblems(_ what: LocalizedText) throws {
        let problems = ledger.problems.filter { !Self.nonBlockingKinds.contains($0.kind) }
        guard !problems.isEmpty else { return }
        let list = problems.prefix(5).map { "\($0.path) (\($0.kind): \($0.message))" }.joined(separator: "; ") + (problems.count > 5 ? " …" : "")
        throw ActionError(zh: "评审库有 \(problems.count) 个问题，不能\(what.zh)：\(list)（用 pingshen verify 查看）",
                          en: "the store has \(problems.count) problems; cannot \(what.en): \(list) (see pingshen verify)")
    }

    /// Refuses `what` when the store holds a round problem replication refuses
    /// (`StoreVerify.refusedRoundProblems`: a shortlist that does not recount, or pins what its
    /// records do not give): a finalization or a later shortlist signed on top of a forged one
    /// would build on it. Names each record and kind (the first five).
    public func requireReplicableRounds(_ what: LocalizedText) throws {
        let en = StoreVerify.refusedRoundProblems(self, language: .en)
        guard !en.isEmpty else { return }
        let zh = StoreVerify.refusedRoundProblems(self, language: .zh)
        func list(_ ps: [Problem]) -> String {
            ps.prefix(5).map { "\($0.path) (\($0.kind): \($0.message))" }.joined(separator: "; ") + (ps.count > 5 ? " …" : "")
        }
        throw ActionError(zh: "评审库有 \(zh.count) 个入围名单问题，不能\(what.zh)：\(list(zh))（用 pingshen verify 查看）",
                          en: "the store has \(en.count) shortlist problems; cannot \(what.en): \(list(en)) (see pingshen verify)")
    }
}
