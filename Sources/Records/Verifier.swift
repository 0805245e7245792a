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
    /// chain-prev, missing-signature, malformed, signer-mismatch, after-finalize, merkle;
    /// not-regular-file (a FIFO, device, symbolic link … where a record file or a member
    /// directory belongs: never opened), too-large (over `RecordLimits`: never read), stray-file
    /// (a file pingshen never writes there, such as a misnamed record), missing-record (a record
    /// that a later, validly signed record saw is not there: `seen`, RecordSeen.swift);
    /// rule-violation (a valid signature on a body that breaks the programme: `RecordKinds`),
    /// decision-conflict (concurrent decisions that disagree: `DecisionOrder`), created-window
    /// (`created` before the programme's year − 1 or over a day ahead), finalize-mismatch
    /// (program.yaml no longer says the quota or method the chair signed; path program.yaml)
    public var kind: String
    public var message: String
    public init(path: String, kind: String, message: String) { self.path = path; self.kind = kind; self.message = message }
}

/// `pingshen verify --format json` (a contract): {"ok":bool,"records":N,"problems":[…]}, and
/// `fingerprint`: the store fingerprint (SHA-256 of the genesis record), when there is one.
public struct VerifyReport: Codable, Sendable {
    public var ok: Bool
    public var records: Int
    public var problems: [Problem]
    public var fingerprint: String?
    public init(ok: Bool, records: Int, problems: [Problem], fingerprint: String? = nil) {
        self.ok = ok; self.records = records; self.problems = problems; self.fingerprint = fingerprint
    }

    /// Adds a `fingerprint-mismatch` problem unless the store's fingerprint is `expected`
    /// (`verify --fingerprint HEX`: a copy of a store checked against a published fingerprint).
    public mutating func expectFingerprint(_ expected: String, language lang: Language) {
        let want = expected.lowercased()
        guard fingerprint != want else { return }
        problems.append(Problem(path: "records", kind: "fingerprint-mismatch", message: lang.pick(
            "存储指纹是 \(fingerprint ?? "（无创始记录）")，不是公布的 \(want)：这不是那个存储",
            "the store fingerprint is \(fingerprint ?? "(no genesis record)"), not the published \(want): this is not that store")))
        ok = false
    }
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

    /// Slots written by many threads, each only its own.
    final class Slots<T>: @unchecked Sendable {
        let buf: UnsafeMutableBufferPointer<T?>
        init(count: Int) { buf = .allocate(capacity: count); buf.initialize(repeating: nil) }
        func free() { buf.deinitialize(); buf.deallocate() }
    }

    /// Runs `body(i)` for every i in 0..<count on `workers` threads of its own (more threads
    /// than cores are useful: a thread waiting for the disk leaves its core to another).
    static func parallel(_ count: Int, workers: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let n = min(max(1, workers), count)
        if n <= 1 { for i in 0..<count { body(i) }; return }
        let next = SliceCounter()
        let group = DispatchGroup()
        // The language of messages (--lang) is task-local and does not cross to a Thread.
        let language = PanelMessages.language
        for _ in 0..<n {
            group.enter()
            let t = Thread {
                PanelMessages.$language.withValue(language) {
                    while let i = next.take(below: count) { body(i) }
                }
                group.leave()
            }
            t.stackSize = 1 << 20
            t.start()
        }
        group.wait()
    }

