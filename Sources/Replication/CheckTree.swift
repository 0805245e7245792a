import Foundation
import Panel
import Records
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The checked-out tree a repository's checks run in, kept between checks (issue 14): a sync
/// or a hub push used to write the whole merged tree into a scratch folder and remove it again
/// (618k files for a 300k-record store). Kept in `GITDIR/pingshen/check-UID/` (a store's
/// `.git`, a hub's own folder: never replicated), one per user; a level remote's fetch keeps
/// its own, `GITDIR/pingshen/level-NAME-check-UID/` (another store's tree: `LevelRemote`):
///
/// - `store/`: the work tree, a store of its own (its `.cache` keeps its store index, so
///   `verify --cached` on it reads again only the members whose files changed);
/// - `index`: git's index of `store/` (a scratch `GIT_INDEX_FILE`), with each file's stat data;
/// - `held`: the tree id it holds and the SHA-256 of `index`, sealed under this user's cache
///   secret (`SealedFile`); without a valid seal the tree is written whole again;
/// - `lock`: flock, held for the whole check: two syncs or two pushes take turns.
///
/// A check moves the tree with `git read-tree --reset -u NEW`: git writes the entries that
/// differ between the index and NEW, removes those NEW lacks, and re-writes any file whose
/// stat data (inode, size, mtime, ctime: nobody can set a ctime) no longer matches the index,
/// so a file edited, replaced or removed in the kept tree is restored from git's blob. A file
/// that is not git's (`git ls-files --others`) makes it write the tree whole. Before anything
/// is written, every path it will write is checked (`unsafe`).
struct CheckTree {
    let dir: String
    /// `name`: which kept tree (`check`: the repository's own; `level-NAME-check`: a level
    /// remote's), a name of letters, digits, - and _ only (callers pass checked names).
    init(parent: String, name: String = "check") { dir = parent + "/pingshen/\(name)-\(getuid())" }
    var work: String { dir + "/store" }
    var index: String { dir + "/index" }
    var marker: String { dir + "/held" }

    /// A path or mode in the tree that is never checked out.
    struct UnsafePath: Error {
        var path: String
        var mode: String
        func message(_ lang: Language) -> String {
            lang.pick("树中的 \(TerminalText.quoted(path))（模式 \(mode)）不能检出核验：只检出相对路径下的普通文件（无 .、..、.git 或空的路径段）",
                      "\(TerminalText.quoted(path)) (mode \(mode)) in the tree is not checked out: only regular files at relative paths (no ., .., .git or empty component) are")
        }
    }

    /// git's settings for the kept tree, whatever the repository's config says: stat data
    /// compared in full (ctime included), no file-system monitor, no sparse checkout.
    static let options = ["-c", "core.trustctime=true", "-c", "core.checkStat=default", "-c", "core.ignoreStat=false",
                          "-c", "core.fsmonitor=false", "-c", "core.sparseCheckout=false", "-c", "core.splitIndex=false"]

    /// The files a check writes into the tree itself (the views, its cache): never git's.
    static let ownFiles = ["/.cache/", "/roster.yaml", "/allowed_signers", "/program.yaml", "/sanctions.yaml"]

