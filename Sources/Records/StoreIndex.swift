import Foundation
import Crypto
import Panel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a previous scan of the store learnt, so that opening a large store (rank, review, check)
/// reads one file instead of 600,000: per member, each record's file stamps (inode, size,
/// modification and change times of the .json and the .sig), its SHA-256, its kind and its
/// summary (`RecordSummary`).
///
/// A record is taken from the index only while both its files carry exactly the stamps they had
/// when the record was verified; any change to a file (written in place, replaced, removed,
/// renamed) changes its change time (ctime), which no user can set, and the member's records
/// from there on are read and checked again. Only members whose records had no problem at all
/// are indexed. A file whose change time is within two seconds of the moment its stamp was
/// taken is left out (it could change again within the same clock tick without a new stamp:
/// git's "racily clean" files), and so is everything after it. A member's directory listing is
/// taken from the index too while the directory's own stamp is unchanged (adding, removing or
/// renaming an entry changes it). The roster key and role and the programme instance a member's
/// records were checked against are part of the entry: a roster change re-checks that member.
///
/// The file (`STORE/.cache/index-v1-UID`) is derived data, authenticated with HMAC-SHA-256 under the
/// same per-user secret as `VerifyCache` (outside the store), so an index that came with a copied
/// or edited store is ignored. `pingshen verify` without `--cached` never uses it.
///
/// It is sealed in two parts, so that the UI's first frame reads a tenth of it (issue 13): the
/// head (stamps, hashes, kinds, what was seen, and the summaries of the records the scan itself
/// takes in: pins, decisions, finalizations), sealed on its own; then the bulk (every record's
/// summary, tens of MB on a city-scale store), sealed together with the head's seal. The bulk is
/// read and its seal checked only when a summary of it is first needed (`Member.withPayload`):
/// handing the summaries over, or writing the next index. One that fails its seal is never used
/// (the scan starts again without the index).
struct StoreIndex {
    static let magic = Array("pingshen-index-5".utf8)
    /// Files changed this close before their stamps were taken are not indexed.
    static let racyNanos: Int64 = 2_000_000_000

    struct Member {
        /// SHA-256 of the context the records were checked in (instance, key, role).
        var context: [UInt8]
        /// The stamp of the member's directory when its listing was plain (0: none).
        var dirStamp: UInt64 = 0
        var seqs: [Int32] = []
        var stamps: [UInt64] = []
        var shaFlat: [UInt8] = []
        var kinds: [UInt8] = []
        /// Summaries, back to back; `ends[i]` is where record i's ends. Read from a file, they
        /// are in `bulk` (at `bulkRange`) instead: see `withPayload`.
        var payload: [UInt8] = []
        var ends: [UInt32] = []
        var bulk: Bulk? = nil
        var bulkRange: Range<Int> = 0..<0
        /// Read from a file: the positions of the records whose kind `isTaken`, ascending, and
        /// their summaries back to back (from the head, so sealed with it).
        var takenAt: [Int32] = []
        var taken: [UInt8] = []
        /// What these records had seen of other members (`SeenLog` events, positions < count).
        var seen: [SeenLog.Event] = []

        var count: Int { seqs.count }
        func summaryBytes(_ i: Int) -> Range<Int> { (i == 0 ? 0 : Int(ends[i - 1]))..<Int(ends[i]) }

        /// `body` over the summaries (`ends` are offsets into them); nil when they are in the
        /// bulk of an index file and it cannot be read or fails its seal.
        func withPayload<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T? {
            guard let bulk else { return payload.withUnsafeBytes(body) }
            return bulk.withBytes { raw in
                guard bulkRange.upperBound <= raw.count else { return nil }
                return body(UnsafeRawBufferPointer(rebasing: raw[bulkRange]))
            }
        }

        /// `body(i, bytes, range)` for each record i < `below` whose kind `isTaken`, in order:
        /// its summary is `bytes[range]`. Never reads the bulk.
        func forEachTaken(below k: Int, _ body: (Int, UnsafeRawBufferPointer, Range<Int>) -> Void) {
            if bulk == nil {
                payload.withUnsafeBytes { raw in
                    for i in 0..<Swift.min(k, count) where StoreIndex.isTaken(kinds[i]) { body(i, raw, summaryBytes(i)) }
                }
                return
            }
            taken.withUnsafeBytes { raw in
                var off = 0
                for at in takenAt {
                    let i = Int(at)
                    guard i < k else { break }
                    let n = summaryBytes(i).count
                    body(i, raw, off..<(off + n))
                    off += n
                }
            }
        }

