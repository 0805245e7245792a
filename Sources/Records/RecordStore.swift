import Foundation
import Crypto
import Panel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File names of records: NNNNNN.json (at least six digits) and NNNNNN.json.sig.
public enum RecordFileName {
    public static func json(_ seq: Int) -> String {
        let s = String(seq)
        return String(repeating: "0", count: max(0, 6 - s.count)) + s + ".json"
    }
    public static func sig(_ seq: Int) -> String { json(seq) + ".sig" }

    public enum Entry: Equatable { case json(Int), sig(Int) }

    /// Parses a directory entry; nil for anything else (the lock, temp files, strays).
    public static func parse(_ name: String) -> Entry? {
        var u = Substring(name)
        var isSig = false
        if u.hasSuffix(".json.sig") { isSig = true; u = u.dropLast(9) } else if u.hasSuffix(".json") { u = u.dropLast(5) } else { return nil }
        guard u.utf8.count >= 6, u.utf8.count <= 10, u.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let n = Int(u), n >= 1, n <= Int(Int32.max) else { return nil }
        // Exactly the canonical spelling (no extra leading zeros beyond six digits).
        guard json(n) == u + ".json" else { return nil }
        return isSig ? .sig(n) : .json(n)
    }
}

/// Points where a writer can die; tests stop an append at each to prove recovery.
public enum AppendStep: Int, CaseIterable, Sendable {
    case locked, recordTempCreated, recordTempWritten, recordLinked, recordPublished
    case sigTempCreated, sigTempWritten, sigLinked
}

/// The append-only record files of a store: records/MEMBER/NNNNNN.json(.sig).
public final class RecordStore: @unchecked Sendable {
    public let layout: StoreLayout
    /// fsync files and directories (turn off only for throw-away benchmark stores).
    public var durable: Bool
    /// Refuse, before writing, a signer who is not on the roster with this key and a role allowed the kind.
    public var checkRoster: Bool
    /// Test hook: when it returns true at a step, the append stops dead there, as if killed
    /// (no clean-up), and throws `SimulatedCrash`.
    public var crashHook: (@Sendable (AppendStep) -> Bool)?
    public struct SimulatedCrash: Error {}

    private let mutex = NSLock()
    private var heads: [String: (seq: Int, sha: String)] = [:]
    private var cleaned: Set<String> = []
    private var rosterCache: (mtime: timespec, size: Int, roster: Roster)?

    public init(layout: StoreLayout, durable: Bool = true, checkRoster: Bool = true) {
        self.layout = layout; self.durable = durable; self.checkRoster = checkRoster
    }

    func relative(_ member: String, _ name: String) -> String { "records/" + member + "/" + name }

    /// The programme instance records of this store must name (program.yaml `instance`, else its `id`).
    public static func programInstance(_ layout: StoreLayout) throws -> String {
        let p = try YAMLFile.decode(Program.self, path: layout.programFile)
        return p.instance ?? p.id
    }

    // MARK: append

