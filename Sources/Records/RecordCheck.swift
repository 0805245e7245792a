import Foundation
import Crypto
import Dispatch
#if os(Linux)
import Synchronization
#endif
import Panel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Checking one record on its own, and reading record files: the per-record hot path of verify.
extension Verifier {
    /// What a record is checked against: the programme instance and the signed governance
    /// history (who was a member from which governance record on, with which key from which
    /// seq, in which role, until which seq) — never the roster.yaml view.
    public struct Context: Sendable {
        public var instance: String
        public var governance: Governance.State
        public var members: [String: Governance.MemberFacts]
        /// Member by any key they ever had (to name who really signed a wrong-key record).
        public var byKey: [Data: String]
        public var language: Language
        /// The programme's rules for record bodies (`RecordKinds`); nil: only shapes are checked.
        public var rules: RuleBook?
        /// `created` must lie within (RFC 3339 UTC strings of one width order as times do);
        /// nil: not checked. See `Verifier.createdWindow`.
        public var createdWindow: (from: String?, to: String)?
        /// Every key of the history parsed for swift-crypto once, looked up by the signature's key
        /// bytes (so a key outside the history only costs a parse).
        var keys: PreparedKeys

        /// Whether records' `gov` must name a record of the history's governance chain (false
        /// only for a context made from a bare roster).
        var checksGovernanceHead = true

        /// A context from a bare roster, without a history (tests and tools): every member there
        /// from the start with their one key; records' `gov` is not looked up.
        public init(instance: String, roster: Roster, language: Language = .en, rules: RuleBook? = nil) {
            var st = Governance.State()
            for m in roster.members {
                guard let k = try? SSHPublicKey(line: m.key) else { continue }
                st.members[m.id] = Governance.MemberFacts(entry: m, addedAt: 0, keys: [(k.raw, k.line, 1)])
                st.order.append(m.id)
            }
            self.init(instance: instance, governance: st, language: language, rules: rules)
            checksGovernanceHead = false
        }

        public init(instance: String, governance: Governance.State, language: Language = .en, rules: RuleBook? = nil) {
            self.instance = instance
            self.governance = governance
            self.language = language
            self.rules = rules
            self.members = governance.members
            var k: [Data: String] = [:]
            for (id, f) in governance.members { for key in f.keys { k[key.raw] = id } }
            self.byKey = k
            self.keys = PreparedKeys(k.keys)
        }
    }

    /// What one record check leaves behind: small, no record bytes.
    public struct Checked: Sendable {
        public var path: String
        public var fileSeq: Int
        public var sha: [UInt8]?
        /// nil when the record could not be read or parsed.
        public var record: Record?
        /// Signature, signer, key, role and programme all hold.
        public var valid: Bool
        public var problems: [Problem]
        /// Only kept by `verifiedRecords`.
        var bytes: Data? = nil
    }

    /// Checks one record on its own: pure (no file system), safe to run on any thread.
    public static func check(json: Data?, signature: Data?, member: String, fileSeq: Int, context: Context) -> Checked {
        check(json: json, signature: signature, member: member, fileSeq: fileSeq, context: context, cache: nil)
    }

