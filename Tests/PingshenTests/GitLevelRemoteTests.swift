import Foundation
import Panel
import Records
import Testing

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
        let rel = "records/appr-qp-ftu/" + (approval as NSString).lastPathComponent
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
        let forgedPath = work + "/records/sec/" + String(format: "%06d", forged.seq) + ".json"
        try forged.canonicalBytes().write(to: URL(fileURLWithPath: forgedPath))
        #expect(try Harness.run("/usr/bin/ssh-keygen", ["-Y", "sign", "-f", qp.key("sec"), "-n", "review-record@pingshen", forgedPath]).status == 0)
        #expect(try GitCLI.run(work, ["add", "records"]).status == 0)
        #expect(try GitCLI.run(work, ["commit", "-q", "-m", "approval"]).status == 0)
        #expect(try GitCLI.run(work, ["push", "-q", "origin", "HEAD:main"]).status == 0)
        r = try Self.promote(city, "qingpu")
        let forgedRel = "records/sec/" + String(format: "%06d", forged.seq) + ".json"
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
        let m1Rel = "records/m1/" + (m1 as NSString).lastPathComponent
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
}
