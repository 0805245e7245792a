import Foundation
import Panel

// The public notice and the approval across records (issue 12), as `ReviewSession` enforces
// them when signing (Review/Notice.swift): what verify reports of a store signed by other means.
// Per record, `RecordKinds` checks shapes, signers, the period's length and the approving body;
// here, what one record says of another:
//
// - a notice starts no earlier than the finalization it publishes; the main notice lists exactly
//   the finalized `selected`; a supplement names an upheld objection to a publicised dossier;
// - an objection's notice lists its dossier, and it came in (`received`) within that period;
// - an approval comes after every notice of its finalization has ended (its `created`, Beijing
//   date), with no objection pending then; one per approving body; it lists only dossiers
//   publicised and not upheld against.
extension Verifier {
    struct Notices {
        struct Item { var record: Record; var path: String; var sha: String }
        var finals: [String: Item] = [:]
        var notices: [Item] = []
        var objections: [Item] = []
        var approvals: [Item] = []
        var rulings: [Item] = []

        static let kinds: Set<RecordKind> = [.finalize, .publicity, .objection, .approval, .ruling]

        mutating func note(_ r: Record, path: String, sha: String) {
            let item = Item(record: r, path: path, sha: sha)
            switch r.kind {
            case .finalize: finals[sha] = item
            case .publicity: notices.append(item)
            case .objection: objections.append(item)
            case .approval: approvals.append(item)
            case .ruling: rulings.append(item)
            default: return
            }
        }

        static func period(_ r: Record) -> (from: NoticeDate, to: NoticeDate)? {
            guard let f = r.body["from"]?.string.flatMap({ NoticeDate($0) }), let t = r.body["to"]?.string.flatMap({ NoticeDate($0) }) else { return nil }
            return (f, t)
        }

        static func ids(_ v: JSONValue?) -> [String] { (v?.array ?? []).compactMap(\.string) }

