import Foundation
import Crypto
import Panel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The signed trust root (issue 11). A store begins with a genesis record signed by its founding
/// secretary; every change to the roster, the programme or the sanctions is a signed governance
/// record (see `GovernanceBody`) naming the previous one, so the governance records of every
/// secretary's chain form one chain, replayed here. The roster, the programme and the sanctions
/// are what this replay says; roster.yaml, allowed_signers, program.yaml and sanctions.yaml are
/// views written from it, and a view that differs is a problem (never trusted). The anchors:
/// git's warning that an allowed-signers file inside a repository is only as safe as the changes
/// the repository accepts, TUF's signed root metadata with key rotation, Keybase sigchains.
///
/// The store fingerprint is the SHA-256 of the genesis record's bytes.
public enum Governance {
    /// One member as the history says.
    public struct MemberFacts: Sendable, Hashable {
        public var entry: Member
        /// Position in the governance chain of the member's `member-add` (0: the founder, genesis).
        public var addedAt: Int
        /// Keys in order, each valid from `fromSeq` of the member's chain until the next one's.
        public var keys: [(raw: Data, line: String, fromSeq: Int)]
        /// Set by `member-remove`: the member's last record that counts.
        public var lastSeq: Int?
        public var removedAt: Int?
        /// Positions in the governance chain of the `member-rotate` records, in order: the
        /// position from which `keys[i + 1]` is the member's key (`keys[0]` from `addedAt`).
        public var rotatedAt: [Int] = []
        /// Set by a `member-remove` with `sheets: discard`: the member's sheets stay valid
        /// records but are not counted (a signed decision, issue 11).
        public var discardSheets = false

        /// Index in `keys` of the key valid for the member's record `seq` (nil before the first).
        public func keyIndex(at seq: Int) -> Int? { keys.lastIndex { $0.fromSeq <= seq } }
        /// The governance position from which `keys[i]` is the member's key.
        public func keyPosition(_ i: Int) -> Int { i == 0 ? addedAt : (i - 1 < rotatedAt.count ? rotatedAt[i - 1] : addedAt) }

        /// The key valid for the member's record `seq`.
        public func key(at seq: Int) -> Data? { keys.last { $0.fromSeq <= seq }?.raw }
        public var currentKey: Data { keys.last!.raw }

        public static func == (a: MemberFacts, b: MemberFacts) -> Bool {
            a.entry == b.entry && a.addedAt == b.addedAt && a.lastSeq == b.lastSeq && a.removedAt == b.removedAt
                && a.rotatedAt == b.rotatedAt && a.discardSheets == b.discardSheets
                && a.keys.map(\.raw) == b.keys.map(\.raw) && a.keys.map(\.fromSeq) == b.keys.map(\.fromSeq)
        }
        public func hash(into h: inout Hasher) { h.combine(entry.id); h.combine(addedAt) }

        /// Bytes that name these facts (for the store index's context).
        var digestBytes: Data {
            var d = Data(entry.id.utf8); d.append(0)
            d.append(contentsOf: Data(entry.role.rawValue.utf8)); d.append(0)
            for v in [addedAt, lastSeq ?? -1, removedAt ?? -1, discardSheets ? 1 : 0] + rotatedAt { withUnsafeBytes(of: Int64(v).littleEndian) { d.append(contentsOf: $0) } }
            for k in keys {
                d.append(k.raw)
                withUnsafeBytes(of: Int64(k.fromSeq).littleEndian) { d.append(contentsOf: $0) }
            }
            return d
        }
    }

    /// A review host as the history says (issue 14): its key signs pushes to the hub, never a record.
    public struct HostFacts: Sendable, Hashable {
        public var id: String
        public var name: String?
        /// `ssh-ed25519 AAAA…` (no comment).
        public var key: String
        public var raw: Data
        /// Positions in the governance chain of its host-add and host-remove.
        public var addedAt: Int
        public var removedAt: Int?
    }

    /// The replayed governance history of a store.
    public struct State: Sendable {
        /// The genesis record, when the store has a valid one.
        public var genesis: StoredRecord?
        /// SHA-256 of the genesis record's bytes (nil without a valid genesis).
        public var fingerprint: String? { genesis?.sha256 }
        /// The programme instance every record names (the genesis pins it).
        public var instance: String?
        /// The governance records applied, in chain order (genesis first).
        public var chain: [StoredRecord] = []
        /// Governance record hash → position in `chain`.
        public var position: [String: Int] = [:]
        /// The latest governance record's hash (64 zeros before the genesis).
        public var head: String { chain.last?.sha256 ?? Record.zeroHash }
        public var members: [String: MemberFacts] = [:]
        /// Member ids in the order they were added.
        public var order: [String] = []
        /// program.yaml as signed (the genesis or the latest amendment), and its decoding.
        public var programText: String = ""
        public var program: Program?
        public var sanctions: [Sanction] = []
        /// Review hosts (host-add, host-remove), by id, and their ids in the order added.
        public var hosts: [String: HostFacts] = [:]
        public var hostOrder: [String] = []
        /// The hosts whose keys sign pushes now: added and not removed, in the order added.
        public var currentHosts: [HostFacts] { hostOrder.compactMap { hosts[$0] }.filter { $0.removedAt == nil } }

        /// Whether `id` was ever a member's or a host's (ids are never reused, across both).
        public func idUsed(_ id: String) -> Bool { members[id] != nil || hosts[id] != nil }

        /// Problems of the governance chain itself (paths relative to the store root).
        public var problems: [Problem] = []
        /// Paths of governance records that were read but not applied (their problem is in `problems`).
        public var refused: Set<String> = []

