import Foundation
import Testing
import Crypto
#if canImport(Glibc)
import Glibc
#endif
import Panel
@testable import Records

/// A signature is accepted exactly when `ssh-keygen -Y verify` accepts it, armour included
/// (issue 16: a CRLF-armoured .sig passed `pingshen verify` while ssh-keygen rejected it).
@Suite struct ArmourTests {
    /// b64_pton's rules (openbsd-compat/base64.c), case by case.
    @Test(arguments: [
        ("", [UInt8]()), ("QQ==", [0x41]), ("QUI=", [0x41, 0x42]), ("QUJD", [0x41, 0x42, 0x43]),
        ("Q U\u{0B}J\u{0C}D\r\n", [0x41, 0x42, 0x43]), ("QQ= =", [0x41]), ("QQ==\n \r", [0x41]), ("QUI= \t", [0x41, 0x42]),
        // Unpadded partial quantum, bits left over before the padding, padding in the wrong place,
        // anything after the padding, a character outside the alphabet.
        ("QQ", nil), ("QUI", nil), ("QR==", nil), ("QUJ=", nil), ("=", nil), ("Q===", nil), ("QUJD=", nil),
        ("QQ==x", nil), ("QUI==", nil), ("QQ=x", nil), ("QUJD*", nil), ("QUJ-", nil),
    ] as [(String, [UInt8]?)])
    func base64AsB64Pton(_ text: String, _ want: [UInt8]?) {
        #expect(Base64.ptonDecode(Array(text.utf8)) == want, "\(text.debugDescription)")
    }

    static let record = Record(kind: .score, program: "armour-2026", signer: "m1", seq: 1, prev: Record.zeroHash,
                               created: "2026-11-21T13:04:05Z",
                               body: ["dossier": "D001", "points": ["craft": 40], "vote": "recommend"])

    struct Variant {
        var name: String
        var bytes: [UInt8]
        /// OpenSSH 9.5 and later take "\r\n" after the header line, 8.1–9.4 do not; we keep the
        /// rule of both (see `SSHSigArmor`), so only our refusal is required.
        var newerOpenSSHMayAccept = false
    }

    /// Variants of a good armour, from the lines of `armored` (header, base64 lines, footer).
    static func variants(_ armored: String) -> [Variant] {
        let lines = armored.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // "-----BEGIN…", base64 lines…, "-----END…", "" (the final newline).
        let header = lines[0], footer = lines[lines.count - 2]
        let body = Array(lines[1..<(lines.count - 2)])
        let b64 = body.joined()
        func v(_ name: String, _ text: String, newer: Bool = false) -> Variant {
            Variant(name: name, bytes: Array(text.utf8), newerOpenSSHMayAccept: newer)
        }
        func joined(_ ls: [String], _ eol: String = "\n") -> String { ls.joined(separator: eol) }
        func wrapped(_ width: Int) -> [String] {
            stride(from: 0, to: b64.count, by: width).map { i in
                let s = b64.index(b64.startIndex, offsetBy: i)
                return String(b64[s..<(b64.index(s, offsetBy: width, limitedBy: b64.endIndex) ?? b64.endIndex)])
            }
        }
        let plain = [header] + body + [footer]
        var out: [Variant] = [
            v("as written", armored),
            v("CRLF everywhere", joined(plain, "\r\n") + "\r\n", newer: true),
            v("CRLF after the header only", header + "\r\n" + joined(body + [footer]) + "\n", newer: true),
            v("CRLF in the base64 lines only", header + "\n" + body.map { $0 + "\r\n" }.joined() + footer + "\n"),
            v("CR alone after the header", header + "\r" + joined(body + [footer]) + "\n"),
            v("no newline at the end", joined(plain)),
            v("two newlines at the end", joined(plain) + "\n\n"),
            v("trailing spaces on the base64 lines", joined([header] + body.map { $0 + "  " } + [footer]) + "\n"),
            v("trailing space on the header line", joined([header + " "] + body + [footer]) + "\n"),
            v("trailing space on the footer line", joined([header] + body + [footer + " "]) + "\n"),
            v("tab, vertical tab and form feed in the base64", joined([header] + body.map { "\t" + $0 + "\u{0B}\u{0C}" } + [footer]) + "\n"),
            v("one long base64 line", joined([header, b64, footer]) + "\n"),
            v("64-column lines", joined([header] + wrapped(64) + [footer]) + "\n"),
            v("76-column lines", joined([header] + wrapped(76) + [footer]) + "\n"),
            v("blank line after the header", joined([header, ""] + body + [footer]) + "\n"),
            v("blank lines before the footer", joined([header] + body + ["", "", footer]) + "\n"),
            v("text before the armour", "signature:\n" + armored),
            v("blank line before the armour", "\n" + armored),
            v("space before the header", " " + armored),
            v("byte-order mark before the header", "\u{FEFF}" + armored),
            v("text after the armour", armored + "comment: signed by m1\n"),
            v("text right after the footer", joined(plain) + "garbage\n"),
            v("a second armour after the first", armored + armored),
            v("lowercase header", joined([header.lowercased()] + body + [footer]) + "\n"),
            v("lowercase footer", joined([header] + body + [footer.lowercased()]) + "\n"),
            v("missing footer", joined([header] + body) + "\n"),
            v("footer on the last base64 line", joined([header] + body.dropLast() + [body.last! + footer]) + "\n"),
            v("missing header", joined(body + [footer]) + "\n"),
            v("a stray '=' after the base64", joined([header] + body + ["=", footer]) + "\n"),
            v("a character outside base64", joined([header] + body + ["*", footer]) + "\n"),
            v("the last base64 character dropped", joined([header] + body.dropLast() + [String(body.last!.dropLast())] + [footer]) + "\n"),
        ]
        // NUL: taken by ssh-keygen only as the last byte of the base64 text.
        var nulLast = Array((joined([header] + body) + "\n").utf8); nulLast.append(0)
        nulLast += Array(("\n" + footer + "\n").utf8)
        out.append(Variant(name: "NUL as the last byte of the base64 text", bytes: nulLast))
        var nulMid = Array((header + "\n").utf8); nulMid.append(0); nulMid += Array((joined(body + [footer]) + "\n").utf8)
        out.append(Variant(name: "NUL inside the base64 text", bytes: nulMid))
        return out
    }

