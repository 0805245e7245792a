import Foundation
import Panel
import Review
import Scoring
import Testing
@testable import TerminalUI

/// The two screens of field groups (issue 13) in the headless grid: the chair's board per group
/// and the secretary's assignment screen, at 80×24 and 120×40 in both languages, with hostile
/// names and a terminal too small.
@Suite struct GroupScreensTests {
    static let groupOf: [String: String] = {
        var m: [String: String] = [:]
        for i in 1...12 { m[String(format: "SH2026-%03d", i)] = i <= 6 ? "mech" : "weld" }
        return m
    }()

    /// The fake's sheets in two groups: mech (D1–D6, m1–m4 and the chair), weld (the rest, m2, m3).
    static func board(_ b: FakeBackend) -> GroupBoard {
        let groups: [(id: String, name: LocalizedText, members: [String])] = [
            ("mech", LocalizedText(zh: "机械组", en: "Machining"), ["m1", "m2", "m3", "m4", "chair"]),
            ("weld", LocalizedText(zh: "焊接组", en: "Welding"), ["m2", "m3"]),
        ]
        let progress = GroupProgress.board(groups: groups, dossierGroup: groupOf, dossiers: b.dossiers.map(\.id), assignment: nil) { m, d in
            switch b.statuses[m]?[d] { case .signed?: return .signed; case .recused?: return .recused; default: return .open }
        }
        let table = SheetTable(validSheets(b.scoringSheets.map { .score($0, seq: 1) }))
        let overall = Statistics.compute(program: b.program, dossiers: b.dossiers, table: table)
        let stats = Statistics.groups(program: b.program, dossiers: b.dossiers, table: table, groupOf: groupOf, order: ["mech", "weld"], overall: overall)
        return GroupBoard(progress: progress, statistics: Dictionary(uniqueKeysWithValues: stats.map { ($0.group, $0) }), ungrouped: 0)
    }

    func chair(_ size: (Int, Int), _ lang: Language, _ setup: (FakeBackend) -> Void = { _ in }) -> (AppController, FakeBackend) {
        let b = FakeBackend(role: .chair)
        setup(b)
        b.board = GroupScreensTests.board(b)
        let c = AppController(backend: b, lang: lang, size: size)
        press(c, .escape, .char("p"))
        return (c, b)
    }

    @Test func theBoardCountsWhatTheAssignmentAsks() {
        // Without an assignment: every member of the group on every dossier of it.
        let b = FakeBackend(role: .chair)
        let board = GroupScreensTests.board(b)
        let mech = board.progress[0], weld = board.progress[1]
        // mech: 6 dossiers × 5 = 30 pairs; m1 recused D4 → 29 expected. Signed: D1, D2, D6 by all 5,
        // D3 by 4 (m1 has a draft), D4 by 4, D5 by 4 → 15 + 12 = 27.
        #expect(mech.dossiers == 6 && mech.expected == 29 && mech.signed == 27)
        #expect(mech.behind.map(\.member) == ["m1"] && mech.behind.first?.open == 2)
        // weld: D7, D8 by m2 and m3 → 4 of 12 (6 dossiers × 2); both behind by 4.
        #expect(weld.expected == 12 && weld.signed == 4 && weld.behind.map(\.open) == [4, 4])
        // With an assignment: only its pairs count, a member outside the group's list included.
        let a = GroupProgress.board(groups: [("mech", LocalizedText(zh: "机械组", en: "Machining"), ["m1"])], dossierGroup: GroupScreensTests.groupOf,
                                    dossiers: b.dossiers.map(\.id), assignment: ["SH2026-001": ["m1", "m9"], "SH2026-002": ["m9"]]) { m, d in
            m == "m9" && d == "SH2026-001" ? .signed : .open
        }
        #expect(a[0].expected == 3 && a[0].signed == 1)
        #expect(a[0].members.map(\.member) == ["m1", "m9"] && a[0].members.map(\.open) == [1, 1])
    }

