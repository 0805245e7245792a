import Foundation
import Testing

/// Issue 11, "the store fingerprint (the SHA-256 of the genesis record) … every export, the
/// public notice, promote provenance and verify print it": each output, with the real binary,
/// against the fingerprint computed here by stock sha256sum from the genesis file.
@Suite struct StoreFingerprintTests {
    /// SHA-256 of the store's genesis record (the secretary's first record), by coreutils.
    static func genesisSHA256(_ store: String) throws -> String {
        let r = try Harness.run("/usr/bin/sha256sum", [store + "/records/sec/000/000001.json"])
        #expect(r.status == 0, "\(r.stderr)")
        return String(r.stdout.prefix(64))
    }

    static func approved() throws -> Fixture {
        let fx = try Fixture(quota: 2)
        try fx.approvedList(["D001": 24, "D002": 20, "D003": 15, "D004": 10])
        return fx
    }

    @Test func verifyPrintsIt() throws {
        let fx = try Fixture()
        let fp = try Self.genesisSHA256(fx.store)
        let table = try Harness.pingshen(["verify", fx.store])
        #expect(table.status == 0, "\(table.stdout)")
        #expect(table.stdout.contains("store fingerprint: " + fp), "\(table.stdout)")
        let json = try Harness.json(try Harness.pingshen(["verify", fx.store, "--format", "json"]).stdout)
        #expect(json["fingerprint"] as? String == fp)
        // Checked against a published one: this store's passes, another's fails naming the cause.
        #expect(try Harness.pingshen(["verify", fx.store, "--fingerprint", fp]).status == 0)
        let other = try Fixture()
        let otherFP = try Self.genesisSHA256(other.store)
        #expect(otherFP != fp)
        let wrong = try Harness.pingshen(["verify", other.store, "--fingerprint", fp, "--format", "json"])
        #expect(wrong.status == 1)
        let kinds = (try Harness.json(wrong.stdout)["problems"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        #expect(kinds == ["fingerprint-mismatch"], "\(wrong.stdout)")
    }

    @Test func everyExportCarriesIt() throws {
        let fx = try Self.approved()
        let fp = try Self.genesisSHA256(fx.store)
        for list in ["publicity", "final"] {
            // CSV: one last column, the others where they were.
            let csv = try Harness.pingshen(["export", fx.store, list, "--format", "csv"])
            #expect(csv.status == 0, "\(list): \(csv.stderr)")
            let lines = csv.stdout.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
            // The publicity list adds which notice published each row (issue 12) before it.
            let notice = list == "publicity" ? "notice,notice_from,notice_to,supplement_for,freed_by_objection,objection," : "note,"
            #expect(lines.first == "rank,id,name,gender,employer,field,title,score,\(notice)store_fingerprint", "\(csv.stdout)")
            #expect(lines.count == 3, "\(csv.stdout)")
            #expect(lines.dropFirst().allSatisfy { $0.hasSuffix("," + fp) }, "\(csv.stdout)")
            #expect(lines.dropFirst().first?.hasPrefix("1,D001,王师傅,") == true, "\(csv.stdout)")
            // Markdown: a line of the Verification list.
            let md = try Harness.pingshen(["export", fx.store, list, "--format", "md"])
            #expect(md.status == 0, "\(list): \(md.stderr)")
            #expect(md.stdout.contains("- Store fingerprint: `\(fp)`"), "\(md.stdout)")
            // JSON: a key.
            let json = try Harness.pingshen(["export", fx.store, list, "--format", "json"])
            #expect(json.status == 0, "\(list): \(json.stderr)")
            let obj = try Harness.json(json.stdout)
            #expect(obj["store_fingerprint"] as? String == fp, "\(json.stdout)")
            #expect(obj["list"] as? String == list)
            let entries = obj["entries"] as? [[String: Any]] ?? []
            #expect(entries.compactMap { $0["dossier"] as? String } == ["D001", "D002"], "\(json.stdout)")
            #expect(entries.first?["rank"] as? Int == 1 && entries.first?["score"] as? String == "96.00", "\(json.stdout)")
            let proofs = obj["proofs"] as? [[String: Any]] ?? []
            #expect(proofs.contains { $0["value"] as? String == fp }, "\(json.stdout)")
        }
        // The ranking itself: a JSON key and a Markdown line (the CSV stays as it was).
        let rank = try Harness.json(try Harness.pingshen(["rank", fx.store, "--format", "json"]).stdout)
        #expect(rank["store_fingerprint"] as? String == fp)
        #expect(try Harness.pingshen(["rank", fx.store, "--format", "md"]).stdout.contains("Store fingerprint: `\(fp)`"))
        let rankCSV = try Harness.pingshen(["rank", fx.store, "--format", "csv"]).stdout
        #expect(rankCSV.hasPrefix("rank,dossier,name,score,exact,sheets,status,median,recommend,reject,abstain,approval\r\n"), "\(rankCSV)")
        // An unknown format is refused by name.
        let bad = try Harness.pingshen(["export", fx.store, "final", "--format", "xml"])
        #expect(bad.status != 0 && bad.stderr.contains("md, csv, json, html, pdf or xlsx"), "\(bad.stderr)")
    }

    /// The public notice of another store of the same programme and year names that store,
    /// not this one: the fingerprint tells two stores apart that say the same.
    @Test func theNoticeNamesItsOwnStore() throws {
        let a = try Self.approved(), b = try Self.approved()
        let fa = try Self.genesisSHA256(a.store), fb = try Self.genesisSHA256(b.store)
        #expect(fa != fb)
        let na = try Harness.pingshen(["export", a.store, "publicity", "--format", "md"]).stdout
        let nb = try Harness.pingshen(["export", b.store, "publicity", "--format", "md"]).stdout
        #expect(na.contains(fa) && !na.contains(fb), "\(na)")
        #expect(nb.contains(fb) && !nb.contains(fa), "\(nb)")
        // What the notice printed is what verify checks a copy against.
        #expect(try Harness.pingshen(["verify", b.store, "--fingerprint", fb]).status == 0)
        #expect(try Harness.pingshen(["verify", b.store, "--fingerprint", fa]).status == 1)
    }
}
