import Foundation
import Panel

/// What a member has typed on a scoring sheet, or what a signed sheet says; saved as it is typed
/// (drafts/MEMBER/DOSSIER.json, mode 0600 in a 0700 directory). A draft is not a record: it is
/// never signed, never counted, and deleted once the sheet is signed or the member recuses.
/// The terminal UI edits this same type (`SheetInput`).
public struct Draft: Codable, Hashable, Sendable {
    public var dossier: String
    public var points: [String: Int]
    /// "recommend" | "reject" | "abstain" | nil
    public var vote: String?
    public var comment: String
    /// Set when the member declares a conflict of interest (回避); the text is the reason.
    public var recuseReason: String?
    public init(dossier: String, points: [String: Int] = [:], vote: String? = nil, comment: String = "", recuseReason: String? = nil) {
        self.dossier = dossier; self.points = points; self.vote = vote; self.comment = comment; self.recuseReason = recuseReason
    }
    /// Saturating: a draft file is not signed and may hold any number.
    public var total: Int { Points.sum(points.values) }
}

public struct Drafts: Sendable {
    public let layout: StoreLayout
    public init(layout: StoreLayout) { self.layout = layout }

    func dir(_ member: String) -> String { layout.draftsDir + "/" + member }
    func path(_ member: String, _ dossier: String) -> String { dir(member) + "/" + dossier + ".json" }

    public func load(member: String, dossier: String) -> Draft? {
        guard let data = FileManager.default.contents(atPath: path(member, dossier)) else { return nil }
        return try? JSONDecoder().decode(Draft.self, from: data)
    }

    /// Durable: a crash or a dropped connection right after this returns keeps the draft.
    public func save(member: String, _ draft: Draft) throws {
        guard isSafeFileName(member), isSafeFileName(draft.dossier) else {
            throw StoreError(localized("草稿名不安全：\(TerminalText.quoted(member + "/" + draft.dossier))",
                                        "unsafe draft name \(TerminalText.quoted(member + "/" + draft.dossier))"))
        }
        let d = dir(member)
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        try DurableFile.write(try enc.encode(draft), to: path(member, draft.dossier))
    }

    public func discard(member: String, dossier: String) {
        try? FileManager.default.removeItem(atPath: path(member, dossier))
    }

    /// Dossier ids with a draft, for the chair's progress grid.
    public func dossiers(of member: String) -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir(member))) ?? []
        return Set(names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) })
    }
}
