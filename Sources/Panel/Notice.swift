import Foundation

// The public notice (社会公示) and the approval (审定) as a programme states them (issue 12).
// Seeds 000 三(四), 002 五(三)(四), 003 五 and 004 五.4 all put a 社会公示 between 专家评审 and
// 审定, and none gives its length: each template says so in its notes and sets the conservative
// length of a Chinese public notice of selection results, 5 working days (公示期不少于5个工作日).

/// `publicity:` in program.yaml: how long the notice must run at least.
public struct PublicitySpec: Codable, Hashable, Sendable {
    /// The shortest notice, in days (counted inclusive of the first and the last day).
    public var days: Int
    /// True: `days` counts working days (Monday–Friday); false: calendar days.
    public var workingDays: Bool
    /// Where and how the public lodges an objection (an address, a telephone, an e-mail, what
    /// the letter must carry), as the notice page prints it (issue 15). The seeds name the
    /// channels of the notice (seed 000: 解放日报、劳动报、东方网…) but no address for objections:
    /// the secretary sets it. Absent: the page says to write to the organiser within the period.
    public var objections: LocalizedText?
    /// How many characters of each dossier's deeds (主要事迹) the notice page publishes, where the
    /// programme publishes them (1…`maxDeedsChars`). Absent: the deeds are not published.
    public var deedsChars: Int?
    /// Public holidays and 调休 working days declared for years the built-in table lacks (or
    /// replacing a built-in year): see `WorkCalendar` (issue 12).
    public var calendar: [HolidayYear]?
    public init(days: Int, workingDays: Bool, objections: LocalizedText? = nil, deedsChars: Int? = nil, calendar: [HolidayYear]? = nil) {
        self.days = days; self.workingDays = workingDays; self.objections = objections; self.deedsChars = deedsChars; self.calendar = calendar
    }
    public static let maxDeedsChars = 1000
    /// Where program.yaml has no `publicity:` section: the conservative default.
    public static let standard = PublicitySpec(days: 5, workingDays: true)
    public static let maxDays = 366
    /// The working-day calendar this notice counts by.
    public var workCalendar: WorkCalendar { WorkCalendar(declared: calendar) }
    public func describe(_ lang: Language) -> String {
        workingDays ? lang.pick("\(days) 个工作日", "\(days) working days") : lang.pick("\(days) 天", "\(days) days")
    }
    enum CodingKeys: String, CodingKey, CaseIterable { case days, workingDays = "working_days", objections, deedsChars = "deeds_chars", calendar }
}

/// One body that approves the list (市总工会, 区总工会 and 区人社局 jointly, 领导小组 …).
public struct ApprovingBody: Codable, Hashable, Sendable {
    /// Named by the approval record's `body`.
    public var id: String
    public var name: LocalizedText
    public init(id: String, name: LocalizedText) { self.id = id; self.name = name }
    enum CodingKeys: String, CodingKey, CaseIterable { case id, name }
}

/// `approval:` in program.yaml: the bodies whose approval (审定) closes the programme, one
/// signed approval each, by a member of role `approver`.
public struct ApprovalSpec: Codable, Hashable, Sendable {
    public var by: [ApprovingBody]
    public init(by: [ApprovingBody]) { self.by = by }
    enum CodingKeys: String, CodingKey, CaseIterable { case by }
}

extension Program {
    /// The notice length the programme asks for (the default where program.yaml sets none).
    public var noticeRule: PublicitySpec { publicity ?? .standard }
    /// The approving bodies' ids; empty when program.yaml names none (then one approval by any
    /// approver closes the programme).
    public var approvingBodies: [String] { approval?.by.map(\.id) ?? [] }
}

