import Foundation
import Testing
import PropertyBased
import Panel
@testable import Scoring

/// Kendall's W for complete and incomplete rankings, Durbin's T₁ (issue 13: a W per group under
/// an assignment). The published examples are worked by hand in the comments.
@Suite struct ConcordanceTests {
    /// W of the sheets (dossiers: those the sheets name, in order of appearance).
    func concordance(_ sheets: [Sheet]) -> KendallW? {
        var seen = Set<String>(), ds: [Dossier] = []
        for s in sheets where seen.insert(s.dossier).inserted { ds.append(dossier(s.dossier)) }
        return Statistics.kendallW(Grouped(program: testProgram(), dossiers: ds, sheets: sheets))
    }

    /// Sheets from blocks: member "j\(b)" gives dossier "T\(blocks[b][x])" the total totals[b][x].
    func blockSheets(_ blocks: [[Int]], _ totals: [[Int]]) -> [Sheet] {
        var out: [Sheet] = []
        for (b, block) in blocks.enumerated() {
            for (x, t) in block.enumerated() { out.append(sheet("j\(b)", "T\(t)", totals[b][x])) }
        }
        return out
    }

    /// The Fano plane: t = 7, b = 7, k = 3, r = 3, λ = 1 (Conover's and Hollander–Wolfe's design).
    static let fano = [[1, 2, 4], [2, 3, 5], [3, 4, 6], [4, 5, 7], [1, 5, 6], [2, 6, 7], [1, 3, 7]]
    /// The projective plane of order 3: blocks {i, i+1, i+3, i+9} mod 13; t = b = 13, k = r = 4, λ = 1.
    static let pg23 = (0..<13).map { i in [0, 1, 3, 9].map { (i + $0) % 13 } }

    /// The implementation this replaces (complete block only, Kendall's tie-corrected formula
    /// 12S / (m²(n³ − n) − m·ΣT)), kept here as the reference the reduction is checked against.
    func oldKendallW(_ g: Grouped) -> (w: Fraction, chi: Fraction, members: Int, dossiers: Int)? {
        let mCount = g.memberIDs.count
        guard mCount >= 2 else { return nil }
        var block: [Int] = []
        for d in 0..<g.count {
            let r = g.range(d)
            if r.count != mCount { continue }
            if Set(r.map { g.memberOf[$0] }).count == mCount { block.append(d) }
        }
        let n = block.count
        guard n >= 2 else { return nil }
        var rankSum2 = [Int64](repeating: 0, count: n)
        var tieSum: Int64 = 0
        for m in 0..<mCount {
            var items: [(total: Int, b: Int)] = []
            for (b, d) in block.enumerated() {
                for i in g.range(d) where Int(g.memberOf[i]) == m { items.append((g.totals[i], b)) }
            }
            items.sort { $0.total < $1.total }
            var p = 0
            while p < n {
                var q = p + 1
                while q < n && items[q].total == items[p].total { q += 1 }
                let t = Int64(q - p)
                for k in p..<q { rankSum2[items[k].b] += Int64(2 * (p + 1)) + t - 1 }
                tieSum += t * t * t - t
                p = q
            }
        }
        let m = Int64(mCount), nn = Int64(n)
        var s4: Int128 = 0
        for r in rankSum2 { let dv = Int128(r - m * (nn + 1)); s4 += dv * dv }
        let den = Int128(m) * Int128(m) * Int128(nn * nn * nn - nn) - Int128(m) * Int128(tieSum)
        guard den > 0 else { return nil }
        let w = Fraction.make(3 * s4, den)
        return (w, w * Fraction(m * (nn - 1)), mCount, n)
    }

    // MARK: - Complete designs: Kendall's W as before

