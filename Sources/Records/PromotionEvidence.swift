import Foundation
import Crypto
import Panel

/// What a promoted dossier carries from the level below (issue 12, seed 001 "建立工匠人才逐级晋升
/// 制度"): the source store's signed finalization and approval, its governance chain (which gives
/// the keys and roles they are checked against, and whose genesis hash is the source's store
/// fingerprint), the set of dossier versions the finalization pinned, and each promoted dossier's
/// file as the source signed it. `promote` copies these into `evidence/NAMESPACE/` of the target
/// store, laid out as a store of their own (records/MEMBER/NNN/NNNNNN.json with its .sig,
/// dossiers/ID.yaml, dossier_set.txt), and the target's intake record pins every one of them by
/// SHA-256 in its `promotion` section. `verify` then checks:
///
/// - every pinned file is there with the pinned bytes, and nothing else is in the folder;
/// - the governance chain replays without a problem to the fingerprint the intake names;
/// - the finalization and each approval are signed by a key the chain gives their signer at
///   their seq, by a role that may sign that kind (`KindPolicy`), of the source's programme;
///   each approval names that finalization, and lists every dossier promoted;
/// - dossier_set.txt hashes to the finalization's `dossier_set`, and each source dossier file
///   is the version it names (a dossier edited after the district finalized does not match);
/// - each promoted dossier, as the intake signed it, is the source's fields plus the provenance
///   fields, whose values are the intake's.
///
/// What it defends against: a district secretary fabricating an approval (no approver's key), a
/// forged or edited record (the signature), an edited dossier (the pinned dossier set), evidence
/// swapped after the intake (the intake's pins), provenance fields typed by hand.
public enum PromotionEvidence {
    /// The folder of evidence in a target store, one subfolder per promotion namespace.
    public static let dir = "evidence"
    public static let dossierSetFile = "dossier_set.txt"
    /// The intake body key.
    public static let bodyKey = "promotion"
    public static let problemKinds: Set<String> = ["evidence-missing", "evidence-changed", "evidence-forged", "evidence-mismatch"]
    /// The dossier fields a promotion adds (the source's own fields are kept as they are).
    public static let provenanceFields = ["recommending_level", "promoted_from", "promoted_from_id", "promotion_fingerprint",
                                          "promotion_approval", "promotion_rank", "source_channel"]

    /// The `promotion` section of an intake body.
    public struct Section: Sendable, Hashable {
        public var namespace: String
        public var sourceProgram: String
        public var sourceInstance: String
        public var sourceFingerprint: String
        public var finalize: String
        public var approvals: [String]
        /// Path relative to evidence/NAMESPACE → SHA-256.
        public var evidence: [String: String]
        /// Target dossier id → source dossier id.
        public var dossiers: [String: String]

        public init(namespace: String, sourceProgram: String, sourceInstance: String, sourceFingerprint: String, finalize: String,
                    approvals: [String], evidence: [String: String], dossiers: [String: String]) {
            self.namespace = namespace; self.sourceProgram = sourceProgram; self.sourceInstance = sourceInstance
            self.sourceFingerprint = sourceFingerprint; self.finalize = finalize; self.approvals = approvals
            self.evidence = evidence; self.dossiers = dossiers
        }

        public var json: JSONValue {
            .object([
                "namespace": .string(namespace), "source_program": .string(sourceProgram), "source_instance": .string(sourceInstance),
                "source_fingerprint": .string(sourceFingerprint), "finalize": .string(finalize),
                "approvals": .array(approvals.map(JSONValue.string)),
                "evidence": .object(evidence.mapValues(JSONValue.string)),
                "dossiers": .object(dossiers.mapValues(JSONValue.string)),
            ])
        }

        public init?(_ v: JSONValue?) {
            guard let o = v?.object, let ns = o["namespace"]?.string, let sp = o["source_program"]?.string,
                  let si = o["source_instance"]?.string, let fp = o["source_fingerprint"]?.string, let fin = o["finalize"]?.string,
                  let ap = o["approvals"]?.array, let ev = o["evidence"]?.object, let ds = o["dossiers"]?.object else { return nil }
            let approvals = ap.compactMap(\.string)
            var evidence: [String: String] = [:], dossiers: [String: String] = [:]
            for (k, v) in ev { guard let s = v.string else { return nil }; evidence[k] = s }
            for (k, v) in ds { guard let s = v.string else { return nil }; dossiers[k] = s }
            guard approvals.count == ap.count else { return nil }
            self.init(namespace: ns, sourceProgram: sp, sourceInstance: si, sourceFingerprint: fp, finalize: fin,
                      approvals: approvals, evidence: evidence, dossiers: dossiers)
        }
    }

