import Foundation
import Yams
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Importing nominations (申报材料) from CSV or YAML into a store, all or nothing.
public enum DossierImport {
    public enum Encoding: String, Sendable, CaseIterable { case auto, utf8 = "utf-8", gb18030 }

    /// The field id a CSV header or YAML key names: a field of the programme (its id, Chinese or
    /// English label, or an alias: the labels of the programme's own form come first), else a
    /// standard label or id of design.md §4. A header with a trailing note in brackets
    /// ("主要事迹简介（600字以内，详细材料请另附）") is also read without it. Nil when unknown.
    public static func fieldID(forHeader header: String, program: Program) -> String? {
        let h = DossierFields.headerKey(header)
        if let id = match(h, program) { return id }
        if h.hasSuffix("）"), let open = h.lastIndex(of: "（"), open > h.startIndex {
            return match(String(h[..<open]), program)
        }
        return nil
    }

    static func match(_ h: String, _ program: Program) -> String? {
        for f in program.fields {
            let names = [f.id, f.label.zh, f.label.en] + (f.aliases ?? [])
            if names.contains(where: { DossierFields.headerKey($0) == h }) { return f.id }
        }
        return DossierFields.id(forHeader: h)
    }

    /// Parses FILE (.csv, or .yaml/.yml) into dossiers, validated against the programme and the
    /// existing ids. Throws `InputError` (file, line, field).
    public static func read(path: String, program: Program, encoding: Encoding = .auto, sheet: String? = nil, existingIDs: Set<String> = []) throws -> [Dossier] {
        try readNumbered(path: path, program: program, encoding: encoding, sheet: sheet, existingIDs: existingIDs).dossiers
    }

    /// `read`, saying whether the ids were given by the file or numbered in row order because it
    /// has no 编号 column (`AutoNumber`). A workbook (.xlsx) always gives its ids.
    public static func readNumbered(path: String, program: Program, encoding: Encoding = .auto, sheet: String? = nil, existingIDs: Set<String> = []) throws -> (dossiers: [Dossier], numbered: Bool) {
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "xlsx" || ext == "xlsm" || ext == "xls" {
            return (try readXLSX(path: path, sheet: sheet, program: program, existingIDs: existingIDs), false)
        }
        if sheet != nil {
            throw InputError(path: path, field: "--sheet", message: localized("--sheet 只用于 .xlsx 工作簿", "--sheet applies to .xlsx workbooks only"))
        }
        let data = try InputFile.read(path, limit: InputFile.importLimit)
        switch ext {
        case "csv", "txt":
            return try readCSVNumbered(data: data, path: path, program: program, encoding: encoding, existingIDs: existingIDs)
        case "yaml", "yml":
            return try readYAMLNumbered(data: data, path: path, program: program, encoding: encoding, existingIDs: existingIDs)
        default:
            throw InputError(path: path, message: localized("不认识的文件类型“.\(ext)”：请用 .xlsx、.csv、.yaml 或 .yml",
                                                            "unknown file type '.\(ext)': use .xlsx, .csv, .yaml or .yml"))
        }
    }

    // MARK: CSV

    /// A blank CSV form for `program` (`ProgramForm.csv`).
    public static func csvTemplate(for program: Program, lang: Language = .zh) -> String {
        ProgramForm.csv(program, lang: lang)
    }

    public static func readCSV(data: Data, path: String, program: Program, encoding: Encoding = .auto, existingIDs: Set<String> = []) throws -> [Dossier] {
        try readCSVNumbered(data: data, path: path, program: program, encoding: encoding, existingIDs: existingIDs).dossiers
    }

