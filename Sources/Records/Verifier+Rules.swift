import Foundation
import Panel

// The "rules" phase of verify: every record body against the programme (RecordKinds), per
// record in `check` (a `rule-violation` problem, never counted), and across records here: what a
// record pins (an approval's finalization) must exist.
extension Verifier {
    /// The rules a scan checks bodies against: the programme's sheet, the dossier ids (the
    /// names in dossiers/, a listing only) and the members: the roster's, and whoever has a
    /// record directory (a member who left the roster keeps the records that counted; their
    /// validity is the chain checks' business, not a finalization's).
    static func ruleBook(program: Program, roster: Roster, layout: StoreLayout) -> RuleBook {
        Trace.phase("scan: rules") {
            var members = Set(roster.members.map(\.id))
            for name in (try? FileManager.default.contentsOfDirectory(atPath: layout.recordsDir)) ?? [] where !name.hasPrefix(".") {
                members.insert(name)
            }
            return RuleBook(program: program, dossiers: RuleBook.dossierIDs(in: layout), members: members)
        }
    }

    /// Records that pin another record (see `KindSpec.pin`), and the records that can be pinned.
    struct Pins {
        /// (path of the pinning record, body key, the SHA-256 it names, the kind it must be)
        var from: [(path: String, key: String, target: String, kind: RecordKind)] = []
        /// SHA-256 (hex) of every valid record of a kind some kind pins, by kind.
        var targets: [RecordKind: Set<String>] = [:]

        static let targetKinds: Set<RecordKind> = Set(RecordKinds.table.compactMap { $0.pin?.kind })
        static let pinningKinds: Set<RecordKind> = Set(RecordKinds.table.filter { $0.pin != nil }.map(\.kind))

        /// Whether the scan must look into a record of this kind (whole records only).
        static func concerns(_ kind: RecordKind?) -> Bool {
            guard let kind else { return false }
            return targetKinds.contains(kind) || pinningKinds.contains(kind)
        }

        mutating func note(_ r: Record, path: String, sha: String) {
            if Pins.targetKinds.contains(r.kind) { targets[r.kind, default: []].insert(sha) }
            if let pin = RecordKinds.spec(r.kind).pin, let target = r.body[pin.key]?.string {
                from.append((path, pin.key, target, pin.kind))
            }
        }

        func problems(_ lang: Language) -> [Problem] {
            from.compactMap { p in
                targets[p.kind]?.contains(p.target) == true ? nil
                    : Problem(path: p.path, kind: "rule-violation",
                              message: lang.pick("记录违反评审规则：“\(p.key)” 指向的 \(p.kind.rawValue) 记录 \(p.target) 不存在",
                                                 "the record breaks the programme's rules: '\(p.key)' names a \(p.kind.rawValue) record \(p.target) that does not exist"))
            }
        }
    }
}

// Decisions ordered by chains, not clocks (`DecisionOrder`): eligibility and objection records per
// dossier, finalizations per store. Heads that disagree are a `decision-conflict`; the latest
// finalization is the one head of the finalizations (never the latest `created`).
extension Verifier {
    /// The kinds whose records a scan reads whole, also from the store index.
    static let decisionKinds: Set<RecordKind> = [.eligibility, .objection, .finalize]

    struct Decisions {
        var groups: [String: [DecisionOrder.Item]] = [:]
        /// The finalizations, by path (for the programme check).
        var finals: [String: Record] = [:]

        mutating func note(_ r: Record, path: String, sha: String) {
            switch r.kind {
            case .eligibility:
                // Both forms, one decision each or a batch (RecordKinds.eligibilityEntries).
                for e in RecordKinds.eligibilityEntries(r.body) {
                    groups["eligibility " + e.dossier, default: []].append(DecisionOrder.Item(r, path: path, value: e.decision))
                }
            case .objection:
                guard let d = r.body["dossier"]?.string else { return }
                groups["objection " + d, default: []].append(DecisionOrder.Item(r, path: path, value: r.body["outcome"]?.string ?? "pending"))
            case .finalize:
                // Two finalizations that did not see each other always conflict.
                groups["finalize", default: []].append(DecisionOrder.Item(r, path: path, value: path))
                finals[path] = r
            default:
                return
            }
        }

        /// The path of the latest finalization, when there is exactly one head.
        var latestFinal: String? { groups["finalize"].flatMap(DecisionOrder.latest)?.path }

        func problems(program: Program, _ lang: Language) -> [Problem] {
            var out: [Problem] = []
            for key in groups.keys.sorted() {
                let conflicting = DecisionOrder.conflicting(groups[key]!)
                guard !conflicting.isEmpty else { continue }
                let list = conflicting.map { "\($0.path) (\($0.value))" }.joined(separator: ", ")
                for c in conflicting {
                    out.append(Problem(path: c.path, kind: "decision-conflict",
                        message: lang.pick("并行的决定互相冲突（签署者互未见到对方的记录）：\(list)；由见过全部记录的人重新决定",
                                           "concurrent decisions disagree (their signers had not seen each other's records): \(list); decide again having seen them all")))
                }
            }
            // What the chair signed stays what the programme says: the quota and the method of
            // the latest finalization against program.yaml.
            if let path = latestFinal, let r = finals[path] {
                if let q = r.body["quota"]?.int, q != Int64(program.quota) {
                    out.append(Problem(path: "program.yaml", kind: "finalize-mismatch",
                        message: lang.pick("quota 为 \(program.quota)，组长签署的定稿 \(path) 中为 \(q)（定稿后被修改？）",
                                           "quota is \(program.quota), the chair's signed finalization \(path) says \(q) (changed after finalization?)")))
                }
                if let m = r.body["method"]?.string, m != program.aggregation.method {
                    out.append(Problem(path: "program.yaml", kind: "finalize-mismatch",
                        message: lang.pick("method 为 \(program.aggregation.method)，组长签署的定稿 \(path) 中为 \(m)（定稿后被修改？）",
                                           "method is \(program.aggregation.method), the chair's signed finalization \(path) says \(m) (changed after finalization?)")))
                }
            }
            return out
        }
    }

    /// `created` must lie in a sane window: from 1 January of the year before the programme's
    /// year to one day after now (a clock a little ahead is tolerated, 2099 is not).
    static func createdWindow(program: Program, now: Date = Date()) -> (from: String?, to: String) {
        let from = program.year.flatMap { $0 > 1 && $0 <= 9999 ? String(format: "%04d-01-01T00:00:00Z", $0 - 1) : nil }
        return (from, Timestamp.format(now.addingTimeInterval(86_400)))
    }
}
