import Foundation
import Testing
import Records
import Panel
import Review

/// Rounds and shortlists (issue 13, 初评/终评), with the real binary on the programme of
/// `GroupFixture`: 3 groups, 9 members, 30 dossiers.
extension GroupFixture {
    /// Two rounds: 初评 by groups with `shortlist`, 终评 by the committee.
    static func roundsYAML(shortlist: String = "{ratio: \"3/2\"}", round1: String = "", round2: String = "") -> String {
        """
        rounds:
          - round: 1
            name: {zh: 初评, en: first round}
            by: groups
            shortlist: \(shortlist)
        \(round1)  - round: 2
            name: {zh: 终评, en: final round}
            by: committee
        \(round2)
        """
    }
}

@Suite struct RoundsTests {
    /// program.yaml `rounds:` is schema-checked: each broken definition is refused by
    /// `program amend`, naming the place; a good one is signed.
    @Test func roundsAreSchemaChecked() throws {
        let fx = try GroupFixture()
        let one = "  - round: 1\n    name: {zh: 初评, en: first}\n    by: groups\n"
        let last = "  - round: 2\n    name: {zh: 终评, en: final}\n    by: committee\n"
        let bad: [(String, String)] = [
            ("rounds: []\n", "rounds"),
            ("rounds:\n" + one + "    shortlist: {per_group: 3}\n" + "  - round: 3\n    name: {zh: 终评, en: final}\n    by: committee\n", "rounds[1].round"),
            ("rounds:\n" + one + last, "rounds[0].shortlist"),
            ("rounds:\n" + one + "    shortlist: {per_group: 3}\n" + last + "    shortlist: {per_group: 3}\n", "rounds[1].shortlist"),
            ("rounds:\n" + one + "    shortlist: {per_group: 3, ratio: \"3/2\"}\n" + last, "rounds[0].shortlist"),
            ("rounds:\n" + one + "    shortlist: {}\n" + last, "rounds[0].shortlist"),
            ("rounds:\n" + one + "    shortlist: {per_group: 0}\n" + last, "per_group"),
            ("rounds:\n" + one + "    shortlist: {per_group: 9223372036854775807}\n" + last, "per_group"),
            ("rounds:\n" + one + "    shortlist: {ratio: \"0\"}\n" + last, "ratio"),
            ("rounds:\n" + one + "    shortlist: {ratio: \"101\"}\n" + last, "ratio"),
            ("rounds:\n" + one + "    shortlist: {ratio: \"3/0\"}\n" + last, "ratio"),
            ("rounds:\n" + one + "    shortlist: {ratio: \"-3/2\"}\n" + last, "ratio"),
            ("rounds:\n" + one + "    shortlist: {ratio: \"9223372036854775807/1\"}\n" + last, "ratio"),
            ("rounds:\n" + one + "    shortlist: {ratio: \"1.5\", extra: 1}\n" + last, "extra"),
            ("rounds:\n" + one + "    shortlist: {per_group: 3}\n" + "  - round: 2\n    name: {zh: 终评, en: final}\n    by: groups\n", "rounds[1].by"),
            ("rounds:\n" + one + "    shortlist: {per_group: 3}\n" + "  - round: 2\n    name: {zh: 终评, en: final}\n    by: everyone\n", "rounds[1].by"),
            ("rounds:\n" + one + "    shortlist: {per_group: 3}\n    method: coin\n" + last, "rounds[0].method"),
            ("rounds:\n" + one + "    shortlist: {per_group: 3}\n    quorum: 0\n" + last, "rounds[0].quorum"),
            ("rounds:\n" + one + "    shortlist: {per_group: 3}\n    sheet: {criteria: [], votes: off}\n" + last, "rounds[0].sheet.criteria"),
            ("rounds:\n" + one + "    shortlist: {per_group: 3}\n    sheet: {criteria: [{id: a, name: {zh: 甲, en: A}, rubric: {zh: 甲, en: A}, max: 5000}], votes: off}\n" + last, "rounds[0].sheet.criteria[0].max"),
            ("rounds:\n  - round: 1\n    name: {zh: \"\", en: first}\n    by: groups\n    shortlist: {per_group: 3}\n" + last, "rounds[0].name"),
            ("rounds:\n" + one + "    shortlist: {per_group: 3}\n    colour: red\n" + last, "colour"),
        ]
        for (yaml, says) in bad {
            let r = try fx.amendProgram(yaml)
            #expect(r.status != 0 && r.stderr.contains(says), "\(yaml) → \(says): \(r.stderr)")
        }
        // Eleven rounds are too many.
        var many = "rounds:\n"
        for i in 1...11 { many += "  - round: \(i)\n    name: {zh: 轮\(i), en: r\(i)}\n    by: committee\n" + (i < 11 ? "    shortlist: {per_group: 3}\n" : "") }
        let r = try fx.amendProgram(many)
        #expect(r.status != 0 && r.stderr.contains("rounds"), "\(r.stderr)")
        // A good one is signed, and the store verifies.
        let ok = try fx.amendProgram(GroupFixture.roundsYAML(round2: "    method: mean\n    quorum: 5\n"))
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try fx.verify().status == 0)
    }

    /// The largest-remainder split of a ratio across groups, exactly as README says.
    @Test func apportionmentIsLargestRemainder() {
        // 1.5 × 10 places = 15 over 30 nominations 12/10/8: 6, 5, 4 exactly.
        #expect(ShortlistRule(ratio: "3/2").apportion(quota: 10, nominations: ["a": 12, "b": 10, "c": 8]) == ["a": 6, "b": 5, "c": 4])
        // 1.5 × 5 = 7.5 → 8 over 10/10/10: 2, 2, 2 and two left: equal remainders, equal
        // nominations, so by group id (a, b).
        #expect(ShortlistRule(ratio: "1.5").apportion(quota: 5, nominations: ["c": 10, "b": 10, "a": 10]) == ["a": 3, "b": 3, "c": 2])
        // 7 over 5/3/2 (N = 10): 3.5, 2.1, 1.4 → 3, 2, 1, and the one left to the largest remainder (a).
        #expect(ShortlistRule(ratio: "7/10").apportion(quota: 10, nominations: ["a": 5, "b": 3, "c": 2]) == ["a": 4, "b": 2, "c": 1])
        // Never more than the nominations: 100 × 10 places over 7 dossiers sends all 7.
        #expect(ShortlistRule(ratio: "100").apportion(quota: 10, nominations: ["a": 4, "b": 3]) == ["a": 4, "b": 3])
        #expect(ShortlistRule(perGroup: 4).apportion(quota: 10, nominations: ["a": 12, "b": 3]) == ["a": 4, "b": 3])
        // No overflow at the bounds.
        #expect(ShortlistRule(ratio: "100").apportion(quota: 100_000, nominations: ["a": 1_000_000]) == ["a": 1_000_000])
        #expect(ShortlistRule(ratio: "x").apportion(quota: 10, nominations: ["a": 1]) == nil)
        for bad in ["0", "0/5", "101", "100.000000001", "1e3", "", " / ", "1/-2", "１.5"] { #expect(ShortlistRule.parseRatio(bad) == nil, "\(bad)") }
        #expect(ShortlistRule.parseRatio("1.5")! == (15, 10))
        #expect(ShortlistRule.parseRatio("100")! == (100, 1))
    }

    /// Hostile `round` values on sheets and recusals, and hostile shortlist bodies, signed with
    /// the right keys outside pingshen: each a problem verify names, never a trap.
    @Test func hostileRoundValuesAndShortlistBodies() throws {
        let fx = try GroupFixture()
        #expect(try fx.amendProgram(GroupFixture.roundsYAML()).status == 0)
        let pts: JSONValue = .object(["craft": .int(20), "skill": .int(20), "leadership": .int(20), "contribution": .int(20)])
        func sheet(_ round: JSONValue?) -> [String: JSONValue] {
            var b: [String: JSONValue] = ["dossier": .string("D01"), "points": pts]
            if let round { b["round"] = round }
            return b
        }
        let good: [String: JSONValue] = [
            "round": .int(1), "group": .string("mech"), "size": .int(2), "nominations": .int(10), "method": .string("trimmed-mean"), "quorum": .int(3),
            "counted": .object(["m1": .int(1)]),
            "ranking": .array([.object(["rank": .int(1), "dossier": .string("D01"), "exact": .string("80"), "status": .string("selected")]),
                               .object(["rank": .int(2), "dossier": .string("D02"), "exact": .string("70"), "status": .string("not-selected")])]),
            "shortlist": .array([.string("D01")]), "resolutions": .array([]), "excluded": .object([:]),
        ]
        func with(_ k: String, _ v: JSONValue?) -> [String: JSONValue] { var b = good; b[k] = v; return b }
        let cases: [(String, RecordKind, [String: JSONValue], String)] = [
            ("m1", .score, sheet(.int(3)), "round 3"),
            ("m1", .score, sheet(.int(0)), "round"),
            ("m1", .score, sheet(.int(Int64.max)), "round"),
            ("m1", .score, sheet(.string("2")), "round"),
            ("m1", .recusal, ["dossier": .string("D01"), "round": .int(-1)], "round"),
            ("m1", .recusal, ["dossier": .string("D01"), "round": .int(7)], "round 7"),
            ("chair", .shortlist, with("round", .int(2)), "round 2"),
            ("chair", .shortlist, with("round", .int(99)), "round"),
            ("chair", .shortlist, with("group", nil), "group"),
            ("chair", .shortlist, with("group", .string("../x")), "group"),
            ("chair", .shortlist, with("size", .int(-1)), "size"),
            ("chair", .shortlist, with("size", .int(0)), "more than its size"),
            ("chair", .shortlist, with("method", .string("coin")), "method"),
            ("chair", .shortlist, with("counted", .object(["m1": .int(-4)])), "counted"),
            ("chair", .shortlist, with("counted", .object(["ghost": .int(1)])), "ghost"),
            ("chair", .shortlist, with("assignment", .string("zz")), "assignment"),
            ("chair", .shortlist, with("from", .array([.int(1)])), "from"),
            ("chair", .shortlist, with("shortlist", .array([.string("D02")])), "selected"),
            ("chair", .shortlist, with("shortlist", .array([.string("D01"), .string("D01")])), "shortlist"),
            ("chair", .shortlist, with("ranking", .array([.object(["rank": .int(1), "dossier": .string("D99"), "exact": .string("1"), "status": .string("not-selected")])])).merging(["shortlist": .array([])]) { _, b in b }, "D99"),
            ("chair", .shortlist, with("ranking", .array([.object(["rank": .int(1), "dossier": .string("D01"), "exact": .string("1"), "status": .string("tie-at-cut")])])).merging(["shortlist": .array([])]) { _, b in b }, "tie-at-cut"),
            ("chair", .shortlist, with("resolutions", .array([.object(["dossier": .string("D02"), "decision": .string("selected"), "reason": .string("x")])])), "resolutions[0]"),
            ("chair", .shortlist, with("apportion", .object(["ratio": .string("0")])), "apportion"),
            ("sec", .shortlist, good, "role"),
            ("m1", .shortlist, good, "role"),
        ]
        for (signer, kind, body, says) in cases {
            let path = try Forge.record(fx.store, signer, kind: kind, body: body, key: fx.key(signer))
            let v = try fx.verify()
            #expect(v.status == 1)
            #expect(v.problems.contains { $0["path"] as? String == path && ($0["message"] as? String ?? "").contains(says) }, "\(kind) \(says): \(v.problems)")
            try FileManager.default.removeItem(atPath: fx.store + "/" + path)
            try FileManager.default.removeItem(atPath: fx.store + "/" + path + ".sig")
        }
        #expect(try fx.verify().status == 0)
    }
}

