import Foundation
import Testing
import Records
import Panel

/// Issue 11, "done when": a legitimate rotation, removal (sheets kept or discarded), programme
/// amendment, sanction and dossier amendment all verify (exit 0), and stock
/// `ssh-keygen -Y verify` agrees on every record file of the store (allowed_signers lists both
/// keys of a rotated principal).
@Suite struct GovernanceLifecycleTests {
    /// Every record of the store verifies with stock ssh-keygen against its allowed_signers.
    static func sshAgrees(_ store: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var n = 0
        for member in try FileManager.default.contentsOfDirectory(atPath: store + "/records") where !member.hasPrefix(".") {
            for record in Harness.records(store, member) {
                let r = try Harness.sshVerify(store: store, member: member, record: record)
                #expect(r.status == 0, "ssh-keygen -Y verify \(record): \(r.stderr)", sourceLocation: sourceLocation)
                n += 1
            }
        }
        #expect(n > Fixture.governanceRecords, sourceLocation: sourceLocation)
    }

    static func verifies(_ store: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let v = try Forge.verify(store)
        #expect(v.status == 0 && v.problems.isEmpty, "\(v.out.prefix(800))", sourceLocation: sourceLocation)
    }

    static func sheets(_ store: String, _ dossier: String) throws -> Int? {
        let r = try Harness.pingshen(["rank", store, "--format", "json"])
        let entries = try Harness.json(r.stdout)["entries"] as? [[String: Any]] ?? []
        return entries.first { $0["dossier"] as? String == dossier }?["sheets"] as? Int
    }

    @Test func aRotatedKeyKeepsOldRecordsValidAndSignsNewOnes() throws {
        let fx = try Fixture()
        #expect(try fx.score("m1", "D001", [20, 20, 20, 20]).status == 0)
        try Harness.sshKeygen(fx.dir + "/m1new", comment: "m1new")
        let r = try Harness.pingshen(["member", "rotate", fx.store, "--as", "sec", "--key", fx.key("sec"), "--id", "m1", "--pubkey", fx.dir + "/m1new.pub"])
        #expect(r.status == 0, "\(r.stderr)")
        // The old key no longer signs; the new one does.
        #expect(try fx.score("m1", "D002", [10, 10, 10, 10]).status != 0)
        let new = try Harness.pingshen(["score", fx.store, "--as", "m1", "--dossier", "D002", "--key", fx.dir + "/m1new",
                                        "--score", "craft=10", "skill=10", "leadership=10", "contribution=10"])
        #expect(new.status == 0, "\(new.stderr)")
        try Self.verifies(fx.store)
        let signers = try String(contentsOfFile: fx.store + "/allowed_signers", encoding: .utf8)
        let (oldKey, newKey) = (try Forge.keyText(fx.key("m1") + ".pub"), try Forge.keyText(fx.dir + "/m1new.pub"))
        #expect(signers.contains(oldKey) && signers.contains(newKey))
        try Self.sshAgrees(fx.store)
        // The secretary rotates their own key too.
        try Harness.sshKeygen(fx.dir + "/secnew", comment: "secnew")
        let own = try Harness.pingshen(["member", "rotate", fx.store, "--as", "sec", "--key", fx.key("sec"), "--id", "sec", "--pubkey", fx.dir + "/secnew.pub"])
        #expect(own.status == 0, "\(own.stderr)")
        let sanction = try Harness.pingshen(["sanction", "add", fx.store, "--as", "sec", "--key", fx.dir + "/secnew", "--kind", "person", "--name", "某某", "--year", "2024"])
        #expect(sanction.status == 0, "\(sanction.stderr)")
        try Self.verifies(fx.store)
        try Self.sshAgrees(fx.store)
    }

