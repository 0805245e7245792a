import Foundation
import Panel
import Records
import Review

/// `pingshen clone HUB STORE [--fingerprint HEX]` (issue 14): a store onto a laptop, or a
/// district's history onto the city's host. The history is fetched without a checkout and every
/// commit checked against the add-only rule (so the checkout can only write store files); the
/// tip is then checked out once, in place, and verified there as a sync verifies what comes
/// in (against its own signed roster and, when given, the fingerprint the store published)
/// before the store is enabled (`GitStore.enable`: settings, views). A refused clone leaves
/// nothing behind: a folder it created is removed, an empty folder that was there is emptied
/// again and kept (its mode and owner as they were). The tree used to be checked out twice
/// (into a scratch folder to verify, then into the store): at 300,000 records that was two
/// writes of 618k files and a removal of 618k.
public enum Clone {
    public struct Report: Sendable {
        public var status: Sync.Status = .inStep
        public var refusals: [StorePolicy.Refusal] = []
        public var problems: [Problem] = []
        public var remoteSaid = ""
        public var fingerprint: String?
        public var records = 0
    }

    public static func run(hub: String, store: String, fingerprint expected: String?, language lang: Language) throws -> Report {
        try LevelRemote.checkURL(hub)
        // From here, not from the new store's parent folder git runs in.
        let hub = Sync.absoluteLocalPath(hub)
        let want = try expected.map(Hub.checkFingerprint)
        let layout = StoreLayout(store)
        let abs = SSHAccess.absolute(layout.root)
        var existed = false
        if FileManager.default.fileExists(atPath: abs) {
            guard (try? FileManager.default.contentsOfDirectory(atPath: abs))?.isEmpty == true else {
                throw ActionError(zh: "\(abs) 已存在且不是空目录", en: "\(abs) exists and is not an empty folder")
            }
            existed = true
        }
        // Leaves the place as it was found: what the clone put there goes, a folder that was
        // there stays.
        func undo() {
            guard existed else { try? FileManager.default.removeItem(atPath: abs); return }
            for name in (try? FileManager.default.contentsOfDirectory(atPath: abs)) ?? [] {
                try? FileManager.default.removeItem(atPath: abs + "/" + name)
            }
        }
        let parent = (abs as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        var report = Report()
        let c = try Git(dir: parent).run(["-c", "fetch.fsckObjects=true", "clone", "-q", "--no-checkout", "--no-tags",
                                          "--branch", GitStore.branch, "--single-branch", "--", hub, abs])
        guard c.status == 0 else {
            undo()
            report.status = .unreachable
            report.remoteSaid = c.stderr
            return report
        }
        var keep = false
        defer { if !keep { undo() } }
        let git = Git(dir: abs)
        report.refusals = try Trace.phase("clone: add-only rule, every commit") { StorePolicy.refusals(try StorePolicy.changes(git, revisions: ["HEAD"])) }
        if !report.refusals.isEmpty { report.status = .refused; return report }
        // Only store files can be written: the rule above refused any other path, a symbolic
        // link, an executable or a submodule in any commit; the tip's paths are checked once
        // more as a check tree's are (`CheckTree.refuseUnsafe`) before a file is written.
        do { try CheckTree.refuseUnsafe(git, tree: try git.ok(["rev-parse", "HEAD^{tree}"]).line) } catch let e as CheckTree.UnsafePath {
            throw ActionError(zh: e.message(.zh), en: e.message(.en))
        }
        try Trace.phase("clone: checkout") { try git.ok(["reset", "-q", "--hard", "HEAD"]) }
        let st = try Trace.phase("clone: governance and views") {
            let st = try Governance.load(layout, language: lang)
            if st.genesis != nil { try Governance.writeViews(st, layout: layout) }
            return st
        }
        // `verify` of the checked-out store, as TreeCheck checks a scratch tree; the signatures
        // it checks are kept in the new store's cache (.cache/, ignored): its first command does
        // not check them again.
        let checked = try Trace.phase("clone: verify") { try TreeCheck.check(layout, governance: st, language: lang) }
        report.fingerprint = checked.report.fingerprint
        report.records = checked.report.records
        report.problems = checked.report.problems.filter { !TreeCheck.replicable.contains($0.kind) }
        if checked.report.fingerprint == nil || (want != nil && checked.report.fingerprint != want) {
            report.problems.append(Problem(path: "records", kind: "fingerprint-mismatch", message: lang.pick(
                "存储指纹是 \(checked.report.fingerprint ?? "（无创始记录）")，不是 \(want ?? "")",
                "the store fingerprint is \(checked.report.fingerprint ?? "(no genesis record)"), not \(want ?? "")")))
        }
        if !report.problems.isEmpty { report.status = .refused; return report }
        _ = try Trace.phase("clone: git enable") { try GitStore.enable(layout, author: nil, language: lang) }
        keep = true
        return report
    }
}
