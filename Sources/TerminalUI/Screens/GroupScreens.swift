import Foundation
import Panel
import Review
import Scoring

// Field groups in the UI (issue 13), two screens:
//
// - The chair's progress board (`p` when the programme has groups): one row per group with its
//   progress against the assignment in force (sheets signed / expected), Kendall's W within the
//   group (W* when members scored different dossiers: W for incomplete rankings, Durbin's test), its outliers, its stability at the quota line, and the members who are behind,
//   named, with how many dossiers they have open; the selected group's details below. Enter
//   opens the per-dossier grid.
// - The secretary's assignment screen (desk step 7): the loads per member and group, the pairs
//   kept apart (same unit, declared conflict, recusal), the dossiers nobody is assigned (no
//   group matches their field, grouping not signed, a group without members), and what a
//   re-assignment would do after a recusal or a removal; `a` signs it, through the session's
//   `assign` code (`ReviewSession.assignmentProposal`), after the confirmation.

/// The chair's board: per group its progress and statistics (`GroupProgress`, `GroupStatistics`).
public struct GroupBoard: Sendable {
    public var progress: [GroupProgress]
    /// By group id.
    public var statistics: [String: GroupStatistics]
    /// Dossiers with no signed group.
    public var ungrouped: Int
    /// The round shown (the open one; nil without rounds) and its name.
    public var round: Int?
    public var roundName: LocalizedText?
    public init(progress: [GroupProgress], statistics: [String: GroupStatistics], ungrouped: Int, round: Int? = nil, roundName: LocalizedText? = nil) {
        self.progress = progress; self.statistics = statistics; self.ungrouped = ungrouped; self.round = round; self.roundName = roundName
    }
}

/// What the secretary's assignment screen shows (`ReviewBackend.assignmentOverview`).
public struct AssignmentOverview: Hashable, Sendable {
    public struct Load: Hashable, Sendable {
        public var member: String
        /// Dossiers held per group, in the order of `groups`.
        public var perGroup: [Int]
        public var total: Int
        /// Held, neither signed nor recused.
        public var open: Int
        public init(member: String, perGroup: [Int], total: Int, open: Int) {
            self.member = member; self.perGroup = perGroup; self.total = total; self.open = open
        }
    }
    /// A pair kept apart or taken off, with why (unit, conflict, recusal; removed, not-in-group).
    public struct Pair: Hashable, Sendable {
        public var member: String
        public var dossier: String
        public var why: String
        public init(member: String, dossier: String, why: String) { self.member = member; self.dossier = dossier; self.why = why }
    }
    public struct Memberless: Hashable, Sendable {
        public var group: String
        public var dossiers: [String]
        public init(group: String, dossiers: [String]) { self.group = group; self.dossiers = dossiers }
    }
    /// What `assign` would sign now.
    public struct Replacement: Hashable, Sendable {
        /// The assignment it replaces (nil: the first one).
        public var replaces: String?
        public var dropped: [Pair]
        public var dossiers: Int
        public var loadMin: Int
        public var loadMax: Int
        /// Dossiers that would lack members, and how many.
        public var short: [Pair]
        public init(replaces: String?, dropped: [Pair], dossiers: Int, loadMin: Int, loadMax: Int, short: [Pair] = []) {
            self.replaces = replaces; self.dropped = dropped; self.dossiers = dossiers; self.loadMin = loadMin; self.loadMax = loadMax; self.short = short
        }
    }
    /// The assignment in force (records/…), nil when none is signed.
    public var record: String?
    public var perDossier: Int?
    public var seed: String?
    /// Group ids in the programme's order.
    public var groups: [String]
    /// Every member who holds a dossier or sits in a group, by id.
    public var loads: [Load]
    /// The pairs the assignment in force keeps apart.
    public var kept: [Pair]
    /// No group matches their field and none is signed.
    public var ungrouped: [String]
    /// A group matches, but the grouping is not signed yet (`group confirm`).
    public var unconfirmed: [String]
    public var memberless: [Memberless]
    /// nil: `assign` would sign nothing now.
    public var replacement: Replacement?
    /// Why `assign` cannot sign now (nil: it can, or has nothing to do).
    public var problem: String?
    public init(record: String? = nil, perDossier: Int? = nil, seed: String? = nil, groups: [String], loads: [Load], kept: [Pair] = [],
                ungrouped: [String] = [], unconfirmed: [String] = [], memberless: [Memberless] = [], replacement: Replacement? = nil, problem: String? = nil) {
        self.record = record; self.perDossier = perDossier; self.seed = seed; self.groups = groups; self.loads = loads; self.kept = kept
        self.ungrouped = ungrouped; self.unconfirmed = unconfirmed; self.memberless = memberless; self.replacement = replacement; self.problem = problem
    }
}

