import Panel
import Testing
@testable import TerminalUI

/// Meaning is never carried by colour alone: each status has its word and its role.
@Suite struct StyleTests {
    @Test func statusesHaveWordsAndRoles() {
        let c = AppController(backend: FakeBackend(), lang: .zh, size: (80, 24))
        let g = c.frame()
        for (row, expected) in [(3, SheetStatus.signed), (4, .draft), (5, .recused), (6, .todo)] {
            let y = row
            let line = g.row(at: y)
            #expect(line.contains("[" + expected.label(.zh) + "]"), "row \(y): \(line)")
            let x = (0..<g.width).first { g[$0, y].text == "[" }!
            #expect(g[x, y].role == expected.role)
        }
        // the selected row is drawn as a selection, and marked with ▶ as well
        #expect(g[0, 2].text == "▶" && g[1, 2].role == .selection)
    }

    @Test func theQuotaLineAndTiesAreMarkedInText() {
        let c = AppController(backend: FakeBackend(role: .chair), lang: .en, size: (100, 30))
        let g = c.handle(.char("r"))
        let lines = g.lines()
        let cut = lines.firstIndex { $0.contains("quota line") }!
        #expect(g.roleLines()[cut].contains("C"))
        #expect(lines[cut - 1].contains("tie at cut") && lines[cut - 2].contains("tie at cut"))
        #expect(lines[cut + 1].contains("not selected"))
    }

    @Test func everyRoleHasACode() {
        #expect(Set(StyleRole.allCases.map(Grid.roleCode)).count == StyleRole.allCases.count)
    }
}
