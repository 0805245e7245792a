import Foundation
import Testing
import Records
import Panel
import Review
@testable import TerminalUI

/// Fairness across field groups and the UI screens of issue 13, over the 3-group fixture
/// (`GroupFixture`: 9 members in overlapping groups, 30 dossiers, K = 3): `stats` per group with
/// the real binary, the chair's progress board and the secretary's assignment screen headless
/// over the real session, and the re-assignment signed through the UI.
@Suite struct GroupFairnessTests {
    /// mech: every sheet 60; weld: every sheet 80 but one of 20 on D11; elec: none.
    func scored() throws -> (GroupFixture, [String: (group: String?, members: [String])]) {
        let fx = try GroupFixture()
        try fx.grouped()
        #expect(try fx.assign(["--per-dossier", "3", "--seed", "5"]).status == 0)
        // Every dossier in the running (the statistics count those only, as `rank`).
        let e = try Harness.pingshen(["eligibility", fx.store, "--as", "sec", "--key", fx.key("sec"), "--all"])
        #expect(e.status == 0, "\(e.stderr)")
        let t = try fx.table()
        for (d, e) in t.sorted(by: { $0.key < $1.key }) where e.group == "mech" || e.group == "weld" {
            for m in e.members {
                let p = e.group == "mech" ? 15 : (d == "D11" && m == e.members[0] ? 5 : 20)
                let r = try fx.score(m, d, p)
                #expect(r.status == 0, "\(m) \(d): \(r.stderr)")
            }
        }
        return (fx, t)
    }

