import Foundation
import Testing
import TestSupport

/// Signed pushes (issue 14): a hub takes only pushes whose git push certificate is signed
/// (gpg.format ssh, namespace git) by a member's current key on the signed roster; there is no
/// setting that takes unsigned ones. `sync --as ID [--key PATH]` signs with the member's key
/// file or agent key.
@Suite struct GitSignedPushTests {
    static func signedHub(_ fx: Fixture) throws -> String {
        #expect(try Harness.pingshen(["git", "enable", fx.store]).status == 0)
        let fp = try Harness.json(Harness.pingshen(["verify", fx.store, "--format", "json"]).stdout)["fingerprint"] as? String ?? ""
        let hub = fx.dir + "/hub.git"
        let r = try Harness.pingshen(["hub", "init", hub, "--store-fingerprint", fp])
        #expect(r.status == 0, "hub init: \(r.stderr)")
        return hub
    }

    static func mallory(_ dir: String) throws -> String {
        let k = dir + "/mallory"
        #expect(try Harness.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "mallory", "-f", k]).status == 0)
        return k
    }

    @Test func onlyPushesSignedByAMemberAreTaken() throws {
        let fx = try Fixture()
        let hub = try Self.signedHub(fx)
        let seed = try GitCLI.out(hub, ["config", "receive.certNonceSeed"])
        #expect(seed.count == 64 && seed.allSatisfy(\.isHexDigit), "\(seed)")

        // Unsigned, by sync and by plain git: refused with the reason, the hub holds nothing.
        var r = try Harness.pingshen(["sync", fx.store, hub])
        #expect(r.status == 1 && r.stderr.contains("the push is not signed") && r.stderr.contains("--as ID"), "\(r.stderr)")
        r = try GitCLI.run(fx.store, ["push", hub, "HEAD:main"])
        #expect(r.status != 0 && r.stderr.contains("the push is not signed"), "\(r.stderr)")
        // A hub made before every push had to be signed kept pingshen.signedPushes=false: ignored.
        #expect(try GitCLI.run(hub, ["config", "pingshen.signedPushes", "false"]).status == 0)
        r = try Harness.pingshen(["sync", fx.store, hub])
        #expect(r.status == 1 && r.stderr.contains("the push is not signed"), "\(r.stderr)")
        #expect(try GitCLI.run(hub, ["rev-parse", "--verify", "-q", "main"]).status != 0)
        // Signed with a key on no roster (plain git, as an attacker would): refused.
        let mallory = try Self.mallory(fx.dir)
        r = try GitCLI.run(fx.store, ["-c", "gpg.format=ssh", "-c", "user.signingKey=" + mallory, "push", "--signed", hub, "HEAD:main"])
        #expect(r.status != 0 && r.stderr.contains("which is no member's or host's current key on the signed roster"), "\(r.stderr)")
        #expect(try GitCLI.run(hub, ["rev-parse", "--verify", "-q", "main"]).status != 0)
        // sync --as with a key that is not the member's: refused before anything is pushed.
        r = try Harness.pingshen(["sync", fx.store, hub, "--as", "m1", "--key", mallory])
        #expect(r.status == 1 && r.stderr.contains("not m1's key on the roster"), "\(r.stderr)")
        r = try Harness.pingshen(["sync", fx.store, hub, "--key", fx.key("m1")])
        #expect(r.status == 1 && r.stderr.contains("--key needs --as"), "\(r.stderr)")
        r = try Harness.pingshen(["sync", fx.store, hub, "--as", "nobody", "--key", fx.key("m1")])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(try GitCLI.run(hub, ["rev-parse", "--verify", "-q", "main"]).status != 0)

        // Signed by a member with the key file: taken.
        r = try Harness.pingshen(["sync", fx.store, hub, "--as", "m1", "--key", fx.key("m1")])
        #expect(r.status == 0 && r.stdout.contains("pushed"), "\(r.stdout) \(r.stderr)")
        #expect(try GitCLI.out(hub, ["rev-parse", "main"]) == GitCLI.out(fx.store, ["rev-parse", "HEAD"]))

        // Another host, signing through a real ssh-agent (user.signingKey key::…).
        let b = fx.dir + "/hostB"
        #expect(try Harness.pingshen(["clone", hub, b]).status == 0)
        let score = ["score", b, "--as", "m2", "--dossier", "D001", "--key", fx.key("m2"), "--score", "craft=12", "skill=12", "leadership=12", "contribution=12"]
        #expect(try Harness.pingshen(score).status == 0)
        let agent = try SSHAgentProcess()
        defer { agent.stop() }
        r = try Harness.pingshen(["sync", b, hub, "--as", "m2"], env: ["SSH_AUTH_SOCK": agent.socket])
        #expect(r.status == 1 && r.stderr.contains("ssh-add"), "the agent does not hold m2's key: \(r.stderr)")
        #expect(try Harness.run("/usr/bin/ssh-add", ["-q", fx.key("m2")], env: ["SSH_AUTH_SOCK": agent.socket]).status == 0)
        r = try Harness.pingshen(["sync", b, hub, "--as", "m2"], env: ["SSH_AUTH_SOCK": agent.socket])
        #expect(r.status == 0 && r.stdout.contains("pushed"), "\(r.stdout) \(r.stderr)")
        #expect(try GitCLI.out(hub, ["rev-parse", "main"]) == GitCLI.out(b, ["rev-parse", "HEAD"]))
        // Host A takes it (fetching needs no signature: nothing to push), and an unsigned push is still refused.
        r = try Harness.pingshen(["sync", fx.store, hub])
        #expect(r.status == 0 && !r.stdout.contains("pushed"), "\(r.stdout) \(r.stderr)")
        #expect(try Harness.pingshen(score.map { $0 == "D001" ? "D002" : $0 }).status == 0)
        r = try Harness.pingshen(["sync", b, hub])
        #expect(r.status == 1 && r.stderr.contains("the push is not signed"), "\(r.stderr)")
    }

