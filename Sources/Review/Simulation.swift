import Foundation
import Panel
import Records
import Scoring

/// A large, realistic signed store for benchmarks (`pingshen simulate`): every member scores
/// every dossier, with some recusals and superseded sheets. Files are written without an fsync
/// each (one sync at the end): for simulation only; real appends go through RecordStore.
public enum Simulation {
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈").map(String.init)
    static let given = ["建国", "秀英", "伟", "静", "洋", "敏", "强", "磊", "军", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "志华", "海燕", "文斌", "晓东", "国庆", "卫东", "丽华", "振宇"]
    static let employers = ["上海电气集团", "上汽集团", "江南造船（集团）有限责任公司", "上海地铁维护保障有限公司", "宝钢股份", "中国商飞上海飞机制造有限公司",
                            "上海隧道工程有限公司", "上海外高桥造船有限公司", "上海城建集团", "上海核工程研究设计院", "上海烟草集团", "东方国际集团"]
    static let fields = ["数控加工", "焊接", "装配钳工", "电气维修", "精密测量", "船舶管系", "轨道交通信号", "模具制造", "汽车装调", "航空铆接"]
    static let titles = ["高级技师", "技师", "高级工", "高级工程师"]

    public struct Summary: Sendable { public var dossiers: Int; public var members: Int; public var records: Int; public var seconds: Double }