    static func readCSVNumbered(data: Data, path: String, program: Program, encoding: Encoding, existingIDs: Set<String>) throws -> (dossiers: [Dossier], numbered: Bool) {
        let text = try TextDecoding.decode(data, path: path, encoding: encoding).text
        let records = try CSV.parse(text, path: path)
        guard let headerIndex = records.firstIndex(where: { !$0.isBlank }) else {
            throw InputError(path: path, line: 1, message: localized("文件是空的：第一行应是表头（编号、姓名……）",
                                                                     "the file is empty: the first line should be the header (编号, 姓名 …)"))
        }
        let header = records[headerIndex]
        var ids: [String] = []
        var seenColumn: [String: Int] = [:]
        // Spreadsheets save trailing empty columns ("编号,姓名,,"): they are ignored as long as
        // no row has a value in them.
        var named = header.fields
        while let last = named.last, last.trimmingCharacters(in: .whitespaces).isEmpty { named.removeLast() }
        let savedWidth = header.fields.count
        for (col, h) in named.enumerated() {
            let trimmed = h.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                throw InputError(path: path, line: header.line, field: columnName(col + 1),
                                 message: localized("第 \(col + 1) 列的表头是空的", "the header of column \(col + 1) is empty"))
            }
            guard let id = fieldID(forHeader: trimmed, program: program) else {
                throw InputError(path: path, line: header.line, field: trimmed,
                                 message: localized("不认识的表头“\(trimmed)”（可用的表头见 design.md §4，例如 编号、姓名、出生日期）",
                                                    "unknown header '\(trimmed)' (headers are the form labels or ids, e.g. 编号/id, 姓名/name, 出生日期/birth_date)"))
            }
            if let first = seenColumn[id] {
                throw InputError(path: path, line: header.line, field: trimmed,
                                 message: localized("第 \(col + 1) 列与第 \(first + 1) 列是同一个字段（\(id)）",
                                                    "column \(col + 1) names the same field (\(id)) as column \(first + 1)"))
            }
            seenColumn[id] = col
            ids.append(id)
        }
        // A sheet without 编号 (the Hangzhou annex has none): numbered in row order (`AutoNumber`).
        let numbered = !ids.contains("id")
        var numbers = AutoNumber(program: program, existing: existingIDs)
        var out: [Dossier] = []
        var lineOf: [String: Int] = [:]
        for rec in records[(headerIndex + 1)...] where !rec.isBlank {
            if rec.fields.count > ids.count && rec.fields.count <= savedWidth {
                if let extra = rec.fields[ids.count...].firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                    throw InputError(path: path, line: rec.line, field: columnName(extra + 1),
                                     message: localized("第 \(extra + 1) 列有内容但没有表头", "column \(extra + 1) has a value but no header"))
                }
            } else if rec.fields.count != ids.count {
                let field = rec.fields.count > ids.count ? columnName(ids.count + 1) : columnName(rec.fields.count + 1)
                throw InputError(path: path, line: rec.line, field: field,
                                 message: rec.fields.count > ids.count
                                    ? localized("这一行有 \(rec.fields.count) 个字段，比表头的 \(ids.count) 列多（未加引号的逗号？）",
                                                "this row has \(rec.fields.count) fields, more than the \(ids.count) columns of the header (an unquoted comma?)")
                                    : localized("这一行只有 \(rec.fields.count) 个字段，表头有 \(ids.count) 列（未加引号的换行？）",
                                                "this row has only \(rec.fields.count) fields, the header has \(ids.count) columns (an unquoted line break?)"))
            }
            var fields: [String: String] = [:]
            for (k, id) in ids.enumerated() {
                let v = clean(rec.fields[k])
                if !v.isEmpty { fields[id] = v }
            }
            if numbered { fields["id"] = numbers.next() }
            let d = try makeDossier(fields, path: path, line: rec.line, existingIDs: existingIDs, lineOf: &lineOf)
            out.append(d)
        }
        return (out, numbered)
    }

    // MARK: YAML

    public static func readYAML(data: Data, path: String, program: Program, encoding: Encoding = .auto, existingIDs: Set<String> = []) throws -> [Dossier] {
        try readYAMLNumbered(data: data, path: path, program: program, encoding: encoding, existingIDs: existingIDs).dossiers
    }

    static func readYAMLNumbered(data: Data, path: String, program: Program, encoding: Encoding, existingIDs: Set<String>) throws -> (dossiers: [Dossier], numbered: Bool) {
        let text = try TextDecoding.decode(data, path: path, encoding: encoding).text
        let root: Node?
        try YAMLBounds.check(text, path: path)
        do {
            root = try Yams.compose(yaml: text)
        } catch let e as YamlError {
            throw InputError(path: path, line: yamlLine(e), message: localized("YAML 格式错误：\(e)", "malformed YAML: \(e)"))
        }
        guard var node = root else { return ([], false) }
        if case .mapping(let m) = node, let list = m["dossiers"] { node = list }
        guard case .sequence(let seq) = node else {
            throw InputError(path: path, line: node.mark?.line,
                             message: localized("应是一个列表：每项一份材料（键为字段编号或中文表头）",
                                                "expected a list with one mapping per dossier (keys are field ids or Chinese labels)"))
        }
        var out: [Dossier] = []
        var lineOf: [String: Int] = [:]
        var items: [(fields: [String: String], line: Int?)] = []
        for item in seq {
            let line = item.mark?.line
            guard case .mapping(let mapping) = item else {
                throw InputError(path: path, line: line, message: localized("列表的每一项应是一份材料（键: 值）",
                                                                            "each item of the list should be a mapping (key: value)"))
            }
            var fields: [String: String] = [:]
            for (k, v) in mapping {
                let key = k.string ?? ""
                guard let id = fieldID(forHeader: key, program: program) else {
                    throw InputError(path: path, line: k.mark?.line ?? line, field: key,
                                     message: localized("不认识的字段“\(key)”", "unknown field '\(key)'"))
                }
                if fields[id] != nil {
                    throw InputError(path: path, line: k.mark?.line ?? line, field: key,
                                     message: localized("字段“\(key)”重复（\(id)）", "field '\(key)' given twice (\(id))"))
                }
                let value: String
                switch v {
                case .scalar(let s):
                    value = (s.style == .plain && (s.string == "~" || s.string == "null" || s.string == "Null" || s.string == "NULL")) ? "" : s.string
                case .sequence(let items):
                    var parts: [String] = []
                    for it in items {
                        guard case .scalar(let s) = it else {
                            throw InputError(path: path, line: it.mark?.line ?? line, field: key,
                                             message: localized("列表里只能写文字", "a list value may hold only text"))
                        }
                        parts.append(s.string)
                    }
                    value = parts.joined(separator: "、")
                default:
                    throw InputError(path: path, line: v.mark?.line ?? line, field: key,
                                     message: localized("值应是文字，不能是嵌套的映射", "the value should be text, not a nested mapping"))
                }
                let c = clean(value)
                if !c.isEmpty { fields[id] = c }
            }
            items.append((fields, line))
        }
        // No item names an id: numbered in order, as a sheet without 编号 is.
        let numbered = !items.isEmpty && items.allSatisfy { $0.fields["id"] == nil }
        var numbers = AutoNumber(program: program, existing: existingIDs)
        for var it in items {
            if numbered { it.fields["id"] = numbers.next() }
            out.append(try makeDossier(it.fields, path: path, line: it.line ?? 0, existingIDs: existingIDs, lineOf: &lineOf))
        }
        return (out, numbered)
    }

    static func yamlLine(_ e: YamlError) -> Int? {
        switch e {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }

    static func clean(_ v: String) -> String {
        // (a stray BOM at either end is never meant, and YAML readers drop a leading one)
        DateText.trimmed(v.utf8.contains(13) ? v.replacingOccurrences(of: "\r\n", with: "\n") : v)
    }

    static func makeDossier(_ fields: [String: String], path: String, line: Int, existingIDs: Set<String>, lineOf: inout [String: Int]) throws -> Dossier {
        guard let id = fields["id"], !id.isEmpty else {
            throw InputError(path: path, line: line, field: "id", message: localized("编号是空的", "the id (编号) is blank"))
        }
        guard isSafeFileName(id) else {
            throw InputError(path: path, line: line, field: "id",
                             message: localized("编号“\(id)”不能用作文件名：只能用 1–64 个英文字母、数字、- _ .，且不以 . 开头",
                                                "id '\(id)' is not a safe file name: use 1–64 letters, digits, '-', '_' or '.', not starting with '.'"))
        }
        if let first = lineOf[id] {
            throw InputError(path: path, line: line, field: "id",
                             message: localized("编号“\(id)”重复：第 \(first) 行已经用过", "duplicate id '\(id)': already used on line \(first)"))
        }
        if existingIDs.contains(id) {
            throw InputError(path: path, line: line, field: "id",
                             message: localized("编号“\(id)”在评审库中已经存在", "id '\(id)' already exists in the store"))
        }
        lineOf[id] = line
        return Dossier(id: id, fields: fields)
    }

    // MARK: writing

    /// The YAML text of a dossier file (STORE/dossiers/ID.yaml): `id` first, then the fields in
    /// form order (design.md §4, then any others by id), one value per line in double quotes,
    /// multi-line text (the deeds) as a literal block so that it reads as written. The same
    /// dossier always gives the same bytes; `Dossier`'s Codable reads it back unchanged.
    public static func yaml(_ d: Dossier) throws -> String {
        var out = "id: " + yamlQuoted(d.id) + "\nfields:\n"
        let order = fieldOrder
        let keys = d.fields.keys.sorted { a, b in
            let ia = order[a] ?? Int.max, ib = order[b] ?? Int.max
            return ia != ib ? ia < ib : a < b
        }
        for k in keys {
            let v = d.fields[k] ?? ""
            out += "  " + yamlKey(k) + ":"
            if let block = yamlLiteralBlock(v, indent: "    ") { out += block } else { out += " " + yamlQuoted(v) + "\n" }
        }
        return out
    }

    /// design.md §4's field ids → their place in the form (made once, not per dossier).
    static let fieldOrder = Dictionary(uniqueKeysWithValues: DossierFields.all.enumerated().map { ($1.id, $0) })

    static func yamlKey(_ k: String) -> String {
        // [A-Za-z0-9_-], not starting with a digit, and not a word YAML 1.1 reads as a boolean
        // or null (the field ids: name, birth_date …).
        let u = k.utf8
        let plain = !u.isEmpty && u.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D }
            && !(u.first! >= 0x30 && u.first! <= 0x39)
            && (u.count > 5 || !["y", "n", "yes", "no", "on", "off", "true", "false", "null"].contains(k.lowercased()))
        return plain ? k : yamlQuoted(k)
    }

    /// A YAML double-quoted scalar; escapes what YAML would fold or refuse (controls, NEL,
    /// line/paragraph separators, BOM, non-characters).
    static func yamlQuoted(_ s: String) -> String {
        JSONText.quoted(s, uppercaseHex: true) { v in
            v < 0x20 || (v >= 0x7F && v <= 0x9F) || v == 0x2028 || v == 0x2029 || v == 0xFEFF || v == 0xFFFE || v == 0xFFFF
        }
    }

    /// " |\n    line\n    line\n" when `s` is multi-line text a literal block keeps exactly; nil
    /// when it needs quoting (leading space or line break, blank-looking lines, controls, \r).
    static func yamlLiteralBlock(_ s: String, indent: String) -> String? {
        guard s.utf8.contains(0x0A), let first = s.unicodeScalars.first, first != " ", first != "\n", first != "\t" else { return nil }
        for u in s.unicodeScalars {
            let v = u.value
            if (v < 0x20 && u != "\n") || (v >= 0x7F && v <= 0x9F) || v == 0x2028 || v == 0x2029 || v == 0xFEFF || v == 0xFFFE || v == 0xFFFF {
                return nil
            }
        }
        var body = Substring(s)
        let chomp: String
        if body.hasSuffix("\n\n") { return nil }
        if body.hasSuffix("\n") { chomp = "|"; body = body.dropLast() } else { chomp = "|-" }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        // a line of only spaces would be read as indentation
        if lines.contains(where: { !$0.isEmpty && $0.allSatisfy { $0 == " " } }) { return nil }
        var out = " " + chomp + "\n"
        for l in lines { out += l.isEmpty ? "\n" : indent + l + "\n" }
        return out
    }

    /// All or nothing into STORE/dossiers (see `DossierStaging`): FILE is read and checked, its
    /// new dossiers staged and linked into place, then `commit` signs the record that names them
    /// (the `intake` record, the commit point); if `commit` throws, what was linked is removed
    /// again. Returns the dossiers imported (ids already there with the same bytes are skipped).
    @discardableResult
    public static func importFile(path: String, into store: PanelStore, encoding: Encoding = .auto, sheet: String? = nil,
                                  commit: ([(id: String, file: DossierFile)]) throws -> Void = { _ in }) throws -> [Dossier] {
        try publish(try readForImport(path: path, into: store, encoding: encoding, sheet: sheet).new, into: store.layout, source: path, commit: commit)
    }

    /// Stages `dossiers`, links them into `layout.dossiersDir` and calls `commit` (see `importFile`).
    @discardableResult
    public static func publish(_ dossiers: [Dossier], into layout: StoreLayout, source: String,
                               commit: ([(id: String, file: DossierFile)]) throws -> Void = { _ in }) throws -> [Dossier] {
        guard !dossiers.isEmpty else { return [] }
        let staging = try Trace.phase("import: create the files") { try DossierStaging(importing: dossiers, layout: layout, source: source) }
        do {
            try Trace.phase("import: sign the intake record") { try commit(staging.files.map { ($0.id, $0.file) }) }
        } catch {
            staging.abandon()
            throw error
        }
        staging.finish()
        return dossiers
    }

    /// Reads FILE for import into `store` (ids new to it, or the same bytes as a dossier it
    /// already holds: those are `unchanged`). Nothing is written.
    public static func readForImport(path: String, into store: PanelStore, encoding: Encoding = .auto, sheet: String? = nil) throws -> (new: [Dossier], unchanged: [Dossier]) {
        let (all, numbered) = try readNumbered(path: path, program: store.program, encoding: encoding, sheet: sheet)
        if numbered { return AutoNumber.assign(all, into: store) }
        var new: [Dossier] = [], unchanged: [Dossier] = []
        for d in all {
            if store.dossier(d.id) != nil {
                // A re-import of the same dossier (say after an import that was killed and had
                // in fact committed) is a no-op; a different one is a change: `dossier amend`.
                if let f = store.files[d.id], f == DossierFile(bytes: Data(try yaml(d).utf8)) { unchanged.append(d); continue }
                throw InputError(path: path, field: "id",
                                 message: localized("编号“\(d.id)”在评审库中已经存在且内容不同；修改已导入的材料请用 `pingshen dossier amend`",
                                                    "id '\(d.id)' already exists in the store with other content; change an imported dossier with `pingshen dossier amend`"))
            }
            new.append(d)
        }
        return (new, unchanged)
    }

    #if os(Linux)
    static let canSyncFilesystem = true
    static func syncFilesystem(of dir: String) throws {
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw DurableFile.Failure.system("open directory", dir, errno) }
        defer { close(fd) }
        if pingshen_syncfs(fd) != 0 { throw DurableFile.Failure.system("syncfs", dir, errno) }
    }
    #else
    static let canSyncFilesystem = false
    static func syncFilesystem(of dir: String) throws {}
    #endif
}

