import Foundation
import Testing
import Records

/// Issue 11, "the Python recount (scripts/recount.py) reads the new records and still agrees":
/// `recount.py --store STORE` rebuilds the roster and the programme from the signed governance
/// records (never the views), the dossier versions from the intake and amendment records, who is
/// in the running from the eligibility records, and recounts; `rank --format json` of the real
/// binary must say exactly the same, key by key, on a store with a key rotation, a removal, a
/// programme amendment, an ineligible dossier, an amended (unchecked, stale-scored) dossier and a
/// recusal.
@Suite struct RecountStoreTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/recount.py").path

    static func recount(_ store: String) throws -> (status: Int32, json: NSDictionary?, stderr: String) {
        let r = try Harness.run("/usr/bin/env", ["python3", script, "--store", store])
        return (r.status, (try? Harness.json(r.stdout)).map { $0 as NSDictionary }, r.stderr)
    }

    static func rank(_ store: String) throws -> (status: Int32, json: NSDictionary?) {
        let r = try Harness.pingshen(["rank", store, "--format", "json"])
        return (r.status, (try? Harness.json(r.stdout)).map { $0 as NSDictionary })
    }

    /// Seven dossiers: the fixture's header, D001's line with the id and name changed.
    static var csv: String {
        let lines = Fixture.defaultCSV.split(separator: "\n").map(String.init)
        var out = lines
        for (i, name) in ["钱师傅", "孙师傅", "周师傅"].enumerated() {
            out.append(lines[1].replacingOccurrences(of: "D001,王师傅", with: "D00\(i + 5),\(name)"))
        }
        return out.joined(separator: "\n")
    }

    @Test func recountAgreesWithRankOnAStoreWithGovernanceChanges() throws {
        let fx = try Fixture(quota: 3, dossiers: Self.csv)
        let ids = (1...7).map { "D00\($0)" }
        // Totals by member and dossier, on a coarse grid (ties), some below the pass mark.
        func points(_ m: Int, _ d: Int) -> Int { [20, 15, 22, 10, 18, 22, 13][d] + [0, 2, -1, 1, 0][m] }
        func score(_ m: Int, _ d: Int, vote: String? = nil) throws {
            let p = points(m, d)
            let r = try fx.score("m\(m + 1)", ids[d], [p, p, p, p], vote: vote)
            #expect(r.status == 0, "score m\(m + 1) \(ids[d]): \(r.stderr)")
        }
        // m2 scores three dossiers, then its key is rotated and it scores the rest with the new one.
        for d in 0..<3 { try score(1, d, vote: "recommend") }
        try Harness.sshKeygen(fx.keys + "/m2-new", comment: "m2 new")
        var r = try Harness.pingshen(["member", "rotate", fx.store, "--as", "sec", "--key", fx.key("sec"), "--id", "m2", "--pubkey", fx.keys + "/m2-new.pub"])
        #expect(r.status == 0, "rotate: \(r.stderr)")
        try FileManager.default.removeItem(atPath: fx.key("m2"))
        try FileManager.default.copyItem(atPath: fx.keys + "/m2-new", toPath: fx.key("m2"))
        for d in 3..<7 { try score(1, d, vote: d == 4 ? "reject" : nil) }
        // m5 scores four, then is removed: the sheets it signed before count.
        for d in 0..<4 { try score(4, d) }
        r = try Harness.pingshen(["member", "remove", fx.store, "--as", "sec", "--key", fx.key("sec"), "--id", "m5", "--reason", "回避：调离评审组"])
        #expect(r.status == 0, "remove: \(r.stderr)")
        // The others score everything; m3 scores D002 twice (the later counts) and recuses from D006.
        for m in [0, 2, 3] { for d in 0..<7 { try score(m, d, vote: m == 0 ? "recommend" : nil) } }
        #expect(try fx.score("m3", "D002", [25, 25, 25, 25]).status == 0)
        #expect(try Harness.pingshen(["recuse", fx.store, "--as", "m3", "--dossier", "D006", "--reason", "同一单位", "--key", fx.key("m3")]).status == 0)
        // The programme amended (the pass mark moves from 60 to 70), signed.
        let amended = fx.dir + "/program.yaml"
        let text = try String(contentsOfFile: fx.store + "/program.yaml", encoding: .utf8)
        #expect(text.contains("  pass_mark: 60\n"))
        try text.replacingOccurrences(of: "  pass_mark: 60\n", with: "  pass_mark: 70\n").write(toFile: amended, atomically: true, encoding: .utf8)
        r = try Harness.pingshen(["program", "amend", fx.store, "--as", "sec", "--key", fx.key("sec"), amended, "--reason", "提高合格线"])
        #expect(r.status == 0, "program amend: \(r.stderr)")
        // The secretary signs the check, D004 ruled ineligible with a reason; then D003 is
        // amended: its decision is on an older version (unchecked), its sheets stale.
        try fx.signCheck(decide: ["D004=ineligible:获奖证书无法核实"])
        let d3 = try String(contentsOfFile: fx.store + "/dossiers/D003.yaml", encoding: .utf8)
        try d3.replacingOccurrences(of: "带教徒弟二十余名", with: "带教徒弟三十余名").write(toFile: fx.dir + "/D003.yaml", atomically: true, encoding: .utf8)
        r = try Harness.pingshen(["dossier", "amend", fx.store, "--as", "sec", "--key", fx.key("sec"), "--dossier", "D003", fx.dir + "/D003.yaml", "--reason", "单位补充材料"])
        #expect(r.status == 0, "dossier amend: \(r.stderr)")

        let v = try Harness.pingshen(["verify", fx.store])
        #expect(v.status == 0, "verify: \(v.stdout)")
        let mine = try Self.rank(fx.store)
        let theirs = try Self.recount(fx.store)
        #expect(mine.status == 0 && theirs.status == 0, "\(theirs.stderr)")
        let rank = try #require(mine.json), py = try #require(theirs.json)
        #expect(rank == py, "rank:\n\(rank)\nrecount.py:\n\(py)")
        // The control: the store is the one described (so the equality above is about something).
        #expect(rank["pass_mark"] as? Int == 70)
        let out = (rank["not_in_running"] as? [[String: Any]] ?? []).map { "\($0["dossier"]!) \($0["status"]!)" }
        #expect(out == ["D003 unchecked", "D004 ineligible"], "\(out)")
        #expect((rank["stale_sheets"] as? [[String: Any]])?.count == 5)
        let entries = rank["entries"] as? [[String: Any]] ?? []
        #expect(entries.contains { $0["pass_mark"] as? String == "below" } && entries.contains { $0["status"] as? String == "selected" }, "\(entries)")
        #expect(entries.first { $0["dossier"] as? String == "D006" }?["sheets"] as? Int == 3)

        // A record the removed member signs after its last counted one (by hand: the CLI
        // refuses): a problem for pingshen, not counted by either.
        let late = try HandSigned.append(fx, "m5", kind: "score", body: [
            "dossier": .string("D007"), "points": .object(["craft": .int(25), "skill": .int(25), "leadership": .int(25), "contribution": .int(25)]),
        ])
        let after = try Self.rank(fx.store)
        #expect(after.status == 1)
        let again = try Self.recount(fx.store)
        let a = try #require(after.json), p = try #require(again.json)
        for key in ["entries", "not_in_running", "stale_sheets", "store_fingerprint"] {
            #expect((a[key] as? NSObject) == (p[key] as? NSObject), "\(key) after \(late)")
        }
        #expect(a["entries"] as? NSArray == rank["entries"] as? NSArray)

        // The views are never read: a roster.yaml and a program.yaml edited by hand change
        // nothing in the recount (pingshen reports them as problems).
        try (try String(contentsOfFile: fx.store + "/program.yaml", encoding: .utf8)).replacingOccurrences(of: "  pass_mark: 70\n", with: "  pass_mark: 10\n")
            .write(toFile: fx.store + "/program.yaml", atomically: true, encoding: .utf8)
        try "members: []\n".write(toFile: fx.store + "/roster.yaml", atomically: true, encoding: .utf8)
        let edited = try #require(try Self.recount(fx.store).json)
        #expect(edited["entries"] as? NSArray == p["entries"] as? NSArray)
        #expect(edited["pass_mark"] as? Int == 70)
    }

    /// A removal that discards the member's sheets (`member remove --discard-sheets`, body
    /// `sheets: discard`): neither rank nor the recount counts them.
    @Test func aRemovalThatDiscardsSheets() throws {
        let fx = try Fixture(quota: 1)
        for (i, m) in Fixture.members.enumerated() {
            for (j, d) in ["D001", "D002", "D003"].enumerated() {
                #expect(try fx.score(m, d, Array(repeating: 15 + (i * 3 + j * 5) % 10, count: 4)).status == 0)
            }
        }
        let r = try Harness.pingshen(["member", "remove", fx.store, "--as", "sec", "--key", fx.key("sec"), "--id", "m5", "--reason", "利益冲突", "--discard-sheets"])
        #expect(r.status == 0, "remove: \(r.stderr)")
        try fx.signCheck()
        let mine = try Self.rank(fx.store), theirs = try Self.recount(fx.store)
        #expect(mine.status == 0 && theirs.status == 0, "\(theirs.stderr)")
        let rank = try #require(mine.json), py = try #require(theirs.json)
        #expect(rank == py, "rank:\n\(rank)\nrecount.py:\n\(py)")
        let sheets = (rank["entries"] as? [[String: Any]] ?? []).compactMap { $0["sheets"] as? Int }
        #expect(sheets == [4, 4, 4, 0], "\(rank)")
    }

    /// The recount of a store fails loudly on a directory that is not one, rather than answering.
    @Test func notAStore() throws {
        let dir = try Harness.tempDir("recount-empty")
        try FileManager.default.createDirectory(atPath: dir + "/records", withIntermediateDirectories: true)
        let r = try Self.recount(dir)
        #expect(r.status != 0 && r.stderr.contains("no genesis"), "\(r.stderr)")
    }
}
