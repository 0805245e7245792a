import Foundation
import Testing

/// A hub that only grows (issue 14, step 3): `pingshen hub init` and its pre-receive hook,
/// tested by pushing good and bad commits with real git.
@Suite struct GitHubTests {
    @Test func hubInitSetsGitsGuardsAndTheHook() throws {
        let dir = try Harness.tempDir("hubinit")
        let hub = dir + "/hub.git"
        let fp = String(repeating: "ab", count: 32)
        var r = try Harness.pingshen(["hub", "init", hub, "--store-fingerprint", fp.uppercased()])
        #expect(r.status == 0, "\(r.stderr)")
        for (k, v) in [("receive.denyNonFastForwards", "true"), ("receive.denyDeletes", "true"), ("receive.fsckObjects", "true"),
                       ("pingshen.fingerprint", fp), ("core.bare", "true")] {
            #expect(try GitCLI.out(hub, ["config", k]) == v, "\(k)")
        }
        let hook = hub + "/hooks/pre-receive"
        #expect(FileManager.default.isExecutableFile(atPath: hook))
        let text = try String(contentsOfFile: hook, encoding: .utf8)
        #expect(text.contains("exec '\(Harness.binary)' git-hook pre-receive") || text.contains("git-hook pre-receive"), "\(text)")
        #expect(text.contains("'/"), "the binary's absolute path, quoted: \(text)")
        // Hostile arguments: each refused, nothing created.
        r = try Harness.pingshen(["hub", "init", dir + "/h2", "--store-fingerprint", "abc"])
        #expect(r.status == 1 && r.stderr.contains("64 hex"), "\(r.stderr)")
        r = try Harness.pingshen(["hub", "init", dir + "/h3", "--store-fingerprint", String(repeating: "g", count: 64)])
        #expect(r.status == 1 && !FileManager.default.fileExists(atPath: dir + "/h3"))
        r = try Harness.pingshen(["hub", "init", hub, "--store-fingerprint", fp])
        #expect(r.status == 1 && r.stderr.contains("not an empty folder"), "\(r.stderr)")
        r = try Harness.pingshen(["hub", "init", dir + "/h4", "--store-fingerprint", fp, "--binary", "/usr/bin/x\nrm -rf /"])
        #expect(r.status == 1 && !FileManager.default.fileExists(atPath: dir + "/h4"), "\(r.stderr)")
        r = try Harness.pingshen(["git-hook", "post-update"])
        #expect(r.status == 1 && r.stderr.contains("only pre-receive"))
    }

