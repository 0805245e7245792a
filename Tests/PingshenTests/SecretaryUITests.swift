import Foundation
import Panel
import Records
import Review
import Testing
@testable import TerminalUI

/// The secretary's whole job in the UI over a real store (issue 17): the UI's forms driven
/// headless (`AppController`) over `SessionBackend`, which signs through the same session code
/// as the CLI; each step is then checked with the CLI (`verify`, the records, `member list`).
@Suite(.serialized) struct SecretaryUITests {
    static func desk(_ fx: Fixture, size: (Int, Int) = (100, 30)) throws -> AppController {
        let session = try ReviewSession(root: fx.store)
        let signer = try SignerChoice.resolve(keyPath: fx.key("sec"), member: try session.member("sec"))
        let backend = try SessionBackend(session: session, member: "sec", signer: signer)
        let c = AppController(backend: backend, lang: .en, size: size)
        c.send(.key(.char("w")))
        return c
    }

    static func keys(_ c: AppController, _ keys: Key...) { for k in keys { c.send(.key(k)) } }
    static func type(_ c: AppController, _ text: String) { for ch in text { c.send(.key(.char(ch))) } }
    static func screen(_ c: AppController) -> String { c.frame().lines().joined(separator: "\n") }
    static func form(_ c: AppController) -> FormState? {
        if case .form(let f) = c.state.top { return f }
        return nil
    }
    static func erase(_ c: AppController, _ n: Int) { for _ in 0..<n { c.send(.key(.backspace)) } }

    static let newDossiers = """
    D005,钱师傅,男,1972-04-01,汉族,中国,是,精密装配,高级技师,021-5,135,上海,上海电气,市总工会,单位推荐,28,全国技术能手,,,否,1,攻克高精度装配难题
    D006,孙师傅,女,1979-08-15,汉族,中国,是,纺织工艺,技师,021-6,134,上海,上海纺织,市总工会,单位推荐,21,,,,否,1,改进纺纱工艺——节能显著
    """

    @Test func importTheCheckAndTheRosterThroughTheSession() throws {
        let fx = try Fixture()
        let header = String(Fixture.defaultCSV.split(separator: "\n")[0])
        let csv = fx.dir + "/新推荐.csv"
        try (header + "\n" + Self.newDossiers + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        let notUTF8 = fx.dir + "/bad.csv"
        try (Data(header.utf8) + Data([0x0A, 0xFF, 0xFE, 0x2C, 0x80, 0x0A])).write(to: URL(fileURLWithPath: notUTF8))
        let before = Harness.records(fx.store, "sec").count
        let c = try Self.desk(fx)
        Self.keys(c, .char("1"))
        // Hostile paths: each named, nothing written, the path kept as typed.
        for bad in [fx.dir + "/missing.csv", fx.dir, notUTF8] {
            Self.type(c, bad)
            Self.keys(c, .enter)
            let f = try #require(Self.form(c))
            let lines = f.lines.map(\.text).joined(separator: "\n")
            #expect(f.value("path") == bad && lines.contains("nothing was written") && lines.contains(bad), "\(lines)")
            Self.keys(c, .ctrl("s"))
            #expect(c.state.modal == nil)
            Self.erase(c, bad.count)
        }
        #expect(Harness.records(fx.store, "sec").count == before)
        // The real file: the preview, then the signature.
        Self.type(c, csv)
        Self.keys(c, .enter)
        let preview = Self.screen(c)
        #expect(preview.contains("2 dossiers will be imported") && preview.contains("D005") && preview.contains("孙师傅"), "\(preview)")
        Self.keys(c, .ctrl("s"))
        guard case .confirm? = c.state.modal else { Issue.record("no confirmation: \(c.state.message ?? "")"); return }
        Self.keys(c, .char("y"))
        #expect(c.state.message?.contains("Imported 2 dossiers") == true, "\(c.state.message ?? "")")
        #expect(c.backend.dossiers.map(\.id) == ["D001", "D002", "D003", "D004", "D005", "D006"])
        #expect(Harness.records(fx.store, "sec").count == before + 1)
        // The check: which results are signed is said per dossier; Ctrl-S signs them in one record.
        Self.keys(c, .char("2"))
        #expect(Self.screen(c).contains("not signed"))
        Self.keys(c, .ctrl("s"))
        guard case .confirm(let conf)? = c.state.modal else { Issue.record("no confirmation: \(c.state.message ?? "")"); return }
        #expect(conf.record.contains("\"kind\":\"eligibility\"") && conf.record.contains("D006"))
        Self.keys(c, .char("y"))
        #expect(c.state.message?.contains("Qualification decisions signed") == true, "\(c.state.message ?? "")")
        let checked = Self.screen(c)
        #expect(!checked.contains("not signed") && checked.contains("✓ eligible"), "\(checked)")
        // Nothing left to sign: said, nothing signed.
        Self.keys(c, .ctrl("s"))
        #expect(c.state.modal == nil && c.state.message?.contains("no eligibility decision to sign") == true)
        // The roster: a member added with a key file, then removed with a reason.
        try Harness.sshKeygen(fx.dir + "/m9", comment: "m9")
        Self.keys(c, .char("w"), .char("6"), .char("a"))
        Self.type(c, "m9"); Self.keys(c, .tab)
        Self.type(c, "专家m9"); Self.keys(c, .tab, .tab, .tab)
        Self.type(c, fx.dir + "/no-such.pub")
        Self.keys(c, .ctrl("s"))
        #expect(c.state.modal == nil && c.state.messageRole == .error && Self.form(c)?.value("name") == "专家m9", "\(c.state.message ?? "")")
        Self.erase(c, "/no-such.pub".count)
        Self.type(c, "/m9.pub")
        Self.keys(c, .ctrl("s"))
        guard case .confirm? = c.state.modal else { Issue.record("no confirmation: \(c.state.message ?? "")"); return }
        Self.keys(c, .char("y"))
        #expect(c.state.message?.contains("Added m9") == true, "\(c.state.message ?? "")")
        let list = try Harness.pingshen(["member", "list", fx.store])
        #expect(list.stdout.contains("m9") && list.stdout.contains("专家m9"), "\(list.stdout)")
        #expect(c.backend.roster.member("m9") != nil)
        Self.keys(c, .char("G"), .char("d"))
        Self.type(c, "调离本市")
        Self.keys(c, .ctrl("s"), .char("y"))
        #expect(c.state.message?.contains("Removed m9") == true, "\(c.state.message ?? "")")
        // The preview checks what the signing checks (`Governance.State.checkAdd`), against the
        // signed history, before any confirmation: a removed member's id is never reused, a key
        // a member held is never given to another. Nothing is signed.
        try Harness.sshKeygen(fx.dir + "/m9b", comment: "m9b")
        let signedBefore = try FileManager.default.contentsOfDirectory(atPath: fx.store + "/records/sec/000").count
        for (id, key, says) in [("m9", "/m9b.pub", "ids are never reused"), ("m10", "/m9.pub", "already belongs to 'm9'")] {
            Self.keys(c, .char("a"))
            Self.type(c, id); Self.keys(c, .tab)
            Self.type(c, "专家" + id); Self.keys(c, .tab, .tab, .tab)
            Self.type(c, fx.dir + key)
            Self.keys(c, .ctrl("s"))
            #expect(c.state.modal == nil && c.state.messageRole == .error && c.state.message?.contains(says) == true, "\(id): \(c.state.message ?? "")")
            Self.keys(c, .escape)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: fx.store + "/records/sec/000").count == signedBefore)
        let v = try Harness.pingshen(["verify", fx.store])
        #expect(v.status == 0, "\(v.stdout) \(v.stderr)")
    }

