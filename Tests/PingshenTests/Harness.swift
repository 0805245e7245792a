import Foundation
import Testing
import Panel
import Records

/// Runs the real `pingshen` binary and the real OpenSSH tools.
enum Harness {
    /// The built binary: $PINGSHEN_BIN, else beside the test bundle (scripts/test builds it first).
    static var binary: String {
        if let env = ProcessInfo.processInfo.environment["PINGSHEN_BIN"] { return env }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("pingshen").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/pingshen").path
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// `.uncaughtSignal` when the binary was killed by a signal (a Swift trap is SIGILL/SIGTRAP).
        var reason: Process.TerminationReason = .exit
    }

    @discardableResult
    /// `stdinFile`: a file to read standard input from instead of `stdin` (for a program that
    /// may exit before reading its input, where a pipe would kill the writer with SIGPIPE).
    static func run(_ exe: String, _ args: [String], env: [String: String] = [:], stdin: Data? = nil, stdinFile: String? = nil, cwd: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        var environment = ProcessInfo.processInfo.environment
        environment["LANG"] = "C.UTF-8"
        environment.removeValue(forKey: "SSH_AUTH_SOCK")
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
        if let stdinFile, let h = FileHandle(forReadingAtPath: stdinFile) { p.standardInput = h } else { p.standardInput = inPipe }
        p.standardOutput = outPipe
        p.standardError = errPipe
        try p.run()
        // A program may exit before reading all its input (ssh-keygen refusing a signature at
        // once): the write then fails with EPIPE instead of SIGPIPE killing the test process.
        signal(SIGPIPE, SIG_IGN)
        if let stdin { try? inPipe.fileHandleForWriting.write(contentsOf: stdin) }
        try? inPipe.fileHandleForWriting.close()
        // Read both pipes fully before waiting (large outputs would block the child).
        let group = DispatchGroup()
        let outBox = Box(), errBox = Box()
        let (outHandle, errHandle) = (outPipe.fileHandleForReading, errPipe.fileHandleForReading)
        group.enter()
        DispatchQueue.global().async { outBox.data = outHandle.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errBox.data = errHandle.readDataToEndOfFile(); group.leave() }
        group.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: outBox.data, as: UTF8.self), stderr: String(decoding: errBox.data, as: UTF8.self),
                      reason: p.terminationReason)
    }

    /// `pingshen ARGS` in English.
    @discardableResult
    static func pingshen(_ args: [String], env: [String: String] = [:], stdin: Data? = nil) throws -> Result {
        try run(binary, args + ["--lang", "en"], env: env, stdin: stdin)
    }

    static func tempDir(_ tag: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-\(tag)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A key pair made by stock ssh-keygen.
    static func sshKeygen(_ path: String, comment: String = "test") throws {
        let r = try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path])
        #expect(r.status == 0, "ssh-keygen: \(r.stderr)")
    }

    /// `ssh-keygen -Y verify` of one record against the store's allowed_signers.
    static func sshVerify(store: String, member: String, record: String) throws -> Result {
        try run("/usr/bin/ssh-keygen", ["-Y", "verify", "-f", store + "/allowed_signers", "-I", member, "-n", "review-record@pingshen",
                                         "-s", record + ".sig"], stdinFile: record)
    }

    /// A member's record files (NNN/NNNNNN.json), in seq order, as full paths.
    static func records(_ store: String, _ member: String) -> [String] {
        let dir = store + "/records/" + member
        let fm = FileManager.default
        let folders = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).filter { RecordFileName.parseFolder($0) != nil }
        return folders.flatMap { f in
            ((try? fm.contentsOfDirectory(atPath: dir + "/" + f)) ?? []).filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map { f + "/" + $0 }
        }.sorted { ($0.count, $0) < ($1.count, $1) }.map { dir + "/" + $0 }
    }

    /// The store-relative path (records/MEMBER/NNN/NNNNNN.json) of a record file's full path.
    static func recordPath(_ full: String) -> String {
        (full as NSString).pathComponents.suffix(4).joined(separator: "/")
    }

    /// Grows `member`'s chain to `seq` with copies of its last record's body, appended through
    /// the library (what `score` does, without a process per record; not fsync'd).
    static func growChain(_ store: String, member: String, key: String, to seq: Int) throws {
        let layout = StoreLayout(store)
        let rs = RecordStore(layout: layout, durable: false)
        let gov = try Governance.load(layout)
        let signer = try KeyFileSigner(path: key)
        guard let last = records(store, member).last else { throw StoreFailure("no record of \(member) to copy") }
        let r = try Record(bytes: Data(contentsOf: URL(fileURLWithPath: last)))
        for _ in r.seq..<seq {
            _ = try rs.append(kind: r.kind, body: r.body, program: r.program, signerID: member, signer: signer, governance: gov)
        }
    }

    static func json(_ text: String) throws -> [String: Any] {
        let obj = try JSONSerialization.jsonObject(with: Data(text.utf8))
        guard let dict = obj as? [String: Any] else { throw StoreFailure("not a JSON object: \(text.prefix(200))") }
        return dict
    }
}

