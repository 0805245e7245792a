import Foundation
import Crypto
import Panel

/// One signed version of a dossier file: what an `intake` or `dossier-amend` record names.
public struct DossierPin: Hashable, Sendable {
    /// Lowercase hex SHA-256 of the file's bytes, and their count.
    public var sha256: String
    public var size: Int
    /// The record that signed this version (records/MEMBER/NNN/NNNNNN.json), its signer, seq and time.
    public var path: String
    public var signer: String
    public var seq: Int
    public var created: String
    /// "intake" or "dossier-amend"
    public var kind: String
    public var reason: String?
}

/// The dossier versions the secretary signed (issue 11 "dossiers pinned"; issue 16 "import is
/// all or nothing"). A dossier file is part of the store only when a signed `intake` or
/// `dossier-amend` record names its id; its last signed version is the one counted, and a file
/// that differs from it is a problem (`dossier-changed`), as is a file no record names
/// (`dossier-unsigned`, ignored by every command) and a signed dossier whose file is gone
/// (`dossier-missing`).
///
/// Which version is last: within one secretary's chain the later record (chain order, not the
/// clock); between two secretaries, the later `created`, then the signer id (the chains are
/// separate, so there is no order between them but the one their signers claim).
public struct DossierPins: Sendable, Hashable {
    /// The body key of score, recusal and eligibility records naming the version judged.
    public static let bodyKey = "dossier_sha256"
    /// The problem kinds of the dossier phase.
    public static let problemKinds: Set<String> = ["dossier-changed", "dossier-unsigned", "dossier-missing", "dossier-set-changed"]

    /// The last signed version of each dossier, by id.
    public private(set) var current: [String: DossierPin] = [:]
    /// Every version ever signed, by id (an older one is a revert, not a stranger).
    public private(set) var signed: [String: Set<String>] = [:]

    public init() {}

    public var isEmpty: Bool { current.isEmpty }

    static func isHash(_ s: String?) -> Bool {
        guard let s, s.utf8.count == 64 else { return false }
        return s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// What is wrong with one pin ({"sha256":HEX,"size":N} or the amend body), nil when sound.
    static func pinProblem(_ o: [String: JSONValue], id: String) -> RecordsError? {
        guard isHash(o["sha256"]?.string) else {
            return RecordsError("材料 \(id) 的 “sha256” 应为 64 位小写十六进制", "dossier \(id): 'sha256' must be 64 lowercase hex digits")
        }
        guard let n = o["size"]?.int, n >= 0 else {
            return RecordsError("材料 \(id) 的 “size” 应为非负整数", "dossier \(id): 'size' must be a non-negative integer")
        }
        return nil
    }

    /// The shape of an intake body: {"dossiers":{ID:{"sha256":HEX,"size":N},…}} (at least one).
    static func intakeProblem(_ body: [String: JSONValue]) -> RecordsError? {
        guard case .object(let list)? = body["dossiers"], !list.isEmpty else {
            return RecordsError("intake 记录需要 “dossiers”（编号 → {sha256, size}）", "an intake record needs 'dossiers' (id → {sha256, size})")
        }
        for (id, v) in list {
            guard FastID.isSafe(id) else { return RecordsError("“dossiers” 中的编号无效 “\(id)”", "'dossiers' holds an invalid id '\(id)'") }
            guard case .object(let o) = v else {
                return RecordsError("材料 \(id) 应为 {sha256, size}", "dossier \(id) must be {sha256, size}")
            }
            if let e = pinProblem(o, id: id) { return e }
        }
        if let s = body["source"], s.string == nil { return RecordsError("“source” 应为字符串", "'source' must be a string") }
        return PromotionEvidence.shapeProblem(body)
    }

    /// The body of an intake record for these files (`source`: the imported file's name).
    public static func intakeBody(_ files: [(id: String, file: DossierFile)], source: String?) -> [String: JSONValue] {
        var list: [String: JSONValue] = [:]
        for f in files { list[f.id] = .object(["sha256": .string(f.file.sha256), "size": .int(Int64(f.file.size))]) }
        var body: [String: JSONValue] = ["dossiers": .object(list)]
        if let source, !source.isEmpty { body["source"] = .string(source) }
        return body
    }

    /// The body of a dossier-amend record.
    public static func amendBody(dossier: String, file: DossierFile, reason: String) -> [String: JSONValue] {
        ["dossier": .string(dossier), "sha256": .string(file.sha256), "size": .int(Int64(file.size)), "reason": .string(reason)]
    }

    /// Takes in a counted record (anything but intake and dossier-amend is passed over).
    public mutating func take(_ r: Record, path: String) {
        switch r.kind {
        case .intake:
            guard case .object(let list)? = r.body["dossiers"] else { return }
            for (id, v) in list {
                guard case .object(let o) = v, let sha = o["sha256"]?.string, let size = o["size"]?.int else { continue }
                add(id, DossierPin(sha256: sha, size: Int(clamping: size), path: path, signer: r.signer, seq: r.seq, created: r.created, kind: r.kind.rawValue))
            }
        case .dossierAmend:
            guard let id = r.body["dossier"]?.string, let sha = r.body["sha256"]?.string, let size = r.body["size"]?.int else { return }
            add(id, DossierPin(sha256: sha, size: Int(clamping: size), path: path, signer: r.signer, seq: r.seq, created: r.created,
                               kind: r.kind.rawValue, reason: r.body["reason"]?.string))
        default:
            return
        }
    }

    mutating func add(_ id: String, _ pin: DossierPin) {
        signed[id, default: []].insert(pin.sha256)
        if let old = current[id], !DossierPins.later(pin, than: old) { return }
        current[id] = pin
    }

    /// The order of the doc comment above: chain order for one signer, else `created`, then signer.
    static func later(_ a: DossierPin, than b: DossierPin) -> Bool {
        if a.signer == b.signer { return a.seq > b.seq }
        if a.created != b.created { return a.created > b.created }
        return a.signer.utf8.lexicographicallyPrecedes(b.signer.utf8) == false
    }

    /// Whether a sheet naming `sha` (nil: none named) judged the current version of `dossier`.
    /// False when the dossier has no signed version at all.
    public func isCurrent(_ dossier: String, sha: String?) -> Bool {
        guard let sha, let pin = current[dossier] else { return false }
        return pin.sha256 == sha
    }

    /// SHA-256 over the signed dossier set: one line "ID SHA256\n" per dossier, ids in code-point
    /// order (what `finalize` pins as `dossier_set`).
    public var setHash: String {
        var h = SHA256()
        for id in current.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            h.update(data: Data((id + " " + current[id]!.sha256 + "\n").utf8))
        }
        return Hex.encode(h.finalize())
    }

