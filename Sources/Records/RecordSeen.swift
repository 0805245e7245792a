import Foundation
import Panel

// Deletions verify can see (issue 16): every record carries `seen`, how far its signer's session
// had seen each other member's chain (Record.swift). A record that some later, validly signed
// record saw must still be there; when it is not (its file, the end of its chain or the whole
// member directory deleted), verify reports `missing-record`, naming the record that saw it.
// What nobody has seen yet (each chain's newest records) one host cannot vouch for: README,
// "What verify cannot see".

/// What one member's records say they had seen, kept as the rises of the running maximum, record
/// by record: enough for the maximum over any prefix of the chain (the store index keeps a
/// prefix of a member's records, and holds these events for it).
struct SeenLog: Equatable {
    struct Event: Equatable {
        /// Position of the record in the member's list of published records (not its seq).
        var at: Int32
        var member: String
        var seq: Int32
    }

    private(set) var events: [Event] = []
    private var running: [String: Int32] = [:]

    init() {}

    /// The events of records before position `k`.
    init(events: [Event], before k: Int) {
        for e in events where Int(e.at) < k { note(e) }
    }

    private mutating func note(_ e: Event) {
        guard e.seq > running[e.member, default: 0] else { return }
        running[e.member] = e.seq
        events.append(e)
    }

    /// The `seen` vector of the record at position `at`.
    mutating func add(at: Int, _ seen: [String: Int]) {
        for m in seen.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let s = seen[m]!
            guard s >= 1, s <= RecordLimits.maxSeq else { continue }
            note(Event(at: Int32(at), member: m, seq: Int32(s)))
        }
    }

    /// Member → the highest seq seen, and the position of the first record that saw it.
    var maxima: [String: (seq: Int32, at: Int32)] {
        var out: [String: (seq: Int32, at: Int32)] = [:]
        for e in events where e.seq > out[e.member]?.seq ?? 0 { out[e.member] = (e.seq, e.at) }
        return out
    }
}

extension Verifier {
    /// `missing-record` problems: for every member some record saw, the records between the
    /// member's last published one and the highest seq seen. `chains`: each listed member's
    /// published seqs; `logs`: what each listed member's records had seen.
    static func missingRecords(members: [String], published: [[Int32]], logs: [SeenLog], lang: Language) -> [Problem] {
        var highest: [String: (seq: Int, by: String)] = [:]
        for (mi, member) in members.enumerated() {
            for (m, v) in logs[mi].maxima where Int(v.seq) > highest[m]?.seq ?? 0 {
                let at = Int(v.at)
                guard at < published[mi].count else { continue }
                highest[m] = (Int(v.seq), RecordFileName.path(member: member, seq: Int(published[mi][at])))
            }
        }
        let listed = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1, $0) })
        var out: [Problem] = []
        for m in highest.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let (seen, by) = highest[m]!
            guard let mi = listed[m] else {
                out.append(Problem(path: "records/\(m)", kind: "missing-record",
                    message: lang.pick("成员目录缺失或未读取，而 \(by) 见过 “\(m)” 的记录直到 seq \(seen)（被删除？）",
                                       "the member's directory is missing or was not read, while \(by) saw the records of '\(m)' up to seq \(seen) (deleted?)")))
                continue
            }
            let have = Int(published[mi].last ?? 0)
            guard seen > have else { continue }
            let from = have + 1
            let what = from == seen ? RecordFileName.json(from) : RecordFileName.json(from) + "…" + RecordFileName.json(seen)
            out.append(Problem(path: RecordFileName.path(member: m, seq: from), kind: "missing-record",
                message: lang.pick("记录 \(what) 缺失，而 \(by) 见过 “\(m)” 的记录直到 seq \(seen)（被删除？）",
                                   "records \(what) are missing, while \(by) saw the records of '\(m)' up to seq \(seen) (deleted?)")))
        }
        return out
    }
}
