import Foundation
import Testing
import Records
import Panel
import Review

/// `StoreVerify` fails closed (issue 13): when a programme has rounds and their checks (the
/// recount of every shortlist, the round rules) cannot run because no review session opens on
/// the store, that is a problem of its own, `rounds-unchecked`, naming the cause, which
/// `verify` reports (exit 1) and sync, the hub's hook and `clone` refuse. Before, the checks
/// were skipped and the store passed with a forged shortlist in it.
@Suite struct StoreVerifyFailClosedTests {
    /// A dossier file no session reads past (not YAML): every session open on the store throws,
    /// whatever the records say. (Until issue 13's alignment this was a sanction of year 5
    /// signed outside pingshen, which the history took and the panel refused; the history now
    /// refuses it itself, `gov-invalid`, and the session opens without it:
    /// GovernancePanelAgreementTests.) Returns its path in the store.
    @discardableResult
    static func sessionBreakingFile(_ store: String) throws -> String {
        let layout = StoreLayout(store)
        let file = layout.dossiersDir + "/X99.yaml"
        try "id: [X99\nname: 未闭合\n".write(toFile: file, atomically: true, encoding: .utf8)
        return String(file.dropFirst(layout.root.count + 1))
    }

    static func kinds(_ r: Harness.Result) -> [String] {
        ((try? Harness.json(r.stdout))?["problems"] as? [[String: Any]] ?? []).map { "\($0["path"] as? String ?? "") \($0["kind"] as? String ?? "")" }
    }

    /// The hostile store: two rounds, a forged shortlist and a dossier file that no session
    /// opens past. verify names `rounds-unchecked` (exit 1, path and cause); the hub's hook refuses
    /// the push, sync from a plain remote takes nothing, clone refuses it.
    @Test func aStoreNoSessionOpensOnIsRefusedNotPassed() throws {
        let rf = try RoundsFixture(shortlist: "{per_group: 2}")
        let (hub, plain, evil, fp) = try rf.hubPlainAndClone()
        let dir = rf.fx.dir
        func sync(_ remote: String) throws -> Harness.Result { try Harness.pingshen(["sync", rf.store, remote, "--as", "sec", "--key", rf.fx.key("sec")]) }
        var r: Harness.Result
        _ = (hub, dir, fp)

        let broken = try Self.sessionBreakingFile(evil)
        let body = try RoundsFixture.forgedWeldShortlist(evil, assignment: rf.assignmentSHA())
        let forged = try Forge.record(evil, "chair", kind: .shortlist, body: body, key: rf.fx.key("chair"))
        // The session indeed does not open (every command that reads the store says so).
        r = try Harness.pingshen(["rank", evil, "--format", "json"])
        #expect(r.status != 0 && r.stderr.contains("X99.yaml"), "rank: \(r.stdout) \(r.stderr)")
        // verify: exit 1, the kind, its path, the cause.
        var v = try Harness.pingshen(["verify", evil, "--format", "json", "--lang", "en"])
        #expect(v.status == 1 && Self.kinds(v).contains(broken + " rounds-unchecked"), "\(v.stdout) \(v.stderr)")
        let message = ((try? Harness.json(v.stdout))?["problems"] as? [[String: Any]] ?? []).first { $0["kind"] as? String == "rounds-unchecked" }?["message"] as? String ?? ""
        #expect(message.contains("shortlists") && message.contains("X99.yaml"), "\(message)")
        #expect(!message.contains(evil), "the store's own path is not in the message: \(message)")
        v = try Harness.pingshen(["verify", evil, "--cached", "--format", "json"])
        #expect(v.status == 1 && Self.kinds(v).contains(broken + " rounds-unchecked"), "--cached: \(v.stdout) \(v.stderr)")
        // The hub refuses the push, naming the kind.
        #expect(try GitCLI.run(evil, ["add", "-A", "."]).status == 0)
        #expect(try GitCLI.run(evil, ["commit", "-q", "-m", "broken dossier file and shortlist"]).status == 0)
        let hubTip = try GitCLI.out(hub, ["rev-parse", "main"])
        r = try GitCLI.signedPush(evil, key: rf.fx.key("chair"), [hub, "HEAD:main"])
        #expect(r.status != 0 && r.stderr.contains("rounds-unchecked"), "hub: \(r.stderr)")
        #expect(try GitCLI.out(hub, ["rev-parse", "main"]) == hubTip, "the hub moved")
        // A plain remote takes anything; sync refuses what it would bring, nothing taken.
        #expect(try GitCLI.run(evil, ["push", "-q", plain, "HEAD:main"]).status == 0)
        let headA = try GitCLI.out(rf.store, ["rev-parse", "HEAD"])
        r = try sync(plain)
        #expect(r.status == 1 && r.stderr.contains("rounds-unchecked") && r.stderr.contains("nothing of this fetch was taken"), "sync: \(r.stdout) \(r.stderr)")
        #expect(try GitCLI.out(rf.store, ["rev-parse", "HEAD"]) == headA)
        #expect(!FileManager.default.fileExists(atPath: rf.store + "/" + forged))
        // clone refuses it.
        r = try Harness.pingshen(["clone", plain, dir + "/cloned", "--fingerprint", fp])
        #expect(r.status != 0 && r.stderr.contains("rounds-unchecked"), "clone: \(r.stdout) \(r.stderr)")
    }