        /// The roster now: every member added and not removed, in the order added.
        public var roster: Roster {
            Roster(members: order.compactMap { id in
                guard let f = members[id], f.removedAt == nil else { return nil }
                var m = f.entry
                if let k = f.keys.last { m.key = k.line }
                return m
            })
        }

        /// Positions in `chain` where the programme text was set (the genesis, then each
        /// `program-amend`), with the SHA-256 of the text from there on.
        public var programAt: [(position: Int, sha256: String)] = []

        /// SHA-256 of the programme text as signed at governance position `p`.
        public func programSHA256(at p: Int) -> String? { programAt.last { $0.position <= p }?.sha256 }

        /// The roster as the signed history says it was at governance position `p` (after the
        /// record there was applied): every member added at or before `p` and not removed by
        /// then, in the order added, each with the key they had from there on.
        public func roster(at p: Int) -> Roster {
            Roster(members: order.compactMap { id in
                guard let f = members[id], f.addedAt <= p, (f.removedAt ?? Int.max) > p else { return nil }
                var m = f.entry
                if let i = f.keys.indices.last(where: { f.keyPosition($0) <= p }) { m.key = f.keys[i].line }
                return m
            })
        }

        /// What `finalize` pins as `roster_sha256`: the SHA-256 of the canonical JSON (see
        /// `CanonicalJSON`) of the array of the roster's entries at position `p`, in the order
        /// added, each `{id, name, role, unit?, key}` as a `member-add` body holds it (`key` the
        /// member's key at `p`). Computed from the signed history only, never from roster.yaml.
        public func rosterSHA256(at p: Int) -> String {
            Record.sha256Hex(CanonicalJSON.encode(.array(roster(at: p).members.map(GovernanceBody.memberJSON))))
        }

        /// The member or review host who has held the key `raw` at any time in the history, if
        /// any (a key is never used twice, by either).
        public func keyHolder(_ raw: Data) -> String? {
            if let m = members.values.first(where: { $0.keys.contains { $0.raw == raw } }) { return m.entry.id }
            return hosts.values.first { $0.raw == raw }?.id
        }

        /// What a member-add must pass against this history, the one check behind `append`
        /// and the terminal UI's preview: an id never used on this roster (a removed member's
        /// id is not reused, nor a review host's), the id, name and key as `RosterOps.validate`
        /// wants them, and a key no member or host has ever held. Returns the member with its key as the roster holds it.
        /// `path`: where errors say the roster is.
        public func checkAdd(_ m: Member, path: String) throws -> Member {
            var m = m
            if idUsed(m.id) {
                throw InputError(path: path, field: "id", message: RecordsError.currentLanguage.pick(
                    "编号 “\(m.id)” 已在名单上（或曾在，作为成员或主机：编号不能重用）", "id '\(m.id)' is already on the roster (or was, as a member or a host: ids are never reused)"))
            }
            m.key = try RosterOps.validate(m, against: Roster(), path: path)
            if let other = keyHolder(try SSHPublicKey(line: m.key).raw) {
                throw InputError(path: path, field: "key", message: RecordsError.currentLanguage.pick(
                    "密钥已属于 “\(other)”；每位成员须有自己的密钥", "the key already belongs to '\(other)'; every member needs their own key"))
            }
            return m
        }

        /// The index context of a member: changes whenever the governance chain does.
        func context(of member: String) -> Data? {
            guard let f = members[member] else { return nil }
            var h = SHA256()
            h.update(data: Data(head.utf8))
            h.update(data: f.digestBytes)
            return Data(h.finalize())
        }
    }

    // MARK: - Reading the history

