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

        static let kinds: Set<RecordKind> = [.finalize, .publicity, .objection, .approval]

        mutating func note(_ r: Record, path: String, sha: String) {
            let item = Item(record: r, path: path, sha: sha)
            switch r.kind {
            case .finalize: finals[sha] = item
            case .publicity: notices.append(item)
            case .objection: objections.append(item)
            case .approval: approvals.append(item)
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
