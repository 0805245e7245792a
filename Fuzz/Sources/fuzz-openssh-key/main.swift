import Foundation
import FuzzSupport
@testable import Records

// OpenSSH key files (OpenSSHKey.swift): a public key line (roster.yaml, `member add --key`), the
// same bytes as a wire blob (what ssh-agent and SSHSIG carry), and an openssh-key-v1 private
// key file (`--key`). Invariants: a parsed key writes back to a line and a file that parse to
// the same key.

fuzzMain { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        let key = try SSHPublicKey(line: text)
        expect(key.raw.count == 32, "a public key of \(key.raw.count) bytes")
        let again = try? SSHPublicKey(line: key.line)
        expect(again?.raw == key.raw, "the key's line does not read back: \(key.line.debugDescription)")
        _ = key.fingerprint
    } catch {
        render(error)
    }
    do {
        let key = try SSHPublicKey(blob: bytes)
        expect(key.blob == bytes, "a public key blob that writes back differently")
    } catch {
        render(error)
    }
    do {
        let parsed = try OpenSSHPrivateKey.parse(text, path: "fuzz_key")
        expect(parsed.publicKey.raw == parsed.privateKey.publicKey.rawRepresentation, "a private key file whose keys differ")
        let written = OpenSSHPrivateKey.encode(parsed.privateKey, comment: parsed.publicKey.comment)
        let back = try? OpenSSHPrivateKey.parse(written, path: "written")
        expect(back?.publicKey == parsed.publicKey, "a private key that does not read back as written")
    } catch {
        render(error)
    }
}
