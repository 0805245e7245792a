import Foundation
import Testing
import Records
import Panel
import Review

/// An adversarial pass over issue 13's trust surface (groups, assignments, rounds and
/// shortlists), with the real binary and records signed by real keys outside pingshen: each
/// forgery is one a member, the secretary or the chair could sign; verify must name it, and the
/// hub must refuse it with its reason.
@Suite struct TrustSurfaceAttackTests {
    /// dossier Dnn → the units kept apart in the fixture (its recommender).
    static func unitExclusions(pool: [String: [String]], dossierGroup: [String: String]) -> [(pair: MemberDossierPair, why: String)] {
        var out: [(pair: MemberDossierPair, why: String)] = []
        for (d, g) in dossierGroup {
            guard let i = Int(d.dropFirst()) else { continue }
            for m in pool[g] ?? [] where GroupFixture.unit(m) == GroupFixture.recommender(i) { out.append((MemberDossierPair(m, d), "unit")) }
        }
        return out
    }

    static func fixtureGroups() -> [String: String] {
        var dg: [String: String] = [:]
        for i in 1...30 { dg[String(format: "D%02d", i)] = GroupFixture.group(of: i) }
        return dg
    }

    static func has(_ v: (status: Int32, problems: [[String: Any]]), _ path: String, _ kind: String, _ says: String = "") -> Bool {
        v.problems.contains { $0["path"] as? String == path && $0["kind"] as? String == kind && (says.isEmpty || ($0["message"] as? String ?? "").contains(says)) }
    }

