/// A value written into a Markdown export (the lists of `export --format md`). A cell or a line
/// of the public notice holds what a member typed (a name, a unit, the chair's reason): it must
/// stay on its line and in its cell, so a line break cannot start a heading or a row of its own
/// and a `|` cannot open a column. Controls, bidi and invisible characters show as
/// `TerminalText.sanitize` shows them (`\n`, `\u{202E}`); `|` is escaped.
public enum MarkdownText {
    public static func cell(_ s: String) -> String {
        TerminalText.sanitize(s).replacingOccurrences(of: "|", with: "\\|")
    }
}
