import Foundation

// What people write in the boxes of an application form, read into values the rules compare:
// contest results, ages, skill levels, nationalities, ranks, and the limit words of 《民法典》.

/// The words that bound a number in Chinese law and forms, as 《中华人民共和国民法典》第一千二百五十九条
/// defines them: "民法所称的‘以上’、‘以下’、‘以内’、‘届满’，包括本数；所称的‘不满’、‘超过’、‘以外’，
/// 不包括本数。" 不少于/不超过/不低于/不高于 say "not less/not more" and so include the number too.
public enum LimitWord {
    /// The words that include the number itself.
    public static let inclusive: Set<String> = ["以上", "以下", "以内", "届满", "不少于", "不超过", "不低于", "不高于", "至少", "最多"]
    /// The words that exclude it.
    public static let exclusive: Set<String> = ["不满", "超过", "以外", "少于", "低于", "高于", "未满"]
    public static var all: [String] { (inclusive.union(exclusive)).sorted() }

    /// Whether `word` includes the number (nil when it is not a limit word).
    public static func includes(_ word: String) -> Bool? {
        if inclusive.contains(word) { return true }
        if exclusive.contains(word) { return false }
        return nil
    }
}

/// Numbers as forms write them: 12, １２, 十二, 二十五, 〇; nil for anything else.
public enum FormNumber {
    public static func parse(_ raw: String) -> Int? {
        let s = DateText.halfwidth(DateText.trimmed(raw))
        if !s.isEmpty, s.count <= 6, s.allSatisfy({ $0.isASCII && $0.isNumber }) { return Int(s) }
        return Eligibility.chineseNumber(s)
    }
}

/// An age written on a form (年龄): "45", "45岁", "45周岁", "四十五岁". The Hangzhou annex asks
/// 年龄, not a birth date; the age is taken as the age at the programme's reference date.
public enum AgeText {
    public static func parse(_ raw: String) -> Int? {
        var s = DateText.halfwidth(DateText.trimmed(raw))
        for suffix in ["周岁", "岁", "years", "year", "y"] where s.hasSuffix(suffix) {
            s = String(s.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            break
        }
        guard let n = FormNumber.parse(s), Limits.years.contains(n) else { return nil }
        return n
    }
}

/// A birth date that may be given to the month only (出生年月: 1966年5月, 1966.05, 1966-05).
public enum BirthText {
    public enum Value: Hashable, Sendable {
        case day(DateText.YMD)
        case month(year: Int, month: Int)
    }

    public static func parse(_ raw: String) -> Value? {
        if let d = DateText.parse(raw) { return .day(d) }
        var s = DateText.halfwidth(raw).trimmingCharacters(in: .whitespaces)
        if s.hasSuffix("月") { s.removeLast() }
        let pieces = s.split(whereSeparator: { "-/.年".contains($0) }).map(String.init)
        guard pieces.count == 2, pieces[0].count == 4, pieces[1].count <= 2,
              pieces.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(pieces[0]), let m = Int(pieces[1]), (1900...2100).contains(y), (1...12).contains(m) else { return nil }
        return .month(year: y, month: m)
    }

    /// The full years at `ref`: one value for a whole date; for a month only, the least and the
    /// most it can be (they differ when the birth month is the reference month).
    public static func ages(_ v: Value, at ref: DateText.YMD) -> ClosedRange<Int> {
        switch v {
        case .day(let d):
            let a = DateText.fullYears(from: d, to: ref)
            return a...a
        case .month(let y, let m):
            let base = ref.year - y
            if m < ref.month { return base...base }
            if m > ref.month { return (base - 1)...(base - 1) }
            return (base - 1)...base
        }
    }
}

/// A place in a skills contest, read from what a form says ("第43届世界技能大赛金牌",
/// "浙江省职业技能大赛第1名", "全国技能大赛第2名", "2015年国家级技能大赛前3名", "杭州市技能大赛一等奖").
public struct ContestResult: Hashable, Sendable {
    /// The contest's level, highest first.
    public enum Level: String, CaseIterable, Sendable, Comparable {
        case world, national, provincial, municipal, district
        public static func < (a: Level, b: Level) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
        public var zh: String {
            switch self {
            case .world: return "世界"
            case .national: return "国家级"
            case .provincial: return "省级"
            case .municipal: return "市级"
            case .district: return "区县级"
            }
        }
    }

