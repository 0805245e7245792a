import Foundation
import Testing
@testable import Panel

/// Issue 15: the escaper of the notice page, and the programme's settings for that page.
@Suite struct HTMLTextTests {
    /// U+FFFE, U+FDD0, U+10FFFF (Swift's literals refuse noncharacters).
    static let nonchars = String(String.UnicodeScalarView([0xFFFE, 0xFDD0, 0x10FFFF].compactMap(Unicode.Scalar.init)))

    @Test func everyMarkupCharacterAndEveryUnsafeScalarIsInert() {
        #expect(HTMLText.escape("<script>alert('x')</script>") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
        #expect(HTMLText.escape("a\"b&c") == "a&quot;b&amp;c")
        #expect(HTMLText.escape("&#x202E;") == "&amp;#x202E;")
        // Bidi, zero-width, C0, C1, DEL, BOM, tags, noncharacters: visible, never raw.
        #expect(HTMLText.escape("张\u{202E}傅\u{2066}\u{200B}\u{1B}[2J\u{07}\u{9B}\u{7F}\u{FEFF}\u{E0041}" + Self.nonchars)
                == "张\\u{202E}傅\\u{2066}\\u{200B}\\u{1B}[2J\\u{7}\\u{9B}\\u{7F}\\u{FEFF}\\u{E0041}\\u{FFFE}\\u{FDD0}\\u{10FFFF}")
        // Line breaks: one line per cell, or <br/> where asked.
        #expect(HTMLText.escape("a\nb\r\tc") == "a b  c")
        #expect(HTMLText.escape("a\nb", keepLineBreaks: true) == "a<br/>b")
        // Chinese text and emoji pass as they are; a zero-width joiner is shown, as on a terminal.
        #expect(HTMLText.escape("王师傅 “工匠” 👷🏽") == "王师傅 “工匠” 👷🏽")
        #expect(HTMLText.escape("👷\u{200D}♀") == "👷\\u{200D}♀")
    }

    @Test func theDeedsExtractCountsCharactersAsAReaderDoes() {
        #expect(HTMLText.extract("长期扎根一线，\n攻克难题。", limit: 100) == "长期扎根一线， 攻克难题。")
        #expect(HTMLText.extract("长期扎根一线攻克难题", limit: 4) == "长期扎根…")
        #expect(HTMLText.extract("👷🏽‍♀️👷🏽‍♀️👷🏽‍♀️", limit: 2) == "👷🏽‍♀️👷🏽‍♀️…")
        #expect(HTMLText.extract("", limit: 5) == "")
        #expect(HTMLText.extract("abc", limit: 0) == "")
    }

    @Test func theNoticeSettingsAreChecked() throws {
        let base = try #require(Templates.yaml("shanghai-craftsman"))
        func with(_ extra: String) -> String { base.replacingOccurrences(of: "  working_days: true\n", with: "  working_days: true\n" + extra) }
        let ok = try Templates.decode(with("  deeds_chars: 60\n  objections: {zh: 寄信至某处, en: Write to X}\n"), id: "shanghai-craftsman")
        #expect(ok.noticeRule.deedsChars == 60 && ok.noticeRule.objections?.zh == "寄信至某处")
        #expect(ok.schemaProblems().isEmpty)
        for bad in ["  deeds_chars: 0\n", "  deeds_chars: -3\n", "  deeds_chars: 100000\n"] {
            do {
                _ = try YAMLFile.decode(Program.self, text: with(bad), path: "p.yaml")
                Issue.record("no error for \(bad)")
            } catch let e as InputError {
                #expect(e.field == "publicity.deeds_chars", "\(e)")
            } catch { Issue.record("\(error)") }
        }
        do {
            _ = try YAMLFile.decode(Program.self, text: with("  objections: {zh: x, en: y, fr: z}\n"), path: "p.yaml")
            Issue.record("no error for an unknown key")
        } catch let e as InputError {
            #expect(e.description.contains("fr"), "\(e)")
        } catch { Issue.record("\(error)") }
    }

    /// The Markdown export keeps a hostile value in its cell and on its line.
    @Test func aMarkdownCellStaysACell() {
        #expect(MarkdownText.cell("王建国") == "王建国")
        #expect(MarkdownText.cell("a|b") == "a\\|b")
        #expect(MarkdownText.cell("理由\n## 伪造的标题\n| D9 | 入选 |") == "理由\\n## 伪造的标题\\n\\| D9 \\| 入选 \\|")
        #expect(MarkdownText.cell("x\u{202E}y\u{1B}[2J") == "x\\u{202E}y\\u{1B}[2J")
    }
}
