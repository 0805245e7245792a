import Foundation
import Crypto
import Panel
import Records
import Scoring

/// Dossiers as signed history (issue 11 "dossiers pinned", issue 16 "import is all or nothing"):
/// `import` signs an `intake` record naming every new dossier with its file's SHA-256 and size,
/// written last (the commit point, see `DossierStaging`); `dossier amend` signs a
/// `dossier-amend` record with the new version and a reason before it replaces the file.
/// Dossier files no signed record names are not part of the store (`applyPins`).
extension ReviewSession {
    /// Imports FILE as the secretary `secretaryID`, all or nothing. Returns the dossiers
    /// imported and how many were already there unchanged (a re-import).
    public func importDossiers(path: String, encoding: DossierImport.Encoding = .auto, sheet: String? = nil, as secretaryID: String,
                               signer: RecordSigner) throws -> (imported: [Dossier], unchanged: Int) {
        try settle()
        let sec = try member(secretaryID)
        try requireRole(sec, for: .intake)
        try requireSigner(signer, is: sec)
        try requireNotFinalized()
        let read = try readImport(path: path, encoding: encoding, sheet: sheet)
        guard !read.new.isEmpty else { return ([], read.unchanged.count) }
        return (try publishDossiers(read.new, source: path, as: secretaryID, signer: signer), read.unchanged.count)
    }

    /// Stages `dossiers`, links them in and signs their intake record last (see `DossierStaging`).
    @discardableResult
    /// `extra`: more keys of the intake body (a promotion's `promotion` section).
    public func publishDossiers(_ dossiers: [Dossier], source: String, extra: [String: JSONValue] = [:], as secretaryID: String,
                                signer: RecordSigner) throws -> [Dossier] {
        try settle()
        let sec = try member(secretaryID)
        try requireRole(sec, for: .intake)
        try requireSigner(signer, is: sec)
        try requireNotFinalized()
        let name = (source as NSString).lastPathComponent
        // The files are in place once `publish` calls back: the panel takes them in as written
        // (their bytes and hashes are the ones the record signs), then the record is signed.
        return try DossierImport.publish(dossiers, into: layout, source: source) { files in
            let written = zip(dossiers, files).map { (dossier: $0, file: $1.file) }
            _ = try withCreatedDossiers(written) {
                try append(kind: .intake, body: DossierPins.intakeBody(files, source: name).merging(extra) { a, _ in a }, as: secretaryID, signer: signer)
            }
        }
    }

