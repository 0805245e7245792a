import Foundation

/// Whether a cell's number is a date, from its number format: the built-in format ids that are
/// dates or times (ECMA-376 Part 1 §18.8.30; 27–36 and 50–58 are the CJK locales' date formats,
/// as in SheetJS's SSF table) and custom format codes that hold date or time tokens.
public enum XLSXNumberFormat {
    public enum Kind: Equatable, Sendable { case general, date(time: Bool), time }

    static let builtinDates: Set<Int> = Set(14...17).union(27...36).union(50...58)
    static let builtinDateTimes: Set<Int> = [22]
    static let builtinTimes: Set<Int> = Set(18...21).union(45...47)

    public static func kind(id: Int, custom: [Int: String]) -> Kind {
        if let code = custom[id] { return kind(code: code) }
        if builtinDates.contains(id) { return .date(time: false) }
        if builtinDateTimes.contains(id) { return .date(time: true) }
        if builtinTimes.contains(id) { return .time }
        return .general
    }

    /// A custom format code: its first section with quoted text ("年"), escapes (\x), padding
    /// (_x, *x) and bracketed parts ([Red], [$-804], [DBNum1]) taken out, except the elapsed-time
    /// ones ([h], [mm], [ss]); then y/d (a date) or h/s (a time) tokens decide (SheetJS's
    /// fmt_is_date does the same). `m` alone is month or minute: with y or d it is a date.
    public static func kind(code: String) -> Kind {
        var out: [Character] = []
        var it = code.makeIterator()
        var inQuote = false
        while let ch = it.next() {
            if inQuote { if ch == "\"" { inQuote = false }; continue }
            switch ch {
            case "\"": inQuote = true
            case "\\", "_", "*": _ = it.next()
            case ";": it = "".makeIterator()
            case "[":
                var inner = ""
                while let c = it.next(), c != "]" { inner.append(c) }
                let l = inner.lowercased()
                if !l.isEmpty, l.allSatisfy({ $0 == "h" || $0 == "m" || $0 == "s" }) { out.append(contentsOf: l) }
            default: out.append(ch)
            }
        }
        let s = String(out).lowercased()
        if s.contains("general") { return .general }
        let scalars = s
        let hasDate = scalars.contains("y") || scalars.contains("d")
        let hasTime = scalars.contains("h") || scalars.contains("s")
        if hasDate { return .date(time: hasTime) }
        if hasTime { return .time }
        // "m" or "mm" alone, or "mmm" (a month name): a date
        if scalars.contains("m") { return .date(time: false) }
        return .general
    }

    /// A number as a secretary reads it: integral values without ".0" (phone numbers and
    /// years are often stored as numbers), others with up to 15 significant digits (what
    /// Excel shows; the stored binary value would print 0.30000000000000004).
    public static func plain(_ x: Double, raw: String) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        var s = String(format: "%.15g", x)
        if s.contains("e") { return raw }
        while s.contains("."), s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// The date of Excel serial `serial`: in the 1900 system serial 1 is 1900-01-01 and serial
    /// 60 is 29 February 1900, a day that never existed (Lotus 1-2-3's leap-year bug, kept by
    /// Excel; ECMA-376 Part 1 §18.17.4.1), so serials from 61 on are one day late; in the 1904
    /// system (`date1904`) serial 0 is 1904-01-01. Nil for serial 60 (1900 system), a date before
    /// the system's first day, or after 9999-12-31.
    public static func date(serial: Double, date1904: Bool, withTime: Bool) -> String? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        // seconds, rounded (a stored 0.99999999 of a day is the next midnight)
        let total = Int64((serial * 86_400).rounded())
        let dayNumber = total / 86_400, seconds = Int(total % 86_400)
        let epochDays: Int64
        if date1904 {
            epochDays = -24_107 + dayNumber            // 1904-01-01 is day -24107 from 1970-01-01
        } else {
            if dayNumber == 60 || dayNumber < 1 { return nil }
            epochDays = -25_567 + dayNumber - (dayNumber > 60 ? 2 : 1)  // 1900-01-01 is day -25567
        }
        let (y, m, d) = civil(fromDays: epochDays)
        guard y <= 9999 else { return nil }
        var s = padded(Int(y), 4) + "-" + padded(Int(m), 2) + "-" + padded(Int(d), 2)
        if withTime && seconds != 0 {
            s += " " + padded(seconds / 3600, 2) + ":" + padded(seconds / 60 % 60, 2)
            if seconds % 60 != 0 { s += ":" + padded(seconds % 60, 2) }
        }
        return s
    }

    /// `n` (0 or more) in decimal with leading zeros to `width` digits, as "%0*d" writes it.
    @inline(__always) static func padded(_ n: Int, _ width: Int) -> String {
        let digits = String(n)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// A time of day (a serial's fraction) as HH:MM[:SS].
    public static func time(serial: Double) -> String? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        let seconds = Int(Int64((serial * 86_400).rounded()) % 86_400)
        var s = String(format: "%02d:%02d", seconds / 3600, seconds / 60 % 60)
        if seconds % 60 != 0 { s += String(format: ":%02d", seconds % 60) }
        return s
    }

    /// Proleptic Gregorian (year, month, day) of a day count from 1970-01-01 (H. Hinnant's
    /// civil_from_days).
    static func civil(fromDays z0: Int64) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }
}
