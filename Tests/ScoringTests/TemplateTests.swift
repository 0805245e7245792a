import Testing
import Panel
@testable import Scoring

/// The embedded templates against the scoring contract.
@Suite struct TemplateTests {
    @Test(arguments: ["shanghai-craftsman", "qingpu-craftsman"])
    func craftsmanDefaults(_ id: String) throws {
        let p = try #require(Templates.program(id))
        let a = p.aggregation
        #expect(a.method == "trimmed-mean" && a.trim == 1 && a.trimMin == 5 && a.quorum == 3)
        #expect(a.tieBreaks == ["median", "recommend"])
        #expect(p.sheet.maxTotal > 0)
        // Worked through the template itself: five sheets 90 85 88 70 95 → (90+85+88)/3 = 263/3;
        // four sheets 80 84 91 90 → 345/4; two sheets → no-quorum.
        let crit = p.sheet.criteria
        func sheetOf(_ member: String, _ dossier: String, _ total: Int) -> Sheet {
            // Spread `total` over the template's criteria without exceeding any maximum.
            var left = total
            var points: [String: Int] = [:]
            for c in crit { let x = min(left, c.max); points[c.id] = x; left -= x }
            return Sheet(member: member, dossier: dossier, points: points, vote: nil)
        }
        let s = [90, 85, 88, 70, 95].enumerated().map { sheetOf("m\($0.offset)", "A", $0.element) }
            + [80, 84, 91, 90].enumerated().map { sheetOf("m\($0.offset)", "B", $0.element) }
            + [99, 99].enumerated().map { sheetOf("m\($0.offset)", "C", $0.element) }
        var program = p
        program.quota = 1
        let r = Ranker.rank(program: program, dossiers: [dossier("A"), dossier("B"), dossier("C")], sheets: s)
        #expect(r.program == id)
        #expect(r.entry("A")?.score == Fraction(263, 3) && r.entry("A")?.status == .selected)
        #expect(r.entry("B")?.score == Fraction(345, 4) && r.entry("B")?.status == .notSelected)
        #expect(r.entry("C")?.status == .noQuorum)
    }

    @Test func everyTemplateHasValidAggregation() {
        for p in Templates.all {
            #expect(Ranker.validate(p.aggregation).isEmpty, "\(p.id)")
        }
    }
}
