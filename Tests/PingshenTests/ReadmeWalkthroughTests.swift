import Foundation
import Testing

/// The README's walk-through ("A programme from start to finish", the fenced block marked
/// `sh walkthrough`) is run line by line with the real binary, so it cannot rot: a command whose
/// form changed fails here with its line. It runs in a fresh directory holding copies of the
/// repository's `examples/` and `scripts/recount.py`, with `pingshen` first on PATH.
@Suite struct ReadmeWalkthroughTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The commands of the first ```sh walkthrough block of README.md, in order.
    static func commands() throws -> [String] {
        let text = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        var out: [String] = []
        var inside = false, found = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if !inside, line.trimmingCharacters(in: .whitespaces) == "```sh walkthrough" {
                guard !found else { break }
                inside = true; found = true
                continue
            }
            if inside {
                if line.hasPrefix("```") { inside = false; continue }
                if !line.trimmingCharacters(in: .whitespaces).isEmpty { out.append(line) }
            }
        }
        #expect(found && !inside, "README.md has no closed ```sh walkthrough block")
        return out
    }

    @Test func theBlockUsesTheSignedForms() throws {
        let lines = try Self.commands()
        #expect(lines.count >= 20, "\(lines)")
        func has(_ prefix: String, _ parts: [String]) -> Bool {
            lines.contains { $0.hasPrefix(prefix) && parts.allSatisfy($0.contains) }
        }
        #expect(has("pingshen init ", ["--secretary ", "--name ", "--pubkey ", "--key "]))
        #expect(has("pingshen member add ", ["--as ", "--key ", "--pubkey "]))
        #expect(has("pingshen member rotate ", ["--as ", "--pubkey "]))
        #expect(has("pingshen member remove ", ["--as ", "--reason "]))
        #expect(has("pingshen import ", ["--as "]))
        #expect(has("pingshen dossier amend ", ["--as ", "--dossier ", "--reason "]))
        // No unsigned member add: its public key is --pubkey, never --key X.pub.
        #expect(!lines.contains { $0.contains("member add") && $0.contains(".pub") && !$0.contains("--pubkey") })
    }

    @Test func theWalkthroughRuns() throws {
        let lines = try Self.commands()
        let dir = try Harness.tempDir("readme")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // `pingshen` on PATH, the repository's example files and the recount script beside.
        let bin = dir + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin + "/pingshen", withDestinationPath: Harness.binary)
        try FileManager.default.copyItem(atPath: Self.root.appendingPathComponent("examples").path, toPath: dir + "/examples")
        try FileManager.default.createDirectory(atPath: dir + "/scripts", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.root.appendingPathComponent("scripts/recount.py").path, toPath: dir + "/scripts/recount.py")
        let env = ["PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"), "HOME": dir]
        var outputs: [String: String] = [:]
        for line in lines {
            let r = try Harness.run("/bin/sh", ["-e", "-c", line], env: env, cwd: dir)
            #expect(r.status == 0 && r.reason == .exit, "README walk-through line failed (exit \(r.status)):\n\(line)\n\(r.stdout)\n\(r.stderr)")
            if r.status != 0 { return }
            outputs[line] = r.stdout
        }
        // What the walk-through says it does, checked on the store it made.
        let store = dir + "/hq2026"
        let verify = try Harness.json(try Harness.pingshen(["verify", store, "--format", "json"]).stdout)
        #expect(verify["ok"] as? Bool == true, "\(verify)")
        let fp = try #require(verify["fingerprint"] as? String)
        let final = outputs.first { $0.key.contains("export hq2026 final") }?.value ?? ""
        #expect(final.hasPrefix("rank,id,name,") && final.contains("," + fp + "\r\n"), "\(final)")
        #expect(final.contains("SH001") && final.contains("SH002") && !final.contains("SH003"), "\(final)")
        let recount = outputs.first { $0.key.hasPrefix("scripts/recount.py") }?.value ?? ""
        let rank = try Harness.pingshen(["rank", store, "--format", "json"])
        let theirs = try Harness.json(recount) as NSDictionary, mine = try Harness.json(rank.stdout) as NSDictionary
        // The recount ran before the finalization: the ranking it saw is the one rank gives now.
        #expect(theirs == mine, "recount.py:\n\(theirs)\nrank:\n\(mine)")
    }
}
