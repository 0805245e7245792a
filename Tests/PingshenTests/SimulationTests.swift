import Foundation
import Testing
import Records

/// `pingshen simulate --groups G --per-dossier K` (issue 13): the benchmark's grouped store, at a
/// small size, with the real binary. The programme, the groups, the grouping and the assignment
/// are signed through the session's own rules and algorithm, so `verify` recomputes them; every
/// sheet is by an assigned member; recused pairs are re-assigned and scored.
@Suite struct SimulationTests {
    @Test func aGroupedStoreVerifiesAndEverySheetIsByAnAssignedMember() throws {
        let dir = try Harness.tempDir("sim-grouped")
        let store = dir + "/s"
        let r = try Harness.pingshen(["simulate", store, "--dossiers", "120", "--members", "15", "--groups", "3", "--per-dossier", "3", "--seed", "5", "--lang", "en"])
        #expect(r.status == 0, "simulate: \(r.stderr)")
        #expect(r.stdout.contains("3 groups, 3 members per dossier"), "\(r.stdout)")

        let v = try Harness.pingshen(["verify", store, "--format", "json"])
        let ok = try Harness.json(v.stdout)["ok"] as? Bool
        #expect(v.status == 0 && ok == true, "verify: \(v.stdout)")

        // The groups: 5 members each, the programme's (g01…g03).
        let gl = try Harness.pingshen(["group", "list", store, "--format", "json"])
        #expect(gl.status == 0, "group list: \(gl.stderr)")
        var members: [String: Set<String>] = [:]
        for g in (try Harness.json(gl.stdout)["groups"] as? [[String: Any]]) ?? [] {
            members[g["id"] as? String ?? ""] = Set(g["members"] as? [String] ?? [])
        }
        #expect(members.keys.sorted() == ["g01", "g02", "g03"] && members.values.allSatisfy { $0.count == 5 }, "\(members)")

        // Every dossier: 3 members of its own group, none of the dossier's employer.
        let a = try Harness.pingshen(["assignments", store, "--format", "json"])
        #expect(a.status == 0, "assignments: \(a.stderr)")
        let aj = try Harness.json(a.stdout)
        let entries = aj["assignments"] as? [[String: Any]] ?? []
        #expect(entries.count == 120)
        var units: [String: String] = [:]
        let roster = try String(contentsOfFile: store + "/roster.yaml", encoding: .utf8)
        var current = ""
        for line in roster.split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("- id:") { current = String(t.dropFirst(5)).trimmingCharacters(in: .whitespaces) }
            if t.hasPrefix("unit:") { units[current] = String(t.dropFirst(5)).trimmingCharacters(in: .whitespaces) }
        }
        #expect(units.values.filter { $0 != "评审专家库" && $0 != "市总工会" }.count == 6, "\(units)")
        var sameUnitKeptApart = 0
        for e in entries {
            let d = e["dossier"] as? String ?? "", g = e["group"] as? String ?? ""
            let ms = e["members"] as? [String] ?? []
            #expect(ms.count == 3 && Set(ms).isSubset(of: members[g] ?? []), "\(e)")
            let yaml = try String(contentsOfFile: store + "/dossiers/\(d).yaml", encoding: .utf8)
            for m in members[g] ?? [] where yaml.contains("employer: \"\(units[m] ?? "-")\"") {
                #expect(!ms.contains(m), "\(m) of \(units[m] ?? "") holds \(d)")
                sameUnitKeptApart += 1
            }
        }
        #expect(sameUnitKeptApart > 0, "the simulation must give assign pairs of one unit to keep apart")