/// Dossier files on their way into STORE/dossiers, all or nothing under SIGKILL too (issue 16).
///
/// Every run works under a folder of its own, STORE/.staging/KIND-RANDOM/, and an flock of
/// STORE/.staging/KIND-RANDOM.lock held for the whole run. Two ways through it:
///
/// An import (`init(importing:)`, issue 15: 10,000 dossiers well under 2 s):
/// 1. The run writes its manifest, STORE/.staging/import-RANDOM/manifest: for each dossier a
///    line `ID SHA256 SIZE` and the SIZE bytes of the file it is about to create (one file, one
///    write), and makes it durable (fsync of the file and of both folders) before any file
///    appears in dossiers/.
/// 2. It creates every STORE/dossiers/ID.yaml itself, each whole (written unnamed, O_TMPFILE,
///    then linked: never replacing a file, the id already there is an error), and makes them
///    durable with one syncfs. These files count for nothing yet: no signed record names them.
/// 3. The caller signs the `intake` record that names every file with its SHA-256: the one
///    commit point.
/// 4. `finish`: the manifest and the folder go.
/// One file created per dossier: no staged copy to write, link and unlink again (three
/// operations on a directory per dossier before; the kernel's share of an import was half).
///
/// An amendment (`init(_:layout:kind:)`):
/// 1. `stage`: the new file is written into the run's folder, ID.yaml, made durable.
/// 2. The caller signs the `dossier-amend` record naming its SHA-256: the commit point.
/// 3. `replace`: the staged file is renamed over the old one; `finish`.
///
/// A run killed anywhere leaves its folder, unlocked. `recover` (every command does it before
/// reading the dossiers) then rolls forward what a signed record names (a staged file whose hash
/// is the dossier's last signed version is put in place) and rolls back the rest: a file in
/// dossiers/ that a manifest lists, that no signed record names, and whose bytes are the ones
/// the manifest gives or the start of them (a power cut before the syncfs can leave one empty
/// or short) is unlinked; so is a file that is the
/// very inode a folder staged (the staged imports of earlier versions). Nothing else is ever
/// removed from dossiers/: not a signed file, not a file with other bytes, not a symbolic link,
/// not a file of a run still going on.
public final class DossierStaging {
    public let layout: StoreLayout
    public let dir: String
    /// The files, in the order given: id, path (in the run's folder when staged, in dossiers/
    /// when created there), hash and size.
    public private(set) var files: [(id: String, path: String, file: DossierFile)] = []
    private var lockFD: Int32
    /// The files this run created in dossiers/ (an import), for `abandon`.
    private var created: [String] = []

