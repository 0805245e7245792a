import Foundation

/// The one escaper for text written into an HTML page (the public notice, issue 15). Dossier
/// fields, the programme's texts and the store's paths come from people who may be hostile; on a
/// web page they must stay text, in element content and in quoted attribute values alike.
///
/// - The five characters that end text or an attribute (`&`, `<`, `>`, `"`, `'`) become the
///   entities `&amp; &lt; &gt; &quot; &#39;` (HTML Living Standard §13.2.5, the tokenizer's
///   data, tag-open and attribute-value states; OWASP XSS Prevention rule 1 and 2). These five
///   are also XML's, so a page made with them stays well-formed XML (the tests parse it so).
/// - What `TerminalText` never shows raw is never written raw here either, and not as a
///   character reference (`&#x202E;` would be the bidi override again once parsed): C0 and C1
///   controls, the bidi formatting characters (UAX #9; CVE-2021-42574), zero-width and other
///   invisible characters become the visible ASCII `\u{XXXX}`. LF, CR and TAB become a space
///   (one line per cell), or with `keepLineBreaks`, LF stays a line break (`<br/>`).
/// - Noncharacters U+FDD0–FDEF and U+xFFFE/xFFFF, which HTML's parser reports as errors, are
///   shown the same way.
public enum HTMLText {
    @inline(__always) static func isNoncharacter(_ v: UInt32) -> Bool {
        (0xFDD0...0xFDEF).contains(v) || (v & 0xFFFE) == 0xFFFE
    }

    /// `s` as text for element content or a double- or single-quoted attribute value.
    public static func escape(_ s: String, keepLineBreaks: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n": out += keepLineBreaks ? "<br/>" : " "
            case "\r", "\t": out += " "
            default:
                if TerminalText.isUnsafe(u) || isNoncharacter(u.value) {
                    out += TerminalText.visible(u)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    /// The first `limit` characters (grapheme clusters, as a reader counts them) of `s`, its
    /// runs of white space (line breaks included) made one space, with "…" where it was cut.
    public static func extract(_ s: String, limit: Int) -> String {
        let words = s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard limit > 0 else { return "" }
        guard words.count > limit else { return words }
        return String(words.prefix(limit)) + "…"
    }
}
