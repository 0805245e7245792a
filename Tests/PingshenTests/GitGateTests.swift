import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SSH access to a hub (issue 14, step 4): `pingshen ssh authorized-keys STORE --git HUB` and the
/// gate each key is forced through, with hostile SSH_ORIGINAL_COMMAND values and through a
/// throwaway sshd on 127.0.0.1.
@Suite struct GitGateTests {
    func gate(_ hub: String, member: String = "m1", original: String?, home: String? = nil) throws -> Harness.Result {
        var env: [String: String] = [:]
        if let original { env["SSH_ORIGINAL_COMMAND"] = original }
        if let home { env["HOME"] = home }
        // No input: upload-pack advertises its refs and ends at the end of input.
        let r = try Harness.run(Harness.binary, ["git-gate", member, hub, "--lang", "en"], env: env, stdinFile: "/dev/null")
        return r
    }

    @Test func theGateRunsOnlyThePackCommandsOnItsOwnRepository() throws {
        let h = try GitHosts(pingshenHub: true)
        let marker = h.fx.dir + "/gate-ran"
        let other = h.fx.dir + "/other.git"
        #expect(try Harness.run(GitCLI.exe, ["init", "-q", "--bare", other]).status == 0)
        // What it refuses: no command, a shell, other git programs, another repository, any
        // attempt to add a command, a path that climbs out, a bad member id.
        let hostile: [String?] = [
            nil, "", "sh", "bash -i", "/bin/sh -c 'touch \(marker)'", "touch \(marker)", "scp -t /tmp",
            "git-upload-archive '\(h.hub)'", "git-upload-pack", "git-upload-pack ''", "git-upload-pack '\(other)'",
            "git-receive-pack '\(other)'", "git-upload-pack '\(h.hub)'; touch \(marker)", "git-upload-pack '\(h.hub)' && touch \(marker)",
            "git-upload-pack '\(h.hub)'\ntouch \(marker)", "git-upload-pack '\(h.hub)' '\(other)'", "git-upload-pack $(touch \(marker))",
            "git-upload-pack '$(touch \(marker))'", "git-upload-pack `touch \(marker)`", "git-upload-pack '\(h.hub)/../other.git'",
            "git-upload-pack '--upload-pack=touch \(marker)'", "git-upload-pack -c x '\(h.hub)'",
            "git-upload-pack '\(h.hub)", "git-upload-pack \(h.hub)'", "git-upload-pack ''\\''\(h.hub)'", "git  upload-pack '\(h.hub)'",
            "GIT_DIR=\(other) git-upload-pack '\(h.hub)'", "git-upload-pack '\(h.hub)'\r", "git-upload-pack 'other.git'",
            "git-upload-pack '~/other.git'", "git-upload-pack '\(String(repeating: "a", count: 5000))'",
        ]
        for value in hostile {
            let r = try gate(h.hub, original: value, home: h.fx.dir)
            #expect(r.status == 1, "\(value.debugDescription): \(r.status) \(r.stdout.prefix(200))")
            #expect(r.stdout.isEmpty, "\(value.debugDescription): git spoke: \(r.stdout.prefix(200))")
            #expect(!r.stderr.isEmpty, "\(value.debugDescription): no reason given")
            #expect(!FileManager.default.fileExists(atPath: marker), "\(value.debugDescription) ran a command")
        }
        #expect(try gate(h.hub, original: nil).stderr.contains("git sync only"))
        #expect(try gate(h.hub, original: "git-upload-pack '\(other)'").stderr.contains("reaches only"))
        #expect(try gate(h.hub, member: "m1;touch \(marker)", original: "git-upload-pack '\(h.hub)'").status == 1)
        #expect(!FileManager.default.fileExists(atPath: marker))
        // What it runs: upload-pack on its hub, by absolute path, by a path relative to the
        // home folder (scp-like ssh URLs), or in git's own quoting.
        let relative = String(h.hub.dropFirst(h.fx.dir.count + 1))
        for value in ["git-upload-pack '\(h.hub)'", "git upload-pack '\(h.hub)/'", "git-upload-pack '\(relative)'", "git-upload-pack '~/\(relative)'",
                      "git-upload-pack \(h.hub)"] {
            let r = try gate(h.hub, original: value, home: h.fx.dir)
            #expect(r.stdout.contains("refs/heads/main"), "\(value): \(r.status) \(r.stderr)")
        }
        let rp = try gate(h.hub, original: "git-receive-pack '\(h.hub)'")
        #expect(rp.stdout.contains("refs/heads/main") && rp.stdout.contains("report-status"), "\(rp.stderr)")
    }