    /// O_TMPFILE (open(2); Glibc's module does not export it): __O_TMPFILE | O_DIRECTORY.
    static let oTmpFile: Int32 = 0o20000000 | O_DIRECTORY

    /// The name of an import's manifest in its folder.
    static let manifestName = "manifest"

    /// Creates STORE/.staging/KIND-RANDOM (locked) and writes every dossier into it, durably.
    public init(_ dossiers: [Dossier], layout: StoreLayout, kind: String) throws {
        self.layout = layout
        (dir, lockFD) = try DossierStaging.openRun(layout, kind: kind)
        do {
            for d in dossiers {
                let bytes = Data(try DossierImport.yaml(d).utf8)
                let path = dir + "/" + d.id + ".yaml"
                try DossierStaging.writeNew(bytes, to: path, sync: !DossierImport.canSyncFilesystem)
                files.append((d.id, path, DossierFile(bytes: bytes)))
            }
            // One syncfs(2) makes every staged file durable (an fsync per file costs a disk
            // flush each: seconds for a thousand dossiers).
            if DossierImport.canSyncFilesystem { try DossierImport.syncFilesystem(of: dir) } else { try DurableFile.syncDirectory(dir) }
            try DurableFile.syncDirectory(layout.stagingDir)
        } catch {
            abandon()
            throw error
        }
    }

