import Foundation
import Testing
import Panel
@testable import Scoring

/// Issue 16: no arithmetic on untrusted values can trap. A sheet signed by hand may hold any
/// 64-bit points; Scoring takes part only totals within 0…Limits.maxTotal, whatever the caller passes.
@Suite struct OverflowTests {
    static let huge = Int.max

    @Test func int64MaxPointsSaturateInsteadOfWrapping() {
        let s = Sheet(member: "m1", dossier: "D1", points: ["skill": Self.huge, "contribution": Self.huge])
        #expect(s.total == Int.max)
        #expect(Points.sum([Int.max, Int.max, Int.max, Int.max]) == Int.max)
        #expect(Points.sum([Int.min, -1]) == Int.min)
    }

    @Test(arguments: Aggregation.methods)
    func hugeSheetsAreNotCountedByAnyMethod(method: String) {
        let program = testProgram(method: method, quorum: 3)
        var all = sheets("D1", [60, 70, 80]) + sheets("D2", [50, 55, 90])
        for m in ["m4", "m5", "m6"] {
            all.append(Sheet(member: m, dossier: "D1", points: ["skill": Self.huge, "contribution": Self.huge]))
            all.append(Sheet(member: m, dossier: "D2", points: ["skill": Self.huge, "contribution": 1]))
            all.append(Sheet(member: m, dossier: "D3", points: ["skill": Limits.maxTotal.upperBound + 1, "contribution": 0]))
        }
        let ranking = Ranker.rank(program: program, dossiers: [dossier("D1"), dossier("D2"), dossier("D3")], sheets: all)
        let byID = Dictionary(uniqueKeysWithValues: ranking.entries.map { ($0.dossier, $0) })
        #expect(byID["D1"]?.sheets == 3)
        #expect(byID["D3"]?.status == .noQuorum)
        let stats = Statistics.compute(program: program, dossiers: [dossier("D1"), dossier("D2"), dossier("D3")], sheets: all)
        #expect(stats.dossiers.first { $0.dossier == "D1" }?.max == 80)
    }

    /// A programme built in code with an unbounded maximum does not trap either.
    @Test func unboundedMaximumInCodeDoesNotTrap() {
        var program = testProgram(method: "borda")
        program.sheet.criteria[0].max = Int.max
        #expect(program.sheet.maxTotal == Int.max)
        let ranking = Ranker.rank(program: program, dossiers: [dossier("D1")], sheets: sheets("D1", [60, 70, 80]))
        #expect(ranking.entries.count == 1)
    }

    /// Scoring implements exactly the methods and tie-breaks the programme schema accepts.
    @Test func methodNamesAreTheSchemasNames() {
        #expect(Method.allCases.map(\.rawValue) == Aggregation.methods)
        #expect(Ranker.validate(testProgram(tieBreaks: Aggregation.tieBreakNames).aggregation).isEmpty)
    }
}
