import Foundation
import Crypto
import Dispatch
import Panel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One thing wrong with a store. `path` is relative to the store root.
public struct Problem: Codable, Hashable, Sendable {
    public var path: String
    /// bad-signature, unknown-signer, wrong-key, role, foreign-program, chain-gap, chain-fork,
    /// chain-prev, missing-signature, malformed, signer-mismatch, after-finalize, merkle
    public var kind: String
    public var message: String
    public init(path: String, kind: String, message: String) { self.path = path; self.kind = kind; self.message = message }
}

/// `pingshen verify --format json` (a contract): {"ok":bool,"records":N,"problems":[…]}.
public struct VerifyReport: Codable, Sendable {
    public var ok: Bool
    public var records: Int
    public var problems: [Problem]
    public init(ok: Bool, records: Int, problems: [Problem]) { self.ok = ok; self.records = records; self.problems = problems }
}

public enum Verifier {
    final class SliceCounter: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()
        func take(below limit: Int) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard value < limit else { return nil }
            value += 1
            return value - 1
        }
    }

    /// Each worker writes only its own slots.
    final class ResultBuffer: @unchecked Sendable {
        let buf: UnsafeMutableBufferPointer<Checked?>
        init(count: Int) { buf = .allocate(capacity: count); buf.initialize(repeating: nil) }
        func free() { buf.deinitialize(); buf.deallocate() }
    }

    struct MemberFiles {
        var member: String
        var published: [Int]           // seqs with a .sig, ascending
        var unsigned: [Int]            // seqs with only a .json
        var sigOnly: [Int]             // seqs with only a .sig
    }

    /// Verifies the whole store. Throws only when the store itself cannot be read (exit 2).
    /// With `cache`, signatures already found valid on this machine are not checked again
    /// (see `VerifyCache`); everything else is.
    public static func verify(layout: StoreLayout, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                              language: Language = RecordsError.currentLanguage, cache: Bool = false) throws -> VerifyReport {
        try scan(layout: layout, threads: threads, language: language, collect: false, cache: cache) { _ in }
    }

    /// Verifies the store and returns, in (member, seq) order, the records that have no
    /// problem at all (the ones to count), read once. Throws only when the store cannot be read.
    public static func verifiedRecords(layout: StoreLayout, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                                       language: Language = RecordsError.currentLanguage, cache: Bool = false) throws -> (records: [StoredRecord], report: VerifyReport) {
        try run(layout: layout, threads: threads, language: language, collect: true, cache: cache)
    }

    /// Verifies the store and hands each record that passed its own checks to `sink`, in
    /// (member, seq) order, as it goes: nothing is kept, so memory stays flat in the number of
    /// records. A record handed over may still get a problem later (a finalization's Merkle
    /// root, a score after the finalization): the caller leaves out every record whose path is
    /// named in the report's problems, as `verifiedRecords` does.
    public static func forEachVerifiedRecord(layout: StoreLayout, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                                             language: Language = RecordsError.currentLanguage, cache: Bool = false,
                                             _ sink: (StoredRecord) -> Void) throws -> VerifyReport {
        try scan(layout: layout, threads: threads, language: language, collect: true, cache: cache, sink: sink)
    }

    static func run(layout: StoreLayout, threads: Int, language: Language, collect: Bool, cache: Bool,
                    cacheSecret: String? = nil) throws -> (records: [StoredRecord], report: VerifyReport) {
        var kept: [StoredRecord] = []
        let report = try scan(layout: layout, threads: threads, language: language, collect: collect, cache: cache,
                              cacheSecret: cacheSecret) { kept.append($0) }
        let bad = Set(report.problems.map(\.path))
        kept.removeAll { bad.contains($0.path) }
        return (kept, report)
    }

    static func scan(layout: StoreLayout, threads: Int, language: Language, collect: Bool, cache useCache: Bool,
                     cacheSecret: String? = nil, sink: (StoredRecord) -> Void) throws -> VerifyReport {
        let lang = language
        guard FileManager.default.fileExists(atPath: layout.programFile) else {
            throw StoreError(lang.pick("\(layout.programFile)：缺失；\(layout.root) 是 pingshen 存储吗？",
                                       "\(layout.programFile): missing; is \(layout.root) a pingshen store?"))
        }
        let program = try YAMLFile.decode(Program.self, path: layout.programFile)
        let roster = FileManager.default.fileExists(atPath: layout.rosterFile)
            ? try YAMLFile.decode(Roster.self, path: layout.rosterFile) : Roster()
        let context = Context(instance: program.instance ?? program.id, roster: roster, language: lang)
        let cache = useCache ? VerifyCache(layout: layout, secretPath: cacheSecret) : nil
        defer { cache?.save() }

        var problems: [Problem] = []
        var isDir: ObjCBool = false
        var memberFiles: [MemberFiles] = []
        if FileManager.default.fileExists(atPath: layout.recordsDir, isDirectory: &isDir) {
            guard isDir.boolValue else { throw StoreError(lang.pick("\(layout.recordsDir)：不是目录", "\(layout.recordsDir): not a directory")) }
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: layout.recordsDir) } catch {
                throw StoreError(lang.pick("\(layout.recordsDir)：无法读取", "\(layout.recordsDir): cannot be read"))
            }
            for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where !name.hasPrefix(".") {
                var d: ObjCBool = false
                let dir = layout.recordsDir + "/" + name
                guard FileManager.default.fileExists(atPath: dir, isDirectory: &d), d.boolValue, isSafeFileName(name) else {
                    problems.append(Problem(path: "records/" + name, kind: "malformed",
                                            message: lang.pick("不是成员记录目录", "not a member's record directory")))
                    continue
                }
                let entries: [String]
                do { entries = try FileManager.default.contentsOfDirectory(atPath: dir) } catch {
                    throw StoreError(lang.pick("\(dir)：无法读取", "\(dir): cannot be read"))
                }
                var jsons = Set<Int>(), sigs = Set<Int>()
                for e in entries {
                    switch RecordFileName.parse(e) {
                    case .json(let s): jsons.insert(s)
                    case .sig(let s): sigs.insert(s)
                    case nil: break
                    }
                }
                memberFiles.append(MemberFiles(member: name, published: jsons.intersection(sigs).sorted(),
                                               unsigned: jsons.subtracting(sigs).sorted(), sigOnly: sigs.subtracting(jsons).sorted()))
            }
        }

        // Tasks in (member, seq) order; checked in parallel chunk by chunk, then chained in order.
        var tasks: [(m: Int32, seq: Int32)] = []
        for (i, mf) in memberFiles.enumerated() { for s in mf.published { tasks.append((Int32(i), Int32(s))) } }
        let total = tasks.count

        struct ChainState {
            var lastSeq = 0
            var lastSha: [UInt8]?
            var lastPrev: String?
            /// Per published record, in seq order (sizes follow the records, never the seq
            /// numbers, which a forged file name could make huge).
            var seqs: [Int32] = []
            /// 32 bytes per record (zeros when unreadable), flat: no allocation per record.
            var shaFlat: [UInt8] = []
            var present: [Bool] = []
            var kinds: [RecordKind?] = []
            func sha(at i: Int) -> [UInt8]? {
                present[i] ? Array(shaFlat[i * 32..<(i + 1) * 32]) : nil
            }
        }
        var chains = [ChainState](repeating: ChainState(), count: memberFiles.count)
        struct Final { var path: String; var created: String; var signer: String; var counted: [String: Int]; var root: String }
        var finals: [Final] = []

        let chunk = 8192
        let workers = max(1, threads)
        var start = 0
        while start < total {
            let end = min(total, start + chunk)
            let n = end - start
            let results = ResultBuffer(count: n)
            defer { results.free() }
            let slices = min(n, workers * 8)
            let base = start
            let files = memberFiles
            let tasksCopy = tasks
            // `workers` threads (at most) take slices in turn, so `threads` is honoured exactly.
            let next = SliceCounter()
            let work: @Sendable (Int) -> Void = { _ in
              while let sl = next.take(below: slices) {
                let lo = n * sl / slices, hi = n * (sl + 1) / slices
                var dirFD: Int32 = -1, dirMember: Int32 = -1
                defer { if dirFD >= 0 { close(dirFD) } }
                for i in lo..<hi {
                    let t = tasksCopy[base + i]
                    let member = files[Int(t.m)].member
                    let seq = Int(t.seq)
                    if t.m != dirMember {
                        if dirFD >= 0 { close(dirFD) }
                        dirFD = open(layout.memberRecordsDir(member), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                        dirMember = t.m
                    }
                    let name = RecordFileName.json(seq)
                    let json = dirFD >= 0 ? readFile(at: dirFD, name) : nil
                    let sig = dirFD >= 0 ? readFile(at: dirFD, name + ".sig") : nil
                    var c = check(json: json, signature: sig, member: member, fileSeq: seq, context: context, cache: cache)
                    if collect, c.valid, let json { c.bytes = json }
                    results.buf[i] = c
                }
              }
            }
            if workers == 1 || slices == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: min(workers, slices), execute: work) }
            for i in 0..<n {
                let t = tasks[start + i]
                let mi = Int(t.m)
                let member = memberFiles[mi].member
                var c = results.buf[i]!
                var st = chains[mi]
                chains[mi] = ChainState()   // move out, so appends below do not copy
                let seq = c.fileSeq
                if seq > st.lastSeq + 1 {
                    let missing = st.lastSeq + 1 == seq - 1 ? RecordFileName.json(st.lastSeq + 1)
                        : RecordFileName.json(st.lastSeq + 1) + "…" + RecordFileName.json(seq - 1)
                    c.problems.append(Problem(path: c.path, kind: "chain-gap",
                        message: lang.pick("链中缺少记录 \(missing)（被删除？）", "records \(missing) are missing from the chain (removed?)")))
                }
                if let r = c.record {
                    if r.seq != seq {
                        if r.seq < seq {
                            c.problems.append(Problem(path: c.path, kind: "chain-fork",
                                message: lang.pick("文件序号 \(seq)，记录却声明 seq \(r.seq)：同一序号的第二条记录",
                                                   "file number \(seq) holds a record claiming seq \(r.seq): a second record for that seq")))
                        } else {
                            c.problems.append(Problem(path: c.path, kind: "chain-prev",
                                message: lang.pick("文件序号 \(seq)，记录却声明 seq \(r.seq)（顺序被调换或改名？）",
                                                   "file number \(seq) holds a record claiming seq \(r.seq) (reordered or renamed?)")))
                        }
                    } else if seq == 1 {
                        if r.prev != Record.zeroHash {
                            c.problems.append(Problem(path: c.path, kind: "chain-prev",
                                message: lang.pick("第一条记录的 prev 应为 64 个 0", "the first record's prev must be 64 zeros")))
                        }
                    } else if seq == st.lastSeq + 1, let lastSha = st.lastSha {
                        let want = Hex.encode(lastSha)
                        if r.prev != want {
                            if let lp = st.lastPrev, r.prev == lp {
                                c.problems.append(Problem(path: c.path, kind: "chain-fork",
                                    message: lang.pick("与前一条记录接在同一条记录之后（链分叉）", "follows the same record as the previous one (a fork of the chain)")))
                            } else {
                                c.problems.append(Problem(path: c.path, kind: "chain-prev",
                                    message: lang.pick("prev 与前一条记录的 SHA-256 不符（记录被改动或调换？）",
                                                       "prev does not match the previous record's SHA-256 (changed or reordered?)")))
                            }
                        }
                    }
                    if c.valid, r.kind == .finalize, let f = finalizeBody(r.body) {
                        finals.append(Final(path: c.path, created: r.created, signer: r.signer, counted: f.counted, root: f.root))
                    }
                }
                // Keep the little that chain and Merkle checks need.
                st.seqs.append(Int32(seq))
                st.present.append(c.sha != nil)
                st.shaFlat.append(contentsOf: c.sha ?? [UInt8](repeating: 0, count: 32))
                st.kinds.append(c.valid ? c.record?.kind : nil)
                st.lastSeq = seq
                st.lastSha = c.sha
                st.lastPrev = c.record?.prev
                chains[mi] = st
                _ = member
                if collect, c.valid, c.problems.isEmpty, let r = c.record, let b = c.bytes, let h = c.sha {
                    sink(StoredRecord(record: r, bytes: b, path: c.path, sha256: Hex.encode(h)))
                }
                problems.append(contentsOf: c.problems)
            }
            start = end
        }

        // Record files whose signature is missing (only a problem when a later record exists).
        for (mi, mf) in memberFiles.enumerated() {
            let last = mf.published.last ?? 0
            for s in mf.unsigned where s < last {
                problems.append(Problem(path: "records/\(mf.member)/" + RecordFileName.json(s), kind: "missing-signature",
                    message: lang.pick("记录没有签名文件，而其后还有记录", "the record has no signature file but later records exist")))
            }
            for s in mf.sigOnly {
                problems.append(Problem(path: "records/\(mf.member)/" + RecordFileName.sig(s), kind: "malformed",
                    message: lang.pick("签名文件没有对应的记录", "a signature file without its record")))
            }
            _ = mi
        }

        // Finalizations: each Merkle root must match the records it counted; after the latest,
        // no score or recusal may follow.
        let index = Dictionary(uniqueKeysWithValues: memberFiles.enumerated().map { ($1.member, $0) })
        for f in finals {
            var b = Merkle.Builder()
            var missing: [String] = []
            var missingCount = 0
            for m in f.counted.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                let upto = f.counted[m]!
                guard upto >= 1 else { continue }
                // Leaves for seq 1…upto; anything absent on the way is missing.
                var expected = 1
                func miss(_ s: Int, _ count: Int) {
                    if missing.count < 6 { missing.append("records/\(m)/" + RecordFileName.json(s)) }
                    missingCount += count
                }
                if let st = index[m].map({ chains[$0] }) {
                    var i = 0
                    while i < st.seqs.count, Int(st.seqs[i]) <= upto {
                        let s = Int(st.seqs[i])
                        if s > expected { miss(expected, s - expected) }
                        if let h = st.sha(at: i) { b.add(h) } else { miss(s, 1) }
                        expected = s + 1
                        i += 1
                    }
                }
                if expected <= upto { miss(expected, upto - expected + 1) }
            }
            if !missing.isEmpty {
                let list = missing.prefix(5).joined(separator: ", ") + (missingCount > 5 ? " …" : "")
                problems.append(Problem(path: f.path, kind: "merkle",
                    message: lang.pick("定稿计入的 \(missingCount) 条记录缺失：\(list)", "\(missingCount) records counted by the finalization are missing: \(list)")))
            } else if b.root() != f.root {
                problems.append(Problem(path: f.path, kind: "merkle",
                    message: lang.pick("Merkle 根不符：记录为 \(f.root)，重算为 \(b.root())", "Merkle root mismatch: recorded \(f.root), recomputed \(b.root())")))
            }
        }
        if let latest = finals.max(by: { ($0.created, $0.path) < ($1.created, $1.path) }) {
            for (mi, mf) in memberFiles.enumerated() {
                let st = chains[mi]
                let upto = latest.counted[mf.member] ?? 0
                for (i, k) in st.kinds.enumerated() where Int(st.seqs[i]) > upto {
                    guard k == .score || k == .recusal else { continue }
                    problems.append(Problem(path: "records/\(mf.member)/" + RecordFileName.json(Int(st.seqs[i])), kind: "after-finalize",
                        message: lang.pick("\(k!.rawValue) 记录未被定稿 \(latest.path) 计入（在定稿之后）",
                                           "\(k!.rawValue) record not counted by the finalization \(latest.path) (comes after it)")))
                }
            }
        }

        let sorted = problems.enumerated().sorted { a, b in
            a.element.path != b.element.path ? a.element.path.utf8.lexicographicallyPrecedes(b.element.path.utf8) : a.offset < b.offset
        }.map(\.element)
        return VerifyReport(ok: sorted.isEmpty, records: total, problems: sorted)
    }

    /// counted (member → seq) and merkle_root from a finalize body.
    public static func finalizeBody(_ body: [String: JSONValue]) -> (counted: [String: Int], root: String)? {
        guard let c = body["counted"]?.object, let root = body["merkle_root"]?.string else { return nil }
        var counted: [String: Int] = [:]
        for (k, v) in c {
            guard let i = v.int, i >= 0, i <= Int64(Int32.max) else { return nil }
            counted[k] = Int(i)
        }
        return (counted, root)
    }
}