        /// The positions and summaries of the records whose kind `isTaken` (for the head).
        func takenSummaries() -> (at: [Int32], bytes: [UInt8])? {
            if bulk != nil { return (takenAt, taken) }
            var at: [Int32] = [], bytes: [UInt8] = []
            for i in 0..<count where StoreIndex.isTaken(kinds[i]) {
                let r = summaryBytes(i)
                guard r.upperBound <= payload.count else { return nil }
                at.append(Int32(i)); bytes.append(contentsOf: payload[r])
            }
            return (at, bytes)
        }
    }

    /// The kinds whose records the scan takes in from their summaries (`takeVouchedRecords`):
    /// pins, decisions, notices' targets, finalizations. By kind code (`RecordKind.allCases`).
    static let takenKinds: [Bool] = (0..<256).map { code in
        guard code < RecordKind.allCases.count else { return false }
        let kind = RecordKind.allCases[code]
        return Verifier.decisionKinds.contains(kind) || Verifier.Pins.concerns(kind)
    }
    static func isTaken(_ code: UInt8) -> Bool { takenKinds[Int(code)] }
    /// The kind of each code (nil: none), built once (`allCases` is made anew at each use).
    static let kindByCode: [RecordKind?] = (0..<256).map { $0 < RecordKind.allCases.count ? RecordKind.allCases[$0] : nil }

    /// An index file's bulk: every summary, read and checked against its seal on first use
    /// (from the file as it was opened: a newer index written meanwhile does not change it).
    final class Bulk: @unchecked Sendable {
        private let fd: Int32
        private let offset: Int
        private let length: Int
        private let key: SymmetricKey
        private let headSeal: [UInt8]
        private let lock = NSLock()
        private var loaded = false
        private var bytes: [UInt8]?

        init(fd: Int32, offset: Int, length: Int, key: SymmetricKey, headSeal: [UInt8]) {
            self.fd = fd; self.offset = offset; self.length = length; self.key = key; self.headSeal = headSeal
        }
        deinit { close(fd) }

        /// `body` over the bulk; nil when it cannot be read or its seal does not hold.
        func withBytes<T>(_ body: (UnsafeRawBufferPointer) -> T?) -> T? {
            lock.lock()
            defer { lock.unlock() }
            if !loaded {
                loaded = true
                bytes = Trace.phase("index: read the summaries") { load() }
            }
            return bytes.flatMap { $0.withUnsafeBytes(body) }
        }

        private func load() -> [UInt8]? {
            guard let raw = StoreIndex.readExactly(fd, offset: offset, count: length + 32) else { return nil }
            var mac = HMAC<SHA256>(key: key)
            mac.update(data: headSeal)
            raw.withUnsafeBytes { mac.update(data: UnsafeRawBufferPointer(rebasing: $0[0..<length])) }
            guard Array(mac.finalize()).elementsEqual(raw[length...]) else { return nil }
            return Array(raw[0..<length])
        }
    }

    /// Exactly `count` bytes at `offset` of `fd`, or nil.
    static func readExactly(_ fd: Int32, offset: Int, count: Int) -> [UInt8]? {
        guard count >= 0, offset >= 0 else { return nil }
        var ok = true
        let out = [UInt8](unsafeUninitializedCapacity: count) { buf, n in
            var done = 0
            while done < count {
                let r = pread(fd, buf.baseAddress! + done, count - done, off_t(offset + done))
                if r < 0, errno == EINTR { continue }
                guard r > 0 else { ok = false; break }
                done += r
            }
            n = ok ? count : 0
        }
        return ok ? out : nil
    }

    /// When the index was written (nanoseconds since the epoch).
    var written: Int64 = 0
    var members: [String: Member] = [:]
    /// Finalization checks that passed: SHA-256 over the finalize record's hash and the head
    /// hash of every member it counted (the chains commit to everything before their heads).
    var merkleChecked: Set<[UInt8]> = []

    /// One per user (`index-v1-UID`): each is sealed under its user's secret, so on a store
    /// shared by several accounts one index would be rejected and rewritten by each of them in
    /// turn, and every open would check everything again.
    static func path(_ layout: StoreLayout) -> String { layout.cacheDir + "/index-v1-\(getuid())" }

