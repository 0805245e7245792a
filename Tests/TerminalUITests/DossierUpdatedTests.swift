import Foundation
import Panel
import Records
import Review
import Testing
@testable import TerminalUI

/// Issue 11: a member's list flags a sheet made on an older version of the dossier — a real
/// store (the demo's), a real signed `dossier amend`, the list rendered into a cell grid.
@Suite struct DossierUpdatedTests {
    @Test(arguments: [Language.zh, Language.en])
    func theListFlagsASheetSignedOnAnOlderVersion(lang: Language) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-ui-amend-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let keys = try DemoStore.build(at: root)
        let session = try ReviewSession(root: root)
        let signed = session.panel.dossiers.filter { session.ledger.latestScore(.init("m01", $0.id)) != nil }.map(\.id)
        try #require(signed.count >= 2)
        let amended = signed[0], untouched = signed[1]

        // Before any amendment: both show as signed, nothing flagged.
        var text = Snapshot.text(AppController(backend: try SessionBackend(session: session, member: "m01", signer: nil), lang: lang, size: (120, 40)).frame())
        #expect(!text.contains(lang.pick("材料已更新", "dossier updated")))

        var d = try #require(session.panel.dossier(amended))
        d["deeds"] = d.deeds + "（补充：2026 年新获市级技能大赛一等奖）"
        let file = root + "/amended.yaml"
        try Data(try DossierImport.yaml(d).utf8).write(to: URL(fileURLWithPath: file))
        try session.amendDossier(amended, file: file, reason: "补充获奖情况", as: "s01", signer: try KeyFileSigner(path: keys["s01"]!))

        let backend = try SessionBackend(session: try ReviewSession(root: root), member: "m01", signer: nil)
        text = Snapshot.text(AppController(backend: backend, lang: lang, size: (120, 40)).frame())
        let lines = text.split(separator: "\n")
        let amendedLine = try #require(lines.first { $0.contains(amended) })
        let untouchedLine = try #require(lines.first { $0.contains(untouched) })
        #expect(amendedLine.contains(lang.pick("[材料已更新]", "[dossier updated]")), "\(amendedLine)")
        #expect(untouchedLine.contains(lang.pick("[已签]", "[signed]")), "\(untouchedLine)")
        #expect(!untouchedLine.contains(lang.pick("材料已更新", "dossier updated")))
    }
}
