import Foundation

// Working days for the public notice (公示期, issue 12). A Chinese 工作日 is Monday–Friday
// except the statutory public holidays, plus the weekend days declared working days to make up
// for them (调休). Both change every year: the State Council's General Office publishes them
// (国务院办公厅关于某年部分节假日安排的通知) late in the year before. Nothing can compute them,
// so a year is known only from a table: the built-in one below, or one a programme declares in
// program.yaml (`publicity.calendar`, signed with the programme by the genesis or a program
// amend). A notice that touches a year neither knows is refused with the year named, never
// counted on weekdays alone.

/// One year's public holidays and make-up working days, as program.yaml declares them:
///
///     publicity:
///       days: 5
///       working_days: true
///       calendar:
///         - year: 2027
///           source: 国办发明电〔2026〕N号
///           holidays: [2027-01-01, …]   # days off that would be working days
///           workdays: [2027-02-07, …]   # weekend days worked (调休)
public struct HolidayYear: Codable, Hashable, Sendable {
    public var year: Int
    /// Where the dates come from (the notice's number), for the reader.
    public var source: String?
    public var holidays: [String]
    public var workdays: [String]?

    public init(year: Int, source: String?, holidays: [String], workdays: [String]?) {
        self.year = year; self.source = source; self.holidays = holidays; self.workdays = workdays
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case year, source, holidays, workdays }

    /// What is wrong with the declaration (dates that are not dates of `year`, a day both off
    /// and worked), as (field, zh, en); empty when it is sound.
    public func problems() -> [(field: String, zh: String, en: String)] {
        var out: [(String, String, String)] = []
        var off: Set<Int> = []
        for (field, list) in [("holidays", holidays), ("workdays", workdays ?? [])] {
            if list.count > 366 { out.append((field, "日期太多（\(list.count)）", "too many dates (\(list.count))")); continue }
            for (i, text) in list.enumerated() {
                guard let d = NoticeDate(text), d.year == year else {
                    out.append(("\(field)[\(i)]", "“\(TerminalText.sanitize(text))” 不是 \(year) 年的日期 YYYY-MM-DD",
                                "'\(TerminalText.sanitize(text))' is not a date YYYY-MM-DD of \(year)"))
                    continue
                }
                if field == "holidays" {
                    off.insert(d.day)
                } else if off.contains(d.day) {
                    out.append(("\(field)[\(i)]", "\(text) 既是假日又是调休工作日", "\(text) is both a holiday and a make-up working day"))
                }
            }
        }
        return out
    }
}

/// The working-day calendar of a programme: the years it declares, else the built-in table.
public struct WorkCalendar: Sendable {
    struct Year: Sendable { var off: Set<Int>; var worked: Set<Int>; var source: String }
    let years: [Int: Year]

    public init(declared: [HolidayYear]? = nil) {
        var y: [Int: Year] = [:]
        for (year, entry) in WorkCalendar.builtIn { y[year] = WorkCalendar.year(entry) }
        // A programme's own declaration replaces the built-in year (a corrected notice, say).
        for entry in declared ?? [] { y[entry.year] = WorkCalendar.year(entry) }
        years = y
    }

    static func year(_ e: HolidayYear) -> Year {
        Year(off: Set(e.holidays.compactMap { NoticeDate($0)?.day }), worked: Set((e.workdays ?? []).compactMap { NoticeDate($0)?.day }),
             source: e.source ?? "program.yaml")
    }

    /// The years this calendar knows, in order.
    public var knownYears: [Int] { years.keys.sorted() }

    /// Whether `d` is a working day: a declared make-up day is, a holiday is not, else
    /// Monday–Friday. Throws for a year the calendar does not know.
    public func isWorkingDay(_ d: NoticeDate) throws -> Bool {
        guard let y = years[d.year] else { throw WorkCalendar.unknownYear(d.year, known: knownYears) }
        if y.worked.contains(d.day) { return true }
        if y.off.contains(d.day) { return false }
        return d.isWeekday
    }

    /// The refusal for a year without a table, naming what to do.
    public static func unknownYear(_ year: Int, known: [Int]) -> UnknownHolidayYear { UnknownHolidayYear(year: year, known: known) }

    // The State Council General Office's notices (国务院办公厅关于某年部分节假日安排的通知): the
    // days off that fall on a weekday or a weekend (all listed; only weekdays matter) and the
    // weekend days worked instead.
    static let builtIn: [Int: HolidayYear] = [
        2024: HolidayYear(year: 2024, source: "国办发明电〔2023〕7号", holidays: [
            "2024-01-01",
            "2024-02-10", "2024-02-11", "2024-02-12", "2024-02-13", "2024-02-14", "2024-02-15", "2024-02-16", "2024-02-17",
            "2024-04-04", "2024-04-05", "2024-04-06",
            "2024-05-01", "2024-05-02", "2024-05-03", "2024-05-04", "2024-05-05",
            "2024-06-10",
            "2024-09-15", "2024-09-16", "2024-09-17",
            "2024-10-01", "2024-10-02", "2024-10-03", "2024-10-04", "2024-10-05", "2024-10-06", "2024-10-07",
        ], workdays: ["2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14", "2024-09-29", "2024-10-12"]),
        2025: HolidayYear(year: 2025, source: "国办发明电〔2024〕12号", holidays: [
            "2025-01-01",
            "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-01", "2025-02-02", "2025-02-03", "2025-02-04",
            "2025-04-04", "2025-04-05", "2025-04-06",
            "2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04", "2025-05-05",
            "2025-05-31", "2025-06-01", "2025-06-02",
            "2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04", "2025-10-05", "2025-10-06", "2025-10-07", "2025-10-08",
        ], workdays: ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"]),
        2026: HolidayYear(year: 2026, source: "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）", holidays: [
            "2026-01-01", "2026-01-02", "2026-01-03",
            "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
            "2026-04-04", "2026-04-05", "2026-04-06",
            "2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05",
            "2026-06-19", "2026-06-20", "2026-06-21",
            "2026-09-25", "2026-09-26", "2026-09-27",
            "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07",
        ], workdays: ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]),
    ]
}

/// A notice that touches a year the calendar has no table for.
public struct UnknownHolidayYear: Error, Sendable, CustomStringConvertible {
    public var year: Int
    public var known: [Int]
    var range: String { known.isEmpty ? "—" : "\(known.first!)–\(known.last!)" }
    public var zh: String {
        "没有 \(year) 年的法定节假日安排，无法按工作日计算公示期（内置表只有 \(range) 年）：请在 program.yaml 的 publicity.calendar 中写明 \(year) 年的放假日期（holidays）和调休上班日期（workdays），依据国务院办公厅当年的节假日安排通知，在定稿前用 program amend 签署；或把公示期定在已知的年份内"
    }
    public var en: String {
        "no public-holiday table for \(year), so the notice's working days cannot be counted (the built-in table covers \(range)): declare \(year)'s holidays and make-up working days (调休) in program.yaml publicity.calendar, from the State Council's notice for that year, signed with program amend before the ranking is finalized; or set the notice within the years known"
    }
    public var description: String { en }
}
