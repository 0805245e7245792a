import Foundation
import Crypto
import Panel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Verifier {
    /// What the chain checks and the Merkle checks need of one member's records, in seq order.
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
        /// The governance position the previous record named (`gov`), for gov-backwards; when
        /// `govKnown` is false the previous record came from the index and is read for it.
        var lastGov: Int?
        var govKnown = true
        func sha(at i: Int) -> [UInt8]? {
            present[i] ? Array(shaFlat[i * 32..<(i + 1) * 32]) : nil
        }
    }

    /// A validly signed finalization, as the global checks need it.
    struct Final {
        var path: String
        var created: String
        var signer: String
        var counted: [String: Int]
        var root: String
        var sha: [UInt8]
        /// The governance head the finalization was made under, and what it pins (issue 11).
        var gov: String
        var body: [String: JSONValue]
    }

    /// One scan of a store, in the order of its named phases (see `Verifier.scan`):
    ///
    /// 1. **governance** (`init`): the signed history gives the programme, the roster by seq and
    ///    the rules; the view files are compared with it.
    /// 2. **listing** (`listRecordDirectories`): records/ and each member directory, opened
    ///    without following links; what is listed there that pingshen never writes.
    /// 3. **index** (`vouchFromIndex`, `takeVouchedRecords`): which records the store index
    ///    still vouches for (their files' stamps unchanged), taken without reading them.
    /// 4. **signatures** (`checkSignatures`): every other record read and checked on its own,
    ///    on many threads (signature, signer, key at that seq, role, programme, body rules).
    /// 5. **chains** (`link`): in (member, seq) order, each record against the one before it
    ///    (gaps, forks, prev), and the decisions and pins it makes.
    /// 6. **file checks** (`checkFilePairs`): records without a signature, signatures without
    ///    a record.
    /// 7. **global checks** (`globalChecks`): what needs every chain — deletions seen by others,
    ///    finalizations' Merkle roots, records after the latest finalization, dossier pins,
    ///    the order of decisions.
    ///
    /// An indexed scan then writes the next index (`nextIndex`) and hands over the summaries
    /// (`handOver`). The struct holds the state one phase leaves for the next; phases are
    /// mutating methods, so the hot loops keep value semantics (no reference counting).
    struct Scan {
        let layout: StoreLayout
        let lang: Language
        let workers: Int
        let governance: Governance.State
        let program: Program
        let context: Context
        let rulesHash: [UInt8]
        /// The index read before the scan (indexed scans only).
        let previous: StoreIndex?
        let indexed: Bool

        var problems: [Problem]
        // Listing.
        var memberFiles: [MemberFiles] = []
        // Index: per member, how many of its first records the index vouches for, and its entry.
        var reuse: [Int] = []
        var entries: [StoreIndex.Member?] = []
        // Signatures and chains.
        var chains: [ChainState] = []
        var finals: [Final] = []
        var pins = Pins()
        var decisions = Decisions()
        var notices = Notices()
        /// Members with any problem of their own (their records are not indexed).
        var memberProblem: [Bool] = []
        /// Indexed scans keep, per member, what the new index and the summaries need of the
        /// records checked now.
        var fresh: [Fresh] = []
        /// What each member's records had seen of the others (`seen`), for missing-record.
        var seenLogs: [SeenLog] = []
        /// Records read and checked (not taken from the index).
        var checked = 0
        // Global checks: finalizations whose Merkle check passed, by the hashes of their heads.
        var merkleChecked: Set<[UInt8]> = []

        var total: Int { memberFiles.reduce(0) { $0 + $1.published.count } }

        // MARK: 1. governance

        init(layout: StoreLayout, threads: Int, language lang: Language, previous: StoreIndex?, indexed: Bool,
             governance given: (@Sendable () -> Governance.State?)? = nil) throws {
            guard FileManager.default.fileExists(atPath: layout.programFile) else {
                throw StoreError(lang.pick("\(layout.programFile)：缺失；\(layout.root) 是 pingshen 存储吗？",
                                           "\(layout.programFile): missing; is \(layout.root) a pingshen store?"))
            }
            self.layout = layout
            self.lang = lang
            self.workers = max(1, threads)
            self.previous = previous
            self.indexed = indexed
            // The same replay of the same files, done once: the panel's (`Governance.openPanel`,
            // on its own thread) when it hands one over, else here.
            let governance = try Trace.phase("scan: governance (the panel's)") { given?() }
                ?? Trace.phase("scan: governance") { try Governance.load(layout, language: lang) }
            self.governance = governance
            // The programme and the roster the signed history gives (never the view files);
            // without a genesis (a problem already), the view's programme, for its instance and rules.
            let program = try governance.program ?? YAMLFile.decode(Program.self, path: layout.programFile)
            self.program = program
            let instance = governance.instance ?? program.instance ?? program.id
            // Every member the history ever had (a removed member's earlier records still count).
            let everyone = Roster(members: governance.order.compactMap { governance.members[$0]?.entry })
            let rules = ruleBook(program: program, roster: everyone, layout: layout)
            var c = Context(instance: instance, governance: governance, language: lang, rules: rules)
            c.createdWindow = createdWindow(program: program)
            self.context = c
            self.rulesHash = rules.fingerprint
            self.problems = governance.problems + (try Governance.viewProblems(governance, layout: layout, language: lang))
        }

        // MARK: 2. listing

        /// Lists records/ and each member directory. records/ and each member directory are
        /// opened without following a symbolic link (O_NOFOLLOW): a linked directory is a
        /// problem and is not read (issue 16).
        mutating func listRecordDirectories() throws {
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
                let dirStamp = StoreIndex.memberStamp(dirFD: fd)
                // A directory whose folders have not changed since the index was written holds
                // the same names (creating, removing or renaming an entry changes its folder, and
                // a new folder the member's directory): no need to list it.
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

        /// Closes the member directories the listing opened.
        mutating func closeDirectories() {
            for i in memberFiles.indices where memberFiles[i].dirFD >= 0 {
                close(memberFiles[i].dirFD)
                memberFiles[i].dirFD = -1
            }
        }

        // MARK: 3. index

        /// Which records the index still vouches for: per member, a prefix of its records whose
        /// files carry exactly the stamps they had (stat only, no reading). `trustingStamps`:
        /// the index's word is taken without stat.
        mutating func vouchFromIndex(trustingStamps: Bool) {
            reuse = [Int](repeating: 0, count: memberFiles.count)
            entries = [StoreIndex.Member?](repeating: nil, count: memberFiles.count)
            guard let previous else { return }
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
            if trustingStamps { jobs = [] }
            let firstBad = Slots<Int>(count: jobs.count)
            defer { firstBad.free() }
            let files = memberFiles, ents = entries
            let js = jobs
            parallel(jobs.count, workers: workers) { j in
                let job = js[j]
                guard let e = ents[job.m] else { return }
                var folders = RecordFolders(memberFD: files[job.m].dirFD)
                defer { folders.close() }
                var bad = job.hi
                var name = StoreIndex.NameBuffer()
                for i in job.lo..<job.hi {
                    let seq = Int(e.seqs[i])
                    guard let s = StoreIndex.stamp(dirFD: folders.fd(for: seq), seq: seq, name: &name), s.mix == e.stamps[i] else { bad = i; break }
                }
                firstBad.buf[j] = bad
            }
            for (j, job) in jobs.enumerated() {
                if let bad = firstBad.buf[j], bad < job.hi { reuse[job.m] = min(reuse[job.m], bad) }
            }
        }

        /// The chains, pins, decisions and finalizations of the records the index vouches for,
        /// from the index alone. False when the index does not decode (derived data: the caller
        /// starts again without it).
        mutating func takeVouchedRecords() -> Bool {
            chains = [ChainState](repeating: ChainState(), count: memberFiles.count)
            memberProblem = memberFiles.map(\.listingProblem)
            fresh = [Fresh](repeating: Fresh(), count: memberFiles.count)
            seenLogs = [SeenLog](repeating: SeenLog(), count: memberFiles.count)
            var indexBroken = false
            for (mi, k) in reuse.enumerated() where k > 0 {
                guard let e = entries[mi] else { continue }
                var st = ChainState()
                st.seqs = Array(e.seqs[0..<k])
                st.shaFlat = Array(e.shaFlat[0..<(k * 32)])
                st.present = [Bool](repeating: true, count: k)
                st.kinds = e.kinds[0..<k].map { StoreIndex.kindByCode[Int($0)] }
                st.lastSeq = Int(e.seqs[k - 1])
                st.lastSha = st.sha(at: k - 1)
                st.lastPrev = k >= 2 ? Hex.encode(st.shaFlat[(k - 2) * 32..<(k - 1) * 32]) : Record.zeroHash
                st.govKnown = false
                // Only the summaries the index's head holds (never its bulk).
                e.forEachTaken(below: k) { i, raw, r in
                    guard let kind = st.kinds[i], decisionKinds.contains(kind) || Pins.concerns(kind) else { return }
                    let name = memberFiles[mi].member
                    let sha = Array(e.shaFlat[i * 32..<(i + 1) * 32])
                    var reader = ByteReader(raw, from: r.lowerBound, to: r.upperBound)
                    let summary = RecordSummary.decode(&reader, signer: name, seq: Int(e.seqs[i]), kind: kind, sha256: { Hex.encode(sha) })
                    guard case .whole(let r, _)? = summary?.content else { indexBroken = true; return }
                    let path = FastPath.record(member: name, seq: Int(e.seqs[i]))
                    noteWhole(r, path: path, sha: sha)
                }
                chains[mi] = st
                seenLogs[mi] = SeenLog(events: e.seen, before: k)
            }
            return !indexBroken
        }

        /// A validly signed record that pins dossiers, decides, or finalizes.
        mutating func noteWhole(_ r: Record, path: String, sha: [UInt8]) {
            if Pins.concerns(r.kind) { pins.note(r, path: path, sha: Hex.encode(sha)) }
            if decisionKinds.contains(r.kind) { decisions.note(r, path: path, sha: Hex.encode(sha)) }
            if Notices.kinds.contains(r.kind) { notices.note(r, path: path, sha: Hex.encode(sha)) }
            if r.kind == .finalize, let f = finalizeBody(r.body) {
                finals.append(Final(path: path, created: r.created, signer: r.signer, counted: f.counted, root: f.root, sha: sha,
                                   gov: r.gov, body: r.body))
            }
        }

        // MARK: 4–5. signatures and chains

        /// Every record the index does not vouch for, in (member, seq) order, a chunk at a
        /// time: the signatures phase checks a chunk on all workers, then the chains phase links
        /// it in order. Records with no problem go to `sink` when `collect`.
        mutating func checkRecords(collect: Bool, cache useCache: Bool, cacheSecret: String?, sink: (StoredRecord) -> Void) {
            var tasks: [(m: Int32, seq: Int32)] = []
            for (i, mf) in memberFiles.enumerated() { for s in mf.published[reuse[i]...] { tasks.append((Int32(i), s)) } }
            // Loaded only when there is something to check.
            let cache = useCache && !tasks.isEmpty ? VerifyCache(layout: layout, secretPath: cacheSecret) : nil
            defer { cache?.save() }
            let chunk = 8192
            var start = 0
            // Say at once how much there is to check (a cold open shows it before the first chunk).
            if !tasks.isEmpty { ScanProgress.shared.report(done: 0, total: tasks.count) }
            while start < tasks.count {
                let end = min(tasks.count, start + chunk)
                let n = end - start
                let (results, stamps) = checkSignatures(tasks[start..<end], collect: collect, cache: cache)
                defer { results.free(); stamps.free() }
                for i in 0..<n {
                    let mi = Int(tasks[start + i].m)
                    guard var c = results.buf[i] else { continue }
                    link(&c, member: mi)
                    if !c.problems.isEmpty || !c.valid { memberProblem[mi] = true }
                    if indexed {
                        fresh[mi].add(c.valid && c.sha != nil ? c.record : nil, stamp: stamps.buf[i])
                    }
                    if collect, c.valid, c.problems.isEmpty, let r = c.record, let b = c.bytes, let h = c.sha {
                        sink(StoredRecord(record: r, bytes: b, path: c.path, sha256: Hex.encode(h)))
                    }
                    problems.append(contentsOf: c.problems)
                }
                checked += n
                start = end
                ScanProgress.shared.report(done: end, total: tasks.count)
            }
        }

        /// Phase 4: reads and checks each record of `tasks` on its own, on all workers.
        /// Stamps are taken before reading: a file changed in between is read again next time.
        func checkSignatures(_ tasks: ArraySlice<(m: Int32, seq: Int32)>, collect: Bool, cache: VerifyCache?)
            -> (results: Slots<Checked>, stamps: Slots<StoreIndex.Stamp>) {
            let n = tasks.count
            let results = Slots<Checked>(count: n)
            let stamps = Slots<StoreIndex.Stamp>(count: n)
            let slices = min(n, workers * 8)
            let files = memberFiles
            let batch = Array(tasks)
            let (context, indexed) = (self.context, self.indexed)
            parallel(slices, workers: workers) { sl in
                let lo = n * sl / slices, hi = n * (sl + 1) / slices
                var folders = RecordFolders(memberFD: -1)
                var folderMember: Int32 = -1
                defer { folders.close() }
                for i in lo..<hi {
                    let t = batch[i]
                    let mf = files[Int(t.m)]
                    let seq = Int(t.seq)
                    if folderMember != t.m { folders.close(); folders = RecordFolders(memberFD: mf.dirFD); folderMember = t.m }
                    let dirFD = folders.fd(for: seq)
                    if indexed { stamps.buf[i] = StoreIndex.stamp(dirFD: dirFD, seq: seq) }
                    var (c, json) = checkFiles(dirFD: dirFD, member: mf.member, seq: seq, context: context, cache: cache)
                    if collect, c.valid, let json { c.bytes = json }
                    results.buf[i] = c
                }
            }
            return (results, stamps)
        }

        /// Phase 5: one checked record against the member's chain so far (gap, fork, prev), and
        /// what it pins, decides or finalizes; then the chain moves on to it.
        mutating func link(_ c: inout Checked, member mi: Int) {
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
                checkGovOrder(r, path: c.path, chain: &st, member: mi, problems: &c.problems)
                if c.valid, let sha = c.sha { noteWhole(r, path: c.path, sha: sha) }
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
        }

        /// gov-backwards: within one member's chain, no record names an earlier governance
        /// position than the record before it (a record's `gov` is the head its signer had seen,
        /// and a chain only moves forward).
        func checkGovOrder(_ r: Record, path recordPath: String, chain st: inout ChainState, member mi: Int, problems: inout [Problem]) {
            if !st.govKnown {
                st.govKnown = true
                let path = layout.recordFile(memberFiles[mi].member, seq: st.lastSeq)
                if let bytes = Verifier.readFile(path), let before = Record.fast(bytes) ?? (try? Record(bytes: bytes)) {
                    st.lastGov = governance.position[before.gov]
                }
            }
            guard let p = governance.position[r.gov] else { return }
            if let before = st.lastGov, p < before {
                problems.append(Problem(path: recordPath, kind: "gov-backwards",
                    message: lang.pick("记录的 gov 指向治理链第 \(p) 条，早于同一成员前一条记录所指的第 \(before) 条（治理位置倒退）",
                                       "the record's gov names governance position \(p), earlier than position \(before) named by the member's previous record (governance went backwards)")))
            }
            st.lastGov = max(p, st.lastGov ?? p)
        }

        // MARK: 6. file checks

        /// Record files whose signature is missing (only a problem when a later record exists),
        /// and signature files without their record.
        mutating func checkFilePairs() {
            for (mi, mf) in memberFiles.enumerated() {
                let last = mf.published.last ?? 0
                for s in mf.unsigned where s < last {
                    memberProblem[mi] = true
                    problems.append(Problem(path: RecordFileName.path(member: mf.member, seq: Int(s)), kind: "missing-signature",
                        message: lang.pick("记录没有签名文件，而其后还有记录", "the record has no signature file but later records exist")))
                }
                for s in mf.sigOnly {
                    memberProblem[mi] = true
                    problems.append(Problem(path: RecordFileName.path(member: mf.member, seq: Int(s), signature: true), kind: "malformed",
                        message: lang.pick("签名文件没有对应的记录", "a signature file without its record")))
                }
            }
        }

        // MARK: 7. global checks

        /// What needs every chain: deletions that a validly signed record saw (issue 16), each
        /// finalization's Merkle root against the records it counted, scores and recusals after
        /// the latest finalization, dossier pins, and the order of decisions.
        mutating func globalChecks() {
            problems.append(contentsOf: missingRecords(members: memberFiles.map(\.member), published: chains.map(\.seqs), logs: seenLogs, lang: lang))
            checkFinalizations()
            checkFinalizePins()
            problems.append(contentsOf: pins.problems(lang))
            problems.append(contentsOf: decisions.problems(program: program, lang))
            problems.append(contentsOf: notices.problems(program: program, lang))
        }

        /// Each finalization's Merkle root must match the records it counted; after the latest,
        /// no score or recusal may follow.
        mutating func checkFinalizations() {
            let memberIndex = Dictionary(uniqueKeysWithValues: memberFiles.enumerated().map { ($1.member, $0) })
            for f in finals {
                // Chains commit to everything before their heads: when every counted member's
                // records are sound, the hashes of the counted heads stand for all the leaves.
                var memo: [UInt8]? = {
                    var h = SHA256()
                    h.update(data: f.sha)
                    for m in f.counted.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                        let upto = f.counted[m] ?? 0
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
                    let upto = f.counted[m] ?? 0
                    guard upto >= 1 else { continue }
                    // Leaves for seq 1…upto; anything absent on the way is missing.
                    var expected = 1
                    func miss(_ s: Int, _ count: Int) {
                        if missing.count < 6 { missing.append(RecordFileName.path(member: m, seq: s)) }
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
            guard let latest = finals.first(where: { $0.path == latestFinal }) else { return }
            for (mi, mf) in memberFiles.enumerated() {
                let st = chains[mi]
                let upto = latest.counted[mf.member] ?? 0
                for (i, k) in st.kinds.enumerated() where Int(st.seqs[i]) > upto {
                    guard let k, k == .score || k == .recusal else { continue }
                    problems.append(Problem(path: RecordFileName.path(member: mf.member, seq: Int(st.seqs[i])), kind: "after-finalize",
                        message: lang.pick("\(k.rawValue) 记录未被定稿 \(latest.path) 计入（在定稿之后）",
                                           "\(k.rawValue) record not counted by the finalization \(latest.path) (comes after it)")))
                }
            }
        }

        /// What each finalization pins against the signed governance history as of its `gov`
        /// (never the view files): the programme's SHA-256 (`finalize-program-changed`) and the
        /// roster's (`finalize-roster-changed`, see `Governance.State.rosterSHA256`). After a
        /// finalization the programme may not be amended, nor a member's sheets discarded:
        /// such governance records are problems too.
        mutating func checkFinalizePins() {
            let g = governance
            var earliest: (position: Int, path: String)?
            for f in finals {
                guard let p = g.position[f.gov] else { continue }   // gov-unknown, already reported
                if earliest.map({ p < $0.position }) ?? true { earliest = (p, f.path) }
                if let bodyGov = f.body["gov"]?.string, bodyGov != f.gov {
                    problems.append(Problem(path: f.path, kind: "gov-mismatch",
                        message: lang.pick("定稿正文中的 gov 与记录的 gov 不同", "the finalization's body names another gov than the record does")))
                }
                if let sha = f.body["program_sha256"]?.string, sha != g.programSHA256(at: p) {
                    problems.append(Problem(path: f.path, kind: "finalize-program-changed",
                        message: lang.pick("定稿所记的项目定义（program_sha256 \(sha.prefix(12))…）不是其 gov 处签名的项目定义",
                                           "the programme the finalization pins (program_sha256 \(sha.prefix(12))…) is not the programme signed as of its gov")))
                }
                if let sha = f.body["roster_sha256"]?.string, sha != g.rosterSHA256(at: p) {
                    problems.append(Problem(path: f.path, kind: "finalize-roster-changed",
                        message: lang.pick("定稿所记的名单（roster_sha256 \(sha.prefix(12))…）不是其 gov 处签名的名单",
                                           "the roster the finalization pins (roster_sha256 \(sha.prefix(12))…) is not the roster signed as of its gov")))
                }
            }
            guard let first = earliest else { return }
            for (i, r) in g.chain.enumerated() where i > first.position {
                if r.record.kind == .programAmend {
                    problems.append(Problem(path: r.path, kind: "finalize-program-changed",
                        message: lang.pick("项目定义在定稿 \(first.path) 之后被修订", "the programme was amended after the finalization \(first.path)")))
                } else if r.record.kind == .memberRemove, r.record.body["sheets"]?.string == "discard" {
                    problems.append(Problem(path: r.path, kind: "discard-after-finalize",
                        message: lang.pick("在定稿 \(first.path) 之后决定不计被移除成员的评分表", "the removed member's sheets were discarded after the finalization \(first.path)")))
                }
            }
        }

        /// The report: problems by path, in the order found within a path.
        func report() -> VerifyReport {
            let sorted = problems.enumerated().sorted { a, b in
                a.element.path != b.element.path ? a.element.path.utf8.lexicographicallyPrecedes(b.element.path.utf8) : a.offset < b.offset
            }.map(\.element)
            return VerifyReport(ok: sorted.isEmpty, records: total, problems: sorted, fingerprint: governance.fingerprint)
        }

        // MARK: after the checks: the next index and the hand-over

        /// The next index: every member whose records are all sound, on the roster; and whether
        /// it differs from the previous one. Files changed this close before their stamps were
        /// taken (`trustedBefore`) may change again unseen within the same clock tick: they are
        /// left out (checked again next time).
        /// nil when the previous index's summaries do not read back (its bulk fails its seal).
        func nextIndex(trustedBefore: Int64) -> (index: StoreIndex, changed: Bool)? {
            var next = StoreIndex(written: StoreIndex.now())
            next.merkleChecked = merkleChecked
            var changed = previous.map { checked > 0 || merkleChecked != $0.merkleChecked } ?? true
            for (mi, mf) in memberFiles.enumerated() where !memberProblem[mi] && !mf.published.isEmpty {
                guard let who = context.governance.context(of: mf.member) else { continue }
                let k = reuse[mi]
                // The context names the governance chain's head and the member's facts in it: any
                // governance record since makes the member's records be checked again.
                var e = StoreIndex.Member(context: StoreIndex.contextHash(instance: context.instance, key: who, role: .member, rules: rulesHash))
                if k > 0, let old = entries[mi] {
                    e.seqs = Array(old.seqs[0..<k]); e.stamps = Array(old.stamps[0..<k])
                    e.shaFlat = Array(old.shaFlat[0..<(k * 32)]); e.kinds = Array(old.kinds[0..<k])
                    e.ends = Array(old.ends[0..<k])
                    guard let p = old.withPayload({ raw -> [UInt8]? in
                        Int(old.ends[k - 1]) <= raw.count ? Array(raw[0..<Int(old.ends[k - 1])]) : nil
                    }).flatMap({ $0 }) else { return nil }
                    e.payload = p
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
            return (next, changed)
        }

        /// Names the exact set of records of a store with no problem: SHA-256 over every
        /// member's id, record count and head hash. The chains are hash-linked and all sound,
        /// so it names every record.
        func recordSetFingerprint() -> [UInt8] {
            var h = SHA256()
            h.update(data: Data(StoreIndex.magic))
            for (mi, mf) in memberFiles.enumerated() {
                h.update(data: Data(mf.member.utf8)); h.update(data: Data([0]))
                let st = chains[mi]
                withUnsafeBytes(of: Int64(st.seqs.count).littleEndian) { h.update(bufferPointer: $0) }
                if let last = st.seqs.indices.last { h.update(data: st.shaFlat[last * 32..<(last + 1) * 32]) }
            }
            return Array(h.finalize())
        }

        /// Hands over, in (member, seq) order, the summaries of the records that count (none
        /// named by a problem of `report`). False when a summary does not decode.
        func handOver(_ report: VerifyReport, to summaries: (RecordSummary) -> Void) -> Bool {
            var badSeqs: [String: Set<Int>] = [:]
            for p in report.problems {
                if let (member, entry) = RecordFileName.parsePath(p.path), case .json(let s) = entry {
                    badSeqs[member, default: []].insert(s)
                }
            }
            // (Decoding on several threads was tried: no faster, as taking the summaries in is most
            // of the time, and more memory.)
            for (mi, mf) in memberFiles.enumerated() {
                let bad = badSeqs[mf.member] ?? []
                let k = reuse[mi]
                if k > 0, let e = entries[mi] {
                    let ok = e.withPayload { raw -> Bool in
                        for i in 0..<k where !bad.contains(Int(e.seqs[i])) {
                            let r = e.summaryBytes(i)
                            var reader = ByteReader(raw, from: r.lowerBound, to: r.upperBound)
                            let kind = RecordKind.allCases[Int(min(e.kinds[i], UInt8(RecordKind.allCases.count - 1)))]
                            guard let s = RecordSummary.decode(&reader, signer: mf.member, seq: Int(e.seqs[i]), kind: kind,
                                                               sha256: { Hex.encode(e.shaFlat[i * 32..<(i + 1) * 32]) }) else { return false }
                            summaries(s)
                        }
                        return true
                    } ?? false
                    if !ok { return false }
                }
                let f = fresh[mi]
                let chain = chains[mi]
                let ok = f.payload.withUnsafeBytes { raw -> Bool in
                    for j in 0..<f.count where f.kinds[j] != Fresh.invalid {
                        let i = k + j
                        let seq = Int(chain.seqs[i])
                        guard !bad.contains(seq) else { continue }
                        let r = f.range(j)
                        var reader = ByteReader(raw, from: r.lowerBound, to: r.upperBound)
                        guard let s = RecordSummary.decode(&reader, signer: mf.member, seq: seq, kind: RecordKind.allCases[Int(f.kinds[j])],
                                                           sha256: { Hex.encode(chain.shaFlat[i * 32..<(i + 1) * 32]) }) else { return false }
                        summaries(s)
                    }
                    return true
                }
                if !ok { return false }
            }
            return true
        }
    }
}