    @Test func theHubRefusesEveryBadPushWithItsReason() throws {
        let h = try GitHosts(pingshenHub: true)   // the first push, a whole store, was taken
        let evil = h.fx.dir + "/evil"
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", h.hub, evil]).status == 0)
        #expect(try Harness.pingshen(["git", "enable", evil]).status == 0)
        let good = try GitCLI.out(h.hub, ["rev-parse", "main"])

        // Every attack is a push signed by a member (m1), so that what refuses it is what is tested.
        func push(_ name: String, _ change: () throws -> Void, expect: [String], args: [String] = ["origin", "HEAD:main"],
                  env: [String: String] = [:]) throws {
            #expect(try GitCLI.run(evil, ["reset", "-q", "--hard", good]).status == 0)
            #expect(try GitCLI.run(evil, ["clean", "-qfdx", "-e", "roster.yaml", "-e", "allowed_signers", "-e", "program.yaml"]).status == 0)
            try change()
            #expect(try GitCLI.run(evil, ["add", "-A", "."]).status == 0)
            _ = try GitCLI.run(evil, ["commit", "-q", "-m", name])
            let r = try GitCLI.signedPush(evil, key: h.fx.key("m1"), args, env: env)
            #expect(r.status != 0, "\(name): the push was taken: \(r.stderr)")
            #expect(!r.stderr.contains("not signed"), "\(name): \(r.stderr)")
            for e in expect { #expect(r.stderr.contains(e), "\(name): expected \(e) in \(r.stderr)") }
            #expect(try GitCLI.out(h.hub, ["rev-parse", "main"]) == good, "\(name): the hub moved")
        }
        let rec = evil + "/records/sec/000/000002.json"
        try push("edit a record", {
            let t = try String(contentsOfFile: rec, encoding: .utf8)
            try t.replacingOccurrences(of: "\"member\"", with: "\"chair\"").write(toFile: rec, atomically: true, encoding: .utf8)
        }, expect: ["pingshen hub refused: records/sec/000/000002.json: changed"])
        try push("delete a record", { try FileManager.default.removeItem(atPath: rec) }, expect: ["records/sec/000/000002.json: deleted"])
        try push("delete a dossier", { try FileManager.default.removeItem(atPath: evil + "/dossiers/D001.yaml") }, expect: ["dossiers/D001.yaml: deleted"])
        try push("a file no store holds", { try "x".write(toFile: evil + "/.gitmodules", atomically: true, encoding: .utf8) },
                 expect: [".gitmodules: not-a-store-file"])
        // A real, signed record at a path that is not its one spelling (README "Decision on a
        // fan-out"): outside the folders, in another seq's folder, in a folder spelled otherwise.
        for to in ["records/sec/000002.json", "records/sec/001/000002.json", "records/sec/0000/000002.json", "records/sec/2/000002.json"] {
            try push("a record at " + to, {
                try FileManager.default.createDirectory(atPath: evil + "/" + (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: rec, toPath: evil + "/" + to)
                try FileManager.default.copyItem(atPath: rec + ".sig", toPath: evil + "/" + to + ".sig")
            }, expect: ["pingshen hub refused: " + to + ": not-a-store-file", to + ".sig: not-a-store-file"])
        }
        try push("a forged record", {
            #expect(try h.score(evil, "m1", "D001", 20).status == 0)
            let p = evil + "/records/m1/000/000001.json"
            let t = try String(contentsOfFile: p, encoding: .utf8)
            try t.replacingOccurrences(of: "\"craft\":20", with: "\"craft\":25").write(toFile: p, atomically: true, encoding: .utf8)
        }, expect: ["records/m1/000/000001.json", "bad-signature"])
        try push("an edited dossier with no signed amendment", {
            let p = evil + "/dossiers/D002.yaml"
            let t = try String(contentsOfFile: p, encoding: .utf8)
            try t.replacingOccurrences(of: "焊接", with: "焊接（冠军）").write(toFile: p, atomically: true, encoding: .utf8)
        }, expect: ["dossiers/D002.yaml", "dossier-changed"])
        // History rewritten: the good tip's parent plus something else, forced.
        try push("a forced push", {
            let c = try GitCLI.run(evil, ["checkout", "-q", "--orphan", "rewritten"])
            #expect(c.status == 0)
        },
                 expect: ["rejected"], args: ["-f", "origin", "HEAD:main"])
        try push("another branch", { try h.score(evil, "m2", "D001", 11) }, expect: ["only refs/heads/main"], args: ["origin", "HEAD:refs/heads/other"])
        try push("a pusher not on the roster", { try h.score(evil, "m2", "D001", 11) }, expect: ["'mallory' is not on the signed roster"],
                 env: ["PINGSHEN_PUSHER": "mallory"])
        // Deleting the branch.
        let del = try GitCLI.signedPush(evil, key: h.fx.key("m1"), ["origin", ":main"])
        #expect(del.status != 0 && del.stderr.contains("delet"), "\(del.stderr)")
        #expect(try GitCLI.out(h.hub, ["rev-parse", "main"]) == good)

        // A fork: m1 scores on A (synced to the hub), and differently on the attacker's copy,
        // which then takes its own version in a merge and pushes it.
        try h.score(h.a, "m1", "D001", 20)
        #expect(try h.sync(h.a).status == 0)
        #expect(try GitCLI.run(evil, ["reset", "-q", "--hard", good]).status == 0)
        try h.score(evil, "m1", "D002", 9)
        #expect(try GitCLI.run(evil, ["add", "-A", "."]).status == 0)
        #expect(try GitCLI.run(evil, ["commit", "-q", "-m", "m1 elsewhere"]).status == 0)
        #expect(try GitCLI.run(evil, ["fetch", "-q", "origin"]).status == 0)
        _ = try GitCLI.run(evil, ["merge", "-q", "-X", "ours", "--no-edit", "origin/main"])
        let f = try GitCLI.signedPush(evil, key: h.fx.key("m1"), ["origin", "HEAD:main"])
        #expect(f.status != 0 && f.stderr.contains("records/m1/000/000001.json: changed") && f.stderr.contains("member m1 signed two different records at seq 1"),
                "\(f.stderr)")
        // The hub is sound and still takes good pushes.
        #expect(try GitCLI.run(h.hub, ["fsck", "--no-progress"]).status == 0)
        try h.score(h.b, "m2", "D002", 14)
        let r = try h.sync(h.b, as: "m2")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try GitCLI.out(h.hub, ["rev-parse", "main"]) == h.head(h.b))
        // sync reports the hook's refusal as exit 1 with its reason: a record rewritten on B.
        let p = h.b + "/records/m2/000/000001.json"
        #expect(try GitCLI.run(h.b, ["rm", "-q", "--cached", p]).status == 0)
        #expect(try GitCLI.run(h.b, ["commit", "-q", "-m", "drop"]).status == 0)
        let s = try h.sync(h.b)
        #expect(s.status == 1 && s.stderr.contains("records/m2/000/000001.json: deleted"), "\(s.stdout) \(s.stderr)")
    }

    /// Another store's history is refused by a hub made for this one (its fingerprint).
    @Test func aHubTakesOnlyItsOwnStore() throws {
        let one = try Fixture(), other = try Fixture()
        for s in [one.store, other.store] { #expect(try Harness.pingshen(["git", "enable", s]).status == 0) }
        let fp = try Harness.json(Harness.pingshen(["verify", one.store, "--format", "json"]).stdout)["fingerprint"] as? String ?? ""
        let hub = one.dir + "/hub.git"
        // The hook's binary at a path with a quote, a space and a dollar: quoted for sh, it runs.
        let odd = one.dir + "/it's $HOME here"
        try FileManager.default.createDirectory(atPath: odd, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: odd + "/pingshen", withDestinationPath: Harness.binary)
        #expect(try Harness.pingshen(["hub", "init", hub, "--store-fingerprint", fp, "--binary", odd + "/pingshen"]).status == 0)
        var r = try Harness.pingshen(["sync", other.store, hub, "--as", "sec", "--key", other.key("sec")])
        #expect(r.status == 1 && r.stderr.contains("this hub takes only \(fp)"), "\(r.stderr)")
        #expect(try GitCLI.run(hub, ["rev-parse", "--verify", "-q", "main"]).status != 0)
        r = try Harness.pingshen(["sync", one.store, hub, "--as", "sec", "--key", one.key("sec")])
        #expect(r.status == 0, "\(r.stderr)")
    }
}
