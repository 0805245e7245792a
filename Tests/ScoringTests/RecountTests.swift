import Foundation
import Testing
import Panel
@testable import Scoring

/// `rank` against an independent Python recount (scripts/recount.py, standard library,
/// fractions.Fraction) on random panels: every entry must be equal, key by key.
@Suite(.serialized) struct RecountTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/recount.py")

    /// Runs the script on an input file's text; returns its parsed output.
    func recount(_ input: String) throws -> [String: Any] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-recount-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("panel.json")
        try Data(input.utf8).write(to: file)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", RecountTests.script.path, file.path]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "recount.py failed: \(errText)")
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    struct Case {
        var program: Program
        var dossiers: [Dossier]
        var events: [SheetEvent]
    }

    /// A random panel: members × dossiers, some sheets missing, some superseded, some recusals,
    /// totals on a coarse grid so that ties (and ties at the cut) are common.
    static func randomCase(_ rng: inout SplitMix, method: String) -> Case {
        let members = Int.random(in: 2...9, using: &rng)
        let dossiers = Int.random(in: 1...14, using: &rng)
        let step = [1, 5, 10][Int.random(in: 0...2, using: &rng)]
        let threshold: String? = [nil, nil, "2/3", "1/2", "0.6"][Int.random(in: 0...4, using: &rng)]
        let breaks = [["median", "recommend"], ["recommend"], [], ["approval", "median"]][Int.random(in: 0...3, using: &rng)]
        let program = testProgram(method: method, quota: Int.random(in: 0...dossiers, using: &rng),
                                  trim: Int.random(in: 0...2, using: &rng), trimMin: Int.random(in: 3...6, using: &rng),
                                  quorum: Int.random(in: 1...4, using: &rng), tieBreaks: breaks, threshold: threshold,
                                  id: "qingpu-craftsman")
        let ds = (0..<dossiers).map { dossier(String(format: "Q%03d", $0), "候选人\($0)") }
        var events: [SheetEvent] = []
        for m in 0..<members {
            var seq = 0
            for d in 0..<dossiers {
                let roll = Int.random(in: 0..<10, using: &rng)
                if roll == 0 { continue }  // not scored
                let versions = roll == 1 ? 2 : 1
                for _ in 0..<versions {
                    seq += 1
                    let total = Int.random(in: 30...100, using: &rng) / step * step
                    let a = Int.random(in: 0...min(50, total), using: &rng)
                    let vote: Vote? = Int.random(in: 0..<5, using: &rng) == 0 ? nil : Vote.allCases.randomElement(using: &rng)
                    events.append(.score(Sheet(member: "m\(m)", dossier: ds[d].id, points: ["skill": a, "contribution": total - a], vote: vote), seq: seq))
                }
                if roll == 2 {
                    seq += 1
                    events.append(.recusal(member: "m\(m)", dossier: ds[d].id, seq: seq))
                }
            }
        }
        return Case(program: program, dossiers: ds, events: events.shuffled(using: &rng))
    }

    func spec(_ c: Case) -> String {
        RecountInput.json(program: c.program, dossiers: c.dossiers, events: c.events)
    }

    func check(_ c: Case) throws {
        let ranking = Ranker.rank(program: c.program, dossiers: c.dossiers, sheets: validSheets(c.events))
        let mine = try JSONSerialization.jsonObject(with: Data(ranking.json().utf8)) as! NSDictionary
        let theirs = try recount(spec(c)) as NSDictionary
        #expect(mine == theirs, "Swift:\n\(ranking.json())\nPython:\n\(theirs)")
    }

    @Test(arguments: Method.allCases)
    func matchesThePythonRecount(_ method: Method) throws {
        var rng = SplitMix(seed: 0x5EED_0000 + UInt64(Method.allCases.firstIndex(of: method)!))
        for _ in 0..<25 {
            try check(RecountTests.randomCase(&rng, method: method.rawValue))
        }
    }

    @Test func inputIsJSON() throws {
        var rng = SplitMix(seed: 42)
        let c = RecountTests.randomCase(&rng, method: "mean")
        let obj = try JSONSerialization.jsonObject(with: Data(spec(c).utf8)) as! [String: Any]
        #expect(obj["program"] as? String == c.program.id)
        #expect((obj["events"] as! [Any]).count == c.events.count)
        #expect((obj["aggregation"] as! [String: Any])["trim_min"] as? Int == c.program.aggregation.trimMin)
    }

    @Test func handExampleThroughPython() throws {
        // The contract example: 86, 87, 86 → 259/3 → "86.33"
        let c = Case(program: testProgram(quota: 1), dossiers: [dossier("A")],
                     events: [86, 87, 86].enumerated().map { .score(sheet("m\($0.offset)", "A", $0.element), seq: 1) })
        let out = try recount(spec(c))
        let e = (out["entries"] as! [[String: Any]])[0]
        #expect(e["exact"] as? String == "259/3" && e["score"] as? String == "86.33" && e["status"] as? String == "selected")
        try check(c)
    }
}
