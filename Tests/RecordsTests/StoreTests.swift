import Foundation
import Testing
import Panel
@testable import Records

@Suite struct RosterTests {
    @Test func addMemberWritesRosterAndAllowedSigners() throws {
        let s = try TestStore()
        let roster = try YAMLFile.decode(Roster.self, path: s.layout.rosterFile)
        // The founding secretary first (the genesis), then the members in the order added.
        #expect(roster.members.map(\.id) == ["sec", "m1", "m2", "chair"])
        #expect(roster.member("chair")?.role == .chair)
        let allowed = try String(contentsOfFile: s.layout.allowedSigners, encoding: .utf8)
        let lines = allowed.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines.count == 4)
        let m1 = try SSHPublicKey(line: roster.member("m1")!.key)
        #expect(lines[1] == "m1 namespaces=\"review-record@pingshen\" ssh-ed25519 \(m1.blob.base64EncodedString())")
    }

    @Test func refusesDuplicatesAndBadInputLeavingTheRosterAsItWas() throws {
        var s = try TestStore(members: [("m1", .member)])
        let before = try Data(contentsOf: URL(fileURLWithPath: s.layout.rosterFile))
        let m1key = try String(contentsOfFile: s.keys["m1"]! + ".pub", encoding: .utf8)
        try KeyGen.write(to: s.dir.path + "/other", comment: "o")
        let otherKey = try String(contentsOfFile: s.dir.path + "/other.pub", encoding: .utf8)
        let cases: [(Member, String)] = [
            (Member(id: "m1", name: "Again", role: .member, key: otherKey), "id"),        // duplicate id
            (Member(id: "m9", name: "Copy", role: .member, key: m1key), "key"),           // duplicate key
            (Member(id: "../evil", name: "E", role: .member, key: otherKey), "id"),       // unsafe id
            (Member(id: ".hidden", name: "E", role: .member, key: otherKey), "id"),
            (Member(id: "m9", name: "E", role: .member, key: "ssh-rsa AAAAB3NzaC1yc2E= x"), "key"),
            (Member(id: "m9", name: "  ", role: .member, key: otherKey), "name"),
        ]
        for (m, field) in cases {
            #expect { try s.govern(.add(m)) } throws: { ($0 as? InputError)?.field == field }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: s.layout.rosterFile)) == before)
        try s.addMember("m2", role: .member)
        #expect(try YAMLFile.decode(Roster.self, path: s.layout.rosterFile).members.count == 3)   // founder, m1, m2
    }
}

@Suite struct MessageLanguageTests {
    @Test func errorsFollowTheChosenLanguage() throws {
        let s = try TestStore(members: [("m1", .member)])
        let key = try String(contentsOfFile: s.keys["m1"]! + ".pub", encoding: .utf8)
        func message() -> String {
            do { try s.govern(.add(Member(id: "m1", name: "X", role: .member, key: key))); return "" } catch { return "\(error)" }
        }
        let en = PanelMessages.$language.withValue(.en) { message() }
        let zh = PanelMessages.$language.withValue(.zh) { message() }
        #expect(en.contains("already on the roster") && en.hasPrefix(s.layout.rosterFile))
        #expect(zh.contains("已在名单上"))
        let e = RecordsError("中文", "English")
        #expect(PanelMessages.$language.withValue(.en) { e.description } == "English")
        #expect(PanelMessages.$language.withValue(.zh) { e.description } == "中文")
    }
}

