import Foundation
import Panel
import Records
import Review
import Testing
@testable import TerminalUI

/// Issue 14: a fork a sync found (one member, two different signed records at one seq, both
/// kept) is named in the terminal UI, rendered headless over the real store; what is kept must
/// prove it, so a file placed there by hand names no one.
@Suite struct GitForkUITests {
    static func ui(_ store: String, as member: String) throws -> AppController {
        let session = try ReviewSession(root: store)
        return AppController(backend: try SessionBackend(session: session, member: member, signer: nil), lang: .en, size: (150, 30))
    }

    static func title(_ c: AppController) -> String { c.frame().lines()[0] }

    @Test func theUINamesTheMemberWhoForked() throws {
        let h = try GitHosts()
        try h.score(h.a, "m1", "D001", 20)
        try h.score(h.b, "m1", "D002", 10)
        #expect(try h.sync(h.a).status == 0)
        // Open on host B before its sync: no fork yet.
        let open = try Self.ui(h.b, as: "sec")
        #expect(!Self.title(open).contains("fork"), "\(Self.title(open))")
        let r = try h.sync(h.b)
        #expect(r.status == 1 && r.stderr.contains("fork: member m1"), "\(r.stderr)")
        // The open UI sees the fork at its next poll (no record changed on B: the fork folder did).
        #expect(open.poll())
        let line = "fork: member m1 signed two different records at seq 1"
        #expect(Self.title(open).contains(line), "\(Self.title(open))")
        let g = open.frame()
        for y in 0..<g.height { #expect(DisplayWidth.of(g.row(at: y)) == g.width, "row \(y): \(g.row(at: y))") }
        // A UI opened afterwards, as another member, on another screen.
        let later = try Self.ui(h.b, as: "m2")
        #expect(Self.title(later).contains(line), "\(Self.title(later))")
        later.send(.key(.enter))
        #expect(Self.title(later).contains(line), "\(Self.title(later))")
        // Host A, whose sync found nothing, shows none.
        #expect(!Self.title(try Self.ui(h.a, as: "sec")).contains("fork"))

        // Hostile: what is kept must prove the fork.
        let forks = try FileManager.default.contentsOfDirectory(atPath: h.b + "/" + ForkEvidence.folder)
        let kept = h.b + "/" + ForkEvidence.folder + "/" + (forks.first ?? "") + "/records/m1/000/000001.json"
        let json = try Data(contentsOf: URL(fileURLWithPath: kept)), sig = try Data(contentsOf: URL(fileURLWithPath: kept + ".sig"))
        func shows() throws -> Bool { Self.title(try Self.ui(h.b, as: "sec")).contains("fork") }
        func restore() throws {
            try json.write(to: URL(fileURLWithPath: kept))
            try sig.write(to: URL(fileURLWithPath: kept + ".sig"))
        }
        // Signed by another member's key (m2 "framing" m1).
        try FileManager.default.removeItem(atPath: kept + ".sig")
        #expect(try Harness.run("/usr/bin/ssh-keygen", ["-Y", "sign", "-f", h.fx.key("m2"), "-n", "review-record@pingshen", kept]).status == 0)
        #expect(try !shows())
        try restore()
        #expect(try shows())
        // The record edited after it was signed.
        try Data(String(decoding: json, as: UTF8.self).replacingOccurrences(of: "\"D001\"", with: "\"D003\"").utf8).write(to: URL(fileURLWithPath: kept))
        #expect(try !shows())
        try restore()
        // Kept at another seq than the record's own.
        let moved = (kept as NSString).deletingLastPathComponent + "/000002.json"
        try FileManager.default.moveItem(atPath: kept, toPath: moved)
        try FileManager.default.moveItem(atPath: kept + ".sig", toPath: moved + ".sig")
        #expect(try !shows())
        try FileManager.default.moveItem(atPath: moved, toPath: kept)
        try FileManager.default.moveItem(atPath: moved + ".sig", toPath: kept + ".sig")
        // This host's own record copied there: the same record twice is no fork.
        let fake = h.b + "/" + ForkEvidence.folder + "/fake/records/m1/000"
        try FileManager.default.createDirectory(atPath: fake, withIntermediateDirectories: true)
        try FileManager.default.removeItem(atPath: kept)
        try FileManager.default.copyItem(atPath: h.b + "/records/m1/000/000001.json", toPath: kept)
        try FileManager.default.removeItem(atPath: kept + ".sig")
        try FileManager.default.copyItem(atPath: h.b + "/records/m1/000/000001.json.sig", toPath: kept + ".sig")
        // …and a FIFO and a folder where records would be: skipped, nothing hangs.
        #expect(mkfifo(fake + "/000001.json", 0o600) == 0)
        try FileManager.default.createDirectory(atPath: fake + "/000001.json.sig", withIntermediateDirectories: true)
        #expect(try !shows())
        try restore()
        #expect(try shows())
    }
}
