import Foundation
import Testing

/// The decision after the vote, end to end: tie at the cut → chair's resolution → finalize →
/// objection upheld → the next moves up → approval → published lists → promotion.
@Suite struct DecisionTests {
    @Test func finalizeObjectionApprovePromote() throws {
        let fx = try Fixture(quota: 1)
        // D001 and D002 tie on every tie-break (same totals, same median, same votes) → tie-at-cut.
        for m in ["m1", "m2", "m3"] {
            #expect(try fx.score(m, "D001", [20, 20, 20, 20], vote: "recommend").status == 0)
            #expect(try fx.score(m, "D002", [20, 20, 20, 20], vote: "recommend").status == 0)
            #expect(try fx.score(m, "D003", [15, 15, 15, 15]).status == 0)
        }
        try fx.signCheck()
        var rank = try Harness.json(try Harness.pingshen(["rank", fx.store, "--format", "json"]).stdout)
        var status = Dictionary(uniqueKeysWithValues: (rank["entries"] as! [[String: Any]]).map { ($0["dossier"] as! String, $0["status"] as! String) })
        #expect(status["D001"] == "tie-at-cut")
        #expect(status["D002"] == "tie-at-cut")
        // Only the chair finalizes, and not with an unresolved tie.
        let byMember = try Harness.pingshen(["finalize", fx.store, "--as", "m1", "--key", fx.key("m1")])
        #expect(byMember.status == 1 && byMember.stderr.contains("may not sign finalize"), "\(byMember.stderr)")
        let unresolved = try Harness.pingshen(["finalize", fx.store, "--as", "chair", "--key", fx.key("chair")])
        #expect(unresolved.status == 1)
        #expect(unresolved.stderr.contains("tie at the cut not resolved: D001, D002 (use --resolve ID=selected|not-selected:REASON)"), "\(unresolved.stderr)")
        let both = try fx.finalize(["--resolve", "D001=selected:x", "--resolve", "D002=selected:y"])
        #expect(both.status == 1 && both.stderr.contains("1 of the tied dossiers fill the quota; the resolutions select 2"), "\(both.stderr)")
        let notTied = try fx.finalize(["--resolve", "D003=selected:x"])
        #expect(notTied.status == 1 && notTied.stderr.contains("D003 is not in a tie at the cut"), "\(notTied.stderr)")
        let fin = try fx.finalize(["--resolve", "D001=selected:获世界技能大赛奖项，贡献更突出", "--resolve", "D002=not-selected:同上"])
        #expect(fin.status == 0, "\(fin.stderr)")
        let finRecord = try #require(Harness.records(fx.store, "chair").last)
        #expect(try Harness.sshVerify(store: fx.store, member: "chair", record: finRecord).status == 0)
        let body = try Harness.json(try String(contentsOfFile: finRecord, encoding: .utf8))["body"] as! [String: Any]
        #expect((body["merkle_root"] as? String)?.count == 64)
        #expect((body["counted"] as? [String: Any])?["m1"] as? Int == 3)
        rank = try Harness.json(try Harness.pingshen(["rank", fx.store, "--format", "json"]).stdout)
        status = Dictionary(uniqueKeysWithValues: (rank["entries"] as! [[String: Any]]).map { ($0["dossier"] as! String, $0["status"] as! String) })
        #expect(status["D001"] == "selected")
        #expect(status["D002"] == "not-selected")
        // No scores after finalization.
        let late = try fx.score("m4", "D003", [25, 25, 25, 25])
        #expect(late.status == 1 && late.stderr.contains("finalized"), "\(late.stderr)")
        #expect(Harness.records(fx.store, "m4").isEmpty)
        // Public notice: the list, signed as published; then an objection that is upheld.
        let publicity = try Harness.pingshen(["export", fx.store, "publicity", "--format", "csv"])
        #expect(publicity.status == 0)
        #expect(publicity.stdout.contains("D001"))
        #expect(!publicity.stdout.contains("D002"))
        #expect(try fx.publicise().status == 0)
        let during = ["PINGSHEN_NOW": Fixture.day(Fixture.noticeFrom + 3)]
        let byMember2 = try Harness.pingshen(["objection", fx.store, "--as", "m1", "--dossier", "D001", "--text", "x", "--key", fx.key("m1")], env: during)
        #expect(byMember2.status == 1 && byMember2.stderr.contains("may not sign objection"), "\(byMember2.stderr)")
        #expect(try Harness.pingshen(["objection", fx.store, "--as", "sec", "--dossier", "D001", "--text", "获奖证书系伪造", "--outcome", "pending", "--key", fx.key("sec")],
                                     env: during).status == 0)
        #expect(try fx.addApprover("appr").status == 0)
        let pending = try fx.approve(as: "appr")
        #expect(pending.status == 1 && pending.stderr.contains("objections still pending: D001"), "\(pending.stderr)")
        let upheldOn = ["PINGSHEN_NOW": Fixture.day(Fixture.noticeTo + 1)]
        #expect(try Harness.pingshen(["objection", fx.store, "--as", "sec", "--dossier", "D001", "--text", "经查属实", "--outcome", "upheld", "--key", fx.key("sec")],
                                     env: upheldOn).status == 0)
        // D001 is out; D002 is not selected by itself (it was never publicised) …
        rank = try Harness.json(try Harness.pingshen(["rank", fx.store, "--format", "json"]).stdout)
        var entries = rank["entries"] as! [[String: Any]]
        #expect(!entries.contains { $0["dossier"] as? String == "D001" })
        #expect(entries.first { $0["dossier"] as? String == "D002" }?["status"] as? String == "not-selected")
        // … only through a supplementary notice of the next candidate, and D002 the chair had
        // ruled not-selected: never moved up over that ruling without the chair's new one.
        let overRuling = try fx.publicise(from: Fixture.day(Fixture.noticeTo + 2), to: Fixture.day(Fixture.noticeTo + 11), supplement: "D002")
        #expect(overRuling.status == 1 && overRuling.stderr.contains("the chair ruled D002 not-selected (同上") && overRuling.stderr.contains("pingshen ruling"),
                "\(overRuling.stderr)")
        #expect(try Harness.pingshen(["ruling", fx.store, "--as", "chair", "--key", fx.key("chair"), "--resolve", "D002=selected:D001 的获奖材料不实，D002 递补"]).status == 0)
        let wrong = try fx.publicise(from: Fixture.day(Fixture.noticeTo + 2), to: Fixture.day(Fixture.noticeTo + 11), supplement: "D003")
        #expect(wrong.status == 1 && wrong.stderr.contains("the next eligible candidate is D002, not D003"), "\(wrong.stderr)")
        let supplement = try fx.publicise(from: Fixture.day(Fixture.noticeTo + 2), to: Fixture.day(Fixture.noticeTo + 11), supplement: "D002")
        #expect(supplement.status == 0, "\(supplement.stderr)")
        let supplementRecord = try #require(Harness.records(fx.store, "sec").last)
        let sbody = try Harness.json(try String(contentsOfFile: supplementRecord, encoding: .utf8))["body"] as! [String: Any]
        #expect(sbody["supplement_for"] as? String == "D001" && sbody["dossiers"] as? [String] == ["D002"], "\(sbody)")
        #expect((sbody["resolution"] as? String)?.hasPrefix("selected: D001 的获奖材料不实") == true && sbody["ruling"] != nil, "\(sbody)")
        rank = try Harness.json(try Harness.pingshen(["rank", fx.store, "--format", "json"]).stdout)
        entries = rank["entries"] as! [[String: Any]]
        #expect(entries.first { $0["dossier"] as? String == "D002" }?["status"] as? String == "selected")
        // Approval closes it: never by the chair; by the approving body after the notices ended.
        let byChair = try Harness.pingshen(["approve", fx.store, "--as", "chair", "--key", fx.key("chair")])
        #expect(byChair.status == 1 && byChair.stderr.contains("may not sign approval"), "\(byChair.stderr)")
        let approve = try fx.approve(as: "appr")
        #expect(approve.status == 0, "\(approve.stderr)")
        let final = try Harness.pingshen(["export", fx.store, "final", "--format", "md"])
        #expect(final.status == 0)
        #expect(final.stdout.contains("李师傅"))
        #expect(try Harness.pingshen(["verify", fx.store]).status == 0)
        let city = fx.dir + "/city"
        #expect(try Harness.pingshen(["init", city, "--program", "shanghai-craftsman", "--year", "2027", "--secretary", "sec", "--name", "市秘书",
                                      "--pubkey", fx.key("sec") + ".pub", "--key", fx.key("sec")]).status == 0)
        // A city list is promoted to no other city list: shanghai-craftsman takes Qingpu's
        // (issue 12; the district → city leg is PromoteTests), and nothing lands.
        let promote = try Harness.pingshen(["promote", fx.store, "--to", city, "--as", "sec", "--key", fx.key("sec")])
        #expect(promote.status == 1 && promote.stderr.contains("does not take promotions from shanghai-craftsman"), "\(promote.stderr)")
        #expect(!FileManager.default.fileExists(atPath: city + "/dossiers/D002.yaml"))
        #expect(!FileManager.default.fileExists(atPath: city + "/evidence"))
        #expect(try Harness.pingshen(["verify", city]).status == 0)
        let cityCheck = try Harness.json(try Harness.pingshen(["check", city, "--format", "json"]).stdout)
        #expect((cityCheck["dossiers"] as? [[String: Any]] ?? []).isEmpty)
    }
}
