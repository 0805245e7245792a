import Foundation
import Panel
import Review
import Testing
@testable import TerminalUI

/// Files the secretary's import reads, at a fixed path (the snapshots show it). Written anew,
/// whole, by every test that asks for one.
enum SecretaryFixtures {
    static let dir = "/tmp/pingshen-ui-fixtures"

    static let header = "编号,姓名,性别,出生日期,民族,国籍,工会会员,专业领域,职称（技能等级）,联系电话,手机,联系地址,工作单位,推荐单位,推荐方式,从业年限,获奖情况,竞赛获奖,已获荣誉,突出贡献,单位排序,主要事迹"
    static let files: [String: Data] = [
        "nominations.csv": Data((header + "\n"
            + "SH2026-101,钱师傅,男,1972-04-01,汉族,中国,是,精密装配,高级技师,021-1,139,上海,上海电气,市总工会,单位推荐,28,全国技术能手,,,否,1,攻克高精度装配难题\n"
            + "SH2026-102,孙师傅,女,1979-08-15,汉族,中国,是,纺织工艺,技师,021-2,138,上海,上海纺织,市总工会,单位推荐,21,,,,否,1,改进纺纱工艺——节能显著\n").utf8),
        "bad-row.csv": Data((header + "\n"
            + "SH2026-101,钱师傅,男,1972-04-01,汉族,中国,是,精密装配,高级技师,021-1,139,上海,上海电气,市总工会,单位推荐,28,,,,否,1,事迹\n"
            + "../102,孙师傅,女,1979-08-15,汉族,中国,是,纺织工艺,技师,021-2,138,上海,上海纺织,市总工会,单位推荐,21,,,,否,1,事迹\n").utf8),
        "not-utf8.csv": Data(header.utf8) + Data([0x0A, 0xFF, 0xFE, 0xC3, 0x28, 0x2C, 0x80, 0x0A]),
    ]

    static func path(_ name: String) -> String {
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        if let data = files[name] { try? data.write(to: URL(fileURLWithPath: dir + "/" + name), options: .atomic) }
        if name == "a-folder" { try? FileManager.default.createDirectory(atPath: dir + "/a-folder", withIntermediateDirectories: true) }
        return dir + "/" + name
    }
}

/// The secretary's whole job in the UI (issue 17), over the fake store: the desk, every form,
/// what a refusal leaves (every field as typed), and hostile input.
@Suite struct SecretaryDeskTests {
    func secretary(_ size: (Int, Int) = (100, 30), lang: Language = .en, _ setup: (FakeBackend) -> Void = { _ in }) -> (AppController, FakeBackend) {
        let b = FakeBackend(role: .secretary)
        setup(b)
        return (AppController(backend: b, lang: lang, size: size), b)
    }

    func form(_ c: AppController) -> FormState? {
        if case .form(let f) = c.state.top { return f }
        return nil
    }

    @Test func theDeskIsReachableFromTheListAndOnlyForTheSecretary() {
        let (c, _) = secretary()
        press(c, .escape)                       // the secretary starts on the check; back to the list
        #expect(c.state.top == .list)
        press(c, .char("w"))
        guard case .desk = c.state.top else { Issue.record("w did not open the desk"); return }
        let text = Snapshot.text(c.frame())
        for step in ["Import dossiers", "Qualification check, signed", "Sign the public notice", "Objections and outcomes", "Export the lists", "Roster"] {
            #expect(text.contains(step), "\(step)")
        }
        // A member and the chair have no desk: the key says so and opens nothing.
        for role in [Role.member, .chair] {
            let m = AppController(backend: FakeBackend(role: role), lang: .en, size: (100, 30))
            press(m, .char("w"))
            #expect(m.state.top == .list)
            #expect(m.state.message?.contains("cannot use this") == true)
        }
    }

    /// Moving and clamping on the desk use its step count, not the items (which count the
    /// store's qualifications and notices); the two must agree, and the bottom step is reachable.
    /// Digits outside the steps (0, 7, 9) open nothing.
    @Test func theDeskStepCountIsItsItemsAndStrayDigitsOpenNothing() {
        let (c, b) = secretary()
        press(c, .escape, .char("w"))
        #expect(UI.deskItems(c.state, b).count == UI.deskStepCount(b))
        press(c, .char("G"))
        guard case .desk(let p) = c.state.top else { Issue.record("not on the desk"); return }
        #expect(p.selected == UI.deskStepCount(b) - 1)
        for k in ["0", "7", "9"] {
            press(c, .char(Character(k)))
            guard case .desk = c.state.top else { Issue.record("\(k) left the desk"); return }
        }
    }

