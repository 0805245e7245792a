import Foundation
import Testing
import Panel
@testable import Records

/// A fresh directory under /tmp, removed by `cleanup()`.
final class TempDir: @unchecked Sendable {
    let path: String
    init(_ tag: String = "rec") {
        let p = NSTemporaryDirectory() + "pingshen-\(tag)-" + UUID().uuidString.prefix(8)
        try! FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        path = p
    }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
    deinit { cleanup() }
}

struct RunResult { var status: Int32; var stdout: String; var stderr: String }

/// Runs a real program (ssh-keygen, ssh-add …) and waits for it.
@discardableResult
func run(_ exe: String, _ args: [String], stdin: Data? = nil, env: [String: String] = [:]) throws -> RunResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    var e = ProcessInfo.processInfo.environment
    for (k, v) in env { e[k] = v }
    p.environment = e
    let out = Pipe(), err = Pipe(), inp = Pipe()
    p.standardOutput = out; p.standardError = err; p.standardInput = inp
    try p.run()
    // A program may exit before reading all its input (ssh-keygen refusing a signature at
    // once): the write then fails with EPIPE instead of SIGPIPE killing the test process.
    signal(SIGPIPE, SIG_IGN)
    if let stdin { try? inp.fileHandleForWriting.write(contentsOf: stdin) }
    try inp.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let r = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return RunResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: r, as: UTF8.self))
}

let sshKeygen = "/usr/bin/ssh-keygen"

/// A store with program.yaml (instance `instance`) and members made with KeyGen: founded by its
/// first secretary (a genesis record), else by a secretary `founder`; every other member is
/// added by a member-add record the founder signs.
struct TestStore {
    let dir: TempDir
    let layout: StoreLayout
    let instance: String
    /// member id → key file path
    var keys: [String: String] = [:]
    var founder: String = "founder"

    init(instance: String = "test-2026-" + String(UInt32.random(in: 0...UInt32.max), radix: 16),
         members: [(String, Role)] = [("m1", .member), ("m2", .member), ("chair", .chair), ("sec", .secretary)]) throws {
        dir = TempDir("store")
        layout = StoreLayout(dir.path + "/store")
        self.instance = instance
        try FileManager.default.createDirectory(atPath: layout.root, withIntermediateDirectories: true)
        let program = Program(id: "test-programme", title: LocalizedText(zh: "测试", en: "Test"),
                              organiser: LocalizedText(zh: "工会", en: "Union"), document: "测〔2026〕1号", quota: 2,
                              sheet: ScoringSheet(criteria: [Criterion(id: "craft", name: LocalizedText(zh: "工艺", en: "Craft"),
                                                                       rubric: LocalizedText(zh: "", en: ""), max: 50)]),
                              instance: instance)
        try FileManager.default.createDirectory(atPath: layout.recordsDir, withIntermediateDirectories: true)
        founder = members.first { $0.1 == .secretary }?.0 ?? "founder"
        let fkey = try newKey(founder)
        try Governance.found(layout: layout, programYAML: try YAMLFile.encode(program),
                             founder: Member(id: founder, name: "成员 " + founder, role: .secretary, key: try pub(founder)),
                             signer: try KeyFileSigner(path: fkey))
        for (id, role) in members where id != founder { try addMember(id, role: role) }
    }

    mutating func newKey(_ id: String) throws -> String {
        let key = dir.path + "/" + id + ".key"
        try KeyGen.write(to: key, comment: id + "@test")
        keys[id] = key
        return key
    }

    /// The governance records the set-up signed (genesis and member-adds), all in the founder's chain.
    var setupRecords: Int { (try? RecordStore(layout: layout).publishedSeqs(of: founder).count) ?? 0 }
    /// The governance head now (what a record signed by hand names as `gov`).
    var govHead: String { (try? Governance.load(layout).head) ?? Record.zeroHash }

    func pub(_ id: String) throws -> String { try String(contentsOfFile: keys[id]! + ".pub", encoding: .utf8) }

    /// Adds a member through a signed member-add (the founder signs).
    mutating func addMember(_ id: String, role: Role) throws {
        _ = try newKey(id)
        try govern(.add(Member(id: id, name: "成员 " + id, role: role, key: try pub(id))))
    }

    /// Signs a governance change as the founder.
    @discardableResult
    func govern(_ change: Governance.Change) throws -> StoredRecord {
        try Governance.append(change, layout: layout, as: founder, signer: try signer(founder)).record
    }

    func signer(_ id: String) throws -> KeyFileSigner { try KeyFileSigner(path: keys[id]!) }

    @discardableResult
    func score(_ id: String, dossier: String = "D001", points: Int64 = 40, store: RecordStore? = nil) throws -> StoredRecord {
        let s = store ?? RecordStore(layout: layout)
        return try s.append(kind: .score, body: ["dossier": .string(dossier), "points": ["craft": .int(points)], "vote": "recommend"],
                            program: instance, signerID: id, signer: try signer(id))
    }

    func verify() throws -> VerifyReport { try Verifier.verify(layout: layout, language: .en) }

    func path(_ rel: String) -> String { layout.root + "/" + rel }
}

extension VerifyReport {
    var kinds: Set<String> { Set(problems.map(\.kind)) }
    func has(_ kind: String, _ path: String) -> Bool { problems.contains { $0.kind == kind && $0.path == path } }
}

extension StoreLayout {
    /// The names of the files in all of a member's record folders NNN/.
    func namesInRecordFolders(_ member: String) -> [String] {
        let fm = FileManager.default
        let dir = memberRecordsDir(member)
        return ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).filter { RecordFileName.parseFolder($0) != nil }
            .flatMap { f in (try? fm.contentsOfDirectory(atPath: dir + "/" + f)) ?? [] }
    }
}
