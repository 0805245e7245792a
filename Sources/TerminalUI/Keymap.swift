import Panel

/// Where a key is pressed. One table maps (context, key) to an action; the same table gives
/// the status-bar hints and the `?` help overlay (as gitui does).
public enum KeyContext: String, CaseIterable, Sendable, Hashable {
    case global, list, dossier, sheet, confirm, search, help
    case progress, ranking, breakdown, finalize, eligibility, objections
    case desk, form, roster
    case groups, assignment
}

public enum Action: String, Sendable, Hashable, CaseIterable {
    case up, down, pageUp, pageDown, top, bottom, left, right
    case open, back, score, search, sort, quit, help, sign
    case confirmYes, confirmNo, nextField, prevField, toggle
    case progress, ranking, breakdown, finalize, eligibility, objections
    case quotaLine
    case language, theme
    // The secretary's work (issue 17).
    case desk, signCheck, decide, add, remove, outcome
    // Field groups (issue 13): the secretary signs a (re-)assignment.
    case reassign
}

public struct KeyBinding: Sendable {
    public var contexts: [KeyContext]
    public var keys: [Key]
    public var action: Action
    /// How the keys are written in hints ("↑/k").
    public var label: String
    public var zh: String
    public var en: String
    /// Shown in the status bar (the help overlay shows everything).
    public var inBar: Bool
    public func hint(_ lang: Language) -> String { lang.pick(zh, en) }
}

public enum Keymap {
    static let lists: [KeyContext] = [.list, .dossier, .progress, .ranking, .breakdown, .finalize, .eligibility, .objections, .desk, .roster, .help, .confirm, .groups, .assignment]
    static let browse: [KeyContext] = [.list, .progress, .ranking, .breakdown, .finalize, .eligibility, .objections, .desk, .roster, .groups, .assignment]
    static let quitting: [KeyContext] = [.list, .dossier, .sheet, .progress, .ranking, .breakdown, .finalize, .eligibility, .objections, .desk, .roster, .form, .groups, .assignment]
    /// Actions the hint bar keeps at any width (drawn last, at the right, and never dropped).
    public static let pinned: Set<Action> = [.help, .quit]

