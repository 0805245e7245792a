import Foundation
import Testing
import Records

/// Hosts in step through a hub (issue 14, step 2): `pingshen sync` with real git, two stores
/// cloned from one bare repository in a temp folder.
struct GitHosts {
    let fx: Fixture
    /// Host A: the fixture's store. Host B: a clone of the hub.
    var a: String { fx.store }
    let b: String
    let hub: String

    /// `hook`: a hub made by `pingshen hub init` (else a plain bare repository).
    init(pingshenHub: Bool = false) throws {
        fx = try Fixture()
        hub = fx.dir + "/hub.git"
        b = fx.dir + "/hostB"
        var r = try Harness.pingshen(["git", "enable", fx.store])
        #expect(r.status == 0, "git enable: \(r.stderr)")
        if pingshenHub {
            let fp = try Harness.json(Harness.pingshen(["verify", fx.store, "--format", "json"]).stdout)["fingerprint"] as? String ?? ""
            r = try Harness.pingshen(["hub", "init", hub, "--store-fingerprint", fp])
            #expect(r.status == 0, "hub init: \(r.stderr)")
        } else {
            #expect(try Harness.run(GitCLI.exe, ["init", "-q", "--bare", "-b", "main", hub]).status == 0)
        }
        r = try Harness.pingshen(["sync", fx.store, hub, "--as", "sec", "--key", fx.key("sec")])
        #expect(r.status == 0, "first sync: \(r.stdout) \(r.stderr)")
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", hub, b]).status == 0)
        r = try Harness.pingshen(["git", "enable", b])
        #expect(r.status == 0, "git enable B: \(r.stderr)")
    }

    /// A sheet signed on the host whose store is `store`.
    @discardableResult
    func score(_ store: String, _ member: String, _ dossier: String, _ each: Int) throws -> Harness.Result {
        let r = try Harness.pingshen(["score", store, "--as", member, "--dossier", dossier, "--key", fx.key(member),
                                      "--score", "craft=\(each)", "skill=\(each)", "leadership=\(each)", "contribution=\(each)"])
        #expect(r.status == 0, "score \(member) \(dossier): \(r.stderr)")
        return r
    }

    /// `pingshen sync`, the push signed by `signer`'s key file (a hub takes only signed pushes).
    func sync(_ store: String, _ remote: String? = nil, as signer: String = "sec") throws -> Harness.Result {
        try Harness.pingshen(["sync", store, remote ?? hub, "--as", signer, "--key", fx.key(signer)])
    }

    func head(_ store: String) throws -> String { try GitCLI.out(store, ["rev-parse", "HEAD"]) }
    func tree(_ store: String) throws -> String { try GitCLI.out(store, ["rev-parse", "HEAD^{tree}"]) }
}

@Suite struct GitSyncTests {
    /// A member's chain crossing a fan-out folder boundary (seq 999 in 000/, 1000 and 1001 in
    /// 001/) goes through a hub whose hook verifies it, to a host that verifies it too, at the
    /// paths README shows.
    @Test func aChainAcrossAFolderBoundarySyncsThroughAHub() throws {
        let h = try GitHosts(pingshenHub: true)
        try h.score(h.a, "m1", "D001", 20)
        try Harness.growChain(h.a, member: "m1", key: h.fx.key("m1"), to: 998)
        var r = try h.sync(h.a)
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        try h.score(h.a, "m1", "D002", 15)
        try h.score(h.a, "m1", "D003", 16)
        try h.score(h.a, "m1", "D001", 17)
        r = try h.sync(h.a)
        #expect(r.status == 0 && r.stdout.contains("3 records"), "\(r.stdout) \(r.stderr)")
        r = try h.sync(h.b)
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(try h.tree(h.a) == h.tree(h.b))
        let names = try GitCLI.out(h.hub, ["ls-tree", "-r", "--name-only", "main", "records/m1/"]).split(separator: "\n").map(String.init)
        #expect(names.contains("records/m1/000/000999.json") && names.contains("records/m1/001/001000.json.sig") && names.contains("records/m1/001/001001.json"))
        #expect(names.allSatisfy { RecordFileName.parsePath($0) != nil }, "\(names.filter { RecordFileName.parsePath($0) == nil })")
        for s in [h.a, h.b] {
            let v = try Harness.pingshen(["verify", s, "--format", "json"])
            #expect(v.status == 0, "verify \(s): \(v.stdout)")
        }
        #expect(try Harness.sshVerify(store: h.b, member: "m1", record: h.b + "/records/m1/001/001000.json").status == 0)
        #expect(try Harness.sshVerify(store: h.b, member: "m1", record: h.b + "/records/m1/000/000999.json").status == 0)
    }

