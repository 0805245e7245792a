import Testing
import Panel
@testable import TerminalUI

/// Issue 17, keys over SSH: sequences curses' terminfo does not know arrive as ESC and their
/// characters; they decode to keys or are ignored, never taken as Esc.
@Suite struct EscapeSequenceTests {
    static func decode(_ s: String) -> EscapeSequence.Decoded { EscapeSequence.decode(Array(s)) }

    /// xterm (normal and application mode), PuTTY/Xshell, rxvt and the Linux console.
    @Test(arguments: [
        ("[A", Key.up), ("[B", .down), ("[C", .right), ("[D", .left), ("OA", .up), ("OB", .down),
        ("[H", .home), ("[F", .end), ("OH", .home), ("OF", .end),
        ("[1~", .home), ("[7~", .home), ("[4~", .end), ("[8~", .end),                   // PuTTY, rxvt
        ("[3~", .delete), ("[5~", .pageUp), ("[6~", .pageDown), ("[Z", .backTab),
        ("OP", .function(1)), ("OQ", .function(2)), ("OR", .function(3)), ("OS", .function(4)),  // xterm
        ("[11~", .function(1)), ("[12~", .function(2)), ("[13~", .function(3)), ("[14~", .function(4)), // PuTTY, rxvt
        ("[[A", .function(1)), ("[[E", .function(5)),                                       // Linux console
        ("[15~", .function(5)), ("[17~", .function(6)), ("[21~", .function(10)), ("[24~", .function(12)),
        ("[1;5B", .down), ("[15;2~", .function(5)), ("[1;2P", .function(1)),              // with modifiers
        ("OM", .enter), ("Op", .char("0")), ("Oy", .char("9")), ("Oj", .char("*")), ("Oo", .char("/")),  // keypad
    ])
    func knownSequences(_ text: String, _ key: Key) {
        #expect(Self.decode(text) == .key(key), "ESC \(text)")
    }

    /// Every proper prefix of a known sequence asks for more: a split sequence is waited for.
    @Test func prefixesAreIncomplete() {
        for s in ["[11~", "[1;5B", "[[A", "OP", "[24~"] {
            let chars = Array(s)
            for n in 1..<chars.count {
                #expect(EscapeSequence.decode(Array(chars[0..<n])) == .incomplete, "ESC \(String(chars[0..<n]))")
            }
        }
    }

    /// Whole sequences of no key: reported with their text, never Esc.
    @Test(arguments: ["[99~", "[?1;2c", "Oz", "[<0;10;5M", "[1;5X", "[[Z"])
    func unknownSequences(_ text: String) {
        guard case .unknown(let shown) = Self.decode(text) else {
            Issue.record("ESC \(text): \(Self.decode(text))"); return
        }
        #expect(shown.hasPrefix("ESC "))
    }

    /// ESC and an ordinary character is not a sequence (Alt-x, or Esc then x).
    @Test func escapeThenACharacter() {
        #expect(Self.decode("x") == .notASequence)
        #expect(Self.decode("1") == .notASequence)
    }

    /// A stream that never ends a sequence stops being read at the limit; controls and
    /// non-ASCII are shown escaped (nothing reaches the terminal raw).
    @Test func hostileStreamsAreBounded() {
        let long = "[" + String(repeating: "1", count: 40)
        var ended: EscapeSequence.Decoded = .incomplete
        var read = 0
        for n in 1...Array(long).count {
            read = n
            ended = EscapeSequence.decode(Array(Array(long)[0..<n]))
            if ended != .incomplete { break }
        }
        #expect(read <= EscapeSequence.maxLength + 1)
        guard case .unknown = ended else { Issue.record("\(ended)"); return }
        #expect(Self.decode("[\u{7}\u{1B}x") != .incomplete)
        let shown = EscapeSequence.text(Array("[\u{7}\u{202E}é"))
        #expect(!shown.unicodeScalars.contains { $0.value < 0x20 || $0.value > 0x7E })
        #expect(EscapeSequence.ignoredMessage(Array("[99~"), .en).contains("ESC [99~"))
        #expect(EscapeSequence.ignoredMessage(Array("[99~"), .zh).contains("已忽略"))
    }
}
