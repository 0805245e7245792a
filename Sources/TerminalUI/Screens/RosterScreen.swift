import Foundation
import Panel
import Scoring
import Review
import Records

// The panel roster as signed governance (issue 17): add a member with a role and their public
// key file, remove one with a reason; each change is a record signed by the secretary through
// `ReviewSession.signGovernance`, as `pingshen member add` / `member remove` do. A role is
// given when a member is added (governance has no role change: remove, then add).

extension UI {
    static func addMemberIntro(_ lang: Language) -> String {
        lang.pick("新成员的编号、姓名、角色、单位和 OpenSSH 公钥文件（PATH.pub）。Ctrl-S 由秘书签署添加记录；之后由该成员自己的密钥签名。",
                  "The new member's id, name, role, unit and OpenSSH public key file (PATH.pub). Ctrl-S: the secretary signs the member-add record; from then on the member signs with that key.")
    }

    static func removeMemberIntro(_ lang: Language) -> String {
        lang.pick("移除后该成员之后的记录无效；此前签名的评分表照常计入，除非勾选“不计其评分表”（定稿后不可）。须写明理由。",
                  "After removal the member's later records are problems; the sheets signed before keep counting unless \"discard sheets\" is ticked (not after finalization). A reason is needed.")
    }

    static let roles: [(String, LocalizedText)] = [
        ("member", LocalizedText(zh: "评审专家", en: "panel member")),
        ("chair", LocalizedText(zh: "评审组长", en: "chair")),
        ("secretary", LocalizedText(zh: "工作人员", en: "secretary")),
        ("approver", LocalizedText(zh: "审定", en: "approver")),
    ]

    static func openAddMember(_ s: inout AppState, _ b: ReviewBackend) {
        s.stack.append(.form(FormState(kind: .addMember, fields: [
            .text("id", LocalizedText(zh: "编号", en: "Id"), note: LocalizedText(zh: "字母、数字、- _", en: "letters, digits, - _")),
            .text("name", LocalizedText(zh: "姓名", en: "Name")),
            .choice("role", LocalizedText(zh: "角色", en: "Role"), roles),
            .text("unit", LocalizedText(zh: "单位", en: "Unit"), note: LocalizedText(zh: "可留空", en: "may be empty")),
            .text("pubkey", LocalizedText(zh: "公钥文件", en: "Public key"), note: LocalizedText(zh: "PATH.pub", en: "PATH.pub")),
        ])))
    }

    static func openRemoveMember(_ s: inout AppState, _ b: ReviewBackend) {
        guard case .roster(let p) = s.top, b.roster.members.indices.contains(p.selected) else { return }
        let m = b.roster.members[p.selected]
        if m.id == b.me.id {
            say(&s, "不能在这里移除自己", "You cannot remove yourself here", .warning); return
        }
        var f = FormState(kind: .removeMember(id: m.id), fields: [
            .text("reason", LocalizedText(zh: "理由", en: "Reason")),
            .toggle("discard", LocalizedText(zh: "不计其评分表", en: "Discard sheets")),
        ])
        f.lines = [FormLine("\(m.id)  \(m.name)  \(roleName(m.role, s.lang))  \(m.unit ?? "")")]
        s.stack.append(.form(f))
    }

    static func askToAddMember(_ s: inout AppState, _ f: FormState, _ b: ReviewBackend) {
        guard let id = f.optional("id"), let name = f.optional("name"), let key = f.optional("pubkey") else {
            say(&s, "编号、姓名和公钥文件都要填写", "The id, the name and the public key file are all needed", .warning); return
        }
        guard let role = Role(rawValue: f.value("role")) else { return }
        confirmSecretary(&s, .addMember(id: id, name: name, role: role, unit: f.optional("unit"), pubkeyFile: expandHome(key)), b)
    }

    static func askToRemoveMember(_ s: inout AppState, _ f: FormState, _ id: String, _ b: ReviewBackend) {
        guard let reason = f.optional("reason") else {
            say(&s, "请写明移除的理由", "Give the reason for the removal", .warning); return
        }
        confirmSecretary(&s, .removeMember(id: id, reason: reason, discardSheets: f.value("discard") == "yes"), b)
    }
}

// MARK: - View

extension SecretaryViews {
    public static func roster(_ g: inout Grid, _ s: AppState, _ b: ReviewBackend, _ p: ListPos) {
        let lang = s.lang
        let idW = 10, nameW = 10, roleW = 12
        let unitW = max(4, min(30, g.width - idW - nameW - roleW - 30))
        Chrome.header(&g, [(lang.pick("编号", "Id"), idW), (lang.pick("姓名", "Name"), nameW), (lang.pick("角色", "Role"), roleW),
                           (lang.pick("单位", "Unit"), unitW), (lang.pick("密钥指纹", "Key"), max(4, g.width - idW - nameW - roleW - unitW - 6))], y: 1)
        let members = b.roster.members
        let h = s.bodyHeight - 4
        var pos = p
        pos.clamp(count: members.count, height: h)
        for (k, i) in (pos.scroll..<min(members.count, pos.scroll + h)).enumerated() {
            let m = members[i]
            let y = 2 + k
            let base = g.listRow(y, selected: i == pos.selected)
            var x = 1
            g.put(DisplayWidth.truncate(m.id, to: idW), x: x, y: y, role: base); x += idW + 1
            g.put(DisplayWidth.truncate(m.name, to: nameW), x: x, y: y, role: base); x += nameW + 1
            g.put(DisplayWidth.truncate(UI.roleName(m.role, lang), to: roleW), x: x, y: y, role: base); x += roleW + 1
            g.put(DisplayWidth.truncate(m.unit ?? "", to: unitW), x: x, y: y, role: base); x += unitW + 1
            let fp = (try? SSHPublicKey(line: m.key).fingerprint) ?? lang.pick("（无效公钥）", "(invalid key)")
            g.put(DisplayWidth.truncate(fp, to: max(1, g.width - x - 1)), x: x, y: y, role: i == pos.selected ? base : .dim)
        }
        let py = 2 + h
        g.put(String(repeating: "─", count: g.width), x: 0, y: py, role: .border)
        g.put(DisplayWidth.truncate(lang.pick("名册来自签名的治理记录；添加、移除都由秘书签名。共 \(members.count) 人。",
                                              "The roster comes from the signed governance records; adding and removing are signed by the secretary. \(members.count) people."), to: g.width - 2),
              x: 1, y: py + 1, role: .dim)
    }
}
