import Testing
import Panel
@testable import Scoring

@Suite struct ValidSheetTests {
    @Test func latestScoreCountsAndRecusalRemoves() {
        let events: [SheetEvent] = [
            .score(sheet("m1", "D1", 70), seq: 1),
            .score(sheet("m1", "D1", 85), seq: 3),  // supersedes seq 1
            .score(sheet("m1", "D1", 60), seq: 2),  // older than seq 3: ignored whatever its position
            .score(sheet("m2", "D1", 90), seq: 1),
            .recusal(member: "m2", dossier: "D1", seq: 2),  // removes m2's sheet on D1
            .score(sheet("m2", "D2", 75), seq: 3),
            .recusal(member: "m3", dossier: "D2", seq: 1),
            .score(sheet("m3", "D2", 88), seq: 2),  // after a recusal: still removed
        ]
        let valid = validSheets(events)
        #expect(valid.map { "\($0.member)/\($0.dossier)=\($0.total)" } == ["m1/D1=85", "m2/D2=75"])
        #expect(validSheets(events.reversed()) == valid)
    }

    @Test func totalFollowsPoints() {
        var s = Sheet(member: "m1", dossier: "D1", points: ["skill": 40, "contribution": 45])
        #expect(s.total == 85)
        s.points["skill"] = 30
        #expect(s.total == 75)
    }
}

@Suite struct MethodTests {
    @Test func trimmedMeanDropsHighestAndLowestFromFive() {
        // 90, 85, 88, 70, 95: five sheets ≥ trim_min 5 → drop 95 and 70 → (90+85+88)/3 = 263/3 = 87.666… → "87.67"
        let r = Ranker.rank(program: testProgram(), dossiers: [dossier("D1")], sheets: sheets("D1", [90, 85, 88, 70, 95]))
        #expect(r.entries[0].score == Fraction(263, 3))
        #expect(r.entries[0].score?.rounded2() == "87.67")
        #expect(r.entries[0].sheets == 5)
    }

    @Test func plainMeanBelowFive() {
        // Contract example: 86, 87, 86: three sheets < 5 → plain mean 259/3 = 86.33
        // Four sheets 80, 84, 91, 90 → 345/4 = 86.25 (no trimming below 5)
        let r = Ranker.rank(program: testProgram(), dossiers: [dossier("D1"), dossier("D2")],
                            sheets: sheets("D1", [86, 87, 86]) + sheets("D2", [80, 84, 91, 90]))
        #expect(r.entry("D1")?.score == Fraction(259, 3))
        #expect(r.entry("D1")?.score?.rounded2() == "86.33")
        #expect(r.entry("D2")?.score == Fraction(345, 4))
    }

    @Test func trimTwoFromSeven() {
        // trim 2, trim_min 6: 50 60 70 80 90 100 40 → sorted 40 50 60 70 80 90 100 → keep 60 70 80 → 70
        let p = testProgram(trim: 2, trimMin: 6)
        let r = Ranker.rank(program: p, dossiers: [dossier("D1")], sheets: sheets("D1", [50, 60, 70, 80, 90, 100, 40]))
        #expect(r.entries[0].score == Fraction(70))
        #expect(Aggregate.trimmedMean(sorted: [1, 2, 3], trim: 2, trimMin: 1) == Fraction(2))  // 3 ≤ 2·2: plain mean 6/3
    }

    @Test func mean() {
        // 70 + 90 + 81 + 60 = 301 → 301/4 = 75.25 (five sheets would be trimmed by the default; not here)
        let r = Ranker.rank(program: testProgram(method: "mean"), dossiers: [dossier("D1")],
                            sheets: sheets("D1", [70, 90, 81, 60, 100]))
        // 70+90+81+60+100 = 401 → 401/5 = 80.2
        #expect(r.entries[0].score == Fraction(401, 5))
        #expect(r.method == "mean")
    }

