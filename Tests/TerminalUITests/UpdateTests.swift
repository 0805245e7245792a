import Panel
import Review
import Scoring
import Testing
@testable import TerminalUI

/// Pure update tests: a state, a key, the state and effects that follow.
@Suite struct UpdateTests {
    func make(_ b: FakeBackend = FakeBackend(), lang: Language = .zh, size: (Int, Int) = (80, 24)) -> (AppState, FakeBackend) {
        var s = AppState(lang: lang, cols: size.0, rows: size.1)
        UI.reload(&s, b)
        return (s, b)
    }

    @discardableResult
    func key(_ s: inout AppState, _ b: FakeBackend, _ k: Key) -> [Effect] { UI.update(&s, .key(k), b) }

    func selectedID(_ s: AppState) -> String { s.all[s.visible[s.list.selected]].id }

    func editor(_ s: AppState) -> SheetEditor? {
        if case .sheet(let e) = s.top { return e }
        return nil
    }

    // MARK: list

    @Test func upDownAndJKMoveTheSelection() {
        var (s, b) = make()
        key(&s, b, .down); #expect(s.list.selected == 1)
        key(&s, b, .char("j")); #expect(s.list.selected == 2)
        key(&s, b, .up); #expect(s.list.selected == 1)
        key(&s, b, .char("k")); key(&s, b, .char("k")); #expect(s.list.selected == 0)
    }

    @Test func pagingAndEnds() {
        var (s, b) = make(FakeBackend(extra: 50))   // 62 dossiers, body 20 rows
        #expect(s.bodyHeight == 20)
        key(&s, b, .pageDown); #expect(s.list.selected == 19)
        key(&s, b, .pageDown); #expect(s.list.selected == 38)
        key(&s, b, .char("G")); #expect(s.list.selected == 61)
        #expect(s.list.scroll == 61 - s.bodyHeight + 1)
        key(&s, b, .pageUp); #expect(s.list.selected == 42)
        #expect(s.list.scroll <= 42)
        key(&s, b, .char("g")); #expect(s.list.selected == 0 && s.list.scroll == 0)
        key(&s, b, .pageUp); #expect(s.list.selected == 0)
        key(&s, b, .end); #expect(s.list.selected == 61)
        key(&s, b, .pageDown); #expect(s.list.selected == 61)
        key(&s, b, .home); #expect(s.list.selected == 0)
    }