/// A grouped store through round 1: the programme with rounds (`shortlist`), the groups signed,
/// the assignment at K = 3 (seed 42), every dossier eligible, and every assigned member's
/// round-1 sheet: dossier Dnn totals 100 − 3(nn − 1), except D13, which ties D12.
struct RoundsFixture {
    let fx: GroupFixture
    var store: String { fx.store }

    init(shortlist: String = "{ratio: \"3/2\"}", round2: String = "") throws {
        fx = try GroupFixture()
        var r = try fx.amendProgram(GroupFixture.roundsYAML(shortlist: shortlist, round2: round2))
        #expect(r.status == 0, "rounds: \(r.stderr)")
        try fx.grouped()
        r = try fx.assign(["--per-dossier", "3", "--seed", "42"])
        #expect(r.status == 0, "assign: \(r.stderr)")
        r = try Harness.pingshen(["eligibility", fx.store, "--as", "sec", "--key", fx.key("sec"), "--all"])
        #expect(r.status == 0, "eligibility: \(r.stderr)")
        for (d, e) in try fx.table().sorted(by: { $0.key < $1.key }) {
            let i = Int(d.dropFirst())!
            for m in e.members {
                let r = try score(m, d, total: 100 - 3 * ((i == 13 ? 12 : i) - 1))
                #expect(r.status == 0, "\(m) \(d): \(r.stderr)")
            }
        }
    }

    /// Four criteria of 25 points making `total`.
    static func points(_ total: Int) -> [String] {
        var left = total, out: [String] = []
        for c in ["craft", "skill", "leadership", "contribution"] { let p = min(25, left); out.append("\(c)=\(p)"); left -= p }
        return out
    }

    func score(_ m: String, _ d: String, total: Int, extra: [String] = []) throws -> Harness.Result {
        try Harness.pingshen(["score", store, "--as", m, "--dossier", d, "--key", fx.key(m), "--score"] + RoundsFixture.points(total) + extra)
    }

    func chair(_ args: [String]) throws -> Harness.Result {
        try Harness.pingshen([args[0], store, "--as", "chair", "--key", fx.key("chair")] + Array(args.dropFirst()))
    }

    func rank(_ extra: [String] = []) throws -> [String: Any] {
        let r = try Harness.pingshen(["rank", store, "--format", "json"] + extra)
        #expect(r.status == 0, "rank \(extra): \(r.stderr)")
        return (try? Harness.json(r.stdout)) ?? [:]
    }

