import Foundation
import Testing
@testable import Records
import Panel
#if canImport(Glibc)
import Glibc
#endif

/// The fan-out records/MEMBER/NNN/NNNNNN.json (README "Decision on a fan-out"): one spelling of
/// every record path, and what is anywhere else is named, never followed.
@Suite struct FanOutTests {
    @Test func folderNamesHaveOneSpelling() {
        #expect(RecordFileName.folder(1) == "000" && RecordFileName.folder(999) == "000")
        #expect(RecordFileName.folder(1000) == "001" && RecordFileName.folder(1999) == "001" && RecordFileName.folder(2000) == "002")
        #expect(RecordFileName.folder(999_999) == "999" && RecordFileName.folder(1_000_000) == "1000")
        #expect(RecordFileName.folder(1_234_567) == "1234" && RecordFileName.folder(Int(Int32.max)) == "2147483")
        for n in [0, 1, 9, 10, 99, 100, 999, 1000, 2147, 2_147_483] {
            #expect(RecordFileName.parseFolder(RecordFileName.folderName(number: n)) == n, "\(n)")
        }
        for bad in ["", "0", "00", "1", "01", "0000", "0001", "01000", "abc", "00a", "-01", "+01", " 001", "001 ", "٠٠١", "2147484",
                    "9999999", "10000000", "000.", ".000", "０００"] {
            #expect(RecordFileName.parseFolder(bad) == nil, "\(bad.debugDescription)")
        }
    }

    @Test func recordPathsHaveOneSpelling() {
        #expect(RecordFileName.path(member: "m1", seq: 1) == "records/m1/000/000001.json")
        #expect(RecordFileName.path(member: "m1", seq: 1000, signature: true) == "records/m1/001/001000.json.sig")
        #expect(RecordFileName.path(member: "m1", seq: 1_234_567) == "records/m1/1234/1234567.json")
        for seq in [1, 999, 1000, 1001, 999_999, 1_000_000, 1_234_567, Int(Int32.max)] {
            for sig in [false, true] {
                let p = RecordFileName.path(member: "a.b-c_d", seq: seq, signature: sig)
                let parsed = RecordFileName.parsePath(p)
                #expect(parsed?.member == "a.b-c_d" && parsed?.entry == (sig ? .sig(seq) : .json(seq)), "\(p)")
            }
        }
        for bad in ["records/m1/000001.json", "records/m1/001/000005.json", "records/m1/000/001000.json", "records/m1/0000/000001.json",
                    "records/m1/1/000001.json", "records/m1/abc/000001.json", "records/m1/000/0000001.json", "records/m1/000/000000.json",
                    "records/../000/000001.json", "records/.x/000/000001.json", "records//000/000001.json", "records/m1/000/000001.json/",
                    "/records/m1/000/000001.json", "records/m1/000/000/000001.json", "evidence/m1/000/000001.json", "records/m1/1234/1234567.JSON"] {
            #expect(RecordFileName.parsePath(bad) == nil, "\(bad)")
        }
    }

