import Foundation
import Panel
import Records

// The secretary's work that the CLI and the terminal UI both do (issue 17: "every action is
// signed as elsewhere, through the same session code as the CLI"): reading an import file for a
// preview, changing the signed roster, writing a list to a file, reading a public key file.
// The rules live here or deeper (ReviewSession, Governance); `pingshen` and the UI only call.

extension ReviewSession {
    /// What `import` would do with FILE, nothing written: the dossiers new to the store and
    /// those already in it with the same bytes (a re-import). Throws the reader's error, which
    /// names the file, the row (or cell) and the field.
    public func readImport(path: String, encoding: DossierImport.Encoding = .auto, sheet: String? = nil) throws -> (new: [Dossier], unchanged: [Dossier]) {
        try settle()
        return try Trace.phase("import: read") { try DossierImport.readForImport(path: path, into: panel, encoding: encoding, sheet: sheet) }
    }

    /// Whether `secretaryID` may import now (the role, and no finalization yet): what
    /// `importDossiers` checks before reading, for a preview that refuses as the import would.
    public func requireCanImport(as secretaryID: String) throws {
        try settle()
        let sec = try member(secretaryID)
        try requireRole(sec, for: .intake)
        try requireNotFinalized()
    }

    /// Signs a change of the signed governance history (member add / rotate / remove, programme
    /// amendment, sanction) as secretary `id` of the store at `root`; `signer` gives the
    /// secretary's signer once the change is known to be allowed. The one implementation behind
    /// `pingshen member …`, `program amend`, `sanction add` (which open no session: only the
    /// governance history is read, and the records only when the change needs the
    /// finalization) and, through the instance method, the UI's roster screen.
    public static func signGovernance(_ change: Governance.Change, store root: String, as id: String,
                                      signer: (Member) throws -> RecordSigner) throws -> StoredRecord {
        let (_, governance) = try Governance.openPanel(root)
        let me = try allowGovernanceChange(change, roster: governance.roster, as: id) { try ReviewSession(root: root).ledger.finalization }
        return try Governance.append(change, layout: StoreLayout(root), as: id, signer: try signer(me)).record
    }

    /// `signGovernance` from an open session (the terminal UI): what the session holds is
    /// checked (brought up to date first when another process changed the store), not the
    /// store read again; then the session takes the change in.
    public func signGovernance(_ change: Governance.Change, as id: String, signer: (Member) throws -> RecordSigner) throws -> StoredRecord {
        try refreshIfChanged()
        try settle()
        let me = try ReviewSession.allowGovernanceChange(change, roster: governance.roster, as: id) { ledger.finalization }
        let record = try Governance.append(change, layout: layout, as: id, signer: try signer(me)).record
        try refreshIfChanged()
        return record
    }

    /// Whether `change` may be signed by `id` now: `id` is on the signed roster, and a change
    /// that would alter a finalized count is refused (`finalization` is asked only then).
    /// Returns `id`'s roster entry. `Governance.append` checks the rest under its lock.
    static func allowGovernanceChange(_ change: Governance.Change, roster: Roster, as id: String,
                                      finalization: () throws -> StoredRecord?) throws -> Member {
        guard let me = roster.member(id) else {
            throw ActionError(zh: "\(id) 不在签名的名单上", en: "\(id) is not on the signed roster")
        }
        // A finalization pins the programme and counts the sheets: neither may change after it
        // (verify reports `finalize-program-changed` / `discard-after-finalize`).
        var changesTheCount = false
        switch change {
        case .amend: changesTheCount = true
        case .remove(_, _, let discard): changesTheCount = discard
        default: break
        }
        if changesTheCount, let fin = try finalization() {
            if case .amend = change {
                throw ActionError(zh: "评审结果已定稿（\(fin.path)），项目定义不能再修订", en: "the ranking is finalized (\(fin.path)); the programme can no longer be amended")
            }
            throw ActionError(zh: "评审结果已定稿（\(fin.path)），不能再决定不计成员的评分表（不带 --discard-sheets 可移除）",
                              en: "the ranking is finalized (\(fin.path)); a member's sheets can no longer be discarded (remove without --discard-sheets)")
        }
        return me
    }