    /// Signed by the wrong role: an assignment, a group and a dossier-group by a member, by the
    /// chair, and by a secretary after their removal: each a problem at its path, never counted.
    @Test func groupingRecordsByTheWrongSignerAreRefused() throws {
        let fx = try GroupFixture()
        try fx.grouped()
        #expect(try fx.assign(["--per-dossier", "3", "--seed", "7"]).status == 0)
        let good = try Record(bytes: Data(contentsOf: URL(fileURLWithPath: Harness.records(fx.store, "sec").last!))).body
        #expect(good["assignments"] != nil)
        let group: [String: JSONValue] = ["group": .string("mech"), "name": .string("机械"), "fields": .array([.string("数控")]),
                                          "members": .array([.string("m1"), .string("m2"), .string("m3")])]
        let move: [String: JSONValue] = ["groups": .object(["D01": .string("weld")]), "reason": .string("x")]
        for signer in ["m1", "chair"] {
            for (kind, body) in [(RecordKind.assignment, good), (.group, group), (.dossierGroup, move)] {
                let path = try Forge.record(fx.store, signer, kind: kind, body: body, key: fx.key(signer))
                let v = try fx.verify()
                #expect(v.status == 1 && v.problems.contains { $0["path"] as? String == path && ($0["message"] as? String ?? "").contains("role") },
                        "\(signer) \(kind): \(v.problems)")
                // Not counted: m1's table is the secretary's.
                #expect(try fx.table()["D01"]?.group == "mech")
                try FileManager.default.removeItem(atPath: fx.store + "/" + path)
                try FileManager.default.removeItem(atPath: fx.store + "/" + path + ".sig")
            }
        }
        #expect(try fx.verify().status == 0)
        // A second secretary, removed; an assignment signed with their key afterwards.
        try Harness.sshKeygen(fx.keys + "/sec2", comment: "sec2")
        var r = try fx.sec(["member", "add", "--id", "sec2", "--name", "秘书2", "--role", "secretary", "--pubkey", fx.keys + "/sec2.pub"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try fx.sec(["member", "remove", "--id", "sec2", "--reason", "调离"])
        #expect(r.status == 0, "\(r.stderr)")
        let late = try Forge.record(fx.store, "sec2", kind: .assignment, body: good, key: fx.keys + "/sec2")
        let v = try fx.verify()
        #expect(v.status == 1 && v.problems.contains { $0["path"] as? String == late }, "\(v.problems)")
        #expect(!v.problems.contains { $0["kind"] as? String == "assignment-conflict" }, "a refused assignment counted: \(v.problems)")
    }

    /// An assignment consistent with its seed, whose pool holds a member who cannot score (a
    /// member removed before it, the secretary named in a group record): the recount agrees, but
    /// `assign` never pools them, and dossiers given to them go unreviewed. verify names it.
    @Test func anAssignmentPoolingSomeoneWhoCannotScoreIsNamed() throws {
        let fx = try GroupFixture()
        try fx.grouped()
        var r = try fx.sec(["member", "remove", "--id", "m5", "--reason", "调离"])
        #expect(r.status == 0, "\(r.stderr)")
        let dg = Self.fixtureGroups()
        let pool = GroupFixture.groups   // m5 still in mech and weld, as the group records say
        let excluded = Self.unitExclusions(pool: pool, dossierGroup: dg)
        let result = AssignmentPlan.compute(perDossier: 3, seed: 9, pool: pool, dossierGroup: dg, excluded: Set(excluded.map(\.pair)), kept: [:])
        #expect(result.table.values.contains { $0.contains("m5") })
        let body = GroupingBody.assignmentBody(perDossier: 3, seed: 9, pool: pool, excluded: excluded, dropped: [], previous: nil, dossierGroup: dg, result: result)
        let path = try Forge.record(fx.store, "sec", kind: .assignment, body: body, key: fx.key("sec"))
        var v = try fx.verify()
        #expect(!v.problems.contains { $0["kind"] as? String == "assignment-mismatch" }, "\(v.problems)")
        #expect(Self.has(v, path, "assignment-input", "m5"), "\(v.problems)")
        try FileManager.default.removeItem(atPath: fx.store + "/" + path)
        try FileManager.default.removeItem(atPath: fx.store + "/" + path + ".sig")
        #expect(try fx.verify().status == 0)
        // The secretary put in mech by a group record (on the roster, so the record passes).
        r = try fx.sec(["group", "add", "--id", "mech", "--members", "m1,m2,m3,m4,sec"])
        let pool2 = GroupFixture.groups.merging(["mech": ["m1", "m2", "m3", "m4", "sec"], "weld": ["m4", "m6", "m7", "m8"]]) { _, b in b }
        if r.status != 0 {
            // Refused by the command: sign it outside pingshen.
            _ = try Forge.record(fx.store, "sec", kind: .group, body: ["group": .string("mech"), "name": .string("机械组"), "fields": .array([.string("数控")]),
                                                                       "members": .array(pool2["mech"]!.map { .string($0) })], key: fx.key("sec"))
        }
        r = try fx.sec(["group", "add", "--id", "weld", "--members", "m4,m6,m7,m8"])
        #expect(r.status == 0, "\(r.stderr)")
        var ex2 = Self.unitExclusions(pool: pool2, dossierGroup: dg)
        for (d, g) in dg where g == "mech" && GroupFixture.recommender(Int(d.dropFirst())!) == "市总工会" { ex2.append((MemberDossierPair("sec", d), "unit")) }
        let result2 = AssignmentPlan.compute(perDossier: 3, seed: 9, pool: pool2, dossierGroup: dg, excluded: Set(ex2.map(\.pair)), kept: [:])
        #expect(result2.table.values.contains { $0.contains("sec") })
        let body2 = GroupingBody.assignmentBody(perDossier: 3, seed: 9, pool: pool2, excluded: ex2, dropped: [], previous: nil, dossierGroup: dg, result: result2)
        let path2 = try Forge.record(fx.store, "sec", kind: .assignment, body: body2, key: fx.key("sec"))
        v = try fx.verify()
        #expect(Self.has(v, path2, "assignment-input", "sec"), "\(v.problems)")
        // The honest command pools only those who score.
        try FileManager.default.removeItem(atPath: fx.store + "/" + path2)
        try FileManager.default.removeItem(atPath: fx.store + "/" + path2 + ".sig")
        r = try fx.assign(["--per-dossier", "3", "--seed", "9"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try fx.table().values.allSatisfy { !$0.members.contains("sec") && !$0.members.contains("m5") })
    }

    /// A replacement that takes a member off a dossier they have already scored (they were moved
    /// out of the group by a group record): `assign` keeps every scored pair, so this one takes a
    /// counted sheet away. verify names the assignment, not only the member's sheet.
    @Test func aReplacementTakingAScoredDossierAwayIsNamed() throws {
        let fx = try GroupFixture()
        try fx.grouped()
        #expect(try fx.assign(["--per-dossier", "3", "--seed", "5"]).status == 0)
        let firstPath = try #require(Harness.records(fx.store, "sec").last)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: firstPath))
        let a = try #require(GroupingBody.assignment(try Record(bytes: bytes).body))
        let d = "D01"
        let holder = try #require(a.table[d]?.first)
        #expect(try fx.score(holder, d).status == 0)
        // holder leaves mech (signed, honest).
        let rest = GroupFixture.groups["mech"]!.filter { $0 != holder }
        var r = try fx.sec(["group", "add", "--id", "mech", "--members", rest.joined(separator: ",")])
        #expect(r.status == 0, "\(r.stderr)")
        // The forged replacement: every mech pair of holder off, the scored one too.
        var pool = a.pool
        pool["mech"] = rest
        var dropped: [(pair: MemberDossierPair, why: String)] = []
        for (dd, ms) in a.table where a.dossierGroup[dd] == "mech" && ms.contains(holder) { dropped.append((MemberDossierPair(holder, dd), "not-in-group")) }
        let droppedSet = Set(dropped.map(\.pair))
        var kept: [String: [String]] = [:]
        for (dd, ms) in a.table { kept[dd] = ms.filter { !droppedSet.contains(MemberDossierPair($0, dd)) } }
        let excluded = a.excluded.filter { pool[a.dossierGroup[$0.pair.dossier] ?? ""]?.contains($0.pair.member) ?? false }
        let result = AssignmentPlan.compute(perDossier: a.perDossier, seed: a.seed, pool: pool, dossierGroup: a.dossierGroup,
                                            excluded: Set(excluded.map(\.pair)).union(droppedSet), kept: kept)
        let body = GroupingBody.assignmentBody(perDossier: a.perDossier, seed: a.seed, pool: pool, excluded: excluded, dropped: dropped,
                                               previous: Record.sha256Hex(bytes), dossierGroup: a.dossierGroup, result: result)
        let path = try Forge.record(fx.store, "sec", kind: .assignment, body: body, key: fx.key("sec"))
        let v = try fx.verify()
        #expect(!v.problems.contains { $0["path"] as? String == path && $0["kind"] as? String == "assignment-mismatch" }, "\(v.problems)")
        #expect(Self.has(v, path, "assignment-rule", holder), "\(v.problems)")
        // The honest replacement keeps the scored pair and passes.
        try FileManager.default.removeItem(atPath: fx.store + "/" + path)
        try FileManager.default.removeItem(atPath: fx.store + "/" + path + ".sig")
        r = try fx.assign()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try fx.table()[d]?.members.contains(holder) == true)
        let after = try fx.verify()
        #expect(after.status == 0, "\(after.problems)")
    }

    /// A replacement that forgets a declared conflict of the assignment it replaces, and hands
    /// the pair out (a seed chosen to do so, recomputing exactly): verify names the conflict.
    @Test func aReplacementForgettingADeclaredConflictIsNamed() throws {
        let fx = try GroupFixture()
        try fx.grouped()
        var r = try fx.assign(["--per-dossier", "3", "--seed", "11", "--conflict", "m3=D01"])
        #expect(r.status == 0, "\(r.stderr)")
        let firstPath = try #require(Harness.records(fx.store, "sec").last)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: firstPath))
        let a = try #require(GroupingBody.assignment(try Record(bytes: bytes).body))
        #expect(a.excluded.contains { $0.pair == MemberDossierPair("m3", "D01") && $0.why == "conflict" })
        let leaving = try #require(a.table["D01"]?.first)
        r = try Harness.pingshen(["recuse", fx.store, "--as", leaving, "--dossier", "D01", "--reason", "师徒关系", "--key", fx.key(leaving)])
        #expect(r.status == 0, "\(r.stderr)")
        let pair = MemberDossierPair(leaving, "D01")
        var excluded = a.excluded.filter { $0.pair != MemberDossierPair("m3", "D01") }
        excluded.append((pair, "recusal"))
        var kept = a.table
        kept["D01"] = (kept["D01"] ?? []).filter { $0 != leaving }
        var found: (UInt64, AssignmentPlan.Result)?
        for seed in UInt64(0)..<500 {
            let res = AssignmentPlan.compute(perDossier: 3, seed: seed, pool: a.pool, dossierGroup: a.dossierGroup,
                                             excluded: Set(excluded.map(\.pair)), kept: kept)
            if res.table["D01"]?.contains("m3") == true { found = (seed, res); break }
        }
        let (seed, result) = try #require(found)
        let body = GroupingBody.assignmentBody(perDossier: 3, seed: seed, pool: a.pool, excluded: excluded, dropped: [(pair, "recusal")],
                                               previous: Record.sha256Hex(bytes), dossierGroup: a.dossierGroup, result: result)
        let path = try Forge.record(fx.store, "sec", kind: .assignment, body: body, key: fx.key("sec"))
        let v = try fx.verify()
        #expect(!v.problems.contains { $0["kind"] as? String == "assignment-mismatch" }, "\(v.problems)")
        #expect(Self.has(v, path, "assignment-rule", "m3"), "\(v.problems)")
        // The honest replacement keeps it apart and passes.
        try FileManager.default.removeItem(atPath: fx.store + "/" + path)
        try FileManager.default.removeItem(atPath: fx.store + "/" + path + ".sig")
        r = try fx.assign()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try fx.table()["D01"]?.members.contains("m3") == false)
        #expect(try fx.verify().status == 0)
    }