    /// Replays the governance chain of the store. Throws only when the store cannot be read.
    public static func load(_ layout: StoreLayout, language: Language = RecordsError.currentLanguage) throws -> State {
        var st = State()
        let lang = language
        func problem(_ path: String, _ kind: String, _ zh: String, _ en: String) {
            st.problems.append(Problem(path: path, kind: kind, message: lang.pick(zh, en)))
        }
        let store = RecordStore(layout: layout, durable: false, checkRoster: false)
        let members = store.members()
        // The genesis: the first record of some member's chain.
        var candidates: [(StoredRecord, Data?)] = []
        for m in members {
            guard let (r, sig) = readRecord(layout, member: m, seq: 1), r.record.kind == .genesis else { continue }
            candidates.append((r, sig))
        }
        guard let (genesis, genesisSig) = candidates.first else {
            problem("records", "no-genesis", "存储没有创始记录（genesis）：名单与项目无签名来源",
                    "the store has no genesis record: the roster and the programme have no signed origin")
            return st
        }
        for (extra, _) in candidates.dropFirst() {
            problem(extra.path, "genesis-duplicate", "第二条创始记录（已有 \(genesis.path)）", "a second genesis record (\(genesis.path) came first)")
            st.refused.insert(extra.path)
        }
        let g = genesis.record
        guard RecordBody.problem(kind: .genesis, body: g.body) == nil, let founder = GovernanceBody.member(g.body["member"]),
              founder.id == g.signer, g.seq == 1, g.prev == Record.zeroHash, g.gov == Record.zeroHash,
              let founderKey = try? SSHPublicKey(line: founder.key), let instance = g.body["instance"]?.string, g.program == instance,
              let text = g.body["program_yaml"]?.string,
              signatureKey(genesisSig, message: genesis.bytes) == founderKey.raw else {
            problem(genesis.path, "genesis-invalid", "创始记录无效（内容不全、签名不是创始秘书的密钥，或 gov/prev 不是 64 个 0）",
                    "the genesis record is not valid (incomplete body, not signed by the founding secretary's key, or gov/prev not 64 zeros)")
            st.refused.insert(genesis.path)
            return st
        }
        // The programme the store is founded on, as the panel takes it (GovernanceRules): one it
        // refuses leaves the store without a programme, named here, never an open that throws.
        let program: Program
        do { program = try GovernanceRules.program(text, language: lang) } catch {
            let why = GovernanceRules.describe(error, language: lang)
            problem(genesis.path, "genesis-invalid", "创始记录的项目定义评审时无法采用：\(why)",
                    "the genesis record's programme is not one the panel can take: \(why)")
            st.refused.insert(genesis.path)
            return st
        }
        st.genesis = genesis
        st.instance = instance
        st.chain = [genesis]
        st.position[genesis.sha256] = 0
        st.members[founder.id] = MemberFacts(entry: founder, addedAt: 0, keys: [(founderKey.raw, founderKey.line, 1)])
        st.order = [founder.id]
        st.programText = text
        st.program = program
        st.programAt = [(0, Record.sha256Hex(Data(text.utf8)))]

        // Governance records of every secretary's chain (read as secretaries appear), linked
        // by gov_prev; walked from the genesis.
        var pool: [String: (record: StoredRecord, sig: Data?)] = [:]
        var children: [String: [String]] = [:]
        var read: Set<String> = []
        var queue = [founder.id]
        func readChains() {
            while let m = queue.popLast() {
                guard read.insert(m).inserted else { continue }
                for s in (try? store.publishedSeqs(of: m)) ?? [] {
                    guard let (r, sig) = readRecord(layout, member: m, seq: s, onlyGovernance: true), r.record.kind.isGovernance, r.record.kind != .genesis,
                          let prev = r.record.body["gov_prev"]?.string else { continue }
                    pool[r.sha256] = (r, sig)
                    children[prev, default: []].append(r.sha256)
                }
            }
        }
        readChains()
        var current = genesis.sha256
        walk: while true {
            var kids = children[current] ?? []
            if kids.isEmpty, !queue.isEmpty { readChains(); kids = children[current] ?? [] }
            guard !kids.isEmpty else { break }
            if kids.count > 1 {
                let paths = kids.compactMap { pool[$0]?.record.path }.sorted()
                for p in paths {
                    problem(p, "gov-fork", "治理链分叉：\(paths.joined(separator: "、")) 都接在同一条治理记录之后",
                            "a fork of the governance chain: \(paths.joined(separator: ", ")) all follow the same governance record")
                    st.refused.insert(p)
                }
                break
            }
            guard let (r, sig) = pool[kids[0]] else { break }
            if let refusal = apply(r, signature: sig, to: &st, language: lang) {
                st.problems.append(refusal)
                st.refused.insert(r.path)
                break walk
            }
            st.position[r.sha256] = st.chain.count
            st.chain.append(r)
            current = r.sha256
            if r.record.kind == .memberAdd, let m = GovernanceBody.member(r.record.body["member"]), m.role == .secretary { queue.append(m.id) }
        }
        // Governance records read but never reached: outside the signed chain.
        for (_, e) in pool where st.position[e.record.sha256] == nil && !st.refused.contains(e.record.path) {
            problem(e.record.path, "roster-unsigned", "治理记录不在签名的治理链上（gov_prev 指向的记录不在链中，或链在它之前中断）",
                    "a governance record outside the signed governance chain (its gov_prev names no record of the chain, or the chain breaks before it)")
            st.refused.insert(e.record.path)
        }
        return st
    }