    /// Takes the member's lock, cleans temp files, reads the chain head, builds and signs the
    /// record (seq = head + 1, prev = SHA-256 of the head's bytes or 64 zeros), then publishes
    /// NNNNNN.json and NNNNNN.json.sig, each durably and without replacing anything.
    /// `gov`: the governance head the signer's session had seen (nil: the store's head, read
    /// now); `seen`: member → highest seq the session had seen (the signer and zeros dropped).
    public func append(kind: RecordKind, body: [String: JSONValue], program: String, signerID: String,
                       signer: RecordSigner, now: Date = Date(), gov: String? = nil, seen: [String: Int] = [:]) throws -> StoredRecord {
        guard isSafeFileName(signerID) else {
            throw RecordsError("成员编号 “\(signerID)” 不是安全的文件名（1–64 个字母、数字、-、_、.）",
                               "member id '\(signerID)' is not a safe file name (1–64 letters, digits, -, _, .)")
        }
        if checkRoster { try checkSigner(kind: kind, signerID: signerID, key: signer.publicKey) }
        if let e = RecordBody.problem(kind: kind, body: body) { throw e }
        let dir = layout.memberRecordsDir(signerID)
        try ensureDirectory(layout.recordsDir, parent: layout.root)
        try ensureDirectory(dir, parent: layout.recordsDir)

        let lockFD = open(dir + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockFD >= 0 else { throw sysError(dir + "/.lock", "open") }
        defer { close(lockFD) }
        while flock(lockFD, LOCK_EX) != 0 {
            if errno != EINTR { throw sysError(dir + "/.lock", "flock") }
        }
        if crash(.locked) { throw SimulatedCrash() }

        let head = try readHead(member: signerID, dir: dir)
        let govHead = try gov ?? governanceHead()
        let record = Record(kind: kind, program: program, signer: signerID, seq: head.seq + 1,
                            prev: head.sha, created: Timestamp.format(now), gov: govHead,
                            seen: seen.filter { $0.key != signerID && $0.value > 0 }, body: body)
        let bytes = record.canonicalBytes()
        let armored = try SSHSig.sign(bytes, signer: signer)
        let jsonPath = dir + "/" + RecordFileName.json(record.seq)
        try publish(bytes, to: jsonPath, steps: (.recordTempCreated, .recordTempWritten, .recordLinked))
        if crash(.recordPublished) { throw SimulatedCrash() }
        try publish(Data(armored.utf8), to: jsonPath + ".sig", steps: (.sigTempCreated, .sigTempWritten, .sigLinked))
        let sha = Record.sha256Hex(bytes)
        mutex.withLock { heads[signerID] = (record.seq, sha) }
        return StoredRecord(record: record, bytes: bytes, path: relative(signerID, RecordFileName.json(record.seq)), sha256: sha)
    }

    func crash(_ step: AppendStep) -> Bool { crashHook?(step) ?? false }

    /// The hash of the store's latest governance record (64 zeros before the genesis).
    public func governanceHead() throws -> String { Record.zeroHash }

    func checkSigner(kind: RecordKind, signerID: String, key: SSHPublicKey) throws {
        guard FileManager.default.fileExists(atPath: layout.rosterFile) else {
            throw RecordsError("\(layout.rosterFile)：没有名单，无法签名记录（先 `pingshen member add`）",
                               "\(layout.rosterFile): no roster, cannot sign records (run `pingshen member add` first)")
        }
        let roster = try loadRoster()
        guard let m = roster.member(signerID) else {
            throw RecordsError("\(layout.rosterFile)：名单中没有成员 “\(signerID)”", "\(layout.rosterFile): no member '\(signerID)' on the roster")
        }
        guard let rk = try? SSHPublicKey(line: m.key), rk.raw == key.raw else {
            throw RecordsError("签名密钥 \(key.fingerprint) 不是名单上 “\(signerID)” 的密钥",
                               "signing key \(key.fingerprint) is not the roster's key for '\(signerID)'")
        }
        guard KindPolicy.allowed(kind, role: m.role) else {
            let roles = KindPolicy.roles(for: kind).map(\.rawValue).joined(separator: "/")
            throw RecordsError("“\(signerID)” 的角色是 \(m.role.rawValue)，不能签署 \(kind.rawValue) 记录（需要 \(roles)）",
                               "'\(signerID)' has role \(m.role.rawValue) and may not sign a \(kind.rawValue) record (needs \(roles))")
        }
    }

    func loadRoster() throws -> Roster {
        var st = stat()
        guard stat(layout.rosterFile, &st) == 0 else { throw sysError(layout.rosterFile, "stat") }
        if let c = mutex.withLock({ rosterCache }), c.mtime.tv_sec == st.st_mtim.tv_sec, c.mtime.tv_nsec == st.st_mtim.tv_nsec, c.size == Int(st.st_size) {
            return c.roster
        }
        let r = try YAMLFile.decode(Roster.self, path: layout.rosterFile)
        mutex.withLock { rosterCache = (st.st_mtim, Int(st.st_size), r) }
        return r
    }

    func ensureDirectory(_ dir: String, parent: String) throws {
        if mkdir(dir, 0o755) == 0 {
            if durable { try DurableFile.syncDirectory(parent) }
        } else if errno != EEXIST {
            throw sysError(dir, "mkdir")
        }
    }

    func sysError(_ path: String, _ what: String) -> RecordsError {
        let e = String(cString: strerror(errno))
        return RecordsError("\(path)：\(what) 失败（\(e)）", "\(path): \(what) failed (\(e))")
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    /// Under the member's lock: the last published record (seq, sha256 hex), after removing
    /// what a killed writer left (temp files, a record file whose signature never appeared).
    func readHead(member: String, dir: String) throws -> (seq: Int, sha: String) {
        let firstTime = mutex.withLock { cleaned.insert(member).inserted }
        var seq: Int
        var sha: String?
        if firstTime {
            DurableFile.cleanTempFiles(in: dir)
            let names = try FileManager.default.contentsOfDirectory(atPath: dir)
            var jsons: [Int] = [], sigs = Set<Int>()
            for n in names {
                switch RecordFileName.parse(n) {
                case .json(let s): jsons.append(s)
                case .sig(let s): sigs.insert(s)
                case nil: break
                }
            }
            seq = sigs.max() ?? 0
            // Unpublished record files above the head (their writer died before the .sig).
            for s in jsons where s > seq && !sigs.contains(s) {
                unlink(dir + "/" + RecordFileName.json(s))
            }
        } else {
            let cached = mutex.withLock { heads[member] }
            seq = cached?.seq ?? 0
            if let c = cached, RecordStore.exists(dir + "/" + RecordFileName.sig(c.seq)) { sha = c.sha } else if cached != nil {
                // The cache is stale (files moved under us): rescan.
                _ = mutex.withLock { cleaned.remove(member) }
                return try readHead(member: member, dir: dir)
            }
            // Others may have appended since: walk forward.
            while RecordStore.exists(dir + "/" + RecordFileName.sig(seq + 1)) { seq += 1; sha = nil }
            let orphan = dir + "/" + RecordFileName.json(seq + 1)
            if RecordStore.exists(orphan) {
                unlink(orphan)
                DurableFile.cleanTempFiles(in: dir)
            }
        }
        if seq == 0 { return (0, Record.zeroHash) }
        if let sha { return (seq, sha) }
        let path = dir + "/" + RecordFileName.json(seq)
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw RecordsError("\(relative(member, RecordFileName.json(seq)))：链头记录缺失或无法读取（签名存在）；请运行 `pingshen verify`",
                               "\(relative(member, RecordFileName.json(seq))): the chain head record is missing or unreadable (its signature exists); run `pingshen verify`")
        }
        let h = Record.sha256Hex(bytes)
        mutex.withLock { heads[member] = (seq, h) }
        return (seq, h)
    }

    /// temp (O_EXCL) → write → fsync → link (never replaces) → unlink temp → fsync directory,
    /// through `DurableFile`; the crash hook can stop it after each step as a SIGKILL would.
    func publish(_ data: Data, to path: String, steps: (AppendStep, AppendStep, AppendStep)) throws {
        do {
            try DurableFile.write(data, to: path, replace: false, sync: durable) { step in
                switch step {
                case .created: return self.crash(steps.0)
                case .written: return self.crash(steps.1)
                case .published: return self.crash(steps.2)
                }
            }
        } catch DurableFile.Failure.stopped {
            throw SimulatedCrash()
        } catch DurableFile.Failure.exists {
            throw RecordsError("\(path)：已存在，记录从不覆盖（是否有未加锁的写入者？）",
                               "\(path): already exists; records are never replaced (is a writer not taking the lock?)")
        } catch let DurableFile.Failure.system(what, file, e) {
            errno = e
            throw sysError(file, what)
        }
    }

    // MARK: reading

    /// Subdirectories of records/ whose names are safe member ids, sorted.
    public func members() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: layout.recordsDir)) ?? []
        return names.filter { name in
            guard isSafeFileName(name) else { return false }
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: layout.recordsDir + "/" + name, isDirectory: &isDir) && isDir.boolValue
        }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The seq numbers of a member's published records (those whose .sig exists), ascending.
    public func publishedSeqs(of member: String) throws -> [Int] {
        let dir = layout.memberRecordsDir(member)
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir) } catch {
            if !FileManager.default.fileExists(atPath: dir) { return [] }
            throw RecordsError("\(dir)：无法读取目录", "\(dir): cannot read the directory")
        }
        var seqs: [Int] = []
        for n in names { if case .sig(let s) = RecordFileName.parse(n) { seqs.append(s) } }
        return seqs.sorted()
    }

    /// A member's records whose .sig exists, in seq order (not verified: see `Verifier`).
    public func records(of member: String) throws -> [StoredRecord] {
        try publishedSeqs(of: member).map { try read(member: member, seq: $0) }
    }

    public func read(member: String, seq: Int) throws -> StoredRecord {
        let rel = relative(member, RecordFileName.json(seq))
        let path = layout.root + "/" + rel
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw InputError(path: path, message: RecordsError.currentLanguage.pick("无法读取记录", "cannot read the record"))
        }
        do {
            let r = try Record(bytes: bytes)
            return StoredRecord(record: r, bytes: bytes, path: rel, sha256: Record.sha256Hex(bytes))
        } catch let e as RecordsError {
            throw InputError(path: path, message: e.description)
        }
    }

    public func allRecords() throws -> [StoredRecord] {
        try members().flatMap { try records(of: $0) }
    }

    /// For `finalize`: each member's last seq of the unbroken chain 1, 2, 3 … of published
    /// records, and the Merkle root over those records (leaves in (member, seq) order).
    public func finalizeSummary() throws -> (counted: [String: Int], merkleRoot: String) {
        var counted: [String: Int] = [:]
        var m = Merkle.Builder()
        for member in members() {
            var last = 0
            for s in try publishedSeqs(of: member) {
                guard s == last + 1 else { break }
                let path = layout.memberRecordsDir(member) + "/" + RecordFileName.json(s)
                guard let bytes = FileManager.default.contents(atPath: path) else { break }
                m.add(Array(SHA256.hash(data: bytes)))
                last = s
            }
            if last > 0 { counted[member] = last }
        }
        return (counted, m.root())
    }
}

