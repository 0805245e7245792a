import Foundation
import Panel
import Records
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Between levels over git (issue 14): the city's store names the district's hub as a read-only
/// remote and promotes the district's approved list straight from the fetched history, its
/// evidence checked against the district's fingerprint; hostile histories are refused, naming
/// what.
@Suite struct GitLevelRemoteTests {
    static func fingerprint(_ store: String) throws -> String { try GitCloneTests.fingerprint(store) }

    static func promote(_ city: Fixture, _ name: String) throws -> Harness.Result {
        try Harness.pingshen(["promote", city.store, "--from-remote", name, "--as", "sec", "--key", city.key("sec")])
    }

    static func promoted(_ city: Fixture) -> Bool {
        FileManager.default.fileExists(atPath: city.store + "/dossiers/QP2026-QP001.yaml")
    }

    /// An approved district store on git, pushed to `hub` (a pingshen hub, or a plain bare
    /// repository an attacker can force-push to).
    static func district(plain: Bool) throws -> (qp: Fixture, hub: String, fp: String) {
        let qp = try PromoteTests.approvedQingpu()
        #expect(try Harness.pingshen(["git", "enable", qp.store]).status == 0)
        let fp = try fingerprint(qp.store)
        let hub = qp.dir + "/qingpu-hub.git"
        if plain {
            #expect(try Harness.run(GitCLI.exe, ["init", "-q", "--bare", "-b", "main", hub]).status == 0)
        } else {
            #expect(try Harness.pingshen(["hub", "init", hub, "--store-fingerprint", fp]).status == 0)
        }
        let r = try Harness.pingshen(["sync", qp.store, hub, "--as", "sec", "--key", qp.key("sec")])
        #expect(r.status == 0, "district sync: \(r.stderr)")
        return (qp, hub, fp)
    }