    /// Checks one governance record against the history so far and applies it; the problem
    /// when it cannot be applied (then nothing changed).
    static func apply(_ r: StoredRecord, signature: Data?, to st: inout State, language lang: Language) -> Problem? {
        let rec = r.record
        func refuse(_ kind: String, _ zh: String, _ en: String) -> Problem { Problem(path: r.path, kind: kind, message: lang.pick(zh, en)) }
        let position = st.chain.count
        guard let signer = st.members[rec.signer], signer.removedAt == nil, signer.entry.role == .secretary,
              rec.seq <= (signer.lastSeq ?? Int.max) else {
            return refuse("roster-unsigned", "治理记录的签名者 “\(rec.signer)” 在此时不是名单上的秘书（secretary）",
                          "the governance record's signer '\(rec.signer)' is not a secretary on the roster at this point")
        }
        guard let used = signatureKey(signature, message: r.bytes) else {
            return refuse("bad-signature", "治理记录的签名无效", "the governance record's signature is not valid")
        }
        guard used == signer.key(at: rec.seq) else {
            return refuse("key-not-valid-at-seq", "治理记录由 “\(rec.signer)” 在序号 \(rec.seq) 时无效的密钥签名",
                          "the governance record is signed by a key that was not '\(rec.signer)''s key at seq \(rec.seq)")
        }
        guard rec.program == st.instance else {
            return refuse("foreign-program", "治理记录属于评审 “\(rec.program)”", "the governance record belongs to programme instance '\(rec.program)'")
        }
        if let e = RecordBody.problem(kind: rec.kind, body: rec.body) {
            return refuse("malformed", "治理记录内容不符合格式：\(e.zh)", "the governance record's body is malformed: \(e.en)")
        }
        guard rec.gov == rec.body["gov_prev"]?.string else {
            return refuse("gov-mismatch", "治理记录的 gov 与 body.gov_prev 不同", "the governance record's gov differs from its body's gov_prev")
        }
        switch rec.kind {
        case .memberAdd:
            guard let m = GovernanceBody.member(rec.body["member"]), let key = try? SSHPublicKey(line: m.key) else {
                return refuse("malformed", "成员条目无效", "the member entry is not valid")
            }
            if st.idUsed(m.id) {
                return refuse("gov-invalid", "编号 “\(m.id)” 已在历史中（成员或主机；编号不能重用）", "id '\(m.id)' is already in the history (a member or a host; ids are never reused)")
            }
            if let other = st.keyHolder(key.raw) {
                return refuse("gov-invalid", "密钥已属于 “\(other)”", "the key already belongs to '\(other)'")
            }
            st.members[m.id] = MemberFacts(entry: m, addedAt: position, keys: [(key.raw, key.line, 1)])
            st.order.append(m.id)
        case .memberRotate:
            guard let id = rec.body["id"]?.string, var f = st.members[id], f.removedAt == nil,
                  let key = try? SSHPublicKey(line: rec.body["key"]?.string ?? ""), let from = rec.body["from_seq"]?.int.map(Int.init) else {
                return refuse("gov-invalid", "更换密钥的成员不在名单上", "the member whose key is rotated is not on the roster")
            }
            if st.keyHolder(key.raw) != nil {
                return refuse("gov-invalid", "新密钥已在历史中使用过", "the new key was already used in the history")
            }
            // Equal is allowed: a member who has signed nothing with the current key (a new
            // member, a chair before finalizing) has it replaced from the same seq.
            guard from >= (f.keys.last?.fromSeq ?? 0) else {
                return refuse("gov-invalid", "from_seq \(from) 早于上一把密钥的起始序号", "from_seq \(from) is before the previous key's first seq")
            }
            // Records the rotation had seen were signed with the old key and stay valid under it:
            // a rotation that would reach back over them is retroactive (its signer's own
            // rotation record is signed with the old key too).
            let seenOfMember = id == rec.signer ? rec.seq : (rec.seen[id] ?? 0)
            guard from > seenOfMember else {
                return refuse("rotation-retroactive", "更换密钥回溯：from_seq \(from) 不在此记录已见到的 “\(id)” 的序号 \(seenOfMember) 之后",
                              "a retroactive key rotation: from_seq \(from) is not after seq \(seenOfMember) of '\(id)', which this record had seen")
            }
            f.keys.append((key.raw, key.line, from))
            f.rotatedAt.append(position)
            st.members[id] = f
        case .memberRemove:
            guard let id = rec.body["id"]?.string, var f = st.members[id], f.removedAt == nil, let last = rec.body["last_seq"]?.int.map(Int.init) else {
                return refuse("gov-invalid", "移除的成员不在名单上", "the member removed is not on the roster")
            }
            let secretaries = st.members.values.filter { $0.removedAt == nil && $0.entry.role == .secretary }
            if f.entry.role == .secretary, secretaries.count <= 1 {
                return refuse("gov-invalid", "不能移除最后一位秘书", "the last secretary cannot be removed")
            }
            // What the removal had seen of the member counts: a lower last_seq is retroactive.
            let seenOfMember = id == rec.signer ? rec.seq - 1 : (rec.seen[id] ?? 0)
            guard last >= seenOfMember else {
                return refuse("removal-retroactive", "移除回溯：last_seq \(last) 低于此记录已见到的 “\(id)” 的序号 \(seenOfMember)",
                              "a retroactive removal: last_seq \(last) is below seq \(seenOfMember) of '\(id)', which this record had seen")
            }
            f.lastSeq = last
            f.removedAt = position
            f.discardSheets = rec.body["sheets"]?.string == "discard"
            st.members[id] = f
        case .programAmend:
            guard let text = rec.body["program_yaml"]?.string else { return refuse("malformed", "缺少 program_yaml", "no program_yaml") }
            // The programme as the panel takes it (GovernanceRules, the check `openPanel` runs):
            // one the panel refuses is refused here, so that the store opens on the history before it.
            let p: Program
            do { p = try GovernanceRules.program(text, language: lang) } catch {
                let why = GovernanceRules.describe(error, language: lang)
                return refuse("gov-invalid", "修订后的项目定义评审时无法采用：\(why)", "the amended programme is not one the panel can take: \(why)")
            }
            guard (p.instance ?? p.id) == st.instance else {
                return refuse("gov-invalid", "修订后的项目定义的 instance 与创始记录不同", "the amended programme's instance differs from the genesis")
            }
            st.programText = text
            st.program = p
            st.programAt.append((position, Record.sha256Hex(Data(text.utf8))))
        case .sanctionAdd:
            guard let s = GovernanceBody.sanction(rec.body["sanction"]) else { return refuse("malformed", "处理条目无效", "the sanction entry is not valid") }
            // What the panel refuses in a sanction (GovernanceRules, the check `openPanel` runs).
            if let e = GovernanceRules.sanctionProblem(s) {
                return refuse("gov-invalid", "处理条目评审时无法采用：\(e.zh)", "the sanction is not one the panel can take: \(e.en)")
            }
            st.sanctions.append(s)
        case .hostAdd:
            // The body's shape (an Identifier, a bare key line) was checked above.
            guard let h = rec.body["host"]?.object, let id = h["id"]?.string, let line = h["key"]?.string,
                  let key = try? SSHPublicKey(line: line) else {
                return refuse("malformed", "主机条目无效", "the host entry is not valid")
            }
            if st.idUsed(id) {
                return refuse("gov-invalid", "编号 “\(id)” 已在历史中（成员或主机；编号不能重用）", "id '\(id)' is already in the history (a member or a host; ids are never reused)")
            }
            if let other = st.keyHolder(key.raw) {
                return refuse("gov-invalid", "主机密钥已属于 “\(other)”（主机须有自己的密钥）", "the host key already belongs to '\(other)' (a host needs its own key)")
            }
            st.hosts[id] = HostFacts(id: id, name: h["name"]?.string, key: key.keyText, raw: key.raw, addedAt: position)
            st.hostOrder.append(id)
        case .hostRemove:
            guard let id = rec.body["id"]?.string, var h = st.hosts[id], h.removedAt == nil else {
                return refuse("gov-invalid", "移除的主机不在名单上", "the host removed is not on the roster")
            }
            h.removedAt = position
            st.hosts[id] = h
        default:
            return refuse("roster-unsigned", "第二条创始记录", "a second genesis record")
        }
        return nil
    }

