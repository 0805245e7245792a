import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 11 "dossiers pinned" and issue 16 "import is all or nothing under SIGKILL", with the
/// real binary and files edited by hand.
@Suite struct DossierPinTests {
    static func problems(_ r: Harness.Result) throws -> [[String: Any]] {
        (try Harness.json(r.stdout)["problems"] as? [[String: Any]]) ?? []
    }

    static func records(_ store: String, _ member: String, kind: String) throws -> [String] {
        try Harness.records(store, member).filter {
            (try Harness.json(try String(contentsOfFile: $0, encoding: .utf8))["kind"] as? String) == kind
        }
    }

    @Test func deedsEditedAfterScoringFailVerifyNamingTheDossier() throws {
        let fx = try Fixture()
        #expect(try fx.score("m1", "D001", [20, 20, 15, 15]).status == 0)
        let sheet = try Harness.json(try String(contentsOfFile: Harness.records(fx.store, "m1")[0], encoding: .utf8))
        #expect(((sheet["body"] as? [String: Any])?["dossier_sha256"] as? String)?.count == 64)
        #expect(try Harness.pingshen(["verify", fx.store]).status == 0)

        let path = fx.store + "/dossiers/D001.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "攻克", with: "独自攻克").write(toFile: path, atomically: true, encoding: .utf8)
        let r = try Harness.pingshen(["verify", fx.store, "--format", "json"])
        #expect(r.status == 1)
        let p = try Self.problems(r)
        #expect(p.contains { $0["path"] as? String == "dossiers/D001.yaml" && $0["kind"] as? String == "dossier-changed" }, "\(r.stdout)")
        let table = try Harness.pingshen(["verify", fx.store])
        #expect(table.status == 1 && table.stdout.contains("D001"))
    }

    @Test func aSignedAmendmentVerifiesAndFlagsTheSheetsMadeBeforeIt() throws {
        let fx = try Fixture()
        #expect(try fx.score("m1", "D001", [20, 20, 15, 15]).status == 0)
        #expect(try fx.score("m2", "D002", [18, 18, 15, 15]).status == 0)
        var rank = try Harness.json(try Harness.pingshen(["rank", fx.store, "--format", "json"]).stdout)
        #expect((rank["stale_sheets"] as? [[String: Any]])?.isEmpty == true)

        let amended = fx.dir + "/D001-amended.yaml"
        let text = try String(contentsOfFile: fx.store + "/dossiers/D001.yaml", encoding: .utf8)
        try text.replacingOccurrences(of: "攻克", with: "带队攻克").write(toFile: amended, atomically: true, encoding: .utf8)
        // Only the secretary signs an amendment, and it needs a reason.
        #expect(try Harness.pingshen(["dossier", "amend", fx.store, "--as", "m1", "--key", fx.key("m1"), "--dossier", "D001", amended, "--reason", "x"]).status == 1)
        #expect(try Harness.pingshen(["dossier", "amend", fx.store, "--as", "sec", "--key", fx.key("sec"), "--dossier", "D001", amended, "--reason", " "]).status == 1)
        let before = try String(contentsOfFile: fx.store + "/dossiers/D001.yaml", encoding: .utf8)
        let amend = try Harness.pingshen(["dossier", "amend", fx.store, "--as", "sec", "--key", fx.key("sec"), "--dossier", "D001", amended, "--reason", "单位补充说明"])
        #expect(amend.status == 0, "\(amend.stderr)")
        #expect(try String(contentsOfFile: fx.store + "/dossiers/D001.yaml", encoding: .utf8).contains("带队攻克"))
        let verify = try Harness.pingshen(["verify", fx.store, "--format", "json"])
        #expect(verify.status == 0, "\(verify.stdout)")
        // The amended version is checked again before it is in the running (issue 12).
        try fx.signCheck()

        // Stock OpenSSH agrees with the amendment record.
        let amendRecord = try #require(try Self.records(fx.store, "sec", kind: "dossier-amend").first)
        #expect(try Harness.sshVerify(store: fx.store, member: "sec", record: amendRecord).status == 0)
        let body = try #require(try Harness.json(try String(contentsOfFile: amendRecord, encoding: .utf8))["body"] as? [String: Any])
        #expect(body["dossier"] as? String == "D001" && body["reason"] as? String == "单位补充说明")

        // m1's sheet judged the older D001: flagged, and counted (the default).
        rank = try Harness.json(try Harness.pingshen(["rank", fx.store, "--format", "json"]).stdout)
        var stale = try #require(rank["stale_sheets"] as? [[String: Any]])
        #expect(stale.count == 1)
        #expect(stale.first?["member"] as? String == "m1" && stale.first?["dossier"] as? String == "D001")
        #expect(stale.first?["counted"] as? Bool == true)
        #expect((rank["entries"] as? [[String: Any]])?.first { $0["dossier"] as? String == "D001" }?["sheets"] as? Int == 1)
        let table = try Harness.pingshen(["rank", fx.store])
        #expect(table.stdout.contains("dossier updated") && table.stdout.contains("records/m1/"))
        // A new sheet on the new version clears it.
        #expect(try fx.score("m1", "D001", [21, 20, 15, 15]).status == 0)
        rank = try Harness.json(try Harness.pingshen(["rank", fx.store, "--format", "json"]).stdout)
        stale = try #require(rank["stale_sheets"] as? [[String: Any]])
        #expect(stale.isEmpty)

        // Putting the older signed version back by hand is a problem too.
        try before.write(toFile: fx.store + "/dossiers/D001.yaml", atomically: true, encoding: .utf8)
        let reverted = try Harness.pingshen(["verify", fx.store, "--format", "json"])
        #expect(reverted.status == 1)
        #expect(try Self.problems(reverted).contains { $0["kind"] as? String == "dossier-changed" && ($0["message"] as? String ?? "").contains("older") })
    }

