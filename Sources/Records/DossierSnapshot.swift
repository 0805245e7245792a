import Foundation
import Crypto
import Panel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The dossier files as the last open parsed them, kept in STORE/.cache/dossiers-v1-UID
/// (sealed: `SealedFile`, under the per-user secret of `VerifyCache`), so that opening a store of
/// 10,000 dossiers stats 10,000 files instead of reading, hashing and parsing them.
///
/// Each entry is keyed by its file's name and stamp: device, inode, size, modification and
/// change times (nanoseconds), taken with `stat` before the file was read. Any write to the
/// file, a rename or a replacement changes its change time (ctime), which no user can set, so a
/// file whose stamp is unchanged has the bytes it had when it was read; a file whose stamp
/// differs is read and parsed again, exactly as without the snapshot. A file whose ctime lies
/// within 2 s of the moment it was stamped is not kept (it could change again within the same
/// clock tick without a new stamp: git's "racily clean" files). The snapshot also names the
/// dossiers directory (device and inode), so one taken from another store is not used; one that
/// was edited or truncated fails its seal and is ignored. Derived data: safe to delete.
/// `verify` never reads it (`Governance.openPanel(cachedDossiers: false)`).
public enum DossierSnapshot {
    static let magic = Array("pingshen-dossiers-1".utf8)

    /// One per user, like the store index (each sealed under its user's secret).
    public static func path(_ layout: StoreLayout) -> String { layout.cacheDir + "/dossiers-v1-\(getuid())" }

    /// A file's stamp: (device, inode, size, mtime ns, ctime ns).
    struct Stamp: Equatable {
        var dev: UInt64, ino: UInt64, size: UInt64, mtime: Int64, ctime: Int64
        init(_ s: stat) {
            dev = UInt64(s.st_dev); ino = UInt64(s.st_ino); size = UInt64(s.st_size)
            mtime = Int64(s.st_mtim.tv_sec) * 1_000_000_000 + Int64(s.st_mtim.tv_nsec)
            ctime = StoreIndex.ctime(s)
        }
        init(dev: UInt64, ino: UInt64, size: UInt64, mtime: Int64, ctime: Int64) {
            self.dev = dev; self.ino = ino; self.size = size; self.mtime = mtime; self.ctime = ctime
        }
    }

    struct Entry {
        var stamp: Stamp
        var dossier: Dossier
        var file: DossierFile
    }

    /// What a snapshot holds: the directory it was taken of and its entries by file name.
    struct Contents {
        var dir: (dev: UInt64, ino: UInt64)
        var entries: [String: Entry]
    }

    /// The dossiers and their files' hashes, as `PanelStore.readDossiers` gives them, through the
    /// snapshot: a file whose stamp matches its entry is not read. Writes the snapshot anew when
    /// anything was read. Without a cache secret, reads every file.
    public static func readDossiers(_ layout: StoreLayout, secretPath: String? = nil) throws -> (dossiers: [Dossier], files: [String: DossierFile]) {
        let r = try read(layout, secretPath: secretPath)
        return (r.dossiers, r.files)
    }

    /// `readDossiers`, telling also how many files were taken from the snapshot and how many read.
    /// `racy` (tests: 0): files changed this close before they were stamped are not kept.
    static func read(_ layout: StoreLayout, secretPath: String? = nil,
                     racy: Int64 = StoreIndex.racyNanos) throws -> (dossiers: [Dossier], files: [String: DossierFile], kept: Int, read: Int) {
        func plain() throws -> (dossiers: [Dossier], files: [String: DossierFile], kept: Int, read: Int) {
            let r = try PanelStore.readDossiers(layout)
            return (r.dossiers, r.files, 0, r.dossiers.count)
        }
        guard let key = SealedFile.key(secretPath) else { return try plain() }
        let names = Trace.phase("panel: dossier names") { PanelStore.dossierFileNames(layout) }
        let dirFD = open(layout.dossiersDir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if dirFD >= 0 { close(dirFD) } }
        var dirStat = stat()
        guard dirFD >= 0, fstat(dirFD, &dirStat) == 0 else { return try plain() }
        let dir = (dev: UInt64(dirStat.st_dev), ino: UInt64(dirStat.st_ino))
        let path = path(layout)
        let kept = Trace.phase("panel: dossier snapshot read") {
            SealedFile.open(path, key: key) { decode($0) }.flatMap { $0.dir == dir ? $0.entries : nil }
        } ?? [:]
        let now = StoreIndex.now()
        var dossiers: [Dossier] = []
        dossiers.reserveCapacity(names.count)
        var files: [String: DossierFile] = [:]
        files.reserveCapacity(names.count)
        var next: [String: Entry] = [:]
        next.reserveCapacity(names.count)
        var read = 0
        for name in names {
            var st = stat()
            // As the file is read (symbolic links followed); anything but a regular file is read
            // the usual way and never kept.
            let stamp = fstatat(dirFD, name, &st, 0) == 0 && (st.st_mode & S_IFMT) == S_IFREG ? Stamp(st) : nil
            if let stamp, let e = kept[name], e.stamp == stamp {
                dossiers.append(e.dossier)
                files[e.dossier.id] = e.file
                next[name] = e
                continue
            }
            read += 1
            // Read through the folder's descriptor, and kept under the stamp of the very file
            // read: by path, a folder swapped in between (another folder of the same names) put
            // its bytes under this folder's stamps, and later opens took them without reading.
            if stamp != nil, let (bytes, fileStamp) = readAt(dirFD, name) {
                let d = try PanelStore.parseDossier(bytes, layout, name: name)
                let file = DossierFile(bytes: bytes)
                dossiers.append(d)
                files[d.id] = file
                if fileStamp.ctime < now - racy { next[name] = Entry(stamp: fileStamp, dossier: d, file: file) }
                continue
            }
            // Anything else as without the snapshot, never kept.
            let (d, file) = try PanelStore.readDossier(layout, name: name)
            dossiers.append(d)
            if let file { files[d.id] = file }
        }
        dossiers.sort { $0.id < $1.id }
        if read > 0 || next.count != kept.count {
            Trace.phase("panel: dossier snapshot write") {
                var bytes = encode(Contents(dir: dir, entries: next))
                SealedFile.write(&bytes, to: path, key: key)
            }
        }
        return (dossiers, files, names.count - read, read)
    }

