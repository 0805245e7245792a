import Foundation
import Panel
import Records

/// A fork a `sync` found (issue 14): one member signed two different records at the same seq,
/// this host's in the store, the other host's kept by the sync under
/// `.cache/forks/COMMIT/records/MEMBER/NNN/NNNNNN.json` (with its .sig). The UI says which member
/// forked while such a pair is there.
public struct ForkNotice: Sendable, Hashable {
    public var member: String
    public var seq: Int
    /// Where the other version is kept, relative to the store.
    public var keptAt: String
    public init(member: String, seq: Int, keptAt: String) { self.member = member; self.seq = seq; self.keptAt = keptAt }
}

public enum ForkEvidence {
    /// Where `sync` keeps the other host's version of a forked record, one folder per fetched
    /// commit (its first 12 hex digits).
    public static let folder = ".cache/forks"
    /// At most this many kept records are looked at (a folder filled by hand shows no more).
    public static let limit = 256

    /// A stamp of the folder (its modification time), to notice a sync that kept a new fork.
    public static func stamp(_ layout: StoreLayout) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: layout.root + "/" + folder))?[.modificationDate] as? Date
    }

    /// The forks proven by what is kept: the kept record and the store's record at the same
    /// path are both signed by that member with a key the signed history gives them (the same
    /// check `verify` makes of every record, except that the kept one may name a governance head
    /// this host has not seen yet), at that seq, for this programme, and their bytes differ. A
    /// file placed there by hand, one not signed by the member, another seq or the same record
    /// twice proves nothing and is not shown. Sorted by member, then seq; each fork once.
    public static func scan(_ layout: StoreLayout, instance: String, governance: Governance.State, language lang: Language) -> [ForkNotice] {
        let fm = FileManager.default
        let base = layout.root + "/" + folder
        guard let commits = try? fm.contentsOfDirectory(atPath: base), !commits.isEmpty else { return [] }
        let context = Verifier.Context(instance: instance, governance: governance, language: lang)
        // The kept version may be made on a governance head the other host had and this one has
        // not (a member added there); everything else about it must hold.
        let tolerated: Set<String> = ["gov-unknown", "created-window"]
        func check(_ json: Data, _ sig: Data, member: String, seq: Int) -> Bool {
            let c = Verifier.check(json: json, signature: sig, member: member, fileSeq: seq, context: context)
            guard c.record?.seq == seq, c.record?.signer == member else { return false }
            return c.valid || (!c.problems.isEmpty && c.problems.allSatisfy { tolerated.contains($0.kind) })
        }
        func read(_ path: String, _ limit: Int) -> Data? { try? InputFile.read(path, limit: limit) }
        var found: Set<ForkNotice> = []
        var seen: Set<String> = []
        var looked = 0
        for commit in commits.sorted() where Identifier.isValid(commit) {
            let recordsDir = base + "/" + commit + "/records"
            for member in ((try? fm.contentsOfDirectory(atPath: recordsDir)) ?? []).sorted() where Identifier.isValid(member) {
                for sub in ((try? fm.contentsOfDirectory(atPath: recordsDir + "/" + member)) ?? []).sorted() where RecordFileName.parseFolder(sub) != nil {
                    for name in ((try? fm.contentsOfDirectory(atPath: recordsDir + "/" + member + "/" + sub)) ?? []).sorted() {
                        // Only a record at its own path (RecordFileName.path).
                        let rel = "records/" + member + "/" + sub + "/" + name
                        guard let (_, entry) = RecordFileName.parsePath(rel), case .json(let seq) = entry else { continue }
                        looked += 1
                        if looked > limit { return found.sorted { ($0.member, $0.seq) < ($1.member, $1.seq) } }
                        guard !seen.contains(rel) else { continue }
                        let keptPath = base + "/" + commit + "/" + rel
                        let localPath = layout.root + "/" + rel
                        guard let kept = read(keptPath, RecordLimits.recordBytes), let keptSig = read(keptPath + ".sig", RecordLimits.signatureBytes),
                              let local = read(localPath, RecordLimits.recordBytes), let localSig = read(localPath + ".sig", RecordLimits.signatureBytes),
                              kept != local, check(kept, keptSig, member: member, seq: seq), check(local, localSig, member: member, seq: seq) else { continue }
                        seen.insert(rel)
                        found.insert(ForkNotice(member: member, seq: seq, keptAt: folder + "/" + commit + "/" + rel))
                    }
                }
            }
        }
        return found.sorted { ($0.member, $0.seq) < ($1.member, $1.seq) }
    }
}

extension ReviewSession {
    /// The forks `sync` found and kept that the kept files prove (`ForkEvidence.scan`).
    public func forks(language lang: Language = RecordsError.currentLanguage) -> [ForkNotice] {
        ForkEvidence.scan(layout, instance: instance, governance: governance, language: lang)
    }
}
