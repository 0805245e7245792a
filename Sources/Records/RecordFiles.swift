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

/// One member directory's entries, as verify sees them.
struct MemberListing {
    /// Seqs with a regular NNNNNN.json / NNNNNN.json.sig, ascending.
    var jsons: [Int32] = []
    var sigs: [Int32] = []
    /// Entries pingshen never writes there: misnamed records, other files (names).
    var strays: [String] = []
    /// Entries named like a record or its signature that are not regular files (never opened).
    var irregular: [(name: String, type: Verifier.FileType, seq: Int32, isSig: Bool)] = []
}

extension RecordFileName {
    /// What pingshen itself keeps in a member's directory besides the records: the lock, and the
    /// temp files of a write in progress or of a killed writer (`DurableFile`: `.tmp-NAME-RANDOM`,
    /// removed by the member's next append).
    static func isOwnAuxiliary(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        name.elementsEqual(".lock".utf8) || (name.count > 5 && name[0..<5].elementsEqual(".tmp-".utf8))
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

    /// The record files of one member's directory, read with readdir (no String per record).
    static func listing(dirFD: Int32) -> MemberListing? {
        var out = MemberListing()
        let ok = entries(dirFD: dirFD) { name, type in
            if let (seq, isSig) = parseName(name) {
                if let type {
                    out.irregular.append((String(decoding: name, as: UTF8.self), type, seq, isSig))
                } else if isSig {
                    out.sigs.append(seq)
                } else {
                    out.jsons.append(seq)
                }
            } else if !isOwnAuxiliary(name) {
                out.strays.append(String(decoding: name, as: UTF8.self))
            }
        }
        guard ok else { return nil }
        out.jsons.sort(); out.sigs.sort()
        out.strays.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
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

    /// The problems of a member directory's listing: entries that are not regular files, and
    /// stray or misnamed files.
    static func listingProblems(member: String, _ l: MemberListing, lang: Language) -> [Problem] {
        var out: [Problem] = []
        for i in l.irregular {
            out.append(Problem(path: "records/\(member)/" + i.name, kind: "not-regular-file",
                               message: lang.pick("以记录\(i.isSig ? "签名" : "")命名，却是\(i.type.name(lang))：未打开",
                                                  "named like a record\(i.isSig ? "'s signature" : "") but \(i.type.name(lang)); not opened")))
        }
        for s in l.strays {
            out.append(Problem(path: "records/\(member)/" + s, kind: "stray-file",
                               message: lang.pick("不是 pingshen 写下的文件（记录文件名须为 6 至 10 位数字的 NNNNNN.json 或 NNNNNN.json.sig）",
                                                  "not a file pingshen writes (record files are named NNNNNN.json or NNNNNN.json.sig, 6 to 10 digits)")))
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