    @Test func theChairsBoardInEverySizeAndLanguage() {
        for lang in Language.allCases {
            for size in [(80, 24), (120, 40)] {
                let (c, _) = chair(size, lang)
                guard case .groups = c.state.top else { Issue.record("p did not open the board"); return }
                let g = c.frame()
                Snapshot.checkWellFormed(g)
                let text = Snapshot.text(g)
                #expect(text.contains("27/29") && text.contains("4/12"), "\(text)")
                #expect(text.contains("张建华 (m1) 2"), "m1 is behind by 2: \(text)")
                // ↓ selects weld; its details name both members behind.
                press(c, .down)
                let t2 = Snapshot.text(c.frame())
                #expect(t2.contains(lang.pick("李明 (m2) 未完成 4/6", "李明 (m2) 4 of 6 open")), "\(t2)")
                press(c, .enter)
                guard case .progress = c.state.top else { Issue.record("Enter did not open the grid"); return }
                press(c, .escape)
                guard case .groups = c.state.top else { Issue.record("Esc did not come back to the board"); return }
            }
        }
        // Without groups, p opens the grid as before.
        let plain = AppController(backend: FakeBackend(role: .chair), lang: .en, size: (100, 30))
        press(plain, .escape, .char("p"))
        guard case .progress = plain.state.top else { Issue.record("no groups: p should open the grid"); return }
    }

