import Foundation
import Testing
import Panel
import Records

/// Issue 12, the public notice as a signed step (社会公示) and the approval as the seeds run it
/// (审定 by the approving bodies, after the notice period): through the real binary.
@Suite struct NoticeTests {
    /// Four dossiers scored apart (D001 > D002 > D003 > D004), quota 2, finalized 30 days ago.
    static func finalized(program: String = "shanghai-craftsman", quota: Int = 2) throws -> Fixture {
        let fx = try Fixture(program: program, quota: quota)
        try fx.signCheck()
        for m in ["m1", "m2", "m3"] {
            for (d, p) in [("D001", 24), ("D002", 20), ("D003", 15), ("D004", 10)] {
                #expect(try fx.score(m, d, [p, p, p, p]).status == 0)
            }
        }
        let fin = try fx.finalize()
        #expect(fin.status == 0, "\(fin.stderr)")
        return fx
    }

    static func body(_ path: String) throws -> [String: Any] {
        try #require(try Harness.json(String(contentsOfFile: path, encoding: .utf8))["body"] as? [String: Any])
    }

    static func objection(_ fx: Fixture, _ dossier: String, _ outcome: String, on day: Int, extra: [String] = []) throws -> Harness.Result {
        try Harness.pingshen(["objection", fx.store, "--as", "sec", "--key", fx.key("sec"), "--dossier", dossier, "--text", "群众来信反映材料不实",
                              "--outcome", outcome] + extra, env: ["PINGSHEN_NOW": Fixture.day(day)])
    }

    static func verify(_ fx: Fixture) throws -> (status: Int32, problems: [(path: String, kind: String, message: String)]) {
        let v = try Harness.pingshen(["verify", fx.store, "--format", "json"])
        let list = (try Harness.json(v.stdout)["problems"] as? [[String: Any]]) ?? []
        return (v.status, list.map { ($0["path"] as? String ?? "", $0["kind"] as? String ?? "", $0["message"] as? String ?? "") })
    }

    // MARK: - publicity

