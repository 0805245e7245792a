import Foundation
import Panel
import Records
import Scoring

/// The store's signed records, checked, and what they say: sheets, recusals, eligibility
/// decisions, the finalization, objections and approvals. Records that fail verification are
/// reported and left out of every count.
///
/// Compact at city scale (300,000 records): ids are interned once and each (member, dossier)
/// pair with a sheet or a recusal is one slot of flat arrays; no record bytes, no dictionary per
/// sheet. Only the few other records (eligibility, finalization, objections, approval) are kept
/// whole.
public struct Ledger: Sendable {
    /// How many records passed verification (and are counted).
    public var recordCount: Int
    public var problems: [Problem]
    /// The secretary's latest eligibility decision per dossier ("eligible" | "ineligible").
    public var eligibilityDecisions: [String: String]
    public var finalization: StoredRecord?
    /// Latest objection per dossier.
    public var objections: [String: StoredRecord]
    public var approval: StoredRecord?
    /// The dossier versions the secretary signed (intake and dossier-amend records, issue 11).
    public var pins = DossierPins()
    /// The dossier version (SHA-256) each latest eligibility decision names, by dossier.
    public var eligibilityVersions: [String: String] = [:]
    /// Members removed with `sheets: discard` (a signed decision, `Governance.MemberFacts`):
    /// their sheets stay valid records but no count, ranking or statistic takes them. Set from
    /// the governance history by the session after every load.
    public var discardedMembers: Set<String> = []
    /// Sheets by members the assignment in force does not give their dossier (issue 13): slots
    /// left out of every count, like any record with a problem. Set by the session after every
    /// load (`ReviewSession.applyPins`).
    public var unassignedSlots: Set<Int> = []
    /// Sheets and recusals of rounds after the first (issue 13: a programme's `rounds:`), one
    /// ledger per round holding only those; round 1's (and every record of a programme without
    /// rounds) are this ledger's own. Read through `round(_:)`.
    var laterRounds: [Int: Ledger] = [:]
    /// Slots left out of every count by the round rules (a sheet after its round's shortlist,
    /// for a dossier on no shortlist, after a recusal in an earlier round), per round. Set by
    /// the session after every load (`ReviewSession.applyRoundRules`).
    public var roundRuleSlots: [Int: Set<Int>] = [:]
    /// Recusals the round rules leave out (signed after the shortlist that closed their round),
    /// per round: they take no sheet out of a count and bar no later round. Set with
    /// `roundRuleSlots`.
    public var roundRuleRecusals: [Int: Set<Int>] = [:]
    /// Each signer's highest seq among the records that change what a shortlist ranks
    /// (`shortlistInputKinds`): a shortlist that had not seen one may no longer recount to
    /// what was signed (`shortlist-outdated`), though the session signed it.
    public internal(set) var inputHeads: [String: Int] = [:]
    /// The kinds of `inputHeads`.
    static let shortlistInputKinds: Set<RecordKind> = [.eligibility, .intake, .dossierAmend, .dossierGroup, .group, .assignment,
                                                       .memberRemove, .programAmend, .sanctionAdd, .objection]
    /// What each later-round sheet had seen (its record's `seen`), by `sawKey(member, seq)`:
    /// the round rules leave out a sheet of round N > 1 signed before the shortlist that put
    /// its dossier on (issue 13). Held by a later round's ledger only (few sheets).
    var sheetSeen: [String: [String: Int]] = [:]
    static func sawKey(_ member: String, _ seq: Int) -> String { member + "\u{0}" + String(seq) }

    /// Whether `member`'s sheet at `seq` had seen `record` (signed after it in the member's own
    /// chain, or `seen` reaching its seq). False for a sheet whose `seen` this ledger does not hold.
    func sheetSaw(member: String, seq: Int, _ record: Record) -> Bool {
        if record.signer == member { return seq > record.seq }
        return (sheetSeen[Ledger.sawKey(member, seq)]?[record.signer] ?? 0) >= record.seq
    }

    /// Taken whole from the ledger kept at the last open (see `LedgerSnapshot`).
    public internal(set) var fromKeptSnapshot = false

    public struct MemberDossier: Hashable, Sendable {
        public var member: String
        public var dossier: String
        public init(_ member: String, _ dossier: String) { self.member = member; self.dossier = dossier }
    }

    /// A signed score sheet: what the record says, without its bytes.
    public struct SignedSheet: Sendable {
        public var sheet: Sheet
        public var comment: String?
        public var seq: Int
        /// The dossier version (SHA-256) the sheet names, nil when it names none.
        public var version: String?
        /// records/MEMBER/NNN/NNNNNN.json
        public var path: String { RecordFileName.path(member: sheet.member, seq: seq) }
    }

