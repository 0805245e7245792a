import Testing
import Panel
@testable import Scoring

/// Large panels: nothing overflows (Fraction traps rather than wrapping, so finishing is the check)
/// and the results stay within their bounds. No timing here: speed is measured by a benchmark.
@Suite struct ScaleTests {
    static func bigPanel(dossiers: Int, members: Int, seed: UInt64) -> ([Dossier], [Sheet]) {
        var rng = SplitMix(seed: seed)
        let ds = (0..<dossiers).map { dossier("D\($0)") }
        var s: [Sheet] = []
        s.reserveCapacity(dossiers * members)
        for m in 0..<members {
            // Members of very different severity and spread, some recusals.
            let base = Int.random(in: 0...60, using: &rng), width = Int.random(in: 0...40, using: &rng)
            for d in 0..<dossiers where Int.random(in: 0..<50, using: &rng) != 0 {
                s.append(sheet("m\(m)", "D\(d)", min(100, base + Int.random(in: 0...width, using: &rng)), Vote.allCases.randomElement(using: &rng)))
            }
        }
        return (ds, s)
    }

    @Test(arguments: Method.allCases)
    func thousandsOfDossiersThirtyMembers(_ method: Method) {
        let (ds, s) = ScaleTests.bigPanel(dossiers: 3000, members: 30, seed: 7)
        let r = Ranker.rank(program: testProgram(method: method.rawValue, quota: 100, threshold: "1/3"), dossiers: ds, sheets: s)
        #expect(r.entries.count == 3000)
        #expect(r.entries.filter { $0.status == .selected }.count <= 100)
        for e in r.entries {
            guard let score = e.score else { continue }
            switch method {
            case .trimmedMean, .mean, .median, .borda:
                #expect(score >= .zero && score <= Fraction(100))
            case .zScore:
                // μ ± D·(x − m)/A stays within a few hundred points of the scale for this panel.
                #expect(score.magnitude < Fraction(1000))
            }
        }
    }

    @Test func oneMemberScoringTenThousandDossiers() {
        // The largest per-member sums of the z-score path: n = 10,000, An up to 10¹⁰.
        let ds = (0..<10_000).map { dossier("D\($0)") }
        let s = (0..<10_000).map { sheet("solo", "D\($0)", ($0 * 37) % 101) } + (0..<10_000).map { sheet("other", "D\($0)", 100 - ($0 * 11) % 101) }
        let r = Ranker.rank(program: testProgram(method: "z-score", quota: 10, quorum: 1), dossiers: ds, sheets: s)
        #expect(r.entries.count == 10_000)
        #expect(r.entries.first!.score! > r.entries.last!.score!)
    }

    @Test func statisticsOnSixHundredDossiers() {
        let (ds, s) = ScaleTests.bigPanel(dossiers: 600, members: 30, seed: 11)
        let st = Statistics.compute(program: testProgram(quota: 50), dossiers: ds, sheets: s)
        #expect(st.dossiers.count == 600)
        #expect(st.members.count == 30)
        // Offsets from the dossier means add up (weighted by sheets) to zero.
        var sum = Fraction.zero
        for m in st.members { sum = sum + m.offset * Fraction(m.sheets) }
        #expect(sum == .zero)
        if let w = st.kendallW { #expect(w.w >= .zero && w.w <= .one) }
    }
}
