import Foundation
import Panel

/// What is wrong with a scoring sheet, and where (the UI moves the cursor there).
public struct SheetProblem: Error, Hashable, Sendable {
    public enum Field: Hashable, Sendable {
        /// A criterion of the sheet, by id.
        case criterion(String)
        case vote, comment
    }
    /// The rule of `SheetRules.table` that refused it.
    public var rule: String
    public var field: Field
    public var zh: String
    public var en: String
    public func message(_ lang: Language) -> String { lang.pick(zh, en) }
}

/// The rules a scoring sheet keeps before it is signed: one table in the session, read by
/// `ReviewSession.scoreBody` (the command line's `score`, the UI's preview and signing) and by
/// the UI's sheet editor before it asks to sign (issue 12: the UI and the CLI accept and refuse
/// the same sheets). `verify` reads the same programme settings through `RecordKinds`.
public enum SheetRules {
    /// The table, in the order the rules are checked: the rule's id and what it asks.
    public static let table: [(id: String, asks: LocalizedText)] = [
        ("criteria-known", LocalizedText(zh: "只有评分表上的评分项", en: "only the sheet's criteria")),
        ("criteria-scored", LocalizedText(zh: "每个评分项都有分数", en: "every criterion has points")),
        ("points-range", LocalizedText(zh: "每项分数为 0…满分 的整数", en: "each within 0…its maximum")),
        ("vote-off", LocalizedText(zh: "项目不投票（votes: off）时不能投票", en: "no vote where the programme takes none (votes: off)")),
        ("vote-required", LocalizedText(zh: "项目要求投票（votes: required）时必须投票", en: "a vote where the programme requires one (votes: required)")),
        ("comment-length", LocalizedText(zh: "评语不超过字数上限", en: "the comment within its limit")),
    ]

    /// The first rule the sheet breaks, nil when it keeps them all. `points`: criterion id →
    /// points given (a criterion left blank is absent); `vote`: recommend/reject/abstain or nil.
    public static func problem(_ sheet: ScoringSheet, points: [String: Int], vote: String?, comment: String?) -> SheetProblem? {
        let ids = sheet.criteria.map(\.id)
        if let k = points.keys.sorted().first(where: { sheet.criterion($0) == nil }) {
            return SheetProblem(rule: "criteria-known", field: .criterion(k),
                                zh: "评分表没有评分项 \(k)（可用：\(ids.joined(separator: ", "))）",
                                en: "the scoring sheet has no criterion \(k) (criteria: \(ids.joined(separator: ", ")))")
        }
        for c in sheet.criteria where points[c.id] == nil {
            return SheetProblem(rule: "criteria-scored", field: .criterion(c.id),
                                zh: "缺少评分项 \(c.id)（\(c.name.zh)）的分数", en: "missing points for criterion \(c.id) (\(c.name.en))")
        }
        for c in sheet.criteria {
            if let p = points[c.id], !(0...c.max).contains(p) {
                return SheetProblem(rule: "points-range", field: .criterion(c.id),
                                    zh: "评分项 \(c.id)（\(c.name.zh)）的分数 \(p) 超出范围 0–\(c.max)",
                                    en: "points \(p) for \(c.id) (\(c.name.en)) out of range 0–\(c.max)")
            }
        }
        switch sheet.votePolicy {
        case .off where vote != nil:
            return SheetProblem(rule: "vote-off", field: .vote, zh: "本项目不投推荐票（votes: off）", en: "this programme takes no recommend/reject votes (votes: off)")
        case .required where vote == nil:
            return SheetProblem(rule: "vote-required", field: .vote,
                                zh: "本项目要求投票：推荐、不推荐或弃权（--vote recommend|reject|abstain）",
                                en: "this programme requires a vote: recommend, reject or abstain (--vote recommend|reject|abstain)")
        default:
            break
        }
        if let comment, let max = sheet.commentMaxChars, comment.count > max {
            return SheetProblem(rule: "comment-length", field: .comment,
                                zh: "评语 \(comment.count) 字，超过上限 \(max) 字", en: "comment has \(comment.count) characters, over the limit of \(max)")
        }
        return nil
    }
}