    // Interned ids.
    var memberIDs: [String] = []
    var memberNumber: [String: Int32] = [:]
    var dossierIDs: [String] = []
    var dossierNumber: [String: Int32] = [:]
    var keyIDs: [String] = []
    var keyNumber: [String: Int32] = [:]

    // One slot per (member, dossier) with a sheet or a recusal.
    var slotOf: [UInt64: Int32] = [:]
    var slotMember: [Int32] = []
    var slotDossier: [Int32] = []
    /// seq of the latest sheet (0: none) and of the recusal (0: none).
    var slotSeq: [Int32] = []
    var slotRecusal: [Int32] = []
    var slotVote: [Int8] = []
    var slotTotal: [Int] = []
    /// The sheet's points: pointKeys/pointValues[slotPoints[s] ..< slotPoints[s] + slotPointCount[s]].
    var slotPoints: [Int32] = []
    var slotPointCount: [UInt16] = []
    var pointKeys: [Int32] = []
    var pointValues: [Int] = []
    var comments: [Int32: String] = [:]
    /// The dossier version the latest sheet names: versionIDs[slotVersion[s]], -1 for none.
    var slotVersion: [Int32] = []
    var versionIDs: [String] = []
    var versionNumber: [String: Int32] = [:]
    /// Every other signed sheet of a slot than the one in its arrays (superseded, or held back
    /// by `keepCounted`), by slot, in seq order: few (a member who changed a sheet). The round
    /// rules need them: a sheet signed after its round's shortlist must not replace the sheet
    /// the shortlist counted (issue 13).
    var otherSheets: [Int32: [SheetVersion]] = [:]

    /// One signed sheet of a slot, whole (see `otherSheets`).
    struct SheetVersion: Sendable {
        var seq: Int32
        var vote: Int8
        var total: Int
        var keys: [Int32]
        var values: [Int]
        var comment: String?
        var version: Int32
    }

    /// Each signer's highest seq among the records counted, by member number.
    var heads: [Int32] = []

    /// The last seq of `member`'s records in this ledger (0 for none).
    public func head(of member: String) -> Int { memberNumber[member].map { Int(heads[Int($0)]) } ?? 0 }

    /// Every member's last seq in this ledger but `member`'s, zeros left out (a record's `seen`).
    public func heads(except member: String) -> [String: Int] {
        var out: [String: Int] = [:]
        for (i, id) in memberIDs.enumerated() where id != member && i < heads.count && heads[i] > 0 { out[id] = Int(heads[i]) }
        return out
    }

    // The last member and criterion keys interned (records come member by member, with the
    // same criteria): most lookups are one comparison.
    var lastMember: (id: String, number: Int32)?
    var lastKeys: [(id: String, number: Int32)] = []

    // Decisions ordered by the chains (`DecisionOrder`), never by `created`: every eligibility,
    // objection and finalize decision taken in, per "eligibility D" / "objection D" / "finalize",
    // and the objection and finalize records by path (the heads' records are shown whole).
    var decisionItems: [String: [DecisionOrder.Item]] = [:]
    var decisionRecords: [String: StoredRecord] = [:]

    init(problems: [Problem]) {
        self.problems = problems
        recordCount = 0
        eligibilityDecisions = [:]
        objections = [:]
    }

    public init(records: [StoredRecord], problems: [Problem]) {
        self.init(problems: problems)
        let bad = Set(problems.map(\.path))
        for stored in records where !bad.contains(stored.path) { take(stored) }
    }

    /// Takes in a record this session has just appended (and so knows to be valid).
    public mutating func take(_ stored: StoredRecord) { take(RecordSummary(stored)) }

    /// Takes in a counted record.
    public mutating func take(_ s: RecordSummary) {
        recordCount += 1
        let m = member(s.signer)
        if Int32(s.seq) > heads[Int(m)] { heads[Int(m)] = Int32(s.seq) }
        switch s.content {
        case let .whole(record, _) where (record.kind == .score || record.kind == .recusal) && RecordKinds.round(of: record.body) != 1:
            // A later round's sheet or recusal (kept whole by the summaries: it is few).
            let n = RecordKinds.round(of: record.body)
            var l = laterRounds[n] ?? Ledger(problems: [])
            l.addWhole(record, path: s.path, sha256: "")
            laterRounds[n] = l
        case let .score(dossier, points, vote, comment, version):
            addSheet(member: s.signer, dossier: dossier, seq: s.seq, points: points, vote: vote.flatMap(Vote.init(rawValue:)), comment: comment,
                     version: version)
        case let .recusal(dossier, _):
            takeRecusal(slot: Int(slot(member: s.signer, dossier: dossier)), seq: s.seq)
        case let .whole(record, sha256):
            if Ledger.shortlistInputKinds.contains(record.kind), s.seq > inputHeads[s.signer] ?? 0 { inputHeads[s.signer] = s.seq }
            addWhole(record, path: s.path, sha256: sha256)
        }
    }

