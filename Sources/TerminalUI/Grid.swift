import Panel

/// Semantic style of a cell. Themes map roles to colours and attributes; meaning is never carried
/// by colour alone (every status also has a word or a marker in the text).
public enum StyleRole: String, CaseIterable, Sendable, Hashable, Codable {
    case normal, title, header, selection, cutLine, warning, error, signed, draft, recused, missing
    case dim, hint, key, border, input, focus, tie, selected, message
}

/// One terminal cell: a grapheme (empty for the right half of a wide character) and a role.
public struct Cell: Hashable, Sendable {
    public var text: String
    public var role: StyleRole
    /// True for the second cell of a wide character.
    public var continuation: Bool
    public init(text: String = " ", role: StyleRole = .normal, continuation: Bool = false) {
        self.text = text; self.role = role; self.continuation = continuation
    }
    public static let blank = Cell()
}

/// A cell grid, the only thing a view produces. Wide characters occupy two cells (the second a
/// continuation); writing over half of a wide character blanks both halves; a wide character
/// that does not fit the remaining width is never split (the cell is left blank).
public struct Grid: Sendable, Equatable {
    public static func == (a: Grid, b: Grid) -> Bool {
        a.width == b.width && a.height == b.height && a.cells == b.cells && a.cursor?.x == b.cursor?.x && a.cursor?.y == b.cursor?.y
    }
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Where the terminal cursor goes (a text field being edited), or nil to hide it.
    public var cursor: (x: Int, y: Int)?

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        cells[y * width + x]
    }

    /// Blanks the cell at (x, y), and the other half when it belongs to a wide character.
    private mutating func clear(_ x: Int, _ y: Int, role: StyleRole) {
        let i = y * width + x
        if cells[i].continuation, x > 0 {
            cells[i - 1] = Cell(text: " ", role: cells[i - 1].role)
        } else if x + 1 < width, cells[i + 1].continuation {
            cells[i + 1] = Cell(text: " ", role: cells[i + 1].role)
        }
        cells[i] = Cell(text: " ", role: role)
    }

    /// Writes `text` at (x, y) in `role`, at most `maxWidth` cells (default: to the right edge).
    /// Tabs and line breaks are shown as spaces, other controls, bidi and zero-width characters
    /// as `\u{…}` (TerminalText). Returns the number of cells written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: StyleRole = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        var cx = max(0, x)
        let limit = min(width, maxWidth.map { x + max(0, $0) } ?? width)
        // The one terminal sanitiser (TerminalText): controls, bidi and zero-width characters
        // never reach the terminal; tabs and line breaks stay spaces as below.
        for ch in TerminalText.sanitize(text, keepLineBreaks: true) {
            var w = DisplayWidth.of(ch)
            var g = String(ch)
            if ch == "\t" || ch.isNewline || (w == 0 && (ch.unicodeScalars.first?.value ?? 0) < 0x300) {
                g = " "; w = 1   // control characters never reach the terminal
            }
            if w == 0 {
                // A lone combining mark: attach to the previous cell.
                if cx > 0 {
                    let i = y * width + cx - 1
                    let j = cells[i].continuation ? i - 1 : i
                    cells[j].text += g
                }
                continue
            }
            if cx + w > limit {
                // A wide character that does not fit: blank what is left, never split it.
                if cx < limit { clear(cx, y, role: role) }
                return cx - max(0, x) + (cx < limit ? 1 : 0)
            }
            clear(cx, y, role: role)
            if w == 2 { clear(cx + 1, y, role: role) }
            cells[y * width + cx] = Cell(text: g, role: role)
            if w == 2 { cells[y * width + cx + 1] = Cell(text: "", role: role, continuation: true) }
            cx += w
        }
        return cx - max(0, x)
    }

    /// Fills `count` cells from (x, y) with spaces in `role`.
    public mutating func fill(x: Int, y: Int, count: Int, role: StyleRole) {
        guard y >= 0, y < height else { return }
        let end = min(width, x + count)
        var cx = max(0, x)
        while cx < end { clear(cx, y, role: role); cx += 1 }
    }

    /// Sets the role of `count` cells from (x, y), keeping their text.
    public mutating func paint(x: Int, y: Int, count: Int, role: StyleRole) {
        guard y >= 0, y < height else { return }
        for cx in max(0, x)..<max(max(0, x), min(width, x + count)) { cells[y * width + cx].role = role }
    }

    /// The rows as text (continuation cells omitted, trailing spaces kept), for snapshots.
    public func lines() -> [String] {
        (0..<height).map { row(at: $0) }
    }

    public func row(at y: Int) -> String {
        var s = ""
        for x in 0..<width {
            let c = cells[y * width + x]
            if !c.continuation { s += c.text }
        }
        return s
    }

    /// Rows as text plus a second line per row naming the role of each cell by its first letter
    /// of `roleCode` — lets snapshot tests see styling without colour.
    public func roleLines() -> [String] {
        (0..<height).map { y in
            var s = ""
            for x in 0..<width { s += String(Grid.roleCode(cells[y * width + x].role)) }
            return s
        }
    }

    public static func roleCode(_ r: StyleRole) -> Character {
        switch r {
        case .normal: return "."
        case .title: return "T"
        case .header: return "H"
        case .selection: return "S"
        case .cutLine: return "C"
        case .warning: return "W"
        case .error: return "E"
        case .signed: return "g"
        case .draft: return "d"
        case .recused: return "r"
        case .missing: return "m"
        case .dim: return ","
        case .hint: return "h"
        case .key: return "k"
        case .border: return "b"
        case .input: return "i"
        case .focus: return "F"
        case .tie: return "t"
        case .selected: return "s"
        case .message: return "M"
        }
    }
}

