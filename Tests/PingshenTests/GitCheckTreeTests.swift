import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The checked-out tree a sync or a hub push is verified in, kept between checks (issue 14,
/// `CheckTree`): a check writes only what changed, and a kept tree that someone edited, or whose
/// seal is stale, never lets a bad record pass.
@Suite struct GitCheckTreeTests {
    /// The kept tree of a repository (a store's `.git`, a hub's folder).
    /// `name`: `check`, or a level remote's `level-NAME-check`.
    static func kept(_ gitDir: String, _ name: String = "check") -> String { gitDir + "/pingshen/\(name)-\(getuid())" }

    /// Writes `data` over the file at `path` and puts its access and modification times back, as
    /// an edit that hides from a check trusting stat data would. False when a step fails.
    static func overwriteKeepingTimes(_ path: String, with data: Data) throws -> Bool {
        var st = stat()
        guard lstat(path, &st) == 0 else { return false }
        try data.write(to: URL(fileURLWithPath: path))
        var times = [timespec(tv_sec: st.st_atim.tv_sec, tv_nsec: st.st_atim.tv_nsec), timespec(tv_sec: st.st_mtim.tv_sec, tv_nsec: st.st_mtim.tv_nsec)]
        return utimensat(AT_FDCWD, path, &times, 0) == 0
    }

    /// Each git file of a kept tree (not the check's own views and cache) with its inode and
    /// change time: a file written again has another.
    static func stamps(_ store: String) -> [String: String] {
        var out: [String: String] = [:]
        let own: Set<String> = [".cache", "roster.yaml", "allowed_signers", "program.yaml", "sanctions.yaml"]
        guard let e = FileManager.default.enumerator(atPath: store) else { return out }
        while let rel = e.nextObject() as? String {
            if own.contains(rel) { e.skipDescendants(); continue }
            var st = stat()
            guard lstat(store + "/" + rel, &st) == 0, (st.st_mode & S_IFMT) != S_IFDIR else { continue }
            out[rel] = "\(st.st_ino) \(st.st_ctim.tv_sec).\(st.st_ctim.tv_nsec) \(st.st_mode & S_IFMT)"
        }
        return out
    }

    /// Every git file of the kept tree has the bytes of `tree`, and no other file is there.
    static func holds(_ gitDir: String, tree: String, repo: String, name: String = "check") throws -> Bool {
        let work = kept(gitDir, name) + "/store"
        let want = try GitCLI.out(repo, ["ls-tree", "-r", "--full-tree", tree]).split(separator: "\n").map { line -> (String, String) in
            let f = line.split(separator: "\t", maxSplits: 1)
            return (String(f[1]), String(f[0].split(separator: " ")[2]))
        }
        let have = stamps(work)
        guard Set(have.keys) == Set(want.map(\.0)) else { return false }
        for (path, blob) in want {
            guard try GitCLI.out(repo, ["hash-object", "--no-filters", work + "/" + path]) == blob else { return false }
        }
        return true
    }

    /// The second sync and the second push write only the files that came in: counted by inode
    /// and change time in the kept trees of the host and of the hub.
    @Test func aSecondCheckWritesOnlyTheNewFiles() throws {
        let h = try GitHosts(pingshenHub: true)   // the first push was checked whole by the hub
        let hubTree = Self.kept(h.hub) + "/store"
        let bTree = Self.kept(h.b + "/.git") + "/store"
        try h.score(h.a, "m1", "D001", 20)
        #expect(try h.sync(h.a).status == 0)
        var r = try h.sync(h.b)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.holds(h.b + "/.git", tree: "HEAD^{tree}", repo: h.b))
        #expect(try Self.holds(h.hub, tree: "main^{tree}", repo: h.hub))
        let (hubBefore, bBefore) = (Self.stamps(hubTree), Self.stamps(bTree))
        #expect(hubBefore.count > 10 && hubBefore.count == bBefore.count, "\(hubBefore.count) \(bBefore.count)")
        let headB = try h.head(h.b)

        try h.score(h.a, "m3", "D002", 18)
        try h.score(h.a, "m2", "D003", 12)
        #expect(try h.sync(h.a).status == 0)
        r = try h.sync(h.b)
        #expect(r.status == 0 && r.stdout.contains("records received: 2"), "\(r.stdout) \(r.stderr)")
        let added = Set(try GitCLI.out(h.b, ["diff", "--name-only", headB, "HEAD"]).split(separator: "\n").map(String.init))
        #expect(added.count == 4, "\(added)")
        for (name, before, after) in [("hub", hubBefore, Self.stamps(hubTree)), ("B", bBefore, Self.stamps(bTree))] {
            let written = Set(after.filter { before[$0.key] != $0.value }.map(\.key))
            #expect(written == added, "\(name) wrote \(written.sorted()), came in: \(added.sorted())")
            #expect(Set(before.keys).isSubset(of: Set(after.keys)), "\(name) lost files")
        }
        #expect(try Self.holds(h.b + "/.git", tree: "HEAD^{tree}", repo: h.b))
        #expect(try Self.holds(h.hub, tree: "main^{tree}", repo: h.hub))
    }

    /// A fetch refused (a forged record), then the retry with a good record taken: the kept
    /// tree ends holding exactly the merged tree, the forged file gone. The same through a hub.
    @Test func aRefusalThenTheAcceptedRetry() throws {
        let h = try GitHosts()
        let evil = h.fx.dir + "/evil"
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", h.hub, evil]).status == 0)
        #expect(try Harness.pingshen(["git", "enable", evil]).status == 0)
        let good = try GitCLI.out(h.hub, ["rev-parse", "main"])
        try h.score(evil, "m1", "D001", 20)
        let p = evil + "/records/m1/000/000001.json"
        let t = try String(contentsOfFile: p, encoding: .utf8)
        try t.replacingOccurrences(of: "\"craft\":20", with: "\"craft\":25").write(toFile: p, atomically: true, encoding: .utf8)
        #expect(try GitCLI.run(evil, ["add", "-A", "records"]).status == 0)
        #expect(try GitCLI.run(evil, ["commit", "-q", "-m", "forged"]).status == 0)
        #expect(try GitCLI.run(evil, ["push", "-q", "origin", "HEAD:main"]).status == 0)
        try h.score(h.a, "m3", "D002", 18)
        var r = try h.sync(h.a)
        #expect(r.status == 1 && r.stderr.contains("records/m1/000/000001.json") && r.stderr.contains("bad-signature"), "\(r.stderr)")
        let forged = Self.kept(h.a + "/.git") + "/store/records/m1/000/000001.json"
        #expect(FileManager.default.fileExists(atPath: forged), "the refused tree is what the kept tree holds")
        // The attacker's history is replaced by a good one (a plain bare hub takes anything).
        #expect(try GitCLI.run(evil, ["reset", "-q", "--hard", good]).status == 0)
        try h.score(evil, "m2", "D003", 11)
        #expect(try GitCLI.run(evil, ["add", "-A", "records"]).status == 0)
        #expect(try GitCLI.run(evil, ["commit", "-q", "-m", "good"]).status == 0)
        #expect(try GitCLI.run(evil, ["push", "-q", "-f", "origin", "HEAD:main"]).status == 0)
        r = try h.sync(h.a)
        #expect(r.status == 0 && r.stdout.contains("records received: 1"), "\(r.stdout) \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: forged))
        #expect(try Self.holds(h.a + "/.git", tree: "HEAD^{tree}", repo: h.a))
        #expect(try Harness.pingshen(["verify", h.a]).status == 0)

        // Through a hub: a forged push refused by the hook, then a good one taken.
        let g = try GitHosts(pingshenHub: true)
        let bad = g.fx.dir + "/bad"
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", g.hub, bad]).status == 0)
        #expect(try Harness.pingshen(["git", "enable", bad]).status == 0)
        try g.score(bad, "m1", "D001", 20)
        let q = bad + "/records/m1/000/000001.json"
        try String(contentsOfFile: q, encoding: .utf8).replacingOccurrences(of: "\"craft\":20", with: "\"craft\":25")
            .write(toFile: q, atomically: true, encoding: .utf8)
        #expect(try GitCLI.run(bad, ["add", "-A", "records"]).status == 0)
        #expect(try GitCLI.run(bad, ["commit", "-q", "-m", "forged"]).status == 0)
        let f = try GitCLI.signedPush(bad, key: g.fx.key("m1"), ["origin", "HEAD:main"])
        #expect(f.status != 0 && f.stderr.contains("bad-signature"), "\(f.stderr)")
        try g.score(g.b, "m2", "D002", 14)
        r = try g.sync(g.b, as: "m2")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.holds(g.hub, tree: "main^{tree}", repo: g.hub))
        #expect(try GitCLI.run(g.hub, ["fsck", "--no-progress"]).status == 0)
    }

    /// Someone edits the kept tree between two checks: the forged record that was refused is
    /// overwritten there with a record that verifies (its modification time put back), a file
    /// git does not hold is added, a record folder is replaced by a symbolic link. The same
    /// fetch is refused again each time: the check sees git's bytes, not the folder's.
    @Test func aTamperedKeptTreeLetsNothingPass() throws {
        let h = try GitHosts()
        let evil = h.fx.dir + "/evil"
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", h.hub, evil]).status == 0)
        #expect(try Harness.pingshen(["git", "enable", evil]).status == 0)
        try h.score(evil, "m1", "D001", 20)
        let p = evil + "/records/m1/000/000001.json"
        let genuine = try Data(contentsOf: URL(fileURLWithPath: p))
        try String(decoding: genuine, as: UTF8.self).replacingOccurrences(of: "\"craft\":20", with: "\"craft\":25")
            .write(toFile: p, atomically: true, encoding: .utf8)
        #expect(try GitCLI.run(evil, ["add", "-A", "records"]).status == 0)
        #expect(try GitCLI.run(evil, ["commit", "-q", "-m", "forged"]).status == 0)
        #expect(try GitCLI.run(evil, ["push", "-q", "origin", "HEAD:main"]).status == 0)
        func refused(_ what: String) throws {
            let r = try h.sync(h.a)
            #expect(r.status == 1 && r.stderr.contains("records/m1/000/000001.json") && r.stderr.contains("bad-signature"), "\(what): \(r.stderr)")
        }
        try refused("first")
        let work = Self.kept(h.a + "/.git") + "/store"
        let kept = work + "/records/m1/000/000001.json"
        // 1. The refused record's bytes replaced by the genuine, verifying ones, mtime put back.
        #expect(try GitCheckTreeTests.overwriteKeepingTimes(kept, with: genuine))
        try refused("a file of git's edited")
        #expect(FileManager.default.contents(atPath: kept) != genuine)
        // 2. Files git does not hold: a record folder only the kept tree has.
        let stray = work + "/records/m9"
        try FileManager.default.createDirectory(atPath: stray + "/000", withIntermediateDirectories: true)
        try genuine.write(to: URL(fileURLWithPath: stray + "/000/000001.json"))
        try refused("a file git does not hold")
        #expect(!FileManager.default.fileExists(atPath: stray))
        // 3. The member's folder replaced by a symbolic link to a folder holding the genuine record.
        let elsewhere = h.fx.dir + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: work + "/records/m1") {
            try FileManager.default.copyItem(atPath: work + "/records/m1/" + name, toPath: elsewhere + "/" + name)
        }
        try genuine.write(to: URL(fileURLWithPath: elsewhere + "/000/000001.json"))
        try FileManager.default.removeItem(atPath: work + "/records/m1")
        try FileManager.default.createSymbolicLink(atPath: work + "/records/m1", withDestinationPath: elsewhere)
        try refused("a folder made a symbolic link")
        var st = stat()
        #expect(lstat(work + "/records/m1", &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR)
        #expect(FileManager.default.contents(atPath: elsewhere + "/000/000001.json") == genuine, "nothing written through the link")
        #expect(try Harness.pingshen(["verify", h.a]).status == 0)
    }

    /// A seal that no longer matches (the index changed after it, or an old seal and index put
    /// back over a newer tree) and a seal that is not one: each check still sees exactly the tree.
    @Test func aStaleMarkerIsNeverBelieved() throws {
        let h = try GitHosts()
        let gitDir = h.b + "/.git"
        let dir = Self.kept(gitDir)
        try h.score(h.a, "m1", "D001", 20)
        #expect(try h.sync(h.a).status == 0)
        #expect(try h.sync(h.b).status == 0)
        let oldHeld = try Data(contentsOf: URL(fileURLWithPath: dir + "/held"))
        let oldIndex = try Data(contentsOf: URL(fileURLWithPath: dir + "/index"))
        var n = 0
        func round(_ what: String, _ spoil: () throws -> Void) throws {
            n += 1
            let (m, d) = [("m2", "D001"), ("m3", "D001"), ("m2", "D002"), ("m3", "D002"), ("m1", "D002")][(n - 1) % 5]
            try h.score(h.a, m, d, 10 + n)
            #expect(try h.sync(h.a).status == 0, "\(what)")
            try spoil()
            let r = try h.sync(h.b)
            #expect(r.status == 0 && r.stdout.contains("records received: 1"), "\(what): \(r.stdout) \(r.stderr)")
            #expect(try Self.holds(gitDir, tree: "HEAD^{tree}", repo: h.b), "\(what)")
        }
        try round("an old seal and index put back over a newer tree") {
            try oldHeld.write(to: URL(fileURLWithPath: dir + "/held"))
            try oldIndex.write(to: URL(fileURLWithPath: dir + "/index"))
        }
        try round("an old seal over the current index") { try oldHeld.write(to: URL(fileURLWithPath: dir + "/held")) }
        try round("a seal that is not one") { try Data("0123456789012345678901234567890123456789 x".utf8).write(to: URL(fileURLWithPath: dir + "/held")) }
        try round("no seal") { try FileManager.default.removeItem(atPath: dir + "/held") }
        try round("no index") { try FileManager.default.removeItem(atPath: dir + "/index") }
        #expect(try Harness.pingshen(["verify", h.b]).status == 0)
    }

    /// Two hosts pushing to one hub at once: the hook's checks take turns on the hub's kept
    /// tree; both syncs end in step, the hub sound and its kept tree the hub's tip.
    @Test func twoConcurrentPushes() throws {
        let h = try GitHosts(pingshenHub: true)
        try h.score(h.a, "m1", "D001", 20)
        try h.score(h.a, "m3", "D003", 16)
        try h.score(h.b, "m2", "D002", 15)
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let r = try? h.sync(i == 0 ? h.a : h.b, as: i == 0 ? "m1" : "m2")
            results.set(i, r?.status ?? -1, (r?.stdout ?? "") + (r?.stderr ?? ""))
        }
        for i in 0..<2 { #expect(results.status[i] == 0, "\(results.text[i])") }
        // The first to finish may not hold the other's records yet: one more sync each.
        for (s, m) in [(h.a, "m1"), (h.b, "m2")] { #expect(try h.sync(s, as: m).status == 0) }
        #expect(try h.tree(h.a) == h.tree(h.b))
        #expect(try GitCLI.out(h.hub, ["rev-parse", "main^{tree}"]) == h.tree(h.a))
        #expect(try GitCLI.run(h.hub, ["fsck", "--no-progress"]).status == 0)
        #expect(try Self.holds(h.hub, tree: "main^{tree}", repo: h.hub))
        #expect(!FileManager.default.fileExists(atPath: Self.kept(h.hub) + "/index.lock"))
        for s in [h.a, h.b] { #expect(try Harness.pingshen(["verify", s]).status == 0) }
    }

    /// A tree entry that is not a regular file at a safe path is never written into the kept
    /// tree (nor the scratch one): here a symbolic link this host committed by hand, which the
    /// merge with the remote would carry. The check stops with the path, the incremental way and
    /// the whole way, and nothing is created at that path.
    @Test func anUnsafeEntryIsNeverCheckedOut() throws {
        let h = try GitHosts()
        try h.score(h.b, "m2", "D002", 15)
        #expect(try h.sync(h.b).status == 0)
        #expect(try h.sync(h.a).status == 0)   // A's kept tree now exists
        try FileManager.default.createDirectory(atPath: h.a + "/records/m1/000", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: h.a + "/records/m1/000/000009.json", withDestinationPath: "/etc/passwd")
        #expect(try GitCLI.run(h.a, ["add", "-f", "records/m1/000/000009.json"]).status == 0)
        #expect(try GitCLI.run(h.a, ["commit", "-q", "-m", "a link"]).status == 0)
        let work = Self.kept(h.a + "/.git") + "/store"
        for round in ["incremental", "whole"] {
            try h.score(h.b, round == "whole" ? "m3" : "m1", "D002", 13)
            #expect(try h.sync(h.b).status == 0)
            if round == "whole" { try? FileManager.default.removeItem(atPath: Self.kept(h.a + "/.git") + "/held") }
            let r = try h.sync(h.a)
            #expect(r.status == 1 && r.stderr.contains("records/m1/000/000009.json") && r.stderr.contains("120000"), "\(round): \(r.stdout) \(r.stderr)")
            var st = stat()
            #expect(lstat(work + "/records/m1/000/000009.json", &st) != 0, "\(round): written")
        }
    }

    final class Results: @unchecked Sendable {
        let lock = NSLock()
        var status = [Int32](repeating: -1, count: 2)
        var text = ["", ""]
        func set(_ i: Int, _ s: Int32, _ t: String) { lock.lock(); status[i] = s; text[i] = t; lock.unlock() }
    }
}