    /// A member who has signed nothing yet (the chair before finalizing) gets a new key: the
    /// rotation starts at seq 1, like the key it replaces, and is not refused (it was, and
    /// left a refused governance record in the store).
    @Test func aMemberWhoSignedNothingGetsANewKey() throws {
        let fx = try Fixture()
        try Harness.sshKeygen(fx.dir + "/chairnew", comment: "chairnew")
        let r = try Harness.pingshen(["member", "rotate", fx.store, "--as", "sec", "--key", fx.key("sec"), "--id", "chair", "--pubkey", fx.dir + "/chairnew.pub"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try fx.score("m1", "D001", [20, 20, 20, 20]).status == 0)
        let score = try Harness.pingshen(["score", fx.store, "--as", "chair", "--dossier", "D001", "--key", fx.dir + "/chairnew",
                                          "--score", "craft=10", "skill=10", "leadership=10", "contribution=10"])
        #expect(score.status == 0, "\(score.stderr)")
        #expect(try Harness.pingshen(["score", fx.store, "--as", "chair", "--dossier", "D002", "--key", fx.key("chair"),
                                      "--score", "craft=10", "skill=10", "leadership=10", "contribution=10"]).status != 0)
        try Self.verifies(fx.store)
        try Self.sshAgrees(fx.store)
    }

    @Test func aRemovalKeepsOrDiscardsTheSheetsAsSigned() throws {
        let fx = try Fixture()
        try fx.signCheck()
        for m in ["m1", "m2", "m3"] { #expect(try fx.score(m, "D001", [20, 20, 20, 20]).status == 0) }
        #expect(try Self.sheets(fx.store, "D001") == 3)
        let keep = try Forge.copy(fx, "keep"), discard = try Forge.copy(fx, "discard")
        var r = try Harness.pingshen(["member", "remove", keep, "--as", "sec", "--key", fx.key("sec"), "--id", "m1", "--reason", "调离"])
        #expect(r.status == 0, "\(r.stderr)")
        try Self.verifies(keep)
        #expect(try Self.sheets(keep, "D001") == 3)
        try Self.sshAgrees(keep)
        r = try Harness.pingshen(["member", "remove", discard, "--as", "sec", "--key", fx.key("sec"), "--id", "m1", "--reason", "利益冲突", "--discard-sheets"])
        #expect(r.status == 0, "\(r.stderr)")
        let rm = try #require(Harness.records(discard, "sec").last)
        #expect((try Harness.json(try String(contentsOfFile: rm, encoding: .utf8))["body"] as? [String: Any])?["sheets"] as? String == "discard")
        try Self.verifies(discard)
        #expect(try Self.sheets(discard, "D001") == 2)
        // The statistics do not take them either.
        let stats = try Harness.pingshen(["stats", discard, "--format", "json"])
        #expect(stats.status == 0 && !stats.stdout.contains("\"m1\""), "\(stats.stdout.prefix(400))")
        try Self.sshAgrees(discard)
        // A finalization counts the sheets as the history says.
        for d in ["D002", "D003", "D004"] { for m in ["m2", "m3"] { #expect(try fx.score(m, d, [10, 10, 10, 10]).status == 0) } }
        #expect(try Harness.pingshen(["finalize", fx.store, "--as", "chair", "--key", fx.key("chair")]).status == 0)
        // After it, sheets can no longer be discarded (a plain removal still can).
        r = try Harness.pingshen(["member", "remove", fx.store, "--as", "sec", "--key", fx.key("sec"), "--id", "m2", "--reason", "x", "--discard-sheets"])
        #expect(r.status == 1 && r.stderr.contains("finalized"), "\(r.stderr)")
        r = try Harness.pingshen(["member", "remove", fx.store, "--as", "sec", "--key", fx.key("sec"), "--id", "m4", "--reason", "未参评"])
        #expect(r.status == 0, "\(r.stderr)")
        try Self.verifies(fx.store)
        // One signed by hand after the finalization is a problem.
        _ = try Forge.governance(fx.store, "sec", kind: .memberRemove, body: ["id": "m2", "reason": "x", "last_seq": 4, "sheets": "discard"],
                                 key: fx.key("sec"))
        try Forge.expectProblem(fx.store, "discard-after-finalize")
    }

    @Test func aProgrammeAmendmentASanctionAndADossierAmendmentVerify() throws {
        let fx = try Fixture()
        #expect(try fx.score("m1", "D001", [20, 20, 20, 20]).status == 0)
        let text = try String(contentsOfFile: fx.store + "/program.yaml", encoding: .utf8)
        let amended = fx.dir + "/program.yaml"
        try text.replacingOccurrences(of: "quota: 2\n", with: "quota: 3\n").write(toFile: amended, atomically: true, encoding: .utf8)
        var r = try Harness.pingshen(["program", "amend", fx.store, "--as", "sec", "--key", fx.key("sec"), amended, "--reason", "名额增加"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Harness.json(try Harness.pingshen(["rank", fx.store, "--format", "json"]).stdout)["quota"] as? Int == 3)
        r = try Harness.pingshen(["sanction", "add", fx.store, "--as", "sec", "--key", fx.key("sec"), "--kind", "unit", "--name", "某公司", "--year", "2025"])
        #expect(r.status == 0, "\(r.stderr)")
        let d = fx.dir + "/D002.yaml"
        try String(contentsOfFile: fx.store + "/dossiers/D002.yaml", encoding: .utf8).replacingOccurrences(of: "焊接工艺改进", with: "焊接工艺改进与推广")
            .write(toFile: d, atomically: true, encoding: .utf8)
        r = try Harness.pingshen(["dossier", "amend", fx.store, "--as", "sec", "--key", fx.key("sec"), "--dossier", "D002", d, "--reason", "补充事迹"])
        #expect(r.status == 0, "\(r.stderr)")
        try Self.verifies(fx.store)
        try Self.sshAgrees(fx.store)
        // finalize pins the signed programme (the amended one) and the roster as the history says.
        try fx.signCheck()
        for m in ["m2", "m3"] { for dd in ["D001", "D002", "D003", "D004"] { #expect(try fx.score(m, dd, [15, 15, 15, 15]).status == 0) } }
        #expect(try Harness.pingshen(["finalize", fx.store, "--as", "chair", "--key", fx.key("chair")]).status == 0)
        let fin = try #require(Harness.records(fx.store, "chair").last)
        let body = try #require(try Harness.json(try String(contentsOfFile: fin, encoding: .utf8))["body"] as? [String: Any])
        let st = try Governance.load(StoreLayout(fx.store))
        #expect(body["program_sha256"] as? String == Record.sha256Hex(Data(st.programText.utf8)))
        #expect(body["program_sha256"] as? String == Record.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: amended))))
        #expect(body["roster_sha256"] as? String == st.rosterSHA256(at: st.chain.count - 1))
        try Self.verifies(fx.store)
        try Self.sshAgrees(fx.store)
    }
}
