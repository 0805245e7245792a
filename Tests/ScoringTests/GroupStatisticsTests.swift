import Foundation
import Testing
import Panel
@testable import Scoring

/// Fairness across field groups (issue 13): each group's scale, its members' severity within
/// it, its W, outliers and stability. Every expected value is worked out by hand below.
@Suite struct GroupStatisticsTests {
    // Group a: A1 m1 80, m2 70, m3 90; A2 m1 60, m2 50, m3 70.
    // Group b: B1 m4 40, m5 50, m9 60; B2 m4 30, m5 60, m9 55.
    // Group c: C1 m6 80, m7 80, m8 20.   Ungrouped: U1 m1 100.   Group d: no dossier.
    let sheets: [Sheet] = [
        sheet("m1", "A1", 80), sheet("m2", "A1", 70), sheet("m3", "A1", 90),
        sheet("m1", "A2", 60), sheet("m2", "A2", 50), sheet("m3", "A2", 70),
        sheet("m4", "B1", 40), sheet("m5", "B1", 50), sheet("m9", "B1", 60),
        sheet("m4", "B2", 30), sheet("m5", "B2", 60), sheet("m9", "B2", 55),
        sheet("m6", "C1", 80), sheet("m7", "C1", 80), sheet("m8", "C1", 20),
        sheet("m1", "U1", 100),
    ]
    let ds = ["A1", "A2", "B1", "B2", "C1", "U1"].map { dossier($0) }
    let groupOf = ["A1": "a", "A2": "a", "B1": "b", "B2": "b", "C1": "c"]
    let program = testProgram(quota: 2, quorum: 2)

    func compute(lines: [String: Int] = [:]) -> [GroupStatistics] {
        let table = SheetTable(validSheets(sheets.map { .score($0, seq: 1) }))
        let overall = Statistics.compute(program: program, dossiers: ds, table: table)
        return Statistics.groups(program: program, dossiers: ds, table: table, groupOf: groupOf, order: ["a", "b", "c", "d"],
                                 overall: overall, lines: lines)
    }

    @Test func eachGroupsScaleAndItsOffsetFromTheOthers() {
        let g = compute()
        #expect(g.map(\.group) == ["a", "b", "c", "d"])
        // a: 80 70 90 60 50 70 → n 6, Σ 420, mean 70; Σx² 30400 → Var (6·30400 − 420²)/36 = 6000/36 = 500/3.
        //    Others: 995 − 420 = 575 over 10 → 115/2; offset 70 − 115/2 = 25/2 (more lenient).
        #expect(g[0].dossiers == 2 && g[0].sheets == 6 && g[0].mean == Fraction(70) && g[0].variance == Fraction(500, 3))
        #expect(g[0].min == 50 && g[0].max == 90 && g[0].offset == Fraction(25, 2))
        // b: 40 50 60 30 60 55 → Σ 295, mean 295/6; Σx² 15225 → (91350 − 87025)/36 = 4325/36.
        //    Others: 700 over 10 = 70; offset 295/6 − 70 = −125/6 (stricter).
        #expect(g[1].sheets == 6 && g[1].mean == Fraction(295, 6) && g[1].variance == Fraction(4325, 36))
        #expect(g[1].min == 30 && g[1].max == 60 && g[1].offset == Fraction(-125, 6))
        // c: 80 80 20 → mean 60, Var (3·13200 − 180²)/9 = 800; others 815/13, offset −35/13.
        #expect(g[2].mean == Fraction(60) && g[2].variance == Fraction(800) && g[2].offset == Fraction(-35, 13))
        #expect(abs(g[2].sd! - 800.0.squareRoot()) < 1e-9)
        // d: nothing to show, never a trap.
        #expect(g[3].dossiers == 0 && g[3].sheets == 0 && g[3].mean == nil && g[3].variance == nil && g[3].offset == nil)
        #expect(g[3].members.isEmpty && g[3].kendallW == nil && g[3].outliers.isEmpty && g[3].stability.isEmpty)
    }

    @Test func membersSeverityWithinTheGroupOnly() {
        let g = compute()
        // a: A1 mean 80, A2 mean 60 → m1 0, m2 −10, m3 +10 on both. m1's U1 (no group) is not in a.
        #expect(g[0].members.map(\.member) == ["m1", "m2", "m3"])
        #expect(g[0].members.map(\.offset) == [Fraction(0), Fraction(-10), Fraction(10)])
        #expect(g[0].members.map(\.sheets) == [2, 2, 2])
        #expect(g[0].members.map(\.meanTotal) == [Fraction(70), Fraction(60), Fraction(80)])
        // b: B1 mean 50 (−10, 0, +10), B2 mean 145/3 (−55/3, 35/3, 20/3) → halves of the sums:
        //    m4 −85/6, m5 35/6, m9 25/3; mean totals 35, 55, 115/2.
        #expect(g[1].members.map(\.member) == ["m4", "m5", "m9"])
        #expect(g[1].members.map(\.offset) == [Fraction(-85, 6), Fraction(35, 6), Fraction(25, 3)])
        #expect(g[1].members.map(\.meanTotal) == [Fraction(35), Fraction(55), Fraction(115, 2)])
    }

