import Foundation
import Testing
import Records
import Panel

/// Records written by hand for the attack tests: canonical bytes signed with stock
/// `ssh-keygen -Y sign -n review-record@pingshen` (the namespace `SSHSig.namespace`), with any
/// key, any `gov`, `seen` and seq the attacker chooses.
enum Forge {
    static let namespace = "review-record@pingshen"

    /// SHA-256 of a record file of the store (`records/M/NNN/NNNNNN.json`).
    static func sha(_ store: String, _ path: String) throws -> String {
        Record.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: store + "/" + path)))
    }

    static func head(_ store: String) throws -> String { try RecordStore(layout: StoreLayout(store)).governanceHead() }

    /// The last seq of every member's chain but `member`'s (what a record's `seen` says).
    static func seen(_ store: String, except member: String) -> [String: Int] {
        var out: [String: Int] = [:]
        for dir in (try? FileManager.default.contentsOfDirectory(atPath: store + "/records")) ?? [] where dir != member && !dir.hasPrefix(".") {
            if let last = Harness.records(store, dir).last, let n = Int(((last as NSString).lastPathComponent as NSString).deletingPathExtension) { out[dir] = n }
        }
        return out
    }

    /// Writes `member`'s next record (or seq `seq`), signed with `key` (default: the member's key file).
    @discardableResult
    static func record(_ store: String, _ member: String, kind: RecordKind, body: [String: JSONValue], key: String,
                       gov: String? = nil, seen: [String: Int]? = nil, seq forced: Int? = nil, prev forcedPrev: String? = nil) throws -> String {
        var seq = 1, prev = Record.zeroHash
        if let last = Harness.records(store, member).last {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: last))
            seq = (try Harness.json(String(decoding: bytes, as: UTF8.self))["seq"] as! Int) + 1
            prev = Record.sha256Hex(bytes)
        }
        if let forced { seq = forced }
        let layout = StoreLayout(store)
        let r = Record(kind: kind, program: try RecordStore.programInstance(layout), signer: member, seq: seq, prev: forcedPrev ?? prev,
                       created: "2026-11-20T10:00:00Z", gov: try gov ?? head(store), seen: seen ?? Self.seen(store, except: member), body: body)
        try FileManager.default.createDirectory(atPath: layout.recordFolder(member, seq: seq), withIntermediateDirectories: true)
        try sign(r.canonicalBytes(), to: layout.recordFile(member, seq: seq), key: key)
        return RecordFileName.path(member: member, seq: seq)
    }

    /// Writes `bytes` to `path` and signs it with `key` (stock ssh-keygen), replacing any signature.
    static func sign(_ bytes: Data, to path: String, key: String) throws {
        try bytes.write(to: URL(fileURLWithPath: path))
        try? FileManager.default.removeItem(atPath: path + ".sig")
        let r = try Harness.run("/usr/bin/ssh-keygen", ["-Y", "sign", "-f", key, "-n", namespace, path])
        #expect(r.status == 0, "ssh-keygen -Y sign: \(r.stderr)")
    }

    /// A governance record signed by `member` with `key`, linked to the chain's head unless `govPrev`.
    @discardableResult
    static func governance(_ store: String, _ member: String, kind: RecordKind, body: [String: JSONValue], key: String,
                           govPrev: String? = nil, seen: [String: Int]? = nil) throws -> String {
        let prev = try govPrev ?? head(store)
        var b = body
        b["gov_prev"] = .string(prev)
        let path = try record(store, member, kind: kind, body: b, key: key, gov: prev, seen: seen)
        // The views as the history now says (what an attacker with write access would do too).
        try Governance.writeViews(try Governance.load(StoreLayout(store)), layout: StoreLayout(store))
        return path
    }

    static func memberBody(_ id: String, pubkey: String, role: String = "member") throws -> JSONValue {
        let line = try String(contentsOfFile: pubkey, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return .object(["id": .string(id), "name": .string("专家" + id), "role": .string(role), "key": .string(line)])
    }

    /// `verify --format json`: the exit status and the problems as (path, kind).
    static func verify(_ store: String, extra: [String] = []) throws -> (status: Int32, problems: [(path: String, kind: String)], out: String) {
        let v = try Harness.pingshen(["verify", store, "--format", "json"] + extra)
        let list = (try? Harness.json(v.stdout)["problems"] as? [[String: Any]]) ?? []
        return (v.status, list.map { ($0["path"] as? String ?? "", $0["kind"] as? String ?? "") }, v.stdout + v.stderr)
    }

    /// Expects verify to exit 1 naming `kind` (at `path` when given).
    static func expectProblem(_ store: String, _ kind: String, at path: String? = nil, extra: [String] = [],
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let v = try verify(store, extra: extra)
        #expect(v.status == 1, "verify exited \(v.status): \(v.out.prefix(600))", sourceLocation: sourceLocation)
        #expect(v.problems.contains { $0.kind == kind && (path == nil || $0.path == path) },
                "no \(kind) at \(path ?? "any path"): \(v.problems)", sourceLocation: sourceLocation)
    }

    /// Rewrites a roster view line by line: `id`'s key in roster.yaml and allowed_signers becomes `newKeyPub`'s.
    static func swapKeyInViews(_ store: String, id: String, oldPub: String, newPub: String) throws {
        let old = try keyText(oldPub), new = try keyText(newPub)
        for file in ["roster.yaml", "allowed_signers"] {
            let path = store + "/" + file
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.contains(old), "\(file) holds \(id)'s key")
            try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    /// "ssh-ed25519 AAAA…" of a public key file (without the comment).
    static func keyText(_ pub: String) throws -> String {
        let parts = try String(contentsOfFile: pub, encoding: .utf8).split(separator: " ")
        return parts[0] + " " + parts[1]
    }

    /// A copy of a fixture's store (so one set-up serves several attacks).
    static func copy(_ fx: Fixture, _ tag: String) throws -> String {
        let dst = fx.dir + "/copy-" + tag
        let r = try Harness.run("/bin/cp", ["-a", fx.store, dst])
        #expect(r.status == 0, "\(r.stderr)")
        return dst
    }
}

