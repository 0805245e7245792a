import Foundation
import Panel
import Records
import Scoring

// The public notice (社会公示) as a signed step, objections against it, and the approval (审定)
// by the approving bodies (issue 12). Seeds 000 三(四), 002 五(三)(四), 003 五, 004 五.4: 专家评审
// → 社会公示 → 审定. What each step may do:
//
// - `publicity`: the secretary signs the finalized list as published from one date to another
//   (no shorter than the programme's `publicity`), once per finalization; after an upheld
//   objection, a supplementary notice (补充公示) of the next eligible candidate only, for the
//   place that objection freed.
// - `objection`: names the notice it answers and the date it came in, within that notice's period.
// - `approval`: by a member of role `approver`, one per approving body of `approval.by`, only
//   once every notice's period has ended (the day after its last day, Beijing time, by `Clock`)
//   with no objection pending. The list approved is the dossiers publicised, less those whose
//   objection was upheld: a candidate never publicised is never approved, and the chair's
//   resolutions are never overridden silently (a supplement names the ruling it follows).
extension ReviewSession {
    /// The notices of the latest finalization, in the order signed.
    public func notices() -> [StoredRecord] {
        guard let fin = ledger.finalization else { return [] }
        return ledger.publicities.filter { $0.record.body["finalize"]?.string == fin.sha256 }
    }

    /// The main notice (the finalized list) of the latest finalization.
    public func mainNotice() -> StoredRecord? { notices().first { $0.record.body["supplement_for"] == nil } }

    /// The dossiers publicised for the latest finalization, the main notice's first, then each
    /// supplement's.
    public func publicised() -> [String] {
        var out: [String] = [], seen: Set<String> = []
        for n in notices() {
            for d in (n.record.body["dossiers"]?.array ?? []).compactMap(\.string) where seen.insert(d).inserted { out.append(d) }
        }
        return out
    }

    /// The approvals of the latest finalization, in the order signed.
    public func currentApprovals() -> [StoredRecord] {
        guard let fin = ledger.finalization else { return [] }
        return ledger.approvals.filter { $0.record.body["finalize"]?.string == fin.sha256 }
    }

    /// The approving bodies that have not yet signed (empty also when none is named and one
    /// approval was signed).
    public func bodiesToApprove() -> [String] {
        let signed = Set(currentApprovals().compactMap { $0.record.body["body"]?.string })
        let bodies = program.approvingBodies
        if bodies.isEmpty { return currentApprovals().isEmpty ? ["approver"] : [] }
        return bodies.filter { !signed.contains($0) }
    }

    /// Every approving body has approved the latest finalization.
    public var approvalComplete: Bool { ledger.finalization != nil && bodiesToApprove().isEmpty }

    static func period(_ r: Record) -> (from: NoticeDate, to: NoticeDate)? {
        guard let f = r.body["from"]?.string.flatMap({ NoticeDate($0) }), let t = r.body["to"]?.string.flatMap({ NoticeDate($0) }) else { return nil }
        return (f, t)
    }

    /// A place an upheld objection freed: the publicised dossier, that objection, and the
    /// chair's ruling on the place, if any.
    public struct FreedPlace: Sendable {
        public var dossier: String
        public var objection: StoredRecord
        public var ruling: StoredRecord?
        /// The chair ruled that the place stays empty (the reason).
        public var ruledVacant: String? { ruling?.record.body["vacant"]?.string }
        /// The candidate the chair's ruling selected for it.
        public var ruledSelected: String? {
            (ruling?.record.body["resolutions"]?.array ?? []).first { $0["decision"]?.string == "selected" }?["dossier"]?.string
        }
    }

    /// The chair's rulings on freed places of the latest finalization, in the order signed.
    public func currentRulings() -> [StoredRecord] {
        guard let fin = ledger.finalization else { return [] }
        return ledger.rulings.filter { $0.record.body["finalize"]?.string == fin.sha256 }
    }

    /// The places freed by an upheld objection against a publicised dossier and not filled by
    /// a supplementary notice, in the order publicised, each with the chair's ruling if any.
    public func freedPlaces() -> [FreedPlace] {
        let filled = Set(notices().compactMap { $0.record.body["supplement_for"]?.string })
        let rulings = currentRulings()
        return publicised().compactMap { d in
            guard ledger.outcome(of: d) == "upheld", !filled.contains(d), let o = ledger.objections[d] else { return nil }
            return FreedPlace(dossier: d, objection: o, ruling: rulings.first { $0.record.body["objection"]?.string == o.sha256 })
        }
    }

