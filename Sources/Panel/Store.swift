import Foundation
import Yams
import Crypto

/// Where everything lives in a store (design.md §3, a contract).
public struct StoreLayout: Sendable, Hashable {
    public let root: String
    public init(_ root: String) {
        var r = root
        while r.count > 1 && r.hasSuffix("/") { r.removeLast() }
        self.root = r
    }
    public var programFile: String { root + "/program.yaml" }
    public var rosterFile: String { root + "/roster.yaml" }
    public var allowedSigners: String { root + "/allowed_signers" }
    public var dossiersDir: String { root + "/dossiers" }
    public var recordsDir: String { root + "/records" }
    /// Units and persons barred for falsified material (5 years), kept by the secretary.
    public var sanctionsFile: String { root + "/sanctions.yaml" }
    /// Members' unsigned drafts (not part of the signed record).
    public var draftsDir: String { root + "/drafts" }
    /// Derived data (the verified-record cache); safe to delete.
    public var cacheDir: String { root + "/.cache" }
    public func dossierFile(_ id: String) -> String { dossiersDir + "/" + id + ".yaml" }
    public func memberRecordsDir(_ member: String) -> String { recordsDir + "/" + member }
    /// Where `import` and `dossier amend` stage dossier files before their signed record
    /// publishes them (issue 16: all or nothing under SIGKILL); one folder per run.
    public var stagingDir: String { root + "/.staging" }
}

/// A dossier file as found on disk: what a signed intake or amendment pins (issue 11).
public struct DossierFile: Hashable, Sendable {
    /// Lowercase hex SHA-256 of the file's bytes.
    public var sha256: String
    public var size: Int
    public init(sha256: String, size: Int) { self.sha256 = sha256; self.size = size }
    public init(bytes: Data) {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for b in SHA256.hash(data: bytes) { hex.append(digits[Int(b >> 4)]); hex.append(digits[Int(b & 15)]) }
        sha256 = String(decoding: hex, as: UTF8.self)
        size = bytes.count
    }
}

/// A sanctions entry: a unit or person found to have falsified material, barred for 5 years.
public struct Sanction: Codable, Hashable, Sendable {
    /// "unit" or "person"
    public var kind: String
    public var name: String
    /// The year the falsification was found; the bar covers that year and the next four.
    public var year: Int
    public var note: String?
    public init(kind: String, name: String, year: Int, note: String? = nil) {
        self.kind = kind; self.name = name; self.year = year; self.note = note
    }
}