    @Test func median() {
        // 70, 90, 80, 60 → sorted 60 70 80 90 → (70+80)/2 = 75; odd count 70, 95, 80 → 80
        let r = Ranker.rank(program: testProgram(method: "median"), dossiers: [dossier("D1"), dossier("D2")],
                            sheets: sheets("D1", [70, 90, 80, 60]) + sheets("D2", [70, 95, 80]))
        #expect(r.entry("D1")?.score == Fraction(75))
        #expect(r.entry("D2")?.score == Fraction(80))
        #expect(r.entries.map(\.dossier) == ["D2", "D1"])
    }

    @Test func zScore() {
        // m1: D1 90, D2 80, D3 70 → mean 80, mean abs deviation A = (10+0+10)/3 = 20/3
        // m2: D1 60, D2 50, D3 70 → mean 60, A = (0+10+10)/3 = 20/3
        // panel: 90 80 70 60 50 70 → μ = 420/6 = 70, D = (20+10+0+10+20+0)/6 = 10
        // v = 70 + 10·(x − mean)/(20/3):
        //   m1: D1 70+15 = 85, D2 70, D3 55;  m2: D1 70, D2 55, D3 85
        // D1 = (85+70)/2 = 77.5, D2 = (70+55)/2 = 62.5, D3 = (55+85)/2 = 70
        let p = testProgram(method: "z-score", quorum: 2)
        let s = [sheet("m1", "D1", 90), sheet("m1", "D2", 80), sheet("m1", "D3", 70),
                 sheet("m2", "D1", 60), sheet("m2", "D2", 50), sheet("m2", "D3", 70)]
        let r = Ranker.rank(program: p, dossiers: ["D1", "D2", "D3"].map { dossier($0) }, sheets: s)
        #expect(r.entry("D1")?.score == Fraction(155, 2))
        #expect(r.entry("D2")?.score == Fraction(125, 2))
        #expect(r.entry("D3")?.score == Fraction(70))
        #expect(r.entries.map(\.dossier) == ["D1", "D3", "D2"])
    }

    @Test func zScoreRoundsEachSheetToTenThousandths() {
        // m1: D1 100, D2 0, D3 0 → mean 100/3, A = (200/3 + 100/3 + 100/3)/3 = 400/9
        // m2: D1 50, D2 50, D3 50 → A = 0: every sheet gets v = μ
        // panel: 100 0 0 50 50 50 → μ = 250/6 = 125/3, D = (175/3 + 125/3·2 + 25/3·3)/6 = (500/3)/6 = 250/9
        // m1/D1: v = 125/3 + (250/9)·(200/3)/(400/9) = 125/3 + 125/3 = 250/3 = 83.33333… → 83.3333
        // m1/D2: v = 125/3 − (250/9)·(100/3)/(400/9) = 125/3 − 125/6 = 125/6 = 20.83333… → 20.8333
        // m2: v = 125/3 = 41.66666… → 41.6667
        // D1 = (83.3333 + 41.6667)/2 = 62.5; D2 = (20.8333 + 41.6667)/2 = 31.25
        let p = testProgram(method: "z-score", quorum: 1)
        let s = [sheet("m1", "D1", 100), sheet("m1", "D2", 0), sheet("m1", "D3", 0),
                 sheet("m2", "D1", 50), sheet("m2", "D2", 50), sheet("m2", "D3", 50)]
        let r = Ranker.rank(program: p, dossiers: ["D1", "D2", "D3"].map { dossier($0) }, sheets: s)
        #expect(r.entry("D1")?.score == Fraction(125, 2))
        #expect(r.entry("D2")?.score == Fraction(3125, 100))
        #expect(r.entry("D3")?.score == Fraction(3125, 100))
    }