extension UI {
    static func whyWord(_ why: String, _ lang: Language) -> String {
        switch why {
        case "unit": return lang.pick("同单位", "same unit")
        case "conflict": return lang.pick("声明冲突", "declared conflict")
        case "recusal": return lang.pick("回避", "recusal")
        case "removed": return lang.pick("已移除", "removed")
        case "not-in-group": return lang.pick("已离组", "left the group")
        default: return TerminalText.sanitize(why)
        }
    }

    /// A member's name as the screens show it: "张三 (m3)", made safe.
    static func memberLabel(_ id: String, _ b: ReviewBackend) -> String {
        let name = b.roster.member(id)?.name ?? ""
        return TerminalText.sanitize(name.isEmpty || name == id ? id : "\(name) (\(id))")
    }

    static func openAssignment(_ s: inout AppState, _ b: ReviewBackend) {
        s.assignmentView = b.assignmentOverview(lang: s.lang)
        s.stack.append(.assignment(scroll: 0))
    }

    static func askToReassign(_ s: inout AppState, _ b: ReviewBackend) {
        guard let o = s.assignmentView else { return }
        if let p = o.problem {
            setMessage(&s, p, .error); return
        }
        guard o.replacement != nil else {
            say(&s, "分配无需改变：没有回避、移除或新的冲突", "The assignment in force stands: no recusal, removal or new conflict", .warning); return
        }
        confirmSecretary(&s, .assign, b)
    }

    static func boardHeight(_ s: AppState) -> Int { max(1, (s.bodyHeight - 2) / 2) }

    /// The last scroll position of the assignment screen (its lines less one screenful).
    static func assignmentMaxScroll(_ s: AppState, _ b: ReviewBackend) -> Int {
        guard let o = s.assignmentView else { return 0 }
        return max(0, SecretaryViews.assignmentLines(o, s.lang, b, width: s.cols - 2).count - (s.bodyHeight - 1))
    }
}

// MARK: - The chair's board