    /// Shortlists for a list that is not theirs: the chair's key signs a round-1 shortlist for a
    /// group nobody defines, ranking two mech dossiers below mech's line (recounting exactly
    /// from their sheets), so that they reach round 2; and one for weld that ranks a mech
    /// dossier with weld's. verify names each; round 2 does not open on them.
    @Test func aShortlistRankingDossiersOfAnotherListIsNamed() throws {
        let rf = try RoundsFixture(shortlist: "{per_group: 2}")
        let asg = try rf.assignmentSHA()
        func row(_ rank: Int, _ d: Int, _ st: String) -> JSONValue {
            .object(["rank": .int(Int64(rank)), "dossier": .string(String(format: "D%02d", d)), "exact": .string(String(100 - 3 * (d - 1))), "status": .string(st)])
        }
        var ghost = try RoundsFixture.forgedWeldShortlist(rf.store, assignment: asg)
        ghost["group"] = .string("ghost")
        ghost["nominations"] = .int(2)
        ghost["ranking"] = .array([row(1, 3, "selected"), row(2, 4, "selected")])
        ghost["shortlist"] = .array([.string("D03"), .string("D04")])
        let path = try Forge.record(rf.store, "chair", kind: .shortlist, body: ghost, key: rf.fx.key("chair"))
        var v = try rf.fx.verify()
        #expect(v.status == 1 && v.problems.contains { $0["path"] as? String == path && ($0["message"] as? String ?? "").contains("D03") }, "\(v.problems)")
        try FileManager.default.removeItem(atPath: rf.store + "/" + path)
        try FileManager.default.removeItem(atPath: rf.store + "/" + path + ".sig")
        // mech's list with D11 (weld's, 70) ranked below mech's ten: a dossier of another list.
        var mech = try RoundsFixture.forgedWeldShortlist(rf.store, assignment: asg)
        mech["group"] = .string("mech")
        mech["nominations"] = .int(11)
        mech["ranking"] = .array((1...11).map { row($0, $0, $0 <= 2 ? "selected" : "not-selected") })
        mech["shortlist"] = .array([.string("D01"), .string("D02")])
        let mpath = try Forge.record(rf.store, "chair", kind: .shortlist, body: mech, key: rf.fx.key("chair"))
        v = try rf.fx.verify()
        #expect(v.status == 1 && v.problems.contains { $0["path"] as? String == mpath && ($0["message"] as? String ?? "").contains("D11") }, "\(v.problems)")
    }