    @Test func aDossierFileNoSignedRecordNamesIsIgnoredAndReported() throws {
        let fx = try Fixture()
        let text = try String(contentsOfFile: fx.store + "/dossiers/D004.yaml", encoding: .utf8)
        try text.replacingOccurrences(of: "\"D004\"", with: "\"D009\"").write(toFile: fx.store + "/dossiers/D009.yaml", atomically: true, encoding: .utf8)
        let check = try Harness.json(try Harness.pingshen(["check", fx.store, "--format", "json"]).stdout)
        let ids = (check["dossiers"] as? [[String: Any]])?.compactMap { $0["dossier"] as? String }
        #expect(ids == ["D001", "D002", "D003", "D004"])
        #expect(try fx.score("m1", "D009", [20, 20, 15, 15]).status == 1)
        let r = try Harness.pingshen(["verify", fx.store, "--format", "json"])
        #expect(r.status == 1)
        #expect(try Self.problems(r).contains { $0["path"] as? String == "dossiers/D009.yaml" && $0["kind"] as? String == "dossier-unsigned" })
        // The file is the secretary's to deal with: a hand-placed file is never removed.
        #expect(FileManager.default.fileExists(atPath: fx.store + "/dossiers/D009.yaml"))

        try FileManager.default.removeItem(atPath: fx.store + "/dossiers/D009.yaml")
        try FileManager.default.removeItem(atPath: fx.store + "/dossiers/D003.yaml")
        let gone = try Harness.pingshen(["verify", fx.store, "--format", "json"])
        #expect(gone.status == 1)
        #expect(try Self.problems(gone).contains { $0["path"] as? String == "dossiers/D003.yaml" && $0["kind"] as? String == "dossier-missing" })
    }

    @Test func finalizePinsTheProgrammeTheRosterAndTheDossierSetAndTheNoticePrintsTheRoot() throws {
        let fx = try Fixture()
        for (i, m) in ["m1", "m2", "m3"].enumerated() {
            for (j, d) in ["D001", "D002", "D003", "D004"].enumerated() {
                #expect(try fx.score(m, d, [25 - 2 * j, 20, 15, 10 + i]).status == 0)
            }
        }
        try fx.signCheck()
        let fin = try Harness.pingshen(["finalize", fx.store, "--as", "chair", "--key", fx.key("chair")])
        #expect(fin.status == 0, "\(fin.stderr)")
        let record = try #require(try Self.records(fx.store, "chair", kind: "finalize").first)
        let body = try #require(try Harness.json(try String(contentsOfFile: record, encoding: .utf8))["body"] as? [String: Any])
        let program = try Data(contentsOf: URL(fileURLWithPath: fx.store + "/program.yaml"))
        #expect(body["program_sha256"] as? String == sha256(program))
        #expect((body["roster_sha256"] as? String)?.count == 64)
        #expect((body["dossier_set"] as? String)?.count == 64)
        let root = try #require(body["merkle_root"] as? String)
        let notice = try Harness.pingshen(["export", fx.store, "publicity"])
        #expect(notice.status == 0, "\(notice.stderr)")
        #expect(notice.stdout.contains(root))
        // After the finalization, dossiers can neither be imported nor amended.
        let amended = fx.dir + "/D001.yaml"
        try String(contentsOfFile: fx.store + "/dossiers/D001.yaml", encoding: .utf8).replacingOccurrences(of: "攻克", with: "改")
            .write(toFile: amended, atomically: true, encoding: .utf8)
        #expect(try Harness.pingshen(["dossier", "amend", fx.store, "--as", "sec", "--key", fx.key("sec"), "--dossier", "D001", amended, "--reason", "迟到的修改"]).status == 1)
        #expect(try Harness.pingshen(["verify", fx.store]).status == 0)
    }

