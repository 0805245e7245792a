import Foundation
import Testing
import Records
import Panel
import Review
import TerminalUI

/// Issue 13, rounds fidelity: a forged shortlist (signed with the chair's real key outside the
/// session) is named by the independent recount (scripts/recount.py --rounds) by the same rules
/// as `verify`, and nothing is signed on top of it: `shortlist` and `finalize` (and the UI's
/// finalize) refuse while the store holds a round problem replication refuses.
@Suite struct ShortlistRefusalTests {
    /// Every record file of the store (records/*/NNN/NNNNNN.json).
    static func recordCount(_ store: String) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: store + "/records")) ?? []).filter { !$0.hasPrefix(".") }
            .reduce(0) { $0 + Harness.records(store, $1).count }
    }

    static func remove(_ store: String, _ path: String) throws {
        try FileManager.default.removeItem(atPath: store + "/" + path)
        try FileManager.default.removeItem(atPath: store + "/" + path + ".sig")
    }

    static func row(_ rank: Int, _ d: Int, _ st: String) -> JSONValue {
        .object(["rank": .int(Int64(rank)), "dossier": .string(String(format: "D%02d", d)), "exact": .string(String(100 - 3 * (d - 1))), "status": .string(st)])
    }

    /// verify's kinds at `path`.
    static func kinds(_ v: (status: Int32, problems: [[String: Any]]), at path: String) -> Set<String> {
        Set(v.problems.filter { $0["path"] as? String == path }.compactMap { $0["kind"] as? String })
    }

    /// recount.py --rounds applies the list rule of `verify`: after both honest round-1
    /// shortlists (recount exit 0), the chair's key signs one for a group nobody defines that
    /// ranks two mech dossiers below mech's line exactly as their sheets give (so they would
    /// reach round 2): the recount names the record with rule `group` and rule `list` and exits
    /// 1 (before, it looked only at the groups it knew and exited 0); an empty one for that
    /// group is named by rule `group`, by verify too. One for mech ranking weld's D11 with
    /// mech's ten is named by rule `list`.
    @Test func theRecountNamesAShortlistOfAnotherList() throws {
        let rf = try RoundsFixture(shortlist: "{per_group: 2}")
        let asg = try rf.assignmentSHA()
        try rf.shortlistRoundOne()
        var py = try RecountGroupsTests.recount(["--rounds", rf.store])
        #expect(py.status == 0, "clean: \(py.stderr)")

        var ghost = try RoundsFixture.forgedWeldShortlist(rf.store, assignment: asg)
        ghost["group"] = .string("ghost")
        ghost["nominations"] = .int(2)
        ghost["ranking"] = .array([Self.row(1, 3, "selected"), Self.row(2, 4, "selected")])
        ghost["shortlist"] = .array([.string("D03"), .string("D04")])
        var path = try Forge.record(rf.store, "chair", kind: .shortlist, body: ghost, key: rf.fx.key("chair"))
        py = try RecountGroupsTests.recount(["--rounds", rf.store])
        #expect(py.status == 1, "\(py.stderr)")
        #expect(py.stderr.contains("\(path): rule group (shortlist-input): a shortlist for group 'ghost'"), "\(py.stderr)")
        #expect(py.stderr.contains("\(path): rule list (shortlist-input): it ranks D03, which is not on its list (round 1, group ghost; its signed group is mech)"), "\(py.stderr)")
        #expect((py.json["problems"] as? [String] ?? []).allSatisfy { $0.hasPrefix(path + ": rule ") }, "\(py.json["problems"] ?? "")")
        var v = try rf.fx.verify()
        #expect(v.status == 1 && Self.kinds(v, at: path) == ["shortlist-input"], "\(v.problems)")
        try Self.remove(rf.store, path)

        // The same group, ranking nothing: only the group is wrong.
        ghost["ranking"] = .array([])
        ghost["shortlist"] = .array([])
        ghost["size"] = .int(0)
        ghost["nominations"] = .int(0)
        path = try Forge.record(rf.store, "chair", kind: .shortlist, body: ghost, key: rf.fx.key("chair"))
        py = try RecountGroupsTests.recount(["--rounds", rf.store])
        #expect(py.status == 1 && py.stderr.contains("\(path): rule group (shortlist-input)") && !py.stderr.contains("rule list"), "\(py.stderr)")
        v = try rf.fx.verify()
        #expect(v.status == 1 && v.problems.contains { $0["path"] as? String == path && $0["kind"] as? String == "shortlist-input"
            && ($0["message"] as? String ?? "").contains("'ghost', which no programme or group record defines") }, "\(v.problems)")
        try Self.remove(rf.store, path)
        #expect(try RecountGroupsTests.recount(["--rounds", rf.store]).status == 0)

        // mech's list with weld's D11 ranked below mech's ten.
        var mech = try RoundsFixture.forgedWeldShortlist(rf.store, assignment: asg)
        mech["group"] = .string("mech")
        mech["nominations"] = .int(11)
        mech["ranking"] = .array((1...11).map { Self.row($0, $0, $0 <= 2 ? "selected" : "not-selected") })
        mech["shortlist"] = .array([.string("D01"), .string("D02")])
        path = try Forge.record(rf.store, "chair", kind: .shortlist, body: mech, key: rf.fx.key("chair"))
        py = try RecountGroupsTests.recount(["--rounds", rf.store])
        #expect(py.status == 1 && py.stderr.contains("\(path): rule list (shortlist-input): it ranks D11, which is not on its list (round 1, group mech; its signed group is weld)"),
                "\(py.stderr)")
        #expect(!py.stderr.contains("rule group"), "\(py.stderr)")
    }

    /// `shortlist` and `finalize` refuse on a store with a forged shortlist, naming the record
    /// and the kind, and sign nothing: a forged weld shortlist (`shortlist-mismatch`) stops
    /// mech's; after the honest shortlists and round 2, one for a group nobody defines putting
    /// two mech dossiers on (`shortlist-input`) stops `finalize` and the chair's finalize in the
    /// UI (the message shown, no confirmation). Without it, the store finalizes.
    @Test func finalizeAndShortlistRefuseOverAForgedShortlist() throws {
        let rf = try RoundsFixture()
        let asg = try rf.assignmentSHA()
        let weld = try Forge.record(rf.store, "chair", kind: .shortlist, body: RoundsFixture.forgedWeldShortlist(rf.store, assignment: asg), key: rf.fx.key("chair"))
        var v = try rf.fx.verify()
        #expect(v.status == 1 && !Self.kinds(v, at: weld).isEmpty && Self.kinds(v, at: weld).isSubset(of: ["shortlist-mismatch", "shortlist-input"]), "\(v.problems)")
        var before = Self.recordCount(rf.store)
        var r = try rf.chair(["shortlist", "--round", "1", "--group", "mech"])
        #expect(r.status == 1 && r.stderr.contains(weld) && r.stderr.contains("shortlist-mismatch"), "\(r.stdout) \(r.stderr)")
        #expect(Self.recordCount(rf.store) == before)
        try Self.remove(rf.store, weld)

        try rf.shortlistRoundOne()
        for (d, t) in RoundsFixture.roundTwo.sorted(by: { $0.key < $1.key }) {
            for m in ["m3", "m6", "m9"] { #expect(try rf.score(m, d, total: t).status == 0, "\(m) \(d)") }
        }
        #expect(try rf.fx.verify().status == 0)
        var ghost = try RoundsFixture.forgedWeldShortlist(rf.store, assignment: asg)
        ghost["group"] = .string("ghost")
        ghost["nominations"] = .int(2)
        ghost["ranking"] = .array([Self.row(1, 4, "selected"), Self.row(2, 5, "selected")])
        ghost["shortlist"] = .array([.string("D04"), .string("D05")])
        let path = try Forge.record(rf.store, "chair", kind: .shortlist, body: ghost, key: rf.fx.key("chair"))
        v = try rf.fx.verify()
        #expect(v.status == 1 && Self.kinds(v, at: path).contains("shortlist-input"), "\(v.problems)")
        before = Self.recordCount(rf.store)
        r = try rf.chair(["finalize"])
        #expect(r.status == 1 && r.stderr.contains(path) && r.stderr.contains("shortlist-input") && r.stderr.contains("cannot sign the finalization"),
                "\(r.stdout) \(r.stderr)")
        #expect(Self.recordCount(rf.store) == before)

        // The chair's finalize in the UI: refused with the message, nothing asked or signed.
        let chair = AppController(backend: try SessionBackend(session: try ReviewSession(root: rf.store), member: "chair",
                                                              signer: try KeyFileSigner(path: rf.fx.key("chair"))),
                                  lang: .en, size: (120, 40))
        chair.send(.key(.char("r")))
        chair.send(.key(.char("f")))
        guard case .finalize = chair.state.top else { Issue.record("f did not open the finalization: \(chair.state.top)"); return }
        chair.send(.key(.ctrl("s")))
        #expect(chair.state.modal == nil, "\(String(describing: chair.state.modal))")
        let said = chair.state.message ?? ""
        #expect(said.contains(path) && said.contains("shortlist-input") && said.contains("cannot sign the finalization"), "\(said)")
        #expect(Self.recordCount(rf.store) == before)

        // The forgery gone, the store finalizes.
        try Self.remove(rf.store, path)
        r = try rf.chair(["finalize"])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(Self.recordCount(rf.store) == before)   // the finalization for the forgery taken out
        #expect(try rf.fx.verify().status == 0)
    }

    /// From round 2 on, a shortlist ranks only dossiers a signed shortlist of the round before
    /// put on: a three-round programme, round 1 shortlisted honestly (two a group), then a
    /// round-2 committee shortlist signed with the chair's key that ranks D05 (on no round-1
    /// shortlist) is named by verify (`shortlist-input`) and by the recount (rule `list`).
    @Test func theRecountNamesALaterShortlistRankingADossierNoShortlistPutOn() throws {
        let third = "    shortlist: {per_group: 3}\n  - round: 3\n    name: {zh: 复评, en: third round}\n    by: committee\n"
        let rf = try RoundsFixture(shortlist: "{per_group: 2}", round2: third)
        try rf.shortlistRoundOne()
        var later = try RoundsFixture.forgedWeldShortlist(rf.store, assignment: rf.assignmentSHA())
        later["group"] = nil
        later["round"] = .int(2)
        later["size"] = .int(3)
        later["nominations"] = .int(1)
        later["ranking"] = .array([Self.row(1, 5, "selected")])
        later["shortlist"] = .array([.string("D05")])
        let path = try Forge.record(rf.store, "chair", kind: .shortlist, body: later, key: rf.fx.key("chair"))
        let v = try rf.fx.verify()
        #expect(v.status == 1 && v.problems.contains { $0["path"] as? String == path && $0["kind"] as? String == "shortlist-input"
            && ($0["message"] as? String ?? "").contains("D05") }, "\(v.problems)")
        let py = try RecountGroupsTests.recount(["--rounds", rf.store])
        #expect(py.status == 1 && py.stderr.contains("\(path): rule list (shortlist-input): it ranks D05, which is not on its list (round 2, the committee; on no signed round 1 shortlist)"),
                "\(py.stderr)")
        #expect(!py.stderr.contains("rule group"), "\(py.stderr)")
    }
}