    @Test func aDistrictToCityPromotionFromAFetchedHub() throws {
        let (qp, qhub, qfp) = try Self.district(plain: false)
        let city = try Fixture()
        #expect(try Harness.pingshen(["git", "enable", city.store]).status == 0)
        let cfp = try Self.fingerprint(city.store)
        // Not a remote yet.
        var r = try Self.promote(city, "qingpu")
        #expect(r.status == 1 && r.stderr.contains("qingpu is not a read-only remote"), "\(r.stderr)")
        // Adding it: each refusal names what.
        r = try Harness.pingshen(["remote", "add", city.store, "qing/pu", qhub, "--read-only", "--fingerprint", qfp])
        #expect(r.status == 1 && r.stderr.contains("remote name 'qing/pu' is not usable"), "\(r.stderr)")
        r = try Harness.pingshen(["remote", "add", city.store, "qingpu", qhub, "--read-only"])
        #expect(r.status == 1 && r.stderr.contains("needs --fingerprint"), "\(r.stderr)")
        r = try Harness.pingshen(["remote", "add", city.store, "qingpu", qhub, "--read-only", "--fingerprint", "abc"])
        #expect(r.status == 1 && r.stderr.contains("64 hex"), "\(r.stderr)")
        r = try Harness.pingshen(["remote", "add", city.store, "qingpu", qhub, "--read-only", "--fingerprint", cfp])
        #expect(r.status == 1 && r.stderr.contains("this store's own"), "\(r.stderr)")
        for url in ["ext::sh -c id", "fd::3", "-uhttp://x", "ssh://-oProxyCommand=id/x"] {
            r = try Harness.run(Harness.binary, ["remote", "add", city.store, "qingpu", "--read-only", "--fingerprint", qfp, "--lang", "en", "--", url])
            #expect(r.status == 1 && r.stderr.contains("not usable"), "\(url): \(r.stderr)")
        }
        #expect(try GitCLI.run(city.store, ["config", "remote.qingpu.url"]).status != 0)
        r = try Harness.pingshen(["remote", "add", city.store, "qingpu", qhub, "--read-only", "--fingerprint", qfp])
        #expect(r.status == 0 && r.stdout.contains("added read-only remote qingpu"), "\(r.stderr)")
        r = try Harness.pingshen(["remote", "add", city.store, "qingpu", qhub, "--read-only", "--fingerprint", qfp])
        #expect(r.status == 1 && r.stderr.contains("exists already"), "\(r.stderr)")
        // git's own remote, which plain git can neither push to nor fetch a branch from.
        #expect(try GitCLI.out(city.store, ["config", "remote.qingpu.url"]) == qhub)
        #expect(try GitCLI.run(city.store, ["push", "qingpu", "HEAD:refs/heads/main"]).status != 0)
        #expect(try GitCLI.out(qhub, ["rev-parse", "main"]) == GitCLI.out(qp.store, ["rev-parse", "HEAD"]))
        // sync never merges with it.
        r = try Harness.pingshen(["sync", city.store, "qingpu"])
        #expect(r.status == 1 && r.stderr.contains("read-only remote of another level"), "\(r.stderr)")

        // Promoted from the fetched history: the evidence verified against the district's fingerprint.
        r = try Self.promote(city, "qingpu")
        #expect(r.status == 0, "promote: \(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("fetched and checked qingpu") && r.stdout.contains("nominated 2") && r.stdout.contains(qfp), "\(r.stdout)")
        #expect(Self.promoted(city))
        let tip = try GitCLI.out(qhub, ["rev-parse", "main"])
        #expect(try GitCLI.out(city.store, ["rev-parse", "refs/pingshen/levels/qingpu"]) == tip)
        let intake = try #require(Harness.records(city.store, "sec").last)
        let body = try #require(try Harness.json(try String(contentsOfFile: intake, encoding: .utf8))["body"] as? [String: Any])
        #expect(body["source"] as? String == "qingpu@" + tip.prefix(12))
        let promotion = try #require(body["promotion"] as? [String: Any])
        #expect(promotion["source_fingerprint"] as? String == qfp)
        let approval = try #require(Harness.records(qp.store, "appr-qp-ftu").last)
        let rel = Harness.recordPath(approval)
        #expect(FileManager.default.contents(atPath: city.store + "/evidence/QP2026/" + rel) == FileManager.default.contents(atPath: approval))
        let v = try PromoteTests.verify(city.store)
        #expect(v.status == 0, "\(v.text)")
        // The district's history is not merged into the city's.
        #expect(try GitCLI.run(city.store, ["merge-base", "--is-ancestor", tip, "HEAD"]).status != 0)
        r = try Harness.pingshen(["remote", "list", city.store])
        #expect(r.status == 0 && r.stdout.contains("qingpu") && r.stdout.contains("read-only fingerprint \(qfp) fetched \(tip.prefix(12))"), "\(r.stdout)")
        // The city's hub takes the promotion; a city host that never saw the district verifies it.
        let chub = city.dir + "/city-hub.git"
        #expect(try Harness.pingshen(["hub", "init", chub, "--store-fingerprint", cfp]).status == 0)
        r = try Harness.pingshen(["sync", city.store, chub, "--as", "sec", "--key", city.key("sec")])
        #expect(r.status == 0, "\(r.stderr)")
        let second = city.dir + "/city-second"
        #expect(try Harness.pingshen(["clone", chub, second, "--fingerprint", cfp]).status == 0)
        #expect(try Harness.pingshen(["verify", second]).status == 0)
        // Promoted twice: the second is refused by promote itself, after the fetch.
        r = try Self.promote(city, "qingpu")
        #expect(r.status == 1 && r.stderr.contains("already has a dossier QP2026-QP001"), "\(r.stderr)")
    }