    @Test func bordaWithTiesAndUnscoredDossiers() {
        // m1 scores D1 90, D2 80, D3 80 (n=3): D1 beats 2 → 2/2·100 = 100; D2 beats 0, ties 1 → (½)/2·100 = 25; D3 25
        // m2 scores D1 50, D2 70 (recused on D3, n=2): D1 0/1·100 = 0, D2 1/1·100 = 100
        // m3 scores only D3 (n=1): 100/2 = 50
        // D1 = (100+0)/2 = 50, D2 = (25+100)/2 = 62.5, D3 = (25+50)/2 = 37.5
        let p = testProgram(method: "borda", quorum: 1)
        let s = [sheet("m1", "D1", 90), sheet("m1", "D2", 80), sheet("m1", "D3", 80),
                 sheet("m2", "D1", 50), sheet("m2", "D2", 70), sheet("m3", "D3", 10)]
        let r = Ranker.rank(program: p, dossiers: ["D1", "D2", "D3"].map { dossier($0) }, sheets: s)
        #expect(r.entry("D1")?.score == Fraction(50))
        #expect(r.entry("D2")?.score == Fraction(125, 2))
        #expect(r.entry("D3")?.score == Fraction(75, 2))
        #expect(r.entries.map(\.dossier) == ["D2", "D1", "D3"])
    }

    @Test func bordaRoundsThirds() {
        // m1 scores four dossiers 40 < 50 < 60 < 70 (n=4): points 0, 1/3·100, 2/3·100, 100
        // = 0, 33.3333, 66.6667, 100 after rounding to 1/10000
        let p = testProgram(method: "borda", quorum: 1)
        let s = [sheet("m1", "A", 40), sheet("m1", "B", 50), sheet("m1", "C", 60), sheet("m1", "D", 70)]
        let r = Ranker.rank(program: p, dossiers: ["A", "B", "C", "D"].map { dossier($0) }, sheets: s)
        #expect(r.entry("B")?.score == Fraction(333_333, 10_000))
        #expect(r.entry("C")?.score == Fraction(666_667, 10_000))
        #expect(r.entry("D")?.score == Fraction(100))
    }

    @Test func zScoreIsNotMonotone() {
        // The documented caveat, shown. m0: D0 0, D1 80, D2 50; m1: D0 80, D1 0, D2 50.
        // Both members and the panel have the same mean (130/3) and mean abs deviation (260/9), so v = x:
        // D0 = (0+80)/2 = 40, D1 = (80+0)/2 = 40, D2 = 50 → ranks D2 1, D0 2, D1 2.
        // m1 raises D1 from 0 to 5: m1's mean 45, A = (35+40+5)/3 = 80/3; panel μ = 265/6, D = 250/9.
        //   m1/D0: 265/6 + (250/9)·35·(3/80) = 44.1667 + 36.4583 = 80.6250;  m1/D1: 44.1667 − 41.6667 = 2.5000
        //   m0/D0: 44.1667 − (250/9)(130/3)/(260/9) = 2.5000;  m0/D1: 44.1667 + 35.2564 = 79.4231
        // D0 = (2.5 + 80.625)/2 = 41.5625 > D1 = (79.4231 + 2.5)/2 = 40.96155 → D1 falls to rank 3.
        func rankOfD1(_ raised: Int) -> Int {
            let s = [sheet("m0", "D0", 0), sheet("m0", "D1", 80), sheet("m0", "D2", 50),
                     sheet("m1", "D0", 80), sheet("m1", "D1", raised), sheet("m1", "D2", 50)]
            let r = Ranker.rank(program: testProgram(method: "z-score", quorum: 1), dossiers: ["D0", "D1", "D2"].map { dossier($0) }, sheets: s)
            return r.entry("D1")!.rank
        }
        #expect(rankOfD1(0) == 2)
        #expect(rankOfD1(5) == 3)
    }
}

@Suite struct RankRuleTests {
    @Test func noQuorumBelowThreeSheetsListedLast() {
        // D1 two sheets (< quorum 3) scores 95 but is no-quorum; D2, D3 ranked 1 and 2; D4 has no sheet.
        let r = Ranker.rank(program: testProgram(quota: 1),
                            dossiers: ["D4", "D1", "D2", "D3"].map { dossier($0) },
                            sheets: sheets("D1", [95, 95]) + sheets("D2", [80, 80, 80]) + sheets("D3", [70, 70, 70]))
        #expect(r.entries.map(\.dossier) == ["D2", "D3", "D1", "D4"])
        #expect(r.entries.map(\.rank) == [1, 2, 3, 3])  // no-quorum: ranked count + 1
        #expect(r.entries.map(\.status) == [.selected, .notSelected, .noQuorum, .noQuorum])
        #expect(r.entry("D1")?.score == Fraction(95))  // informative, never selected
        #expect(r.entry("D4")?.score == nil)
        #expect(r.entry("D4")?.sheets == 0)
    }