    /// A relative path of the evidence folder: components that are each a usable id (no "..",
    /// nothing hidden, no separator inside), at most four deep.
    static func isSafePath(_ p: String) -> Bool {
        let parts = p.split(separator: "/", omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.count <= 4 && parts.allSatisfy { Identifier.isValid(String($0)) }
    }

    /// The shape of an intake body's `promotion` section (nil: absent or sound).
    static func shapeProblem(_ body: [String: JSONValue]) -> RecordsError? {
        guard let v = body[bodyKey] else { return nil }
        guard let s = Section(v) else {
            return RecordsError("intake 记录的 “promotion” 不完整（namespace、source_*、finalize、approvals、evidence、dossiers）",
                                "the intake's 'promotion' is incomplete (namespace, source_*, finalize, approvals, evidence, dossiers)")
        }
        guard Identifier.isValid(s.namespace) else { return RecordsError("“promotion.namespace” 不是有效的编号", "'promotion.namespace' is not a valid id") }
        for h in [s.sourceFingerprint, s.finalize] + s.approvals + Array(s.evidence.values) where !DossierPins.isHash(h) {
            return RecordsError("“promotion” 中的哈希应为 64 位小写十六进制", "the hashes of 'promotion' must be 64 lowercase hex digits")
        }
        for p in s.evidence.keys where !isSafePath(p) {
            return RecordsError("“promotion.evidence” 中的路径无效 “\(p)”", "'promotion.evidence' holds an invalid path '\(p)'")
        }
        for (t, src) in s.dossiers where !Identifier.isValid(t) || !Identifier.isValid(src) {
            return RecordsError("“promotion.dossiers” 中的编号无效", "'promotion.dossiers' holds an invalid id")
        }
        return nil
    }

    // MARK: - Checking

    /// The problems of one promotion, named by the intake record at `path` (relative to the
    /// store root). `pins`/`files`: the target's signed dossier versions and its files now.
    public static func problems(intake body: [String: JSONValue], path: String, layout: StoreLayout, pins: DossierPins, files: [String: DossierFile],
                                language lang: Language) -> [Problem] {
        guard let s = Section(body[bodyKey]) else { return [] }
        let base = dir + "/" + s.namespace
        let root = layout.root + "/" + base
        var out: [Problem] = []
        func problem(_ at: String, _ kind: String, _ zh: String, _ en: String) {
            out.append(Problem(path: at, kind: kind, message: lang.pick(zh, en)))
        }
        // 1. The pinned files, and nothing else.
        var bytes: [String: Data] = [:]
        for rel in s.evidence.keys.sorted() {
            guard isSafePath(rel), let d = Verifier.readFile(root + "/" + rel) else {
                problem(base + "/" + rel, "evidence-missing", "\(path) 载明的晋升证据文件不见了（被删除？）",
                        "the promotion evidence file named by \(path) is gone (deleted?)")
                continue
            }
            if Record.sha256Hex(d) != s.evidence[rel] {
                problem(base + "/" + rel, "evidence-changed", "晋升证据文件与 \(path) 签署的版本不同（被修改？）",
                        "the promotion evidence file differs from the version \(path) signed (edited?)")
                continue
            }
            bytes[rel] = d
        }
        for rel in listFiles(root) where s.evidence[rel] == nil {
            problem(base + "/" + rel, "evidence-changed", "晋升证据目录中有 \(path) 未载明的文件（被加入？）",
                    "a file in the promotion evidence folder that \(path) does not name (added?)")
        }
        guard out.isEmpty else { return out }

        // 2. The source's governance, replayed from the evidence alone.
        let st: Governance.State
        do { st = try Governance.load(StoreLayout(root), language: lang) } catch {
            problem(base, "evidence-forged", "无法读取来源评审库的治理记录：\(error)", "cannot read the source store's governance records: \(error)")
            return out
        }
        if let first = st.problems.first {
            problem(base + "/" + first.path, "evidence-forged", "来源评审库的治理链有问题：\(first.message)",
                    "the source store's governance chain has a problem: \(first.message)")
            return out
        }
        guard st.fingerprint == s.sourceFingerprint else {
            problem(base, "evidence-mismatch", "来源评审库的指纹为 \(st.fingerprint ?? "（无）")，\(path) 载明的是 \(s.sourceFingerprint)",
                    "the source store's fingerprint is \(st.fingerprint ?? "(none)"), \(path) names \(s.sourceFingerprint)")
            return out
        }
        guard st.instance == s.sourceInstance, st.program?.id == s.sourceProgram else {
            problem(base, "evidence-mismatch", "来源评审库是 \(st.program?.id ?? "?")（\(st.instance ?? "?")），\(path) 载明的是 \(s.sourceProgram)（\(s.sourceInstance)）",
                    "the source store is \(st.program?.id ?? "?") (\(st.instance ?? "?")), \(path) names \(s.sourceProgram) (\(s.sourceInstance))")
            return out
        }

        // 3. The finalization and the approvals: signed by whom the chain says may sign them.
        var byHash: [String: (rel: String, record: Record, bytes: Data)] = [:]
        for (rel, d) in bytes where rel.hasPrefix("records/") && rel.hasSuffix(".json") {
            if let rec = Record.fast(d) ?? (try? Record(bytes: d)) { byHash[Record.sha256Hex(d)] = (rel, rec, d) }
        }
        func signed(_ sha: String, _ kind: RecordKind) -> Record? {
            guard let e = byHash[sha], e.record.kind == kind else {
                problem(base, "evidence-missing", "证据中没有 \(path) 载明的 \(kind.rawValue) 记录（SHA-256 \(sha.prefix(12))…）",
                        "the evidence holds no \(kind.rawValue) record with the SHA-256 \(path) names (\(sha.prefix(12))…)")
                return nil
            }
            let at = base + "/" + e.rel
            let rec = e.record
            guard let f = st.members[rec.signer], KindPolicy.allowed(kind, role: f.entry.role), rec.seq <= (f.lastSeq ?? Int.max) else {
                let role = st.members[rec.signer]?.entry.role.rawValue ?? "?"
                problem(at, "evidence-forged", "\(kind.rawValue) 记录由 “\(rec.signer)”（\(role)）签署，来源评审库中此角色无权签署（伪造？）",
                        "the \(kind.rawValue) record is signed by '\(rec.signer)' (\(role)), a role that may not sign it in the source store (forged?)")
                return nil
            }
            guard let key = Governance.signatureKey(bytes[e.rel + ".sig"], message: e.bytes), key == f.key(at: rec.seq) else {
                problem(at, "evidence-forged", "\(kind.rawValue) 记录的签名无效，或不是 “\(rec.signer)” 在序号 \(rec.seq) 时的密钥（伪造？）",
                        "the \(kind.rawValue) record's signature is not valid, or not by '\(rec.signer)''s key at seq \(rec.seq) (forged?)")
                return nil
            }
            guard rec.program == st.instance else {
                problem(at, "evidence-forged", "\(kind.rawValue) 记录属于评审 “\(rec.program)”，不是来源评审 “\(s.sourceInstance)”",
                        "the \(kind.rawValue) record belongs to '\(rec.program)', not the source '\(s.sourceInstance)'")
                return nil
            }
            return rec
        }
        guard let fin = signed(s.finalize, .finalize) else { return out }
        guard !s.approvals.isEmpty else {
            problem(path, "evidence-missing", "晋升没有审定记录", "the promotion carries no approval record")
            return out
        }
        var approvals: [Record] = []
        for a in s.approvals {
            guard let rec = signed(a, .approval) else { return out }
            guard rec.body["finalize"]?.string == s.finalize else {
                problem(base + "/" + (byHash[a]?.rel ?? ""), "evidence-mismatch", "审定记录指向的不是所附的定稿记录",
                        "the approval does not name the finalization carried with it")
                return out
            }
            approvals.append(rec)
        }

        // 4. The dossier set the finalization pinned, and each source dossier's version in it.
        guard let setBytes = bytes[dossierSetFile], Record.sha256Hex(setBytes) == fin.body["dossier_set"]?.string else {
            problem(base + "/" + dossierSetFile, "evidence-mismatch", "\(dossierSetFile) 与定稿记录固定的申报材料集（dossier_set）不符",
                    "\(dossierSetFile) does not hash to the dossier set the finalization pinned (dossier_set)")
            return out
        }
        var versions: [String: String] = [:]
        for line in String(decoding: setBytes, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { versions[String(parts[0])] = String(parts[1]) }
        }
        for (target, source) in s.dossiers.sorted(by: { $0.key < $1.key }) {
            let rel = "dossiers/" + source + ".yaml"
            for a in approvals where !(a.body["selected"]?.array ?? []).contains(where: { $0.string == source }) {
                problem("dossiers/" + target + ".yaml", "evidence-mismatch", "来源审定名单（\(a.signer) 签署）中没有 \(source)",
                        "\(source) is not on the source's approved list (signed by \(a.signer))")
            }
            guard let srcBytes = bytes[rel], let v = versions[source], Record.sha256Hex(srcBytes) == v else {
                problem(base + "/" + rel, "evidence-mismatch", "来源材料 \(source) 不是来源定稿时签署的版本（定稿后被修改？）",
                        "the source dossier \(source) is not the version the source finalized (edited after finalization?)")
                continue
            }
            // The promoted dossier as the intake signed it (an amendment since is its own signed record).
            guard let pinned = body["dossiers"]?.object?[target]?["sha256"]?.string, pins.current[target]?.sha256 == pinned,
                  files[target]?.sha256 == pinned else { continue }
            guard let targetBytes = Verifier.readFile(layout.dossierFile(target)),
                  let src = try? YAMLFile.decode(Dossier.self, text: String(decoding: srcBytes, as: UTF8.self), path: rel),
                  let dst = try? YAMLFile.decode(Dossier.self, text: String(decoding: targetBytes, as: UTF8.self), path: target) else {
                problem("dossiers/" + target + ".yaml", "evidence-mismatch", "无法读取晋升材料或其来源材料", "cannot read the promoted dossier or its source")
                continue
            }
            if let e = fieldMismatch(source: src, promoted: dst, section: s, sourceID: source) {
                problem("dossiers/" + target + ".yaml", "evidence-mismatch", e.zh, e.en)
            }
        }
        return out
    }

    /// Where the promoted dossier departs from its source plus the provenance the intake signed.
    static func fieldMismatch(source: Dossier, promoted: Dossier, section s: Section, sourceID: String) -> RecordsError? {
        let expected: [(String, String)] = [("promoted_from", s.sourceInstance), ("promoted_from_id", sourceID),
                                            ("promotion_fingerprint", s.sourceFingerprint), ("promotion_approval", s.approvals.first ?? "")]
        for (k, v) in expected where promoted.fields[k] != v {
            return RecordsError("出处字段 \(k) 为 “\(promoted.fields[k] ?? "")”，导入记录载明的是 “\(v)”",
                                "provenance field \(k) says '\(promoted.fields[k] ?? "")', the intake names '\(v)'")
        }
        for (k, v) in source.fields.sorted(by: { $0.key < $1.key }) where k != "id" && !provenanceFields.contains(k) {
            let kept = promoted.fields[k] == v || (k == "channel" && promoted.fields["source_channel"] == v)
            if !kept {
                return RecordsError("字段 \(k) 与来源评审库签署的材料不同（来源：“\(v)”）", "field \(k) differs from the dossier the source store signed (source: '\(v)')")
            }
        }
        for k in promoted.fields.keys.sorted() where k != "id" && source.fields[k] == nil && !provenanceFields.contains(k) && k != "channel" {
            return RecordsError("字段 \(k) 是来源材料没有的", "field \(k) is not in the source dossier")
        }
        return nil
    }

    /// Every regular file below `root`, as paths relative to it (at most four levels).
    static func listFiles(_ root: String) -> [String] {
        var out: [String] = []
        func walk(_ rel: String, depth: Int) {
            guard depth < 5 else { return }
            let here = rel.isEmpty ? root : root + "/" + rel
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: here)) ?? []).sorted() {
                let sub = rel.isEmpty ? name : rel + "/" + name
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: root + "/" + sub, isDirectory: &isDir) else { out.append(sub); continue }
                if isDir.boolValue { walk(sub, depth: depth + 1) } else { out.append(sub) }
            }
        }
        walk("", depth: 0)
        return out
    }

    /// The problems of every promotion among `intakes` (intake records with their paths).
    public static func problems(intakes: [(record: Record, path: String)], layout: StoreLayout, pins: DossierPins,
                                files: [String: DossierFile], language lang: Language) -> [Problem] {
        intakes.filter { $0.record.kind == .intake && $0.record.body[bodyKey] != nil }
            .flatMap { problems(intake: $0.record.body, path: $0.path, layout: layout, pins: pins, files: files, language: lang) }
    }

    /// dossier_set.txt: one line "ID SHA256\n" per dossier, ids in code-point order — the text
    /// whose SHA-256 is `DossierPins.setHash`.
    public static func dossierSetText(_ pins: DossierPins) -> String {
        pins.current.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            .map { $0 + " " + (pins.current[$0]?.sha256 ?? "") + "\n" }.joined()
    }
}
