import Foundation
import Crypto
import FuzzSupport
@testable import Records

// A .sig file (SSHSig.swift, SSHWire.swift: the armour, base64 and PROTOCOL.sshsig blob) over a
// fixed record, checked as verify checks it. Differential: whenever the fast reader
// (FastSig.validKey) answers with a key, the general parse and check accept the signature and
// name the same key. The seeds are signatures over `message` by `signer` (ssh-keygen's and ours).

/// A fixed test key (never a real one): the Ed25519 seed is 32 bytes of 0x5A.
let signer = KeyFileSigner(privateKey: try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 0x5A, count: 32)),
                           comment: "fuzz")
let message = Data(#"{"body":{"dossier":"D001","points":{"a":1}},"created":"2026-05-01T08:00:00Z","kind":"score","prev":"0000000000000000000000000000000000000000000000000000000000000000","program":"shanghai-craftsman-2026","seq":1,"signer":"m1","v":1}"#.utf8)
let digest = SHA256.hash(data: message)
let roster = PreparedKeys([signer.publicKey.raw])
let noKeys = PreparedKeys([Data]())

/// With PINGSHEN_FUZZ_SEEDS=DIR: writes the message, the key pair and our signature into DIR
/// and exits (how Fuzz/corpus/sshsig was made; ssh-keygen -Y sign added its own).
if let dir = ProcessInfo.processInfo.environment["PINGSHEN_FUZZ_SEEDS"] {
    let key = try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 0x5A, count: 32))
    put(message, at: dir + "/message.json")
    put(Data(OpenSSHPrivateKey.encode(key, comment: "fuzz", checkint: 0x01020304).utf8), at: dir + "/fuzz_key")
    put(Data((signer.publicKey.line + "\n").utf8), at: dir + "/fuzz_key.pub")
    put(Data(try! SSHSig.sign(message, signer: signer).utf8), at: dir + "/message.json.sig")
    exit(0)
}

fuzzMain { bytes in
    var general: SSHPublicKey?
    do {
        let parsed = try SSHSig.parse(armoredBytes: Array(bytes))
        general = try SSHSig.verify(parsed, message: message)
    } catch {
        render(error)
    }
    if let text = String(data: bytes, encoding: .utf8) {
        do { _ = try SSHSig.verify(armored: text, message: message) } catch { render(error) }
    }
    for keys in [roster, noKeys] {
        if let fast = FastSig.validKey(signature: bytes, message: message, jsonDigest: digest, keys: keys, cache: nil) {
            expect(general != nil, "the fast reader accepted a signature the general check refuses")
            expect(general?.raw == fast.data, "the fast reader and the general check name different keys")
        }
    }
}
