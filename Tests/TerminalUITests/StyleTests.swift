import Panel
import Testing
@testable import TerminalUI

/// Meaning is never carried by colour alone: each status has its word and its role.
@Suite struct StyleTests {
    @Test func statusesHaveWordsAndRoles() {
        let c = AppController(backend: FakeBackend(), lang: .zh, size: (80, 24))
        let g = c.frame()
        for (row, expected) in [(3, MemberState.signed), (4, .draft), (5, .recused), (6, .todo)] {
            let y = row
            let line = g.row(at: y)
            #expect(line.contains("[" + expected.label(.zh) + "]"), "row \(y): \(line)")
            let x = (0..<g.width).first { g[$0, y].text == "[" }!
            #expect(g[x, y].role == expected.role)
        }
        // the selected row is drawn as a selection, and marked with ▶ as well
        #expect(g[0, 2].text == "▶" && g[1, 2].role == .selection)
    }

    /// The states a member could not see before (issue 17): unsigned edits to a signed sheet,
    /// a dossier signed not eligible, a finalized store. Each has its word and its role.
    @Test func honestStatesHaveWordsAndRoles() {
        let fb = FakeBackend()
        fb.drafts["SH2026-001"] = SheetInput(dossier: "SH2026-001", points: ["craft": 1], comment: "")   // signed, then edited
        let c = AppController(backend: fb, lang: .zh, size: (100, 24))
        var lines = c.frame().lines()
        func row(_ id: String) -> String { lines.first { $0.contains(id) } ?? "" }
        #expect(row("SH2026-001").contains("[已签·有未签修改]"), "\(row("SH2026-001"))")
        #expect(row("SH2026-012").contains("[不合格]"), "\(row("SH2026-012"))")
        #expect(row("SH2026-002").contains("[已签]"))
        // Seven of twelve are not done: 1 has unsigned edits, 3 a draft, 5 and 8–11 nothing;
        // 2, 4 (recused), 6, 7 are done, and 12 is out of the running.
        #expect(lines[22].contains("完成 5/12"), "\(lines[22])")
        fb.finalizedWith = [:]
        c.send(.dataChanged)
        lines = c.frame().lines()
        #expect(row("SH2026-002").contains("[已定稿]") && row("SH2026-004").contains("[已回避]"))
    }

    @Test func theQuotaLineAndTiesAreMarkedInText() {
        let c = AppController(backend: FakeBackend(role: .chair), lang: .en, size: (100, 30))
        let g = c.handle(.char("r"))
        let lines = g.lines()
        let cut = lines.firstIndex { $0.contains("quota line") }!
        #expect(g.roleLines()[cut].contains("C"))
        // The line sits between the places that are certain and the tie, and says what the tie
        // must fill (issue 17: both tied rows sat above it, as if four were selected).
        #expect(lines[cut].contains("the 2 tied below share 1 place left"), "\(lines[cut])")
        #expect(lines[cut - 1].contains("selected") && !lines[cut - 1].contains("tie at cut"))
        #expect(lines[cut + 1].contains("tie at cut") && lines[cut + 2].contains("tie at cut"))
        #expect(lines[cut + 3].contains("not selected"))
    }

    @Test func everyRoleHasACode() {
        #expect(Set(StyleRole.allCases.map(Grid.roleCode)).count == StyleRole.allCases.count)
    }
}