    /// W = S / (m(A − C)) with A − C = (m(n³ − n) − ΣT)/12 is 12S / (m²(n³ − n) − mΣT), and
    /// Durbin's T₁ = (n − 1)S/(A − C) = m(n − 1)W is Friedman's χ²: the new code gives the old
    /// figures on every complete panel, ties included.
    @Test func completeDesignReducesToKendallsW() async {
        await propertyCheck(count: 300, input: Gen.int(in: 2...7), Gen.int(in: 2...8), Gen.int(in: 0...20).array(of: 4...60)) { m, n, values in
            let (ds, s) = gridPanel(members: m, dossiers: n, values: values.map { $0 * 5 })
            let g = Grouped(program: testProgram(), dossiers: ds, sheets: s)
            let new = Statistics.kendallW(g), old = oldKendallW(g)
            #expect(new?.w == old?.w && new?.chiSquare == old?.chi, "\(values)")
            #expect(new?.members == old?.members && new?.dossiers == old?.dossiers)
            if let new {
                #expect(new.design == .complete && new.balanced && new.exact && new.df == n - 1)
                #expect(new.w >= .zero && new.w <= .one)
            }
        }
    }

    @Test func theHandPanelKeepsItsFigures() {
        // StatisticsTests.kendallWTieCorrected: W = 31/33, χ² = 62/11, worked by hand there.
        let w = concordance([sheet("m1", "D1", 90), sheet("m1", "D2", 80), sheet("m1", "D3", 70),
                             sheet("m2", "D1", 80), sheet("m2", "D2", 80), sheet("m2", "D3", 60),
                             sheet("m3", "D1", 85), sheet("m3", "D2", 70), sheet("m3", "D3", 65)])
        #expect(w?.w == Fraction(31, 33) && w?.chiSquare == Fraction(62, 11) && w?.design == .complete && w?.df == 2)
    }

    // MARK: - Balanced incomplete blocks: published examples

    /// Conover, Practical Nonparametric Statistics, 3rd ed. (1999), §5.9 Example 1 (p. 391; the
    /// data of agricolae's durbin.test and PMCMRplus's durbinTest): 7 judges each rank 3 of 7 ice
    /// creams. Rank sums 8 9 4 3 5 6 7, r(k+1)/2 = 6, Σ(R − 6)² = 28; A = 7·14 = 98, C = 7·3·16/4 = 84;
    /// T₁ = 6·28/14 = 12 (Conover's value). The rankings agree with the order 4 3 5 6 7 1 2, so
    /// W = T₁(k+1)/(r(k−1)(t+1)) = 12·4/(3·2·8) = 1.
    @Test func conoversIceCream() {
        let prefs = [[2, 3, 1], [3, 1, 2], [2, 1, 3], [1, 2, 3], [3, 1, 2], [3, 1, 2], [3, 1, 2]]
        let w = concordance(blockSheets(Self.fano, prefs))
        #expect(w?.chiSquare == Fraction(12) && w?.df == 6)
        #expect(w?.w == Fraction(1) && w?.design == .incomplete && w?.balanced == true && w?.exact == true)
        #expect(w?.members == 7 && w?.dossiers == 7)
    }

    /// Hollander & Wolfe, Nonparametric Statistical Methods, 2nd ed. (1999), p. 311 (Moore & Bliss
    /// 1942, log toxic dosages of 7 chemicals A–G, 3 a day over 7 days; agricolae's Example 2).
    /// Ranks within days: A 3 1 1, B 1 1 3, C 3 3 3, D 2 1 2, E 2 2 1, F 3 2 3, G 2 2 1 → sums
    /// 5 5 9 5 5 8 5; Σ(R − 6)² = 18; T₁ = 6·18/14 = 54/7 ≈ 7.71 (their D); W = T₁·4/48 = 9/14.
    @Test func hollanderWolfeToxicDosages() {
        let days = [["A", "B", "D"], ["A", "C", "E"], ["C", "D", "G"], ["A", "F", "G"], ["B", "C", "F"], ["B", "E", "G"], ["D", "E", "F"]]
        let dose = [[465, 343, 396], [602, 873, 634], [875, 325, 330], [423, 987, 426], [652, 1142, 989], [536, 409, 309], [609, 417, 931]]
        var s: [Sheet] = []
        for (b, day) in days.enumerated() {
            // Totals within 0…1000: ranks are what counts, so the thousandths less 150 do.
            for (x, c) in day.enumerated() { s.append(sheet("day\(b)", c, dose[b][x] - 150)) }
        }
        let w = concordance(s)
        #expect(w?.chiSquare == Fraction(54, 7) && w?.w == Fraction(9, 14) && w?.df == 6 && w?.balanced == true)
    }

