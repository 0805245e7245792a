import Foundation
import Panel
import Records

/// authorized_keys lines that bind each member's key to exactly one thing: the review UI of one
/// store as that member (OpenSSH's `restrict` turns off forwarding, X11, agent and user rc;
/// `pty` and `agent-forwarding` are given back so the UI runs and signs with the member's own key).
public enum SSHAccess {
    public static func beginMarker(_ store: String) -> String { "# BEGIN pingshen \(store)" }
    public static func endMarker(_ store: String) -> String { "# END pingshen \(store)" }

    /// Quotes for the shell that sshd runs the forced command with.
    public static func shellQuote(_ s: String) -> String {
        if !s.isEmpty && s.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "/._-+:@=".unicodeScalars.contains($0) }) && s.unicodeScalars.allSatisfy({ $0.value < 128 }) {
            return s
        }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The block for a store: one line per member, between markers so a rerun replaces it.
    public static func authorizedKeys(store: String, roster: Roster, binary: String) throws -> String {
        let absStore = absolute(store)
        let absBinary = absolute(binary)
        var lines = [beginMarker(absStore)]
        for m in roster.members {
            let key = try SSHPublicKey(line: m.key)
            let command = [absBinary, "review", absStore, "--as", m.id].map(shellQuote).joined(separator: " ")
            // Inside the option's double quotes only \" is an escape.
            let option = command.replacingOccurrences(of: "\"", with: "\\\"")
            lines.append("restrict,pty,agent-forwarding,command=\"\(option)\" \(key.lineWithoutComment) pingshen:\(m.id)")
        }
        lines.append(endMarker(absStore))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Replaces this store's block in an existing authorized_keys text (or appends it).
    public static func merge(existing: String, block: String, store: String) -> String {
        let begin = beginMarker(absolute(store)), end = endMarker(absolute(store))
        var out: [String] = []
        var skipping = false
        for line in existing.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == begin { skipping = true; continue }
            if skipping { if line == end { skipping = false }; continue }
            out.append(line)
        }
        while let last = out.last, last.isEmpty { out.removeLast() }
        return (out.isEmpty ? "" : out.joined(separator: "\n") + "\n") + block
    }

    public static func absolute(_ path: String) -> String {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
        return url.standardizedFileURL.path
    }
}

extension SSHPublicKey {
    /// "ssh-ed25519 AAAA…" without the comment.
    public var lineWithoutComment: String {
        line.split(separator: " ").prefix(2).joined(separator: " ")
    }
}
