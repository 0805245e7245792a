import Foundation
import Testing
import Panel
@testable import Scoring

/// Session 9's attack on the panel statistics: inputs a member can shape (who scores and who
/// recuses sets how many sheets each dossier has) must never trap.
@Suite struct SessionNineStatisticsAttackTests {
    /// A member's severity is a mean of offsets from each dossier's mean, whose denominators are
    /// the dossiers' sheet counts: with 1…45 sheets on 45 dossiers their common denominator is
    /// lcm(1…45) > 2⁶³. It was a Fraction that trapped ("does not fit in 64 bits") and took
    /// `stats`, the chair's board and the stats panel down; now rounded, `exact` false.
    @Test func severityWithManyDistinctSheetCountsDoesNotTrap() {
        var ds: [Dossier] = []
        var s: [Sheet] = []
        for k in 1...45 {
            ds.append(dossier("D\(k)"))
            // m0 scores every dossier 0; k − 1 others score it 100.
            s.append(sheet("m0", "D\(k)", 0))
            for j in 1..<k { s.append(sheet("m\(j)", "D\(k)", 100)) }
        }
        let st = Statistics.compute(program: testProgram(), dossiers: ds, sheets: s)
        let m0 = st.members.first { $0.member == "m0" }
        #expect(m0 != nil && m0!.sheets == 45)
        // −100·Σ(k − 1)/k / 45 = −100·(45 − H₄₅)/45 ≈ −90.3
        let v = m0.map { $0.offset.doubleValue } ?? 0
        var harmonic = 0.0
        for k in 1...45 { harmonic += 1.0 / Double(k) }
        let want = -100.0 * (45.0 - harmonic) / 45.0
        #expect(abs(v - want) < 1e-6, "\(v) \(want)")
        #expect(m0?.exact == false)
        _ = st.members.map { $0.offset.description }
    }
}