    /// Both round-1 shortlist commands: mech alone, then the rest with the tie at weld's line resolved.
    func shortlistRoundOne() throws {
        var r = try chair(["shortlist", "--round", "1", "--group", "mech"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try chair(["shortlist", "--round", "1", "--resolve", "D12=selected:事迹更突出", "--resolve", "D13=not-selected:事迹较弱"])
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// The body of a round-1 shortlist for weld as the chair's key could sign it outside the
    /// session: D13 on instead of D12, the tie at the line not resolved; `counted` what the
    /// store holds (as the session would put it); no pinned assignment unless `assignment`.
    static func forgedWeldShortlist(_ store: String, assignment: String? = nil) throws -> [String: JSONValue] {
        var rows: [JSONValue] = []
        for i in 11...20 {
            let rank: Int = i == 13 ? 2 : (i == 12 ? 3 : i - 10)
            let exact: Int = 100 - 3 * ((i == 13 ? 12 : i) - 1)
            let st = i == 11 || i == 13 ? "selected" : "not-selected"
            rows.append(.object(["rank": .int(Int64(rank)), "dossier": .string(String(format: "D%02d", i)), "exact": .string(String(exact)), "status": .string(st)]))
        }
        var body: [String: JSONValue] = [
            "round": .int(1), "group": .string("weld"), "size": .int(2), "nominations": .int(10), "method": .string("trimmed-mean"), "quorum": .int(3),
            "counted": .object(Forge.seen(store, except: "chair").mapValues { JSONValue.int(Int64($0)) }), "gov": .string(try Forge.head(store)),
            "ranking": .array(rows),
            "shortlist": .array([.string("D11"), .string("D13")]), "resolutions": .array([]), "excluded": .object([:]),
        ]
        if let assignment { body["assignment"] = .string(assignment) }
        return body
    }

    /// The SHA-256 of the assignment record in force (the fixture signs one).
    func assignmentSHA() throws -> String? {
        for p in Harness.records(store, "sec").reversed() {
            let r = try Record(bytes: Data(contentsOf: URL(fileURLWithPath: p)))
            if r.kind == .assignment { return try Forge.sha(store, Harness.recordPath(p)) }
        }
        return nil
    }

    /// Round 2 totals: the order of round 1 reversed on the shortlist.
    static let roundTwo = ["D23": 95, "D22": 90, "D21": 85, "D12": 80, "D11": 75, "D03": 70, "D02": 65, "D01": 60]

    /// The store as a git store, synced to a `hub init` hub and to a plain bare repository, and
    /// a clone of the plain one (`evil`, git-enabled): where the hostile tests forge.
    func hubPlainAndClone() throws -> (hub: String, plain: String, evil: String, fingerprint: String) {
        let dir = fx.dir
        #expect(try Harness.pingshen(["git", "enable", store]).status == 0)
        let fp = try Harness.json(Harness.pingshen(["verify", store, "--format", "json"]).stdout)["fingerprint"] as? String ?? ""
        let hub = dir + "/hub.git", plain = dir + "/plain.git", evil = dir + "/evil"
        let r = try Harness.pingshen(["hub", "init", hub, "--store-fingerprint", fp])
        #expect(r.status == 0, "hub init: \(r.stderr)")
        #expect(try Harness.run(GitCLI.exe, ["init", "-q", "--bare", "-b", "main", plain]).status == 0)
        for remote in [hub, plain] {
            let s = try Harness.pingshen(["sync", store, remote, "--as", "sec", "--key", fx.key("sec")])
            #expect(s.status == 0, "sync \(remote): \(s.stdout) \(s.stderr)")
        }
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", plain, evil]).status == 0)
        #expect(try Harness.pingshen(["git", "enable", evil]).status == 0)
        return (hub, plain, evil, fp)
    }
}

extension RoundsTests {
    /// The whole programme in two rounds with the real binary: 3 groups, 9 members, 30 dossiers,
    /// the assignment at K = 3; round 1 ranked within each group, the shortlists apportioned
    /// (1.5 × 5 places = 8, 3/3/2), a tie at weld's line refused until resolved; round 2 by the
    /// committee on the shortlist only; `finalize` on round 2; `verify` recomputing the
    /// assignment and the shortlists: exit 0.
    @Test func twoRoundsWithShortlistsThenFinalizeAndVerify() throws {
        let rf = try RoundsFixture()
        // Round 1, ranked within each group, with the shortlist sizes as each group's quota.
        var j = try rf.rank(["--round", "1"])
        #expect(j["round"] as? Int == 1 && j["quota"] as? Int == 8, "\(j)")
        var entries = j["entries"] as? [[String: Any]] ?? []
        #expect(entries.count == 30 && entries.allSatisfy { $0["round"] as? Int == 1 && $0["group"] is String })
        func status(_ es: [[String: Any]], _ d: String) -> String? { es.first { $0["dossier"] as? String == d }?["status"] as? String }
        #expect(entries.filter { $0["status"] as? String == "selected" }.compactMap { $0["dossier"] as? String }.sorted()
                == ["D01", "D02", "D03", "D11", "D21", "D22", "D23"])
        #expect(status(entries, "D12") == "tie-at-cut" && status(entries, "D13") == "tie-at-cut")
        j = try rf.rank(["--round", "1", "--group", "weld"])
        entries = j["entries"] as? [[String: Any]] ?? []
        #expect(entries.count == 10 && entries.allSatisfy { $0["group"] as? String == "weld" } && j["quota"] as? Int == 2, "\(j)")
        #expect(entries.first?["rank"] as? Int == 1 && entries.first?["dossier"] as? String == "D11")
        // No round 2 yet: a round-2 sheet is refused, and so is finalize.
        var r = try rf.score("m1", "D01", total: 60, extra: ["--round", "2"])
        #expect(r.status != 0 && r.stderr.contains("not open"), "\(r.stderr)")
        r = try rf.chair(["finalize"])
        #expect(r.status != 0 && r.stderr.contains("shortlist"), "\(r.stderr)")
        // The tie at weld's line: refused, naming the tied, and nothing signed.
        r = try rf.chair(["shortlist", "--round", "1"])
        #expect(r.status != 0 && r.stderr.contains("D12") && r.stderr.contains("D13"), "\(r.stderr)")
        #expect(Harness.records(rf.store, "chair").isEmpty)
        // Whether round 1 is closed, asked of a fresh session (its dossiers not yet qualified:
        // the first screen's way) and then from its lists, as they say.
        func closedAgrees(_ expected: Bool) throws {
            let s = try ReviewSession(root: rf.store)
            let first = s.roundClosed(1)
            let lists = s.roundLists(1)
            let signed = Set(s.shortlists(round: 1).map(\.body.group))
            #expect(first == expected && first == (!lists.isEmpty && lists.keys.allSatisfy { signed.contains($0) }), "\(lists.keys)")
            #expect(s.roundClosed(1) == first)
        }
        try closedAgrees(false)
        // One group, then the rest; round 2 not open while one group is missing.
        r = try rf.chair(["shortlist", "--round", "1", "--group", "mech"])
        #expect(r.status == 0, "\(r.stderr)")
        try closedAgrees(false)
        r = try rf.score("m1", "D01", total: 60, extra: ["--round", "2"])
        #expect(r.status != 0 && r.stderr.contains("not open"), "\(r.stderr)")
        r = try rf.chair(["shortlist", "--round", "1", "--group", "mech"])
        #expect(r.status != 0 && r.stderr.contains("already signed"), "\(r.stderr)")
        r = try rf.chair(["shortlist", "--round", "1", "--resolve", "D12=selected:事迹更突出", "--resolve", "D13=not-selected:事迹较弱"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Harness.records(rf.store, "chair").count == 3)
        try closedAgrees(true)
        // The records: weld's pins its apportionment and the resolutions.
        let weld = try Harness.records(rf.store, "chair").map { try Record(bytes: Data(contentsOf: URL(fileURLWithPath: $0))) }
            .first { $0.body["group"]?.string == "weld" }
        #expect(weld?.body["size"]?.int == 2 && weld?.body["shortlist"]?.array?.compactMap(\.string) == ["D11", "D12"])
        #expect(weld?.body["apportion"]?["total"]?.int == 8 && weld?.body["assignment"]?.string?.count == 64)
        // Round 1 is closed: no more round-1 sheets, no new assignment.
        r = try rf.score("m1", "D01", total: 50, extra: ["--round", "1"])
        #expect(r.status != 0 && r.stderr.contains("closed"), "\(r.stderr)")
        r = try rf.fx.assign(["--seed", "7"])
        #expect(r.status != 0 && r.stderr.contains("round 1"), "\(r.stderr)")
        // A member's list in round 2 (the UI's, Review/Groups.swift) is the shortlist, counted anew.
        let eight = RoundsFixture.roundTwo.keys.sorted()
        var session = try ReviewSession(root: rf.store)
        #expect(session.openRound == 2 && session.assignedDossiers("m3") == eight)
        #expect(session.assignmentCounts("m3").map { [$0.open, $0.done, $0.total] } == [8, 0, 8])
        #expect(session.sheetLock(member: "m3", dossier: "D13") != nil && session.sheetLock(member: "m3", dossier: "D12") == nil)
        // Round 2 on the shortlist only: D13 (not shortlisted) is refused; the committee
        // (any member, assigned or not in round 1) scores the eight.
        r = try rf.score("m1", "D13", total: 99)
        #expect(r.status != 0 && r.stderr.contains("shortlist"), "\(r.stderr)")
        // Without --round a sheet is for the open round, and says so.
        r = try rf.score("m1", "D01", total: 60)
        #expect(r.status == 0, "\(r.stderr)")
        let m1 = try Record(bytes: Data(contentsOf: URL(fileURLWithPath: Harness.records(rf.store, "m1").last!)))
        #expect(m1.kind == .score && m1.body["round"]?.int == 2)
        for (d, t) in RoundsFixture.roundTwo.sorted(by: { $0.key < $1.key }) {
            for m in ["m3", "m6", "m9", "chair"] where !(m == "m6" && d == "D11") {
                r = m == "chair" ? try rf.chair(["score", "--dossier", d, "--score"] + RoundsFixture.points(t)) : try rf.score(m, d, total: t)
                #expect(r.status == 0, "\(m) \(d): \(r.stderr)")
            }
        }
        session = try ReviewSession(root: rf.store)
        #expect(session.assignmentCounts("m3").map { [$0.open, $0.done, $0.total] } == [0, 8, 8])
        // The ledger kept at the last open (LedgerSnapshot) carries the later round whole.
        let built = try Ledger.load(layout: StoreLayout(rf.store))
        let kept = try Ledger.load(layout: StoreLayout(rf.store))
        #expect(kept.fromKeptSnapshot && kept.laterRoundNumbers == [2] && built.laterRoundNumbers == [2])
        #expect(kept.round(2).sheetTable.rows == built.round(2).sheetTable.rows && kept.round(2).sheetTable.rows.count == 32)
        #expect(kept.round(2).latestScore(.init("m3", "D23"))?.sheet.points["craft"] == 25 && kept.latestScore(.init("m3", "D23")) == nil)
        j = try rf.rank()
        #expect(j["round"] as? Int == 2 && j["quota"] as? Int == 5)
        entries = j["entries"] as? [[String: Any]] ?? []
        #expect(entries.count == 8 && entries.allSatisfy { $0["round"] as? Int == 2 && $0["group"] is NSNull }, "\(entries)")
        #expect(entries.prefix(5).compactMap { $0["dossier"] as? String } == ["D23", "D22", "D21", "D12", "D11"])
        #expect(entries.first?["exact"] as? String == "95" && entries.first?["sheets"] as? Int == 4)
        // finalize on round 2, then verify (assignment and shortlists recomputed): exit 0.
        r = try rf.chair(["finalize"])
        #expect(r.status == 0, "\(r.stderr)")
        let v = try rf.fx.verify()
        #expect(v.status == 0, "\(v.problems)")
        let fin = try Record(bytes: Data(contentsOf: URL(fileURLWithPath: Harness.records(rf.store, "chair").last!)))
        #expect(fin.body["selected"]?.array?.compactMap(\.string) == ["D23", "D22", "D21", "D12", "D11"])
        #expect(fin.body["excluded"]?["D13"]?.string == "not-shortlisted")
        // The round-1 ranking still reads as the shortlists resolved it.
        entries = try rf.rank(["--round", "1", "--group", "weld"])["entries"] as? [[String: Any]] ?? []
        #expect(status(entries, "D12") == "selected" && status(entries, "D13") == "not-selected")
    }

    /// Hostile acts against the rounds: a shortlist by a non-chair, for an unknown or the last
    /// round; a round-2 sheet off the shortlist, and one that did not see the shortlist, signed
    /// outside the session; a forged shortlist; an edited one. Each refused or flagged, none
    /// counted.
    @Test func hostileRoundsAndShortlists() throws {
        let rf = try RoundsFixture(shortlist: "{per_group: 2}")
        var r = try Harness.pingshen(["shortlist", rf.store, "--as", "m1", "--key", rf.fx.key("m1"), "--round", "1", "--group", "mech"])
        #expect(r.status != 0 && r.stderr.contains("role"), "\(r.stderr)")
        for (round, says) in [("2", "last round"), ("3", "no round 3"), ("0", "--round"), ("99999999999999999999", "--round")] {
            r = try rf.chair(["shortlist", "--round", round])
            #expect(r.status != 0 && r.stderr.contains(says), "\(round): \(r.stderr)")
        }
        r = try rf.chair(["shortlist", "--round", "1", "--group", "nosuch"])
        #expect(r.status != 0 && r.stderr.contains("nosuch"), "\(r.stderr)")
        r = try rf.chair(["shortlist", "--round", "1", "--group", "mech", "--resolve", "D01=selected:x"])
        #expect(r.status != 0 && r.stderr.contains("D01"), "\(r.stderr)")
        r = try rf.score("m1", "D01", total: 60, extra: ["--round", "5"])
        #expect(r.status != 0 && r.stderr.contains("round 5"), "\(r.stderr)")
        r = try Harness.pingshen(["rank", rf.store, "--round", "7"])
        #expect(r.status != 0 && r.stderr.contains("round 7"), "\(r.stderr)")
        // A shortlist for weld forged with the chair's key: D13 on instead of D12, no resolution.
        var forged = try RoundsFixture.forgedWeldShortlist(rf.store)
        var sheetsCounted = forged["counted"]?.object ?? [:]
        sheetsCounted["m1"] = .int(0)   // m1's sheets left out, though the record saw them
        forged["counted"] = .object(sheetsCounted)
        let path = try Forge.record(rf.store, "chair", kind: .shortlist, body: forged, key: rf.fx.key("chair"))
        var v = try rf.fx.verify()
        #expect(v.status == 1 && v.problems.contains { $0["path"] as? String == path && $0["kind"] as? String == "shortlist-mismatch" }, "\(v.problems)")
        #expect(v.problems.contains { $0["path"] as? String == path && $0["kind"] as? String == "shortlist-input" && ($0["message"] as? String ?? "").contains("m1") }, "\(v.problems)")
        // The session will not go on over it (a store with problems signs nothing)… once the
        // forgery goes, the real shortlists are signed.
        try FileManager.default.removeItem(atPath: rf.store + "/" + path)
        try FileManager.default.removeItem(atPath: rf.store + "/" + path + ".sig")
        try rf.shortlistRoundOne()
        #expect(try rf.fx.verify().status == 0)
        // An edited shortlist (its bytes changed after signing): the signature no longer holds.
        let signed = Harness.records(rf.store, "chair")
        let weldPath = try signed.first { try Record(bytes: Data(contentsOf: URL(fileURLWithPath: $0))).body["group"]?.string == "weld" }!
        let original = try Data(contentsOf: URL(fileURLWithPath: weldPath))
        try Data(String(decoding: original, as: UTF8.self).replacingOccurrences(of: "\"D12\"", with: "\"D13\"").utf8).write(to: URL(fileURLWithPath: weldPath))
        v = try rf.fx.verify()
        #expect(v.status == 1 && v.problems.contains { ($0["path"] as? String).map { weldPath.hasSuffix($0) } == true }, "\(v.problems)")
        try original.write(to: URL(fileURLWithPath: weldPath))
        #expect(try rf.fx.verify().status == 0)
        // A round-2 sheet for D13 (not shortlisted) signed with m1's key outside the session:
        // verify flags it, rank does not count it.
        let pts: JSONValue = .object(["craft": .int(25), "skill": .int(25), "leadership": .int(25), "contribution": .int(25)])
        let off = try Forge.record(rf.store, "m1", kind: .score, body: ["dossier": .string("D13"), "points": pts, "round": .int(2)], key: rf.fx.key("m1"))
        v = try rf.fx.verify()
        #expect(v.status == 1 && v.problems.contains { $0["path"] as? String == off && $0["kind"] as? String == "round-rule" }, "\(v.problems)")
        let rank = try Harness.pingshen(["rank", rf.store, "--format", "json"])
        let es = ((try? Harness.json(rank.stdout))?["entries"] as? [[String: Any]]) ?? []
        #expect(rank.status == 1 && !es.contains { $0["dossier"] as? String == "D13" }, "\(rank.stdout)")
        try FileManager.default.removeItem(atPath: rf.store + "/" + off)
        try FileManager.default.removeItem(atPath: rf.store + "/" + off + ".sig")
        // A round-2 sheet for D01 (shortlisted) that never saw the shortlist (seen empty).
        let blind = try Forge.record(rf.store, "m2", kind: .score, body: ["dossier": .string("D01"), "points": pts, "round": .int(2)],
                                     key: rf.fx.key("m2"), seen: [:])
        v = try rf.fx.verify()
        #expect(v.status == 1 && v.problems.contains { $0["path"] as? String == blind && $0["kind"] as? String == "round-rule" && ($0["message"] as? String ?? "").contains("before") }, "\(v.problems)")
        try FileManager.default.removeItem(atPath: rf.store + "/" + blind)
        try FileManager.default.removeItem(atPath: rf.store + "/" + blind + ".sig")
        // A round-1 sheet signed after its shortlist, outside the session: flagged, not counted.
        let late = try Forge.record(rf.store, "m1", kind: .score, body: ["dossier": .string("D01"), "points": pts, "round": .int(1)], key: rf.fx.key("m1"))
        v = try rf.fx.verify()
        #expect(v.status == 1 && v.problems.contains { $0["path"] as? String == late && $0["kind"] as? String == "round-rule" }, "\(v.problems)")
        try FileManager.default.removeItem(atPath: rf.store + "/" + late)
        try FileManager.default.removeItem(atPath: rf.store + "/" + late + ".sig")
        // A round-1 recusal signed after its shortlist (it would take a counted sheet out).
        let m = try rf.fx.table()["D02"]!.members[0]
        let recused = try Forge.record(rf.store, m, kind: .recusal, body: ["dossier": .string("D02"), "round": .int(1)], key: rf.fx.key(m))
        v = try rf.fx.verify()
        #expect(v.status == 1 && v.problems.contains { $0["path"] as? String == recused && $0["kind"] as? String == "round-rule" }, "\(v.problems)")
    }
}

extension RoundsTests {
    /// Issue 13: the independent recount (scripts/recount.py --rounds, no project code) recomputes
    /// both rounds from the signed records — each group's round-1 ranking, each shortlist's size
    /// (1.5 × 5 = 8 by largest remainder) and selection with weld's resolved tie, the round-2
    /// ranking on the shortlist and the final list — and agrees with `rank --round N --group G`,
    /// the signed shortlists and the finalization. A shortlist re-signed by the chair's key with
    /// another dossier on it is named (exit 1).
    @Test func theRecountReproducesBothRounds() throws {
        let rf = try RoundsFixture()
        try rf.shortlistRoundOne()
        for (d, t) in RoundsFixture.roundTwo.sorted(by: { $0.key < $1.key }) {
            for m in ["m3", "m6", "m9"] { #expect(try rf.score(m, d, total: t).status == 0, "\(m) \(d)") }
        }
        #expect(try rf.chair(["finalize"]).status == 0)
        var py = try RecountGroupsTests.recount(["--rounds", rf.store])
        #expect(py.status == 0, "\(py.stderr)")
        let rounds = py.json["rounds"] as? [[String: Any]] ?? []
        #expect(rounds.count == 4, "\(py.json)")
        let keys = ["rank", "dossier", "exact", "sheets", "status"]
        func pick(_ es: Any?) -> [NSDictionary] {
            (es as? [[String: Any]] ?? []).map { e in NSDictionary(dictionary: e.filter { keys.contains($0.key) }) }
        }
        var sizes: [String: Int] = [:]
        for r in rounds {
            let n = r["round"] as? Int ?? 0
            let group = r["group"] as? String
            let j = try rf.rank(["--round", String(n)] + (group.map { ["--group", $0] } ?? []))
            #expect(!pick(j["entries"]).isEmpty && pick(j["entries"]) == pick(r["entries"]), "round \(n) \(group ?? "-"):\nrank: \(j)\nrecount.py: \(r)")
            if let g = group { sizes[g] = r["size"] as? Int; #expect(j["quota"] as? Int == r["size"] as? Int) }
        }
        #expect(sizes.count == 3 && sizes.values.reduce(0, +) == 8 && sizes["weld"] == 2, "\(sizes)")
        #expect((rounds.last?["selected"] as? [String]) == ["D23", "D22", "D21", "D12", "D11"], "\(rounds.last ?? [:])")
        let weld = rounds.first { $0["group"] as? String == "weld" }
        #expect((weld?["shortlist"] as? [String]) == ["D11", "D12"])

        // Hostile: weld's shortlist re-signed with the chair's key, D13 on instead of D12.
        let path = try #require(Harness.records(rf.store, "chair").first {
            try Record(bytes: Data(contentsOf: URL(fileURLWithPath: $0))).body["group"]?.string == "weld"
        })
        var body = try Record(bytes: Data(contentsOf: URL(fileURLWithPath: path))).body
        body["shortlist"] = .array([.string("D11"), .string("D13")])
        let forged = try Forge.record(rf.store, "chair", kind: .shortlist, body: body, key: rf.fx.key("chair"))
        py = try RecountGroupsTests.recount(["--rounds", rf.store])
        #expect(py.status == 1 && py.stderr.contains("\(forged): shortlist D11,D13, recounted D11,D12"), "\(py.stderr)")
    }
}

extension RoundsTests {
    /// Rank entries as compared across the forgeries: rank, dossier, score, status, group.
    static func rows(_ r: Harness.Result) -> [String] {
        let es = ((try? Harness.json(r.stdout))?["entries"] as? [[String: Any]]) ?? []
        return es.map { e in ["rank", "dossier", "score", "exact", "status", "group"].map { "\(e[$0] ?? "-")" }.joined(separator: " ") }
    }

    /// Issue 13: a round-1 sheet or recusal signed after the round's shortlist (with the
    /// member's own key, outside the session) counts nowhere and never replaces what the
    /// shortlist counted: the latest sheet signed before it (here a re-scored one) still
    /// counts, the shortlist still recounts, the ranking does not move, and verify reports
    /// each late record as `round-rule` and nothing else, on a fresh open and on the kept
    /// ledger alike.
    @Test func aLateSheetOrRecusalNeverReplacesTheCountedOne() throws {
        let rf = try RoundsFixture()
        let table = try rf.fx.table()
        guard let m = table["D02"]?.members.first, let other = table["D01"]?.members.first else { Issue.record("no assignment"); return }
        // m scores D02 again before the shortlist: that sheet, not the first, is the one counted.
        var r = try rf.score(m, "D02", total: 95)
        #expect(r.status == 0, "\(r.stderr)")
        try rf.shortlistRoundOne()
        #expect(try rf.fx.verify().status == 0)
        let rankArgs = ["rank", rf.store, "--round", "1", "--format", "json"]
        let before = RoundsTests.rows(try Harness.pingshen(rankArgs))
        #expect(before.count == 30 && before.contains { $0.hasPrefix("2 D02 ") }, "\(before)")
        // Late: two more sheets by m for D02 (the last at zero would sink it), a recusal by
        // another member from D01 (it would take a counted sheet out).
        let zero: JSONValue = .object(["craft": .int(0), "skill": .int(0), "leadership": .int(0), "contribution": .int(0)])
        let high: JSONValue = .object(["craft": .int(25), "skill": .int(25), "leadership": .int(25), "contribution": .int(25)])
        let late1 = try Forge.record(rf.store, m, kind: .score, body: ["dossier": .string("D02"), "points": high, "round": .int(1)], key: rf.fx.key(m))
        let late2 = try Forge.record(rf.store, m, kind: .score, body: ["dossier": .string("D02"), "points": zero, "round": .int(1)], key: rf.fx.key(m))
        let recused = try Forge.record(rf.store, other, kind: .recusal, body: ["dossier": .string("D01"), "round": .int(1)], key: rf.fx.key(other))
        for pass in ["fresh", "kept ledger"] {
            let v = try rf.fx.verify()
            let got = v.problems.map { "\($0["path"] as? String ?? "") \($0["kind"] as? String ?? "")" }.sorted()
            #expect(v.status == 1 && got == ["\(late1) round-rule", "\(late2) round-rule", "\(recused) round-rule"].sorted(), "\(pass): \(v.problems)")
            r = try Harness.pingshen(rankArgs)
            #expect(r.status == 1 && RoundsTests.rows(r) == before, "\(pass): \(RoundsTests.rows(r))")
        }
        // Round 2 is on the shortlist as signed.
        r = try Harness.pingshen(["rank", rf.store, "--round", "2", "--format", "json"])
        #expect(RoundsTests.rows(r).count == 8, "\(r.stdout)")
    }

    /// Issue 13/14: a shortlist signed with the chair's key outside the session, whose ranking
    /// is not what the sheets give, is refused by the hub's hook (with its reason) and by a
    /// sync that fetches it (naming the record and the kind), nothing taken. A sheet signed
    /// after the shortlist on another host (what two hosts bring about) replicates: the hub and
    /// sync take it, and it counts nowhere (`round-rule`).
    @Test func aForgedShortlistIsRefusedByTheHubAndBySync() throws {
        let rf = try RoundsFixture(shortlist: "{per_group: 2}")
        let (hub, plain, evil, fp) = try rf.hubPlainAndClone()
        let dir = rf.fx.dir
        func sync(_ remote: String) throws -> Harness.Result { try Harness.pingshen(["sync", rf.store, remote, "--as", "sec", "--key", rf.fx.key("sec")]) }
        var r: Harness.Result
        _ = (hub, dir, fp)
        // The forgery: every input as the session would pin it, only the ranking is not the sheets'.
        let body = try RoundsFixture.forgedWeldShortlist(evil, assignment: rf.assignmentSHA())
        let path = try Forge.record(evil, "chair", kind: .shortlist, body: body, key: rf.fx.key("chair"))
        let v = try Harness.pingshen(["verify", evil, "--format", "json"])
        let kinds = ((try? Harness.json(v.stdout))?["problems"] as? [[String: Any]] ?? []).map { "\($0["path"] as? String ?? "") \($0["kind"] as? String ?? "")" }
        #expect(v.status == 1 && Set(kinds) == ["\(path) shortlist-mismatch"], "\(v.stdout)")
        #expect(try GitCLI.run(evil, ["add", "-A", "."]).status == 0)
        #expect(try GitCLI.run(evil, ["commit", "-q", "-m", "forged shortlist"]).status == 0)
        let hubTip = try GitCLI.out(hub, ["rev-parse", "main"])
        r = try GitCLI.signedPush(evil, key: rf.fx.key("chair"), [hub, "HEAD:main"])
        #expect(r.status != 0 && r.stderr.contains("\(path): shortlist-mismatch"), "hub: \(r.stderr)")
        #expect(try GitCLI.out(hub, ["rev-parse", "main"]) == hubTip, "the hub moved")
        // A plain remote takes anything; sync refuses what it would bring.
        #expect(try GitCLI.run(evil, ["push", "-q", plain, "HEAD:main"]).status == 0)
        let headA = try GitCLI.out(rf.store, ["rev-parse", "HEAD"])
        r = try sync(plain)
        #expect(r.status == 1 && r.stderr.contains(path) && r.stderr.contains("shortlist-mismatch") && r.stderr.contains("nothing of this fetch was taken"),
                "sync: \(r.stdout) \(r.stderr)")
        #expect(try GitCLI.out(rf.store, ["rev-parse", "HEAD"]) == headA)
        #expect(!FileManager.default.fileExists(atPath: rf.store + "/" + path))

        // Replicable: the real shortlists on A, through the hub; then on another host a
        // round-1 sheet signed after them (it had not seen them).
        try rf.shortlistRoundOne()
        r = try sync(hub)
        #expect(r.status == 0, "sync shortlists: \(r.stdout) \(r.stderr)")
        #expect(try GitCLI.run(evil, ["fetch", "-q", hub, "main"]).status == 0)
        #expect(try GitCLI.run(evil, ["reset", "-q", "--hard", "FETCH_HEAD"]).status == 0)
        let m = try rf.fx.table()["D02"]?.members.first ?? "m1"
        let pts: JSONValue = .object(["craft": .int(0), "skill": .int(0), "leadership": .int(0), "contribution": .int(0)])
        let late = try Forge.record(evil, m, kind: .score, body: ["dossier": .string("D02"), "points": pts, "round": .int(1)], key: rf.fx.key(m))
        #expect(try GitCLI.run(evil, ["add", "-A", "."]).status == 0)
        #expect(try GitCLI.run(evil, ["commit", "-q", "-m", "late sheet"]).status == 0)
        r = try GitCLI.signedPush(evil, key: rf.fx.key(m), [hub, "HEAD:main"])
        #expect(r.status == 0, "hub refused a late sheet: \(r.stderr)")
        let rankArgs = ["rank", rf.store, "--round", "1", "--format", "json"]
        let before = RoundsTests.rows(try Harness.pingshen(rankArgs))
        r = try sync(hub)
        #expect(r.status == 0 && FileManager.default.fileExists(atPath: rf.store + "/" + late), "sync late sheet: \(r.stdout) \(r.stderr)")
        let after = try rf.fx.verify()
        #expect(after.status == 1 && after.problems.map { "\($0["path"] as? String ?? "") \($0["kind"] as? String ?? "")" } == ["\(late) round-rule"], "\(after.problems)")
        #expect(RoundsTests.rows(try Harness.pingshen(rankArgs)) == before)

        // After the shortlists, the secretary removes m on another host, discarding m's sheets:
        // the shortlists no longer recount, but because of a record they had not seen
        // (`shortlist-outdated`): replicated, never refused as forged.
        #expect(try GitCLI.run(evil, ["fetch", "-q", hub, "main"]).status == 0)
        #expect(try GitCLI.run(evil, ["reset", "-q", "--hard", "FETCH_HEAD"]).status == 0)
        r = try Harness.pingshen(["member", "remove", evil, "--as", "sec", "--key", rf.fx.key("sec"), "--id", m, "--reason", "利益冲突", "--discard-sheets"])
        #expect(r.status == 0, "remove: \(r.stderr)")
        #expect(try GitCLI.run(evil, ["add", "-A", "."]).status == 0)
        #expect(try GitCLI.run(evil, ["commit", "-q", "-m", "removal"]).status == 0)
        r = try GitCLI.signedPush(evil, key: rf.fx.key("sec"), [hub, "HEAD:main"])
        #expect(r.status == 0, "hub refused a removal: \(r.stderr)")
        r = try sync(hub)
        #expect(r.status == 0, "sync removal: \(r.stdout) \(r.stderr)")
        let after2 = try rf.fx.verify().problems.compactMap { $0["kind"] as? String }
        #expect(after2.contains("shortlist-outdated") && !after2.contains("shortlist-mismatch") && !after2.contains("shortlist-input"), "\(after2)")
    }
}

extension RoundsTests {
    /// `recount.py --rounds` and `rank --round N [--group G]`, entry by entry (rank, dossier,
    /// exact, sheets, status), for every list the recount gives; returns the recount.
    static func recountAgreesWithRank(_ rf: RoundsFixture) throws -> (status: Int32, json: [String: Any], stderr: String) {
        let py = try RecountGroupsTests.recount(["--rounds", rf.store])
        let keys = ["rank", "dossier", "exact", "sheets", "status"]
        func pick(_ es: Any?) -> [NSDictionary] {
            (es as? [[String: Any]] ?? []).map { e in NSDictionary(dictionary: e.filter { keys.contains($0.key) }) }
        }
        let rounds = py.json["rounds"] as? [[String: Any]] ?? []
        #expect(rounds.count == 4, "\(py.stderr)")
        for r in rounds {
            let n = r["round"] as? Int ?? 0
            let group = r["group"] as? String
            let j = try Harness.json(try Harness.pingshen(["rank", rf.store, "--format", "json", "--round", String(n)] + (group.map { ["--group", $0] } ?? [])).stdout)
            #expect(!pick(j["entries"]).isEmpty && pick(j["entries"]) == pick(r["entries"]), "round \(n) \(group ?? "-"):\nrank: \(j)\nrecount.py: \(r)")
        }
        return py
    }

    /// The round rules applied by the recount itself, from the signed records: after both
    /// rounds' honest sheets, records signed with the members' own keys outside the session —
    /// a round-1 sheet after the shortlist (another total: counted, it would change D02's
    /// score), a round-2 sheet for D13 (on no shortlist), a round-1 sheet by a member the
    /// assignment does not give D05, a sheet whose `round` is a string, a round-1 recusal
    /// after the shortlist (it bars no round-2 sheet) — are each left out
    /// and listed with the rule, the recount agrees with `rank` list by list and with the
    /// signed shortlists (exit 0), and `verify` flags each.
    @Test func theRecountAppliesTheRoundRules() throws {
        let rf = try RoundsFixture()
        try rf.shortlistRoundOne()
        for (d, t) in RoundsFixture.roundTwo.sorted(by: { $0.key < $1.key }) {
            for m in ["m3", "m6", "m9"] { #expect(try rf.score(m, d, total: t).status == 0, "\(m) \(d)") }
        }
        let table = try rf.fx.table()
        func pts(_ total: Int) -> JSONValue {
            var o: [String: JSONValue] = [:]
            for p in RoundsFixture.points(total) { let kv = p.split(separator: "="); o[String(kv[0])] = .int(Int64(kv[1])!) }
            return .object(o)
        }
        func forge(_ m: String, _ d: String, _ total: Int, round: JSONValue) throws -> String {
            try Forge.record(rf.store, m, kind: .score, body: ["dossier": .string(d), "points": pts(total), "round": round], key: rf.fx.key(m))
        }
        let lateMember = try #require(table["D02"]?.members.first)
        let late = try forge(lateMember, "D02", 4, round: .int(1))
        let off = try forge("m1", "D13", 100, round: .int(2))
        let outsider = try #require(GroupFixture.members.first { !(table["D05"]?.members.contains($0) ?? true) })
        let unassigned = try forge(outsider, "D05", 100, round: .int(1))
        let stringly = try forge("m3", "D23", 0, round: .string("2"))
        // A round-1 recusal after the shortlist: it takes no sheet out and bars m3 from nothing
        // in round 2 (m3's round-2 sheet for D01 counts).
        let recusal = try Forge.record(rf.store, "m3", kind: .recusal, body: ["dossier": .string("D01"), "round": .int(1)], key: rf.fx.key("m3"))
        // A round-2 sheet for D23 (on the shortlist) signed as if m1 had not seen the shortlist
        // that put D23 on (`seen` without the chair's records): it counts nowhere, in `rank` as
        // in the recount (counted, D23 would have a fourth sheet).
        var blind = Forge.seen(rf.store, except: "m1")
        blind["chair"] = nil
        let early = try Forge.record(rf.store, "m1", kind: .score, body: ["dossier": .string("D23"), "points": pts(0), "round": .int(2)],
                                     key: rf.fx.key("m1"), seen: blind)
        let v = try rf.fx.verify()
        for p in [late, off, unassigned, stringly, recusal, early] {
            #expect(v.status == 1 && v.problems.contains { $0["path"] as? String == p }, "\(p): \(v.problems)")
        }
        let py = try RoundsTests.recountAgreesWithRank(rf)
        #expect(py.status == 0 && (py.json["problems"] as? [Any])?.isEmpty == true, "\(py.stderr)")
        let excluded = py.json["excluded"] as? [[String: Any]] ?? []
        func rule(_ p: String) -> String? { excluded.first { $0["path"] as? String == p }?["rule"] as? String }
        #expect(rule(late) == "after-shortlist" && rule(off) == "off-shortlist" && rule(unassigned) == "unassigned" && rule(stringly) == "round"
                && rule(recusal) == "after-shortlist" && rule(early) == "before-shortlist", "\(excluded)")
        #expect(excluded.count == 6 && excluded.allSatisfy { !($0["why"] as? String ?? "").isEmpty }, "\(excluded)")
        let last = (py.json["rounds"] as? [[String: Any]] ?? []).last?["entries"] as? [[String: Any]] ?? []
        #expect(last.first { $0["dossier"] as? String == "D01" }?["sheets"] as? Int == 3, "\(last)")
        #expect(last.first { $0["dossier"] as? String == "D23" }?["sheets"] as? Int == 3, "\(last)")
        for p in [late, off, unassigned, stringly, recusal, early] { #expect(py.stderr.contains("not counted: \(p): "), "\(py.stderr)") }
        // D02 still counts the sheet mech's shortlist counted (three sheets, its signed score).
        let mech = (py.json["rounds"] as? [[String: Any]] ?? []).first { $0["group"] as? String == "mech" }
        let d02 = (mech?["entries"] as? [[String: Any]] ?? []).first { $0["dossier"] as? String == "D02" }
        #expect(d02?["sheets"] as? Int == 3 && d02?["exact"] as? String == "97", "\(d02 ?? [:])")
    }

    /// A shortlist whose pins are forged, re-signed with the chair's key (weld's body copied,
    /// one pin changed): `counted` lower than what it had seen, `apportion` with other
    /// nominations, another `assignment`, a `from` in round 1, and hostile values: the recount
    /// names the record and the pin, exit 1, never a traceback.
    @Test func theRecountChecksTheShortlistPins() throws {
        let rf = try RoundsFixture()
        try rf.shortlistRoundOne()
        var py = try RecountGroupsTests.recount(["--rounds", rf.store])
        #expect(py.status == 0 && !py.stderr.contains("pin"), "\(py.stderr)")
        let path = try #require(Harness.records(rf.store, "chair").first {
            try Record(bytes: Data(contentsOf: URL(fileURLWithPath: $0))).body["group"]?.string == "weld"
        })
        let body = try Record(bytes: Data(contentsOf: URL(fileURLWithPath: path))).body
        let zero = String(repeating: "0", count: 64)
        var apportion = body["apportion"]?.object ?? [:]
        apportion["nominations"] = .object(["mech": .int(10), "weld": .int(12), "elec": .int(8)])
        let cases: [(String, JSONValue, String)] = [
            ("counted", .object(body["counted"]?.object?.merging(["m2": .int(1)]) { _, b in b } ?? [:]), "pin counted: m2 1"),
            ("counted", .object(body["counted"]?.object?.merging(["m4": .string("x")]) { _, b in b } ?? [:]), "pin counted: m4 'x'"),
            ("apportion", .object(apportion), "pin apportion: nominations"),
            ("apportion", .string("3/2"), "pin apportion: ratio,places,total,nominations"),
            ("assignment", .string(zero), "pin assignment: \(zero)"),
            ("from", .array([.string(zero)]), "pin from: \(zero)"),
        ]
        for (key, value, says) in cases {
            var b = body
            b[key] = value
            let forged = try Forge.record(rf.store, "chair", kind: .shortlist, body: b, key: rf.fx.key("chair"))
            py = try RecountGroupsTests.recount(["--rounds", rf.store])
            #expect(py.status == 1 && py.stderr.contains("\(forged): \(says)") && !py.stderr.contains("Traceback"), "\(key): \(py.stderr)")
            // Only that pin: the copy's other pins hold.
            #expect(py.stderr.components(separatedBy: "\(forged): pin").count == 2, "\(key): \(py.stderr)")
            try FileManager.default.removeItem(atPath: rf.store + "/" + forged)
            try FileManager.default.removeItem(atPath: rf.store + "/" + forged + ".sig")
        }
        // Hostile shapes: a shortlist whose ranking is not a list, a sheet whose dossier is not an id.
        var b = body
        b["ranking"] = .int(5)
        let broken = try Forge.record(rf.store, "chair", kind: .shortlist, body: b, key: rf.fx.key("chair"))
        let odd = try Forge.record(rf.store, "m1", kind: .score, body: ["dossier": .array([.string("D01")]), "round": .int(1)], key: rf.fx.key("m1"))
        py = try RecountGroupsTests.recount(["--rounds", rf.store])
        #expect(py.status == 1 && py.stderr.contains("\(broken): not a shortlist body") && py.stderr.contains(odd) && !py.stderr.contains("Traceback"), "\(py.stderr)")
        for p in [broken, odd] {
            try FileManager.default.removeItem(atPath: rf.store + "/" + p)
            try FileManager.default.removeItem(atPath: rf.store + "/" + p + ".sig")
        }
        py = try RecountGroupsTests.recount(["--rounds", rf.store])
        #expect(py.status == 0, "\(py.stderr)")
    }
}

extension RoundsTests {
    /// Issue 13: a dossier moved between groups after the assignment (`group move`, a signed
    /// `dossier-group` record) is ranked in round 1 in its signed group, by `rank` and by the
    /// independent recount alike (recount.py once took the assignment's groups): D01, mech's
    /// best, moved to weld after every sheet; the shortlists signed on the lists as moved (weld
    /// 11 nominations, mech 9: 2/3/3 of 8, weld's tie at its line resolved) recount exactly
    /// (exit 0), and every round-1 list of the recount is `rank --round 1 --group G`'s, entry by
    /// entry.
    @Test func theRecountFollowsASignedMoveBetweenGroups() throws {
        let rf = try RoundsFixture()
        var r = try rf.fx.sec(["group", "move", "--dossier", "D01", "--to", "weld", "--reason", "以焊接为主"])
        #expect(r.status == 0, "move: \(r.stderr)")
        r = try rf.chair(["shortlist", "--round", "1", "--resolve", "D12=selected:事迹更突出", "--resolve", "D13=not-selected:事迹较弱"])
        #expect(r.status == 0, "shortlist: \(r.stdout) \(r.stderr)")
        let py = try RecountGroupsTests.recount(["--rounds", rf.store])
        #expect(py.status == 0, "recount.py: \(py.stderr)")
        let keys = ["rank", "dossier", "exact", "sheets", "status"]
        func pick(_ es: Any?) -> [NSDictionary] {
            (es as? [[String: Any]] ?? []).map { e in NSDictionary(dictionary: e.filter { keys.contains($0.key) }) }
        }
        let lists = (py.json["rounds"] as? [[String: Any]] ?? []).filter { $0["round"] as? Int == 1 }
        #expect(lists.count == 3, "\(py.json)")
        var members: [String: Set<String>] = [:]
        for l in lists {
            let g = l["group"] as? String ?? "-"
            let j = try rf.rank(["--round", "1", "--group", g])
            #expect(!pick(j["entries"]).isEmpty && pick(j["entries"]) == pick(l["entries"]), "group \(g):\nrank: \(j)\nrecount.py: \(l)")
            #expect(j["quota"] as? Int == l["size"] as? Int, "group \(g)")
            members[g] = Set((l["entries"] as? [[String: Any]] ?? []).compactMap { $0["dossier"] as? String })
        }
        #expect(members["weld"]?.contains("D01") == true && members["mech"]?.contains("D01") == false, "\(members)")
        #expect(members["weld"]?.count == 11 && members["mech"]?.count == 9, "\(members)")
        let shortlists = Dictionary(lists.map { ($0["group"] as? String ?? "-", $0["shortlist"] as? [String] ?? []) }, uniquingKeysWith: { a, _ in a })
        #expect(shortlists == ["weld": ["D01", "D11", "D12"], "mech": ["D02", "D03"], "elec": ["D21", "D22", "D23"]], "\(shortlists)")
    }
}