    /// The problems of the dossier files found (`files`, by id) against the signed versions.
    public func problems(files: [String: DossierFile], language lang: Language) -> [Problem] {
        var out: [Problem] = []
        for id in Set(files.keys).union(current.keys).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let path = "dossiers/" + id + ".yaml"
            switch (files[id], current[id]) {
            case let (file?, pin?) where file.sha256 != pin.sha256:
                let older = signed[id]?.contains(file.sha256) == true
                out.append(Problem(path: path, kind: "dossier-changed", message: older
                    ? lang.pick("材料文件是较早签署的版本，而不是 \(pin.path) 签署的最新版本（被回退？）",
                                "the file is an older signed version, not the last one, signed by \(pin.path) (reverted?)")
                    : lang.pick("材料文件与 \(pin.path) 签署的版本不同（SHA-256 \(file.sha256.prefix(12))…，签署的是 \(pin.sha256.prefix(12))…）；修改材料请用 `pingshen dossier amend`",
                                "the file differs from the version signed by \(pin.path) (SHA-256 \(file.sha256.prefix(12))…, signed \(pin.sha256.prefix(12))…); change a dossier with `pingshen dossier amend`")))
            case (_?, nil):
                out.append(Problem(path: path, kind: "dossier-unsigned", message:
                    lang.pick("没有任何签署的导入（intake）或修改（dossier-amend）记录载明此材料：不计入，各命令均忽略",
                              "no signed intake or dossier-amend record names this file: it is ignored by every command")))
            case (nil, let pin?):
                out.append(Problem(path: path, kind: "dossier-missing", message:
                    lang.pick("\(pin.path) 签署的材料文件不见了（被删除？）", "the dossier file signed by \(pin.path) is gone (deleted?)")))
            default:
                break
            }
        }
        return out
    }
}

extension DossierPins {
    /// The binary form kept in the ledger snapshot (derived data).
    public func encode(into w: inout ByteWriter) {
        let ids = Set(current.keys).union(signed.keys).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        w.varint(UInt64(ids.count))
        for id in ids {
            w.string(id)
            if let p = current[id] {
                w.byte(1)
                w.string(p.sha256); w.varint(UInt64(max(0, p.size))); w.string(p.path); w.string(p.signer)
                w.varint(UInt64(max(0, p.seq))); w.string(p.created); w.string(p.kind); w.optionalString(p.reason)
            } else {
                w.byte(0)
            }
            let versions = (signed[id] ?? []).sorted()
            w.varint(UInt64(versions.count))
            for v in versions { w.string(v) }
        }
    }

    /// What `encode` wrote; nil when malformed.
    public static func decode(_ r: inout ByteReader) -> DossierPins? {
        guard let n = r.varint(), n < 1 << 24 else { return nil }
        var pins = DossierPins()
        for _ in 0..<n {
            guard let id = r.string(), let has = r.byte() else { return nil }
            if has == 1 {
                guard let sha = r.string(), let size = r.varint(), size < 1 << 62, let path = r.string(), let signer = r.string(),
                      let seq = r.varint(), seq < 1 << 31, let created = r.string(), let kind = r.string(), let reason = r.optionalString() else { return nil }
                pins.current[id] = DossierPin(sha256: sha, size: Int(size), path: path, signer: signer, seq: Int(seq), created: created,
                                              kind: kind, reason: reason)
            } else if has != 0 {
                return nil
            }
            guard let m = r.varint(), m < 1 << 24 else { return nil }
            var set: Set<String> = []
            for _ in 0..<m { guard let v = r.string() else { return nil }; set.insert(v) }
            pins.signed[id] = set
        }
        return pins
    }
}

