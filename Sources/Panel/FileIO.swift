import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One entry `readdir` returned, read in place: its name's bytes (without the NUL) and its
/// d_type. Never `e.pointee`: glibc's entry is only d_reclen bytes long, so copying a whole
/// `dirent` (280 bytes) from the end of readdir's buffer reads past it, and past the end of the
/// heap mapping when the buffer lies there (a segfault seen in a cold open of a 2,000 × 20 store).
public enum DirectoryEntry {
    private static let typeOffset = MemoryLayout<dirent>.offset(of: \dirent.d_type) ?? 18
    private static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 19

    public static func read<T>(_ e: UnsafeMutablePointer<dirent>, _ body: (UnsafeBufferPointer<UInt8>, UInt8) -> T) -> T {
        let raw = UnsafeRawPointer(e)
        let type = raw.load(fromByteOffset: typeOffset, as: UInt8.self)
        let name = raw + nameOffset
        let n = strlen(name.assumingMemoryBound(to: CChar.self))
        return body(UnsafeBufferPointer(start: name.assumingMemoryBound(to: UInt8.self), count: n), type)
    }
}

/// Durable file writes: a temp file created with O_EXCL in the target's directory, written in
/// full, fsync'd, then published by rename (replacing) or link (never replacing), and the
/// directory fsync'd. A crash leaves either the old file or the new one, plus at most a temp
/// file named `.tmp-*` that `cleanTempFiles` removes.
public enum DurableFile {
    public enum Failure: Error, CustomStringConvertible {
        case exists(String)
        case system(String, String, Int32)
        /// `stop` asked to stop at a step (tests of crash recovery): nothing was cleaned up.
        case stopped(Step)
        public var description: String {
            switch self {
            case .exists(let p): return localized("\(p)：已存在", "\(p): already exists")
            case .system(let what, let p, let e): return localized("\(p)：\(what) 失败：\(String(cString: strerror(e)))", "\(p): \(what): \(String(cString: strerror(e)))")
            case .stopped(let step): return localized("在 \(step) 之后停止", "stopped after \(step)")
            }
        }
    }

    /// The points where a write can be interrupted, for tests that simulate a crash there.
    public enum Step: Sendable { case created, written, published }

    /// Writes `data` to `path`. With `replace: false` the publish fails with `.exists` when
    /// `path` is already there (link(2) never replaces). `stop`, when it returns true at a step,
    /// ends the write there as a SIGKILL would (temp files left behind) with `.stopped`.
    public static func write(_ data: Data, to path: String, replace: Bool = true, sync: Bool = true,
                             stop: ((Step) -> Bool)? = nil) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dfd >= 0 else { throw Failure.system("open directory", dir, errno) }
        defer { close(dfd) }
        try write(data, in: dfd, name: (path as NSString).lastPathComponent, display: path, replace: replace, sync: sync, stop: stop)
    }

    /// The same, relative to an open directory (openat, linkat, renameat, unlinkat): a directory
    /// opened with O_NOFOLLOW stays the one written to, even if its path is swapped for a
    /// symbolic link meanwhile (issue 16: `score` wrote through a symlinked member directory).
    /// `display`: the file's path, for errors.
    public static func write(_ data: Data, in dirFD: Int32, name: String, display: String, replace: Bool = true, sync: Bool = true,
                             stop: ((Step) -> Bool)? = nil) throws {
        let dir = (display as NSString).deletingLastPathComponent
        var tmp = ""
        var fd: Int32 = -1
        for _ in 0..<16 {
            tmp = ".tmp-" + name + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            fd = openat(dirFD, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw Failure.system("create", dir + "/" + tmp, errno) }
        var ok = false
        defer {
            if fd >= 0 { close(fd) }
            if !ok { unlinkat(dirFD, tmp, 0) }
        }
        func check(_ step: Step) throws {
            if stop?(step) == true { ok = true; throw Failure.stopped(step) }
        }
        try check(.created)
        try data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 { if errno == EINTR { continue }; throw Failure.system("write", dir + "/" + tmp, errno) }
                off += n
            }
        }
        if sync, fsync(fd) != 0 { throw Failure.system("fsync", dir + "/" + tmp, errno) }
        close(fd); fd = -1
        try check(.written)
        if replace {
            guard renameat(dirFD, tmp, dirFD, name) == 0 else { throw Failure.system("rename", display, errno) }
            try check(.published)
        } else {
            if linkat(dirFD, tmp, dirFD, name, 0) != 0 {
                let e = errno
                if e == EEXIST { throw Failure.exists(display) }
                throw Failure.system("link", display, e)
            }
            try check(.published)
            unlinkat(dirFD, tmp, 0)
        }
        ok = true
        if sync, fsync(dirFD) != 0 { throw Failure.system("fsync directory", dir, errno) }
    }

    public static func syncDirectory(_ dir: String) throws {
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dfd >= 0 else { throw Failure.system("open directory", dir, errno) }
        defer { close(dfd) }
        if fsync(dfd) != 0 { throw Failure.system("fsync directory", dir, errno) }
    }

    /// Removes temp files a crashed writer left in the open directory `dirFD`. Returns how many.
    @discardableResult
    public static func cleanTempFiles(inDirectory dirFD: Int32) -> Int {
        let d = dup(dirFD)
        guard d >= 0, let dir = fdopendir(d) else { if d >= 0 { close(d) }; return 0 }
        defer { closedir(dir) }
        rewinddir(dir)
        var names: [String] = []
        while let e = readdir(dir) {
            let name = DirectoryEntry.read(e) { name, _ in String(decoding: name, as: UTF8.self) }
            if name.hasPrefix(".tmp-") { names.append(name) }
        }
        var n = 0
        for name in names where unlinkat(dirFD, name, 0) == 0 { n += 1 }
        return n
    }

    /// Removes temp files a crashed writer left in `dir`. Returns how many.
    @discardableResult
    public static func cleanTempFiles(in dir: String) -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return 0 }
        var n = 0
        for name in names where name.hasPrefix(".tmp-") {
            if unlink(dir + "/" + name) == 0 { n += 1 }
        }
        return n
    }
}