public enum YAMLFile {
    /// Reads `path` as YAML and decodes a `T`. A syntax error names its line; a type that
    /// conforms to `YAMLSchema` is checked for unknown keys before decoding and for bounds after,
    /// each error naming the file, line, key and reason (in the language of `PanelMessages`).
    public static func decode<T: Decodable>(_ type: T.Type, path: String) throws -> T {
        let data = try InputFile.read(path, limit: InputFile.textLimit)
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(path: path, message: localized("不是有效的 UTF-8 文本", "not valid UTF-8"))
        }
        return try decode(type, text: text, path: path)
    }

    /// The same from text already read (`path` names it in errors).
    public static func decode<T: Decodable>(_ type: T.Type, text: String, path: String) throws -> T {
        let root: Node
        try YAMLBounds.check(text, path: path)
        do {
            guard let n = try Yams.compose(yaml: text) else {
                throw InputError(path: path, message: localized("文件是空的", "the file is empty"))
            }
            root = n
        } catch let error as YamlError {
            throw syntaxError(error, path: path)
        }
        let schema = T.self as? YAMLSchema.Type
        if let schema { try checkShape(root, schema.shape, path: path, at: []) }
        let value: T
        do {
            value = try YAMLDecoder().decode(T.self, from: root)
        } catch let error as DecodingError {
            var at: [SchemaPathItem] = []
            switch error {
            case .keyNotFound(_, let ctx), .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .dataCorrupted(let ctx):
                at = items(ctx.codingPath)
            @unknown default: break
            }
            throw InputError(path: path, line: line(root, at), message: describe(error))
        } catch let error as YamlError {
            throw syntaxError(error, path: path)
        }
        if let checked = value as? YAMLSchema, let p = checked.schemaProblems().first {
            let field = SchemaProblem.dotted(p.path)
            throw InputError(path: path, line: line(root, p.path), field: field.isEmpty ? nil : field, message: localized(p.zh, p.en))
        }
        return value
    }

    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.allowUnicode = true
        encoder.options.sortKeys = false
        return try encoder.encode(value)
    }

    public static func describe(_ error: DecodingError) -> String {
        func path(_ ctx: DecodingError.Context) -> String {
            SchemaProblem.dotted(items(ctx.codingPath))
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            let p = path(ctx)
            return p.isEmpty ? localized("缺少键 “\(key.stringValue)”", "missing key '\(key.stringValue)'")
                             : localized("\(p) 中缺少键 “\(key.stringValue)”", "missing key '\(key.stringValue)' in \(p)")
        case .typeMismatch(let type, let ctx), .valueNotFound(let type, let ctx):
            let want = type == Int.self ? localized("整数（不超过 64 位）", "an integer (64 bits at most)")
                : type == String.self ? localized("文本", "text") : type == Bool.self ? localized("true 或 false", "true or false")
                : "\(type)"
            return localized("“\(path(ctx))” 的类型不对：应为\(want)", "wrong type at '\(path(ctx))': expected \(want)")
        case .dataCorrupted(let ctx):
            if let y = ctx.underlyingError as? YamlError { return "\(y)" }
            return localized("“\(path(ctx))” 的值无效：\(ctx.debugDescription)", "invalid value at '\(path(ctx))': \(ctx.debugDescription)")
        @unknown default:
            return "\(error)"
        }
    }
}

/// The panel's side of a store: programme, roster, dossiers and sanctions, read from disk.
public struct PanelStore: Sendable {
    public let layout: StoreLayout
    public var program: Program
    public var roster: Roster
    /// Sorted by id.
    public var dossiers: [Dossier]
    public var sanctions: [Sanction]
    /// The hash and size of each dossier file read, by id (every file, signed or not: the
    /// session keeps only those a signed intake or amendment names, see `DossierPins`).
    public var files: [String: DossierFile]

    public init(layout: StoreLayout, program: Program, roster: Roster, dossiers: [Dossier], sanctions: [Sanction],
                files: [String: DossierFile] = [:]) {
        self.layout = layout; self.program = program; self.roster = roster
        self.dossiers = dossiers; self.sanctions = sanctions; self.files = files
    }

