import Foundation
import Testing
import Panel
import Records
import Review
import TerminalUI

/// Issue 12: votes are a programme setting (`votes: off | optional | required`), enforced in
/// the session (Review.SheetRules) for the UI and the command line alike. The same sheets go
/// through `pingshen score` and through the UI's sheet editor (headless: `UI.update` over a
/// real store), and both accept and refuse the same ones.
@Suite struct VotePolicyTests {
    struct Case: CustomStringConvertible {
        var points: [Int?]
        var vote: String?
        var description: String { "points \(points) vote \(vote ?? "none")" }
    }

    static let cases: [Case] = [
        Case(points: [20, 20, 20, 20], vote: nil),
        Case(points: [20, 20, 20, 20], vote: "recommend"),
        Case(points: [20, 20, 20, 20], vote: "abstain"),
        Case(points: [20, 20, nil, 20], vote: "recommend"),
        Case(points: [20, 26, 20, 20], vote: nil),
    ]

    /// What the programme decides, written out by hand (the test can fail).
    static func expected(_ policy: String, _ c: Case) -> Bool {
        if c.points.contains(where: { $0 == nil || $0! > 25 }) { return false }
        switch policy {
        case "off": return c.vote == nil
        case "required": return c.vote != nil
        default: return true
        }
    }

    /// The refusal's words, written out by hand: the first rule of the table the sheet breaks.
    static func expectedMessage(_ policy: String, _ c: Case) -> String? {
        if c.points.contains(where: { $0 == nil }) { return "missing points for criterion leadership" }
        if c.points.contains(where: { ($0 ?? 0) > 25 }) { return "points 26 for skill" }
        if policy == "off", c.vote != nil { return "this programme takes no recommend/reject votes (votes: off)" }
        if policy == "required", c.vote == nil { return "this programme requires a vote: recommend, reject or abstain" }
        return nil
    }

    /// Whether the UI's editor gets to the confirmation of the record (the session's preview
    /// accepted the sheet) for member m1 on D001, or refuses with a message.
    static func uiAccepts(_ fx: Fixture, _ c: Case) throws -> (Bool, String?) {
        let session = try ReviewSession(root: fx.store)
        let b = try SessionBackend(session: session, member: "m1", signer: try KeyFileSigner(path: fx.key("m1")))
        var s = AppState(lang: .en, cols: 100, rows: 30)
        UI.reload(&s, b)
        while s.all[s.visible[s.list.selected]].id != "D001" { _ = UI.update(&s, .key(.down), b) }
        _ = UI.update(&s, .key(.char("s")), b)
        guard case .sheet(var ed) = s.top else { Issue.record("no sheet editor"); return (false, nil) }
        ed.points = c.points.map { $0.map(String.init) ?? "" }
        ed.vote = c.vote
        s.stack[s.stack.count - 1] = .sheet(ed)
        _ = UI.update(&s, .key(.ctrl("s")), b)
        if case .confirm? = s.modal { return (true, nil) }
        return (false, s.message)
    }

    static func cliAccepts(_ fx: Fixture, _ c: Case) throws -> (Bool, String) {
        let ids = ["craft", "skill", "leadership", "contribution"]
        var args = ["score", fx.store, "--as", "m2", "--dossier", "D001", "--key", fx.key("m2"), "--score"]
        args += zip(ids, c.points).compactMap { id, p in p.map { "\(id)=\($0)" } }
        if let v = c.vote { args += ["--vote", v] }
        let r = try Harness.pingshen(args)
        return (r.status == 0, r.stderr)
    }

    @Test(arguments: ["off", "optional", "required"])
    func theUIAndTheCommandLineAcceptAndRefuseTheSameSheets(policy: String) throws {
        let fx = try Fixture()
        let amend = try HostileValuesTests.amendProgram(fx, "^(\\s*)votes: .*$", "$1votes: \(policy)")
        #expect(amend.status == 0, "\(amend.stderr)")
        let program = try String(contentsOfFile: fx.store + "/program.yaml", encoding: .utf8)
        #expect(program.contains("votes: \(policy)") || program.contains("votes: '\(policy)'") || program.contains("votes: \"\(policy)\""), "\(program)")
        for c in Self.cases {
            let (ui, uiMessage) = try Self.uiAccepts(fx, c)
            let (cli, cliMessage) = try Self.cliAccepts(fx, c)
            let want = Self.expected(policy, c)
            #expect(ui == want, "UI, \(policy), \(c): \(uiMessage ?? "accepted")")
            #expect(cli == want, "CLI, \(policy), \(c): \(cliMessage)")
            // Refused for the same reason, in the same words (one table).
            if !want, let uiMessage { #expect(cliMessage.contains(uiMessage), "\(policy), \(c): UI '\(uiMessage)' CLI '\(cliMessage)'") }
            // Each refusal in its own words, in both.
            if let m = Self.expectedMessage(policy, c) {
                #expect(!want && cliMessage.contains(m) && (uiMessage ?? "").contains(m), "\(policy), \(c): want '\(m)': UI '\(uiMessage ?? "")' CLI '\(cliMessage)'")
            } else {
                #expect(want, "\(policy), \(c)")
            }
        }
    }

    @Test func theTableNamesEveryRuleAndTheTemplatesUseOffOrOptional() throws {
        #expect(SheetRules.table.map(\.id) == ["criteria-known", "criteria-scored", "points-range", "vote-off", "vote-required", "comment-length"])
        for id in Templates.ids {
            let p = try #require(Templates.program(id))
            #expect(p.sheet.votePolicy != .required, "\(id): no seed has votes")
        }
    }
}
