import Foundation
import Testing
import Panel
@testable import Scoring

@Suite struct StatisticsTests {
    // m1: D1 90, D2 80, D3 70
    // m2: D1 80, D2 80, D3 60
    // m3: D1 85, D2 70, D3 65
    let panel: [Sheet] = [
        sheet("m1", "D1", 90), sheet("m1", "D2", 80), sheet("m1", "D3", 70),
        sheet("m2", "D1", 80), sheet("m2", "D2", 80), sheet("m2", "D3", 60),
        sheet("m3", "D1", 85), sheet("m3", "D2", 70), sheet("m3", "D3", 65),
    ]
    let ds = ["D1", "D2", "D3"].map { dossier($0) }

    @Test func perDossier() {
        let st = Statistics.compute(program: testProgram(), dossiers: ds, sheets: panel)
        let d1 = st.dossiers[0], d2 = st.dossiers[1], d3 = st.dossiers[2]
        // D1: 90 80 85 → mean 85; variance ((5² + 5² + 0²)/3) = 50/3; min 80, max 90, spread 10
        #expect(d1.n == 3 && d1.mean == Fraction(85) && d1.variance == Fraction(50, 3))
        #expect(d1.min == 80 && d1.max == 90 && d1.spread == 10)
        #expect(abs(d1.sd! - (50.0 / 3).squareRoot()) < 1e-12)
        // D2: 80 80 70 → mean 230/3; deviations 10/3, 10/3, −20/3 → (100+100+400)/9/3 = 200/9
        #expect(d2.mean == Fraction(230, 3) && d2.variance == Fraction(200, 9) && d2.spread == 10)
        // D3: 70 60 65 → mean 65, variance 50/3
        #expect(d3.mean == Fraction(65) && d3.variance == Fraction(50, 3))
    }

    @Test func severity() {
        let st = Statistics.compute(program: testProgram(), dossiers: ds, sheets: panel)
        // m1: (90−85) + (80−230/3) + (70−65) = 5 + 10/3 + 5 = 40/3 → /3 = 40/9 (lenient)
        // m2: (80−85) + (80−230/3) + (60−65) = −20/3 → −20/9;  m3: 0 + (70−230/3) + 0 = −20/3 → −20/9
        #expect(st.members.map(\.member) == ["m1", "m2", "m3"])
        #expect(st.members.map(\.offset) == [Fraction(40, 9), Fraction(-20, 9), Fraction(-20, 9)])
        #expect(st.members[0].meanTotal == Fraction(80))  // (90+80+70)/3
        #expect(st.members.allSatisfy { $0.sheets == 3 })
    }

    @Test func kendallWTieCorrected() {
        let st = Statistics.compute(program: testProgram(), dossiers: ds, sheets: panel)
        // Ranks (ascending) per member: m1 D3 1, D2 2, D1 3; m2 D3 1, D1 2.5, D2 2.5; m3 D3 1, D2 2, D1 3.
        // Rank sums: D1 8.5, D2 6.5, D3 3; mean m(n+1)/2 = 6; S = 2.5² + 0.5² + 3² = 15.5
        // Ties: m2 has one pair → T = 2³ − 2 = 6. W = 12·15.5 / (3²·(27−3) − 3·6) = 186/198 = 31/33
        // χ² = m(n−1)W = 3·2·31/33 = 62/11
        let w = st.kendallW
        #expect(w?.w == Fraction(31, 33))
        #expect(w?.chiSquare == Fraction(62, 11))
        #expect(w?.members == 3 && w?.dossiers == 3)
    }

    @Test func kendallWPerfectAgreementAndBlock() {
        // Two members ranking three dossiers identically → W = 1.
        let agree = [sheet("a", "D1", 90), sheet("a", "D2", 80), sheet("a", "D3", 70),
                     sheet("b", "D1", 60), sheet("b", "D2", 50), sheet("b", "D3", 40)]
        #expect(Statistics.compute(program: testProgram(), dossiers: ds, sheets: agree).kendallW?.w == Fraction(1))
        // Exactly opposite rankings by two members → every rank sum is 4 = mean → W = 0.
        let oppose = [sheet("a", "D1", 90), sheet("a", "D2", 80), sheet("a", "D3", 70),
                      sheet("b", "D1", 40), sheet("b", "D2", 50), sheet("b", "D3", 60)]
        #expect(Statistics.compute(program: testProgram(), dossiers: ds, sheets: oppose).kendallW?.w == Fraction(0))
        // c scored one dossier: c ranks nothing and is left out; a and b still agree → 1.
        let partial = agree + [sheet("c", "D1", 70)]
        let w = Statistics.compute(program: testProgram(), dossiers: ds, sheets: partial).kendallW
        #expect(w?.w == Fraction(1) && w?.members == 2 && w?.design == .complete)
    }