    /// `ssh-keygen -Y verify`, the message read from a file (ssh-keygen may refuse the armour
    /// before it reads its input: a pipe would then kill the writer with SIGPIPE).
    static func sshKeygenVerifies(allowed: String, signature: String, message: String) throws -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: sshKeygen)
        p.arguments = ["-Y", "verify", "-f", allowed, "-I", "m1", "-n", SSHSig.namespace, "-s", signature]
        p.standardInput = FileHandle(forReadingAtPath: message)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    @Test func armourVariantsAreAcceptedExactlyAsSSHKeygenAcceptsThem() throws {
        let dir = TempDir("armour")
        let key = dir.path + "/k"
        try KeyGen.write(to: key, comment: "m1")
        let signer = try KeyFileSigner(path: key)
        let msg = Self.record.canonicalBytes()
        let armored = try SSHSig.sign(msg, signer: signer)
        let allowed = dir.path + "/allowed_signers"
        try "m1 namespaces=\"\(SSHSig.namespace)\" \(signer.publicKey.line)\n".write(toFile: allowed, atomically: true, encoding: .utf8)
        let roster = Roster(members: [Member(id: "m1", name: "M1", role: .member, key: signer.publicKey.line)])
        let context = Verifier.Context(instance: Self.record.program, roster: roster, language: .en)
        let digest = SHA256.hash(data: msg)
        let msgPath = dir.path + "/record.json"
        try msg.write(to: URL(fileURLWithPath: msgPath))
        var accepted = 0, refused = 0
        for v in Self.variants(armored) {
            let sigPath = dir.path + "/v.sig"
            try Data(v.bytes).write(to: URL(fileURLWithPath: sigPath))
            let ssh = try Self.sshKeygenVerifies(allowed: allowed, signature: sigPath, message: msgPath)
            let general = (try? SSHSig.verify(SSHSig.parse(armoredBytes: v.bytes), message: msg)) != nil
            let fast = FastSig.validKey(signature: Data(v.bytes), message: msg, jsonDigest: digest,
                                        keys: PreparedKeys([signer.publicKey.raw]), cache: nil) != nil
            let check = Verifier.check(json: msg, signature: Data(v.bytes), member: "m1", fileSeq: 1, context: context)
            if v.newerOpenSSHMayAccept {
                #expect(!general && !fast && !check.valid, "\(v.name): accepted, but OpenSSH before 9.5 refuses it")
                continue
            }
            #expect(general == ssh, "\(v.name): general parse \(general), ssh-keygen \(ssh)")
            #expect(fast == ssh, "\(v.name): fast path \(fast), ssh-keygen \(ssh)")
            #expect(check.valid == ssh, "\(v.name): verify's check \(check.valid), ssh-keygen \(ssh) \(check.problems.map(\.message))")
            if ssh { accepted += 1 } else { refused += 1 }
        }
        // The set is not one-sided: both answers occur.
        #expect(accepted >= 10 && refused >= 10, "accepted \(accepted), refused \(refused)")
    }
}

