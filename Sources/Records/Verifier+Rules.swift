import Foundation
import Panel

// The "rules" phase of verify: every record body against the programme (RecordKinds), per
// record in `check` (a `rule-violation` problem, never counted), and across records here: what a
// record pins (an approval's finalization) must exist.
extension Verifier {
    /// The rules a scan checks bodies against: the programme's sheet, the dossier ids (the
    /// names in dossiers/, a listing only) and the roster's members.
    static func ruleBook(program: Program, roster: Roster, layout: StoreLayout) -> RuleBook {
        Trace.phase("scan: rules") {
            RuleBook(program: program, dossiers: RuleBook.dossierIDs(in: layout), members: Set(roster.members.map(\.id)))
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
