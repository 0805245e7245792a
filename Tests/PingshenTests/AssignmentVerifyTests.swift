import Foundation
import Testing
import Records
import Panel
import Review

/// Two weaknesses of verify's assignment checks (issue 13), each shown by a hostile store:
/// (a) a malformed score or recusal still counted in an uncached verify's assignment checks;
/// (b) an assignment made before a member's removal judged against today's roster.
@Suite struct AssignmentVerifyTests {
    /// Signs, with the secretary's key outside pingshen, a replacement of the assignment at
    /// `path` that drops one pair for `why`, computed exactly as verify recomputes it.
    static func forgeReplacement(_ fx: GroupFixture, of path: String, drop member: String, _ dossier: String, why: String) throws -> String {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: fx.store + "/" + path))
        let a = try #require(GroupingBody.assignment(try Record(bytes: bytes).body))
        let pair = MemberDossierPair(member, dossier)
        var kept = a.table
        kept[dossier] = (kept[dossier] ?? []).filter { $0 != member }
        let result = AssignmentPlan.compute(perDossier: a.perDossier, seed: a.seed, pool: a.pool, dossierGroup: a.dossierGroup,
                                            excluded: Set(a.excluded.map(\.pair)).union([pair]), kept: kept)
        let body = GroupingBody.assignmentBody(perDossier: a.perDossier, seed: a.seed, pool: a.pool, excluded: a.excluded,
                                               dropped: [(pair, why)], previous: Record.sha256Hex(bytes), dossierGroup: a.dossierGroup, result: result)
        return try Forge.record(fx.store, "sec", kind: .assignment, body: body, key: fx.key("sec"))
    }

    static func assigned(_ fx: GroupFixture) throws -> (path: String, table: [String: (group: String?, members: [String])]) {
        try fx.grouped()
        let r = try fx.assign(["--per-dossier", "3", "--seed", "5"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try Harness.json(try Harness.pingshen(["assignments", fx.store, "--format", "json"]).stdout)
        return (try #require(j["record"] as? String), try fx.table())
    }

    @Test func malformedScoresAndRecusalsDoNotCountInAnUncachedVerify() throws {
        let fx = try GroupFixture()
        let (a1, t) = try Self.assigned(fx)
        let holder = t["D01"]!.members[0]
        // A malformed recusal (reason is a number) by a member holding D01, and a replacement
        // that takes them off D01 "for their recusal": the reason does not hold.
        let recusal = try Forge.record(fx.store, holder, kind: .recusal, body: ["dossier": .string("D01"), "reason": .int(5)], key: fx.key(holder))
        let replacement = try Self.forgeReplacement(fx, of: a1, drop: holder, "D01", why: "recusal")
        // A malformed score (points not an object) by a member of mech the assignment does not
        // give D02: one problem, its shape, not also an unassigned sheet.
        let outsider = GroupFixture.groups["mech"]!.first { !t["D02"]!.members.contains($0) }!
        let score = try Forge.record(fx.store, outsider, kind: .score, body: ["dossier": .string("D02"), "points": .string("all")], key: fx.key(outsider))
        let layout = StoreLayout(fx.store)
        let cacheHome = fx.dir + "/cache-secret"
        let cached = try Verifier.verifyStore(layout: layout, threads: 2, language: .en, cacheSecret: cacheHome)
        let uncached = try Verifier.verifyStore(layout: layout, threads: 2, language: .en, cacheSecret: "/dev/null/no-cache/secret")
        for (name, report) in [("cached", cached), ("uncached", uncached)] {
            let at = { (p: String) in report.problems.filter { $0.path == p }.map(\.kind) }
            #expect(at(recusal) == ["malformed"], "\(name): \(report.problems)")
            #expect(at(score) == ["malformed"], "\(name): \(report.problems)")
            #expect(at(replacement).contains("assignment-rule"), "\(name): \(report.problems)")
        }
        #expect(Set(cached.problems.map { "\($0.path) \($0.kind)" }) == Set(uncached.problems.map { "\($0.path) \($0.kind)" }))
    }

    @Test func anAssignmentIsJudgedByTheRosterOfItsTime() throws {
        let fx = try GroupFixture()
        let (a1, t) = try Self.assigned(fx)
        // "removed" while the member is on the roster: a lie verify names ...
        let d = t.keys.sorted().first { t[$0]!.group == "weld" }!
        let member = t[d]!.members[0]
        let replacement = try Self.forgeReplacement(fx, of: a1, drop: member, d, why: "removed")
        var v = try fx.verify()
        #expect(v.problems.contains { $0["path"] as? String == replacement && $0["kind"] as? String == "assignment-rule" }, "\(v.problems)")
        // ... and still names once the member is removed later: the roster of its time decides.
        let r = try Harness.pingshen(["member", "remove", fx.store, "--as", "sec", "--key", fx.key("sec"), "--id", member, "--reason", "调离"])
        #expect(r.status == 0, "\(r.stderr)")
        v = try fx.verify()
        #expect(v.problems.contains { $0["path"] as? String == replacement && $0["kind"] as? String == "assignment-rule" }, "\(v.problems)")
    }
}
