import Foundation
import Testing
import TestSupport

/// Several writers at once, writers killed mid-append, and signing through a real ssh-agent.
@Suite(.serialized) struct DurabilityTests {
    /// 4 processes append as the same member at once: one gap-free chain, nothing lost.
    @Test func fourProcessesAppendingAsOneMember() throws {
        let fx = try Fixture()
        let perProcess = 5
        let group = DispatchGroup()
        let failures = Counter()
        for p in 0..<4 {
            group.enter()
            DispatchQueue.global().async {
                defer { group.leave() }
                for i in 0..<perProcess {
                    let d = ["D001", "D002", "D003", "D004"][(p + i) % 4]
                    if (try? fx.score("m1", d, [p, i, 1, 1]).status) != 0 { failures.add() }
                }
            }
        }
        group.wait()
        #expect(failures.value == 0)
        let recs = Harness.records(fx.store, "m1")
        #expect(recs.count == 4 * perProcess)
        for (i, path) in recs.enumerated() {
            #expect(path.hasSuffix(String(format: "%06d.json", i + 1)))
        }
        let v = try Harness.pingshen(["verify", fx.store, "--format", "json"])
        #expect(v.status == 0, "\(v.stdout)")
        #expect(try Harness.sshVerify(store: fx.store, member: "m1", record: recs.last!).status == 0)
    }

    /// A writer killed with SIGKILL at random points never leaves a half record that verify
    /// accepts, nor one that blocks the next append.
    @Test func sigkilledWritersLeaveNoHalfRecords() throws {
        let fx = try Fixture()
        var rng = SystemRandomNumberGenerator()
        for round in 0..<25 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Harness.binary)
            p.arguments = ["score", fx.store, "--as", "m1", "--dossier", "D00\(1 + round % 4)", "--key", fx.key("m1"),
                           "--score", "craft=\(round % 26)", "skill=1", "leadership=2", "contribution=3", "--lang", "en"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(UInt32.random(in: 0...60_000, using: &rng))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let v = try Harness.pingshen(["verify", fx.store, "--format", "json"])
            #expect(v.status == 0, "round \(round): \(v.stdout)")
        }
        // The next append goes through and the chain is whole.
        let r = try fx.score("m1", "D001", [5, 5, 5, 5])
        #expect(r.status == 0, "\(r.stderr)")
        let recs = Harness.records(fx.store, "m1").filter { FileManager.default.fileExists(atPath: $0 + ".sig") }
        for (i, path) in recs.enumerated() { #expect(path.hasSuffix(String(format: "%06d.json", i + 1))) }
        #expect(try Harness.pingshen(["verify", fx.store]).status == 0)
    }

    /// Without --key the record is signed through ssh-agent, and verifies as the member's own.
    @Test func signingThroughARealAgent() throws {
        let fx = try Fixture()
        let agent = try Agent()
        defer { agent.stop() }
        // Without the key in the agent: a clear refusal, nothing written.
        var r = try Harness.pingshen(["score", fx.store, "--as", "m3", "--dossier", "D001", "--score", "craft=9", "skill=9", "leadership=9", "contribution=9"],
                                     env: ["SSH_AUTH_SOCK": agent.socket])
        #expect(r.status == 1)
        #expect(r.stderr.contains("ssh-add"))
        #expect(try Harness.run("/usr/bin/ssh-add", ["-q", fx.key("m3")], env: ["SSH_AUTH_SOCK": agent.socket]).status == 0)
        r = try Harness.pingshen(["score", fx.store, "--as", "m3", "--dossier", "D001", "--score", "craft=9", "skill=9", "leadership=9", "contribution=9"],
                                 env: ["SSH_AUTH_SOCK": agent.socket])
        #expect(r.status == 0, "\(r.stderr)")
        let rec = try #require(Harness.records(fx.store, "m3").first)
        #expect(try Harness.sshVerify(store: fx.store, member: "m3", record: rec).status == 0)
        // No agent at all: a message that says what to do.
        r = try Harness.pingshen(["score", fx.store, "--as", "m3", "--dossier", "D002", "--score", "craft=9", "skill=9", "leadership=9", "contribution=9"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("SSH_AUTH_SOCK"))
    }
}

final class Counter: @unchecked Sendable {
    private var n = 0
    private let lock = NSLock()
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}

/// A real ssh-agent on a private socket (shared with RecordsTests).
typealias Agent = SSHAgentProcess