    func sha256(_ data: Data) -> String {
        let r = try? Harness.run("/usr/bin/sha256sum", [], stdin: data)
        return String((r?.stdout ?? "").prefix(64))
    }
}

/// Issue 16: `import` killed with SIGKILL at any point leaves the store wholly before or wholly
/// after, the next command cleans up, and importing again works.
@Suite(.serialized) struct ImportKillTests {
    static let rows = 5000

    static func csv() -> String {
        var out = "编号,姓名,性别,出生日期,国籍,工会会员,专业领域,工作单位,推荐单位,推荐方式,主要事迹\n"
        for i in 1...rows {
            out += "K\(String(format: "%05d", i)),工匠\(i),男,1975-01-01,中国,是,焊接,单位\(i % 37),市总工会,单位推荐,事迹\(i)：长期扎根一线\n"
        }
        return out
    }

    /// Runs `pingshen ARGS` and sends it SIGKILL after `delay` seconds (if it is still running).
    static func runKilled(_ args: [String], after delay: Double) throws -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Harness.binary)
        p.arguments = args + ["--lang", "en"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        Thread.sleep(forTimeInterval: delay)
        let killed = p.isRunning
        if killed { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        return killed && p.terminationReason == .uncaughtSignal
    }

    static func dossierFiles(_ store: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: store + "/dossiers")) ?? []).filter { $0.hasSuffix(".yaml") }
    }

    @Test func killDuringImportLeavesTheStoreBeforeOrAfterAndAReimportWorks() throws {
        let fx = try Fixture(dossiers: "编号,姓名\n")
        let file = fx.dir + "/big.csv"
        try Self.csv().write(toFile: file, atomically: true, encoding: .utf8)
        // How long a whole import takes here, so that the kills land across all of it: reading,
        // staging, linking, the intake record, the clean-up after it.
        let timed = fx.dir + "/timed"
        #expect(try Harness.run("/bin/cp", ["-a", fx.store, timed]).status == 0)
        let start = Date()
        #expect(try Harness.pingshen(["import", timed, file, "--as", "sec", "--key", fx.key("sec")]).status == 0)
        let whole = Date().timeIntervalSince(start)
        try? FileManager.default.removeItem(atPath: timed)
        var outcomes: [String] = []
        for (n, fraction) in [0.15, 0.5, 0.8, 0.9, 0.97].enumerated() {
            let delay = whole * fraction
            let store = fx.dir + "/kill\(n)"
            #expect(try Harness.run("/bin/cp", ["-a", fx.store, store]).status == 0)
            let args = ["import", store, file, "--as", "sec", "--key", fx.key("sec")]
            let killed = try Self.runKilled(args, after: delay)

            // The next command (any) recovers; then the store is wholly before or wholly after.
            let check = try Harness.pingshen(["check", store, "--format", "json"])
            #expect(check.status == 0, "\(check.stderr)")
            let listed = (try Harness.json(check.stdout)["dossiers"] as? [[String: Any]])?.count ?? -1
            let intakes = try DossierPinTests.records(store, "sec", kind: "intake").count
            #expect((listed == 0 && intakes == 0) || (listed == Self.rows && intakes == 1), "delay \(delay): \(listed) dossiers, \(intakes) intake records")
            #expect(Self.dossierFiles(store).count == listed, "delay \(delay): files left behind")
            let staged = (try? FileManager.default.contentsOfDirectory(atPath: store + "/.staging")) ?? []
            #expect(staged.isEmpty, "delay \(delay): staging left: \(staged.prefix(3))")
            let verify = try Harness.pingshen(["verify", store, "--format", "json"])
            #expect(verify.status == 0, "delay \(delay): \(verify.stdout.prefix(600))")
            outcomes.append(String(format: "%.2f", delay) + "s: " + "\(killed ? "killed" : "finished"), \(listed == 0 ? "before" : "after")")

            // Importing again works either way (the same dossiers again are a no-op).
            let again = try Harness.pingshen(args)
            #expect(again.status == 0, "delay \(delay): \(again.stderr)")
            let after = try Harness.json(try Harness.pingshen(["check", store, "--format", "json"]).stdout)
            #expect((after["dossiers"] as? [[String: Any]])?.count == Self.rows)
            #expect(try DossierPinTests.records(store, "sec", kind: "intake").count == 1)
            #expect(try Harness.pingshen(["verify", store]).status == 0)
            try? FileManager.default.removeItem(atPath: store)
        }
        print("kill during import (a whole import: \(String(format: "%.2f", whole)) s): " + outcomes.joined(separator: "; "))
        // At least one kill landed while the import was running.
        #expect(outcomes.contains { $0.contains("killed") })
    }
}
