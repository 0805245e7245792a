import Foundation
import Panel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The files of records/ as they may be (issue 16, "Files are opened safely"): regular files of a
// bounded size under their canonical names, in real member directories. Anything else is a
// problem named by its path, and is never opened for reading.

/// Bounds on what a record's files and numbers may be.
public enum RecordLimits {
    /// A record's canonical JSON: 4 MiB. The largest records pingshen writes list something per
    /// member or per dossier (a finalization's `counted`, an intake's dossier hashes at some 140
    /// bytes a dossier: 4 MiB holds about 30,000); a larger file is refused by its size, unread
    /// (a sparse 3 GB "record" cost 26 s and 4.2 GB of memory before).
    public static let recordBytes = 4 << 20
    /// An armoured SSHSIG: 299 bytes for the Ed25519 keys the roster holds; 16 KiB leaves room
    /// for every key type ssh-keygen signs with (an RSA-16384 signature armours to about 5.6 KiB).
    public static let signatureBytes = 16 << 10
    /// The highest seq: file names and `seq` are bounded to Int32 (RecordFileName, the store
    /// index keeps seqs as Int32), so an append above it is refused, not written where verify
    /// would not look.
    public static let maxSeq = Int(Int32.max)
}

/// One member directory's entries, as verify sees them: the fan-out folders `NNN/` and the
/// record files in them (`RecordFileName`).
struct MemberListing {
    /// Seqs with a regular NNN/NNNNNN.json / NNN/NNNNNN.json.sig in their own folder, ascending.
    var jsons: [Int32] = []
    var sigs: [Int32] = []
    /// Why an entry is a stray.
    enum Stray { case misnamed, wrongFolder, outsideFolder, memberLevel, folderName }
    /// Entries pingshen never writes there (paths relative to the member's directory), and why.
    var strays: [(path: String, why: Stray)] = []
    /// Entries named like a record or its signature, in their folder, that are not regular
    /// files (never opened); `name` relative to the member's directory.
    var irregular: [(name: String, type: Verifier.FileType, seq: Int32, isSig: Bool)] = []
    /// Entries named like a folder that are not directories (a symbolic link, a FIFO …; nil: a
    /// regular file): never followed.
    var irregularFolders: [(name: String, type: Verifier.FileType?)] = []
    /// Temp files of a write in progress or of a killed writer, relative to the member's directory.
    var temps: [String] = []
}

private func closeDescriptor(_ fd: Int32) { close(fd) }

/// A member's record directory (opened without following a link) and the fan-out folder last
/// opened in it, so that reads in seq order open each folder once. A folder is opened with
/// O_NOFOLLOW | O_DIRECTORY: one that is a symbolic link, a file or a FIFO is never followed,
/// `fd(for:)` is then -1 and every read there fails (the listing names the folder). The owner
/// calls `close()` (a value, not an object whose deinit would close the fd: ARC may end an
/// object's life before a read through its fd is done).
struct RecordFolders {
    let memberFD: Int32
    private var number = -1
    private var folderFD: Int32 = -1

    init(memberFD: Int32) { self.memberFD = memberFD }

    /// Closes the folder open now (the member's directory is the caller's).
    mutating func close() {
        if folderFD >= 0 { closeDescriptor(folderFD) }
        folderFD = -1; number = -1
    }

    /// The open folder of `seq`, -1 when it cannot be opened as a real directory.
    mutating func fd(for seq: Int) -> Int32 {
        let n = RecordFileName.folderNumber(seq)
        if n == number { return folderFD }
        close()
        number = n
        folderFD = RecordFileName.openFolder(memberFD: memberFD, RecordFileName.folderName(number: n))
        return folderFD
    }
}

extension RecordFileName {
    /// What pingshen itself keeps in a member's directory besides the folders: the lock.
    static func isLock(_ name: UnsafeBufferPointer<UInt8>) -> Bool { name.elementsEqual(".lock".utf8) }

    /// The temp files of a write in progress or of a killed writer (`DurableFile`:
    /// `.tmp-NAME-RANDOM`, removed by the member's next append), in a folder.
    static func isTemp(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        name.count > 5 && name[0..<5].elementsEqual(".tmp-".utf8)
    }