extension ChairViews {
    public static func groups(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend, _ p: ListPos) {
        let lang = s.lang
        guard let board = s.chair?.groups else { return }
        let nameW = 16, progW = 14, wW = 7, outW = 5, stabW = 8
        Chrome.header(&g, [(lang.pick("专业组", "Group"), nameW), (lang.pick("进度", "Progress"), progW), ("W", wW),
                           (lang.pick("离群", "Outl."), outW), (lang.pick("稳定性", "Stable"), stabW),
                           (lang.pick("落后的评委（未完成）", "Behind (open)"), max(4, g.width - nameW - progW - wW - outW - stabW - 7))], y: 1)
        let h = UI.boardHeight(s)
        var pos = p
        pos.clamp(count: board.progress.count, height: h)
        if board.progress.isEmpty {
            g.put(lang.pick("没有专业组", "No field groups"), x: 2, y: 2, role: .dim)
        }
        for (k, i) in (pos.scroll..<min(board.progress.count, pos.scroll + h)).enumerated() {
            let gp = board.progress[i]
            let st = board.statistics[gp.group]
            let y = 2 + k
            let base = g.listRow(y, selected: i == pos.selected)
            var x = 1
            let label = TerminalText.sanitize(gp.group + " " + gp.name.text(lang))
            g.put(DisplayWidth.truncate(label, to: nameW), x: x, y: y, role: base, maxWidth: nameW); x += nameW + 1
            let pct = gp.expected > 0 ? " \(gp.signed * 100 / gp.expected)%" : ""
            let done = gp.expected > 0 && gp.signed >= gp.expected
            g.put("\(gp.signed)/\(gp.expected)" + pct, x: x, y: y, role: i == pos.selected ? base : (done ? .signed : .normal), maxWidth: progW); x += progW + 1
            g.put(st?.kendallW?.cell() ?? "—", x: x, y: y, role: base, maxWidth: wW); x += wW + 1
            let outliers = st?.outliers.count ?? 0
            g.put(String(outliers), x: x, y: y, role: i == pos.selected ? base : (outliers > 0 ? .warning : .normal), maxWidth: outW); x += outW + 1
            let changes = st?.stability.count ?? 0
            g.put(changes == 0 ? lang.pick("稳定", "stable") : lang.pick("\(changes) 处", "\(changes)"), x: x, y: y,
                  role: i == pos.selected ? base : (changes > 0 ? .warning : .normal), maxWidth: stabW); x += stabW + 1
            let behind = gp.behind.map { UI.memberLabel($0.member, b) + " \($0.open)" }.joined(separator: lang.pick("、", ", "))
            g.put(DisplayWidth.truncate(behind.isEmpty ? lang.pick("无", "none") : behind, to: max(1, g.width - x - 1)), x: x, y: y,
                  role: i == pos.selected ? base : (behind.isEmpty ? .dim : .normal), maxWidth: max(1, g.width - x - 1))
        }
        // The selected group in full: its scale, its members behind, its outliers and stability.
        var y = 2 + h
        guard y < g.height - 2 else { return }
        g.put(String(repeating: "─", count: g.width), x: 0, y: y, role: .border)
        y += 1
        guard board.progress.indices.contains(pos.selected) else { return }
        let gp = board.progress[pos.selected]
        let st = board.statistics[gp.group]
        var lines: [(String, StyleRole)] = []
        var head = board.round.map { n in
            lang.pick("第 \(n) 轮", "Round \(n)") + (board.roundName.map { lang.pick("（\($0.zh)）", " (\($0.en))") } ?? "") + lang.pick(" · ", " · ")
        } ?? ""
        head += lang.pick("专业组 \(gp.group)：\(gp.dossiers) 份材料，已签 \(gp.signed)/\(gp.expected)", "Group \(gp.group): \(gp.dossiers) dossiers, signed \(gp.signed)/\(gp.expected)")
        if let st, let mean = st.mean {
            head += lang.pick("；平均总分 \(mean.rounded2())", "; mean total \(mean.rounded2())")
            if let v = st.variance { head += lang.pick("，标准差 \(v.sqrtRounded(places: 2))", ", SD \(v.sqrtRounded(places: 2))") }
            if let o = st.offset { head += lang.pick("，比其他组 \(o.rounded2())", ", \(o.rounded2()) against the other groups") }
        }
        lines.append((head, .normal))
        if let w = st?.kendallW, w.design == .complete {
            lines.append((lang.pick("组内一致性 Kendall W = \(w.w.rounded(places: 4))（\(w.members) 位评委，\(w.dossiers) 份共同评分）",
                                    "Agreement within the group: Kendall's W = \(w.w.rounded(places: 4)) (\(w.members) members, \(w.dossiers) dossiers scored by all)"), .normal))
        } else if let w = st?.kendallW {
            lines.append((lang.pick("组内一致性 W* = \(w.w.rounded(places: 4))：不完全排序的和谐系数（Durbin），\(w.members) 位评委各排序所评材料，共 \(w.dossiers) 份" + (w.balanced ? "" : "，非平衡设计，近似"),
                                    "Agreement within the group: W* = \(w.w.rounded(places: 4)), W for incomplete rankings (Durbin): \(w.members) members each ranking the dossiers they scored, \(w.dossiers) dossiers" + (w.balanced ? "" : "; unbalanced design, approximate")), .normal))
        } else {
            lines.append((lang.pick("组内一致性 W：评过两份以上材料的评委或被评材料不足两个（或全部同分）",
                                    "W within the group: fewer than 2 members with 2 or more sheets, fewer than 2 dossiers scored, or all tied"), .dim))
        }
        if gp.behind.isEmpty {
            lines.append((lang.pick("没有落后的评委", "Nobody is behind"), .signed))
        } else {
            lines.append((lang.pick("落后：", "Behind: ") + gp.behind.map { l in
                UI.memberLabel(l.member, b) + lang.pick(" 未完成 \(l.open)/\(l.assigned)", " \(l.open) of \(l.assigned) open")
            }.joined(separator: lang.pick("；", "; ")), .warning))
        }
        for o in st?.outliers ?? [] {
            lines.append((lang.pick("离群：\(o.dossier) \(UI.memberLabel(o.member, b)) 总分 \(o.total)，其余中位数 \(o.othersMedian.rounded2())",
                                    "Outlier: \(o.dossier) \(UI.memberLabel(o.member, b)) gave \(o.total), others' median \(o.othersMedian.rounded2())"), .warning))
        }
        if let line = st?.line {
            lines.append((lang.pick("稳定性按本组入围名额 \(line) 计", "Stability at the group's shortlist line of \(line)"), .dim))
        }
        for c in st?.stability ?? [] {
            lines.append((lang.pick("不稳定：去掉 \(UI.memberLabel(c.member, b)) 的评分，\(c.dossier) 由“\(c.from.label(.zh))”变为“\(c.to.label(.zh))”",
                                    "Unstable: without \(UI.memberLabel(c.member, b)), \(c.dossier) goes from \(c.from.label(.en)) to \(c.to.label(.en))"), .warning))
        }
        if board.ungrouped > 0 {
            lines.append((lang.pick("另有 \(board.ungrouped) 份材料未分组（秘书：专业组分配）", "\(board.ungrouped) more dossiers have no group (the secretary's assignment screen)"), .warning))
        }
        for (text, role) in lines {
            for l in TextLayout.wrap(TerminalText.sanitize(text), width: max(1, g.width - 2)) {
                guard y < g.height - 2 else { return }
                g.put(l, x: 1, y: y, role: role, maxWidth: g.width - 2)
                y += 1
            }
        }
    }
}