@Suite struct StoreTests {
    @Test func appendBuildsAChainThatSSHKeygenVerifies() throws {
        let s = try TestStore()
        let store = RecordStore(layout: s.layout)
        let t0 = Date(timeIntervalSince1970: 1_795_266_245)
        let r1 = try store.append(kind: .score, body: ["dossier": "D001", "points": ["craft": 41], "comment": "工艺精湛\n\"好\""],
                                  program: s.instance, signerID: "m1", signer: try s.signer("m1"), now: t0)
        let r2 = try store.append(kind: .recusal, body: ["dossier": "D002", "reason": "同单位"],
                                  program: s.instance, signerID: "m1", signer: try s.signer("m1"))
        let r3 = try s.score("m1", dossier: "D001", points: 45)
        #expect(r1.record.seq == 1 && r2.record.seq == 2 && r3.record.seq == 3)
        #expect(r1.record.prev == Record.zeroHash)
        #expect(r2.record.prev == r1.sha256 && r3.record.prev == r2.sha256)
        #expect(r1.record.created == "2026-11-21T13:04:05Z")
        #expect(r1.path == "records/m1/000/000001.json")
        try s.score("m2")
        _ = try store.append(kind: .eligibility, body: ["dossier": "D001", "result": "eligible", "reasons": []],
                             program: s.instance, signerID: "sec", signer: try s.signer("sec"))
        _ = try store.append(kind: .objection, body: ["dossier": "D002", "text": "材料存疑"],
                             program: s.instance, signerID: "sec", signer: try s.signer("sec"))
        let summary = try store.finalizeSummary()
        #expect(summary.counted == ["m1": 3, "m2": 1, "sec": 4 + 2])   // the genesis, three member-adds, two records
        let fin = try store.append(kind: .finalize, body: ["method": "trimmed-mean", "quota": 2,
                                                     "counted": .object(summary.counted.mapValues { .int(Int64($0)) }),
                                                     "merkle_root": .string(summary.merkleRoot), "ranking": ["D001"], "selected": ["D001"],
                                                     "resolutions": []],
                             program: s.instance, signerID: "chair", signer: try s.signer("chair"))
        // A public notice pins its finalization by the SHA-256 of its bytes (RecordKinds), and
        // runs at least the default 5 working days from the day of the finalization.
        let today = NoticeDate(instant: Date())
        _ = try store.append(kind: .publicity, body: ["finalize": .string(fin.sha256), "from": .string(today.description),
                                                      "to": .string(today.adding(days: 9).description), "dossiers": ["D001"]],
                             program: s.instance, signerID: "sec", signer: try s.signer("sec"))

        // Bytes on disk are the canonical bytes, and read back the same.
        #expect(try Data(contentsOf: URL(fileURLWithPath: s.path(r1.path))) == r1.record.canonicalBytes())
        #expect(try store.records(of: "m1").map(\.record) == [r1.record, r2.record, r3.record])
        #expect(store.members() == ["chair", "m1", "m2", "sec"])
        let g = 4   // genesis and three member-adds in sec's chain
        #expect(try store.allRecords().count == 8 + g)

        let report = try s.verify()
        #expect(report.ok, "\(report.problems)")
        #expect(report.records == 8 + g)

        // Every record verifies with stock OpenSSH against the store's allowed_signers.
        for rec in try store.allRecords() {
            let v = try run(sshKeygen, ["-Y", "verify", "-f", s.layout.allowedSigners, "-I", rec.record.signer,
                                        "-n", "review-record@pingshen", "-s", s.path(rec.path) + ".sig"], stdin: rec.bytes)
            #expect(v.status == 0, "\(rec.path): \(v.stdout) \(v.stderr)")
        }
        // …and not as somebody else.
        let wrong = try run(sshKeygen, ["-Y", "verify", "-f", s.layout.allowedSigners, "-I", "m2", "-n", "review-record@pingshen",
                                        "-s", s.path(r1.path) + ".sig"], stdin: r1.bytes)
        #expect(wrong.status != 0)
    }

    @Test func aSignatureMadeBySSHKeygenIsAcceptedByVerify() throws {
        let s = try TestStore(members: [("m1", .member)])
        // Write record 1 by hand and sign it with `ssh-keygen -Y sign`.
        let rec = Record(kind: .score, program: s.instance, signer: "m1", seq: 1, prev: Record.zeroHash,
                         created: "2026-11-21T13:04:05Z", gov: s.govHead, body: ["dossier": "D001", "points": ["craft": 30]])
        let dir = s.layout.recordFolder("m1", seq: 1)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try rec.canonicalBytes().write(to: URL(fileURLWithPath: dir + "/000001.json"))
        let sign = try run(sshKeygen, ["-Y", "sign", "-f", s.keys["m1"]!, "-n", "review-record@pingshen", dir + "/000001.json"])
        #expect(sign.status == 0, "\(sign.stderr)")
        let report = try s.verify()
        #expect(report.ok && report.records == 1 + s.setupRecords, "\(report.problems)")
        // And pingshen continues that chain.
        let next = try s.score("m1")
        #expect(next.record.seq == 2 && next.record.prev == Record.sha256Hex(rec.canonicalBytes()))
        #expect(try s.verify().ok)
    }

    @Test func appendRefusesWhatVerifyWouldFlag() throws {
        let s = try TestStore()
        let store = RecordStore(layout: s.layout)
        // A member signing a chair-only kind.
        #expect { try store.append(kind: .finalize, body: [:], program: s.instance, signerID: "m1", signer: try s.signer("m1")) }
            throws: { ($0 as? RecordsError)?.en.contains("may not sign a finalize") == true }
        // Someone else's key.
        #expect { try store.append(kind: .score, body: [:], program: s.instance, signerID: "m1", signer: try s.signer("m2")) }
            throws: { ($0 as? RecordsError)?.en.contains("not the roster's key") == true }
        // Not on the roster; not a safe id.
        #expect(throws: RecordsError.self) { try store.append(kind: .score, body: [:], program: s.instance, signerID: "zz", signer: try s.signer("m1")) }
        #expect(throws: RecordsError.self) { try store.append(kind: .score, body: [:], program: s.instance, signerID: "../m1", signer: try s.signer("m1")) }
        #expect(!FileManager.default.fileExists(atPath: s.layout.recordFile("m1", seq: 1)))
    }