    /// The freed places still to fill: those the chair has not ruled to leave vacant.
    public func vacancies() -> [(dossier: String, objection: StoredRecord)] {
        freedPlaces().filter { $0.ruledVacant == nil }.map { ($0.dossier, $0.objection) }
    }

    /// The chair's resolutions so far, dossier → (decision, reason): the tie at the cut in the
    /// finalization, then each ruling on a freed place (a later one speaks last).
    public func chairResolutions() -> [String: (decision: String, reason: String, record: String)] {
        var out: [String: (String, String, String)] = [:]
        var records: [StoredRecord] = []
        if let fin = ledger.finalization { records.append(fin) }
        records += currentRulings()
        for r in records {
            for item in r.record.body["resolutions"]?.array ?? [] {
                guard let d = item["dossier"]?.string, let decision = item["decision"]?.string else { continue }
                out[d] = (decision, item["reason"]?.string ?? "", r.path)
            }
        }
        return out
    }

    /// The candidates at the next place, ignoring any ruling on it: the best-ranked dossiers
    /// still in the running (eligible, no upheld objection) that were not publicised and could
    /// take a place (a quorum, above the pass mark and the vote threshold). Several when they
    /// are equal after the tie-breaks; empty when nobody is left.
    public func nextLine() throws -> [String] {
        if program.aggregation.isAssessment {
            throw ActionError(zh: "考核（assessment）不按名额评选，没有递补", en: "an assessment has no quota, so no candidate moves up")
        }
        let live = standing(applyingFinalization: false).ranking
        let pub = Set(publicised())
        let candidates = live.entries.filter {
            !pub.contains($0.dossier) && $0.status != .noQuorum && $0.approval != .belowThreshold && $0.passMark != .belowThreshold
        }
        guard let first = candidates.first else { return [] }
        return candidates.filter { $0.rank == first.rank }.map(\.dossier)
    }

    /// The candidate for the first place still to fill. With the chair's ruling on that place,
    /// the one it selected. Without one, the next candidate, unless no rule can name them: a tie
    /// at the next place, or a candidate the chair had ruled not-selected (at the quota line or
    /// for an earlier place) — the chair rules first (`ruling`), never passed over silently.
    public func nextCandidate() throws -> String {
        guard let place = freedPlaces().first(where: { $0.ruledVacant == nil }) else {
            _ = try nextLine()
            throw ActionError(zh: "没有空出的名额：补充公示只在公示对象的异议成立（upheld）后递补一人",
                              en: "no place is free: a supplementary notice fills the place of a publicised dossier whose objection was upheld")
        }
        return try nextCandidate(for: place)
    }

    func nextCandidate(for place: FreedPlace) throws -> String {
        if let reason = place.ruledVacant {
            throw ActionError(zh: "组长已裁定 \(place.dossier) 空出的名额空缺（\(reason)）", en: "the chair ruled that the place freed by \(place.dossier) stays vacant (\(reason))")
        }
        if let chosen = place.ruledSelected { return chosen }
        let line = try nextLine()
        guard let first = line.first else {
            throw ActionError(zh: "没有可递补的合格候选人", en: "no eligible candidate is left to move up")
        }
        let hint = LocalizedText(zh: "pingshen ruling STORE --as 组长 --place \(place.dossier) --resolve 编号=selected|not-selected:理由 …，或 --vacant 理由",
                                 en: "pingshen ruling STORE --as CHAIR --place \(place.dossier) --resolve ID=selected|not-selected:REASON …, or --vacant REASON")
        if line.count > 1 {
            throw ActionError(zh: "递补名次并列：\(line.joined(separator: ", "))（同分且并列处理规则不能区分），须由组长裁定：\(hint.zh)",
                              en: "the next place is tied between \(line.joined(separator: ", ")) (equal after the tie-breaks): the chair must rule: \(hint.en)")
        }
        if let earlier = chairResolutions()[first], earlier.decision == "not-selected" {
            throw ActionError(zh: "组长曾裁定 \(first) 不入选（\(earlier.reason)，\(earlier.record)）：递补它须组长对该名额重新裁定：\(hint.zh)",
                              en: "the chair ruled \(first) not-selected (\(earlier.reason), \(earlier.record)): moving it up needs the chair's ruling on the place: \(hint.en)")
        }
        return first
    }