    public static func run(root: String, dossiers n: Int, members m: Int, seed: UInt64 = 1) throws -> Summary {
        let start = Date()
        guard n > 0, m > 0 else { throw ActionError(zh: "申报数和成员数必须大于 0", en: "--dossiers and --members must be positive") }
        // The founding secretary signs the genesis and every member-add (issue 11).
        let secretaryKey = try StoreSetup.createWithNewKey(root: root, programID: "shanghai-craftsman", year: 2026, quota: min(100, max(1, n / 10)),
                                                           founder: Member(id: "s01", name: "秘书", role: .secretary, unit: "市总工会", key: ""))
        let layout = StoreLayout(root)
        var rng = SplitMix64(seed: seed)
        let width = max(5, String(n).count)
        var ds: [Dossier] = []
        ds.reserveCapacity(n)
        for i in 1...n {
            let name = surnames[Int(rng.next() % UInt64(surnames.count))] + given[Int(rng.next() % UInt64(given.count))]
            let id = "D" + String(repeating: "0", count: max(0, width - String(i).count)) + String(i)
            let year = 1966 + Int(rng.next() % 30)
            ds.append(Dossier(id: id, fields: [
                "name": name, "gender": rng.next() % 4 == 0 ? "女" : "男", "birth_date": "\(year)-0\(1 + Int(rng.next() % 9))-1\(Int(rng.next() % 9))",
                "ethnicity": "汉族", "nationality": "中国", "union_member": "是",
                "field": fields[Int(rng.next() % UInt64(fields.count))], "title": titles[Int(rng.next() % UInt64(titles.count))],
                "employer": employers[Int(rng.next() % UInt64(employers.count))], "recommender": "上海市总工会",
                "channel": "单位推荐", "years_in_trade": String(10 + Int(rng.next() % 25)),
                "deeds": "长期扎根一线，主持完成多项技术攻关，总结先进操作法并在全行业推广；带教徒弟二十余名，其中多人获市级技能大赛奖项。",
            ]))
        }
        try FileManager.default.createDirectory(atPath: layout.dossiersDir, withIntermediateDirectories: true)
        var intake: [(id: String, file: DossierFile)] = []
        intake.reserveCapacity(ds.count)
        for d in ds {
            let bytes = Data(try DossierImport.yaml(d).utf8)
            try DurableFile.write(bytes, to: layout.dossierFile(d.id), replace: false, sync: false)
            intake.append((d.id, DossierFile(bytes: bytes)))
        }
        let keysDir = root + "/.keys"
        // The secretary signs the intake record that makes the dossiers part of the store (what
        // `pingshen import` signs last; written here after the files, as a benchmark store may).
        let instanceID = try RecordStore.programInstance(layout)
        _ = try RecordStore(layout: layout, durable: false).append(kind: .intake, body: DossierPins.intakeBody(intake, source: "simulate"),
                                                               program: instanceID, signerID: "s01", signer: try KeyFileSigner(path: secretaryKey))
        var ids: [String] = []
        for j in 1...m {
            let id = j == 1 ? "c01" : "m" + String(format: "%03d", j)
            try StoreSetup.addMemberWithNewKey(Member(id: id, name: "专家\(j)", role: j == 1 ? .chair : .member, unit: "评审专家库", key: ""),
                                               to: layout, comment: "\(id)@simulate", secretary: "s01", secretaryKey: secretaryKey)
            ids.append(id)
        }
        let program = try Governance.openPanel(root).panel.program
        let instance = program.instance ?? program.id
        let criteria = program.sheet.criteria
        let strengths = ds.map { _ in 12 + Int(rng.next() % 12) }
        let seeds = ids.map { _ in rng.next() }
        let counts = Locked([Int](repeating: 0, count: ids.count))
        let (members, dossierList) = (ids, ds)
        let versions = intake.map(\.file.sha256)
        let failure = Locked<Error?>(nil)
        let created = Timestamp.format(Date())
        let gov = try RecordStore(layout: layout).governanceHead()
        DispatchQueue.concurrentPerform(iterations: members.count) { j in
            do {
                let member = members[j]
                let signer = try KeyFileSigner(path: keysDir + "/" + member)
                var local = SplitMix64(seed: seeds[j])
                let dir = layout.memberRecordsDir(member)
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                var seq = 0
                var prev = String(repeating: "0", count: 64)
                let severity = Int(local.next() % 5) - 2
                func emit(_ kind: RecordKind, _ body: [String: JSONValue]) throws {
                    seq += 1
                    let record = Record(kind: kind, program: instance, signer: member, seq: seq, prev: prev, created: created,
                                        gov: gov, body: body)
                    let bytes = record.canonicalBytes()
                    let sig = try SSHSig.sign(bytes, signer: signer)
                    let name = dir + "/" + String(format: "%06d", seq) + ".json"
                    try DurableFile.write(bytes, to: name, replace: false, sync: false)
                    try DurableFile.write(Data(sig.utf8), to: name + ".sig", replace: false, sync: false)
                    prev = Record.sha256Hex(bytes)
                }
                for (i, d) in dossierList.enumerated() {
                    let roll = local.next() % 100
                    if roll == 0 {
                        try emit(.recusal, ["dossier": .string(d.id), "reason": .string("曾为同一项目合作者"), DossierPins.bodyKey: .string(versions[i])])
                        continue
                    }
                    let rounds = roll < 4 ? 2 : 1   // a superseded sheet now and then
                    for _ in 0..<rounds {
                        var pts: [String: JSONValue] = [:]
                        var total = 0
                        for c in criteria {
                            let p = min(c.max, max(0, strengths[i] + severity + Int(local.next() % 5) - 2))
                            pts[c.id] = .int(Int64(p)); total += p
                        }
                        let vote = total >= 70 ? "recommend" : (total >= 55 ? "abstain" : "reject")
                        try emit(.score, ["dossier": .string(d.id), "points": .object(pts), "vote": .string(vote), DossierPins.bodyKey: .string(versions[i])])
                    }
                }
                counts.update { $0[j] = seq }
            } catch {
                failure.set(error)
            }
        }
        if let e = failure.get() { throw e }
        sync()
        return Summary(dossiers: n, members: m, records: counts.get().reduce(0, +), seconds: Date().timeIntervalSince(start))
    }
}

/// A value shared between threads.
final class Locked<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ v: T) { value = v }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
    func update(_ f: (inout T) -> Void) { lock.lock(); f(&value); lock.unlock() }
}