    /// An Excel workbook by path (LibreOffice's, Tests/XLSXFixtures) into a Hangzhou store: the
    /// preview reads the named worksheet, a sheet without a header row is refused by name.
    @Test func anXLSXWorkbookByPath() throws {
        let fx = try Fixture(program: "hangzhou-craftsman", dossiers: ProgrammeEndToEndTests.hangzhouCSV)
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("XLSXFixtures").path
        let c = try Self.desk(fx)
        Self.keys(c, .char("1"))
        Self.type(c, dir + "/merged-title-dates.xlsx")
        Self.keys(c, .tab)
        Self.type(c, "说明")
        Self.keys(c, .enter)
        let refused = Self.form(c)?.lines.map(\.text).joined(separator: "\n") ?? ""
        #expect(refused.contains("nothing was written") && refused.contains("merged-title-dates.xlsx"), "\(refused)")
        Self.erase(c, 2)
        Self.keys(c, .backTab)
        Self.erase(c, "merged-title-dates.xlsx".count)
        Self.type(c, "list-from-csv.xlsx")
        Self.keys(c, .enter)
        let preview = Self.screen(c)
        #expect(preview.contains("3 dossiers will be imported") && preview.contains("HZ-001") && preview.contains("王建国"), "\(preview)")
        Self.keys(c, .ctrl("s"), .char("y"))
        #expect(c.state.message?.contains("Imported 3 dossiers") == true, "\(c.state.message ?? "")")
        #expect(c.backend.dossiers.contains { $0.id == "HZ-003" })
        let v = try Harness.pingshen(["verify", fx.store])
        #expect(v.status == 0, "\(v.stdout) \(v.stderr)")
    }

    @Test func theNoticeAnObjectionAndTheExportThroughTheSession() throws {
        // The session runs in this process: its clock is pinned to the Fixture's anchor (a
        // task-local, not the environment), so the notice never runs into a year the holiday
        // table does not know, whatever day the tests run on.
        try Clock.$pinned.withValue(Clock.parse(Fixture.anchor)) { try noticeObjectionAndExport() }
    }

