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
    /// (program.yaml no longer says the quota or method the chair signed; path program.yaml),
    /// notice-rule (a public notice, objection or approval that breaks the notice's rules:
    /// VerifierNotices.swift); group-rule, assignment-mismatch, assignment-input,
    /// assignment-rule, assignment-conflict, unassigned-sheet (field groups and assignment,
    /// issue 13: VerifierAssignments.swift); shortlist-mismatch, shortlist-input,
    /// shortlist-conflict, shortlist-outdated, round-rule (rounds and shortlists, issue 13:
    /// Review/Rounds.swift, added by `StoreVerify`), rounds-unchecked (those checks could not
    /// run: no session opens on the store, `StoreVerify`); attachment-changed, attachment-missing,
    /// attachment-unpinned (the files of dossiers/ID/ against their signed pins: AttachmentPins.swift)
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
                                   trustingStamps: Bool = false, governance: (@Sendable () -> Governance.State?)? = nil,
                                   alreadyHeld: ([UInt8]) -> Bool,
                                   _ sink: (RecordSummary) -> Void) throws -> CountedOpen {
        let r = try withoutActuallyEscaping(alreadyHeld) { held in
            try countedSummaries(layout: layout, threads: threads, language: language, cacheSecret: cacheSecret,
                                 trustingStamps: trustingStamps, governance: governance, alreadyHeld: held, sink)
        }
        return CountedOpen(report: r.report, fingerprint: r.fingerprint, handedOver: r.handedOver)
    }

    /// `forEachCountedSummary`, telling also how many records came from the index and how many
    /// were read and checked. `racy`: how long before the index was written a change must be
    /// for the stamps to be trusted (tests set 0).
    static func countedSummaries(layout: StoreLayout, threads: Int = defaultThreads(), language: Language, cacheSecret: String? = nil,
                                 racy: Int64 = StoreIndex.racyNanos, trustingStamps: Bool = false, handOver: Bool = true,
                                 rebuild: Bool = false, governance: (@Sendable () -> Governance.State?)? = nil,
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
            // `rebuild` (a full `verify`): the old index is not read, every record is read and
            // its signature checked (no verified-record cache), and the index is written anew.
            var previous = rebuild ? nil : Trace.phase("index: read") { StoreIndex.read(path: path, key: key) }
            while true {
                var opts: IndexOptions? = IndexOptions(previous: previous, key: key, path: path, racy: racy, trustingStamps: trustingStamps,
                                                       handOver: handOver, alreadyHeld: alreadyHeld, governance: governance)
                if let report = try scan(layout: layout, threads: threads, language: language, collect: false, cache: !rebuild,
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
        /// The governance history as another reader of the same store loaded it at the same
        /// time (the session's panel, `Governance.openPanel`), so that it is replayed once;
        /// nil (or no answer): the scan loads it.
        var governance: (@Sendable () -> Governance.State?)? = nil
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

    /// The scan behind every entry point, phase by phase (`Scan` says what each phase does).
    /// With `index` (and `summaries`), records whose files are unchanged since the index was
    /// written are taken from it, and summaries are handed to `summaries` at the end; returns
    /// nil only when the index turns out unreadable.
    static func scan(layout: StoreLayout, threads: Int, language: Language, collect: Bool, cache useCache: Bool,
                     cacheSecret: String? = nil, index indexOpts: inout IndexOptions?, sink: (StoredRecord) -> Void,
                     summaries: ((RecordSummary) -> Void)?) throws -> VerifyReport? {
        let indexed = indexOpts != nil && summaries != nil
        let scanStart = StoreIndex.now()
        // 1. governance
        var s = try Scan(layout: layout, threads: threads, language: language, previous: indexed ? indexOpts?.previous : nil, indexed: indexed,
                         governance: indexOpts?.governance)
        defer { s.closeDirectories() }
        // 2. listing
        try Trace.phase("scan: list record directories") { try s.listRecordDirectories() }
        // 3. index
        if s.previous != nil {
            Trace.phase("scan: stat the indexed record files") { s.vouchFromIndex(trustingStamps: indexOpts?.trustingStamps ?? false) }
        } else {
            s.vouchFromIndex(trustingStamps: false)
        }
        guard Trace.phase("scan: take in the indexed records", { s.takeVouchedRecords() }) else { return nil }
        // 4–5. signatures and chains
        s.checkRecords(collect: collect, cache: useCache, cacheSecret: cacheSecret, sink: sink)
        if indexOpts != nil { indexOpts!.checked += s.checked }
        // 6. file checks
        s.checkFilePairs()
        // 7. global checks
        Trace.phase("scan: global checks") { s.globalChecks() }
        let report = s.report()
        guard indexed, let summaries, let opts = indexOpts else { return report }

        // Trusting the stamps, no index is written (and none is made: the full open beside it
        // makes it, with the stamps checked).
        if !opts.trustingStamps {
            guard let (next, changed) = s.nextIndex(trustedBefore: scanStart - opts.racy) else { return nil }
            if changed { Trace.phase("scan: write the index") { next.write(path: opts.path, key: opts.key) } }
        }
        indexOpts!.reused = s.reuse.reduce(0, +)
        if !opts.handOver { return report }
        if report.problems.isEmpty {
            let fp = s.recordSetFingerprint()
            indexOpts!.fingerprint = fp
            if opts.alreadyHeld?(fp) == true { return report }
        }
        indexOpts!.handedOver = true
        // Hand over, in (member, seq) order, what counts.
        let handed = Trace.phase("scan: hand over the summaries") { s.handOver(report, to: summaries) }
        return handed ? report : nil
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