/// A file a person names on the command line or in a store (an import list, a public key, a
/// programme definition, a dossier) read safely: only a regular file is read, never a FIFO (a
/// plain read waits forever for a writer), a device (/dev/zero never ends) or a directory, and
/// nothing over `limit` bytes is read into memory. The same rules as the store's record files
/// (`Verifier.readRegular`, issue 16), for the files that are not records.
public enum InputFile {
    /// Import lists: a 100,000-row CSV is about 60 MB; a workbook is bounded again per entry.
    public static let importLimit = 256 << 20
    /// A programme, a dossier, a key: text a person writes.
    public static let textLimit = 16 << 20

    /// The whole file, or an `InputError` naming the path and what is wrong.
    public static func read(_ path: String, limit: Int) throws -> Data {
        let fd = try open(path, limit: limit)
        defer { close(fd.fd) }
        let cap = fd.size + 1
        var data = Data(count: cap)
        var n = 0
        let ok = data.withUnsafeMutableBytes { buf -> Bool in
            guard let base = buf.baseAddress else { return false }
            while n < cap {
                let r = Glibc.read(fd.fd, base + n, cap - n)
                if r < 0 { if errno == EINTR { continue }; return false }
                if r == 0 { break }
                n += r
            }
            return true
        }
        guard ok else { throw InputError(path: path, message: localized("无法读取文件", "cannot read the file")) }
        // A file that grew since fstat is refused rather than read past the limit.
        guard n <= limit else { throw tooLarge(path, Int64(n), limit) }
        data.count = n
        return data
    }

    /// Checks that `path` is a regular file of at most `limit` bytes, for readers that open it
    /// themselves (the ZIP reader of a workbook).
    public static func check(_ path: String, limit: Int) throws {
        close(try open(path, limit: limit).fd)
    }

    /// Opened with O_NONBLOCK (opening a FIFO does not wait for a writer, open(2)); fstat then
    /// refuses anything but a regular file, and a file over `limit`, before a byte is read.
    static func open(_ path: String, limit: Int) throws -> (fd: Int32, size: Int) {
        var fd: Int32
        repeat { fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            let e = errno
            throw InputError(path: path, message: e == ENOENT ? localized("文件不存在", "no such file")
                                                              : localized("无法读取文件：\(String(cString: strerror(e)))", "cannot read the file: \(String(cString: strerror(e)))"))
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else { close(fd); throw InputError(path: path, message: localized("无法读取文件", "cannot read the file")) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw InputError(path: path, message: localized("不是普通文件（命名管道、设备或目录），未读取", "not a regular file (a FIFO, a device or a directory): not read"))
        }
        guard Int64(st.st_size) <= Int64(limit) else { close(fd); throw tooLarge(path, Int64(st.st_size), limit) }
        return (fd, Int(st.st_size))
    }

    static func tooLarge(_ path: String, _ size: Int64, _ limit: Int) -> InputError {
        InputError(path: path, message: localized("文件过大（\(size) 字节，上限 \(limit) 字节），未读取", "too large (\(size) bytes, the limit is \(limit)): not read"))
    }
}