    /// A recusal holds from the first one signed (a later one for the same dossier adds
    /// nothing; the round rules judge the first against its round's shortlist).
    mutating func takeRecusal(slot s: Int, seq: Int) {
        if slotRecusal[s] == 0 || Int32(seq) < slotRecusal[s] { slotRecusal[s] = Int32(seq) }
    }

    static func intern(_ id: String, _ ids: inout [String], _ numbers: inout [String: Int32]) -> Int32 {
        if let n = numbers[id] { return n }
        let n = Int32(ids.count)
        ids.append(id)
        numbers[id] = n
        return n
    }

    mutating func member(_ id: String) -> Int32 {
        if let last = lastMember, last.id == id { return last.number }
        let m = Ledger.intern(id, &memberIDs, &memberNumber)
        if Int(m) == heads.count { heads.append(0) }
        lastMember = (id, m)
        return m
    }

    mutating func key(_ id: String, at i: Int) -> Int32 {
        if i < lastKeys.count, lastKeys[i].id == id { return lastKeys[i].number }
        let k = Ledger.intern(id, &keyIDs, &keyNumber)
        if i < lastKeys.count { lastKeys[i] = (id, k) } else if i == lastKeys.count { lastKeys.append((id, k)) }
        return k
    }

    mutating func slot(member: String, dossier: String) -> Int32 {
        let m = self.member(member)
        let d = Ledger.intern(dossier, &dossierIDs, &dossierNumber)
        let key = UInt64(UInt32(m)) << 32 | UInt64(UInt32(d))
        if let s = slotOf[key] { return s }
        let s = Int32(slotMember.count)
        slotOf[key] = s
        slotMember.append(m); slotDossier.append(d)
        slotSeq.append(0); slotRecusal.append(0); slotVote.append(-1); slotTotal.append(0)
        slotPoints.append(0); slotPointCount.append(0); slotVersion.append(-1)
        return s
    }

    func slot(_ key: MemberDossier) -> Int? {
        guard let m = memberNumber[key.member], let d = dossierNumber[key.dossier],
              let s = slotOf[UInt64(UInt32(m)) << 32 | UInt64(UInt32(d))] else { return nil }
        return Int(s)
    }

    mutating func addSheet(member: String, dossier: String, seq: Int, points: [(key: String, value: Int)], vote: Vote?, comment: String?,
                           version: String?) {
        let s = Int(slot(member: member, dossier: dossier))
        if slotSeq[s] == 0 {
            // The slot's first sheet (nearly every one): straight into its arrays.
            slotSeq[s] = Int32(seq)
            slotVote[s] = SheetTable.voteCode(vote)
            slotVersion[s] = version.map { Ledger.intern($0, &versionIDs, &versionNumber) } ?? -1
            var total = 0
            if Int(slotPointCount[s]) != points.count {
                slotPoints[s] = Int32(pointKeys.count)
                pointKeys.append(contentsOf: repeatElement(0, count: points.count))
                pointValues.append(contentsOf: repeatElement(0, count: points.count))
                slotPointCount[s] = UInt16(clamping: points.count)
            }
            let base = Int(slotPoints[s])
            for (i, p) in points.enumerated() where i < Int(slotPointCount[s]) {
                pointKeys[base + i] = key(p.key, at: i)
                pointValues[base + i] = p.value
                total = Points.add(total, p.value)   // saturating: a wrapped sum could land in range
            }
            slotTotal[s] = total
            if let comment, !comment.isEmpty { comments[Int32(s)] = comment }
            return
        }
        var total = 0
        var keys: [Int32] = []
        keys.reserveCapacity(points.count)
        for (i, p) in points.enumerated() {
            keys.append(key(p.key, at: i))
            total = Points.add(total, p.value)   // saturating: a wrapped sum could land in range
        }
        let v = SheetVersion(seq: Int32(seq), vote: SheetTable.voteCode(vote), total: total, keys: keys, values: points.map(\.value),
                             comment: comment?.nilIfEmpty, version: version.map { Ledger.intern($0, &versionIDs, &versionNumber) } ?? -1)
        // A later sheet supersedes an earlier one (seq numbers one member's records); the
        // earlier is kept aside (`otherSheets`).
        guard Int32(seq) > slotSeq[s] else {
            if Int32(seq) < slotSeq[s] { keepAside(v, slot: s) }
            return
        }
        if slotSeq[s] > 0 { keepAside(storedVersion(slot: s), slot: s) }
        put(v, slot: s)
    }