    /// The table. Order matters: the first binding for a context and key wins, and bar hints
    /// appear in this order.
    public static let bindings: [KeyBinding] = [
        KeyBinding(contexts: lists, keys: [.up, .char("k")], action: .up, label: "↑/k", zh: "上移", en: "up", inBar: false),
        KeyBinding(contexts: lists, keys: [.down, .char("j")], action: .down, label: "↓/j", zh: "下移", en: "down", inBar: false),
        KeyBinding(contexts: lists, keys: [.pageUp], action: .pageUp, label: "PgUp", zh: "上页", en: "page up", inBar: false),
        KeyBinding(contexts: lists, keys: [.pageDown], action: .pageDown, label: "PgDn", zh: "下页", en: "page down", inBar: false),
        KeyBinding(contexts: lists, keys: [.char("g"), .home], action: .top, label: "g", zh: "到顶", en: "top", inBar: false),
        KeyBinding(contexts: lists, keys: [.char("G"), .end], action: .bottom, label: "G", zh: "到底", en: "bottom", inBar: false),
        KeyBinding(contexts: [.progress], keys: [.left, .char("h")], action: .left, label: "←/h", zh: "左移", en: "left", inBar: false),
        KeyBinding(contexts: [.progress], keys: [.right, .char("l")], action: .right, label: "→/l", zh: "右移", en: "right", inBar: false),
        KeyBinding(contexts: [.list, .ranking, .progress, .eligibility, .objections, .desk], keys: [.enter], action: .open, label: "Enter", zh: "打开", en: "open", inBar: true),
        KeyBinding(contexts: [.groups], keys: [.enter], action: .open, label: "Enter", zh: "逐份进度", en: "per dossier", inBar: true),
        KeyBinding(contexts: [.assignment], keys: [.char("a")], action: .reassign, label: "a", zh: "签署（重新）分配", en: "sign the (re-)assignment", inBar: true),
        // The secretary's desk and its screens (issue 17); in a form Tab/↓ and S-Tab/↑ move
        // between fields as in the sheet, ←/→ and Space change a choice, Ctrl-S signs.
        KeyBinding(contexts: [.eligibility], keys: [.ctrl("s"), .function(9)], action: .signCheck, label: "Ctrl-S", zh: "签署审核结果", en: "sign the check", inBar: true),
        KeyBinding(contexts: [.eligibility], keys: [.char("d")], action: .decide, label: "d", zh: "改判/核实", en: "decide", inBar: true),
        KeyBinding(contexts: [.objections], keys: [.char("a")], action: .add, label: "a", zh: "登记异议", en: "record an objection", inBar: true),
        KeyBinding(contexts: [.objections], keys: [.char("u")], action: .outcome, label: "u", zh: "处理结果", en: "outcome", inBar: true),
        KeyBinding(contexts: [.roster], keys: [.char("a")], action: .add, label: "a", zh: "添加成员", en: "add a member", inBar: true),
        KeyBinding(contexts: [.roster], keys: [.char("d")], action: .remove, label: "d", zh: "移除成员", en: "remove a member", inBar: true),
        KeyBinding(contexts: [.list, .dossier, .eligibility, .objections, .roster], keys: [.char("w")], action: .desk, label: "w", zh: "秘书工作台", en: "secretary's desk", inBar: true),
        KeyBinding(contexts: [.form], keys: [.tab, .down], action: .nextField, label: "Tab", zh: "下一项", en: "next field", inBar: true),
        KeyBinding(contexts: [.form], keys: [.backTab, .up], action: .prevField, label: "S-Tab", zh: "上一项", en: "previous field", inBar: false),
        KeyBinding(contexts: [.form], keys: [.left], action: .left, label: "←", zh: "改选", en: "change", inBar: false),
        KeyBinding(contexts: [.form], keys: [.right], action: .right, label: "→", zh: "改选", en: "change", inBar: false),
        KeyBinding(contexts: [.form], keys: [.pageUp], action: .pageUp, label: "PgUp", zh: "上页", en: "page up", inBar: false),
        KeyBinding(contexts: [.form], keys: [.pageDown], action: .pageDown, label: "PgDn", zh: "下页", en: "page down", inBar: false),
        KeyBinding(contexts: [.form], keys: [.char(" ")], action: .toggle, label: "Space", zh: "切换", en: "toggle", inBar: false),
        KeyBinding(contexts: [.form], keys: [.ctrl("s"), .function(9)], action: .sign, label: "Ctrl-S", zh: "提交", en: "submit", inBar: true),
        KeyBinding(contexts: [.list, .dossier, .breakdown, .ranking], keys: [.char("s")], action: .score, label: "s", zh: "评分", en: "score", inBar: true),
        KeyBinding(contexts: [.list], keys: [.char("/")], action: .search, label: "/", zh: "搜索", en: "search", inBar: true),
        KeyBinding(contexts: [.list], keys: [.char("o")], action: .sort, label: "o", zh: "排序", en: "sort", inBar: true),
        KeyBinding(contexts: [.dossier], keys: [.char("b")], action: .breakdown, label: "b", zh: "各评委评分", en: "panel scores", inBar: true),
        KeyBinding(contexts: [.ranking], keys: [.char("b")], action: .breakdown, label: "b", zh: "评分明细", en: "breakdown", inBar: true),
        KeyBinding(contexts: [.sheet], keys: [.tab, .down], action: .nextField, label: "Tab", zh: "下一项", en: "next field", inBar: true),
        KeyBinding(contexts: [.sheet], keys: [.backTab, .up], action: .prevField, label: "S-Tab", zh: "上一项", en: "previous field", inBar: false),
        KeyBinding(contexts: [.sheet, .finalize], keys: [.left], action: .left, label: "←", zh: "改选", en: "change", inBar: false),
        KeyBinding(contexts: [.sheet, .finalize], keys: [.right], action: .right, label: "→", zh: "改选", en: "change", inBar: false),
        KeyBinding(contexts: [.sheet, .finalize], keys: [.char(" ")], action: .toggle, label: "Space", zh: "切换", en: "toggle", inBar: false),
        KeyBinding(contexts: [.sheet, .finalize], keys: [.ctrl("s"), .function(9)], action: .sign, label: "Ctrl-S/F9", zh: "签名提交", en: "sign", inBar: true),
        KeyBinding(contexts: [.confirm], keys: [.char("y"), .char("Y")], action: .confirmYes, label: "y", zh: "确认签名", en: "confirm", inBar: true),
        KeyBinding(contexts: [.confirm], keys: [.char("n"), .char("N"), .escape], action: .confirmNo, label: "n/Esc", zh: "取消", en: "cancel", inBar: true),
        KeyBinding(contexts: [.list, .dossier, .ranking, .breakdown, .eligibility, .objections], keys: [.char("p")], action: .progress, label: "p", zh: "进度", en: "progress", inBar: true),
        KeyBinding(contexts: [.list, .dossier, .progress, .breakdown, .eligibility, .objections, .groups], keys: [.char("r")], action: .ranking, label: "r", zh: "排名", en: "ranking", inBar: true),
        KeyBinding(contexts: [.ranking], keys: [.char("=")], action: .quotaLine, label: "=", zh: "到名额线", en: "to the quota line", inBar: false),
        KeyBinding(contexts: [.ranking, .progress], keys: [.char("f")], action: .finalize, label: "f", zh: "定稿", en: "finalize", inBar: true),
        KeyBinding(contexts: [.list, .dossier, .progress, .ranking, .objections], keys: [.char("e")], action: .eligibility, label: "e", zh: "资格审核", en: "qualification", inBar: true),
        KeyBinding(contexts: [.list, .dossier, .progress, .ranking, .eligibility], keys: [.char("x")], action: .objections, label: "x", zh: "异议", en: "objections", inBar: true),
        KeyBinding(contexts: [.search], keys: [.enter], action: .open, label: "Enter", zh: "完成", en: "done", inBar: true),
        KeyBinding(contexts: [.search], keys: [.escape], action: .back, label: "Esc", zh: "清除搜索", en: "clear search", inBar: true),
        KeyBinding(contexts: [.dossier, .sheet, .progress, .ranking, .breakdown, .finalize, .eligibility, .objections, .desk, .form, .roster, .help, .groups, .assignment], keys: [.escape], action: .back, label: "Esc", zh: "返回", en: "back", inBar: true),
        KeyBinding(contexts: [.help], keys: [.char("?"), .char("q"), .enter], action: .back, label: "?", zh: "关闭帮助", en: "close help", inBar: false),
        // `q` quits from every screen that is not a text field (issue 17); drafts are saved on
        // every keystroke, so nothing typed is lost. In help it closes help (the binding above);
        // in a confirmation only y/n answer; in text fields (search, comments, reasons) it is text.
        KeyBinding(contexts: quitting, keys: [.char("q")], action: .quit, label: "q", zh: "退出", en: "quit", inBar: true),
        KeyBinding(contexts: [.list, .dossier, .progress, .ranking, .breakdown, .eligibility, .objections, .finalize, .desk, .roster, .form, .groups, .assignment], keys: [.char("?")], action: .help, label: "?", zh: "帮助", en: "help", inBar: true),
        // Preferences (issue 17): kept per member, so the SSH forced command needs no arguments.
        KeyBinding(contexts: browse + [.dossier], keys: [.char("L")], action: .language, label: "L", zh: "切换语言（English）", en: "switch language (中文)", inBar: false),
        KeyBinding(contexts: browse + [.dossier], keys: [.char("T")], action: .theme, label: "T", zh: "切换配色", en: "next colour theme", inBar: false),
        KeyBinding(contexts: [.global], keys: [.function(1)], action: .help, label: "F1", zh: "帮助", en: "help", inBar: false),
    ]

    /// The action for a key in a context (global bindings apply everywhere except in help).
    public static func action(for key: Key, in context: KeyContext) -> Action? {
        for b in bindings where b.contexts.contains(context) && b.keys.contains(key) { return b.action }
        if context != .help { for b in bindings where b.contexts.contains(.global) && b.keys.contains(key) { return b.action } }
        return nil
    }

    /// Bindings that apply in a context, in table order.
    public static func bindings(in context: KeyContext) -> [KeyBinding] {
        bindings.filter { $0.contexts.contains(context) } + bindings.filter { $0.contexts.contains(.global) }
    }

    /// The status-bar text of a context: "Enter 打开  s 评分 …".
    public static func hintBar(_ context: KeyContext, _ lang: Language, allowed: (Action) -> Bool = { _ in true }) -> [(key: String, text: String, action: Action)] {
        var seen = Set<Action>()
        var out: [(String, String, Action)] = []
        for b in bindings(in: context) where b.inBar && allowed(b.action) && !seen.contains(b.action) {
            seen.insert(b.action)
            out.append((b.label, b.hint(lang), b.action))
        }
        return out
    }
}