    static func check(json: Data?, signature: Data?, member: String, fileSeq: Int, context: Context, cache: VerifyCache?) -> Checked {
        let lang = context.language
        let path = FastPath.record(member: member, seq: fileSeq)
        var out = Checked(path: path, fileSeq: fileSeq, sha: nil, record: nil, valid: false, problems: [])
        // Every problem of a record is named by the record's path (.json), signature ones too,
        // so that callers can leave out exactly the records with a problem.
        func problem(_ kind: String, _ zh: String, _ en: String, sig: Bool = false) {
            let (z, e) = sig ? ("（签名文件 .sig）" + zh, "(signature file .sig) " + en) : (zh, en)
            out.problems.append(Problem(path: path, kind: kind, message: lang.pick(z, e)))
        }
        guard let json else {
            problem("malformed", "无法读取记录文件", "cannot read the record file")
            return out
        }
        let digest = SHA256.hash(data: json)
        out.sha = digest.withUnsafeBytes { Array($0) }
        let record: Record
        if let r = Record.fast(json, program: context.instance) { record = r } else {
            do { record = try Record(bytes: json) } catch let e as RecordsError {
                problem("malformed", e.zh, e.en)
                return out
            } catch {
                problem("malformed", "\(error)", "\(error)")
                return out
            }
        }
        out.record = record
        var ok = true
        guard let signature else {
            problem("missing-signature", "签名文件无法读取", "the signature file cannot be read", sig: true)
            return out
        }
        // The signing key: from the fast path when the signature has the usual form and holds,
        // else from the general parse and check, which also words what is wrong.
        let fastKey = FastSig.validKey(signature: signature, message: json, jsonDigest: digest, keys: context.keys, cache: cache)
        var slowKey: SSHPublicKey? = nil
        if fastKey == nil {
            do {
                let parsed = try SSHSig.parse(armoredBytes: Array(signature))
                if let cache {
                    let e = cache.entry(jsonDigest: digest, signature: signature)
                    if cache.contains(e) {
                        slowKey = parsed.publicKey
                        cache.note(e, new: false)
                    } else {
                        slowKey = try SSHSig.verify(parsed, message: json)
                        cache.note(e, new: true)
                    }
                } else {
                    slowKey = try SSHSig.verify(parsed, message: json)
                }
            } catch let e as RecordsError {
                problem("bad-signature", "签名无效：\(e.zh)", "invalid signature: \(e.en)", sig: true)
                return out
            } catch {
                problem("bad-signature", "签名无效：\(error)", "invalid signature: \(error)", sig: true)
                return out
            }
        }
        // Only wanted for a problem's message.
        var sigKey: SSHPublicKey { slowKey ?? SSHPublicKey(raw: fastKey!.data) }
        if record.signer != member {
            ok = false
            problem("signer-mismatch", "记录的签名者是 “\(record.signer)”，却在 “\(member)” 的目录中",
                    "the record's signer is '\(record.signer)' but it is in the directory of '\(member)'")
        }
        let gov = context.governance
        if record.kind.isGovernance {
            // Checked (signer, key at seq, role, link) when the history was replayed.
            if gov.position[Hex.encode(digest)] == nil {
                ok = false
                if !gov.refused.contains(path) {
                    problem("roster-unsigned", "治理记录（\(record.kind.rawValue)）不在签名的治理链上：签名者此时不是名单上的秘书，或未接在治理链上",
                            "a governance record (\(record.kind.rawValue)) outside the signed governance chain: its signer is not a secretary on the roster at that point, or it is not linked to the chain")
                }
            }
        } else if let m = context.members[record.signer] {
            let want = m.key(at: record.seq)
            let sameKey = want.map { w in fastKey.map { KeyBytes(w) == $0 } ?? (w == slowKey!.raw) } ?? false
            if !sameKey {
                ok = false
                if m.keys.contains(where: { $0.raw == sigKey.raw }) {
                    problem("key-not-valid-at-seq", "由 “\(record.signer)” 的密钥 \(sigKey.fingerprint) 签名，但该密钥在序号 \(record.seq) 时无效（密钥已更换）",
                            "signed by '\(record.signer)''s key \(sigKey.fingerprint), which was not their key at seq \(record.seq) (the key was rotated)", sig: true)
                } else {
                    let who = context.byKey[sigKey.raw].map { lang.pick("（这是 “\($0)” 的密钥）", " (that is the key of '\($0)')") } ?? lang.pick("（不在签名的名单历史中）", " (not in the signed roster history)")
                    problem("wrong-key", "由密钥 \(sigKey.fingerprint) 签名\(who)，不是名单上 “\(record.signer)” 的密钥",
                            "signed by key \(sigKey.fingerprint)\(who), not the roster's key for '\(record.signer)'", sig: true)
                }
            }
            if !KindPolicy.allowed(record.kind, role: m.entry.role) {
                ok = false
                let roles = KindPolicy.roles(for: record.kind).map(\.rawValue).joined(separator: "/")
                problem("role", "“\(record.signer)” 的角色是 \(m.entry.role.rawValue)，不能签署 \(record.kind.rawValue) 记录（需要 \(roles)）",
                        "'\(record.signer)' has role \(m.entry.role.rawValue) and may not sign a \(record.kind.rawValue) record (needs \(roles))")
            }
            if !context.checksGovernanceHead {
            } else if let p = gov.position[record.gov] {
                if p < m.addedAt {
                    ok = false
                    problem("backdated", "记录所依据的治理记录早于 “\(record.signer)” 被加入名单（倒签）",
                            "the record names a governance head from before '\(record.signer)' was added to the roster (backdated)")
                }
                // The key slot of this seq against when it was made (its gov): a record made
                // after a rotation in the old key's seqs, or in the new key's seqs before it.
                if let i = m.keyIndex(at: record.seq) {
                    if i + 1 < m.keys.count, p >= m.keyPosition(i + 1) {
                        ok = false
                        problem("gov-after-record", "序号 \(record.seq) 属于已更换的旧密钥，但记录是在更换密钥之后作出的（其 gov 在更换记录处或之后）",
                                "seq \(record.seq) belongs to the rotated-out key, but the record was made after the rotation (its gov is at or after the rotation record)")
                    } else if i > 0, p < m.keyPosition(i) {
                        ok = false
                        problem("rotation-retroactive", "由新密钥签名，但记录所依据的治理记录早于这次更换密钥（回溯签名）",
                                "signed with the new key, but the record names a governance head from before the key was rotated (signed retroactively)")
                    }
                }
                if let removed = m.removedAt, p >= removed {
                    ok = false
                    problem("member-removed", "记录是在 “\(record.signer)” 被移除之后作出的（其 gov 在移除记录处或之后）",
                            "the record was made after '\(record.signer)' was removed (its gov is at or after the removal record)")
                }
            } else {
                ok = false
                problem("gov-unknown", "记录的 gov 不是签名治理链上的记录", "the record's gov names no record of the signed governance chain")
            }
            if let last = m.lastSeq, record.seq > last, gov.position[record.gov].map({ $0 < (m.removedAt ?? Int.max) }) ?? true {
                ok = false
                problem("member-removed", "“\(record.signer)” 已被移除（最后计入的序号 \(last)），此记录不计",
                        "'\(record.signer)' was removed (last counted seq \(last)); this record does not count")
            }
        } else {
            ok = false
            problem("unknown-signer", "签名者 “\(record.signer)” 不在签名的名单历史中（密钥 \(sigKey.fingerprint)）",
                    "signer '\(record.signer)' is not in the signed roster history (key \(sigKey.fingerprint))")
        }
        if let e = RecordBody.problem(kind: record.kind, body: record.body) {
            ok = false
            problem("malformed", "记录内容不符合格式：\(e.zh)", "the record's body is malformed: \(e.en)")
        }
        // Signed and well formed, but against the programme (an unknown criterion, points over
        // the maximum, a dossier that does not exist): reported, and never counted.
        else if let rules = context.rules, let e = RecordKinds.ruleProblem(kind: record.kind, body: record.body, rules: rules) {
            ok = false
            problem("rule-violation", "记录违反评审规则：\(e.zh)", "the record breaks the programme's rules: \(e.en)")
        }
        // A signer-chosen time far outside the programme's years orders nothing (chains do), but
        // is reported: it is either a broken clock or an attempt to look later than others.
        if let w = context.createdWindow, record.created > w.to || w.from.map({ record.created < $0 }) == true {
            problem("created-window", "记录时间 \(record.created) 不在合理范围（\(w.from ?? "…") 至 \(w.to)）之内",
                    "the record's time \(record.created) is outside the sane window (\(w.from ?? "…") to \(w.to))")
        }
        if record.program != context.instance {
            ok = false
            problem("foreign-program", "记录属于评审 “\(record.program)”，本存储是 “\(context.instance)”（从别的存储复制而来？）",
                    "the record belongs to programme instance '\(record.program)', this store is '\(context.instance)' (copied from another store?)")
        }
        out.valid = ok
        return out
    }

