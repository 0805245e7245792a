import Foundation
import Panel
import Scoring
import Review

// The secretary's desk (issue 17): every step of the secretary's job in the order it is done,
// each with where it stands, reachable from the list with `w`. Enter or the step's digit opens it.

extension UI {
    /// One step of the job: its screen and a line saying where it stands.
    struct DeskItem {
        var key: Character
        var title: LocalizedText
        var state: String
        var role: StyleRole
    }

    /// How many steps the desk has (digits 1…6, and 7 with field groups): what moving and
    /// clamping need, without counting the store's qualifications and notices on each key as
    /// `deskItems` does.
    static func deskStepCount(_ b: ReviewBackend) -> Int { b.hasGroups ? 7 : 6 }

    static func deskItems(_ s: AppState, _ b: ReviewBackend) -> [DeskItem] {
        let lang = s.lang
        let signed = s.qualificationsSigned, unsigned = s.all.count - s.qualificationsSigned
        let notices = b.notices()
        let pending = s.objections.filter { $0.outcome == "pending" }.count
        return [
            DeskItem(key: "1", title: LocalizedText(zh: "导入申报材料", en: "Import dossiers"),
                     state: lang.pick("库中 \(s.all.count) 份", "\(s.all.count) in the store"), role: .dim),
            DeskItem(key: "2", title: LocalizedText(zh: "资格审核并签署", en: "Qualification check, signed"),
                     state: lang.pick("已签 \(signed) · 未签 \(unsigned)", "signed \(signed) · not signed \(unsigned)"),
                     role: unsigned > 0 ? .warning : .signed),
            DeskItem(key: "3", title: LocalizedText(zh: "签署社会公示", en: "Sign the public notice"),
                     state: notices.first.map { lang.pick("已公示 \($0.from) 至 \($0.to)", "published \($0.from) to \($0.to)") + (notices.count > 1 ? lang.pick("，补充公示 \(notices.count - 1) 次", ", \(notices.count - 1) supplementary") : "") }
                        ?? (s.finalized ? lang.pick("已定稿，尚未公示", "finalized, not yet published") : lang.pick("尚未定稿", "not finalized yet")),
                     role: notices.isEmpty ? (s.finalized ? .warning : .dim) : .signed),
            DeskItem(key: "4", title: LocalizedText(zh: "公示异议及处理结果", en: "Objections and outcomes"),
                     state: lang.pick("\(s.objections.count) 份，待处理 \(pending)", "\(s.objections.count), \(pending) pending"),
                     role: pending > 0 ? .warning : .dim),
            DeskItem(key: "5", title: LocalizedText(zh: "导出名单（公示、审定）", en: "Export the lists (notice, final)"),
                     state: lang.pick("写入文件", "to a file"), role: .dim),
            DeskItem(key: "6", title: LocalizedText(zh: "成员名册（添加、移除）", en: "Roster (add, remove)"),
                     state: lang.pick("\(b.roster.members.count) 人", "\(b.roster.members.count) people"), role: .dim),
        ] + (b.hasGroups ? [
            DeskItem(key: "7", title: LocalizedText(zh: "专业组分配（工作量、回避、重新分配）", en: "Assignment (loads, conflicts, re-assign)"),
                     state: lang.pick("专业组与评审分配", "field groups and who reviews what"), role: .dim),
        ] : [])
    }

    static func openDesk(_ s: inout AppState, _ b: ReviewBackend) {
        s.objections = b.objections()
        if case .desk = s.top { return }
        if let i = s.stack.lastIndex(where: { if case .desk = $0 { return true } else { return false } }) {
            s.stack.removeSubrange((i + 1)...)   // back to it, not a second one
            return
        }
        s.stack.append(.desk(ListPos()))
    }

    /// The digits open a step at once.
    static func deskKey(_ s: inout AppState, _ key: Key, _ b: ReviewBackend) -> [Effect]? {
        guard let c = key.printable, let n = c.wholeNumberValue, (1...deskStepCount(b)).contains(n) else { return nil }
        if case .desk(var p) = s.top { p.selected = n - 1; s.replaceTop(.desk(p)) }
        openDeskItem(&s, n - 1, b)
        return []
    }

    static func openDeskItem(_ s: inout AppState, _ i: Int, _ b: ReviewBackend) {
        switch i {
        case 0: s.stack.append(.form(importForm(s)))
        case 1: s.stack.append(.eligibility(ListPos()))
        case 2: openNotice(&s, b)
        case 3: s.objections = b.objections(); s.stack.append(.objections(ListPos()))
        case 4: s.stack.append(.form(exportForm(s, b)))
        case 5: s.stack.append(.roster(ListPos()))
        case 6 where b.hasGroups: openAssignment(&s, b)
        default: break
        }
    }
}

// MARK: - View

extension SecretaryViews {
    public static func desk(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend, _ p: ListPos) {
        let lang = s.lang
        g.fill(x: 0, y: 1, count: g.width, role: .header)
        g.put(DisplayWidth.truncate(" " + lang.pick("秘书工作台：按顺序完成各步，每步签名后记入评审库", "Secretary's desk: each step in turn, each signed into the store"), to: g.width), x: 0, y: 1, role: .header)
        let items = UI.deskItems(s, b)
        let titleW = g.width >= 100 ? 36 : 30
        for (i, it) in items.enumerated() {
            let y = 3 + i * 2
            guard y < g.height - 3 else { break }
            let sel = i == p.selected
            let base = g.listRow(y, selected: sel)
            g.put("\(it.key)", x: 2, y: y, role: sel ? .selection : .key)
            g.put(DisplayWidth.truncate(it.title.text(lang), to: titleW), x: 5, y: y, role: base)
            g.put(DisplayWidth.truncate(it.state, to: max(1, g.width - titleW - 8)), x: 6 + titleW, y: y, role: sel ? .selection : it.role)
        }
        let y = 3 + items.count * 2
        if y < g.height - 3 {
            g.put(DisplayWidth.truncate(lang.pick("签名方式：", "Signing with: ") + b.signingDescription, to: g.width - 2), x: 1, y: y, role: .dim)
        }
    }
}
