import Foundation
import Testing

/// The command line as a user (and the outside contract checks) meet it: the real binary, real
/// ssh-keygen keys, ssh-keygen -Y verify on what it signs.
@Suite struct CLITests {
    @Test func signedRecordVerifiesWithStockOpenSSH() throws {
        let fx = try Fixture()
        let r = try fx.score("m1", "D001", [20, 21, 22, 23], vote: "recommend", extra: ["--comment", "技艺精湛，“一丝不苟”……"])
        #expect(r.status == 0, "\(r.stderr)")
        let recs = Harness.records(fx.store, "m1")
        #expect(recs.count == 1)
        let v = try Harness.sshVerify(store: fx.store, member: "m1", record: recs[0])
        #expect(v.status == 0, "ssh-keygen -Y verify: \(v.stderr)")
        let body = try Harness.json(try String(contentsOfFile: recs[0], encoding: .utf8))
        #expect(body["kind"] as? String == "score")
        #expect(body["seq"] as? Int == 1)
        #expect(body["prev"] as? String == String(repeating: "0", count: 64))
        let verify = try Harness.pingshen(["verify", fx.store, "--format", "json"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let report = try Harness.json(verify.stdout)
        #expect(report["ok"] as? Bool == true)
        #expect(report["records"] as? Int == 2 + Fixture.governanceRecords)   // the sheet, the intake, the set-up
        #expect((report["fingerprint"] as? String)?.count == 64)
    }

    @Test func refusalsWriteNothing() throws {
        let fx = try Fixture()
        // out of range, a missing criterion, an unknown criterion, an unknown dossier, an unknown member
        #expect(try fx.score("m1", "D001", [26, 1, 1, 1]).status == 1)
        #expect(try fx.score("m1", "D001", [1, 1, 1]).status == 1)
        #expect(try Harness.pingshen(["score", fx.store, "--as", "m1", "--dossier", "D001", "--key", fx.key("m1"),
                                      "--score", "craft=1", "skill=1", "leadership=1", "contribution=1", "charm=3"]).status == 1)
        #expect(try fx.score("m1", "D999", [1, 1, 1, 1]).status == 1)
        let stranger = try Harness.pingshen(["score", fx.store, "--as", "nobody", "--dossier", "D001", "--key", fx.key("m1"), "--score", "craft=1"])
        #expect(stranger.status == 1)
        #expect(stranger.stderr.contains("roster"))
        // the secretary may not sign a score (role), another member's key is refused
        #expect(try fx.score("sec", "D001", [1, 1, 1, 1]).status == 1)
        let wrongKey = try Harness.pingshen(["score", fx.store, "--as", "m1", "--dossier", "D001", "--key", fx.key("m2"),
                                             "--score", "craft=1", "skill=1", "leadership=1", "contribution=1"])
        #expect(wrongKey.status == 1)
        // 回避: after a recusal the member cannot score that dossier
        #expect(try Harness.pingshen(["recuse", fx.store, "--as", "m2", "--dossier", "D002", "--reason", "师徒关系", "--key", fx.key("m2")]).status == 0)
        let afterRecusal = try fx.score("m2", "D002", [1, 1, 1, 1])
        #expect(afterRecusal.status == 1)
        #expect(afterRecusal.stderr.contains("recused"))
        // a member of the dossier's own employer is refused
        try Harness.sshKeygen(fx.dir + "/own", comment: "own")
        #expect(try fx.addMember("m6", name: "同单位", unit: "上海电气", pubkey: fx.dir + "/own.pub").status == 0)
        let own = try Harness.pingshen(["score", fx.store, "--as", "m6", "--dossier", "D001", "--key", fx.dir + "/own",
                                        "--score", "craft=1", "skill=1", "leadership=1", "contribution=1"])
        #expect(own.status == 1)
        #expect(Harness.records(fx.store, "m1").isEmpty)
        #expect(Harness.records(fx.store, "m2").count == 1)
        #expect(Harness.records(fx.store, "m6").isEmpty)
        // a duplicate member id or key is refused
        try Harness.sshKeygen(fx.dir + "/fresh", comment: "fresh")
        #expect(try fx.addMember("m1", name: "x", pubkey: fx.dir + "/fresh.pub").status != 0)
        #expect(try fx.addMember("m7", name: "x", pubkey: fx.key("m1") + ".pub").status != 0)
        // The old, unsigned form (the new member's key as --key) is refused, showing the new form.
        let old = try Harness.pingshen(["member", "add", fx.store, "--id", "m8", "--name", "x", "--role", "member", "--key", fx.dir + "/fresh.pub"])
        #expect(old.status != 0)
        #expect(old.stderr.contains("--as SEC [--key PATH]") && old.stderr.contains("--pubkey PATH.pub"), "\(old.stderr)")
        #expect(Harness.records(fx.store, "m8").isEmpty)
    }

    /// Five sheets: the highest and lowest are dropped (trimmed mean, the Shanghai contract).
    @Test func rankFollowsTheShanghaiContract() throws {
        let fx = try Fixture(quota: 2)
        // D001 totals 80, 84, 88, 92, 96 → drop 80 and 96 → (84+88+92)/3 = 88
        let d1 = [[20, 20, 20, 20], [21, 21, 21, 21], [22, 22, 22, 22], [23, 23, 23, 23], [24, 24, 24, 24]]
        // D002 totals 70, 71, 75 (3 sheets, below 5: plain mean) → 216/3 = 72
        let d2 = [[17, 17, 18, 18], [17, 18, 18, 18], [18, 19, 19, 19]]
        // D003 two sheets only → no-quorum
        for (i, p) in d1.enumerated() { #expect(try fx.score(Fixture.members[i], "D001", p, vote: "recommend").status == 0) }
        for (i, p) in d2.enumerated() { #expect(try fx.score(Fixture.members[i], "D002", p).status == 0) }
        for i in 0..<2 { #expect(try fx.score(Fixture.members[i], "D003", [25, 25, 25, 25]).status == 0) }
        // m1 rescores D004 (the later sheet supersedes 60): totals 64, 68, 72, 72 → 4 sheets, plain mean 276/4 = 69
        #expect(try fx.score("m1", "D004", [15, 15, 15, 15]).status == 0)
        #expect(try fx.score("m1", "D004", [16, 16, 16, 16]).status == 0)
        for (i, t) in [17, 18].enumerated() { #expect(try fx.score(Fixture.members[i + 1], "D004", [t, t, t, t]).status == 0) }
        #expect(try fx.score("m4", "D004", [19, 19, 19, 15]).status == 0)  // 72
        try fx.signCheck()
        let r = try Harness.pingshen(["rank", fx.store, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try Harness.json(r.stdout)
        #expect(json["program"] as? String == "shanghai-craftsman")
        #expect(json["quota"] as? Int == 2)
        let entries = try #require(json["entries"] as? [[String: Any]])
        let byID = Dictionary(uniqueKeysWithValues: entries.map { ($0["dossier"] as! String, $0) })
        #expect(byID["D001"]?["score"] as? String == "88.00")
        #expect(byID["D001"]?["rank"] as? Int == 1)
        #expect(byID["D001"]?["status"] as? String == "selected")
        #expect(byID["D001"]?["sheets"] as? Int == 5)
        #expect(byID["D002"]?["score"] as? String == "72.00")
        #expect(byID["D002"]?["rank"] as? Int == 2)
        #expect(byID["D002"]?["status"] as? String == "selected")
        #expect(byID["D004"]?["score"] as? String == "69.00")
        #expect(byID["D004"]?["sheets"] as? Int == 4)
        #expect(byID["D004"]?["status"] as? String == "not-selected")
        #expect(byID["D003"]?["status"] as? String == "no-quorum")
        #expect(byID["D001"]?["name"] as? String == "王师傅")
        for format in ["table", "csv", "md"] {
            let t = try Harness.pingshen(["rank", fx.store, "--format", format])
            #expect(t.status == 0)
            #expect(t.stdout.contains("王师傅"))
        }
    }

    @Test func tamperingIsCaught() throws {
        let fx = try Fixture()
        for m in ["m1", "m2"] { #expect(try fx.score(m, "D001", [10, 10, 10, 10]).status == 0) }
        #expect(try fx.score("m1", "D002", [11, 11, 11, 11]).status == 0)
        #expect(try Harness.pingshen(["verify", fx.store]).status == 0)
        // a changed byte
        let rec = Harness.records(fx.store, "m2")[0]
        let original = try String(contentsOfFile: rec, encoding: .utf8)
        try original.replacingOccurrences(of: "\"craft\":10", with: "\"craft\":19").write(toFile: rec, atomically: true, encoding: .utf8)
        var v = try Harness.pingshen(["verify", fx.store, "--format", "json"])
        #expect(v.status == 1)
        #expect(v.stdout.contains("records/m2/000/000001.json"))
        try original.write(toFile: rec, atomically: true, encoding: .utf8)
        #expect(try Harness.pingshen(["verify", fx.store]).status == 0)
        // a removed record (the first of m1's chain of two)
        let first = Harness.records(fx.store, "m1")[0]
        try FileManager.default.moveItem(atPath: first, toPath: fx.dir + "/removed.json")
        try FileManager.default.moveItem(atPath: first + ".sig", toPath: fx.dir + "/removed.json.sig")
        v = try Harness.pingshen(["verify", fx.store, "--format", "json"])
        #expect(v.status == 1)
        #expect(v.stdout.contains("records/m1"))
        // an unreadable store
        #expect(try Harness.pingshen(["verify", fx.dir + "/nowhere"]).status == 2)
    }

    @Test func recordCopiedFromAnotherStoreIsForeign() throws {
        let a = try Fixture()
        let b = try Fixture()
        #expect(try a.score("m1", "D001", [10, 10, 10, 10]).status == 0)
        // b's roster has other keys: give b a's m1 key's record under a fresh member directory
        let rec = Harness.records(a.store, "m1")[0]
        let dir = b.store + "/records/m1/000"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: rec, toPath: dir + "/000001.json")
        try FileManager.default.copyItem(atPath: rec + ".sig", toPath: dir + "/000001.json.sig")
        let v = try Harness.pingshen(["verify", b.store, "--format", "json"])
        #expect(v.status == 1)
        let report = try Harness.json(v.stdout)
        let kinds = (report["problems"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        #expect(kinds.contains("foreign-program") || kinds.contains("wrong-key"))
    }
}
