import Panel
import Review
import Testing
@testable import TerminalUI

/// Others' scores stay hidden from a scoring member until they sign or recuse (issue 17): the
/// chair's ranking used to show a dossier's total, median and votes that the chair's own panel
/// scores screen (`b`) correctly hid. Every chair screen is walked for a dossier the chair has
/// not scored.
@Suite struct VisibilityTests {
    /// In the fake store the chair has not scored SH2026-008 (only m2 and m3 have, 75 each) nor
    /// 9–12; it signed 1–7.
    let unscored = "SH2026-008"

    func rowOf(_ lines: [String], _ id: String) -> String { lines.first { $0.contains(id) } ?? "" }

    @Test(arguments: [Language.zh, .en], [(80, 24), (120, 40)])
    func everyChairScreenHidesWhatTheChairHasNotScored(_ lang: Language, _ size: (Int, Int)) {
        let hidden = lang.pick("隐藏", "hidden")
        let c = AppController(backend: FakeBackend(role: .chair), lang: lang, size: size)
        press(c, .char("r"))
        guard let i = c.state.chair?.rankIndex[unscored] else { Issue.record("not ranked"); return }
        // Ranking: the row says hidden, with no score or votes.
        for _ in 0..<i { press(c, .down) }
        var lines = c.frame().lines()
        let row = rowOf(lines, unscored)
        #expect(row.contains(hidden) && !row.contains("75"), "\(row)")
        // The detail panel of the selected row says why, and gives no score or median.
        let panel = lines.drop { !$0.contains(lang.pick("详情与稳定性", "Details and stability")) }.joined(separator: "\n")
        #expect(panel.contains(lang.pick("其他评委的评分不显示", "others' scores stay hidden")), "\(panel)")
        #expect(!panel.contains("75.00") && !panel.contains(lang.pick("中位数", "median")))
        // The stability report names single members' sheets: it waits too.
        #expect(!panel.contains(lang.pick("稳定性：", "Stability:")) && !panel.contains("Kendall") && !panel.contains("W* ="))
        // Panel scores of that dossier.
        press(c, .char("b"))
        lines = c.frame().lines()
        #expect(lines[1].contains(hidden) && !lines[1].contains("75"), "\(lines[1])")
        #expect(!lines.joined().contains(" 75 "))
        // A dossier the chair signed shows its score as before.
        press(c, .escape)
        press(c, .char("g"))
        let first = rowOf(c.frame().lines(), c.state.chair!.ranking.entries[0].dossier)
        #expect(!first.contains(hidden) && first.contains(c.state.chair!.ranking.entries[0].score!.rounded2()))
    }

    @Test func theFinalizeScreenHidesATiedDossierTheChairHasNotScored() {
        let b = FakeBackend(role: .chair)
        b.statuses["chair"]?["SH2026-004"] = nil          // the chair has not scored one of the tie
        let c = AppController(backend: b, lang: .zh, size: (120, 40))
        press(c, .char("r"), .char("f"))
        let lines = c.frame().lines()
        #expect(rowOf(lines, "SH2026-004").contains("得分 隐藏"), "\(rowOf(lines, "SH2026-004"))")
        #expect(!rowOf(lines, "SH2026-003").contains("隐藏"))
    }

    @Test func secretariesApproversAndFinalizedStoresSeeEverything() {
        for role in [Role.secretary, .approver] {
            let c = AppController(backend: FakeBackend(role: role), lang: .en, size: (120, 40))
            press(c, .escape, .char("r"))
            #expect(!c.frame().lines().joined().contains("hidden"), "\(role)")
        }
        let b = FakeBackend(role: .chair)
        b.finalizedWith = [:]
        let c = AppController(backend: b, lang: .en, size: (120, 40))
        press(c, .char("r"))
        #expect(!c.frame().lines().joined().contains("hidden"))
        // A programme that does not hide.
        let open = AppController(backend: FakeBackend(role: .chair, hide: false), lang: .en, size: (120, 40))
        press(open, .char("r"))
        #expect(!open.frame().lines().joined().contains("hidden"))
    }

    @Test func theRuleItself() {
        let p = FakeBackend().program
        for own in [ScoreVisibility.Own.nothing, .draft] {
            #expect(!ScoreVisibility.othersVisible(program: p, viewer: .member, own: own, finalized: false))
            #expect(!ScoreVisibility.othersVisible(program: p, viewer: .chair, own: own, finalized: false))
            #expect(ScoreVisibility.othersVisible(program: p, viewer: .chair, own: own, finalized: true))
            #expect(ScoreVisibility.othersVisible(program: p, viewer: .secretary, own: own, finalized: false))
        }
        #expect(ScoreVisibility.othersVisible(program: p, viewer: .member, own: .signed, finalized: false))
        #expect(ScoreVisibility.othersVisible(program: p, viewer: .member, own: .recused, finalized: false))
    }
}
