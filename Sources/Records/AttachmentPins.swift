import Foundation
import Crypto
import Panel
#if canImport(Glibc)
import Glibc
#endif

/// One signed attachment of a dossier: a file in `dossiers/ID/` with the SHA-256 and size an
/// `attachment` record pinned (issue 15: scanned certificates, award documents).
public struct AttachmentPin: Hashable, Sendable {
    public var name: String
    public var sha256: String
    public var size: Int
    /// pdf, image, text, office or other (`AttachmentPins.kind(of:name:)`).
    public var kind: String
    /// The record that pinned this version, its signer, seq and time.
    public var path: String
    public var signer: String
    public var seq: Int
    public var created: String
    public init(name: String, sha256: String, size: Int, kind: String, path: String = "", signer: String = "", seq: Int = 0, created: String = "") {
        self.name = name; self.sha256 = sha256; self.size = size; self.kind = kind
        self.path = path; self.signer = signer; self.seq = seq; self.created = created
    }
}

/// The attachments the secretary signed, by dossier and file name (issue 15). The files live in
/// `STORE/dossiers/ID/` beside `dossiers/ID.yaml`, under the names they were attached with; an
/// `attachment` record (`pingshen attach`) pins each one's SHA-256 and size, and a later record
/// naming the same file pins its new version (the order of `DossierPins`: chain order for one
/// secretary, else `created`, then signer). `verify` reads every file in those folders:
/// a pinned file that differs or is not a regular file is `attachment-changed`, one that is gone
/// `attachment-missing`, and a file (or folder, or link) that no record pins
/// `attachment-unpinned`. The `.tmp-*` files a killed `attach` leaves are not problems (the next
/// `attach` of that dossier removes them).
public struct AttachmentPins: Sendable, Hashable {
    public static let problemKinds: Set<String> = ["attachment-changed", "attachment-missing", "attachment-unpinned"]
    /// The largest attachment: a scanned certificate or award document is a few megabytes; a
    /// file over this is refused by its size before a byte is read (and never hashed by verify).
    public static let maxBytes = 100 << 20
    /// The most files one record pins (bounds the record well under its 4 MiB limit).
    public static let maxFilesPerRecord = 1000
    /// The longest file name, in UTF-8 bytes (NAME_MAX).
    public static let maxNameBytes = 255
    /// What a writer's temporary file starts with.
    public static let tempPrefix = ".tmp-"

    /// dossier id → file name → its last signed version.
    public private(set) var current: [String: [String: AttachmentPin]] = [:]

    public init() {}

    /// The folder of a dossier's attachments, relative to the store root.
    public static func folder(_ dossier: String) -> String { "dossiers/" + dossier }

    /// Why `name` cannot be an attachment's file name, nil when it can: not empty, at most 255
    /// bytes, no "/", "\" or NUL (a name is one path component: no traversal), not "." or
    /// "..", not starting with "." (hidden files and the writer's `.tmp-*`), and no control,
    /// bidi or invisible character (`TerminalText.isUnsafe`: a name is shown on terminals and pages).
    public static func nameProblem(_ name: String) -> LocalizedText? {
        if name.isEmpty { return LocalizedText(zh: "文件名为空", en: "the file name is empty") }
        if name.utf8.count > maxNameBytes {
            return LocalizedText(zh: "文件名超过 \(maxNameBytes) 字节", en: "the file name is over \(maxNameBytes) bytes")
        }
        if name.hasPrefix(".") {
            return LocalizedText(zh: "文件名不能以 “.” 开头（隐藏文件、“..”）", en: "the file name may not start with '.' (hidden files, '..')")
        }
        if name.unicodeScalars.contains(where: { $0 == "/" || $0 == "\\" || $0 == "\0" }) {
            return LocalizedText(zh: "文件名不能含 “/” 或 “\\”", en: "the file name may not hold '/' or '\\'")
        }
        if name.unicodeScalars.contains(where: TerminalText.isUnsafe) {
            return LocalizedText(zh: "文件名含控制字符、双向控制符或不可见字符", en: "the file name holds a control, bidi or invisible character")
        }
        return nil
    }