    public var level: Level?
    /// The place (金牌 = 1, 银牌 = 2, 铜牌 = 3, 第N名 = N); for 前N名 the worst it can be (N).
    public var place: Int?
    /// 一等奖 = 1, 二等奖 = 2, 三等奖 = 3: a class of prize, which is a place only where a
    /// programme's seed says so (`prize_is_place`).
    public var prize: Int?
    /// The text it was read from.
    public var text: String

    /// Every result in a box (several are separated by ；;、，,/ or line breaks).
    public static func parseAll(_ raw: String) -> [ContestResult] {
        let parts = raw.split(whereSeparator: { "；;、，,\n/|".contains($0) }).map { String($0) }
        return parts.compactMap { parse($0) }
    }

    /// One result, or nil when the text names neither a level nor a place.
    public static func parse(_ raw: String) -> ContestResult? {
        let s = DateText.halfwidth(DateText.trimmed(raw)).lowercased()
        guard !s.isEmpty else { return nil }
        let place = placeIn(s)
        let prize = prizeIn(s)
        // The level is the last one named before the place: "全国技能大赛浙江省选拔赛第1名" is a
        // provincial result, "浙江省杭州市职业技能大赛第1名" a municipal one.
        let head = place.map { String(s[..<$0.at]) } ?? s
        let level = levelIn(head) ?? levelIn(s)
        if level == nil && place == nil && prize == nil { return nil }
        return ContestResult(level: level, place: place?.n, prize: prize, text: DateText.trimmed(raw))
    }

    static let levelWords: [(String, Level, [String])] = [
        ("世界技能大赛", .world, []), ("世界", .world, []), ("世赛", .world, []), ("worldskills", .world, []),
        ("全国", .national, []), ("国家级", .national, []), ("国家", .national, []), ("中国技能大赛", .national, []),
        ("中华技能", .national, []),
        ("省级", .provincial, []), ("省", .provincial, ["节省"]),
        ("市级", .municipal, []), ("市", .municipal, ["市场"]),
        ("区级", .district, []), ("县级", .district, []), ("县", .district, []),
        ("区", .district, ["地区", "社区", "园区", "小区", "景区", "区域"]),
    ]

    static func levelIn(_ s: String) -> Level? {
        var best: (String.Index, Level)?
        for (w, level, not) in levelWords {
            for r in ranges(of: w, in: s) {
                // the word inside a longer word that is not a level ("市场", "社区")
                let inside = not.contains { n in ranges(of: n, in: s).contains { $0.lowerBound <= r.lowerBound && r.upperBound <= $0.upperBound } }
                if !inside, best.map({ r.lowerBound > $0.0 }) ?? true { best = (r.lowerBound, level) }
            }
        }
        return best?.1
    }

    static func ranges(of w: String, in s: String) -> [Range<String.Index>] {
        var out: [Range<String.Index>] = []
        var from = s.startIndex
        while from < s.endIndex, let r = s.range(of: w, range: from..<s.endIndex) {
            out.append(r)
            from = r.upperBound
        }
        return out
    }

    static func placeIn(_ s: String) -> (n: Int, at: String.Index)? {
        let medals: [(String, Int)] = [("金牌", 1), ("金奖", 1), ("冠军", 1), ("银牌", 2), ("银奖", 2), ("亚军", 2),
                                       ("铜牌", 3), ("铜奖", 3), ("季军", 3), ("gold", 1), ("silver", 2), ("bronze", 3)]
        var found: (n: Int, at: String.Index)?
        func take(_ n: Int, _ at: String.Index) { if found == nil || at < found!.at { found = (n, at) } }
        for (w, n) in medals { if let r = s.range(of: w) { take(n, r.lowerBound) } }
        // 第N名 / 第N位 / 前N名
        for lead in ["第", "前"] {
            var from = s.startIndex
            while let r = s.range(of: lead, range: from..<s.endIndex) {
                var end = r.upperBound
                while end < s.endIndex, s[end] != "名" && s[end] != "位" && s.distance(from: r.upperBound, to: end) < 4 { end = s.index(after: end) }
                if end < s.endIndex, s[end] == "名" || s[end] == "位", let n = FormNumber.parse(String(s[r.upperBound..<end])), n >= 1 {
                    take(n, r.lowerBound)
                }
                from = r.upperBound
            }
        }
        return found
    }