    @Test func tieAtCutAndCompetitionRanks() {
        // quota 2: A 90; B and C both 85 with equal medians (85) and no votes; D 80.
        // Ranks 1, 2, 2, 4; the tie B/C straddles the quota line (places 2 and 3) → both tie-at-cut.
        let r = Ranker.rank(program: testProgram(quota: 2), dossiers: ["A", "B", "C", "D"].map { dossier($0) },
                            sheets: sheets("A", [90, 90, 90]) + sheets("B", [85, 85, 85]) + sheets("C", [80, 85, 90]) + sheets("D", [80, 80, 80]))
        #expect(r.entries.map(\.dossier) == ["A", "B", "C", "D"])
        #expect(r.entries.map(\.rank) == [1, 2, 2, 4])
        #expect(r.entries.map(\.status) == [.selected, .tieAtCut, .tieAtCut, .notSelected])
    }

    @Test func tieInsideQuotaIsSelected() {
        // quota 3: the tie at rank 2 fills places 2 and 3 exactly → both selected; rank 4 not.
        let r = Ranker.rank(program: testProgram(quota: 3), dossiers: ["A", "B", "C", "D"].map { dossier($0) },
                            sheets: sheets("A", [90, 90, 90]) + sheets("B", [85, 85, 85]) + sheets("C", [85, 85, 85]) + sheets("D", [80, 80, 80]))
        #expect(r.entries.map(\.status) == [.selected, .selected, .selected, .notSelected])
    }

    @Test func tieBreakMedian() {
        // B: 80, 85, 90 → mean 85, median 85; C: 75, 90, 90 → mean 255/3 = 85, median 90 → C before B.
        let r = Ranker.rank(program: testProgram(quota: 1), dossiers: ["B", "C"].map { dossier($0) },
                            sheets: sheets("B", [80, 85, 90]) + sheets("C", [75, 90, 90]))
        #expect(r.entries.map(\.dossier) == ["C", "B"])
        #expect(r.entries.map(\.rank) == [1, 2])
        #expect(r.entries.map(\.status) == [.selected, .notSelected])
        #expect(r.entry("C")?.median == Fraction(90))
    }

    @Test func tieBreakRecommendAfterMedian() {
        // Same totals (mean 85, median 85); B has 2 recommend votes, C only 1 → B first.
        let r = Ranker.rank(program: testProgram(quota: 1), dossiers: ["B", "C"].map { dossier($0) },
                            sheets: sheets("C", [80, 85, 90], votes: [.recommend, .reject, .abstain])
                                + sheets("B", [80, 85, 90], votes: [.recommend, .recommend, .reject]))
        #expect(r.entries.map(\.dossier) == ["B", "C"])
        #expect(r.entry("B")?.recommend == 2)
        #expect(r.entry("C")?.votes == [.recommend: 1, .reject: 1, .abstain: 1])
        #expect(r.entries.map(\.status) == [.selected, .notSelected])
        // Without tie-breaks they share rank 1 and straddle quota 1.
        let plain = Ranker.rank(program: testProgram(quota: 1, tieBreaks: []), dossiers: ["B", "C"].map { dossier($0) },
                                sheets: sheets("C", [80, 85, 90], votes: [.recommend, .reject, .abstain])
                                    + sheets("B", [80, 85, 90], votes: [.recommend, .recommend, .reject]))
        #expect(plain.entries.map(\.rank) == [1, 1])
        #expect(plain.entries.map(\.status) == [.tieAtCut, .tieAtCut])
    }

