import Foundation
import Glibc
import Panel
import Records
import Review
import Testing

/// Issue 15 (an import of 10,000 dossiers well under 2 s): an import creates its files in
/// dossiers/ directly, each whole, after a durable manifest of what it creates
/// (`DossierStaging`). What the recovery of a killed run may remove, and what it must never touch.
@Suite(.serialized) struct ImportManifestTests {
    static func sha256(_ data: Data) -> String {
        String(((try? Harness.run("/usr/bin/sha256sum", [], stdin: data))?.stdout ?? "").prefix(64))
    }

    static func dossierYAML(_ id: String, _ name: String) -> Data { Data("id: \(id)\nfields:\n  name: \"\(name)\"\n".utf8) }

    /// A manifest entry as an import writes it: `ID SHA256 SIZE`, then the bytes.
    static func entry(_ id: String, _ bytes: Data, sha: String? = nil) -> Data {
        Data("\(id) \(sha ?? sha256(bytes)) \(bytes.count)\n".utf8) + bytes
    }

    static func write(_ data: Data, _ path: String) throws { try data.write(to: URL(fileURLWithPath: path)) }

    @Test func recoveryRemovesOnlyTheUnsignedFilesAManifestCreated() throws {
        let fx = try Fixture()
        let dossiers = fx.store + "/dossiers"
        let staging = fx.store + "/.staging"
        for run in ["import-dead", "import-live"] {
            try FileManager.default.createDirectory(atPath: staging + "/" + run, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: staging + "/" + run + ".lock", contents: Data())
        }
        let yaml = { (id: String) in Self.dossierYAML(id, "名字" + id) }
        // Made by the dead run: unsigned, the bytes its manifest gives, or the start of them (a
        // power cut before the run's syncfs can leave a file empty or short; an empty file
        // would stop every command that reads the dossiers: the recovery runs before that).
        try Self.write(yaml("N001"), dossiers + "/N001.yaml")
        try Self.write(Data(), dossiers + "/N011.yaml")
        try Self.write(yaml("N012").prefix(9), dossiers + "/N012.yaml")
        // Listed, but another file is there (other bytes): not the run's.
        try Self.write(Self.dossierYAML("N002", "别人的"), dossiers + "/N002.yaml")
        // Listed, the bytes match, but through a symbolic link: not a file the run created.
        let outside = fx.dir + "/N003.yaml"
        try Self.write(yaml("N003"), outside)
        try FileManager.default.createSymbolicLink(atPath: dossiers + "/N003.yaml", withDestinationPath: outside)
        // Listed by a run still going on (its lock held) too: that run's file.
        try Self.write(yaml("N004"), dossiers + "/N004.yaml")
        try Self.write(Self.entry("N004", yaml("N004")), staging + "/import-live/manifest")
        // An entry whose hash is not its bytes': passed over.
        try Self.write(yaml("N008"), dossiers + "/N008.yaml")
        // After an entry cut short, nothing is read.
        try Self.write(Data(), dossiers + "/N009.yaml")
        let signed = try Data(contentsOf: URL(fileURLWithPath: dossiers + "/D001.yaml"))
        let program = try Data(contentsOf: URL(fileURLWithPath: fx.store + "/program.yaml"))
        var manifest = Self.entry("N001", yaml("N001")) + Self.entry("N011", yaml("N011")) + Self.entry("N012", yaml("N012"))
        manifest += Self.entry("N002", yaml("N002")) + Self.entry("N003", yaml("N003")) + Self.entry("N004", yaml("N004"))
        // Signed dossiers, with their own bytes and with others: never removed.
        manifest += Self.entry("D001", signed) + Self.entry("D002", yaml("D002"))
        // A hostile id: dossiers/../program.yaml is the programme. Passed over.
        manifest += Self.entry("../program", program)
        manifest += Self.entry("N008", yaml("N008"), sha: String(repeating: "0", count: 64))
        manifest += Data("N009 \(Self.sha256(yaml("N009"))) 9999\n".utf8) + yaml("N009")
        try Self.write(manifest, staging + "/import-dead/manifest")
        let lock = open(staging + "/import-live.lock", O_RDWR | O_CLOEXEC)
        #expect(lock >= 0 && flock(lock, LOCK_EX) == 0)

        // Any command recovers first.
        _ = try Harness.pingshen(["check", fx.store, "--format", "json"])
        let left = Set((try? FileManager.default.contentsOfDirectory(atPath: dossiers)) ?? [])
        for gone in ["N001.yaml", "N011.yaml", "N012.yaml"] { #expect(!left.contains(gone), "\(gone) stays: \(left.sorted())") }
        for kept in ["N002.yaml", "N003.yaml", "N004.yaml", "N008.yaml", "N009.yaml", "D001.yaml", "D002.yaml", "D003.yaml", "D004.yaml"] {
            #expect(left.contains(kept), "\(kept) was removed")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: fx.store + "/program.yaml")) == program)
        #expect(FileManager.default.fileExists(atPath: outside))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dossiers + "/D001.yaml")) == signed)
        let folders = Set((try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? [])
        #expect(folders == ["import-live", "import-live.lock"], "\(folders.sorted())")

        // The live run ends without signing (its lock released, as a kill does): its file goes next.
        close(lock)
        _ = try Harness.pingshen(["check", fx.store, "--format", "json"])
        #expect(!FileManager.default.fileExists(atPath: dossiers + "/N004.yaml"))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? []).isEmpty)
        for kept in ["N002.yaml", "N003.yaml", "N008.yaml", "D001.yaml", "D002.yaml"] {
            #expect(FileManager.default.fileExists(atPath: dossiers + "/" + kept), "\(kept) was removed")
        }
    }

    /// The session that imported holds the dossiers as reading the store again gives them
    /// (it does not read them back), ids that are each other's prefix included.
    @Test func theImportingSessionHoldsWhatAFreshReadGives() throws {
        let fx = try Fixture(dossiers: "编号,姓名\n")
        let file = fx.dir + "/list.csv"
        try """
        编号,姓名,性别,出生日期,国籍,工会会员,专业领域,工作单位,推荐单位,推荐方式,主要事迹
        D1.5,甲,男,1975-01-01,中国,是,焊接,单位一,市总工会,单位推荐,"第一行
        第二行：有冒号 # 和引号 ""
        "
        D1,乙,女,1980-02-02,中国,是,焊接,单位: 二,市总工会,单位推荐,  前后空格  
        D1-2,丙,男,1970-03-03,中国,是,焊接,单位\t三,市总工会,单位推荐,|竖线开头
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let session = try ReviewSession(root: fx.store)
        let signer = try SignerChoice.resolve(keyPath: fx.key("sec"), member: try session.member("sec"))
        let made = try session.importDossiers(path: file, as: "sec", signer: signer)
        #expect(made.imported.count == 3)
        let fresh = try ReviewSession(root: fx.store)
        #expect(session.panel.dossiers == fresh.panel.dossiers)
        #expect(session.panel.files == fresh.panel.files)
        #expect(session.dossierProblems.isEmpty && fresh.dossierProblems.isEmpty)
        for id in ["D1", "D1.5", "D1-2"] {
            #expect(session.panel.dossier(id)?.id == id && fresh.panel.dossier(id)?.id == id, "\(id)")
        }
    }
}