    /// Opens the store. The programme, roster and sanctions given (from the signed history,
    /// see Records' `Governance`) replace the view files, which are then not read.
    /// `readDossiers`: how the dossier files are read (default `PanelStore.readDossiers`; Records'
    /// `DossierSnapshot` skips the files unchanged since the last open).
    public static func open(_ root: String, program given: Program? = nil, roster givenRoster: Roster? = nil,
                            sanctions givenSanctions: [Sanction]? = nil, readDossiers: DossierReader? = nil) throws -> PanelStore {
        let layout = StoreLayout(root)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: layout.root, isDirectory: &isDir), isDir.boolValue else {
            throw StoreError(localized("\(layout.root)：没有这个评审库（先运行 `pingshen init \(layout.root) --program ID`）",
                                       "\(layout.root): no such store (run `pingshen init \(layout.root) --program ID`)"))
        }
        guard given != nil || FileManager.default.fileExists(atPath: layout.programFile) else {
            throw StoreError(localized("\(layout.programFile)：缺失；\(layout.root) 是 pingshen 评审库吗？",
                                       "\(layout.programFile): missing; is \(layout.root) a pingshen store?"))
        }
        let program = try given ?? YAMLFile.decode(Program.self, path: layout.programFile)
        // An unknown rule type (or a rule missing its parameters) is an error here, not a silent pass.
        try Eligibility.validate(program, path: layout.programFile)
        let roster = try givenRoster ?? (FileManager.default.fileExists(atPath: layout.rosterFile)
            ? YAMLFile.decode(Roster.self, path: layout.rosterFile) : Roster())
        let sanctions = try givenSanctions ?? (FileManager.default.fileExists(atPath: layout.sanctionsFile)
            ? YAMLFile.decode([Sanction].self, path: layout.sanctionsFile) : [])
        try Eligibility.validate(sanctions: sanctions, path: layout.sanctionsFile)
        let (dossiers, files) = try (readDossiers ?? PanelStore.readDossiers)(layout)
        return PanelStore(layout: layout, program: program, roster: roster, dossiers: dossiers, sanctions: sanctions, files: files)
    }

    /// The dossiers and each file's hash and size, by id; the dossiers sorted by id.
    public typealias DossierReader = (StoreLayout) throws -> (dossiers: [Dossier], files: [String: DossierFile])

    /// The files of dossiers/ that hold dossiers: NAME.yaml, not hidden, in name order.
    public static func dossierFileNames(_ layout: StoreLayout) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: layout.dossiersDir)) ?? []
        return names.sorted().filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }
    }

    /// Reads and parses one dossier file, dossiers/NAME: the dossier, and the file's hash and
    /// size (nil when it could not be read).
    public static func readDossier(_ layout: StoreLayout, name: String) throws -> (dossier: Dossier, file: DossierFile?) {
        let path = layout.dossiersDir + "/" + name
        // The fixed form `DossierImport.yaml` writes is read directly; anything else through Yams.
        let bytes = FileManager.default.contents(atPath: path)
        let d = try bytes.flatMap(DossierFastReader.parse) ?? YAMLFile.decode(Dossier.self, path: path)
        try checkDossierID(d, path: path, name: name)
        return (d, bytes.map(DossierFile.init(bytes:)))
    }

    /// `readDossier` of bytes already read from dossiers/NAME (the dossier snapshot reads them
    /// through the folder's descriptor): never reads the path.
    public static func parseDossier(_ bytes: Data, _ layout: StoreLayout, name: String) throws -> Dossier {
        let path = layout.dossiersDir + "/" + name
        let d: Dossier
        if let fast = DossierFastReader.parse(bytes) { d = fast } else {
            guard let text = String(data: bytes, encoding: .utf8) else {
                throw InputError(path: path, message: localized("不是有效的 UTF-8 文本", "not valid UTF-8"))
            }
            d = try YAMLFile.decode(Dossier.self, text: text, path: path)
        }
        try checkDossierID(d, path: path, name: name)
        return d
    }

    /// An id enters here: checked before anything keys on it (eligibility, records).
    static func checkDossierID(_ d: Dossier, path: String, name: String) throws {
        _ = try Identifier.check(d.id, what: ("申报编号", "dossier id"), path: path, field: "id")
        guard d.id + ".yaml" == name else {
            throw InputError(path: path, field: "id", message: localized("编号 “\(d.id)” 与文件名不符", "id '\(d.id)' does not match the file name"))
        }
    }

    /// Every dossier file, read and parsed (`readDossier`).
    public static func readDossiers(_ layout: StoreLayout) throws -> (dossiers: [Dossier], files: [String: DossierFile]) {
        var dossiers: [Dossier] = []
        var files: [String: DossierFile] = [:]
        for name in dossierFileNames(layout) {
            let (d, file) = try readDossier(layout, name: name)
            dossiers.append(d)
            if let file { files[d.id] = file }
        }
        // In id order, as `dossier(_:)` searches them (the file names' order differs where one
        // id is another's prefix followed by '.', "D1" and "D1.5").
        dossiers.sort { $0.id < $1.id }
        return (dossiers, files)
    }

    public func dossier(_ id: String) -> Dossier? {
        // dossiers are sorted by id
        var lo = 0, hi = dossiers.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if dossiers[mid].id < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < dossiers.count && dossiers[lo].id == id ? dossiers[lo] : nil
    }

    public func saveRoster() throws {
        try DurableFile.write(Data(try YAMLFile.encode(roster).utf8), to: layout.rosterFile)
    }

    public func saveProgram() throws {
        try DurableFile.write(Data(try YAMLFile.encode(program).utf8), to: layout.programFile)
    }
}
