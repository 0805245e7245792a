import Foundation

/// The UI language: `--lang`, else LC_ALL / LC_MESSAGES / LANG, else zh-CN.
public enum Language: String, Sendable, CaseIterable, Codable {
    case zh, en

    public static func resolve(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> Language {
        if let flag, let lang = parse(flag) { return lang }
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[key], !value.isEmpty {
                // C / POSIX / C.UTF-8 say nothing about a language: keep the default.
                if let lang = parse(value) { return lang }
                break
            }
        }
        return .zh
    }

    public static func parse(_ text: String) -> Language? {
        let lower = text.lowercased()
        if lower.hasPrefix("zh") { return .zh }
        if lower.hasPrefix("en") { return .en }
        return nil
    }

    /// Picks the string for this language.
    @inlinable public func pick(_ zh: String, _ en: String) -> String { self == .zh ? zh : en }
}
