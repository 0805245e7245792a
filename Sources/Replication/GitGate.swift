import Foundation
import Panel
import Review

/// The forced command of a member's key on the hub's host (`pingshen git-gate MEMBER HUB`,
/// written by `pingshen ssh authorized-keys STORE --git HUB`), as gitolite and git-shell do:
/// sshd puts what the client asked for in SSH_ORIGINAL_COMMAND; the gate runs
/// `git upload-pack` or `git receive-pack` on its one repository, and nothing else, whatever
/// the client asks for.
public enum GitGate {
    public struct Decision: Sendable, Equatable {
        /// upload-pack (fetch, clone) or receive-pack (push).
        public var service: String
        /// The hub, absolute.
        public var repository: String
    }

    /// The repository path the client named, unquoted as git's client quotes it (sq_quote:
    /// `'…'`, with `'\''` and `\!` for a quote and an exclamation mark), or a bare word of safe
    /// characters. nil for anything else.
    static func unquote(_ s: String) -> String? {
        let u = Array(s.unicodeScalars)
        guard let first = u.first else { return nil }
        if first != "'" {
            let safe = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._~-+@")
            return s.unicodeScalars.allSatisfy({ safe.contains($0) }) ? s : nil
        }
        var out = String.UnicodeScalarView()
        var i = 1
        var closed = false
        while i < u.count {
            let c = u[i]
            if c == "'" {
                // End of a quoted run: either the end, or \' or \! then a new run.
                if i == u.count - 1 { closed = true; i += 1; break }
                guard i + 3 < u.count, u[i + 1] == "\\", u[i + 2] == "'" || u[i + 2] == "!", u[i + 3] == "'" else { return nil }
                out.append(u[i + 2])
                i += 4
                continue
            }
            out.append(c)
            i += 1
        }
        return closed ? String(out) : nil
    }

    /// Decides what to run for SSH_ORIGINAL_COMMAND `original`, or refuses with the reason.
    public static func decide(original: String?, member: String, hub: String, home: String?) -> Result<Decision, ActionError> {
        guard Identifier.isValid(member) else {
            return .failure(ActionError(zh: "成员编号 \(TerminalText.quoted(member)) 不可用", en: "member id \(TerminalText.quoted(member)) is not usable"))
        }
        guard let original, !original.isEmpty else {
            return .failure(ActionError(zh: "这把钥匙只能用于 git 同步（git fetch / git push），不能登录", en: "this key is for git sync only (git fetch / git push); no login"))
        }
        let refused = ActionError(zh: "只允许 git-upload-pack 或 git-receive-pack '\(hub)'；拒绝：\(TerminalText.quoted(original))",
                                  en: "only git-upload-pack or git-receive-pack '\(hub)' is allowed; refused: \(TerminalText.quoted(original))")
        guard original.utf8.count <= 4096, !original.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return .failure(refused) }
        let services = ["git-upload-pack ": "upload-pack", "git-receive-pack ": "receive-pack",
                        "git upload-pack ": "upload-pack", "git receive-pack ": "receive-pack"]
        guard let (prefix, service) = services.first(where: { original.hasPrefix($0.key) }),
              let asked = unquote(String(original.dropFirst(prefix.count))), !asked.isEmpty else { return .failure(refused) }
        // The client's path: absolute, or relative to the home folder ("~/x" or "x").
        var path = asked
        if path.hasPrefix("~/") { path = String(path.dropFirst(2)) }
        if !path.hasPrefix("/") {
            guard let home, home.hasPrefix("/") else { return .failure(refused) }
            path = home + "/" + path
        }
        let want = SSHAccess.absolute(hub)
        let canonicalAsked = GitStore.canonical(URL(fileURLWithPath: path).standardizedFileURL.path)
        guard canonicalAsked == GitStore.canonical(want) else {
            return .failure(ActionError(zh: "这把钥匙只能访问 \(want)，不能访问 \(TerminalText.quoted(asked))",
                                        en: "this key reaches only \(want), not \(TerminalText.quoted(asked))"))
        }
        return .success(Decision(service: service, repository: want))
    }
}
