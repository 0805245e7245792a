import Foundation
import Crypto
import Panel

public enum RecordKind: String, CaseIterable, Sendable, Codable {
    // The store index keeps a kind as its position in `allCases`: new kinds go at the end.
    case score, recusal, eligibility, finalize, objection, approval
    /// The governance chain (see `Governance`): the store's first record, then roster,
    /// programme and sanctions changes, each naming the previous one.
    case genesis
    case memberAdd = "member-add", memberRotate = "member-rotate", memberRemove = "member-remove"
    case programAmend = "program-amend", sanctionAdd = "sanction-add"
    /// The commit point of `import` (issue 16): every dossier id with its file's SHA-256 and size.
    case intake
    /// `dossier amend`: one dossier's new version (SHA-256, size) and the reason (issue 11).
    case dossierAmend = "dossier-amend"
    /// The public notice (社会公示, issue 12): the finalized list (or one supplementary
    /// candidate) published from one date to another, signed by the secretary.
    case publicity
    /// The chair's ruling on a place an upheld objection freed (issue 12): which of the
    /// candidates tied at the next place (or ruled not-selected before) fills it, or that it
    /// stays vacant, with the reasons, as at the quota line.
    case ruling
    /// Field groups and assignment (issue 13, Grouping.swift): a group's members, dossiers put
    /// in groups, and which members review each dossier.
    case group
    case dossierGroup = "dossier-group"
    case assignment
    /// Files attached to a dossier (issue 15): each one's name, SHA-256, size and kind, signed
    /// by the secretary (`AttachmentPins`).
    case attachment
    /// The chair's shortlist of a round (issue 13, Shortlists.swift): which dossiers of a group
    /// (or of the committee's one list) go on to the next round, with the ranking it came from.
    case shortlist
    /// Review hosts (issue 14): a host key the roster names (a district or city review host, an
    /// off-site copy) signs git pushes to the store's hub with its own key, never a record.
    case hostAdd = "host-add", hostRemove = "host-remove"

    /// Kinds that change the roster, the programme or the sanctions (the governance chain).
    public var isGovernance: Bool {
        switch self {
        case .genesis, .memberAdd, .memberRotate, .memberRemove, .programAmend, .sanctionAdd, .hostAdd, .hostRemove: return true
        default: return false
        }
    }
}

/// One signed record (design.md §3): canonical JSON with exactly these fields.
///
/// Version 2 (issue 11, issue 16) adds two fields that say what the signer's session had seen:
/// `gov`, the SHA-256 of the latest governance record (64 zeros only in the genesis record), so a
/// record cannot be backdated before the member's own `member-add`; and `seen`, member id → the
/// highest seq of that member's chain (the signer's own chain left out, `prev` covers it; no
/// zeros), so that removing a record some later record saw is detectable.
public struct Record: Hashable, Sendable {
    public static let version = 2
    public static let zeroHash = String(repeating: "0", count: 64)

    public var v: Int
    public var kind: RecordKind
    public var program: String
    public var signer: String
    public var seq: Int
    public var prev: String
    public var created: String
    /// Lowercase hex SHA-256 of the latest governance record the signer had seen.
    public var gov: String
    /// Member id → highest seq of that member's chain the signer had seen (not the signer; > 0).
    public var seen: [String: Int]
    public var body: [String: JSONValue]

    public init(v: Int = Record.version, kind: RecordKind, program: String, signer: String, seq: Int,
                prev: String, created: String, gov: String = Record.zeroHash, seen: [String: Int] = [:], body: [String: JSONValue]) {
        self.v = v; self.kind = kind; self.program = program; self.signer = signer; self.seq = seq
        self.prev = prev; self.created = created; self.gov = gov; self.seen = seen; self.body = body
    }

    public var json: JSONValue {
        .object(["v": .int(Int64(v)), "kind": .string(kind.rawValue), "program": .string(program),
                 "signer": .string(signer), "seq": .int(Int64(seq)), "prev": .string(prev),
                 "created": .string(created), "gov": .string(gov),
                 "seen": .object(seen.mapValues { .int(Int64($0)) }), "body": .object(body)])
    }

    public func canonicalBytes() -> Data { CanonicalJSON.encode(json) }

    static let fields: Set<String> = ["v", "kind", "program", "signer", "seq", "prev", "created", "gov", "seen", "body"]