    @Test func statsPerGroupWithTheBinary() throws {
        let (fx, t) = try scored()
        var r = try Harness.pingshen(["stats", fx.store, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let all = try Harness.json(r.stdout)
        // The contract as before, and the groups beside it.
        for key in ["dossiers", "members", "kendall_w", "outliers", "stability", "problems", "stale_sheets", "not_in_running"] {
            #expect(all[key] != nil, "\(key) is missing")
        }
        let groups = try #require(all["groups"] as? [[String: Any]])
        #expect(groups.map { $0["group"] as? String } == ["mech", "weld", "elec"])
        #expect(groups.map { $0["sheets"] as? Int } == [30, 30, 0])
        // mech: 30 × 60 → mean 60, variance 0. weld: (29 × 80 + 20) / 30 = 78. elec: nothing.
        #expect(groups[0]["mean"] as? String == "60" && groups[0]["variance"] as? String == "0")
        #expect(groups[1]["mean"] as? String == "78")
        #expect(groups[2]["mean"] is NSNull && groups[2]["kendall_w"] is NSNull)
        // Severity against the other groups: mech 60 − 78 = −18, weld 78 − 60 = 18.
        #expect(groups[0]["offset"] as? String == "-18" && groups[1]["offset"] as? String == "18")
        // The one low sheet is weld's outlier, by its member.
        let low = t["D11"]!.members[0]
        let outliers = groups[1]["outliers"] as? [[String: Any]] ?? []
        #expect(outliers.map { $0["member"] as? String } == [low] && outliers.first?["dossier"] as? String == "D11", "\(outliers)")
        #expect((groups[0]["outliers"] as? [Any])?.isEmpty == true)
        // --group: the top level is that group's figures, the groups list only it.
        r = try Harness.pingshen(["stats", fx.store, "--format", "json", "--group", "weld"])
        #expect(r.status == 0, "\(r.stderr)")
        let weld = try Harness.json(r.stdout)
        let ids = (weld["dossiers"] as? [[String: Any]] ?? []).compactMap { $0["dossier"] as? String }
        #expect(!ids.isEmpty && ids.allSatisfy { t[$0]?.group == "weld" }, "\(ids)")
        #expect((weld["groups"] as? [[String: Any]])?.map { $0["group"] as? String } == ["weld"])
        #expect((weld["outliers"] as? [[String: Any]])?.count == 1)
        let members = Set((weld["members"] as? [[String: Any]] ?? []).compactMap { $0["member"] as? String })
        #expect(members.isSubset(of: Set(GroupFixture.groups["weld"]!)), "\(members)")
        // The text report has the groups' table.
        r = try Harness.pingshen(["stats", fx.store, "--lang", "en"])
        #expect(r.status == 0 && r.stdout.contains("Field groups' scales") && r.stdout.contains("weld"), "\(r.stdout)")
        // Hostile --group values: named, refused, nothing printed as figures.
        r = try Harness.pingshen(["stats", fx.store, "--group", "nope", "--lang", "en"])
        #expect(r.status != 0 && r.stderr.contains("nope") && r.stderr.contains("mech"), "\(r.stderr)")
        for bad in ["../x", "a\u{1B}[2J", ""] {
            r = try Harness.pingshen(["stats", fx.store, "--group", bad, "--format", "json"])
            #expect(r.status != 0 && !r.stdout.contains("\"groups\""), "\(bad.debugDescription): \(r.stdout)")
            #expect(!r.stderr.contains("\u{1B}"))
        }
    }

    /// The chair's board: per group, signed/expected from the assignment, the members behind
    /// named with how many are open; Enter opens the grid. The secretary's screen: loads,
    /// pairs kept apart, and after a recusal the re-assignment, signed through the UI after
    /// the confirmation, as `assign` signs it (verify recomputes it).
    @Test func theChairsBoardAndTheSecretarysReassignment() throws {
        let fx = try GroupFixture()
        try fx.grouped()
        #expect(try fx.assign(["--per-dossier", "3", "--seed", "5"]).status == 0)
        let t = try fx.table()
        let mech = t.filter { $0.value.group == "mech" }.keys.sorted()
        let holder = t[mech[0]]!.members[0]
        let theirs = mech.filter { t[$0]!.members.contains(holder) }
        #expect(try fx.score(holder, theirs[0]).status == 0)
        #expect(try fx.score(holder, theirs[1]).status == 0)
        let leaving = t[mech[2]]!.members.first { $0 != holder }!
        var r = try Harness.pingshen(["recuse", fx.store, "--as", leaving, "--dossier", mech[2], "--reason", "师徒关系", "--key", fx.key(leaving)])
        #expect(r.status == 0, "\(r.stderr)")

        // The chair.
        let chair = AppController(backend: try SessionBackend(session: try ReviewSession(root: fx.store), member: "chair", signer: nil),
                                  lang: .en, size: (120, 40))
        chair.send(.key(.char("p")))
        guard case .groups = chair.state.top else { Issue.record("p did not open the board: \(chair.state.top)"); return }
        var screen = chair.frame().lines().joined(separator: "\n")
        // mech: 10 dossiers × 3 = 30 pairs, one recused → 29 expected, 2 signed.
        #expect(screen.contains("2/29"), "\(screen)")
        #expect(screen.contains("0/30"), "weld and elec: nothing signed: \(screen)")
        let open = theirs.count - 2
        #expect(screen.contains("专家\(holder) (\(holder)) \(open) of \(theirs.count) open"), "\(screen)")
        chair.send(.key(.enter))
        guard case .progress = chair.state.top else { Issue.record("Enter did not open the grid"); return }

        // The secretary.
        let session = try ReviewSession(root: fx.store)
        let sec = AppController(backend: try SessionBackend(session: session, member: "sec", signer: try KeyFileSigner(path: fx.key("sec"))),
                                lang: .en, size: (120, 40))
        sec.send(.key(.char("w")))
        sec.send(.key(.char("7")))
        guard case .assignment = sec.state.top else { Issue.record("7 did not open the assignment screen: \(sec.state.top)"); return }
        screen = sec.frame().lines().joined(separator: "\n")
        #expect(screen.contains("Loads 10…10 a member (within one)") || screen.contains("Loads 9…10 a member (within one)") || screen.contains("Loads 10…11 a member (within one)"), "\(screen)")
        #expect(screen.contains("Pairs kept apart: same unit"), "\(screen)")
        #expect(screen.contains("A re-assignment is due"), "\(screen)")
        #expect(screen.contains("off: 专家\(leaving) (\(leaving)) – \(mech[2])  recusal"), "\(screen)")
        let before = Harness.records(fx.store, "sec").count
        sec.send(.key(.char("a")))
        guard case .confirm? = sec.state.modal else { Issue.record("a did not ask: \(sec.state.message ?? "")"); return }
        #expect(sec.frame().lines().joined(separator: "\n").contains("Sign the assignment?"))
        sec.send(.key(.char("y")))
        #expect(sec.state.message?.contains("Assignment signed") == true, "\(sec.state.message ?? "")")
        #expect(Harness.records(fx.store, "sec").count == before + 1)
        // What the UI signed is what `assign` would: only the recused pair moved, verify recomputes it.
        let t2 = try fx.table()
        for (d, e) in t where d != mech[2] { #expect(t2[d]?.members == e.members) }
        #expect(!t2[mech[2]]!.members.contains(leaving) && t2[mech[2]]!.members.count == 3)
        let v = try fx.verify()
        #expect(v.status == 0, "\(v.problems)")
        screen = sec.frame().lines().joined(separator: "\n")
        #expect(screen.contains("nothing to re-assign"), "\(screen)")
        // Nothing more to sign: `a` says so and signs nothing.
        sec.send(.key(.char("a")))
        #expect(sec.state.modal == nil && Harness.records(fx.store, "sec").count == before + 1)
        r = try fx.assign()
        #expect(r.status == 0 && Harness.records(fx.store, "sec").count == before + 1, "\(r.stdout)")
    }
}

/// The round dimension (issue 13): `stats` and the chair's board show the open round; in round
/// 1 by groups each group's stability is at its shortlist line; once the shortlists are
/// signed, round 2's board counts the committee on the shortlisted dossiers by group.
@Suite struct GroupFairnessRoundsTests {
    @Test func theBoardAndTheStatisticsFollowTheOpenRound() throws {
        let rf = try RoundsFixture()
        // Round 1: the lines are the apportioned shortlist sizes (1.5 × 5 = 8: 3 / 2 / 3).
        var r = try Harness.pingshen(["stats", rf.store, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        var groups = try #require(try Harness.json(r.stdout)["groups"] as? [[String: Any]])
        #expect(groups.map { $0["group"] as? String } == ["mech", "weld", "elec"])
        #expect(groups.map { $0["line"] as? Int } == [3, 2, 3], "\(groups.map { $0["line"] ?? "?" })")
        #expect(groups.map { $0["sheets"] as? Int } == [30, 30, 30])
        func board() throws -> String {
            let c = AppController(backend: try SessionBackend(session: try ReviewSession(root: rf.store), member: "chair", signer: nil),
                                  lang: .en, size: (120, 40))
            c.send(.key(.char("p")))
            return c.frame().lines().joined(separator: "\n")
        }
        var screen = try board()
        #expect(screen.contains("Round 1 (first round) · Group mech") && screen.contains("30/30 100%"), "\(screen)")
        #expect(screen.contains("Stability at the group's shortlist line of 3"), "\(screen)")
        // Round 2: the committee (9 members and the chair) on the 8 shortlisted, by group.
        try rf.shortlistRoundOne()
        screen = try board()
        #expect(screen.contains("Round 2 (final round) · Group mech: 3 dossiers, signed 0/30"), "\(screen)")
        #expect(screen.contains("0/20"), "weld's two dossiers: \(screen)")
        #expect(try rf.score("m9", "D01", total: 60, extra: ["--round", "2"]).status == 0)
        screen = try board()
        #expect(screen.contains("1/30"), "\(screen)")
        r = try Harness.pingshen(["stats", rf.store, "--format", "json"])
        groups = try #require(try Harness.json(r.stdout)["groups"] as? [[String: Any]])
        #expect(groups.map { $0["sheets"] as? Int } == [1, 0, 0] && groups.allSatisfy { $0["line"] is NSNull }, "\(groups)")
    }
}

extension GroupFairnessTests {
    /// Without an assignment every scoring member of a group is expected on each of its
    /// dossiers; a member removed from the roster is not (mech: 4 members left × 10).
    @Test func theBoardWithoutAnAssignmentLeavesRemovedMembersOut() throws {
        let fx = try GroupFixture()
        try fx.grouped()
        let r = try Harness.pingshen(["member", "remove", fx.store, "--as", "sec", "--key", fx.key("sec"), "--id", "m3", "--reason", "调离"])
        #expect(r.status == 0, "\(r.stderr)")
        let c = AppController(backend: try SessionBackend(session: try ReviewSession(root: fx.store), member: "chair", signer: nil), lang: .en, size: (120, 40))
        c.send(.key(.char("p")))
        let screen = c.frame().lines().joined(separator: "\n")
        #expect(screen.contains("0/40") && !screen.contains("(m3)"), "\(screen)")
    }
}
