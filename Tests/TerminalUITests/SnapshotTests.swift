import Foundation
import Panel
import Scoring
import Testing
@testable import TerminalUI

/// Every screen at 80×24 and 120×40, in zh and en.
@Suite struct SnapshotTests {
    static let sizes = [(80, 24), (120, 40)]

    /// Builds a scenario and returns its frame.
    static func scenario(_ name: String, lang: Language, size: (Int, Int)) -> Grid {
        switch name {
        case "list":
            return AppController(backend: FakeBackend(), lang: lang, size: size).frame()
        case "list-empty":
            return AppController(backend: FakeBackend(empty: true), lang: lang, size: size).frame()
        case "list-search":
            let c = AppController(backend: FakeBackend(), lang: lang, size: size)
            press(c, .char("/")); typeText(c, "造船")
            return c.frame()
        case "list-nomatch":
            let c = AppController(backend: FakeBackend(), lang: lang, size: size)
            press(c, .char("/")); typeText(c, "不存在的单位"); press(c, .enter)
            return c.frame()
        case "list-sorted":
            let c = AppController(backend: FakeBackend(), lang: lang, size: size)
            press(c, .char("o"), .char("o"), .char("G"))
            return c.frame()
        case "dossier":
            let c = AppController(backend: FakeBackend(), lang: lang, size: size)
            press(c, .enter)
            return c.frame()
        case "dossier-end":
            let c = AppController(backend: FakeBackend(), lang: lang, size: size)
            press(c, .down, .down, .down, .enter, .char("G"))
            return c.frame()
        case "dossier-ineligible":
            let c = AppController(backend: FakeBackend(), lang: lang, size: size)
            press(c, .char("G"), .enter, .pageDown)
            return c.frame()
        case "sheet-draft":
            let c = AppController(backend: FakeBackend(), lang: lang, size: size)
            press(c, .down, .down, .char("s"))
            return c.frame()
        case "sheet-typed":
            return typedSheet(lang, size).frame()
        case "sheet-conflict":
            let c = AppController(backend: FakeBackend(), lang: lang, size: size)
            press(c, .down, .down, .down, .down, .char("s"), .backTab, .enter)
            typeText(c, "申报人是我指导过的研究生")
            return c.frame()
        case "confirm":
            let c = typedSheet(lang, size)
            press(c, .ctrl("s"))
            return c.frame()
        case "help":
            let c = AppController(backend: FakeBackend(), lang: lang, size: size)
            press(c, .char("?"))
            return c.frame()
        case "help-sheet":
            let c = AppController(backend: FakeBackend(), lang: lang, size: size)
            press(c, .char("s"), .function(1))
            return c.frame()
        case "too-small":
            let c = AppController(backend: FakeBackend(), lang: lang, size: size)
            return c.resize(cols: size.0 == 80 ? 79 : 120, rows: size.0 == 80 ? 24 : 23)
        case "breakdown-hidden":
            let c = AppController(backend: FakeBackend(), lang: lang, size: size)
            press(c, .down, .down, .down, .down, .enter, .char("b"))
            return c.frame()
        case "breakdown-own":
            let c = AppController(backend: FakeBackend(), lang: lang, size: size)
            press(c, .enter, .char("b"), .down)
            return c.frame()
        case "progress":
            let c = AppController(backend: FakeBackend(role: .chair), lang: lang, size: size)
            press(c, .char("p"), .right)
            return c.frame()
        case "ranking":
            let c = AppController(backend: FakeBackend(role: .chair), lang: lang, size: size)
            press(c, .char("r"))
            return c.frame()
        case "ranking-breakdown":
            let c = AppController(backend: FakeBackend(role: .chair), lang: lang, size: size)
            press(c, .char("r"), .enter, .char("j"))
            return c.frame()
        case "finalize":
            let c = AppController(backend: FakeBackend(role: .chair), lang: lang, size: size)
            press(c, .char("r"), .char("f"), .right, .tab)
            typeText(c, "工艺“绝技”更突出——经评审组合议…")
            press(c, .tab, .right, .right)                // Tab: on to the next tie, as in the sheet
            return c.frame()
        case "finalize-confirm":
            return finalizeConfirm(lang, size).frame()
        case "eligibility":
            let c = AppController(backend: FakeBackend(role: .secretary), lang: lang, size: size)
            press(c, .char("G"))
            return c.frame()
        case "objections":
            let c = AppController(backend: FakeBackend(role: .secretary), lang: lang, size: size)
            press(c, .char("x"))
            return c.frame()
        // Honest states (issue 17): a sheet that cannot be signed says why; leaving unsigned
        // changes to a signed sheet asks; a recusal's confirmation says it is final; the
        // language switched inside the UI (L) shows that language's names only.
        case "sheet-locked":
            let c = AppController(backend: FakeBackend(), lang: lang, size: size)
            press(c, .char("G"), .char("s"))
            return c.frame()
        case "leave-edited":
            let c = AppController(backend: FakeBackend(), lang: lang, size: size)
            press(c, .char("s"), .backspace, .char("9"), .escape)
            return c.frame()
        case "recusal-confirm":
            let c = AppController(backend: FakeBackend(), lang: lang, size: size)
            press(c, .down, .down, .down, .down, .char("s"), .backTab, .enter)
            typeText(c, "申报人是我的亲属")
            press(c, .ctrl("s"))
            return c.frame()
        case "language-switched":
            let c = AppController(backend: FakeBackend(), lang: lang, size: size)
            press(c, .char("L"), .enter)
            return c.frame()
        // Equal displayed scores show their exact values (issue 17), and `=` jumps to the
        // quota line.
        case "ranking-exact":
            let b = FakeBackend(role: .chair, hide: false)
            func entry(_ rank: Int, _ i: Int, _ n: Int, _ status: RankStatus) -> RankEntry {
                RankEntry(rank: rank, dossier: b.dossiers[i].id, name: b.dossiers[i].name, score: Fraction(n, 1000), sheets: 5, status: status, median: Fraction(n, 1000), votes: [:])
            }
            b.rankingOverride = Ranking(program: b.program.id, method: "trimmed-mean", quota: 3, entries: [
                entry(1, 0, 90391, .selected), entry(2, 1, 90389, .selected), entry(3, 2, 88000, .selected),
                entry(4, 3, 80004, .notSelected), entry(5, 4, 80001, .notSelected), entry(6, 5, 70000, .notSelected),
            ])
            let c = AppController(backend: b, lang: lang, size: size)
            press(c, .char("r"), .char("G"), .char("="))
            return c.frame()
        // The secretary's desk and its screens (issue 17).
        case "desk":
            let c = AppController(backend: FakeBackend(role: .secretary), lang: lang, size: size)
            press(c, .char("w"))
            return c.frame()
        case "import-preview":
            let c = AppController(backend: FakeBackend(role: .secretary), lang: lang, size: size)
            press(c, .char("w"), .char("1"))
            typeText(c, SecretaryFixtures.path("nominations.csv"))
            press(c, .enter)
            return c.frame()
        case "import-error":
            let c = AppController(backend: FakeBackend(role: .secretary), lang: lang, size: size)
            press(c, .char("w"), .char("1"))
            typeText(c, SecretaryFixtures.path("bad-row.csv"))
            press(c, .enter)
            return c.frame()
        case "import-confirm":
            let c = AppController(backend: FakeBackend(role: .secretary), lang: lang, size: size)
            press(c, .char("w"), .char("1"))
            typeText(c, SecretaryFixtures.path("nominations.csv"))
            press(c, .enter, .ctrl("s"))
            return c.frame()
        case "decide":
            let c = AppController(backend: FakeBackend(role: .secretary), lang: lang, size: size)
            press(c, .char("G"), .char("d"), .right, .tab)
            typeText(c, "年龄按身份证核实为 59 岁")
            return c.frame()
        case "notice":
            let b = FakeBackend(role: .secretary)
            b.finalizedWith = [:]
            let c = AppController(backend: b, lang: lang, size: size)
            press(c, .char("w"), .char("3"))
            for _ in 0..<10 { press(c, .backspace) }
            typeText(c, "2026-06-01")
            press(c, .tab)
            for _ in 0..<10 { press(c, .backspace) }
            typeText(c, "2026-02-30")
            press(c, .ctrl("s"))                            // refused: the fields stay as typed
            return c.frame()
        case "objection-form":
            let b = FakeBackend(role: .secretary)
            b.finalizedWith = [:]
            b.noticeItems = [NoticeItem(path: "records/sec/000/000012.json", from: "2026-06-01", to: "2026-06-05", dossiers: ["SH2026-003", "SH2026-001"])]
            let c = AppController(backend: b, lang: lang, size: size)
            press(c, .char("w"), .char("4"), .char("a"), .right, .tab)
            typeText(c, "群众来信反映：获奖证书与实际不符（待核实）")
            press(c, .tab, .right)
            return c.frame()
        case "export":
            let c = AppController(backend: FakeBackend(role: .secretary), lang: lang, size: size)
            press(c, .char("w"), .char("5"), .tab, .right, .tab)
            typeText(c, "/srv/公示/名单.csv")
            return c.frame()
        case "roster":
            let c = AppController(backend: FakeBackend(role: .secretary), lang: lang, size: size)
            press(c, .char("w"), .char("6"), .char("j"))
            return c.frame()
        case "roster-add":
            let c = AppController(backend: FakeBackend(role: .secretary), lang: lang, size: size)
            press(c, .char("w"), .char("6"), .char("a"))
            typeText(c, "m6"); press(c, .tab)
            typeText(c, "周建平"); press(c, .tab, .right, .tab)
            typeText(c, "上海市职工技协"); press(c, .tab)
            typeText(c, "~/keys/m6.pub")
            return c.frame()
        default:
            fatalError("no scenario \(name)")
        }
    }

