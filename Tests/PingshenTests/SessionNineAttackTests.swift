import Foundation
import Testing
import Records
import Panel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Session 9's attack on what session 8 added (README "Several hosts"), with the real binary:
/// git's environment and settings, and the remotes a user types.
@Suite struct SessionNineAttackTests {
    /// An `ext::` remote runs its command. git's `protocol.allow=never` on every call refused it,
    /// but a per-protocol setting wins over `protocol.allow`: `protocol.ext.allow=always` in the
    /// store's .git/config or the user's ~/.gitconfig, or `GIT_ALLOW_PROTOCOL=ext` in the
    /// environment, and `sync STORE 'ext::sh -c …'` ran the command (before). Now refused by
    /// name, and the command never runs whichever way it is reached: typed, a remote's URL, an
    /// `insteadOf` rewrite of the hub's path.
    @Test func noTransportRunsAProgramWhateverGitsSettingsSay() throws {
        let h = try GitHosts(pingshenHub: true)
        let mark = h.fx.dir + "/ran"
        let command = "ext::sh -c touch% " + mark
        // The store's own config lets ext run, as a user's ~/.gitconfig could.
        try GitCLI.run(h.a, ["config", "protocol.ext.allow", "always"])
        var r = try Harness.pingshen(["sync", h.a, command])
        #expect(r.status != 0 && !FileManager.default.fileExists(atPath: mark), "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("TRANSPORT::"), "\(r.stderr)")
        r = try Harness.pingshen(["sync", h.a, command], env: ["GIT_ALLOW_PROTOCOL": "ext:file"])
        #expect(r.status != 0 && !FileManager.default.fileExists(atPath: mark), "\(r.stdout) \(r.stderr)")
        // A remote's URL in the config (written by hand: `remote add` refuses it).
        try GitCLI.run(h.a, ["config", "remote.evil.url", command])
        r = try Harness.pingshen(["sync", h.a, "evil"], env: ["GIT_ALLOW_PROTOCOL": "ext"])
        #expect(r.status != 0 && !FileManager.default.fileExists(atPath: mark), "\(r.stdout) \(r.stderr)")
        r = try Harness.pingshen(["sync", h.a, "evil"])
        #expect(r.status != 0 && !FileManager.default.fileExists(atPath: mark), "\(r.stdout) \(r.stderr)")
        // The hub's own path rewritten to the command (url.X.insteadOf).
        try GitCLI.run(h.a, ["config", "url." + command + ".insteadOf", h.hub])
        try h.score(h.a, "m1", "D001", 20)
        r = try h.sync(h.a)
        #expect(r.status != 0 && !FileManager.default.fileExists(atPath: mark), "\(r.stdout) \(r.stderr)")
        try GitCLI.run(h.a, ["config", "--remove-section", "url." + command])
        // The hub reached again as it is: the sheet goes through.
        r = try h.sync(h.a)
        #expect(r.status == 0 && !FileManager.default.fileExists(atPath: mark), "\(r.stdout) \(r.stderr)")
    }

