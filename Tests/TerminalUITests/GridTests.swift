import Panel
import Testing
@testable import TerminalUI

@Suite struct GridTests {
    @Test func wideCharactersTakeTwoCells() {
        var g = Grid(width: 10, height: 1)
        let w = g.put("评审ab", x: 0, y: 0)
        #expect(w == 6)
        #expect(g[0, 0].text == "评" && g[1, 0].continuation)
        #expect(g[2, 0].text == "审" && g[3, 0].continuation)
        #expect(g[4, 0].text == "a")
        #expect(g.row(at: 0) == "评审ab    ")
    }

    @Test func overwritingHalfAWideCharacterBlanksBothHalves() {
        var g = Grid(width: 6, height: 1)
        g.put("工匠", x: 0, y: 0)
        g.put("x", x: 1, y: 0)      // right half of 工
        #expect(g.row(at: 0) == " x匠  ")
        g.put("y", x: 2, y: 0)      // left half of 匠
        #expect(g.row(at: 0) == " xy   ")
        #expect(!g[3, 0].continuation)
    }

    @Test func aWideCharacterIsNeverSplitAtTheEdge() {
        var g = Grid(width: 5, height: 1)
        g.put("上海工匠", x: 0, y: 0)
        #expect(g.row(at: 0) == "上海 ")
        #expect(DisplayWidth.of(g.row(at: 0)) == 5)
        var h = Grid(width: 8, height: 1)
        h.put("工匠评审", x: 1, y: 0, maxWidth: 4)
        #expect(h.row(at: 0) == " 工匠   ")
    }

    @Test func controlCharactersNeverReachTheTerminal() {
        var g = Grid(width: 12, height: 1)
        g.put("a\tb\nc\u{1B}", x: 0, y: 0)
        #expect(!g.row(at: 0).contains("\t") && !g.row(at: 0).contains("\n") && !g.row(at: 0).contains("\u{1B}"))
        // Tabs and line breaks are spaces; ESC is made visible by the one sanitiser (TerminalText).
        #expect(g.row(at: 0) == "a b c\\u{1B} ")
    }

    @Test func punctuationAndDashesAreNarrow() {
        var g = Grid(width: 9, height: 1)
        #expect(g.put("“绝技”…—", x: 0, y: 0) == 8)
        #expect(g.row(at: 0) == "“绝技”…— ")
    }

    @Test func writesOutsideTheGridAreIgnored() {
        var g = Grid(width: 4, height: 2)
        #expect(g.put("x", x: 0, y: 5) == 0)
        #expect(g.put("x", x: 9, y: 0) == 0)
        g.put("abcdef", x: -2, y: 1)
        #expect(g.row(at: 1).count == 4)
    }

    @Test(arguments: [1, 2, 3, 7, 20, 40])
    func wrapNeverExceedsTheWidthAndKeepsEveryCharacter(_ width: Int) {
        let text = "他主持完成“高精度叶片五轴联动加工”等攻关项目十余项——其中三项填补国内空白…Saved 3,000,000 yuan; 带徒 36 名。"
        let lines = TextLayout.wrap(text, width: width)
        for l in lines { #expect(DisplayWidth.of(l) <= max(width, 2), "\(l) exceeds \(width)") }
        let joined = lines.joined().replacingOccurrences(of: " ", with: "")
        #expect(joined == text.replacingOccurrences(of: " ", with: ""))
    }

    @Test func wrapKeepsClosingPunctuationOffTheLineStart() {
        // "十个字的句子，" : the comma would start line 2 at width 12; it takes the previous char with it.
        let lines = TextLayout.wrap("一二三四五六，七八", width: 12)
        #expect(lines.count == 2)
        #expect(!(lines[1].first.map { TextLayout.noLineStart.contains($0) } ?? false))
        #expect(lines.joined() == "一二三四五六，七八")
    }

    /// 避头尾 at every width (issue 17, GB/T 15834 and W3C clreq): no line starts with closing
    /// punctuation (also after a run like 。” or ）。), none ends with opening punctuation, and
    /// —— and …… stay whole; nothing is lost.
    @Test(arguments: Array(8...40))
    func wrapFollowsTheChineseLineBreakingRules(_ width: Int) {
        let texts = [
            "他说：“这项工艺，我们攻关了三年。”随后（在市总工会的支持下）成立了“王师傅创新工作室”。",
            "获得《上海工匠》称号——这是对一线技能人才的最高褒奖……此后，他带徒三十六名【含高级技师八名】。",
            "主要事迹：一、攻克“卡脖子”难题；二、总结先进操作法（已推广）；三、带教徒弟二十余名，成效显著！",
        ]
        for text in texts {
            let lines = TextLayout.wrap(text, width: width)
            #expect(lines.joined() == text)
            for (k, l) in lines.enumerated() {
                #expect(DisplayWidth.of(l) <= width, "\(l) exceeds \(width)")
                if k > 0, let f = l.first { #expect(!TextLayout.noLineStart.contains(f), "line \(k) at width \(width) starts with \(f): \(lines)") }
                if k < lines.count - 1, let e = l.last { #expect(!TextLayout.noLineEnd.contains(e), "line \(k) at width \(width) ends with \(e): \(lines)") }
                if k > 0, k < lines.count, l.first == "—" || l.first == "…", let prev = lines[k - 1].last {
                    #expect(prev != l.first, "a doubled mark split at width \(width): \(lines)")
                }
            }
        }
    }

    @Test func wrapKeepsParagraphs() {
        #expect(TextLayout.wrap("甲\n\n乙", width: 10) == ["甲", "", "乙"])
        #expect(TextLayout.wrap("word wrapping keeps words", width: 10) == ["word", "wrapping", "keeps", "words"])
    }

    @Test func verticalMovesKeepTheColumn() {
        var b = TextBuffer("工匠精神ab\nxyz")          // width 5: 工匠 / 精神a / b / xyz
        b.cursor = 1                                     // after 工 (line 0, column 2)
        #expect(SheetView.verticalMove(b, width: 5, delta: -1) == nil)
        #expect(SheetView.verticalMove(b, width: 5, delta: 1) == 3)        // after 精 (column 2)
        b.cursor = 4                                     // after 精神 (line 1, column 4)
        #expect(SheetView.verticalMove(b, width: 5, delta: 1) == 6)        // end of "b" (column 1 ≤ 4)
        b.cursor = 9                                     // after xy… (line 3)
        #expect(SheetView.verticalMove(b, width: 5, delta: 1) == nil)
        #expect(SheetView.verticalMove(b, width: 5, delta: -1) == 6)
        #expect(SheetView.verticalMove(TextBuffer(""), width: 5, delta: 1) == nil)
    }

    @Test func commentLayoutPlacesTheCursor() {
        var b = TextBuffer("工匠精神")
        var (lines, cur) = SheetView.layout(b, width: 5)
        #expect(lines == ["工匠", "精神"])
        #expect(cur == (1, 4))
        b.home()
        (lines, cur) = SheetView.layout(b, width: 5)
        #expect(cur == (0, 0))
        b = TextBuffer("ab\ncd")
        b.cursor = 3
        (lines, cur) = SheetView.layout(b, width: 10)
        #expect(lines == ["ab", "cd"] && cur == (1, 0))
    }
}
