import Foundation
import Testing
import Panel
import Records
import Review

/// Issue 16, hostile values: what a member with a key, or anyone who can write to the store,
/// puts into roster.yaml, program.yaml, a dossier or a signed record — through the real binary.
@Suite struct HostileValuesTests {
    /// The English run of the binary, without the backtracer's prompt should anything trap.
    static func run(_ args: [String]) throws -> Harness.Result {
        try Harness.pingshen(args, env: ["SWIFT_BACKTRACE": "enable=no"])
    }

    static func edit(_ file: String, _ pattern: String, _ replacement: String) throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let re = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        let range = NSRange(text.startIndex..., in: text)
        guard let m = re.firstMatch(in: text, range: range) else { throw StoreFailure("\(pattern) not in \(file)") }
        let out = (text as NSString).replacingCharacters(in: m.range, with: re.replacementString(for: m, in: text, offset: 0, template: replacement))
        try out.write(toFile: file, atomically: true, encoding: .utf8)
    }

    /// Exited by itself (no trap, no signal) with one of `codes`.
    static func exited(_ r: Harness.Result, _ codes: Set<Int32>) -> Bool {
        r.reason == .exit && codes.contains(r.status)
    }

    /// The programme as signed now, edited like `edit`, and offered to `program amend` as sec:
    /// program.yaml is a view of the signed history (issue 11), so a rule changes only this way.
    static func amendProgram(_ fx: Fixture, _ pattern: String, _ replacement: String) throws -> Harness.Result {
        let file = fx.dir + "/program-\(UUID().uuidString.prefix(8)).yaml"
        try FileManager.default.copyItem(atPath: fx.store + "/program.yaml", toPath: file)
        try edit(file, pattern, replacement)
        return try run(["program", "amend", fx.store, "--as", "sec", "--key", fx.key("sec"), file, "--reason", "test"])
    }

    // MARK: identifiers

    /// A roster id holding a newline used to add an authorized_keys line with no `restrict` and
    /// no `command=` (a shell on the review host). roster.yaml is now a view of the signed
    /// history (issue 11): a hand edit of it is never read, `verify` names it, and the signed
    /// path (`member add --id`) and SSHAccess itself refuse the id.
    @Test func rosterIdWithANewlineAddsNoAuthorizedKeysLine() throws {
        let fx = try Fixture()
        let evil = try String(contentsOfFile: fx.key("m2") + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let honest = try Self.run(["ssh", "authorized-keys", fx.store, "--binary", "/opt/pingshen/bin/pingshen"])
        try Self.edit(fx.store + "/roster.yaml", "^(\\s*-?\\s*)id: m1$", "$1id: \"m1\\\\n\(evil)\"")
        #expect(try String(contentsOfFile: fx.store + "/roster.yaml", encoding: .utf8).contains("m1\\n"))
        let r = try Self.run(["ssh", "authorized-keys", fx.store, "--binary", "/opt/pingshen/bin/pingshen"])
        #expect(Self.exited(r, [0, 1]), "\(r.status) \(r.stdout) \(r.stderr)")
        // Every line still comes from the signed roster: the edit added nothing.
        #expect(r.stdout == honest.stdout, "\(r.stdout)")
        #expect(r.stdout.split(separator: "\n").filter { $0.hasPrefix("restrict,") }.count == 7)
        #expect(r.stdout.components(separatedBy: evil.split(separator: " ")[1]).count == 2, "m2's key once, as m2's")
        let v = try Self.run(["verify", fx.store, "--format", "json"])
        #expect(v.status == 1 && v.stdout.contains("roster-view-mismatch"), "\(v.stdout)")
        // The signed path refuses the id before anything is signed.
        let add = try Self.run(["member", "add", fx.store, "--as", "sec", "--key", fx.key("sec"), "--id", "m9\n" + evil,
                                "--name", "x", "--role", "member", "--pubkey", fx.key("m2") + ".pub"])
        #expect(Self.exited(add, [1, 64]), "\(add.status) \(add.stderr)")
        #expect(add.stderr.contains("--id") || add.stderr.contains("id"), "\(add.stderr)")
        #expect(Harness.records(fx.store, "sec").count == 1 + Fixture.governanceRecords)
        // The session layer refuses the same id on its own, naming the entry.
        let roster = Roster(members: [Member(id: "m1\n" + evil, name: "x", role: .member, key: evil)])
        #expect(throws: ActionError.self) { try SSHAccess.authorizedKeys(store: fx.store, roster: roster, binary: "/bin/true") }
        do { _ = try SSHAccess.authorizedKeys(store: fx.store, roster: roster, binary: "/bin/true") } catch let e as ActionError {
            #expect(e.en.contains("roster entry 1"))
            #expect(!e.en.contains("\n"))
        }
    }

    /// A key with options before it, or a second key after it, gets no line either: not from a
    /// roster SSHAccess is handed, not from a hand-edited roster.yaml (never read), and not
    /// through the signed `member add --pubkey`.
    @Test func keyWithOptionsOrExtraFieldsAddsNoLine() throws {
        let fx = try Fixture()
        let pub = try String(contentsOfFile: fx.key("m1") + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let other = try String(contentsOfFile: fx.key("m2") + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let bads = ["command=\"sh\" " + pub, pub + "\n" + other, "ssh-ed25519 " + pub.split(separator: " ")[1] + "AAAA m1"]
        for bad in bads {
            let roster = Roster(members: [Member(id: "m1", name: "x", role: .member, key: bad)])
            #expect(throws: ActionError.self, "\(bad)") { try SSHAccess.authorizedKeys(store: fx.store, roster: roster, binary: "/bin/true") }
        }
        let honest = try Self.run(["ssh", "authorized-keys", fx.store]).stdout
        let saved = try String(contentsOfFile: fx.store + "/roster.yaml", encoding: .utf8)
        try Self.edit(fx.store + "/roster.yaml", "^(\\s*)key: (ssh-ed25519 \\S+)\\s+m1$", "$1key: 'command=\"sh\" $2 m1'")
        var r = try Self.run(["ssh", "authorized-keys", fx.store])
        #expect(Self.exited(r, [0, 1]), "\(r.stdout) \(r.stderr)")
        #expect(r.stdout == honest && !r.stdout.contains("command=\"sh\""), "\(r.stdout)")
        try saved.write(toFile: fx.store + "/roster.yaml", atomically: true, encoding: .utf8)
        try Self.edit(fx.store + "/roster.yaml", "^(\\s*)key: (ssh-ed25519 \\S+)\\s+m1$", "$1key: \"$2 m1\\\\n\(other)\"")
        r = try Self.run(["ssh", "authorized-keys", fx.store])
        #expect(Self.exited(r, [0, 1]), "\(r.stdout) \(r.stderr)")
        #expect(r.stdout == honest, "\(r.stdout)")
        // Through the signed path each bad key file is refused, naming --pubkey, and nothing is signed.
        for (i, bad) in bads.enumerated() {
            let file = fx.dir + "/bad\(i).pub"
            try bad.write(toFile: file, atomically: true, encoding: .utf8)
            let add = try Self.run(["member", "add", fx.store, "--as", "sec", "--key", fx.key("sec"), "--id", "m9",
                                    "--name", "x", "--role", "member", "--pubkey", file])
            #expect(Self.exited(add, [1]), "\(bad): \(add.status) \(add.stderr)")
            #expect(add.stderr.contains("pub"), "\(add.stderr)")
        }
        #expect(Harness.records(fx.store, "sec").count == 1 + Fixture.governanceRecords)
    }

    /// A dossier id with a space is refused when the store is read, naming the file, instead of
    /// blocking `eligibility` for everyone later.
    @Test func dossierIdWithASpaceIsRejectedWhenLoaded() throws {
        let fx = try Fixture()
        try "id: D 9\nfields:\n  name: 某某\n".write(toFile: fx.store + "/dossiers/D 9.yaml", atomically: true, encoding: .utf8)
        let r = try Self.run(["check", fx.store])
        #expect(Self.exited(r, [1]), "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("D 9.yaml"), "\(r.stderr)")
        #expect(r.stderr.contains("dossier id"), "\(r.stderr)")
    }

    /// Ids on the command line are checked on entry.
    @Test func commandLineIdsAreChecked() throws {
        let fx = try Fixture()
        let r = try Self.run(["score", fx.store, "--as", "../m1", "--dossier", "D001", "--key", fx.key("m1"), "--score", "craft=1"])
        #expect(Self.exited(r, [64]), "\(r.status) \(r.stderr)")
        #expect(r.stderr.contains("--as '../m1' is not a valid id"), "\(r.stderr)")
        #expect(Harness.records(fx.store, "m1").isEmpty)
    }

    // MARK: numbers

    /// Signs a score with any points, as a member with a key could by hand.
    static func forge(_ fx: Fixture, _ member: String, _ dossier: String, _ points: [String: Int64]) throws {
        let layout = StoreLayout(fx.store)
        let store = RecordStore(layout: layout)
        _ = try store.append(kind: .score, body: ["dossier": .string(dossier), "points": .object(points.mapValues { .int($0) }), "vote": .string("recommend")],
                             program: try RecordStore.programInstance(layout), signerID: member, signer: try KeyFileSigner(path: fx.key(member)))
    }

    /// Every command that reads the store, with each ranking method: none may trap.
    static func everyCommand(_ fx: Fixture) -> [[String]] {
        [["rank", fx.store, "--format", "json"], ["rank", fx.store], ["rank", fx.store, "--format", "csv"], ["stats", fx.store],
         ["stats", fx.store, "--format", "json"], ["verify", fx.store], ["check", fx.store],
         ["export", fx.store, "publicity"], ["finalize", fx.store, "--as", "chair", "--key", fx.key("chair")]]
    }

    /// Four points of Int64.max wrapped to a total of −4, and traps (SIGILL) in stats, rank and
    /// finalize under mean, z-score and borda. Now nothing traps and the sheet is not counted.
    @Test(arguments: ["trimmed-mean", "mean", "median", "z-score", "borda"])
    func int64MaxPointsTrapNothing(method: String) throws {
        let fx = try Fixture()
        if method != "trimmed-mean" {
            let a = try Self.amendProgram(fx, "^(\\s*)method: trimmed-mean$", "$1method: \(method)")
            #expect(a.status == 0, "\(a.stderr)")
        }
        let huge = Int64.max
        for m in ["m1", "m2", "m3"] {
            try Self.forge(fx, m, "D001", ["craft": huge, "skill": huge, "leadership": huge, "contribution": huge])
            #expect(try fx.score(m, "D002", [20, 20, 20, 20]).status == 0)
            #expect(try fx.score(m, "D003", [10, 10, 10, 10]).status == 0)
        }
        try Self.forge(fx, "m4", "D003", ["craft": huge, "skill": 1, "leadership": 1, "contribution": 1])
        try fx.signCheck()
        for args in Self.everyCommand(fx) {
            let r = try Self.run(args)
            #expect(Self.exited(r, [0, 1]), "\(args) → \(r.reason) \(r.status) \(r.stderr)")
        }
        let rank = try Harness.json(try Self.run(["rank", fx.store, "--format", "json"]).stdout)
        let d1 = try #require((rank["entries"] as? [[String: Any]])?.first { $0["dossier"] as? String == "D001" })
        #expect(d1["status"] as? String == "no-quorum")
        for e in rank["entries"] as? [[String: Any]] ?? [] {
            if let s = e["score"] as? String { #expect(!s.hasPrefix("-"), "\(e)") }
        }
    }

    /// Nonsense in a programme definition: `program amend` refuses each value naming the file,
    /// the line and the key, in English under --lang en, signs nothing, and nothing traps. The
    /// same nonsense written into program.yaml by hand is never read: every command goes on
    /// with the signed programme (or stops on the view that differs), and none traps.
    @Test func programYamlNonsenseIsRefusedWithItsLine() throws {
        let fx = try Fixture()
        let file = fx.store + "/program.yaml"
        let saved = try String(contentsOfFile: file, encoding: .utf8)
        let cases: [(pattern: String, replacement: String, key: String)] = [
            ("^(\\s*)method: trimmed-mean$", "$1method: foo", "aggregation.method"),
            ("^quota: \\d+$", "quota: -1", "quota"),
            ("^(\\s*)quorum: \\d+$", "$1quorum: -1", "aggregation.quorum"),
            ("^(\\s*)quorum: (\\d+)$", "$1quorum: $2\n$1approval_threshold: \"2/0\"", "aggregation.approval_threshold"),
            ("^(\\s*)- median$", "$1- coin", "aggregation.tie_breaks[0]"),
            ("^(\\s*)trim: \\d+$", "$1trim: 9223372036854775807", "aggregation.trim"),
            ("(criteria:[\\s\\S]*?max: )25$", "$19223372036854775807", "sheet.criteria[0].max"),
            ("(criteria:[\\s\\S]*?max: )25$", "$1-25", "sheet.criteria[0].max"),
            ("(type: sanctions[\\s\\S]*?max: )5$", "$19223372036854775807", "rules[5].max"),
            ("(criteria:[\\s\\S]*?id: )skill$", "$1craft", "sheet.criteria[1].id"),
            ("^(\\s*)criteria:[\\s\\S]*?\\n(\\s*)votes:", "$1criteria: []\n$2votes:", "sheet.criteria"),
            ("^quota: (\\d+)$", "quota: $1\nbonus: 900", "bonus"),
            ("^year: \\d+$", "year: 0", "year"),
        ]
        let signed = Harness.records(fx.store, "sec").count
        for c in cases {
            let r = try Self.amendProgram(fx, c.pattern, c.replacement)
            #expect(Self.exited(r, [1]), "\(c.replacement) → \(r.reason) \(r.status) \(r.stdout)")
            #expect(r.stderr.range(of: "program-[0-9A-F]{8}\\.yaml:\\d+", options: .regularExpression) != nil, "\(c.replacement): \(r.stderr)")
            #expect(r.stderr.contains(c.key), "\(c.replacement): \(r.stderr)")
            #expect(!r.stderr.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }, "not English: \(r.stderr)")
        }
        #expect(Harness.records(fx.store, "sec").count == signed, "nothing signed")
        for c in cases {
            try saved.write(toFile: file, atomically: true, encoding: .utf8)
            try Self.edit(file, c.pattern, c.replacement)
            for args in Self.everyCommand(fx) {
                let r = try Self.run(args)
                #expect(Self.exited(r, [0, 1]), "\(c.replacement) \(args) → \(r.reason) \(r.status) \(r.stderr)")
                if args[0] == "verify" { #expect(r.status == 1 && r.stdout.contains("program.yaml"), "\(r.stdout)") }
            }
        }
    }

    /// A YAML syntax error says its line, not "The given data was not valid YAML.".
    @Test func yamlSyntaxErrorNamesTheLine() throws {
        let fx = try Fixture()
        let r = try Self.amendProgram(fx, "^quota: (\\d+)$", "quota: [1, 2\nyear: 2026")
        #expect(Self.exited(r, [1]))
        #expect(!r.stderr.contains("not valid YAML"), "\(r.stderr)")
        #expect(r.stderr.range(of: "\\.yaml:\\d+: YAML syntax error", options: .regularExpression) != nil, "\(r.stderr)")
    }

    @Test(arguments: ["9223372036854775807", "0", "1999", "2101"])
    func initYearOutOfBounds(year: String) throws {
        let dir = try Harness.tempDir("year")
        try Harness.sshKeygen(dir + "/sec")
        let r = try Self.run(["init", dir + "/s", "--program", "shanghai-craftsman", "--year", year,
                              "--secretary", "sec", "--name", "秘书", "--pubkey", dir + "/sec.pub", "--key", dir + "/sec"])
        #expect(Self.exited(r, [1]), "\(r.reason) \(r.status) \(r.stderr)")
        #expect(r.stderr.contains("--year") && r.stderr.contains("2000…2100"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/s/program.yaml"))
    }

    @Test(arguments: ["9223372036854775807", "0"])
    func verifyThreadsOutOfBounds(threads: String) throws {
        let fx = try Fixture()
        let r = try Self.run(["verify", fx.store, "--threads", threads])
        #expect(Self.exited(r, [64]), "\(r.reason) \(r.status) \(r.stderr)")
        #expect(r.stderr.contains("--threads") && r.stderr.contains("1…256"), "\(r.stderr)")
    }

    /// Every number argument is bounded on entry (simulate and bench-ui allocated from them).
    @Test func numberArgumentsAreBounded() throws {
        let dir = try Harness.tempDir("bounds")
        let huge = "9223372036854775807"
        for (args, option) in [(["simulate", dir + "/s", "--dossiers", huge, "--members", "2"], "--dossiers"),
                               (["simulate", dir + "/s", "--dossiers", "2", "--members", huge], "--members"),
                               (["bench-ui", dir + "/s", "--as", "m1", "--cols", huge], "--cols"),
                               (["bench-ui", dir + "/s", "--as", "m1", "--rows", "0"], "--rows"),
                               (["bench-ui", dir + "/s", "--as", "m1", "--keys", huge], "--keys")] {
            let r = try Self.run(args)
            #expect(Self.exited(r, [64]), "\(args): \(r.reason) \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(option) && r.stderr.contains("is outside"), "\(args): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/s"))
    }

    // MARK: terminal and spreadsheet injection

    static let hostileName = "王\u{1B}]52;c;ZXZpbA==\u{07}师\u{202E}傅\u{9B}31m\u{200B}"

    /// Dossier text reaches no terminal raw: ESC (OSC 52), BEL, C1, U+202E, U+200B are shown as
    /// \u{…} in check, rank, stats, export and verify; JSON stays JSON.
    @Test func hostileDossierTextIsMadeVisible() throws {
        let csv = Fixture.defaultCSV.replacingOccurrences(of: "D002,李师傅", with: "D002,\"\(Self.hostileName)\"")
        let fx = try Fixture(dossiers: csv)
        for m in ["m1", "m2", "m3"] {
            #expect(try fx.score(m, "D002", [20, 20, 20, 20], vote: "recommend", extra: ["--comment", "好\u{1B}[2J\u{202E}"]).status == 0)
        }
        try fx.signCheck()
        func clean(_ s: String) -> Bool {
            !s.unicodeScalars.contains { TerminalText.isUnsafe($0) && $0 != "\n" }
        }
        for args in [["check", fx.store], ["rank", fx.store], ["rank", fx.store, "--format", "md"], ["stats", fx.store],
                     ["export", fx.store, "publicity"], ["verify", fx.store]] {
            let r = try Self.run(args)
            #expect(clean(r.stdout) && clean(r.stderr), "\(args): \(r.stdout.debugDescription)")
        }
        let table = try Self.run(["rank", fx.store]).stdout
        #expect(table.contains("\\u{1B}]52;c;ZXZpbA==\\u{7}"), "\(table)")
        #expect(table.contains("\\u{202E}"))
        let json = try Harness.json(try Self.run(["rank", fx.store, "--format", "json"]).stdout)
        let names = (json["entries"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(names.contains(Self.hostileName))
    }

    /// CSV cells that a spreadsheet would run as a formula are prefixed with ' (OWASP).
    @Test func csvFormulaCellsAreNeutralised() throws {
        let csv = Fixture.defaultCSV.replacingOccurrences(of: "D002,李师傅", with: "D002,=HYPERLINK(\"http://x\")")
            .replacingOccurrences(of: "D003,张师傅", with: "D003,@SUM(1)")
        let fx = try Fixture(dossiers: csv)
        try fx.signCheck()
        let out = try Self.run(["rank", fx.store, "--format", "csv"]).stdout
        #expect(out.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "\(out)")
        #expect(out.contains(",'@SUM(1),"), "\(out)")
        #expect(CSV.exportField("-12") == "-12")
        #expect(CSV.exportField("-0.25") == "-0.25")
        #expect(CSV.exportField("-") == "-")
        #expect(CSV.exportField("-7/2") == "'-7/2")
        #expect(CSV.exportField("+cmd") == "'+cmd")
        #expect(CSV.exportField("\tx") == "'\tx")
    }

    // MARK: messages

    /// --lang en reaches errors thrown while reading the store.
    @Test func storeErrorsFollowLang() throws {
        let dir = try Harness.tempDir("lang")
        for args in [["rank", dir + "/none"], ["verify", dir + "/none"], ["check", dir + "/none"]] {
            let r = try Self.run(args)
            #expect(r.status != 0)
            #expect(!r.stderr.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }, "\(args): \(r.stderr)")
        }
    }
}