    @Test func publicityIsSignedOnlyAfterFinalizeAndOnlyAsTheProgrammeAllows() throws {
        let fx = try Fixture(quota: 2)
        try fx.signCheck()
        // Before finalize: nothing to publicise.
        let early = try fx.publicise()
        #expect(early.status == 1 && early.stderr.contains("not finalized"), "\(early.stderr)")
        for m in ["m1", "m2", "m3"] {
            for (d, p) in [("D001", 24), ("D002", 20), ("D003", 15)] { #expect(try fx.score(m, d, [p, p, p, p]).status == 0) }
        }
        #expect(try fx.finalize().status == 0)
        // Hostile dates and ids: refused with a message, nothing signed, no trap.
        let cases: [([String], String)] = [
            (["--from", "2026-13-01", "--to", Fixture.day(-20)], "--from must be a date YYYY-MM-DD"),
            (["--from", "2026-02-30", "--to", Fixture.day(-20)], "--from must be a date"),
            (["--from", Fixture.day(-29), "--to", "tomorrow"], "--to must be a date"),
            (["--from", Fixture.day(-29), "--to", "2026-1-5"], "--to must be a date"),
            (["--from", "", "--to", Fixture.day(-20)], "--from must be a date"),
            (["--from", "99999-01-01", "--to", Fixture.day(-20)], "--from must be a date"),
            (["--from", Fixture.day(-20), "--to", Fixture.day(-29)], "ends"),
            (["--from", Fixture.day(-29), "--to", Fixture.day(-28)], "the programme asks for at least 5 working days"),
            (["--from", Fixture.day(-40), "--to", Fixture.day(-20)], "before the list was finalized"),
            (["--from", "1900-01-01", "--to", "9999-12-31"], "more than a year"),
            (["--from", "1900-01-01", "--to", "1900-01-31"], "before the list was finalized"),
            (["--from", Fixture.day(-29), "--to", "9999-12-31"], "more than a year"),
            (["--from", Fixture.day(-29), "--to", Fixture.day(-20), "--supplement", "D404"], "no dossier with id D404"),
            (["--from", Fixture.day(-29), "--to", Fixture.day(-20), "--supplement", "../x"], "--supplement"),
            (["--from", Fixture.day(-29), "--to", Fixture.day(-20), "--supplement", "D003"], "has not been publicised"),
        ]
        let before = Harness.records(fx.store, "sec").count
        for (args, message) in cases {
            let r = try Harness.pingshen(["publicity", fx.store, "--as", "sec", "--key", fx.key("sec")] + args)
            #expect(r.status != 0 && r.reason == .exit, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
        }
        #expect(Harness.records(fx.store, "sec").count == before)
        // Not by the chair or a member.
        let byChair = try Harness.pingshen(["publicity", fx.store, "--as", "chair", "--key", fx.key("chair"), "--from", Fixture.day(-29), "--to", Fixture.day(-20)])
        #expect(byChair.status == 1 && byChair.stderr.contains("may not sign publicity"), "\(byChair.stderr)")
        // The notice: pins the finalization, lists the finalized list, stock OpenSSH verifies it.
        let ok = try fx.publicise()
        #expect(ok.status == 0, "\(ok.stderr)")
        let record = try #require(Harness.records(fx.store, "sec").last)
        #expect(try Harness.sshVerify(store: fx.store, member: "sec", record: record).status == 0)
        let b = try Self.body(record)
        let fin = try #require(Harness.records(fx.store, "chair").last)
        #expect(b["finalize"] as? String == Record.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: fin))))
        #expect(b["dossiers"] as? [String] == ["D001", "D002"], "\(b)")
        #expect(b["from"] as? String == Fixture.day(-29) && b["to"] as? String == Fixture.day(-20))
        // Once: the list is not publicised again; the supplement has no free place.
        let again = try fx.publicise()
        #expect(again.status == 1 && again.stderr.contains("publicised already"), "\(again.stderr)")
        let noPlace = try fx.publicise(supplement: "D003")
        #expect(noPlace.status == 1 && noPlace.stderr.contains("no place is free"), "\(noPlace.stderr)")
        #expect(try Self.verify(fx).status == 0)
        // `kinds` documents the row.
        #expect(try Harness.pingshen(["kinds"]).stdout.contains("publicity: signed by: secretary"))
    }

    @Test func aNoticeShorterThanTheProgrammeOrStartingBeforeTheFinalizationIsAProblem() throws {
        let fx = try Self.finalized()
        let fin = try #require(Harness.records(fx.store, "chair").last)
        let finSha = Record.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: fin)))
        // Hand-signed notices (a secretary's own tool): two days long; before the finalization.
        let short = try HandSigned.append(fx, "sec", kind: "publicity", body: [
            "finalize": .string(finSha), "from": .string(Fixture.day(-29)), "to": .string(Fixture.day(-28)),
            "dossiers": .array([.string("D001"), .string("D002")]),
        ])
        let before = try HandSigned.append(fx, "sec", kind: "publicity", body: [
            "finalize": .string(finSha), "from": .string(Fixture.day(-60)), "to": .string(Fixture.day(-40)),
            "dossiers": .array([.string("D001"), .string("D003")]),
        ])
        let malformed = try HandSigned.append(fx, "sec", kind: "publicity", body: [
            "finalize": .string(finSha), "from": .string("2026-02-30"), "to": .string(Fixture.day(-40)), "dossiers": .array([.string("D001")]),
        ])
        let (status, problems) = try Self.verify(fx)
        #expect(status == 1)
        #expect(problems.contains { $0.path == short && $0.kind == "rule-violation" && $0.message.contains("5 working days") }, "\(problems)")
        #expect(problems.contains { $0.path == before && $0.kind == "notice-rule" && $0.message.contains("before the finalization") }, "\(problems)")
        #expect(problems.contains { $0.path == before && $0.kind == "notice-rule" && $0.message.contains("exactly the finalized list") }, "\(problems)")
        #expect(problems.contains { $0.path == malformed && $0.message.contains("'from' must be a date YYYY-MM-DD") }, "\(problems)")
    }

    // MARK: - objections

    @Test func anObjectionAnswersANoticeWithinItsPeriod() throws {
        let fx = try Self.finalized()
        // No notice yet: nothing to object to.
        let none = try Self.objection(fx, "D001", "pending", on: -25)
        #expect(none.status == 1 && none.stderr.contains("was not publicised"), "\(none.stderr)")
        #expect(try fx.publicise().status == 0)
        let notice = try #require(Harness.records(fx.store, "sec").last)
        // Outside the period (before, after), a dossier not publicised, an unknown notice, a bad date.
        let after = try Self.objection(fx, "D001", "pending", on: -5)
        #expect(after.status == 1 && after.stderr.contains("outside the notice period"), "\(after.stderr)")
        let beforeIt = try Self.objection(fx, "D001", "pending", on: -25, extra: ["--received", Fixture.day(-30)])
        #expect(beforeIt.status == 1 && beforeIt.stderr.contains("outside the notice period"), "\(beforeIt.stderr)")
        let notListed = try Self.objection(fx, "D003", "pending", on: -25)
        #expect(notListed.status == 1 && notListed.stderr.contains("D003 was not publicised"), "\(notListed.stderr)")
        let unknown = try Self.objection(fx, "D001", "pending", on: -25, extra: ["--publicity", String(repeating: "0", count: 64)])
        #expect(unknown.status == 1 && unknown.stderr.contains("no publicity record"), "\(unknown.stderr)")
        let badDate = try Self.objection(fx, "D001", "pending", on: -25, extra: ["--received", "2026-06-31"])
        #expect(badDate.status == 1 && badDate.stderr.contains("--received must be a date"), "\(badDate.stderr)")
        // Within it: the record names the notice and the day it came in.
        let ok = try Self.objection(fx, "D001", "pending", on: -25, extra: ["--publicity", Harness.recordPath(notice)])
        #expect(ok.status == 0, "\(ok.stderr)")
        let b = try Self.body(try #require(Harness.records(fx.store, "sec").last))
        #expect(b["publicity"] as? String == Record.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: notice))))
        #expect(b["received"] as? String == Fixture.day(-25))
        // Its outcome, decided after the period, keeps the day it came in.
        let dismissed = try Self.objection(fx, "D001", "dismissed", on: -10)
        #expect(dismissed.status == 0, "\(dismissed.stderr)")
        #expect(try Self.body(try #require(Harness.records(fx.store, "sec").last))["received"] as? String == Fixture.day(-25))
        #expect(try Self.verify(fx).status == 0)
        // A hand-signed objection dated outside the period is a problem for verify.
        let late = try HandSigned.append(fx, "sec", kind: "objection", body: [
            "dossier": .string("D002"), "text": .string("x"), "outcome": .string("dismissed"),
            "publicity": .string(Record.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: notice)))), "received": .string(Fixture.day(-3)),
        ])
        let (status, problems) = try Self.verify(fx)
        #expect(status == 1 && problems.contains { $0.path == late && $0.kind == "notice-rule" && $0.message.contains("outside the notice period") }, "\(problems)")
    }

    // MARK: - supplementary notice

    @Test func anUpheldObjectionIsFilledBySupplementingTheNextCandidateOnly() throws {
        let fx = try Self.finalized()
        #expect(try fx.publicise().status == 0)
        #expect(try Self.objection(fx, "D001", "upheld", on: -22).status == 0)
        // Not the one after next, not someone already publicised, not an unknown id.
        let (from, to) = (Fixture.day(-18), Fixture.day(-9))
        let skip = try fx.publicise(from: from, to: to, supplement: "D004")
        #expect(skip.status == 1 && skip.stderr.contains("the next eligible candidate is D003, not D004"), "\(skip.stderr)")
        let listed = try fx.publicise(from: from, to: to, supplement: "D002")
        #expect(listed.status == 1 && listed.stderr.contains("the next eligible candidate is D003"), "\(listed.stderr)")
        let early = try fx.publicise(from: Fixture.day(-25), to: Fixture.day(-12), supplement: "D003")
        #expect(early.status == 1 && early.stderr.contains("before the objection was upheld"), "\(early.stderr)")
        let ok = try fx.publicise(from: from, to: to, supplement: "D003")
        #expect(ok.status == 0, "\(ok.stderr)")
        let b = try Self.body(try #require(Harness.records(fx.store, "sec").last))
        #expect(b["dossiers"] as? [String] == ["D003"] && b["supplement_for"] as? String == "D001", "\(b)")
        try Self.expectPublicityExport(fx, from: from, to: to)
        // One place freed, one supplement: no second.
        let second = try fx.publicise(from: from, to: to, supplement: "D004")
        #expect(second.status == 1 && second.stderr.contains("no place is free"), "\(second.stderr)")
        // The approval lists the publicised less the upheld: D002 and D003, never D004.
        try fx.approveList(publicise: false)
        let approval = try Self.body(try #require(Harness.records(fx.store, "appr-sftu").last))
        #expect(approval["selected"] as? [String] == ["D002", "D003"], "\(approval)")
        #expect((approval["notices"] as? [String])?.count == 2)
        let final = try Harness.pingshen(["export", fx.store, "final", "--format", "csv"])
        #expect(final.stdout.contains("D003") && !final.stdout.contains("D004") && !final.stdout.contains("D001"), "\(final.stdout)")
        #expect(try Self.verify(fx).status == 0)
    }

    // MARK: - the chair's ruling on a freed place

    static func ruling(_ fx: Fixture, as who: String = "chair", _ args: [String]) throws -> Harness.Result {
        try Harness.pingshen(["ruling", fx.store, "--as", who, "--key", fx.key(who)] + args)
    }

    static func sha(_ path: String) throws -> String { Record.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// D003 and D004 tie at the next place when D001's objection is upheld: no supplement names
    /// one before the chair rules, as at the quota line; the ruling is signed, kept, followed by
    /// the supplement and checked by verify.
    @Test func aTieForAFreedPlaceWaitsForTheChairsRuling() throws {
        let fx = try Fixture(quota: 2)
        try fx.signCheck()
        for m in ["m1", "m2", "m3"] {
            for (d, p) in [("D001", 24), ("D002", 20), ("D003", 15), ("D004", 15)] { #expect(try fx.score(m, d, [p, p, p, p]).status == 0) }
        }
        #expect(try fx.finalize().status == 0)
        // Before any place is freed, a ruling has nothing to rule on.
        let nothing = try Self.ruling(fx, ["--resolve", "D003=selected:x", "--resolve", "D004=not-selected:x"])
        #expect(nothing.status == 1 && nothing.stderr.contains("no freed place awaits a ruling"), "\(nothing.stderr)")
        #expect(try fx.publicise().status == 0)
        #expect(try Self.objection(fx, "D001", "upheld", on: -22).status == 0)
        let objection = try #require(Harness.records(fx.store, "sec").last)
        let objSha = try Self.sha(objection)
        let (from, to) = (Fixture.day(-18), Fixture.day(-9))
        for d in ["D003", "D004"] {
            let r = try fx.publicise(from: from, to: to, supplement: d)
            #expect(r.status == 1 && r.stderr.contains("the next place is tied between D003, D004") && r.stderr.contains("the chair must rule")
                    && r.stderr.contains("pingshen ruling"), "\(d): \(r.stderr)")
        }
        // The approval waits too: the place is neither filled nor ruled vacant.
        #expect(try fx.addApprover("appr-sftu").status == 0)
        let early = try fx.approve(as: "appr-sftu", body: "sftu")
        #expect(early.status == 1 && early.stderr.contains("the place freed by D001 is not filled") && early.stderr.contains("tied between D003, D004"), "\(early.stderr)")
        // A verify of a supplement signed by other means over the tie: reported, then taken away
        // (the newest record of a chain, which nothing has seen).
        let fin = try Self.sha(try #require(Harness.records(fx.store, "chair").last))
        let forged = try HandSigned.append(fx, "sec", kind: "publicity", body: [
            "finalize": .string(fin), "from": .string(from), "to": .string(to), "dossiers": .array([.string("D003")]),
            "supplement_for": .string("D001"), "objection": .string(try Self.sha(objection)),
        ])
        let tied = try Self.verify(fx).problems
        #expect(tied.contains { $0.path == forged && $0.kind == "notice-rule" && $0.message.contains("tied with D004, without the chair's ruling") }, "\(tied)")
        try FileManager.default.removeItem(atPath: fx.store + "/" + forged)
        try FileManager.default.removeItem(atPath: fx.store + "/" + forged + ".sig")
        #expect(try Self.verify(fx).status == 0)
        // Rulings refused, with the reason; nothing signed.
        let refused: [(String, [String], String)] = [
            ("sec", ["--resolve", "D004=selected:x", "--resolve", "D003=not-selected:x"], "may not sign ruling"),
            ("chair", [], "a ruling needs --resolve"),
            ("chair", ["--resolve", "D004=selected:x"], "not every candidate for the next place is resolved: D003"),
            ("chair", ["--resolve", "D004=selected:x", "--resolve", "D003=selected:y"], "the resolutions select 2"),
            ("chair", ["--resolve", "D004=not-selected:x", "--resolve", "D003=not-selected:y"], "the resolutions select 0"),
            ("chair", ["--resolve", "D004=selected:x", "--resolve", "D002=not-selected:y"], "D002 is not a candidate for the next place (D003, D004)"),
            ("chair", ["--resolve", "D004=selected: ", "--resolve", "D003=not-selected:y"], "the resolution of D004 needs a reason"),
            ("chair", ["--resolve", "D004=maybe:x", "--resolve", "D003=not-selected:y"], "a resolution is selected or not-selected"),
            ("chair", ["--resolve", "D004"], "--resolve takes ID=selected|not-selected:REASON"),
            ("chair", ["--resolve", "D004=selected:x", "--resolve", "D003=not-selected:y", "--vacant", "z"], "--resolve or --vacant, not both"),
            ("chair", ["--vacant", "  "], "--vacant needs the reason"),
            ("chair", ["--place", "D002", "--vacant", "z"], "D002 freed no place"),
            ("chair", ["--place", "D404", "--vacant", "z"], "no dossier with id D404"),
            ("m1", ["--vacant", "z"], "may not sign ruling"),
        ]
        let chairBefore = Harness.records(fx.store, "chair").count
        for (who, args, message) in refused {
            let r = try Self.ruling(fx, as: who, args)
            #expect(r.status == 1 && r.reason == .exit && r.stderr.contains(message), "\(who) \(args): \(r.stderr)")
        }
        let usage = try Self.ruling(fx, ["--place", "../x", "--vacant", "z"])
        #expect(usage.status != 0 && usage.reason == .exit && usage.stderr.contains("--place"), "\(usage.stderr)")
        #expect(Harness.records(fx.store, "chair").count == chairBefore)
        // The chair rules, as at the quota line: D004 over D003, each with a reason.
        let ok = try Self.ruling(fx, ["--place", "D001", "--resolve", "D004=selected:技术攻关成果经鉴定更突出", "--resolve", "D003=not-selected:同上"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let rulingPath = try #require(Harness.records(fx.store, "chair").last)
        #expect(try Harness.sshVerify(store: fx.store, member: "chair", record: rulingPath).status == 0)
        let rb = try Self.body(rulingPath)
        let rulingSha = try Self.sha(rulingPath)
        #expect(rb["freed"] as? String == "D001" && rb["tied"] as? [String] == ["D003", "D004"] && rb["objection"] as? String == objSha, "\(rb)")
        // The ruling stands: not signed again, nor overridden by a supplement of the other.
        let again = try Self.ruling(fx, ["--place", "D001", "--vacant", "改变主意"])
        #expect(again.status == 1 && again.stderr.contains("has ruled on the place freed by D001 already"), "\(again.stderr)")
        let other = try fx.publicise(from: from, to: to, supplement: "D003")
        #expect(other.status == 1 && other.stderr.contains("the next eligible candidate is D004, not D003"), "\(other.stderr)")
        let supplement = try fx.publicise(from: from, to: to, supplement: "D004")
        #expect(supplement.status == 0, "\(supplement.stderr)")
        let sb = try Self.body(try #require(Harness.records(fx.store, "sec").last))
        #expect(sb["ruling"] as? String == rulingSha && (sb["resolution"] as? String)?.hasPrefix("selected: 技术攻关") == true, "\(sb)")
        let md = try Harness.pingshen(["export", fx.store, "publicity", "--format", "md"])
        #expect(md.stdout.contains("The chair's ruling: selected: 技术攻关成果经鉴定更突出"), "\(md.stdout)")
        let approve = try fx.approve(as: "appr-sftu", body: "sftu")
        #expect(approve.status == 0, "\(approve.stderr)")
        #expect(try Self.body(try #require(Harness.records(fx.store, "appr-sftu").last))["selected"] as? [String] == ["D002", "D004"])
        #expect(try Self.verify(fx).status == 0)
        // Signed by other means: a second ruling on the place and a supplement against the ruling.
        let twice = try HandSigned.append(fx, "chair", kind: "ruling", body: [
            "finalize": .string(fin), "objection": .string(try Self.sha(objection)), "freed": .string("D001"), "vacant": .string("x"),
        ])
        let against = try HandSigned.append(fx, "sec", kind: "publicity", body: [
            "finalize": .string(fin), "from": .string(from), "to": .string(to), "dossiers": .array([.string("D003")]),
            "supplement_for": .string("D001"), "objection": .string(try Self.sha(objection)),
        ])
        let badShape = try HandSigned.append(fx, "chair", kind: "ruling", body: [
            "finalize": .string(fin), "objection": .string(try Self.sha(objection)), "freed": .string("D001"),
            "resolutions": .array([.object(["dossier": .string("D003"), "decision": .string("selected"), "reason": .string("x")]),
                                   .object(["dossier": .string("D004"), "decision": .string("selected"), "reason": .string("y")])]),
        ])
        let problems = try Self.verify(fx).problems
        #expect(problems.contains { $0.path == twice && $0.message.contains("ruled twice on the same freed place") }, "\(problems)")
        #expect(problems.contains { $0.path == against && $0.message.contains("the chair's ruling (\(rulingPath.components(separatedBy: "/store/").last ?? "")) selected D004") }, "\(problems)")
        #expect(problems.contains { $0.path == badShape && $0.kind == "malformed" && $0.message.contains("selects exactly one") }, "\(problems)")
        #expect(try Harness.pingshen(["kinds"]).stdout.contains("ruling: signed by: chair"))
    }

    /// A place left empty is said in the approval: the chair rules one vacant, another has no
    /// candidate left; the approval lists fewer than the quota only with `vacant` and the
    /// reasons, and export final shows them.
    @Test func anEmptyPlaceIsSaidInTheApproval() throws {
        let fx = try Fixture(quota: 2)
        try fx.signCheck()
        // D004 has no sheet (no quorum): it can never move up.
        for m in ["m1", "m2", "m3"] {
            for (d, p) in [("D001", 24), ("D002", 20), ("D003", 15)] { #expect(try fx.score(m, d, [p, p, p, p]).status == 0) }
        }
        #expect(try fx.finalize().status == 0)
        #expect(try fx.publicise().status == 0)
        #expect(try Self.objection(fx, "D002", "upheld", on: -22).status == 0)
        #expect(try fx.addApprover("appr-sftu").status == 0)
        // D003 could fill D002's place: no approval of one short without a word.
        let short = try fx.approve(as: "appr-sftu", body: "sftu")
        #expect(short.status == 1 && short.stderr.contains("the place freed by D002 is not filled: publicise the next candidate (pingshen publicity --supplement D003)")
                && short.stderr.contains("--vacant"), "\(short.stderr)")
        // D003 is next and neither tied nor ruled against: the chair need not rule, but may leave the place empty.
        let needless = try Self.ruling(fx, ["--resolve", "D003=selected:x"])
        #expect(needless.status == 1 && needless.stderr.contains("no ruling is needed (pingshen publicity --supplement D003)"), "\(needless.stderr)")
        #expect(try Self.ruling(fx, ["--vacant", "递补人选与入选者得分差距过大，不予递补"]).status == 0)
        let vacantRuling = try Self.sha(try #require(Harness.records(fx.store, "chair").last))
        let refused = try fx.publicise(from: Fixture.day(-18), to: Fixture.day(-9), supplement: "D003")
        #expect(refused.status == 1 && refused.stderr.contains("the chair ruled that the place freed by D002 stays vacant"), "\(refused.stderr)")
        // D001's objection upheld too: D003 fills that place; then D003's own is upheld, and nobody is left.
        #expect(try Self.objection(fx, "D001", "upheld", on: -21).status == 0)
        #expect(try fx.publicise(from: Fixture.day(-18), to: Fixture.day(-9), supplement: "D003").status == 0)
        #expect(try Self.objection(fx, "D003", "upheld", on: -15).status == 0)
        let none = try Self.ruling(fx, ["--place", "D003", "--resolve", "D004=selected:x"])
        #expect(none.status == 1 && none.stderr.contains("no eligible candidate is left: the place can only stay vacant"), "\(none.stderr)")
        let approve = try fx.approve(as: "appr-sftu", body: "sftu")
        #expect(approve.status == 0, "\(approve.stderr)")
        let ab = try Self.body(try #require(Harness.records(fx.store, "appr-sftu").last))
        #expect(ab["selected"] as? [String] == [] && ab["vacant"] as? Int == 2, "\(ab)")
        let places = ab["vacancies"] as? [[String: Any]] ?? []
        #expect(places.count == 2, "\(ab)")
        #expect(places.first?["freed"] as? String == "D002" && places.first?["ruling"] as? String == vacantRuling
                && places.first?["reason"] as? String == "递补人选与入选者得分差距过大，不予递补", "\(places)")
        #expect(places.last?["freed"] as? String == "D003" && (places.last?["reason"] as? String)?.contains("no eligible candidate") == true, "\(places)")
        // export final shows the empty places in every format.
        let csv = try Harness.pingshen(["export", fx.store, "final", "--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(whereSeparator: \.isNewline).map(String.init)
        #expect(lines.first?.hasPrefix("rank,id,name,gender,employer,field,title,score,note,store_fingerprint") == true, "\(csv.stdout)")
        #expect(lines.count == 3 && lines[1].hasPrefix(",,(vacant),") && lines[1].contains("freed by the upheld objection to D002: 递补人选"), "\(csv.stdout)")
        let json = try Harness.json(try Harness.pingshen(["export", fx.store, "final", "--format", "json"]).stdout)
        #expect(json["vacant"] as? Int == 2 && (json["entries"] as? [Any])?.isEmpty == true && (json["vacancies"] as? [Any])?.count == 2, "\(json)")
        let md = try Harness.pingshen(["export", fx.store, "final", "--format", "md"])
        #expect(md.stdout.contains("## 2 vacant places") && md.stdout.contains("- freed by the upheld objection to D003: "), "\(md.stdout)")
        #expect(try Self.verify(fx).status == 0)
        // An approval signed by other means that lists fewer than the quota without a word.
        let fin = try Self.sha(try #require(Harness.records(fx.store, "chair").dropLast().last))
        let silent = try HandSigned.append(fx, "appr-sftu", kind: "approval", body: [
            "finalize": .string(fin), "selected": .array([]), "decision": .string("approved"), "body": .string("sftu"),
        ], created: Timestamp.format(Date()))
        let miscount = try HandSigned.append(fx, "appr-sftu", kind: "approval", body: [
            "finalize": .string(fin), "selected": .array([]), "decision": .string("approved"), "body": .string("sftu"),
            "vacant": .int(2), "vacancies": .array([.object(["count": .int(1), "reason": .string("x")])]),
        ], created: Timestamp.format(Date()))
        let problems = try Self.verify(fx).problems
        #expect(problems.contains { $0.path == silent && $0.message.contains("names 0 of 2 places without saying the rest are vacant") }, "\(problems)")
        #expect(problems.contains { $0.path == miscount && $0.kind == "malformed" && $0.message.contains("'vacancies' account for 1 places, 'vacant' says 2") }, "\(problems)")
    }

    /// `export STORE publicity` in every format shows the list as published: the finalized
    /// list under its notice and period, then the supplementary notice with its period, the
    /// candidate it adds and the upheld objection that freed the place.
    static func expectPublicityExport(_ fx: Fixture, from: String, to: String) throws {
        let records = Harness.records(fx.store, "sec")
        let supplement = Harness.recordPath(try #require(records.last))
        let main = Harness.recordPath(try #require(records.dropLast(2).last))
        let objection = Harness.recordPath(try #require(records.dropLast().last))
        let csv = try Harness.pingshen(["export", fx.store, "publicity", "--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(whereSeparator: \.isNewline).map(String.init)
        #expect(lines.first == "rank,id,name,gender,employer,field,title,score,notice,notice_from,notice_to,supplement_for,freed_by_objection,objection,store_fingerprint",
                "\(csv.stdout)")
        #expect(lines.count == 4, "\(csv.stdout)")
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.map { $0[1] } == ["D001", "D002", "D003"], "\(csv.stdout)")
        #expect(rows[0][8...13] == ["main", Fixture.day(-29), Fixture.day(-20), "", "", "upheld"], "\(rows[0])")
        #expect(rows[1][8...13] == ["main", Fixture.day(-29), Fixture.day(-20), "", "", ""], "\(rows[1])")
        #expect(rows[2][8...13] == ["supplement", from, to, "D001", objection, ""], "\(rows[2])")
        let json = try Harness.json(try Harness.pingshen(["export", fx.store, "publicity", "--format", "json"]).stdout)
        let entries = json["entries"] as? [[String: Any]] ?? []
        #expect(entries.compactMap { $0["dossier"] as? String } == ["D001", "D002", "D003"], "\(json)")
        #expect(entries.last?["notice"] as? String == "supplement" && entries.last?["supplement_for"] as? String == "D001", "\(json)")
        let notices = json["notices"] as? [[String: Any]] ?? []
        #expect(notices.count == 2, "\(json)")
        #expect(notices.first?["kind"] as? String == "main" && notices.first?["record"] as? String == main
                && notices.first?["dossiers"] as? [String] == ["D001", "D002"], "\(notices)")
        let s = notices.last ?? [:]
        #expect(s["kind"] as? String == "supplement" && s["from"] as? String == from && s["to"] as? String == to, "\(s)")
        #expect(s["dossiers"] as? [String] == ["D003"] && s["supplement_for"] as? String == "D001" && s["freed_by_objection"] as? String == objection, "\(s)")
        #expect(s["objection_received"] as? String == Fixture.day(-22), "\(s)")
        for (lang, words) in [("en", ["Notice period: \(Fixture.day(-29)) to \(Fixture.day(-20))", "Objection upheld: D001",
                                      "## Supplementary notice 1: \(from) to \(to)", "The upheld objection to D001 (objection record \(objection), received \(Fixture.day(-22)))",
                                      "| 3 | D003 |"]),
                              ("zh", ["公示期：\(Fixture.day(-29)) 至 \(Fixture.day(-20))", "## 补充公示 1：\(from) 至 \(to)", "因 D001 的公示异议成立"])] {
            let md = try Harness.run(Harness.binary, ["export", fx.store, "publicity", "--format", "md", "--lang", lang])
            #expect(md.status == 0, "\(md.stderr)")
            for w in words { #expect(md.stdout.contains(w), "\(lang) \(w): \(md.stdout)") }
            // The supplement's row is under its own heading, not in the finalized list.
            let head = md.stdout.components(separatedBy: "## ").first ?? ""
            #expect(!head.contains("D003"), "\(md.stdout)")
        }
    }

    // MARK: - approval

    @Test func approvalWaitsForTheEndOfTheNoticeAndIsNeverTheChairs() throws {
        let fx = try Self.finalized()
        #expect(try fx.addApprover("appr").status == 0)
        // Before any notice.
        let noNotice = try fx.approve(as: "appr")
        #expect(noNotice.status == 1 && noNotice.stderr.contains("has not been publicised"), "\(noNotice.stderr)")
        // A notice that ends five days after the anchor: refused until the day after its last.
        #expect(try fx.publicise(from: Fixture.day(-29), to: Fixture.day(5)).status == 0)
        let early = try fx.approve(as: "appr", now: Fixture.day(0))
        #expect(early.status == 1 && early.stderr.contains("the notice period runs until \(Fixture.day(5))"), "\(early.stderr)")
        let onLastDay = try fx.approve(as: "appr", now: Fixture.day(5))
        #expect(onLastDay.status == 1 && onLastDay.stderr.contains("runs until"), "\(onLastDay.stderr)")
        // The chair, a member and the secretary may not approve; nor a body the programme does not name.
        for who in ["chair", "m1", "sec"] {
            let r = try fx.approve(as: who)
            #expect(r.status == 1 && r.stderr.contains("may not sign approval"), "\(who): \(r.stderr)")
        }
        let stranger = try fx.approve(as: "appr", body: "qp-ftu")
        #expect(stranger.status == 1 && stranger.stderr.contains("not an approving body"), "\(stranger.stderr)")
        #expect(Harness.records(fx.store, "appr").isEmpty)
        // Forged approvals, validly signed by hand: by the chair; by the approver before the end.
        let fin = Record.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: try #require(Harness.records(fx.store, "chair").last))))
        let approval: [String: JSONValue] = ["finalize": .string(fin), "selected": .array([.string("D001"), .string("D002")]),
                                              "decision": .string("approved"), "body": .string("sftu")]
        let byChair = try HandSigned.append(fx, "chair", kind: "approval", body: approval, created: Timestamp.format(Date()))
        let tooEarly = try HandSigned.append(fx, "appr", kind: "approval", body: approval, created: Fixture.day(0) + "T04:00:00Z")
        let (status, problems) = try Self.verify(fx)
        #expect(status == 1)
        #expect(problems.contains { $0.path == byChair && $0.message.contains("chair") }, "\(problems)")
        #expect(problems.contains { $0.path == tooEarly && $0.kind == "notice-rule" && $0.message.contains("before the notice period ended") }, "\(problems)")
        // Neither counts: the list is not approved.
        let final = try Harness.pingshen(["export", fx.store, "final"])
        #expect(final.status != 0)
    }

    @Test func aPendingObjectionHoldsTheApprovalAndVerifyReportsOneSignedOverIt() throws {
        let fx = try Self.finalized()
        #expect(try fx.publicise().status == 0)
        #expect(try Self.objection(fx, "D002", "pending", on: -24).status == 0)
        #expect(try fx.addApprover("appr").status == 0)
        let held = try fx.approve(as: "appr")
        #expect(held.status == 1 && held.stderr.contains("objections still pending: D002"), "\(held.stderr)")
        let fin = Record.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: try #require(Harness.records(fx.store, "chair").last))))
        let forged = try HandSigned.append(fx, "appr", kind: "approval", body: [
            "finalize": .string(fin), "selected": .array([.string("D001"), .string("D002"), .string("D004")]),
            "decision": .string("approved"), "body": .string("sftu"),
        ], created: Timestamp.format(Date()))
        let (status, problems) = try Self.verify(fx)
        #expect(status == 1)
        #expect(problems.contains { $0.path == forged && $0.message.contains("objections were pending: D002") }, "\(problems)")
        #expect(problems.contains { $0.path == forged && $0.message.contains("D004, which was never publicised") }, "\(problems)")
    }

    @Test func qingpuIsApprovedByBothBodiesEachThroughItsOwnApprover() throws {
        let qp = try Fixture(program: "qingpu-craftsman", quota: 2, dossiers: PromoteTests.qingpuCSV)
        try qp.finalizedList(["QP001": 25, "QP002": 22, "QP003": 10])
        #expect(try qp.publicise().status == 0)
        #expect(try qp.addApprover("union", unit: "青浦区总工会").status == 0)
        #expect(try qp.addApprover("hrss", unit: "青浦区人社局").status == 0)
        // Two bodies: the approver names which.
        let unnamed = try qp.approve(as: "union")
        #expect(unnamed.status == 1 && unnamed.stderr.contains("--body") && unnamed.stderr.contains("qp-hrss"), "\(unnamed.stderr)")
        let first = try qp.approve(as: "union", body: "qp-ftu")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("still to approve: qp-hrss"), "\(first.stdout)")
        // Half approved: no final list, no promotion.
        let half = try Harness.pingshen(["export", qp.store, "final"])
        #expect(half.status == 1 && half.stderr.contains("still to approve: qp-hrss"), "\(half.stderr)")
        // The same body twice, or one approver for both bodies: refused.
        let twice = try qp.approve(as: "hrss", body: "qp-ftu")
        #expect(twice.status == 1 && twice.stderr.contains("qp-ftu has approved already"), "\(twice.stderr)")
        let both = try qp.approve(as: "union", body: "qp-hrss")
        #expect(both.status == 1 && both.stderr.contains("approved for one body already"), "\(both.stderr)")
        let second = try qp.approve(as: "hrss", body: "qp-hrss")
        #expect(second.status == 0, "\(second.stderr)")
        let final = try Harness.pingshen(["export", qp.store, "final", "--format", "csv"])
        #expect(final.status == 0 && final.stdout.contains("QP001") && final.stdout.contains("QP002"), "\(final.stderr)")
        #expect(try Harness.pingshen(["verify", qp.store]).status == 0)
        // A forged second approval of the same body is reported.
        let fin = Record.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: try #require(Harness.records(qp.store, "chair").last))))
        let dup = try HandSigned.append(qp, "hrss", kind: "approval", body: [
            "finalize": .string(fin), "selected": .array([.string("QP001"), .string("QP002")]), "decision": .string("approved"), "body": .string("qp-ftu"),
        ], created: Timestamp.format(Date()))
        let problems = try Self.verify(qp).problems
        #expect(problems.contains { $0.path == dup && $0.message.contains("approved the same finalization twice") }, "\(problems)")
    }

    // MARK: - the programme sections

    @Test func everyTemplateSaysItsNoticeAndItsApprovingBodies() throws {
        for id in Templates.ids {
            let p = try #require(Templates.program(id))
            let notice = try #require(p.publicity, "\(id)")
            #expect(notice.days >= 5, "\(id)")
            #expect((p.approval?.by.count ?? 0) > 0, "\(id)")
            // Where the seed is silent, the notes say so.
            #expect((p.notes ?? []).contains { $0.hasPrefix("publicity:") && $0.contains("neither 工作日 nor 天") && $0.contains("调休") }, "\(id)")
        }
        #expect(Templates.program("qingpu-craftsman")?.approvingBodies == ["qp-ftu", "qp-hrss"])
        #expect(Templates.program("shanghai-craftsman")?.approvingBodies == ["sftu"])
        // The section is schema-checked.
        let yaml = try #require(Templates.yaml("qingpu-craftsman"))
        func decode(_ from: String, _ to: String) -> String? {
            do { _ = try Templates.decode(yaml.replacingOccurrences(of: from, with: to), id: "t"); return nil } catch { return "\(error)" }
        }
        #expect(decode("  days: 5\n", "  days: 0\n")?.contains("publicity.days") == true)
        #expect(decode("  days: 5\n", "  days: 5\n  weeks: 1\n")?.contains("weeks") == true)
        let twice = decode("{id: qp-hrss,", "{id: qp-ftu,")
        #expect(twice?.contains("approval.by[1].id") == true, "\(twice ?? "")")
        #expect(decode("{id: qp-hrss,", "{id: \"../x\",")?.contains("approval.by") == true)
    }

    /// Working days are counted with public holidays and 调休 (the built-in table, or the years
    /// a programme declares in publicity.calendar); a notice into a year neither knows is refused.
    @Test func workingDaysFollowThePublicHolidaysAndAYearWithoutATableIsRefused() throws {
        let fx = try Fixture(quota: 2)
        // Hostile declarations are refused by the schema, with the field named; nothing is signed.
        let yaml = try String(contentsOfFile: fx.store + "/program.yaml", encoding: .utf8)
        func amend(_ calendar: String) throws -> Harness.Result {
            let text = yaml.replacingOccurrences(of: "  working_days: true\n", with: "  working_days: true\n  calendar:\n" + calendar)
            let file = fx.dir + "/amended-\(UUID().uuidString).yaml"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            return try Harness.pingshen(["program", "amend", fx.store, "--as", "sec", "--key", fx.key("sec"), file, "--reason", "2027年节假日安排"])
        }
        let hostile: [(String, String)] = [
            ("    - {year: 2027, holidays: [2027-02-30]}\n", "publicity.calendar[0].holidays[0]"),
            ("    - {year: 2027, holidays: [2026-01-01]}\n", "not a date YYYY-MM-DD of 2027"),
            ("    - {year: 2027, holidays: [\"2027-1-1\"]}\n", "not a date YYYY-MM-DD of 2027"),
            ("    - {year: 2027, holidays: [2027-01-01], workdays: [2027-01-01]}\n", "both a holiday and a make-up working day"),
            ("    - {year: 2027, holidays: []}\n    - {year: 2027, holidays: []}\n", "declared twice"),
            ("    - {year: 99999, holidays: []}\n", "publicity.calendar[0].year"),
            ("    - {year: 2027, holidays: [], weekends: []}\n", "weekends"),
            ("    - {year: 2027}\n", "holidays"),
            ("    - {year: 2027, holidays: {a: 1}}\n", "holidays"),
        ]
        let before = Harness.records(fx.store, "sec").count
        for (cal, message) in hostile {
            let r = try amend(cal)
            #expect(r.status != 0 && r.reason == .exit && r.stderr.contains(message), "\(cal): \(r.stderr)")
        }
        #expect(Harness.records(fx.store, "sec").count == before)
        // Declared (as the State Council's notice for 2027 will say; here only New Year's Day).
        let ok = try amend("    - {year: 2027, source: 国办发明电, holidays: [2027-01-01], workdays: []}\n")
        #expect(ok.status == 0, "\(ok.stderr)")
        try fx.signCheck()
        for m in ["m1", "m2", "m3"] {
            for (d, p) in [("D001", 24), ("D002", 20), ("D003", 15)] { #expect(try fx.score(m, d, [p, p, p, p]).status == 0) }
        }
        #expect(try fx.finalize().status == 0)
        let signed = Harness.records(fx.store, "sec").count
        // Into 2028: neither the built-in table nor the programme knows it. Refused, naming the
        // year and what to do; in Chinese too.
        let into2028 = try fx.publicise(from: "2027-12-27", to: "2028-01-05")
        #expect(into2028.status == 1 && into2028.stderr.contains("no public-holiday table for 2028")
                && into2028.stderr.contains("publicity.calendar"), "\(into2028.stderr)")
        let zh = try Harness.run(Harness.binary, ["publicity", fx.store, "--as", "sec", "--key", fx.key("sec"), "--from", "2027-12-27", "--to", "2028-01-05", "--lang", "zh"])
        #expect(zh.status == 1 && zh.stderr.contains("没有 2028 年的法定节假日安排"), "\(zh.stderr)")
        // 28 December – 1 January: 4 working days (1 January is declared off), 5 on weekdays alone.
        let short = try fx.publicise(from: "2026-12-28", to: "2027-01-01")
        #expect(short.status == 1 && short.stderr.contains("runs 4 working days"), "\(short.stderr)")
        #expect(Harness.records(fx.store, "sec").count == signed)
        let notice = try fx.publicise(from: "2026-12-28", to: "2027-01-04")
        #expect(notice.status == 0, "\(notice.stderr)")
        #expect(try Self.verify(fx).status == 0)
        // A notice hand-signed into 2028 is a problem for verify, with the year named.
        let fin = Record.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: try #require(Harness.records(fx.store, "chair").last))))
        let forged = try HandSigned.append(fx, "sec", kind: "publicity", body: [
            "finalize": .string(fin), "from": .string("2027-12-27"), "to": .string("2028-01-05"), "dossiers": .array([.string("D001"), .string("D002")]),
        ])
        let problems = try Self.verify(fx).problems
        #expect(problems.contains { $0.path == forged && $0.kind == "rule-violation" && $0.message.contains("no public-holiday table for 2028") }, "\(problems)")
    }

    @Test func noticeDatesAndTheClock() throws {
        #expect(NoticeDate("2026-02-29") == nil && NoticeDate("2024-02-29") != nil && NoticeDate("２０２６-01-01") == nil)
        let mon = NoticeDate("2026-06-15")!  // a Monday
        #expect(mon.isWeekday && !NoticeDate("2026-06-20")!.isWeekday)
        let cal = WorkCalendar()
        #expect(try NoticeDate.length(from: mon, to: NoticeDate("2026-06-18")!, calendar: cal) == 4)
        // 端午 2026 (the State Council notice of 4 November 2025): Friday 19 June is a holiday.
        #expect(try !cal.isWorkingDay(NoticeDate("2026-06-19")!))
        #expect(try NoticeDate.length(from: mon, to: NoticeDate("2026-06-19")!, calendar: cal) == 4)
        #expect(try NoticeDate.length(from: NoticeDate("2026-06-16")!, to: NoticeDate("2026-06-22")!, calendar: cal) == 4)
        #expect(try NoticeDate.length(from: NoticeDate("2026-06-16")!, to: NoticeDate("2026-06-23")!, calendar: cal) == 5)
        #expect(try NoticeDate.length(from: NoticeDate("2026-06-16")!, to: NoticeDate("2026-06-22")!, calendar: nil) == 7)
        #expect(try NoticeDate.earliestEnd(from: NoticeDate("2026-06-17")!, rule: .standard).description == "2026-06-24")
        #expect(try NoticeDate.earliestEnd(from: mon, rule: PublicitySpec(days: 7, workingDays: false)).description == "2026-06-21")
        // 国庆 2026: 1–7 October off, Saturday 10 October worked (调休), Sunday 20 September too.
        #expect(try NoticeDate.length(from: NoticeDate("2026-09-28")!, to: NoticeDate("2026-10-09")!, calendar: cal) == 5)
        #expect(try NoticeDate.length(from: NoticeDate("2026-10-08")!, to: NoticeDate("2026-10-12")!, calendar: cal) == 4)
        #expect(try cal.isWorkingDay(NoticeDate("2026-10-10")!) && cal.isWorkingDay(NoticeDate("2026-09-20")!))
        #expect(try NoticeDate.earliestEnd(from: NoticeDate("2026-09-30")!, rule: .standard).description == "2026-10-12")
        // 春节 2026: 15–23 February off, 14 and 28 February worked.
        #expect(try NoticeDate.earliestEnd(from: NoticeDate("2026-02-13")!, rule: .standard).description == "2026-02-26")
        #expect(try NoticeDate.length(from: NoticeDate("2026-02-14")!, to: NoticeDate("2026-02-28")!, calendar: cal) == 6)
        // 2024 and 2025 too; 2027 has no table: refused with the year named, never counted on weekdays alone.
        #expect(try !cal.isWorkingDay(NoticeDate("2025-10-08")!) && cal.isWorkingDay(NoticeDate("2025-10-11")!))
        #expect(try !cal.isWorkingDay(NoticeDate("2024-02-16")!) && cal.isWorkingDay(NoticeDate("2024-02-18")!))
        #expect(cal.knownYears == [2024, 2025, 2026])
        #expect(throws: UnknownHolidayYear.self) { try NoticeDate.length(from: NoticeDate("2026-12-28")!, to: NoticeDate("2027-01-08")!, calendar: cal) }
        do {
            _ = try NoticeDate.earliestEnd(from: NoticeDate("2027-03-01")!, rule: .standard)
            Issue.record("2027 counted without a table")
        } catch let e as UnknownHolidayYear {
            #expect(e.year == 2027 && e.en.contains("no public-holiday table for 2027") && e.zh.contains("没有 2027 年的法定节假日安排"))
        }
        // A declared year: the programme's own table.
        let declared = WorkCalendar(declared: [HolidayYear(year: 2027, source: "test", holidays: ["2027-01-01"], workdays: ["2027-01-02"])])
        #expect(try NoticeDate.length(from: NoticeDate("2026-12-31")!, to: NoticeDate("2027-01-04")!, calendar: declared) == 3)
        // Beijing dates: 16:00Z is already the next day.
        #expect(NoticeDate(created: "2026-06-15T15:59:59Z") == mon && NoticeDate(created: "2026-06-15T16:00:00Z") == mon.adding(days: 1))
        #expect(Clock.parse("2026-06-15").map { NoticeDate(instant: $0) } == mon)
        #expect(Clock.parse("2026-06-15T23:00:00Z").map { NoticeDate(instant: $0) } == mon.adding(days: 1))
        #expect(Clock.parse("soon") == nil && Clock.parse("2026-06-15T24:00:00Z") == nil)
        #expect(abs(Clock.now(["PINGSHEN_NOW": "garbage"]).timeIntervalSinceNow) < 60)
    }
}