    /// `rules`: `RuleBook.fingerprint`, so that records checked under other rules (another
    /// programme sheet, another dossier set) are checked again.
    static func contextHash(instance: String, key: Data, role: Role, rules: [UInt8] = []) -> [UInt8] {
        var h = SHA256()
        h.update(data: Data(rules))
        h.update(data: Data(instance.utf8)); h.update(data: Data([0]))
        h.update(data: key); h.update(data: Data([0]))
        h.update(data: Data(role.rawValue.utf8))
        return Array(h.finalize())
    }

    // MARK: - File

    /// The head of the file at `path`, when its seal holds; the bulk stays in the file until
    /// a summary of it is needed (`Member.withPayload`).
    ///
    /// Layout: magic, head length H (u64), bulk length B (u64), written, the members (each with
    /// its taken summaries and the length of its part of the bulk), the Merkle checks; the
    /// head's seal (HMAC of bytes 0..<H); the bulk (B bytes, the members' summaries in order);
    /// its seal (HMAC of the head's seal and the bulk). The file is exactly H + 32 + B + 32 bytes.
    static func read(path: String, key: SymmetricKey) -> StoreIndex? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, let fixed = readExactly(fd, offset: 0, count: magic.count + 16) else { close(fd); return nil }
        let size = Int(st.st_size)
        let lengths = fixed.withUnsafeBytes { raw -> (Int, Int)? in
            var r = ByteReader(raw)
            guard let m = r.bytes(magic.count), m.elementsEqual(magic), let h = r.u64(), let b = r.u64(),
                  h >= UInt64(magic.count + 16), h <= UInt64(size), b <= UInt64(size), Int(h) + 64 + Int(b) == size else { return nil }
            return (Int(h), Int(b))
        }
        guard let (headLength, bulkLength) = lengths, let head = readExactly(fd, offset: 0, count: headLength + 32) else { close(fd); return nil }
        let headSeal = Array(head[headLength...])
        let sealed = head.withUnsafeBytes { raw in
            HMAC<SHA256>.isValidAuthenticationCode(headSeal, authenticating: UnsafeRawBufferPointer(rebasing: raw[0..<headLength]), using: key)
        }
        guard sealed else { close(fd); return nil }
        // The bulk owns the descriptor from here (closed with it).
        let bulk = Bulk(fd: fd, offset: headLength + 32, length: bulkLength, key: key, headSeal: headSeal)
        return head.withUnsafeBytes { whole -> StoreIndex? in
            var r = ByteReader(UnsafeRawBufferPointer(rebasing: whole[0..<headLength]), from: magic.count + 16)
            guard let written = r.u64(), let n = r.varint(), n < 1 << 20 else { return nil }
            var index = StoreIndex(written: Int64(bitPattern: written))
            var bulkAt = 0
            for _ in 0..<n {
                guard let name = r.string(), let ctx = r.bytes(32), let dirStamp = r.u64(), let count = r.varint(), count < 1 << 31,
                      let seqs = r.bytes(Int(count) * 4), let stamps = r.bytes(Int(count) * 8),
                      let sha = r.bytes(Int(count) * 32), let kinds = r.bytes(Int(count)), let ends = r.bytes(Int(count) * 4),
                      let plen = r.varint(), plen <= UInt64(bulkLength - bulkAt),
                      let nTaken = r.varint(), nTaken <= count, let takenAt = r.bytes(Int(nTaken) * 4),
                      let tlen = r.varint(), let taken = r.bytes(Int(min(tlen, UInt64(Int32.max)))) else { return nil }
                var e = Member(context: Array(ctx), dirStamp: dirStamp)
                e.seqs = StoreIndex.load(seqs).map { Int32(littleEndian: $0) }
                e.stamps = StoreIndex.load(stamps).map { UInt64(littleEndian: $0) }
                e.shaFlat = Array(sha)
                e.kinds = Array(kinds)
                e.ends = StoreIndex.load(ends).map { UInt32(littleEndian: $0) }
                e.bulk = bulk
                e.bulkRange = bulkAt..<(bulkAt + Int(plen))
                bulkAt += Int(plen)
                e.takenAt = StoreIndex.load(takenAt).map { Int32(littleEndian: $0) }
                e.taken = Array(taken)
                // Ends ascending up to the bulk's part; the taken positions exactly the records
                // of taken kinds, with their summaries' lengths.
                var last: UInt32 = 0
                for x in e.ends { guard x >= last else { return nil }; last = x }
                guard Int(last) == Int(plen) else { return nil }
                var t = 0, takenBytes = 0
                for i in 0..<e.kinds.count where StoreIndex.isTaken(e.kinds[i]) {
                    guard t < e.takenAt.count, Int(e.takenAt[t]) == i else { return nil }
                    takenBytes += e.summaryBytes(i).count
                    t += 1
                }
                guard t == e.takenAt.count, takenBytes == e.taken.count else { return nil }
                guard let nSeen = r.varint(), nSeen < 1 << 31 else { return nil }
                for _ in 0..<nSeen {
                    guard let at = r.varint(), at < count, let m = r.string(), let sq = r.varint(), sq >= 1, sq <= UInt64(Int32.max) else { return nil }
                    e.seen.append(SeenLog.Event(at: Int32(at), member: m, seq: Int32(sq)))
                }
                index.members[name] = e
            }
            guard bulkAt == bulkLength, let k = r.varint(), k < 1 << 20 else { return nil }
            for _ in 0..<k {
                guard let h = r.bytes(32) else { return nil }
                index.merkleChecked.insert(Array(h))
            }
            return r.atEnd ? index : nil
        }
    }

    /// Integers from bytes at any alignment.
    static func load<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer) -> [T] {
        let n = bytes.count / MemoryLayout<T>.size
        return [T](unsafeUninitializedCapacity: n) { buf, count in
            if n > 0 { UnsafeMutableRawBufferPointer(buf).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<(n * MemoryLayout<T>.size)])) }
            count = n
        }
    }

    /// Writes the index (see `read` for the layout). Nothing is written when a member's
    /// summaries are in a bulk that does not read back.
    func write(path: String, key: SymmetricKey) {
        let names = members.keys.sorted()
        var w = ByteWriter()
        w.bytes(StoreIndex.magic)
        w.u64(0)  // the head's length, set below
        var bulkLength = 0
        for name in names { bulkLength += members[name]!.ends.last.map { Int($0) } ?? 0 }
        w.u64(UInt64(bulkLength))
        w.u64(UInt64(bitPattern: written))
        w.varint(UInt64(members.count))
        for name in names {
            let e = members[name]!
            guard let taken = e.takenSummaries() else { return }
            w.string(name)
            w.bytes(e.context)
            w.u64(e.dirStamp)
            w.varint(UInt64(e.count))
            for s in e.seqs { withUnsafeBytes(of: s.littleEndian) { w.bytes($0) } }
            for s in e.stamps { w.u64(s) }
            w.bytes(e.shaFlat)
            w.bytes(e.kinds)
            for x in e.ends { withUnsafeBytes(of: x.littleEndian) { w.bytes($0) } }
            w.varint(UInt64(e.ends.last ?? 0))
            w.varint(UInt64(taken.at.count))
            for x in taken.at { withUnsafeBytes(of: x.littleEndian) { w.bytes($0) } }
            w.varint(UInt64(taken.bytes.count))
            w.bytes(taken.bytes)
            w.varint(UInt64(e.seen.count))
            for x in e.seen { w.varint(UInt64(x.at)); w.string(x.member); w.varint(UInt64(x.seq)) }
        }
        w.varint(UInt64(merkleChecked.count))
        for h in merkleChecked.sorted(by: { $0.lexicographicallyPrecedes($1) }) { w.bytes(h) }
        let headLength = w.out.count
        withUnsafeBytes(of: UInt64(headLength).littleEndian) { b in for i in 0..<8 { w.out[StoreIndex.magic.count + i] = b[i] } }
        let headSeal = Array(HMAC<SHA256>.authenticationCode(for: w.out, using: key))
        w.bytes(headSeal)
        let bulkStart = w.out.count
        w.out.reserveCapacity(bulkStart + bulkLength + 32)
        for name in names {
            let e = members[name]!
            guard let ok = e.withPayload({ raw -> Bool in
                guard let end = e.ends.last, Int(end) <= raw.count else { return raw.isEmpty && e.ends.isEmpty }
                w.out.append(contentsOf: raw[0..<Int(end)])
                return true
            }), ok else { return }
        }
        guard w.out.count == bulkStart + bulkLength else { return }
        var mac = HMAC<SHA256>(key: key)
        mac.update(data: headSeal)
        w.out.withUnsafeBytes { mac.update(data: UnsafeRawBufferPointer(rebasing: $0[bulkStart...])) }
        w.bytes(Array(mac.finalize()))
        SealedFile.writePlain(&w.out, to: path)
    }

    // MARK: - Stamps

    struct Stamp: Equatable {
        var mix: UInt64
        var ctime: Int64
    }

    /// The stamps of records/MEMBER/NNN/NNNNNN.json and its .sig; `dirFD` is the folder NNN.
    static func stamp(dirFD: Int32, seq: Int) -> Stamp? {
        var name = NameBuffer()
        return stamp(dirFD: dirFD, seq: seq, name: &name)
    }

    /// Room for "NNNNNNNNNN.json.sig" and its NUL, on the stack.
    struct NameBuffer {
        var bytes: (UInt64, UInt64, UInt64) = (0, 0, 0)
    }

    static func stamp(dirFD: Int32, seq: Int, name: inout NameBuffer) -> Stamp? {
        var a = stat(), b = stat()
        let ok = withUnsafeMutableBytes(of: &name.bytes) { raw -> Bool in
            let p = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
            // Six digits at least, then ".json".
            var digits = 0
            var v = seq
            repeat { digits += 1; v /= 10 } while v > 0
            let width = max(6, digits)
            v = seq
            for i in stride(from: width - 1, through: 0, by: -1) { p[i] = CChar(0x30 + v % 10); v /= 10 }
            var n = width
            for c in RecordFileName.jsonSuffix { p[n] = CChar(bitPattern: c); n += 1 }
            p[n] = 0
            guard fstatat(dirFD, p, &a, AT_SYMLINK_NOFOLLOW) == 0 else { return false }
            p[n] = 0x2e; p[n + 1] = 0x73; p[n + 2] = 0x69; p[n + 3] = 0x67; p[n + 4] = 0  // ".sig"
            return fstatat(dirFD, p, &b, AT_SYMLINK_NOFOLLOW) == 0
        }
        guard ok, (a.st_mode & S_IFMT) == S_IFREG, (b.st_mode & S_IFMT) == S_IFREG else { return nil }
        var h = StoreIndex.fnvBasis
        fold(&h, a); fold(&h, b)
        return Stamp(mix: h, ctime: max(ctime(a), ctime(b)))
    }

    /// A directory's stamp (inode, size, modification and change times); never 0.
    static func stamp(dirFD: Int32) -> Stamp? {
        var a = stat()
        guard fstat(dirFD, &a) == 0 else { return nil }
        var h = StoreIndex.fnvBasis
        fold(&h, a)
        return Stamp(mix: h == 0 ? 1 : h, ctime: ctime(a))
    }

    /// A member directory's stamp: the directory's own and each of its fan-out folders' (a
    /// record file created, removed or renamed in a folder changes that folder, not the member's
    /// directory); never 0. A folder's stat does not follow a symbolic link.
    static func memberStamp(dirFD: Int32) -> Stamp? {
        var a = stat()
        guard fstat(dirFD, &a) == 0 else { return nil }
        var h = StoreIndex.fnvBasis
        fold(&h, a)
        var newest = ctime(a)
        // Order-free: readdir's order is not part of the stamp.
        var folders: UInt64 = 0
        let ok = RecordFileName.entries(dirFD: dirFD) { name, _ in
            guard RecordFileName.parseFolder(name) != nil else { return }
            var st = stat()
            let got = name.baseAddress!.withMemoryRebound(to: CChar.self, capacity: name.count + 1) { fstatat(dirFD, $0, &st, AT_SYMLINK_NOFOLLOW) == 0 }
            var f = StoreIndex.fnvBasis
            if got { fold(&f, st); newest = max(newest, ctime(st)) }
            folders &+= f
        }
        guard ok else { return nil }
        h = (h ^ folders) &* 0x1000_0000_01b3
        return Stamp(mix: h == 0 ? 1 : h, ctime: newest)
    }

    static let fnvBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Mixes a file's device, inode, size, mtime and ctime into `h` (FNV-1a style, not
    /// cryptographic: nobody can choose a file's ctime).
    @inline(__always)
    static func fold(_ h: inout UInt64, _ s: stat) {
        @inline(__always) func mix(_ v: Int64) { h = (h ^ UInt64(bitPattern: v)) &* 0x1000_0000_01b3; h ^= h >> 29 }
        mix(Int64(s.st_dev)); mix(Int64(s.st_ino)); mix(Int64(s.st_size))
        mix(Int64(s.st_mtim.tv_sec)); mix(Int64(s.st_mtim.tv_nsec)); mix(Int64(s.st_ctim.tv_sec)); mix(Int64(s.st_ctim.tv_nsec))
    }

    static func ctime(_ s: stat) -> Int64 { Int64(s.st_ctim.tv_sec) * 1_000_000_000 + Int64(s.st_ctim.tv_nsec) }

    static func now() -> Int64 {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec)
    }
}