    /// Two hosts whose members score different dossiers end with identical records, verify 0 on both.
    @Test func twoHostsEndWithTheSameRecords() throws {
        let h = try GitHosts()
        try h.score(h.a, "m1", "D001", 20)
        try h.score(h.a, "m3", "D001", 18)
        try h.score(h.b, "m2", "D002", 15)
        var r = try h.sync(h.a)
        #expect(r.status == 0 && r.stdout.contains("2 records") && r.stdout.contains("pushed"), "\(r.stdout) \(r.stderr)")
        r = try h.sync(h.b)
        #expect(r.status == 0 && r.stdout.contains("records received: 2"), "\(r.stdout) \(r.stderr)")
        r = try h.sync(h.a)
        #expect(r.status == 0 && r.stdout.contains("records received: 1"), "\(r.stdout) \(r.stderr)")
        #expect(try h.tree(h.a) == h.tree(h.b))
        #expect(try h.head(h.a) == h.head(h.b))
        // In step: a further sync changes nothing on either side.
        #expect(try h.sync(h.b).status == 0)
        #expect(try h.head(h.a) == h.head(h.b))
        for s in [h.a, h.b] {
            let v = try Harness.pingshen(["verify", s, "--format", "json"])
            #expect(v.status == 0, "verify \(s): \(v.stdout)")
            #expect(try Harness.json(v.stdout)["records"] as? Int == 11)
            #expect(try GitCLI.out(s, ["status", "--porcelain"]) == "")
        }
        // Stock ssh-keygen verifies a record that came over, at the README's path.
        #expect(try Harness.sshVerify(store: h.a, member: "m2", record: h.a + "/records/m2/000/000001.json").status == 0)
        #expect(try Harness.sshVerify(store: h.b, member: "m1", record: h.b + "/records/m1/000/000001.json").status == 0)
        // One commit per batch: B's two sheets of m1 and m3 came as A's one commit.
        #expect(try GitCLI.out(h.a, ["log", "--format=%s"]).contains("pingshen sync: records of this host"))
        // A governance change replicates too, and the views follow it on the other host.
        try Harness.sshKeygen(h.fx.key("m6"), comment: "m6")
        #expect(try Harness.pingshen(["member", "add", h.a, "--as", "sec", "--key", h.fx.key("sec"), "--id", "m6", "--name", "专家六",
                                      "--role", "member", "--pubkey", h.fx.key("m6") + ".pub"]).status == 0)
        #expect(try h.sync(h.a).status == 0)
        #expect(try h.sync(h.b).status == 0)
        #expect(try String(contentsOfFile: h.b + "/roster.yaml", encoding: .utf8).contains("m6"))
        #expect(try Harness.pingshen(["verify", h.b]).status == 0)
        try h.score(h.b, "m6", "D003", 12)
        #expect(try h.sync(h.b).status == 0)
        // A signed amendment replaces a dossier file: it replicates, and both sides verify.
        let lines = Fixture.defaultCSV.split(separator: "\n").map(String.init)
        let amended = h.fx.dir + "/D004.csv"
        try (lines[0] + "\n" + lines[4].replacingOccurrences(of: "总结先进操作法", with: "总结先进操作法，获评市劳模") + "\n")
            .write(toFile: amended, atomically: true, encoding: .utf8)
        let am = try Harness.pingshen(["dossier", "amend", h.b, "--as", "sec", "--key", h.fx.key("sec"), "--dossier", "D004", amended, "--reason", "补充材料"])
        #expect(am.status == 0, "\(am.stderr)")
        #expect(try h.sync(h.b).status == 0)
        #expect(try h.sync(h.a).status == 0)
        #expect(try String(contentsOfFile: h.a + "/dossiers/D004.yaml", encoding: .utf8).contains("市劳模"))
        #expect(try h.tree(h.a) == h.tree(h.b))
        for s in [h.a, h.b] { #expect(try Harness.pingshen(["verify", s]).status == 0) }
    }

    /// A store named by a relative path, as a user types it (`pingshen sync B origin` in the
    /// folder above): every path pingshen hands git is absolute, since git runs inside the
    /// store (before, git looked for B/B/.git/… and the sync failed).
    @Test func aRelativeStorePathSyncs() throws {
        let h = try GitHosts()
        try h.score(h.a, "m1", "D001", 20)
        try h.score(h.b, "m2", "D002", 15)
        func relativeSync(_ store: String) throws -> Harness.Result {
            try Harness.run(Harness.binary, ["sync", (store as NSString).lastPathComponent, h.hub, "--as", "sec", "--key", h.fx.key("sec"), "--lang", "en"],
                            cwd: (store as NSString).deletingLastPathComponent)
        }
        var r = try relativeSync(h.a)
        #expect(r.status == 0 && r.stdout.contains("pushed"), "\(r.stdout) \(r.stderr)")
        r = try relativeSync(h.b)
        #expect(r.status == 0 && r.stdout.contains("records received: 1"), "\(r.stdout) \(r.stderr)")
        #expect(try relativeSync(h.a).status == 0)
        #expect(try h.tree(h.a) == h.tree(h.b))
        for s in [h.a, h.b] { #expect(!FileManager.default.fileExists(atPath: s + "/" + (s as NSString).lastPathComponent)) }
    }

    /// What came in is verified once (issue 14): the merged tree's check starts from the host's
    /// verified-record cache and leaves the signatures it checked there, so the host's own
    /// check and its next command verify no signature again. Seen from outside: after a sync,
    /// the cache (`.cache/verified-v1`, 32 bytes per signature) holds every record of the store;
    /// after a clone, too.
    @Test func whatCameInIsVerifiedOnceAndKept() throws {
        let h = try GitHosts()
        func cached(_ store: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: store + "/.cache/verified-v1"))?[.size] as? Int ?? 0) / 32 }
        func signatures(_ store: String) throws -> Int { try GitCLI.files(store).filter { $0.hasSuffix(".sig") }.count }
        try h.score(h.a, "m1", "D001", 20)
        try h.score(h.a, "m3", "D002", 18)
        #expect(try h.sync(h.a).status == 0)
        let r = try h.sync(h.b)
        #expect(r.status == 0 && r.stdout.contains("records received: 2"), "\(r.stdout) \(r.stderr)")
        let (inCache, signed) = (cached(h.b), try signatures(h.b))
        #expect(inCache == signed && signed > 0, "B's cache: \(inCache), signatures: \(signed)")
        let laptop = h.fx.dir + "/laptop"
        #expect(try Harness.pingshen(["clone", h.hub, laptop]).status == 0)
        let (onLaptop, laptopSigned) = (cached(laptop), try signatures(laptop))
        #expect(onLaptop == laptopSigned && onLaptop > 0, "laptop's cache: \(onLaptop), signatures: \(laptopSigned)")
        // The cache proves nothing to anyone else: a forged record that comes later is still refused.
        let evil = h.fx.dir + "/evil"
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", h.hub, evil]).status == 0)
        #expect(try Harness.pingshen(["git", "enable", evil]).status == 0)
        try h.score(evil, "m2", "D003", 12)
        let p = evil + "/records/m2/000/000001.json"
        try String(contentsOfFile: p, encoding: .utf8).replacingOccurrences(of: "\"craft\":12", with: "\"craft\":22").write(toFile: p, atomically: true, encoding: .utf8)
        #expect(try GitCLI.run(evil, ["add", "-A", "records"]).status == 0)
        #expect(try GitCLI.run(evil, ["commit", "-q", "-m", "forged"]).status == 0)
        #expect(try GitCLI.run(evil, ["push", "-q", "origin", "HEAD:main"]).status == 0)
        let f = try h.sync(laptop, "origin")
        #expect(f.status == 1 && f.stderr.contains("records/m2/000/000001.json") && f.stderr.contains("bad-signature"), "\(f.stderr)")
    }

    /// The same member scoring differently on two hosts: a fork, stopped, both versions kept.
    @Test func aForkStopsTheSyncAndKeepsBothVersions() throws {
        let h = try GitHosts()
        try h.score(h.a, "m1", "D001", 20)
        try h.score(h.b, "m1", "D002", 10)
        #expect(try h.sync(h.a).status == 0)
        let before = try h.head(h.b)
        let local = try Data(contentsOf: URL(fileURLWithPath: h.b + "/records/m1/000/000001.json"))
        let r = try h.sync(h.b)
        #expect(r.status == 1, "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("fork: member m1 signed two different records at seq 1"), "\(r.stderr)")
        // Nothing merged or pushed; this host's version in place, the hub's kept beside it.
        #expect(try h.head(h.b) != before)   // B's own sheet was committed locally …
        #expect(try GitCLI.out(h.b, ["rev-list", "--count", before + "..HEAD"]) == "1")   // … and nothing else
        #expect(try Data(contentsOf: URL(fileURLWithPath: h.b + "/records/m1/000/000001.json")) == local)
        let remote = try Data(contentsOf: URL(fileURLWithPath: h.a + "/records/m1/000/000001.json"))
        let forks = try FileManager.default.contentsOfDirectory(atPath: h.b + "/.cache/forks")
        #expect(forks.count == 1)
        let kept = h.b + "/.cache/forks/" + (forks.first ?? "") + "/records/m1/000/000001.json"
        #expect(FileManager.default.contents(atPath: kept) == remote)
        #expect(FileManager.default.fileExists(atPath: kept + ".sig"))
        let refs = try GitCLI.out(h.b, ["for-each-ref", "--format=%(refname)", "refs/pingshen/forks"])
        #expect(refs.hasPrefix("refs/pingshen/forks/"), "\(refs)")
        #expect(try GitCLI.out(h.b, ["cat-file", "blob", "\(refs):records/m1/000/000001.json"]) == String(decoding: remote, as: UTF8.self))
        // The hub holds A's version only; B pushed nothing.
        #expect(try GitCLI.out(h.hub, ["rev-parse", "main"]) == h.head(h.a))
        // Both versions verify with stock ssh-keygen: a real equivocation by m1's key.
        #expect(try Harness.sshVerify(store: h.b, member: "m1", record: kept).status == 0)
        #expect(try Harness.sshVerify(store: h.b, member: "m1", record: h.b + "/records/m1/000/000001.json").status == 0)
    }

    /// A hub that is a plain bare repository (no hook): whatever an attacker pushes there, sync
    /// refuses before taking any of it, naming path and reason.
    @Test func hostileFetchesAreRefusedWhole() throws {
        let h = try GitHosts()
        let evil = h.fx.dir + "/evil"
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", h.hub, evil]).status == 0)
        #expect(try Harness.pingshen(["git", "enable", evil]).status == 0)
        let good = try GitCLI.out(h.hub, ["rev-parse", "main"])
        let headA = try h.head(h.a)

        func attack(_ name: String, _ change: () throws -> Void, expect: [String]) throws {
            #expect(try GitCLI.run(evil, ["reset", "-q", "--hard", good]).status == 0)
            #expect(try GitCLI.run(evil, ["clean", "-qfdx", "-e", "roster.yaml", "-e", "allowed_signers", "-e", "program.yaml"]).status == 0)
            try change()
            #expect(try GitCLI.run(evil, ["add", "-A", "."]).status == 0)
            #expect(try GitCLI.run(evil, ["commit", "-q", "-m", name]).status == 0, "\(name): commit")
            #expect(try GitCLI.run(evil, ["push", "-q", "-f", "origin", "HEAD:main"]).status == 0, "\(name): push")
            let r = try h.sync(h.a)
            #expect(r.status == 1, "\(name): \(r.stdout) \(r.stderr)")
            for e in expect { #expect(r.stderr.contains(e), "\(name): expected \(e) in \(r.stderr)") }
            #expect(r.stderr.contains("nothing of this fetch was taken"), "\(name)")
            #expect(try h.head(h.a) == headA, "\(name): A moved")
            #expect(try GitCLI.out(h.a, ["status", "--porcelain"]) == "", "\(name): A's tree changed")
            #expect(try GitCLI.out(h.a, ["for-each-ref", "refs/pingshen/incoming"]) == "")
        }
        let rec = evil + "/records/sec/000/000002.json"
        try attack("edit a record", {
            let t = try String(contentsOfFile: rec, encoding: .utf8)
            try t.replacingOccurrences(of: "\"member\"", with: "\"chair\"").write(toFile: rec, atomically: true, encoding: .utf8)
        }, expect: ["records/sec/000/000002.json: changed"])
        try attack("delete a record", { try FileManager.default.removeItem(atPath: rec + ".sig") }, expect: ["records/sec/000/000002.json.sig: deleted"])
        try attack("a view", {
            try "x\n".write(toFile: evil + "/roster.yaml", atomically: true, encoding: .utf8)
            #expect(try GitCLI.run(evil, ["add", "-f", "roster.yaml"]).status == 0)
        }, expect: ["roster.yaml: not-a-store-file"])
        try attack("a hook file", {
            try FileManager.default.createDirectory(atPath: evil + "/hooks", withIntermediateDirectories: true)
            try "#!/bin/sh\n".write(toFile: evil + "/hooks/post-merge", atomically: true, encoding: .utf8)
        }, expect: ["hooks/post-merge: not-a-store-file"])
        try attack("a symbolic link as a record", {
            try FileManager.default.createDirectory(atPath: evil + "/records/m1/000", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: evil + "/records/m1/000/000001.json", withDestinationPath: "/etc/passwd")
        }, expect: ["records/m1/000/000001.json: not-a-regular-file"])
        // Records at a path that is not their one spelling (README "Decision on a fan-out"): a
        // real, signed record of sec outside the folders, in another seq's folder, in folders
        // spelled otherwise.
        for (name, to) in [("outside the folders", "records/sec/000002.json"), ("in another seq's folder", "records/sec/001/000002.json"),
                           ("in a folder 0000", "records/sec/0000/000002.json"), ("in a folder 1", "records/sec/1/000002.json"),
                           ("in a folder abc", "records/sec/abc/000002.json")] {
            try attack("a record " + name, {
                try FileManager.default.createDirectory(atPath: evil + "/" + (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: rec, toPath: evil + "/" + to)
                try FileManager.default.copyItem(atPath: rec + ".sig", toPath: evil + "/" + to + ".sig")
            }, expect: [to + ": not-a-store-file", to + ".sig: not-a-store-file"])
        }
        // A symbolic link named like a folder.
        try attack("a symbolic link as a folder", {
            try FileManager.default.createDirectory(atPath: evil + "/records/m1", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: evil + "/records/m1/001", withDestinationPath: "../sec/000")
        }, expect: ["records/m1/001: not-a-store-file"])
        // A record signed by m1 whose bytes were then changed: its signature no longer holds.
        try attack("a forged record", {
            let r = try Harness.pingshen(["score", evil, "--as", "m1", "--dossier", "D001", "--key", h.fx.key("m1"),
                                          "--score", "craft=20", "skill=20", "leadership=20", "contribution=20"])
            #expect(r.status == 0, "\(r.stderr)")
            let p = evil + "/records/m1/000/000001.json"
            let t = try String(contentsOfFile: p, encoding: .utf8)
            try t.replacingOccurrences(of: "\"craft\":20", with: "\"craft\":25").write(toFile: p, atomically: true, encoding: .utf8)
        }, expect: ["records/m1/000/000001.json", "bad-signature"])
        // A record by someone not on the roster (a key of their own).
        try attack("a record by a stranger", {
            try Harness.sshKeygen(h.fx.dir + "/mallory", comment: "mallory")
            let src = evil + "/records/m1/000"
            try FileManager.default.createDirectory(atPath: evil + "/records/mallory/000", withIntermediateDirectories: true)
            let r = try Harness.pingshen(["score", evil, "--as", "m1", "--dossier", "D001", "--key", h.fx.key("m1"),
                                          "--score", "craft=20", "skill=20", "leadership=20", "contribution=20"])
            #expect(r.status == 0, "\(r.stderr)")
            try FileManager.default.moveItem(atPath: src + "/000001.json", toPath: evil + "/records/mallory/000/000001.json")
            try FileManager.default.moveItem(atPath: src + "/000001.json.sig", toPath: evil + "/records/mallory/000/000001.json.sig")
            try FileManager.default.removeItem(atPath: src)
        }, expect: ["records/mallory/000/000001.json"])
        // A dossier edited with no signed amendment.
        try attack("an edited dossier", {
            let p = evil + "/dossiers/D002.yaml"
            let t = try String(contentsOfFile: p, encoding: .utf8)
            try t.replacingOccurrences(of: "焊接", with: "焊接（冠军）").write(toFile: p, atomically: true, encoding: .utf8)
        }, expect: ["dossiers/D002.yaml", "dossier-changed"])
        #expect(try Harness.pingshen(["verify", h.a]).status == 0)

        // Remotes that are options or transports that run programs are refused (exit 1, by
        // name: SessionNineAttackTests); a remote that is not there is exit 2.
        var r = try Harness.run(Harness.binary, ["sync", h.a, "--lang", "en", "--", "-uhack"])
        #expect(r.status == 1 && r.stderr.contains("not usable"), "\(r.stderr)")
        let marker = h.fx.dir + "/ext-ran"
        r = try Harness.pingshen(["sync", h.a, "ext::sh -c touch% " + marker])
        #expect(r.status == 1 && r.stderr.contains("not usable"), "\(r.stdout) \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker))
        r = try Harness.pingshen(["sync", h.a, h.fx.dir + "/no-such-hub"])
        #expect(r.status == 2 && r.stderr.contains("could not reach"), "\(r.stderr)")
        r = try Harness.pingshen(["sync", h.fx.dir, h.hub])
        #expect(r.status == 1 && r.stderr.contains("git enable"), "\(r.stderr)")
    }

    /// A remote argument that git could read as an option, or whose transport runs a program
    /// (ext::, fd::), is refused by sync and by clone: nothing runs, the store's head does not
    /// move, clone leaves nothing behind.
    @Test func hostileRemoteArgumentsRunNothing() throws {
        let h = try GitHosts()
        let marker = h.fx.dir + "/remote-ran"
        let headA = try h.head(h.a)
        let hostile = ["", "--upload-pack=touch \(marker)", "-u", "--receive-pack=touch \(marker)", "-oProxyCommand=touch \(marker)",
                       "ext::sh -c touch% \(marker)", "ext::touch \(marker)", "fd::0", "\(h.hub)\ntouch \(marker)", "\(h.hub)\u{7F}",
                       "ssh://-oProxyCommand=touch%20\(marker)/x"]
        for remote in hostile {
            let r = try Harness.run(Harness.binary, ["sync", "--lang", "en", "--", h.a, remote])
            #expect(r.status == 1 || r.status == 2, "sync \(remote.debugDescription): \(r.status) \(r.stderr)")
            #expect(!r.stderr.isEmpty, "sync \(remote.debugDescription): no reason given")
            let target = h.fx.dir + "/cloned-\(r.status)"
            let c = try Harness.run(Harness.binary, ["clone", "--lang", "en", "--", remote, target])
            #expect(c.status == 1 || c.status == 2, "clone \(remote.debugDescription): \(c.status) \(c.stderr)")
            #expect(!FileManager.default.fileExists(atPath: target), "clone \(remote.debugDescription) left \(target)")
            #expect(!FileManager.default.fileExists(atPath: marker), "\(remote.debugDescription) ran a command")
        }
        #expect(try h.head(h.a) == headA)
    }
}