    struct BodyCase: Sendable, CustomTestStringConvertible {
        var kind: RecordKind; var body: [String: JSONValue]; var word: String
        init(_ kind: RecordKind, _ body: [String: JSONValue], _ word: String) { self.kind = kind; self.body = body; self.word = word }
        var testDescription: String { "\(kind.rawValue) \(JSONValue.object(body))" }
    }

    @Test(arguments: [
        BodyCase(.score, ["points": ["craft": 1]], "dossier"),
        BodyCase(.score, ["dossier": "D1"], "points"),
        BodyCase(.score, ["dossier": "D1", "points": ["craft": -1]], "non-negative"),
        BodyCase(.score, ["dossier": "D1", "points": ["craft": "ten"]], "non-negative"),
        BodyCase(.score, ["dossier": "D1", "points": [:], "vote": "maybe"], "vote"),
        BodyCase(.score, ["dossier": "../x", "points": [:]], "dossier"),
        BodyCase(.recusal, ["reason": "r"], "dossier"),
        BodyCase(.eligibility, ["dossier": "D1", "result": "ok"], "result"),
        BodyCase(.finalize, ["counted": ["m1": "x"], "merkle_root": "00"], "counted"),
        BodyCase(.objection, ["text": "t"], "dossier"),
        BodyCase(.approval, ["selected": []], "finalize"),
        BodyCase(.publicity, ["from": "2026-06-01", "to": "2026-06-10", "dossiers": ["D1"]], "finalize"),
        BodyCase(.publicity, ["finalize": .string(String(repeating: "a", count: 64)), "from": "2026-06-31", "to": "2026-07-10", "dossiers": ["D1"]], "date"),
        BodyCase(.publicity, ["finalize": .string(String(repeating: "a", count: 64)), "from": "2026-06-10", "to": "2026-06-01", "dossiers": ["D1"]], "before it starts"),
        BodyCase(.publicity, ["finalize": .string(String(repeating: "a", count: 64)), "from": "2026-06-01", "to": "2026-06-10", "dossiers": []], "non-empty"),
        BodyCase(.publicity, ["finalize": .string(String(repeating: "a", count: 64)), "from": "2026-06-01", "to": "2026-06-10", "dossiers": ["D1", "D2"],
                              "supplement_for": "D0", "objection": .string(String(repeating: "b", count: 64))], "one candidate"),
        BodyCase(.objection, ["dossier": "D1", "publicity": "x"], "SHA-256"),
    ])
    func malformedBodiesAreRefusedBeforeSigning(_ c: BodyCase) throws {
        let s = try TestStore(members: [("m1", .member), ("chair", .chair), ("sec", .secretary), ("appr", .approver)])
        let who = ["score": "m1", "recusal": "m1", "eligibility": "sec", "objection": "sec", "finalize": "chair", "approval": "appr",
                   "publicity": "sec"][c.kind.rawValue]!
        let before = try RecordStore(layout: s.layout).publishedSeqs(of: who).count
        #expect { try RecordStore(layout: s.layout).append(kind: c.kind, body: c.body, program: s.instance, signerID: who, signer: try s.signer(who)) }
            throws: { ($0 as? RecordsError)?.en.contains(c.word) == true }
        #expect(try RecordStore(layout: s.layout).publishedSeqs(of: who).count == before)
        #expect(RecordBody.problem(kind: c.kind, body: c.body) != nil)
    }

    @Test func reportEncodesAsTheContract() throws {
        let r = VerifyReport(ok: false, records: 3, problems: [Problem(path: "records/m1/000/000002.json", kind: "chain-gap", message: "x")])
        let enc = JSONEncoder(); enc.outputFormatting = .sortedKeys
        let text = String(decoding: try enc.encode(r), as: UTF8.self)
        #expect(text == #"{"ok":false,"problems":[{"kind":"chain-gap","message":"x","path":"records\/m1\/000\/000002.json"}],"records":3}"#)
    }

    @Test func unreadableStoreThrows() throws {
        let d = TempDir("nostore")
        #expect(throws: (any Error).self) { try Verifier.verify(layout: StoreLayout(d.path + "/none")) }
        try "id: [unclosed".write(toFile: d.path + "/program.yaml", atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try Verifier.verify(layout: StoreLayout(d.path)) }
    }

    @Test func emptyStoreIsValid() throws {
        let s = try TestStore()
        let r = try s.verify()
        #expect(r.ok && r.records == s.setupRecords)   // the genesis and the member-adds only
    }

