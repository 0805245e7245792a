import Foundation
import Panel

/// What a member chose in the UI and wants again next time (issue 17): the language and the
/// colour theme. Kept beside the member's drafts (drafts/MEMBER/.preferences.json, 0600 in the
/// member's 0700 directory), never signed and never part of a record. Over SSH the forced
/// command therefore needs no arguments: the member switches inside the UI once.
public struct MemberPreferences: Codable, Equatable, Sendable {
    /// "zh" or "en".
    public var lang: String?
    /// A built-in theme's name. A path is never kept: whoever can write the store could
    /// otherwise make a member's UI read any file as a theme.
    public var theme: String?

    public init(lang: String? = nil, theme: String? = nil) { self.lang = lang; self.theme = theme }

    public static let themes = ["default", "light", "high-contrast", "mono"]

    /// Only the values the UI can have chose: anything else in the file is dropped.
    public var sanitized: MemberPreferences {
        MemberPreferences(lang: ["zh", "en"].contains(lang ?? "") ? lang : nil,
                          theme: MemberPreferences.themes.contains(theme ?? "") ? theme : nil)
    }
}

extension Drafts {
    static let preferencesName = ".preferences.json"

    /// The member's saved preferences; nil when there are none or the file is not a small
    /// regular JSON file (a FIFO, a huge or hand-broken file is ignored, never waited on).
    public func preferences(member: String) -> MemberPreferences? {
        guard isSafeFileName(member),
              let data = try? InputFile.read(dir(member) + "/" + Drafts.preferencesName, limit: 4096),
              let p = try? JSONDecoder().decode(MemberPreferences.self, from: data) else { return nil }
        return p.sanitized
    }

    public func savePreferences(member: String, _ p: MemberPreferences) throws {
        guard isSafeFileName(member) else {
            throw StoreError(localized("成员编号不安全：\(TerminalText.quoted(member))", "unsafe member id \(TerminalText.quoted(member))"))
        }
        let d = dir(member)
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        try DurableFile.write(try enc.encode(p.sanitized), to: d + "/" + Drafts.preferencesName)
    }
}