/// Bytes read on another thread (each box written by one reader, read after the group's wait).
final class Box: @unchecked Sendable {
    var data = Data()
}

struct StoreFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A store with a panel: five members, a chair and a secretary, each with a stock ssh-keygen key.
struct Fixture {
    let dir: String
    let store: String
    let keys: String
    /// The programme template the store was made from.
    let program: String
    static let members = ["m1", "m2", "m3", "m4", "m5"]
    /// The governance records of the set-up, in sec's chain: the genesis and six member-adds.
    static let governanceRecords = 7

    init(program: String = "shanghai-craftsman", quota: Int = 2, year: Int = 2026, dossiers csv: String? = nil) throws {
        self.program = program
        dir = try Harness.tempDir("fx")
        store = dir + "/store"
        keys = dir + "/keys"
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        // The secretary founds the store (the genesis record) and signs every member-add.
        try Harness.sshKeygen(keys + "/sec", comment: "sec")
        var r = try Harness.pingshen(["init", store, "--program", program, "--year", String(year), "--quota", String(quota),
                                      "--secretary", "sec", "--name", "专家sec", "--unit", "市总工会", "--pubkey", keys + "/sec.pub", "--key", keys + "/sec"])
        #expect(r.status == 0, "init: \(r.stderr)")
        let seats: [(String, String, String)] = Fixture.members.map { ($0, "member", "专家单位\($0)") } + [("chair", "chair", "市总工会")]
        for (id, role, unit) in seats {
            try Harness.sshKeygen(keys + "/" + id, comment: id)
            r = try addMember(id, name: "专家" + id, role: role, unit: unit, pubkey: keys + "/" + id + ".pub")
            #expect(r.status == 0, "member add \(id): \(r.stderr)")
        }
        let file = dir + "/dossiers.csv"
        try (csv ?? Fixture.defaultCSV).write(toFile: file, atomically: true, encoding: .utf8)
        r = try Harness.pingshen(["import", store, file, "--as", "sec", "--key", keys + "/sec"])
        #expect(r.status == 0, "import: \(r.stderr)")
    }

    static let defaultCSV = """
    编号,姓名,性别,出生日期,民族,国籍,工会会员,专业领域,职称（技能等级）,联系电话,手机,联系地址,工作单位,推荐单位,推荐方式,从业年限,获奖情况,竞赛获奖,已获荣誉,突出贡献,单位排序,主要事迹
    D001,王师傅,男,1970-03-01,汉族,中国,是,数控加工,高级技师,021-1,139,上海,上海电气,市总工会,单位推荐,25,全国技术能手,,,否,1,"长期扎根一线，攻克“卡脖子”难题。"
    D002,李师傅,女,1975-06-01,汉族,中国,是,焊接,技师,021-2,138,上海,江南造船,市总工会,单位推荐,20,,,,否,1,焊接工艺改进……
    D003,张师傅,男,1980-01-01,汉族,中国,是,电气维修,高级技师,021-3,137,上海,上海地铁,市总工会,社团推荐,18,,,,否,1,带教徒弟二十余名—成效显著
    D004,赵师傅,男,1968-09-09,回族,中国,是,装配钳工,高级技师,021-4,136,上海,上汽集团,市总工会,个人自荐,30,,,,是,1,总结先进操作法
    """