    @Test func hostileDistrictHistoriesAreRefused() throws {
        let (qp, evil, qfp) = try Self.district(plain: true)
        let city = try Fixture()
        #expect(try Harness.pingshen(["git", "enable", city.store]).status == 0)

        // A fingerprint other than the district's notice printed.
        let other = try Fixture()
        #expect(try Harness.pingshen(["remote", "add", city.store, "wrong", evil, "--read-only", "--fingerprint", try Self.fingerprint(other.store)]).status == 0)
        var r = try Self.promote(city, "wrong")
        #expect(r.status == 1 && r.stderr.contains("records: fingerprint-mismatch") && r.stderr.contains(qfp), "\(r.stderr)")
        #expect(!Self.promoted(city))
        #expect(try GitCLI.run(city.store, ["rev-parse", "--verify", "--quiet", "refs/pingshen/levels/wrong"]).status != 0)

        #expect(try Harness.pingshen(["remote", "add", city.store, "qingpu", evil, "--read-only", "--fingerprint", qfp]).status == 0)
        r = try Harness.pingshen(["remote", "fetch", city.store, "qingpu"])
        #expect(r.status == 0 && r.stdout.contains("fetched and checked qingpu"), "\(r.stderr)")
        let first = try GitCLI.out(evil, ["rev-parse", "main"])
        func level() throws -> String { try GitCLI.out(city.store, ["rev-parse", "refs/pingshen/levels/qingpu"]) }
        #expect(try level() == first)

        // A forged approval: the district's secretary signs an approval in their own name, as a
        // well-formed next record of their chain, added (not changed) on top of the history.
        let work = qp.dir + "/evil-work"
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", evil, work]).status == 0)
        let approvalFile = try #require(Harness.records(qp.store, "appr-qp-ftu").last)
        let approval = try Record(bytes: try Data(contentsOf: URL(fileURLWithPath: approvalFile)))
        let secLast = try #require(Harness.records(qp.store, "sec").last)
        let secBytes = try Data(contentsOf: URL(fileURLWithPath: secLast))
        let secRecord = try Record(bytes: secBytes)
        var forged = approval
        forged.signer = "sec"
        forged.seq = secRecord.seq + 1
        forged.prev = Record.sha256Hex(secBytes)
        forged.seen["sec"] = nil
        let forgedPath = work + "/" + RecordFileName.path(member: "sec", seq: forged.seq)
        try FileManager.default.createDirectory(atPath: (forgedPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try forged.canonicalBytes().write(to: URL(fileURLWithPath: forgedPath))
        #expect(try Harness.run("/usr/bin/ssh-keygen", ["-Y", "sign", "-f", qp.key("sec"), "-n", "review-record@pingshen", forgedPath]).status == 0)
        #expect(try GitCLI.run(work, ["add", "records"]).status == 0)
        #expect(try GitCLI.run(work, ["commit", "-q", "-m", "approval"]).status == 0)
        #expect(try GitCLI.run(work, ["push", "-q", "origin", "HEAD:main"]).status == 0)
        r = try Self.promote(city, "qingpu")
        let forgedRel = RecordFileName.path(member: "sec", seq: forged.seq)
        #expect(r.status == 1 && r.stderr.contains("\(forgedRel): role") && r.stderr.contains("may not sign a approval record"), "\(r.stderr)")
        #expect(r.stderr.contains("refused qingpu's history: nothing was taken"), "\(r.stderr)")
        #expect(!Self.promoted(city))
        #expect(try level() == first)

        // The history rewritten: the commit fetched before replaced (same files, another commit).
        #expect(try GitCLI.run(work, ["reset", "-q", "--hard", first]).status == 0)
        #expect(try GitCLI.run(work, ["commit", "-q", "--amend", "-m", "rewritten"]).status == 0)
        #expect(try GitCLI.run(work, ["push", "-q", "--force", "origin", "HEAD:main"]).status == 0)
        let rewritten = try GitCLI.out(work, ["rev-parse", "HEAD"])
        r = try Self.promote(city, "qingpu")
        #expect(r.status == 1 && r.stderr.contains("main: rewritten") && r.stderr.contains(String(first.prefix(12)))
                && r.stderr.contains(String(rewritten.prefix(12))), "\(r.stderr)")
        #expect(!Self.promoted(city))
        #expect(try level() == first)

        // A later commit that edits a record the district signed.
        #expect(try GitCLI.run(work, ["reset", "-q", "--hard", first]).status == 0)
        let m1 = try #require(Harness.records(qp.store, "m1").first)
        let m1Rel = Harness.recordPath(m1)
        let text = try String(contentsOfFile: work + "/" + m1Rel, encoding: .utf8)
        try Data((text + " ").utf8).write(to: URL(fileURLWithPath: work + "/" + m1Rel))
        #expect(try GitCLI.run(work, ["commit", "-q", "-am", "edit"]).status == 0)
        #expect(try GitCLI.run(work, ["push", "-q", "--force", "origin", "HEAD:main"]).status == 0)
        r = try Self.promote(city, "qingpu")
        #expect(r.status == 1 && r.stderr.contains("\(m1Rel): changed"), "\(r.stderr)")
        #expect(!Self.promoted(city))
        #expect(try level() == first)

        // Unreachable: exit 2, nothing taken.
        try FileManager.default.moveItem(atPath: evil, toPath: evil + ".away")
        r = try Self.promote(city, "qingpu")
        #expect(r.status == 2 && r.stderr.contains("could not reach qingpu"), "\(r.stderr)")
        try FileManager.default.moveItem(atPath: evil + ".away", toPath: evil)

        // The district's real history back: promoted, and the city verifies.
        #expect(try GitCLI.run(work, ["push", "-q", "--force", "origin", first + ":refs/heads/main"]).status == 0)
        r = try Self.promote(city, "qingpu")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.promoted(city))
        #expect(try PromoteTests.verify(city.store).status == 0)
    }