extension RecordFileName {
    static let sigSuffix: [UInt8] = Array(".json.sig".utf8)
    static let jsonSuffix: [UInt8] = Array(".json".utf8)

    /// The canonical name of a fan-out folder (3 to 7 digits, no zero padding beyond three, at
    /// most `RecordLimits.maxSeq` / 1000): its number.
    static func parseFolder(_ p: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = p.count
        guard n >= 3, n <= 7 else { return nil }
        var v = 0
        for c in p {
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        if n > 3, p[0] == 0x30 { return nil }
        guard v <= RecordLimits.maxSeq / perFolder else { return nil }
        return v
    }

    /// The canonical "NNNNNN.json" / "NNNNNN.json.sig" (6 to 10 digits, no extra leading zeros).
    static func parseName(_ p: UnsafeBufferPointer<UInt8>) -> (Int32, Bool)? {
        var n = p.count
        var isSig = false
        func ends(_ s: [UInt8]) -> Bool { n >= s.count && p[(n - s.count)..<n].elementsEqual(s) }
        if ends(sigSuffix) { isSig = true; n -= sigSuffix.count } else if ends(jsonSuffix) { n -= jsonSuffix.count } else { return nil }
        guard n >= 6, n <= 10 else { return nil }
        var v: Int64 = 0
        for i in 0..<n {
            let c = p[i]
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + Int64(c - 0x30)
        }
        guard v >= 1, v <= Int64(RecordLimits.maxSeq) else { return nil }
        // No zero padding beyond six digits.
        if n > 6, p[0] == 0x30 { return nil }
        return (Int32(v), isSig)
    }
}

/// Derived files kept under STORE/.cache and trusted only on this machine: the bytes followed by
/// HMAC-SHA-256 under the per-user cache secret (see `VerifyCache`), so a file that came with a
/// copied or edited store is not believed.
public enum SealedFile {
    static func key(_ secretPath: String?) -> SymmetricKey? {
        VerifyCache.secret(at: secretPath ?? VerifyCache.defaultSecretPath()).map { SymmetricKey(data: $0) }
    }