    func noticeObjectionAndExport() throws {
        let today = NoticeDate(Fixture.anchor)!
        #expect(NoticeDate(instant: Clock.now()) == today)
        let fx = try NoticeTests.finalized()
        let c = try Self.desk(fx)
        Self.keys(c, .char("3"))
        let f = try #require(Self.form(c))
        let (from, to) = (f.value("from"), f.value("to"))
        // The UI proposes today (the session's clock) to the earliest last day by working days.
        #expect(from == today.description, "\(from)")
        #expect(to == (try NoticeDate.earliestEnd(from: today, rule: .standard)).description, "\(to)")
        // Out of range, then reversed: refused by the session's rules, the fields kept.
        Self.keys(c, .tab); Self.erase(c, 10); Self.type(c, "2026-13-01")
        Self.keys(c, .ctrl("s"))
        #expect(c.state.modal == nil && c.state.message?.contains("must be a date YYYY-MM-DD") == true, "\(c.state.message ?? "")")
        #expect(Self.form(c)?.value("to") == "2026-13-01")
        Self.erase(c, 10); Self.type(c, Fixture.day(-1))
        Self.keys(c, .ctrl("s"))
        #expect(c.state.modal == nil && c.state.message?.contains("before it starts") == true, "\(c.state.message ?? "")")
        Self.erase(c, 10); Self.type(c, to)
        Self.keys(c, .ctrl("s"))
        guard case .confirm(let conf)? = c.state.modal else { Issue.record("no confirmation: \(c.state.message ?? "")"); return }
        #expect(conf.record.contains("\"kind\":\"publicity\"") && conf.record.contains(from))
        Self.keys(c, .char("y"))
        #expect(c.state.message?.contains("Public notice signed") == true, "\(c.state.message ?? "")")
        // An objection to a publicised dossier, received today, then its outcome.
        Self.keys(c, .char("4"), .char("a"), .tab)
        Self.type(c, "群众来信反映获奖材料不实")
        Self.keys(c, .ctrl("s"), .char("y"))
        #expect(c.state.message?.contains("Objection signed") == true, "\(c.state.message ?? "")")
        #expect(c.state.objections.count == 1 && c.state.objections.first?.outcome == "pending")
        Self.keys(c, .char("u"), .right, .right, .ctrl("s"), .char("y"))
        #expect(c.state.objections.first?.outcome == "dismissed", "\(c.state.message ?? "")")
        let last = try #require(Harness.records(fx.store, "sec").last)
        let body = try #require(try Harness.json(String(contentsOfFile: last, encoding: .utf8))["body"] as? [String: Any])
        #expect(body["outcome"] as? String == "dismissed" && body["text"] as? String == "群众来信反映获奖材料不实", "\(body)")
        #expect(try Harness.sshVerify(store: fx.store, member: "sec", record: last).status == 0)
        // The list for the notice to a new file; a second time is refused.
        let out = fx.dir + "/公示名单.md"
        Self.keys(c, .char("w"), .char("5"), .tab, .tab)
        Self.type(c, out)
        Self.keys(c, .ctrl("s"))
        #expect(c.state.message?.contains("Written to \(out)") == true, "\(c.state.message ?? "")")
        let md = try String(contentsOfFile: out, encoding: .utf8)
        #expect(md.contains("D001") && md.contains("list for public notice"), "\(md)")
        Self.keys(c, .char("5"), .tab, .tab)
        Self.type(c, out)
        Self.keys(c, .ctrl("s"))
        #expect(c.state.messageRole == .error && c.state.message?.contains("exists; not overwriting") == true, "\(c.state.message ?? "")")
        #expect(Self.form(c)?.value("path") == out)
        // A folder, a folder that is not there: named, nothing written, the path kept.
        for (bad, said) in [(fx.dir, "\(fx.dir) is a folder"), (fx.dir + "/nope/list.md", "the folder \(fx.dir)/nope does not exist")] {
            Self.erase(c, out.count)
            Self.type(c, bad)
            Self.keys(c, .ctrl("s"))
            #expect(c.state.message?.contains(said) == true && Self.form(c)?.value("path") == bad, "\(c.state.message ?? "")")
            Self.erase(c, bad.count)
            Self.type(c, out)
        }
        #expect(!FileManager.default.fileExists(atPath: fx.dir + "/nope"))
        // The file holds the bytes `export --out` writes.
        let cli = fx.dir + "/cli.md"
        #expect(try Harness.pingshen(["export", fx.store, "publicity", "--format", "md", "--out", cli, "--lang", "en"]).status == 0)
        #expect(try String(contentsOfFile: cli, encoding: .utf8) == md)
        let v = try Harness.pingshen(["verify", fx.store])
        #expect(v.status == 0, "\(v.stdout) \(v.stderr)")
    }
}
