import Foundation
import Testing
import Panel
@testable import Records

/// The dossier snapshot (`DossierSnapshot`): a second open reads no unchanged file, and every
/// change to a file, to the snapshot or to the directory it names is read from the files.
@Suite struct DossierSnapshotTests {
    struct Dir {
        let root: String
        var layout: StoreLayout { StoreLayout(root) }
        var secret: String { root + "/home/cache-secret" }
        func file(_ id: String) -> String { layout.dossiersDir + "/" + id + ".yaml" }
        init() throws {
            root = NSTemporaryDirectory() + "dossier-snapshot-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: StoreLayout(root).dossiersDir, withIntermediateDirectories: true)
            for i in 1...5 { try write(Dossier(id: "D00\(i)", fields: ["name": "张\(i)", "employer": "单位\(i % 2)", "field": "机械"])) }
        }
        func write(_ d: Dossier) throws {
            try Data(try DossierImport.yaml(d).utf8).write(to: URL(fileURLWithPath: file(d.id)))
        }
        /// The snapshot's reading, and what reading every file gives, which it must equal.
        func read(racy: Int64 = 0) throws -> (kept: Int, read: Int) {
            let r = try DossierSnapshot.read(layout, secretPath: secret, racy: racy)
            let plain = try PanelStore.readDossiers(layout)
            #expect(r.dossiers == plain.dossiers)
            #expect(r.files == plain.files)
            return (r.kept, r.read)
        }
    }

    /// Rewrites a file in place with the same length, then puts its modification time back:
    /// only its change time (ctime), which no user can set, tells.
    static func overwriteKeepingSizeAndMtime(_ path: String, _ change: (String) -> String) throws {
        var before = stat()
        #expect(stat(path, &before) == 0)
        // The new ctime must fall in a later clock tick than the one the snapshot holds.
        Thread.sleep(forTimeInterval: 0.05)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let changed = change(text)
        #expect(changed.utf8.count == text.utf8.count && changed != text)
        let fd = open(path, O_WRONLY | O_TRUNC)
        #expect(fd >= 0)
        let bytes = Array(changed.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var times = [before.st_atim, before.st_mtim]
        #expect(futimens(fd, &times) == 0)
        close(fd)
        var after = stat()
        #expect(stat(path, &after) == 0)
        #expect(after.st_size == before.st_size && after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
        #expect(after.st_ino == before.st_ino)
    }

    @Test func aSecondOpenReadsNoFile() throws {
        let d = try Dir()
        #expect(try d.read() == (0, 5))
        #expect(FileManager.default.fileExists(atPath: DossierSnapshot.path(d.layout)))
        #expect(try d.read() == (5, 0))
    }

    @Test func aFileRewrittenWithTheSameSizeAndMtimeIsReadAgain() throws {
        let d = try Dir()
        _ = try d.read()
        try Self.overwriteKeepingSizeAndMtime(d.file("D002")) { $0.replacingOccurrences(of: "张2", with: "李2") }
        #expect(try d.read() == (4, 1))
        let r = try DossierSnapshot.read(d.layout, secretPath: d.secret, racy: 0)
        #expect(r.dossiers.first { $0.id == "D002" }?.name == "李2")
    }

    @Test func addedRemovedAndReplacedFilesAreSeen() throws {
        let d = try Dir()
        _ = try d.read()
        try FileManager.default.removeItem(atPath: d.file("D001"))
        try d.write(Dossier(id: "D009", fields: ["name": "王9", "employer": "单位", "field": "机械"]))
        // Replaced by rename (a new inode), the same bytes as another dossier's except the name.
        let tmp = d.layout.dossiersDir + "/.tmp"
        try Data(try DossierImport.yaml(Dossier(id: "D003", fields: ["name": "赵3", "employer": "单位1", "field": "机械"])).utf8)
            .write(to: URL(fileURLWithPath: tmp))
        #expect(rename(tmp, d.file("D003")) == 0)
        #expect(try d.read() == (3, 2))
        #expect(try d.read() == (5, 0))
    }

    @Test func aFileJustWrittenIsNotKept() throws {
        let d = try Dir()
        // Within the racy window (here: 10 minutes) nothing is kept, so nothing is trusted.
        #expect(try d.read(racy: 600_000_000_000) == (0, 5))
        #expect(try d.read(racy: 600_000_000_000) == (0, 5))
    }

    @Test func anEditedOrTruncatedSnapshotIsIgnored() throws {
        let d = try Dir()
        _ = try d.read()
        let path = DossierSnapshot.path(d.layout)
        var bytes = try #require(FileManager.default.contents(atPath: path))
        // A name changed in the snapshot (张1 → 李1), its seal left as it was.
        let original = bytes
        if let r = bytes.range(of: Data("张1".utf8)) { bytes.replaceSubrange(r, with: Data("李1".utf8)) } else { Issue.record("no 张1 in the snapshot") }
        #expect(bytes != original && bytes.count == original.count)
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(try d.read() == (0, 5))
        // Truncated (the seal is gone with the tail).
        let whole = try #require(FileManager.default.contents(atPath: path))
        try whole.prefix(whole.count - 40).write(to: URL(fileURLWithPath: path))
        #expect(try d.read() == (0, 5))
        // Empty, and a directory where the file was.
        try Data().write(to: URL(fileURLWithPath: path))
        #expect(try d.read() == (0, 5))
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        #expect(try d.read() == (0, 5))
    }

    @Test func aSnapshotSealedUnderAnotherSecretIsIgnored() throws {
        let d = try Dir()
        _ = try DossierSnapshot.read(d.layout, secretPath: d.root + "/other/cache-secret", racy: 0)
        #expect(try d.read() == (0, 5))
    }

    @Test func aSnapshotFromAnotherStoreIsNotUsed() throws {
        let a = try Dir(), b = try Dir()
        _ = try a.read()
        // b's files were made the same way (same names, sizes; other inodes): a's snapshot,
        // sealed under the same user's secret, copied into b.
        try FileManager.default.createDirectory(atPath: b.layout.cacheDir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: DossierSnapshot.path(a.layout), toPath: DossierSnapshot.path(b.layout))
        let r = try DossierSnapshot.read(b.layout, secretPath: a.secret, racy: 0)
        #expect(r.kept == 0 && r.read == 5)
    }

    @Test func anUnreadableOrBrokenFileFailsAsWithoutTheSnapshot() throws {
        let d = try Dir()
        _ = try d.read()
        // A file whose id does not match its name: the same error either way, snapshot or not.
        try Data(try DossierImport.yaml(Dossier(id: "D005", fields: ["name": "x"])).utf8).write(to: URL(fileURLWithPath: d.file("D004")))
        #expect(throws: InputError.self) { try DossierSnapshot.read(d.layout, secretPath: d.secret, racy: 0) }
        #expect(throws: InputError.self) { try PanelStore.readDossiers(d.layout) }
        // A symbolic link to a dossier of the right id is read as before, never kept.
        try FileManager.default.removeItem(atPath: d.file("D004"))
        try d.write(Dossier(id: "D004", fields: ["name": "y"]))
        try FileManager.default.moveItem(atPath: d.file("D004"), toPath: d.root + "/D004.yaml")
        try FileManager.default.createSymbolicLink(atPath: d.file("D004"), withDestinationPath: d.root + "/D004.yaml")
        #expect(try d.read().read >= 1)
    }
}