    func key(_ id: String) -> String { keys + "/" + id }

    /// `member add`, signed by the secretary `sec` with its key file.
    @discardableResult
    func addMember(_ id: String, name: String, role: String = "member", unit: String? = nil, pubkey: String) throws -> Harness.Result {
        var args = ["member", "add", store, "--as", "sec", "--key", key("sec"), "--id", id, "--name", name, "--role", role]
        if let unit { args += ["--unit", unit] }
        return try Harness.pingshen(args + ["--pubkey", pubkey])
    }

    /// The store the deletion and file-safety tests start from: m1 signs two sheets, then m2
    /// one (having seen m1 up to seq 2); verify passes on it.
    static func twoMembersScored() throws -> Fixture {
        let fx = try Fixture()
        #expect(try fx.score("m1", "D001", [20, 20, 20, 20]).status == 0)
        #expect(try fx.score("m1", "D002", [10, 10, 10, 10]).status == 0)
        #expect(try fx.score("m2", "D001", [15, 15, 15, 15]).status == 0)
        let r = try Harness.pingshen(["verify", fx.store, "--format", "json"])
        #expect(r.status == 0, "verify: \(r.stdout) \(r.stderr)")
        return fx
    }

    /// The secretary signs the qualification check of every dossier in one record
    /// (`eligibility --all`): only then are dossiers in the running (issue 12). `decide`:
    /// overrides as `ID=eligible:REASON`.
    @discardableResult
    func signCheck(decide: [String] = []) throws -> Harness.Result {
        let r = try Harness.pingshen(["eligibility", store, "--as", "sec", "--key", key("sec"), "--all"] + decide.flatMap { ["--decide", $0] })
        #expect(r.status == 0, "eligibility --all: \(r.stderr)")
        return r
    }

    /// The decision up to an approved list, as the tests of promotion need it (issue 12): m1–m3
    /// score each dossier of `points` with that many points on every criterion, the chair
    /// finalizes (`finalizedList`), and the approving body approves (`approveList`). The one
    /// place that follows what `finalize` and `approve` ask for as they change.
    func approvedList(_ points: [String: Int]) throws {
        try finalizedList(points)
        try approveList()
    }

    func finalizedList(_ points: [String: Int]) throws {
        try signCheck()
        for m in ["m1", "m2", "m3"] {
            for (d, p) in points.sorted(by: { $0.key < $1.key }) {
                let r = try score(m, d, [p, p, p, p])
                #expect(r.status == 0, "score \(m) \(d): \(r.stderr)")
            }
        }
        let r = try finalize()
        #expect(r.status == 0, "finalize: \(r.stderr)")
    }

    // The notice calendar of the tests (issue 12): the chair finalizes 30 days before the
    // anchor (the clock PINGSHEN_NOW, which dates a record's `created`), the notice runs from
    // the next day for ten days, and the approving body signs at the real now, after it has
    // ended. The anchor is a fixed day, not today: notices count working days, public
    // holidays included, and a year without a holiday table is refused (WorkCalendar), so a
    // calendar that moved with the clock would cross 国庆 or 春节 on some days and leave the
    // built-in table in 2027. 2026-10-31 … 2026-12-11 hold no public holiday. Every date lies
    // in the past, so verify's window (no `created` ahead of the real clock) holds.
    static let anchor = "2026-11-30"

    /// The date `offset` days from the anchor (a Monday), YYYY-MM-DD.
    static func day(_ offset: Int) -> String {
        NoticeDate(anchor)!.adding(days: offset).description
    }
    static let finalizeDay = -30
    static let noticeFrom = -29
    static let noticeTo = -20

