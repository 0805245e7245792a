import CNcursesw
import Foundation
import Panel
import TerminalUI
#if canImport(Glibc)
import Glibc
#endif

/// The signal that asked us to stop (SIGINT/SIGTERM/SIGHUP), set by the handler, read by the loop.
nonisolated(unsafe) private var pendingSignal: Int32 = 0

/// The ncursesw front end: the only code that calls curses, all on the calling thread.
public enum TerminalApp {
    public enum Failure: Error, CustomStringConvertible {
        case notATerminal
        case initFailed
        public var description: String {
            switch self {
            case .notATerminal: return "pingshen review needs a terminal (stdin and stdout must be a tty)"
            case .initFailed: return "cannot initialise the terminal (is TERM set?)"
            }
        }
    }

    /// Sets the locale from the environment; when its character set is not UTF-8, falls back to
    /// C.UTF-8 so that wide characters work. Returns the locale in use.
    @discardableResult
    public static func setUpLocale() -> String {
        setlocale(LC_ALL, "")
        if ps_codeset_is_utf8() == 0 {
            if setlocale(LC_ALL, "C.UTF-8") == nil { setlocale(LC_ALL, "C.utf8") }
        }
        return String(cString: setlocale(LC_ALL, nil))
    }

    /// The signal that ended the last `run` (SIGINT, SIGTERM, SIGHUP), or nil when the member quit.
    nonisolated(unsafe) public private(set) static var interruptedBy: Int32?

    /// How often the store is checked for records written by other sessions.
    public static let pollInterval: TimeInterval = 1.0

    /// Runs the review UI until the member quits or a signal arrives; the terminal is restored
    /// on every way out.
    /// `greeting`: shown on the message line when the UI opens (warning: in the warning style).
    public static func run(backend: ReviewBackend, theme: Theme, themeName: String = "default", lang: Language, mouse: Bool = true,
                           greeting: (text: String, warning: Bool)? = nil) throws {
        guard isatty(0) != 0, isatty(1) != 0 else { throw Failure.notATerminal }
        setUpLocale()
        pendingSignal = 0
        interruptedBy = nil
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { s in pendingSignal = s }
        }
        guard initscr() != nil else { throw Failure.initFailed }
        var screen = Screen(theme: theme)
        defer { endwin() }
        raw()                 // Ctrl-S, Ctrl-C reach us as keys
        noecho()
        nonl()
        _ = ps_keypad(1)
        // Long enough for the rest of a key's sequence to arrive over a laggy SSH link (25 ms
        // turned a split ↓ into Esc); sequences curses does not know are read on by `readEscape`.
        set_escdelay(Int32(escapeWait))
        _ = ps_timeout(250)
        screen.setUpColours()
        // Click and wheel (issue 17), unless --no-mouse (the terminal's own selection then works
        // without Shift).
        if mouse { _ = ps_mouse_on(1) }