    @Test func kendallWWithinEachGroup() {
        let g = compute()
        // a: every member ranks A1 above A2 → W = 1, χ² = m(n − 1)W = 3.
        #expect(g[0].kendallW?.w == Fraction(1) && g[0].kendallW?.chiSquare == Fraction(3))
        #expect(g[0].kendallW?.members == 3 && g[0].kendallW?.dossiers == 2)
        // b: ranks (B1, B2): m4 (2, 1), m5 (1, 2), m9 (2, 1) → sums 5, 4; mean 4.5; S = 1/2;
        //    W = 12·(1/2) / (9·(8 − 2)) = 1/9, χ² = 3·1·1/9 = 1/3.
        #expect(g[1].kendallW?.w == Fraction(1, 9) && g[1].kendallW?.chiSquare == Fraction(1, 3))
        // c: one dossier → no W.
        #expect(g[2].kendallW == nil)
    }

    @Test func outliersPerGroup() {
        let g = compute()
        // c: m8's 20 against the others' 80, 80 (MAD 0) → threshold max(0, 100/10) = 10, off by 60.
        #expect(g[2].outliers.map { [$0.dossier, $0.member] } == [["C1", "m8"]])
        #expect(g[2].outliers.first.map { [$0.othersMedian, $0.deviation, $0.threshold] } == [Fraction(80), Fraction(60), Fraction(10)])
        // b: m4's 30 on B2 against 60, 55 (median 115/2, MAD 5/2 → threshold max(15/2, 10) = 10), off by 55/2.
        #expect(g[1].outliers.map { [$0.dossier, $0.member] } == [["B2", "m4"]])
        #expect(g[1].outliers.first?.deviation == Fraction(55, 2))
        // a: every deviation is at most its threshold (15 against 15).
        #expect(g[0].outliers.isEmpty)
    }

    @Test func stabilityAtTheGroupsLine() {
        // b's shortlist of 1: B1 50 against B2 145/3. Without m4: 55 against 115/2 → B2 in, B1 out.
        // Without m5: 50 against 85/2 → unchanged. Without m9: 45 against 45, medians 45 and 45,
        // no votes → both tie at the line.
        let g = compute(lines: ["b": 1])
        #expect(g[1].line == 1)
        let changes = g[1].stability.map { "\($0.member) \($0.dossier) \($0.from.rawValue)→\($0.to.rawValue)" }
        #expect(changes == ["m4 B1 selected→not-selected", "m4 B2 not-selected→selected",
                            "m9 B1 selected→tie-at-cut", "m9 B2 not-selected→tie-at-cut"])
        // a's line 1: A1 leads A2 by 20 on every sheet; no member changes it.
        #expect(compute(lines: ["a": 1])[0].stability.isEmpty)
    }

    @Test func withoutALineTheQuotaLinesChangesOnTheGroupsDossiers() {
        let table = SheetTable(validSheets(sheets.map { .score($0, seq: 1) }))
        let overall = Statistics.compute(program: program, dossiers: ds, table: table)
        let g = compute()
        for (i, ids) in [["A1", "A2"], ["B1", "B2"], ["C1"]].enumerated() {
            #expect(g[i].line == nil)
            #expect(g[i].stability == overall.stability.filter { ids.contains($0.dossier) })
        }
        #expect(!overall.stability.isEmpty, "the fixture should have changes at the quota line")
    }

    @Test func jsonOfAGroup() {
        let g = compute()
        let j = g[1].json()
        let o = try? JSONSerialization.jsonObject(with: Data(j.utf8)) as? [String: Any]
        #expect(o?["group"] as? String == "b" && o?["mean"] as? String == "295/6" && o?["offset"] as? String == "-125/6")
        #expect(o?["variance"] as? String == "4325/36" && o?["sheets"] as? Int == 6 && o?["line"] is NSNull)
        #expect((o?["kendall_w"] as? [String: Any])?["w"] as? String == "1/9")
        #expect((o?["members"] as? [[String: Any]])?.map { $0["offset"] as? String } == ["-85/6", "35/6", "25/3"])
        let empty = try? JSONSerialization.jsonObject(with: Data(g[3].json().utf8)) as? [String: Any]
        #expect(empty?["mean"] is NSNull && empty?["kendall_w"] is NSNull && empty?["sd"] is NSNull)
    }
}