    /// A remote typed as a relative path names the place from the current folder. git runs in
    /// the store (`-C`): `pingshen sync store hub.git` looked for store/hub.git, `clone hub.git
    /// sub/b` for sub/hub.git, and `remote add store off ../hub.git` kept a path git read from
    /// the store (before: "could not reach", exit 2).
    @Test func aRelativeRemotePathIsFromTheCurrentFolder() throws {
        let h = try GitHosts(pingshenHub: true)
        let here = (h.hub as NSString).deletingLastPathComponent
        let hub = (h.hub as NSString).lastPathComponent
        let store = (h.a as NSString).lastPathComponent
        func run(_ args: [String]) throws -> Harness.Result {
            try Harness.run(Harness.binary, args + ["--lang", "en"], cwd: here)
        }
        try h.score(h.a, "m1", "D001", 20)
        var r = try run(["sync", store, hub, "--as", "sec", "--key", h.fx.key("sec")])
        #expect(r.status == 0 && r.stdout.contains("pushed"), "\(r.stdout) \(r.stderr)")
        try FileManager.default.createDirectory(atPath: here + "/sub", withIntermediateDirectories: true)
        r = try run(["clone", hub, "sub/c"])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: here + "/sub/c/records/m1/000/000001.json.sig"))
        r = try run(["remote", "add", store, "off", "./" + hub])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(try GitCLI.out(h.a, ["config", "remote.off.url"]) == h.hub)
        try h.score(h.a, "m2", "D001", 18)
        r = try run(["sync", store, "off", "--as", "sec", "--key", h.fx.key("sec")])
        #expect(r.status == 0 && r.stdout.contains("pushed"), "\(r.stdout) \(r.stderr)")
        // A remote's name is still a name, and an scp-like host:path is left to git.
        r = try run(["sync", "sub/c", "origin"])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: here + "/sub/c/records/m2/000/000001.json.sig"))
    }

    /// A sheet the round rules leave out is a valid record that counts nowhere (`round-rule`,
    /// replicable: the hub and sync take it, as concurrency brings it about). Every signing act
    /// refused on a store with any problem, so one such record a member signs with their own key
    /// — a round-2 sheet before the round-1 shortlists, a round-1 sheet after them — stopped the
    /// chair for good: no shortlist, no finalization (the record stays: later records saw it).
    /// Now a round-rule problem does not stop a signature (what it leaves out, every command and
    /// the recount leave out), and verify still lists it.
    @Test func aSheetTheRoundRulesLeaveOutStopsNoSignature() throws {
        let rf = try RoundsFixture()
        var points: [String: JSONValue] = [:]
        for p in RoundsFixture.points(100) { let kv = p.split(separator: "="); points[String(kv[0])] = .int(Int64(kv[1])!) }
        func forge(_ m: String, _ d: String, round: Int) throws -> String {
            try Forge.record(rf.store, m, kind: .score, body: ["dossier": .string(d), "points": .object(points), "round": .int(Int64(round))],
                             key: rf.fx.key(m))
        }
        let early = try forge("m1", "D13", round: 2)
        let chairBefore = Harness.records(rf.store, "chair").count
        try rf.shortlistRoundOne()
        #expect(Harness.records(rf.store, "chair").count == chairBefore + 3, "the chair signed the three groups' round-1 shortlists")
        for (d, t) in RoundsFixture.roundTwo.sorted(by: { $0.key < $1.key }) {
            for m in ["m3", "m6", "m9"] { #expect(try rf.score(m, d, total: t).status == 0, "\(m) \(d)") }
        }
        let table = try rf.fx.table()
        let member = try #require(table["D02"]?.members.first)
        let late = try forge(member, "D02", round: 1)
        let r = try rf.chair(["finalize"])
        #expect(r.status == 0, "finalize: \(r.stderr)")
        let v = try rf.fx.verify()
        for p in [early, late] {
            #expect(v.status == 1 && v.problems.contains { $0["path"] as? String == p && $0["kind"] as? String == "round-rule" }, "\(p): \(v.problems)")
        }
        #expect(v.problems.allSatisfy { $0["kind"] as? String == "round-rule" }, "\(v.problems)")
        // What was signed is what the recount gives without those two sheets.
        let py = try RoundsTests.recountAgreesWithRank(rf)
        let excluded = py.json["excluded"] as? [[String: Any]] ?? []
        #expect(Set(excluded.compactMap { $0["path"] as? String }) == [early, late], "\(excluded)")
    }

    /// The check tree is removed and written whole at times (its `index`, `held` and `store/`).
    /// A symbolic link planted as GITDIR/pingshen/check-UID, or as GITDIR/pingshen (by anyone who
    /// can write the repository folder: on a hub several users push to, each user's hook keeps
    /// its own check tree there), pointed that removal at another folder: a sync deleted the
    /// folder's `store/` and overwrote its `index` (before). Now the kept tree is used only in
    /// folders that are this user's, not links and not writable by others; otherwise the check
    /// runs in a scratch folder, and the sync goes through.
    @Test func aCheckTreeLinkedElsewhereTouchesNothingThere() throws {
        let h = try GitHosts()
        let kept = h.a + "/.git/pingshen/check-\(getuid())"
        func bring() throws {
            var r: Harness.Result
            try h.score(h.b, "m2", ["D001", "D002", "D003"].first { !FileManager.default.fileExists(atPath: h.b + "/records/m2/" + $0) } ?? "D001",
                        Int.random(in: 1...20))
            r = try h.sync(h.b)
            #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
            r = try h.sync(h.a)
            #expect(r.status == 0 && r.stdout.contains("records received: 1"), "\(r.stdout) \(r.stderr)")
        }
        try bring()
        #expect(FileManager.default.fileExists(atPath: kept + "/held"))
        for link in [kept, h.a + "/.git/pingshen"] {
            let victim = h.fx.dir + "/victim-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: victim + "/store/precious", withIntermediateDirectories: true)
            try Data("keep".utf8).write(to: URL(fileURLWithPath: victim + "/index"))
            try Data("keep".utf8).write(to: URL(fileURLWithPath: victim + "/store/precious/file"))
            try FileManager.default.removeItem(atPath: link)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: victim)
            try bring()
            #expect(try String(contentsOfFile: victim + "/index", encoding: .utf8) == "keep", "\(link)")
            #expect(try String(contentsOfFile: victim + "/store/precious/file", encoding: .utf8) == "keep", "\(link)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: victim).sorted() == ["index", "store"], "\(link)")
            try FileManager.default.removeItem(atPath: link)
        }
        // A folder of this user's again: the kept tree is used and sealed.
        try bring()
        #expect(FileManager.default.fileExists(atPath: kept + "/held"))
    }
}