        let controller = AppController(backend: backend, lang: lang, theme: screen.theme, themeName: themeName, size: (Int(ps_cols()), Int(ps_lines())))
        if let greeting { controller.show(greeting.text, role: greeting.warning ? .warning : .message) }
        if let greeting { controller.announce(greeting.text, warning: greeting.warning) }
        screen.draw(controller.frame())
        var lastPoll = Date()
        var themeChanges = controller.themeChanges
        while !controller.shouldQuit && pendingSignal == 0 {
            var ch: UInt32 = 0
            let rc = ps_get_wch(&ch)
            var redraw = false
            if rc == ps_err() {
                // timeout (or a signal interrupted the wait)
            } else if rc == ps_key_code_yes() && Int32(ch) == ps_key_mouse() {
                var x: Int32 = 0, y: Int32 = 0
                let kind: Mouse.Kind?
                switch ps_get_mouse(&x, &y) {
                case 1: kind = .press
                case 3: kind = .wheelUp
                case 4: kind = .wheelDown
                default: kind = nil
                }
                if let kind {
                    controller.send(.mouse(Mouse(kind, x: Int(x), y: Int(y))))
                    redraw = true
                }
            } else if rc == ps_key_code_yes() && Int32(ch) == ps_key_resize() {
                let g = controller.resize(cols: Int(ps_cols()), rows: Int(ps_lines()))
                screen.invalidate()
                screen.draw(g)
                continue
            } else if rc == ps_ok() && ch == 0x1B {
                // ESC from curses: either Esc, or a sequence its terminfo entry does not know
                // (PuTTY's Home and F1 under TERM=xterm), or one split by the link.
                for key in readEscape(controller: controller) { controller.send(.key(key)) }
                redraw = true
            } else if let key = mapKey(rc: rc, ch: ch) {
                if key == .ctrl("c") { break }   // like SIGINT: drafts are already saved
                controller.send(.key(key))
                redraw = true
            }
            if Date().timeIntervalSince(lastPoll) >= pollInterval {
                lastPoll = Date()
                if controller.poll() { redraw = true }
            }
            if controller.themeChanges != themeChanges {
                // The member switched the theme (T): colours again, then every cell.
                themeChanges = controller.themeChanges
                screen.theme = controller.theme
                screen.setUpColours()
                screen.invalidate()
                redraw = true
            }
            if redraw { screen.draw(controller.frame()) }
        }
        // Drafts are written as they are typed; nothing is pending here.
        interruptedBy = pendingSignal == 0 ? nil : pendingSignal
    }

    /// How long, in milliseconds, the rest of an escape sequence may take to arrive: curses'
    /// ESCDELAY and the wait for each further character of a sequence it handed over. 150 ms is
    /// the least issue 17 allows; a bare Esc therefore acts after about 0.3 s.
    public static let escapeWait = 150

    /// Reads what follows an ESC that curses handed over and decodes it (`EscapeSequence`):
    /// the keys it stands for. A sequence of no key we know is ignored with a word on the
    /// message line, never taken as Esc.
    static func readEscape(controller: AppController) -> [Key] {
        _ = ps_timeout(Int32(escapeWait))
        defer { _ = ps_timeout(250) }
        var after: [Character] = []
        while true {
            var ch: UInt32 = 0
            let rc = ps_get_wch(&ch)
            if rc == ps_err() {
                // Nothing more came: a bare Esc, or a sequence cut short.
                guard !after.isEmpty else { return [.escape] }
                controller.show(EscapeSequence.ignoredMessage(after, controller.state.lang), role: .warning)
                return []
            }
            if rc == ps_key_code_yes() {
                // A key curses decoded itself: the ESC before it was Esc.
                return [.escape] + (mapKey(rc: rc, ch: ch).map { [$0] } ?? [])
            }
            guard rc == ps_ok(), let u = Unicode.Scalar(ch) else { return [.escape] }
            after.append(Character(u))
            switch EscapeSequence.decode(after) {
            case .incomplete: continue
            case .key(let k): return [k]
            case .unknown:
                controller.show(EscapeSequence.ignoredMessage(after, controller.state.lang), role: .warning)
                return []
            case .notASequence:
                // ESC and an ordinary character (Alt-x, or Esc typed fast before x).
                return [.escape] + after.compactMap { mapKey(rc: ps_ok(), ch: $0.unicodeScalars.first?.value ?? 0) }
            }
        }
    }

    /// Maps a `get_wch` result to a key.
    public static func mapKey(rc: Int32, ch: UInt32) -> Key? {
        if rc == ps_key_code_yes() {
            let k = Int32(bitPattern: ch)
            switch k {
            case ps_key_up(): return .up
            case ps_key_down(): return .down
            case ps_key_left(): return .left
            case ps_key_right(): return .right
            case ps_key_ppage(): return .pageUp
            case ps_key_npage(): return .pageDown
            case ps_key_home(): return .home
            case ps_key_end(): return .end
            case ps_key_btab(): return .backTab
            case ps_key_backspace(): return .backspace
            case ps_key_dc(): return .delete
            case ps_key_enter(): return .enter
            case ps_key_resize(): return .resize
            default:
                for n in 1...12 where k == ps_key_f(Int32(n)) { return .function(n) }
                return nil
            }
        }
        guard rc == ps_ok() else { return nil }
        switch ch {
        case 0x1B: return .escape
        case 0x0D, 0x0A: return .enter
        case 0x09: return .tab
        case 0x7F, 0x08: return .backspace
        case 0x01...0x1A:
            return .ctrl(Character(Unicode.Scalar(UInt8(ch) + 0x60)))
        default:
            guard let u = Unicode.Scalar(ch), ch >= 0x20 else { return nil }
            return .char(Character(u))
        }
    }
}

