import Foundation
import Testing
import Crypto
import Panel
@testable import Records

/// The per-record check's fast paths answer exactly as the general code, or leave the answer
/// to it (nil): never a different record, key or verdict.
@Suite struct FastPathTests {

    static let score = Record(kind: .score, program: "shanghai-craftsman-2026-2996ba15", signer: "c01", seq: 17,
                              prev: String(repeating: "0a", count: 32), created: "2026-11-21T14:49:24Z",
                              gov: String(repeating: "7f", count: 32), seen: ["m002": 3, "s01": 1],
                              body: ["dossier": "D00001", "points": ["craft": 16, "skill": 18], "vote": "abstain"])

    static var samples: [Record] {
        var a = score
        var b = score; b.kind = .recusal; b.body = ["dossier": "D2", "reason": "同单位\n\"回避\""]; b.seq = 1; b.prev = Record.zeroHash
        var c = score; c.program = "上海工匠-2026"; c.seq = Int(Int32.max); c.signer = "m.0-_x"
        var d = score; d.kind = .finalize; d.body = ["counted": ["c01": 3], "merkle_root": "ab"]; d.signer = String(repeating: "s", count: 64)
        var e = score; e.body = [:]; e.program = ""; e.seen = [:]
        var f = score; f.kind = .memberAdd; f.seen = ["c02": Int(Int32.max)]
        f.body = ["gov_prev": .string(String(repeating: "1", count: 64)),
                  "member": ["id": "m9", "name": "专家", "role": "member", "key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHSe"]]
        a.seq = 999_999
        return [a, b, c, d, e, f]
    }

    @Test func theUsualRecordTakesTheFastPathAndReadsTheSame() throws {
        for r in Self.samples {
            let bytes = r.canonicalBytes()
            let slow = try Record(bytes: bytes)
            #expect(slow == r)
            let fast = Record.fast(bytes)
            #expect(fast == slow, "\(String(decoding: bytes, as: UTF8.self))")
            // With the store's instance given (kept instead of a copy when it is the same).
            for expected in [r.program, r.program + "x", "", "上海工匠-2026"] {
                #expect(Record.fast(bytes, program: expected) == slow)
            }
        }
    }

