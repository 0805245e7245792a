import Foundation

/// The one sanitiser for text shown on a terminal: every table, report and message of the CLI
/// and every cell of the UI goes through `sanitize`. Dossier fields, comments, reasons, ids and
/// file names come from people who may be hostile; on a terminal they must stay text.
///
/// Made visible as `\u{XXXX}` (ASCII, so widths stay predictable), never passed through:
///   * C0 controls U+0000–001F and DEL U+007F (ECMA-48: ESC starts CSI/OSC sequences such as
///     OSC 52, which writes the clipboard; CR and BS overwrite what was printed; BEL rings),
///     and C1 controls U+0080–009F (ECMA-48 8-bit CSI U+009B, OSC U+009D …);
///   * bidirectional formatting characters (Unicode UAX #9: LRE/RLE/PDF/LRO/RLO U+202A–202E,
///     LRI/RLI/FSI/PDI U+2066–2069, LRM/RLM U+200E/200F, ALM U+061C), which reorder what a
///     reader sees ("Trojan Source", CVE-2021-42574);
///   * invisible characters that hide or join text: ZWSP/ZWNJ/ZWJ U+200B–200D, WJ and the
///     invisible operators U+2060–2064, ZWNBSP/BOM U+FEFF, the line and paragraph separators
///     U+2028/2029, the interlinear annotation marks U+FFF9–FFFB and the tag characters
///     U+E0000–E007F.
/// LF, CR and TAB are shown as `\n`, `\r`, `\t` (a table cell stays on its line); with
/// `keepLineBreaks` LF and TAB are kept for text that is wrapped or printed as paragraphs.
///
/// JSON output is not a terminal rendering: JSONText escapes it by JSON's own rules (RFC 8259).
public enum TerminalText {
    /// Whether `u` is one of the scalars above (never shown as itself).
    @inline(__always) public static func isUnsafe(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v < 0x20 || (v >= 0x7F && v <= 0x9F) { return true }
        if v < 0x61C { return false }
        switch v {
        case 0x061C, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF,
             0xFFF9...0xFFFB, 0xE0000...0xE007F:
            return true
        default:
            return false
        }
    }

    /// The visible form of an unsafe scalar, `\u{XXXX}` (uppercase hex, ASCII): the one form
    /// every rendering uses (the terminal, the HTML notice, the workbooks, Markdown).
    public static func visible(_ u: Unicode.Scalar) -> String {
        "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
    }

    /// `s` with every unsafe scalar made visible (see above).
    public static func sanitize(_ s: String, keepLineBreaks: Bool = false) -> String {
        // Plain printable ASCII (the usual id, number or English word) is returned as it is.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return s }
        guard s.unicodeScalars.contains(where: isUnsafe) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            guard isUnsafe(u) else { out.append(u); continue }
            switch u {
            case "\n": if keepLineBreaks { out.append(u) } else { out.append(contentsOf: "\\n".unicodeScalars) }
            case "\t": if keepLineBreaks { out.append(u) } else { out.append(contentsOf: "\\t".unicodeScalars) }
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            default: out.append(contentsOf: visible(u).unicodeScalars)
            }
        }
        return String(out)
    }

    /// `s` sanitised and in quotes, for messages that show a value someone typed (an id with
    /// a newline shows as 'm1\nssh-ed25519 …', on one line).
    public static func quoted(_ s: String) -> String { "'" + sanitize(s) + "'" }
}
