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