    /// The one OpenSSH public key in FILE (`ssh-ed25519 AAAA… comment`), as a roster entry
    /// holds it; `flag` names where the path came from in errors ("--pubkey").
    public static func readPublicKey(_ path: String, flag: String = "--pubkey") throws -> String {
        guard let text = String(data: try InputFile.read(path, limit: 16 << 10), encoding: .utf8) else {
            throw ActionError(zh: "公钥文件 \(path)（\(flag)）不是 UTF-8 文本", en: "public key file \(path) (\(flag)) is not UTF-8 text")
        }
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("#") }
        guard lines.count == 1, let line = lines.first else {
            throw ActionError(zh: "公钥文件 \(path)（\(flag)）应恰有一把公钥，实有 \(lines.count) 行",
                              en: "public key file \(path) (\(flag)) must hold exactly one key; it has \(lines.count) lines")
        }
        do {
            return try SSHPublicKey(line: line).line
        } catch {
            throw ActionError(zh: "公钥文件 \(path)（\(flag)）：\(error)", en: "public key file \(path) (\(flag)): \(error)")
        }
    }

    /// The formats `listText` writes (PDF is rendered from the HTML by `pingshen export`).
    public static let listFormats = ["md", "csv", "json", "html", "xlsx"]

    /// The list as `export` prints it: data formats as made (CSV and JSON by their own rules,
    /// HTML escapes every field itself: HTMLText); Markdown goes through the terminal's sanitiser.
    public func listText(_ list: PublishedList, format: String, lang: Language) throws -> String {
        let text = try exportList(list, format: format, lang: lang)
        return ["csv", "json", "html"].contains(format) ? text : TerminalText.sanitize(text, keepLineBreaks: true)
    }

    /// The bytes `export --out FILE` and the UI's export screen write: `listText`, ending in a
    /// line end.
    public func listFile(_ list: PublishedList, format: String, lang: Language) throws -> Data {
        if format == "xlsx" { return try exportWorkbook(list, lang: lang) }
        let text = try listText(list, format: format, lang: lang)
        return Data((text.hasSuffix("\n") ? text : text + "\n").utf8)
    }

    /// The UI's export (issue 17): `listFile` to a new file at `path` (never replacing one from
    /// the UI, where a path is typed in passing), durably. Refuses a folder, a missing parent
    /// folder, an existing file and an unknown format, naming the path. Returns the path.
    @discardableResult
    public func writeList(_ list: PublishedList, format: String, lang: Language, to path: String) throws -> String {
        guard ReviewSession.listFormats.contains(format) else {
            throw ActionError(zh: "未知格式 \(format)（md、csv、json、html 或 xlsx）", en: "unknown format \(format) (md, csv, json, html or xlsx)")
        }
        let p = path.trimmingCharacters(in: .whitespaces)
        guard !p.isEmpty else { throw ActionError(zh: "请给出要写入的文件路径", en: "give the path of the file to write") }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: p, isDirectory: &isDir) {
            if isDir.boolValue {
                throw ActionError(zh: "\(p) 是文件夹；请给出文件名（例如 \(p)/名单.\(format)）", en: "\(p) is a folder; give a file name (e.g. \(p)/list.\(format))")
            }
            throw ActionError(zh: "\(p) 已存在，不会覆盖", en: "\(p) exists; not overwriting")
        }
        let parent = (p as NSString).deletingLastPathComponent
        if !parent.isEmpty {
            guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDir), isDir.boolValue else {
                throw ActionError(zh: "文件夹 \(parent) 不存在", en: "the folder \(parent) does not exist")
            }
        }
        let data = try listFile(list, format: format, lang: lang)
        do {
            try DurableFile.write(data, to: p, replace: false)
        } catch DurableFile.Failure.exists {
            throw ActionError(zh: "\(p) 已存在，不会覆盖", en: "\(p) exists; not overwriting")
        } catch let f as DurableFile.Failure {
            throw ActionError(zh: "无法写入 \(p)：\(f)", en: "cannot write \(p): \(f)")
        }
        return p
    }
}