    /// An import: writes the manifest (durably), then creates every STORE/dossiers/ID.yaml,
    /// never replacing one, and makes them durable. On any failure what it created is removed
    /// again. `source` names the imported file in messages.
    public init(importing dossiers: [Dossier], layout: StoreLayout, source: String) throws {
        self.layout = layout
        (dir, lockFD) = try DossierStaging.openRun(layout, kind: "import")
        do {
            var rendered: [(id: String, bytes: Data)] = []
            rendered.reserveCapacity(dossiers.count)
            var manifest = Data()
            for d in dossiers {
                let bytes = Data(try DossierImport.yaml(d).utf8)
                let file = DossierFile(bytes: bytes)
                rendered.append((d.id, bytes))
                files.append((d.id, layout.dossierFile(d.id), file))
                manifest.append(contentsOf: (d.id + " " + file.sha256 + " " + String(bytes.count) + "\n").utf8)
                manifest.append(bytes)
            }
            try DossierStaging.writeNew(manifest, to: dir + "/" + DossierStaging.manifestName, sync: true)
            try DurableFile.syncDirectory(dir)
            try DurableFile.syncDirectory(layout.stagingDir)
            // Through the folder opened once (O_NOFOLLOW: a dossiers/ swapped for a symbolic
            // link is not written through), each file by its name alone.
            let dfd = open(layout.dossiersDir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard dfd >= 0 else { throw DurableFile.Failure.system("open directory", layout.dossiersDir, errno) }
            defer { close(dfd) }
            var anonymous = true
            for (id, bytes) in rendered {
                let final = layout.dossierFile(id)
                let name = id + ".yaml"
                // Each file appears whole or not at all, so that a reader never meets one half
                // written (it would stop every command): written as an unnamed file of the
                // folder (O_TMPFILE), then given its name (link, never replacing). A kill before
                // the link leaves nothing; the kernel frees the unnamed file. Where O_TMPFILE
                // is not supported, a hidden temporary name (readers pass over dot files) does
                // the same.
                var fd: Int32 = -1
                if anonymous {
                    fd = openat(dfd, ".", O_WRONLY | O_CLOEXEC | DossierStaging.oTmpFile, 0o644)
                    if fd < 0, [EOPNOTSUPP, EISDIR, EINVAL, ENOENT].contains(errno) { anonymous = false }
                }
                var temp: String? = nil
                if !anonymous {
                    let t = ".tmp-" + name + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
                    fd = openat(dfd, t, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
                    temp = t
                }
                guard fd >= 0 else { throw DurableFile.Failure.system("create", layout.dossiersDir + "/" + (temp ?? "(O_TMPFILE)"), errno) }
                defer { close(fd); if let temp { unlinkat(dfd, temp, 0) } }
                try DossierStaging.writeAll(bytes, fd: fd, path: final)
                if !DossierImport.canSyncFilesystem, fsync(fd) != 0 { throw DurableFile.Failure.system("fsync", final, errno) }
                let linked = temp.map { linkat(dfd, $0, dfd, name, 0) } ?? linkat(AT_FDCWD, "/proc/self/fd/\(fd)", dfd, name, AT_SYMLINK_FOLLOW)
                if linked != 0 {
                    let e = errno
                    if e == EEXIST {
                        throw InputError(path: source, field: "id",
                                         message: localized("编号“\(id)”在评审库中已经存在（\(final)）", "id '\(id)' already exists in the store (\(final))"))
                    }
                    throw DurableFile.Failure.system("link", final, e)
                }
                created.append(final)
            }
            // One syncfs(2) makes every file durable (an fsync per file costs a disk flush
            // each: seconds for a thousand dossiers), then the folder's entries.
            if DossierImport.canSyncFilesystem { try DossierImport.syncFilesystem(of: layout.dossiersDir) }
            if fsync(dfd) != 0 { throw DurableFile.Failure.system("fsync directory", layout.dossiersDir, errno) }
        } catch {
            abandon()
            throw error
        }
    }

    deinit { if lockFD >= 0 { close(lockFD) } }

    /// Creates STORE/.staging (and dossiers/), then a run's lock (held) and folder.
    static func openRun(_ layout: StoreLayout, kind: String) throws -> (dir: String, lockFD: Int32) {
        for d in [layout.stagingDir, layout.dossiersDir] {
            if mkdir(d, 0o755) != 0 && errno != EEXIST { throw DurableFile.Failure.system("mkdir", d, errno) }
        }
        var name = ""
        var fd: Int32 = -1
        for _ in 0..<16 {
            name = kind + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            fd = open(layout.stagingDir + "/" + name + ".lock", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw DurableFile.Failure.system("create", layout.stagingDir + "/" + name + ".lock", errno) }
        let dir = layout.stagingDir + "/" + name
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { let e = errno; close(fd); unlink(dir + ".lock"); throw DurableFile.Failure.system("flock", dir + ".lock", e) }
        }
        if mkdir(dir, 0o755) != 0 { let e = errno; unlink(dir + ".lock"); close(fd); throw DurableFile.Failure.system("mkdir", dir, e) }
        return (dir, fd)
    }

    static func writeNew(_ bytes: Data, to path: String, sync: Bool) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw DurableFile.Failure.system("create", path, errno) }
        defer { close(fd) }
        try writeAll(bytes, fd: fd, path: path)
        if sync, fsync(fd) != 0 { throw DurableFile.Failure.system("fsync", path, errno) }
    }