    /// Changed, dropped and inserted bytes: whenever the fast path answers, the general parse
    /// accepts the same bytes and makes the same record; whenever it refuses, so does the fast path.
    @Test(arguments: [1, 2, 3])
    func damagedRecordsAreNeverReadDifferently(_ seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed))
        let alphabet = Array(#"{}[]",:\0123456789aefvZT-.x"#.utf8) + [0x00, 0x0A, 0x20, 0x7F, 0xC3, 0xA9, 0xFF]
        var fastAnswers = 0, slowAccepts = 0
        for r in Self.samples {
            let base = [UInt8](r.canonicalBytes())
            for _ in 0..<600 {
                var b = base
                for _ in 0..<Int.random(in: 1...2, using: &rng) {
                    let i = Int.random(in: 0..<b.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: b[i] = alphabet.randomElement(using: &rng)!
                    case 1: b.remove(at: i)
                    default: b.insert(alphabet.randomElement(using: &rng)!, at: i)
                    }
                    if b.isEmpty { b = [0x7B] }
                }
                let data = Data(b)
                let slow = try? Record(bytes: data)
                let fast = Record.fast(data)
                if slow != nil { slowAccepts += 1 }
                if let fast {
                    fastAnswers += 1
                    #expect(slow == fast, "\(String(decoding: b, as: UTF8.self))")
                }
                if slow == nil { #expect(fast == nil) }
            }
        }
        // Some changes keep a valid record (a digit, a letter in a string): both paths saw them.
        #expect(slowAccepts > 0)
        #expect(fastAnswers > 0)
    }

    @Test func otherLayoutsAreLeftToTheGeneralParse() throws {
        // Escapes, a wrong field order and extra white space are for Record(bytes:) to judge.
        var r = Self.score; r.program = "a\"b"
        #expect(Record.fast(r.canonicalBytes()) == nil)
        #expect(try Record(bytes: r.canonicalBytes()) == r)
        let z = Record.zeroHash
        let reordered = Data(#"{"created":"2026-11-21T14:49:24Z","body":{},"gov":"\#(z)","kind":"score","prev":"\#(z)","program":"p","seen":{},"seq":1,"signer":"a","v":2}"#.utf8)
        #expect(Record.fast(reordered) == nil)
        #expect(throws: RecordsError.self) { try Record(bytes: reordered) }
        for bad in ["0", "01", "-1", "2147483648", "99999999999"] {
            let d = Data(#"{"body":{},"created":"2026-11-21T14:49:24Z","gov":"\#(z)","kind":"score","prev":"\#(z)","program":"p","seen":{},"seq":\#(bad),"signer":"a","v":2}"#.utf8)
            #expect(Record.fast(d) == nil, "seq \(bad)")
            #expect(throws: RecordsError.self) { try Record(bytes: d) }
        }
    }

    /// Version 2's `gov` and `seen`: both paths refuse the same bad values (and v1 records).
    @Test func version2FieldsAreStrictOnBothPaths() throws {
        let z = Record.zeroHash
        func rec(gov: String = Record.zeroHash, seen: String = "{}", v: String = "2", signer: String = "a") -> Data {
            Data(#"{"body":{},"created":"2026-11-21T14:49:24Z","gov":"\#(gov)","kind":"score","prev":"\#(z)","program":"p","seen":\#(seen),"seq":2,"signer":"\#(signer)","v":\#(v)}"#.utf8)
        }
        let good = [rec(), rec(seen: #"{"b":1}"#), rec(seen: #"{"b":2147483647,"c":5}"#), rec(gov: String(repeating: "ab", count: 32))]
        for d in good {
            let slow = try Record(bytes: d)
            #expect(Record.fast(d) == slow, "\(String(decoding: d, as: UTF8.self))")
        }
        #expect(try Record(bytes: good[2]).seen == ["b": Int(Int32.max), "c": 5])
        let bad = [rec(gov: String(repeating: "A", count: 64)), rec(gov: String(repeating: "0", count: 63)), rec(gov: ""),
                   rec(seen: #"{"b":0}"#), rec(seen: #"{"b":-1}"#), rec(seen: #"{"b":2147483648}"#), rec(seen: #"{"b":"1"}"#),
                   rec(seen: #"{"a":1}"#),                      // the signer's own entry: prev covers it
                   rec(seen: #"{"../x":1}"#), rec(seen: #"{"b":{}}"#), rec(seen: "[]"), rec(seen: #""x""#),
                   rec(v: "1"), rec(v: "3"),
                   Data(#"{"body":{},"created":"2026-11-21T14:49:24Z","kind":"score","prev":"\#(z)","program":"p","seq":2,"signer":"a","v":1}"#.utf8)]
        for d in bad {
            #expect(Record.fast(d) == nil, "\(String(decoding: d, as: UTF8.self))")
            #expect(throws: RecordsError.self) { try Record(bytes: d) }
        }
    }

    @Test func safeIdsAsPanelSays() {
        var ids = ["", ".", ".a", "a.", "a", "A-Z_0.9", String(repeating: "x", count: 64), String(repeating: "x", count: 65),
                   "专家", "é", "ａ", "１", "a b", "a/b", "a\0", "a\u{301}", "Ⅻ", "m002"]
        for c in 0..<128 { ids.append("a" + String(UnicodeScalar(UInt8(c)))) }
        for id in ids {
            #expect(FastID.isSafe(id) == isSafeFileName(id), "\(Array(id.unicodeScalars.map(\.value)))")
        }
    }

    @Test func recordPathsAsTheCanonicalOne() {
        for seq in [0, 1, 9, 10, 999, 1000, 1001, 99_999, 100_000, 999_999, 1_000_000, 1_234_567, Int(Int32.max), -1] {
            for m in ["c01", "专家", String(repeating: "m", count: 64)] {
                #expect(FastPath.record(member: m, seq: seq) == RecordFileName.path(member: m, seq: seq))
            }
        }
        #expect(FastPath.record(member: "m1", seq: 1) == "records/m1/000/000001.json")
        #expect(FastPath.record(member: "m1", seq: 1000) == "records/m1/001/001000.json")
        #expect(FastPath.record(member: "m1", seq: 1_234_567) == "records/m1/1234/1234567.json")
    }

    @Test func timestampsAsBefore() {
        let good = ["2026-11-21T14:49:24Z", "1999-01-01T00:00:00Z", "2026-12-31T23:59:60Z"]
        let bad = ["2026-11-21T14:49:24", "2026-13-21T14:49:24Z", "2026-00-21T14:49:24Z", "2026-11-32T14:49:24Z",
                   "2026-11-21T24:49:24Z", "2026-11-21T14:60:24Z", "2026-11-21T14:49:61Z", "2026/11/21T14:49:24Z",
                   "2026-11-21 14:49:24Z", "2026-11-21T14:49:24z", "a026-11-21T14:49:24Z", "２026-11-21T14:49:24Z", ""]
        for s in good { #expect(Timestamp.isValid(s), "\(s)") }
        for s in bad { #expect(!Timestamp.isValid(s), "\(s)") }
    }

    // MARK: Signatures

    static func signed(_ msg: Data, _ signer: KeyFileSigner) throws -> Data { Data(try SSHSig.sign(msg, signer: signer).utf8) }

    @Test func aGoodSignatureTakesTheFastPathWithTheRostersKeyOrWithout() throws {
        let signer = KeyFileSigner(privateKey: .init(), comment: "a")
        let other = KeyFileSigner(privateKey: .init(), comment: "b")
        let msg = Self.score.canonicalBytes()
        let sig = try Self.signed(msg, signer)
        let digest = SHA256.hash(data: msg)
        let want = KeyBytes(signer.publicKey.raw)
        #expect(want != nil)
        for keys in [PreparedKeys([signer.publicKey.raw]), PreparedKeys([other.publicKey.raw]), PreparedKeys([])] {
            #expect(FastSig.validKey(signature: sig, message: msg, jsonDigest: digest, keys: keys, cache: nil) == want)
        }
        #expect(try SSHSig.verify(SSHSig.parse(armoredBytes: Array(sig)), message: msg).raw == signer.publicKey.raw)
        // Another message: the fast path does not answer; the general check refuses.
        var changed = msg; changed[changed.count - 2] ^= 1
        #expect(FastSig.validKey(signature: sig, message: changed, jsonDigest: SHA256.hash(data: changed),
                                 keys: PreparedKeys([signer.publicKey.raw]), cache: nil) == nil)
        #expect(throws: RecordsError.self) { try SSHSig.verify(SSHSig.parse(armoredBytes: Array(sig)), message: changed) }
    }

    /// Every single-character change of the armored signature: the fast path answers only when
    /// the general parse and check accept it with the same key.
    @Test func damagedSignaturesAreNeverAcceptedByTheFastPathAlone() throws {
        let signer = KeyFileSigner(privateKey: .init(), comment: "a")
        let msg = Self.score.canonicalBytes()
        let sig = [UInt8](try Self.signed(msg, signer))
        let digest = SHA256.hash(data: msg)
        let keys = PreparedKeys([signer.publicKey.raw])
        var rng = SplitMix64(seed: 7)
        let alphabet = Array("AQgw+/=-\n x".utf8)
        var variants: [[UInt8]] = [sig]
        for i in 0..<sig.count {
            var b = sig; b[i] = alphabet.randomElement(using: &rng)!; variants.append(b)
            var d = sig; d.remove(at: i); variants.append(d)
        }
        var fastAnswers = 0
        for v in variants {
            let fast = FastSig.validKey(signature: Data(v), message: msg, jsonDigest: digest, keys: keys, cache: nil)
            let slow = try? SSHSig.verify(SSHSig.parse(armoredBytes: v), message: msg)
            if let fast {
                fastAnswers += 1
                #expect(slow.map { KeyBytes($0.raw) } == fast, "\(String(decoding: v, as: UTF8.self))")
            }
            if slow == nil { #expect(fast == nil) }
        }
        // The unchanged one and changes only in white space or outside the armor.
        #expect(fastAnswers >= 1)
    }

    @Test func otherSignatureFormsAreLeftToTheGeneralCheck() throws {
        let signer = KeyFileSigner(privateKey: .init(), comment: "a")
        let msg = Self.score.canonicalBytes()
        let digest = SHA256.hash(data: msg)
        let keys = PreparedKeys([signer.publicKey.raw])
        // sha256 (ssh-keygen -O hashalg=sha256) and another namespace: not the fast path's form.
        for (alg, ns) in [("sha256", SSHSig.namespace), ("sha512", "file")] {
            let h: [UInt8] = alg == "sha256" ? Array(SHA256.hash(data: msg)) : Array(SHA512.hash(data: msg))
            let toSign = SSHSig.signedData(namespace: ns, hashAlgorithm: alg, hash: h)
            let s = try signer.signRaw(Data(toSign))
            var sigBlob = SSHWriter(); sigBlob.string("ssh-ed25519"); sigBlob.string(Array(s))
            var w = SSHWriter()
            w.raw(SSHSig.magic); w.u32(1); w.string(signer.publicKey.blobBytes); w.string(ns); w.string([UInt8]())
            w.string(alg); w.string(sigBlob.bytes)
            let armored = Data(Armor.wrap(w.bytes, label: SSHSig.label).utf8)
            #expect(FastSig.validKey(signature: armored, message: msg, jsonDigest: digest, keys: keys, cache: nil) == nil)
            let general = try? SSHSig.verify(SSHSig.parse(armoredBytes: Array(armored)), message: msg)
            #expect((general != nil) == (ns == SSHSig.namespace), "\(alg) \(ns)")
        }
    }

    @Test func base64AsTheGeneralDecoder() {
        var rng = SplitMix64(seed: 11)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\n\r\t\u{0B}\u{0C} -".utf8)
        for len in 0..<40 {
            for _ in 0..<40 {
                let s = (0..<len).map { _ in alphabet.randomElement(using: &rng)! }
                let general = Base64.ptonDecode(s)
                let fast: [UInt8]? = s.withUnsafeBufferPointer { chars in
                    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { out in
                        FastSig.decodeBase64(chars, into: out).map { Array(out[0..<$0]) }
                    }
                }
                #expect(fast == general, "\(String(decoding: s, as: UTF8.self))")
            }
        }
        // Longer than the buffer: no answer rather than a cut one.
        let long = Array(Data(repeating: 7, count: 300).base64EncodedString().utf8)
        long.withUnsafeBufferPointer { chars in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: FastSig.capacity) { out in
                #expect(FastSig.decodeBase64(chars, into: out) == nil)
            }
        }
    }

    // MARK: The whole check

    @Test func checkNamesTheSameProblemsThroughEitherPath() throws {
        let a = KeyFileSigner(privateKey: .init(), comment: "a")
        let b = KeyFileSigner(privateKey: .init(), comment: "b")
        let outsider = KeyFileSigner(privateKey: .init(), comment: "x")
        let roster = Roster(members: [Member(id: "c01", name: "A", role: .chair, key: a.publicKey.line),
                                      Member(id: "m2", name: "B", role: .member, key: b.publicKey.line)])
        let ctx = Verifier.Context(instance: Self.score.program, governance: .testing(roster, govs: [Self.score.gov]), language: .en)
        let msg = Self.score.canonicalBytes()
        // Valid through the fast path.
        let good = Verifier.check(json: msg, signature: try Self.signed(msg, a), member: "c01", fileSeq: 17, context: ctx)
        #expect(good.valid && good.problems.isEmpty)
        #expect(good.sha == Array(SHA256.hash(data: msg)))
        #expect(good.record == Self.score)
        #expect(good.path == "records/c01/000/000017.json")
        // Signed by another roster member's key, and by a key off the roster: the message names the key.
        let wrong = Verifier.check(json: msg, signature: try Self.signed(msg, b), member: "c01", fileSeq: 17, context: ctx)
        #expect(!wrong.valid)
        #expect(wrong.problems.map(\.kind) == ["wrong-key"])
        #expect(wrong.problems.first?.message == "(signature file .sig) signed by key \(b.publicKey.fingerprint) (that is the key of 'm2'), not the roster's key for 'c01'")
        let off = Verifier.check(json: msg, signature: try Self.signed(msg, outsider), member: "c01", fileSeq: 17, context: ctx)
        #expect(off.problems.first?.message == "(signature file .sig) signed by key \(outsider.publicKey.fingerprint) (not in the signed roster history), not the roster's key for 'c01'")
        // A signature over other bytes: the general check words it.
        var other = Self.score; other.seq = 18
        let bad = Verifier.check(json: msg, signature: try Self.signed(other.canonicalBytes(), a), member: "c01", fileSeq: 17, context: ctx)
        #expect(bad.problems.map(\.kind) == ["bad-signature"])
        #expect(bad.problems.first?.message == "(signature file .sig) invalid signature: the signature does not match the content")
        // Unknown signer: the key still named.
        var stranger = Self.score; stranger.signer = "zz"
        let sb = stranger.canonicalBytes()
        let unknown = Verifier.check(json: sb, signature: try Self.signed(sb, outsider), member: "zz", fileSeq: 17, context: ctx)
        #expect(unknown.problems.map(\.kind) == ["unknown-signer"])
        #expect(unknown.problems.first?.message == "signer 'zz' is not in the signed roster history (key \(outsider.publicKey.fingerprint))")
        // A record the fast parse leaves alone (an escaped string) is still read and valid.
        var escaped = Self.score; escaped.body["comment"] = "line\none"
        let eb = escaped.canonicalBytes()
        #expect(Record.fast(eb) != nil)  // escapes in the body are the body parser's business
        var escapedProgram = Self.score; escapedProgram.program = "p\"q"
        let pb = escapedProgram.canonicalBytes()
        #expect(Record.fast(pb) == nil)
        let ctx2 = Verifier.Context(instance: "p\"q", governance: .testing(roster, govs: [Self.score.gov]), language: .en)
        let viaGeneral = Verifier.check(json: pb, signature: try Self.signed(pb, a), member: "c01", fileSeq: 17, context: ctx2)
        #expect(viaGeneral.valid && viaGeneral.record == escapedProgram)
    }
}

extension Governance.State {
    /// A history in which every member of `roster` was there from the start (keys from seq 1),
    /// and the governance heads `govs` are known.
    static func testing(_ roster: Roster, govs: [String]) -> Governance.State {
        var st = Governance.State()
        for m in roster.members {
            let k = try! SSHPublicKey(line: m.key)
            st.members[m.id] = Governance.MemberFacts(entry: m, addedAt: 0, keys: [(k.raw, k.line, 1)])
            st.order.append(m.id)
        }
        for (i, g) in govs.enumerated() { st.position[g] = i }
        return st
    }
}