    /// Sheets and shortlists for rounds that are not open or do not exist, and two shortlists
    /// of one list: each named; the hub refuses them with the reason.
    @Test func outOfTurnRoundRecordsAndAForgedAssignmentAtTheHub() throws {
        let fx = try GroupFixture()
        #expect(try fx.amendProgram(GroupFixture.roundsYAML(shortlist: "{per_group: 2}")).status == 0)
        try fx.grouped()
        #expect(try fx.assign(["--per-dossier", "3", "--seed", "42"]).status == 0)
        let pts: JSONValue = .object(["craft": .int(20), "skill": .int(20), "leadership": .int(20), "contribution": .int(20)])
        let m = try #require(try fx.table()["D01"]?.members.first)
        // A round-2 sheet before any round-1 shortlist: round 2 is not open.
        let early = try Forge.record(fx.store, m, kind: .score, body: ["dossier": .string("D01"), "points": pts, "round": .int(2)], key: fx.key(m))
        var v = try fx.verify()
        #expect(Self.has(v, early, "round-rule"), "\(v.problems)")
        try FileManager.default.removeItem(atPath: fx.store + "/" + early)
        try FileManager.default.removeItem(atPath: fx.store + "/" + early + ".sig")
        // Round numbers nobody defines, on a sheet: each a problem, never a trap.
        for round: JSONValue in [.int(0), .int(-1), .int(Int64.max), .int(Int64.min), .string("1"), .array([]), .object([:])] {
            let p = try Forge.record(fx.store, m, kind: .score, body: ["dossier": .string("D01"), "points": pts, "round": round], key: fx.key(m))
            v = try fx.verify()
            #expect(v.status == 1 && v.problems.contains { $0["path"] as? String == p }, "\(round): \(v.problems)")
            let rank = try Harness.pingshen(["rank", fx.store, "--format", "json"])
            #expect(rank.reason == .exit, "rank trapped on round \(round)")
            try FileManager.default.removeItem(atPath: fx.store + "/" + p)
            try FileManager.default.removeItem(atPath: fx.store + "/" + p + ".sig")
        }
        #expect(try fx.verify().status == 0)

        // The hub: a forged assignment (two dossiers' members swapped, signed by the secretary's
        // key) and a group record naming someone not on the roster are refused with the reason.
        #expect(try Harness.pingshen(["git", "enable", fx.store]).status == 0)
        let fp = try Harness.json(Harness.pingshen(["verify", fx.store, "--format", "json"]).stdout)["fingerprint"] as? String ?? ""
        let hub = fx.dir + "/hub.git", evil = fx.dir + "/evil"
        var r = try Harness.pingshen(["hub", "init", hub, "--store-fingerprint", fp])
        #expect(r.status == 0, "\(r.stderr)")
        r = try Harness.pingshen(["sync", fx.store, hub, "--as", "sec", "--key", fx.key("sec")])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", hub, evil]).status == 0)
        #expect(try Harness.pingshen(["git", "enable", evil]).status == 0)
        let last = try #require(Harness.records(evil, "sec").last { (try? String(contentsOfFile: $0, encoding: .utf8))?.contains("\"assignments\"") == true })
        let lastBytes = try Data(contentsOf: URL(fileURLWithPath: last))
        var body = try Record(bytes: lastBytes).body
        var items = try #require(body["assignments"]?.array)
        var a = try #require(items[0].object), b = try #require(items[1].object)
        (a["members"], b["members"]) = (b["members"], a["members"])
        items[0] = .object(a); items[1] = .object(b)
        body["assignments"] = .array(items)
        body["previous"] = .string(Record.sha256Hex(lastBytes))
        body["dropped"] = .array([])
        let forged = try Forge.record(evil, "sec", kind: .assignment, body: body, key: fx.key("sec"))
        let hubTip = try GitCLI.out(hub, ["rev-parse", "main"])
        func push(_ what: String, _ signer: String) throws -> Harness.Result {
            #expect(try GitCLI.run(evil, ["add", "-A", "."]).status == 0)
            #expect(try GitCLI.run(evil, ["commit", "-q", "-m", what]).status == 0)
            return try GitCLI.signedPush(evil, key: fx.key(signer), [hub, "HEAD:main"])
        }
        r = try push("forged assignment", "sec")
        #expect(r.status != 0 && r.stderr.contains("\(forged): assignment-mismatch"), "hub: \(r.stderr)")
        #expect(try GitCLI.out(hub, ["rev-parse", "main"]) == hubTip, "the hub moved")
        #expect(try GitCLI.run(evil, ["reset", "-q", "--hard", hubTip]).status == 0)
        let ghost = try Forge.record(evil, "sec", kind: .group, body: ["group": .string("mech"), "name": .string("机械组"), "fields": .array([.string("数控")]),
                                                                        "members": .array([.string("m1"), .string("ghost")])], key: fx.key("sec"))
        r = try push("ghost member", "sec")
        #expect(r.status != 0 && r.stderr.contains(ghost) && r.stderr.contains("ghost"), "hub: \(r.stderr)")
        #expect(try GitCLI.out(hub, ["rev-parse", "main"]) == hubTip, "the hub moved")
    }