    /// 64 lowercase hex digits.
    static func isHash(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// The `seen` vector from its JSON object, nil unless every key is a safe member id other
    /// than the signer and every value an integer in 1…Int32.max (the seq range). One rule
    /// for the general parser and the fast path.
    static func seenVector(_ o: [String: JSONValue], signer: String) -> [String: Int]? {
        var out: [String: Int] = [:]
        out.reserveCapacity(o.count)
        for (k, v) in o {
            guard k != signer, FastID.isSafe(k), let n = v.int, n >= 1, n <= Int64(Int32.max) else { return nil }
            out[k] = Int(n)
        }
        return out
    }

    /// Strict: canonical JSON, exactly the record's fields, each of the right type and form.
    public init(bytes: Data) throws {
        let value: JSONValue
        do { value = try CanonicalJSON.decode(bytes) } catch let e as CanonicalJSON.DecodeError {
            throw RecordsError("不是规范 JSON：\(e.message(.zh))", "not canonical JSON: \(e.message(.en))")
        }
        guard case .object(let o) = value else {
            throw RecordsError("记录应为 JSON 对象", "a record must be a JSON object")
        }
        for k in o.keys where !Record.fields.contains(k) {
            throw RecordsError("未知字段 “\(k)”", "unknown field '\(k)'")
        }
        func need(_ k: String) throws -> JSONValue {
            guard let v = o[k] else { throw RecordsError("缺少字段 “\(k)”", "missing field '\(k)'") }
            return v
        }
        func str(_ k: String) throws -> String {
            guard let s = try need(k).string else { throw RecordsError("字段 “\(k)” 应为字符串", "field '\(k)' must be a string") }
            return s
        }
        func int(_ k: String) throws -> Int64 {
            guard let i = try need(k).int else { throw RecordsError("字段 “\(k)” 应为整数", "field '\(k)' must be an integer") }
            return i
        }
        let v = try int("v")
        guard v == Int64(Record.version) else {
            throw RecordsError("不支持的记录版本 \(v)", "unsupported record version \(v)")
        }
        let kindText = try str("kind")
        guard let kind = RecordKind(rawValue: kindText) else {
            throw RecordsError("未知的记录类型 “\(kindText)”", "unknown record kind '\(kindText)'")
        }
        let program = try str("program")
        let signer = try str("signer")
        guard FastID.isSafe(signer) else {
            throw RecordsError("字段 “signer” 不是安全的标识 “\(signer)”", "field 'signer' is not a safe id: '\(signer)'")
        }
        let seq = try int("seq")
        guard seq >= 1, seq <= Int64(Int32.max) else {
            throw RecordsError("字段 “seq” 应为正整数", "field 'seq' must be a positive integer")
        }
        let prev = try str("prev")
        guard Record.isHash(prev) else {
            throw RecordsError("字段 “prev” 应为 64 位小写十六进制", "field 'prev' must be 64 lowercase hex digits")
        }
        let gov = try str("gov")
        guard Record.isHash(gov) else {
            throw RecordsError("字段 “gov” 应为 64 位小写十六进制", "field 'gov' must be 64 lowercase hex digits")
        }
        guard case .object(let seenObject) = try need("seen"), let seen = Record.seenVector(seenObject, signer: signer) else {
            throw RecordsError("字段 “seen” 应为对象：成员编号 → 正整数序号（不含签名者本人）",
                               "field 'seen' must be an object: member id → positive seq (without the signer)")
        }
        let created = try str("created")
        guard Timestamp.isValid(created) else {
            throw RecordsError("字段 “created” 应为 UTC 时间 “YYYY-MM-DDTHH:MM:SSZ”", "field 'created' must be a UTC time 'YYYY-MM-DDTHH:MM:SSZ'")
        }
        guard case .object(let body) = try need("body") else {
            throw RecordsError("字段 “body” 应为对象", "field 'body' must be an object")
        }
        self.init(v: Int(v), kind: kind, program: program, signer: signer, seq: Int(seq), prev: prev, created: created,
                  gov: gov, seen: seen, body: body)
    }

    /// SHA-256 of bytes, lowercase hex.
    public static func sha256Hex(_ bytes: Data) -> String { Hex.encode(SHA256.hash(data: bytes)) }
}

/// A record read from (or just written to) the store.
public struct StoredRecord: Sendable {
    public var record: Record
    /// The exact bytes of the .json file.
    public var bytes: Data
    /// Relative to the store root: records/MEMBER/NNN/NNNNNN.json
    public var path: String
    /// Lowercase hex SHA-256 of `bytes`.
    public var sha256: String
    public init(record: Record, bytes: Data, path: String, sha256: String) {
        self.record = record; self.bytes = bytes; self.path = path; self.sha256 = sha256
    }
}

/// RFC 3339 UTC seconds: "2026-11-21T13:04:05Z".
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var tm = tm()
        gmtime_r(&t, &tm)
        func p(_ v: Int32, _ w: Int) -> String {
            let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(p(tm.tm_year + 1900, 4))-\(p(tm.tm_mon + 1, 2))-\(p(tm.tm_mday, 2))T\(p(tm.tm_hour, 2)):\(p(tm.tm_min, 2)):\(p(tm.tm_sec, 2))Z"
    }

    public static func isValid(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { isValid(bytes: $0) }
    }

    static func isValid(bytes u: UnsafeBufferPointer<UInt8>) -> Bool {
        guard u.count == 20 else { return false }
        // Digits everywhere but the separators at 4, 7, 10, 13, 16 and 19.
        for i in 0..<19 where i != 4 && i != 7 && i != 10 && i != 13 && i != 16 && !(u[i] >= 0x30 && u[i] <= 0x39) { return false }
        guard u[4] == 0x2D, u[7] == 0x2D, u[10] == UInt8(ascii: "T"), u[13] == 0x3A, u[16] == 0x3A, u[19] == UInt8(ascii: "Z") else { return false }
        func n(_ i: Int) -> Int { Int(u[i] - 0x30) * 10 + Int(u[i + 1] - 0x30) }
        return (1...12).contains(n(5)) && (1...31).contains(n(8)) && n(11) <= 23 && n(14) <= 59 && n(17) <= 60
    }
}