    static func decodeProgram(_ text: String) throws -> Program {
        try YAMLDecoderBridge.program(text)
    }

    /// A record and its signature file, read without verification; nil when unreadable or not a record.
    /// `onlyGovernance`: nil, without parsing the body, for a record whose top-level kind is
    /// plainly not a governance kind (`Record.peekKind`): a secretary's chain holds intake,
    /// eligibility, grouping and assignment records of a megabyte each at 10,000 dossiers, which
    /// every open used to parse here only to skip them (issue 13's grouped store: 0.5–0.9 s).
    static func readRecord(_ layout: StoreLayout, member: String, seq: Int, onlyGovernance: Bool = false) -> (StoredRecord, Data?)? {
        let path = layout.recordFile(member, seq: seq)
        guard let bytes = Verifier.readFile(path) else { return nil }
        if onlyGovernance, let k = Record.peekKind(bytes).flatMap(RecordKind.init(rawValue:)), !k.isGovernance || k == .genesis { return nil }
        guard let r = Record.fast(bytes) ?? (try? Record(bytes: bytes)) else { return nil }
        let sig = Verifier.readFile(path + ".sig")
        return (StoredRecord(record: r, bytes: bytes, path: RecordFileName.path(member: member, seq: seq), sha256: Record.sha256Hex(bytes)), sig)
    }

    /// The key that made a valid signature over `message`, nil when it is not one.
    static func signatureKey(_ signature: Data?, message: Data) -> Data? {
        guard let signature, let p = try? SSHSig.parse(armoredBytes: Array(signature)),
              let k = try? SSHSig.verify(p, message: message) else { return nil }
        return k.raw
    }

    /// The store fingerprint (SHA-256 of the genesis record), nil when the store has no valid genesis.
    public static func fingerprint(_ layout: StoreLayout) throws -> String? { try load(layout).fingerprint }

    // MARK: - Views

    /// The view files as the history says they must read (path → bytes); sanctions.yaml is
    /// nil when there are no sanctions (then the file may be absent).
    public static func views(_ st: State, layout: StoreLayout) throws -> [(path: String, bytes: Data?, kind: String)] {
        [(layout.rosterFile, Data(try YAMLFile.encode(st.roster).utf8), "roster-view-mismatch"),
         (layout.allowedSigners, Data(allowedSigners(st).utf8), "roster-view-mismatch"),
         (layout.programFile, Data(st.programText.utf8), "program-view-mismatch"),
         (layout.sanctionsFile, st.sanctions.isEmpty ? nil : Data(try YAMLFile.encode(st.sanctions).utf8), "sanctions-view-mismatch")]
    }

    /// Writes every view from the history (after each governance record, and on request).
    public static func writeViews(_ st: State, layout: StoreLayout) throws {
        for v in try views(st, layout: layout) {
            if let b = v.bytes { try DurableFile.write(b, to: v.path) } else { unlink(v.path) }
        }
    }

    /// A problem for every view that differs from the history. Without a genesis nothing is compared.
    public static func viewProblems(_ st: State, layout: StoreLayout, language lang: Language) throws -> [Problem] {
        guard st.genesis != nil else { return [] }
        var out: [Problem] = []
        for v in try views(st, layout: layout) {
            let name = String(v.path.dropFirst(layout.root.count + 1))
            let have = FileManager.default.contents(atPath: v.path)
            if have == v.bytes { continue }
            // An empty sanctions list may be an absent file or an empty list.
            if v.bytes == nil, let have, let list = try? YAMLFile.decode([Sanction].self, path: v.path), list.isEmpty, !have.isEmpty { continue }
            let at = firstDifference(have.map { String(decoding: $0, as: UTF8.self) } ?? "", v.bytes.map { String(decoding: $0, as: UTF8.self) } ?? "")
            out.append(Problem(path: name, kind: v.kind, message: lang.pick(
                "\(name) 与签名的治理历史不符（\(at.zh)；被手工改动？pingshen 只信历史；`pingshen governance views` 可按历史重写）",
                "\(name) differs from the signed governance history (\(at.en); edited by hand? pingshen trusts only the history; `pingshen governance views` rewrites it from the history)")))
        }
        return out
    }

