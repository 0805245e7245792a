import Foundation
import Crypto
import Panel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a record lives: `records/MEMBER/NNN/NNNNNN.json` and `NNNNNN.json.sig`. The file name
/// is the seq with at least six digits; the folder NNN (the fan-out, README "Decision on a
/// fan-out") is seq / 1000 with at least three digits, 1,000 seqs a folder: seq 1…999 in `000`,
/// 1000…1999 in `001`, 1234567 in `1234`. Each has exactly one spelling; every other name in a
/// member's directory is a stray file.
public enum RecordFileName {
    /// Seqs a fan-out folder holds.
    public static let perFolder = 1000

    /// The folder number of `seq` (seq / 1000).
    @inline(__always)
    public static func folderNumber(_ seq: Int) -> Int { seq / perFolder }

    /// The name of folder number `n`: at least three digits.
    public static func folderName(number n: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 3 - s.count)) + s
    }

    /// The name of the folder that holds `seq`.
    public static func folder(_ seq: Int) -> String { folderName(number: folderNumber(seq)) }

    /// The folder number a directory name spells canonically, nil for any other name.
    public static func parseFolder(_ name: String) -> Int? {
        Array(name.utf8).withUnsafeBufferPointer { parseFolder($0) }
    }

    /// `NNN/NNNNNN.json` (or `.json.sig`), relative to the member's directory.
    public static func inMember(_ seq: Int, signature: Bool = false) -> String {
        folder(seq) + "/" + (signature ? sig(seq) : json(seq))
    }

    /// The one spelling of a record's path relative to the store: `records/MEMBER/NNN/NNNNNN.json`
    /// (`.json.sig` with `signature`).
    public static func path(member: String, seq: Int, signature: Bool = false) -> String {
        "records/" + member + "/" + inMember(seq, signature: signature)
    }

    /// The member and entry of a canonical record path `records/MEMBER/NNN/NNNNNN.json(.sig)`
    /// (the folder the seq's own); nil for any other path.
    public static func parsePath(_ path: String) -> (member: String, entry: Entry)? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "records", isSafeFileName(String(parts[1])),
              let folder = parseFolder(String(parts[2])), let e = parse(String(parts[3])) else { return nil }
        switch e {
        case .json(let n), .sig(let n): guard folderNumber(n) == folder else { return nil }
        }
        return (String(parts[1]), e)
    }


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
              let n = Int(u), n >= 1, n <= RecordLimits.maxSeq else { return nil }
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

