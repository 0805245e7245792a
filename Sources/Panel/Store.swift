import Foundation
import Yams

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
    public static func decode<T: Decodable>(_ type: T.Type, path: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(path: path, message: "cannot read file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(path: path, message: "not valid UTF-8")
        }
        do {
            return try YAMLDecoder().decode(T.self, from: text)
        } catch let error as DecodingError {
            throw InputError(path: path, message: describe(error))
        } catch let error as YamlError {
            throw InputError(path: path, message: "malformed YAML: \(error)")
        }
    }

    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.allowUnicode = true
        encoder.options.sortKeys = false
        return try encoder.encode(value)
    }

    public static func describe(_ error: DecodingError) -> String {
        func path(_ ctx: DecodingError.Context) -> String {
            ctx.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            let p = path(ctx)
            return "missing key '\(key.stringValue)'" + (p.isEmpty ? "" : " in \(p)")
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx):
            return "wrong type at '\(path(ctx))': \(ctx.debugDescription)"
        case .dataCorrupted(let ctx):
            return "invalid data at '\(path(ctx))': \(ctx.debugDescription)"
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

    public init(layout: StoreLayout, program: Program, roster: Roster, dossiers: [Dossier], sanctions: [Sanction]) {
        self.layout = layout; self.program = program; self.roster = roster
        self.dossiers = dossiers; self.sanctions = sanctions
    }

    public static func open(_ root: String) throws -> PanelStore {
        let layout = StoreLayout(root)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: layout.root, isDirectory: &isDir), isDir.boolValue else {
            throw StoreError("\(layout.root): no such store (run `pingshen init \(layout.root) --program ID`)")
        }
        guard FileManager.default.fileExists(atPath: layout.programFile) else {
            throw StoreError("\(layout.programFile): missing; is \(layout.root) a pingshen store?")
        }
        let program = try YAMLFile.decode(Program.self, path: layout.programFile)
        // An unknown rule type (or a rule missing its parameters) is an error here, not a silent pass.
        try Eligibility.validate(program, path: layout.programFile)
        let roster = FileManager.default.fileExists(atPath: layout.rosterFile)
            ? try YAMLFile.decode(Roster.self, path: layout.rosterFile) : Roster()
        let sanctions = FileManager.default.fileExists(atPath: layout.sanctionsFile)
            ? try YAMLFile.decode([Sanction].self, path: layout.sanctionsFile) : []
        try Eligibility.validate(sanctions: sanctions, path: layout.sanctionsFile)
        var dossiers: [Dossier] = []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: layout.dossiersDir)) ?? []
        for name in names.sorted() where name.hasSuffix(".yaml") && !name.hasPrefix(".") {
            let path = layout.dossiersDir + "/" + name
            // The fixed form `DossierImport.yaml` writes is read directly; anything else through Yams.
            let d = try FileManager.default.contents(atPath: path).flatMap(DossierFastReader.parse)
                ?? YAMLFile.decode(Dossier.self, path: path)
            guard d.id + ".yaml" == name else {
                throw InputError(path: path, field: "id", message: "id '\(d.id)' does not match the file name")
            }
            dossiers.append(d)
        }
        return PanelStore(layout: layout, program: program, roster: roster, dossiers: dossiers, sanctions: sanctions)
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
