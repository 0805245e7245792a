import Foundation
import Panel
import Records
#if canImport(Glibc)
import Glibc
#endif

/// Attachments (issue 15): the scanned certificates and award documents that come with a
/// nomination, kept in `STORE/dossiers/ID/` under the names they came with, each pinned by an
/// `attachment` record the secretary signs (SHA-256, size, kind; `AttachmentPins`).
///
/// `attach` is safe against what files and names can do: a source that is a symbolic link, a
/// FIFO or a device, or larger than `AttachmentPins.maxBytes`, is refused by its `lstat` before a
/// byte is read; a name is one path component without control, bidi or invisible characters
/// (`AttachmentPins.nameProblem`: no traversal, no hidden files); the folder is opened with
/// O_NOFOLLOW (a symbolic link planted at `dossiers/ID` is refused) and every file is written
/// relative to it. The order, as `dossier amend` has it: each file is first copied into a
/// temporary `.tmp-*` file in the folder and fsync'd, then the record is signed (the commit
/// point), then each file is renamed into place and the folder fsync'd. A kill before the
/// signature leaves only `.tmp-*` files (removed by the next `attach` of that dossier, ignored by
/// verify); a kill after it leaves a pinned file not yet in place, which verify reports
/// (`attachment-missing`) until `attach` is run again with the same files, which signs nothing
/// new and puts them in place.
extension ReviewSession {
    public struct AttachResult: Sendable {
        /// The record signed, nil when every file was pinned already with the same bytes.
        public var record: StoredRecord?
        /// Every file given, as now pinned.
        public var files: [AttachmentPin]
        /// The names whose pin the record added or changed.
        public var changed: [String]
    }

    /// A dossier's signed attachments with where each file is on this machine.
    public func attachments(of dossier: String) -> [(pin: AttachmentPin, localPath: String)] {
        ledger.attachments.files(of: dossier).map { ($0, layout.root + "/" + AttachmentPins.folder(dossier) + "/" + $0.name) }
    }

    /// Attaches the files at `paths` to dossier `dossier` (see above). `signer` is asked for only
    /// once everything is checked.
    public func attach(dossier: String, paths: [String], as secretaryID: String,
                       signer: (Member) throws -> RecordSigner) throws -> AttachResult {
        try settle()
        let sec = try member(secretaryID)
        try requireRole(sec, for: .attachment)
        if ledger.finalization != nil {
            throw ActionError(zh: "评审结果已定稿，不能再附加材料", en: "the ranking is finalized; no more attachments")
        }
        _ = try requireDossier(dossier)
        guard !paths.isEmpty else { throw ActionError(zh: "请给出要附加的文件", en: "give the files to attach") }
        guard paths.count <= AttachmentPins.maxFilesPerRecord else {
            throw ActionError(zh: "一次至多附加 \(AttachmentPins.maxFilesPerRecord) 个文件", en: "at most \(AttachmentPins.maxFilesPerRecord) files at once")
        }
        // Each source: its name, and a regular file of a bounded size (never followed if a link).
        var names: [String] = []
        for p in paths {
            let name = (p as NSString).lastPathComponent
            let shown = TerminalText.quoted(p)
            if let why = AttachmentPins.nameProblem(name) {
                throw ActionError(zh: "\(shown)：\(why.zh)", en: "\(shown): \(why.en)")
            }
            guard !names.contains(name) else {
                throw ActionError(zh: "文件名 \(TerminalText.quoted(name)) 出现了两次", en: "the file name \(TerminalText.quoted(name)) is given twice")
            }
            var st = stat()
            guard lstat(p, &st) == 0 else {
                throw ActionError(zh: "\(shown)：无法读取（\(String(cString: strerror(errno)))）", en: "\(shown): cannot be read (\(String(cString: strerror(errno))))")
            }
            switch st.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFLNK:
                throw ActionError(zh: "\(shown) 是符号链接：请给出文件本身", en: "\(shown) is a symbolic link: give the file itself")
            default:
                throw ActionError(zh: "\(shown) 不是普通文件", en: "\(shown) is not a regular file")
            }
            guard Int(st.st_size) <= AttachmentPins.maxBytes else {
                throw ActionError(zh: "\(shown) 有 \(st.st_size) 字节，超过附件上限 \(AttachmentPins.maxBytes) 字节",
                                  en: "\(shown) is \(st.st_size) bytes, over the attachment limit of \(AttachmentPins.maxBytes) bytes")
            }
            names.append(name)
        }
        let s = try signer(sec)
        try requireSigner(s, is: sec)

