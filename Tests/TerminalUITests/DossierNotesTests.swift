import Foundation
import Panel
import Testing
@testable import TerminalUI

/// Issue 12: the dossier screen shows the panel what the check leaves to it — 待核实 with what
/// to confirm, the seed's judgments and the unit's ranking as notes — to members who score and
/// to the secretary alike; the list and the secretary's screen say 待核实.
@Suite struct DossierNotesTests {
    static func backend(role: Role = .member) -> FakeBackend {
        let b = FakeBackend(role: role)
        let id = b.dossiers[0].id
        b.eligibilityOverride[id] = EligibilityResult(
            dossier: id, failures: [],
            toConfirm: [RuleFailure(rule: "union_member", zh: "工会会员未填写（本项目的申报表没有此项，请核实）", en: "Union member is blank (to be confirmed)")],
            notes: [RuleFailure(rule: "unit_ranks", zh: "推荐单位“赵巷镇总工会”推荐 3 人，本人排第 1 名", en: "赵巷镇总工会 put forward 3 and ranks this one 1"),
                    RuleFailure(rule: "frontline", zh: "目前在一线岗位上直接从事生产工作，由评审组判断", en: "Works on the front line: for the panel to judge")])
        return b
    }

    @Test(arguments: [Role.member, Role.secretary])
    func theDossierScreenShowsNotesAndWhatToConfirm(role: Role) {
        for lang in Language.allCases {
            let c = AppController(backend: Self.backend(role: role), lang: lang, size: (120, 60))
            press(c, .enter)
            let text = Snapshot.text(c.frame())
            #expect(text.contains(lang.pick("待核实", "To be confirmed")), "\(role) \(lang)")
            #expect(text.contains(lang.pick("工会会员未填写", "Union member is blank")))
            #expect(text.contains(lang.pick("评审组注意", "For the panel")))
            #expect(text.contains(lang.pick("推荐单位“赵巷镇总工会”推荐 3 人，本人排第 1 名", "ranks this one 1")))
            #expect(text.contains("[frontline]"))
        }
    }

    @Test func theSecretaryScreensSayToBeConfirmed() {
        let c = AppController(backend: Self.backend(role: .secretary), lang: .zh, size: (120, 40))
        let list = Snapshot.text(c.frame())
        #expect(list.contains("待核实"))
        press(c, .char("G"))
        let screen = Snapshot.text(c.frame())
        #expect(screen.contains("待核实"))
    }
}
