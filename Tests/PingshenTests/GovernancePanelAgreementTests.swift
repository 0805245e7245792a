import Foundation
import Testing
import Records
import Panel
import Review

/// Issue 13: the signed history and the panel agree on what a valid governance record is
/// (`GovernanceRules`: one check of a sanction and of a programme text). A record signed with
/// a secretary's valid key outside pingshen that the panel cannot take is refused by the
/// history itself, as a record signed by someone not allowed is: `verify` exits 1 naming it
/// (`gov-invalid`, its path, the reason, zh and en), the session and the terminal UI open on
/// the history before it (never a throw on every open, which made the whole store unusable),
/// and `rank` ranks as before. pingshen itself signs none of them.
@Suite struct GovernancePanelAgreementTests {
    static func problems(_ store: String, lang: String) throws -> (status: Int32, list: [[String: Any]]) {
        let v = try Harness.run(Harness.binary, ["verify", store, "--format", "json", "--lang", lang])
        return (v.status, (try? Harness.json(v.stdout))?["problems"] as? [[String: Any]] ?? [])
    }

    /// verify (plain and --cached) exits 1 naming `path` as `gov-invalid` with `en` and `zh`
    /// in its message, and no `rounds-unchecked` (the session opens).
    static func expectRefused(_ store: String, _ path: String, en: String, zh: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (lang, word) in [("en", en), ("zh", zh)] {
            let v = try problems(store, lang: lang)
            #expect(v.status == 1, "verify --lang \(lang) exited \(v.status)", sourceLocation: sourceLocation)
            let mine = v.list.first { $0["path"] as? String == path && $0["kind"] as? String == "gov-invalid" }
            #expect((mine?["message"] as? String)?.contains(word) == true, "--lang \(lang): \(v.list)", sourceLocation: sourceLocation)
            #expect(!v.list.contains { $0["kind"] as? String == StoreVerify.uncheckedKind }, "\(v.list)", sourceLocation: sourceLocation)
        }
        let c = try Harness.pingshen(["verify", store, "--cached", "--format", "json"])
        let kinds = ((try? Harness.json(c.stdout))?["problems"] as? [[String: Any]] ?? []).map { "\($0["path"] as? String ?? "") \($0["kind"] as? String ?? "")" }
        #expect(c.status == 1 && kinds.contains(path + " gov-invalid"), "--cached: \(kinds)", sourceLocation: sourceLocation)
    }

    /// `rank --format json`'s entries (rank, dossier, exact, status), and its round.
    static func entries(_ store: String, _ extra: [String] = []) throws -> [String] {
        let r = try Harness.pingshen(["rank", store, "--format", "json"] + extra)
        let j = (try? Harness.json(r.stdout)) ?? [:]
        return (j["entries"] as? [[String: Any]] ?? []).map { e in
            ["rank", "dossier", "exact", "status"].map { "\(e[$0] ?? "-")" }.joined(separator: " ")
        }
    }

    /// A sanction of year 5 (the history once took any year ≥ 1; the panel takes 1990…2100),
    /// signed by the secretary's key outside pingshen on a two-round store: refused, named;
    /// the session (plain and as the UI opens it) holds the sanctions as before, rank and
    /// `rank --round 1 --group weld` are unchanged; `pingshen sanction add --year 5` signs nothing.
    @Test func aSanctionThePanelRefusesIsNamedAndSetAside() throws {
        let rf = try RoundsFixture(shortlist: "{per_group: 2}")
        let before = try Self.entries(rf.store), beforeWeld = try Self.entries(rf.store, ["--round", "1", "--group", "weld"])
        #expect(!before.isEmpty && !beforeWeld.isEmpty)
        var r = try rf.fx.sec(["sanction", "add", "--kind", "unit", "--name", "某厂", "--year", "5"])
        #expect(r.status != 0 && r.stderr.contains("1990"), "sanction add: \(r.stdout) \(r.stderr)")
        #expect(try Forge.verify(rf.store).status == 0, "nothing was signed")
        r = try rf.fx.sec(["sanction", "add", "--kind", "unit", "--name", "某厂", "--year", "2024"])
        #expect(r.status == 0, "a plausible sanction: \(r.stderr)")

        let forged = try Forge.governance(rf.store, "sec", kind: .sanctionAdd, body: [
            "sanction": .object(["kind": .string("unit"), "name": .string("某厂"), "year": .int(5)]),
        ], key: rf.fx.key("sec"))
        try Self.expectRefused(rf.store, forged, en: "year 5", zh: "年份 5")
        for background in [false, true] {
            let session = try ReviewSession(root: rf.store, checkInBackground: background)
            try session.settle()
            #expect(session.panel.sanctions.map(\.year) == [2024], "checkInBackground \(background): \(session.panel.sanctions)")
            #expect(session.governance.refused.contains(forged))
        }
        #expect(try Self.entries(rf.store) == before)
        #expect(try Self.entries(rf.store, ["--round", "1", "--group", "weld"]) == beforeWeld)
        // A year past 2100 likewise; a kind or a name the panel refuses was refused by the body's
        // shape already (`malformed`): refused all the same, the ranking untouched.
        for (i, (bad, kind, word)) in [(["kind": JSONValue.string("unit"), "name": .string("某厂"), "year": .int(2101)], "gov-invalid", "2101"),
                                       (["kind": .string("firm"), "name": .string("某厂"), "year": .int(2024)], "malformed", "kind"),
                                       (["kind": .string("person"), "name": .string(" "), "year": .int(2024)], "malformed", "name")].enumerated() {
            let copy = rf.fx.dir + "/copy\(i)"
            try FileManager.default.copyItem(atPath: rf.store, toPath: copy)
            try FileManager.default.removeItem(atPath: copy + "/" + forged)
            try FileManager.default.removeItem(atPath: copy + "/" + forged + ".sig")
            let p = try Forge.governance(copy, "sec", kind: .sanctionAdd, body: ["sanction": .object(bad)], key: rf.fx.key("sec"))
            let v = try Self.problems(copy, lang: "en")
            #expect(v.status == 1 && v.list.contains { $0["path"] as? String == p && $0["kind"] as? String == kind && ($0["message"] as? String)?.contains(word) == true }, "\(bad): \(v.list)")
            #expect(!v.list.contains { $0["kind"] as? String == StoreVerify.uncheckedKind }, "\(v.list)")
            #expect(try ReviewSession(root: copy).panel.sanctions.map(\.year) == [2024])
            #expect(try Self.entries(copy) == before, "\(bad)")
        }
    }