    /// A store whose own sessions do not open (the broken file reached it some other way) still
    /// takes nothing it cannot check: `rounds-unchecked` is never excused as "this store had
    /// it already".
    @Test func aBrokenStoreTakesNothingUncheckedBySync() throws {
        let rf = try RoundsFixture(shortlist: "{per_group: 2}")
        let dir = rf.fx.dir
        #expect(try Harness.pingshen(["git", "enable", rf.store]).status == 0)
        let plain = dir + "/plain.git", other = dir + "/other"
        #expect(try Harness.run(GitCLI.exe, ["init", "-q", "--bare", "-b", "main", plain]).status == 0)
        func sync(_ remote: String) throws -> Harness.Result { try Harness.pingshen(["sync", rf.store, remote, "--as", "sec", "--key", rf.fx.key("sec")]) }
        var r = try sync(plain)
        #expect(r.status == 0, "sync plain: \(r.stdout) \(r.stderr)")
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", plain, other]).status == 0)
        #expect(try Harness.pingshen(["git", "enable", other]).status == 0)
        // Both hold the broken file (written into each, as a copy would bring it).
        let broken = try Self.sessionBreakingFile(other)
        try Self.sessionBreakingFile(rf.store)
        #expect(try GitCLI.run(other, ["add", "-A", "."]).status == 0)
        #expect(try GitCLI.run(other, ["commit", "-q", "-m", "broken dossier file"]).status == 0)
        let body = try RoundsFixture.forgedWeldShortlist(other, assignment: rf.assignmentSHA())
        let forged = try Forge.record(other, "chair", kind: .shortlist, body: body, key: rf.fx.key("chair"))
        #expect(try GitCLI.run(other, ["add", "-A", "."]).status == 0)
        #expect(try GitCLI.run(other, ["commit", "-q", "-m", "forged shortlist"]).status == 0)
        #expect(try GitCLI.run(other, ["push", "-q", plain, "HEAD:main"]).status == 0)
        let v = try Harness.pingshen(["verify", rf.store, "--format", "json"])
        #expect(v.status == 1 && Self.kinds(v).contains(broken + " rounds-unchecked"), "\(v.stdout)")
        r = try sync(plain)
        #expect(r.status == 1 && r.stderr.contains("rounds-unchecked"), "sync: \(r.stdout) \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: rf.store + "/" + forged))
    }

    /// A programme with one round pays nothing: no session is opened (trace), and a store no
    /// session opens on gets no `rounds-unchecked` (it has no round to check). With rounds,
    /// the round checks run (plain and --cached).
    @Test func oneRoundPaysNothingAndRoundsAreChecked() throws {
        let fx = try GroupFixture()
        try fx.grouped()
        #expect(try fx.assign(["--per-dossier", "3", "--seed", "42"]).status == 0)
        var r = try Harness.pingshen(["verify", fx.store], env: ["PINGSHEN_TRACE": "1"])
        #expect(r.status == 0 && !r.stderr.contains("verify: rounds") && !r.stderr.contains("ledger: load"), "\(r.stderr)")
        try Self.sessionBreakingFile(fx.store)
        let v = try fx.verify()
        #expect(!v.problems.contains { $0["kind"] as? String == "rounds-unchecked" }, "\(v.problems)")

        let rf = try RoundsFixture(shortlist: "{per_group: 2}")
        try rf.shortlistRoundOne()
        for args in [["verify", rf.store], ["verify", rf.store, "--cached"]] {
            r = try Harness.pingshen(args, env: ["PINGSHEN_TRACE": "1"])
            #expect(r.status == 0 && r.stderr.contains("verify: rounds"), "\(args): \(r.stderr)")
        }
    }
}