        func problems(program: Program, _ lang: Language) -> [Problem] {
            var out: [Problem] = []
            func problem(_ path: String, _ zh: String, _ en: String) {
                out.append(Problem(path: path, kind: "notice-rule", message: lang.pick(zh, en)))
            }
            let bySha = Dictionary(notices.map { ($0.sha, $0) }, uniquingKeysWith: { a, _ in a })
            let objectionBySha = Dictionary(objections.map { ($0.sha, $0) }, uniquingKeysWith: { a, _ in a })
            // Notices.
            for n in notices {
                guard let fin = n.record.body["finalize"]?.string.flatMap({ finals[$0] }), let p = Notices.period(n.record) else { continue }
                if let finDay = NoticeDate(created: fin.record.created), p.from < finDay {
                    problem(n.path, "公示 \(p.from) 开始于定稿 \(fin.path)（\(finDay)）之前", "the notice starts (\(p.from)) before the finalization \(fin.path) (\(finDay))")
                }
                let listed = Notices.ids(n.record.body["dossiers"])
                if let freed = n.record.body["supplement_for"]?.string {
                    let o = n.record.body["objection"]?.string.flatMap { objectionBySha[$0] }
                    if o == nil || o?.record.body["dossier"]?.string != freed || o?.record.body["outcome"]?.string != "upheld" {
                        problem(n.path, "补充公示所称的异议记录不存在，或不是对 \(freed) 成立的异议", "the supplementary notice names no upheld objection to \(freed)")
                    }
                } else {
                    var selected = Notices.ids(fin.record.body["selected"])
                    if selected.isEmpty {
                        selected = (fin.record.body["ranking"]?.array ?? []).filter { $0["status"]?.string == "selected" }.compactMap { $0["dossier"]?.string }
                    }
                    if Set(selected) != Set(listed) {
                        problem(n.path, "公示名单与定稿 \(fin.path) 的入选名单不符", "the notice does not list exactly the finalized list of \(fin.path)")
                    }
                }
            }
            // The chair's rulings on freed places: one per place, on an upheld objection to the
            // dossier it names.
            var rulingByObjection: [String: Item] = [:]
            for r in rulings {
                guard let ref = r.record.body["objection"]?.string else { continue }
                let o = objectionBySha[ref]
                let freed = r.record.body["freed"]?.string ?? ""
                if o == nil || o?.record.body["dossier"]?.string != freed || o?.record.body["outcome"]?.string != "upheld" {
                    problem(r.path, "裁定所称的异议记录不存在，或不是对 \(freed) 成立的异议", "the ruling names no upheld objection to \(freed)")
                }
                if let first = rulingByObjection[ref] {
                    problem(r.path, "组长对同一空出名额裁定了两次（另见 \(first.path)）", "the chair ruled twice on the same freed place (also \(first.path))")
                } else {
                    rulingByObjection[ref] = r
                }
            }
            // Supplements follow the ruling on their place; without one, they name no candidate
            // tied with another at the finalized ranking, nor one the chair ruled not-selected.
            for n in notices {
                guard let freed = n.record.body["supplement_for"]?.string, let ref = n.record.body["objection"]?.string,
                      let fin = n.record.body["finalize"]?.string.flatMap({ finals[$0] }), let cand = Notices.ids(n.record.body["dossiers"]).first else { continue }
                if let r = rulingByObjection[ref] {
                    if r.record.body["vacant"] != nil {
                        problem(n.path, "组长已裁定 \(freed) 空出的名额空缺（\(r.path)），补充公示却递补 \(cand)", "the chair ruled the place freed by \(freed) vacant (\(r.path)), yet the supplementary notice fills it with \(cand)")
                    } else {
                        let chosen = (r.record.body["resolutions"]?.array ?? []).first { $0["decision"]?.string == "selected" }?["dossier"]?.string
                        if chosen != cand {
                            problem(n.path, "补充公示递补 \(cand)，组长裁定（\(r.path)）选入的是 \(chosen ?? "—")", "the supplementary notice names \(cand); the chair's ruling (\(r.path)) selected \(chosen ?? "none")")
                        }
                    }
                    continue
                }
                let rows = fin.record.body["ranking"]?.array ?? []
                let others = Set(notices.filter { $0.sha != n.sha && $0.record.body["finalize"]?.string == fin.sha }.flatMap { Notices.ids($0.record.body["dossiers"]) })
                let upheld = Set(objections.filter { $0.record.body["outcome"]?.string == "upheld" }.compactMap { $0.record.body["dossier"]?.string })
                if let rank = rows.first(where: { $0["dossier"]?.string == cand })?["rank"]?.int {
                    let tied = rows.filter {
                        $0["rank"]?.int == rank && $0["status"]?.string == "not-selected" && $0["dossier"]?.string != cand
                            && !others.contains($0["dossier"]?.string ?? "") && !upheld.contains($0["dossier"]?.string ?? "")
                    }.compactMap { $0["dossier"]?.string }
                    if !tied.isEmpty {
                        problem(n.path, "补充公示递补的 \(cand) 与 \(tied.joined(separator: ", ")) 并列，却没有组长裁定",
                                "the supplementary notice names \(cand), tied with \(tied.joined(separator: ", ")), without the chair's ruling")
                    }
                }
                let earlier = (fin.record.body["resolutions"]?.array ?? []).first { $0["dossier"]?.string == cand }?["decision"]?.string
                let later = rulings.filter { $0.record.body["finalize"]?.string == fin.sha }.flatMap { $0.record.body["resolutions"]?.array ?? [] }
                    .last { $0["dossier"]?.string == cand }?["decision"]?.string
                if (later ?? earlier) == "not-selected" {
                    problem(n.path, "组长曾裁定 \(cand) 不入选，补充公示却未经组长对该名额裁定就递补它",
                            "the chair ruled \(cand) not-selected, yet the supplementary notice moves it up without the chair's ruling on the place")
                }
            }
            // Objections.
            for o in objections {
                guard let ref = o.record.body["publicity"]?.string, let n = bySha[ref], let p = Notices.period(n.record) else { continue }
                if let d = o.record.body["dossier"]?.string, !Notices.ids(n.record.body["dossiers"]).contains(d) {
                    problem(o.path, "所答复的公示 \(n.path) 没有列出 \(d)", "the notice it answers, \(n.path), does not list \(d)")
                }
                if let day = o.record.body["received"]?.string.flatMap({ NoticeDate($0) }), day < p.from || day > p.to {
                    problem(o.path, "异议收到日期 \(day) 不在公示期 \(p.from) 至 \(p.to) 之内", "the objection came in on \(day), outside the notice period \(p.from) to \(p.to)")
                }
            }
            // Approvals.
            var byBody: [String: (path: String, created: String)] = [:]
            for a in approvals.sorted(by: { $0.record.created != $1.record.created ? $0.record.created < $1.record.created : $0.path < $1.path }) {
                guard let finSha = a.record.body["finalize"]?.string else { continue }
                let own = notices.filter { $0.record.body["finalize"]?.string == finSha }
                guard !own.isEmpty else {
                    problem(a.path, "审定之前没有公示（定稿 \(finSha.prefix(12)) 没有公示记录）", "approved without a public notice (no publicity record for the finalization \(finSha.prefix(12)))")
                    continue
                }
                let day = NoticeDate(created: a.record.created)
                if let last = own.compactMap({ Notices.period($0.record)?.to }).max(), let day, day <= last {
                    problem(a.path, "审定签于 \(day)，公示期到 \(last) 才结束", "approved on \(day), before the notice period ended (\(last))")
                }
                // The objections as they stood when it was signed: the latest per dossier by `created`.
                var latest: [String: Item] = [:]
                for o in objections where o.record.created <= a.record.created {
                    guard let d = o.record.body["dossier"]?.string else { continue }
                    if let l = latest[d], l.record.created > o.record.created { continue }
                    latest[d] = o
                }
                let pending = latest.filter { ($0.value.record.body["outcome"]?.string ?? "pending") == "pending" }.keys.sorted()
                if !pending.isEmpty {
                    problem(a.path, "审定时仍有未处理的异议：\(pending.joined(separator: ", "))", "approved while objections were pending: \(pending.joined(separator: ", "))")
                }
                let upheld = Set(latest.filter { $0.value.record.body["outcome"]?.string == "upheld" }.keys)
                let publicised = Set(own.flatMap { Notices.ids($0.record.body["dossiers"]) })
                for d in Notices.ids(a.record.body["selected"]) where !publicised.contains(d) || upheld.contains(d) {
                    problem(a.path, upheld.contains(d) ? "审定名单列有异议成立的 \(d)" : "审定名单列有未经公示的 \(d)",
                            upheld.contains(d) ? "the approved list names \(d), whose objection was upheld" : "the approved list names \(d), which was never publicised")
                }
                // Fewer than the quota only said aloud: the places listed plus those `vacant`
                // says make up the finalized quota (not for an assessment, which has none).
                if let fin = finals[finSha], let quota = fin.record.body["quota"]?.int, !program.aggregation.isAssessment {
                    let listed = Int64(Notices.ids(a.record.body["selected"]).count)
                    let vacant = a.record.body["vacant"]?.int ?? 0
                    if listed + vacant < quota {
                        problem(a.path, "审定名单只有 \(listed) 人，名额 \(quota)，却没有写明空缺（vacant）",
                                "the approved list names \(listed) of \(quota) places without saying the rest are vacant (vacant)")
                    }
                }
                let key = finSha + " " + (a.record.body["body"]?.string ?? "")
                if let first = byBody[key] {
                    problem(a.path, "同一审定机构对同一定稿审定了两次（另见 \(first.path)）", "the same approving body approved the same finalization twice (also \(first.path))")
                    // Signed in the same second, neither is provably the first: both are named.
                    if first.created == a.record.created {
                        problem(first.path, "同一审定机构对同一定稿审定了两次（另见 \(a.path)）", "the same approving body approved the same finalization twice (also \(a.path))")
                    }
                } else {
                    byBody[key] = (a.path, a.record.created)
                }
            }
            return out
        }
    }
}
