import Foundation
import Testing
import Records

/// Issue 16, "silent partial answers": on a store with problems, `rank`, `stats` say so in their
/// output and exit 1; `finalize` and `approve` refuse; `export` prints what the signed
/// finalization and approval say and refuses when the files disagree.
@Suite struct NoSilentPartialResultsTests {
    static func finalized() throws -> Fixture {
        let fx = try Fixture(quota: 1)
        for m in ["m1", "m2", "m3"] {
            #expect(try fx.score(m, "D001", [24, 24, 24, 24]).status == 0)
            #expect(try fx.score(m, "D002", [20, 20, 20, 20]).status == 0)
            #expect(try fx.score(m, "D003", [15, 15, 15, 15]).status == 0)
        }
        try fx.signCheck()
        return fx
    }

    @Test func rankAndStatsSayTheStoreHasProblemsAndExit1() throws {
        let fx = try Self.finalized()
        for args in [["rank", fx.store, "--format", "json"], ["stats", fx.store, "--format", "json"]] {
            let r = try Harness.pingshen(args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            #expect(try Harness.json(r.stdout)["problems"] as? Int == 0)
        }
        #expect(!(try Harness.pingshen(["rank", fx.store, "--format", "csv"]).stdout.contains("problems")))
        let bad = try HandSigned.append(fx, "m4", kind: "score", body: [
            "dossier": .string("D003"), "points": .object(["craft": .int(25), "skill": .int(25), "leadership": .int(25), "contribution": .int(25), "bonus": .int(900)]),
        ])
        for args in [["rank", fx.store, "--format", "json"], ["stats", fx.store, "--format", "json"]] {
            let r = try Harness.pingshen(args)
            #expect(r.status == 1, "\(args)")
            #expect(try Harness.json(r.stdout)["problems"] as? Int == 1, "\(args): \(r.stdout)")
        }
        let csv = try Harness.pingshen(["rank", fx.store, "--format", "csv"])
        #expect(csv.status == 1)
        let lines = csv.stdout.split(whereSeparator: \.isNewline).filter { !$0.isEmpty }
        #expect(lines.first == "rank,dossier,name,score,exact,sheets,status,median,recommend,reject,abstain,approval,problems")
        #expect(lines.dropFirst().allSatisfy { $0.hasSuffix(",1") })
        for args in [["rank", fx.store], ["rank", fx.store, "--format", "md"], ["stats", fx.store]] {
            let r = try Harness.pingshen(args)
            #expect(r.status == 1, "\(args)")
            #expect(r.stdout.contains("the store has 1 problems"), "\(args): \(r.stdout)")
        }
        // The chair cannot sign over it, and is told which record is wrong.
        let fin = try Harness.pingshen(["finalize", fx.store, "--as", "chair", "--key", fx.key("chair")])
        #expect(fin.status == 1)
        #expect(fin.stderr.contains(bad), "\(fin.stderr)")
        #expect(Harness.records(fx.store, "chair").isEmpty)
    }

    @Test func approveRefusesOnAStoreWithProblems() throws {
        let fx = try Self.finalized()
        #expect(try fx.finalize().status == 0)
        #expect(try fx.publicise().status == 0)
        #expect(try fx.addApprover("appr").status == 0)
        // A record edited after finalization: its signature no longer holds.
        let rec = fx.store + "/records/m2/000/000002.json"
        let text = try String(contentsOfFile: rec, encoding: .utf8).replacingOccurrences(of: "\"craft\":20", with: "\"craft\":21")
        try text.write(toFile: rec, atomically: false, encoding: .utf8)
        let approve = try fx.approve(as: "appr")
        #expect(approve.status == 1)
        #expect(approve.stderr.contains("records/m2/000/000002.json"), "\(approve.stderr)")
        #expect(Harness.records(fx.store, "appr").isEmpty)
    }

    @Test func exportPrintsTheSignedListsAndRefusesFilesThatDisagree() throws {
        let fx = try Self.finalized()
        #expect(try fx.finalize().status == 0)
        try fx.approveList()
        for list in ["publicity", "final"] {
            let r = try Harness.pingshen(["export", fx.store, list, "--format", "csv"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.split(whereSeparator: \.isNewline).filter { !$0.isEmpty }.count == 2, "\(r.stdout)")
            #expect(r.stdout.contains("D001"))
        }
        // The quota edited after finalization: the chair signed 1.
        let program = fx.store + "/program.yaml"
        let original = try String(contentsOfFile: program, encoding: .utf8)
        try original.replacingOccurrences(of: "quota: 1\n", with: "quota: 3\n").write(toFile: program, atomically: true, encoding: .utf8)
        for list in ["publicity", "final"] {
            let r = try Harness.pingshen(["export", fx.store, list, "--format", "csv"])
            #expect(r.status == 1, "\(list): \(r.stdout)")
            #expect(r.stderr.contains("quota"), "\(r.stderr)")
        }
        try original.write(toFile: program, atomically: true, encoding: .utf8)
        // A selected dossier's file deleted: the list must not silently lose the name.
        try FileManager.default.removeItem(atPath: fx.store + "/dossiers/D001.yaml")
        for list in ["publicity", "final"] {
            let r = try Harness.pingshen(["export", fx.store, list, "--format", "md"])
            #expect(r.status == 1, "\(list): \(r.stdout)")
            #expect(r.stderr.contains("D001"), "\(r.stderr)")
        }
    }
}