    /// A folder of the member's directory, opened without following a symbolic link and without
    /// waiting on a FIFO; -1 when that fails.
    static func openFolder(memberFD: Int32, _ name: String) -> Int32 {
        openat(memberFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
    }

    /// Every entry of an open directory but "." and "..": its name bytes and readdir's d_type
    /// (DT_UNKNOWN resolved with fstatat, not following a symbolic link).
    static func entries(dirFD: Int32, _ body: (UnsafeBufferPointer<UInt8>, Verifier.FileType?) -> Void) -> Bool {
        let d = dup(dirFD)
        guard d >= 0 else { return false }
        guard let dir = fdopendir(d) else { close(d); return false }
        defer { closedir(dir) }
        rewinddir(dir)
        while let e = readdir(dir) {
            DirectoryEntry.read(e) { name, t in
                if name.elementsEqual(".".utf8) || name.elementsEqual("..".utf8) { return }
                var type = Verifier.FileType(direntType: t)
                if t == 0 {   // DT_UNKNOWN: the file system does not say; ask.
                    var st = stat()
                    let ok = name.baseAddress!.withMemoryRebound(to: CChar.self, capacity: name.count + 1) { fstatat(dirFD, $0, &st, AT_SYMLINK_NOFOLLOW) == 0 }
                    type = ok && (st.st_mode & S_IFMT) != S_IFREG ? Verifier.FileType(mode: st.st_mode) : nil
                }
                body(name, type)
            }
        }
        return true
    }

    /// The record files of one member's directory: its folders, each opened without following
    /// a link and read with readdir (no String per record). nil when a directory cannot be read.
    static func listing(dirFD: Int32) -> MemberListing? {
        var out = MemberListing()
        var folders: [(Int, String)] = []
        let ok = entries(dirFD: dirFD) { name, type in
            let text = String(decoding: name, as: UTF8.self)
            if let n = parseFolder(name) {
                if type == .directory { folders.append((n, text)) } else { out.irregularFolders.append((text, type)) }
            } else if isLock(name) {
                return
            } else if type == .directory {
                out.strays.append((text, .folderName))
            } else {
                out.strays.append((text, parseName(name) != nil ? .outsideFolder : .memberLevel))
            }
        }
        guard ok else { return nil }
        for (number, folder) in folders {
            let fd = openFolder(memberFD: dirFD, folder)
            guard fd >= 0 else {
                // Changed since readdir: name it as what it now is, never follow it.
                switch errno {
                case ELOOP: out.irregularFolders.append((folder, .symlink)); continue
                case ENOTDIR: out.irregularFolders.append((folder, .other)); continue
                default: return nil
                }
            }
            defer { close(fd) }
            let ok = entries(dirFD: fd) { name, type in
                if let (seq, isSig) = parseName(name) {
                    if folderNumber(Int(seq)) != number {
                        out.strays.append((folder + "/" + String(decoding: name, as: UTF8.self), .wrongFolder))
                    } else if let type {
                        out.irregular.append((folder + "/" + String(decoding: name, as: UTF8.self), type, seq, isSig))
                    } else if isSig {
                        out.sigs.append(seq)
                    } else {
                        out.jsons.append(seq)
                    }
                } else if isTemp(name) {
                    out.temps.append(folder + "/" + String(decoding: name, as: UTF8.self))
                } else {
                    out.strays.append((folder + "/" + String(decoding: name, as: UTF8.self), .misnamed))
                }
            }
            guard ok else { return nil }
        }
        out.jsons.sort(); out.sigs.sort()
        out.strays.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        out.irregularFolders.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        return out
    }
}

extension Verifier {
    /// A member's directory, opened without following a symbolic link; nil with the problem
    /// when `name` under records/ is not one (a symbolic link, a file, a FIFO …), never read.
    static func openMemberDirectory(recordsFD: Int32, name: String, type: FileType?, lang: Language) -> (fd: Int32, problem: Problem?) {
        let rel = "records/" + name
        guard isSafeFileName(name) else {
            return (-1, Problem(path: rel, kind: "stray-file",
                                message: lang.pick("不是成员记录目录（名称不是成员编号），未读取", "not a member's record directory (the name is not a member id); not read")))
        }
        guard let type else {
            return (-1, Problem(path: rel, kind: "stray-file",
                                message: lang.pick("是文件，不是成员记录目录；未读取", "a file, not a member's record directory; not read")))
        }
        guard type == .directory else { return (-1, notDirectory(rel, type, lang)) }
        // O_NONBLOCK: should the entry have become a FIFO since readdir, open does not wait.
        let fd = openat(recordsFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        if fd >= 0 { return (fd, nil) }
        switch errno {
        case ELOOP: return (-1, notDirectory(rel, .symlink, lang))
        case ENOTDIR: return (-1, notDirectory(rel, .other, lang))
        default: return (-1, nil)
        }
    }

    static func notDirectory(_ rel: String, _ type: FileType, _ lang: Language) -> Problem {
        Problem(path: rel, kind: "not-regular-file",
                message: lang.pick("是\(type.name(lang))，不是成员记录目录；其中的记录未读取", "\(type.name(lang)), not a member's record directory; its records are not read"))
    }

    /// The problems of a member directory's listing: entries that are not regular files or
    /// directories where they should be, and stray or misnamed files.
    static func listingProblems(member: String, _ l: MemberListing, lang: Language) -> [Problem] {
        var out: [Problem] = []
        let base = "records/\(member)/"
        for f in l.irregularFolders {
            if let t = f.type {
                out.append(Problem(path: base + f.name, kind: "not-regular-file",
                                   message: lang.pick("以记录文件夹命名，却是\(t.name(lang))：未跟随，其中的记录未读取",
                                                      "named like a record folder but \(t.name(lang)); not followed, no record in it is read")))
            } else {
                out.append(Problem(path: base + f.name, kind: "stray-file",
                                   message: lang.pick("以记录文件夹命名，却是文件：未读取", "named like a record folder but a file; not read")))
            }
        }
        for i in l.irregular {
            out.append(Problem(path: base + i.name, kind: "not-regular-file",
                               message: lang.pick("以记录\(i.isSig ? "签名" : "")命名，却是\(i.type.name(lang))：未打开",
                                                  "named like a record\(i.isSig ? "'s signature" : "") but \(i.type.name(lang)); not opened")))
        }
        for s in l.strays {
            let (zh, en): (String, String)
            switch s.why {
            case .misnamed:
                (zh, en) = ("不是 pingshen 写下的文件（记录文件名须为 6 至 10 位数字的 NNNNNN.json 或 NNNNNN.json.sig）",
                            "not a file pingshen writes (record files are named NNNNNN.json or NNNNNN.json.sig, 6 to 10 digits)")
            case .wrongFolder:
                (zh, en) = ("记录文件不在它的文件夹中（序号 N 的记录在 N / 1000 的文件夹，至少 3 位数字）：未读取",
                            "a record file in another record's folder (seq N is kept in folder N / 1000, at least three digits); not read")
            case .outsideFolder:
                (zh, en) = ("记录文件不在文件夹中（记录存放于 records/成员/NNN/NNNNNN.json）：未读取",
                            "a record file outside the folders (records are kept as records/MEMBER/NNN/NNNNNN.json); not read")
            case .memberLevel:
                (zh, en) = ("不是 pingshen 写下的文件（成员目录中只有记录文件夹 NNN/ 与 .lock）",
                            "not a file pingshen writes (a member's directory holds only the record folders NNN/ and .lock)")
            case .folderName:
                (zh, en) = ("不是记录文件夹（文件夹名为序号 / 1000，至少 3 位数字：000、001 … 1234）：未读取",
                            "not a record folder (folders are named seq / 1000, at least three digits: 000, 001 … 1234); not read")
            }
            out.append(Problem(path: base + s.path, kind: "stray-file", message: lang.pick(zh, en)))
        }
        return out
    }

    /// A file problem of one record (not a regular file, too large), named by the record's
    /// path (.json) as every problem of a record is; nil when both files were read or are
    /// simply missing (the record check words that).
    static func fileProblem(_ r: FileRead, path: String, sig: Bool, lang: Language) -> Problem? {
        let (z, e) = sig ? ("（签名文件 .sig）", "(signature file .sig) ") : ("", "")
        switch r {
        case .data, .unreadable: return nil
        case .notRegular(let t):
            return Problem(path: path, kind: "not-regular-file", message: lang.pick("\(z)是\(t.name(lang))，不是普通文件：未读取", "\(e)\(t.name(lang)), not a regular file; not read"))
        case .tooLarge(let n):
            let limit = sig ? RecordLimits.signatureBytes : RecordLimits.recordBytes
            return Problem(path: path, kind: "too-large",
                           message: lang.pick("\(z)\(n) 字节，超过上限 \(limit) 字节：未读取", "\(e)\(n) bytes, over the limit of \(limit) bytes; not read"))
        }
    }

    /// Reads a record's two files safely and checks the record.
    /// `dirFD`: the seq's folder (`RecordFolders`).
    static func checkFiles(dirFD: Int32, member: String, seq: Int, context: Context, cache: VerifyCache?) -> (Checked, Data?) {
        let name = RecordFileName.json(seq)
        let json = readRegular(at: dirFD, name, limit: RecordLimits.recordBytes, noFollow: true)
        let sig = readRegular(at: dirFD, name + ".sig", limit: RecordLimits.signatureBytes, noFollow: true)
        let path = FastPath.record(member: member, seq: seq)
        let problems = [fileProblem(json, path: path, sig: false, lang: context.language),
                        fileProblem(sig, path: path, sig: true, lang: context.language)].compactMap { $0 }
        if !problems.isEmpty {
            return (Checked(path: path, fileSeq: seq, sha: nil, record: nil, valid: false, problems: problems), nil)
        }
        var j: Data? = nil, s: Data? = nil
        if case .data(let d) = json { j = d }
        if case .data(let d) = sig { s = d }
        return (check(json: j, signature: s, member: member, fileSeq: seq, context: context, cache: cache), j)
    }
}