    @Test func tieBreakOrderMatters() {
        // B: median 85, 3 recommend; C: median 90, 0 recommend; equal means (85).
        let s = sheets("B", [80, 85, 90], votes: [.recommend, .recommend, .recommend]) + sheets("C", [75, 90, 90])
        let ds = ["B", "C"].map { dossier($0) }
        #expect(Ranker.rank(program: testProgram(quota: 1), dossiers: ds, sheets: s).entries[0].dossier == "C")
        #expect(Ranker.rank(program: testProgram(quota: 1, tieBreaks: ["recommend", "median"]), dossiers: ds, sheets: s).entries[0].dossier == "B")
    }

    @Test func approvalThresholdBlocksSelectionAndPassesThePlaceDown() {
        // threshold 2/3, quota 1.
        // A: 95, votes R, J, J → 1/3 < 2/3 → below-threshold: rank 1 but not-selected.
        // B: 90, votes R, R, J → 2/3 ≥ 2/3 → met: takes the quota place.
        // C: 85, votes R, R, R → met, but the place is gone.
        // D: 80, no votes cast → below-threshold (0 cast votes never meet a threshold).
        let p = testProgram(quota: 1, threshold: "2/3")
        let s = sheets("A", [95, 95, 95], votes: [.recommend, .reject, .reject])
            + sheets("B", [90, 90, 90], votes: [.recommend, .recommend, .reject])
            + sheets("C", [85, 85, 85], votes: [.recommend, .recommend, .recommend])
            + sheets("D", [80, 80, 80])
        let r = Ranker.rank(program: p, dossiers: ["A", "B", "C", "D"].map { dossier($0) }, sheets: s)
        #expect(r.entries.map(\.rank) == [1, 2, 3, 4])
        #expect(r.entries.map(\.status) == [.notSelected, .selected, .notSelected, .notSelected])
        #expect(r.entries.map(\.approval) == [.belowThreshold, .met, .met, .belowThreshold])
        #expect(r.approvalThreshold == Fraction(2, 3))
    }

    @Test func abstainCountsAsCast() {
        // R, R, abstain: 2/3 recommend among 3 cast → meets 2/3; with threshold 3/4 it does not.
        let s = sheets("A", [90, 90, 90], votes: [.recommend, .recommend, .abstain])
        #expect(Ranker.rank(program: testProgram(quota: 1, threshold: "2/3"), dossiers: [dossier("A")], sheets: s).entries[0].status == .selected)
        #expect(Ranker.rank(program: testProgram(quota: 1, threshold: "0.75"), dossiers: [dossier("A")], sheets: s).entries[0].status == .notSelected)
    }

    @Test func sheetsForUnknownDossiersAreIgnored() {
        let r = Ranker.rank(program: testProgram(), dossiers: [dossier("A")], sheets: sheets("A", [90, 90, 90]) + sheets("Z", [100, 100, 100]))
        #expect(r.entries.map(\.dossier) == ["A"])
    }

    @Test func validateReportsBadSettings() {
        var a = Aggregation(method: "average", tieBreaks: ["median", "age"], approvalThreshold: "3/2")
        let problems = Ranker.validate(a)
        #expect(problems.count == 3)
        #expect(problems.allSatisfy { $0.en.hasPrefix("aggregation.") && $0.zh.hasPrefix("aggregation.") })
        a = Aggregation()
        #expect(Ranker.validate(a).isEmpty)
        #expect(Ranker.method(Aggregation(method: "average")) == .trimmedMean)
    }

    @Test func templateDefaultsAreTheContract() {
        // The Aggregation defaults (used by the shanghai/qingpu templates): trimmed mean dropping one
        // highest and one lowest from ≥ 5 sheets, quorum 3, tie-breaks median then recommend.
        let a = Aggregation()
        #expect(a.method == "trimmed-mean")
        #expect(a.trim == 1 && a.trimMin == 5 && a.quorum == 3)
        #expect(a.tieBreaks == ["median", "recommend"])
    }
}