    /// Reads a whole file with plain system calls (cheaper than FileManager for many small files).
    /// Regular files only (a FIFO or a device is never read); no size limit (derived files).
    static func readFile(_ path: String) -> Data? {
        if case .data(let d) = readRegular(at: AT_FDCWD, path, limit: Int(Int32.max), noFollow: false) { return d }
        return nil
    }

    /// Reads `name` relative to the directory `dirFD` (one path lookup instead of four).
    static func readFile(at dirFD: Int32, _ name: String) -> Data? {
        if case .data(let d) = readRegular(at: dirFD, name, limit: Int(Int32.max), noFollow: false) { return d }
        return nil
    }

    /// What reading a file gave.
    enum FileRead {
        case data(Data)
        /// It could not be opened or read (missing, no permission, an I/O error).
        case unreadable
        /// Not a regular file: what it is ("FIFO", "symbolic link", …), never read.
        case notRegular(FileType)
        /// Larger than the limit (its size in bytes), never read.
        case tooLarge(Int64)
    }

    enum FileType: String, Sendable {
        case fifo, symlink, directory, characterDevice, blockDevice, socket, other
        init(mode: mode_t) {
            switch mode & S_IFMT {
            case S_IFIFO: self = .fifo
            case S_IFLNK: self = .symlink
            case S_IFDIR: self = .directory
            case S_IFCHR: self = .characterDevice
            case S_IFBLK: self = .blockDevice
            case S_IFSOCK: self = .socket
            default: self = .other
            }
        }
        /// From readdir's d_type (dirent.h DT_*); nil for DT_REG and DT_UNKNOWN.
        init?(direntType t: UInt8) {
            switch t {
            case 1: self = .fifo
            case 2: self = .characterDevice
            case 4: self = .directory
            case 6: self = .blockDevice
            case 10: self = .symlink
            case 12: self = .socket
            case 8, 0: return nil
            default: self = .other
            }
        }
        func name(_ lang: Language) -> String {
            switch self {
            case .fifo: return lang.pick("命名管道（FIFO）", "a FIFO")
            case .symlink: return lang.pick("符号链接", "a symbolic link")
            case .directory: return lang.pick("目录", "a directory")
            case .characterDevice: return lang.pick("字符设备", "a character device")
            case .blockDevice: return lang.pick("块设备", "a block device")
            case .socket: return lang.pick("套接字", "a socket")
            case .other: return lang.pick("非普通文件", "not a regular file")
            }
        }
    }

