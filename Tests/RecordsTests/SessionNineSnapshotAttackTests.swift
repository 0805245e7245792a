import Foundation
import Testing
import Panel
@testable import Records
#if canImport(Glibc)
import Glibc
#endif

/// Session 9's attack on the dossier snapshot (`DossierSnapshot`) by someone who can write the
/// store folder: the dossiers folder swapped with another while a command reads it.
@Suite struct SessionNineSnapshotAttackTests {
    /// renameat2(RENAME_EXCHANGE): two folders swap names in one step.
    typealias Renameat2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    static let renameat2: Renameat2? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2").map { unsafeBitCast($0, to: Renameat2.self) }

    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
        func set() { lock.lock(); value = true; lock.unlock() }
    }

    /// Each file's stamp was taken through the folder the read opened (its descriptor) and its
    /// bytes read by path: swapped in between with a folder of the same names (another inode,
    /// so the snapshot's own check of the folder passes once it is swapped back), the snapshot
    /// kept the other folder's bytes under this folder's stamps, and later opens took them as
    /// this folder's files without reading them (the UI and `rank` showing dossiers the files do
    /// not hold). Now each file is read through the same descriptor its stamp came from.
    @Test func aDossiersFolderSwappedDuringAReadPoisonsNothing() throws {
        guard let exchange = Self.renameat2 else { return }
        let root = NSTemporaryDirectory() + "s9-snapshot-" + UUID().uuidString
        let layout = StoreLayout(root)
        let other = root + "/other"
        let secret = root + "/home/cache-secret"
        for dir in [layout.dossiersDir, other] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        defer { try? FileManager.default.removeItem(atPath: root) }
        for i in 1...300 {
            let id = String(format: "D%04d", i)
            for (dir, name) in [(layout.dossiersDir, "真\(i)"), (other, "假\(i)")] {
                try Data(try DossierImport.yaml(Dossier(id: id, fields: ["name": name, "field": "机械"])).utf8)
                    .write(to: URL(fileURLWithPath: dir + "/" + id + ".yaml"))
            }
        }
        let marker = layout.dossiersDir + "/D0001.yaml"
        func trueInPlace() -> Bool { (try? String(contentsOfFile: marker, encoding: .utf8))?.contains("真1") ?? false }
        var poisoned = 0
        for _ in 0..<40 {
            try? FileManager.default.removeItem(atPath: DossierSnapshot.path(layout))
            let stop = Flag(), done = DispatchSemaphore(value: 0)
            let (a, b) = (layout.dossiersDir, other)
            Thread.detachNewThread {
                while !stop.isSet { _ = exchange(AT_FDCWD, a, AT_FDCWD, b, 2) }
                done.signal()
            }
            _ = try? DossierSnapshot.read(layout, secretPath: secret, racy: 0)
            stop.set()
            done.wait()
            if !trueInPlace() { #expect(exchange(AT_FDCWD, layout.dossiersDir, AT_FDCWD, other, 2) == 0) }
            #expect(trueInPlace())
            let r = try DossierSnapshot.read(layout, secretPath: secret, racy: 0)
            let plain = try PanelStore.readDossiers(layout)
            if r.dossiers != plain.dossiers || r.files != plain.files { poisoned += 1 }
        }
        #expect(poisoned == 0, "\(poisoned) of 40 reads left another folder's dossiers in the snapshot")
    }
}
