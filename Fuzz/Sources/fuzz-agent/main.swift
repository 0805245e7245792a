import Foundation
import FuzzSupport
@testable import Records

// An ssh-agent reply (SSHAgent.swift, draft-miller-ssh-agent): the identities answer, read as
// `review` and `score` read it (then each Ed25519 key), and the sign response.

let key = SSHPublicKey(raw: Data(repeating: 7, count: 32), comment: "fuzz")

fuzzMain { bytes in
    let reply = Array(bytes)
    do {
        let ids = try SSHAgentClient.parseIdentities(reply)
        for id in ids {
            if let k = try? SSHPublicKey(blob: id.blob, comment: id.comment) { _ = k.fingerprint; _ = k.line }
        }
    } catch {
        render(error)
    }
    do {
        let sig = try SSHAgentClient.parseSignature(reply, key: key)
        expect(sig.count == 64, "an Ed25519 signature of \(sig.count) bytes")
    } catch {
        render(error)
    }
}