    /// `finalize` as the chair, dated `Fixture.finalizeDay` (30 days ago).
    @discardableResult
    func finalize(_ extra: [String] = [], as who: String = "chair") throws -> Harness.Result {
        try Harness.pingshen(["finalize", store, "--as", who, "--key", key(who)] + extra, env: ["PINGSHEN_NOW": Fixture.day(Fixture.finalizeDay)])
    }

    /// The secretary signs the public notice (`publicity`) of the finalized list, by default
    /// from the day after the finalization for ten days (all in the past).
    @discardableResult
    func publicise(from: String = Fixture.day(Fixture.noticeFrom), to: String = Fixture.day(Fixture.noticeTo), supplement: String? = nil,
                   now: String? = nil) throws -> Harness.Result {
        var args = ["publicity", store, "--as", "sec", "--key", key("sec"), "--from", from, "--to", to]
        if let supplement { args += ["--supplement", supplement] }
        return try Harness.pingshen(args, env: now.map { ["PINGSHEN_NOW": $0] } ?? [:])
    }

    /// The approving bodies of the seed templates (program.yaml approval.by).
    static let approvingBodies: [String: [String]] = [
        "shanghai-craftsman": ["sftu"], "qingpu-craftsman": ["qp-ftu", "qp-hrss"], "hangzhou-craftsman": ["hz-leading-group"],
        "jingan-chief-technician": ["ja-hrss"], "jingan-master-studio": ["ja-hrss"], "jingan-term-review": ["ja-hrss"],
        "shanghai-chief-technician": ["shrss"],
    ]

    /// The approver of `body` (member id `appr-BODY`), added by the secretary with a new key.
    @discardableResult
    func addApprover(_ id: String, unit: String = "审定机构") throws -> Harness.Result {
        if !FileManager.default.fileExists(atPath: key(id)) { try Harness.sshKeygen(key(id), comment: id) }
        let r = try addMember(id, name: "审定" + id, role: "approver", unit: unit, pubkey: key(id) + ".pub")
        return r
    }

    /// `approve` as `who`, for `body`.
    @discardableResult
    func approve(as who: String, body: String? = nil, now: String? = nil) throws -> Harness.Result {
        try Harness.pingshen(["approve", store, "--as", who, "--key", key(who)] + (body.map { ["--body", $0] } ?? []),
                             env: now.map { ["PINGSHEN_NOW": $0] } ?? [:])
    }

    /// The list as the seeds run it after the panel (issue 12): the notice (unless
    /// `publicise` is false: already signed), then one approval per approving body, each by an
    /// approver of its own (`appr-BODY`), after the notice period.
    func approveList(publicise notice: Bool = true) throws {
        if notice {
            let p = try publicise()
            #expect(p.status == 0, "publicity: \(p.stderr)")
        }
        let bodies: [String?] = Fixture.approvingBodies[program] ?? [nil]
        for body in bodies {
            let who = "appr-" + (body ?? "approver")
            if !FileManager.default.fileExists(atPath: store + "/records/" + who), !FileManager.default.fileExists(atPath: key(who)) {
                let a = try addApprover(who)
                #expect(a.status == 0, "member add \(who): \(a.stderr)")
            }
            let r = try approve(as: who, body: body)
            #expect(r.status == 0, "approve \(body): \(r.stderr)")
        }
    }

    /// Signs a sheet with the member's key file; all four criteria get `each` unless given.
    @discardableResult
    func score(_ member: String, _ dossier: String, _ points: [Int], vote: String? = nil, extra: [String] = []) throws -> Harness.Result {
        let ids = ["craft", "skill", "leadership", "contribution"]
        var args = ["score", store, "--as", member, "--dossier", dossier, "--key", key(member), "--score"]
        args += zip(ids, points).map { "\($0)=\($1)" }
        if let vote { args += ["--vote", vote] }
        return try Harness.pingshen(args + extra)
    }
}
