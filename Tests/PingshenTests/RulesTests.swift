import Foundation
import Testing
import Records
import Panel

/// Issue 16, "a member can sign any points": records a member signs by hand with their own key
/// (stock `ssh-keygen -Y sign`), valid signatures on bodies that break the programme's rules.
/// Each must be a `rule-violation` in `verify` and never counted by `rank`.
enum HandSigned {
    /// Appends a record to `member`'s chain by hand: the next seq, prev = SHA-256 of the head,
    /// canonical bytes, signed by the member's key file with stock ssh-keygen.
    @discardableResult
    static func append(_ fx: Fixture, _ member: String, kind: String, body: [String: JSONValue],
                       created: String = "2026-11-20T10:00:00Z", seq forcedSeq: Int? = nil, seen: [String: Int] = [:],
                       store: String? = nil) throws -> String {
        let storePath = store ?? fx.store
        let existing = Harness.records(storePath, member)
        var seq = 1, prev = String(repeating: "0", count: 64)
        if let last = existing.last {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: last))
            seq = (try Harness.json(String(decoding: bytes, as: UTF8.self))["seq"] as! Int) + 1
            prev = Record.sha256Hex(bytes)
        }
        if let forcedSeq { seq = forcedSeq }
        let layout = StoreLayout(storePath)
        let record = Record(kind: try #require(RecordKind(rawValue: kind)), program: try RecordStore.programInstance(layout), signer: member,
                            seq: seq, prev: prev, created: created, gov: try RecordStore(layout: layout).governanceHead(), seen: seen, body: body)
        try FileManager.default.createDirectory(atPath: layout.recordFolder(member, seq: seq), withIntermediateDirectories: true)
        let path = layout.recordFile(member, seq: seq)
        try record.canonicalBytes().write(to: URL(fileURLWithPath: path))
        let r = try Harness.run("/usr/bin/ssh-keygen", ["-Y", "sign", "-f", fx.key(member), "-n", "review-record@pingshen", path])
        #expect(r.status == 0, "ssh-keygen -Y sign: \(r.stderr)")
        #expect(try Harness.sshVerify(store: storePath, member: member, record: path).status == 0)
        return RecordFileName.path(member: member, seq: seq)
    }

    static func problems(_ fx: Fixture) throws -> (status: Int32, problems: [(path: String, kind: String)]) {
        let v = try Harness.pingshen(["verify", fx.store, "--format", "json"])
        let list = (try Harness.json(v.stdout)["problems"] as? [[String: Any]]) ?? []
        return (v.status, list.map { ($0["path"] as! String, $0["kind"] as! String) })
    }
}

@Suite struct RulesTests {
    static let jingan = ["expertise", "team", "treatment", "training", "results"]