        // Recused pairs were re-assigned (a replacement naming the first assignment) and scored:
        // every dossier has exactly 3 counted sheets.
        #expect(r.stdout.range(of: #"; [1-9][0-9]* pairs re-assigned"#, options: .regularExpression) != nil, "\(r.stdout)")
        let sec = Harness.records(store, "s01").filter { $0.hasSuffix(".json") }
        let kinds = try sec.map { try Harness.json(String(contentsOfFile: $0, encoding: .utf8))["kind"] as? String ?? "" }
        #expect(kinds.filter { $0 == "assignment" }.count == 2, "\(kinds)")
        #expect((aj["record"] as? String).map { sec.last?.hasSuffix($0) ?? false } == true, "\(aj["record"] ?? "")")
        let rank = try Harness.pingshen(["rank", store, "--format", "json"])
        let ranked = (try? Harness.json(rank.stdout))?["entries"] as? [[String: Any]] ?? []
        #expect(!ranked.isEmpty && ranked.allSatisfy { $0["sheets"] as? Int == 3 }, "\(rank.stdout.prefix(2000)) \(rank.stderr)")

        // The store is what verify checks: a sheet signed outside the session by a member the
        // assignment does not give that dossier is flagged.
        let outsider = try #require(entries.first.flatMap { e in
            (members[e["group"] as? String ?? ""] ?? []).subtracting(e["members"] as? [String] ?? []).sorted().first.map { ($0, e["dossier"] as! String) }
        })
        // A score the member signs with its own key (the simulator's keys are in STORE/.keys) but
        // outside the session, as a member could by hand.
        try Forge.record(store, outsider.0, kind: .score, body: [
            "dossier": .string(outsider.1), "points": .object(["craft": .int(20), "skill": .int(20), "leadership": .int(20), "contribution": .int(20)]),
        ], key: store + "/.keys/" + outsider.0)
        let after = try Harness.pingshen(["verify", store, "--format", "json"])
        let problems = try Harness.json(after.stdout)["problems"] as? [[String: Any]] ?? []
        #expect(after.status == 1 && problems.contains { $0["kind"] as? String == "unassigned-sheet" }, "\(after.stdout)")
    }

    /// `--rounds 2`: round-1 sheets by the assigned members, each group's shortlist signed by
    /// the chair (3× the quota, split by nominations), round-2 sheets by the whole committee on
    /// the shortlisted dossiers only; verify recounts the shortlists.
    @Test func twoRoundsShortlistThenTheCommittee() throws {
        let dir = try Harness.tempDir("sim-rounds")
        let store = dir + "/s"
        let r = try Harness.pingshen(["simulate", store, "--dossiers", "150", "--members", "15", "--groups", "3", "--per-dossier", "3",
                                      "--rounds", "2", "--seed", "5", "--lang", "en"])
        #expect(r.status == 0, "simulate: \(r.stderr)")
        #expect(r.stdout.contains("round 1 shortlisted 45 dossiers"), "\(r.stdout)")
        let v = try Harness.pingshen(["verify", store, "--format", "json"])
        let ok = try Harness.json(v.stdout)["ok"] as? Bool
        #expect(v.status == 0 && ok == true, "verify: \(v.stdout)")
        // The shortlists: one per group, by the chair, 45 dossiers in all (quota 15, ratio 3).
        let chair = try Harness.records(store, "c01").map { try Harness.json(String(contentsOfFile: $0, encoding: .utf8)) }
        let lists = chair.filter { $0["kind"] as? String == "shortlist" }
        #expect(Set(lists.compactMap { ($0["body"] as? [String: Any])?["group"] as? String }) == ["g01", "g02", "g03"])
        let on = Set(lists.flatMap { ($0["body"] as? [String: Any])?["shortlist"] as? [String] ?? [] })
        #expect(on.count == 45)
        // Round 1: ranked within the groups, the shortlisted ones selected.
        let r1 = try Harness.json(try Harness.pingshen(["rank", store, "--round", "1", "--format", "json"]).stdout)
        let e1 = r1["entries"] as? [[String: Any]] ?? []
        #expect(e1.count == 150 && e1.allSatisfy { $0["round"] as? Int == 1 && $0["group"] is String && $0["sheets"] as? Int == 3 })
        #expect(Set(e1.filter { $0["status"] as? String == "selected" }.compactMap { $0["dossier"] as? String }) == on)
        // Round 2: the shortlist only, scored by all 15 (less a member who recused in round 1).
        let r2 = try Harness.json(try Harness.pingshen(["rank", store, "--format", "json"]).stdout)
        let e2 = r2["entries"] as? [[String: Any]] ?? []
        #expect(r2["round"] as? Int == 2 && Set(e2.compactMap { $0["dossier"] as? String }) == on)
        #expect(e2.allSatisfy { ($0["sheets"] as? Int ?? 0) >= 13 && $0["group"] is NSNull }, "\(e2.prefix(3))")
        #expect(e2.filter { $0["sheets"] as? Int == 15 }.count > 40)
    }

    @Test func hostileGroupedArguments() throws {
        let dir = try Harness.tempDir("sim-hostile")
        for (args, says) in [
            (["--per-dossier", "3"], "--per-dossier needs --groups"),
            (["--groups", "11"], "--groups 11 is outside 1…10"),
            (["--groups", "0"], "--groups 0 is outside 1…10"),
            (["--groups", "99999999999999999999"], "--groups"),
            (["--groups", "3", "--per-dossier", "0"], "--per-dossier 0 is outside 1…100"),
            (["--groups", "3", "--per-dossier", "-1"], "--per-dossier"),
            (["--groups", "3", "--per-dossier", "6"], "fewer than --per-dossier 6 in a group"),
            (["--rounds", "2"], "--rounds needs --groups"),
            (["--groups", "3", "--rounds", "3"], "--rounds 3 is outside 1…2"),
            (["--groups", "3", "--rounds", "0"], "--rounds 0 is outside 1…2"),
        ] {
            let store = dir + "/s-\(UUID().uuidString)"
            let r = try Harness.pingshen(["simulate", store, "--dossiers", "10", "--members", "15"] + args + ["--lang", "en"])
            #expect(r.status != 0 && r.reason == .exit && r.stderr.contains(says), "\(args): \(r.stderr)")
            // Refused before anything is written (the last one after the arguments: nothing signed either).
            #expect(!FileManager.default.fileExists(atPath: store + "/records"), "\(args)")
        }
    }
}