/// Issue 16, "Files": the append side of the safe-file rules, on RecordStore itself.
@Suite struct RecordFilesTests {
    @Test func anAppendNeverWritesThroughASymlinkedMemberDirectory() throws {
        let s = try TestStore()
        try s.score("m1")
        let outside = s.dir.path + "/outside"
        try FileManager.default.moveItem(atPath: s.layout.memberRecordsDir("m1"), toPath: outside)
        try FileManager.default.createSymbolicLink(atPath: s.layout.memberRecordsDir("m1"), withDestinationPath: outside)
        let before = try FileManager.default.contentsOfDirectory(atPath: outside).sorted()
        #expect(throws: RecordsError.self) { try s.score("m1") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).sorted() == before)
        #expect(throws: (any Error).self) { try RecordStore(layout: s.layout).read(member: "m1", seq: 1) }
        #expect(!RecordStore(layout: s.layout).members().contains("m1"))
    }

    @Test func theLastSeqIsABoundWithAClearError() throws {
        let s = try TestStore()
        let first = try s.score("m1")
        let dir = s.layout.memberRecordsDir("m1") + "/"
        // The head at Int32.max: the next append is refused by name, nothing is written.
        try FileManager.default.createDirectory(atPath: s.layout.recordFolder("m1", seq: 2_147_483_647), withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: dir + "000/000001.json", toPath: dir + "2147483/2147483647.json")
        try FileManager.default.copyItem(atPath: dir + "000/000001.json.sig", toPath: dir + "2147483/2147483647.json.sig")
        #expect(first.record.seq == 1)
        do {
            try s.score("m1")
            Issue.record("the append past the last seq was not refused")
        } catch let e as RecordsError {
            #expect(e.en.contains("'m1'") && e.en.contains("2147483647"), "\(e.en)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == [".lock", "000", "2147483"])
        #expect(s.layout.namesInRecordFolders("m1").sorted() == ["000001.json", "000001.json.sig", "2147483647.json", "2147483647.json.sig"])
    }

    @Test func readingRefusesWhatIsNotARegularFileOfABoundedSize() throws {
        let d = TempDir("read")
        #expect(mkfifo(d.path + "/fifo", 0o644) == 0)
        FileManager.default.createFile(atPath: d.path + "/big", contents: nil)
        #expect(truncate(d.path + "/big", RecordLimits.recordBytes + 1) == 0)
        FileManager.default.createFile(atPath: d.path + "/ok", contents: Data("abc".utf8))
        try FileManager.default.createSymbolicLink(atPath: d.path + "/link", withDestinationPath: d.path + "/ok")
        func read(_ n: String) -> Verifier.FileRead { Verifier.readRegular(at: AT_FDCWD, d.path + "/" + n, limit: RecordLimits.recordBytes, noFollow: true) }
        guard case .notRegular(.fifo) = read("fifo") else { Issue.record("fifo: \(read("fifo"))"); return }
        guard case .tooLarge(let n) = read("big"), n == Int64(RecordLimits.recordBytes) + 1 else { Issue.record("big: \(read("big"))"); return }
        guard case .notRegular(.symlink) = read("link") else { Issue.record("link: \(read("link"))"); return }
        guard case .data(let data) = read("ok"), data == Data("abc".utf8) else { Issue.record("ok: \(read("ok"))"); return }
        guard case .unreadable = read("absent") else { Issue.record("absent: \(read("absent"))"); return }
    }
}