    /// mech's members did not all score every dossier (m1 recused D4, has D3 in draft): its W is
    /// the one for incomplete rankings, marked W* on the board and named in the details.
    @Test func theBoardSaysWhichWItShows() throws {
        for lang in Language.allCases {
            let (c, b) = chair((120, 40), lang)
            let w = try #require(b.board?.statistics["mech"]?.kendallW)
            #expect(w.design == .incomplete)
            let text = Snapshot.text(c.frame())
            #expect(text.contains(w.cell()) && w.cell().hasSuffix("*"), "\(text)")
            #expect(text.contains(lang.pick("组内一致性 W* = \(w.w.rounded(places: 4))：不完全排序的和谐系数（Durbin）",
                                            "Agreement within the group: W* = \(w.w.rounded(places: 4)), W for incomplete rankings (Durbin)")), "\(text)")
        }
    }

    @Test func hostileNamesOnTheBoardAndATinyTerminal() {
        let (c, _) = chair((80, 24), .en) { b in
            b.roster.members[0].name = "王\u{202E}傅\u{1B}]52;c;ZXZpbA==\u{07}\u{200B}\u{9B}" + String(repeating: "长", count: 60)
        }
        let g = c.frame()
        Snapshot.checkWellFormed(g)
        for y in 0..<g.height { for x in 0..<g.width { #expect(!g[x, y].text.unicodeScalars.contains { TerminalText.isUnsafe($0) }) } }
        #expect(Snapshot.text(g).contains("\\u{202E}"))
        // Too small: the size message only; keys wait; back to size, the board is there.
        c.send(.resize(40, 10))
        Snapshot.checkWellFormed(c.frame())
        #expect(Snapshot.text(c.frame()).contains("40×10"))
        press(c, .down, .enter)
        c.send(.resize(80, 24))
        guard case .groups(let p) = c.state.top else { Issue.record("the board is gone"); return }
        #expect(p.selected == 0)
    }

    // MARK: - The secretary's assignment screen

    static func overview(replacement: Bool = true, problem: String? = nil, many: Int = 0) -> AssignmentOverview {
        var loads = [AssignmentOverview.Load(member: "m1", perGroup: [4, 0], total: 4, open: 2),
                     AssignmentOverview.Load(member: "m2", perGroup: [3, 1], total: 4, open: 4),
                     AssignmentOverview.Load(member: "m3", perGroup: [1, 3], total: 4, open: 0)]
        for i in 0..<many { loads.append(.init(member: "x\(i)", perGroup: [1, 0], total: 1, open: 1)) }
        return AssignmentOverview(record: "records/sec/000/000012.json", perDossier: 2, seed: "5", groups: ["mech", "weld"], loads: loads,
                                  kept: [.init(member: "m1", dossier: "SH2026-002", why: "unit"), .init(member: "m4", dossier: "SH2026-003", why: "conflict")],
                                  ungrouped: ["SH2026-012"], unconfirmed: ["SH2026-011"], memberless: [.init(group: "paint", dossiers: ["SH2026-010"])],
                                  replacement: replacement ? .init(replaces: "records/sec/000/000012.json", dropped: [.init(member: "m2", dossier: "SH2026-004", why: "recusal")],
                                                                   dossiers: 11, loadMin: 3, loadMax: 4, short: [.init(member: "", dossier: "SH2026-009", why: "1")]) : nil,
                                  problem: problem)
    }

    func secretary(_ size: (Int, Int), _ lang: Language, _ o: AssignmentOverview) -> (AppController, FakeBackend) {
        let b = FakeBackend(role: .secretary)
        b.overview = o
        let c = AppController(backend: b, lang: lang, size: size)
        press(c, .escape, .char("w"), .char("7"))
        return (c, b)
    }

    @Test func theAssignmentScreenShowsLoadsConflictsTheUnassignedAndSignsTheReplacement() {
        for lang in Language.allCases {
            for size in [(80, 24), (120, 40)] {
                let (c, b) = secretary(size, lang, GroupScreensTests.overview())
                guard case .assignment = c.state.top else { Issue.record("7 did not open the screen"); return }
                Snapshot.checkWellFormed(c.frame())
                let text = Snapshot.text(c.frame())
                for want in [lang.pick("需要重新分配", "A re-assignment is due"), lang.pick("撤下 李明 (m2) – SH2026-004  回避", "off: 李明 (m2) – SH2026-004  recusal"),
                             "SH2026-012", "SH2026-011", "paint", lang.pick("SH2026-009 缺 1 名评审", "SH2026-009 lacks 1 members")] {
                    #expect(text.contains(want), "\(want): \(text)")
                }
                // The loads and the pairs kept apart are further down: G shows the end.
                press(c, .char("G"))
                let end = Snapshot.text(c.frame())
                #expect(end.contains(lang.pick("同单位 1 · 声明冲突 1 · 回避 0", "same unit 1 · declared conflict 1 · recusal 0")), "\(end)")
                #expect(end.contains("赵强 (m4) – SH2026-003"), "\(end)")
                Snapshot.checkWellFormed(c.frame())
                // a asks, showing the record; n signs nothing; a then y signs it.
                press(c, .char("a"))
                guard case .confirm? = c.state.modal else { Issue.record("a did not ask"); return }
                #expect(Snapshot.text(c.frame()).contains(lang.pick("确认签署分配记录", "Sign the assignment?")))
                press(c, .char("n"))
                #expect(b.secretaryDone.isEmpty)
                press(c, .char("a"), .char("y"))
                #expect(b.secretaryDone == [.assign])
            }
        }
    }

    @Test func nothingToReassignAProblemAndOnlyTheSecretary() {
        var (c, b) = secretary((100, 30), .en, GroupScreensTests.overview(replacement: false))
        #expect(Snapshot.text(c.frame()).contains("nothing to re-assign"))
        press(c, .char("a"))
        #expect(c.state.modal == nil && b.secretaryDone.isEmpty && c.state.message?.contains("stands") == true)
        (c, b) = secretary((100, 30), .en, GroupScreensTests.overview(problem: "group paint has no members; nothing to assign"))
        #expect(Snapshot.text(c.frame()).contains("Cannot assign: group paint has no members"))
        press(c, .char("a"))
        #expect(c.state.modal == nil && b.secretaryDone.isEmpty && c.state.messageRole == .error)
        // A chair's desk has no step 7 (no desk at all), and `a` there is nothing.
        let ch = FakeBackend(role: .chair)
        ch.overview = GroupScreensTests.overview()
        let cc = AppController(backend: ch, lang: .en, size: (100, 30))
        press(cc, .escape, .char("w"))
        #expect(cc.state.top == .list)
        // Without groups the desk has six steps, and 7 opens nothing.
        let plain = FakeBackend(role: .secretary)
        let pc = AppController(backend: plain, lang: .en, size: (100, 30))
        press(pc, .escape, .char("w"), .char("7"))
        guard case .desk = pc.state.top else { Issue.record("7 opened something without groups"); return }
    }

    @Test func hostileNamesAndScrollOnTheAssignmentScreen() {
        let b = FakeBackend(role: .secretary)
        b.roster.members[1].name = "李\u{202E}明\u{1B}[2J\u{0}" + String(repeating: "𠀀", count: 40)
        b.overview = GroupScreensTests.overview(many: 300)
        let c = AppController(backend: b, lang: .zh, size: (80, 24))
        press(c, .escape, .char("w"), .char("7"))
        for _ in 0..<3 {
            let g = c.frame()
            Snapshot.checkWellFormed(g)
            for y in 0..<g.height { for x in 0..<g.width { #expect(!g[x, y].text.unicodeScalars.contains { TerminalText.isUnsafe($0) }) } }
            press(c, .pageDown)
        }
        press(c, .char("G"))
        guard case .assignment(let bottom) = c.state.top else { Issue.record("not on the screen"); return }
        press(c, .pageDown, .down)
        guard case .assignment(let still) = c.state.top else { return }
        #expect(still == bottom && bottom > 0, "scrolling stops at the end")
        press(c, .char("g"))
        guard case .assignment(let top) = c.state.top else { return }
        #expect(top == 0)
        c.send(.resize(30, 8))
        Snapshot.checkWellFormed(c.frame())
        c.send(.resize(80, 24))
        Snapshot.checkWellFormed(c.frame())
    }
}
