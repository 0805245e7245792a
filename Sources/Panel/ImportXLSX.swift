import Foundation

extension DossierImport {
    /// Reads the sheet `sheet` (nil: the first) of workbook FILE.xlsx into dossiers, all or
    /// nothing as `readCSV` does. The header row is found, not assumed: it is the row among the
    /// first 20 that names the most form fields (a title row above it names none), after merged
    /// header cells are spread over their range. Cells are named in errors as Sheet!B7.
    public static func readXLSX(path: String, sheet: String? = nil, program: Program, existingIDs: Set<String> = []) throws -> [Dossier] {
        let wb = try XLSXWorkbook(path: path)
        let s = try wb.sheet(named: sheet)
        return try dossiers(from: s, path: path, program: program, existingIDs: existingIDs)
    }

    /// A header cell's field id: as `fieldID(forHeader:)`, also with the required-field mark
    /// (`*`, as `form --format xlsx` writes it) and line breaks inside the cell taken out.
    static func xlsxFieldID(_ header: String, program: Program) -> String? {
        var h = header.trimmingCharacters(in: .whitespacesAndNewlines)
        while let last = h.last, last == "*" || last == "＊" { h.removeLast() }
        h = h.trimmingCharacters(in: .whitespacesAndNewlines)
        if let id = fieldID(forHeader: h, program: program) { return id }
        let squeezed = String(h.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }.map(Character.init))
        return squeezed == h ? nil : fieldID(forHeader: squeezed, program: program)
    }

    static func dossiers(from sheet: XLSXSheet, path: String, program: Program, existingIDs: Set<String>) throws -> [Dossier] {
        func place(_ col: Int, _ row: Int, _ what: String? = nil) -> String {
            "\(sheet.name)!\(XLSXRef.name(col: col, row: row))" + (what.map { " " + $0 } ?? "")
        }
        // Rows by number, cells by column.
        var rows: [(number: Int, cells: [Int: String])] = sheet.rows.map { r in
            var d: [Int: String] = [:]
            for c in r.cells { d[c.col] = c.text }
            return (r.number, d)
        }
        var index: [Int: Int] = [:]
        for (i, r) in rows.enumerated() { index[r.number] = i }
        guard !rows.isEmpty else {
            throw InputError(path: path, field: sheet.name, message: localized("工作表“\(sheet.name)”是空的：应有一行表头（编号、姓名……）",
                                                                             "sheet '\(sheet.name)' is empty: it should have a header row (编号, 姓名 …)"))
        }
        // Header: the best-scoring of the first 20 rows, merged header cells spread first.
        let candidates = Array(rows.prefix(20).indices)
        let lastCandidateRow = rows[candidates.last ?? 0].number
        var filled = 0
        func spread(_ m: XLSXSheet.Merge, rowsUpTo limit: Int?) {
            let area = (m.r2 - m.r1 + 1) * (m.c2 - m.c1 + 1)
            guard area > 1, area <= 1 << 20, filled < 1 << 21 else { return }
            guard let top = index[m.r1], let v = rows[top].cells[m.c1] else { return }
            for r in m.r1...m.r2 {
                if let limit, r > limit { break }
                guard let i = index[r] else { continue }
                for c in m.c1...m.c2 where rows[i].cells[c] == nil { rows[i].cells[c] = v; filled += 1 }
            }
        }
        for m in sheet.merges where m.r1 <= lastCandidateRow { spread(m, rowsUpTo: lastCandidateRow) }
        var best = -1, bestScore = 0
        for i in candidates {
            let score = rows[i].cells.values.reduce(0) { $0 + (xlsxFieldID($1, program: program) == nil ? 0 : 1) }
            if score > bestScore { best = i; bestScore = score }
        }
        guard best >= 0 else {
            let first = rows[0]
            throw InputError(path: path, line: first.number, field: place(first.cells.keys.min() ?? 1, first.number),
                             message: localized("找不到表头行：前 20 行里没有一行写着表单的栏目（编号、姓名……）",
                                                "no header row: none of the first 20 rows names the form's fields (编号, 姓名 …)"))
        }
        let header = rows[best]
        var columns: [(col: Int, id: String)] = []
        var seen: [String: Int] = [:]
        for col in header.cells.keys.sorted() {
            let h = header.cells[col] ?? ""
            let trimmed = h.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let id = xlsxFieldID(trimmed, program: program) else {
                throw InputError(path: path, line: header.number, field: place(col, header.number, trimmed),
                                 message: localized("不认识的表头“\(trimmed)”（可用的表头见 design.md §4，例如 编号、姓名、出生日期）",
                                                    "unknown header '\(trimmed)' (headers are the form labels or ids, e.g. 编号/id, 姓名/name, 出生日期/birth_date)"))
            }
            if let first = seen[id] {
                throw InputError(path: path, line: header.number, field: place(col, header.number, trimmed),
                                 message: localized("\(XLSXRef.column(col)) 列与 \(XLSXRef.column(first)) 列是同一个字段（\(id)）",
                                                    "column \(XLSXRef.column(col)) names the same field (\(id)) as column \(XLSXRef.column(first))"))
            }
            seen[id] = col
            columns.append((col, id))
        }
        guard let idCol = seen["id"] else {
            throw InputError(path: path, line: header.number, field: place(header.cells.keys.min() ?? 1, header.number, "id"),
                             message: localized("表头行缺少“编号”列（每份材料的编号，用作文件名）",
                                                "the header row has no 编号 (id) column: each dossier needs an id, which names its file"))
        }
        // A merged cell running down the data (one unit for several people) holds for each row.
        for m in sheet.merges where m.r1 > header.number && m.c1 == m.c2 { spread(m, rowsUpTo: nil) }
        let named = Set(columns.map(\.col))
        var out: [Dossier] = []
        var lineOf: [String: Int] = [:]
        for r in rows[(best + 1)...] {
            var fields: [String: String] = [:]
            var blank = true
            for (col, v) in r.cells where !clean(v).isEmpty {
                blank = false
                if !named.contains(col) {
                    throw InputError(path: path, line: r.number, field: place(col, r.number),
                                     message: localized("\(XLSXRef.column(col)) 列有内容但没有表头", "column \(XLSXRef.column(col)) has a value but no header"))
                }
            }
            if blank { continue }
            for (col, id) in columns {
                let v = clean(r.cells[col] ?? "")
                if !v.isEmpty { fields[id] = v }
            }
            do {
                out.append(try makeDossier(fields, path: path, line: r.number, existingIDs: existingIDs, lineOf: &lineOf))
            } catch var e as InputError {
                e.field = place(idCol, r.number, e.field ?? "id")
                throw e
            }
        }
        return out
    }
}
