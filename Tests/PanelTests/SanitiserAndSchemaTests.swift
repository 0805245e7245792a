import Foundation
import Testing
@testable import Panel

/// Issue 16: the one terminal sanitiser, the one id rule, the YAML schema check.
@Suite struct SanitiserAndSchemaTests {
    @Test func everyUnsafeScalarIsMadeVisible() {
        for v: UInt32 in [0x00, 0x07, 0x08, 0x1B, 0x7F, 0x85, 0x9B, 0x9D, 0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F,
                          0x2028, 0x2029, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF, 0xE0041] {
            let u = Unicode.Scalar(v)!
            let out = TerminalText.sanitize("a" + String(Character(u)) + "b")
            #expect(!out.unicodeScalars.contains(u), "U+\(String(v, radix: 16))")
            #expect(out.unicodeScalars.allSatisfy { !TerminalText.isUnsafe($0) })
        }
        #expect(TerminalText.sanitize("\u{1B}]52;c;eA==\u{07}") == "\\u{1B}]52;c;eA==\\u{7}")
        #expect(TerminalText.sanitize("a\nb\tc\r") == "a\\nb\\tc\\r")
        #expect(TerminalText.sanitize("a\nb\tc\r", keepLineBreaks: true) == "a\nb\tc\\r")
        #expect(TerminalText.sanitize("王师傅 “绝招”—…é 👍🏽") == "王师傅 “绝招”—…é 👍🏽")
        // a TextTable cell cannot carry one either
        #expect(!TextTable.render(headers: ["x"], rows: [["\u{202E}a\u{1B}[2J"]]).unicodeScalars.contains { TerminalText.isUnsafe($0) && $0 != "\n" })
    }

    @Test func oneIdRule() {
        for ok in ["m1", "D-001_a.b", String(repeating: "x", count: 64)] { #expect(Identifier(ok) != nil, "\(ok)") }
        for bad in ["", ".hidden", "..", "a b", "a/b", "m1\nx", "王", String(repeating: "x", count: 65), "a\u{0}"] {
            #expect(Identifier(bad) == nil, "\(bad.debugDescription)")
            #expect(!isSafeFileName(bad))
        }
    }

    @Test func yamlErrorsNameTheLineAndTheKey() throws {
        let base = try #require(Templates.yaml("shanghai-craftsman"))
        PanelMessages.$language.withValue(.en) {
            do {
                _ = try YAMLFile.decode(Program.self, text: base.replacingOccurrences(of: "quota: 100", with: "quota: [1,"), path: "p.yaml")
                Issue.record("no error")
            } catch let e as InputError {
                #expect(e.line != nil && e.message.hasPrefix("YAML syntax error"), "\(e)")
            } catch { Issue.record("\(error)") }
            do {
                _ = try YAMLFile.decode(Program.self, text: base.replacingOccurrences(of: "  quorum: 3", with: "  quorum: -1"), path: "p.yaml")
                Issue.record("no error")
            } catch let e as InputError {
                #expect(e.field == "aggregation.quorum" && e.line == base.components(separatedBy: "\n").firstIndex(of: "  quorum: 3").map { $0 + 1 }, "\(e)")
            } catch { Issue.record("\(error)") }
            do {
                _ = try YAMLFile.decode(Roster.self, text: "members:\n- id: \"a\\nb\"\n  name: x\n  role: member\n  key: ssh-ed25519 AAAA\n", path: "r.yaml")
                Issue.record("no error")
            } catch let e as InputError {
                #expect(e.line == 2 && e.field == "members[0].id" && e.message.contains("'a\\nb'"), "\(e)")
            } catch { Issue.record("\(error)") }
        }
        // Every template passes its own schema.
        for t in Templates.all { #expect(t.schemaProblems().isEmpty, "\(t.id)") }
    }

    @Test func thresholds() {
        #expect(Aggregation.parseThreshold("2/3")! == (2, 3))
        #expect(Aggregation.parseThreshold("0.75")! == (75, 100))
        for bad in ["2/0", "3/2", "-1/3", "x", "1.5", "9223372036854775807/9223372036854775807"] {
            #expect(Aggregation.parseThreshold(bad) == nil, "\(bad)")
        }
    }
}