    /// Reads a regular file of at most `limit` bytes. O_NONBLOCK: opening a FIFO does not wait
    /// for a writer (open(2)); it changes nothing for a regular file, whose reads never wait.
    /// O_NOFOLLOW (with `noFollow`): a symbolic link fails with ELOOP instead of being followed.
    /// fstat then refuses anything but a regular file, and a file over `limit` (a sparse 3 GB
    /// "record" costs one fstat, not 3 GB of memory), before a byte is read.
    static func readRegular(at dirFD: Int32, _ name: String, limit: Int, noFollow: Bool) -> FileRead {
        let fd = openForReading(at: dirFD, name, flags: O_NONBLOCK | (noFollow ? O_NOFOLLOW : 0))
        guard fd >= 0 else { return errno == ELOOP && noFollow ? .notRegular(.symlink) : .unreadable }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .unreadable }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return .notRegular(FileType(mode: st.st_mode)) }
        guard Int64(st.st_size) <= Int64(limit) else { return .tooLarge(Int64(st.st_size)) }
        // One byte more than the size: a read that ends short of it is the end of the file (one
        // read for a record); a file that grew since fstat is read up to the limit, not beyond.
        let cap = Int(st.st_size) + 1
        var data = Data(count: cap)
        var n = 0
        let ok = data.withUnsafeMutableBytes { buf -> Bool in
            while n < cap {
                let want = cap - n
                let r = Glibc.read(fd, buf.baseAddress! + n, want)
                if r < 0 { if errno == EINTR { continue }; return false }
                if r == 0 { break }
                n += r
                if r < want { break }
            }
            return true
        }
        guard ok else { return .unreadable }
        if n > limit { return .tooLarge(Int64(n)) }
        if n == cap {
            // It grew: read on, within the limit.
            var more = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                let r = Glibc.read(fd, &more, more.count)
                if r < 0 { if errno == EINTR { continue }; return .unreadable }
                if r == 0 { break }
                guard n + r <= limit else { return .tooLarge(Int64(n + r)) }
                data.append(contentsOf: more[0..<r])
                n += r
            }
        }
        data.count = n
        return .data(data)
    }

    /// O_NOATIME first (no access-time write per file; allowed to the files' owner), without it
    /// once the kernel refuses it (EPERM: someone else's files), for the rest of the run.
    private static func openForReading(at dirFD: Int32, _ name: String, flags: Int32) -> Int32 {
        #if os(Linux)
        if !noAtimeRefused.load(ordering: .relaxed) {
            while true {
                let fd = openat(dirFD, name, O_RDONLY | O_CLOEXEC | flags | noAtimeFlag)
                if fd >= 0 { return fd }
                if errno == EINTR { continue }
                guard errno == EPERM else { return fd }
                noAtimeRefused.store(true, ordering: .relaxed)
                break
            }
        }
        #endif
        return openat(dirFD, name, O_RDONLY | O_CLOEXEC | flags)
    }

    #if os(Linux)
    /// O_NOATIME (asm-generic/fcntl.h; Glibc's module leaves it out).
    private static let noAtimeFlag: Int32 = 0o1000000
    private static let noAtimeRefused = Atomic<Bool>(false)
    #endif
}