    /// The sheet in the slot's arrays, whole.
    func storedVersion(slot s: Int) -> SheetVersion {
        let base = Int(slotPoints[s]), n = Int(slotPointCount[s])
        return SheetVersion(seq: slotSeq[s], vote: slotVote[s], total: slotTotal[s], keys: Array(pointKeys[base..<(base + n)]),
                            values: Array(pointValues[base..<(base + n)]), comment: comments[Int32(s)], version: slotVersion[s])
    }

    /// Makes `v` the slot's sheet (its arrays).
    mutating func put(_ v: SheetVersion, slot s: Int) {
        slotSeq[s] = v.seq
        slotVote[s] = v.vote
        slotVersion[s] = v.version
        slotTotal[s] = v.total
        if Int(slotPointCount[s]) != v.keys.count {
            slotPoints[s] = Int32(pointKeys.count)
            pointKeys.append(contentsOf: repeatElement(0, count: v.keys.count))
            pointValues.append(contentsOf: repeatElement(0, count: v.keys.count))
            slotPointCount[s] = UInt16(clamping: v.keys.count)
        }
        let base = Int(slotPoints[s])
        for i in 0..<Int(slotPointCount[s]) {
            pointKeys[base + i] = v.keys[i]
            pointValues[base + i] = v.values[i]
        }
        comments[Int32(s)] = v.comment
    }

    mutating func keepAside(_ v: SheetVersion, slot s: Int) {
        var a = otherSheets[Int32(s), default: []]
        guard !a.contains(where: { $0.seq == v.seq }) else { return }
        a.append(v)
        a.sort { $0.seq < $1.seq }
        otherSheets[Int32(s)] = a
    }

    /// Makes the slot's sheet the latest one signed at or before `seq` (the round rules: the
    /// sheet its round's shortlist counted), the later ones kept aside; false when it has none
    /// (the slot then counts nowhere). Nothing is lost: every sheet stays (`sheetVersions`).
    mutating func keepCounted(slot s: Int, upTo seq: Int) -> Bool {
        guard s >= 0, s < slotSeq.count else { return false }
        if Int(slotSeq[s]) <= seq { return slotSeq[s] > 0 }
        guard let i = otherSheets[Int32(s)]?.lastIndex(where: { Int($0.seq) <= seq }), let v = otherSheets[Int32(s)]?[i] else { return false }
        keepAside(storedVersion(slot: s), slot: s)
        otherSheets[Int32(s)]?.remove(at: i)
        put(v, slot: s)
        return true
    }

    /// Every signed sheet of a slot (the one counted and those kept aside), in seq order.
    public func sheetVersions(slot s: Int) -> [SignedSheet] {
        guard s >= 0, s < slotSeq.count, slotSeq[s] > 0 else { return [] }
        guard otherSheets[Int32(s)] != nil else { return [signedSheet(slot: s)] }
        let member = memberIDs[Int(slotMember[s])], dossier = dossierIDs[Int(slotDossier[s])]
        let all = ((otherSheets[Int32(s)] ?? []) + [storedVersion(slot: s)]).sorted { $0.seq < $1.seq }
        return all.map { v in
            var points: [String: Int] = [:]
            for (k, x) in zip(v.keys, v.values) { points[keyIDs[Int(k)]] = x }
            let vote = v.vote >= 0 && Int(v.vote) < Vote.allCases.count ? Vote.allCases[Int(v.vote)] : nil
            return SignedSheet(sheet: Sheet(member: member, dossier: dossier, points: points, vote: vote), comment: v.comment, seq: Int(v.seq),
                               version: v.version >= 0 ? versionIDs[Int(v.version)] : nil)
        }
    }

