import Foundation
import Testing

/// `pingshen clone` (issue 14): a laptop's copy scoring offline, then syncing; a district's
/// history cloned at the city and promoted with its evidence verified.
@Suite struct GitCloneTests {
    static func fingerprint(_ store: String) throws -> String {
        try Harness.json(Harness.pingshen(["verify", store, "--format", "json"]).stdout)["fingerprint"] as? String ?? ""
    }

    @Test func aLaptopClonesScoresOfflineThenSyncs() throws {
        let h = try GitHosts(pingshenHub: true)
        let fp = try Self.fingerprint(h.a)
        let laptop = h.fx.dir + "/laptop"
        var r = try Harness.pingshen(["clone", h.hub, laptop, "--fingerprint", fp])
        #expect(r.status == 0 && r.stdout.contains(fp), "\(r.stdout) \(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: laptop + "/roster.yaml"))
        #expect(try Harness.pingshen(["verify", laptop]).status == 0)
        #expect(try GitCLI.out(laptop, ["config", "index.version"]) == "4")
        // The index itself is in version 4 (git's header: "DIRC", then the version), though the
        // clone's checkout wrote it before the settings.
        let index = try Data(contentsOf: URL(fileURLWithPath: laptop + "/.git/index"))
        #expect(index.count > 8 && Array(index.prefix(4)) == Array("DIRC".utf8) && index[7] == 4, "index version \(index.count > 8 ? index[7] : 0)")
        // Offline: the hub is gone while the member scores on the laptop.
        let away = h.hub + ".away"
        try FileManager.default.moveItem(atPath: h.hub, toPath: away)
        try h.score(laptop, "m4", "D001", 16)
        try h.score(laptop, "m4", "D002", 13)
        r = try h.sync(laptop, "origin", as: "m4")
        #expect(r.status == 2, "\(r.stdout) \(r.stderr)")
        try FileManager.default.moveItem(atPath: away, toPath: h.hub)
        r = try h.sync(laptop, "origin", as: "m4")
        #expect(r.status == 0 && r.stdout.contains("pushed"), "\(r.stdout) \(r.stderr)")
        r = try h.sync(h.a)
        #expect(r.status == 0 && r.stdout.contains("records received: 2"), "\(r.stdout) \(r.stderr)")
        #expect(try h.tree(h.a) == h.tree(laptop))
        #expect(try Harness.pingshen(["verify", h.a]).status == 0)

        // Refusals leave nothing behind.
        r = try Harness.pingshen(["clone", h.hub, h.fx.dir + "/wrong", "--fingerprint", String(repeating: "0", count: 64)])
        #expect(r.status == 1 && r.stderr.contains("fingerprint-mismatch"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: h.fx.dir + "/wrong"))
        r = try Harness.pingshen(["clone", h.fx.dir + "/nowhere.git", h.fx.dir + "/none"])
        #expect(r.status == 2 && !FileManager.default.fileExists(atPath: h.fx.dir + "/none"), "\(r.stderr)")
        r = try Harness.pingshen(["clone", h.hub, laptop])
        #expect(r.status == 1 && r.stderr.contains("not an empty folder"), "\(r.stderr)")
        r = try Harness.pingshen(["clone", h.hub, h.fx.dir + "/bad", "--fingerprint", "xyz"])
        #expect(r.status == 1 && r.stderr.contains("64 hex"), "\(r.stderr)")
        // A plain repository whose history rewrote a record: refused whole.
        let evil = h.fx.dir + "/evil.git"
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", "--bare", h.hub, evil]).status == 0)
        let work = h.fx.dir + "/evilwork"
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", evil, work]).status == 0)
        let rec = work + "/records/m4/000/000001.json"
        let t = try String(contentsOfFile: rec, encoding: .utf8)
        try t.replacingOccurrences(of: "16", with: "26").write(toFile: rec, atomically: true, encoding: .utf8)
        #expect(try GitCLI.run(work, ["commit", "-q", "-am", "rewrite"]).status == 0)
        #expect(try GitCLI.run(work, ["push", "-q", "origin", "HEAD:main"]).status == 0)
        r = try Harness.pingshen(["clone", evil, h.fx.dir + "/fromevil"])
        #expect(r.status == 1 && r.stderr.contains("records/m4/000/000001.json: changed"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: h.fx.dir + "/fromevil"))
    }