    /// Hostile sizes and bytes in group records: a name with control characters is shown
    /// escaped, never sent to the terminal raw; a 10 MB field is refused by its size, unread; a
    /// member list of 20,000 ids is a rule violation naming the first stranger, quickly.
    @Test func hostileGroupRecordBytes() throws {
        let fx = try GroupFixture()
        try fx.grouped()
        let members: [JSONValue] = ["m1", "m2", "m3"].map { .string($0) }
        // Control characters in the name (an escape sequence that clears the screen).
        let evil = "机械\u{1b}[2J\u{07}组"
        var path = try Forge.record(fx.store, "sec", kind: .group, body: ["group": .string("mech"), "name": .string(evil), "fields": .array([.string("数控\u{1b}]0;x\u{07}")]),
                                                                          "members": .array(members)], key: fx.key("sec"))
        for args in [["group", "list", fx.store], ["assignments", fx.store], ["verify", fx.store], ["rank", fx.store]] {
            let r = try Harness.pingshen(args)
            #expect(r.reason == .exit, "\(args) trapped")
            #expect(!r.stdout.contains("\u{1b}") && !r.stderr.contains("\u{1b}"), "\(args) printed an escape: \(r.stdout.debugDescription)")
        }
        try FileManager.default.removeItem(atPath: fx.store + "/" + path)
        try FileManager.default.removeItem(atPath: fx.store + "/" + path + ".sig")
        // 10 MB in an unknown field.
        path = try Forge.record(fx.store, "sec", kind: .group, body: ["group": .string("mech"), "name": .string("机械组"), "fields": .array([.string("数控")]),
                                                                      "members": .array(members), "pad": .string(String(repeating: "x", count: 10 << 20))], key: fx.key("sec"))
        var v = try fx.verify()
        #expect(v.status == 1 && v.problems.contains { $0["path"] as? String == path }, "\(v.problems.prefix(3))")
        try FileManager.default.removeItem(atPath: fx.store + "/" + path)
        try FileManager.default.removeItem(atPath: fx.store + "/" + path + ".sig")
        // 20,000 members, none on the roster but the first.
        let many: [JSONValue] = [.string("m1")] + (1...20_000).map { .string("x\($0)") }
        path = try Forge.record(fx.store, "sec", kind: .group, body: ["group": .string("mech"), "name": .string("机械组"), "fields": .array([.string("数控")]),
                                                                      "members": .array(many)], key: fx.key("sec"))
        v = try fx.verify()
        #expect(Self.has(v, path, "rule-violation", "x1"), "\(v.problems)")
        try FileManager.default.removeItem(atPath: fx.store + "/" + path)
        try FileManager.default.removeItem(atPath: fx.store + "/" + path + ".sig")
        // A dossier-group for 10,000 dossiers that do not exist.
        var o: [String: JSONValue] = [:]
        for i in 1...10_000 { o[String(format: "X%05d", i)] = .string("mech") }
        path = try Forge.record(fx.store, "sec", kind: .dossierGroup, body: ["groups": .object(o)], key: fx.key("sec"))
        v = try fx.verify()
        #expect(Self.has(v, path, "rule-violation", "X00001"), "\(v.problems)")
    }
}
