import Foundation
import Testing
import Panel
import Records
import Review
@testable import TerminalUI

/// Issue 15, attachments: `pingshen attach` stores files in dossiers/ID/ and pins each one's
/// SHA-256 and size in a signed record; `verify` catches a changed, missing or unpinned file;
/// the dossier screen lists them. Through the real binary, stock ssh-keygen and hostile files.
@Suite struct AttachmentTests {
    static let pdf = Data("%PDF-1.4\n% 获奖证书扫描件\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".utf8)
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 300))

    static func attach(_ fx: Fixture, _ files: [String], dossier: String = "D001", as who: String = "sec", extra: [String] = []) throws -> Harness.Result {
        try Harness.pingshen(["attach", fx.store, "--as", who, "--key", fx.key(who), "--dossier", dossier] + files + extra)
    }

    static func verify(_ fx: Fixture) throws -> (status: Int32, problems: [(path: String, kind: String, message: String)]) {
        try NoticeTests.verify(fx)
    }

    /// Two files written in a scratch folder of the fixture.
    static func sources(_ fx: Fixture) throws -> (pdf: String, png: String) {
        let dir = fx.dir + "/scans"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let a = dir + "/获奖证书.pdf", b = dir + "/技能等级证书.png"
        try pdf.write(to: URL(fileURLWithPath: a))
        try png.write(to: URL(fileURLWithPath: b))
        return (a, b)
    }

    @Test func attachedFilesArePinnedInASignedRecordAndTamperingIsCaught() throws {
        let fx = try Fixture()
        let (a, b) = try Self.sources(fx)
        let before = Harness.records(fx.store, "sec").count
        let r = try Self.attach(fx, [a, b])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("获奖证书.pdf") && r.stdout.contains("pdf") && r.stdout.contains("image") && r.stdout.contains("signed records/sec/"), "\(r.stdout)")
        // The files, under their names, in dossiers/D001/.
        let folder = fx.store + "/dossiers/D001"
        #expect(FileManager.default.contents(atPath: folder + "/获奖证书.pdf") == Self.pdf)
        #expect(FileManager.default.contents(atPath: folder + "/技能等级证书.png") == Self.png)
        // One record, signed by the secretary, verified by stock OpenSSH, pinning both.
        let records = Harness.records(fx.store, "sec")
        #expect(records.count == before + 1)
        let rec = try #require(records.last)
        #expect(try Harness.sshVerify(store: fx.store, member: "sec", record: rec).status == 0)
        let json = try Harness.json(String(contentsOfFile: rec, encoding: .utf8))
        #expect(json["kind"] as? String == "attachment")
        let body = try #require(json["body"] as? [String: Any])
        #expect(body["dossier"] as? String == "D001")
        let files = try #require(body["files"] as? [String: [String: Any]])
        #expect(files["获奖证书.pdf"]?["sha256"] as? String == Record.sha256Hex(Self.pdf))
        #expect(files["获奖证书.pdf"]?["size"] as? Int == Self.pdf.count && files["获奖证书.pdf"]?["kind"] as? String == "pdf")
        #expect(files["技能等级证书.png"]?["sha256"] as? String == Record.sha256Hex(Self.png) && files["技能等级证书.png"]?["kind"] as? String == "image")
        #expect(try Self.verify(fx).status == 0)
        // Again with the same bytes: nothing new is signed.
        let again = try Self.attach(fx, [a])
        #expect(again.status == 0 && again.stdout.contains("no new record"), "\(again.stdout)")
        #expect(Harness.records(fx.store, "sec").count == before + 1)

        // Tampering: a byte changed (same size), a file removed, a file added, a file swapped for a link.
        var bytes = Self.pdf
        bytes[10] ^= 0x20
        try bytes.write(to: URL(fileURLWithPath: folder + "/获奖证书.pdf"))
        var v = try Self.verify(fx)
        #expect(v.status == 1 && v.problems.contains { $0.path == "dossiers/D001/获奖证书.pdf" && $0.kind == "attachment-changed" && $0.message.contains(rec.components(separatedBy: "/store/").last!) }, "\(v.problems)")
        try FileManager.default.removeItem(atPath: folder + "/技能等级证书.png")
        try Data("forged".utf8).write(to: URL(fileURLWithPath: folder + "/补充证明.pdf"))
        try FileManager.default.createDirectory(atPath: fx.store + "/dossiers/D404", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: fx.store + "/dossiers/D404/stray.txt"))
        v = try Self.verify(fx)
        #expect(v.problems.contains { $0.path == "dossiers/D001/技能等级证书.png" && $0.kind == "attachment-missing" }, "\(v.problems)")
        #expect(v.problems.contains { $0.path == "dossiers/D001/补充证明.pdf" && $0.kind == "attachment-unpinned" }, "\(v.problems)")
        #expect(v.problems.contains { $0.path == "dossiers/D404/stray.txt" && $0.kind == "attachment-unpinned" }, "\(v.problems)")
        // verify --cached (through the store index) says the same.
        let cached = try Harness.pingshen(["verify", fx.store, "--cached", "--format", "json"])
        #expect(cached.status == 1 && cached.stdout.contains("attachment-missing") && cached.stdout.contains("attachment-changed"), "\(cached.stdout)")
        // A symbolic link where the pinned file was, pointing at a file with the very bytes: not followed.
        try FileManager.default.removeItem(atPath: folder + "/获奖证书.pdf")
        try FileManager.default.createSymbolicLink(atPath: folder + "/获奖证书.pdf", withDestinationPath: a)
        v = try Self.verify(fx)
        #expect(v.problems.contains { $0.path == "dossiers/D001/获奖证书.pdf" && $0.kind == "attachment-changed" && $0.message.contains("not a regular file") }, "\(v.problems)")
        // Put right by attaching the same files again (nothing new to sign) and removing the strays.
        try FileManager.default.removeItem(atPath: folder + "/获奖证书.pdf")
        try FileManager.default.removeItem(atPath: folder + "/补充证明.pdf")
        try FileManager.default.removeItem(atPath: fx.store + "/dossiers/D404")
        let fix = try Self.attach(fx, [a, b])
        #expect(fix.status == 0 && fix.stdout.contains("no new record"), "\(fix.stdout) \(fix.stderr)")
        #expect(try Self.verify(fx).status == 0)
        // A new version of a file: a second record, the newer pin is the one checked.
        try Data("%PDF-1.7\n新版\n".utf8).write(to: URL(fileURLWithPath: a))
        let newer = try Self.attach(fx, [a])
        #expect(newer.status == 0 && newer.stdout.contains("signed records/sec/"), "\(newer.stdout)")
        #expect(Harness.records(fx.store, "sec").count == before + 2)
        #expect(try Self.verify(fx).status == 0)
        // The programme's other commands do not mind the folder (dossier files are the .yaml).
        #expect(try Harness.pingshen(["check", fx.store]).status == 0)
        #expect(try Harness.pingshen(["kinds"]).stdout.contains("attachment: signed by: secretary"))
    }

    @Test func hostileFilesAndNamesAreRefusedWithNothingWritten() throws {
        let fx = try Fixture()
        let (a, _) = try Self.sources(fx)
        let dir = fx.dir + "/hostile"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func file(_ name: String, _ data: Data = Data("x".utf8)) throws -> String {
            let p = dir + "/" + name
            try data.write(to: URL(fileURLWithPath: p))
            return p
        }
        // A link to a real file; a FIFO; a folder; a file one byte over the limit (sparse: no disk).
        let link = dir + "/link.pdf"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: a)
        let fifo = dir + "/fifo.pdf"
        #expect(mkfifo(fifo, 0o644) == 0)
        let huge = dir + "/huge.pdf"
        #expect(FileManager.default.createFile(atPath: huge, contents: nil))
        #expect(truncate(huge, off_t(AttachmentPins.maxBytes + 1)) == 0)
        let cases: [([String], [String], String, Int32)] = [
            ([try file(".bashrc")], [], "may not start with '.'", 1),
            ([dir + "/.."], [], "may not start with '.'", 1),
            ([try file("a\\..\\..\\b.pdf")], [], "may not hold '/' or '\\'", 1),
            ([try file("证书\u{1B}]52;c;ZXZpbA==\u{07}.pdf")], [], "control, bidi or invisible character", 1),
            ([try file("证书\u{202E}fdp.exe")], [], "control, bidi or invisible character", 1),
            ([try file("zero\u{200B}width.pdf")], [], "control, bidi or invisible character", 1),
            ([link], [], "is a symbolic link: give the file itself", 1),
            ([fifo], [], "is not a regular file", 1),
            ([dir], [], "is not a regular file", 1),
            ([huge], [], "over the attachment limit of \(AttachmentPins.maxBytes) bytes", 1),
            ([dir + "/absent.pdf"], [], "cannot be read", 1),
            ([a, a], [], "is given twice", 1),
            ([a], ["--dossier", "D404"], "no dossier with id D404", 1),
            ([a], ["--dossier", "../D001"], "--dossier '../D001' is not a valid id", 64),
        ]
        // (A name over 255 bytes cannot be a file here; a hand-signed record cannot pin one either.)
        #expect(AttachmentPins.nameProblem(String(repeating: "长", count: 86))?.en == "the file name is over 255 bytes")
        let before = Harness.records(fx.store, "sec").count
        for (files, extra, message, status) in cases {
            var args = ["attach", fx.store, "--as", "sec", "--key", fx.key("sec")]
            args += extra.isEmpty ? ["--dossier", "D001"] : extra
            let r = try Harness.pingshen(args + files)
            #expect(r.status == status && r.reason == .exit, "\(files): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(message), "\(files): \(r.stderr)")
            #expect(!r.stderr.unicodeScalars.contains { TerminalText.isUnsafe($0) && $0 != "\n" }, "\(r.stderr.debugDescription)")
        }
        // Not by a member or the chair; not before the key is the signer's.
        let byMember = try Self.attach(fx, [a], as: "m1")
        #expect(byMember.status == 1 && byMember.stderr.contains("may not sign attachment records"), "\(byMember.stderr)")
        let wrongKey = try Harness.pingshen(["attach", fx.store, "--as", "sec", "--key", fx.key("m1"), "--dossier", "D001", a])
        #expect(wrongKey.status == 1 && wrongKey.stderr.contains("not sec's key"), "\(wrongKey.stderr)")
        #expect(Harness.records(fx.store, "sec").count == before && Harness.records(fx.store, "m1").isEmpty)
        let folder = fx.store + "/dossiers/D001"
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).isEmpty, "something was written")
        // A symbolic link planted where the folder belongs: never written through.
        let elsewhere = fx.dir + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createSymbolicLink(atPath: folder, withDestinationPath: elsewhere)
        let planted = try Self.attach(fx, [a])
        #expect(planted.status == 1 && planted.stderr.contains("is not a folder (a symbolic link?)"), "\(planted.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
        let v = try Self.verify(fx)
        #expect(v.problems.contains { $0.path == "dossiers/D001" && $0.kind == "attachment-unpinned" }, "\(v.problems)")
        try FileManager.default.removeItem(atPath: folder)

        // A hand-signed record whose names climb out of the folder: malformed, never counted, nothing read.
        let rec = try HandSigned.append(fx, "sec", kind: "attachment", body: [
            "dossier": .string("D001"),
            "files": .object(["../../records/sec/000/000001.json": .object(["sha256": .string(String(repeating: "0", count: 64)), "size": .int(1), "kind": .string("pdf")])]),
        ])
        let v2 = try Self.verify(fx)
        #expect(v2.problems.contains { $0.path == rec && $0.kind == "malformed" && $0.message.contains("attachment name") }, "\(v2.problems)")
        #expect(!v2.problems.contains { $0.kind == "attachment-changed" || $0.kind == "attachment-missing" }, "\(v2.problems)")

        // After the ranking is finalized: no more attachments.
        let fx2 = try NoticeTests.finalized()
        let (a2, _) = try Self.sources(fx2)
        let late = try Self.attach(fx2, [a2])
        #expect(late.status == 1 && late.stderr.contains("the ranking is finalized; no more attachments"), "\(late.stderr)")
    }

    /// The dossier screen of a real store lists each attachment (name, kind, size, short hash)
    /// and where it is on this machine; a missing file is flagged.
    @Test func theDossierScreenListsTheAttachments() throws {
        let fx = try Fixture()
        let (a, b) = try Self.sources(fx)
        #expect(try Self.attach(fx, [a, b]).status == 0)
        try FileManager.default.removeItem(atPath: fx.store + "/dossiers/D001/技能等级证书.png")
        for lang in [Language.en, Language.zh] {
            let session = try ReviewSession(root: fx.store)
            let backend = try SessionBackend(session: session, member: "m1", signer: nil)
            var s = AppState(lang: lang, cols: 160, rows: 60)
            UI.reload(&s, backend)
            s.stack.append(.dossier(id: "D001", scroll: 0))
            let text = UI.view(s, backend).lines().joined(separator: "\n")
            #expect(text.contains(lang.pick("附件（2 个，可在本机打开）", "Attachments (2, to open on this machine)")), "\(text)")
            let pdfLine = try #require(text.split(separator: "\n").first { $0.contains("获奖证书.pdf") && !$0.contains("/") })
            #expect(pdfLine.contains("pdf") && pdfLine.contains("\(Self.pdf.count) B") && pdfLine.contains(String(Record.sha256Hex(Self.pdf).prefix(12))), "\(pdfLine)")
            #expect(text.contains(fx.store + "/dossiers/D001/获奖证书.pdf"), "\(text)")
            let pngLine = try #require(text.split(separator: "\n").first { $0.contains("技能等级证书.png") && !$0.contains("/") })
            #expect(pngLine.contains("image") && pngLine.contains(lang.pick("文件不在或已变", "file gone or changed")), "\(pngLine)")
            // A dossier without attachments has no such section.
            s.stack[s.stack.count - 1] = .dossier(id: "D002", scroll: 0)
            #expect(!UI.view(s, backend).lines().joined(separator: "\n").contains(lang.pick("附件（", "Attachments (")))
        }
        #expect(AttachmentItem.sizeText(312) == "312 B" && AttachmentItem.sizeText(1_234_567) == "1.2 MB" && AttachmentItem.sizeText(840_000) == "840 KB")
    }
}