    @Test func enterOpensAndEscGoesBack() {
        var (s, b) = make()
        key(&s, b, .down)
        key(&s, b, .enter)
        #expect(s.top == .dossier(id: "SH2026-002", scroll: 0))
        key(&s, b, .char("j"))
        #expect(s.top == .dossier(id: "SH2026-002", scroll: 1))
        key(&s, b, .char("G"))
        if case .dossier(_, let sc) = s.top { #expect(sc > 1) } else { Issue.record("left the dossier") }
        key(&s, b, .char("g"))
        #expect(s.top == .dossier(id: "SH2026-002", scroll: 0))
        key(&s, b, .escape)
        #expect(s.top == .list && s.stack.count == 1)
        key(&s, b, .escape)
        #expect(s.top == .list)
    }

    @Test func searchAcceptsChinese() {
        var (s, b) = make()
        key(&s, b, .char("/"))
        #expect(s.searching && s.context == .search)
        for c in "造船" { key(&s, b, .char(c)) }
        #expect(s.visible.count == 1 && selectedID(s) == "SH2026-006")
        key(&s, b, .backspace)
        #expect(s.query == "造" && s.visible.count == 2)      // 造船 and 飞机制造
        key(&s, b, .enter)
        #expect(!s.searching && s.query == "造" && s.visible.count == 2)
        // j/k are navigation again once the search is done
        key(&s, b, .char("/")); key(&s, b, .escape)
        #expect(s.query.isEmpty && s.visible.count == 12)
    }

    @Test func searchMatchesEmployerAndFieldCaseInsensitively() {
        var (s, b) = make()
        key(&s, b, .char("/"))
        for c in "上海 焊接" { key(&s, b, .char(c)) }
        #expect(s.visible.map { s.all[$0].id } == ["SH2026-006"])
        key(&s, b, .escape)
        key(&s, b, .char("/")); for c in "SH2026-01" { key(&s, b, .char(c)) }
        #expect(s.visible.count == 3)
        s.query = ""; UI.refilter(&s)
        key(&s, b, .escape); key(&s, b, .char("/")); for c in "sh2026-012" { key(&s, b, .char(c)) }
        #expect(s.visible.count == 1)
    }

    @Test func sortCycles() {
        var (s, b) = make()
        key(&s, b, .char("o")); #expect(s.sort == .name)
        // pinyin: 陈 chén, 黄 huáng, 李 lǐ, 刘 liú, 欧阳 ōuyáng, 孙 sūn, 王 wáng, 吴 wú, 杨 yáng, 张 zhāng, 赵 zhào, 周 zhōu
        let surnames = s.visible.map { String(s.all[$0].name.prefix(1)) }
        #expect(surnames == ["陈", "黄", "李", "刘", "欧", "孙", "王", "吴", "杨", "张", "赵", "周"], "\(surnames)")
        #expect(UI.view(s, b).lines()[1].contains("姓名▾"))
        key(&s, b, .char("o")); #expect(s.sort == .strokes)
        // 姓氏笔画 by ICU's CLDR stroke collation: fewer strokes first (王 4 before 刘 6, 孙 6 before 赵 9)
        let strokes = s.visible.map { String(s.all[$0].name.prefix(1)) }
        #expect(strokes.firstIndex(of: "王")! < strokes.firstIndex(of: "刘")! && strokes.firstIndex(of: "孙")! < strokes.firstIndex(of: "赵")!, "\(strokes)")
        #expect(strokes != surnames)
        #expect(UI.view(s, b).lines()[1].contains("姓氏笔画▾"))
        key(&s, b, .char("o")); #expect(s.sort == .status)
        // status order: to do first, then draft, signed, recused
        let order = s.visible.map { s.all[$0].status }
        #expect(order == order.sorted { SheetStatus.allCases.firstIndex(of: $0)! < SheetStatus.allCases.firstIndex(of: $1)! })
        #expect(order.first == .todo && order.last == .recused)
        key(&s, b, .char("o")); #expect(s.sort == .employer)
        key(&s, b, .char("o")); #expect(s.sort == .id)
        #expect(s.visible == Array(0..<12))
    }

    @Test func sortKeepsTheSelectedDossier() {
        var (s, b) = make()
        key(&s, b, .char("G"))
        let id = selectedID(s)
        key(&s, b, .char("o"))
        #expect(selectedID(s) == id)
    }

    @Test func qQuitsFromTheList() {
        var (s, b) = make()
        #expect(key(&s, b, .char("q")) == [.quit])
        #expect(s.quit)
    }

    /// `q` quits from every screen that is not a text field (issue 17): a dossier, the chair's
    /// screens, a sheet's number and vote fields (whatever was typed is already a saved draft).
    @Test func qQuitsFromEveryScreenThatIsNotATextField() {
        var (s, b) = make()
        key(&s, b, .enter)
        #expect(s.context == .dossier)
        #expect(key(&s, b, .char("q")) == [.quit] && s.quit)

        for screen in ["r", "p", "e", "x"] {
            var (c, cb) = make(FakeBackend(role: .chair))
            key(&c, cb, .char(Character(screen)))
            #expect(c.stack.count == 2, "\(screen) opens a screen")
            #expect(key(&c, cb, .char("q")) == [.quit] && c.quit, "q on screen \(screen)")
        }

        // In a sheet: the digit typed is saved as a draft first, then q quits.
        var (t, tb) = make()
        for _ in 0..<4 { key(&t, tb, .down) }             // SH2026-005: to do
        key(&t, tb, .char("s"))
        #expect(key(&t, tb, .char("7")).count == 1)
        #expect(key(&t, tb, .char("q")) == [.quit] && t.quit)
    }

    /// Where q is text it stays text: the comment box, the recusal reason, the search line; in
    /// help it closes help, and a confirmation only takes y or n.
    @Test func qIsTextInTextFields() {
        var (s, b) = make()
        key(&s, b, .char("s"))
        while editor(s)?.focus != .comment { key(&s, b, .tab) }
        let fx = key(&s, b, .char("q"))
        #expect(!s.quit && editor(s)?.comment.text.hasSuffix("q") == true && fx.count == 1)

        var (t, tb) = make()
        key(&t, tb, .char("/")); key(&t, tb, .char("q"))
        #expect(!t.quit && t.query == "q")

        var (h, hb) = make()
        key(&h, hb, .char("?")); key(&h, hb, .char("q"))
        #expect(!h.quit && h.modal == nil)
    }

    @Test func helpOpensAndCloses() {
        var (s, b) = make()
        key(&s, b, .char("?"))
        #expect(s.modal == .help(scroll: 0) && s.context == .help)
        key(&s, b, .char("j")); #expect(s.modal == .help(scroll: 1))
        key(&s, b, .escape); #expect(s.modal == nil)
        key(&s, b, .function(1)); #expect(s.modal != nil)
        key(&s, b, .char("?")); #expect(s.modal == nil)
    }

    @Test func membersCannotOpenChairScreens() {
        var (s, b) = make()
        for k in ["p", "r", "e", "x"] {
            key(&s, b, .char(Character(k)))
            #expect(s.top == .list, "\(k) opened a screen")
            #expect(s.message != nil)
        }
    }

    @Test func secretariesCannotScore() {
        var (s, b) = make(FakeBackend(role: .secretary))
        key(&s, b, .char("s"))
        #expect(s.top == .list && s.message?.contains("工作人员") == true)
    }

    // MARK: sheet

    @Test func sOpensTheSheetOfTheSelectedOrOpenDossier() {
        var (s, b) = make()
        key(&s, b, .char("s"))
        #expect(editor(s)?.dossier == "SH2026-001")
        key(&s, b, .escape)
        key(&s, b, .down); key(&s, b, .enter); key(&s, b, .char("s"))
        #expect(editor(s)?.dossier == "SH2026-002")
        // a signed sheet starts from what was signed
        #expect(editor(s)?.points == ["26", "26", "17", "19"])
        #expect(editor(s)?.wasSigned == true)
    }

    @Test func theSheetLoadsTheDraft() {
        var (s, b) = make()
        key(&s, b, .down); key(&s, b, .down); key(&s, b, .char("s"))
        let e = editor(s)!
        #expect(e.points == ["25", "22", "", ""])
        #expect(e.comment.text == "草稿：工艺“绝招”待核实…")
    }

    @Test func digitsOnlyWithinRange() {
        var (s, b) = make()
        key(&s, b, .down); key(&s, b, .down); key(&s, b, .down); key(&s, b, .down); key(&s, b, .char("s"))
        var fx = key(&s, b, .char("2"))
        #expect(editor(s)?.points[0] == "2")
        #expect(fx == [.saveDraft(SheetInput(dossier: "SH2026-005", points: ["craft": 2], comment: ""))])
        fx = key(&s, b, .char("9"))                 // 29 ≤ 30
        #expect(editor(s)?.points[0] == "29" && fx.count == 1)
        fx = key(&s, b, .char("1"))                 // 291 > 30: refused
        #expect(editor(s)?.points[0] == "29" && fx.isEmpty)
        #expect(s.message?.contains("0–30") == true)
        fx = key(&s, b, .char("x"))                 // not a digit
        #expect(editor(s)?.points[0] == "29" && fx.isEmpty && s.message?.contains("数字") == true)
        fx = key(&s, b, .char("３"))                // full-width digit is not accepted either
        #expect(editor(s)?.points[0] == "29" && fx.isEmpty)
        key(&s, b, .backspace); key(&s, b, .backspace)
        #expect(editor(s)?.points[0] == "")
        key(&s, b, .char("0")); key(&s, b, .char("7"))
        #expect(editor(s)?.points[0] == "7")
        key(&s, b, .tab); key(&s, b, .char("3")); key(&s, b, .char("1"))   // 31 > 30
        #expect(editor(s)?.points[1] == "3")
    }

    @Test func tabAndShiftTabMoveBetweenFields() {
        var (s, b) = make()
        key(&s, b, .char("s"))
        #expect(editor(s)?.focus == .criterion(0))
        key(&s, b, .tab); #expect(editor(s)?.focus == .criterion(1))
        key(&s, b, .down); #expect(editor(s)?.focus == .criterion(2))
        key(&s, b, .tab); key(&s, b, .tab); #expect(editor(s)?.focus == .vote)
        key(&s, b, .tab); #expect(editor(s)?.focus == .comment)
        key(&s, b, .tab); #expect(editor(s)?.focus == .conflict)
        key(&s, b, .tab); #expect(editor(s)?.focus == .criterion(0))
        key(&s, b, .backTab); #expect(editor(s)?.focus == .conflict)
        key(&s, b, .up); #expect(editor(s)?.focus == .comment)
    }

    @Test func votes() {
        var (s, b) = make()
        key(&s, b, .char("s"))
        for _ in 0..<4 { key(&s, b, .tab) }
        #expect(editor(s)?.focus == .vote)
        key(&s, b, .char("2")); #expect(editor(s)?.vote == "reject")
        key(&s, b, .right); #expect(editor(s)?.vote == "abstain")
        key(&s, b, .right); #expect(editor(s)?.vote == nil)
        key(&s, b, .left); #expect(editor(s)?.vote == "abstain")
        key(&s, b, .char(" ")); #expect(editor(s)?.vote == nil)
        let fx = key(&s, b, .char("1"))
        #expect(editor(s)?.vote == "recommend")
        if case .saveDraft(let i)? = fx.first { #expect(i.vote == "recommend") } else { Issue.record("no draft saved") }
    }

    @Test func theCommentEditorTakesChineseAndKeysAsText() {
        var (s, b) = make()
        key(&s, b, .char("s"))
        for _ in 0..<5 { key(&s, b, .tab) }
        #expect(editor(s)?.focus == .comment)
        var effects: [Effect] = []
        for c in "工匠“j k q s ?”—é" { effects += key(&s, b, .char(c)) }
        #expect(editor(s)?.comment.text == "工匠“j k q s ?”—é")
        #expect(effects.count == 15 && s.top != .list && !s.quit && s.modal == nil)
        key(&s, b, .left); key(&s, b, .left); key(&s, b, .backspace)
        #expect(editor(s)?.comment.text == "工匠“j k q s ?—é")
        key(&s, b, .home); key(&s, b, .delete)
        #expect(editor(s)?.comment.text == "匠“j k q s ?—é")
        key(&s, b, .end); key(&s, b, .enter); key(&s, b, .char("二"))
        #expect(editor(s)?.comment.text == "匠“j k q s ?—é\n二")
        if case .saveDraft(let i)? = effects.last { #expect(i.comment.hasPrefix("工匠")) } else { Issue.record("no draft") }
    }

    @Test func theCommentLengthIsLimited() {
        let fb = FakeBackend()
        fb.program.sheet.commentMaxChars = 3
        var (s, b) = make(fb)
        key(&s, b, .char("s"))
        for _ in 0..<5 { key(&s, b, .tab) }
        for c in "一二三四" { key(&s, b, .char(c)) }
        #expect(editor(s)?.comment.text == "一二三")
        #expect(s.message?.contains("3") == true)
    }

    @Test func signingAsksForConfirmationAndShowsTheRecord() {
        var (s, b) = make()
        for _ in 0..<4 { key(&s, b, .down) }
        key(&s, b, .char("s"))
        // incomplete: refused, focus goes to the missing criterion
        key(&s, b, .char("2")); key(&s, b, .char("0"))
        #expect(key(&s, b, .ctrl("s")).isEmpty)
        #expect(s.modal == nil && editor(s)?.focus == .criterion(1) && s.message?.contains("高超技能") == true)
        for d in ["2", "0", "\t", "1", "5", "\t", "1", "5", "\t"] {
            key(&s, b, d == "\t" ? .tab : .char(Character(d)))
        }
        key(&s, b, .function(9))
        #expect(s.modal == nil && editor(s)?.focus == .vote)        // the vote is missing
        key(&s, b, .char("1"))
        #expect(key(&s, b, .function(9)).isEmpty)
        guard case .confirm(let c)? = s.modal else { Issue.record("no confirmation"); return }
        let input = SheetInput(dossier: "SH2026-005", points: ["craft": 20, "skill": 20, "lead": 15, "contrib": 15], vote: "recommend", comment: "")
        #expect(c.pending == .score(input))
        #expect(c.record == (try? b.previewScoreRecord(input)))
        #expect(c.summary.contains { $0.contains("70 / 100") })
        #expect(c.summary.contains { $0.contains(b.signingDescription) })
        // anything but y / n / Esc does nothing
        #expect(key(&s, b, .char("s")).isEmpty && s.modal != nil)
        key(&s, b, .char("n"))
        #expect(s.modal == nil && b.submitted.isEmpty)
        key(&s, b, .ctrl("s"))
        key(&s, b, .escape)
        #expect(s.modal == nil && editor(s) != nil)
        key(&s, b, .ctrl("s"))
        #expect(key(&s, b, .char("y")) == [.sign(input)])
        #expect(s.modal == nil)
    }

    @Test func previewErrorsAreShown() {
        let fb = FakeBackend()
        var (s, b) = make(fb)
        key(&s, b, .char("s"))
        var ed = editor(s)!
        ed.dossier = "NOPE"; ed.points = ["1", "1", "1", "1"]; ed.vote = "recommend"
        s.stack[s.stack.count - 1] = .sheet(ed)
        key(&s, b, .ctrl("s"))
        #expect(s.modal == nil && s.message == "没有这份申报" && s.messageRole == .error)
    }

    @Test func aConflictDeclarationRecordsARecusal() {
        var (s, b) = make()
        for _ in 0..<4 { key(&s, b, .down) }
        key(&s, b, .char("s"))
        key(&s, b, .backTab)
        #expect(editor(s)?.focus == .conflict)
        let fx = key(&s, b, .enter)
        #expect(editor(s)?.conflict == true && editor(s)?.focus == .reason)
        if case .saveDraft(let i)? = fx.first { #expect(i.recuseReason == "") } else { Issue.record("no draft") }
        for c in "亲属关系" { key(&s, b, .char(c)) }
        key(&s, b, .ctrl("s"))
        guard case .confirm(let c)? = s.modal else { Issue.record("no confirmation"); return }
        #expect(c.pending == .recuse(dossier: "SH2026-005", reason: "亲属关系"))
        #expect(c.summary.contains { $0.contains("不可撤回") }, "the confirmation says a recusal is final: \(c.summary)")
        #expect(key(&s, b, .char("y")) == [.recuse(dossier: "SH2026-005", reason: "亲属关系")])
    }

    @Test func undoingAConflictHidesTheReason() {
        var (s, b) = make()
        key(&s, b, .char("s"))
        key(&s, b, .backTab); key(&s, b, .enter)
        #expect(editor(s)!.fields(votes: true).contains(.reason))
        key(&s, b, .backTab); key(&s, b, .char(" "))
        #expect(editor(s)?.conflict == false && !editor(s)!.fields(votes: true).contains(.reason))
    }

    @Test func resizeKeepsTheDraftInProgress() {
        var (s, b) = make()
        key(&s, b, .char("G")); key(&s, b, .up); key(&s, b, .char("s"))   // SH2026-011 (012 is not eligible)
        key(&s, b, .char("1")); key(&s, b, .char("2"))
        let before = editor(s)
        UI.update(&s, .resize(60, 20), b)
        #expect(s.tooSmall)
        #expect(key(&s, b, .char("3")).isEmpty)         // keys wait while too small
        UI.update(&s, .resize(100, 30), b)
        #expect(editor(s) == before)
        key(&s, b, .backspace)
        #expect(editor(s)?.points[0] == "1")
    }

    @Test func escLeavesTheSheetAndTheDraftComesBack() {
        let c = AppController(backend: FakeBackend(), lang: .zh, size: (80, 24))
        press(c, .char("G"), .up, .char("s"))
        typeText(c, "28")
        press(c, .escape)
        #expect(c.state.top == .list)
        #expect(c.state.all[10].status == .draft || (c.backend as! FakeBackend).drafts["SH2026-011"] != nil)
        press(c, .char("s"))
        if case .sheet(let e) = c.state.top { #expect(e.points[0] == "28") } else { Issue.record("no sheet") }
    }

    /// ↑/↓ move by line inside a multi-line comment and leave it past its ends (issue 17).
    @Test func upAndDownMoveByLineInTheComment() {
        var (s, b) = make()
        for _ in 0..<4 { key(&s, b, .down) }
        key(&s, b, .char("s"))
        while editor(s)?.focus != .comment { key(&s, b, .tab) }
        for c in "第一行" { key(&s, b, .char(c)) }
        key(&s, b, .enter)
        for c in "第二行很长" { key(&s, b, .char(c)) }
        key(&s, b, .up)
        #expect(editor(s)?.focus == .comment && editor(s)?.comment.cursor == 3, "\(String(describing: editor(s)?.comment))")
        key(&s, b, .down)
        #expect(editor(s)?.focus == .comment && editor(s)?.comment.cursor == 7)
        key(&s, b, .down)                                  // past the last line: the next field
        #expect(editor(s)?.focus != .comment)
    }

    /// L switches the language and T the theme, anywhere but in text, and both are kept for
    /// the member's next session (issue 17).
    @Test func languageAndThemeSwitchInsideTheUI() {
        let fb = FakeBackend()
        let c = AppController(backend: fb, lang: .zh, size: (80, 24))
        #expect(c.frame().lines()[1].contains("编号"))
        press(c, .char("L"))
        #expect(c.state.lang == .en && c.frame().lines()[1].contains("No."))
        #expect(fb.savedPreferences.last == MemberPreferences(lang: "en", theme: "default"))
        press(c, .char("T"))
        #expect(c.themeName == "light" && c.themeChanges == 1 && fb.savedPreferences.last?.theme == "light")
        press(c, .char("T"), .char("T"), .char("T"))
        #expect(c.themeName == "default" && c.themeChanges == 4)
        // In a text field L is text.
        press(c, .char("s"))
        for _ in 0..<8 where c.state.context == .sheet { if case .sheet(let e) = c.state.top, e.focus == .comment { break }; press(c, .tab) }
        press(c, .char("L"))
        #expect(c.state.lang == .en)
        // The help overlay lists both keys.
        #expect(HelpView.lines(AppState(lang: .en, cols: 80, rows: 24)).contains { $0.0 == "L" })
    }

    /// Click and wheel (issue 17): a press selects a row, a press on the selected row opens it,
    /// the wheel scrolls three rows a notch, and in the sheet a press focuses the field.
    @Test func theMouseSelectsOpensScrollsAndFocuses() {
        let c = AppController(backend: FakeBackend(), lang: .zh, size: (80, 24))
        c.send(.mouse(Mouse(.press, x: 5, y: 4)))           // third row: SH2026-003
        #expect(c.state.list.selected == 2 && c.state.top == .list)
        c.send(.mouse(Mouse(.press, x: 5, y: 4)))           // again: opens it
        #expect(c.state.top == .dossier(id: "SH2026-003", scroll: 0))
        c.send(.mouse(Mouse(.wheelDown, x: 5, y: 10)))
        if case .dossier(_, let scroll) = c.state.top { #expect(scroll == 3) } else { Issue.record("left the dossier") }
        press(c, .escape)
        c.send(.mouse(Mouse(.wheelDown, x: 5, y: 10)))
        #expect(c.state.list.selected == 5)
        c.send(.mouse(Mouse(.wheelUp, x: 5, y: 10)))
        #expect(c.state.list.selected == 2)
        c.send(.mouse(Mouse(.press, x: 5, y: 23)))          // the hint bar: nothing
        c.send(.mouse(Mouse(.press, x: 5, y: 20)))          // below the last row: nothing
        #expect(c.state.list.selected == 2 && c.state.top == .list)
        // In the sheet: a press on the second criterion's row focuses it; the wheel does nothing.
        press(c, .char("s"))
        let y = (0..<24).first { c.frame().lines()[$0].contains("2. ") }!
        c.send(.mouse(Mouse(.press, x: 10, y: y)))
        if case .sheet(let e) = c.state.top { #expect(e.focus == .criterion(1)) } else { Issue.record("left the sheet") }
        c.send(.mouse(Mouse(.wheelDown, x: 10, y: y)))
        if case .sheet(let e) = c.state.top { #expect(e.focus == .criterion(1)) } else { Issue.record("the wheel left the sheet") }
        // A too-small terminal takes no clicks.
        _ = c.resize(cols: 60, rows: 20)
        c.send(.mouse(Mouse(.press, x: 1, y: 1)))
        _ = c.resize(cols: 80, rows: 24)
        if case .sheet = c.state.top {} else { Issue.record("a click went through a too-small screen") }
    }

    // MARK: honest states (issue 17)

    /// A sheet that cannot be signed opens read-only and says why: a dossier signed not
    /// eligible, a recused one (recusal is final), and any after finalization.
    @Test func sheetsThatCannotBeSignedAreReadOnly() {
        for (setup, id, why) in [({ (_: FakeBackend) in }, "SH2026-012", "不合格"),
                                 ({ (_: FakeBackend) in }, "SH2026-004", "回避"),
                                 ({ (f: FakeBackend) in f.finalizedWith = [:] }, "SH2026-005", "定稿")] {
            let fb = FakeBackend()
            setup(fb)
            var (s, b) = make(fb)
            while selectedID(s) != id { key(&s, b, .down) }
            key(&s, b, .char("s"))
            guard let ed = editor(s) else { Issue.record("no sheet for \(id)"); continue }
            #expect(ed.lock != nil && s.message?.contains("只读") == true && s.message?.contains(why) == true, "\(id): \(s.message ?? "")")
            for k: Key in [.char("7"), .char("1"), .ctrl("s"), .function(9), .char(" "), .enter] {
                #expect(key(&s, b, k).isEmpty, "\(id): \(k) did something")
            }
            #expect(editor(s)?.points == ed.points && s.modal == nil)
            key(&s, b, .tab)
            #expect(editor(s)?.focus != ed.focus)           // it still moves
            #expect(UI.view(s, b).lines().joined().contains("只读"))
            key(&s, b, .escape)
            #expect(s.top == .list)
        }
    }

    /// Editing a signed sheet made a hidden draft that did not count while the list said 已签.
    /// Now the list says 已签·有未签修改, and leaving asks: sign, discard, or keep editing.
    @Test func leavingUnsignedEditsToASignedSheetAsks() {
        let fb = FakeBackend()
        let c = AppController(backend: fb, lang: .zh, size: (80, 24))
        press(c, .char("s"))                                 // SH2026-001, signed by m1
        press(c, .backspace, .char("9"))
        press(c, .escape)
        guard case .leaveEdited("SH2026-001")? = c.state.modal else { Issue.record("no question"); return }
        #expect(c.frame().lines().joined().contains("未签名的修改不计入"))
        press(c, .char("x"))                                 // not an answer
        #expect(c.state.modal != nil && c.state.message?.contains("d 放弃修改") == true)
        press(c, .escape)                                    // keep editing
        #expect(c.state.modal == nil)
        if case .sheet = c.state.top {} else { Issue.record("left the sheet") }
        // The list, seen meanwhile, says what is true.
        #expect(c.state.all[0].state == .edited)
        press(c, .escape, .char("d"))                        // discard
        #expect(c.state.top == .list && fb.drafts["SH2026-001"] == nil)
        #expect(c.state.all[0].state == .signed)
        #expect(c.performed.contains(.discardDraft("SH2026-001")))
        // Sign: the record is shown first, as always.
        press(c, .char("s"), .backspace, .char("8"), .escape, .char("s"))
        guard case .confirm(let conf)? = c.state.modal else { Issue.record("no confirmation"); return }
        #expect(conf.summary.contains { $0.contains("取代") })
        press(c, .char("y"))
        #expect(fb.submitted.count == 1 && c.state.top == .list && c.state.all[0].state == .signed)
        // Leaving without a change does not ask.
        press(c, .char("s"), .escape)
        #expect(c.state.modal == nil && c.state.top == .list)
    }

    // MARK: runtime

    @Test func signingThroughTheControllerUpdatesTheList() {
        let fb = FakeBackend()
        let c = AppController(backend: fb, lang: .en, size: (80, 24))
        press(c, .char("G"), .up, .char("s"))
        typeText(c, "20"); press(c, .tab); typeText(c, "20"); press(c, .tab); typeText(c, "10"); press(c, .tab); typeText(c, "10")
        press(c, .tab, .char("3"), .ctrl("s"), .char("y"))
        #expect(fb.submitted.count == 1 && fb.submitted[0].total == 60 && fb.submitted[0].vote == "abstain")
        #expect(c.state.top == .list)
        #expect(c.state.all[10].status == .signed)
        #expect(c.state.message?.contains("Signed") == true)
        #expect(c.performed.contains(.sign(fb.submitted[0])))
    }

    @Test func aDraftThatCannotBeSavedSaysSo() {
        let fb = FakeBackend()
        fb.failDraftSave = true
        let c = AppController(backend: fb, lang: .en, size: (80, 24))
        press(c, .char("G"), .up, .char("s"), .char("5"))
        #expect(c.state.messageRole == .error && c.state.message?.contains("disk full") == true)
        let text = c.frame().lines().joined(separator: "\n")
        #expect(text.contains("draft NOT saved"))
    }

    @Test func refreshPicksUpOtherSessions() {
        let fb = FakeBackend()
        let c = AppController(backend: fb, lang: .zh, size: (80, 24))
        #expect(!c.poll())
        fb.statuses["m1"]!["SH2026-011"] = .signed
        fb.changed = true
        #expect(c.poll())
        #expect(c.state.all[10].status == .signed)
        #expect(c.frame().lines().contains { $0.contains("SH2026-011") && $0.contains("已签") })
    }

    @Test func othersScoresStayHiddenUntilSubmitted() {
        let c = AppController(backend: FakeBackend(), lang: .zh, size: (120, 40))
        press(c, .down, .down, .down, .down, .enter, .char("b"))   // SH2026-005: to do for m1
        let hidden = c.frame().lines().joined()
        #expect(hidden.contains("不显示"))
        #expect(!hidden.contains("建议推荐"))          // m2's comment
        press(c, .escape, .escape, .char("g"), .enter, .char("b"))   // SH2026-001: signed by m1
        let shown = c.frame().lines().joined()
        #expect(shown.contains("建议推荐") || shown.contains("“绝技”"))
        // a programme that does not hide
        let open = AppController(backend: FakeBackend(hide: false), lang: .zh, size: (120, 40))
        press(open, .down, .down, .down, .down, .enter, .char("b"), .down)
        #expect(!open.frame().lines().joined().contains("不显示"))
    }

    // MARK: chair and secretary

    @Test func chairScreens() {
        var (s, b) = make(FakeBackend(role: .chair))
        key(&s, b, .char("p"))
        guard case .progress(_, 0) = s.top else { Issue.record("no progress"); return }
        key(&s, b, .right); key(&s, b, .char("l"))
        guard case .progress(_, 2) = s.top else { Issue.record("column did not move"); return }
        key(&s, b, .char("h"))
        guard case .progress(_, 1) = s.top else { Issue.record("column did not move back"); return }
        #expect(s.chair!.counts[0][.signed] == 4 && s.chair!.counts[0][.todo] == 6 && s.chair!.counts[0][.recused] == 1 && s.chair!.counts[0][.draft] == 1)
        key(&s, b, .enter)
        guard case .breakdown("SH2026-001", _) = s.top else { Issue.record("no breakdown"); return }
        key(&s, b, .escape)
        key(&s, b, .char("r"))
        guard case .ranking = s.top else { Issue.record("no ranking"); return }
        #expect(s.stack.count == 2)                     // chair screens replace each other
        let r = s.chair!.ranking
        #expect(r.entries.filter { $0.status == .tieAtCut }.map(\.dossier) == ["SH2026-003", "SH2026-004"])
        #expect(ChairViews.cutIndex(r) == 2)           // above the tie (issue 17)
        key(&s, b, .char("g")); key(&s, b, .char("="))
        guard case .ranking(let rp) = s.top else { Issue.record("left the ranking"); return }
        #expect(rp.selected == 2)                      // `=` jumps to the first row below the line
        key(&s, b, .char("e")); guard case .eligibility = s.top else { Issue.record("no eligibility"); return }
        key(&s, b, .char("x")); guard case .objections = s.top else { Issue.record("no objections"); return }
        #expect(s.objections.count == 2)
        key(&s, b, .enter); guard case .dossier("SH2026-005", _) = s.top else { Issue.record("objection did not open"); return }
    }

    @Test func finalizationResolvesTiesWithReasons() {
        let fb = FakeBackend(role: .chair)
        var (s, b) = make(fb)
        key(&s, b, .char("r")); key(&s, b, .char("f"))
        guard case .finalize(let f0) = s.top else { Issue.record("no finalize"); return }
        #expect(f0.ties == ["SH2026-003", "SH2026-004"])
        key(&s, b, .ctrl("s"))
        #expect(s.modal == nil && s.message?.contains("SH2026-003") == true)
        key(&s, b, .right)                               // selected
        key(&s, b, .tab)
        for c in "事迹更突出" { key(&s, b, .char(c)) }
        key(&s, b, .tab)
        key(&s, b, .char("j"))
        key(&s, b, .left)                                // not-selected (cycles backwards)
        key(&s, b, .ctrl("s"))
        #expect(s.modal == nil && s.message?.contains("SH2026-004") == true)   // reason missing
        key(&s, b, .tab); for c in "名额所限" { key(&s, b, .char(c)) }; key(&s, b, .enter)
        key(&s, b, .function(9))
        guard case .confirm(let c)? = s.modal else { Issue.record("no confirmation"); return }
        let res = ["SH2026-003": TieResolution(decision: "selected", reason: "事迹更突出"),
                   "SH2026-004": TieResolution(decision: "not-selected", reason: "名额所限")]
        #expect(c.pending == .finalize(res))
        // The confirmation warns of what is missing, names the members, lists the final list by
        // rank, name and unit, and says it is final (issue 17). In the fake store every member
        // lacks dossiers 9–12; m1 (张建华) also has a draft on 3 and nothing on 5 and 8, m2
        // (李明) a draft on 10, and m1, m4 and the chair lack 8.
        let missing = c.summary.first { $0.hasPrefix("⚠ 尚缺") } ?? ""
        #expect(missing == "⚠ 尚缺 25 份评分表：张建华 7，李明 4，王芳 4，赵强 5，王主任 5", "\(c.summary)")
        #expect(c.summary.contains("⚠ 2 份草稿未签名，不计入：张建华 1，李明 1"), "\(c.summary)")
        let list = c.summary.drop { !$0.hasPrefix("定稿名单") }.dropFirst().prefix { $0.hasPrefix("  ") && $0.contains(". ") }
        #expect(list.count == 3 && list.first?.hasPrefix("  1. ") == true, "\(c.summary)")
        let firstRow = s.all[s.byID[s.chair!.ranking.entries[0].dossier]!]
        #expect(list.first?.contains(firstRow.name + "（" + firstRow.employer + "）") == true)
        #expect(c.summary.contains("定稿签名后不可撤回。"))
        #expect(key(&s, b, .char("y")) == [.finalize(res)])
    }

    /// The finalize screen moves like the sheet (Tab/↓ next field, S-Tab/↑ previous) and shows
    /// each tie's facts: median, exact value, votes, sheets (issue 17).
    @Test func theFinalizeScreenMovesLikeTheSheetAndShowsTheFacts() {
        let c = AppController(backend: FakeBackend(role: .chair), lang: .en, size: (120, 40))
        press(c, .char("r"), .char("f"))
        func f() -> FinalizeState? { if case .finalize(let f) = c.state.top { return f }; return nil }
        #expect(f()?.pos.selected == 0 && f()?.editingReason == false)
        press(c, .tab);     #expect(f()?.pos.selected == 0 && f()?.editingReason == true)
        press(c, .tab);     #expect(f()?.pos.selected == 1 && f()?.editingReason == false)
        press(c, .down);    #expect(f()?.pos.selected == 1 && f()?.editingReason == true)
        press(c, .up);      #expect(f()?.pos.selected == 1 && f()?.editingReason == false)
        press(c, .backTab); #expect(f()?.pos.selected == 0 && f()?.editingReason == true)
        typeText(c, "jk")                                // text in the reason, not moves
        #expect(f()?.reasons["SH2026-003"]?.text == "jk" && f()?.pos.selected == 0)
        let text = c.frame().lines().joined(separator: "\n")
        #expect(text.contains("2 tied for 1 place(s)"))
        #expect(text.contains("median 85.00") && text.contains("exact 85 · recommend 4 reject 0 abstain 0 · sheets 4"), "\(text)")
    }

    @Test func equalDisplayedScoresShowTheExactValue() {
        func entry(_ rank: Int, _ d: String, _ n: Int) -> RankEntry {
            RankEntry(rank: rank, dossier: d, name: d, score: Fraction(n, 1000), sheets: 5, status: .notSelected, median: nil, votes: [:])
        }
        let r = Ranking(program: "p", method: "mean", quota: 0, entries: [entry(1, "A", 90391), entry(2, "B", 90389), entry(3, "C", 80000)])
        #expect(ChairViews.needsExact(r, 0) && ChairViews.needsExact(r, 1) && !ChairViews.needsExact(r, 2))
        #expect(ChairViews.exactText(r, 0) == "90.391" && ChairViews.exactText(r, 1) == "90.389" && ChairViews.exactText(r, 2) == nil)
        // Beyond six decimals, the fraction itself.
        func at(_ rank: Int, _ d: String, _ score: Fraction) -> RankEntry {
            RankEntry(rank: rank, dossier: d, name: d, score: score, sheets: 5, status: .notSelected, median: nil, votes: [:])
        }
        let close = Ranking(program: "p", method: "mean", quota: 0, entries: [at(1, "A", Fraction(903_900_001, 10_000_000)), at(2, "B", Fraction(9039, 100))])
        #expect(ChairViews.exactText(close, 0) == "903900001/10000000" && ChairViews.exactText(close, 1) == "9039/100")
    }

    @Test func secretaryStartsOnQualification() {
        let c = AppController(backend: FakeBackend(role: .secretary), lang: .zh, size: (80, 24))
        guard case .eligibility = c.state.top else { Issue.record("secretary starts elsewhere"); return }
        press(c, .char("G"))
        #expect(c.frame().lines().joined().contains("不合格"))
        press(c, .escape)
        #expect(c.state.top == .list)
        #expect(c.frame().lines()[2].contains("合格"))     // the list shows qualification, not my status
    }

    @Test func emptyStore() {
        let c = AppController(backend: FakeBackend(empty: true), lang: .en, size: (80, 24))
        for k: Key in [.down, .up, .pageDown, .char("G"), .enter, .char("s"), .char("/"), .char("x"), .enter] { c.send(.key(k)) }
        #expect(c.state.top == .list)
        #expect(c.frame().lines().joined().contains("No dossiers yet"))
    }

    @Test func tooSmallNamesTheMinimumAndComesBack() {
        let c = AppController(backend: FakeBackend(), lang: .en, size: (80, 24))
        let small = c.resize(cols: 79, rows: 30).lines().joined(separator: " ")
        #expect(small.contains("80×24"))
        #expect(c.resize(cols: 100, rows: 23).lines().joined(separator: " ").contains("80×24"))
        let back = c.resize(cols: 80, rows: 24)
        #expect(back.lines()[1].contains("No."))
    }
}

@Suite struct CheckingStoreTests {
    @Test func theTitleSaysSoUntilTheCheckOfTheFilesIsIn() {
        let fb = FakeBackend()
        fb.checkingStore = true
        let c = AppController(backend: fb, lang: .en, size: (100, 24))
        #expect(c.frame().lines()[0].contains("checking record files…"))
        // The check is in: the next poll reloads, and the title no longer says it.
        fb.checkingStore = false
        fb.changed = true
        #expect(c.poll())
        #expect(!c.frame().lines()[0].contains("checking record files"))
        let zh = AppController(backend: { let b = FakeBackend(); b.checkingStore = true; return b }(), lang: .zh, size: (100, 24))
        #expect(zh.frame().lines()[0].contains("核对记录文件中…"))
    }
}

@Suite struct StoreProblemsBannerTests {
    /// No silent partial results: while the store has problems the title bar says so.
    @Test func theTitleSaysTheStoreHasProblems() {
        let fb = FakeBackend()
        let c = AppController(backend: fb, lang: .en, size: (100, 24))
        #expect(!c.frame().lines()[0].contains("problems"))
        fb.storeProblems = 3
        fb.changed = true
        #expect(c.poll())
        #expect(c.frame().lines()[0].contains("store has 3 problems"))
        let zh = AppController(backend: { let b = FakeBackend(); b.storeProblems = 2; return b }(), lang: .zh, size: (100, 24))
        #expect(zh.frame().lines()[0].contains("2 个问题"))
    }
}

@Suite struct ForkBannerTests {
    /// Issue 14: a fork a sync found names its member in the title bar, on every screen, in
    /// both languages; with several, the first three and how many more; the frame stays well formed.
    @Test func theTitleNamesTheMemberWhoForked() {
        let fb = FakeBackend()
        let c = AppController(backend: fb, lang: .en, size: (120, 24))
        #expect(!c.frame().lines()[0].contains("fork"))
        fb.forks = [ForkNotice(member: "m1", seq: 12, keptAt: ".cache/forks/abc/records/m1/000/000012.json")]
        fb.changed = true
        #expect(c.poll())
        var top = c.frame().lines()[0]
        #expect(top.contains("fork: member m1 signed two different records at seq 12"), "\(top)")
        Snapshot.checkWellFormed(c.frame())
        // Another screen (the chair's progress, the dossier…): the same bar.
        c.send(.key(.enter))
        #expect(c.frame().lines()[0].contains("member m1"), "\(c.frame().lines()[0])")
        fb.forks = (1...5).map { ForkNotice(member: "m\($0)", seq: $0, keptAt: "") }
        fb.storeProblems = 2
        fb.changed = true
        #expect(c.poll())
        top = c.frame().lines()[0]
        #expect(top.contains("forks: m1 seq 1, m2 seq 2, m3 seq 3 and 2 more"), "\(top)")
        #expect(!top.contains("m4"))
        let zh = AppController(backend: { let b = FakeBackend(); b.forks = [ForkNotice(member: "m7", seq: 3, keptAt: "")]; return b }(), lang: .zh, size: (100, 24))
        let zhTop = zh.frame().lines()[0]
        #expect(zhTop.contains("分叉：成员 m7 在序号 3"), "\(zhTop)")
        Snapshot.checkWellFormed(zh.frame())
        // At the smallest size the bar is cut, never overflowing.
        let small = AppController(backend: fb, lang: .zh, size: (80, 24))
        Snapshot.checkWellFormed(small.frame())
        #expect(small.frame().lines()[0].contains("分叉"))
    }
}
