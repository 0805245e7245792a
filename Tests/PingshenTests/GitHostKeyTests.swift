import Foundation
import Testing
import Records

/// Review hosts on the signed roster (issue 14): `pingshen host add|remove` (governance records
/// host-add, host-remove signed by a secretary). A host's key signs pushes to the hub
/// (`sync --as HOST --key …`) and reaches it through the gate; it never signs a record.
@Suite struct GitHostKeyTests {
    static func hostKey(_ dir: String, _ name: String = "qp-host") throws -> String {
        let k = dir + "/" + name
        try Harness.sshKeygen(k, comment: name)
        return k
    }

    static func addHost(_ store: String, _ fx: Fixture, id: String = "qp-host", pubkey: String, reason: String = "青浦区评审主机") throws -> Harness.Result {
        try Harness.pingshen(["host", "add", store, "--as", "sec", "--key", fx.key("sec"), "--id", id, "--name", "青浦区评审主机",
                              "--pubkey", pubkey, "--reason", reason])
    }

    @Test func aHostOnTheRosterSignsItsPushesAndNothingElse() throws {
        let h = try GitHosts(pingshenHub: true)
        let host = try Self.hostKey(h.fx.dir)
        // A key no roster names cannot push, even for a store the hub takes.
        try h.score(h.b, "m2", "D001", 15)
        var r = try Harness.pingshen(["sync", h.b, "--as", "qp-host", "--key", host])
        #expect(r.status == 1 && r.stderr.contains("qp-host is not on the signed roster"), "\(r.stderr)")

        r = try Self.addHost(h.a, h.fx, pubkey: host + ".pub")
        #expect(r.status == 0 && r.stdout.contains("added host qp-host"), "\(r.stderr)")
        r = try Harness.pingshen(["host", "list", h.a])
        #expect(r.status == 0 && r.stdout.contains("qp-host") && r.stdout.contains("青浦区评审主机"), "\(r.stdout) \(r.stderr)")
        #expect(try Harness.pingshen(["verify", h.a]).status == 0)
        // A host is no member: not in roster.yaml nor in allowed_signers (it verifies no record).
        for view in ["roster.yaml", "allowed_signers"] {
            #expect(try !String(contentsOfFile: h.a + "/" + view, encoding: .utf8).contains("qp-host"), "\(view)")
        }
        #expect(try h.sync(h.a).status == 0)

        // B takes the host-add (fetching needs no key), then pushes its member's sheet signed by the host's key.
        r = try Harness.pingshen(["sync", h.b])
        #expect(r.status == 1 && r.stderr.contains("the push is not signed"), "an unsigned push from B: \(r.stderr)")
        r = try Harness.pingshen(["sync", h.b, "--as", "qp-host", "--key", host])
        #expect(r.status == 0 && r.stdout.contains("pushed"), "\(r.stdout) \(r.stderr)")
        #expect(try GitCLI.out(h.hub, ["rev-parse", "main"]) == h.head(h.b))
        // The host's key signs no record: not as itself, not as a member.
        r = try Harness.pingshen(["score", h.b, "--as", "qp-host", "--dossier", "D002", "--key", host,
                                  "--score", "craft=10", "skill=10", "leadership=10", "contribution=10"])
        #expect(r.status != 0, "\(r.stdout) \(r.stderr)")
        r = try Harness.pingshen(["score", h.b, "--as", "m3", "--dossier", "D002", "--key", host,
                                  "--score", "craft=10", "skill=10", "leadership=10", "contribution=10"])
        #expect(r.status != 0 && r.stderr.contains("not m3's key"), "\(r.stderr)")
        // A record signed with the host's key, written by hand and pushed signed by the host: refused.
        let evil = h.fx.dir + "/evil"
        #expect(try Harness.run(GitCLI.exe, ["clone", "-q", h.hub, evil]).status == 0)
        #expect(try Harness.pingshen(["git", "enable", evil]).status == 0)
        let forged = try Forge.record(evil, "qp-host", kind: .score, body: ["dossier": .string("D002"), "points": .object([
            "craft": .int(30), "skill": .int(30), "leadership": .int(20), "contribution": .int(20)])], key: host)
        #expect(try GitCLI.run(evil, ["add", "records"]).status == 0)
        #expect(try GitCLI.run(evil, ["commit", "-q", "-m", "a host signs a sheet"]).status == 0)
        let tip = try GitCLI.out(h.hub, ["rev-parse", "main"])
        r = try GitCLI.signedPush(evil, key: host, ["origin", "HEAD:main"])
        #expect(r.status != 0 && r.stderr.contains(forged), "\(r.stderr)")
        #expect(try GitCLI.out(h.hub, ["rev-parse", "main"]) == tip)

        // Ids and keys are never shared between members and hosts, nor reused.
        let other = try Self.hostKey(h.fx.dir, "other-host")
        r = try Self.addHost(h.a, h.fx, id: "h2", pubkey: h.fx.key("m1") + ".pub")
        #expect(r.status == 1 && r.stderr.contains("already belongs to 'm1'"), "\(r.stderr)")
        r = try Self.addHost(h.a, h.fx, id: "m1", pubkey: other + ".pub")
        #expect(r.status == 1 && r.stderr.contains("already in the history"), "\(r.stderr)")
        r = try Self.addHost(h.a, h.fx, id: "qp-host", pubkey: other + ".pub")
        #expect(r.status == 1 && r.stderr.contains("already in the history"), "\(r.stderr)")
        r = try Harness.pingshen(["member", "add", h.a, "--as", "sec", "--key", h.fx.key("sec"), "--id", "m9", "--name", "专家九",
                                  "--role", "member", "--pubkey", host + ".pub"])
        #expect(r.status == 1 && r.stderr.contains("already belongs to 'qp-host'"), "\(r.stderr)")
        r = try Harness.pingshen(["member", "add", h.a, "--as", "sec", "--key", h.fx.key("sec"), "--id", "qp-host", "--name", "x",
                                  "--role", "member", "--pubkey", other + ".pub"])
        #expect(r.status == 1 && r.stderr.contains("already on the roster"), "\(r.stderr)")
        r = try Self.addHost(h.a, h.fx, id: "h3", pubkey: other + ".pub", reason: "  ")
        #expect(r.status == 1 && r.stderr.contains("--reason"), "\(r.stderr)")
        r = try Harness.pingshen(["host", "add", h.a, "--as", "m1", "--key", h.fx.key("m1"), "--id", "h4", "--pubkey", other + ".pub", "--reason", "x"])
        #expect(r.status == 1 && r.stderr.contains("not a secretary"), "a member names no host: \(r.stderr)")

        // Removed: its key no longer pushes.
        r = try Harness.pingshen(["sync", h.a, h.hub])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        r = try Harness.pingshen(["host", "remove", h.a, "--as", "sec", "--key", h.fx.key("sec"), "--id", "qp-host", "--reason", "主机退役"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try h.sync(h.a).status == 0)
        r = try Harness.pingshen(["host", "list", h.a])
        #expect(!r.stdout.contains("qp-host"), "\(r.stdout)")
        #expect(try Harness.pingshen(["sync", h.b]).status == 0)
        try h.score(h.b, "m3", "D003", 14)
        r = try Harness.pingshen(["sync", h.b, "--as", "qp-host", "--key", host])
        #expect(r.status == 1 && r.stderr.contains("qp-host is not on the signed roster"), "\(r.stderr)")
        // Signed by hand with the removed key: the hub refuses it.
        #expect(try GitCLI.run(h.b, ["add", "records"]).status == 0)
        #expect(try GitCLI.run(h.b, ["commit", "-q", "-m", "m3"]).status == 0)
        r = try GitCLI.signedPush(h.b, key: host, ["origin", "HEAD:main"])
        #expect(r.status != 0 && r.stderr.contains("no member's or host's current key"), "\(r.stderr)")
        r = try Harness.pingshen(["host", "remove", h.a, "--as", "sec", "--key", h.fx.key("sec"), "--id", "qp-host", "--reason", "again"])
        #expect(r.status == 1 && r.stderr.contains("not a host on the roster"), "\(r.stderr)")
        for s in [h.a, h.b] { #expect(try Harness.pingshen(["verify", s]).status == 0, "\(s)") }
    }

    /// Hostile host ids, names and keys: refused by the command before anything is signed, and,
    /// written by hand as signed host-add records, refused by verify and never written into an
    /// authorized_keys line.
    @Test func hostileHostEntriesAreRefusedAndNeverReachAuthorizedKeys() throws {
        let fx = try Fixture()
        let host = try Self.hostKey(fx.dir)
        let pub = try String(contentsOfFile: host + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let keyText = pub.split(separator: " ").prefix(2).joined(separator: " ")
        let before = Harness.records(fx.store, "sec").count
        for id in ["", "h 1", "h1\nssh-ed25519 AAAA", "-oProxyCommand=x", "../h", ".h", "h1,command=\"sh\"", "h'1", "主机",
                   String(repeating: "h", count: 65)] {
            let r = try Self.addHost(fx.store, fx, id: id, pubkey: host + ".pub")
            #expect(r.status != 0, "\(id.debugDescription): \(r.stdout)")
        }
        // Key files that are not exactly one ed25519 key.
        let bad = fx.dir + "/bad.pub"
        for text in [pub + "\n" + pub, "command=\"sh\" " + keyText, "restrict,command=\"touch /tmp/x\" " + keyText + " c",
                     keyText + " c\rssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ x", "", "ssh-ed25519 !!!"] {
            try text.write(toFile: bad, atomically: true, encoding: .utf8)
            let r = try Self.addHost(fx.store, fx, id: "hx", pubkey: bad)
            #expect(r.status == 1, "\(text.debugDescription): \(r.stdout)")
        }
        do {
            let r = try Harness.pingshen(["host", "add", fx.store, "--as", "sec", "--key", fx.key("sec"), "--id", "hy", "--name", "a\u{1b}[31mb",
                                          "--pubkey", host + ".pub", "--reason", "x"])
            #expect(r.status == 1 && r.stderr.contains("control character"), "\(r.stderr)")
        }
        #expect(Harness.records(fx.store, "sec").count == before, "a refused host add wrote a record")

        // Signed by the secretary, written by hand: each refused by verify (the governance chain
        // stops there) and absent from the hub's authorized_keys block.
        let hostile: [(String, [String: JSONValue])] = [
            ("an id with a newline", ["host": .object(["id": .string("h1\nssh-ed25519 AAAA evil"), "key": .string(keyText)]), "reason": .string("x")]),
            ("an id with a quote", ["host": .object(["id": .string("h1\" ssh-ed25519"), "key": .string(keyText)]), "reason": .string("x")]),
            ("a second key in the comment", ["host": .object(["id": .string("h1"), "key": .string(keyText + " c\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEvil")]), "reason": .string("x")]),
            ("options before the key", ["host": .object(["id": .string("h1"), "key": .string("command=\"sh\" " + keyText)]), "reason": .string("x")]),
            ("a comment", ["host": .object(["id": .string("h1"), "key": .string(keyText + " pingshen-git:m1")]), "reason": .string("x")]),
            ("a control character in the name", ["host": .object(["id": .string("h1"), "name": .string("x\u{1b}]0;t\u{7}"), "key": .string(keyText)]), "reason": .string("x")]),
            ("no reason", ["host": .object(["id": .string("h1"), "key": .string(keyText)])]),
            ("a member's key", ["host": .object(["id": .string("h1"), "key": .string(try Self.keyText(fx.key("m1") + ".pub"))]), "reason": .string("x")]),
            ("a member's id", ["host": .object(["id": .string("m2"), "key": .string(keyText)]), "reason": .string("x")]),
        ]
        let hub = fx.dir + "/hub.git"
        for (name, body) in hostile {
            let path = try Forge.governance(fx.store, "sec", kind: .hostAdd, body: body, key: fx.key("sec"))
            let v = try Forge.verify(fx.store)
            #expect(v.status == 1 && v.problems.contains { $0.path == path }, "\(name): \(v.out)")
            let r = try Harness.pingshen(["ssh", "authorized-keys", fx.store, "--git", hub])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
            #expect(lines.count == 2 + 7, "\(name): \(r.stdout)")
            #expect(!r.stdout.contains("pingshen-git-host:") && !r.stdout.contains("evil") && !r.stdout.contains("command=\"sh\""), "\(name): \(r.stdout)")
            try FileManager.default.removeItem(atPath: fx.store + "/" + path)
            try FileManager.default.removeItem(atPath: fx.store + "/" + path + ".sig")
        }
        #expect(try Harness.pingshen(["governance", "views", fx.store]).status == 0)
        #expect(try Harness.pingshen(["verify", fx.store]).status == 0)
        // The same host, well formed: its one line, with its own comment.
        #expect(try Self.addHost(fx.store, fx, id: "h1", pubkey: host + ".pub").status == 0)
        let r = try Harness.pingshen(["ssh", "authorized-keys", fx.store, "--git", hub, "--binary", "/usr/local/bin/pingshen"])
        let hostLines = r.stdout.split(separator: "\n").map(String.init).filter { $0.contains("pingshen-git-host:") }
        #expect(hostLines == ["restrict,command=\"/usr/local/bin/pingshen git-gate h1 \(hub)\" \(keyText) pingshen-git-host:h1"], "\(r.stdout)")
        // The review block (the UI over ssh) holds members only.
        #expect(try !Harness.pingshen(["ssh", "authorized-keys", fx.store]).stdout.contains("--as h1"))
    }

    static func keyText(_ pubFile: String) throws -> String {
        try String(contentsOfFile: pubFile, encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
    }

    /// Through a throwaway sshd: the host clones and pushes over ssh with its own key, through
    /// the gate; a push signed by the host over a member's ssh key is refused.
    @Test func aHostSyncsOverSSHThroughTheGate() throws {
        let h = try GitHosts(pingshenHub: true)
        let host = try Self.hostKey(h.fx.dir)
        #expect(try Self.addHost(h.a, h.fx, pubkey: host + ".pub").status == 0)
        #expect(try h.sync(h.a).status == 0)
        let keys = h.fx.dir + "/authorized_keys"
        let r0 = try Harness.pingshen(["ssh", "authorized-keys", h.a, "--git", h.hub, "--file", keys])
        #expect(r0.status == 0 && r0.stdout.contains("1 hosts"), "\(r0.stdout) \(r0.stderr)")
        let server = try SSHTestServer(authorizedKeys: keys)
        defer { server.stop() }
        func sshCommand(_ key: String) -> String {
            (["ssh"] + server.client(key: key).dropLast()).map { "'" + $0 + "'" }.joined(separator: " ")
        }
        let url = "ssh://root@127.0.0.1:\(server.port)\(h.hub)"
        let district = h.fx.dir + "/district"
        var r = try Harness.pingshen(["clone", url, district], env: ["GIT_SSH_COMMAND": sshCommand(host)])
        #expect(r.status == 0, "clone over ssh as the host: \(r.stderr)\n\(server.logText)")
        try h.score(district, "m5", "D004", 16)
        r = try Harness.pingshen(["sync", district, "--as", "qp-host", "--key", host], env: ["GIT_SSH_COMMAND": sshCommand(h.fx.key("m5"))])
        #expect(r.status == 1 && r.stderr.contains("signed by qp-host, but m5 is the one pushing over SSH"), "\(r.stdout) \(r.stderr)")
        r = try Harness.pingshen(["sync", district, "--as", "qp-host", "--key", host], env: ["GIT_SSH_COMMAND": sshCommand(host)])
        #expect(r.status == 0 && r.stdout.contains("pushed"), "\(r.stdout) \(r.stderr)")
        #expect(try GitCLI.out(h.hub, ["rev-parse", "main"]) == GitCLI.out(district, ["rev-parse", "HEAD"]))
        // The host's ssh key runs the gate only.
        r = try server.ssh(key: host, command: ["sh", "-c", "'touch /tmp/pingshen-host-escaped'"])
        #expect(r.status != 0 && r.stderr.contains("只允许 git-upload-pack"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/pingshen-host-escaped"))
    }
}