/// The append-only record files of a store: records/MEMBER/NNN/NNNNNN.json(.sig).
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

    public init(layout: StoreLayout, durable: Bool = true, checkRoster: Bool = true) {
        self.layout = layout; self.durable = durable; self.checkRoster = checkRoster
    }


    /// The programme instance records of this store must name (program.yaml `instance`, else its `id`).
    public static func programInstance(_ layout: StoreLayout) throws -> String {
        let p = try YAMLFile.decode(Program.self, path: layout.programFile)
        return p.instance ?? p.id
    }

    // MARK: append

    /// Takes the member's lock, cleans temp files, reads the chain head, builds and signs the
    /// record (seq = head + 1, prev = SHA-256 of the head's bytes or 64 zeros), then publishes
    /// NNN/NNNNNN.json and NNN/NNNNNN.json.sig, each durably and without replacing anything (the
    /// folder NNN made first when it is new, and the member's directory synced).
    /// `gov`: the governance head the signer's session had seen (nil: the store's head, read
    /// now); `seen`: member → highest seq the session had seen (the signer and zeros dropped).
    public func append(kind: RecordKind, body: [String: JSONValue], program: String, signerID: String,
                       signer: RecordSigner, now: Date = Date(), gov: String? = nil, seen: [String: Int] = [:],
                       governance: Governance.State? = nil) throws -> StoredRecord {
        guard isSafeFileName(signerID) else {
            throw RecordsError("成员编号 “\(signerID)” 不是安全的文件名（1–64 个字母、数字、-、_、.）",
                               "member id '\(signerID)' is not a safe file name (1–64 letters, digits, -, _, .)")
        }
        var state = governance
        if checkRoster {
            let st = try governance ?? Governance.load(layout)
            state = st
            let next = (try mutex.withLock({ heads[signerID]?.seq }) ?? publishedSeqs(of: signerID).last ?? 0) + 1
            try checkSigner(kind: kind, signerID: signerID, key: signer.publicKey, seq: next, governance: st)
        }
        if let e = RecordBody.problem(kind: kind, body: body) { throw e }
        let dir = layout.memberRecordsDir(signerID)
        // Everything below goes through the member directory opened with O_NOFOLLOW: a symlinked
        // member directory (or records/) would have made the append write outside the store.
        guard let dirFD = try openMemberDirectory(signerID, create: true) else { throw sysError(dir, "open") }
        defer { close(dirFD) }

        let lockFD = openat(dirFD, ".lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
        guard lockFD >= 0 else { throw sysError(dir + "/.lock", "open") }
        defer { close(lockFD) }
        while flock(lockFD, LOCK_EX) != 0 {
            if errno != EINTR { throw sysError(dir + "/.lock", "flock") }
        }
        if crash(.locked) { throw SimulatedCrash() }

        let head = try readHead(member: signerID, dirFD: dirFD)
        // The seq range is bounded (file names and the index hold Int32): past it, refuse
        // clearly instead of writing a file that verify would not read.
        guard head.seq < RecordLimits.maxSeq else {
            throw RecordsError("“\(signerID)” 的记录链已到序号上限 \(RecordLimits.maxSeq)（\(RecordFileName.path(member: signerID, seq: head.seq))），不能再追加记录",
                               "the record chain of '\(signerID)' has reached the highest seq, \(RecordLimits.maxSeq) (\(RecordFileName.path(member: signerID, seq: head.seq))); no record can follow it")
        }
        let govHead = try gov ?? state?.head ?? Governance.load(layout).head
        let record = Record(kind: kind, program: program, signer: signerID, seq: head.seq + 1,
                            prev: head.sha, created: Timestamp.format(now), gov: govHead,
                            seen: seen.filter { $0.key != signerID && $0.value > 0 }, body: body)
        let bytes = record.canonicalBytes()
        guard bytes.count <= RecordLimits.recordBytes else {
            throw RecordsError("记录有 \(bytes.count) 字节，超过上限 \(RecordLimits.recordBytes) 字节（verify 不会读取）",
                               "the record is \(bytes.count) bytes, over the limit of \(RecordLimits.recordBytes) bytes (verify would not read it)")
        }
        let armored = try SSHSig.sign(bytes, signer: signer)
        let name = RecordFileName.json(record.seq)
        let folder = RecordFileName.folder(record.seq)
        // The seq's folder, made durably when it is new (mkdirat, fsync of the member's
        // directory), opened without following a link; a symbolic link or a file there is refused.
        guard let folderFD = try openDirectory(at: dirFD, folder, display: dir + "/" + folder, create: true) else { throw sysError(dir + "/" + folder, "open") }
        defer { close(folderFD) }
        let shown = dir + "/" + folder + "/" + name
        try publish(bytes, dirFD: folderFD, name: name, display: shown, steps: (.recordTempCreated, .recordTempWritten, .recordLinked))
        if crash(.recordPublished) { throw SimulatedCrash() }
        try publish(Data(armored.utf8), dirFD: folderFD, name: name + ".sig", display: shown + ".sig",
                    steps: (.sigTempCreated, .sigTempWritten, .sigLinked))
        let sha = Record.sha256Hex(bytes)
        mutex.withLock { heads[signerID] = (record.seq, sha) }
        return StoredRecord(record: record, bytes: bytes, path: RecordFileName.path(member: signerID, seq: record.seq), sha256: sha)
    }

    func crash(_ step: AppendStep) -> Bool { crashHook?(step) ?? false }

    /// The hash of the store's latest governance record (64 zeros before the genesis).
    public func governanceHead() throws -> String { try Governance.load(layout).head }

    /// The signer must be on the roster the signed history gives (never roster.yaml, a view),
    /// with `key` valid at the record's seq and a role allowed the kind.
    func checkSigner(kind: RecordKind, signerID: String, key: SSHPublicKey, seq: Int, governance: Governance.State?) throws {
        let st = try governance ?? Governance.load(layout)
        guard st.genesis != nil else {
            throw RecordsError("\(layout.root)：没有有效的创始记录，无法签名记录（用 `pingshen init` 创建存储）",
                               "\(layout.root): no valid genesis record, cannot sign records (create the store with `pingshen init`)")
        }
        guard let m = st.members[signerID], m.removedAt == nil else {
            throw RecordsError("签名的名单历史中没有成员 “\(signerID)”（或已被移除）", "no member '\(signerID)' on the signed roster (or removed)")
        }
        guard m.key(at: seq) == key.raw else {
            throw RecordsError("签名密钥 \(key.fingerprint) 不是名单上 “\(signerID)” 的密钥",
                               "signing key \(key.fingerprint) is not the roster's key for '\(signerID)'")
        }
        guard KindPolicy.allowed(kind, role: m.entry.role) else {
            let roles = KindPolicy.roles(for: kind).map(\.rawValue).joined(separator: "/")
            throw RecordsError("“\(signerID)” 的角色是 \(m.entry.role.rawValue)，不能签署 \(kind.rawValue) 记录（需要 \(roles)）",
                               "'\(signerID)' has role \(m.entry.role.rawValue) and may not sign a \(kind.rawValue) record (needs \(roles))")
        }
    }

    /// records/MEMBER, opened (O_DIRECTORY) without following a symbolic link at records/ or
    /// at MEMBER (O_NOFOLLOW), relative to the store root; nil when it does not exist and
    /// `create` is false. With `create`, a missing directory is made and its parent fsync'd.
    /// A symbolic link (or anything but a directory) there is refused with an error naming it.
    func openMemberDirectory(_ member: String, create: Bool) throws -> Int32? {
        let rootFD = open(layout.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else { throw sysError(layout.root, "open") }
        defer { close(rootFD) }
        guard let recordsFD = try openDirectory(at: rootFD, "records", display: layout.recordsDir, create: create) else { return nil }
        defer { close(recordsFD) }
        return try openDirectory(at: recordsFD, member, display: layout.memberRecordsDir(member), create: create)
    }

    func openDirectory(at parentFD: Int32, _ name: String, display: String, create: Bool) throws -> Int32? {
        if create {
            if mkdirat(parentFD, name, 0o755) == 0 {
                if durable, fsync(parentFD) != 0 { throw sysError((display as NSString).deletingLastPathComponent, "fsync") }
            } else if errno != EEXIST {
                throw sysError(display, "mkdir")
            }
        }
        let fd = openat(parentFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        if fd >= 0 { return fd }
        switch errno {
        case ENOENT where !create:
            return nil
        case ELOOP, ENOTDIR:
            throw RecordsError("\(display)：是符号链接或不是目录；pingshen 不会经由它读写记录（请运行 `pingshen verify`）",
                               "\(display): a symbolic link or not a directory; pingshen does not read or write records through it (run `pingshen verify`)")
        default:
            throw sysError(display, "open")
        }
    }

    func sysError(_ path: String, _ what: String) -> RecordsError {
        let e = String(cString: strerror(errno))
        return RecordsError("\(path)：\(what) 失败（\(e)）", "\(path): \(what) failed (\(e))")
    }

    /// Whether `name` exists in the directory, as itself (a symbolic link is not followed).
    static func exists(at dirFD: Int32, _ name: String) -> Bool {
        var st = stat()
        return fstatat(dirFD, name, &st, AT_SYMLINK_NOFOLLOW) == 0
    }

    /// Under the member's lock: the last published record (seq, sha256 hex), after removing
    /// what a killed writer left (temp files, a record file whose signature never appeared).
    /// The head is the highest seq with a signature, in the highest folder that holds one.
    func readHead(member: String, dirFD: Int32) throws -> (seq: Int, sha: String) {
        let firstTime = mutex.withLock { cleaned.insert(member).inserted }
        var seq: Int
        var sha: String?
        var folders = RecordFolders(memberFD: dirFD)
        defer { folders.close() }
        /// A killed writer's temp files are in the folder of the seq it was writing.
        func cleanTemps(after head: Int) {
            for s in Set([max(1, head), head + 1]) where s <= RecordLimits.maxSeq {
                let fd = folders.fd(for: s)
                if fd >= 0 { _ = DurableFile.cleanTempFiles(inDirectory: fd) }
            }
        }
        if firstTime {
            guard let l = RecordFileName.listing(dirFD: dirFD) else { throw sysError(layout.memberRecordsDir(member), "readdir") }
            let sigs = Set(l.sigs)
            seq = l.sigs.last.map(Int.init) ?? 0
            // Unpublished record files above the head (their writer died before the .sig).
            for s in l.jsons where Int(s) > seq && !sigs.contains(s) {
                let fd = folders.fd(for: Int(s))
                if fd >= 0 { unlinkat(fd, RecordFileName.json(Int(s)), 0) }
            }
            cleanTemps(after: seq)
        } else {
            let cached = mutex.withLock { heads[member] }
            seq = cached?.seq ?? 0
            func exists(_ s: Int, signature: Bool) -> Bool {
                let fd = folders.fd(for: s)
                return fd >= 0 && RecordStore.exists(at: fd, signature ? RecordFileName.sig(s) : RecordFileName.json(s))
            }
            if let c = cached, exists(c.seq, signature: true) { sha = c.sha } else if cached != nil {
                // The cache is stale (files moved under us): rescan.
                _ = mutex.withLock { cleaned.remove(member) }
                return try readHead(member: member, dirFD: dirFD)
            }
            // Others may have appended since: walk forward.
            while seq < RecordLimits.maxSeq, exists(seq + 1, signature: true) { seq += 1; sha = nil }
            if seq < RecordLimits.maxSeq, exists(seq + 1, signature: false) {
                unlinkat(folders.fd(for: seq + 1), RecordFileName.json(seq + 1), 0)
                cleanTemps(after: seq)
            }
        }
        if seq == 0 { return (0, Record.zeroHash) }
        if let sha { return (seq, sha) }
        guard case .data(let bytes) = Verifier.readRegular(at: folders.fd(for: seq), RecordFileName.json(seq), limit: RecordLimits.recordBytes, noFollow: true) else {
            throw RecordsError("\(RecordFileName.path(member: member, seq: seq))：链头记录缺失、无法读取或不是普通文件（签名存在）；请运行 `pingshen verify`",
                               "\(RecordFileName.path(member: member, seq: seq)): the chain head record is missing, unreadable or not a regular file (its signature exists); run `pingshen verify`")
        }
        let h = Record.sha256Hex(bytes)
        mutex.withLock { heads[member] = (seq, h) }
        return (seq, h)
    }

    /// temp (O_EXCL) → write → fsync → link (never replaces) → unlink temp → fsync directory,
    /// through `DurableFile`; the crash hook can stop it after each step as a SIGKILL would.
    func publish(_ data: Data, dirFD: Int32, name: String, display path: String, steps: (AppendStep, AppendStep, AppendStep)) throws {
        do {
            try DurableFile.write(data, in: dirFD, name: name, display: path, replace: false, sync: durable) { step in
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

    /// Subdirectories of records/ whose names are safe member ids, sorted (a symbolic link is
    /// not one: see `Verifier`).
    public func members() -> [String] {
        let fd = open(layout.recordsDir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var names: [String] = []
        _ = RecordFileName.entries(dirFD: fd) { n, t in
            let name = String(decoding: n, as: UTF8.self)
            if t == .directory, isSafeFileName(name) { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The seq numbers of a member's published records (those whose .sig exists), ascending.
    public func publishedSeqs(of member: String) throws -> [Int] {
        guard let fd = try openMemberDirectory(member, create: false) else { return [] }
        defer { close(fd) }
        guard let l = RecordFileName.listing(dirFD: fd) else {
            throw RecordsError("\(layout.memberRecordsDir(member))：无法读取目录", "\(layout.memberRecordsDir(member)): cannot read the directory")
        }
        return l.sigs.map(Int.init)
    }

    /// A member's records whose .sig exists, in seq order (not verified: see `Verifier`).
    public func records(of member: String) throws -> [StoredRecord] {
        try publishedSeqs(of: member).map { try read(member: member, seq: $0) }
    }

    public func read(member: String, seq: Int) throws -> StoredRecord {
        let rel = RecordFileName.path(member: member, seq: seq)
        let path = layout.root + "/" + rel
        let fd = try openMemberDirectory(member, create: false)
        var got: Verifier.FileRead? = nil
        if let fd {
            var folders = RecordFolders(memberFD: fd)
            got = Verifier.readRegular(at: folders.fd(for: seq), RecordFileName.json(seq), limit: RecordLimits.recordBytes, noFollow: true)
            folders.close()
            close(fd)
        }
        guard case .data(let bytes)? = got else {
            throw InputError(path: path, message: RecordsError.currentLanguage.pick("无法读取记录（缺失、不是普通文件或超过大小上限）",
                                                                                     "cannot read the record (missing, not a regular file, or over the size limit)"))
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
            guard let fd = try openMemberDirectory(member, create: false) else { continue }
            defer { close(fd) }
            var folders = RecordFolders(memberFD: fd)
            defer { folders.close() }
            for s in try publishedSeqs(of: member) {
                guard s == last + 1 else { break }
                guard case .data(let bytes) = Verifier.readRegular(at: folders.fd(for: s), RecordFileName.json(s), limit: RecordLimits.recordBytes, noFollow: true) else { break }
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

extension StoreLayout {
    /// The full path of a record file, `RecordFileName.path` under the store's root.
    public func recordFile(_ member: String, seq: Int, signature: Bool = false) -> String {
        root + "/" + RecordFileName.path(member: member, seq: seq, signature: signature)
    }

    /// The folder records/MEMBER/NNN that holds `seq`.
    public func recordFolder(_ member: String, seq: Int) -> String { memberRecordsDir(member) + "/" + RecordFileName.folder(seq) }
}