        // The folder, created if need be, opened without following a link.
        let folderPath = layout.root + "/" + AttachmentPins.folder(dossier)
        var st = stat()
        if lstat(folderPath, &st) != 0 {
            guard mkdir(folderPath, 0o755) == 0 || errno == EEXIST else {
                throw ActionError(zh: "无法创建 \(AttachmentPins.folder(dossier))：\(String(cString: strerror(errno)))",
                                  en: "cannot create \(AttachmentPins.folder(dossier)): \(String(cString: strerror(errno)))")
            }
            try DurableFile.syncDirectory(layout.dossiersDir)
        }
        let dfd = open(folderPath, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard dfd >= 0 else {
            throw ActionError(zh: "\(AttachmentPins.folder(dossier)) 不是目录（符号链接？）：不写入",
                              en: "\(AttachmentPins.folder(dossier)) is not a folder (a symbolic link?): nothing written")
        }
        defer { close(dfd) }
        // What an earlier attach that was killed left.
        for n in (try? FileManager.default.contentsOfDirectory(atPath: folderPath)) ?? [] where n.hasPrefix(AttachmentPins.tempPrefix) {
            unlinkat(dfd, n, 0)
        }

        // Copy each into a temporary file there, hashing as it goes.
        var temps: [(name: String, temp: String)] = []
        func cleanUp() { for t in temps { unlinkat(dfd, t.temp, 0) } }
        var pins: [AttachmentPin] = []
        do {
            for (p, name) in zip(paths, names) {
                let src = open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
                guard src >= 0 else {
                    throw ActionError(zh: "\(TerminalText.quoted(p))：无法打开（\(String(cString: strerror(errno)))）",
                                      en: "\(TerminalText.quoted(p)): cannot open (\(String(cString: strerror(errno))))")
                }
                defer { close(src) }
                var sst = stat()
                guard fstat(src, &sst) == 0, (sst.st_mode & S_IFMT) == S_IFREG else {
                    throw ActionError(zh: "\(TerminalText.quoted(p)) 不是普通文件", en: "\(TerminalText.quoted(p)) is not a regular file")
                }
                let temp = AttachmentPins.tempPrefix + String(UInt64.random(in: 0...UInt64.max), radix: 36)
                let out = openat(dfd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
                guard out >= 0 else {
                    throw ActionError(zh: "无法在 \(AttachmentPins.folder(dossier)) 中写入：\(String(cString: strerror(errno)))",
                                      en: "cannot write in \(AttachmentPins.folder(dossier)): \(String(cString: strerror(errno)))")
                }
                temps.append((name, temp))
                let state = AttachmentPins.hash(fd: src, copyTo: out)
                let synced = fsync(out) == 0
                close(out)
                guard case .file(let sha, let size, let head) = state, synced else {
                    if case .tooLarge = state {
                        throw ActionError(zh: "\(TerminalText.quoted(p)) 在复制时超过了附件上限", en: "\(TerminalText.quoted(p)) grew over the attachment limit while it was copied")
                    }
                    throw ActionError(zh: "\(TerminalText.quoted(p))：复制失败", en: "\(TerminalText.quoted(p)): the copy failed")
                }
                pins.append(AttachmentPin(name: name, sha256: sha, size: size, kind: AttachmentPins.kind(of: head, name: name),
                                          path: "", signer: secretaryID, seq: 0, created: ""))
            }
        } catch {
            cleanUp()
            throw error
        }

        // Sign what is new or changed (the commit point), then put every file in place.
        let known = ledger.attachments.current[dossier] ?? [:]
        let changed = pins.filter { known[$0.name]?.sha256 != $0.sha256 || known[$0.name]?.size != $0.size }
        var stored: StoredRecord?
        if !changed.isEmpty {
            do {
                stored = try append(kind: .attachment, body: AttachmentPins.body(dossier: dossier, files: changed), as: secretaryID, signer: s)
            } catch {
                cleanUp()
                throw error
            }
        }
        for t in temps {
            guard renameat(dfd, t.temp, dfd, t.name) == 0 else {
                let e = errno
                cleanUp()
                throw ActionError(zh: "无法放入 \(AttachmentPins.folder(dossier))/\(t.name)：\(String(cString: strerror(e)))（记录已签署：修正后再运行一次 attach）",
                                  en: "cannot put \(AttachmentPins.folder(dossier))/\(t.name) in place: \(String(cString: strerror(e))) (the record is signed: fix it and run attach again)")
            }
        }
        _ = fsync(dfd)
        let now = ledger.attachments.current[dossier] ?? [:]
        return AttachResult(record: stored, files: names.compactMap { now[$0] }, changed: changed.map(\.name))
    }
}