    static func prizeIn(_ s: String) -> Int? {
        for (w, n) in [("特等奖", 1), ("一等奖", 1), ("二等奖", 2), ("三等奖", 3)] where s.contains(w) { return n }
        return nil
    }

    /// Whether this result is one of `places` ("world:3" = world places 1–3). `prizeIsPlace`: a
    /// 一/二/三等奖 counts as place 1/2/3.
    public func meets(_ places: [(Level, Int)], prizeIsPlace: Bool) -> Bool {
        guard let level, let p = place ?? (prizeIsPlace ? prize : nil) else { return false }
        return places.contains { $0.0 == level && p <= $0.1 }
    }

    /// "world:3" → (.world, 3); nil for anything else.
    public static func placeSpec(_ s: String) -> (Level, Int)? {
        let parts = s.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let l = Level(rawValue: parts[0]), let n = Int(parts[1]), n >= 1, n <= 1000 else { return nil }
        return (l, n)
    }
}

/// The level of a national vocational qualification (国家职业资格): 一级 高级技师, 二级 技师,
/// 三级 高级工, 四级 中级工, 五级 初级工 (《国家职业技能标准》 levels, also used by 职业技能等级).
public enum SkillLevel {
    /// 1 (高级技师) … 5 (初级工), or nil when the text names none of them.
    public static func parse(_ raw: String) -> Int? {
        let s = DateText.halfwidth(DateText.trimmed(raw))
        if s.contains("高级技师") { return 1 }
        if s.contains("技师") && !s.contains("预备技师") { return 2 }
        // "国家职业资格二级", "职业技能等级二级", "二级" alone, "2级"; not "二级建造师"
        let levelWords: [(String, Int)] = [("一级", 1), ("二级", 2), ("三级", 3), ("四级", 4), ("五级", 5),
                                           ("1级", 1), ("2级", 2), ("3级", 3), ("4级", 4), ("5级", 5)]
        let qualified = s.contains("职业资格") || s.contains("技能等级") || s.contains("等级") || s.contains("资格")
        for (w, n) in levelWords where s.contains(w) {
            let bare = s == w || s == "国家" + w
            if qualified || bare { return n }
        }
        if s.contains("高级工") { return 3 }
        if s.contains("中级工") { return 4 }
        if s.contains("初级工") { return 5 }
        return nil
    }

    public static func name(_ level: Int) -> String {
        ["高级技师", "技师", "高级工", "中级工", "初级工"][min(max(level, 1), 5) - 1]
    }
}

/// Nationality as forms write it.
public enum Nationality {
    public enum Reading: Sendable { case chinese, other, unclear }

    /// 中国, 中国籍, 中国国籍, 中华人民共和国, China, PRC, Chinese → chinese; 中国香港 (a region, whose
    /// residents may hold another nationality) → unclear; anything else → other.
    public static func read(_ raw: String) -> Reading {
        var s = Eligibility.normalize(raw).replacingOccurrences(of: " ", with: "")
        for suffix in ["国籍", "籍"] where s.hasSuffix(suffix) && s.count > suffix.count { s = String(s.dropLast(suffix.count)) }
        let chinese: Set<String> = ["中国", "中华人民共和国", "china", "prc", "chinese", "cn", "chn", "people'srepublicofchina", "中"]
        if chinese.contains(s) { return .chinese }
        if s.hasPrefix("中国") || s.hasPrefix("中华人民共和国") { return .unclear }
        return .other
    }
}