    // MARK: - Ruling on a freed place (chair)

    /// The chair's ruling on a place an upheld objection freed (`place`: the dossier objected
    /// to; default the first place still to fill): either `resolutions` of exactly the
    /// candidates at the next place (a tie, or a candidate the chair ruled not-selected
    /// before), one selected, each with a reason; or `vacant`, why the place stays empty.
    public func rulingBody(as chairID: String, place: String?, resolutions: [Resolution], vacant: String?) throws -> [String: JSONValue] {
        try settle()
        let chair = try member(chairID)
        try requireRole(chair, for: .ruling)
        try requireNoProblems(LocalizedText(zh: "签署递补裁定", en: "sign a ruling on a freed place"))
        guard let fin = ledger.finalization else {
            throw ActionError(zh: "尚未定稿，没有可裁定的名额", en: "nothing to rule on: the ranking is not finalized")
        }
        if !currentApprovals().isEmpty {
            throw ActionError(zh: "名单已审定，不能再裁定", en: "the list is approved; no more rulings")
        }
        if program.aggregation.isAssessment {
            throw ActionError(zh: "考核（assessment）不按名额评选，没有递补", en: "an assessment has no quota, so no candidate moves up")
        }
        let places = freedPlaces()
        let chosen: FreedPlace
        if let place {
            _ = try requireDossier(place)
            guard let p = places.first(where: { $0.dossier == place }) else {
                throw ActionError(zh: "\(place) 没有空出名额（须是已公示、异议成立且尚未补充公示的材料）",
                                  en: "\(place) freed no place (it must be publicised, its objection upheld, and its place not yet filled by a supplementary notice)")
            }
            chosen = p
        } else {
            guard let p = places.first(where: { $0.ruling == nil }) else {
                throw ActionError(zh: "没有空出的名额待裁定", en: "no freed place awaits a ruling")
            }
            chosen = p
        }
        if let r = chosen.ruling {
            throw ActionError(zh: "组长已对 \(chosen.dossier) 空出的名额裁定（\(r.path)），裁定不再更改",
                              en: "the chair has ruled on the place freed by \(chosen.dossier) already (\(r.path)); the ruling stands")
        }
        var body: [String: JSONValue] = ["finalize": .string(fin.sha256), "objection": .string(chosen.objection.sha256), "freed": .string(chosen.dossier)]
        switch (resolutions.isEmpty, vacant) {
        case (true, let reason?):
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ActionError(zh: "--vacant 需要写明名额空缺的理由", en: "--vacant needs the reason the place stays empty")
            }
            body["vacant"] = .string(reason)
            body["tied"] = .array(((try? nextLine()) ?? []).map(JSONValue.string))
            return body
        case (false, nil):
            break
        case (true, nil):
            throw ActionError(zh: "裁定需要 --resolve 编号=selected|not-selected:理由，或 --vacant 理由", en: "a ruling needs --resolve ID=selected|not-selected:REASON, or --vacant REASON")
        case (false, _?):
            throw ActionError(zh: "--resolve 与 --vacant 只能二选一", en: "--resolve or --vacant, not both")
        }
        let line = try nextLine()
        guard !line.isEmpty else {
            throw ActionError(zh: "没有可递补的合格候选人：名额只能空缺（--vacant 理由）", en: "no eligible candidate is left: the place can only stay vacant (--vacant REASON)")
        }
        let earlier = chairResolutions()
        if line.count == 1, earlier[line[0]]?.decision != "not-selected" {
            throw ActionError(zh: "下一名 \(line[0]) 没有并列，也未被裁定不入选：无需裁定（pingshen publicity --supplement \(line[0])），或 --vacant 理由 使名额空缺",
                              en: "the next candidate, \(line[0]), is neither tied nor ruled not-selected: no ruling is needed (pingshen publicity --supplement \(line[0])), or --vacant REASON to leave the place empty")
        }
        var seen: Set<String> = []
        for r in resolutions {
            guard line.contains(r.dossier) else {
                throw ActionError(zh: "\(r.dossier) 不在下一名额的候选人之中（\(line.joined(separator: ", "))）",
                                  en: "\(r.dossier) is not a candidate for the next place (\(line.joined(separator: ", ")))")
            }
            guard seen.insert(r.dossier).inserted else {
                throw ActionError(zh: "\(r.dossier) 裁定了两次", en: "\(r.dossier) is resolved twice")
            }
            try r.checkShape()
        }
        let missing = line.filter { !seen.contains($0) }
        if !missing.isEmpty {
            throw ActionError(zh: "下一名额的候选人未全部裁定：\(missing.joined(separator: ", "))（用 --resolve 编号=selected|not-selected:理由）",
                              en: "not every candidate for the next place is resolved: \(missing.joined(separator: ", ")) (use --resolve ID=selected|not-selected:REASON)")
        }
        let selected = resolutions.filter { $0.decision == "selected" }.count
        guard selected == 1 else {
            throw ActionError(zh: "一个名额只选入一人，裁定选入了 \(selected) 人", en: "one place takes one candidate; the resolutions select \(selected)")
        }
        body["tied"] = .array(line.map(JSONValue.string))
        body["resolutions"] = .array(resolutions.map {
            .object(["dossier": .string($0.dossier), "decision": .string($0.decision), "reason": .string($0.reason)])
        })
        return body
    }

    /// The places the approved list leaves empty, each with why: a freed place the chair ruled
    /// vacant, or one nobody is left to fill; and places the finalized list itself left empty
    /// (fewer above the pass mark than the quota). Refused while a freed place could still be
    /// filled (a next candidate, or a tie the chair has not ruled on).
    func emptyPlaces(selected: Int) throws -> [[String: JSONValue]] {
        guard !program.aggregation.isAssessment else { return [] }
        var out: [[String: JSONValue]] = []
        for place in freedPlaces() {
            if let reason = place.ruledVacant, let r = place.ruling {
                out.append(["count": .int(1), "freed": .string(place.dossier), "objection": .string(place.objection.sha256),
                            "ruling": .string(r.sha256), "reason": .string(reason)])
                continue
            }
            do {
                let next = try nextCandidate(for: place)
                throw ActionError(zh: "\(place.dossier) 空出的名额尚未递补：补充公示下一名（pingshen publicity --supplement \(next)），或由组长裁定空缺（pingshen ruling --place \(place.dossier) --vacant 理由）",
                                  en: "the place freed by \(place.dossier) is not filled: publicise the next candidate (pingshen publicity --supplement \(next)), or the chair rules it vacant (pingshen ruling --place \(place.dossier) --vacant REASON)")
            } catch let e as ActionError where e.en == "no eligible candidate is left to move up" {
                out.append(["count": .int(1), "freed": .string(place.dossier), "objection": .string(place.objection.sha256),
                            "reason": .string("没有可递补的合格候选人 / no eligible candidate was left to move up")])
            } catch let e as ActionError where !e.en.hasPrefix("the place freed by") {
                throw ActionError(zh: "\(place.dossier) 空出的名额尚未递补：\(e.zh)", en: "the place freed by \(place.dossier) is not filled: \(e.en)")
            }
        }
        let accounted = out.count
        let short = program.quota - selected - accounted
        if short > 0 {
            out.append(["count": .int(Int64(short)),
                        "reason": .string("定稿名单少于名额（合格线以上或参评者不足）/ the finalized list was shorter than the quota (too few above the pass mark or in the running)")])
        }
        return out
    }

    static func parseDate(_ text: String, _ flag: String) throws -> NoticeDate {
        guard let d = NoticeDate(text) else {
            throw ActionError(zh: "\(flag) 应为日期 YYYY-MM-DD，得到“\(TerminalText.sanitize(text))”",
                              en: "\(flag) must be a date YYYY-MM-DD, got '\(TerminalText.sanitize(text))'")
        }
        return d
    }

    // MARK: - Publicity (secretary)

    /// The body of a `publicity` record: the finalized list as published `from`…`to`, or with
    /// `supplement`, the supplementary notice of that one candidate.
    public func publicityBody(as secretaryID: String, from: String, to: String, supplement: String? = nil) throws -> [String: JSONValue] {
        try settle()
        let sec = try member(secretaryID)
        try requireRole(sec, for: .publicity)
        try requireNoProblems(LocalizedText(zh: "签署公示", en: "sign the public notice"))
        guard let fin = ledger.finalization else {
            throw ActionError(zh: "尚未定稿，没有可公示的名单（先由组长 finalize）", en: "nothing to publicise: the ranking is not finalized (the chair finalizes first)")
        }
        if !currentApprovals().isEmpty {
            throw ActionError(zh: "名单已审定，不能再公示", en: "the list is approved; no more notices")
        }
        let f = try ReviewSession.parseDate(from, "--from"), t = try ReviewSession.parseDate(to, "--to")
        guard f <= t else {
            throw ActionError(zh: "公示截止日期 \(t) 早于开始日期 \(f)", en: "the notice ends (\(t)) before it starts (\(f))")
        }
        guard t.day - f.day <= PublicitySpec.maxDays else {
            throw ActionError(zh: "公示期超过一年（\(f) 至 \(t)）", en: "a notice of more than a year (\(f) to \(t))")
        }
        if let finDay = NoticeDate(created: fin.record.created), f < finDay {
            throw ActionError(zh: "公示不能早于定稿（\(finDay)）开始：\(f)", en: "the notice cannot start (\(f)) before the list was finalized (\(finDay))")
        }
        let rule = program.noticeRule
        let n: Int, end: NoticeDate
        do {
            n = try NoticeDate.length(from: f, to: t, rule: rule)
            end = try NoticeDate.earliestEnd(from: f, rule: rule)
        } catch let e as UnknownHolidayYear {
            throw ActionError(zh: e.zh, en: e.en)
        }
        if n < rule.days {
            throw ActionError(zh: "公示期 \(f) 至 \(t) 只有 \(n) \(rule.workingDays ? "个工作日" : "天")，程序要求至少 \(rule.describe(.zh))（最早到 \(end)）",
                              en: "the notice \(f) to \(t) runs \(n) \(rule.workingDays ? "working days" : "days"); the programme asks for at least \(rule.describe(.en)) (to \(end) at the earliest)")
        }
        var body: [String: JSONValue] = ["finalize": .string(fin.sha256), "from": .string(f.description), "to": .string(t.description)]
        guard let supplement else {
            if let main = mainNotice() {
                throw ActionError(zh: "定稿名单已公示（\(main.path)）；递补用补充公示：--supplement 编号",
                                  en: "the finalized list was publicised already (\(main.path)); a supplementary notice names one candidate: --supplement ID")
            }
            var list = (fin.record.body["selected"]?.array ?? []).compactMap(\.string)
            if list.isEmpty {
                list = (fin.record.body["ranking"]?.array ?? []).filter { $0["status"]?.string == "selected" }.compactMap { $0["dossier"]?.string }
            }
            guard !list.isEmpty else {
                throw ActionError(zh: "定稿名单为空，没有可公示的申报", en: "the finalized list is empty: nothing to publicise")
            }
            body["dossiers"] = .array(list.map(JSONValue.string))
            return body
        }
        _ = try requireDossier(supplement)
        guard mainNotice() != nil else {
            throw ActionError(zh: "定稿名单尚未公示，不能补充公示", en: "the finalized list has not been publicised: no supplementary notice before it")
        }
        guard let vacancy = freedPlaces().first(where: { $0.ruledVacant == nil }) else {
            if let ruled = freedPlaces().first {
                throw ActionError(zh: "没有空出的名额：组长已裁定 \(ruled.dossier) 空出的名额空缺（\(ruled.ruledVacant ?? "")）",
                                  en: "no place is free: the chair ruled that the place freed by \(ruled.dossier) stays vacant (\(ruled.ruledVacant ?? ""))")
            }
            throw ActionError(zh: "没有空出的名额：补充公示只在公示对象的异议成立（upheld）后递补一人",
                              en: "no place is free: a supplementary notice fills the place of a publicised dossier whose objection was upheld")
        }
        let next = try nextCandidate(for: vacancy)
        guard next == supplement else {
            throw ActionError(zh: "下一名合格候选人是 \(next)，不是 \(supplement)：补充公示只递补下一名",
                              en: "the next eligible candidate is \(next), not \(supplement): a supplementary notice names the next one only")
        }
        if let upheld = NoticeDate(created: vacancy.objection.record.created), f < upheld {
            throw ActionError(zh: "补充公示不能早于异议成立（\(upheld)）开始：\(f)", en: "the supplementary notice cannot start (\(f)) before the objection was upheld (\(upheld))")
        }
        body["dossiers"] = .array([.string(supplement)])
        body["supplement_for"] = .string(vacancy.dossier)
        body["objection"] = .string(vacancy.objection.sha256)
        // The chair's ruling on this candidate, said in the notice rather than passed over.
        if let ruling = vacancy.ruling {
            body["ruling"] = .string(ruling.sha256)
        }
        if let r = chairResolutions()[supplement] {
            body["resolution"] = .string(r.decision + (r.reason.isEmpty ? "" : ": " + r.reason))
        }
        return body
    }

    // MARK: - Objections (secretary)

    /// An objection to a publicised dossier: names the notice (`publicity`: its path or SHA-256;
    /// default: the notice the dossier's earlier objection named, else the latest listing it)
    /// and the date it came in (`received`; default: the earlier objection's, else today), which
    /// must lie within that notice's period.
    public func objectionBody(as secretaryID: String, dossier: String, text: String, outcome: String,
                              publicity ref: String? = nil, received: String? = nil) throws -> [String: JSONValue] {
        try settle()
        let sec = try member(secretaryID)
        try requireRole(sec, for: .objection)
        _ = try requireDossier(dossier)
        guard ["pending", "upheld", "dismissed"].contains(outcome) else {
            throw ActionError(zh: "异议结果只能是 pending、upheld 或 dismissed", en: "an objection's outcome is pending, upheld or dismissed")
        }
        if ledger.approval != nil {
            throw ActionError(zh: "名单已审定，公示期已结束", en: "the list is approved; the public notice period is over")
        }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ActionError(zh: "请写明异议内容", en: "the objection needs its text")
        }
        let earlier = ledger.objections[dossier]?.record.body
        let notice: StoredRecord
        if let ref {
            guard let n = ledger.publicities.first(where: { $0.sha256 == ref || $0.path == ref || $0.path.hasSuffix("/" + ref) }) else {
                throw ActionError(zh: "没有公示记录 “\(TerminalText.sanitize(ref))”（给出其路径 records/秘书/NNN/NNNNNN.json 或 SHA-256）",
                                  en: "no publicity record '\(TerminalText.sanitize(ref))' (give its path records/SEC/NNN/NNNNNN.json or its SHA-256)")
            }
            notice = n
        } else if let named = earlier?["publicity"]?.string, let n = ledger.publicities.first(where: { $0.sha256 == named }) {
            notice = n
        } else if let n = notices().last(where: { ($0.record.body["dossiers"]?.array ?? []).contains(.string(dossier)) }) {
            notice = n
        } else {
            throw ActionError(zh: "\(dossier) 未经公示：异议针对公示（先签署 pingshen publicity）",
                              en: "\(dossier) was not publicised: an objection answers a public notice (pingshen publicity first)")
        }
        guard notice.record.body["finalize"]?.string == ledger.finalization?.sha256 else {
            throw ActionError(zh: "\(notice.path) 是较早定稿的公示", en: "\(notice.path) is a notice of an earlier finalization")
        }
        guard (notice.record.body["dossiers"]?.array ?? []).contains(.string(dossier)) else {
            throw ActionError(zh: "公示 \(notice.path) 没有列出 \(dossier)", en: "the notice \(notice.path) does not list \(dossier)")
        }
        guard let p = ReviewSession.period(notice.record) else {
            throw ActionError(zh: "公示 \(notice.path) 没有有效的公示期", en: "the notice \(notice.path) has no valid period")
        }
        let day: NoticeDate
        if let received {
            day = try ReviewSession.parseDate(received, "--received")
        } else if earlier?["publicity"]?.string == notice.sha256, let d = earlier?["received"]?.string.flatMap({ NoticeDate($0) }) {
            day = d
        } else {
            day = NoticeDate(instant: Clock.now())
        }
        guard p.from <= day, day <= p.to else {
            throw ActionError(zh: "异议收到日期 \(day) 不在公示期 \(p.from) 至 \(p.to) 之内",
                              en: "the objection came in on \(day), outside the notice period \(p.from) to \(p.to)")
        }
        return ["dossier": .string(dossier), "text": .string(text), "outcome": .string(outcome),
                "publicity": .string(notice.sha256), "received": .string(day.description)]
    }

    // MARK: - Approval (approver)

    /// One approving body's approval (审定) of the list publicised, less upheld objections.
    public func approvalBody(as approverID: String, body bodyID: String? = nil) throws -> [String: JSONValue] {
        try settle()
        let a = try member(approverID)
        try requireRole(a, for: .approval)
        try requireNoProblems(LocalizedText(zh: "签署审定", en: "sign the approval"))
        guard let fin = ledger.finalization else {
            throw ActionError(zh: "尚未定稿，不能审定", en: "nothing to approve: the ranking is not finalized")
        }
        let bodies = program.approvingBodies
        var named: String?
        if bodies.isEmpty {
            if let bodyID {
                throw ActionError(zh: "本项目未规定审定机构（program.yaml approval.by），不能指定 --body \(TerminalText.sanitize(bodyID))",
                                  en: "this programme names no approving bodies (program.yaml approval.by); --body \(TerminalText.sanitize(bodyID)) is not one")
            }
            if !currentApprovals().isEmpty { throw ActionError(zh: "名单已审定", en: "the list is already approved") }
        } else {
            guard let b = bodyID ?? (bodies.count == 1 ? bodies[0] : nil) else {
                throw ActionError(zh: "本项目由 \(bodies.count) 个机构共同审定，请用 --body 指定：\(bodies.joined(separator: "、"))",
                                  en: "this programme is approved by \(bodies.count) bodies jointly: name yours with --body (\(bodies.joined(separator: ", ")))")
            }
            guard bodies.contains(b) else {
                throw ActionError(zh: "“\(TerminalText.sanitize(b))” 不是本项目的审定机构（\(bodies.joined(separator: "、"))）",
                                  en: "'\(TerminalText.sanitize(b))' is not an approving body of this programme (\(bodies.joined(separator: ", ")))")
            }
            if let done = currentApprovals().first(where: { $0.record.body["body"]?.string == b }) {
                throw ActionError(zh: "\(b) 已审定（\(done.path)）", en: "\(b) has approved already (\(done.path))")
            }
            named = b
        }
        if let mine = currentApprovals().first(where: { $0.record.signer == approverID }) {
            throw ActionError(zh: "\(approverID) 已代表一个机构审定（\(mine.path)）：每个机构由其本身的审定人签署",
                              en: "\(approverID) approved for one body already (\(mine.path)): each body signs through its own approver")
        }
        let notices = notices()
        guard !notices.isEmpty else {
            throw ActionError(zh: "定稿名单尚未公示，不能审定（pingshen publicity）", en: "the finalized list has not been publicised; no approval before the notice (pingshen publicity)")
        }
        let today = NoticeDate(instant: Clock.now())
        let lastDay = notices.compactMap { ReviewSession.period($0.record)?.to }.max() ?? today
        guard today > lastDay else {
            throw ActionError(zh: "公示期到 \(lastDay) 才结束，\(lastDay.adding(days: 1)) 起方可审定",
                              en: "the notice period runs until \(lastDay); approval from \(lastDay.adding(days: 1))")
        }
        let pending = ledger.objections.keys.filter { ledger.outcome(of: $0) == "pending" }.sorted()
        if !pending.isEmpty {
            throw ActionError(zh: "仍有未处理的公示异议：\(pending.joined(separator: ", "))", en: "objections still pending: \(pending.joined(separator: ", "))")
        }
        let selected = publicised().filter { ledger.outcome(of: $0) != "upheld" }
        // Fewer than the quota only said aloud (issue 12): each empty place with its reason.
        let empty = try emptyPlaces(selected: selected.count)
        var out: [String: JSONValue] = [
            "finalize": .string(fin.sha256), "selected": .array(selected.map(JSONValue.string)), "decision": .string("approved"),
            "notices": .array(notices.map { .string($0.sha256) }),
        ]
        if !empty.isEmpty {
            out["vacant"] = .int(empty.reduce(0) { $0 + ($1["count"]?.int ?? 0) })
            out["vacancies"] = .array(empty.map(JSONValue.object))
        }
        if let named { out["body"] = .string(named) }
        return out
    }
}
