import Foundation
import Testing
import Panel
@testable import Records
import TestSupport

/// The shared test agent, with ssh-add.
typealias TestAgent = SSHAgentProcess

extension SSHAgentProcess {
    func add(_ key: String) throws -> RunResult {
        try run("/usr/bin/ssh-add", [key], env: ["SSH_AUTH_SOCK": socket, "SSH_ASKPASS": "", "DISPLAY": ""])
    }
}

@Suite struct AgentTests {
    @Test func signsRecordsThroughARealAgent() throws {
        let agent = try TestAgent()
        defer { agent.stop() }
        let s = try TestStore()
        #expect(try AgentSigner.identities(socket: agent.socket).isEmpty)
        let m1pub = try SSHPublicKey(line: try String(contentsOfFile: s.keys["m1"]! + ".pub", encoding: .utf8))
        // Not added yet: a clear message telling to ssh-add.
        #expect { try AgentSigner(socket: agent.socket, key: m1pub) } throws: { ($0 as? RecordsError)?.en.contains("ssh-add") == true }
        let add = try agent.add(s.keys["m1"]!)
        #expect(add.status == 0, "\(add.stderr)")
        // An ssh-keygen made key too, so the agent holds two.
        let other = s.dir.path + "/other"
        #expect(try run(sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", "other", "-f", other]).status == 0)
        #expect(try agent.add(other).status == 0)
        let ids = try AgentSigner.identities(socket: agent.socket)
        #expect(ids.count == 2)
        #expect(ids.contains { $0.raw == m1pub.raw && $0.comment == "m1@test" })

        let signer = try AgentSigner(socket: agent.socket, key: m1pub)
        let store = RecordStore(layout: s.layout)
        let rec = try store.append(kind: .score, body: ["dossier": "D001", "points": ["craft": 33]],
                                   program: s.instance, signerID: "m1", signer: signer)
        let rec2 = try store.append(kind: .recusal, body: ["dossier": "D002"], program: s.instance, signerID: "m1", signer: signer)
        #expect(rec2.record.prev == rec.sha256)
        // The agent's Ed25519 signature is deterministic: the same as signing with the file.
        let viaFile = try SSHSig.sign(rec.bytes, signer: try s.signer("m1"))
        #expect(try String(contentsOfFile: s.path(rec.path) + ".sig", encoding: .utf8) == viaFile)
        for r in [rec, rec2] {
            let v = try run(sshKeygen, ["-Y", "verify", "-f", s.layout.allowedSigners, "-I", "m1", "-n", "review-record@pingshen",
                                        "-s", s.path(r.path) + ".sig"], stdin: r.bytes)
            #expect(v.status == 0, "\(v.stderr)")
        }
        #expect(try s.verify().ok)

        // Once the agent is gone, signing fails clearly and nothing is written.
        agent.stop()
        #expect { try store.append(kind: .score, body: ["dossier": "D001", "points": ["craft": 1]], program: s.instance, signerID: "m1", signer: signer) }
            throws: { ($0 as? RecordsError)?.en.contains("ssh-agent") == true }
        #expect(try store.records(of: "m1").count == 2)
        #expect(try s.verify().ok)
    }

    @Test func noAgentIsAClearError() throws {
        #expect { try AgentSigner.identities(socket: "/nonexistent/agent.sock") } throws: {
            guard let e = $0 as? RecordsError else { return false }
            return e.en.contains("cannot talk to ssh-agent") && e.zh.contains("ssh-agent")
        }
    }
}