    /// The hook's certificate check, driven as receive-pack drives it (GIT_PUSH_CERT and the
    /// update lines), with certificates made by ssh-keygen -Y sign: each hostile one refused.
    @Test func theHookRefusesEveryBadCertificate() throws {
        let fx = try Fixture()
        let hub = try Self.signedHub(fx)
        #expect(try Harness.pingshen(["sync", fx.store, hub, "--as", "sec", "--key", fx.key("sec")]).status == 0)
        let tip = try GitCLI.out(hub, ["rev-parse", "main"])
        let update = String(repeating: "0", count: 40) + " " + tip + " refs/heads/main"
        let mallory = try Self.mallory(fx.dir)

        func cert(_ key: String, namespace: String = "git", updates: String = update, tamper: (String) -> String = { $0 }) throws -> String {
            let payload = "certificate version 0.1\npusher x 1 +0000\npushee \(hub)\nnonce 1-abc\n\n" + updates + "\n"
            let file = fx.dir + "/cert-" + UUID().uuidString
            try payload.write(toFile: file, atomically: true, encoding: .utf8)
            let s = try Harness.run("/usr/bin/ssh-keygen", ["-q", "-Y", "sign", "-f", key, "-n", namespace, file])
            #expect(s.status == 0, "\(s.stderr)")
            let sig = try String(contentsOfFile: file + ".sig", encoding: .utf8)
            try tamper(payload + sig).write(toFile: file, atomically: true, encoding: .utf8)
            return try GitCLI.out(hub, ["hash-object", "-w", file])
        }
        func hook(_ certID: String?, nonce: String = "OK", pusher: String? = nil) throws -> Harness.Result {
            var env = ["GIT_DIR": hub, "GIT_PUSH_CERT_NONCE_STATUS": nonce]
            if let certID { env["GIT_PUSH_CERT"] = certID }
            if let pusher { env["PINGSHEN_PUSHER"] = pusher }
            return try Harness.run(Harness.binary, ["git-hook", "pre-receive", "--lang", "en"], env: env, stdin: Data((update + "\n").utf8))
        }
        // A good certificate, signed by a member: the hook takes it.
        let good = try cert(fx.key("m1"))
        var r = try hook(good)
        #expect(r.status == 0, "\(r.stderr)")
        r = try hook(good, pusher: "m1")
        #expect(r.status == 0, "\(r.stderr)")
        let cases: [(String, Harness.Result, String)] = [
            ("none", try hook(nil), "the push is not signed"),
            ("stale nonce", try hook(good, nonce: "SLOP"), "nonce status is 'SLOP', not OK"),
            ("bad nonce", try hook(good, nonce: "BAD"), "not OK"),
            ("another signer than the ssh pusher", try hook(good, pusher: "m2"), "signed by m1, but m2 is the one pushing"),
            ("a key on no roster", try hook(try cert(mallory)), "no member's or host's current key"),
            ("another namespace", try hook(try cert(fx.key("m1"), namespace: "file")), "does not verify"),
            ("the certificate edited after signing", try hook(try cert(fx.key("m1"), tamper: { $0.replacingOccurrences(of: "nonce 1-abc", with: "nonce 1-abd") })),
             "does not verify"),
            ("another update certified", try hook(try cert(fx.key("m1"), updates: update.replacingOccurrences(of: tip, with: String(repeating: "1", count: 40)))),
             "does not hold the update"),
            ("no signature", try hook(try cert(fx.key("m1"), tamper: { String($0.prefix(while: { $0 != "-" })) })), "holds no SSH signature"),
            ("not an object id", try hook("zzz"), "not usable"),
        ]
        for (name, res, reason) in cases {
            #expect(res.status != 0 && res.stderr.contains(reason), "\(name): \(res.status) \(res.stderr)")
        }
        // A certificate too large to read: refused unread.
        let big = fx.dir + "/big"
        try String(repeating: "x", count: 70_000).write(toFile: big, atomically: true, encoding: .utf8)
        r = try hook(try GitCLI.out(hub, ["hash-object", "-w", big]))
        #expect(r.status != 0 && r.stderr.contains("exceeds"), "\(r.stderr)")
        // An old hub's opt-out in its config changes nothing.
        #expect(try GitCLI.run(hub, ["config", "pingshen.signedPushes", "false"]).status == 0)
        r = try hook(nil)
        #expect(r.status != 0 && r.stderr.contains("the push is not signed"), "\(r.stderr)")
        r = try hook(try cert(mallory))
        #expect(r.status != 0 && r.stderr.contains("no member's or host's current key"), "\(r.stderr)")
    }
}
