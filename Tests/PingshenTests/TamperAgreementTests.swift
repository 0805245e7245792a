import Foundation
import Testing
import Records

/// Issue 16, "done when": `verify`, `rank`, `stats` and `export` agree on every tampered store,
/// and none of them exits 0 on one. Each tampering is done on a copy of one finalized store.
@Suite struct TamperAgreementTests {
    static func commands(_ store: String) -> [[String]] {
        [["verify", store], ["rank", store, "--format", "json"], ["stats", store, "--format", "json"],
         ["export", store, "publicity", "--format", "csv"]]
    }

    @Test func noCommandExits0OnATamperedStore() throws {
        let fx = try NoSilentPartialResultsTests.finalized()
        #expect(try Harness.pingshen(["finalize", fx.store, "--as", "chair", "--key", fx.key("chair")]).status == 0)
        // The store as signed: every command answers 0 (the control: the checks below can fail).
        for args in Self.commands(fx.store) {
            let r = try Harness.pingshen(args)
            #expect(r.status == 0, "\(args): \(r.stdout) \(r.stderr)")
        }
        func copy(_ tag: String) throws -> String {
            let dst = fx.dir + "/tampered-" + tag
            let r = try Harness.run("/bin/cp", ["-a", fx.store, dst])
            #expect(r.status == 0, "\(r.stderr)")
            return dst
        }
        var tampered: [(String, String)] = []
        // 1. A record edited (its signature no longer holds).
        let edited = try copy("edited")
        let rec = edited + "/records/m2/000/000002.json"
        try String(contentsOfFile: rec, encoding: .utf8).replacingOccurrences(of: "\"craft\":20", with: "\"craft\":25")
            .write(toFile: rec, atomically: false, encoding: .utf8)
        tampered.append(("edited record", edited))
        // 2. A record deleted from the middle of a chain.
        let deleted = try copy("deleted")
        for ext in ["", ".sig"] { try FileManager.default.removeItem(atPath: deleted + "/records/m1/000/000002.json" + ext) }
        tampered.append(("deleted record", deleted))
        // 3. A sheet that breaks the programme's sheet, validly signed by a member.
        let rule = try copy("rule")
        try HandSigned.append(fx, "m5", kind: "score", body: [
            "dossier": .string("D003"), "points": .object(["craft": .int(25), "skill": .int(25), "leadership": .int(25), "contribution": .int(26)]),
        ], store: rule)
        tampered.append(("rule-breaking sheet", rule))
        // 4. The quota edited after finalization.
        let quota = try copy("quota")
        let program = quota + "/program.yaml"
        try String(contentsOfFile: program, encoding: .utf8).replacingOccurrences(of: "quota: 1\n", with: "quota: 3\n")
            .write(toFile: program, atomically: true, encoding: .utf8)
        tampered.append(("quota edited after finalization", quota))
        // 5. A selected dossier's file deleted.
        let dossier = try copy("dossier")
        try FileManager.default.removeItem(atPath: dossier + "/dossiers/D001.yaml")
        tampered.append(("dossier file deleted", dossier))

        for (what, store) in tampered {
            for args in Self.commands(store) {
                let r = try Harness.pingshen(args)
                #expect(r.status == 1, "\(what): \(args) exited \(r.status): \(r.stdout.prefix(400)) \(r.stderr.prefix(400))")
            }
            // And they agree on how many problems there are.
            let v = try Harness.json(try Harness.pingshen(["verify", store, "--format", "json"]).stdout)
            let n = (v["problems"] as? [Any])?.count ?? -1
            #expect(n > 0, "\(what)")
            for cmd in ["rank", "stats"] {
                let out = try Harness.pingshen([cmd, store, "--format", "json"]).stdout
                #expect(try Harness.json(out)["problems"] as? Int == n, "\(what): \(cmd)")
            }
        }
    }
}
