import Foundation
import Testing
import Records

/// Issue 13: the independent recount (scripts/recount.py, no project code) replays every
/// assignment from the records it was signed on — the group and dossier-group records it had
/// seen, the roster's units, the dossier files, the recusals and sheets it had seen — by SplitMix64,
/// Fisher–Yates and the balancing as README describes them, and must say exactly what
/// `pingshen assignments` says; then the ranking, with sheets outside the assignment not counted.
/// The store: 3 groups, 9 members in overlapping groups, 30 dossiers, K = 3, a declared conflict,
/// a recusal, a removal and a member leaving a group, each re-assigned.
@Suite struct RecountGroupsTests {
    static func recount(_ args: [String]) throws -> (status: Int32, json: [String: Any], stderr: String) {
        let r = try Harness.run("/usr/bin/env", ["python3", RecountStoreTests.script] + args)
        return (r.status, (try? Harness.json(r.stdout)) ?? [:], r.stderr)
    }

    /// `pingshen assignments --format json` and the recount's replay, compared key by key.
    static func agree(_ fx: GroupFixture, _ note: String) throws -> [String: Any] {
        let mine = try Harness.pingshen(["assignments", fx.store, "--format", "json"])
        #expect(mine.status == 0, "\(note): assignments: \(mine.stderr)")
        let theirs = try recount(["--assignments", fx.store])
        #expect(theirs.status == 0 && (theirs.json["problems"] as? [Any])?.isEmpty == true, "\(note): \(theirs.stderr)")
        let m = try Harness.json(mine.stdout)
        for key in ["assignments", "record", "seed", "per_dossier"] {
            #expect((m[key] as? NSObject) == (theirs.json[key] as? NSObject), "\(note): \(key)\npingshen: \(m[key] ?? "-")\nrecount.py: \(theirs.json[key] ?? "-")")
        }
        return m
    }

    static func members(_ j: [String: Any]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for e in j["assignments"] as? [[String: Any]] ?? [] { out[e["dossier"] as! String] = e["members"] as? [String] ?? [] }
        return out
    }

