import Foundation
import Testing
import Panel
@testable import Records

@Suite struct SSHSigTests {
    @Test func oursVerifyWithSSHKeygen() throws {
        let dir = TempDir("sig")
        let key = dir.path + "/k"
        try KeyGen.write(to: key, comment: "k")
        let signer = try KeyFileSigner(path: key)
        let msg = Data(#"{"body":{},"created":"2026-11-21T13:04:05Z"} 中文"#.utf8)
        let armored = try SSHSig.sign(msg, signer: signer)
        #expect(armored.hasPrefix("-----BEGIN SSH SIGNATURE-----\n"))
        #expect(armored.hasSuffix("-----END SSH SIGNATURE-----\n"))
        try Data(armored.utf8).write(to: URL(fileURLWithPath: dir.path + "/msg.sig"))
        try (signer.publicKey.line).write(toFile: dir.path + "/pub", atomically: true, encoding: .utf8)
        let allowed = "alice namespaces=\"\(SSHSig.namespace)\" \(signer.publicKey.line)\n"
        try allowed.write(toFile: dir.path + "/allowed", atomically: true, encoding: .utf8)
        let ok = try run(sshKeygen, ["-Y", "verify", "-f", dir.path + "/allowed", "-I", "alice", "-n", SSHSig.namespace,
                                     "-s", dir.path + "/msg.sig"], stdin: msg)
        #expect(ok.status == 0, "\(ok.stdout) \(ok.stderr)")
        // A changed byte fails with ssh-keygen as well.
        var changed = msg; changed[0] ^= 1
        let bad = try run(sshKeygen, ["-Y", "verify", "-f", dir.path + "/allowed", "-I", "alice", "-n", SSHSig.namespace,
                                      "-s", dir.path + "/msg.sig"], stdin: changed)
        #expect(bad.status != 0)
        // Another namespace fails.
        let ns = try run(sshKeygen, ["-Y", "verify", "-f", dir.path + "/allowed", "-I", "alice", "-n", "file",
                                     "-s", dir.path + "/msg.sig"], stdin: msg)
        #expect(ns.status != 0)
    }

    @Test(arguments: ["sha512", "sha256"])
    func sshKeygensVerifyInPingshen(_ hash: String) throws {
        let dir = TempDir("sig")
        let key = dir.path + "/k"
        #expect(try run(sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-f", key]).status == 0)
        let msgPath = dir.path + "/record.json"
        let msg = Data(#"{"v":1,"x":"签名"}"#.utf8)
        try msg.write(to: URL(fileURLWithPath: msgPath))
        let s = try run(sshKeygen, ["-Y", "sign", "-f", key, "-n", SSHSig.namespace, "-O", "hashalg=\(hash)", msgPath])
        #expect(s.status == 0, "\(s.stderr)")
        let armored = try String(contentsOfFile: msgPath + ".sig", encoding: .utf8)
        let signedBy = try SSHSig.verify(armored: armored, message: msg)
        let pub = try SSHPublicKey(line: try String(contentsOfFile: key + ".pub", encoding: .utf8))
        #expect(signedBy.raw == pub.raw)
        var changed = msg; changed[3] ^= 0x20
        #expect(throws: RecordsError.self) { try SSHSig.verify(armored: armored, message: changed) }
        #expect(throws: RecordsError.self) { try SSHSig.verify(armored: armored, message: msg, namespace: "file") }
        // Our own signature of the same message has the same layout (byte-identical blob
        // apart from the signature, since Ed25519 is deterministic: identical).
        let ours = try SSHSig.sign(msg, signer: try KeyFileSigner(path: key))
        if hash == "sha512" { #expect(ours == armored) }
    }

    @Test func armorDamageIsRejected() throws {
        let signer = KeyFileSigner(privateKey: .init(), comment: "x")
        let msg = Data("m".utf8)
        let a = try SSHSig.sign(msg, signer: signer)
        #expect(try SSHSig.verify(armored: a, message: msg).raw == signer.publicKey.raw)
        #expect(throws: RecordsError.self) { try SSHSig.verify(armored: "nothing", message: msg) }
        #expect(throws: RecordsError.self) { try SSHSig.verify(armored: a.replacingOccurrences(of: "U1NIU0lH", with: "U1NIU0lI"), message: msg) }
        let lines = a.split(separator: "\n")
        let truncated = ([lines[0], lines[1]] + [lines.last!]).joined(separator: "\n")
        #expect(throws: RecordsError.self) { try SSHSig.verify(armored: truncated, message: msg) }
    }
}