    // MARK: the level remote's kept check tree (issue 14: a fetch wrote and removed a whole scratch checkout)

    static let levelTree = "level-qingpu-check"

    /// A district member added by the district's secretary (a new signed governance record),
    /// committed on the district's host. Returns the paths of the record's two files.
    static func memberAdded(_ qp: Fixture, _ id: String) throws -> [String] {
        try Harness.sshKeygen(qp.key(id), comment: id)
        let before = Set(try GitCLI.files(qp.store))
        #expect(try qp.addMember(id, name: "专家" + id, pubkey: qp.key(id) + ".pub").status == 0)
        #expect(try Harness.pingshen(["git", "enable", qp.store]).status == 0)
        let added = Set(try GitCLI.files(qp.store)).subtracting(before).sorted()
        #expect(added.count == 2 && added.allSatisfy { $0.hasPrefix("records/sec/") }, "\(added)")
        return added
    }

    /// A second fetch writes into the remote's kept tree only the files the district added
    /// (counted by inode and change time), and after a promotion from that tree the next fetch
    /// is still incremental: promote leaves nothing there that makes it write the tree whole.
    @Test func aSecondFetchWritesOnlyWhatCameIn() throws {
        let (qp, qhub, qfp) = try Self.district(plain: false)
        let city = try Fixture()
        #expect(try Harness.pingshen(["git", "enable", city.store]).status == 0)
        #expect(try Harness.pingshen(["remote", "add", city.store, "qingpu", qhub, "--read-only", "--fingerprint", qfp]).status == 0)
        var r = try Harness.pingshen(["remote", "fetch", city.store, "qingpu"])
        #expect(r.status == 0, "\(r.stderr)")
        let gitDir = city.store + "/.git"
        let work = GitCheckTreeTests.kept(gitDir, Self.levelTree) + "/store"
        #expect(try GitCheckTreeTests.holds(gitDir, tree: "refs/pingshen/levels/qingpu^{tree}", repo: city.store, name: Self.levelTree))
        // Its own tree, not the city's sync check tree, and no scratch folder left behind.
        #expect(!FileManager.default.fileExists(atPath: GitCheckTreeTests.kept(gitDir)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: gitDir).allSatisfy { !$0.hasPrefix("pingshen-check-") })
        #expect(try GitCLI.out(city.store, ["ls-files"]).contains("pingshen/") == false)

        func round(_ id: String, promote: Bool) throws {
            let old = try GitCLI.out(city.store, ["rev-parse", "refs/pingshen/levels/qingpu"])
            let before = GitCheckTreeTests.stamps(work)
            let added = try Self.memberAdded(qp, id)
            #expect(try Harness.pingshen(["sync", qp.store, qhub, "--as", "sec", "--key", qp.key("sec")]).status == 0)
            r = promote ? try Self.promote(city, "qingpu") : try Harness.pingshen(["remote", "fetch", city.store, "qingpu"])
            #expect(r.status == 0, "\(id): \(r.stdout) \(r.stderr)")
            let new = try GitCLI.out(city.store, ["rev-parse", "refs/pingshen/levels/qingpu"])
            let tip = try GitCLI.out(qhub, ["rev-parse", "main"])
            #expect(new != old && new == tip)
            let came = Set(try GitCLI.out(city.store, ["diff", "--name-only", old, new]).split(separator: "\n").map(String.init))
            #expect(came == Set(added), "\(came)")
            let after = GitCheckTreeTests.stamps(work)
            let written = Set(after.filter { before[$0.key] != $0.value }.map(\.key))
            #expect(written == came, "\(id): wrote \(written.count) files (\(written.sorted().prefix(5))…), came in: \(came.sorted())")
            #expect(before.count > 20 && Set(before.keys).isSubset(of: Set(after.keys)))
            #expect(try GitCheckTreeTests.holds(gitDir, tree: "refs/pingshen/levels/qingpu^{tree}", repo: city.store, name: Self.levelTree))
        }
        try round("m6", promote: false)
        try round("m7", promote: true)
        #expect(Self.promoted(city))
        try round("m8", promote: false)
        #expect(try PromoteTests.verify(city.store).status == 0)
    }

