import Foundation
import Testing
import Records

/// Issue 16, "time and order": decisions are ordered by their signer's chain, never by the
/// `created` the signer chose; a `created` far outside the programme's years is reported.
@Suite struct ChainOrderTests {
    static func scored() throws -> Fixture {
        let fx = try Fixture(quota: 2)
        for m in ["m1", "m2", "m3"] {
            for (d, p) in [("D001", 24), ("D002", 20), ("D003", 15)] {
                #expect(try fx.score(m, d, [p, p, p, p]).status == 0)
            }
        }
        return fx
    }

    /// The dossier's current version (the SHA-256 its intake pins): a decision counts only
    /// on it (issue 12).
    static func version(_ fx: Fixture, _ dossier: String) throws -> String {
        try Record.sha256Hex(Data(contentsOf: URL(fileURLWithPath: fx.store + "/dossiers/" + dossier + ".yaml")))
    }

    static func entries(_ fx: Fixture) throws -> [String: [String: Any]] {
        let rank = try Harness.pingshen(["rank", fx.store, "--format", "json"])
        let list = try Harness.json(rank.stdout)["entries"] as! [[String: Any]]
        return Dictionary(uniqueKeysWithValues: list.map { ($0["dossier"] as! String, $0) })
    }

    @Test func theLaterDecisionInTheChainWinsWhateverItsDate() throws {
        let fx = try Self.scored()
        // seq 1 says ineligible and claims a later date; seq 2, later in the chain, says eligible.
        try HandSigned.append(fx, "sec", kind: "eligibility", body: ["dossier": .string("D001"), "result": .string("ineligible"), "reasons": .array([]), "dossier_sha256": .string(try Self.version(fx, "D001"))],
                              created: "2026-11-30T09:00:00Z")
        try HandSigned.append(fx, "sec", kind: "eligibility", body: ["dossier": .string("D001"), "result": .string("eligible"), "reasons": .array([]), "dossier_sha256": .string(try Self.version(fx, "D001"))],
                              created: "2026-01-05T09:00:00Z")
        let v = try Harness.pingshen(["verify", fx.store])
        #expect(v.status == 0, "\(v.stdout)")
        #expect(try Self.entries(fx)["D001"] != nil, "the chain's later decision (eligible) holds")
        // And the other way round: the later one in the chain excludes.
        try HandSigned.append(fx, "sec", kind: "eligibility", body: ["dossier": .string("D002"), "result": .string("eligible"), "reasons": .array([]), "dossier_sha256": .string(try Self.version(fx, "D002"))],
                              created: "2026-11-30T09:00:00Z")
        try HandSigned.append(fx, "sec", kind: "eligibility", body: ["dossier": .string("D002"), "result": .string("ineligible"), "reasons": .array([]), "dossier_sha256": .string(try Self.version(fx, "D002"))],
                              created: "2026-01-05T09:00:00Z")
        #expect(try Self.entries(fx)["D002"] == nil)
    }

    /// An eligibility record dated 2099 must not win forever: it is reported, and a later
    /// decision in the chain replaces it.
    @Test func aRecordDated2099IsReportedAndDoesNotWin() throws {
        let fx = try Self.scored()
        let future = try HandSigned.append(fx, "sec", kind: "eligibility",
                                           body: ["dossier": .string("D001"), "result": .string("ineligible"), "reasons": .array([]), "dossier_sha256": .string(try Self.version(fx, "D001"))],
                                           created: "2099-01-01T00:00:00Z")
        let (status, problems) = try HandSigned.problems(fx)
        #expect(status == 1)
        #expect(problems.contains { $0.path == future && $0.kind == "created-window" }, "\(problems)")
        let elig = try Harness.pingshen(["eligibility", fx.store, "--as", "sec", "--key", fx.key("sec")])
        #expect(elig.status == 0, "\(elig.stderr)")
        #expect(try Self.entries(fx)["D001"] != nil)
        // Before the programme's year − 1 is reported too.
        let past = try HandSigned.append(fx, "m4", kind: "recusal", body: ["dossier": .string("D003")], created: "2001-05-05T00:00:00Z")
        #expect(try HandSigned.problems(fx).problems.contains { $0.path == past && $0.kind == "created-window" })
    }
}