    @Test func problemMessagesInBothLanguages() throws {
        let s = try TestStore()
        try s.score("m1"); try s.score("m1")
        try FileManager.default.removeItem(atPath: s.path("records/m1/000/000001.json"))
        try FileManager.default.removeItem(atPath: s.path("records/m1/000/000001.json.sig"))
        let en = try Verifier.verify(layout: s.layout, language: .en)
        let zh = try Verifier.verify(layout: s.layout, language: .zh)
        #expect(en.problems.map(\.kind) == zh.problems.map(\.kind))
        #expect(en.problems.first?.message.contains("missing") == true)
        #expect(zh.problems.first?.message.contains("缺少") == true)
    }
}

/// Each tampering is caught and named by path.
@Suite struct TamperTests {
    func flip(_ path: String, from: String, to: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(from))
        try text.replacingOccurrences(of: from, with: to).write(toFile: path, atomically: false, encoding: .utf8)
    }

    @Test func aChangedByteIsCaught() throws {
        let s = try TestStore()
        try s.score("m1", points: 40); try s.score("m1", points: 42)
        try flip(s.path("records/m1/000/000001.json"), from: "\"craft\":40", to: "\"craft\":49")
        let r = try s.verify()
        #expect(!r.ok)
        #expect(r.has("bad-signature", "records/m1/000/000001.json"))
        // The next record's prev no longer matches either.
        #expect(r.has("chain-prev", "records/m1/000/000002.json"))
    }

    @Test func aChangedByteInTheSignatureIsCaught() throws {
        let s = try TestStore()
        try s.score("m1")
        let p = s.path("records/m1/000/000001.json.sig")
        var lines = try String(contentsOfFile: p, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var l = Array(lines[3].utf8); l[10] = l[10] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        lines[3] = String(decoding: l, as: UTF8.self)
        try lines.joined(separator: "\n").write(toFile: p, atomically: false, encoding: .utf8)
        let r = try s.verify()
        #expect(r.has("bad-signature", "records/m1/000/000001.json"), "\(r.problems)")
    }

    @Test func aRemovedRecordIsCaught() throws {
        let s = try TestStore()
        for _ in 0..<4 { try s.score("m1") }
        for f in ["000002.json", "000002.json.sig"] { try FileManager.default.removeItem(atPath: s.path("records/m1/000/" + f)) }
        let r = try s.verify()
        #expect(!r.ok)
        #expect(r.has("chain-gap", "records/m1/000/000003.json"), "\(r.problems)")
        #expect(r.records == 3 + s.setupRecords)
    }

    @Test func aRemovedLastRecordIsCaughtByTheFinalization() throws {
        let s = try TestStore()
        let store = RecordStore(layout: s.layout)
        try s.score("m1"); try s.score("m1"); try s.score("m2")
        let sum = try store.finalizeSummary()
        _ = try store.append(kind: .finalize, body: ["counted": .object(sum.counted.mapValues { .int(Int64($0)) }), "merkle_root": .string(sum.merkleRoot)],
                             program: s.instance, signerID: "chair", signer: try s.signer("chair"))
        #expect(try s.verify().ok)
        for f in ["000002.json", "000002.json.sig"] { try FileManager.default.removeItem(atPath: s.path("records/m1/000/" + f)) }
        let r = try s.verify()
        #expect(r.has("merkle", "records/chair/000/000001.json"), "\(r.problems)")
    }

    @Test func aSignatureByANonMemberIsCaught() throws {
        let s = try TestStore()
        try s.score("m1")
        let stranger = KeyFileSigner(privateKey: .init(), comment: "stranger")
        let loose = RecordStore(layout: s.layout, checkRoster: false)
        // In a member's name…
        _ = try loose.append(kind: .score, body: ["dossier": "D001", "points": ["craft": 50]], program: s.instance, signerID: "m1", signer: stranger)
        // …and under a name of its own.
        _ = try loose.append(kind: .score, body: ["dossier": "D001", "points": ["craft": 50]], program: s.instance, signerID: "ghost", signer: stranger)
        // A member signing in another member's name.
        _ = try loose.append(kind: .score, body: ["dossier": "D001", "points": ["craft": 50]], program: s.instance, signerID: "m2", signer: try s.signer("m1"))
        let r = try s.verify()
        #expect(r.has("wrong-key", "records/m1/000/000002.json"), "\(r.problems)")
        #expect(r.has("unknown-signer", "records/ghost/000/000001.json"))
        #expect(r.problems.contains { $0.path == "records/m2/000/000001.json" && $0.kind == "wrong-key" && $0.message.contains("'m1'") })
        // ssh-keygen agrees the stranger's record is not m1's.
        let v = try run(sshKeygen, ["-Y", "verify", "-f", s.layout.allowedSigners, "-I", "m1", "-n", "review-record@pingshen",
                                    "-s", s.path("records/m1/000/000002.json.sig")],
                        stdin: try Data(contentsOf: URL(fileURLWithPath: s.path("records/m1/000/000002.json"))))
        #expect(v.status != 0)
    }

    @Test func aRecordCopiedFromAnotherStoreIsCaught() throws {
        let a = try TestStore(instance: "shanghai-2026-a")
        // The same member, with the same key, signed a record of another programme instance
        // (store B); copied into A, it is foreign there.
        let rec = Record(kind: .score, program: "shanghai-2026-b", signer: "m1", seq: 1, prev: Record.zeroHash,
                         created: "2026-11-21T13:04:05Z", gov: a.govHead, body: ["dossier": "D001", "points": ["craft": 30]])
        try a.score("m2")
        let d = a.layout.recordFolder("m1", seq: 1)
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        try rec.canonicalBytes().write(to: URL(fileURLWithPath: d + "/000001.json"))
        try SSHSig.sign(rec.canonicalBytes(), signer: try a.signer("m1")).write(toFile: d + "/000001.json.sig", atomically: false, encoding: .utf8)
        let r = try a.verify()
        #expect(r.has("foreign-program", "records/m1/000/000001.json"), "\(r.problems)")
        #expect(r.problems.count == 1)
    }

    @Test func aMemberSigningAChairOnlyKindIsCaught() throws {
        let s = try TestStore()
        let g = s.setupRecords
        let loose = RecordStore(layout: s.layout, checkRoster: false)
        _ = try loose.append(kind: .finalize, body: ["counted": [:], "merkle_root": "00"], program: s.instance, signerID: "m1", signer: try s.signer("m1"))
        _ = try loose.append(kind: .eligibility, body: ["dossier": "D1", "result": "eligible", "reasons": []], program: s.instance, signerID: "m2", signer: try s.signer("m2"))
        _ = try loose.append(kind: .score, body: ["dossier": "D1", "points": ["craft": 1]], program: s.instance, signerID: "sec", signer: try s.signer("sec"))
        let r = try s.verify()
        #expect(r.has("role", "records/m1/000/000001.json"), "\(r.problems)")
        #expect(r.has("role", "records/m2/000/000001.json"))
        #expect(r.has("role", RecordFileName.path(member: "sec", seq: g + 1)))
        // An invalid finalize does not count as a finalization.
        #expect(!r.kinds.contains("merkle") && !r.kinds.contains("after-finalize"))
    }

    @Test func reorderedRecordsAreCaught() throws {
        let s = try TestStore()
        for p in [10, 20, 30] { try s.score("m1", points: Int64(p)) }
        let d = s.layout.recordFolder("m1", seq: 1)
        let fm = FileManager.default
        for ext in ["json", "json.sig"] {
            try fm.moveItem(atPath: "\(d)/000002.\(ext)", toPath: "\(d)/tmp.\(ext)")
            try fm.moveItem(atPath: "\(d)/000003.\(ext)", toPath: "\(d)/000002.\(ext)")
            try fm.moveItem(atPath: "\(d)/tmp.\(ext)", toPath: "\(d)/000003.\(ext)")
        }
        let r = try s.verify()
        #expect(!r.ok)
        #expect(r.has("chain-prev", "records/m1/000/000002.json"), "\(r.problems)")
        #expect(r.problems.contains { $0.path == "records/m1/000/000003.json" && $0.kind.hasPrefix("chain-") })
    }

    @Test func aForkIsCaught() throws {
        // Two sessions that both continued from record 1 (one made elsewhere and copied in).
        let s = try TestStore()
        let r1 = try s.score("m1")
        let sibling = Record(kind: .score, program: s.instance, signer: "m1", seq: 2, prev: r1.sha256,
                             created: "2026-11-21T13:04:05Z", body: ["dossier": "D009", "points": ["craft": 1]])
        try s.score("m1")
        let sig = try SSHSig.sign(sibling.canonicalBytes(), signer: try s.signer("m1"))
        let d = s.layout.recordFolder("m1", seq: 1)
        try sibling.canonicalBytes().write(to: URL(fileURLWithPath: d + "/000003.json"))
        try sig.write(toFile: d + "/000003.json.sig", atomically: false, encoding: .utf8)
        let r = try s.verify()
        #expect(r.has("chain-fork", "records/m1/000/000003.json"), "\(r.problems)")
    }

    @Test func aRecordInTheWrongDirectoryIsCaught() throws {
        let s = try TestStore()
        try s.score("m1")
        let fm = FileManager.default
        try fm.createDirectory(atPath: s.layout.recordFolder("m2", seq: 1), withIntermediateDirectories: true)
        for ext in ["json", "json.sig"] {
            try fm.copyItem(atPath: s.path("records/m1/000/000001.\(ext)"), toPath: s.path("records/m2/000/000001.\(ext)"))
        }
        let r = try s.verify()
        #expect(r.has("signer-mismatch", "records/m2/000/000001.json"), "\(r.problems)")
    }

    @Test func missingSignaturesAndStrayFiles() throws {
        let s = try TestStore()
        for _ in 0..<3 { try s.score("m1") }
        try FileManager.default.removeItem(atPath: s.path("records/m1/000/000002.json.sig"))
        try FileManager.default.copyItem(atPath: s.path("records/m1/000/000001.json.sig"), toPath: s.path("records/m1/000/000007.json.sig"))
        let r = try s.verify()
        #expect(r.has("missing-signature", "records/m1/000/000002.json"), "\(r.problems)")
        #expect(r.has("malformed", "records/m1/000/000007.json.sig"))
    }

    @Test func anUnsignedLastRecordIsPendingNotAProblem() throws {
        // What a writer killed between the record and its signature leaves.
        let s = try TestStore()
        try s.score("m1")
        let d = s.layout.recordFolder("m1", seq: 1)
        try Data("{\"half\":".utf8).write(to: URL(fileURLWithPath: d + "/000002.json"))
        try Data("junk".utf8).write(to: URL(fileURLWithPath: d + "/.tmp-000002.json.sig-abc"))
        let r = try s.verify()
        #expect(r.ok && r.records == 1 + s.setupRecords, "\(r.problems)")
        let next = try s.score("m1")
        #expect(next.record.seq == 2)
        #expect(try s.verify().ok)
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: d)).contains { $0.hasPrefix(".tmp-") })
    }

    @Test func scoresAfterTheFinalizationAndABadRootAreCaught() throws {
        let s = try TestStore()
        let store = RecordStore(layout: s.layout)
        try s.score("m1"); try s.score("m2")
        let sum = try store.finalizeSummary()
        _ = try store.append(kind: .finalize, body: ["counted": .object(sum.counted.mapValues { .int(Int64($0)) }), "merkle_root": .string(sum.merkleRoot)],
                             program: s.instance, signerID: "chair", signer: try s.signer("chair"))
        #expect(try s.verify().ok)
        try s.score("m1")      // after the finalization
        try s.score("chair")   // the chair is absent from counted
        _ = try store.append(kind: .objection, body: ["dossier": "D001"], program: s.instance, signerID: "sec", signer: try s.signer("sec"))
        var r = try s.verify()
        #expect(r.has("after-finalize", "records/m1/000/000002.json"), "\(r.problems)")
        #expect(r.has("after-finalize", "records/chair/000/000002.json"))
        #expect(r.problems.count == 2)   // an objection after the finalization is fine
        // A finalization whose root does not match what it counted.
        _ = try store.append(kind: .finalize, body: ["counted": ["m1": 2, "m2": 1, "chair": 2], "merkle_root": .string(Record.zeroHash)],
                             program: s.instance, signerID: "chair", signer: try s.signer("chair"))
        r = try s.verify()
        #expect(r.has("merkle", "records/chair/000/000003.json"), "\(r.problems)")
        #expect(!r.kinds.contains("after-finalize"))   // the later finalization counted them
    }

    @Test func hugeSeqNumbersCostNothing() throws {
        // A forged file name near Int32.max and a finalization counting two billion records:
        // named as problems, with memory and time that follow the records, not the numbers.
        let s = try TestStore()
        let store = RecordStore(layout: s.layout)
        try s.score("m1")
        _ = try store.append(kind: .finalize, body: ["counted": ["m1": 2_000_000_000], "merkle_root": .string(Record.zeroHash)],
                             program: s.instance, signerID: "chair", signer: try s.signer("chair"))
        let big = Record(kind: .score, program: s.instance, signer: "m1", seq: 2_147_483_647, prev: Record.zeroHash,
                         created: "2026-11-21T13:04:05Z", gov: s.govHead, body: ["dossier": "D1", "points": ["craft": 1]])
        let d = s.layout.memberRecordsDir("m1")
        try FileManager.default.createDirectory(atPath: s.layout.recordFolder("m1", seq: 2_147_483_647), withIntermediateDirectories: true)
        try big.canonicalBytes().write(to: URL(fileURLWithPath: s.layout.recordFile("m1", seq: 2_147_483_647)))
        try SSHSig.sign(big.canonicalBytes(), signer: try s.signer("m1")).write(toFile: s.layout.recordFile("m1", seq: 2_147_483_647, signature: true), atomically: false, encoding: .utf8)
        // Beyond Int32: not a record file name at all.
        try Data("x".utf8).write(to: URL(fileURLWithPath: d + "/9999999999.json.sig"))
        let r = try s.verify()
        #expect(r.records == 3 + s.setupRecords)
        #expect(r.has("chain-gap", "records/m1/2147483/2147483647.json"), "\(r.problems)")
        #expect(r.problems.contains { $0.kind == "merkle" && $0.message.contains("1999999999 records") })
        #expect(r.has("after-finalize", "records/m1/2147483/2147483647.json"))
    }

    @Test func malformedRecordsAreNamed() throws {
        let s = try TestStore()
        try s.score("m1")
        let d = s.layout.recordFolder("m1", seq: 1)
        // A non-canonical record that is properly signed.
        let text = Data("{\"v\": 1}".utf8)
        try text.write(to: URL(fileURLWithPath: d + "/000002.json"))
        try SSHSig.sign(text, signer: try s.signer("m1")).write(toFile: d + "/000002.json.sig", atomically: false, encoding: .utf8)
        let r = try s.verify()
        #expect(r.has("malformed", "records/m1/000/000002.json"), "\(r.problems)")
        #expect(r.problems.first { $0.kind == "malformed" }?.message.contains("canonical") == true)
    }

    @Test func aSignedRecordWithABadBodyIsMalformed() throws {
        let s = try TestStore()
        let rec = Record(kind: .score, program: s.instance, signer: "m1", seq: 1, prev: Record.zeroHash,
                         created: "2026-11-21T13:04:05Z", gov: s.govHead, body: ["dossier": "D1", "points": ["craft": "many"]])
        let d = s.layout.recordFolder("m1", seq: 1)
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        try rec.canonicalBytes().write(to: URL(fileURLWithPath: d + "/000001.json"))
        try SSHSig.sign(rec.canonicalBytes(), signer: try s.signer("m1")).write(toFile: d + "/000001.json.sig", atomically: false, encoding: .utf8)
        let r = try s.verify()
        #expect(r.has("malformed", "records/m1/000/000001.json"), "\(r.problems)")
        #expect(try Verifier.verifiedRecords(layout: s.layout).records.allSatisfy { $0.record.kind.isGovernance })
    }

    @Test func verifyGivesTheSameAnswerOnOneThreadAndMany() throws {
        let s = try TestStore()
        for i in 0..<30 { try s.score(i % 2 == 0 ? "m1" : "m2", points: Int64(i)) }
        try flip(s.path("records/m2/000/000004.json"), from: "\"craft\":7", to: "\"craft\":8")
        let one = try Verifier.verify(layout: s.layout, threads: 1, language: .en)
        let many = try Verifier.verify(layout: s.layout, threads: 8, language: .en)
        #expect(one.problems == many.problems && one.records == 30 + s.setupRecords && many.records == 30 + s.setupRecords)
        #expect(one.has("bad-signature", "records/m2/000/000004.json"))
    }
}