    static func writeAll(_ bytes: Data, fd: Int32, path: String) throws {
        try bytes.withUnsafeBytes { (b: UnsafeRawBufferPointer) in
            var off = 0
            while off < b.count {
                let n = write(fd, b.baseAddress! + off, b.count - off)
                if n < 0 { if errno == EINTR { continue }; throw DurableFile.Failure.system("write", path, errno) }
                off += n
            }
        }
    }

    /// Renames every staged file over its dossier file (an amendment, once signed).
    public func replace() throws {
        for f in files {
            if rename(f.path, layout.dossierFile(f.id)) != 0 { throw DurableFile.Failure.system("rename", layout.dossierFile(f.id), errno) }
        }
        try DurableFile.syncDirectory(layout.dossiersDir)
    }

    /// Undoes a run that did not reach its signed record: what it created and its folder.
    public func abandon() {
        if !created.isEmpty {
            for p in created { unlink(p) }
            created = []
            try? DurableFile.syncDirectory(layout.dossiersDir)
        }
        finish()
    }

    /// Removes the run's folder (after the signed record, or after `abandon`).
    public func finish() {
        DossierStaging.remove(dir)
        unlink(dir + ".lock")
        if lockFD >= 0 { close(lockFD); lockFD = -1 }
    }

    static func remove(_ dir: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] { unlink(dir + "/" + name) }
        rmdir(dir)
    }

    /// A manifest's entries (`ID SHA256 SIZE` and the SIZE bytes): read up to the first entry
    /// that is not whole and well-formed (a kill while it was written, or anything else written
    /// there); an entry with an id that is not a safe file name is passed over.
    static func manifest(_ dir: String) -> [(id: String, sha256: String, bytes: Data)] {
        guard let data = try? InputFile.read(dir + "/" + manifestName, limit: InputFile.importLimit) else { return [] }
        var out: [(String, String, Data)] = []
        var at = data.startIndex
        while at < data.endIndex, let nl = data[at...].firstIndex(of: UInt8(ascii: "\n")) {
            let parts = data[at..<nl].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
            guard parts.count == 3, parts[1].count == 64,
                  parts[1].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }),
                  parts[2].count <= 9, parts[2].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                  let size = Int(String(decoding: parts[2], as: UTF8.self)), size <= data.endIndex - (nl + 1)
            else { break }
            let id = String(decoding: parts[0], as: UTF8.self)
            let body = data[(nl + 1)..<(nl + 1 + size)]
            at = nl + 1 + size
            if isSafeFileName(id) { out.append((id, String(decoding: parts[1], as: UTF8.self), Data(body))) }
        }
        return out
    }

    /// The bytes of a regular file, never through a symbolic link (nil otherwise).
    static func regularFileBytes(_ path: String) -> Data? {
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return try? InputFile.read(path, limit: InputFile.textLimit)
    }

    /// What `recover` did.
    public struct Recovery: Sendable {
        /// Files taken out of STORE/dossiers (staged by a run that never signed), by id.
        public var removed: [String] = []
        /// Files put in place from a staging folder (signed, but not yet in place), by id.
        public var restored: [String] = []
        /// Ids staged by a run still going on (its lock is held): neither counted nor reported.
        public var inProgress: Set<String> = []
        public var isEmpty: Bool { removed.isEmpty && restored.isEmpty }
    }

    /// Cleans up after runs that were killed (see the type's comment). `current(id)`: the
    /// SHA-256 of the dossier's last signed version, nil when none. Errors (a read-only copy of
    /// a store) leave things as they are: every command ignores unsigned files anyway.
    public static func recover(_ layout: StoreLayout, current: (String) -> String?) -> Recovery {
        var out = Recovery()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: layout.stagingDir) else { return out }
        // First the runs still going on (their lock is held): their ids are theirs.
        var dead: [String] = []
        var held: [Int32] = []
        defer { for fd in held { close(fd) } }
        for name in names.sorted() where !name.hasSuffix(".lock") && !name.hasPrefix(".") {
            let dir = layout.stagingDir + "/" + name
            let fd = open(dir + ".lock", O_RDWR | O_CLOEXEC | O_NOFOLLOW)
            if fd >= 0 {
                if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                    close(fd)
                    for f in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where f.hasSuffix(".yaml") {
                        out.inProgress.insert(String(f.dropLast(5)))
                    }
                    for entry in manifest(dir) { out.inProgress.insert(entry.id) }
                    continue
                }
                // Held until this recovery is done: no run takes the folder meanwhile.
                held.append(fd)
            }
            dead.append(dir)
        }
        for dir in dead {
            var changed = false
            // An import's manifest: its files were created in dossiers/ directly. An entry whose
            // bytes are not the ones its hash names is not the run's (passed over).
            for entry in manifest(dir) where !out.inProgress.contains(entry.id) && current(entry.id) == nil {
                let final = layout.dossierFile(entry.id)
                guard let bytes = regularFileBytes(final), bytes.count <= entry.bytes.count,
                      bytes == entry.bytes.prefix(bytes.count), DossierFile(bytes: entry.bytes).sha256 == entry.sha256 else { continue }
                if unlink(final) == 0 { out.removed.append(entry.id); changed = true }
            }
            // Staged files (an amendment; an import of an earlier version).
            for f in ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() where f.hasSuffix(".yaml") {
                let id = String(f.dropLast(5))
                let staged = dir + "/" + f
                let final = layout.dossierFile(id)
                guard isSafeFileName(id), !out.inProgress.contains(id), let bytes = regularFileBytes(staged) else { continue }
                let hash = DossierFile(bytes: bytes).sha256
                var a = stat(), b = stat()
                let sameInode = lstat(staged, &a) == 0 && lstat(final, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino
                if current(id) == hash {
                    // Signed: make sure it is in place (roll forward).
                    let inPlace = regularFileBytes(final).map { DossierFile(bytes: $0).sha256 == hash } ?? false
                    if !inPlace, rename(staged, final) == 0 { out.restored.append(id); changed = true }
                } else if sameInode {
                    // Published by a run that never signed: roll back.
                    if unlink(final) == 0 { out.removed.append(id); changed = true }
                }
            }
            if changed { try? DurableFile.syncDirectory(layout.dossiersDir) }
            remove(dir)
            unlink(dir + ".lock")
        }
        // A run killed between creating its lock and its folder leaves the lock alone: removed
        // when no run holds it.
        for name in names where name.hasSuffix(".lock") && !name.hasPrefix(".") && !names.contains(String(name.dropLast(5))) {
            let path = layout.stagingDir + "/" + name
            let fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { unlink(path) }
        }
        return out
    }
}