    /// Replaces dossier `id` with the one in FILE (a dossier file as the store keeps it, `id:`
    /// and `fields:`, or an import list with this one dossier), signing a `dossier-amend` record
    /// with its SHA-256 and `reason` first. Sheets made on the older version are then flagged.
    @discardableResult
    public func amendDossier(_ id: String, file path: String, reason: String, as secretaryID: String,
                             signer: RecordSigner) throws -> DossierPin {
        try settle()
        let sec = try member(secretaryID)
        try requireRole(sec, for: .dossierAmend)
        try requireSigner(signer, is: sec)
        try requireNotFinalized()
        _ = try requireDossier(id)
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ActionError(zh: "修改材料需要写明理由（--reason）", en: "an amendment needs a reason (--reason)")
        }
        let d = try ReviewSession.readOneDossier(path: path, program: program)
        guard d.id == id else {
            throw ActionError(zh: "\(path) 中的编号是 \(d.id)，不是 \(id)", en: "\(path) holds dossier \(d.id), not \(id)")
        }
        let bytes = Data(try DossierImport.yaml(d).utf8)
        let file = DossierFile(bytes: bytes)
        if ledger.pins.current[id]?.sha256 == file.sha256 {
            throw ActionError(zh: "\(id) 的内容没有变化", en: "\(id) is unchanged")
        }
        let staging = try DossierStaging([d], layout: layout, kind: "amend")
        do {
            try append(kind: .dossierAmend, body: DossierPins.amendBody(dossier: id, file: file, reason: reason), as: secretaryID, signer: signer)
        } catch {
            staging.abandon()
            throw error
        }
        // Signed: from here a kill is rolled forward by the next command.
        try staging.replace()
        staging.finish()
        try reloadPanel()
        guard let pin = ledger.pins.current[id] else {
            throw ActionError(zh: "\(id) 的修改记录未能读回", en: "the amendment of \(id) could not be read back")
        }
        return pin
    }

    static func readOneDossier(path: String, program: Program) throws -> Dossier {
        if let d = try? YAMLFile.decode(Dossier.self, path: path) { return Dossier(id: d.id, fields: d.fields) }
        let list = try DossierImport.read(path: path, program: program)
        guard list.count == 1 else {
            throw ActionError(zh: "\(path) 应只含一份材料（有 \(list.count) 份）", en: "\(path) should hold exactly one dossier (it holds \(list.count))")
        }
        return list[0]
    }

    func requireSigner(_ signer: RecordSigner, is m: Member) throws {
        guard let key = try? SSHPublicKey(line: m.key), key.raw == signer.publicKey.raw else {
            throw ActionError(zh: "签名密钥不是名册上 \(m.id) 的密钥", en: "the signing key is not \(m.id)'s key on the roster")
        }
    }

    func requireNotFinalized() throws {
        if ledger.finalization != nil {
            throw ActionError(zh: "评审结果已定稿，申报材料不能再导入或修改", en: "the ranking is finalized; dossiers can no longer be imported or amended")
        }
    }

    // MARK: - What a finalization pins (issue 11)

    /// The body keys `finalize` adds, all from the signed governance history as of the head
    /// the finalization is made under (never from the view files, which a hand edit could
    /// change): `program_sha256` (the signed programme text, `Governance.State.programText`),
    /// `roster_sha256` (the roster's canonical rendering, `Governance.State.rosterSHA256`),
    /// `dossier_set` (`DossierPins.setHash`: every dossier id with its signed version) and
    /// `gov` (the governance head). `verify` checks them against the history at that head.
    func finalizePins() throws -> [String: JSONValue] {
        if !dossierProblems.isEmpty {
            throw ActionError(zh: "申报材料有 \(dossierProblems.count) 个问题（见 `pingshen verify`），不能定稿",
                              en: "the dossiers have \(dossierProblems.count) problems (see `pingshen verify`); not finalizing")
        }
        let st = governance
        guard st.genesis != nil, let head = st.chain.indices.last else {
            throw ActionError(zh: "没有有效的创始记录，不能定稿", en: "no valid genesis record; not finalizing")
        }
        return [
            "program_sha256": .string(Record.sha256Hex(Data(st.programText.utf8))),
            "roster_sha256": .string(st.rosterSHA256(at: head)),
            "dossier_set": .string(ledger.pins.setHash),
            "gov": .string(st.head),
        ]
    }

    // MARK: - The public notice's proofs (issue 11)

    /// What the public notice prints under the list: the store fingerprint (once the store has
    /// a genesis record), the Merkle root and record count of the finalization, its pins, and,
    /// where the programme publishes its panel (program.yaml `publish_panel: true`), every
    /// member's name with their key fingerprint as `ssh-keygen -l` prints it.
    public func noticeProofs(lang: Language) -> [(label: String, value: String)] {
        var out: [(String, String)] = []
        if let fp = governance.fingerprint { out.append((lang.pick("评审库指纹", "Store fingerprint"), fp)) }
        if let fin = ledger.finalization {
            if let root = fin.record.body["merkle_root"]?.string { out.append((lang.pick("计入记录的 Merkle 根", "Merkle root of counted records"), root)) }
            out.append((lang.pick("定稿记录", "Finalization record"), fin.path + " (SHA-256 " + fin.sha256 + ")"))
            if let set = fin.record.body["dossier_set"]?.string { out.append((lang.pick("申报材料集", "Dossier set"), set)) }
        }
        if program.publishPanel == true {
            for m in panel.roster.members where m.role == .member || m.role == .chair {
                let fp = (try? SSHPublicKey(line: m.key).fingerprint) ?? "?"
                out.append((lang.pick("评审专家", "Panel member"), m.name + " " + fp))
            }
        }
        return out
    }
}

/// The store's identity (issue 11), from the signed governance history: the fingerprint is
/// the SHA-256 of its genesis record, and the governance head the hash of its latest
/// governance record. Both are nil when the store has no valid genesis record (or cannot be read).
public enum StoreIdentity {
    public static func fingerprint(_ layout: StoreLayout) -> String? { (try? Governance.load(layout))?.fingerprint }
    public static func governanceHead(_ layout: StoreLayout) -> String? {
        guard let st = try? Governance.load(layout), st.genesis != nil else { return nil }
        return st.head
    }
}