    /// The bytes, when the file exists and its seal holds.
    public static func read(_ path: String, secretPath: String? = nil) -> [UInt8]? {
        key(secretPath).flatMap { key in open(path, key: key) { Array($0) } }
    }

    /// `body` over the bytes read in place (no copy), when the file exists and its seal holds.
    /// The bytes are this process's own memory, read once and then authenticated: nothing
    /// another process writes to the file afterwards reaches them (never a mapping of the file).
    public static func withBytes<T>(_ path: String, secretPath: String? = nil, _ body: (UnsafeRawBufferPointer) -> T?) -> T? {
        key(secretPath).flatMap { key in open(path, key: key, body) }
    }

    /// Writes the bytes and their seal (replacing, not synced: derived data).
    public static func write(_ bytes: [UInt8], to path: String, secretPath: String? = nil) {
        guard let key = key(secretPath) else { return }
        var out = bytes
        write(&out, to: path, key: key)
    }

    /// `body` over the sealed bytes, read in place, when the seal holds.
    static func open<T>(_ path: String, key: SymmetricKey, _ body: (UnsafeRawBufferPointer) -> T?) -> T? {
        guard let data = Verifier.readFile(path), data.count >= 32 else { return nil }
        return data.withUnsafeBytes { raw -> T? in
            let sealed = UnsafeRawBufferPointer(rebasing: raw[0..<(raw.count - 32)])
            guard HMAC<SHA256>.isValidAuthenticationCode(Array(raw[(raw.count - 32)...]), authenticating: sealed, using: key) else { return nil }
            return body(sealed)
        }
    }

    /// Writes `bytes` and their seal without copying them (the seal is appended, then taken off).
    static func write(_ bytes: inout [UInt8], to path: String, key: SymmetricKey) {
        bytes.append(contentsOf: HMAC<SHA256>.authenticationCode(for: bytes, using: key))
        defer { bytes.removeLast(32) }
        writePlain(&bytes, to: path)
    }

    /// Writes bytes that carry their own seals (the store index).
    static func writePlain(_ bytes: inout [UInt8], to path: String) {
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        bytes.withUnsafeMutableBytes { raw in
            try? DurableFile.write(Data(bytesNoCopy: raw.baseAddress!, count: raw.count, deallocator: .none), to: path, replace: true, sync: false)
        }
    }
}
