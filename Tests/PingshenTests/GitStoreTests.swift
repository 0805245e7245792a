import Foundation
import Testing
import Panel
import Replication

/// `git` as the tests run it: the real binary, in DIR, with a fixed identity.
enum GitCLI {
    static let exe = Git.executable() ?? "/usr/bin/git"

    @discardableResult
    static func run(_ dir: String, _ args: [String], env: [String: String] = [:]) throws -> Harness.Result {
        var e = ["GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"]
        for (k, v) in env { e[k] = v }
        return try Harness.run(exe, ["-C", dir] + args, env: e)
    }

    /// stdout of a git call that must succeed, without its trailing line feed.
    static func out(_ dir: String, _ args: [String]) throws -> String {
        let r = try run(dir, args)
        #expect(r.status == 0, "git \(args.joined(separator: " ")): \(r.stderr)")
        return r.stdout.trimmingCharacters(in: .newlines)
    }

    /// `git push --signed` from `dir` with an SSH key file (git's gpg.format ssh), as any git
    /// user (or an attacker with a key) would push by hand: `args` follow `push`.
    static func signedPush(_ dir: String, key: String, _ args: [String], env: [String: String] = [:]) throws -> Harness.Result {
        try run(dir, ["-c", "gpg.format=ssh", "-c", "user.signingKey=" + key, "push", "--signed"] + args, env: env)
    }

    static func files(_ dir: String) throws -> [String] {
        try out(dir, ["ls-files"]).split(separator: "\n").map(String.init)
    }
}