    @Test func importPreviewsThenSignsExactlyWhatWasPreviewed() {
        let (c, b) = secretary()
        press(c, .char("w"), .char("1"))
        let path = SecretaryFixtures.path("nominations.csv")
        typeText(c, path)
        // Ctrl-S before a preview is refused; the path stays.
        press(c, .ctrl("s"))
        #expect(c.state.modal == nil && form(c)?.value("path") == path)
        press(c, .enter)
        let text = Snapshot.text(c.frame())
        #expect(text.contains("2 dossiers will be imported") && text.contains("SH2026-101") && text.contains("钱师傅"), "\(text)")
        // Changing the path after the preview asks for a new preview.
        typeText(c, "x")
        press(c, .ctrl("s"))
        #expect(c.state.modal == nil && c.state.message?.contains("preview first") == true)
        press(c, .backspace, .enter, .ctrl("s"))
        guard case .confirm(let conf)? = c.state.modal else { Issue.record("no confirmation"); return }
        #expect(conf.summary.contains { $0.contains("SH2026-102") })
        press(c, .char("y"))
        #expect(b.secretaryDone == [.importFile(path: path, sheet: nil)])
        guard case .desk = c.state.top else { Issue.record("not back on the desk"); return }
        #expect(c.state.message?.contains("Signed") == true)
    }

    /// Hostile paths: none of them traps, each error names the file (and the row and field
    /// where there is one), and the path typed stays in the field.
    @Test(arguments: ["missing.csv", "a-folder", "not-utf8.csv", "bad-row.csv", ""])
    func aBadImportFileIsNamedAndTheTypedPathKept(_ name: String) {
        for lang in Language.allCases {
            let (c, b) = secretary(lang: lang)
            press(c, .char("w"), .char("1"))
            let path = name.isEmpty ? "   " : SecretaryFixtures.path(name)
            typeText(c, path)
            press(c, .enter)
            guard let f = form(c) else { Issue.record("the form closed"); return }
            #expect(f.value("path") == path)
            #expect(f.previewed == nil)
            let lines = f.lines.map(\.text).joined(separator: "\n")
            if name.isEmpty {
                #expect(lines.contains(lang.pick("请先输入文件路径", "Type the file's path first")))
            } else {
                #expect(lines.contains(path), "\(lines)")
            }
            if name == "bad-row.csv" {
                // The row (line 3 of the file) and the field are named.
                #expect(lines.contains(":3 [id]"), "\(lines)")
            }
            press(c, .ctrl("s"))
            #expect(c.state.modal == nil && b.secretaryDone.isEmpty)
            Snapshot.checkWellFormed(c.frame())
        }
    }