#if os(Linux)
/// syncfs(2), which Glibc's Swift module does not export (it needs _GNU_SOURCE).
@_silgen_name("syncfs") private func pingshen_syncfs(_ fd: Int32) -> Int32
#endif

/// Numbers for the nominations of a sheet without 编号 (the annex form of 杭总工〔2016〕34号 has
/// no such box): the programme's `id_prefix` (else "D") and three or more digits, after the
/// highest number the store already holds under that prefix (HZ001, HZ002 …).
public struct AutoNumber {
    public let prefix: String
    var last: Int

    public init(program: Program, existing: Set<String>) {
        prefix = program.idPrefix ?? "D"
        last = AutoNumber.highest(prefix, existing)
    }

    static func highest(_ prefix: String, _ ids: Set<String>) -> Int {
        var top = 0
        for id in ids where id.hasPrefix(prefix) {
            let rest = id.dropFirst(prefix.count)
            if !rest.isEmpty, rest.count <= 9, rest.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(rest) { top = max(top, n) }
        }
        return top
    }

    public mutating func next() -> String {
        last += 1
        let digits = String(last)
        return prefix + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    /// The numbered dossiers of a sheet read for import into `store`: a row whose fields are
    /// those of a dossier the store holds (a sheet imported again) is that dossier, unchanged;
    /// the others are numbered after the store's highest number.
    static func assign(_ rows: [Dossier], into store: PanelStore) -> (new: [Dossier], unchanged: [Dossier]) {
        func content(_ d: Dossier) -> [String: String] { d.fields.filter { $0.key != "id" } }
        var held: [[String: String]: Dossier] = [:]
        for d in store.dossiers { held[content(d)] = held[content(d)] ?? d }
        var numbers = AutoNumber(program: store.program, existing: Set(store.dossiers.map(\.id)))
        var new: [Dossier] = [], unchanged: [Dossier] = []
        for d in rows {
            if let same = held[content(d)] { unchanged.append(same); continue }
            new.append(Dossier(id: numbers.next(), fields: content(d)))
        }
        return (new, unchanged)
    }
}