/// Issue 11, "done when": each attack on the trust root, made with the real binary and files
/// edited by hand, and forged governance records signed with stock ssh-keygen. `verify` must
/// exit 1 and name the cause (the problem kind in `verify --format json`). Each test first
/// checks that its store verifies before the attack (the control).
@Suite struct GovernanceAttackTests {
    static func scored() throws -> Fixture {
        let fx = try Fixture()
        #expect(try fx.score("m1", "D001", [20, 20, 20, 20]).status == 0)
        #expect(try fx.score("m1", "D002", [10, 10, 10, 10]).status == 0)
        #expect(try fx.score("m2", "D001", [15, 15, 15, 15]).status == 0)
        let v = try Forge.verify(fx.store)
        #expect(v.status == 0, "control: \(v.out.prefix(600))")
        return fx
    }

    // MARK: the views edited by hand

    @Test func aMemberAddedByEditingTheRosterCannotSign() throws {
        let fx = try Self.scored()
        try Harness.sshKeygen(fx.dir + "/evil", comment: "evil")
        let evil = try Forge.keyText(fx.dir + "/evil.pub")
        try (try String(contentsOfFile: fx.store + "/roster.yaml", encoding: .utf8)
             + "- id: m9\n  name: 伪专家\n  role: member\n  key: \(evil)\n").write(toFile: fx.store + "/roster.yaml", atomically: true, encoding: .utf8)
        try (try String(contentsOfFile: fx.store + "/allowed_signers", encoding: .utf8)
             + "m9 namespaces=\"\(Forge.namespace)\" \(evil)\n").write(toFile: fx.store + "/allowed_signers", atomically: true, encoding: .utf8)
        // The binary does not take the edited roster's word…
        #expect(try Harness.pingshen(["score", fx.store, "--as", "m9", "--dossier", "D001", "--key", fx.dir + "/evil",
                                      "--score", "craft=25", "skill=25", "leadership=25", "contribution=25"]).status != 0)
        // …so the sheet is signed by hand; stock ssh-keygen, reading the edited allowed_signers, accepts it.
        let sheet = try Forge.record(fx.store, "m9", kind: .score, body: [
            "dossier": "D001", "points": ["craft": 25, "skill": 25, "leadership": 25, "contribution": 25]], key: fx.dir + "/evil")
        #expect(try Harness.sshVerify(store: fx.store, member: "m9", record: fx.store + "/" + sheet).status == 0)
        try Forge.expectProblem(fx.store, "roster-view-mismatch", at: "roster.yaml")
        try Forge.expectProblem(fx.store, "roster-view-mismatch", at: "allowed_signers")
        try Forge.expectProblem(fx.store, "unknown-signer", at: sheet)
    }

    @Test func aKeySwappedAndTheChainResignedIsWrongKey() throws {
        let fx = try Self.scored()
        try Harness.sshKeygen(fx.dir + "/evil", comment: "evil")
        try Forge.swapKeyInViews(fx.store, id: "m1", oldPub: fx.key("m1") + ".pub", newPub: fx.dir + "/evil.pub")
        // m1's whole chain re-signed with the new key (same bytes, new signatures).
        let chain = Harness.records(fx.store, "m1")
        #expect(chain.count == 2)
        for path in chain { try Forge.sign(try Data(contentsOf: URL(fileURLWithPath: path)), to: path, key: fx.dir + "/evil") }
        #expect(try Harness.sshVerify(store: fx.store, member: "m1", record: chain[0]).status == 0)
        try Forge.expectProblem(fx.store, "roster-view-mismatch", at: "roster.yaml")
        try Forge.expectProblem(fx.store, "wrong-key", at: "records/m1/000/000001.json")
        try Forge.expectProblem(fx.store, "wrong-key", at: "records/m1/000/000002.json")
    }

    @Test func aChairKeySwappedAndFinalizeResignedIsWrongKey() throws {
        let fx = try Fixture()
        try fx.finalizedList(["D001": 25, "D002": 20, "D003": 15, "D004": 10])
        #expect(try Forge.verify(fx.store).status == 0)
        try Harness.sshKeygen(fx.dir + "/evil", comment: "evil")
        try Forge.swapKeyInViews(fx.store, id: "chair", oldPub: fx.key("chair") + ".pub", newPub: fx.dir + "/evil.pub")
        // The finalization re-signed with the new key, its selection changed.
        let fin = try #require(Harness.records(fx.store, "chair").last)
        let text = try String(contentsOfFile: fin, encoding: .utf8)
        let changed = text.replacingOccurrences(of: "\"selected\":[\"D001\",\"D002\"]", with: "\"selected\":[\"D001\",\"D003\"]")
        #expect(changed != text)
        try Forge.sign(Data(changed.utf8), to: fin, key: fx.dir + "/evil")
        try Forge.expectProblem(fx.store, "roster-view-mismatch", at: "allowed_signers")
        try Forge.expectProblem(fx.store, "wrong-key", at: Harness.recordPath(fin))
    }

    @Test func theQuotaEditedAfterScoringIsAViewMismatch() throws {
        let fx = try Self.scored()
        let path = fx.store + "/program.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("quota: 2\n"))
        try text.replacingOccurrences(of: "quota: 2\n", with: "quota: 3\n").write(toFile: path, atomically: true, encoding: .utf8)
        try Forge.expectProblem(fx.store, "program-view-mismatch", at: "program.yaml")
        // Nothing uses the edited quota.
        let rank = try Harness.pingshen(["rank", fx.store, "--format", "json"])
        #expect(rank.status == 1)
        #expect(try Harness.json(rank.stdout)["quota"] as? Int == 2)
    }

    @Test func deedsEditedAfterScoringAreADossierChange() throws {
        let fx = try Self.scored()
        let path = fx.store + "/dossiers/D001.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("攻克"))
        try text.replacingOccurrences(of: "攻克", with: "参与").write(toFile: path, atomically: true, encoding: .utf8)
        try Forge.expectProblem(fx.store, "dossier-changed", at: "dossiers/D001.yaml")
    }

    @Test func aSanctionDeletedIsAViewMismatch() throws {
        let fx = try Self.scored()
        let r = try Harness.pingshen(["sanction", "add", fx.store, "--as", "sec", "--key", fx.key("sec"), "--kind", "unit", "--name", "上海电气", "--year", "2025"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Forge.verify(fx.store).status == 0)
        let path = fx.store + "/sanctions.yaml"
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("上海电气"))
        try "[]\n".write(toFile: path, atomically: true, encoding: .utf8)
        try Forge.expectProblem(fx.store, "sanctions-view-mismatch", at: "sanctions.yaml")
        try FileManager.default.removeItem(atPath: path)
        try Forge.expectProblem(fx.store, "sanctions-view-mismatch", at: "sanctions.yaml")
    }

    @Test func aStoreWithAnotherFingerprintIsNotThePublishedOne() throws {
        let fx = try Self.scored()
        let fp = try #require(try Harness.json(try Harness.pingshen(["verify", fx.store, "--format", "json"]).stdout)["fingerprint"] as? String)
        #expect(try Forge.verify(fx.store, extra: ["--fingerprint", fp]).status == 0)
        // Another store of the same programme, set up the same way: another genesis, another fingerprint.
        let other = try Fixture()
        try Forge.expectProblem(other.store, "fingerprint-mismatch", extra: ["--fingerprint", fp])
    }

    // MARK: forged governance records

    @Test func aGovernanceRecordSignedByAPlainMemberIsRefused() throws {
        let fx = try Self.scored()
        try Harness.sshKeygen(fx.dir + "/evil", comment: "evil")
        let add = try Forge.governance(fx.store, "m1", kind: .memberAdd, body: ["member": try Forge.memberBody("m9", pubkey: fx.dir + "/evil.pub")],
                                       key: fx.key("m1"))
        try Forge.expectProblem(fx.store, "roster-unsigned", at: add)
        // And m9, added by it, is nobody.
        let sheet = try Forge.record(fx.store, "m9", kind: .score, body: [
            "dossier": "D001", "points": ["craft": 25, "skill": 25, "leadership": 25, "contribution": 25]], key: fx.dir + "/evil")
        try Forge.expectProblem(fx.store, "unknown-signer", at: sheet)
    }

    @Test func aGovernanceRecordByARemovedSecretaryIsRefused() throws {
        let fx = try Self.scored()
        try Harness.sshKeygen(fx.dir + "/sec2", comment: "sec2")
        #expect(try fx.addMember("sec2", name: "秘书二", role: "secretary", pubkey: fx.dir + "/sec2.pub").status == 0)
        let rm = try Harness.pingshen(["member", "remove", fx.store, "--as", "sec", "--key", fx.key("sec"), "--id", "sec2", "--reason", "调离"])
        #expect(rm.status == 0, "\(rm.stderr)")
        #expect(try Forge.verify(fx.store).status == 0)
        try Harness.sshKeygen(fx.dir + "/evil", comment: "evil")
        let add = try Forge.governance(fx.store, "sec2", kind: .memberAdd, body: ["member": try Forge.memberBody("m9", pubkey: fx.dir + "/evil.pub")],
                                       key: fx.dir + "/sec2")
        try Forge.expectProblem(fx.store, "roster-unsigned", at: add)
    }

    @Test func aGovernanceRecordWithAWrongGovPrevIsRefused() throws {
        let fx = try Self.scored()
        try Harness.sshKeygen(fx.dir + "/m9", comment: "m9")
        let body: [String: JSONValue] = ["member": try Forge.memberBody("m9", pubkey: fx.dir + "/m9.pub")]
        // Linked to a record that is not in the governance chain.
        let nowhere = try Forge.copy(fx, "nowhere")
        let stray = try Forge.governance(nowhere, "sec", kind: .memberAdd, body: body, key: fx.key("sec"), govPrev: String(repeating: "ab", count: 32))
        try Forge.expectProblem(nowhere, "roster-unsigned", at: stray)
        // Linked to the genesis, beside the member-add that already follows it: a fork.
        let fork = try Forge.copy(fx, "fork")
        let genesis = try Forge.sha(fork, "records/sec/000/000001.json")
        let forked = try Forge.governance(fork, "sec", kind: .memberAdd, body: body, key: fx.key("sec"), govPrev: genesis)
        try Forge.expectProblem(fork, "gov-fork", at: forked)
        // gov and gov_prev differ.
        let mismatch = try Forge.copy(fx, "mismatch")
        var b = body
        b["gov_prev"] = .string(try Forge.head(mismatch))
        let odd = try Forge.record(mismatch, "sec", kind: .memberAdd, body: b, key: fx.key("sec"), gov: genesis)
        try Forge.expectProblem(mismatch, "gov-mismatch", at: odd)
    }

    @Test func aBackdatedRecordIsRefused() throws {
        let fx = try Self.scored()
        try Harness.sshKeygen(fx.dir + "/m6", comment: "m6")
        #expect(try fx.addMember("m6", name: "专家m6", pubkey: fx.dir + "/m6.pub").status == 0)
        // m6's sheet names the governance head from before m6 was added.
        let genesis = try Forge.sha(fx.store, "records/sec/000/000001.json")
        let sheet = try Forge.record(fx.store, "m6", kind: .score, body: [
            "dossier": "D001", "points": ["craft": 25, "skill": 25, "leadership": 25, "contribution": 25]], key: fx.dir + "/m6", gov: genesis)
        try Forge.expectProblem(fx.store, "backdated", at: sheet)
    }

    @Test func aRecordWhoseGovGoesBackwardsIsRefused() throws {
        let fx = try Self.scored()
        let before = try Forge.head(fx.store)
        try Harness.sshKeygen(fx.dir + "/m6", comment: "m6")
        #expect(try fx.addMember("m6", name: "专家m6", pubkey: fx.dir + "/m6.pub").status == 0)
        #expect(try fx.score("m1", "D003", [12, 12, 12, 12]).status == 0)
        #expect(try Forge.verify(fx.store).status == 0)
        // m1's next record names the head from before m6 was added, after a record that named the later one.
        let sheet = try Forge.record(fx.store, "m1", kind: .score, body: [
            "dossier": "D004", "points": ["craft": 11, "skill": 11, "leadership": 11, "contribution": 11]], key: fx.key("m1"), gov: before)
        try Forge.expectProblem(fx.store, "gov-backwards", at: sheet)
        // Also when m1's earlier records come from the store index (`rank` takes it; a verify
        // here writes it with no racy window, so that the just-copied files are in it).
        let fresh = try Forge.copy(fx, "indexed")
        try FileManager.default.removeItem(atPath: fresh + "/" + sheet)
        try FileManager.default.removeItem(atPath: fresh + "/" + sheet + ".sig")
        #expect(try Verifier.verifyStore(layout: StoreLayout(fresh), racy: 0).ok)
        #expect(FileManager.default.fileExists(atPath: StoreLayout(fresh).cacheDir + "/index-v1-\(getuid())"), "the store index was written")
        let again = try Forge.record(fresh, "m1", kind: .score, body: [
            "dossier": "D004", "points": ["craft": 11, "skill": 11, "leadership": 11, "contribution": 11]], key: fx.key("m1"), gov: before)
        let rank = try Harness.pingshen(["rank", fresh, "--format", "json"])
        let rankProblems = try Harness.json(rank.stdout)["problems"] as? Int ?? 0
        #expect(rank.status == 1 && rankProblems >= 1, "\(rank.stdout.suffix(300)) \(rank.stderr)")
        try Forge.expectProblem(fresh, "gov-backwards", at: again)
    }

    @Test func aRetroactiveRotationIsRefused() throws {
        let fx = try Self.scored()
        try Harness.sshKeygen(fx.dir + "/evil", comment: "evil")
        let key = try String(contentsOfFile: fx.dir + "/evil.pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        // The rotation saw m1 up to seq 2, yet makes the new key valid from seq 2.
        let rot = try Forge.governance(fx.store, "sec", kind: .memberRotate, body: ["id": "m1", "key": .string(key), "from_seq": 2],
                                       key: fx.key("sec"), seen: ["m1": 2, "m2": 1])
        try Forge.expectProblem(fx.store, "rotation-retroactive", at: rot)
    }

    @Test func aRotationThatHidesWhatItSawAndAChainResignedWithTheNewKeyIsRefused() throws {
        let fx = try Self.scored()
        try Harness.sshKeygen(fx.dir + "/evil", comment: "evil")
        let key = try String(contentsOfFile: fx.dir + "/evil.pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        // The rotation says it saw nothing of m1, so from_seq 2 passes as a rotation…
        _ = try Forge.governance(fx.store, "sec", kind: .memberRotate, body: ["id": "m1", "key": .string(key), "from_seq": 2],
                                 key: fx.key("sec"), seen: ["m2": 1])
        // …and m1's sheet 2, made before it, is re-signed with the new key.
        let sheet = fx.store + "/records/m1/000/000002.json"
        try Forge.sign(try Data(contentsOf: URL(fileURLWithPath: sheet)), to: sheet, key: fx.dir + "/evil")
        #expect(try Harness.sshVerify(store: fx.store, member: "m1", record: sheet).status == 0)
        try Forge.expectProblem(fx.store, "rotation-retroactive", at: "records/m1/000/000002.json")
    }

    @Test func aRemovalWithAnUnknownSheetsDecisionIsRefused() throws {
        let fx = try Self.scored()
        let rm = try Forge.governance(fx.store, "sec", kind: .memberRemove, body: ["id": "m1", "reason": "x", "last_seq": 2, "sheets": "half"],
                                      key: fx.key("sec"))
        try Forge.expectProblem(fx.store, "malformed", at: rm)
    }

    @Test func aRecordMadeAfterARotationInTheOldKeysSeqsIsRefused() throws {
        let fx = try Self.scored()
        try Harness.sshKeygen(fx.dir + "/m1new", comment: "m1new")
        let key = try String(contentsOfFile: fx.dir + "/m1new.pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        // A valid rotation whose new key only starts at seq 10: seqs 3…9 still belong to the old key.
        let rot = try Forge.governance(fx.store, "sec", kind: .memberRotate, body: ["id": "m1", "key": .string(key), "from_seq": 10],
                                       key: fx.key("sec"))
        #expect(try Forge.verify(fx.store).status == 0, "the rotation itself is valid: \(rot)")
        // The old key (perhaps stolen) signs seq 3 after the rotation.
        let sheet = try Forge.record(fx.store, "m1", kind: .score, body: [
            "dossier": "D003", "points": ["craft": 25, "skill": 25, "leadership": 25, "contribution": 25]], key: fx.key("m1"))
        try Forge.expectProblem(fx.store, "gov-after-record", at: sheet)
    }

    @Test func aRetroactiveRemovalIsRefused() throws {
        let fx = try Self.scored()
        // The removal saw m1 up to seq 2, yet counts none of m1's records.
        let rm = try Forge.governance(fx.store, "sec", kind: .memberRemove, body: ["id": "m1", "reason": "回溯", "last_seq": 0],
                                      key: fx.key("sec"), seen: ["m1": 2, "m2": 1])
        try Forge.expectProblem(fx.store, "removal-retroactive", at: rm)
    }

    @Test func aRemovedMembersLaterRecordsAreRefused() throws {
        let fx = try Self.scored()
        let rm = try Harness.pingshen(["member", "remove", fx.store, "--as", "sec", "--key", fx.key("sec"), "--id", "m1", "--reason", "回避不实"])
        #expect(rm.status == 0, "\(rm.stderr)")
        #expect(try Forge.verify(fx.store).status == 0)
        // The binary refuses m1 now…
        #expect(try fx.score("m1", "D003", [20, 20, 20, 20]).status != 0)
        // …and a sheet signed by hand after the removal is a problem.
        let sheet = try Forge.record(fx.store, "m1", kind: .score, body: [
            "dossier": "D003", "points": ["craft": 25, "skill": 25, "leadership": 25, "contribution": 25]], key: fx.key("m1"))
        try Forge.expectProblem(fx.store, "member-removed", at: sheet)
        // A removal that left seqs to the member (last_seq beyond what it saw): a record made after it is still refused.
        let fx2 = try Self.scored()
        _ = try Forge.governance(fx2.store, "sec", kind: .memberRemove, body: ["id": "m1", "reason": "宽限", "last_seq": 9], key: fx2.key("sec"))
        #expect(try Forge.verify(fx2.store).status == 0)
        let late = try Forge.record(fx2.store, "m1", kind: .score, body: [
            "dossier": "D003", "points": ["craft": 25, "skill": 25, "leadership": 25, "contribution": 25]], key: fx2.key("m1"))
        try Forge.expectProblem(fx2.store, "member-removed", at: late)
    }

    // MARK: what finalize pins

    @Test func theProgrammeCannotChangeAfterFinalize() throws {
        let fx = try Fixture()
        try fx.finalizedList(["D001": 25, "D002": 20, "D003": 15, "D004": 10])
        #expect(try Forge.verify(fx.store).status == 0)
        // finalize pins gov (the governance head it was made under) and the store identity.
        let finPath = try #require(Harness.records(fx.store, "chair").last)
        let fin = try Harness.json(try String(contentsOfFile: finPath, encoding: .utf8))
        let body = try #require(fin["body"] as? [String: Any])
        #expect(body["gov"] as? String == fin["gov"] as? String)
        #expect(body["gov"] as? String == (try Forge.head(fx.store)))
        let fp = try #require(try Harness.json(try Harness.pingshen(["verify", fx.store, "--format", "json"]).stdout)["fingerprint"] as? String)
        let notice = try Harness.pingshen(["export", fx.store, "publicity"])
        #expect(notice.stdout.contains(fp), "the notice prints the store fingerprint: \(notice.stdout.suffix(600))")

        // The CLI refuses an amendment…
        let text = try String(contentsOfFile: fx.store + "/program.yaml", encoding: .utf8)
        let amended = fx.dir + "/program-amended.yaml"
        try text.replacingOccurrences(of: "quota: 2\n", with: "quota: 3\n").write(toFile: amended, atomically: true, encoding: .utf8)
        let r = try Harness.pingshen(["program", "amend", fx.store, "--as", "sec", "--key", fx.key("sec"), amended, "--reason", "扩大名额"])
        #expect(r.status == 1 && r.stderr.contains("finalized"), "\(r.stderr)")
        // …and one signed by hand is a problem.
        let forged = try Forge.copy(fx, "amend")
        let yaml = try String(contentsOfFile: amended, encoding: .utf8)
        let amend = try Forge.governance(forged, "sec", kind: .programAmend, body: [
            "program_yaml": .string(yaml), "program_sha256": .string(Record.sha256Hex(Data(yaml.utf8))), "reason": "扩大名额"], key: fx.key("sec"))
        try Forge.expectProblem(forged, "finalize-program-changed", at: amend)

        // A finalization whose program_sha256 is not the signed programme at its gov.
        let pinned = try Forge.copy(fx, "pinned")
        var b = try Record(bytes: try Data(contentsOf: URL(fileURLWithPath: finPath))).body
        b["program_sha256"] = .string(Record.sha256Hex(Data(yaml.utf8)))
        let refin = try Forge.record(pinned, "chair", kind: .finalize, body: b, key: fx.key("chair"))
        try Forge.expectProblem(pinned, "finalize-program-changed", at: refin)
        // The same with the roster pinned from an edited roster.yaml.
        let roster = try Forge.copy(fx, "roster")
        var b2 = try Record(bytes: try Data(contentsOf: URL(fileURLWithPath: finPath))).body
        b2["roster_sha256"] = .string(Record.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: roster + "/roster.yaml"))))
        let refin2 = try Forge.record(roster, "chair", kind: .finalize, body: b2, key: fx.key("chair"))
        try Forge.expectProblem(roster, "finalize-roster-changed", at: refin2)
    }
}