/// A store as a git repository (issue 14, step 1): `init --git` and `git enable`.
@Suite struct GitStoreTests {
    @Test func initGitMakesARepositoryOfTheRecordsOnly() throws {
        let dir = try Harness.tempDir("gitinit")
        try Harness.sshKeygen(dir + "/sec", comment: "sec")
        let store = dir + "/store"
        let r = try Harness.pingshen(["init", store, "--program", "shanghai-craftsman", "--year", "2026", "--secretary", "sec", "--name", "秘书",
                                      "--pubkey", dir + "/sec.pub", "--key", dir + "/sec", "--git"])
        #expect(r.status == 0, "init --git: \(r.stderr)")
        #expect(r.stdout.contains("git repository"))
        let files = try GitCLI.files(store)
        #expect(files == [".gitignore", "records/sec/000/000001.json", "records/sec/000/000001.json.sig"], "\(files)")
        #expect(try GitCLI.out(store, ["config", "feature.manyFiles"]) == "true")
        #expect(try GitCLI.out(store, ["config", "index.version"]) == "4")
        #expect(try GitCLI.out(store, ["rev-parse", "--abbrev-ref", "HEAD"]) == "main")
        #expect(try GitCLI.out(store, ["rev-list", "--count", "HEAD"]) == "1")
        // The index is in version 4 (git's own header: "DIRC", then the version).
        let index = try Data(contentsOf: URL(fileURLWithPath: store + "/.git/index"))
        #expect(index.count > 8 && index[7] == 4)
        // Everything derived or private stays out of git.
        for (path, text) in [("drafts/sec/D001.json", "{}"), (".cache/x", "x"), ("records/sec/.lock", ""), ("records/sec/000/.tmp-000002.json-abc", "x"),
                             (".keys/sec", "k"), ("keys/sec", "k"), (".staging/import-1/D9.yaml", "x"), (".governance.lock", "")] {
            let full = store + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        #expect(try GitCLI.out(store, ["status", "--porcelain"]) == "")
        // Views are ignored yet present, and stock ssh-keygen verifies with the README's paths.
        #expect(FileManager.default.fileExists(atPath: store + "/allowed_signers"))
        #expect(try Harness.sshVerify(store: store, member: "sec", record: store + "/records/sec/000/000001.json").status == 0)
    }

    @Test func enableCommitsAnExistingStoreAndThenEachBatch() throws {
        let fx = try Fixture()
        var r = try Harness.pingshen(["git", "enable", fx.store])
        #expect(r.status == 0, "git enable: \(r.stderr)")
        var files = try GitCLI.files(fx.store)
        #expect(files.contains("dossiers/D001.yaml") && files.contains("records/sec/000/000008.json.sig") && files.contains(".gitignore"))
        #expect(!files.contains { $0.hasPrefix("roster") || $0.hasPrefix("program") || $0.hasPrefix("allowed") || $0.hasPrefix(".staging") })
        let head = try GitCLI.out(fx.store, ["rev-parse", "HEAD"])
        // Again: nothing changes.
        r = try Harness.pingshen(["git", "enable", fx.store])
        #expect(r.status == 0 && r.stdout.contains("nothing new"), "\(r.stdout) \(r.stderr)")
        #expect(try GitCLI.out(fx.store, ["rev-parse", "HEAD"]) == head)
        // Two sheets: one commit for both.
        #expect(try fx.score("m1", "D001", [20, 20, 20, 20]).status == 0)
        #expect(try fx.score("m2", "D001", [20, 20, 20, 20]).status == 0)
        r = try Harness.pingshen(["git", "enable", fx.store, "--as", "m1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try GitCLI.out(fx.store, ["rev-list", "--count", head + "..HEAD"]) == "1")
        files = try GitCLI.out(fx.store, ["diff", "--name-only", head, "HEAD"]).split(separator: "\n").map(String.init)
        #expect(files == ["records/m1/000/000001.json", "records/m1/000/000001.json.sig", "records/m2/000/000001.json", "records/m2/000/000001.json.sig"], "\(files)")
        #expect(try GitCLI.out(fx.store, ["log", "-1", "--format=%an"]) == "m1")
    }

    @Test func enableAdoptsAPlainCloneAndWritesItsViews() throws {
        let fx = try Fixture()
        #expect(try Harness.pingshen(["git", "enable", fx.store]).status == 0)
        let clone = fx.dir + "/clone"
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", fx.store, clone]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: clone + "/roster.yaml"))
        let r = try Harness.pingshen(["git", "enable", clone])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: clone + "/roster.yaml"))
        let v = try Harness.pingshen(["verify", clone])
        #expect(v.status == 0, "verify clone: \(v.stdout) \(v.stderr)")
        #expect(try GitCLI.out(clone, ["status", "--porcelain"]) == "")
        // git clone wrote its index in version 2; enable rewrote it in version 4.
        let index = try Data(contentsOf: URL(fileURLWithPath: clone + "/.git/index"))
        #expect(index.count > 8 && index[7] == 4, "index version \(index.count > 8 ? index[7] : 0)")
    }

    /// A committed record rewritten or deleted, a foreign .gitignore, a folder that is no store,
    /// a bad --as: each refused with what and where, nothing committed.
    @Test func hostileStatesAreRefused() throws {
        let fx = try Fixture()
        #expect(try Harness.pingshen(["git", "enable", fx.store]).status == 0)
        let head = try GitCLI.out(fx.store, ["rev-parse", "HEAD"])
        let rec = fx.store + "/records/m1/000/000001.json"
        #expect(try fx.score("m1", "D001", [20, 20, 20, 20]).status == 0)
        #expect(try Harness.pingshen(["git", "enable", fx.store]).status == 0)
        let head2 = try GitCLI.out(fx.store, ["rev-parse", "HEAD"])
        #expect(head2 != head)
        // Rewritten in place.
        let original = try Data(contentsOf: URL(fileURLWithPath: rec))
        try Data(String(decoding: original, as: UTF8.self).replacingOccurrences(of: "20", with: "21").utf8).write(to: URL(fileURLWithPath: rec))
        var r = try Harness.pingshen(["git", "enable", fx.store])
        #expect(r.status == 1 && r.stderr.contains("records/m1/000/000001.json") && r.stderr.contains("rewritten"), "\(r.stderr)")
        #expect(try GitCLI.out(fx.store, ["rev-parse", "HEAD"]) == head2)
        // Deleted.
        try original.write(to: URL(fileURLWithPath: rec))
        try FileManager.default.removeItem(atPath: rec + ".sig")
        r = try Harness.pingshen(["git", "enable", fx.store])
        #expect(r.status == 1 && r.stderr.contains("records/m1/000/000001.json.sig") && r.stderr.contains("deleted"), "\(r.stderr)")
        #expect(try GitCLI.run(fx.store, ["checkout", "--", "records/m1/000/000001.json.sig"]).status == 0)
        #expect(try Harness.pingshen(["git", "enable", fx.store]).status == 0)

        // A .gitignore that is not pingshen's (it could hide records from the history).
        let other = try Fixture()
        try "records/\n".write(toFile: other.store + "/.gitignore", atomically: true, encoding: .utf8)
        r = try Harness.pingshen(["git", "enable", other.store])
        #expect(r.status == 1 && r.stderr.contains(".gitignore"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: other.store + "/.git/index"))

        // Not a store.
        let empty = try Harness.tempDir("notastore")
        r = try Harness.pingshen(["git", "enable", empty])
        #expect(r.status == 1 && r.stderr.contains("genesis"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: empty + "/.git"))
        // A bad --as.
        r = try Harness.pingshen(["git", "enable", fx.store, "--as", "a b\nc"])
        #expect(r.status != 0 && !r.stderr.isEmpty)
    }

    /// The add-only rule, path by path, on hostile paths and changes.
    @Test func storePolicyOnHostilePaths() {
        let ok = ["records/m1/000/000001.json", "records/m1/000/000001.json.sig", "records/a.b-c_d/1234/1234567.json", "dossiers/D001.yaml",
                  "evidence/QP2026/records/sec/000/000001.json", ".gitignore"]
        for p in ok { #expect(StorePolicy.place(p) != nil, "\(p)") }
        let bad = ["roster.yaml", "program.yaml", "allowed_signers", ".gitmodules", "hooks/pre-receive", "records/../x", "records/m1/0000001.json",
                   "records/m1/000000.json", "records/.x/000/000001.json",
                   // The fan-out's one spelling: outside the folders, in another seq's folder, folders spelled otherwise.
                   "records/m1/000001.json", "records/m1/000001.json.sig", "records/m1/001/000005.json", "records/m1/000/001000.json",
                   "records/m1/0000/000001.json", "records/m1/1/000001.json", "records/m1/01/000001.json", "records/m1/abc/000001.json",
                   "records/m1/001/001000.json/x", "records/m1/000/000/000001.json", "records/m1/1234/1234567.json.sig/",  "records/m1/000001.JSON", "records/m1/sub/000001.json", "records/m1/.lock",
                   "dossiers/a/b.yaml", "dossiers/.x.yaml", "dossiers/D001.yml", "evidence/NS", "evidence/../x/y", "drafts/m1/D001.json",
                   ".cache/verified-v1", "records/m1\n/000001.json", "records/m 1/000001.json", "", "/records/m1/000/000001.json",
                   "evidence/a/b/c/d/e/f"]
        for p in bad { #expect(StorePolicy.place(p) == nil, "\(p.debugDescription)") }
        func change(_ s: String, _ path: String, mode: String = "100644") -> StorePolicy.Change {
            StorePolicy.Change(status: s, oldMode: "100644", newMode: s == "D" ? "000000" : mode, oldBlob: "", newBlob: "", path: path)
        }
        #expect(StorePolicy.check(change("A", "records/m1/000/000002.json")) == nil)
        #expect(StorePolicy.check(change("M", "dossiers/D001.yaml")) == nil)
        #expect(StorePolicy.check(change("M", "records/m1/000/000002.json"))?.kind == "changed")
        #expect(StorePolicy.check(change("D", "records/m1/000/000002.json"))?.kind == "deleted")
        #expect(StorePolicy.check(change("D", "dossiers/D001.yaml"))?.kind == "deleted")
        #expect(StorePolicy.check(change("A", "records/m1/000/000002.json", mode: "120000"))?.kind == "not-a-regular-file")
        #expect(StorePolicy.check(change("A", "records/m1/000/000002.json", mode: "100755"))?.kind == "not-a-regular-file")
        #expect(StorePolicy.check(change("A", "evidence/NS/x", mode: "160000"))?.kind == "not-a-regular-file")
        #expect(StorePolicy.check(change("A", "notes.txt"))?.kind == "not-a-store-file")
        #expect(StorePolicy.check(change("M", "evidence/NS/x"))?.kind == "changed")
        #expect(StorePolicy.check(change("T", "dossiers/D001.yaml", mode: "100644"))?.kind == "changed")
        // diff-tree output with a hostile path (a newline, a colon at the start) parses as one path.
        let raw = Data("abc\0:000000 100644 0000 1111 A\0:odd\npath\0:100644 100644 1 2 M\0records/m1/000/000001.json\0".utf8)
        let parsed = StorePolicy.parseRaw(raw)
        #expect(parsed.map(\.path) == [":odd\npath", "records/m1/000/000001.json"])
        #expect(parsed.map(\.status) == ["A", "M"])
    }

    /// pingshen's own git calls never run git's automatic gc (a repack of 626k loose objects
    /// held `git enable` for 8 minutes at 300,000 records): `git enable` and `sync` start
    /// `git gc --auto` apart and return without waiting for it, and the repository still gets
    /// packed. git's `pre-auto-gc` hook (run inside `gc --auto` before it packs) marks that
    /// the gc started and holds it until the test releases it.
    /// The first commit of a store of many files writes them into one pack, not a loose object
    /// each (`GitStore.packOptions`): the tree is the one git's plain `update-index --add` of the
    /// same paths gives, the index has every file's stat data (`git diff-files` finds nothing
    /// without re-reading), and a record whose signature is not there is left out as before.
    @Test func aLargeFirstCommitIsOnePack() throws {
        let dir = try Harness.tempDir("gitpack")
        let store = dir + "/store", plain = dir + "/plain"
        var r = try Harness.pingshen(["simulate", store, "--dossiers", "60", "--members", "10", "--seed", "3"])
        #expect(r.status == 0, "simulate: \(r.stderr)")
        // One record whose signature is not there (yet): never committed.
        let member = try #require(try FileManager.default.contentsOfDirectory(atPath: store + "/records").filter { $0 != "s01" }.sorted().first)
        let last = try #require(Harness.records(store, member).last)
        let unsigned = Harness.recordPath(last)
        try FileManager.default.moveItem(atPath: store + "/" + unsigned + ".sig", toPath: dir + "/held.sig")
        #expect(try Harness.run("/bin/cp", ["-a", store, plain]).status == 0)
        r = try Harness.pingshen(["git", "enable", store])
        #expect(r.status == 0, "git enable: \(r.stderr)")
        let files = try GitCLI.files(store)
        #expect(files.count >= GitStore.packFrom, "\(files.count) files")
        #expect(!files.contains(unsigned) && files.contains(".gitignore"))
        func objects(_ repo: String) throws -> [String: Int] {
            var out: [String: Int] = [:]
            for line in try GitCLI.out(repo, ["count-objects", "-v"]).split(separator: "\n") {
                let kv = line.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
                if kv.count == 2, let n = Int(kv[1]) { out[kv[0]] = n }
            }
            return out
        }
        let packed = try objects(store)
        // Loose: the commit and its trees (one per folder), not the files.
        #expect(packed["packs"] == 1 && (packed["in-pack"] ?? 0) >= files.count - 1 && (packed["count"] ?? .max) < 100, "\(packed)")
        #expect(try GitCLI.run(store, ["diff-files", "--quiet"]).status == 0, "stat data of the index")
        #expect(try GitCLI.out(store, ["status", "--porcelain", "--untracked-files=all"]) == "?? " + unsigned)
        #expect(try GitCLI.run(store, ["fsck", "--no-progress", "--strict"]).status == 0)
        // git's own way, loose objects: the same tree.
        #expect(try GitCLI.run(plain, ["init", "-q", "-b", "main"]).status == 0)
        try FileManager.default.copyItem(atPath: store + "/.gitignore", toPath: plain + "/.gitignore")
        let list = Data(files.map { $0 + "\u{0}" }.joined().utf8)
        #expect(try Harness.run(GitCLI.exe, ["-C", plain, "update-index", "--add", "-z", "--stdin"], stdin: list).status == 0)
        #expect(try GitCLI.out(plain, ["write-tree"]) == GitCLI.out(store, ["rev-parse", "HEAD^{tree}"]))
        #expect((try objects(plain)["count"] ?? 0) >= files.count - 1)
        // A later batch of a few files stays loose, as git writes it.
        try FileManager.default.moveItem(atPath: dir + "/held.sig", toPath: store + "/" + unsigned + ".sig")
        r = try Harness.pingshen(["git", "enable", store])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try GitCLI.out(store, ["diff", "--name-only", "HEAD~1", "HEAD"]) == unsigned + "\n" + unsigned + ".sig")
        #expect(try objects(store)["packs"] == 1)
    }

    /// A first commit of many files goes to `update-index` in parts (`GitStore.packChunk`), a
    /// pack each (git's bulk checkin scans all it wrote in a run: quadratic in one run of 626k
    /// files): the tree is the one a single `update-index --add` of the same paths gives, the
    /// index has every file's stat data, and every file is in one of the packs.
    @Test func aLargeFirstCommitIsPackedInParts() throws {
        let dir = try Harness.tempDir("gitparts")
        let store = dir + "/store", plain = dir + "/plain"
        var r = try Harness.pingshen(["simulate", store, "--dossiers", "60", "--members", "10", "--seed", "3"])
        #expect(r.status == 0, "simulate: \(r.stderr)")
        #expect(try Harness.run("/bin/cp", ["-a", store, plain]).status == 0)
        #expect(try GitCLI.run(store, ["init", "-q", "-b", "main"]).status == 0)
        let layout = StoreLayout(store)
        let git = try #require(GitStore.repository(layout))
        let batch = try #require(try GitStore.commitBatch(layout, git: git, message: "parts", author: nil, language: .en, packChunk: 400))
        let files = try GitCLI.files(store)
        #expect(batch.files == files.count && files.count > 1000, "\(batch.files) \(files.count)")
        let packs = try FileManager.default.contentsOfDirectory(atPath: store + "/.git/objects/pack").filter { $0.hasSuffix(".pack") }
        #expect(packs.count == (files.count + 399) / 400, "\(packs.count) packs for \(files.count) files")
        var inPack = 0
        for p in packs {
            let v = try GitCLI.out(store, ["verify-pack", "-v", ".git/objects/pack/" + p])
            inPack += v.split(separator: "\n").filter { $0.contains(" blob ") }.count
        }
        #expect(inPack == Set(try GitCLI.out(store, ["ls-files", "-s"]).split(separator: "\n").map { $0.split(separator: " ")[1] }).count)
        #expect(try GitCLI.run(store, ["diff-files", "--quiet"]).status == 0, "stat data of the index")
        #expect(try GitCLI.run(store, ["fsck", "--no-progress", "--strict"]).status == 0)
        #expect(try GitCLI.run(plain, ["init", "-q", "-b", "main"]).status == 0)
        let list = Data(files.map { $0 + "\u{0}" }.joined().utf8)
        #expect(try Harness.run(GitCLI.exe, ["-C", plain, "update-index", "--add", "-z", "--stdin"], stdin: list).status == 0)
        #expect(try GitCLI.out(plain, ["write-tree"]) == GitCLI.out(store, ["rev-parse", "HEAD^{tree}"]))
        r = try Harness.pingshen(["verify", store])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
    }

    @Test func gitsAutoGCRunsApartAndIsNotWaitedFor() throws {
        let fx = try Fixture()
        let hooks = fx.dir + "/gc-hooks", marks = fx.dir + "/gc-marks"
        for d in [hooks, marks] { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
        try """
        #!/bin/sh
        : > "\(marks)/started-$$"
        i=0
        while [ ! -e "\(marks)/release" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done
        : > "\(marks)/done-$$"
        exit 0

        """.write(toFile: hooks + "/pre-auto-gc", atomically: true, encoding: .utf8)
        #expect(chmod(hooks + "/pre-auto-gc", 0o755) == 0)
        // gc --auto has work to do as soon as the repository holds more than 2 packs.
        let global = fx.dir + "/gitconfig"
        try "[core]\n\thooksPath = \(hooks)\n[gc]\n\tautoPackLimit = 2\n".write(toFile: global, atomically: true, encoding: .utf8)
        let env = ["GIT_CONFIG_GLOBAL": global]
        #expect(try GitCLI.run(fx.store, ["init", "-q", "-b", "main"], env: env).status == 0)
        for n in 1...3 {
            let blob = fx.dir + "/blob\(n)"
            try "not a record \(n)\n".write(toFile: blob, atomically: true, encoding: .utf8)
            // A blob kept by a ref of its own (repack packs only what a ref reaches), one pack each.
            let id = try GitCLI.run(fx.store, ["hash-object", "-w", blob], env: env).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try GitCLI.run(fx.store, ["update-ref", "refs/test/blob\(n)", id], env: env).status == 0)
            #expect(try GitCLI.run(fx.store, ["repack", "-q"], env: env).status == 0)
        }
        func marked(_ prefix: String) throws -> Int { try FileManager.default.contentsOfDirectory(atPath: marks).filter { $0.hasPrefix(prefix) }.count }
        func packs() throws -> Int { try FileManager.default.contentsOfDirectory(atPath: fx.store + "/.git/objects/pack").filter { $0.hasSuffix(".pack") }.count }
        #expect(try packs() == 3)
        var r = try Harness.pingshen(["git", "enable", fx.store], env: env)
        #expect(r.status == 0, "git enable: \(r.stderr)")
        // Returned while the gc it started is still held in its hook (had it waited, the hook
        // would have run out its 120 s and marked done).
        #expect(try marked("done") == 0, "git enable waited for git's gc")
        let loose = try GitCLI.out(fx.store, ["count-objects"])
        // A sync whose commit, fetch and merge would each have run gc --auto does not wait either.
        let sheet = try fx.score("m1", "D001", [15, 15, 15, 15])
        #expect(sheet.status == 0, "score: \(sheet.stderr)")
        let hub = fx.dir + "/hub.git"
        #expect(try Harness.run(GitCLI.exe, ["init", "-q", "--bare", "-b", "main", hub], env: env).status == 0)
        r = try Harness.pingshen(["sync", fx.store, hub], env: env)
        #expect(r.status == 0, "sync: \(r.stdout) \(r.stderr)")
        #expect(try marked("done") == 0, "sync waited for git's gc")
        // The gc was started, apart; released, it packs the repository.
        var waited = 0
        while try marked("started") == 0 && waited < 600 { usleep(100_000); waited += 1 }
        #expect(try marked("started") > 0, "no gc was started")
        FileManager.default.createFile(atPath: marks + "/release", contents: nil)
        waited = 0
        while (try packs() != 1 || FileManager.default.fileExists(atPath: fx.store + "/.git/gc.pid")) && waited < 1200 { usleep(100_000); waited += 1 }
        #expect(try packs() == 1, "the repository was not packed")
        #expect(try GitCLI.out(fx.store, ["count-objects"]) != loose)
        #expect(try GitCLI.run(fx.store, ["fsck", "--no-dangling"], env: env).status == 0)
    }
}