    /// Worker threads for a scan on `cores` cores: sixteen per core (at most 64), so that
    /// reading from disk overlaps with verifying. Measured at 308,975 records on 2 cores, with
    /// the record files evicted from the page cache first: 8 threads 22.6 s, 32 threads 17.8 s,
    /// 64 threads 18.1 s; from the page cache: 8 threads 12.0 s, 16–32 threads 11.5–11.9 s.
    /// Memory stays near 60 MB either way.
    public static func defaultThreads(cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int { min(64, max(1, cores) * 16) }

    /// What an indexed scan keeps of the records of one member it read and checked: their
    /// stamps, kinds and summaries (encoded as in the index: about 60 bytes a record).
    struct Fresh {
        static let invalid: UInt8 = 255
        var stamps: [StoreIndex.Stamp?] = []
        var kinds: [UInt8] = []
        var payload: [UInt8] = []
        var ends: [UInt32] = []
        var count: Int { kinds.count }
        func range(_ j: Int) -> Range<Int> { (j == 0 ? 0 : Int(ends[j - 1]))..<Int(ends[j]) }

        /// `record`: nil when the record is not valid.
        mutating func add(_ record: Record?, stamp: StoreIndex.Stamp?) {
            stamps.append(stamp)
            if let record {
                // The hash of a whole record is not encoded (the index keeps every hash).
                var w = ByteWriter()
                RecordSummary(record, sha256: "").encode(into: &w)
                payload.append(contentsOf: w.out)
                kinds.append(UInt8(RecordKind.allCases.firstIndex(of: record.kind)!))
            } else {
                kinds.append(Fresh.invalid)
            }
            ends.append(UInt32(payload.count))
        }
    }

    struct MemberFiles {
        var member: String
        var dirFD: Int32
        /// The directory's own stamp, when it could be read.
        var dirStamp: StoreIndex.Stamp?
        var published: [Int32]         // seqs with a .sig, ascending
        var unsigned: [Int32]          // seqs with only a .json
        var sigOnly: [Int32]           // seqs with only a .sig
        /// The listing had problems of its own (stray or irregular entries).
        var listingProblem = false
    }

    /// Verifies the whole store. Throws only when the store itself cannot be read (exit 2).
    /// With `cache`, signatures already found valid on this machine are not checked again
    /// (see `VerifyCache`); everything else is.
    public static func verify(layout: StoreLayout, threads: Int = defaultThreads(),
                              language: Language = RecordsError.currentLanguage, cache: Bool = false) throws -> VerifyReport {
        try scan(layout: layout, threads: threads, language: language, collect: false, cache: cache) { _ in }
    }

    /// Verifies the store through the store index (`StoreIndex`, `verify --cached`): records
    /// whose files carry the stamps they had when they were verified on this machine are not
    /// read again; everything else is checked in full, and the report is the same as
    /// `verify`'s. Without a cache secret, the same as `verify`.
    public static func verifyIndexed(layout: StoreLayout, threads: Int = defaultThreads(),
                                     language: Language = RecordsError.currentLanguage, cacheSecret: String? = nil) throws -> VerifyReport {
        try countedSummaries(layout: layout, threads: threads, language: language, cacheSecret: cacheSecret, handOver: false) { _ in }.report
    }

    /// Verifies the store and returns, in (member, seq) order, the records that have no
    /// problem at all (the ones to count), read once. Throws only when the store cannot be read.
    public static func verifiedRecords(layout: StoreLayout, threads: Int = defaultThreads(),
                                       language: Language = RecordsError.currentLanguage, cache: Bool = false) throws -> (records: [StoredRecord], report: VerifyReport) {
        try run(layout: layout, threads: threads, language: language, collect: true, cache: cache)
    }

    /// Verifies the store and hands each record that passed its own checks to `sink`, in
    /// (member, seq) order, as it goes: nothing is kept, so memory stays flat in the number of
    /// records. A record handed over may still get a problem later (a finalization's Merkle
    /// root, a score after the finalization): the caller leaves out every record whose path is
    /// named in the report's problems, as `verifiedRecords` does.
    public static func forEachVerifiedRecord(layout: StoreLayout, threads: Int = defaultThreads(),
                                             language: Language = RecordsError.currentLanguage, cache: Bool = false,
                                             _ sink: (StoredRecord) -> Void) throws -> VerifyReport {
        try scan(layout: layout, threads: threads, language: language, collect: true, cache: cache, sink: sink)
    }

    /// The records that count, as summaries, in (member, seq) order, through the store index
    /// (`StoreIndex`) and the verified-record cache: only records whose files changed since the
    /// last scan on this machine are read and checked. Every record handed over has no problem
    /// in the report (unlike `forEachVerifiedRecord`, nothing is handed over before the end).
    /// Without a cache secret (no writable cache home) it checks everything.
    ///
    /// `trustingStamps`: takes the index's records without looking at their files' stamps (only
    /// records beyond it are read and checked), and writes no index. For a first screen that
    /// must come at once; the caller runs the full open beside it and uses that (see
    /// `ReviewSession(root:checkInBackground:)`).
    public static func forEachCountedSummary(layout: StoreLayout, threads: Int = defaultThreads(),
                                             language: Language = RecordsError.currentLanguage, cacheSecret: String? = nil,
                                             trustingStamps: Bool = false,
                                             _ sink: (RecordSummary) -> Void) throws -> VerifyReport {
        try countedSummaries(layout: layout, threads: threads, language: language, cacheSecret: cacheSecret,
                             trustingStamps: trustingStamps, sink).report
    }

    /// What `openCounted` tells besides handing over the summaries.
    public struct CountedOpen: Sendable {
        public var report: VerifyReport
        /// Names the exact set of records when the store has no problem (see `alreadyHeld`).
        public var fingerprint: [UInt8]?
        /// False when `alreadyHeld` said the caller holds what the summaries would give.
        public var handedOver: Bool
    }

    /// `forEachCountedSummary` for a caller that keeps what it derives from the summaries (the
    /// ledger): when the store has no problem, `alreadyHeld(fingerprint)` is asked first, and
    /// answering true skips decoding and handing over every summary.
    public static func openCounted(layout: StoreLayout, threads: Int = defaultThreads(),
                                   language: Language = RecordsError.currentLanguage, cacheSecret: String? = nil,
                                   trustingStamps: Bool = false, alreadyHeld: ([UInt8]) -> Bool,
                                   _ sink: (RecordSummary) -> Void) throws -> CountedOpen {
        let r = try withoutActuallyEscaping(alreadyHeld) { held in
            try countedSummaries(layout: layout, threads: threads, language: language, cacheSecret: cacheSecret,
                                 trustingStamps: trustingStamps, alreadyHeld: held, sink)
        }
        return CountedOpen(report: r.report, fingerprint: r.fingerprint, handedOver: r.handedOver)
    }

    /// `forEachCountedSummary`, telling also how many records came from the index and how many
    /// were read and checked. `racy`: how long before the index was written a change must be
    /// for the stamps to be trusted (tests set 0).
    static func countedSummaries(layout: StoreLayout, threads: Int = defaultThreads(), language: Language, cacheSecret: String? = nil,
                                 racy: Int64 = StoreIndex.racyNanos, trustingStamps: Bool = false, handOver: Bool = true,
                                 alreadyHeld: (([UInt8]) -> Bool)? = nil,
                                 _ sink: (RecordSummary) -> Void) throws -> (report: VerifyReport, reused: Int, checked: Int, fingerprint: [UInt8]?, handedOver: Bool) {
        guard let secret = VerifyCache.secret(at: cacheSecret ?? VerifyCache.defaultSecretPath()) else {
            // No index possible: the whole store, the slow way.
            var kept: [RecordSummary] = []
            let report = try scan(layout: layout, threads: threads, language: language, collect: handOver, cache: false) {
                kept.append(RecordSummary($0))
            }
            let bad = Set(report.problems.map(\.path))
            for s in kept where !bad.contains(s.path) { sink(s) }
            return (report, 0, report.records, nil, handOver)
        }
        let key = SymmetricKey(data: secret)
        let path = StoreIndex.path(layout)
        return try withoutActuallyEscaping(sink) { sink in
            var previous = Trace.phase("index: read") { StoreIndex.read(path: path, key: key) }
            while true {
                var opts: IndexOptions? = IndexOptions(previous: previous, key: key, path: path, racy: racy, trustingStamps: trustingStamps,
                                                       handOver: handOver, alreadyHeld: alreadyHeld)
                if let report = try scan(layout: layout, threads: threads, language: language, collect: false, cache: true,
                                         cacheSecret: cacheSecret, index: &opts, sink: { _ in }, summaries: sink), let o = opts {
                    return (report, o.reused, o.checked, o.fingerprint, o.handedOver)
                }
                // What the scan read back did not decode. Only an index can bring that (it is
                // derived data): start again without it.
                guard previous != nil else {
                    throw StoreError(language.pick("\(layout.recordsDir)：记录摘要无法读回（内部错误）", "\(layout.recordsDir): record summaries could not be read back (internal error)"))
                }
                unlink(path)
                previous = nil
            }
        }
    }

    struct IndexOptions {
        var previous: StoreIndex?
        var key: SymmetricKey
        var path: String
        var racy: Int64 = StoreIndex.racyNanos
        /// Take the index's records without stat (and write no index).
        var trustingStamps = false
        /// Decode and hand over the summaries (not for a verification alone).
        var handOver = true
        /// Asked, when the store has no problem at all, whether the caller already holds what
        /// the summaries would give for this exact set of records (named by `fingerprint`);
        /// true skips the hand-over.
        var alreadyHeld: (([UInt8]) -> Bool)? = nil
        /// Set when the store has no problem: SHA-256 over every member's id, record count and
        /// head hash. The chains are hash-linked and all sound, so it names every record.
        var fingerprint: [UInt8]? = nil
        var handedOver = false
        /// How many records were taken from the index / read and checked (for tests and benches).
        var reused = 0
        var checked = 0
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
        var none: IndexOptions? = nil
        return try scan(layout: layout, threads: threads, language: language, collect: collect, cache: useCache,
                        cacheSecret: cacheSecret, index: &none, sink: sink, summaries: nil)!
    }

    /// The scan behind every entry point. With `index` (and `summaries`), records whose files
    /// are unchanged since the index was written are taken from it, and summaries are handed to
    /// `summaries` at the end; returns nil only when the index turns out unreadable.
    static func scan(layout: StoreLayout, threads: Int, language: Language, collect: Bool, cache useCache: Bool,
                     cacheSecret: String? = nil, index indexOpts: inout IndexOptions?, sink: (StoredRecord) -> Void,
                     summaries: ((RecordSummary) -> Void)?) throws -> VerifyReport? {
        let lang = language
        guard FileManager.default.fileExists(atPath: layout.programFile) else {
            throw StoreError(lang.pick("\(layout.programFile)：缺失；\(layout.root) 是 pingshen 存储吗？",
                                       "\(layout.programFile): missing; is \(layout.root) a pingshen store?"))
        }
        let governance = try Trace.phase("scan: governance") { try Governance.load(layout, language: lang) }
        // The programme and the roster the signed history gives (never the view files); without
        // a genesis (a problem already), the view's programme, for its instance and rules.
        let program = try governance.program ?? YAMLFile.decode(Program.self, path: layout.programFile)
        let instance = governance.instance ?? program.instance ?? program.id
        // Every member the history ever had (a removed member's earlier records still count).
        let everyone = Roster(members: governance.order.compactMap { governance.members[$0]?.entry })
        let rules = ruleBook(program: program, roster: everyone, layout: layout)
        let context: Context = {
            var c = Context(instance: instance, governance: governance, language: lang, rules: rules)
            c.createdWindow = createdWindow(program: program)
            return c
        }()
        let rulesHash = rules.fingerprint
        let indexed = indexOpts != nil && summaries != nil
        let scanStart = StoreIndex.now()
        let previous = indexed ? indexOpts!.previous : nil

        var problems: [Problem] = governance.problems + (try Governance.viewProblems(governance, layout: layout, language: lang))
        var memberFiles: [MemberFiles] = []
        defer { for mf in memberFiles where mf.dirFD >= 0 { close(mf.dirFD) } }
        try Trace.phase("scan: list record directories") {
        // records/ and each member directory are opened without following a symbolic link
        // (O_NOFOLLOW): a linked directory is a problem and is not read (issue 16).
        let recordsFD = open(layout.recordsDir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        if recordsFD < 0 {
            // Linux answers ENOTDIR, not ELOOP, for a symbolic link opened with O_DIRECTORY|O_NOFOLLOW.
            var st = stat()
            let isLink = lstat(layout.recordsDir, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
            switch isLink ? ELOOP : errno {
            case ENOENT:
                return
            case ELOOP:
                problems.append(Problem(path: "records", kind: "not-regular-file",
                    message: lang.pick("是符号链接，不是存储的记录目录；其中的记录未读取", "a symbolic link, not the store's records directory; its records are not read")))
                return
            case ENOTDIR:
                throw StoreError(lang.pick("\(layout.recordsDir)：不是目录", "\(layout.recordsDir): not a directory"))
            default:
                throw StoreError(lang.pick("\(layout.recordsDir)：无法读取", "\(layout.recordsDir): cannot be read"))
            }
        }
        defer { close(recordsFD) }
        var names: [(String, FileType?)] = []
        guard RecordFileName.entries(dirFD: recordsFD, { n, t in names.append((String(decoding: n, as: UTF8.self), t)) }) else {
            throw StoreError(lang.pick("\(layout.recordsDir)：无法读取", "\(layout.recordsDir): cannot be read"))
        }
        for (name, type) in names.sorted(by: { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }) {
            let dir = layout.recordsDir + "/" + name
            let (fd, problem) = openMemberDirectory(recordsFD: recordsFD, name: name, type: type, lang: lang)
            if let problem { problems.append(problem); continue }
            guard fd >= 0 else { throw StoreError(lang.pick("\(dir)：无法读取", "\(dir): cannot be read")) }
            let dirStamp = StoreIndex.stamp(dirFD: fd)
            // A directory that has not changed since the index was written holds the same
            // names (creating, removing or renaming an entry changes it): no need to list it.
            if let previous, let e = previous.members[name], let ds = dirStamp, e.dirStamp == ds.mix {
                memberFiles.append(MemberFiles(member: name, dirFD: fd, dirStamp: dirStamp, published: e.seqs, unsigned: [], sigOnly: []))
                continue
            }
            guard let l = RecordFileName.listing(dirFD: fd) else {
                close(fd)
                throw StoreError(lang.pick("\(dir)：无法读取", "\(dir): cannot be read"))
            }
            let (jsons, sigs) = (l.jsons, l.sigs)
            let sigSet = Set(sigs), jsonSet = Set(jsons)
            // A signature whose record is not a regular file: that problem says it all.
            let irregularJSON = Set(l.irregular.filter { !$0.isSig }.map(\.seq))
            let listed = listingProblems(member: name, l, lang: lang)
            problems.append(contentsOf: listed)
            memberFiles.append(MemberFiles(member: name, dirFD: fd, dirStamp: dirStamp, published: jsons.filter { sigSet.contains($0) },
                                           unsigned: jsons.filter { !sigSet.contains($0) },
                                           sigOnly: sigs.filter { !jsonSet.contains($0) && !irregularJSON.contains($0) },
                                           listingProblem: !listed.isEmpty))
        }
        }
        let workers = max(1, threads)

        // Which records the index still vouches for: per member, a prefix of its records whose
        // files carry exactly the stamps they had (stat only, no reading).
        var reuse = [Int](repeating: 0, count: memberFiles.count)
        var entries = [StoreIndex.Member?](repeating: nil, count: memberFiles.count)
        if let previous { Trace.phase("scan: stat the indexed record files") {
            var jobs: [(m: Int, lo: Int, hi: Int)] = []
            for (mi, mf) in memberFiles.enumerated() {
                guard let e = previous.members[mf.member], let who = context.governance.context(of: mf.member),
                      e.context == StoreIndex.contextHash(instance: context.instance, key: who, role: .member, rules: rulesHash) else { continue }
                var k = 0
                while k < e.count, k < mf.published.count, e.seqs[k] == mf.published[k] { k += 1 }
                entries[mi] = e
                reuse[mi] = k
                var lo = 0
                while lo < k { jobs.append((mi, lo, min(k, lo + 4096))); lo += 4096 }
            }
            if indexOpts!.trustingStamps { jobs = [] }
            let firstBad = Slots<Int>(count: jobs.count)
            defer { firstBad.free() }
            let files = memberFiles, ents = entries
            let js = jobs
            parallel(jobs.count, workers: workers) { j in
                let job = js[j]
                let e = ents[job.m]!
                let fd = files[job.m].dirFD
                var bad = job.hi
                var name = StoreIndex.NameBuffer()
                for i in job.lo..<job.hi {
                    guard let s = StoreIndex.stamp(dirFD: fd, seq: Int(e.seqs[i]), name: &name), s.mix == e.stamps[i] else { bad = i; break }
                }
                firstBad.buf[j] = bad
            }
            for (j, job) in jobs.enumerated() where firstBad.buf[j]! < job.hi {
                reuse[job.m] = min(reuse[job.m], firstBad.buf[j]!)
            }
        } }

        // Tasks in (member, seq) order: every record not vouched for.
        var tasks: [(m: Int32, seq: Int32)] = []
        for (i, mf) in memberFiles.enumerated() { for s in mf.published[reuse[i]...] { tasks.append((Int32(i), s)) } }
        let total = memberFiles.reduce(0) { $0 + $1.published.count }
        // Loaded only when there is something to check.
        let cache = useCache && !tasks.isEmpty ? VerifyCache(layout: layout, secretPath: cacheSecret) : nil
        defer { cache?.save() }

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
        struct Final { var path: String; var created: String; var signer: String; var counted: [String: Int]; var root: String; var sha: [UInt8] }
        var finals: [Final] = []
        var pins = Pins()
        var decisions = Decisions()
        var memberProblem = memberFiles.map(\.listingProblem)
        // Indexed scans keep, per member, what the new index and the summaries need of the
        // records checked now.
        var fresh = [Fresh](repeating: Fresh(), count: memberFiles.count)
        // What each member's records had seen of the others (`seen`), for missing-record.
        var seenLogs = [SeenLog](repeating: SeenLog(), count: memberFiles.count)
        var indexBroken = false

        for (mi, k) in reuse.enumerated() where k > 0 {
            let e = entries[mi]!
            var st = ChainState()
            st.seqs = Array(e.seqs[0..<k])
            st.shaFlat = Array(e.shaFlat[0..<(k * 32)])
            st.present = [Bool](repeating: true, count: k)
            st.kinds = e.kinds[0..<k].map { $0 < RecordKind.allCases.count ? RecordKind.allCases[Int($0)] : nil }
            st.lastSeq = Int(e.seqs[k - 1])
            st.lastSha = st.sha(at: k - 1)
            st.lastPrev = k >= 2 ? Hex.encode(st.shaFlat[(k - 2) * 32..<(k - 1) * 32]) : Record.zeroHash
            for i in 0..<k where st.kinds[i].map({ decisionKinds.contains($0) }) == true || Pins.concerns(st.kinds[i]) {
                let name = memberFiles[mi].member
                let sha = Array(e.shaFlat[i * 32..<(i + 1) * 32])
                let kind = st.kinds[i]!
                let summary = e.payload.withUnsafeBytes { raw -> RecordSummary? in
                    let r = e.summaryBytes(i)
                    var reader = ByteReader(raw, from: r.lowerBound, to: r.upperBound)
                    return RecordSummary.decode(&reader, signer: name, seq: Int(e.seqs[i]), kind: kind, sha256: { Hex.encode(sha) })
                }
                guard case .whole(let r, _)? = summary?.content else { indexBroken = true; continue }
                pins.note(r, path: "records/\(name)/" + RecordFileName.json(Int(e.seqs[i])), sha: Hex.encode(sha))
                decisions.note(r, path: "records/\(name)/" + RecordFileName.json(Int(e.seqs[i])), sha: Hex.encode(sha))
                if let f = finalizeBody(r.body) {
                    finals.append(Final(path: "records/\(name)/" + RecordFileName.json(Int(e.seqs[i])), created: r.created, signer: r.signer,
                                        counted: f.counted, root: f.root, sha: sha))
                }
            }
            chains[mi] = st
            seenLogs[mi] = SeenLog(events: e.seen, before: k)
        }
        if indexBroken { return nil }

        let chunk = 8192
        var start = 0
        while start < tasks.count {
            let end = min(tasks.count, start + chunk)
            let n = end - start
            let results = Slots<Checked>(count: n)
            let stamps = Slots<StoreIndex.Stamp>(count: n)
            defer { results.free(); stamps.free() }
            let slices = min(n, workers * 8)
            let base = start
            let files = memberFiles
            let tasksCopy = tasks
            parallel(slices, workers: workers) { sl in
                let lo = n * sl / slices, hi = n * (sl + 1) / slices
                for i in lo..<hi {
                    let t = tasksCopy[base + i]
                    let mf = files[Int(t.m)]
                    let seq = Int(t.seq)
                    // Stamps before reading: a file changed in between is read again next time.
                    if indexed { stamps.buf[i] = StoreIndex.stamp(dirFD: mf.dirFD, seq: seq) }
                    var (c, json) = checkFiles(dirFD: mf.dirFD, member: mf.member, seq: seq, context: context, cache: cache)
                    if collect, c.valid, let json { c.bytes = json }
                    results.buf[i] = c
                }
            }
            for i in 0..<n {
                let t = tasks[start + i]
                let mi = Int(t.m)
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
                    if c.valid, Pins.concerns(r.kind), let sha = c.sha { pins.note(r, path: c.path, sha: Hex.encode(sha)) }
                    if c.valid, decisionKinds.contains(r.kind), let sha = c.sha { decisions.note(r, path: c.path, sha: Hex.encode(sha)) }
                    if c.valid, r.kind == .finalize, let f = finalizeBody(r.body), let sha = c.sha {
                        finals.append(Final(path: c.path, created: r.created, signer: r.signer, counted: f.counted, root: f.root, sha: sha))
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
                if c.valid, let r = c.record, !r.seen.isEmpty { seenLogs[mi].add(at: st.seqs.count - 1, r.seen) }
                chains[mi] = st
                if !c.problems.isEmpty || !c.valid { memberProblem[mi] = true }
                if indexed {
                    fresh[mi].add(c.valid && c.sha != nil ? c.record : nil, stamp: stamps.buf[i])
                }
                if collect, c.valid, c.problems.isEmpty, let r = c.record, let b = c.bytes, let h = c.sha {
                    sink(StoredRecord(record: r, bytes: b, path: c.path, sha256: Hex.encode(h)))
                }
                problems.append(contentsOf: c.problems)
            }
            if let o = indexOpts { indexOpts!.checked = o.checked + n }
            start = end
        }

        // Record files whose signature is missing (only a problem when a later record exists).
        for (mi, mf) in memberFiles.enumerated() {
            let last = mf.published.last ?? 0
            for s in mf.unsigned where s < last {
                memberProblem[mi] = true
                problems.append(Problem(path: "records/\(mf.member)/" + RecordFileName.json(Int(s)), kind: "missing-signature",
                    message: lang.pick("记录没有签名文件，而其后还有记录", "the record has no signature file but later records exist")))
            }
            for s in mf.sigOnly {
                memberProblem[mi] = true
                problems.append(Problem(path: "records/\(mf.member)/" + RecordFileName.sig(Int(s)), kind: "malformed",
                    message: lang.pick("签名文件没有对应的记录", "a signature file without its record")))
            }
        }

        // Finalizations: each Merkle root must match the records it counted; after the latest,
        // no score or recusal may follow.
        let memberIndex = Dictionary(uniqueKeysWithValues: memberFiles.enumerated().map { ($1.member, $0) })

        // Deletions: a record that a validly signed record saw must be there (issue 16).
        problems.append(contentsOf: missingRecords(members: memberFiles.map(\.member), published: chains.map(\.seqs), logs: seenLogs, lang: lang))
        var merkleChecked: Set<[UInt8]> = []
        for f in finals {
            // Chains commit to everything before their heads: when every counted member's
            // records are sound, the hashes of the counted heads stand for all the leaves.
            var memo: [UInt8]? = {
                var h = SHA256()
                h.update(data: f.sha)
                for m in f.counted.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                    let upto = f.counted[m]!
                    h.update(data: Data(m.utf8)); h.update(data: Data([0]))
                    withUnsafeBytes(of: Int64(upto).littleEndian) { h.update(bufferPointer: $0) }
                    guard upto >= 1 else { continue }
                    guard let mi = memberIndex[m], !memberProblem[mi], let i = chains[mi].seqs.firstIndex(of: Int32(upto)),
                          let head = chains[mi].sha(at: i) else { return nil }
                    h.update(data: head)
                }
                return Array(h.finalize())
            }()
            if let key = memo, previous?.merkleChecked.contains(key) == true {
                merkleChecked.insert(key)
                continue
            }
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
                if let st = memberIndex[m].map({ chains[$0] }) {
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
                memo = nil
                let list = missing.prefix(5).joined(separator: ", ") + (missingCount > 5 ? " …" : "")
                problems.append(Problem(path: f.path, kind: "merkle",
                    message: lang.pick("定稿计入的 \(missingCount) 条记录缺失：\(list)", "\(missingCount) records counted by the finalization are missing: \(list)")))
            } else if b.root() != f.root {
                memo = nil
                problems.append(Problem(path: f.path, kind: "merkle",
                    message: lang.pick("Merkle 根不符：记录为 \(f.root)，重算为 \(b.root())", "Merkle root mismatch: recorded \(f.root), recomputed \(b.root())")))
            }
            if let memo { merkleChecked.insert(memo) }
        }
        // The latest finalization by the chains (DecisionOrder), never by `created`.
        let latestFinal = decisions.latestFinal
        if let latest = finals.first(where: { $0.path == latestFinal }) {
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

        problems.append(contentsOf: pins.problems(lang))
        problems.append(contentsOf: decisions.problems(program: program, lang))

        let sorted = problems.enumerated().sorted { a, b in
            a.element.path != b.element.path ? a.element.path.utf8.lexicographicallyPrecedes(b.element.path.utf8) : a.offset < b.offset
        }.map(\.element)
        let report = VerifyReport(ok: sorted.isEmpty, records: total, problems: sorted, fingerprint: governance.fingerprint)
        guard indexed, let summaries, let opts = indexOpts else { return report }

        // The new index: every member whose records are all sound, on the roster.
        var next = StoreIndex(written: StoreIndex.now())
        next.merkleChecked = merkleChecked
        var changed = previous == nil || !tasks.isEmpty || merkleChecked != previous!.merkleChecked
        // Files changed this close before their stamps were taken may change again unseen
        // within the same clock tick: they are left out (checked again next time).
        let trustedBefore = scanStart - opts.racy
        for (mi, mf) in memberFiles.enumerated() where !memberProblem[mi] && !mf.published.isEmpty {
            guard let who = context.governance.context(of: mf.member) else { continue }
            let k = reuse[mi]
            // The context names the governance chain's head and the member's facts in it: any
            // governance record since makes the member's records be checked again.
            var e = StoreIndex.Member(context: StoreIndex.contextHash(instance: context.instance, key: who, role: .member, rules: rulesHash))
            if k > 0, let old = entries[mi] {
                e.seqs = Array(old.seqs[0..<k]); e.stamps = Array(old.stamps[0..<k])
                e.shaFlat = Array(old.shaFlat[0..<(k * 32)]); e.kinds = Array(old.kinds[0..<k])
                e.ends = Array(old.ends[0..<k]); e.payload = Array(old.payload[0..<Int(old.ends[k - 1])])
            }
            let st = chains[mi]
            let f = fresh[mi]
            var complete = true
            for j in 0..<f.count {
                let i = k + j
                guard let stamp = f.stamps[j], stamp.ctime < trustedBefore, f.kinds[j] != Fresh.invalid else { complete = false; break }
                e.seqs.append(st.seqs[i]); e.stamps.append(stamp.mix)
                e.shaFlat.append(contentsOf: st.shaFlat[i * 32..<(i + 1) * 32])
                e.kinds.append(f.kinds[j])
                e.payload.append(contentsOf: f.payload[f.range(j)])
                e.ends.append(UInt32(e.payload.count))
            }
            // The directory's stamp vouches for its listing only when the listing was plain
            // (no record without its signature, no stray signature) and every record is in.
            if complete, mf.unsigned.isEmpty, mf.sigOnly.isEmpty, let ds = mf.dirStamp, ds.ctime < trustedBefore { e.dirStamp = ds.mix }
            if !complete || e.dirStamp != entries[mi]?.dirStamp { changed = true }
            e.seen = seenLogs[mi].events.filter { Int($0.at) < e.count }
            if e.count > 0 { next.members[mf.member] = e }
        }
        if let previous, Set(previous.members.keys) != Set(next.members.keys) { changed = true }
        if changed, !opts.trustingStamps { Trace.phase("scan: write the index") { next.write(path: opts.path, key: opts.key) } }
        indexOpts!.reused = reuse.reduce(0, +)
        if !opts.handOver { return report }
        if report.problems.isEmpty {
            var h = SHA256()
            h.update(data: Data(StoreIndex.magic))
            for (mi, mf) in memberFiles.enumerated() {
                h.update(data: Data(mf.member.utf8)); h.update(data: Data([0]))
                let st = chains[mi]
                withUnsafeBytes(of: Int64(st.seqs.count).littleEndian) { h.update(bufferPointer: $0) }
                if let last = st.seqs.indices.last { h.update(data: st.shaFlat[last * 32..<(last + 1) * 32]) }
            }
            let fp = Array(h.finalize())
            indexOpts!.fingerprint = fp
            if opts.alreadyHeld?(fp) == true { return report }
        }
        indexOpts!.handedOver = true

        // Hand over, in (member, seq) order, what counts.
        return try Trace.phase("scan: hand over the summaries") { () -> VerifyReport? in
        var badSeqs: [String: Set<Int>] = [:]
        for p in report.problems {
            let parts = p.path.split(separator: "/")
            if parts.count == 3, parts[0] == "records", case .json(let s)? = RecordFileName.parse(String(parts[2])) {
                badSeqs[String(parts[1]), default: []].insert(s)
            }
        }
        // (Decoding on several threads was tried: no faster, as taking the summaries in is most
        // of the time, and more memory.)
        for (mi, mf) in memberFiles.enumerated() {
            let bad = badSeqs[mf.member] ?? []
            let k = reuse[mi]
            if k > 0, let e = entries[mi] {
                let ok = e.payload.withUnsafeBytes { raw -> Bool in
                    for i in 0..<k where !bad.contains(Int(e.seqs[i])) {
                        let r = e.summaryBytes(i)
                        var reader = ByteReader(raw, from: r.lowerBound, to: r.upperBound)
                        let kind = RecordKind.allCases[Int(min(e.kinds[i], UInt8(RecordKind.allCases.count - 1)))]
                        guard let s = RecordSummary.decode(&reader, signer: mf.member, seq: Int(e.seqs[i]), kind: kind,
                                                           sha256: { Hex.encode(e.shaFlat[i * 32..<(i + 1) * 32]) }) else { return false }
                        summaries(s)
                    }
                    return true
                }
                if !ok { return nil }
            }
            let f = fresh[mi]
            let ok = f.payload.withUnsafeBytes { raw -> Bool in
                for j in 0..<f.count where f.kinds[j] != Fresh.invalid {
                    let i = k + j
                    let seq = Int(chains[mi].seqs[i])
                    guard !bad.contains(seq) else { continue }
                    let r = f.range(j)
                    var reader = ByteReader(raw, from: r.lowerBound, to: r.upperBound)
                    guard let s = RecordSummary.decode(&reader, signer: mf.member, seq: seq, kind: RecordKind.allCases[Int(f.kinds[j])],
                                                       sha256: { Hex.encode(chains[mi].shaFlat[i * 32..<(i + 1) * 32]) }) else { return false }
                    summaries(s)
                }
                return true
            }
            if !ok { return nil }
        }
        return report
        }
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