    /// Where a view first differs from what the history says: the line, both ways (cut short).
    static func firstDifference(_ have: String, _ want: String) -> (zh: String, en: String) {
        let a = have.split(separator: "\n", omittingEmptySubsequences: false), b = want.split(separator: "\n", omittingEmptySubsequences: false)
        func cut(_ s: Substring?) -> String {
            guard let s else { return "" }
            let t = s.trimmingCharacters(in: .whitespaces)
            return t.count > 80 ? String(t.prefix(80)) + "…" : t
        }
        var i = 0
        while i < a.count, i < b.count, a[i] == b[i] { i += 1 }
        if have.isEmpty { return ("文件缺失", "the file is missing") }
        let h = i < a.count ? cut(a[i]) : "", w = i < b.count ? cut(b[i]) : ""
        return ("第 \(i + 1) 行为 “\(h)”，签名历史为 “\(w)”", "line \(i + 1) reads '\(h)', the signed history '\(w)'")
    }

    /// OpenSSH allowed_signers from the history: every key a member ever had (rotated keys
    /// stay, so `ssh-keygen -Y verify` still verifies the records they signed; removed members
    /// stay for their earlier records).
    public static func allowedSigners(_ st: State) -> String {
        var out = "# generated by pingshen from the signed governance history; do not edit\n"
        for id in st.order {
            guard let f = st.members[id] else { continue }
            for k in f.keys {
                // An id that is not an Identifier could end the line: never written.
                guard Identifier.isValid(id), let key = try? SSHPublicKey(line: k.line) else { continue }
                out += "\(id) namespaces=\"\(SSHSig.namespace)\" \(key.keyText)\n"
            }
        }
        return out
    }
}

/// Program decoding through Yams (Panel's YAMLFile works on paths; the history holds text).
enum YAMLDecoderBridge {
    static func program(_ text: String) throws -> Program {
        try YAMLFile.decode(Program.self, text: text, path: "program.yaml")
    }
}

// MARK: - Writing the history

extension Governance {
    /// A change to the roster, the programme or the sanctions.
    public enum Change: Sendable {
        case add(Member)
        case rotate(id: String, pubkey: String)
        /// `discardSheets`: the member's earlier sheets are not counted (body `sheets: discard`).
        case remove(id: String, reason: String, discardSheets: Bool = false)
        case amend(programYAML: String, reason: String)
        case sanction(Sanction)
        /// A review host whose key (`pubkey`, an OpenSSH public key line) signs pushes (issue 14).
        case hostAdd(id: String, name: String?, pubkey: String, reason: String)
        case hostRemove(id: String, reason: String)
    }

    /// The genesis: the first record of the store, signed by the founding secretary, pinning
    /// the programme text (and its SHA-256), the instance, year, quota and the founder's entry.
    /// The store's directories must exist and records/ be empty. Writes the views.
    @discardableResult
    public static func found(layout: StoreLayout, programYAML text: String, founder: Member, signer: RecordSigner,
                             now: Date = Date()) throws -> State {
        let program = try GovernanceRules.program(text)
        guard let instance = program.instance else {
            throw RecordsError("项目定义缺少 instance", "the programme definition has no instance")
        }
        var m = founder
        m.role = .secretary
        m.key = try RosterOps.validate(m, against: Roster(), path: "--pubkey")
        guard try SSHPublicKey(line: m.key).raw == signer.publicKey.raw else {
            throw RecordsError("签名密钥不是创始秘书的公钥（--pubkey）", "the signing key is not the founding secretary's public key (--pubkey)")
        }
        guard RecordStore(layout: layout).members().isEmpty else {
            throw RecordsError("\(layout.recordsDir)：已有记录，创始记录只能是第一条", "\(layout.recordsDir): records exist; the genesis can only be the first")
        }
        var body: [String: JSONValue] = ["program_yaml": .string(text), "program_sha256": .string(Record.sha256Hex(Data(text.utf8))),
                                         "instance": .string(instance), "quota": .int(Int64(program.quota)),
                                         "member": GovernanceBody.memberJSON(m)]
        if let y = program.year { body["year"] = .int(Int64(y)) }
        let store = RecordStore(layout: layout, checkRoster: false)
        _ = try store.append(kind: .genesis, body: body, program: instance, signerID: m.id, signer: signer, now: now, gov: Record.zeroHash)
        let st = try load(layout)
        guard st.genesis != nil else {
            throw RecordsError("创始记录写入后无法读回：\(st.problems.first?.message ?? "")", "the genesis record cannot be read back: \(st.problems.first?.message ?? "")")
        }
        try writeViews(st, layout: layout)
        return st
    }

    /// Signs `change` as `secretary` (a secretary on the roster now, whose current key `signer`
    /// holds), appended to the governance chain, then rewrites the views. Serialised by a
    /// store-wide lock so that two secretaries never fork the chain from one host.
    @discardableResult
    public static func append(_ change: Change, layout: StoreLayout, as secretary: String, signer: RecordSigner,
                              now: Date = Date()) throws -> (record: StoredRecord, state: State) {
        let lockPath = layout.root + "/.governance.lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let e = String(cString: strerror(errno))
            throw RecordsError("\(lockPath)：无法打开（\(e)）；\(layout.root) 是 pingshen 存储吗？",
                               "\(lockPath): cannot open (\(e)); is \(layout.root) a pingshen store?")
        }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 { if errno != EINTR { break } }