/// The Merkle tree over counted records: leaves are the records' SHA-256 digests, parents
/// SHA-256(left || right), a last odd node is promoted unchanged; the root of no leaves is
/// SHA-256 of nothing.
public enum Merkle {
    public static func root(_ leaves: [Data]) -> String {
        var b = Builder()
        for l in leaves { b.add(Array(l)) }
        return b.root()
    }

    /// Streaming: O(log n) memory. Same result as building level by level.
    public struct Builder {
        /// stack[i] = root of a complete subtree of 2^i leaves, if present.
        var stack: [[UInt8]?] = []
        public private(set) var count = 0
        public init() {}

        public mutating func add(_ leaf: [UInt8]) {
            var node = leaf
            var level = 0
            while level < stack.count, let left = stack[level] {
                node = Array(SHA256.hash(data: left + node))
                stack[level] = nil
                level += 1
            }
            if level == stack.count { stack.append(node) } else { stack[level] = node }
            count += 1
        }

        public func root() -> String {
            if count == 0 { return Hex.encode(SHA256.hash(data: Data())) }
            // Combine the partial subtrees from the smallest up. A right-hand partial subtree
            // of a level is promoted until it meets a left sibling, exactly as "last odd node
            // promoted" does level by level.
            var acc: [UInt8]? = nil
            for level in 0..<stack.count {
                guard let node = stack[level] else { continue }
                if let a = acc { acc = Array(SHA256.hash(data: node + a)) } else { acc = node }
            }
            return Hex.encode(acc!)
        }
    }
}