    /// A refused signature (the agent said no) leaves the form as typed; a too-small terminal
    /// in the middle of typing loses nothing either.
    @Test func refusalsAndATooSmallTerminalKeepWhatWasTyped() {
        let (c, b) = secretary { $0.finalizedWith = [:] }
        press(c, .char("w"), .char("3"))
        guard let before = form(c) else { Issue.record("no notice form"); return }
        #expect(before.value("from").count == 10 && before.value("to").count == 10)
        // A date out of range: refused by the backend, every field kept.
        press(c, .tab)
        for _ in 0..<10 { press(c, .backspace) }
        typeText(c, "2026-02-30")
        press(c, .ctrl("s"))
        #expect(c.state.modal == nil)
        #expect(c.state.messageRole == .error)
        #expect(form(c)?.value("to") == "2026-02-30" && form(c)?.value("from") == before.value("from"))
        // The cursor is where the next character goes.
        let g = c.frame()
        #expect(g.cursor != nil)
        // Too small, then back: nothing lost, no key taken meanwhile.
        _ = c.resize(cols: 60, rows: 20)
        press(c, .char("9"))
        let back = c.resize(cols: 100, rows: 30)
        #expect(form(c)?.value("to") == "2026-02-30")
        #expect(Snapshot.text(back).contains("2026-02-30"))
        // The agent refuses: nothing recorded, the form stays.
        for _ in 0..<10 { press(c, .backspace) }
        typeText(c, "2026-06-10")
        b.failSecretary = true
        press(c, .ctrl("s"), .char("y"))
        #expect(c.state.messageRole == .error && c.state.message?.contains("refused") == true)
        #expect(form(c)?.value("to") == "2026-06-10")
        b.failSecretary = false
        press(c, .ctrl("s"), .char("y"))
        #expect(b.secretaryDone.count == 1)
        if case .publicity(_, let to, nil)? = b.secretaryDone.first { #expect(to == "2026-06-10") } else { Issue.record("\(b.secretaryDone)") }
    }

    @Test func theNoticeWaitsForTheFinalization() {
        let (c, _) = secretary()
        press(c, .char("w"), .char("3"))
        guard case .desk = c.state.top else { Issue.record("left the desk"); return }
        #expect(c.state.message?.contains("not finalized") == true)
    }

    @Test func signingTheCheckAndDecidingOneDossier() {
        let (c, b) = secretary()
        // Ctrl-S on the qualification screen signs what is not signed yet, in one record.
        press(c, .ctrl("s"))
        guard case .confirm(let conf)? = c.state.modal else { Issue.record("no confirmation"); return }
        #expect(conf.record.contains("\"kind\":\"eligibility\""))
        press(c, .char("y"))
        #expect(b.secretaryDone == [.eligibility(overrides: [])])
        // d: the secretary's own decision with a reason.
        press(c, .char("G"), .char("d"), .right, .tab)
        typeText(c, "年龄核实为 59 岁")
        press(c, .ctrl("s"), .char("y"))
        #expect(b.secretaryDone.last == .eligibility(overrides: [EligibilityOverride(dossier: "SH2026-012", decision: "eligible", reason: "年龄核实为 59 岁")]))
        // The screen says which results are signed and which are not.
        let text = Snapshot.text(c.frame())
        #expect(text.contains("✓ ineligible") && text.contains("not signed"), "\(text)")
    }

    @Test func anObjectionAndItsOutcome() {
        let (c, b) = secretary {
            $0.finalizedWith = [:]
            $0.noticeItems = [NoticeItem(path: "records/sec/000/000012.json", from: "2026-06-01", to: "2026-06-05", dossiers: ["SH2026-003"])]
        }
        press(c, .char("x"), .char("a"), .tab)
        typeText(c, "来信反映获奖情况不实")
        press(c, .tab, .right, .right, .tab)     // outcome: dismissed
        typeText(c, "2026-06-03")
        press(c, .ctrl("s"), .char("y"))
        #expect(b.secretaryDone == [.objection(dossier: "SH2026-003", text: "来信反映获奖情况不实", outcome: "dismissed", received: "2026-06-03")])
        // u on an existing objection keeps its text and changes the outcome.
        b.objectionItems = [ObjectionItem(dossier: "SH2026-003", text: "来信反映获奖情况不实", outcome: "pending")]
        c.send(.dataChanged)
        press(c, .char("u"), .right, .ctrl("s"), .char("y"))
        #expect(b.secretaryDone.last == .objection(dossier: "SH2026-003", text: "来信反映获奖情况不实", outcome: "upheld", received: nil))
        // Without a notice there is nothing to object to.
        let (d, _) = secretary()
        press(d, .char("x"), .char("a"))
        #expect(d.state.message?.contains("Nothing publicised") == true)
    }

    @Test func exportWritesToThePathTyped() {
        let (c, b) = secretary()
        press(c, .char("w"), .char("5"), .ctrl("s"))
        #expect(b.written.isEmpty && c.state.message?.contains("Type the path") == true)
        press(c, .tab, .right, .tab)
        typeText(c, "/tmp/list.csv")
        press(c, .ctrl("s"))
        #expect(b.written.count == 1 && b.written.first?.0 == .publicity && b.written.first?.1 == "csv" && b.written.first?.2 == "/tmp/list.csv")
    }

    @Test func theRosterAddsAndRemoves() {
        let (c, b) = secretary()
        press(c, .char("w"), .char("6"), .char("a"))
        typeText(c, "m6"); press(c, .tab)
        press(c, .ctrl("s"))
        #expect(c.state.modal == nil && c.state.message?.contains("all needed") == true)
        #expect(form(c)?.value("id") == "m6")
        typeText(c, "周建平"); press(c, .tab, .right, .right, .tab, .tab)
        typeText(c, "/keys/m6.pub")
        press(c, .ctrl("s"), .char("y"))
        #expect(b.secretaryDone == [.addMember(id: "m6", name: "周建平", role: .secretary, unit: nil, pubkeyFile: "/keys/m6.pub")])
        press(c, .char("j"), .char("d"), .ctrl("s"))
        #expect(c.state.message?.contains("reason") == true)
        typeText(c, "调离")
        press(c, .tab, .char(" "), .ctrl("s"), .char("y"))
        #expect(b.secretaryDone.last == .removeMember(id: "m2", reason: "调离", discardSheets: true))
        // q in a text field is text, not quit.
        press(c, .char("w"), .char("6"), .char("a"), .char("q"))
        #expect(!c.state.quit && form(c)?.value("id") == "q")
    }
}