    mutating func addWhole(_ r: Record, path: String, sha256: String) {
        if r.kind == .score, let sheet = Ledger.sheet(from: r) {
            if RecordKinds.round(of: r.body) != 1 { sheetSeen[Ledger.sawKey(r.signer, r.seq)] = r.seen }
            // A sheet with more in its body than a sheet holds: counted as a sheet all the same.
            let points = sheet.points.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { (key: $0.key, value: $0.value) }
            addSheet(member: r.signer, dossier: sheet.dossier, seq: r.seq, points: points, vote: sheet.vote, comment: r.body["comment"]?.string,
                     version: r.body[DossierPins.bodyKey]?.string)
            return
        }
        if r.kind == .recusal, let dossier = r.body["dossier"]?.string {
            takeRecusal(slot: Int(slot(member: r.signer, dossier: dossier)), seq: r.seq)
            return
        }
        let stored = StoredRecord(record: r, bytes: Data(), path: path, sha256: sha256)
        let dossier = r.body["dossier"]?.string
        switch r.kind {
        case .eligibility:
            // One decision or a batch of them (the whole check signed at once).
            for e in RecordKinds.eligibilityEntries(r.body) {
                let key = "eligibility " + e.dossier
                decisionItems[key, default: []].append(DecisionOrder.Item(r, path: path, value: e.decision))
                eligibilityDecisions[e.dossier] = DecisionOrder.latest(decisionItems[key]!)?.value
                // The version the latest decision names, ordered the same way (issue 11: a decision
                // made on an older version of the dossier is made again).
                let versionKey = "eligibility-version " + e.dossier
                decisionItems[versionKey, default: []].append(DecisionOrder.Item(r, path: path, value: e.version ?? ""))
                eligibilityVersions[e.dossier] = DecisionOrder.latest(decisionItems[versionKey]!)?.value.nilIfEmpty
                // What the decision says why (the check's reasons, the secretary's reason), for
                // `rank`, `stats` and the UI: kept as canonical JSON so the snapshot carries it.
                var detail: [String: JSONValue] = ["reasons": .array(e.reasons)]
                if let why = e.reason { detail["reason"] = .string(why) }
                decisionItems["eligibility-detail " + e.dossier, default: []].append(
                    DecisionOrder.Item(r, path: path, value: String(decoding: CanonicalJSON.encode(.object(detail)), as: UTF8.self)))
            }
        case .finalize:
            decisionRecords[path] = stored
            decisionItems["finalize", default: []].append(DecisionOrder.Item(r, path: path, value: path))
            finalization = DecisionOrder.latest(decisionItems["finalize"]!).flatMap { decisionRecords[$0.path] }
        case .objection:
            guard let dossier else { return }
            let key = "objection " + dossier
            decisionRecords[path] = stored
            decisionItems[key, default: []].append(DecisionOrder.Item(r, path: path, value: r.body["outcome"]?.string ?? "pending"))
            objections[dossier] = DecisionOrder.latest(decisionItems[key]!).flatMap { decisionRecords[$0.path] }
        case .approval:
            approval = stored
            decisionRecords[path] = stored
            decisionItems["approval", default: []].append(DecisionOrder.Item(r, path: path, value: path))
        case .publicity:
            decisionRecords[path] = stored
            decisionItems["publicity", default: []].append(DecisionOrder.Item(r, path: path, value: path))
        case .ruling:
            decisionRecords[path] = stored
            decisionItems["ruling", default: []].append(DecisionOrder.Item(r, path: path, value: path))
        case .attachment:
            // Kept whole (and in the snapshot); `attachments` replays them into pins.
            decisionRecords[path] = stored
            decisionItems["attachment", default: []].append(DecisionOrder.Item(r, path: path, value: path))
        case .intake, .dossierAmend:
            pins.take(r, path: path)
        // Field groups and assignment (issue 13): kept whole (few records), ordered by chains.
        case .group:
            guard let g = r.body["group"]?.string else { return }
            decisionRecords[path] = stored
            decisionItems["group " + g, default: []].append(DecisionOrder.Item(r, path: path, value: path))
        case .dossierGroup:
            for (d, g) in GroupingBody.dossierGroups(r.body) {
                decisionItems["dossier-group " + d, default: []].append(DecisionOrder.Item(r, path: path, value: g))
            }
        case .assignment:
            decisionRecords[path] = stored
            decisionItems["assignment", default: []].append(DecisionOrder.Item(r, path: path, value: path))
        // Rounds (issue 13): the chair's shortlists, kept whole (one per group and round).
        case .shortlist:
            decisionRecords[path] = stored
            decisionItems["shortlist", default: []].append(DecisionOrder.Item(r, path: path, value: path))
        case .score, .recusal:
            return
        case .genesis, .memberAdd, .memberRotate, .memberRemove, .programAmend, .sanctionAdd, .hostAdd, .hostRemove:
            // The governance chain is replayed by `Governance`, not tallied here.
            return
        }
    }

    /// A score record's sheet, or nil when its body is not a score sheet.
    public static func sheet(from r: Record) -> Sheet? {
        guard let dossier = r.body["dossier"]?.string, case .object(let pts)? = r.body["points"] else { return nil }
        var points: [String: Int] = [:]
        for (k, v) in pts {
            guard let n = v.int else { return nil }
            points[k] = Int(n)
        }
        let vote = r.body["vote"]?.string.flatMap(Vote.init(rawValue:))
        return Sheet(member: r.signer, dossier: dossier, points: points, vote: vote)
    }

    // MARK: - Reading

