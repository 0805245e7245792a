import Foundation

/// The programme's own application form (申报表) as a sheet of columns: one place that says
/// which fields a blank form prints and in what order, in either language. `pingshen form`
/// prints it (CSV here; other formats build on `columns` and `headers`), `import` reads any
/// sheet whose headers are these labels, their aliases, the field ids, or the standard labels
/// of design.md §4 (`DossierImport.fieldID`).
public enum ProgramForm {
    /// The fields the programme's own form prints, in its order (`FieldSpec.printed`).
    public static func columns(_ p: Program) -> [FieldSpec] { p.fields.filter(\.printed) }

    /// The fields the programme accepts and checks when a sheet carries them, though its own
    /// form does not print them (Hangzhou: 国籍, 工会会员, 从业年限 … which seed 003 requires but
    /// its annex does not ask).
    public static func extraColumns(_ p: Program) -> [FieldSpec] { p.fields.filter { !$0.printed } }

    /// The header row in `lang`.
    public static func headers(_ p: Program, lang: Language) -> [String] { columns(p).map { $0.label.text(lang) } }

    /// The blank form as CSV: one header row, CRLF line end, no BOM (what a secretary circulates
    /// and imports back).
    public static func csv(_ p: Program, lang: Language = .zh) -> String { CSV.write([headers(p, lang: lang)]) }

    /// The formats `pingshen form` writes.
    public static let formats = ["csv", "xlsx"]
}
