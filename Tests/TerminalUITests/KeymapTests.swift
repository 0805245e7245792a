import Panel
import Testing
@testable import TerminalUI

@Suite struct KeymapTests {
    /// The keys the scripted tests rely on (a contract).
    @Test func theContractKeys() {
        #expect(Keymap.action(for: .up, in: .list) == .up)
        #expect(Keymap.action(for: .char("k"), in: .list) == .up)
        #expect(Keymap.action(for: .down, in: .list) == .down)
        #expect(Keymap.action(for: .char("j"), in: .list) == .down)
        #expect(Keymap.action(for: .pageUp, in: .list) == .pageUp)
        #expect(Keymap.action(for: .pageDown, in: .list) == .pageDown)
        #expect(Keymap.action(for: .char("g"), in: .list) == .top)
        #expect(Keymap.action(for: .char("G"), in: .list) == .bottom)
        #expect(Keymap.action(for: .enter, in: .list) == .open)
        #expect(Keymap.action(for: .escape, in: .dossier) == .back)
        #expect(Keymap.action(for: .char("s"), in: .list) == .score)
        #expect(Keymap.action(for: .char("s"), in: .dossier) == .score)
        #expect(Keymap.action(for: .char("/"), in: .list) == .search)
        #expect(Keymap.action(for: .tab, in: .sheet) == .nextField)
        #expect(Keymap.action(for: .backTab, in: .sheet) == .prevField)
        #expect(Keymap.action(for: .ctrl("s"), in: .sheet) == .sign)
        #expect(Keymap.action(for: .function(9), in: .sheet) == .sign)
        #expect(Keymap.action(for: .char("y"), in: .confirm) == .confirmYes)
        #expect(Keymap.action(for: .char("q"), in: .list) == .quit)
        #expect(Keymap.action(for: .char("q"), in: .sheet) == .quit)   // issue 17: q quits anywhere but text
        #expect(Keymap.action(for: .char("q"), in: .search) == nil)
        #expect(Keymap.action(for: .char("q"), in: .help) == .back)
        #expect(Keymap.action(for: .char("?"), in: .list) == .help)
    }

    @Test(arguments: KeyContext.allCases)
    func noKeyMeansTwoThingsInOneContext(_ ctx: KeyContext) {
        var seen: [Key: Action] = [:]
        for b in Keymap.bindings where b.contexts.contains(ctx) {
            for k in b.keys {
                if let a = seen[k] { #expect(a == b.action, "\(k) is both \(a) and \(b.action) in \(ctx)") }
                seen[k] = b.action
            }
        }
    }

    @Test(arguments: KeyContext.allCases.filter { $0 != .global })
    func everyContextHasHintsAndHelp(_ ctx: KeyContext) {
        #expect(!Keymap.hintBar(ctx, .zh).isEmpty)
        #expect(!Keymap.hintBar(ctx, .en).isEmpty)
        // hints never repeat an action
        let texts = Keymap.hintBar(ctx, .en).map(\.text)
        #expect(Set(texts).count == texts.count || ctx == .sheet || ctx == .finalize)
    }

    @Test func everyBindingHasBothLanguages() {
        for b in Keymap.bindings {
            #expect(!b.zh.isEmpty && !b.en.isEmpty && !b.label.isEmpty)
            #expect(b.zh != b.en)
        }
    }

    @Test func theHelpOverlayListsTheScreensKeys() {
        var s = AppState(lang: .en, cols: 80, rows: 24)
        let lines = HelpView.lines(s).map(\.1)
        for b in Keymap.bindings(in: .list) { #expect(lines.contains(b.en), "help lacks \(b.en)") }
        s.stack.append(.sheet(SheetEditor(dossier: "x", criteria: [], from: nil, wasSigned: false)))
        #expect(HelpView.lines(s).contains { $0.0 == "Ctrl-S/F9" })
    }

    /// The hint bar keeps help and quit at any width (issue 17): at 80 columns the list's bar
    /// used to drop `q 退出  ? 帮助`. Every role, every screen it can open, both languages, 80 and 120.
    @Test(arguments: [Language.zh, .en], [80, 120])
    func theHintBarKeepsHelpAndQuit(_ lang: Language, _ width: Int) {
        let help = lang.pick("帮助", "help"), quit = lang.pick("退出", "quit")
        for role in [Role.member, .chair, .secretary, .approver] {
            for keys in [[], [Key.enter], [.char("s")], [.char("r")], [.char("p")], [.char("e")], [.char("x")], [.char("r"), .char("b")], [.char("r"), .char("f")]] {
                let c = AppController(backend: FakeBackend(role: role), lang: lang, size: (width, 24))
                for k in keys { c.send(.key(k)) }
                let bar = c.frame().lines()[23]
                let where_ = "\(role) \(keys) at \(width): \(bar)"
                #expect(bar.contains("? " + help) || bar.contains("F1 " + help), "\(where_)")
                #expect(bar.contains("q " + quit), "\(where_)")
            }
        }
    }

    @Test func theHintBarOmitsQuitInATextField() {
        let c = AppController(backend: FakeBackend(), lang: .en, size: (80, 24))
        c.send(.key(.char("s")))
        for _ in 0..<8 where !c.frame().lines()[23].contains("type text") { c.send(.key(.tab)) }
        let bar = c.frame().lines()[23]
        #expect(bar.contains("type text") && bar.contains("F1 help") && !bar.contains("q quit"))
    }

    @Test func theHintBarShowsOnlyWhatTheRoleMayDo() {
        let b = FakeBackend()
        let c = AppController(backend: b, lang: .en, size: (200, 24))
        let bar = c.frame().lines()[23]
        #expect(bar.contains("score") && bar.contains("search") && bar.contains("quit"))
        #expect(!bar.contains("progress") && !bar.contains("ranking"))
        let chair = AppController(backend: FakeBackend(role: .chair), lang: .en, size: (200, 24))
        #expect(chair.frame().lines()[23].contains("ranking"))
    }
}
