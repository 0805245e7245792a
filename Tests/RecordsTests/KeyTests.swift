import Foundation
import Testing
import Panel
@testable import Records

@Suite struct KeyTests {
    @Test func keygenWritesWhatSSHKeygenReads() throws {
        let dir = TempDir("keys")
        let path = dir.path + "/id_test"
        try KeyGen.write(to: path, comment: "张三@panel")
        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o600)
        let pub = try String(contentsOfFile: path + ".pub", encoding: .utf8)
        #expect(pub.hasPrefix("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA"))
        // ssh-keygen derives the same public key from our private key file…
        let y = try run(sshKeygen, ["-y", "-f", path])
        #expect(y.status == 0, "\(y.stderr)")
        let derived = try SSHPublicKey(line: y.stdout)
        let written = try SSHPublicKey(line: pub)
        #expect(derived.raw == written.raw)
        #expect(written.comment == "张三@panel")
        // …and prints the same fingerprint.
        let l = try run(sshKeygen, ["-l", "-f", path + ".pub"])
        #expect(l.stdout.contains(written.fingerprint), "\(l.stdout)")
        // Our reader reads it back.
        let signer = try KeyFileSigner(path: path)
        #expect(signer.publicKey.raw == written.raw)
        #expect(signer.publicKey.comment == "张三@panel")
        // Never overwrites.
        #expect(throws: RecordsError.self) { try KeyGen.write(to: path, comment: "again") }
    }

    @Test func readsKeysMadeBySSHKeygen() throws {
        let dir = TempDir("keys")
        let path = dir.path + "/k"
        let g = try run(sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", "made by ssh-keygen", "-f", path])
        #expect(g.status == 0, "\(g.stderr)")
        let signer = try KeyFileSigner(path: path)
        let pub = try SSHPublicKey(line: try String(contentsOfFile: path + ".pub", encoding: .utf8))
        #expect(signer.publicKey.raw == pub.raw)
        #expect(signer.publicKey.comment == "made by ssh-keygen")
        #expect(pub.line == (try String(contentsOfFile: path + ".pub", encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func encryptedKeyTellsToUseSSHAdd() throws {
        let dir = TempDir("keys")
        let path = dir.path + "/enc"
        let g = try run(sshKeygen, ["-q", "-t", "ed25519", "-N", "secret passphrase", "-f", path])
        #expect(g.status == 0, "\(g.stderr)")
        do {
            _ = try KeyFileSigner(path: path)
            Issue.record("an encrypted key was accepted")
        } catch let e as RecordsError {
            #expect(e.en.contains("ssh-add \(path)"))
            #expect(e.zh.contains("ssh-add"))
        }
    }

    @Test func otherKeyTypesAndGarbageAreRefusedClearly() throws {
        let dir = TempDir("keys")
        let path = dir.path + "/rsa"
        let g = try run(sshKeygen, ["-q", "-t", "ecdsa", "-N", "", "-f", path])
        #expect(g.status == 0, "\(g.stderr)")
        #expect { try KeyFileSigner(path: path) } throws: { ($0 as? RecordsError)?.en.contains("ssh-ed25519") == true }
        #expect { try SSHPublicKey(line: try String(contentsOfFile: path + ".pub", encoding: .utf8)) } throws: {
            ($0 as? RecordsError)?.en.contains("only ssh-ed25519") == true
        }
        try Data("hello".utf8).write(to: URL(fileURLWithPath: dir.path + "/junk"))
        #expect(throws: RecordsError.self) { try KeyFileSigner(path: dir.path + "/junk") }
        #expect(throws: RecordsError.self) { try KeyFileSigner(path: dir.path + "/missing") }
        #expect(throws: RecordsError.self) { try SSHPublicKey(line: "ssh-ed25519 !!!") }
        #expect(throws: RecordsError.self) { try SSHPublicKey(line: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==") }
    }

    @Test func privateKeyFormatIsDeterministicForAGivenCheckint() throws {
        let (text, line) = KeyGen.generate(comment: "c")
        let parsed = try OpenSSHPrivateKey.parse(text, path: "mem")
        #expect(parsed.publicKey.raw == (try SSHPublicKey(line: line)).raw)
        for l in text.split(separator: "\n") { #expect(l.count <= 70) }
        let again = OpenSSHPrivateKey.encode(parsed.privateKey, comment: "c", checkint: 7)
        #expect(again == OpenSSHPrivateKey.encode(parsed.privateKey, comment: "c", checkint: 7))
        #expect((try OpenSSHPrivateKey.parse(again, path: "mem")).publicKey.raw == parsed.publicKey.raw)
    }
}