    @Test func authorizedKeysForAHubKeepEveryIdInItsToken() throws {
        let fx = try Fixture()
        let hub = fx.dir + "/hub.git"
        var r = try Harness.pingshen(["ssh", "authorized-keys", fx.store, "--git", hub, "--binary", "/usr/local/bin/pingshen"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "# BEGIN pingshen git \(hub)" && lines.last == "# END pingshen git \(hub)")
        #expect(lines.count == 2 + 7)
        for l in lines.dropFirst().dropLast() {
            #expect(l.hasPrefix("restrict,command=\"/usr/local/bin/pingshen git-gate "), "\(l)")
            #expect(!l.contains("pty") && !l.contains("agent-forwarding") && !l.contains("port-forwarding"))
        }
        #expect(lines.contains { $0.hasPrefix("restrict,command=\"/usr/local/bin/pingshen git-gate m1 \(hub)\" ssh-ed25519 ") && $0.hasSuffix(" pingshen-git:m1") })
        // A hub path with a quote, a space, a backslash and a dollar stays one argument.
        let odd = fx.dir + "/hub \"q\" 'x' \\ $HOME.git"
        r = try Harness.pingshen(["ssh", "authorized-keys", fx.store, "--git", odd, "--binary", "/usr/local/bin/pingshen"])
        #expect(r.status == 0, "\(r.stderr)")
        let line = r.stdout.split(separator: "\n").map(String.init).first { $0.contains("git-gate m1 ") } ?? ""
        // What sshd does with it: the option's \" back to ", then `sh -c COMMAND`; with the
        // binary swapped for printf, the words arrive one per line, the path whole.
        let option = line.components(separatedBy: "command=\"").dropFirst().first?.components(separatedBy: "\" ssh-ed25519").first ?? ""
        let command = option.replacingOccurrences(of: "\\\"", with: "\"")
        #expect(command.hasPrefix("/usr/local/bin/pingshen "), "\(line)")
        let words = try Harness.run("/bin/sh", ["-c", "printf '%s\\n' " + command.dropFirst("/usr/local/bin/pingshen ".count)])
        #expect(words.stdout == "git-gate\nm1\n\(odd)\n", "\(words.stdout)")
        // A path with a newline would end the line: refused, nothing written.
        r = try Harness.pingshen(["ssh", "authorized-keys", fx.store, "--git", fx.dir + "/hub\nrestrict x"])
        #expect(r.status == 1 && r.stdout.isEmpty && r.stderr.contains("control character"), "\(r.stderr)")
        // Both blocks in one file, each replaced on a rerun, byte for byte idempotent.
        let file = fx.dir + "/authorized_keys"
        #expect(try Harness.pingshen(["ssh", "authorized-keys", fx.store, "--file", file]).status == 0)
        #expect(try Harness.pingshen(["ssh", "authorized-keys", fx.store, "--git", hub, "--file", file]).status == 0)
        let once = try String(contentsOfFile: file, encoding: .utf8)
        #expect(try Harness.pingshen(["ssh", "authorized-keys", fx.store, "--git", hub, "--file", file]).status == 0)
        #expect(try Harness.pingshen(["ssh", "authorized-keys", fx.store, "--file", file]).status == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == once)
        #expect(once.contains("review ") && once.contains("git-gate "))
    }

    /// The throwaway sshd with the generated lines: a member clones and syncs over plain ssh;
    /// a shell, another repository and a key not on the roster get nothing.
    @Test func membersSyncOverSSHThroughTheGate() throws {
        let h = try GitHosts(pingshenHub: true)
        let keys = h.fx.dir + "/authorized_keys"
        let r0 = try Harness.pingshen(["ssh", "authorized-keys", h.a, "--git", h.hub, "--file", keys])
        #expect(r0.status == 0, "\(r0.stderr)")
        let server = try SSHTestServer(authorizedKeys: keys)
        defer { server.stop() }
        func sshCommand(_ key: String) -> String {
            (["ssh"] + server.client(key: key).dropLast()).map { "'" + $0 + "'" }.joined(separator: " ")
        }
        let url = "ssh://root@127.0.0.1:\(server.port)\(h.hub)"
        let laptop = h.fx.dir + "/laptop"
        var r = try Harness.pingshen(["clone", url, laptop], env: ["GIT_SSH_COMMAND": sshCommand(h.fx.key("m2"))])
        #expect(r.status == 0, "pingshen clone over ssh: \(r.stderr)\n\(server.logText)")
        try h.score(laptop, "m2", "D003", 17)
        r = try Harness.pingshen(["sync", laptop, "--as", "m2", "--key", h.fx.key("m2")], env: ["GIT_SSH_COMMAND": sshCommand(h.fx.key("m2"))])
        #expect(r.status == 0, "sync over ssh: \(r.stdout) \(r.stderr)")
        #expect(try GitCLI.out(h.hub, ["rev-parse", "main"]) == GitCLI.out(laptop, ["rev-parse", "HEAD"]))
        #expect(try h.sync(h.a).status == 0)
        #expect(FileManager.default.fileExists(atPath: h.a + "/records/m2/000/000001.json.sig"))
        // A signed push over ssh: the certificate's signer must be the member the gate let in.
        try h.score(laptop, "m2", "D001", 15)
        let before = try GitCLI.out(h.hub, ["rev-parse", "main"])
        r = try Harness.pingshen(["sync", laptop, "--as", "m3", "--key", h.fx.key("m3")], env: ["GIT_SSH_COMMAND": sshCommand(h.fx.key("m2"))])
        #expect(r.status == 1 && r.stderr.contains("signed by m3, but m2 is the one pushing over SSH"), "\(r.stdout) \(r.stderr)")
        #expect(try GitCLI.out(h.hub, ["rev-parse", "main"]) == before)
        r = try Harness.pingshen(["sync", laptop, "--as", "m2", "--key", h.fx.key("m2")], env: ["GIT_SSH_COMMAND": sshCommand(h.fx.key("m2"))])
        #expect(r.status == 0 && r.stdout.contains("pushed"), "signed sync over ssh: \(r.stdout) \(r.stderr)")
        #expect(try GitCLI.out(h.hub, ["rev-parse", "main"]) == GitCLI.out(laptop, ["rev-parse", "HEAD"]))
        // A shell or another command over the same key: refused by the gate (which speaks zh:
        // sshd passes no LANG to a forced command).
        r = try server.ssh(key: h.fx.key("m2"), command: ["sh", "-c", "'touch /tmp/pingshen-gate-escaped'"])
        #expect(r.status != 0 && r.stderr.contains("只允许 git-upload-pack"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/pingshen-gate-escaped"))
        // Another repository on the same host.
        let other = h.fx.dir + "/other.git"
        #expect(try Harness.run(GitCLI.exe, ["init", "-q", "--bare", other]).status == 0)
        r = try Harness.run(GitCLI.exe, ["clone", "-q", "ssh://root@127.0.0.1:\(server.port)\(other)", h.fx.dir + "/o"],
                            env: ["GIT_SSH_COMMAND": sshCommand(h.fx.key("m2"))])
        #expect(r.status != 0 && r.stderr.contains("这把钥匙只能访问"), "\(r.stderr)")
        // A key that is not on the roster is not let in at all: sync says it could not reach the hub.
        try Harness.sshKeygen(h.fx.dir + "/mallory", comment: "mallory")
        r = try Harness.pingshen(["sync", laptop], env: ["GIT_SSH_COMMAND": sshCommand(h.fx.dir + "/mallory")])
        #expect(r.status == 2, "\(r.stdout) \(r.stderr)")
    }
}