extension DossierPins {
    /// A finalization whose `dossier_set` is not the signed dossier set of now: a dossier was
    /// imported or amended after it (the CLI refuses both), or an intake/amendment was removed.
    public func finalizationProblem(_ r: Record, path: String, language lang: Language) -> Problem? {
        guard let set = r.body["dossier_set"]?.string, set != setHash else { return nil }
        return Problem(path: path, kind: "dossier-set-changed", message:
            lang.pick("定稿所固定的申报材料集（dossier_set）与现在签署的材料集不同", "the dossier set the finalization pinned (dossier_set) differs from the signed dossiers of now"))
    }

    /// The dossier files in `dir` (every NAME.yaml not starting with "."), hashed, by id.
    public static func files(in dir: String) -> [String: DossierFile] {
        var out: [String: DossierFile] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where name.hasSuffix(".yaml") && !name.hasPrefix(".") {
            if let bytes = FileManager.default.contents(atPath: dir + "/" + name) { out[String(name.dropLast(5))] = DossierFile(bytes: bytes) }
        }
        return out
    }
}

extension Verifier {
    /// `pingshen verify`: the records (every one read and checked; with `cached`, through the
    /// store index), then the dossier phase: every dossier file against its last signed version
    /// (`DossierPins`), and the latest finalization's `dossier_set` against the signed set. First
    /// cleans up after an import or amendment that was killed (`DossierStaging.recover`), as
    /// every command does.
    ///
    /// A full verify never reads the store index, but writes it anew from what it checked
    /// (issue 17: a `rank` or UI open right after a `verify` re-verified every signature, 1.3×
    /// the verify's own time; now it takes the index and stats the files). Without a cache home
    /// (no per-user secret to seal the index), it checks the same and writes nothing.
    public static func verifyStore(layout: StoreLayout, threads: Int = defaultThreads(), language: Language = RecordsError.currentLanguage,
                                   cached: Bool = false, cacheSecret: String? = nil, racy: Int64? = nil) throws -> VerifyReport {
        var kept: [(record: Record, path: String)] = []
        var report: VerifyReport
        // Groups and assignment (issue 13): the records they concern, and every score and recusal.
        var grouping = AssignmentChecks()
        func keep(_ s: RecordSummary) {
            if case .whole(let r, _) = s.content, r.kind == .intake || r.kind == .dossierAmend || r.kind == .finalize || r.kind == .attachment { kept.append((r, s.path)) }
            grouping.note(s)
        }
        if cached {
            report = try forEachCountedSummary(layout: layout, threads: threads, language: language, cacheSecret: cacheSecret, keep)
        } else if VerifyCache.secret(at: cacheSecret ?? VerifyCache.defaultSecretPath()) != nil {
            report = try countedSummaries(layout: layout, threads: threads, language: language, cacheSecret: cacheSecret,
                                          racy: racy ?? StoreIndex.racyNanos, rebuild: true, keep).report
        } else {
            report = try forEachVerifiedRecord(layout: layout, threads: threads, language: language) { s in
                let k = s.record.kind
                if k == .intake || k == .dossierAmend || k == .finalize || k == .attachment { kept.append((s.record, s.path)) }
                grouping.note(s.record, path: s.path, sha: s.sha256)
            }
            let bad = Set(report.problems.map(\.path))
            kept.removeAll { bad.contains($0.path) }
            grouping.forget(bad)
        }
        var pins = DossierPins()
        for k in kept { pins.take(k.record, path: k.path) }
        let recovery = DossierStaging.recover(layout) { pins.current[$0]?.sha256 }
        var files = DossierPins.files(in: layout.dossiersDir)
        for id in recovery.inProgress where pins.current[id] == nil { files[id] = nil }
        report.problems += pins.problems(files: files, language: language)
        // Promotions (issue 12): the source's signed records carried as evidence.
        report.problems += PromotionEvidence.problems(intakes: kept.map { ($0.record, $0.path) }, layout: layout, pins: pins,
                                                      files: files, language: language)
        // Attachments (issue 15): every file in dossiers/ID/ against its signed pin.
        var attachments = AttachmentPins()
        for k in kept where k.record.kind == .attachment { attachments.take(k.record, path: k.path) }
        report.problems += attachments.problems(layout: layout, language: language)
        // The latest finalization, in its chair's chain order (then `created` between chairs).
        let finals = kept.filter { $0.record.kind == .finalize }
        if let last = finals.max(by: { a, b in
            a.record.signer == b.record.signer ? a.record.seq < b.record.seq : a.record.created < b.record.created
        }), let p = pins.finalizationProblem(last.record, path: last.path, language: language) {
            report.problems.append(p)
        }
        report.problems += grouping.problems(layout: layout, language: language)
        report.ok = report.problems.isEmpty
        return report
    }
}