/// `Record.peekKind` (the governance replay skips a secretary's large non-governance records
/// without parsing their bodies): it must name the kind the full parser reads, or nil.
@Suite struct RecordPeekKindTests {
    static func bytes(_ kind: RecordKind, _ body: [String: JSONValue]) -> Data {
        Record(kind: kind, program: "p", signer: "s01", seq: 2, prev: Record.zeroHash, created: "2026-11-20T10:00:00Z",
               seen: ["m1": 3], body: body).canonicalBytes()
    }

    @Test func namesTheTopLevelKindOnly() throws {
        let nested: [String: JSONValue] = ["a": .object(["kind": .string("member-add"), "z": .array([.int(1), .int(-7), .string("x\"y")])]),
                                           "b": .string(",\"kind\":\"member-add\""), "c": .int(-15)]
        for kind in [RecordKind.score, .assignment, .memberAdd, .intake] {
            let b = Self.bytes(kind, nested)
            #expect(Record.peekKind(b) == kind.rawValue)
            #expect(try Record(bytes: b).kind == kind)
        }
    }

    @Test func hostileBytesGiveNil() {
        let good = String(decoding: Self.bytes(.score, ["dossier": .string("D1")]), as: UTF8.self)
        let cases = [
            "", "[]", "{}", "\"kind\"", "{\"kind\":\"score\"", "{\"kind\":\"score\"} x", "{\"kind\":\"score\",\"kind\":\"member-add\"}",
            "{\"\\u006bind\":\"member-add\"}", "{\"kind\":\"sc\\u006fre\"}", "{\"kind\":1}", "{\"kind\" \"score\"}",
            "{\"a\":" + String(repeating: "[", count: 400) + String(repeating: "]", count: 400) + ",\"kind\":\"score\"}",
            "{\"a\":\"\u{01}\",\"kind\":\"score\"}", "{\"a\":[1,],\"kind\":\"score\"}", String(good.dropLast()),
            good.replacingOccurrences(of: "\"kind\":\"score\"", with: "\"kind\":\"score\",\"kind\":\"member-add\""),
        ]
        for c in cases { #expect(Record.peekKind(Data(c.utf8)) == nil, "\(c.prefix(80))") }
        #expect(Record.peekKind(Data(good.utf8)) == "score")
    }
}
