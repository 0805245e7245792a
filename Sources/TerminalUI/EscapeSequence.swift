import Panel

/// Escape sequences that curses' terminfo did not turn into a key: what PuTTY, Xshell, rxvt and
/// the Linux console send under a TERM whose terminfo entry says otherwise (PuTTY's Home is
/// `ESC [ 1 ~` and its F1 `ESC [ 1 1 ~`, while xterm's terminfo has `ESC O H` and `ESC O P`).
/// Curses hands such a sequence over as ESC followed by its characters; without decoding, the
/// ESC alone read as Esc and left the sheet. The forms are those of ECMA-48 (CSI: `ESC [`
/// parameters, then one final byte 0x40–0x7E; SS3: `ESC O` and one byte) with the key codes of
/// xterm's ctlseqs ("PC-Style Function Keys", "VT220-Style Function Keys"), rxvt and the Linux
/// console (`ESC [ [ A` … `ESC [ [ E` for F1–F5).
public enum EscapeSequence {
    public enum Decoded: Equatable, Sendable {
        /// A key this UI knows.
        case key(Key)
        /// A whole sequence of no key we know (its text, for a word on the message line).
        case unknown(String)
        /// Not complete yet: read another character.
        case incomplete
        /// ESC then an ordinary character: not a sequence. The caller takes ESC as Esc (or Alt)
        /// and hands the characters on as keys of their own.
        case notASequence
    }

    /// The longest sequence read before giving up (a stuck or hostile stream cannot make us
    /// read forever).
    public static let maxLength = 16

    /// Decodes the characters that followed ESC.
    public static func decode(_ after: [Character]) -> Decoded {
        guard let first = after.first else { return .incomplete }
        if after.count > maxLength { return .unknown(text(after)) }
        switch first {
        case "O":
            guard after.count >= 2 else { return .incomplete }
            guard after.count == 2 else { return .unknown(text(after)) }
            return ss3(after[1]).map(Decoded.key) ?? .unknown(text(after))
        case "[":
            // Linux console F1–F5: ESC [ [ A … E.
            if after.count >= 2, after[1] == "[" {
                guard after.count >= 3 else { return .incomplete }
                let f: [Character: Int] = ["A": 1, "B": 2, "C": 3, "D": 4, "E": 5]
                return after.count == 3 ? (f[after[2]].map { .key(.function($0)) } ?? .unknown(text(after))) : .unknown(text(after))
            }
            guard let last = after.last, after.count >= 2, isFinal(last) else {
                // Parameter and intermediate bytes (0x20–0x3F) may go on; anything else ends it.
                if after.count >= 2, let last = after.last, !(" "..."?").contains(last) { return .unknown(text(after)) }
                return .incomplete
            }
            let params = String(after[1..<(after.count - 1)])
            return csi(params: params, final: last).map(Decoded.key) ?? .unknown(text(after))
        default:
            return .notASequence
        }
    }

    static func isFinal(_ c: Character) -> Bool { ("@"..."~").contains(c) }

    /// The final bytes SS3 and CSI share: cursor keys, Home/End, PC-style F1–F4.
    static let commonFinals: [Character: Key] = [
        "A": .up, "B": .down, "C": .right, "D": .left, "H": .home, "F": .end,
        "P": .function(1), "Q": .function(2), "R": .function(3), "S": .function(4),
    ]

    /// SS3 (`ESC O x`): xterm's application cursor keys, PC-style F1–F4 and the keypad in
    /// application mode.
    static func ss3(_ c: Character) -> Key? {
        if let k = commonFinals[c] { return k }
        switch c {
        case "M": return .enter
        // Keypad in application mode: ESC O j … y are * + , - . / 0 … 9, ESC O X is =.
        case "X": return .char("=")
        default:
            guard let v = c.asciiValue, v >= 0x6A, v <= 0x79 else { return nil }
            return .char(Character(Unicode.Scalar(Array("*+,-./0123456789".utf8)[Int(v - 0x6A)])))
        }
    }

    /// CSI (`ESC [ params final`). Modifiers (`1;5A`, `15;2~`) are read past: Ctrl-↓ moves as ↓.
    static func csi(params: String, final: Character) -> Key? {
        let fields = params.split(separator: ";", omittingEmptySubsequences: false)
        guard fields.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
        let n = fields.first.flatMap { Int($0) }
        if let k = commonFinals[final] { return k }
        switch final {
        case "Z": return .backTab
        case "~":
            switch n {
            case 1, 7: return .home        // VT220 Find / rxvt Home; PuTTY's Home
            case 4, 8: return .end         // VT220 Select / rxvt End; PuTTY's End
            case 3: return .delete
            case 5: return .pageUp
            case 6: return .pageDown
            case 11: return .function(1)   // PuTTY/Xshell (ESC [n~) and rxvt F1–F4
            case 12: return .function(2)
            case 13: return .function(3)
            case 14: return .function(4)
            case 15: return .function(5)
            case 17: return .function(6)
            case 18: return .function(7)
            case 19: return .function(8)
            case 20: return .function(9)
            case 21: return .function(10)
            case 23: return .function(11)
            case 24: return .function(12)
            default: return nil
            }
        default: return nil
        }
    }

    /// The word on the message line for a sequence that was ignored.
    public static func ignoredMessage(_ after: [Character], _ lang: Language) -> String {
        let t = text(after)
        return lang.pick("未识别的按键序列 \(t)，已忽略（终端类型 TERM 与终端不符？）", "unknown key sequence \(t) ignored (does TERM match the terminal?)")
    }

    /// The sequence as it can be shown: ESC written as `ESC`, controls as `^X`.
    public static func text(_ after: [Character]) -> String {
        "ESC " + String(after.prefix(maxLength).map { c -> String in
            guard let v = c.unicodeScalars.first?.value, c.unicodeScalars.count == 1 else { return "?" }
            if v < 0x20 { return "^" + String(Character(Unicode.Scalar(UInt8(v + 0x40)))) }
            if v > 0x7E { return "?" }
            return String(c)
        }.joined())
    }
}