@Suite struct VerifiedRecordsTests {
    @Test func returnsExactlyTheRecordsWithoutProblems() throws {
        let s = try TestStore()
        for i in 0..<3 { try s.score("m1", points: Int64(i)) }
        try s.score("m2", points: 40)
        let loose = RecordStore(layout: s.layout, checkRoster: false)
        _ = try loose.append(kind: .score, body: ["dossier": "D001", "points": ["craft": 50]], program: s.instance,
                             signerID: "m2", signer: KeyFileSigner(privateKey: .init()))
        // A changed record, and one that is not even JSON but signed.
        let p = s.path("records/m1/000/000002.json")
        try (try String(contentsOfFile: p, encoding: .utf8)).replacingOccurrences(of: "\"craft\":1", with: "\"craft\":9")
            .write(toFile: p, atomically: false, encoding: .utf8)
        let junk = Data("not json".utf8)
        try junk.write(to: URL(fileURLWithPath: s.path("records/m2/000/000003.json")))
        try SSHSig.sign(junk, signer: try s.signer("m2")).write(toFile: s.path("records/m2/000/000003.json.sig"), atomically: false, encoding: .utf8)

        let (records, report) = try Verifier.verifiedRecords(layout: s.layout, language: .en)
        #expect(report.records == 6 + s.setupRecords)
        #expect(records.map(\.path).filter { !$0.hasPrefix("records/sec/") } == ["records/m1/000/000001.json", "records/m2/000/000001.json"])
        let bad = Set(report.problems.map(\.path))
        #expect(bad == ["records/m1/000/000002.json", "records/m1/000/000003.json", "records/m2/000/000002.json", "records/m2/000/000003.json"])
        for r in records {
            #expect(r.bytes == (try Data(contentsOf: URL(fileURLWithPath: s.path(r.path)))))
            #expect(r.sha256 == Record.sha256Hex(r.bytes))
        }
        #expect(try Verifier.verify(layout: s.layout, language: .en).problems == report.problems)
    }
}

