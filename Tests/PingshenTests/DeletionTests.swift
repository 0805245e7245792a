import Foundation
import Testing
import Records

/// Issue 16, "Deletions verify does not see": before finalization, deleting a member's last
/// record, a whole member directory, or the chair's finalize record passed verify. Every record
/// now carries `seen` (member → highest seq its signer's session had seen), so removing a record
/// that a later record saw is a `missing-record` problem naming who saw it. What nobody has seen
/// yet (the newest records) one host cannot vouch for: the last test pins that limit down, as the
/// README says.
@Suite struct DeletionTests {
    static func verify(_ store: String) throws -> (Int32, [[String: String]]) {
        let r = try Harness.pingshen(["verify", store, "--format", "json"])
        let json = try Harness.json(r.stdout)
        let problems = (json["problems"] as? [[String: Any]] ?? []).map { $0.compactMapValues { $0 as? String } }
        return (r.status, problems)
    }

    static func remove(_ fx: Fixture, _ member: String, _ seq: Int) throws {
        let base = fx.store + "/" + RecordFileName.path(member: member, seq: seq)
        try FileManager.default.removeItem(atPath: base)
        try FileManager.default.removeItem(atPath: base + ".sig")
    }

    @Test func aMembersLastRecordThatAnotherSawIsMissed() throws {
        let fx = try Fixture.twoMembersScored()
        try Self.remove(fx, "m1", 2)
        let (status, problems) = try Self.verify(fx.store)
        #expect(status == 1)
        let p = problems.first { $0["kind"] == "missing-record" }
        #expect(p?["path"] == "records/m1/000/000002.json", "\(problems)")
        #expect(p?["message"]?.contains("records/m2/000/000001.json") == true, "\(problems)")
    }

    @Test func aWholeMemberDirectoryThatAnotherSawIsMissed() throws {
        let fx = try Fixture.twoMembersScored()
        try FileManager.default.removeItem(atPath: fx.store + "/records/m1")
        let (status, problems) = try Self.verify(fx.store)
        #expect(status == 1)
        #expect(problems.contains { $0["kind"] == "missing-record" && $0["path"] == "records/m1" && $0["message"]?.contains("records/m2/000/000001.json") == true },
                "\(problems)")
    }

    @Test func theChairsFinalizeThatALaterRecordSawIsMissed() throws {
        let fx = try Fixture(quota: 2)
        for m in ["m1", "m2", "m3"] {
            #expect(try fx.score(m, "D001", [20, 20, 20, 20]).status == 0)
            #expect(try fx.score(m, "D002", [15, 15, 15, 15]).status == 0)
            #expect(try fx.score(m, "D003", [10, 10, 10, 10]).status == 0)
        }
        try fx.signCheck()
        let fin = try fx.finalize()
        #expect(fin.status == 0, "\(fin.stderr)")
        #expect(try fx.publicise().status == 0)
        let objection = try Harness.pingshen(["objection", fx.store, "--as", "sec", "--dossier", "D001", "--text", "材料待核实",
                                              "--outcome", "pending", "--key", fx.key("sec")], env: ["PINGSHEN_NOW": Fixture.day(Fixture.noticeFrom + 1)])
        #expect(objection.status == 0, "\(objection.stderr)")
        #expect(try Self.verify(fx.store).0 == 0)
        let chair = Harness.records(fx.store, "chair")
        try Self.remove(fx, "chair", chair.count)
        let (status, problems) = try Self.verify(fx.store)
        #expect(status == 1)
        let p = problems.first { $0["kind"] == "missing-record" }
        #expect(p?["path"] == RecordFileName.path(member: "chair", seq: chair.count), "\(problems)")
        #expect(p?["message"]?.contains("records/sec/") == true, "\(problems)")
    }

    /// The limit of one host: a record nobody has seen yet can go without a trace here. (A hub
    /// that only grows, holding a copy, closes this gap.)
    @Test func theNewestRecordSeenByNobodyIsBeyondOneHost() throws {
        let fx = try Fixture.twoMembersScored()
        try Self.remove(fx, "m2", 1)
        let (status, problems) = try Self.verify(fx.store)
        #expect(status == 0 && problems.isEmpty, "\(problems)")
    }
}