    static func typedSheet(_ lang: Language, _ size: (Int, Int)) -> AppController {
        let c = AppController(backend: FakeBackend(), lang: lang, size: size)
        press(c, .down, .down, .down, .down, .char("s"))
        typeText(c, "25"); press(c, .tab)
        typeText(c, "27"); press(c, .tab)
        typeText(c, "18"); press(c, .tab)
        typeText(c, "16"); press(c, .tab)
        press(c, .char("1"), .tab)
        typeText(c, "该同志在盾构施工领域有“绝技”——多次解决关键难题…事迹真实可信，建议推荐。Good work on the TBM launch; 带徒成效显著。")
        return c
    }

    static func finalizeConfirm(_ lang: Language, _ size: (Int, Int)) -> AppController {
        let c = AppController(backend: FakeBackend(role: .chair), lang: lang, size: size)
        press(c, .char("r"), .char("f"), .right, .tab)
        typeText(c, "工艺“绝技”更突出")
        press(c, .tab, .right, .right, .tab)
        typeText(c, "名额所限")
        press(c, .tab, .ctrl("s"))
        return c
    }

    static let names = ["list", "list-empty", "list-search", "list-nomatch", "list-sorted", "dossier", "dossier-end",
                        "dossier-ineligible", "sheet-draft", "sheet-typed", "sheet-conflict", "confirm", "help", "help-sheet",
                        "too-small", "breakdown-hidden", "breakdown-own", "progress", "ranking", "ranking-breakdown",
                        "finalize", "finalize-confirm", "eligibility", "objections",
                        "desk", "import-preview", "import-error", "import-confirm", "decide", "notice", "objection-form",
                        "export", "roster", "roster-add", "sheet-locked", "leave-edited", "recusal-confirm", "language-switched", "ranking-exact"]

    @Test(arguments: names)
    func snapshot(_ name: String) {
        for lang in Language.allCases {
            for size in SnapshotTests.sizes {
                let g = SnapshotTests.scenario(name, lang: lang, size: size)
                Snapshot.checkWellFormed(g)
                Snapshot.check(g, named: "\(name)-\(lang.rawValue)-\(size.0)x\(size.1)")
            }
        }
    }
}
