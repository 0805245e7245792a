import Foundation
import Panel

/// An error of the Records target, worded in both UI languages.
public struct RecordsError: Error, CustomStringConvertible, Equatable, Sendable {
    public var zh: String
    public var en: String
    public init(_ zh: String, _ en: String) { self.zh = zh; self.en = en }
    public func message(_ lang: Language) -> String { lang.pick(zh, en) }
    /// In the language chosen by `PanelMessages.language` (--lang), else LC_ALL / LANG, else zh-CN.
    public var description: String { message(RecordsError.currentLanguage) }

    /// The language of messages thrown where no language was passed: `PanelMessages.language`
    /// (set by the CLI from --lang), else LC_ALL / LANG, else zh-CN.
    public static var currentLanguage: Language { PanelMessages.language ?? Language.resolve(flag: nil) }
}