    /// In any BIBD, W = T₁(k + 1)/(r(k − 1)(t + 1)) (Kendall–Gibbons' W and Durbin's T₁), ties or not,
    /// and perfect agreement on any order gives W = 1 and T₁ = r(k − 1)(t + 1)/(k + 1).
    @Test func bibdIdentityAndAgreement() async {
        for (blocks, t, k, r) in [(Self.fano, 7, 3, 3), (Self.pg23, 13, 4, 4)] {
            await propertyCheck(count: 100, input: Gen.int(in: 0...6).array(of: 52...52), Gen.int(in: 0...1_000_000)) { values, seed in
                let totals = blocks.indices.map { b in (0..<k).map { values[(b * k + $0) % values.count] * 10 } }
                if let w = concordance(blockSheets(blocks, totals)) {
                    #expect(w.balanced && w.design == .incomplete && w.exact)
                    #expect(w.w == w.chiSquare * Fraction(k + 1, r * (k - 1) * (t + 1)))
                    // Without ties S is at most its value at agreement: 0 ≤ W ≤ 1 (ties: see below).
                    if totals.allSatisfy({ Set($0).count == k }) { #expect(w.w >= .zero && w.w <= .one, "\(totals)") }
                }
                // Agreement on a random order: each judge scores a dossier by its place in it.
                var rng = SplitMix(seed: UInt64(seed))
                let place = Array(0..<t).shuffled(using: &rng)
                let agree = concordance(blockSheets(blocks, blocks.map { $0.map { place[$0 % t] * 10 } }))
                #expect(agree?.w == Fraction(1) && agree?.chiSquare == Fraction(r * (k - 1) * (t + 1), k + 1))
                // The judge holding the first and the last of the order reverses their block: with
                // λ = 1 every pair is one judge's, and a dossier placed between them now beats the
                // last and loses to the first, a cycle, so no order agrees with every judge: W < 1.
                var rev = blocks.map { $0.map { place[$0 % t] * 10 } }
                let judge = blocks.firstIndex { b in b.contains { place[$0 % t] == 0 } && b.contains { place[$0 % t] == t - 1 } }!
                rev[judge] = rev[judge].map { 1000 - $0 }
                #expect((concordance(blockSheets(blocks, rev))?.w ?? .one) < Fraction(1))
            }
        }
    }

    /// The limit of the tie correction in incomplete blocks: Conover's T₁ divides by the A − C the
    /// ties leave, and unlike a complete design (where S ≤ m(A − C) by Cauchy–Schwarz) the rank sums
    /// of an incomplete design can stay as spread as without ties, so T₁ and W can pass their
    /// untied maxima. Fano blocks, totals (block by block) 0 0 0 | 0 0 10 | 0 0 10 | 0 10 0 |
    /// 0 0 10 | 0 10 0 | 0 0 0: centred ranks −½ −½ 1 in five blocks, 0 in two; sums over
    /// dossiers 1…7: −½ −1 −1 −1 3/2 3 −1 → S = 31/2; A − C = 5·3/2 = 15/2; T₁ = 6·(31/2)/(15/2) =
    /// 62/5 = 12.4 > 12; W = T₁·4/48 = 31/30.
    @Test func tiesCanLiftAnIncompleteWAboveOne() {
        let totals = [[0, 0, 0], [0, 0, 10], [0, 0, 10], [0, 10, 0], [0, 0, 10], [0, 10, 0], [0, 0, 0]]
        let w = concordance(blockSheets(Self.fano, totals))
        #expect(w?.chiSquare == Fraction(62, 5) && w?.w == Fraction(31, 30) && w?.balanced == true)
    }

    // MARK: - Unbalanced designs (real assignments)

    /// A random assignment: t dossiers each to K of `members`, loads within one (as `assign`
    /// balances them), member order shuffled per dossier.
    func assignment(members: Int, dossiers t: Int, k: Int, seed: UInt64) -> [[Int]] {
        var rng = SplitMix(seed: seed)
        var load = [Int](repeating: 0, count: members)
        var byDossier: [[Int]] = []
        for _ in 0..<t {
            let order = Array(0..<members).shuffled(using: &rng).sorted { load[$0] < load[$1] }
            let chosen = Array(order.prefix(k))
            for m in chosen { load[m] += 1 }
            byDossier.append(chosen)
        }
        return byDossier
    }

    func assigned(_ a: [[Int]], score: (Int, Int) -> Int) -> [Sheet] {
        a.enumerated().flatMap { d, ms in ms.map { m in sheet("m\(m)", "D\(d)", score(m, d)) } }
    }

    /// Agreement under a real (unbalanced) assignment gives W close to 1; under the null T₁ has
    /// mean t − 1 for any design (E[S] = A − C) and W sits at the chance level ≈ 1/K, far from 1.
    @Test func unbalancedAssignment() {
        let members = 9, t = 60, k = 3
        var agreeW: [Double] = [], nullChi: [Double] = [], nullW: [Double] = []
        for seed in 0..<200 {
            let a = assignment(members: members, dossiers: t, k: k, seed: UInt64(seed))
            var rng = SplitMix(seed: UInt64(seed) &+ 1_000_003)
            let quality = (0..<t).map { _ in Int.random(in: 0...1000, using: &rng) }
            if seed < 40, let w = concordance(assigned(a) { _, d in quality[d] }) {
                #expect(w.design == .incomplete && !w.balanced && w.members == members && w.dossiers == t && w.df == t - 1)
                agreeW.append(w.w.doubleValue)
            }
            let noise = (0..<(members * t)).map { _ in Int.random(in: 0...1000, using: &rng) }
            if let w = concordance(assigned(a) { m, d in noise[m * t + d] }) {
                nullChi.append(w.chiSquare.doubleValue); nullW.append(w.w.doubleValue)
            }
        }
        let mean = { (x: [Double]) in x.reduce(0, +) / Double(x.count) }
        #expect(agreeW.count == 40 && nullChi.count == 200)
        // Agreement: within a few percent of 1 (the mean over orders normalises it).
        #expect(agreeW.allSatisfy { abs($0 - 1) < 0.06 }, "\(agreeW.min()!)…\(agreeW.max()!)")
        #expect(abs(mean(agreeW) - 1) < 0.02, "\(mean(agreeW))")
        // Null: mean T₁ = 59 ± 5 standard errors (SD of T₁ ≈ √(2·59) ≈ 11, over 200 runs ≈ 0.8).
        #expect(abs(mean(nullChi) - Double(t - 1)) < 4, "\(mean(nullChi))")
        // W at chance: E[W] = (A − C)₀/S̄, for a BIBD (t − 1)(k̄ + 1)/(r(k̄ − 1)(t + 1)); with
        // loads k̄ = 60·3/9 = 20 and r = 3: 59·21/(3·19·61) ≈ 0.356, near 1/r, far from 1.
        let chance = Double((t - 1) * 21) / Double(k * 19 * (t + 1))
        #expect(abs(mean(nullW) - chance) < 0.03 && nullW.allSatisfy { $0 < 0.7 }, "\(mean(nullW)) against \(chance)")
    }

    /// A complete panel's null: W has mean 1/m (Kendall's chance level).
    @Test func randomCompletePanelIsNearChance() {
        let m = 5, n = 12
        var ws: [Double] = []
        for seed in 0..<200 {
            var rng = SplitMix(seed: UInt64(seed))
            let s = (0..<m).flatMap { i in (0..<n).map { d in sheet("m\(i)", "D\(d)", Int.random(in: 0...1000, using: &rng)) } }
            if let w = concordance(s) { ws.append(w.w.doubleValue) }
        }
        let mean = ws.reduce(0, +) / Double(ws.count)
        #expect(ws.count == 200 && abs(mean - 1.0 / Double(m)) < 0.02, "\(mean)")
    }

    /// Any design with gaps: W and T₁ do not depend on the order of the dossiers, of the sheets
    /// or on the members' names; T₁ ≥ 0; adding a constant to one member's totals changes nothing
    /// (only their ranks count).
    @Test func incompleteDesignsAreInvariant() async {
        await propertyCheck(count: 200, input: Gen.int(in: 2...7), Gen.int(in: 2...9), gridValues, Gen.int(in: 0...100_000)) { m, n, values, seed in
            let (ds, s) = gridPanel(members: m, dossiers: n, values: values)
            let base = Statistics.kendallW(Grouped(program: testProgram(), dossiers: ds, sheets: s))
            var rng = SplitMix(seed: UInt64(seed))
            let renamed = s.shuffled(using: &rng).map { sh -> Sheet in
                var t = sh
                t.member = "z" + sh.member
                if sh.member == "m0" { t = sheet(t.member, t.dossier, t.total + 7, t.vote) }
                return t
            }
            let other = Statistics.kendallW(Grouped(program: testProgram(), dossiers: ds.shuffled(using: &rng), sheets: renamed))
            #expect(base == other, "\(values)")
            if let base { #expect(base.chiSquare >= .zero && base.w >= .zero && base.df == base.dossiers - 1) }
        }
    }

    // MARK: - Degenerate and hostile cases: nil or a defined value, never a trap

    @Test func degenerateCases() {
        // Empty; one member; one dossier; a group of one.
        #expect(concordance([]) == nil)
        #expect(concordance([sheet("a", "D1", 10), sheet("a", "D2", 20)]) == nil)
        #expect(concordance([sheet("a", "D1", 10), sheet("b", "D1", 20), sheet("c", "D1", 30)]) == nil)
        // Every member with one sheet: nobody ranks anything.
        #expect(concordance([sheet("a", "D1", 10), sheet("b", "D2", 20), sheet("c", "D3", 30)]) == nil)
        // All ties: A − C = 0.
        #expect(concordance([sheet("a", "D1", 50), sheet("a", "D2", 50), sheet("b", "D1", 70), sheet("b", "D2", 70)]) == nil)
        // A member with one sheet ranks nothing and is left out: a and b agree on D1…D3 → 1.
        let w = concordance([sheet("a", "D1", 90), sheet("a", "D2", 80), sheet("a", "D3", 70),
                             sheet("b", "D1", 60), sheet("b", "D2", 50), sheet("b", "D3", 40), sheet("c", "D1", 70)])
        #expect(w?.w == Fraction(1) && w?.members == 2 && w?.design == .complete)
        // One member tied throughout, the other not: defined (the tied one adds nothing to S).
        let half = concordance([sheet("a", "D1", 50), sheet("a", "D2", 50), sheet("b", "D1", 70), sheet("b", "D2", 60)])
        #expect(half != nil && half!.w >= .zero && half!.w <= .one)
        // Two members sharing no dossier: T₁ = t − 1 when each orders their own pair… defined, no trap.
        let apart = concordance([sheet("a", "D1", 1), sheet("a", "D2", 2), sheet("b", "D3", 1), sheet("b", "D4", 2)])
        #expect(apart?.design == .incomplete && apart?.dossiers == 4)
    }

    /// Totals outside 0…1000 take no part (Grouped's bound); a hostile table with one member's
    /// sheet twice for a dossier skews nothing into a trap.
    @Test func hostileSheetsDoNotTrap() {
        var s = sheets("D1", [60, 70, 80]) + sheets("D2", [50, 55, 90])
        s.append(Sheet(member: "m1", dossier: "D3", points: ["skill": Int.max, "contribution": Int.max]))
        #expect(concordance(s)?.design == .complete)
        let table = SheetTable(memberIDs: ["a", "b"], dossierIDs: ["D1", "D2"],
                               rows: [.init(member: 0, dossier: 0, total: 5, vote: -1), .init(member: 0, dossier: 0, total: 9, vote: -1),
                                      .init(member: 0, dossier: 1, total: 7, vote: -1), .init(member: 1, dossier: 0, total: 1, vote: -1),
                                      .init(member: 1, dossier: 1, total: 2, vote: -1)])
        let g = Grouped(program: testProgram(), dossiers: [dossier("D1"), dossier("D2")], table: table)
        _ = Statistics.kendallW(g)
    }

    @Test func ratioIsExactWhenItFitsAndRoundedWhenNot() {
        let six = Fraction.ratio(6, 10, over: 4, 5)
        #expect(six?.value == Fraction(3) && six?.exact == true)
        let zero = Fraction.ratio(0, 7, over: 3, 1)
        #expect(zero?.value == .zero && zero?.exact == true)
        #expect(Fraction.ratio(-1, 7, over: 3, 1) == nil && Fraction.ratio(1, 7, over: 0, 1) == nil)
        // 5·(2⁶² + 1) / (11·(2⁶¹ − 1)): nothing cancels (2⁶¹ − 1 is prime; 2⁶² + 1 ≡ 3 mod it,
        // ≡ 5 mod 11), and the numerator passes 2⁶³ → rounded, close to 10/11.
        let a = (Int128(1) << 62) + 1, c = (Int128(1) << 61) - 1
        let r = Fraction.ratio(a, 5, over: c, 11)
        #expect(r?.exact == false && abs((r?.value.doubleValue ?? 0) - 10.0 / 11.0) < 1e-12)
        // Too large even rounded.
        #expect(Fraction.ratio(Int128(1) << 100, 1, over: 1, 1) == nil)
    }

    /// A group under an assignment of K = 2 of its 3 members gets a W (it had none before).
    @Test func aGroupUnderAnAssignmentHasAW() {
        // m1 {A1, A2}, m2 {A2, A3}, m3 {A1, A3}: a BIBD (t 3, k 2, r 2, λ 1); all agree A1 < A2 < A3.
        let s = [sheet("m1", "A1", 10), sheet("m1", "A2", 20), sheet("m2", "A2", 50), sheet("m2", "A3", 60),
                 sheet("m3", "A1", 30), sheet("m3", "A3", 90), sheet("m4", "B1", 40)]
        let ds = ["A1", "A2", "A3", "B1"].map { dossier($0) }
        let table = SheetTable(validSheets(s.map { .score($0, seq: 1) }))
        let program = testProgram(quota: 1, quorum: 1)
        let overall = Statistics.compute(program: program, dossiers: ds, table: table)
        let g = Statistics.groups(program: program, dossiers: ds, table: table, groupOf: ["A1": "a", "A2": "a", "A3": "a", "B1": "b"],
                                  order: ["a", "b"], overall: overall)
        let w = g[0].kendallW
        // T₁ = r(k − 1)(t + 1)/(k + 1) = 2·1·4/3 = 8/3 at agreement.
        #expect(w?.w == Fraction(1) && w?.chiSquare == Fraction(8, 3) && w?.design == .incomplete && w?.balanced == true)
        #expect(g[1].kendallW == nil)
        #expect(GroupStatistics.text(g, names: [:], .en).contains("1.0000*"))
        #expect(GroupStatistics.text(g, names: [:], .en).contains("W*: Kendall's W for incomplete rankings"))
        let o = try? JSONSerialization.jsonObject(with: Data(g[0].json().utf8)) as? [String: Any]
        #expect((o?["kendall_w"] as? [String: Any])?["design"] as? String == "incomplete")
    }

    // MARK: - Reports say which W was computed

    @Test func reportsNameTheDesign() throws {
        let prefs = [[2, 3, 1], [3, 1, 2], [2, 1, 3], [1, 2, 3], [3, 1, 2], [3, 1, 2], [3, 1, 2]]
        let s = blockSheets(Self.fano, prefs)
        let ds = (1...7).map { dossier("T\($0)") }
        let st = Statistics.compute(program: testProgram(quota: 1), dossiers: ds, sheets: s)
        let obj = try JSONSerialization.jsonObject(with: Data(st.json().utf8)) as! [String: Any]
        let w = try #require(obj["kendall_w"] as? [String: Any])
        #expect(w["w"] as? String == "1" && w["chi_square"] as? String == "12" && w["df"] as? Int == 6)
        #expect(w["design"] as? String == "incomplete" && w["balanced"] as? Bool == true && w["exact"] as? Bool == true)
        #expect(w["members"] as? Int == 7 && w["dossiers"] as? Int == 7)
        #expect(st.text(.en).contains("Kendall's W for incomplete rankings (Durbin) = 1.0000"))
        #expect(st.text(.en).contains("Durbin's T₁ = 12.00, df 6; balanced incomplete blocks"))
        #expect(st.text(.zh).contains("不完全排序，Durbin"))
        let complete = Statistics.compute(program: testProgram(), dossiers: [dossier("D1"), dossier("D2")],
                                          sheets: sheets("D1", [1, 2]) + sheets("D2", [2, 3]))
        let cw = try #require((try JSONSerialization.jsonObject(with: Data(complete.json().utf8)) as? [String: Any])?["kendall_w"] as? [String: Any])
        #expect(cw["design"] as? String == "complete" && cw["df"] as? Int == 1)
        #expect(complete.text(.en).contains("Kendall's W = 1.0000 (2 members, 2 dossiers scored by all"))
    }
}