    /// A folder the kept tree may live in: a folder (not a symbolic link) of this user's, made
    /// writable by no one else (its group and other write bits are taken off). The tree is
    /// removed and written whole at times: a link planted as `check-UID` or `pingshen` (by
    /// anyone who can write the repository folder; on a hub several users push to, each one's
    /// hook keeps its own tree there) pointed that removal at another folder. Throws otherwise
    /// (the check then runs in a scratch folder).
    static func requireOwnFolder(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw DurableFile.Failure.system("open", path, errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_uid == getuid() else {
            throw DurableFile.Failure.system("check tree: not a folder of this user's", path, EPERM)
        }
        if st.st_mode & 0o022 != 0, fchmod(fd, st.st_mode & 0o755) != 0 { throw DurableFile.Failure.system("fchmod", path, errno) }
    }

    /// What `remove` found.
    enum Removal: Equatable { case nothing, removed, left(String) }

    /// Removes the kept tree (its remote removed): only when `pingshen/` and the tree's folder are
    /// folders of this user's, not symbolic links (`requireOwnFolder`, as for writing one). A
    /// link planted at either is never followed: neither it nor what it points to is touched,
    /// and `left` names it. `pingshen/` is writable by its owner alone once checked, so what is
    /// checked is what is removed; a link inside the tree is removed as a link
    /// (`FileManager.removeItem` does not follow one).
    func remove() throws -> Removal {
        let parent = (dir as NSString).deletingLastPathComponent
        var st = stat()
        guard lstat(parent, &st) == 0 else { return .nothing }
        do { try Self.requireOwnFolder(parent) } catch { return .left(parent) }
        guard lstat(dir, &st) == 0 else { return .nothing }
        do { try Self.requireOwnFolder(dir) } catch { return .left(dir) }
        try FileManager.default.removeItem(atPath: dir)
        return .removed
    }

    /// Takes the lock (waits for the check that holds it). Returns the descriptor to close.
    func lock() throws -> Int32 {
        let parent = (dir as NSString).deletingLastPathComponent
        for p in [parent, dir] where FileManager.default.fileExists(atPath: p) || (try? FileManager.default.destinationOfSymbolicLink(atPath: p)) != nil {
            try Self.requireOwnFolder(p)
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try Self.requireOwnFolder(parent)
        try Self.requireOwnFolder(dir)
        let path = dir + "/lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw DurableFile.Failure.system("open", path, errno) }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { let e = errno; close(fd); throw DurableFile.Failure.system("flock", path, e) }
        }
        return fd
    }

    /// Whether the seal holds: `held` names a tree and the index is the one sealed with it.
    func sealed() -> Bool {
        guard let bytes = SealedFile.read(marker), let index = FileManager.default.contents(atPath: index) else { return false }
        let f = String(decoding: bytes, as: UTF8.self).split(separator: " ").map(String.init)
        var isDir: ObjCBool = false
        return f.count == 2 && Git.isObjectID(f[0]) && f[1] == DossierFile(bytes: index).sha256
            && FileManager.default.fileExists(atPath: work, isDirectory: &isDir) && isDir.boolValue
    }

    /// Brings the kept tree to `tree`, writing only what differs when the seal holds, else
    /// the whole tree. Returns whether it was written whole.
    @discardableResult
    func bring(_ git: Git, to tree: String) throws -> Bool {
        let env = ["GIT_INDEX_FILE": index]
        let wt = "--work-tree=" + work
        if sealed() {
            unlink(marker)
            // What the index lacks or holds otherwise (-R: the new side is `tree`).
            let diff = try git.ok(Self.options + ["diff-index", "--cached", "-r", "-z", "--no-renames", "-R", tree], extraEnvironment: env)
            for c in StorePolicy.parseRaw(diff.stdout) where c.status != "D" {
                if let bad = Self.unsafe(mode: c.newMode, path: c.path) { throw bad }
            }
            try git.ok(Self.options + [wt, "read-tree", "--reset", "-u", tree], extraEnvironment: env)
            if try extras(git).isEmpty {
                try seal(tree)
                return false
            }
        }
        unlink(marker)
        unlink(index)
        if FileManager.default.fileExists(atPath: work) { try FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try Self.refuseUnsafe(git, tree: tree)
        try git.ok(Self.options + [wt, "read-tree", "--reset", "-u", tree], extraEnvironment: env)
        try seal(tree)
        return true
    }

    /// Files in the work tree that are not git's (and not the check's own).
    func extras(_ git: Git) throws -> [String] {
        let r = try git.ok(Self.options + ["--work-tree=" + work, "ls-files", "--others", "--directory", "-z"] + Self.ownFiles.flatMap { ["-x", $0] },
                           extraEnvironment: ["GIT_INDEX_FILE": index])
        return Git.fields(r.stdout)
    }

    func seal(_ tree: String) throws {
        guard let index = FileManager.default.contents(atPath: index) else { return }
        SealedFile.write(Array((tree + " " + DossierFile(bytes: index).sha256).utf8), to: marker)
    }

    /// Every entry of `tree` is a regular file at a safe relative path, else the
    /// first that is not. Read as bytes: a tree of 600k entries is one pass.
    static func refuseUnsafe(_ git: Git, tree: String) throws {
        let out = try git.ok(["ls-tree", "-r", "-z", "--full-tree", tree]).stdout
        // MODE SP TYPE SP OID TAB PATH NUL
        var bad: UnsafePath?
        out.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let b = raw.bindMemory(to: UInt8.self)
            var i = 0
            while i < b.count, bad == nil {
                var end = i
                while end < b.count, b[end] != 0 { end += 1 }
                var tab = i
                while tab < end, b[tab] != 0x09 { tab += 1 }
                var sp = i
                while sp < tab, b[sp] != 0x20 { sp += 1 }
                let mode = String(decoding: UnsafeBufferPointer(rebasing: b[i..<sp]), as: UTF8.self)
                let path = tab < end ? String(decoding: UnsafeBufferPointer(rebasing: b[(tab + 1)..<end]), as: UTF8.self) : ""
                if tab >= end || !(mode == "100644" && safe(UnsafeBufferPointer(rebasing: b[(tab + 1)..<end]))) {
                    bad = UnsafePath(path: path, mode: mode)
                }
                i = end + 1
            }
        }
        if let bad { throw bad }
    }

    /// The refusal of one entry, nil when it may be written.
    static func unsafe(mode: String, path: String) -> UnsafePath? {
        let ok = mode == "100644" && Array(path.utf8).withUnsafeBufferPointer { safe($0) }
        return ok ? nil : UnsafePath(path: path, mode: mode)
    }

    /// A relative path whose components are neither empty, `.`, `..` nor `.git` (any case),
    /// with no control character.
    static func safe(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !p.isEmpty, p[0] != 0x2F else { return false }
        var start = 0
        for i in 0...p.count {
            if i < p.count, p[i] < 0x20 || p[i] == 0x7F { return false }
            guard i == p.count || p[i] == 0x2F else { continue }
            let c = UnsafeBufferPointer(rebasing: p[start..<i])
            if c.isEmpty || c.elementsEqual([0x2E]) || c.elementsEqual([0x2E, 0x2E]) { return false }
            if c.count == 4, c[0] == 0x2E, c[1] | 0x20 == 0x67, c[2] | 0x20 == 0x69, c[3] | 0x20 == 0x74 { return false }
            start = i + 1
        }
        return true
    }
}