    /// A clone into an existing empty folder that is refused, or cannot reach its hub, leaves
    /// that folder as it found it: there, empty, its mode unchanged; a good clone fills it.
    @Test func aRefusedCloneLeavesAnEmptyFolderAsItWas() throws {
        let h = try GitHosts(pingshenHub: true)
        let fp = try Self.fingerprint(h.a)
        let target = h.fx.dir + "/empty"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o750])
        func unchanged(_ what: String) throws {
            var isDir: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: target, isDirectory: &isDir) && isDir.boolValue, "\(what): the folder is gone")
            #expect(try FileManager.default.contentsOfDirectory(atPath: target) == [], "\(what): the folder is not empty")
            let mode = try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int
            #expect(mode == 0o750, "\(what): mode \(String(mode ?? 0, radix: 8))")
        }
        var r = try Harness.pingshen(["clone", h.hub, target, "--fingerprint", String(repeating: "0", count: 64)])
        #expect(r.status == 1 && r.stderr.contains("fingerprint-mismatch"), "\(r.stderr)")
        try unchanged("wrong fingerprint")
        r = try Harness.pingshen(["clone", h.fx.dir + "/nowhere.git", target])
        #expect(r.status == 2, "\(r.stderr)")
        try unchanged("unreachable")
        // A history that breaks the add-only rule: refused after the objects were fetched.
        let evil = h.fx.dir + "/evil.git"
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", "--bare", h.hub, evil]).status == 0)
        let work = h.fx.dir + "/evilwork"
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", evil, work]).status == 0)
        try FileManager.default.removeItem(atPath: work + "/records/sec/000/000002.json")
        #expect(try GitCLI.run(work, ["commit", "-q", "-am", "drop"]).status == 0)
        #expect(try GitCLI.run(work, ["push", "-q", "origin", "HEAD:main"]).status == 0)
        r = try Harness.pingshen(["clone", evil, target])
        #expect(r.status == 1 && r.stderr.contains("records/sec/000/000002.json: deleted"), "\(r.stderr)")
        try unchanged("a deleted record")
        r = try Harness.pingshen(["clone", h.hub, target, "--fingerprint", fp])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Harness.pingshen(["verify", target]).status == 0)
    }

    /// A history that keeps the add-only rule but adds a record whose signature does not
    /// verify: the clone checks the tree out in place and verifies it there; refused, it
    /// leaves nothing behind (no folder, no half-checked store).
    @Test func aCloneOfABadSignatureIsRefusedAndRemoved() throws {
        let h = try GitHosts(pingshenHub: true)
        let evil = h.fx.dir + "/evil.git"
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", "--bare", h.hub, evil]).status == 0)
        let work = h.fx.dir + "/evilwork"
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", evil, work]).status == 0)
        try h.score(h.a, "m2", "D001", 14)
        // m2's real sheet (a record the hub has not seen), its score raised after signing.
        let sheet = Harness.recordPath(try #require(Harness.records(h.a, "m2").last))
        try FileManager.default.createDirectory(atPath: work + "/" + (sheet as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        for name in [sheet, sheet + ".sig"] {
            try FileManager.default.copyItem(atPath: h.a + "/" + name, toPath: work + "/" + name)
        }
        let rec = work + "/" + sheet
        try String(contentsOfFile: rec, encoding: .utf8).replacingOccurrences(of: "14", with: "19").write(toFile: rec, atomically: true, encoding: .utf8)
        #expect(try GitCLI.run(work, ["add", "records/m2"]).status == 0)
        #expect(try GitCLI.run(work, ["commit", "-q", "-m", "raised"]).status == 0)
        #expect(try GitCLI.run(work, ["push", "-q", "origin", "HEAD:main"]).status == 0)
        let target = h.fx.dir + "/fromevil"
        let r = try Harness.pingshen(["clone", evil, target])
        #expect(r.status == 1 && r.stderr.contains(sheet), "\(r.stdout) \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: target))
        // The same hub without that commit clones, and verifies.
        let good = h.fx.dir + "/good"
        #expect(try Harness.pingshen(["clone", h.hub, good]).status == 0)
        #expect(try Harness.pingshen(["verify", good]).status == 0)
    }

    /// The city clones the district's hub and promotes its approved list from that fetched
    /// history; the evidence goes on to the city's hub, and a second city host that never saw
    /// the district verifies it.
    @Test func aDistrictListPromotedFromItsFetchedHub() throws {
        let qp = try PromoteTests.approvedQingpu()
        #expect(try Harness.pingshen(["git", "enable", qp.store]).status == 0)
        let qfp = try Self.fingerprint(qp.store)
        let qhub = qp.dir + "/qingpu-hub.git"
        #expect(try Harness.pingshen(["hub", "init", qhub, "--store-fingerprint", qfp]).status == 0)
        var r = try Harness.pingshen(["sync", qp.store, qhub, "--as", "sec", "--key", qp.key("sec")])
        #expect(r.status == 0, "\(r.stderr)")

        let city = try Fixture()
        #expect(try Harness.pingshen(["git", "enable", city.store]).status == 0)
        let fetched = city.dir + "/from-qingpu"
        r = try Harness.pingshen(["clone", qhub, fetched, "--fingerprint", qfp])
        #expect(r.status == 0, "\(r.stderr)")
        r = try Harness.pingshen(["promote", fetched, "--to", city.store, "--as", "sec", "--key", city.key("sec"), "--fingerprint", qfp])
        #expect(r.status == 0, "promote: \(r.stderr)")
        #expect(try Harness.pingshen(["verify", city.store]).status == 0)

        let cfp = try Self.fingerprint(city.store)
        let chub = city.dir + "/city-hub.git"
        #expect(try Harness.pingshen(["hub", "init", chub, "--store-fingerprint", cfp]).status == 0)
        r = try Harness.pingshen(["sync", city.store, chub, "--as", "sec", "--key", city.key("sec")])
        #expect(r.status == 0, "sync city: \(r.stdout) \(r.stderr)")
        #expect(try GitCLI.files(city.store).contains { $0.hasPrefix("evidence/QP2026/") })
        let second = city.dir + "/city-second"
        r = try Harness.pingshen(["clone", chub, second, "--fingerprint", cfp])
        #expect(r.status == 0, "\(r.stderr)")
        let v = try Harness.pingshen(["verify", second, "--format", "json"])
        #expect(v.status == 0, "\(v.stdout)")
        #expect(FileManager.default.fileExists(atPath: second + "/dossiers/QP2026-QP001.yaml"))
    }
}
