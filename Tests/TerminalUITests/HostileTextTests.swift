import Foundation
import Panel
import Records
import Review
import Testing
@testable import TerminalUI

/// Issue 16 in the UI, through the headless grid: a draft with huge points does not trap, and
/// dossier text never reaches the terminal with a control, bidi or zero-width character.
@Suite struct HostileTextTests {
    @Test func aDraftWithHugePointsRendersWithoutATrap() {
        let b = FakeBackend()
        let d = b.dossiers[2].id
        b.drafts[d] = SheetInput(dossier: d, points: ["craft": Int.max, "skill": Int.max, "leadership": Int.max, "contribution": Int.max], comment: "")
        for lang in Language.allCases {
            let c = AppController(backend: b, lang: lang, size: (100, 30))
            press(c, .down, .down, .char("s"))
            Snapshot.checkWellFormed(c.frame())
            press(c, .ctrl("s"))                    // the confirmation shows the total
            Snapshot.checkWellFormed(c.frame())
        }
    }

    @Test func bidiControlsAndZeroWidthAreMadeVisible() {
        let b = FakeBackend()
        b.dossiers[0].fields["name"] = "王\u{202E}傅\u{1B}]52;c;ZXZpbA==\u{07}\u{200B}\u{9B}"
        let c = AppController(backend: b, lang: .en, size: (120, 30))
        press(c, .enter)
        let g = c.frame()
        let text = Snapshot.text(g)
        #expect(!text.unicodeScalars.contains { TerminalText.isUnsafe($0) && $0 != "\n" }, "\(text.debugDescription)")
        #expect(text.contains("\\u{202E}"))
        for y in 0..<g.height { for x in 0..<g.width { #expect(!g[x, y].text.unicodeScalars.contains { TerminalText.isUnsafe($0) }) } }
    }

    /// A real store with signed sheets of Int64.max points and a draft of the same: every screen
    /// of the chair and of the member renders without a trap (the UI traps were issue 16's).
    @Test func everyScreenSurvivesHugeSignedPoints() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-ui-huge-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let keys = try DemoStore.build(at: root)
        let layout = StoreLayout(root)
        let store = RecordStore(layout: layout)
        let session0 = try ReviewSession(root: root)
        let d = session0.panel.dossiers[0].id
        let points = Dictionary(uniqueKeysWithValues: session0.program.sheet.criteria.map { ($0.id, JSONValue.int(Int64.max)) })
        for m in ["m01", "m02", "m03"] {
            _ = try store.append(kind: .score, body: ["dossier": .string(d), "points": .object(points), "vote": .string("recommend")],
                                 program: try RecordStore.programInstance(layout), signerID: m, signer: try KeyFileSigner(path: keys[m]!))
        }
        let draft = Draft(dossier: session0.panel.dossiers[1].id, points: Dictionary(uniqueKeysWithValues: session0.program.sheet.criteria.map { ($0.id, Int.max) }))
        try Drafts(layout: layout).save(member: "m04", draft)
        let session = try ReviewSession(root: root)
        for (seat, keysPressed) in [("c01", [[Key.char("p")], [.char("r")], [.char("r"), .char("b")], [.char("r"), .char("f")], [.enter, .char("b")]]),
                                    ("m04", (0..<session.panel.dossiers.count).map { Array(repeating: Key.down, count: $0) + [.char("s"), .ctrl("s")] })] {
            let backend = try SessionBackend(session: session, member: seat, signer: nil)
            for path in keysPressed {
                let c = AppController(backend: backend, lang: .en, size: (120, 40))
                for k in path {
                    c.send(.key(k))
                    Snapshot.checkWellFormed(c.frame())
                }
            }
        }
    }
}
