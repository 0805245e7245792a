import Foundation
import Testing
import Records

/// Issue 12, "the check is enforced": only a signed decision "eligible" on a dossier's current
/// version puts it in the running; `rank`, `stats` and `finalize` agree; the secretary may
/// override with a signed reason.
@Suite struct EligibilityEnforcedTests {
    /// D003 is not a union member (工会会员=否): the check says 不合格 (seed 000: 必须是工会会员).
    static func store() throws -> Fixture {
        let csv = Fixture.defaultCSV.replacingOccurrences(of: "D003,张师傅,男,1980-01-01,汉族,中国,是,", with: "D003,张师傅,男,1980-01-01,汉族,中国,否,")
        let fx = try Fixture(quota: 3, dossiers: csv)
        for m in ["m1", "m2", "m3"] {
            for (d, p) in [("D001", 24), ("D002", 20), ("D003", 23), ("D004", 15)] {
                #expect(try fx.score(m, d, [p, p, p, p]).status == 0)
            }
        }
        return fx
    }

    static func rank(_ fx: Fixture) throws -> (entries: [String: String], out: [String: [String: Any]]) {
        let r = try Harness.pingshen(["rank", fx.store, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try Harness.json(r.stdout)
        let entries = (json["entries"] as? [[String: Any]] ?? []).map { ($0["dossier"] as! String, $0["status"] as! String) }
        let out = (json["not_in_running"] as? [[String: Any]] ?? []).map { ($0["dossier"] as! String, $0) }
        return (Dictionary(uniqueKeysWithValues: entries), Dictionary(uniqueKeysWithValues: out))
    }

    @Test func aNonUnionMemberIsNeitherRankedNorFinalizedNorApproved() throws {
        let fx = try Self.store()
        // Nothing signed yet: nobody is in the running, and the chair cannot finalize.
        var (entries, out) = try Self.rank(fx)
        #expect(entries.isEmpty, "\(entries)")
        #expect(Set(out.keys) == ["D001", "D002", "D003", "D004"])
        #expect(out.values.allSatisfy { $0["status"] as? String == "unchecked" })
        let table = try Harness.run(Harness.binary, ["rank", fx.store, "--lang", "zh"])
        #expect(table.stdout.contains("未审核 4"), "\(table.stdout)")
        let refused = try Harness.pingshen(["finalize", fx.store, "--as", "chair", "--key", fx.key("chair")])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("4 dossiers have no signed eligibility decision on their current version"), "\(refused.stderr)")
        #expect(Harness.records(fx.store, "chair").isEmpty)

        // The secretary signs the whole check in one record; stock OpenSSH verifies it.
        let signed = try fx.signCheck()
        #expect(signed.stdout.contains("4 decisions"), "\(signed.stdout)")
        let record = try #require(Harness.records(fx.store, "sec").last)
        #expect(try Harness.sshVerify(store: fx.store, member: "sec", record: record).status == 0)
        let body = try #require(try Harness.json(String(contentsOfFile: record, encoding: .utf8))["body"] as? [String: Any])
        #expect((body["decisions"] as? [[String: Any]])?.count == 4)
        // Signing again has nothing new to decide.
        #expect(try fx.signCheck().stdout.contains("no eligibility decision to sign"))

        (entries, out) = try Self.rank(fx)
        #expect(entries["D003"] == nil)
        #expect(entries["D001"] == "selected" && entries["D002"] == "selected" && entries["D004"] == "selected", "\(entries)")
        #expect(out["D003"]?["status"] as? String == "ineligible")
        let reasons = out["D003"]?["reasons"] as? [[String: Any]] ?? []
        #expect(reasons.contains { ($0["zh"] as? String ?? "").contains("工会会员") }, "\(reasons)")
        let zh = try Harness.run(Harness.binary, ["rank", fx.store, "--lang", "zh"]).stdout
        #expect(zh.contains("D003") && zh.contains("不合格") && zh.contains("工会会员"), "\(zh)")

        // stats agrees with rank on who is in the running.
        let stats = try Harness.json(try Harness.pingshen(["stats", fx.store, "--format", "json"]).stdout)
        let statDossiers = Set((stats["dossiers"] as? [[String: Any]] ?? []).compactMap { $0["dossier"] as? String })
        #expect(statDossiers == Set(entries.keys), "\(statDossiers)")
        #expect((stats["not_in_running"] as? [[String: Any]])?.first?["dossier"] as? String == "D003")

        // Finalized and approved without D003.
        let fin = try fx.finalize()
        #expect(fin.status == 0, "\(fin.stderr)")
        try fx.approveList()
        let final = try Harness.pingshen(["export", fx.store, "final", "--format", "csv"])
        #expect(!final.stdout.contains("D003") && final.stdout.contains("D001"), "\(final.stdout)")
    }

    /// Once the signed check says a dossier is not eligible, no member can sign a sheet for it
    /// (`ReviewSession.sheetLock`, the rule the UI's read-only sheet reads too, issue 17);
    /// the sheets signed before the check stay valid records and are simply not counted.
    @Test func noSheetIsSignedForADossierSignedNotEligible() throws {
        let fx = try Self.store()
        try fx.signCheck()
        let before = Harness.records(fx.store, "m1").count
        let r = try fx.score("m1", "D003", [10, 10, 10, 10])
        #expect(r.status == 1)
        #expect(r.stderr.contains("D003") && r.stderr.contains("not eligible"), "\(r.stderr)")
        #expect(Harness.records(fx.store, "m1").count == before)
        // An eligible dossier still takes a new sheet (superseding the earlier one).
        #expect(try fx.score("m1", "D001", [20, 20, 20, 20]).status == 0)
        #expect(try Harness.pingshen(["verify", fx.store]).status == 0)
    }

    @Test func theSecretaryOverridesOnlyWithAReason() throws {
        let fx = try Self.store()
        // Admitting D003 against the check needs a reason.
        let bare = try Harness.pingshen(["eligibility", fx.store, "--as", "sec", "--key", fx.key("sec"), "--all", "--decide", "D003=eligible"])
        #expect(bare.status == 1)
        #expect(bare.stderr.contains("D003: the decision differs from the check"), "\(bare.stderr)")
        let ghost = try Harness.pingshen(["eligibility", fx.store, "--as", "sec", "--key", fx.key("sec"), "--decide", "D999=eligible:x"])
        #expect(ghost.status == 1 && ghost.stderr.contains("D999"), "\(ghost.stderr)")
        let bad = try Harness.pingshen(["eligibility", fx.store, "--as", "sec", "--key", fx.key("sec"), "--decide", "D003=maybe:x"])
        #expect(bad.status == 1 && bad.stderr.contains("eligible or ineligible"), "\(bad.stderr)")
        // Only the secretary decides.
        #expect(try Harness.pingshen(["eligibility", fx.store, "--as", "chair", "--key", fx.key("chair"), "--all"]).status == 1)

        // The per-dossier form, with the reason signed into the record.
        let ok = try Harness.pingshen(["eligibility", fx.store, "--as", "sec", "--key", fx.key("sec"),
                                       "--decide", "D003=eligible:工会会员证明已补交（2026-05-10 核实）"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("signed 4 eligibility records"), "\(ok.stdout)")
        let (entries, out) = try Self.rank(fx)
        #expect(entries["D003"] != nil && out.isEmpty, "\(entries) \(out)")
        let records = Harness.records(fx.store, "sec")
        let d3 = try records.map { try Harness.json(String(contentsOfFile: $0, encoding: .utf8)) }
            .compactMap { $0["body"] as? [String: Any] }.first { $0["dossier"] as? String == "D003" }
        #expect(d3?["reason"] as? String == "工会会员证明已补交（2026-05-10 核实）")
        #expect(d3?["result"] as? String == "eligible")
    }

    @Test func anAmendedDossierIsUncheckedUntilDecidedAgain() throws {
        let fx = try Self.store()
        try fx.signCheck()
        let amended = fx.dir + "/D001-amended.yaml"
        let text = try String(contentsOfFile: fx.store + "/dossiers/D001.yaml", encoding: .utf8)
        try text.replacingOccurrences(of: "攻克", with: "带队攻克").write(toFile: amended, atomically: true, encoding: .utf8)
        let amend = try Harness.pingshen(["dossier", "amend", fx.store, "--as", "sec", "--key", fx.key("sec"), "--dossier", "D001", amended, "--reason", "单位补充说明"])
        #expect(amend.status == 0, "\(amend.stderr)")
        var (entries, out) = try Self.rank(fx)
        #expect(entries["D001"] == nil)
        #expect(out["D001"]?["status"] as? String == "unchecked" && out["D001"]?["older_version"] as? Bool == true, "\(out)")
        let refused = try Harness.pingshen(["finalize", fx.store, "--as", "chair", "--key", fx.key("chair")])
        #expect(refused.status == 1 && refused.stderr.contains("1 dossiers have no signed eligibility decision on their current version: D001")
                && refused.stderr.contains("pingshen eligibility STORE --as SEC --all"), "\(refused.stderr)")
        // One new decision, for D001 only.
        #expect(try fx.signCheck().stdout.contains("1 decisions"))
        (entries, out) = try Self.rank(fx)
        #expect(entries["D001"] != nil)
    }

    /// A batch record that names a dossier twice, or a version that is no hash, is malformed
    /// by the record table (RecordKinds), and verify says so.
    @Test func aMalformedBatchIsARuleViolation() throws {
        let fx = try Self.store()
        let sha = String(repeating: "a", count: 64)
        let twice = try HandSigned.append(fx, "sec", kind: "eligibility", body: ["decisions": .array([
            .object(["dossier": .string("D001"), "sha256": .string(sha), "decision": .string("eligible"), "reasons": .array([])]),
            .object(["dossier": .string("D001"), "sha256": .string(sha), "decision": .string("ineligible"), "reasons": .array([])]),
        ])])
        let (status, problems) = try HandSigned.problems(fx)
        #expect(status == 1)
        #expect(problems.contains { $0.path == twice && $0.kind == "malformed" }, "\(problems)")
        #expect(try Harness.pingshen(["verify", fx.store]).stdout.contains("appears twice"))
        let e = RecordKinds.shapeProblem(kind: .eligibility, body: ["decisions": .array([
            .object(["dossier": .string("D001"), "sha256": .string("x"), "decision": .string("eligible")])])])
        #expect(e?.en.contains("sha256") == true)
        #expect(RecordKinds.shapeProblem(kind: .eligibility, body: ["decisions": .array([])]) != nil)
    }
}
