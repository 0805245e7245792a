import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 16, "Files": hostile files in records/ through the real binary. Each reproduction was
/// seen to fail on the code before the fix (a hang, 26 s and 4.2 GB, a write outside the store,
/// silence, a CRLF signature accepted, a file verify ignores).
@Suite(.serialized) struct FileSafetyTests {
    /// `pingshen ARGS --lang en` with a time bound; nil when it had to be killed.
    static func pingshen(_ args: [String], timeout: Double) throws -> Harness.Result? {
        let dir = try Harness.tempDir("out")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out", err = dir + "/err"
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Harness.binary)
        p.arguments = args + ["--lang", "en"]
        var env = ProcessInfo.processInfo.environment
        env["LANG"] = "C.UTF-8"
        env.removeValue(forKey: "SSH_AUTH_SOCK")
        p.environment = env
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle(forWritingAtPath: out)
        p.standardError = FileHandle(forWritingAtPath: err)
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        try p.run()
        if done.wait(timeout: .now() + timeout) == .timedOut {
            kill(p.processIdentifier, SIGKILL)
            done.wait()
            return nil
        }
        return Harness.Result(status: p.terminationStatus, stdout: try String(contentsOfFile: out, encoding: .utf8),
                              stderr: try String(contentsOfFile: err, encoding: .utf8))
    }

    /// verify --format json, bounded in time: (exit status, problems as (path, kind)).
    static func verify(_ store: String, timeout: Double = 20) throws -> (Int32, [(String, String)]) {
        guard let r = try pingshen(["verify", store, "--format", "json"], timeout: timeout) else {
            Issue.record("verify did not finish within \(timeout) s")
            return (-1, [])
        }
        let json = try Harness.json(r.stdout)
        let problems = (json["problems"] as? [[String: Any]] ?? []).map { ($0["path"] as? String ?? "", $0["kind"] as? String ?? "") }
        return (r.status, problems)
    }

    @Test func aFIFONamedLikeARecordHangsNothing() throws {
        let fx = try Fixture.twoMembersScored()
        let dir = fx.store + "/records/m1/"
        #expect(mkfifo(dir + "000003.json", 0o644) == 0)
        try FileManager.default.copyItem(atPath: dir + "000001.json.sig", toPath: dir + "000003.json.sig")
        #expect(mkfifo(dir + "000004.json.sig", 0o644) == 0)
        try FileManager.default.copyItem(atPath: dir + "000001.json", toPath: dir + "000004.json")
        let (status, problems) = try Self.verify(fx.store)
        #expect(status == 1)
        #expect(problems.contains { $0 == ("records/m1/000003.json", "not-regular-file") }, "\(problems)")
        #expect(problems.contains { $0 == ("records/m1/000004.json.sig", "not-regular-file") }, "\(problems)")
        // rank reads the same records: it ends too (what it says about problems is another slice's).
        #expect(try Self.pingshen(["rank", fx.store, "--format", "json"], timeout: 20) != nil, "rank did not finish")
    }

    @Test func aHugeSparseRecordIsRefusedUnread() throws {
        let fx = try Fixture.twoMembersScored()
        let dir = fx.store + "/records/m1/"
        let big = dir + "000003.json"
        FileManager.default.createFile(atPath: big, contents: nil)
        #expect(truncate(big, 3 << 30) == 0)
        try FileManager.default.copyItem(atPath: dir + "000001.json.sig", toPath: dir + "000003.json.sig")
        // And an oversized signature for another record.
        try FileManager.default.copyItem(atPath: dir + "000001.json", toPath: dir + "000004.json")
        FileManager.default.createFile(atPath: dir + "000004.json.sig", contents: nil)
        #expect(truncate(dir + "000004.json.sig", 1 << 20) == 0)
        let start = Date()
        let (status, problems) = try Self.verify(fx.store, timeout: 20)
        let took = Date().timeIntervalSince(start)
        #expect(status == 1)
        #expect(problems.contains { $0 == ("records/m1/000003.json", "too-large") }, "\(problems)")
        #expect(problems.contains { $0 == ("records/m1/000004.json", "too-large") }, "\(problems)")
        // Reading 3 GB took 26 s before; refusing it by its size is a stat.
        #expect(took < 5, "verify took \(took) s")
    }

    @Test func aSymlinkedMemberDirectoryIsReportedAndNeverWrittenThrough() throws {
        let fx = try Fixture.twoMembersScored()
        let outside = fx.dir + "/outside"
        try FileManager.default.moveItem(atPath: fx.store + "/records/m1", toPath: outside)
        try FileManager.default.createSymbolicLink(atPath: fx.store + "/records/m1", withDestinationPath: outside)
        let before = try FileManager.default.contentsOfDirectory(atPath: outside).sorted()
        let (status, problems) = try Self.verify(fx.store)
        #expect(status == 1)
        #expect(problems.contains { $0 == ("records/m1", "not-regular-file") }, "\(problems)")
        let r = try fx.score("m1", "D003", [5, 5, 5, 5])
        #expect(r.status != 0)
        #expect(r.stderr.contains("records/m1"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).sorted() == before)
        // records/ itself a symbolic link: nothing read, nothing written through it.
        let fx2 = try Fixture.twoMembersScored()
        let outside2 = fx2.dir + "/outside-records"
        try FileManager.default.moveItem(atPath: fx2.store + "/records", toPath: outside2)
        try FileManager.default.createSymbolicLink(atPath: fx2.store + "/records", withDestinationPath: outside2)
        let (status2, problems2) = try Self.verify(fx2.store)
        #expect(status2 == 1)
        #expect(problems2.contains { $0 == ("records", "not-regular-file") }, "\(problems2)")
        #expect(try fx2.score("m3", "D001", [5, 5, 5, 5]).status != 0)
        #expect(!FileManager.default.fileExists(atPath: outside2 + "/m3"))
    }

    @Test func aSymlinkNamedLikeARecordIsNotFollowed() throws {
        let fx = try Fixture.twoMembersScored()
        let dir = fx.store + "/records/m1/"
        try FileManager.default.createSymbolicLink(atPath: dir + "000003.json", withDestinationPath: "../m2/000001.json")
        try FileManager.default.createSymbolicLink(atPath: dir + "000003.json.sig", withDestinationPath: "../m2/000001.json.sig")
        let (status, problems) = try Self.verify(fx.store)
        #expect(status == 1)
        #expect(problems.contains { $0 == ("records/m1/000003.json", "not-regular-file") }, "\(problems)")
        #expect(problems.contains { $0 == ("records/m1/000003.json.sig", "not-regular-file") }, "\(problems)")
    }

    @Test func strayAndMisnamedFilesAreReportedButPingshensOwnAreNot() throws {
        let fx = try Fixture.twoMembersScored()
        let dir = fx.store + "/records/m1/"
        for name in ["0000003.json", "000003.JSON", "foo", "000001.json~", ".000001.json.swp"] {
            FileManager.default.createFile(atPath: dir + name, contents: Data("x".utf8))
        }
        FileManager.default.createFile(atPath: fx.store + "/records/notes.txt", contents: Data("x".utf8))
        // What pingshen itself leaves: the lock, a killed writer's temp file, a record whose
        // signature never came (the last one, so nothing follows it).
        FileManager.default.createFile(atPath: dir + ".tmp-000003.json-k3j2", contents: Data("x".utf8))
        try FileManager.default.copyItem(atPath: dir + "000002.json", toPath: dir + "000003.json")
        let (status, problems) = try Self.verify(fx.store)
        #expect(status == 1)
        let strays = Set(problems.filter { $0.1 == "stray-file" }.map(\.0))
        #expect(strays == Set(["0000003.json", "000003.JSON", "foo", "000001.json~", ".000001.json.swp"].map { "records/m1/" + $0 } + ["records/notes.txt"]),
                "\(problems)")
        #expect(problems.allSatisfy { $0.1 == "stray-file" }, "\(problems)")
        // The next append cleans up its own leftovers and goes on.
        #expect(try fx.score("m1", "D003", [5, 5, 5, 5]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir + ".tmp-000003.json-k3j2"))
    }

    @Test func aCRLFSignatureIsRefusedAsSSHKeygenRefusesIt() throws {
        let fx = try Fixture.twoMembersScored()
        let record = fx.store + "/records/m1/000001.json"
        let sig = try String(contentsOfFile: record + ".sig", encoding: .utf8)
        try sig.replacingOccurrences(of: "\n", with: "\r\n").write(toFile: record + ".sig", atomically: true, encoding: .utf8)
        #expect(try Harness.sshVerify(store: fx.store, member: "m1", record: record).status != 0)
        let (status, problems) = try Self.verify(fx.store)
        #expect(status == 1)
        #expect(problems.contains { $0 == ("records/m1/000001.json", "bad-signature") }, "\(problems)")
    }

    @Test func theLastSeqRefusesTheNextAppendByName() throws {
        let fx = try Fixture.twoMembersScored()
        let dir = fx.store + "/records/m2/"
        // A record at seq 2147483647 (Int32.max), signed by m2 with stock ssh-keygen.
        let last = dir + "2147483647.json"
        let body = try String(contentsOfFile: dir + "000001.json", encoding: .utf8)
            .replacingOccurrences(of: "\"seq\":1,", with: "\"seq\":2147483647,")
        try body.write(toFile: last, atomically: true, encoding: .utf8)
        let s = try Harness.run("/usr/bin/ssh-keygen", ["-Y", "sign", "-f", fx.key("m2"), "-n", "review-record@pingshen", last])
        #expect(s.status == 0, "\(s.stderr)")
        let r = try fx.score("m2", "D002", [5, 5, 5, 5])
        #expect(r.status != 0)
        #expect(r.stderr.contains("m2") && r.stderr.contains("2147483647"), "\(r.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(!names.contains { $0.hasPrefix("2147483648") }, "\(names)")
    }

    /// Issue 16, "Time and order": a signed record dated 2099 passed verify (and won every
    /// ordering by `created`). A `created` outside a sane window is a problem now.
    @Test func aRecordDatedFarInTheFutureIsReported() throws {
        let fx = try Fixture.twoMembersScored()
        let record = fx.store + "/records/m1/000002.json"
        let text = try String(contentsOfFile: record, encoding: .utf8)
        let dated = text.replacingOccurrences(of: #""created":"[0-9T:-]+Z""#, with: #""created":"2099-01-01T00:00:00Z""#, options: .regularExpression)
        #expect(dated != text)
        try FileManager.default.removeItem(atPath: record + ".sig")
        try dated.write(toFile: record, atomically: true, encoding: .utf8)
        let s = try Harness.run("/usr/bin/ssh-keygen", ["-Y", "sign", "-f", fx.key("m1"), "-n", "review-record@pingshen", record])
        #expect(s.status == 0, "\(s.stderr)")
        #expect(try Harness.sshVerify(store: fx.store, member: "m1", record: record).status == 0)
        let (status, problems) = try Self.verify(fx.store)
        #expect(status == 1)
        #expect(problems.contains { $0 == ("records/m1/000002.json", "created-window") }, "\(problems)")
    }
}