extension Grid {
    /// Starts a row of a list: the whole row in the selection role when selected, and a ▶
    /// marker so the selection shows without colour. Returns the row's base role.
    public mutating func listRow(_ y: Int, selected: Bool) -> StyleRole {
        let base: StyleRole = selected ? .selection : .normal
        fill(x: 0, y: y, count: width, role: base)
        if selected { put("▶", x: 0, y: y, role: base) }
        return base
    }
}

/// Text layout by cell width.
public enum TextLayout {
    /// Wraps `text` to lines of at most `width` cells. Newlines in the text start new lines;
    /// wide characters are never split; ASCII words are kept whole when they fit a line.
    /// Line-start punctuation (，。、；：？！）」』”’ …) is not left at the start of a line when
    /// it can hang at the end of the previous one (a simple 避头 rule).
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var out: [String] = []
        for para in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lw = 0
            var chars = Array(para.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\t", with: " "))
            var i = 0
            if chars.isEmpty { out.append(""); continue }
            while i < chars.count {
                let ch = chars[i]
                // ASCII word: take it whole if it fits on a fresh line.
                if ch.isASCII && ch != " " {
                    var j = i
                    while j < chars.count && chars[j].isASCII && chars[j] != " " { j += 1 }
                    let word = String(chars[i..<j])
                    let ww = DisplayWidth.of(word)
                    if lw + ww <= width {
                        line += word; lw += ww; i = j; continue
                    }
                    if ww <= width && lw > 0 {
                        out.append(line); line = ""; lw = 0; continue
                    }
                    // longer than a line: break it by characters below
                }
                let cw = DisplayWidth.of(ch)
                if lw == 0 && cw > width {
                    // a wide character on a line narrower than it: it takes the line alone
                    // (breaking before it again would loop for ever)
                    line.append(ch); lw += cw; i += 1
                    continue
                }
                if lw + cw > width {
                    // 避头尾 (GB/T 15834, W3C clreq): closing punctuation may not start a line
                    // and opening punctuation may not end one, and ——/…… are not split. Carry
                    // the tail of this line down with `ch`: the run of closing marks before it
                    // and the character they follow, or the opening marks the line ends with.
                    var cut = line.count
                    let chars0 = Array(line)
                    if noLineStart.contains(ch) || (inseparable.contains(ch) && chars0.last == ch) {
                        while cut > 0 && (noLineStart.contains(chars0[cut - 1]) || (inseparable.contains(ch) && chars0[cut - 1] == ch)) { cut -= 1 }
                        if cut > 0 { cut -= 1 }
                        // an ASCII word goes down whole
                        if cut < chars0.count, chars0[cut].isASCII, chars0[cut] != " " {
                            while cut > 0, chars0[cut - 1].isASCII, chars0[cut - 1] != " " { cut -= 1 }
                        }
                    }
                    while cut > 0 && noLineEnd.contains(chars0[cut - 1]) { cut -= 1 }
                    let moved = String(chars0[cut...])
                    if cut > 0 && cut < chars0.count && DisplayWidth.of(moved) + cw <= width {
                        out.append(String(chars0[..<cut]))
                        line = moved; lw = DisplayWidth.of(moved)
                        continue
                    }
                    out.append(line); line = ""; lw = 0
                    if ch == " " { i += 1 }
                    continue
                }
                line.append(ch); lw += cw; i += 1
            }
            chars.removeAll()
            out.append(line)
        }
        return out.map { l in
            var t = l
            while t.last == " " { t.removeLast() }
            return t
        }
    }

    static let noLineStart: Set<Character> = ["，", "。", "、", "；", "：", "？", "！", "）", "」", "』", "”", "’", "》", "〉", "】", "〕", "］", "｝", "·", "〗", "．", "％",
                                              ",", ".", ";", ":", "?", "!", ")", "]", "}", "%"]
    /// Opening punctuation, which may not end a line.
    static let noLineEnd: Set<Character> = ["（", "「", "『", "“", "‘", "《", "〈", "【", "〔", "［", "｛", "〖", "(", "[", "{"]
    /// Marks written doubled (——, ……) whose halves stay on one line.
    static let inseparable: Set<Character> = ["—", "…"]
}