@Suite struct VerifyCacheTests {
    @Test func cachedSignaturesAreReusedButTamperingIsStillCaught() throws {
        let s = try TestStore()
        for i in 0..<6 { try s.score(i % 2 == 0 ? "m1" : "m2", points: Int64(i)) }
        let secret = s.dir.path + "/home/cache-secret"
        func run() throws -> VerifyReport {
            try Verifier.run(layout: s.layout, threads: 2, language: .en, collect: false, cache: true, cacheSecret: secret).report
        }
        let first = try run()
        let g = s.setupRecords
        #expect(first.ok && first.records == 6 + g)
        let file = s.layout.cacheDir + "/verified-v1"
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)).count == (6 + g) * 32)
        var st = stat(); stat(secret, &st)
        #expect(st.st_mode & 0o777 == 0o600)
        #expect(try run().ok)

        // A changed record misses the cache and fails.
        let p = s.path("records/m1/000/000003.json")
        try (try String(contentsOfFile: p, encoding: .utf8)).replacingOccurrences(of: "\"craft\":4", with: "\"craft\":5")
            .write(toFile: p, atomically: false, encoding: .utf8)
        let r = try run()
        #expect(r.has("bad-signature", "records/m1/000/000003.json"), "\(r.problems)")

        // The cache is really consulted: an entry made with this machine's secret for the bad
        // bytes would hide it (which is why the secret stays outside the store)…
        let cache = VerifyCache(layout: s.layout, secretPath: secret)!
        let e = cache.entry(json: try Data(contentsOf: URL(fileURLWithPath: p)), signature: try Data(contentsOf: URL(fileURLWithPath: p + ".sig")))
        var forged = try Data(contentsOf: URL(fileURLWithPath: file))
        var ee = e; withUnsafeBytes(of: &ee) { forged.append(contentsOf: $0) }
        try forged.write(to: URL(fileURLWithPath: file))
        #expect(try run().ok)
        // …while one made with any other secret (a cache that came with the store) does not.
        let other = VerifyCache(layout: s.layout, secretPath: s.dir.path + "/elsewhere/cache-secret")!
        var oe = other.entry(json: try Data(contentsOf: URL(fileURLWithPath: p)), signature: try Data(contentsOf: URL(fileURLWithPath: p + ".sig")))
        var foreign = Data(); withUnsafeBytes(of: &oe) { foreign.append(contentsOf: $0) }
        try foreign.write(to: URL(fileURLWithPath: file))
        #expect(try run().has("bad-signature", "records/m1/000/000003.json"))
        // Without the cache the answer is the same as with it.
        #expect(try Verifier.verify(layout: s.layout, language: .en).problems == (try run()).problems)
    }
}

