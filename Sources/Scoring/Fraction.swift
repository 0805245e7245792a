import Foundation

/// An exact rational number, always reduced, denominator > 0.
///
/// Stored as two `Int64`; every operation is carried out in 128-bit integers and reduced before it
/// is stored back, so no intermediate product can overflow. Values that the panel can produce stay
/// far inside `Int64` (10,000 dossiers × 30 members × 100 points gives sums below 3·10⁷ and
/// denominators below 10⁶ for every ranking method); a result that would not fit `Int64` even
/// after reduction stops the program with a message rather than wrapping silently.
///
/// `description` writes the reduced fraction as `"259/3"`, and an integer without a denominator
/// (`"86"`, never `"86/1"`), exactly as Python's `str(fractions.Fraction)` does.
public struct Fraction: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let numerator: Int64
    public let denominator: Int64

    /// `n / d`, reduced. `d` must not be 0.
    public init(_ n: Int64, _ d: Int64 = 1) {
        self = Fraction.make(Int128(n), Int128(d))
    }

    public init(_ n: Int, _ d: Int = 1) {
        self = Fraction.make(Int128(n), Int128(d))
    }

    /// Already reduced, denominator positive: no checks.
    @usableFromInline init(reduced n: Int64, _ d: Int64) {
        numerator = n
        denominator = d
    }

    public static let zero = Fraction(reduced: 0, 1)
    public static let one = Fraction(reduced: 1, 1)

    /// Parses "2/3", "-7", "0.75" (a terminating decimal) or "3 / 4". Nil for anything else or a zero denominator.
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let slash = t.firstIndex(of: "/") {
            let a = t[..<slash].trimmingCharacters(in: .whitespaces)
            let b = t[t.index(after: slash)...].trimmingCharacters(in: .whitespaces)
            guard let n = Int64(a), let d = Int64(b), d != 0 else { return nil }
            self.init(n, d)
            return
        }
        if let n = Int64(t) { self.init(n); return }
        // Decimal: sign, digits, '.', digits.
        var s = Substring(t)
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() } else if s.first == "+" { s = s.dropFirst() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !(parts[0].isEmpty && parts[1].isEmpty),
              parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
              parts[1].count <= 15 else { return nil }
        let whole = parts[0].isEmpty ? 0 : Int64(parts[0])
        let frac = parts[1].isEmpty ? 0 : Int64(parts[1])
        guard let whole, let frac else { return nil }
        var scale: Int64 = 1
        for _ in 0..<parts[1].count { scale *= 10 }
        let (prod, o1) = whole.multipliedReportingOverflow(by: scale)
        let (sum, o2) = prod.addingReportingOverflow(frac)
        guard !o1, !o2 else { return nil }
        self.init(negative ? -sum : sum, scale)
    }

    /// Reduces a 128-bit fraction and stores it; traps (with a message) if it does not fit in Int64.
    @usableFromInline static func make(_ n: Int128, _ d: Int128) -> Fraction {
        precondition(d != 0, "Fraction: zero denominator")
        var n = n, d = d
        if d < 0 { n = -n; d = -d }
        let g = gcd128(n.magnitude, d.magnitude)
        if g > 1 { n /= Int128(g); d /= Int128(g) }
        guard let n64 = Int64(exactly: n), let d64 = Int64(exactly: d) else {
            preconditionFailure("Fraction: \(n)/\(d) does not fit in 64 bits")
        }
        return Fraction(reduced: n64, d64)
    }

    /// `n / d` reduced, nil (never a trap) when `d` is 0 or the reduced value does not fit 64 bits.
    static func checked(_ n: Int128, _ d: Int128) -> Fraction? {
        guard d != 0, n != .min, d != .min else { return nil }
        var n = n, d = d
        if d < 0 { n = -n; d = -d }
        let g = gcd128(n.magnitude, d.magnitude)
        if g > 1 { n /= Int128(g); d /= Int128(g) }
        guard let n64 = Int64(exactly: n), let d64 = Int64(exactly: d) else { return nil }
        return Fraction(reduced: n64, d64)
    }

    /// a + b, nil when the reduced sum does not fit 64 bits (no trap).
    static func sum(_ a: Fraction, _ b: Fraction) -> Fraction? {
        checked(Int128(a.numerator) * Int128(b.denominator) + Int128(b.numerator) * Int128(a.denominator),
                Int128(a.denominator) * Int128(b.denominator))
    }

    /// The nearest fraction to `v` with a power-of-ten denominator (up to 10¹⁵, as many
    /// decimals as fit 64 bits), nil when `v` is not finite or |v| ≥ 9·10¹⁸.
    static func rounded(_ v: Double) -> Fraction? {
        guard v.isFinite, v.magnitude < 9e18 else { return nil }
        var p = 15
        var scale = 1e15
        while p > 0 && (v * scale).magnitude >= 9e18 { p -= 1; scale /= 10 }
        guard let units = Int64(exactly: (v * scale).rounded()) else { return nil }
        var den: Int64 = 1
        for _ in 0..<p { den *= 10 }
        return make(Int128(units), Int128(den))
    }

    /// (a·b) / (c·d) for a, b ≥ 0 and c, d > 0, never a trap. Exact (`exact` true) when the
    /// reduced value fits 64 bits; otherwise the nearest fraction with a power-of-ten denominator
    /// (up to 10¹⁵, as many decimals as fit) computed in Double, `exact` false. Nil when the value
    /// is too large even for that (≥ 9·10¹⁸) or an argument is out of range.
    static func ratio(_ a: Int128, _ b: Int128, over c: Int128, _ d: Int128) -> (value: Fraction, exact: Bool)? {
        guard a >= 0, b >= 0, c > 0, d > 0 else { return nil }
        if a == 0 || b == 0 { return (.zero, true) }
        // Cross-cancel, so that a·b and c·d are coprime when they are formed.
        var a = a, b = b, c = c, d = d
        func cancel(_ x: inout Int128, _ y: inout Int128) {
            let g = Int128(gcd128(x.magnitude, y.magnitude))
            if g > 1 { x /= g; y /= g }
        }
        cancel(&a, &c); cancel(&a, &d); cancel(&b, &c); cancel(&b, &d)
        let (n, o1) = a.multipliedReportingOverflow(by: b)
        let (m, o2) = c.multipliedReportingOverflow(by: d)
        if !o1, !o2, let n64 = Int64(exactly: n), let m64 = Int64(exactly: m) {
            return (Fraction(reduced: n64, m64), true)
        }
        let v = (Double(a) / Double(c)) * (Double(b) / Double(d))
        return rounded(v).map { ($0, false) }
    }

    @usableFromInline static func gcd128(_ a: UInt128, _ b: UInt128) -> UInt128 {
        var a = a, b = b
        // Fast path: both fit in 64 bits (nearly always).
        if a <= UInt128(UInt64.max) && b <= UInt128(UInt64.max) {
            var x = UInt64(a), y = UInt64(b)
            while y != 0 { (x, y) = (y, x % y) }
            return UInt128(x)
        }
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    public static func + (a: Fraction, b: Fraction) -> Fraction {
        if a.denominator == b.denominator {
            return make(Int128(a.numerator) + Int128(b.numerator), Int128(a.denominator))
        }
        return make(Int128(a.numerator) * Int128(b.denominator) + Int128(b.numerator) * Int128(a.denominator),
                    Int128(a.denominator) * Int128(b.denominator))
    }

    public static func - (a: Fraction, b: Fraction) -> Fraction { a + (-b) }

    public static prefix func - (a: Fraction) -> Fraction { Fraction(reduced: -a.numerator, a.denominator) }

    public static func * (a: Fraction, b: Fraction) -> Fraction {
        make(Int128(a.numerator) * Int128(b.numerator), Int128(a.denominator) * Int128(b.denominator))
    }

    public static func / (a: Fraction, b: Fraction) -> Fraction {
        precondition(b.numerator != 0, "Fraction: division by zero")
        return make(Int128(a.numerator) * Int128(b.denominator), Int128(a.denominator) * Int128(b.numerator))
    }

    public static func < (a: Fraction, b: Fraction) -> Bool {
        if a.denominator == b.denominator { return a.numerator < b.numerator }
        return Int128(a.numerator) * Int128(b.denominator) < Int128(b.numerator) * Int128(a.denominator)
    }

    public var magnitude: Fraction { numerator < 0 ? -self : self }
    public var isInteger: Bool { denominator == 1 }
    public var doubleValue: Double { Double(numerator) / Double(denominator) }

    /// The greatest integer ≤ self.
    public var floor: Int64 {
        let q = numerator / denominator
        return (numerator % denominator != 0 && numerator < 0) ? q - 1 : q
    }

    public var description: String {
        denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)"
    }

    /// Rounded to `places` decimals, half up (toward +∞ at exactly half: floor(x·10^places + 1/2)),
    /// written with exactly `places` decimals: 259/3 → "86.33", 1/200 → "0.01", -1/200 → "0.00".
    public func rounded(places: Int) -> String {
        precondition(places >= 0 && places <= 18)
        var scale: Int128 = 1
        for _ in 0..<places { scale *= 10 }
        let units = Fraction.floorDiv(Int128(numerator) * scale * 2 + Int128(denominator), Int128(denominator) * 2)
        let negative = units < 0
        let mag = units.magnitude
        let whole = mag / UInt128(scale)
        var text = (negative ? "-" : "") + String(whole)
        if places > 0 {
            let frac = String(mag % UInt128(scale))
            text += "." + String(repeating: "0", count: places - frac.count) + frac
        }
        return text
    }

    /// Two decimals, half up: "86.33".
    public func rounded2() -> String { rounded(places: 2) }

    /// ⌊a / b⌋ for b > 0.
    @usableFromInline static func floorDiv(_ a: Int128, _ b: Int128) -> Int128 {
        let q = a / b
        return (a % b != 0 && a < 0) ? q - 1 : q
    }
}

extension Fraction: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self.init(reduced: value, 1) }
}