    @Test func outliers() {
        // D4: 80, 82, 81, 40. For the 40: others 80 81 82 → median 81, abs deviations 1 0 1 → MAD 1;
        // threshold max(3·1, 100/10) = 10; |40 − 81| = 41 > 10 → outlier.
        // For the 80: others 82 81 40 → median 81, deviations 1 0 41 → MAD 1 → threshold 10; |80−81| = 1 → not.
        let s = sheets("D4", [80, 82, 81, 40])
        let st = Statistics.compute(program: testProgram(), dossiers: [dossier("D4")], sheets: s)
        #expect(st.outliers.count == 1)
        let o = st.outliers[0]
        #expect(o.member == "m4" && o.total == 40 && o.othersMedian == Fraction(81))
        #expect(o.deviation == Fraction(41) && o.threshold == Fraction(10))
        // The hand panel above has no outlier (largest gap: 60 vs others 70, 65 → median 67.5, 7.5 ≤ 10).
        #expect(Statistics.compute(program: testProgram(), dossiers: ds, sheets: panel).outliers.isEmpty)
    }

    @Test func stabilityAtTheCut() {
        // quota 1, quorum 2. m1: D1 90, D2 85; m2: D1 80, D2 85; m3: D1 80, D2 70.
        // All: D1 250/3 = 83.3 selected, D2 240/3 = 80 not-selected.
        // Without m1: D1 80, D2 77.5 → same. Without m2: D1 85, D2 77.5 → same.
        // Without m3: D1 (90+80)/2 = 85, D2 (85+85)/2 = 85, medians 85 and 85, no votes → tie at the cut.
        let s = [sheet("m1", "D1", 90), sheet("m1", "D2", 85), sheet("m2", "D1", 80), sheet("m2", "D2", 85),
                 sheet("m3", "D1", 80), sheet("m3", "D2", 70)]
        let p = testProgram(quota: 1, quorum: 2)
        let st = Statistics.compute(program: p, dossiers: [dossier("D1"), dossier("D2")], sheets: s)
        #expect(st.stability.map { "\($0.member) \($0.dossier) \($0.from.rawValue)→\($0.to.rawValue)" }
            == ["m3 D1 selected→tie-at-cut", "m3 D2 not-selected→tie-at-cut"])
    }

    @Test func emptyPanel() {
        let st = Statistics.compute(program: testProgram(), dossiers: [dossier("D1")], sheets: [])
        #expect(st.dossiers[0].n == 0 && st.dossiers[0].mean == nil)
        #expect(st.members.isEmpty && st.kendallW == nil && st.outliers.isEmpty && st.stability.isEmpty)
    }

    @Test func exactSquareRootRounding() {
        // √(50/3) = 4.082482… → "4.0825" (4 places), "4.08" (2 places); √(200/9) = 4.714045… → "4.7140"
        #expect(Fraction(50, 3).sqrtRounded(places: 4) == "4.0825")
        #expect(Fraction(50, 3).sqrtRounded(places: 2) == "4.08")
        #expect(Fraction(200, 9).sqrtRounded(places: 4) == "4.7140")
        // √(0.0625) = 0.25 exactly; √(1/4) to 0 places = 0.5 → rounds half up to 1
        #expect(Fraction(1, 16).sqrtRounded(places: 2) == "0.25")
        #expect(Fraction(1, 4).sqrtRounded(places: 0) == "1")
        #expect(Fraction(0).sqrtRounded(places: 3) == "0.000")
    }

    @Test func reports() throws {
        let st = Statistics.compute(program: testProgram(quota: 1), dossiers: ds, sheets: panel)
        let obj = try JSONSerialization.jsonObject(with: Data(st.json().utf8)) as! [String: Any]
        let d1 = (obj["dossiers"] as! [[String: Any]])[0]
        #expect(d1["mean"] as? String == "85" && d1["variance"] as? String == "50/3" && d1["sd"] as? Double == 4.0825)
        #expect((obj["kendall_w"] as! [String: Any])["w"] as? String == "31/33")
        #expect((obj["members"] as! [[String: Any]]).map { $0["offset"] as? String } == ["40/9", "-20/9", "-20/9"])
        let zh = st.text(.zh), en = st.text(.en)
        #expect(zh.contains("肯德尔和谐系数 W = 0.9394"))  // 31/33 = 0.93939…
        #expect(en.contains("Kendall's W = 0.9394"))
        #expect(en.contains("Member severity") && zh.contains("评委宽严度"))
    }
}
