import Foundation
import Panel
import Records

/// authorized_keys lines that bind each member's key to exactly one thing: the review UI of one
/// store as that member (OpenSSH's `restrict` turns off forwarding, X11, agent and user rc;
/// `pty` and `agent-forwarding` are given back so the UI runs and signs with the member's own key).
public enum SSHAccess {
    public static func beginMarker(_ store: String) -> String { "# BEGIN pingshen \(store)" }
    public static func endMarker(_ store: String) -> String { "# END pingshen \(store)" }

    /// Quotes for the shell that sshd runs the forced command with (`$SHELL -c COMMAND`).
    /// A backslash is written outside the single quotes (`'\\'`), so that no backslash ever
    /// stands before a double quote: inside `command="…"` sshd reads `\"` as an escaped quote.
    public static func shellQuote(_ s: String) -> String {
        if !s.isEmpty && s.unicodeScalars.allSatisfy({ $0.value < 128 && (CharacterSet.alphanumerics.contains($0) || "/._-+:@=".unicodeScalars.contains($0)) }) {
            return s
        }
        var out = "'"
        for ch in s.unicodeScalars {
            switch ch {
            case "'": out += "'\\''"
            case "\\": out += "'\\\\'"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "'"
    }

    /// The value of the `command="…"` option for one member: `"` escaped as `\"`, the only
    /// escape sshd knows there.
    public static func forcedCommand(store: String, binary: String, member: String) -> String {
        commandOption([binary, "review", store, "--as", member])
    }

    /// An argument vector as the value of `command="…"`: each word through `shellQuote`, then
    /// `"` escaped as `\"`.
    static func commandOption(_ words: [String]) -> String {
        words.map(shellQuote).joined(separator: " ").replacingOccurrences(of: "\"", with: "\\\"")
    }

    /// The forced command of a member's key on a hub's host (issue 14): `BINARY git-gate MEMBER
    /// HUB`, quoted as `forcedCommand` quotes.
    public static func gateCommand(hub: String, binary: String, member: String) -> String {
        commandOption([binary, "git-gate", member, hub])
    }

    /// The name of a hub's block between the markers: "git HUB".
    public static func gitBlockName(_ hub: String) -> String { "git " + absolute(hub) }

    /// One key a block's line is written for: a member's, or a review host's (issue 14).
    public struct KeyEntry: Sendable {
        public var id: String
        public var key: String
        public var isHost: Bool
        public init(id: String, key: String, isHost: Bool = false) { self.id = id; self.key = key; self.isHost = isHost }
    }

    /// The block for a hub: one line per member of the store's roster and per review host it
    /// names (`hosts`, as `Governance.State.currentHosts` gives them), each key limited to
    /// `git-gate` on that one repository (`restrict`: no pty, no forwarding of any kind). The
    /// same checks as `authorizedKeys`: an id or a key that could leave its token refuses all.
    public static func gitAuthorizedKeys(hub: String, roster: Roster, hosts: [KeyEntry] = [], binary: String) throws -> String {
        let absHub = absolute(hub)
        let entries = roster.members.map { KeyEntry(id: $0.id, key: $0.key) } + hosts.map { KeyEntry(id: $0.id, key: $0.key, isHost: true) }
        return try block(name: gitBlockName(absHub), path: absHub, what: ("集线库", "hub"), entries: entries, binary: binary) { e, absBinary in
            ("restrict,command=\"\(gateCommand(hub: absHub, binary: absBinary, member: e.id))\"", e.isHost ? "pingshen-git-host:" : "pingshen-git:")
        }
    }

    /// A path that cannot go into an authorized_keys line: control characters (a newline
    /// would end the line).
    static func checkPath(_ path: String, what: (zh: String, en: String)) throws {
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw ActionError(zh: "\(what.zh)路径含控制字符（如换行），不能写入 authorized_keys：\(path.debugDescription)",
                              en: "the \(what.en) path contains a control character (such as a newline) and cannot go into authorized_keys: \(path.debugDescription)")
        }
    }

    /// The key of one roster entry, refused unless the entry is exactly what a line may hold:
    /// an `Identifier` (no newline, space or quote that would end the line, split its fields or
    /// leave the forced command: sshd(8) AUTHORIZED_KEYS FILE FORMAT) and one key
    /// "ssh-ed25519 BASE64 [comment]" whose base64 is the key's own encoding (no options before
    /// it, no second key after it, no control character anywhere). Nothing is written for a
    /// roster with such an entry: a partial file could lock out or let in the wrong person.
    static func keyToken(_ m: KeyEntry, entry: Int) throws -> SSHPublicKey {
        let who = m.isHost ? (zh: "主机", en: "host") : (zh: "成员", en: "member")
        guard Identifier.isValid(m.id) else {
            throw ActionError(zh: "名单第 \(entry) 位\(who.zh)的编号 \(TerminalText.quoted(m.id)) 不可用（\(Identifier.rule.zh)），未写出任何 authorized_keys 行",
                              en: "roster entry \(entry): \(who.en) id \(TerminalText.quoted(m.id)) is not usable (\(Identifier.rule.en)); no authorized_keys line was written")
        }
        let refused = ActionError(zh: "名单中\(who.zh) “\(m.id)” 的公钥不是一行 “ssh-ed25519 AAAA… 注释”：\(TerminalText.quoted(m.key))，未写出任何 authorized_keys 行",
                                  en: "\(who.en) '\(m.id)': the key is not one line 'ssh-ed25519 AAAA… comment': \(TerminalText.quoted(m.key)); no authorized_keys line was written")
        guard !m.key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || TerminalText.isUnsafe($0) }) else { throw refused }
        let fields = m.key.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count >= 2, fields[0] == "ssh-ed25519", let key = try? SSHPublicKey(line: m.key),
              key.keyText == fields[0] + " " + fields[1] else { throw refused }
        return key
    }

    /// The block for a store: one line per member, between markers so a rerun replaces it.
    public static func authorizedKeys(store: String, roster: Roster, binary: String) throws -> String {
        let absStore = absolute(store)
        return try block(name: absStore, path: absStore, what: ("评审库", "store"), entries: roster.members.map { KeyEntry(id: $0.id, key: $0.key) },
                         binary: binary) { m, absBinary in
            ("restrict,pty,agent-forwarding,command=\"\(forcedCommand(store: absStore, binary: absBinary, member: m.id))\"", "pingshen:")
        }
    }

    /// A block between the markers of `name`: one line per roster entry, `OPTIONS KEY
    /// COMMENT-PREFIX+ID`, where `line` gives the options and the comment's prefix (split
    /// around the key). The paths and every entry are checked first: nothing is returned
    /// for a roster with an entry a line may not hold.
    static func block(name: String, path: String, what: (zh: String, en: String), entries: [KeyEntry], binary: String,
                      line: (KeyEntry, String) -> (options: String, comment: String)) throws -> String {
        let absBinary = absolute(binary)
        try checkPath(path, what: what)
        try checkPath(absBinary, what: ("程序", "binary"))
        var lines = [beginMarker(name)]
        for (i, m) in entries.enumerated() {
            let key = try keyToken(m, entry: i + 1)
            let l = line(m, absBinary)
            lines.append("\(l.options) \(key.keyText) \(l.comment)\(m.id)")
        }
        lines.append(endMarker(name))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Replaces this store's block in an existing authorized_keys text, where it stood (or
    /// appends it), so a rerun changes nothing else and is byte for byte idempotent. Every other
    /// line is kept as it was. A begin marker without its end marker is refused (the block's
    /// extent is unknown: guessing could drop someone's key or keep a removed member's).
    /// `blockName`: the name between the markers when it is not the store's path (a hub's block).
    public static func merge(existing: String, block: String, store: String, file: String = "authorized_keys", blockName: String? = nil) throws -> String {
        let name = blockName ?? absolute(store)
        let begin = beginMarker(name), end = endMarker(name)
        var out: [String] = []
        var openedAt: Int?
        var at: Int?
        for (i, line) in existing.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).enumerated() {
            if openedAt == nil && line == begin { openedAt = i + 1; if at == nil { at = out.count }; continue }
            if openedAt != nil { if line == end { openedAt = nil }; continue }
            out.append(line)
        }
        if let line = openedAt {
            throw ActionError(zh: "\(file) 第 \(line) 行：有“\(begin)”却没有对应的“\(end)”，请手工修正后重试（未做任何修改）",
                              en: "\(file) line \(line): '\(begin)' has no matching '\(end)'; fix it by hand and rerun (nothing was changed)")
        }
        while let last = out.last, last.isEmpty { out.removeLast() }
        var blockLines = block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let last = blockLines.last, last.isEmpty { blockLines.removeLast() }
        out.insert(contentsOf: blockLines, at: min(at ?? out.count, out.count))
        return out.joined(separator: "\n") + "\n"
    }

    public static func absolute(_ path: String) -> String {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
        return url.standardizedFileURL.path
    }
}