    /// The latest signed `group` record of each group id (nil for a group whose latest records
    /// conflict), by group id.
    public var groupRecords: [String: StoredRecord] {
        var out: [String: StoredRecord] = [:]
        for (k, items) in decisionItems where k.hasPrefix("group ") {
            if let latest = DecisionOrder.latest(items), let r = decisionRecords[latest.path] { out[String(k.dropFirst(6))] = r }
        }
        return out
    }

    /// Every group id a signed `group` record names (its latest records conflicting or not).
    public var groupIDs: Set<String> {
        Set(decisionItems.keys.filter { $0.hasPrefix("group ") }.map { String($0.dropFirst(6)) })
    }

    /// The group the secretary signed for each dossier (the latest `dossier-group` entry).
    public var dossierGroups: [String: String] {
        var out: [String: String] = [:]
        for (k, items) in decisionItems where k.hasPrefix("dossier-group ") {
            if let latest = DecisionOrder.latest(items) { out[String(k.dropFirst(14))] = latest.value }
        }
        return out
    }

    /// Every signed assignment record, in path order.
    public var assignmentRecords: [StoredRecord] {
        (decisionItems["assignment"] ?? []).compactMap { decisionRecords[$0.path] }.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// The assignments in force: those no later assignment names as `previous`. One when the
    /// store is in order; several when two were signed without seeing each other (a conflict:
    /// `verify` names them and the session refuses to go on until a new one replaces them).
    public var assignmentHeads: [StoredRecord] {
        let all = assignmentRecords
        let replaced = Set(all.compactMap { $0.record.body["previous"]?.string })
        return all.filter { !replaced.contains($0.sha256) }
    }

    /// The sheets and recusals of round `n` (this ledger for round 1), with the pins, the
    /// members whose sheets are discarded and the slots the round rules leave out.
    public func round(_ n: Int) -> Ledger {
        guard n != 1 else { return self }
        var l = laterRounds[n] ?? Ledger(problems: [])
        l.pins = pins
        l.discardedMembers = discardedMembers
        l.unassignedSlots = roundRuleSlots[n] ?? []
        l.roundRuleRecusals = [1: roundRuleRecusals[n] ?? []]   // its own, as round 1's are this ledger's
        return l
    }

    /// The rounds with a sheet or recusal of their own beyond round 1.
    public var laterRoundNumbers: [Int] { laterRounds.keys.sorted() }

    /// Every signed shortlist, in path order.
    public var shortlistRecords: [StoredRecord] {
        (decisionItems["shortlist"] ?? []).compactMap { decisionRecords[$0.path] }.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// The latest signed sheet of a (member, dossier), superseded ones left out.
    public func latestScore(_ key: MemberDossier) -> SignedSheet? {
        guard let s = slot(key), slotSeq[s] > 0 else { return nil }
        return signedSheet(slot: s)
    }

    /// The seq of the member's recusal from the dossier, if any.
    public func recusal(_ key: MemberDossier) -> Int? {
        guard let s = slot(key), slotRecusal[s] > 0, !ownRuleRecusals.contains(s) else { return nil }
        return Int(slotRecusal[s])
    }

    func signedSheet(slot s: Int) -> SignedSheet {
        var points: [String: Int] = [:]
        let base = Int(slotPoints[s])
        for i in base..<(base + Int(slotPointCount[s])) { points[keyIDs[Int(pointKeys[i])]] = pointValues[i] }
        let vote = slotVote[s] >= 0 ? Vote.allCases[Int(slotVote[s])] : nil
        let sheet = Sheet(member: memberIDs[Int(slotMember[s])], dossier: dossierIDs[Int(slotDossier[s])], points: points, vote: vote)
        return SignedSheet(sheet: sheet, comment: comments[Int32(s)], seq: Int(slotSeq[s]),
                           version: slotVersion[s] >= 0 ? versionIDs[Int(slotVersion[s])] : nil)
    }

    /// Whether the slot's latest sheet judged an older version of its dossier than the last
    /// signed one (or names none): "材料已更新 / dossier updated" (issue 11).
    func isStale(slot s: Int) -> Bool {
        let dossier = dossierIDs[Int(slotDossier[s])]
        guard pins.current[dossier] != nil else { return false }
        return !pins.isCurrent(dossier, sha: slotVersion[s] >= 0 ? versionIDs[Int(slotVersion[s])] : nil)
    }

    /// Whether the member's latest sheet for the dossier was made on an older version of it.
    public func isStale(_ key: MemberDossier) -> Bool {
        guard let s = slot(key), slotSeq[s] > 0 else { return false }
        return isStale(slot: s)
    }

    /// The latest sheets made on an older version of their dossier (not recused), in (dossier,
    /// member) order: what `rank` lists as `stale_sheets` and the UI flags.
    public var staleSheets: [SignedSheet] {
        countedSlots(dropStale: false).filter { isStale(slot: $0) }.map { signedSheet(slot: $0) }
    }

    /// The slots that count (a sheet, no recusal), in (dossier, member) code-point order;
    /// with `dropStale` (program.yaml `stale_sheets: drop`), not those made on an older version.
    func countedSlots(dropStale: Bool = false) -> [Int] {
        func order(_ ids: [String]) -> [Int32] {
            var rank = [Int32](repeating: 0, count: ids.count)
            for (r, i) in ids.indices.sorted(by: { ids[$0].utf8.lexicographicallyPrecedes(ids[$1].utf8) }).enumerated() { rank[i] = Int32(r) }
            return rank
        }
        let dr = order(dossierIDs), mr = order(memberIDs)
        var keyed: [(UInt64, Int32)] = []
        keyed.reserveCapacity(slotMember.count)
        let discarded = Set(discardedMembers.compactMap { memberNumber[$0] })
        let ignoredRecusals = ownRuleRecusals
        for s in slotMember.indices where slotSeq[s] > 0 && (slotRecusal[s] == 0 || ignoredRecusals.contains(s)) && !(dropStale && isStale(slot: s))
            && (discarded.isEmpty || !discarded.contains(slotMember[s])) && (unassignedSlots.isEmpty || !unassignedSlots.contains(s))
            && (roundOneRuleSlots.isEmpty || !roundOneRuleSlots.contains(s)) {
            keyed.append((UInt64(UInt32(dr[Int(slotDossier[s])])) << 32 | UInt64(UInt32(mr[Int(slotMember[s])])), Int32(s)))
        }
        keyed.sort { $0.0 < $1.0 }
        return keyed.map { Int($0.1) }
    }

    /// Round 1's slots left out by the round rules (later rounds carry theirs as `unassignedSlots`).
    var roundOneRuleSlots: Set<Int> { roundRuleSlots[1] ?? [] }
    /// This ledger's own recusals left out by the round rules (see `round(_:)`).
    var ownRuleRecusals: Set<Int> { roundRuleRecusals[1] ?? [] }

    /// Every latest sheet (slot, sheet), for the round rules.
    public var latestSheets: [(slot: Int, sheet: SignedSheet)] {
        slotSeq.indices.filter { slotSeq[$0] > 0 }.map { ($0, signedSheet(slot: $0)) }
    }

    /// Every recusal (slot, member, dossier, seq), those the round rules leave out included.
    public var recusals: [(slot: Int, member: String, dossier: String, seq: Int)] {
        slotRecusal.indices.filter { slotRecusal[$0] > 0 }.map { ($0, memberIDs[Int(slotMember[$0])], dossierIDs[Int(slotDossier[$0])], Int(slotRecusal[$0])) }
    }

    /// Every slot with a sheet, with all its signed sheets (`sheetVersions`), for the round rules.
    public var allSheets: [(slot: Int, versions: [SignedSheet])] {
        slotSeq.indices.filter { slotSeq[$0] > 0 }.map { ($0, sheetVersions(slot: $0)) }
    }

    /// Every slot with a sheet: its member, its dossier and the seqs of all its signed sheets in
    /// order (`sheetVersions` without building the sheets: the round rules read only these, over
    /// 50,000 slots at the first frame). `seqs` is valid during the call only.
    func forEachSheetSlot(_ body: (_ slot: Int, _ member: String, _ dossier: String, _ seqs: [Int]) -> Void) {
        var seqs: [Int] = []
        for s in slotSeq.indices where slotSeq[s] > 0 {
            seqs.removeAll(keepingCapacity: true)
            seqs.append(Int(slotSeq[s]))
            if !otherSheets.isEmpty, let others = otherSheets[Int32(s)] {
                seqs.append(contentsOf: others.map { Int($0.seq) })
                seqs.sort()
            }
            body(s, memberIDs[Int(slotMember[s])], dossierIDs[Int(slotDossier[s])], seqs)
        }
    }

    /// The latest sheets (slot, sheet) whose member `table` (dossier → members) does not list
    /// for their dossier. (Compared by interned numbers: no set per dossier, no string per slot.)
    public func sheetsOutside<Members: Sequence<String>>(_ table: [String: Members]) -> [(slot: Int, sheet: SignedSheet)] {
        var allowed = Set<UInt64>()
        allowed.reserveCapacity(slotSeq.count)
        for (d, members) in table {
            guard let dn = dossierNumber[d] else { continue }
            for m in members { if let mn = memberNumber[m] { allowed.insert(UInt64(UInt32(mn)) << 32 | UInt64(UInt32(dn))) } }
        }
        var out: [(slot: Int, sheet: SignedSheet)] = []
        for s in slotSeq.indices where slotSeq[s] > 0 && !allowed.contains(UInt64(UInt32(slotMember[s])) << 32 | UInt64(UInt32(slotDossier[s]))) {
            out.append((s, signedSheet(slot: s)))
        }
        return out
    }

    /// The valid sheets (see `validSheets`), compact: what ranking and statistics read.
    public var sheetTable: SheetTable { sheetTable(dropStale: false) }

    public func sheetTable(dropStale: Bool) -> SheetTable {
        let rows = countedSlots(dropStale: dropStale).map { s in
            SheetTable.Row(member: slotMember[s], dossier: slotDossier[s], total: slotTotal[s], vote: slotVote[s])
        }
        return SheetTable(memberIDs: memberIDs, dossierIDs: dossierIDs, rows: rows)
    }

    /// The valid sheets, whole, in (dossier, member) code-point order.
    public var sheets: [Sheet] { countedSlots().map { signedSheet(slot: $0).sheet } }

    public func sheets(dropStale: Bool) -> [Sheet] { countedSlots(dropStale: dropStale).map { signedSheet(slot: $0).sheet } }

    /// Loads every record of the store, verified, through the store index and the
    /// verified-record cache (a record whose files did not change since it was verified on this
    /// machine is not read again); records with a problem are reported and left out. When the
    /// store has no problem and is as it was at the last open, the ledger kept then is taken
    /// whole (`LedgerSnapshot`).
    /// `trustingStamps`: see `Verifier.forEachCountedSummary`.
    /// `governance`: the governance history another reader of the store loaded at the same
    /// time (see `Verifier.IndexOptions.governance`).
    public static func load(layout: StoreLayout, trustingStamps: Bool = false,
                            governance: (@Sendable () -> Governance.State?)? = nil) throws -> Ledger {
        var ledger = Ledger(problems: [])
        var kept: Ledger?
        let path = snapshotPath(layout)
        let opened = try Trace.phase(trustingStamps ? "ledger: load (trusting the index)" : "ledger: load") {
            try Verifier.openCounted(layout: layout, trustingStamps: trustingStamps, governance: governance, alreadyHeld: { fingerprint in
                kept = Trace.phase("ledger: kept ledger") {
                    SealedFile.withBytes(path) { Ledger.fromSnapshot($0, fingerprint: fingerprint) }
                }
                return kept != nil
            }) { ledger.take($0) }
        }
        if !opened.handedOver, var kept {
            kept.fromKeptSnapshot = true
            ledger = kept
        }
        ledger.problems = opened.report.problems
        if opened.handedOver, let fingerprint = opened.fingerprint, !trustingStamps {
            Trace.phase("ledger: keep") { SealedFile.write(ledger.snapshot(fingerprint: fingerprint), to: path) }
        }
        return ledger
    }

    /// The latest eligibility decision's reasons (the check's failures as signed) and the
    /// secretary's own reason, if any.
    public func eligibilityDetail(_ dossier: String) -> (reasons: [RuleFailure], reason: String?) {
        guard let items = decisionItems["eligibility-detail " + dossier], let v = DecisionOrder.latest(items)?.value,
              let json = try? CanonicalJSON.decode(Data(v.utf8)) else { return ([], nil) }
        let reasons = (json["reasons"]?.array ?? []).map { r in
            RuleFailure(rule: r["rule"]?.string ?? "", zh: r["zh"]?.string ?? r["message"]?.string ?? "", en: r["en"]?.string ?? r["message"]?.string ?? "")
        }
        return (reasons, json["reason"]?.string)
    }

    public func outcome(of dossier: String) -> String? { objections[dossier]?.record.body["outcome"]?.string }

    /// The public notices (issue 12), in the order signed (`created`, then path).
    public var publicities: [StoredRecord] { wholeRecords("publicity") }
    /// The chair's rulings on freed places (issue 12), in the order signed.
    public var rulings: [StoredRecord] { wholeRecords("ruling") }
    /// The signed attachments of every dossier (issue 15).
    public var attachments: AttachmentPins {
        var pins = AttachmentPins()
        for r in wholeRecords("attachment") { pins.take(r.record, path: r.path) }
        return pins
    }
    /// Every approval, in the order signed.
    public var approvals: [StoredRecord] { wholeRecords("approval") }

    func wholeRecords(_ key: String) -> [StoredRecord] {
        (decisionItems[key] ?? []).compactMap { decisionRecords[$0.path] }.sorted {
            $0.record.created != $1.record.created ? $0.record.created < $1.record.created : $0.path.utf8.lexicographicallyPrecedes($1.path.utf8)
        }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