/// `DecisionOrder`: chains, not clocks.
@Suite struct DecisionOrderTests {
    typealias Item = DecisionOrder.Item
    @Test func oneSignersLaterRecordWins() {
        let a = Item(path: "records/s/000/000001.json", signer: "s", seq: 1, saw: [:], value: "ineligible")
        let b = Item(path: "records/s/000/000002.json", signer: "s", seq: 2, saw: [:], value: "eligible")
        #expect(DecisionOrder.latest([b, a])?.path == b.path)
        #expect(DecisionOrder.conflicting([a, b]).isEmpty)
    }

    @Test func acrossSignersWhatWasSeenComesFirst() {
        let a = Item(path: "records/s1/000/000001.json", signer: "s1", seq: 1, saw: [:], value: "ineligible")
        let b = Item(path: "records/s2/000/000004.json", signer: "s2", seq: 4, saw: ["s1": 1], value: "eligible")
        #expect(DecisionOrder.latest([a, b])?.value == "eligible")
        // Not seen: concurrent. Disagreeing heads conflict; agreeing ones do not.
        let c = Item(path: "records/s2/000/000004.json", signer: "s2", seq: 4, saw: [:], value: "eligible")
        #expect(DecisionOrder.latest([a, c]) == nil)
        #expect(Set(DecisionOrder.conflicting([a, c]).map(\.path)) == [a.path, c.path])
        let d = Item(path: "records/s2/000/000004.json", signer: "s2", seq: 4, saw: [:], value: "ineligible")
        #expect(DecisionOrder.latest([a, d]) != nil)
        // A third who saw both settles it.
        let e = Item(path: "records/s3/000/000001.json", signer: "s3", seq: 1, saw: ["s1": 1, "s2": 4], value: "eligible")
        #expect(DecisionOrder.latest([a, c, e])?.path == e.path)
    }
}