        let st = try load(layout)
        guard let instance = st.instance else {
            throw RecordsError("\(layout.root)：没有有效的创始记录（用 `pingshen init` 创建存储）",
                               "\(layout.root): no valid genesis record (create the store with `pingshen init`)")
        }
        if let p = st.problems.first {
            throw RecordsError("治理链有问题，先解决：\(p.path)：\(p.message)", "the governance chain has a problem; resolve it first: \(p.path): \(p.message)")
        }
        let store = RecordStore(layout: layout, checkRoster: false)
        guard let me = st.members[secretary], me.removedAt == nil, me.entry.role == .secretary else {
            throw RecordsError("“\(secretary)” 不是名单上的秘书（secretary），不能签署治理记录",
                               "'\(secretary)' is not a secretary on the roster and may not sign governance records")
        }
        let next = (try store.publishedSeqs(of: secretary).last ?? 0) + 1
        guard me.key(at: next) == signer.publicKey.raw else {
            throw RecordsError("签名密钥 \(signer.publicKey.fingerprint) 不是 “\(secretary)” 当前的密钥",
                               "signing key \(signer.publicKey.fingerprint) is not '\(secretary)''s current key")
        }
        // What this record will say it had seen; from_seq and last_seq are taken from it, so
        // that they agree with it whatever is published meanwhile.
        var seen: [String: Int] = [:]
        for m in store.members() where m != secretary { if let s = try store.publishedSeqs(of: m).last { seen[m] = s } }
        func lastSeq(_ id: String) throws -> Int { id == secretary ? next - 1 : seen[id] ?? 0 }
        func onRoster(_ id: String) throws -> MemberFacts {
            guard let f = st.members[id], f.removedAt == nil else {
                throw RecordsError("“\(id)” 不在名单上", "'\(id)' is not on the roster")
            }
            return f
        }
        var body: [String: JSONValue] = ["gov_prev": .string(st.head)]
        let kind: RecordKind
        switch change {
        case .add(let added):
            let m = try st.checkAdd(added, path: layout.rosterFile)
            kind = .memberAdd
            body["member"] = GovernanceBody.memberJSON(m)
        case .rotate(let id, let pubkey):
            _ = try onRoster(id)
            let key = try SSHPublicKey(line: pubkey)
            if let other = st.keyHolder(key.raw) {
                throw RecordsError("新密钥已在历史中使用过（“\(other)”）", "the new key was already used in the history ('\(other)')")
            }
            kind = .memberRotate
            body["id"] = .string(id); body["key"] = .string(key.line)
            body["from_seq"] = .int(Int64(try lastSeq(id) + (id == secretary ? 2 : 1)))
        case .remove(let id, let reason, let discard):
            let f = try onRoster(id)
            guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw RecordsError("移除成员需要理由（--reason）", "removing a member needs a reason (--reason)")
            }
            if f.entry.role == .secretary, st.members.values.filter({ $0.removedAt == nil && $0.entry.role == .secretary }).count <= 1 {
                throw RecordsError("不能移除最后一位秘书", "the last secretary cannot be removed")
            }
            kind = .memberRemove
            body["id"] = .string(id); body["reason"] = .string(reason)
            body["last_seq"] = .int(Int64(try lastSeq(id) + (id == secretary ? 1 : 0)))
            body["sheets"] = .string(discard ? "discard" : "keep")
        case .amend(var text, let reason):
            guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw RecordsError("修订项目需要理由（--reason）", "amending the programme needs a reason (--reason)")
            }
            var p = try GovernanceRules.program(text)
            if p.instance == nil {
                // The instance is the store's identity, not the secretary's to choose: kept.
                text += (text.hasSuffix("\n") ? "" : "\n") + "instance: \(instance)\n"
                p = try GovernanceRules.program(text)
            }
            guard p.instance == instance else {
                throw RecordsError("修订后的项目 instance 须保持为 \(instance)", "the amended programme must keep instance \(instance)")
            }
            kind = .programAmend
            body["program_yaml"] = .string(text); body["program_sha256"] = .string(Record.sha256Hex(Data(text.utf8)))
            body["reason"] = .string(reason)
        case .sanction(let s):
            if let e = GovernanceRules.sanctionProblem(s) { throw e }
            kind = .sanctionAdd
            body["sanction"] = GovernanceBody.sanctionJSON(s)
        case .hostAdd(let id, let name, let pubkey, let reason):
            guard Identifier.isValid(id) else {
                throw RecordsError("主机编号 “\(id)” 不可用（\(Identifier.rule.zh)）", "host id '\(id)' is not usable (\(Identifier.rule.en))")
            }
            if st.idUsed(id) {
                throw RecordsError("编号 “\(id)” 已在历史中（成员或主机；编号不能重用）", "id '\(id)' is already in the history (a member or a host; ids are never reused)")
            }
            guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw RecordsError("添加主机需要理由（--reason）", "adding a host needs a reason (--reason)")
            }
            if let name, name.trimmingCharacters(in: .whitespaces).isEmpty || name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                throw RecordsError("主机名称不能为空或含控制字符", "the host's name must not be empty or hold a control character")
            }
            let key = try SSHPublicKey(line: pubkey)
            if let other = st.keyHolder(key.raw) {
                throw RecordsError("主机密钥 \(key.fingerprint) 已属于 “\(other)”；主机须有自己的密钥", "host key \(key.fingerprint) already belongs to '\(other)'; a host needs its own key")
            }
            kind = .hostAdd
            body["host"] = GovernanceBody.hostJSON(id: id, name: name, key: key.keyText)
            body["reason"] = .string(reason)
        case .hostRemove(let id, let reason):
            guard let h = st.hosts[id], h.removedAt == nil else {
                throw RecordsError("“\(id)” 不是名单上的主机", "'\(id)' is not a host on the roster")
            }
            guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw RecordsError("移除主机需要理由（--reason）", "removing a host needs a reason (--reason)")
            }
            kind = .hostRemove
            body["id"] = .string(id); body["reason"] = .string(reason)
        }
        if let e = RecordBody.problem(kind: kind, body: body) { throw e }
        let r = try store.append(kind: kind, body: body, program: instance, signerID: secretary, signer: signer, now: now,
                                 gov: st.head, seen: seen)
        let after = try load(layout)
        guard after.position[r.sha256] != nil else {
            let why = after.problems.first { $0.path == r.path }?.message ?? ""
            throw RecordsError("治理记录 \(r.path) 已写入却未进入治理链：\(why)", "governance record \(r.path) was written but is not in the chain: \(why)")
        }
        try writeViews(after, layout: layout)
        return (r, after)
    }
}