    @Test func theRecountReplaysEveryAssignmentAndTheRanking() throws {
        let fx = try GroupFixture()
        try fx.grouped()
        var r = try fx.assign(["--per-dossier", "3", "--seed", "2026", "--conflict", "m1=D03"])
        #expect(r.status == 0, "assign: \(r.stderr)")
        let first = Self.members(try Self.agree(fx, "first assignment"))
        // The control: the assignment the recount reproduced is the one the tests describe
        // (loads within one, the conflict and the units kept apart).
        var load: [String: Int] = [:]
        for ms in first.values { for m in ms { load[m, default: 0] += 1 } }
        #expect(load.count == 9 && load.values.max()! - load.values.min()! <= 1, "\(load)")
        #expect(!(first["D03"] ?? []).contains("m1"))
        #expect(try Harness.pingshen(["eligibility", fx.store, "--as", "sec", "--key", fx.key("sec"), "--all"]).status == 0)

        // Some sheets, then a recusal from an open pair, a removal, a member leaving weld.
        let ids = GroupFixture.dossierIDs()
        for d in ids.prefix(12) { #expect(try fx.score(first[d]![0], d, 15 + Int(d.dropFirst())! % 10).status == 0) }
        let recuser = first["D20"]![1]
        r = try Harness.pingshen(["recuse", fx.store, "--as", recuser, "--dossier", "D20", "--reason", "师徒关系", "--key", fx.key(recuser)])
        #expect(r.status == 0, "recuse: \(r.stderr)")
        r = try Harness.pingshen(["member", "remove", fx.store, "--as", "sec", "--key", fx.key("sec"), "--id", "m9", "--reason", "调离"])
        #expect(r.status == 0, "remove: \(r.stderr)")
        r = try fx.sec(["group", "add", "--id", "weld", "--members", "m4,m5,m6,m7"])
        #expect(r.status == 0, "group add: \(r.stderr)")
        r = try fx.assign()
        #expect(r.status == 0, "replacement: \(r.stderr)")
        #expect(r.stdout.contains("(recusal)") && r.stdout.contains("(removed)") && r.stdout.contains("(not-in-group)"), "\(r.stdout)")
        let second = Self.members(try Self.agree(fx, "replacement"))
        #expect(second != first)

        // Everyone scores what they hold (ties at the quota line from the coarse grid).
        for d in ids {
            for m in second[d] ?? [] where !(ids.prefix(12).contains(d) && m == first[d]![0]) {
                #expect(try fx.score(m, d, 15 + Int(d.dropFirst())! % 10).status == 0, "\(m) \(d)")
            }
        }
        let rank = try Harness.pingshen(["rank", fx.store, "--format", "json"])
        #expect(rank.status == 0, "rank: \(rank.stderr)")
        let py = try Self.recount(["--store", fx.store])
        #expect(py.status == 0, "\(py.stderr)")
        let rj = try Harness.json(rank.stdout)
        #expect((rj as NSDictionary) == (py.json as NSDictionary), "rank:\n\(rj)\nrecount.py:\n\(py.json)")
        #expect((rj["entries"] as? [[String: Any]] ?? []).allSatisfy { $0["sheets"] as? Int == 3 }, "\(rj)")

        // A sheet outside the assignment (signed by hand with the member's key): counted by
        // neither.
        let outsider = try #require(["m4", "m5", "m6", "m7"].first { !(second["D15"] ?? []).contains($0) && GroupFixture.unit($0) != GroupFixture.recommender(15) })
        try Forge.record(fx.store, outsider, kind: .score, body: [
            "dossier": .string("D15"), "points": .object(["craft": .int(25), "skill": .int(25), "leadership": .int(25), "contribution": .int(25)]),
        ], key: fx.key(outsider))
        let after = try Harness.json(try Harness.pingshen(["rank", fx.store, "--format", "json"]).stdout)
        let pyAfter = try Self.recount(["--store", fx.store]).json
        #expect((after["entries"] as? NSArray) == (pyAfter["entries"] as? NSArray) && (after["entries"] as? NSArray) == (rj["entries"] as? NSArray))
    }

    /// Assignments signed with the secretary's key but not what their inputs give: the recount
    /// names each (exit 1), as verify does.
    @Test func theRecountCatchesForgedAssignments() throws {
        // A favour: two dossiers' members swapped in a replacement.
        let fx = try GroupFixture()
        try fx.grouped()
        #expect(try fx.assign(["--per-dossier", "3", "--seed", "11"]).status == 0)
        let last = try #require(Harness.records(fx.store, "sec").last)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: last))
        var body = try Record(bytes: bytes).body
        var items = try #require(body["assignments"]?.array)
        var a = try #require(items[0].object), b = try #require(items[1].object)
        let swapped = a["members"]
        a["members"] = b["members"]; b["members"] = swapped
        items[0] = .object(a); items[1] = .object(b)
        body["assignments"] = .array(items)
        body["previous"] = .string(Record.sha256Hex(bytes))
        let forged = try Forge.record(fx.store, "sec", kind: .assignment, body: body, key: fx.key("sec"))
        var r = try Self.recount(["--assignments", fx.store])
        #expect(r.status == 1 && r.stderr.contains("\(forged): D01 is signed as"), "\(r.stderr)")
        let v = try fx.verify()
        #expect(v.problems.contains { $0["kind"] as? String == "assignment-mismatch" }, "\(v.problems)")

        // A first assignment computed consistently from inputs that hide a same-unit pair (its
        // excluded list left empty): recomputing from the body alone would not see it.
        let fy = try GroupFixture()
        try fy.grouped()
        var dg: [String: String] = [:]
        for i in 1...30 { dg[String(format: "D%02d", i)] = GroupFixture.group(of: i) }
        let result = AssignmentPlan.compute(perDossier: 5, seed: 1, pool: GroupFixture.groups, dossierGroup: dg, excluded: [], kept: [:])
        #expect(result.table["D02"]!.contains("m4"))  // D02 is recommended by 单位4, m4's unit
        let hidden = GroupingBody.assignmentBody(perDossier: 5, seed: 1, pool: GroupFixture.groups, excluded: [], dropped: [], previous: nil,
                                                 dossierGroup: dg, result: result)
        let path = try Forge.record(fy.store, "sec", kind: .assignment, body: hidden, key: fy.key("sec"))
        r = try Self.recount(["--assignments", fy.store])
        #expect(r.status == 1 && r.stderr.contains("\(path): the pairs it keeps apart are not those"), "\(r.stderr)")

        // A pool that leaves out a member of the group record it had seen.
        var pool = GroupFixture.groups
        pool["mech"] = ["m1", "m2", "m3", "m5"]
        let fz = try GroupFixture()
        try fz.grouped()
        let narrowed = AssignmentPlan.compute(perDossier: 3, seed: 1, pool: pool, dossierGroup: dg, excluded: [], kept: [:])
        let narrowBody = GroupingBody.assignmentBody(perDossier: 3, seed: 1, pool: pool, excluded: [], dropped: [], previous: nil,
                                                     dossierGroup: dg, result: narrowed)
        let p2 = try Forge.record(fz.store, "sec", kind: .assignment, body: narrowBody, key: fz.key("sec"))
        r = try Self.recount(["--assignments", fz.store])
        #expect(r.status == 1 && r.stderr.contains("\(p2): its pool is not the members"), "\(r.stderr)")
    }
}