/// Draws grids, changed rows only, with the theme's attributes.
struct Screen {
    var theme: Theme
    var previous: Grid?
    var attrs: [StyleRole: UInt32] = [:]
    var coloursStarted = false

    init(theme: Theme) { self.theme = theme }

    mutating func setUpColours() {
        var t = theme
        if t.colors && has_colors() {
            if !coloursStarted {
                start_color()
                use_default_colors()
                coloursStarted = true
            }
        } else if t.colors {
            t = Theme.mono     // a terminal without colour gets mono
        }
        theme = t
        for (i, role) in StyleRole.allCases.enumerated() {
            let st = t.style(role)
            var a = ps_a_normal()
            if st.attrs.contains(.bold) { a |= ps_a_bold() }
            if st.attrs.contains(.reverse) { a |= ps_a_reverse() }
            if st.attrs.contains(.underline) { a |= ps_a_underline() }
            if st.attrs.contains(.dim) { a |= ps_a_dim() }
            if t.colors, i + 1 < ps_color_pairs() {
                func c(_ tc: ThemeColor) -> Int16 {
                    switch tc {
                    case .default: return -1
                    case .index(let n): return Int16(n < ps_colors() ? n : n % 8)
                    }
                }
                init_pair(Int16(i + 1), c(st.fg), c(st.bg))
                a |= ps_color_pair(Int32(i + 1))
            }
            attrs[role] = a
        }
    }

    mutating func invalidate() {
        previous = nil
        _ = ps_clearok(1)
    }

    mutating func draw(_ g: Grid) {
        let full = previous == nil || previous!.width != g.width || previous!.height != g.height
        if full { _ = ps_erase() }
        for y in 0..<g.height {
            if !full, let p = previous, rowEqual(p, g, y) { continue }
            drawRow(g, y)
        }
        if let c = g.cursor {
            curs_set(1)
            _ = ps_move(Int32(c.y), Int32(c.x))
        } else {
            curs_set(0)
            _ = ps_move(Int32(max(0, g.height - 1)), 0)
        }
        _ = ps_refresh()
        previous = g
    }

    func rowEqual(_ a: Grid, _ b: Grid, _ y: Int) -> Bool {
        for x in 0..<a.width where a[x, y] != b[x, y] { return false }
        return true
    }

    func drawRow(_ g: Grid, _ y: Int) {
        // The bottom-right cell is never written (it would scroll some terminals).
        let lastX = y == g.height - 1 ? g.width - 1 : g.width
        var x = 0
        while x < lastX {
            let role = g[x, y].role
            var run: [wchar_t] = []
            let start = x
            while x < lastX && g[x, y].role == role {
                let c = g[x, y]
                if !c.continuation {
                    if x + 1 < g.width && g[x + 1, y].continuation && x + 1 >= lastX {
                        run.append(wchar_t(32))  // a wide char cut by the corner: blank
                    } else {
                        for u in c.text.unicodeScalars { run.append(wchar_t(bitPattern: u.value)) }
                    }
                }
                x += 1
            }
            run.append(0)
            _ = ps_attrset(attrs[role] ?? ps_a_normal())
            run.withUnsafeBufferPointer { _ = ps_mvaddwstr(Int32(y), Int32(start), $0.baseAddress!) }
        }
        _ = ps_attrset(ps_a_normal())
    }
}
