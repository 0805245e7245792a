import Foundation

extension ProgramForm {
    /// The rows a blank workbook form lists (`XLSXWriter.formRows`) are validated for.
    static let validatedRows = 2...(XLSXWriter.formRows + 1)

    /// The choices a field's cell offers: its own `choices` (是/否, 男/女, the channels as the
    /// form prints them), else for 推荐方式 the programme's `channels`.
    public static func choices(_ f: FieldSpec, program p: Program) -> [String]? {
        if let c = f.choices, !c.isEmpty { return c }
        if f.id == "channel", !p.channels.isEmpty { return p.channels }
        return nil
    }

    /// The fields kept as typed (an id such as 001, a telephone number): formatted as text.
    static let textFields: Set<String> = ["id", "phone", "mobile", "id_number", "unit_rank", "postcode"]

    /// The blank form as a workbook (issue 15): sheet 1 is the form, one header row of the
    /// programme's labels with a "*" after each required one (import reads the label with or
    /// without it), bold and frozen, ids and telephone numbers formatted as text, and a list
    /// for each field with choices (是/否, 男/女, the channels); sheet 2 says what the marks mean,
    /// field by field.
    public static func xlsx(_ p: Program, lang: Language = .zh) throws -> Data {
        let cols = columns(p)
        var widths: [Int: Int] = [:], text: Set<Int> = [], validations: [XLSXWriter.Validation] = []
        var header: [XLSXWriter.Value] = []
        for (i, f) in cols.enumerated() {
            let label = f.label.text(lang) + (f.required ? "*" : "")
            header.append(.text(label))
            widths[i + 1] = f.id == "deeds" ? 60 : min(40, max(10, DisplayWidth.of(label) + 2))
            if textFields.contains(f.id) { text.insert(i + 1) }
            if let c = choices(f, program: p) { validations.append(.init(column: i + 1, rows: validatedRows, choices: c)) }
        }
        let form = XLSXWriter.Sheet(name: lang.pick("申报表", "Form"), rows: [header], headerRows: 1, widths: widths,
                                    textColumns: text, validations: validations)
        // The notes sheet: each column, whether it is required, what it takes.
        var notes: [[XLSXWriter.Value]] = [[.text(lang.pick("栏目", "Field")), .text(lang.pick("必填", "Required")), .text(lang.pick("可选值或限制", "Choices or limits"))]]
        for f in cols {
            var limit: [String] = []
            if let c = choices(f, program: p) { limit.append(c.joined(separator: lang.pick("、", ", "))) }
            if let m = f.maxChars { limit.append(lang.pick("不超过 \(m) 字", "at most \(m) characters")) }
            notes.append([.text(f.label.text(lang)), .text(f.required ? lang.pick("是（表头带 *）", "yes (marked *)") : ""), .text(limit.joined(separator: "; "))])
        }
        notes.append([])
        notes.append([.text(p.title.text(lang) + " — " + p.organiser.text(lang) + (p.document.isEmpty ? "" : " " + p.document))])
        let about = XLSXWriter.Sheet(name: lang.pick("填表说明", "Notes"), rows: notes, headerRows: 1, widths: [1: 24, 2: 16, 3: 60])
        return try XLSXWriter.workbook([form, about])
    }
}
