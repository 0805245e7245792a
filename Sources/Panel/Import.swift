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

    /// The field id a CSV header or YAML key names: a form label or id of design.md §4, or a
    /// field of the programme (its id, Chinese or English label). Nil when unknown.
    public static func fieldID(forHeader header: String, program: Program) -> String? {
        if let id = DossierFields.id(forHeader: header) { return id }
        let h = header.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{FEFF}")))
        let normalized = h.replacingOccurrences(of: "(", with: "（").replacingOccurrences(of: ")", with: "）")
        for f in program.fields where f.id == h || f.label.zh == h || f.label.zh == normalized
            || f.label.en.caseInsensitiveCompare(h) == .orderedSame {
            return f.id
        }
        return nil
    }

    /// Parses FILE (.csv, or .yaml/.yml) into dossiers, validated against the programme and the
    /// existing ids. Throws `InputError` (file, line, field).
    public static func read(path: String, program: Program, encoding: Encoding = .auto, existingIDs: Set<String> = []) throws -> [Dossier] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(path: path, message: localized("无法读取文件", "cannot read the file"))
        }
        let ext = (path as NSString).pathExtension.lowercased()
        switch ext {
        case "csv", "txt":
            return try readCSV(data: data, path: path, program: program, encoding: encoding, existingIDs: existingIDs)
        case "yaml", "yml":
            return try readYAML(data: data, path: path, program: program, encoding: encoding, existingIDs: existingIDs)
        default:
            throw InputError(path: path, message: localized("不认识的文件类型“.\(ext)”：请用 .csv、.yaml 或 .yml",
                                                            "unknown file type '.\(ext)': use .csv, .yaml or .yml"))
        }
    }

    // MARK: CSV

    /// A blank CSV form for `program`: one header row of the form's Chinese labels (what a
    /// secretary fills in a spreadsheet and imports back), CRLF line end, no BOM.
    public static func csvTemplate(for program: Program, lang: Language = .zh) -> String {
        CSV.write([program.fields.map { $0.label.text(lang) }])
    }

    public static func readCSV(data: Data, path: String, program: Program, encoding: Encoding = .auto, existingIDs: Set<String> = []) throws -> [Dossier] {
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
        guard ids.contains("id") else {
            throw InputError(path: path, line: header.line, field: "id",
                             message: localized("缺少“编号”列（每份材料的编号，用作文件名）",
                                                "no 编号 (id) column: each dossier needs an id, which names its file"))
        }
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
            let d = try makeDossier(fields, path: path, line: rec.line, existingIDs: existingIDs, lineOf: &lineOf)
            out.append(d)
        }
        return out
    }

    // MARK: YAML

    public static func readYAML(data: Data, path: String, program: Program, encoding: Encoding = .auto, existingIDs: Set<String> = []) throws -> [Dossier] {
        let text = try TextDecoding.decode(data, path: path, encoding: encoding).text
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let e as YamlError {
            throw InputError(path: path, line: yamlLine(e), message: localized("YAML 格式错误：\(e)", "malformed YAML: \(e)"))
        }
        guard var node = root else { return [] }
        if case .mapping(let m) = node, let list = m["dossiers"] { node = list }
        guard case .sequence(let seq) = node else {
            throw InputError(path: path, line: node.mark?.line,
                             message: localized("应是一个列表：每项一份材料（键为字段编号或中文表头）",
                                                "expected a list with one mapping per dossier (keys are field ids or Chinese labels)"))
        }
        var out: [Dossier] = []
        var lineOf: [String: Int] = [:]
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
            out.append(try makeDossier(fields, path: path, line: line ?? 0, existingIDs: existingIDs, lineOf: &lineOf))
        }
        return out
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
        let order = Dictionary(uniqueKeysWithValues: DossierFields.all.enumerated().map { ($1.id, $0) })
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

    static func yamlKey(_ k: String) -> String {
        let plain = !k.isEmpty && k.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-") }
            && !(k.first!.isNumber) && !["y", "n", "yes", "no", "on", "off", "true", "false", "null"].contains(k.lowercased())
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
        guard s.contains("\n"), let first = s.unicodeScalars.first, first != " ", first != "\n", first != "\t" else { return nil }
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

    /// All or nothing into STORE/dossiers: every file is written and fsync'd under a temp name
    /// first, then published by link(2) (never replacing); on any failure what this call
    /// published is removed again and the temp files are deleted.
    @discardableResult
    public static func importFile(path: String, into store: PanelStore, encoding: Encoding = .auto) throws -> [Dossier] {
        let existing = Set(store.dossiers.map(\.id))
        let dossiers = try read(path: path, program: store.program, encoding: encoding, existingIDs: existing)
        try publish(dossiers, into: store.layout, source: path)
        return dossiers
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

    /// Writes `dossiers` into `layout.dossiersDir` all or nothing (see `importFile`).
    public static func publish(_ dossiers: [Dossier], into layout: StoreLayout, source: String) throws {
        let dir = layout.dossiersDir
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw InputError(path: dir, message: localized("无法创建目录：\(error.localizedDescription)", "cannot create the directory: \(error.localizedDescription)"))
        }
        var temps: [(tmp: String, final: String, id: String)] = []
        var published: [String] = []
        func rollback() {
            for p in published { unlink(p) }
            for t in temps { unlink(t.tmp) }
            try? DurableFile.syncDirectory(dir)
        }
        do {
            for d in dossiers {
                let bytes = Array(try yaml(d).utf8)
                let final = layout.dossierFile(d.id)
                var tmp = ""
                var fd: Int32 = -1
                for _ in 0..<16 {
                    tmp = dir + "/.tmp-" + d.id + ".yaml-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
                    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
                    if fd >= 0 || errno != EEXIST { break }
                }
                guard fd >= 0 else { throw DurableFile.Failure.system("create", tmp, errno) }
                temps.append((tmp, final, d.id))
                defer { close(fd) }
                var off = 0
                while off < bytes.count {
                    let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, bytes.count - off) }
                    if n < 0 { if errno == EINTR { continue }; throw DurableFile.Failure.system("write", tmp, errno) }
                    off += n
                }
                if !canSyncFilesystem, fsync(fd) != 0 { throw DurableFile.Failure.system("fsync", tmp, errno) }
            }
            // One syncfs(2) makes every temp file durable before any is published (an fsync per
            // file costs a disk flush each: seconds for a thousand dossiers).
            if canSyncFilesystem { try syncFilesystem(of: dir) }
            for t in temps {
                if link(t.tmp, t.final) != 0 {
                    let e = errno
                    if e == EEXIST {
                        throw InputError(path: source, field: "id",
                                         message: localized("编号“\(t.id)”在评审库中已经存在（\(t.final)）",
                                                            "id '\(t.id)' already exists in the store (\(t.final))"))
                    }
                    throw DurableFile.Failure.system("link", t.final, e)
                }
                published.append(t.final)
            }
            for t in temps { unlink(t.tmp) }
            temps = []
            try DurableFile.syncDirectory(dir)
        } catch let e as InputError {
            rollback(); throw e
        } catch {
            rollback()
            throw InputError(path: dir, message: localized("写入失败，评审库保持原样：\(error)", "writing failed, the store is unchanged: \(error)"))
        }
    }
}

#if os(Linux)
/// syncfs(2), which Glibc's Swift module does not export (it needs _GNU_SOURCE).
@_silgen_name("syncfs") private func pingshen_syncfs(_ fd: Int32) -> Int32
#endif