    static func points(_ values: [Int64], keys: [String] = jingan) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: zip(keys, values).map { ($0, JSONValue.int($1)) }))
    }

    /// The 380/100 case on a Jing'an programme: an unknown criterion worth 900, one point over a
    /// criterion's maximum, and int64-max points that wrapped a total to −4.
    @Test func sheetsThatBreakTheSheetAreReportedAndNotCounted() throws {
        let fx = try Fixture(program: "jingan-chief-technician", quota: 1)
        for m in ["m1", "m2", "m3"] {
            let r = try Harness.pingshen(["score", fx.store, "--as", m, "--dossier", "D001", "--key", fx.key(m), "--score",
                                          "expertise=20", "team=20", "treatment=10", "training=10", "results=10"])
            #expect(r.status == 0, "\(r.stderr)")
            for d in ["D002", "D003"] {
                #expect(try Harness.pingshen(["score", fx.store, "--as", m, "--dossier", d, "--key", fx.key(m), "--score",
                                              "expertise=10", "team=10", "treatment=5", "training=5", "results=5"]).status == 0)
            }
        }
        #expect(try Harness.pingshen(["verify", fx.store]).status == 0)
        // The Shanghai-form dossiers fail the Jing'an check: the secretary admits them with a
        // signed reason (an override), so that the sheets below are what is tested.
        try fx.signCheck(decide: ["D001", "D002", "D003", "D004"].map { "\($0)=eligible:测试：资格另行核实" })
        var bonus = [String: JSONValue]()
        if case .object(let p) = Self.points([30, 25, 15, 15, 15]) { bonus = p }
        bonus["bonus"] = .int(900)
        let unknown = try HandSigned.append(fx, "m4", kind: "score", body: ["dossier": .string("D002"), "points": .object(bonus)])
        let overMax = try HandSigned.append(fx, "m5", kind: "score", body: ["dossier": .string("D002"), "points": Self.points([31, 25, 15, 15, 15])])
        let huge = try HandSigned.append(fx, "m4", kind: "score", body: ["dossier": .string("D003"),
                                                                          "points": Self.points([Int64.max, Int64.max, Int64.max, Int64.max, 0])])
        let missing = try HandSigned.append(fx, "m5", kind: "score", body: ["dossier": .string("D003"), "points": Self.points([30, 25, 15, 15])])
        let ghost = try HandSigned.append(fx, "m5", kind: "score", body: ["dossier": .string("D999"), "points": Self.points([1, 1, 1, 1, 1])])
        let ghostRecusal = try HandSigned.append(fx, "m4", kind: "recusal", body: ["dossier": .string("D998")])

        let (status, problems) = try HandSigned.problems(fx)
        #expect(status == 1)
        for path in [unknown, overMax, huge, missing, ghost, ghostRecusal] {
            #expect(problems.contains { $0.path == path && $0.kind == "rule-violation" }, "\(path): \(problems)")
        }
        #expect(problems.allSatisfy { $0.kind == "rule-violation" }, "\(problems)")
        let text = try Harness.pingshen(["verify", fx.store])
        #expect(text.stdout.contains("bonus"))
        #expect(text.stdout.contains("31"))

        // Never counted: every score stays within 0…100, the three valid sheets alone.
        let rank = try Harness.pingshen(["rank", fx.store, "--format", "json"])
        let entries = try Harness.json(rank.stdout)["entries"] as! [[String: Any]]
        for e in entries where e["dossier"] as? String != "D004" {
            let score = Double(e["score"] as? String ?? "0") ?? -1
            #expect(score >= 0 && score <= 100, "\(e)")
            #expect(e["sheets"] as? Int == 3, "\(e)")
        }
        #expect(entries.first { $0["dossier"] as? String == "D002" }?["score"] as? String == "35.00")
        #expect(entries.first { $0["dossier"] as? String == "D003" }?["score"] as? String == "35.00")
    }

    /// An approval that names no finalization, and a finalization that counts a member who is
    /// not on the roster: both pins must hold.
    @Test func pinsMustNameWhatExists() throws {
        let fx = try Fixture(quota: 1)
        #expect(try fx.score("m1", "D001", [20, 20, 20, 20]).status == 0)
        try fx.signCheck()
        #expect(try Harness.pingshen(["finalize", fx.store, "--as", "chair", "--key", fx.key("chair")]).status == 0)
        let finalize = try Record.sha256Hex(Data(contentsOf: URL(fileURLWithPath: fx.store + "/records/chair/000/000001.json")))
        // Pinned to the real finalization, but listing a dossier that does not exist.
        #expect(try fx.addApprover("appr").status == 0)
        let ghost = try HandSigned.append(fx, "appr", kind: "approval", body: [
            "finalize": .string(finalize), "selected": .array([.string("D999")]), "decision": .string("approved"), "body": .string("sftu"),
        ])
        let approval = try HandSigned.append(fx, "appr", kind: "approval", body: [
            "finalize": .string(String(repeating: "ab", count: 32)), "selected": .array([.string("D001")]), "decision": .string("approved"),
            "body": .string("sftu"),
        ])
        let objection = try HandSigned.append(fx, "sec", kind: "objection", body: [
            "dossier": .string("D404"), "text": .string("x"), "outcome": .string("upheld"),
        ])
        let (status, problems) = try HandSigned.problems(fx)
        #expect(status == 1)
        #expect(problems.contains { $0.path == approval && $0.kind == "rule-violation" }, "\(problems)")
        #expect(problems.contains { $0.path == ghost && $0.kind == "rule-violation" }, "\(problems)")
        #expect(problems.contains { $0.path == objection && $0.kind == "rule-violation" }, "\(problems)")
    }

    /// The table is one: each kind's row names its signers, and the shapes and roles read it.
    @Test func theTableOfKindsIsComplete() {
        for kind in RecordKind.allCases {
            let spec = RecordKinds.spec(kind)
            #expect(spec.kind == kind)
            #expect(!spec.signers.isEmpty)
            #expect(KindPolicy.roles(for: kind) == Role.allCases.filter { spec.signers.contains($0) })
        }
        #expect(RecordKinds.describe(.en).split(separator: "\n").count == RecordKind.allCases.count)
    }

    /// The docs read the same table: `pingshen kinds` prints one line per kind with its signers.
    @Test func theCommandLinePrintsTheTable() throws {
        let r = try Harness.pingshen(["kinds"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == RecordKind.allCases.count)
        for kind in RecordKind.allCases {
            let roles = RecordKinds.spec(kind).signers.map(\.rawValue).joined(separator: "/")
            #expect(lines.contains { $0.hasPrefix(kind.rawValue + ": signed by: " + roles + ";") }, "\(kind)")
        }
    }
}
