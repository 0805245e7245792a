import Foundation
import Crypto
import Panel

/// The bodies of the governance records (issue 11): what each holds, and reading it back.
/// Every governance record but the genesis names the previous governance record's hash
/// (`gov_prev`), so that the governance records of several secretaries' chains form one
/// chain; see `Governance` for how it is replayed.
///
///   genesis        program_yaml (the whole program.yaml as written), program_sha256 (of those
///                  bytes), instance, year (optional), quota, member (the founding secretary)
///   member-add     gov_prev, member {id, name, role, unit?, key}
///   member-rotate  gov_prev, id, key (the new OpenSSH public key line), from_seq (the first
///                  seq of that member's chain signed with the new key)
///   member-remove  gov_prev, id, reason, last_seq (the member's last record that counts; later
///                  ones are problems, and so are earlier seqs made after the removal), sheets
///                  (optional: keep, the default — earlier sheets keep counting — or discard:
///                  they stay valid records but are not counted). last_seq must not be below
///                  what the removal's `seen` names of the member (retroactive).
///   (member-rotate: from_seq must be after what the rotation's `seen` names of the member,
///   or after the rotation record itself when a secretary rotates their own key.)
///   program-amend  gov_prev, program_yaml, program_sha256, reason
///   sanction-add   gov_prev, sanction {kind, name, year, note?}
///   host-add       gov_prev, host {id, name?, key}, reason: a review host (a district or
///                  city host, an off-site copy) whose key signs pushes to the store's hub
///                  (issue 14). `key` is exactly `ssh-ed25519 BASE64`, the key's own encoding
///                  and no comment, so that it can go into an authorized_keys line as it is.
///                  The id is an `Identifier` never used by a member or another host; the key
///                  was never any member's or host's. A host signs no record.
///   host-remove    gov_prev, id, reason: the host's key no longer signs pushes.
public enum GovernanceBody {
    /// nil when the body has its kind's shape, else what is wrong.
    public static func problem(kind: RecordKind, body: [String: JSONValue]) -> RecordsError? {
        func str(_ k: String, in o: [String: JSONValue]? = nil, required: Bool = true) -> RecordsError? {
            let o = o ?? body
            guard let v = o[k] else {
                return required ? RecordsError("\(kind.rawValue) 记录缺少 “\(k)”", "a \(kind.rawValue) record needs '\(k)'") : nil
            }
            guard let s = v.string else { return RecordsError("“\(k)” 应为字符串", "'\(k)' must be a string") }
            return required && s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                ? RecordsError("“\(k)” 不能为空", "'\(k)' must not be empty") : nil
        }
        func int(_ k: String, min: Int64, in o: [String: JSONValue]? = nil, required: Bool = true) -> RecordsError? {
            let o = o ?? body
            guard let v = o[k] else {
                return required ? RecordsError("\(kind.rawValue) 记录缺少 “\(k)”", "a \(kind.rawValue) record needs '\(k)'") : nil
            }
            guard let n = v.int, n >= min, n <= Int64(Int32.max) else {
                return RecordsError("“\(k)” 应为 \(min)…\(Int32.max) 的整数", "'\(k)' must be an integer in \(min)…\(Int32.max)")
            }
            return nil
        }
        func govPrev() -> RecordsError? {
            guard let s = body["gov_prev"]?.string, Record.isHash(s) else {
                return RecordsError("\(kind.rawValue) 记录需要 “gov_prev”（上一条治理记录的 SHA-256）",
                                    "a \(kind.rawValue) record needs 'gov_prev' (the previous governance record's SHA-256)")
            }
            return nil
        }
        func id(_ k: String, in o: [String: JSONValue]) -> RecordsError? {
            if let e = str(k, in: o) { return e }
            let s = o[k]!.string!
            return FastID.isSafe(s) ? nil : RecordsError("“\(k)” 不是有效的编号 “\(s)”", "'\(k)' is not a valid id: '\(s)'")
        }
        func key(_ k: String, in o: [String: JSONValue]) -> RecordsError? {
            if let e = str(k, in: o) { return e }
            do { _ = try SSHPublicKey(line: o[k]!.string!) } catch let e as RecordsError { return e } catch {
                return RecordsError("“\(k)” 不是 OpenSSH 公钥", "'\(k)' is not an OpenSSH public key")
            }
            return nil
        }
        func member() -> RecordsError? {
            guard let m = body["member"]?.object else {
                return RecordsError("\(kind.rawValue) 记录需要 “member”（id、name、role、key）", "a \(kind.rawValue) record needs 'member' (id, name, role, key)")
            }
            if let e = id("id", in: m) ?? str("name", in: m) ?? str("role", in: m) ?? str("unit", in: m, required: false) ?? key("key", in: m) { return e }
            guard let r = m["role"]?.string, Role(rawValue: r) != nil else {
                return RecordsError("“role” 只能是 member、chair、secretary 或 approver", "'role' is member, chair, secretary or approver")
            }
            return nil
        }
        func program() -> RecordsError? {
            if let e = str("program_yaml") { return e }
            guard let sha = body["program_sha256"]?.string, sha == Record.sha256Hex(Data(body["program_yaml"]!.string!.utf8)) else {
                return RecordsError("“program_sha256” 应为 program_yaml 的 SHA-256", "'program_sha256' must be the SHA-256 of program_yaml")
            }
            return nil
        }
        switch kind {
        case .genesis:
            if let e = program() ?? str("instance") ?? int("quota", min: 1) ?? int("year", min: 1, required: false) ?? member() { return e }
            guard body["member"]?.object?["role"]?.string == Role.secretary.rawValue else {
                return RecordsError("创始记录的成员须为 secretary", "the genesis record's member must be a secretary")
            }
            return nil
        case .memberAdd:
            return govPrev() ?? member()
        case .memberRotate:
            return govPrev() ?? id("id", in: body) ?? key("key", in: body) ?? int("from_seq", min: 1)
        case .memberRemove:
            if let e = govPrev() ?? id("id", in: body) ?? str("reason") ?? int("last_seq", min: 0) ?? str("sheets", required: false) { return e }
            if let s = body["sheets"]?.string, s != "keep", s != "discard" {
                return RecordsError("“sheets” 只能是 keep 或 discard", "'sheets' is keep or discard")
            }
            return nil
        case .programAmend:
            return govPrev() ?? program() ?? str("reason")
        case .hostAdd:
            if let e = govPrev() ?? str("reason") { return e }
            guard let h = body["host"]?.object else {
                return RecordsError("host-add 记录需要 “host”（id、key，可选 name）", "a host-add record needs 'host' (id, key, optional name)")
            }
            if let e = id("id", in: h) ?? str("name", in: h, required: false) ?? key("key", in: h) { return e }
            if let n = h["name"]?.string, n.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                return RecordsError("主机名称含控制字符", "the host's name holds a control character")
            }
            guard let line = h["key"]?.string, let k = try? SSHPublicKey(line: line), line == k.keyText else {
                return RecordsError("主机的 “key” 应恰为 “ssh-ed25519 AAAA…”（密钥本身的编码，无注释、无其他内容）",
                                    "the host's 'key' must be exactly 'ssh-ed25519 AAAA…' (the key's own encoding, no comment, nothing else)")
            }
            return nil
        case .hostRemove:
            return govPrev() ?? id("id", in: body) ?? str("reason")
        case .sanctionAdd:
            if let e = govPrev() { return e }
            guard let s = body["sanction"]?.object else {
                return RecordsError("sanction-add 记录需要 “sanction”（kind、name、year）", "a sanction-add record needs 'sanction' (kind, name, year)")
            }
            if let e = str("kind", in: s) ?? str("name", in: s) ?? int("year", min: 1, in: s) ?? str("note", in: s, required: false) { return e }
            guard s["kind"]?.string == "unit" || s["kind"]?.string == "person" else {
                return RecordsError("“kind” 只能是 unit 或 person", "'kind' is unit or person")
            }
            return nil
        default:
            return nil
        }
    }

    /// A roster entry as a genesis or member-add body holds it.
    public static func memberJSON(_ m: Member) -> JSONValue {
        var o: [String: JSONValue] = ["id": .string(m.id), "name": .string(m.name), "role": .string(m.role.rawValue), "key": .string(m.key)]
        if let u = m.unit { o["unit"] = .string(u) }
        return .object(o)
    }

    /// The roster entry of a body already checked by `problem`.
    public static func member(_ v: JSONValue?) -> Member? {
        guard let o = v?.object, let id = o["id"]?.string, let name = o["name"]?.string,
              let r = o["role"]?.string, let role = Role(rawValue: r), let key = o["key"]?.string else { return nil }
        return Member(id: id, name: name, role: role, unit: o["unit"]?.string, key: key)
    }

    /// A review host as a host-add body holds it.
    public static func hostJSON(id: String, name: String?, key: String) -> JSONValue {
        var o: [String: JSONValue] = ["id": .string(id), "key": .string(key)]
        if let name { o["name"] = .string(name) }
        return .object(o)
    }

    public static func sanctionJSON(_ s: Sanction) -> JSONValue {
        var o: [String: JSONValue] = ["kind": .string(s.kind), "name": .string(s.name), "year": .int(Int64(s.year))]
        if let n = s.note { o["note"] = .string(n) }
        return .object(o)
    }

    public static func sanction(_ v: JSONValue?) -> Sanction? {
        guard let o = v?.object, let k = o["kind"]?.string, let n = o["name"]?.string, let y = o["year"]?.int,
              let year = Int(exactly: y) else { return nil }
        return Sanction(kind: k, name: n, year: year, note: o["note"]?.string)
    }
}