/// A calendar date of a notice (YYYY-MM-DD), as a day number for arithmetic. Dates are the
/// dates of China Standard Time (UTC+8, no daylight saving): a notice runs from the first day's
/// morning to the last day's end in Beijing.
public struct NoticeDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let day: Int

    public init(day: Int) { self.day = day }

    /// Strictly YYYY-MM-DD with a real month and day (2026-02-30 is refused), years 1900–9999.
    public init?(_ text: String) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == 0x2D, u[7] == 0x2D else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var n = 0
            for i in r { guard u[i] >= 0x30, u[i] <= 0x39 else { return nil }; n = n * 10 + Int(u[i] - 0x30) }
            return n
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), (1900...9999).contains(y), (1...12).contains(m),
              d >= 1, d <= NoticeDate.daysIn(month: m, year: y) else { return nil }
        day = NoticeDate.days(year: y, month: m, day: d)
    }

    /// The Beijing date of an instant.
    public init(instant: Date) {
        let s = Int((instant.timeIntervalSince1970 + 8 * 3600).rounded(.down))
        day = s >= 0 ? s / 86_400 : -((-s + 86_399) / 86_400)
    }

    /// The Beijing date of a record's `created` (RFC 3339 UTC, as `Timestamp` writes it).
    public init?(created: String) {
        let u = Array(created.utf8)
        guard u.count == 20, let date = NoticeDate(String(decoding: u[0..<10], as: UTF8.self)),
              let h = Int(String(decoding: u[11..<13], as: UTF8.self)) else { return nil }
        day = date.day + (h >= 16 ? 1 : 0)
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
    static func daysIn(month m: Int, year y: Int) -> Int {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
    /// Howard Hinnant's days_from_civil.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public var description: String {
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func p(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(p(y, 4))-\(p(m, 2))-\(p(d, 2))"
    }

    /// Monday–Friday. (1970-01-01 was a Thursday.) A working day also depends on the public
    /// holidays and 调休 of its year: `WorkCalendar.isWorkingDay`.
    public var isWeekday: Bool { let w = ((day % 7) + 7 + 3) % 7; return w < 5 }

    /// The calendar year of the date.
    public var year: Int { Int(description.prefix(4)) ?? 0 }

    public func adding(days n: Int) -> NoticeDate { NoticeDate(day: day + n) }

    public static func < (a: NoticeDate, b: NoticeDate) -> Bool { a.day < b.day }

    /// How long `from…to` runs, both days included: calendar days, or with `calendar` working
    /// days (weekends, public holidays and 调休 make-up days as the calendar says). Throws
    /// `UnknownHolidayYear` when working days are counted into a year the calendar lacks.
    public static func length(from: NoticeDate, to: NoticeDate, calendar: WorkCalendar?) throws -> Int {
        guard from <= to else { return 0 }
        guard let calendar else { return to.day - from.day + 1 }
        // Bounded: a notice is at most a few hundred days, and `to - from` is checked first.
        let span = min(to.day - from.day, 40_000)
        var n = 0
        for i in 0...span where try calendar.isWorkingDay(NoticeDate(day: from.day + i)) { n += 1 }
        return n
    }

    /// `length` under a programme's rule.
    public static func length(from: NoticeDate, to: NoticeDate, rule: PublicitySpec) throws -> Int {
        try length(from: from, to: to, calendar: rule.workingDays ? rule.workCalendar : nil)
    }

    /// The first date on which a notice starting at `from` has run `rule.days`.
    public static func earliestEnd(from: NoticeDate, rule: PublicitySpec) throws -> NoticeDate {
        // A programme's length is schema-checked (1…366); bounded here all the same.
        let days = min(max(rule.days, 1), PublicitySpec.maxDays)
        guard rule.workingDays else { return from.adding(days: days - 1) }
        let cal = rule.workCalendar
        var d = from, n = 0
        // The longest run of days off in a year (春节 with its weekends) is under three weeks.
        for _ in 0..<(days * 3 + 40) {
            if try cal.isWorkingDay(d) { n += 1; if n >= days { return d } }
            d = d.adding(days: 1)
        }
        return d
    }
}

/// The time a signing takes as "now": the real clock, unless PINGSHEN_NOW gives another
/// (RFC 3339 UTC, 2026-06-16T09:00:00Z, or a date, 2026-06-16, read as noon in Beijing). Tests
/// and rehearsals run a programme's calendar with it; `verify` still refuses a `created` more
/// than a day ahead of the real clock, so a record cannot be dated into the future for real.
public enum Clock {
    public static let variable = "PINGSHEN_NOW"

    /// The clock for the code running inside `Clock.$pinned.withValue(day) { … }`, before
    /// PINGSHEN_NOW: a task-local, so an in-process session (the UI's tests) runs a programme's
    /// calendar without touching the environment other tests of the process read.
    @TaskLocal public static var pinned: Date?

    public static func now(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Date {
        if let pinned { return pinned }
        guard let v = environment[variable], !v.isEmpty else { return Date() }
        return parse(v) ?? Date()
    }

    /// nil for anything but the two forms above.
    public static func parse(_ v: String) -> Date? {
        if let d = NoticeDate(v) { return Date(timeIntervalSince1970: TimeInterval(d.day) * 86_400 + 4 * 3600) }
        let u = Array(v.utf8)
        guard u.count == 20, u[10] == UInt8(ascii: "T"), u[19] == UInt8(ascii: "Z"), u[13] == 0x3A, u[16] == 0x3A,
              let d = NoticeDate(String(decoding: u[0..<10], as: UTF8.self)) else { return nil }
        func two(_ i: Int) -> Int? {
            guard u[i] >= 0x30, u[i] <= 0x39, u[i + 1] >= 0x30, u[i + 1] <= 0x39 else { return nil }
            return Int(u[i] - 0x30) * 10 + Int(u[i + 1] - 0x30)
        }
        guard let h = two(11), let m = two(14), let s = two(17), h < 24, m < 60, s < 60 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(d.day) * 86_400 + TimeInterval(h * 3600 + m * 60 + s))
    }
}
