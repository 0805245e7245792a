import Foundation
import Panel
import Records

/// Promotion between levels (逐级推荐, issue 12): seed 001 "建立工匠人才逐级晋升制度，搭建市、区
/// （产业）等多级多层推荐体系"; seed 000 三（三） "由各区县局（产业）工会经筛选、审核后向市总工会申报
/// 推荐"; seed 004 二 "择优推荐申报上海市首席技师资助项目".
extension ReviewSession {
    /// What a promotion did.
    public struct Promotion: Sendable {
        /// The dossiers as the target store now holds them (namespaced ids).
        public var dossiers: [Dossier]
        /// The namespace of their ids and of the evidence folder (QP2018).
        public var namespace: String
        /// The source store's fingerprint, pinned in the target's intake record.
        public var sourceFingerprint: String
        /// Who signed the source's approval (member id, name, unit), for the target's secretary to see.
        public var approvers: [String]
    }

    /// The source's signed approval records that the promotion carries (the approval the
    /// ledger counts).
    var promotionApprovals: [StoredRecord] { currentApprovals() }

    /// Nominates this store's approved list to the higher-level programme of the store at
    /// `target`, all or nothing, as the intake of its secretary `secretaryID` (`signer` gives
    /// their signer once the target's roster is read). Refused unless the target's programme
    /// names this store's programme among its `feeds`, the target is still open (not finalized,
    /// not approved), this store is approved and has no problem, and — when `fingerprint` is
    /// given (the one the source's public notice printed) — this store is that one.
    ///
    /// Each promoted dossier keeps every field it had (its 推荐单位 included), takes the id
    /// PREFIX+YEAR-ID (the feed's prefix and this programme's year) and gains the provenance
    /// fields (`PromotionEvidence.provenanceFields`): recommending_level (this programme's
    /// organiser, the level that recommends it), promoted_from, promoted_from_id,
    /// promotion_fingerprint, promotion_approval, promotion_rank, and source_channel when the
    /// feed sets the channel. The signed evidence goes to the target's evidence/NAMESPACE/ and
    /// is checked, exactly as the target's `verify` will check it, before the intake is signed.
    /// `sourceLabel`: what the intake names as its source (default: this store's folder name;
    /// a promotion from a fetched district history names the remote and the commit).
    public func promote(to target: String, as secretaryID: String, fingerprint expected: String? = nil, sourceLabel: String? = nil,
                        signer: (Member) throws -> RecordSigner) throws -> Promotion {
        try settle()
        // The target: a programme this one feeds, still open.
        let city = try ReviewSession(root: target)
        try city.settle()
        let here = "\(program.id)（\(program.title.zh)）", hereEn = "\(program.id) (\(program.title.en))"
        let there = "\(city.program.id)（\(city.program.title.zh)）", thereEn = "\(city.program.id) (\(city.program.title.en))"
        guard let feed = city.program.feed(from: program.id) else {
            let accepted = (city.program.feeds ?? []).map(\.program)
            throw ActionError(zh: "\(there) 不接受 \(here) 的推荐；它接受的来源：\(accepted.isEmpty ? "无" : accepted.joined(separator: "、"))（目标项目的 feeds）",
                              en: "\(thereEn) does not take promotions from \(hereEn); the sources it takes: \(accepted.isEmpty ? "none" : accepted.joined(separator: ", ")) (the target programme's feeds)")
        }
        if city.ledger.approval != nil {
            throw ActionError(zh: "目标评审 \(there) 已经审定，不能再接收推荐", en: "the target \(thereEn) is already approved; it takes no more nominations")
        }
        if city.ledger.finalization != nil {
            throw ActionError(zh: "目标评审 \(there) 已经定稿，不能再接收推荐", en: "the target \(thereEn) is already finalized; it takes no more nominations")
        }

        // This store: approved, without a problem (a dossier edited since is one), its identity shown.
        guard ledger.finalization != nil, let approval = currentApprovals().first, approvalComplete else {
            throw ActionError(zh: "尚未审定（或尚有审定机构未签署）：只有审定名单可以逐级推荐", en: "not approved (or not by every approving body): only an approved list can be promoted")
        }
        let rows = try publishedRows(.final)
        guard !rows.isEmpty else {
            throw ActionError(zh: "审定名单是空的，没有可推荐的", en: "the approved list is empty; there is nothing to promote")
        }
        guard let fin = ledger.finalization else {
            throw ActionError(zh: "尚未定稿", en: "not finalized")
        }
        guard let fp = governance.fingerprint else {
            throw ActionError(zh: "来源评审库没有有效的创始记录，无从证明其身份", en: "the source store has no valid genesis record; its identity cannot be shown")
        }
        if let expected, expected.lowercased() != fp {
            throw ActionError(zh: "来源评审库的指纹是 \(fp)，不是 --fingerprint 给出的 \(expected)（不是公示的那个评审库？）",
                              en: "the source store's fingerprint is \(fp), not \(expected) given by --fingerprint (not the store its notice published?)")
        }
        if city.governance.fingerprint == fp {
            throw ActionError(zh: "目标评审库就是来源评审库本身", en: "the target store is the source store itself")
        }

        // The namespace: two districts both numbering from QP001 cannot collide.
        let ns = feed.prefix + (program.year.map(String.init) ?? "")
        guard Identifier.isValid(ns) else {
            throw ActionError(zh: "编号前缀 \(ns) 不可用：\(Identifier.rule.zh)", en: "the id prefix \(ns) is not usable: \(Identifier.rule.en)")
        }
        var made: [Dossier] = []
        var map: [String: String] = [:]
        for r in rows {
            let id = ns + "-" + r.dossier.id
            guard Identifier.isValid(id) else {
                throw ActionError(zh: "推荐后的编号 \(id) 不可用：\(Identifier.rule.zh)", en: "the promoted id \(id) is not usable: \(Identifier.rule.en)")
            }
            if city.panel.dossier(id) != nil || FileManager.default.fileExists(atPath: city.layout.dossierFile(id)) {
                throw ActionError(zh: "目标评审库已有编号 \(id) 的申报材料（已推荐过？）", en: "the target store already has a dossier \(id) (promoted before?)")
            }
            var f = r.dossier.fields
            for k in PromotionEvidence.provenanceFields { f[k] = nil }
            f["recommending_level"] = program.organiser.zh
            f["promoted_from"] = instance
            f["promoted_from_id"] = r.dossier.id
            f["promotion_fingerprint"] = fp
            f["promotion_approval"] = approval.sha256
            f["promotion_rank"] = String(r.rank)
            if let c = feed.channel, f["channel"] != c {
                if let old = f["channel"], !old.isEmpty { f["source_channel"] = old }
                f["channel"] = c
            }
            made.append(Dossier(id: id, fields: f))
            map[id] = r.dossier.id
        }

        // The evidence: the governance chain, the finalization, the approvals (each with its
        // signature), the pinned dossier set, and each promoted dossier's file as signed here.
        var files: [String: Data] = [:]
        for rec in governance.chain + [fin] + promotionApprovals {
            // The ledger keeps no bytes: read them, and they must be the ones it verified.
            guard let bytes = FileManager.default.contents(atPath: layout.root + "/" + rec.path), Record.sha256Hex(bytes) == rec.sha256 else {
                throw ActionError(zh: "\(rec.path) 已不是核验过的记录（被修改？）", en: "\(rec.path) is no longer the record verified (edited?)")
            }
            files[rec.path] = bytes
            guard let sig = FileManager.default.contents(atPath: layout.root + "/" + rec.path + ".sig") else {
                throw ActionError(zh: "无法读取签名 \(rec.path).sig", en: "cannot read the signature \(rec.path).sig")
            }
            files[rec.path + ".sig"] = sig
        }
        files[PromotionEvidence.dossierSetFile] = Data(PromotionEvidence.dossierSetText(ledger.pins).utf8)
        for r in rows {
            guard let bytes = FileManager.default.contents(atPath: layout.dossierFile(r.dossier.id)),
                  Record.sha256Hex(bytes) == ledger.pins.current[r.dossier.id]?.sha256 else {
                throw ActionError(zh: "\(r.dossier.id) 的材料文件不是签署的版本（被修改？）", en: "the dossier file of \(r.dossier.id) is not its signed version (edited?)")
            }
            files["dossiers/" + r.dossier.id + ".yaml"] = bytes
        }
        let section = PromotionEvidence.Section(namespace: ns, sourceProgram: program.id, sourceInstance: instance, sourceFingerprint: fp,
                                                finalize: fin.sha256, approvals: promotionApprovals.map(\.sha256),
                                                evidence: files.mapValues(Record.sha256Hex), dossiers: map)

        // Written first, signed last: evidence no intake names is a leftover of a run that
        // stopped before its intake, and goes (the dossier check above shows none was signed).
        let evidenceRoot = city.layout.root + "/" + PromotionEvidence.dir + "/" + ns
        try? FileManager.default.removeItem(atPath: evidenceRoot)
        do {
            for (rel, data) in files.sorted(by: { $0.key < $1.key }) {
                let path = evidenceRoot + "/" + rel
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try DurableFile.write(data, to: path, replace: false)
            }
            let body: [String: JSONValue] = [PromotionEvidence.bodyKey: section.json]
            // The check `verify` runs, before anything is signed.
            let problems = PromotionEvidence.problems(intake: body, path: "intake", layout: city.layout, pins: DossierPins(), files: [:],
                                                      language: RecordsError.currentLanguage)
            if let p = problems.first {
                throw ActionError(zh: "来源评审库的签名证据未通过核验：\(p.path)：\(p.message)",
                                  en: "the source store's signed evidence does not verify: \(p.path): \(p.message)")
            }
            try city.publishDossiers(made, source: sourceLabel ?? layout.root, extra: body, as: secretaryID, signer: try signer(try city.member(secretaryID)))
        } catch {
            try? FileManager.default.removeItem(atPath: evidenceRoot)
            throw error
        }
        let approvers = promotionApprovals.map { a -> String in
            let m = panel.roster.members.first { $0.id == a.record.signer }
            return [a.record.signer, m?.name, m?.unit].compactMap { $0 }.joined(separator: " ")
        }
        return Promotion(dossiers: made, namespace: ns, sourceFingerprint: fp, approvers: approvers)
    }
}
