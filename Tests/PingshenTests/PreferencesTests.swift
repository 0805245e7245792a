import Foundation
import Testing
import Panel
import Review

/// The member's language and theme, kept beside their drafts (issue 17). Whoever can write the
/// store can write this file: it is read as a small regular file or not at all, and only
/// values the UI itself can choose are taken from it.
@Suite struct PreferencesTests {
    func drafts() throws -> (Drafts, String) {
        let root = try Harness.tempDir("prefs")
        return (Drafts(layout: StoreLayout(root)), root + "/drafts/m1")
    }

    @Test func savedAndReadBack() throws {
        let (d, dir) = try drafts()
        #expect(d.preferences(member: "m1") == nil)
        try d.savePreferences(member: "m1", MemberPreferences(lang: "en", theme: "high-contrast"))
        #expect(d.preferences(member: "m1") == MemberPreferences(lang: "en", theme: "high-contrast"))
        let mode = try FileManager.default.attributesOfItem(atPath: dir)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        // Not a draft: the chair's progress grid does not count it.
        #expect(d.dossiers(of: "m1").isEmpty)
    }

    @Test func hostileFilesAreIgnored() throws {
        let (d, dir) = try drafts()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/.preferences.json"
        // A theme that is a path, a language that is not one: dropped.
        try Data(#"{"lang":"fr","theme":"/etc/passwd"}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect(d.preferences(member: "m1") == MemberPreferences())
        // Garbage, invalid UTF-8, a huge file: nil, at once.
        for bytes in [Data("{".utf8), Data([0xff, 0xfe, 0x00]), Data(repeating: 0x20, count: 1 << 20)] {
            try bytes.write(to: URL(fileURLWithPath: path))
            #expect(d.preferences(member: "m1") == nil)
        }
        // A FIFO is never opened for a blocking read.
        try FileManager.default.removeItem(atPath: path)
        #expect(mkfifo(path, 0o600) == 0)
        let start = Date()
        #expect(d.preferences(member: "m1") == nil)
        #expect(Date().timeIntervalSince(start) < 5)
        // An unsafe member id is refused, not joined into a path.
        #expect(throws: (any Error).self) { try d.savePreferences(member: "../m2", MemberPreferences(lang: "en")) }
        #expect(d.preferences(member: "../m2") == nil)
    }
}