    /// Every hostile entry at the member level and in the folders, through the library's verify
    /// and listing: named by its path; behind a link or in a stray folder nothing is read.
    @Test func hostileEntriesAreNamedAndNotRead() throws {
        let s = try TestStore()
        try s.score("m1"); try s.score("m1")
        let fm = FileManager.default
        let m1 = s.layout.memberRecordsDir("m1") + "/"
        try fm.createDirectory(atPath: m1 + "001", withIntermediateDirectories: false)
        for (from, to) in [("000/000001", "001/000005"), ("000/000001", "000003"), ("000/000002", "abc/000003")] {
            try fm.createDirectory(atPath: ((m1 + to) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try fm.copyItem(atPath: m1 + from + ".json", toPath: m1 + to + ".json")
            try fm.copyItem(atPath: m1 + from + ".json.sig", toPath: m1 + to + ".json.sig")
        }
        // m2: its folder is a symbolic link to m1's (records that would chain as m2's are not).
        try fm.createDirectory(atPath: s.layout.memberRecordsDir("m2"), withIntermediateDirectories: false)
        try fm.createSymbolicLink(atPath: s.layout.recordFolder("m2", seq: 1), withDestinationPath: m1 + "000")
        // chair: a FIFO named like its folder 000 and a file named 001.
        try fm.createDirectory(atPath: s.layout.memberRecordsDir("chair"), withIntermediateDirectories: false)
        #expect(mkfifo(s.layout.recordFolder("chair", seq: 1), 0o644) == 0)
        fm.createFile(atPath: s.layout.recordFolder("chair", seq: 1000), contents: Data("x".utf8))
        let r = try s.verify()
        #expect(!r.ok)
        for (path, kind) in [("records/m1/001/000005.json", "stray-file"), ("records/m1/001/000005.json.sig", "stray-file"),
                             ("records/m1/000003.json", "stray-file"), ("records/m1/000003.json.sig", "stray-file"),
                             ("records/m1/abc", "stray-file"), ("records/m2/000", "not-regular-file"),
                             ("records/chair/000", "not-regular-file"), ("records/chair/001", "stray-file")] {
            #expect(r.has(kind, path), "\(path) \(r.problems)")
        }
        #expect(!r.problems.contains { $0.path.hasPrefix("records/m1/abc/") || $0.path.hasPrefix("records/m2/000/") }, "\(r.problems)")
        #expect(r.records == 2 + s.setupRecords, "\(r.problems)")
        // The store's readers do not go through the link either.
        #expect(try RecordStore(layout: s.layout).publishedSeqs(of: "m2").isEmpty)
        #expect(throws: (any Error).self) { try RecordStore(layout: s.layout).read(member: "m2", seq: 1) }
        // An append refuses to write through the link or the FIFO, by name.
        #expect { try s.score("m2") } throws: { ($0 as? RecordsError)?.en.contains("records/m2/000") == true }
        #expect { try s.score("chair") } throws: { ($0 as? RecordsError)?.en.contains("records/chair/000") == true }
        #expect(try fm.contentsOfDirectory(atPath: m1 + "000").sorted() == ["000001.json", "000001.json.sig", "000002.json", "000002.json.sig"])
        // The index sees the same (and the same again warm).
        let secret = s.dir.path + "/home/cache-secret"
        for _ in 0..<2 {
            let o = try Verifier.countedSummaries(layout: s.layout, threads: 2, language: .en, cacheSecret: secret) { _ in }
            #expect(o.report.problems == r.problems)
        }
    }

    /// A chain across a folder boundary: 999 in 000/, 1000 and 1001 in 001/; the head is found
    /// in the highest folder, by a fresh store object as by the one that wrote it.
    @Test func aChainCrossesAFolderBoundary() throws {
        let s = try TestStore()
        let store = RecordStore(layout: s.layout, durable: false)
        let gov = try Governance.load(s.layout)
        let signer = try s.signer("m1")
        for _ in 0..<999 {
            _ = try store.append(kind: .score, body: ["dossier": "D001", "points": ["craft": 30]], program: s.instance, signerID: "m1",
                                 signer: signer, governance: gov)
        }
        let fresh = RecordStore(layout: s.layout)
        let r1000 = try fresh.append(kind: .score, body: ["dossier": "D001", "points": ["craft": 31]], program: s.instance, signerID: "m1", signer: signer)
        #expect(r1000.record.seq == 1000 && r1000.path == "records/m1/001/001000.json")
        let r1001 = try store.append(kind: .score, body: ["dossier": "D001", "points": ["craft": 32]], program: s.instance, signerID: "m1", signer: signer)
        #expect(r1001.record.seq == 1001 && r1001.record.prev == r1000.sha256)
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.layout.recordFolder("m1", seq: 1000)).sorted()
                == ["001000.json", "001000.json.sig", "001001.json", "001001.json.sig"])
        #expect(try RecordStore(layout: s.layout).publishedSeqs(of: "m1").count == 1001)
        let report = try s.verify()
        #expect(report.ok && report.records == 1001 + s.setupRecords, "\(report.problems)")
        // A folder made a symbolic link after a warm index (racy window 0, so it vouches): the
        // index does not vouch for what is behind it.
        let secret = s.dir.path + "/home/cache-secret"
        let first = try Verifier.countedSummaries(layout: s.layout, threads: 2, language: .en, cacheSecret: secret, racy: 0) { _ in }
        let second = try Verifier.countedSummaries(layout: s.layout, threads: 2, language: .en, cacheSecret: secret, racy: 0) { _ in }
        #expect(first.report.ok && second.reused == 1001 + s.setupRecords, "\(second.reused)")
        let folder = s.layout.recordFolder("m1", seq: 1000)
        try FileManager.default.moveItem(atPath: folder, toPath: s.dir.path + "/moved-001")
        try FileManager.default.createSymbolicLink(atPath: folder, withDestinationPath: s.dir.path + "/moved-001")
        let warm = try Verifier.countedSummaries(layout: s.layout, threads: 2, language: .en, cacheSecret: secret, racy: 0) { _ in }
        #expect(warm.report.has("not-regular-file", "records/m1/001"), "\(warm.report.problems)")
        #expect(warm.report.problems == (try Verifier.verify(layout: s.layout, language: .en)).problems)
        try FileManager.default.removeItem(atPath: folder)
        try FileManager.default.moveItem(atPath: s.dir.path + "/moved-001", toPath: folder)
        #expect(try s.verify().ok)
        // A record taken out of 000/ breaks the chain where it was, named by its path.
        try FileManager.default.removeItem(atPath: s.layout.recordFile("m1", seq: 999, signature: true))
        try FileManager.default.removeItem(atPath: s.layout.recordFile("m1", seq: 999))
        #expect(try s.verify().has("chain-gap", "records/m1/001/001000.json"))
        let cold = try Verifier.countedSummaries(layout: s.layout, threads: 2, language: .en, cacheSecret: secret, racy: 0) { _ in }
        #expect(cold.report.has("chain-gap", "records/m1/001/001000.json"), "\(cold.report.problems)")
    }
}
