import Testing
@testable import Scoring

@Suite struct FractionTests {
    @Test func reducesAndNormalisesSign() {
        let f = Fraction(518, -6)  // 518/−6 = −259/3
        #expect(f.numerator == -259)
        #expect(f.denominator == 3)
        #expect(f.description == "-259/3")
        #expect(Fraction(172, 2).description == "86")  // integers are written without "/1"
        #expect(Fraction(0, 7) == .zero)
    }

    @Test func arithmetic() {
        // 1/6 + 1/10 = 5/30 + 3/30 = 8/30 = 4/15
        #expect(Fraction(1, 6) + Fraction(1, 10) == Fraction(4, 15))
        // 3/4 − 5/6 = 9/12 − 10/12 = −1/12
        #expect(Fraction(3, 4) - Fraction(5, 6) == Fraction(-1, 12))
        // 2/3 · 9/4 = 18/12 = 3/2
        #expect(Fraction(2, 3) * Fraction(9, 4) == Fraction(3, 2))
        // (2/3) / (4/9) = 18/12 = 3/2
        #expect(Fraction(2, 3) / Fraction(4, 9) == Fraction(3, 2))
        #expect(Fraction(-7, 2).floor == -4)
        #expect(Fraction(7, 2).floor == 3)
    }

    @Test func comparisonDoesNotOverflow() {
        // Cross products near 2^63 · 2^63 would overflow Int64; they are compared in 128 bits.
        let a = Fraction(Int64.max - 1, Int64.max)
        let b = Fraction(Int64.max - 2, Int64.max - 1)
        // (M−1)/M vs (M−2)/(M−1): (M−1)² = M²−2M+1 > M(M−2) = M²−2M, so a > b.
        #expect(a > b)
        #expect(Fraction(1, 3) < Fraction(1, 2))
        #expect(Fraction(-1, 2) < Fraction(-1, 3))
    }

    @Test func roundsHalfUpToTwoDecimals() {
        #expect(Fraction(259, 3).rounded2() == "86.33")  // 86.333…
        #expect(Fraction(260, 3).rounded2() == "86.67")  // 86.666…
        #expect(Fraction(86).rounded2() == "86.00")
        #expect(Fraction(1, 8).rounded2() == "0.13")  // 0.125 → up
        #expect(Fraction(2001, 200).rounded2() == "10.01")  // 10.005 → up
        #expect(Fraction(-1, 8).rounded2() == "-0.12")  // −0.125: half toward +∞
        #expect(Fraction(-1, 200).rounded2() == "0.00")  // −0.005 → 0, no "-0.00"
        #expect(Fraction(-3, 2).rounded(places: 0) == "-1")
        #expect(Fraction(1, 3).rounded(places: 4) == "0.3333")
    }

    @Test func parsesThresholds() {
        #expect(Fraction(parsing: "2/3") == Fraction(2, 3))
        #expect(Fraction(parsing: " 2 / 3 ") == Fraction(2, 3))
        #expect(Fraction(parsing: "0.75") == Fraction(3, 4))
        #expect(Fraction(parsing: "1") == Fraction(1))
        #expect(Fraction(parsing: "-.5") == Fraction(-1, 2))
        #expect(Fraction(parsing: "1/0") == nil)
        #expect(Fraction(parsing: "two thirds") == nil)
        #expect(Fraction(parsing: ".") == nil)
    }
}
