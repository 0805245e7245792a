import Foundation
import Panel
import Scoring
import Review

// Signing the public notice (社会公示) of the finalized list, from one date to another, or the
// supplementary notice of the next candidate after an upheld objection (issue 17), through
// `ReviewSession.publicityBody` as `pingshen publicity` does: the period's length, its start
// after the finalization and the candidate are checked there, never here.

extension UI {
    static func noticeIntro(_ lang: Language) -> String {
        lang.pick("公示定稿名单：填写公示的起止日期（北京时间，YYYY-MM-DD，含首尾两天），Ctrl-S 签署。异议成立空出名额后，补充公示下一名合格候选人。",
                  "Publish the finalized list: the notice's first and last day (Beijing, YYYY-MM-DD, both included), then Ctrl-S signs. After an upheld objection frees a place, a supplementary notice names the next eligible candidate.")
    }

    static func openNotice(_ s: inout AppState, _ b: ReviewBackend) {
        let lang = s.lang
        guard s.finalized else {
            say(&s, "尚未定稿，没有可公示的名单（先由组长定稿）", "Nothing to publish: the ranking is not finalized (the chair finalizes first)", .warning)
            return
        }
        let program = b.program
        let today = NoticeDate(instant: Clock.now())
        // The earliest last day by the working-day calendar; a year it has no table for leaves
        // today, and signing says why (Review.publicityBody).
        let end = (try? NoticeDate.earliestEnd(from: today, rule: program.noticeRule)) ?? today
        let notices = b.notices()
        let candidate = notices.isEmpty ? nil : b.supplementCandidate()
        var fields: [FormField] = [
            .text("from", LocalizedText(zh: "公示开始", en: "First day"), today.description, note: LocalizedText(zh: "YYYY-MM-DD", en: "YYYY-MM-DD")),
            .text("to", LocalizedText(zh: "公示截止", en: "Last day"), end.description,
                  note: LocalizedText(zh: "至少 \(program.noticeRule.describe(.zh))", en: "at least \(program.noticeRule.describe(.en))")),
        ]
        if let candidate {
            fields.append(.choice("supplement", LocalizedText(zh: "补充公示", en: "Supplement"),
                                  [(candidate, LocalizedText(zh: "递补 \(candidate)", en: "next candidate \(candidate)"))]))
        }
        var lines: [FormLine] = []
        for n in notices {
            lines.append(FormLine((n.supplementFor.map { lang.pick("补充公示（递补 \($0) 的名额）", "Supplementary notice (the place of \($0))") } ?? lang.pick("公示", "Notice"))
                                  + " \(n.from) — \(n.to)" + lang.pick("：", ": ") + n.dossiers.joined(separator: ", ") + "  (\(n.path))", .signed))
        }
        if notices.isEmpty { lines.append(FormLine(lang.pick("尚未公示", "Not published yet"), .dim)) }
        else if candidate == nil { lines.append(FormLine(lang.pick("定稿名单已公示；没有空出的名额需要补充公示", "The finalized list is published; no place is free for a supplementary notice"), .dim)) }
        pushOrReplace(&s, .form(FormState(kind: .notice, fields: fields, lines: lines)))
    }

    static func askToPublish(_ s: inout AppState, _ f: FormState, _ b: ReviewBackend) {
        confirmSecretary(&s, .publicity(from: f.value("from").trimmingCharacters(in: .whitespaces), to: f.value("to").trimmingCharacters(in: .whitespaces),
                                        supplement: f.optional("supplement")), b)
    }
}
