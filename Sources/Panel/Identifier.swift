import Foundation

/// Member and dossier ids: the one definition of what an id may be, checked wherever an id
/// enters (roster.yaml, dossiers/ID.yaml, records/MEMBER/, the `--as`/`--dossier`/`--id`
/// arguments, record fields).
///
/// An id names a file and a directory (design.md §3), is a field of a signed record, a word of
/// an OpenSSH allowed_signers line and part of an authorized_keys forced command. So it is
/// 1–64 bytes of [A-Za-z0-9._-] not starting with '.': no path separator, no "." or "..", no
/// hidden file, no white space or control character that would end or split one of those lines
/// (sshd(8) AUTHORIZED_KEYS FILE FORMAT reads one key per line; ssh-keygen(1) ALLOWED SIGNERS
/// reads white-space separated fields), and nothing a shell would expand.
public struct Identifier: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let text: String

    /// The longest id, in bytes (every byte is ASCII).
    public static let maxLength = 64

    /// nil unless `text` is a valid id.
    public init?(_ text: String) {
        guard Identifier.isValid(text) else { return nil }
        self.text = text
    }

    public var description: String { text }
    public static func < (a: Identifier, b: Identifier) -> Bool { a.text.utf8.lexicographicallyPrecedes(b.text.utf8) }

    public static func isValid(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { isValid(bytes: $0) }
    }

    /// 1–64 bytes of [A-Za-z0-9._-], not starting with '.'.
    public static func isValid(bytes u: UnsafeBufferPointer<UInt8>) -> Bool {
        guard u.count >= 1, u.count <= maxLength, u[0] != UInt8(ascii: ".") else { return false }
        for c in u {
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                continue
            default:
                return false
            }
        }
        return true
    }

    /// The rule in words, for messages.
    public static let rule = (zh: "须为 1–64 个字母、数字、-、_、.，且不以 . 开头",
                              en: "it must be 1–64 letters, digits, -, _ or ., not starting with .")

    /// The id, or an `InputError` naming where it came from (`path`, `line`, `field`) and showing
    /// the offending text escaped (a newline shows as \n, never as a line break).
    public static func check(_ text: String, what: (zh: String, en: String), path: String, line: Int? = nil, field: String? = nil) throws -> Identifier {
        if let id = Identifier(text) { return id }
        let shown = TerminalText.quoted(text)
        throw InputError(path: path, line: line, field: field,
                         message: localized("\(what.zh) \(shown) 不可用：\(rule.zh)", "\(what.en) \(shown) is not usable: \(rule.en)"))
    }
}

/// A file name is safe when it is a valid `Identifier` (ids name files).
public func isSafeFileName(_ s: String) -> Bool { Identifier.isValid(s) }
