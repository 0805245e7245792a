import Foundation
import Panel
import Records

/// Creating a store (`pingshen init`).
public enum StoreSetup {
    /// Creates STORE with the programme copied from its template, a programme instance id
    /// unique to this store, and the genesis record signed by the founding secretary (issue 11):
    /// it pins program.yaml as written and the founder's roster entry. Refuses a non-empty directory.
    @discardableResult
    public static func create(root: String, programID: String, year: Int?, quota: Int?, founder: Member,
                              signer: RecordSigner, now: Date = Date()) throws -> Program {
        if let quota, !Limits.quota.contains(quota) {
            throw ActionError(zh: "--quota \(quota) 超出范围 \(Limits.quota.lowerBound)…\(Limits.quota.upperBound)（名额）",
                              en: "--quota \(quota) is outside \(Limits.quota.lowerBound)…\(Limits.quota.upperBound) (places to award)")
        }
        if let year, !Limits.year.contains(year) {
            throw ActionError(zh: "--year \(year) 超出范围 \(Limits.year.lowerBound)…\(Limits.year.upperBound)（项目年度：日期、年龄与禁入期都从它算起）",
                              en: "--year \(year) is outside \(Limits.year.lowerBound)…\(Limits.year.upperBound) (the programme year: dates, ages and sanctions count from it)")
        }
        // Stage dates and the reference date (ages, years in the trade) move with the year.
        guard var program = Templates.instantiate(programID, year: year, quota: quota) else {
            throw ActionError(zh: "没有项目模板 \(programID)（可用：\(Templates.ids.joined(separator: ", "))）",
                              en: "no programme template \(programID) (templates: \(Templates.ids.joined(separator: ", ")))")
        }
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: root, isDirectory: &isDir) {
            guard isDir.boolValue, ((try? fm.contentsOfDirectory(atPath: root)) ?? []).isEmpty else {
                throw ActionError(zh: "\(root) 已存在且不是空目录", en: "\(root) exists and is not an empty directory")
            }
        }
        var random = SystemRandomNumberGenerator()
        let suffix = (0..<4).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &random)) }.joined()
        program.instance = "\(program.id)-\(program.year.map(String.init) ?? "x")-\(suffix)"
        let layout = StoreLayout(root)
        for dir in [layout.root, layout.dossiersDir, layout.recordsDir] {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        try Governance.found(layout: layout, programYAML: try YAMLFile.encode(program), founder: founder, signer: signer, now: now)
        return program
    }

    /// For the demo and the simulator only: a new unencrypted key pair in STORE/.keys/ID (0700
    /// folder). Returns the private key file.
    public static func newKey(_ id: String, layout: StoreLayout, comment: String) throws -> String {
        let keysDir = layout.root + "/.keys"
        try FileManager.default.createDirectory(atPath: keysDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = keysDir + "/" + id
        try KeyGen.write(to: path, comment: comment)
        return path
    }

    /// For the demo and the simulator only: a new store founded by `founder` with a new key
    /// (STORE/.keys/ID). Returns the founder's key file.
    public static func createWithNewKey(root: String, programID: String, year: Int?, quota: Int?, founder: Member) throws -> String {
        let keysDir = root + "/.keys"
        let tmp = NSTemporaryDirectory() + "pingshen-founder-" + UUID().uuidString
        try KeyGen.write(to: tmp, comment: "\(founder.id)@pingshen")
        defer { unlink(tmp); unlink(tmp + ".pub") }
        let signer = try KeyFileSigner(path: tmp)
        var f = founder
        f.key = signer.publicKey.line
        try create(root: root, programID: programID, year: year, quota: quota, founder: f, signer: signer)
        try FileManager.default.createDirectory(atPath: keysDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.copyItem(atPath: tmp, toPath: keysDir + "/" + founder.id)
        try FileManager.default.copyItem(atPath: tmp + ".pub", toPath: keysDir + "/" + founder.id + ".pub")
        return keysDir + "/" + founder.id
    }

    /// For the demo and the simulator only: a new key pair in STORE/.keys/ID and the member
    /// added to the roster by a signed `member-add` of `secretary`. Returns the private key file.
    @discardableResult
    public static func addMemberWithNewKey(_ member: Member, to layout: StoreLayout, comment: String,
                                           secretary: String, secretaryKey: String) throws -> String {
        let path = try newKey(member.id, layout: layout, comment: comment)
        var m = member
        m.key = try String(contentsOfFile: path + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try Governance.append(.add(m), layout: layout, as: secretary, signer: try KeyFileSigner(path: secretaryKey))
        return path
    }
}