    /// What a file is, for the dossier screen: by its first bytes (PDF, PNG, JPEG, GIF, TIFF,
    /// WebP, a ZIP office document), else UTF-8 text without NUL, else by nothing: other.
    public static func kind(of head: [UInt8], name: String) -> String {
        func starts(_ m: [UInt8]) -> Bool { head.count >= m.count && Array(head.prefix(m.count)) == m }
        if starts(Array("%PDF-".utf8)) { return "pdf" }
        if starts([0x89, 0x50, 0x4E, 0x47]) || starts([0xFF, 0xD8, 0xFF]) || starts(Array("GIF8".utf8))
            || starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A])
            || (starts(Array("RIFF".utf8)) && head.count >= 12 && Array(head[8..<12]) == Array("WEBP".utf8)) { return "image" }
        let ext = (name as NSString).pathExtension.lowercased()
        if starts([0x50, 0x4B, 0x03, 0x04]), ["docx", "xlsx", "pptx", "odt", "ods", "odp"].contains(ext) { return "office" }
        if starts([0xD0, 0xCF, 0x11, 0xE0]) { return "office" }
        // UTF-8 text: no NUL, and valid once a character cut at the end of the sample is dropped.
        if !head.isEmpty, !head.contains(0), (0...min(3, head.count - 1)).contains(where: { String(validating: head.dropLast($0), as: UTF8.self) != nil }) {
            return "text"
        }
        return "other"
    }

    /// The body of an attachment record.
    public static func body(dossier: String, files: [AttachmentPin]) -> [String: JSONValue] {
        var list: [String: JSONValue] = [:]
        for f in files {
            list[f.name] = .object(["sha256": .string(f.sha256), "size": .int(Int64(f.size)), "kind": .string(f.kind)])
        }
        return ["dossier": .string(dossier), "files": .object(list)]
    }

    /// The shape of an attachment body: {"dossier":ID,"files":{NAME:{"sha256":HEX,"size":N,"kind":K}}}.
    static func shapeProblem(_ body: [String: JSONValue], _ kind: RecordKind) -> RecordsError? {
        if let e = RecordKinds.dossierShape(body, kind) { return e }
        guard case .object(let files)? = body["files"], !files.isEmpty else {
            return RecordsError("attachment 记录需要 “files”（文件名 → {sha256, size, kind}）", "an attachment record needs 'files' (name → {sha256, size, kind})")
        }
        guard files.count <= maxFilesPerRecord else {
            return RecordsError("一条 attachment 记录至多 \(maxFilesPerRecord) 个文件", "an attachment record pins at most \(maxFilesPerRecord) files")
        }
        for (name, v) in files {
            if let why = nameProblem(name) {
                return RecordsError("附件名 \(TerminalText.quoted(name)) 不可用：\(why.zh)", "attachment name \(TerminalText.quoted(name)) is not usable: \(why.en)")
            }
            guard case .object(let o) = v else { return RecordsError("附件 \(name) 应为 {sha256, size, kind}", "attachment \(name) must be {sha256, size, kind}") }
            if let e = DossierPins.pinProblem(o, id: name) { return e }
            if let n = o["size"]?.int, n > Int64(maxBytes) {
                return RecordsError("附件 \(name) 超过 \(maxBytes) 字节", "attachment \(name) is over \(maxBytes) bytes")
            }
            if let k = o["kind"], k.string == nil { return RecordsError("附件 \(name) 的 “kind” 应为字符串", "attachment \(name): 'kind' must be a string") }
        }
        return nil
    }

    /// Takes in a counted record (anything but attachment is passed over).
    public mutating func take(_ r: Record, path: String) {
        guard r.kind == .attachment, let d = r.body["dossier"]?.string, case .object(let files)? = r.body["files"] else { return }
        for (name, v) in files {
            guard case .object(let o) = v, let sha = o["sha256"]?.string, let size = o["size"]?.int else { continue }
            let pin = AttachmentPin(name: name, sha256: sha, size: Int(clamping: size), kind: o["kind"]?.string ?? "other",
                                    path: path, signer: r.signer, seq: r.seq, created: r.created)
            if let old = current[d]?[name], !AttachmentPins.later(pin, than: old) { continue }
            current[d, default: [:]][name] = pin
        }
    }

    static func later(_ a: AttachmentPin, than b: AttachmentPin) -> Bool {
        if a.signer == b.signer { return a.seq > b.seq }
        if a.created != b.created { return a.created > b.created }
        return a.signer.utf8.lexicographicallyPrecedes(b.signer.utf8) == false
    }

    /// A dossier's attachments, by name in code-point order.
    public func files(of dossier: String) -> [AttachmentPin] {
        (current[dossier] ?? [:]).values.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    // MARK: - Files

    /// SHA-256 and size of the regular file `name` in the open directory `dirFD`, read without
    /// following a symbolic link (O_NOFOLLOW, then fstat: a FIFO or device is never read).
    /// `limit`: refuse a file larger than this by its size, before reading.
    public enum FileState: Equatable, Sendable {
        case file(sha256: String, size: Int, head: [UInt8])
        case absent
        case notRegular
        case tooLarge(Int)
        case unreadable(Int32)
    }

    public static func hashFile(in dirFD: Int32, name: String, limit: Int = maxBytes) -> FileState {
        let fd = openat(dirFD, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            switch errno {
            case ENOENT: return .absent
            case ELOOP, ENXIO: return .notRegular
            default: return .unreadable(errno)
            }
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .unreadable(errno) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return .notRegular }
        let size = Int(st.st_size)
        guard size <= limit else { return .tooLarge(size) }
        return hash(fd: fd)
    }

    /// Reads `fd` to its end: SHA-256, byte count and the first 512 bytes.
    public static func hash(fd: Int32, copyTo out: Int32? = nil) -> FileState {
        var h = SHA256()
        var total = 0
        var head: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return .unreadable(errno) }
            if n == 0 { break }
            buf.withUnsafeBytes { h.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            if head.count < 512 { head += buf[0..<min(n, 512 - head.count)] }
            if let out {
                var off = 0
                while off < n {
                    let w = buf.withUnsafeBytes { write(out, $0.baseAddress! + off, n - off) }
                    if w < 0 { if errno == EINTR { continue }; return .unreadable(errno) }
                    off += w
                }
            }
            total += n
            if total > maxBytes { return .tooLarge(total) }
        }
        return .file(sha256: Hex.encode(h.finalize()), size: total, head: head)
    }

    /// The problems of the attachment folders of `layout` against these pins (see the type).
    public func problems(layout: StoreLayout, language lang: Language) -> [Problem] {
        var out: [Problem] = []
        let root = layout.dossiersDir
        // Every folder under dossiers/ (attachments live nowhere else) and every pinned one.
        var folders = Set(current.keys)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] where !name.hasSuffix(".yaml") && !name.hasPrefix(".") {
            var st = stat()
            guard lstat(root + "/" + name, &st) == 0 else { continue }
            let type = st.st_mode & S_IFMT
            if type == S_IFDIR { folders.insert(name) }
            else if type == S_IFLNK {
                out.append(Problem(path: "dossiers/" + name, kind: "attachment-unpinned", message: lang.pick(
                    "符号链接不是附件目录：不读取", "a symbolic link, not an attachment folder: not followed")))
            }
        }
        for d in folders.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let pins = current[d] ?? [:]
            let rel = AttachmentPins.folder(d)
            let dfd = open(root + "/" + d, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if dfd < 0 {
                for (name, pin) in pins.sorted(by: { $0.key < $1.key }) {
                    out.append(Problem(path: rel + "/" + name, kind: "attachment-missing", message: lang.pick(
                        "\(pin.path) 签署的附件不见了（附件目录不存在或不是目录）", "the attachment signed by \(pin.path) is gone (its folder is missing or not a folder)")))
                }
                continue
            }
            defer { close(dfd) }
            var present: [String] = []
            for name in (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + d)) ?? [] where !name.hasPrefix(AttachmentPins.tempPrefix) {
                present.append(name)
            }
            for name in present.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where pins[name] == nil {
                out.append(Problem(path: rel + "/" + name, kind: "attachment-unpinned", message: lang.pick(
                    "没有任何签署的 attachment 记录载明此文件（用 pingshen attach 附加）", "no signed attachment record pins this file (attach files with pingshen attach)")))
            }
            for (name, pin) in pins.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                let path = rel + "/" + name
                switch AttachmentPins.hashFile(in: dfd, name: name) {
                case .absent:
                    out.append(Problem(path: path, kind: "attachment-missing", message: lang.pick(
                        "\(pin.path) 签署的附件不见了（被删除？）", "the attachment signed by \(pin.path) is gone (deleted?)")))
                case .notRegular:
                    out.append(Problem(path: path, kind: "attachment-changed", message: lang.pick(
                        "不是普通文件（符号链接、FIFO…），不读取；\(pin.path) 签署的是文件", "not a regular file (a symbolic link, a FIFO …): not read; \(pin.path) signed a file")))
                case .tooLarge(let n):
                    out.append(Problem(path: path, kind: "attachment-changed", message: lang.pick(
                        "\(n) 字节，超过上限且与 \(pin.path) 签署的 \(pin.size) 字节不同", "\(n) bytes, over the limit and not the \(pin.size) bytes signed by \(pin.path)")))
                case .unreadable(let e):
                    out.append(Problem(path: path, kind: "attachment-changed", message: lang.pick(
                        "无法读取：\(String(cString: strerror(e)))", "cannot be read: \(String(cString: strerror(e)))")))
                case .file(let sha, let size, _):
                    if sha != pin.sha256 || size != pin.size {
                        out.append(Problem(path: path, kind: "attachment-changed", message: lang.pick(
                            "附件与 \(pin.path) 签署的版本不同（\(size) 字节，SHA-256 \(sha.prefix(12))…；签署的是 \(pin.size) 字节，\(pin.sha256.prefix(12))…）",
                            "the file differs from the version signed by \(pin.path) (\(size) bytes, SHA-256 \(sha.prefix(12))…; signed \(pin.size) bytes, \(pin.sha256.prefix(12))…)")))
                    }
                }
            }
        }
        return out
    }
}