    /// A programme amendment whose schema holds but whose rule type the engine does not know
    /// (the panel's `Eligibility.validate` refuses it), signed by the secretary's key outside
    /// pingshen: refused and named; the session keeps the programme signed before it, rank is
    /// unchanged; `pingshen program amend` signs nothing of it.
    @Test func aProgrammeThePanelRefusesIsNamedAndSetAside() throws {
        let fx = try ChainOrderTests.scored()
        try fx.signCheck()
        let before = try Self.entries(fx.store)
        let rk = try Harness.pingshen(["rank", fx.store, "--format", "json"])
        #expect(!before.isEmpty, "\(rk.stdout.prefix(800)) \(rk.stderr)")
        let text = try String(contentsOfFile: fx.store + "/program.yaml", encoding: .utf8)
        // A rule of a type the engine does not know, first in the list, indented as the list is.
        let at = try #require(text.range(of: "\nrules:\n")).upperBound
        let indent = String(text[at...].prefix { $0 == " " })
        let bad = text.replacingCharacters(in: at..<at, with: indent + "- {id: bogus, type: 不存在的规则}\n")
        let file = fx.dir + "/bad.yaml"
        try bad.write(toFile: file, atomically: true, encoding: .utf8)
        // Its schema holds (the history used to take it); the panel's rule check does not.
        #expect((try? YAMLFile.decode(Program.self, text: bad, path: "p")) != nil)
        #expect(throws: (any Error).self) { try Eligibility.validate(try YAMLFile.decode(Program.self, text: bad, path: "p")) }
        let r = try Harness.pingshen(["program", "amend", fx.store, "--as", "sec", "--key", fx.key("sec"), file, "--reason", "新规则"])
        #expect(r.status != 0 && r.stderr.contains("不存在的规则"), "program amend: \(r.stdout) \(r.stderr)")
        #expect(try Forge.verify(fx.store).status == 0, "nothing was signed")

        let forged = try Forge.governance(fx.store, "sec", kind: .programAmend, body: [
            "program_yaml": .string(bad), "program_sha256": .string(Record.sha256Hex(Data(bad.utf8))), "reason": "新规则"], key: fx.key("sec"))
        try Self.expectRefused(fx.store, forged, en: "unknown type", zh: "不认识")
        let session = try ReviewSession(root: fx.store)
        #expect(!session.program.rules.contains { $0.type == "不存在的规则" })
        #expect(session.governance.programText == text)
        #expect(try Self.entries(fx.store) == before)
    }

    /// The genesis itself with a programme the panel refuses (a rule type the engine does not
    /// know), re-signed with the founding secretary's key: the trust root is not valid, so the
    /// whole store is refused, as for any invalid genesis: verify exits 1 naming it
    /// (`genesis-invalid`, the reason), and a session open throws that error (never a trap).
    @Test func aGenesisWhoseProgrammeThePanelRefusesRefusesTheStore() throws {
        let dir = try Harness.tempDir("gen")
        let store = dir + "/store"
        try Harness.sshKeygen(dir + "/sec", comment: "sec")
        let r = try Harness.pingshen(["init", store, "--program", "shanghai-craftsman", "--year", "2026", "--quota", "2",
                                      "--secretary", "sec", "--name", "秘书", "--pubkey", dir + "/sec.pub", "--key", dir + "/sec"])
        #expect(r.status == 0, "init: \(r.stderr)")
        #expect(try Forge.verify(store).status == 0)
        let file = try #require(Harness.records(store, "sec").first)
        let g = try Record(bytes: Data(contentsOf: URL(fileURLWithPath: file)))
        let text = try #require(g.body["program_yaml"]?.string)
        let at = try #require(text.range(of: "\nrules:\n")).upperBound
        let indent = String(text[at...].prefix { $0 == " " })
        let bad = text.replacingCharacters(in: at..<at, with: indent + "- {id: bogus, type: 不存在的规则}\n")
        var body = g.body
        body["program_yaml"] = .string(bad)
        body["program_sha256"] = .string(Record.sha256Hex(Data(bad.utf8)))
        let forged = Record(kind: g.kind, program: g.program, signer: g.signer, seq: g.seq, prev: g.prev, created: g.created, gov: g.gov, seen: g.seen, body: body)
        try Forge.sign(forged.canonicalBytes(), to: file, key: dir + "/sec")
        let path = String(file.dropFirst(store.count + 1))
        let v = try Self.problems(store, lang: "en")
        #expect(v.status == 1 && v.list.contains { $0["path"] as? String == path && $0["kind"] as? String == "genesis-invalid"
            && ($0["message"] as? String)?.contains("unknown type") == true }, "\(v.list)")
        #expect(throws: (any Error).self) { _ = try ReviewSession(root: store) }
        let rank = try Harness.pingshen(["rank", store, "--format", "json"])
        #expect(rank.status != 0 && rank.stderr.contains("unknown type"), "rank: \(rank.stdout) \(rank.stderr)")
    }
}