extension Governance {
    /// The panel's side of the store with the programme, roster and sanctions the signed history
    /// gives (the view files are not read). Without a valid genesis the store cannot be opened.
    /// `cachedDossiers`: the dossier files through `DossierSnapshot` (those unchanged since the
    /// last open are not read); false reads every file (`verify`).
    /// `loaded`: given the governance history as soon as it is replayed, before the dossiers
    /// are read (the session hands it to its ledger's scan, `Verifier.IndexOptions.governance`).
    public static func openPanel(_ root: String, language: Language = RecordsError.currentLanguage,
                                 cachedDossiers: Bool = true, loaded: ((State) -> Void)? = nil) throws -> (panel: PanelStore, governance: State) {
        let layout = StoreLayout(root)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: layout.root, isDirectory: &isDir), isDir.boolValue else {
            throw StoreError(language.pick("\(layout.root)：没有这个存储（先运行 `pingshen init`）", "\(layout.root): no such store (run `pingshen init` first)"))
        }
        let st = try Trace.phase("panel: governance") { try load(layout, language: language) }
        loaded?(st)
        guard st.genesis != nil, let program = st.program else {
            let why = st.problems.first.map { "\($0.path)：\($0.message)" } ?? ""
            throw StoreError(language.pick("\(layout.root)：没有有效的创始记录，名单与项目无从确认（\(why)）",
                                           "\(layout.root): no valid genesis record; the roster and the programme cannot be established (\(why))"))
        }
        return (try PanelStore.open(root, program: program, roster: st.roster, sanctions: st.sanctions,
                                    readDossiers: cachedDossiers ? { try DossierSnapshot.readDossiers($0) } : nil), st)
    }
}

extension Record {
    /// The top-level `kind` of a record's bytes, found by stepping over every other member's
    /// value without building it. nil, so that the caller parses the record in full, unless
    /// the bytes are exactly one well-formed JSON object with one `kind` key, a string, and no
    /// escape in any top-level key or in the kind.
    public static func peekKind(_ bytes: Data) -> String? {
        bytes.withUnsafeBytes { raw -> String? in
            let p = raw.bindMemory(to: UInt8.self)
            let n = p.count
            var i = 0
            func ws() { while i < n, p[i] == 0x20 || p[i] == 0x0A || p[i] == 0x0D || p[i] == 0x09 { i += 1 } }
            /// A string at i: the range of its raw contents and whether it holds an escape.
            func string() -> (Range<Int>, Bool)? {
                guard i < n, p[i] == 0x22 else { return nil }
                i += 1
                let start = i
                var escaped = false
                while i < n {
                    let c = p[i]
                    if c == 0x5C { escaped = true; i += 2; continue }
                    if c == 0x22 { i += 1; return (start..<(i - 1), escaped) }
                    if c < 0x20 { return nil }
                    i += 1
                }
                return nil
            }
            func value(_ depth: Int) -> Bool {
                ws()
                guard i < n, depth < 256 else { return false }
                switch p[i] {
                case 0x22: return string() != nil
                case 0x7B, 0x5B:
                    let close: UInt8 = p[i] == 0x7B ? 0x7D : 0x5D
                    let object = p[i] == 0x7B
                    i += 1
                    ws()
                    if i < n, p[i] == close { i += 1; return true }
                    while true {
                        if object {
                            ws()
                            guard string() != nil else { return false }
                            ws()
                            guard i < n, p[i] == 0x3A else { return false }
                            i += 1
                        }
                        guard value(depth + 1) else { return false }
                        ws()
                        guard i < n else { return false }
                        if p[i] == 0x2C { i += 1; continue }
                        if p[i] == close { i += 1; return true }
                        return false
                    }
                default:
                    let start = i
                    while i < n, (p[i] >= 0x30 && p[i] <= 0x39) || (p[i] >= 0x61 && p[i] <= 0x7A) || p[i] == 0x2B || p[i] == 0x2D || p[i] == 0x2E || p[i] == 0x45 { i += 1 }
                    return i > start
                }
            }
            ws()
            guard i < n, p[i] == 0x7B else { return nil }
            i += 1
            var kind: String?
            var seen = false
            while true {
                ws()
                guard let (k, escapedKey) = string(), !escapedKey else { return nil }
                ws()
                guard i < n, p[i] == 0x3A else { return nil }
                i += 1
                ws()
                if k.count == 4, p[k.lowerBound] == 0x6B, p[k.lowerBound + 1] == 0x69, p[k.lowerBound + 2] == 0x6E, p[k.lowerBound + 3] == 0x64 {
                    guard !seen, let (v, escaped) = string(), !escaped else { return nil }
                    seen = true
                    kind = String(decoding: UnsafeBufferPointer(rebasing: p[v]), as: UTF8.self)
                } else {
                    guard value(1) else { return nil }
                }
                ws()
                guard i < n else { return nil }
                if p[i] == 0x2C { i += 1; continue }
                if p[i] == 0x7D { i += 1; break }
                return nil
            }
            ws()
            return i == n ? kind : nil
        }
    }
}
