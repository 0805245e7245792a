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
struct StoreIndex {
    static let magic = Array("pingshen-index-4".utf8)
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
        /// Summaries, back to back; `ends[i]` is where record i's ends.
        var payload: [UInt8] = []
        var ends: [UInt32] = []
        /// What these records had seen of other members (`SeenLog` events, positions < count).
        var seen: [SeenLog.Event] = []

        var count: Int { seqs.count }
        func summaryBytes(_ i: Int) -> Range<Int> { (i == 0 ? 0 : Int(ends[i - 1]))..<Int(ends[i]) }
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

    static func read(path: String, key: SymmetricKey) -> StoreIndex? {
        SealedFile.open(path, key: key) { raw -> StoreIndex? in
            var r = ByteReader(raw)
            guard let m = r.bytes(magic.count), m.elementsEqual(magic), let written = r.u64(), let n = r.varint(), n < 1 << 20 else { return nil }
            var index = StoreIndex(written: Int64(bitPattern: written))
            for _ in 0..<n {
                guard let name = r.string(), let ctx = r.bytes(32), let dirStamp = r.u64(), let count = r.varint(), count < 1 << 31,
                      let seqs = r.bytes(Int(count) * 4), let stamps = r.bytes(Int(count) * 8),
                      let sha = r.bytes(Int(count) * 32), let kinds = r.bytes(Int(count)), let ends = r.bytes(Int(count) * 4),
                      let plen = r.varint(), let payload = r.bytes(Int(plen)) else { return nil }
                var e = Member(context: Array(ctx), dirStamp: dirStamp)
                e.seqs = StoreIndex.load(seqs).map { Int32(littleEndian: $0) }
                e.stamps = StoreIndex.load(stamps).map { UInt64(littleEndian: $0) }
                e.shaFlat = Array(sha)
                e.kinds = Array(kinds)
                e.ends = StoreIndex.load(ends).map { UInt32(littleEndian: $0) }
                e.payload = Array(payload)
                guard e.ends.last.map({ Int($0) == e.payload.count }) ?? e.payload.isEmpty else { return nil }
                guard let nSeen = r.varint(), nSeen < 1 << 31 else { return nil }
                for _ in 0..<nSeen {
                    guard let at = r.varint(), at < count, let m = r.string(), let sq = r.varint(), sq >= 1, sq <= UInt64(Int32.max) else { return nil }
                    e.seen.append(SeenLog.Event(at: Int32(at), member: m, seq: Int32(sq)))
                }
                index.members[name] = e
            }
            guard let k = r.varint(), k < 1 << 20 else { return nil }
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

    func write(path: String, key: SymmetricKey) {
        var w = ByteWriter()
        w.bytes(StoreIndex.magic)
        w.u64(UInt64(bitPattern: written))
        w.varint(UInt64(members.count))
        for name in members.keys.sorted() {
            let e = members[name]!
            w.string(name)
            w.bytes(e.context)
            w.u64(e.dirStamp)
            w.varint(UInt64(e.count))
            for s in e.seqs { withUnsafeBytes(of: s.littleEndian) { w.bytes($0) } }
            for s in e.stamps { w.u64(s) }
            w.bytes(e.shaFlat)
            w.bytes(e.kinds)
            for x in e.ends { withUnsafeBytes(of: x.littleEndian) { w.bytes($0) } }
            w.varint(UInt64(e.payload.count))
            w.bytes(e.payload)
            w.varint(UInt64(e.seen.count))
            for x in e.seen { w.varint(UInt64(x.at)); w.string(x.member); w.varint(UInt64(x.seq)) }
        }
        w.varint(UInt64(merkleChecked.count))
        for h in merkleChecked.sorted(by: { $0.lexicographicallyPrecedes($1) }) { w.bytes(h) }
        SealedFile.write(&w.out, to: path, key: key)
    }

    // MARK: - Stamps

    struct Stamp: Equatable {
        var mix: UInt64
        var ctime: Int64
    }

    /// The stamps of records/MEMBER/NNNNNN.json and its .sig, relative to the member's directory.
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
    /// The record files of one member's directory, read with readdir (no String per entry):
    /// seqs with a .json, seqs with a .sig, both ascending.
    static func list(dirFD: Int32) -> (jsons: [Int32], sigs: [Int32])? {
        let dup = dup(dirFD)
        guard dup >= 0, let dir = fdopendir(dup) else { return nil }
        defer { closedir(dir) }
        rewinddir(dir)
        var jsons: [Int32] = [], sigs: [Int32] = []
        while let e = readdir(dir) {
            DirectoryEntry.read(e) { name, _ in
                guard let (seq, isSig) = parseName(name) else { return }
                if isSig { sigs.append(seq) } else { jsons.append(seq) }
            }
        }
        jsons.sort(); sigs.sort()
        return (jsons, sigs)
    }

    static let sigSuffix: [UInt8] = Array(".json.sig".utf8)
    static let jsonSuffix: [UInt8] = Array(".json".utf8)

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
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        bytes.withUnsafeMutableBytes { raw in
            try? DurableFile.write(Data(bytesNoCopy: raw.baseAddress!, count: raw.count, deallocator: .none), to: path, replace: true, sync: false)
        }
    }
}