    /// The bytes of the regular file `name` in the folder `dirFD` and that file's stamp (fstat
    /// of the descriptor read), nil when it is not a regular file of at most
    /// `InputFile.textLimit` bytes or cannot be read (the caller reads it the usual way).
    static func readAt(_ dirFD: Int32, _ name: String) -> (Data, Stamp)? {
        let fd = openat(dirFD, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size >= 0, st.st_size <= off_t(InputFile.textLimit) else { return nil }
        let cap = Int(st.st_size) + 1
        var data = Data(count: cap)
        var n = 0
        let ok = data.withUnsafeMutableBytes { buf -> Bool in
            guard let base = buf.baseAddress else { return false }
            while n < cap {
                #if canImport(Glibc)
                let r = Glibc.read(fd, base + n, cap - n)
                #else
                let r = Darwin.read(fd, base + n, cap - n)
                #endif
                if r < 0 { if errno == EINTR { continue }; return false }
                if r == 0 { break }
                n += r
            }
            return true
        }
        // Grown or shrunk while read: left to the usual way (and not kept).
        guard ok, n == Int(st.st_size) else { return nil }
        data.count = n
        return (data, Stamp(st))
    }

    static func encode(_ c: Contents) -> [UInt8] {
        var w = ByteWriter()
        w.bytes(magic)
        w.u64(c.dir.dev); w.u64(c.dir.ino)
        // Every distinct text once (field names, and values many dossiers share: 民族, 单位, …).
        var strings: [String] = []
        var number: [String: Int] = [:]
        func intern(_ s: String) -> Int {
            if let n = number[s] { return n }
            strings.append(s); number[s] = strings.count - 1
            return strings.count - 1
        }
        let names = c.entries.keys.sorted()
        var body = ByteWriter()
        for name in names {
            let e = c.entries[name]!
            body.string(name)
            body.u64(e.stamp.dev); body.u64(e.stamp.ino); body.u64(e.stamp.size)
            body.u64(UInt64(bitPattern: e.stamp.mtime)); body.u64(UInt64(bitPattern: e.stamp.ctime))
            body.string(e.file.sha256); body.varint(UInt64(e.file.size))
            body.string(e.dossier.id)
            let keys = e.dossier.fields.keys.sorted()
            body.varint(UInt64(keys.count))
            for k in keys { body.varint(UInt64(intern(k))); body.varint(UInt64(intern(e.dossier.fields[k]!))) }
        }
        w.varint(UInt64(strings.count))
        for s in strings { w.string(s) }
        w.varint(UInt64(names.count))
        w.bytes(body.out)
        return w.out
    }

    /// nil when the bytes are not a snapshot of this version, whole.
    static func decode(_ raw: UnsafeRawBufferPointer) -> Contents? {
        var r = ByteReader(raw)
        guard let m = r.bytes(magic.count), m.elementsEqual(magic), let dev = r.u64(), let ino = r.u64(),
              let ns = r.varint(), ns < 1 << 32 else { return nil }
        var strings: [String] = []
        strings.reserveCapacity(Int(ns))
        for _ in 0..<ns { guard let s = r.string() else { return nil }; strings.append(s) }
        guard let n = r.varint(), n < 1 << 32 else { return nil }
        var entries: [String: Entry] = [:]
        entries.reserveCapacity(Int(n))
        for _ in 0..<n {
            guard let name = r.string(), let sdev = r.u64(), let sino = r.u64(), let size = r.u64(), let mtime = r.u64(), let ctime = r.u64(),
                  let sha = r.string(), let fsize = r.varint(), fsize <= UInt64(Int.max), let id = r.string(), id + ".yaml" == name,
                  let nf = r.varint(), nf < 1 << 16 else { return nil }
            var fields: [String: String] = [:]
            fields.reserveCapacity(Int(nf))
            for _ in 0..<nf {
                guard let k = r.varint(), k < UInt64(strings.count), let v = r.varint(), v < UInt64(strings.count) else { return nil }
                fields[strings[Int(k)]] = strings[Int(v)]
            }
            guard fields["id"] == id, entries[name] == nil else { return nil }
            var d = Dossier(id: id, fields: [:])
            d.fields = fields
            entries[name] = Entry(stamp: Stamp(dev: sdev, ino: sino, size: size, mtime: Int64(bitPattern: mtime), ctime: Int64(bitPattern: ctime)),
                                  dossier: d, file: DossierFile(sha256: sha, size: Int(fsize)))
        }
        return r.atEnd ? Contents(dir: (dev, ino), entries: entries) : nil
    }
}