    /// Someone edits the remote's kept tree between fetches of a forged district record (its
    /// signature no longer holds): the genuine bytes written over it with the modification time
    /// put back, a file git does not hold, the member's folder made a symbolic link, the seal
    /// broken. The same history is refused each time, the level ref stays, and the tree is
    /// restored or written whole; then the genuine history is taken.
    @Test func aTamperedLevelCheckTreeIsNeverTrusted() throws {
        let (qp, evil, qfp) = try Self.district(plain: true)
        let city = try Fixture()
        #expect(try Harness.pingshen(["git", "enable", city.store]).status == 0)
        #expect(try Harness.pingshen(["remote", "add", city.store, "qingpu", evil, "--read-only", "--fingerprint", qfp]).status == 0)
        #expect(try Harness.pingshen(["remote", "fetch", city.store, "qingpu"]).status == 0)
        let first = try GitCLI.out(evil, ["rev-parse", "main"])
        let gitDir = city.store + "/.git"
        let dir = GitCheckTreeTests.kept(gitDir, Self.levelTree)
        let work = dir + "/store"

        // The district's secretary adds a member; the attacker pushes that record edited.
        let added = try Self.memberAdded(qp, "m6")
        let json = try #require(added.first { $0.hasSuffix(".json") })
        let genuine = try Data(contentsOf: URL(fileURLWithPath: qp.store + "/" + json))
        let forged = Data(String(decoding: genuine, as: UTF8.self).replacingOccurrences(of: "专家m6", with: "专家m9").utf8)
        #expect(forged != genuine)
        let clone = qp.dir + "/evil-work"
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", evil, clone]).status == 0)
        for p in added { try FileManager.default.copyItem(atPath: qp.store + "/" + p, toPath: clone + "/" + p) }
        try forged.write(to: URL(fileURLWithPath: clone + "/" + json))
        #expect(try GitCLI.run(clone, ["add", "records"]).status == 0)
        #expect(try GitCLI.run(clone, ["commit", "-q", "-m", "forged"]).status == 0)
        #expect(try GitCLI.run(clone, ["push", "-q", "origin", "HEAD:main"]).status == 0)
        let forgedTip = try GitCLI.out(evil, ["rev-parse", "main"])
        func refused(_ what: String) throws {
            let r = try Harness.pingshen(["remote", "fetch", city.store, "qingpu"])
            #expect(r.status == 1 && r.stderr.contains(json) && r.stderr.contains("bad-signature"), "\(what): \(r.stdout) \(r.stderr)")
            #expect(try GitCLI.out(city.store, ["rev-parse", "refs/pingshen/levels/qingpu"]) == first, "\(what)")
            #expect(try GitCheckTreeTests.holds(gitDir, tree: forgedTip + "^{tree}", repo: evil, name: Self.levelTree), "\(what)")
        }
        try refused("first")
        let kept = work + "/" + json
        #expect(FileManager.default.contents(atPath: kept) == forged)
        // 1. The forged record's bytes replaced by the genuine ones, modification time put back.
        #expect(try GitCheckTreeTests.overwriteKeepingTimes(kept, with: genuine))
        try refused("a file of git's edited")
        // 2. A file git does not hold.
        let stray = work + "/records/m9"
        try FileManager.default.createDirectory(atPath: stray, withIntermediateDirectories: true)
        try genuine.write(to: URL(fileURLWithPath: stray + "/000001.json"))
        try refused("a file git does not hold")
        #expect(!FileManager.default.fileExists(atPath: stray))
        // 3. The secretary's folder made a symbolic link to a folder holding the genuine record.
        let elsewhere = qp.dir + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: work + "/records/sec") {
            try FileManager.default.copyItem(atPath: work + "/records/sec/" + name, toPath: elsewhere + "/" + name)
        }
        let name = (json as NSString).lastPathComponent
        try genuine.write(to: URL(fileURLWithPath: elsewhere + "/" + name))
        try FileManager.default.removeItem(atPath: work + "/records/sec")
        try FileManager.default.createSymbolicLink(atPath: work + "/records/sec", withDestinationPath: elsewhere)
        try refused("a folder made a symbolic link")
        var st = stat()
        #expect(lstat(work + "/records/sec", &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR)
        #expect(FileManager.default.contents(atPath: elsewhere + "/" + name) == genuine, "nothing written through the link")
        // 4. The seal broken, then gone, then an index that is not the sealed one.
        try Data("0123456789012345678901234567890123456789 x".utf8).write(to: URL(fileURLWithPath: dir + "/held"))
        try refused("a seal that is not one")
        try FileManager.default.removeItem(atPath: dir + "/held")
        try refused("no seal")
        try Data("DIRC".utf8).write(to: URL(fileURLWithPath: dir + "/index"))
        try refused("an index that is not the sealed one")
        // The genuine history: taken, and the kept tree holds exactly it.
        #expect(try GitCLI.run(clone, ["reset", "-q", "--hard", first]).status == 0)
        for p in added { try FileManager.default.copyItem(atPath: qp.store + "/" + p, toPath: clone + "/" + p) }
        #expect(try GitCLI.run(clone, ["add", "records"]).status == 0)
        #expect(try GitCLI.run(clone, ["commit", "-q", "-m", "genuine"]).status == 0)
        #expect(try GitCLI.run(clone, ["push", "-q", "-f", "origin", "HEAD:main"]).status == 0)
        let r = try Self.promote(city, "qingpu")
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(try GitCLI.out(city.store, ["rev-parse", "refs/pingshen/levels/qingpu"]) == GitCLI.out(evil, ["rev-parse", "main"]))
        #expect(try GitCheckTreeTests.holds(gitDir, tree: "refs/pingshen/levels/qingpu^{tree}", repo: city.store, name: Self.levelTree))
        #expect(FileManager.default.contents(atPath: kept) == genuine)
        #expect(Self.promoted(city))
        #expect(try PromoteTests.verify(city.store).status == 0)
    }

    // MARK: remote remove (a removed level remote's kept check tree was never removed)

    /// A folder holding one file, outside every store: what a planted link points to.
    static func bait(_ path: String) throws -> Data {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let bytes = Data("keep me\n".utf8)
        try bytes.write(to: URL(fileURLWithPath: path + "/precious.txt"))
        return bytes
    }

    /// `remote remove` takes a level remote's settings, its checked ref and its kept check tree
    /// (a link inside that tree removed as a link, what it points to kept); a plain remote's
    /// settings; a name that is no remote is refused; the name added again starts afresh.
    @Test func removingALevelRemoteRemovesItsCheckTree() throws {
        let (qp, qhub, qfp) = try Self.district(plain: false)
        let city = try Fixture()
        #expect(try Harness.pingshen(["git", "enable", city.store]).status == 0)
        #expect(try Harness.pingshen(["remote", "add", city.store, "qingpu", qhub, "--read-only", "--fingerprint", qfp]).status == 0)
        #expect(try Harness.pingshen(["remote", "add", city.store, "offsite", qp.dir + "/offsite.git"]).status == 0)
        var r = try Harness.pingshen(["remote", "fetch", city.store, "qingpu"])
        #expect(r.status == 0, "\(r.stderr)")
        let gitDir = city.store + "/.git"
        let dir = GitCheckTreeTests.kept(gitDir, Self.levelTree)
        #expect(FileManager.default.fileExists(atPath: dir + "/store/records"))
        let outside = qp.dir + "/outside"
        let bytes = try Self.bait(outside)
        try FileManager.default.createSymbolicLink(atPath: dir + "/store/records/link", withDestinationPath: outside)

        r = try Harness.pingshen(["remote", "remove", city.store, "qingpu"])
        #expect(r.status == 0 && r.stdout.contains("removed remote qingpu") && r.stdout.contains("kept check tree"), "\(r.stdout) \(r.stderr)")
        var st = stat()
        #expect(lstat(dir, &st) != 0 && errno == ENOENT)
        #expect(FileManager.default.contents(atPath: outside + "/precious.txt") == bytes)
        #expect(try GitCLI.run(city.store, ["rev-parse", "-q", "--verify", "refs/pingshen/levels/qingpu"]).status != 0)
        #expect(try GitCLI.run(city.store, ["config", "--get-regexp", "^remote\\.qingpu\\."]).status != 0)
        r = try Harness.pingshen(["remote", "list", city.store])
        #expect(r.status == 0 && !r.stdout.contains("qingpu") && r.stdout.contains("offsite"), "\(r.stdout)")
        // Again: no such remote; a name that could not be one.
        r = try Harness.pingshen(["remote", "remove", city.store, "qingpu"])
        #expect(r.status == 1 && r.stderr.contains("has no remote qingpu"), "\(r.stderr)")
        r = try Harness.pingshen(["remote", "remove", city.store, "../check"])
        #expect(r.status == 1 && r.stderr.contains("is not usable"), "\(r.stderr)")
        // A plain remote: its settings only; the sync check tree is not its own.
        r = try Harness.pingshen(["remote", "remove", city.store, "offsite"])
        #expect(r.status == 0 && r.stdout.contains("removed remote offsite") && !r.stdout.contains("check tree"), "\(r.stdout) \(r.stderr)")
        #expect(try GitCLI.run(city.store, ["config", "--get", "remote.offsite.url"]).status != 0)
        // Added again under that name: fetched and checked afresh.
        #expect(try Harness.pingshen(["remote", "add", city.store, "qingpu", qhub, "--read-only", "--fingerprint", qfp]).status == 0)
        r = try Harness.pingshen(["remote", "fetch", city.store, "qingpu"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try GitCheckTreeTests.holds(gitDir, tree: "refs/pingshen/levels/qingpu^{tree}", repo: city.store, name: Self.levelTree))
    }

    /// Hostile: a symbolic link planted where the kept tree is (`level-NAME-check-UID`), then
    /// where `pingshen/` is, each pointing at a folder with files. `remote remove` removes the
    /// remote, names the link, and neither the link nor anything it points to is touched.
    @Test func removingALevelRemoteNeverFollowsAPlantedLink() throws {
        let (_, qhub, qfp) = try Self.district(plain: false)
        let city = try Fixture()
        #expect(try Harness.pingshen(["git", "enable", city.store]).status == 0)
        let gitDir = city.store + "/.git"
        let dir = GitCheckTreeTests.kept(gitDir, Self.levelTree)
        for planted in [dir, gitDir + "/pingshen"] {
            #expect(try Harness.pingshen(["remote", "add", city.store, "qingpu", qhub, "--read-only", "--fingerprint", qfp]).status == 0)
            var r = try Harness.pingshen(["remote", "fetch", city.store, "qingpu"])
            #expect(r.status == 0, "\(r.stderr)")
            // The target: a folder with files, shaped as the kept tree would be.
            let target = city.dir + "/target-" + (planted as NSString).lastPathComponent
            let bytes = try Self.bait(target)
            let inner = planted == dir ? target : target + "/" + (dir as NSString).lastPathComponent
            let innerBytes = try Self.bait(inner + "/store/records")
            try FileManager.default.removeItem(atPath: planted)
            try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: target)

            r = try Harness.pingshen(["remote", "remove", city.store, "qingpu"])
            #expect(r.status == 0 && r.stderr.contains("left") && r.stderr.contains(planted) && !r.stdout.contains("check tree"),
                    "\(planted): \(r.stdout) \(r.stderr)")
            #expect(try GitCLI.run(city.store, ["config", "--get", "remote.qingpu.url"]).status != 0)
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: planted)) == target, "\(planted): the link is left")
            #expect(FileManager.default.contents(atPath: target + "/precious.txt") == bytes)
            #expect(FileManager.default.contents(atPath: inner + "/store/records/precious.txt") == innerBytes)
            try FileManager.default.removeItem(atPath: planted)
        }
    }
}