// MARK: - The secretary's assignment screen

extension SecretaryViews {
    /// How many pairs kept apart the screen lists one by one.
    static let keptShown = 200

    /// The screen's lines (what scrolls), from the overview.
    static func assignmentLines(_ o: AssignmentOverview, _ lang: Language, _ b: ReviewBackend, width: Int) -> [(String, StyleRole)] {
        var out: [(String, StyleRole)] = []
        func add(_ text: String, _ role: StyleRole = .normal) {
            for l in TextLayout.wrap(TerminalText.sanitize(text), width: max(1, width)) { out.append((l, role)) }
        }
        func list(_ ids: [String]) -> String {
            ids.prefix(keptShown).joined(separator: ", ") + (ids.count > keptShown ? lang.pick(" …另有 \(ids.count - keptShown) 份", " … \(ids.count - keptShown) more") : "")
        }
        if let r = o.record {
            add(lang.pick("分配记录 \(r)：每份 \(o.perDossier ?? 0) 人，种子 \(o.seed ?? "")", "Assignment in force \(r): \(o.perDossier ?? 0) members a dossier, seed \(o.seed ?? "")"))
        } else {
            add(lang.pick("尚未签署分配", "No assignment signed yet"), .warning)
        }
        out.append(("", .normal))
        // Re-assignment.
        if let p = o.problem {
            add(lang.pick("不能重新分配：", "Cannot assign: ") + p, .error)
        } else if let r = o.replacement {
            add(r.replaces == nil ? lang.pick("按 a 签署分配：\(r.dossiers) 份材料，工作量 \(r.loadMin)…\(r.loadMax)", "Press a to sign the assignment: \(r.dossiers) dossiers, loads \(r.loadMin)…\(r.loadMax)")
                                  : lang.pick("需要重新分配（按 a 签署替换分配，只改下列组合）：", "A re-assignment is due (a signs the replacement; only these pairs change):"), .warning)
            for d in r.dropped {
                add("  " + lang.pick("撤下 ", "off: ") + UI.memberLabel(d.member, b) + " – " + d.dossier + "  " + UI.whyWord(d.why, lang))
            }
            for sh in r.short { add("  " + lang.pick("\(sh.dossier) 缺 \(sh.why) 名评审", "\(sh.dossier) lacks \(sh.why) members"), .error) }
        } else {
            add(lang.pick("分配无需改变", "The assignment in force stands; nothing to re-assign"), .dim)
        }
        out.append(("", .normal))
        // Nobody assigned.
        if o.ungrouped.isEmpty && o.unconfirmed.isEmpty && o.memberless.isEmpty {
            add(lang.pick("每份材料都在专业组中", "Every dossier is in a group"), .signed)
        }
        if !o.ungrouped.isEmpty {
            add(lang.pick("未分配：没有匹配的专业组（\(o.ungrouped.count) 份，pingshen group move）：", "Not assigned, no group matches their field (\(o.ungrouped.count), pingshen group move): ") + list(o.ungrouped), .warning)
        }
        if !o.unconfirmed.isEmpty {
            add(lang.pick("未分配：分组尚未签署（\(o.unconfirmed.count) 份，pingshen group confirm）：", "Not assigned, grouping not signed (\(o.unconfirmed.count), pingshen group confirm): ") + list(o.unconfirmed), .warning)
        }
        for m in o.memberless {
            add(lang.pick("未分配：专业组 \(m.group) 没有成员（\(m.dossiers.count) 份）：", "Not assigned, group \(m.group) has no members (\(m.dossiers.count)): ") + list(m.dossiers), .warning)
        }
        out.append(("", .normal))
        // Loads.
        let gw = max(4, o.groups.map { DisplayWidth.of(TerminalText.sanitize($0)) }.max() ?? 4)
        let nameW = 22
        var header = DisplayWidth.pad(lang.pick("评委", "Member"), to: nameW)
        for gid in o.groups { header += " " + DisplayWidth.pad(DisplayWidth.truncate(TerminalText.sanitize(gid), to: gw), to: gw, alignRight: true) }
        header += " " + DisplayWidth.pad(lang.pick("合计", "Total"), to: 5, alignRight: true) + " " + DisplayWidth.pad(lang.pick("未完成", "Open"), to: 6, alignRight: true)
        out.append((DisplayWidth.truncate(header, to: width), .dim))
        let totals = o.loads.map(\.total)
        for l in o.loads {
            var line = DisplayWidth.pad(DisplayWidth.truncate(UI.memberLabel(l.member, b), to: nameW), to: nameW)
            for n in l.perGroup { line += " " + DisplayWidth.pad(n == 0 ? "·" : String(n), to: gw, alignRight: true) }
            line += " " + DisplayWidth.pad(String(l.total), to: 5, alignRight: true) + " " + DisplayWidth.pad(String(l.open), to: 6, alignRight: true)
            out.append((DisplayWidth.truncate(line, to: width), l.open > 0 ? .normal : .dim))
        }
        if let lo = totals.min(), let hi = totals.max() {
            add(lang.pick("工作量 \(lo)…\(hi) 份/人", "Loads \(lo)…\(hi) a member") + (hi - lo <= 1 ? lang.pick("（相差不超过 1）", " (within one)") : ""), hi - lo <= 1 ? .signed : .warning)
        }
        out.append(("", .normal))
        // Pairs kept apart.
        let whys = ["unit", "conflict", "recusal"]
        let counts = whys.map { w in o.kept.filter { $0.why == w }.count }
        add(lang.pick("已回避的组合：", "Pairs kept apart: ") + zip(whys, counts).map { "\(UI.whyWord($0, lang)) \($1)" }.joined(separator: " · "))
        // Every pair, up to a screenful or so (the whole list: assignments --format json).
        if !o.kept.isEmpty { out.append(("", .normal)) }
        for p in o.kept.prefix(SecretaryViews.keptShown) { add("  " + UI.memberLabel(p.member, b) + " – " + p.dossier + "  " + UI.whyWord(p.why, lang), .dim) }
        if o.kept.count > SecretaryViews.keptShown {
            add(lang.pick("  …另有 \(o.kept.count - SecretaryViews.keptShown) 对（pingshen assignments --format json）", "  … \(o.kept.count - SecretaryViews.keptShown) more (pingshen assignments --format json)"), .dim)
        }
        return out
    }

    public static func assignment(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend, _ scroll: Int) {
        let lang = s.lang
        g.fill(x: 0, y: 1, count: g.width, role: .header)
        g.put(DisplayWidth.truncate(lang.pick(" 专业组分配：工作量、回避、未分配的材料、重新分配", " Field groups and assignment: loads, pairs kept apart, dossiers not assigned, re-assignment"), to: g.width),
              x: 0, y: 1, role: .header)
        guard let o = s.assignmentView else {
            g.put(lang.pick("本项目没有专业组", "This programme has no field groups"), x: 2, y: 3, role: .dim)
            return
        }
        let lines = assignmentLines(o, lang, b, width: g.width - 2)
        let h = s.bodyHeight - 1
        let top = max(0, min(scroll, lines.count - h))
        for (k, l) in lines.dropFirst(top).prefix(h).enumerated() {
            g.put(l.0, x: 1, y: 2 + k, role: l.1, maxWidth: g.width - 2)
        }
    }
}
