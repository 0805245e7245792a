import Foundation
import Panel
import Records
import Review
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `pingshen sync STORE [REMOTE]` (issue 14): commit what this host added, fetch, check what
/// came in before taking any of it, merge, push. What came in is taken whole or not at all:
///
/// 1. Every fetched commit keeps the add-only rule against each parent (`StorePolicy`).
/// 2. A record path both sides hold with different bytes is a **fork**: the member signed two
///    different records at that seq on two hosts. Nothing is merged; the remote version is
///    kept (the fetched history under `refs/pingshen/forks/…`, the files under
///    `.cache/forks/COMMIT/records/MEMBER/`) and the member is named.
/// 3. The tree the merge would make is checked out (only what differs from the last check,
///    `CheckTree`) and verified as
///    `verify` does, against that tree's own signed roster (`TreeCheck`); any problem the local
///    store did not already have refuses the fetch, naming path and reason. The merged tree
///    must keep this store's fingerprint (its genesis).
/// 4. Only then is it merged (new files only: no conflict) and pushed. A push the remote
///    refuses (its hook's reason is shown) is a refusal; a remote that moved meanwhile is
///    fetched again.
public enum Sync {
    /// 0: both sides hold the same records; 1: something was refused or a fork was found;
    /// 2: the remote could not be reached.
    public enum Status: Int32, Sendable { case inStep = 0, refused = 1, unreachable = 2 }

    public struct Fork: Sendable, Hashable {
        public var member: String
        public var seq: Int
        /// records/MEMBER/NNN/NNNNNN.json
        public var path: String
        /// Where the remote's version is kept: a folder under the store, and the ref.
        public var keptAt: String
        public var ref: String
    }

    public struct Report: Sendable {
        public var status: Status = .inStep
        public var committed: GitStore.Batch?
        /// Records (signature files) taken from the remote.
        public var received = 0
        public var refusals: [StorePolicy.Refusal] = []
        /// Problems the fetched records would bring (verify's, on the merged tree).
        public var problems: [Problem] = []
        public var forks: [Fork] = []
        public var pushed = false
        /// What git or the remote's hook said when something failed.
        public var remoteSaid: String = ""
        /// The commit both sides hold at the end (when in step).
        public var head: String = ""
    }

    /// Refuses a remote argument git could read as an option or that holds a control character.
    public static func checkRemote(_ remote: String) throws {
        guard !remote.isEmpty, !remote.hasPrefix("-"), !remote.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw ActionError(zh: "远端 \(TerminalText.quoted(remote)) 不可用（不能为空、以 - 开头或含控制字符）",
                              en: "remote \(TerminalText.quoted(remote)) is not usable (empty, starting with -, or holding a control character)")
        }
    }

    /// A local path as the user typed it, made absolute against the current directory: git runs
    /// in the store (`-C`), where a relative one names another place (`pingshen sync store
    /// hub.git` reached store/hub.git; `clone hub.git sub/b`, sub/hub.git). A URL, an scp-like
    /// `host:path` (a colon before any slash) and an absolute path are left as they are.
    public static func absoluteLocalPath(_ url: String) -> String {
        guard !url.isEmpty, !url.hasPrefix("/"), !url.contains("://") else { return url }
        if let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/") { return url }
        return SSHAccess.absolute(url)
    }

    /// The remote a sync reaches: checked as a level remote's URL is (no option, no control
    /// character, no `TRANSPORT::` address, no host that is an option); a remote's name as it
    /// is, anything else a path or URL (`absoluteLocalPath`).
    static func remoteArgument(_ remote: String, git: Git) throws -> String {
        try LevelRemote.checkURL(remote)
        if !remote.contains("/"), try git.run(["config", "--get", "remote." + remote + ".url"]).status == 0 { return remote }
        return absoluteLocalPath(remote)
    }

    static let incoming = "refs/pingshen/incoming"

    /// How a push is signed (`sync --as ID [--key PATH]`): git's `user.signingKey`, a private
    /// key file's path or `key::` and the member's public key line (ssh-keygen then signs through
    /// the agent). The push is `git push --signed=if-asked` with `gpg.format=ssh`: a hub made by
    /// `hub init` asks (its `receive.certNonceSeed`), a plain remote does not.
    public struct PushSigning: Sendable {
        public var member: String
        public var signingKey: String
        public init(member: String, signingKey: String) { self.member = member; self.signingKey = signingKey }
        var gitOptions: [String] { ["-c", "gpg.format=ssh", "-c", "user.signingKey=" + signingKey, "-c", "gpg.ssh.program=ssh-keygen"] }
    }

    public static func run(_ given: StoreLayout, remote: String, author: String?, signing: PushSigning? = nil,
                           language lang: Language) throws -> Report {
        // Every path pingshen hands git (a scratch index, a check tree) is absolute: git runs
        // in the store (`-C`), where a relative one would name STORE/STORE/….
        let layout = StoreLayout(SSHAccess.absolute(given.root))
        try checkRemote(remote)
        guard let git = GitStore.repository(layout) else {
            throw ActionError(zh: "\(layout.root) 不是 git 评审库（先运行 pingshen git enable \(layout.root)）",
                              en: "\(layout.root) is not a git store (run pingshen git enable \(layout.root) first)")
        }
        let remote = try remoteArgument(remote, git: git)
        if let level = try LevelRemote.readOnly(git, name: remote) {
            throw ActionError(zh: "\(remote) 是另一级评审库的只读远端（\(level.url)）：sync 从不与它合并或推送；用 pingshen promote \(layout.root) --from-remote \(remote) 取其审定名单",
                              en: "\(remote) is a read-only remote of another level's store (\(level.url)): sync never merges with it or pushes to it; pingshen promote \(layout.root) --from-remote \(remote) takes its approved list")
        }
        // One sync at a time on a store.
        let fd = try lock(layout)
        defer { close(fd) }
        // git's gc, apart and not waited for (`Git.startAutoGC`): this sync's commit, fetch and
        // merge run with gc.auto=0.
        defer { git.startAutoGC() }
        let who = author ?? "pingshen"
        var report = Report()
        do {
            report.committed = try GitStore.commitBatch(layout, git: git, message: "pingshen sync: records of this host", author: who, language: lang)
        } catch let d as GitStore.LocalDamage {
            throw ActionError(zh: d.message(.zh), en: d.message(.en))
        }
        guard let fingerprint = try Governance.load(layout, language: lang).fingerprint else {
            throw ActionError(zh: "\(layout.root)：没有有效的创始记录", en: "\(layout.root): no valid genesis record")
        }
        for _ in 0..<4 {
            if try round(layout, git: git, remote: remote, author: who, fingerprint: fingerprint, signing: signing, report: &report, language: lang) { return report }
        }
        report.status = .refused
        report.remoteSaid = lang.pick("远端在同步期间一再变化，请稍后重试", "the remote kept moving during the sync; try again later")
        return report
    }

    /// Takes the store's sync lock (`.git/pingshen-sync.lock`, flock): one sync, or one fetch
    /// of a level remote, at a time on a store. Returns the descriptor to close.
    static func lock(_ layout: StoreLayout) throws -> Int32 {
        let lockPath = layout.root + "/.git/pingshen-sync.lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw ActionError(zh: "无法打开 \(lockPath)", en: "cannot open \(lockPath)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw ActionError(zh: "另一个 sync 正在 \(layout.root) 上运行", en: "another sync is running on \(layout.root)")
        }
        return fd
    }

    /// One fetch–check–merge–push. Returns false when the push found the remote moved.
    static func round(_ layout: StoreLayout, git: Git, remote: String, author: String, fingerprint: String, signing: PushSigning?,
                      report: inout Report, language lang: Language) throws -> Bool {
        let ls = try git.run(["ls-remote", remote, "refs/heads/" + GitStore.branch])
        guard ls.status == 0 else {
            report.status = .unreachable
            report.remoteSaid = ls.stderr
            return true
        }
        defer { _ = try? git.run(["update-ref", "-d", incoming]) }
        if !ls.line.isEmpty {
            let f = try git.run(["fetch", "-q", "--no-tags", "--no-write-fetch-head", remote,
                                 "+refs/heads/" + GitStore.branch + ":" + incoming])
            guard f.status == 0 else {
                // Reached a moment ago: what failed is what came (fsck), not the way there.
                report.status = .refused
                report.remoteSaid = f.stderr
                return true
            }
            guard let theirs = try git.resolve(incoming + "^{commit}") else {
                report.status = .refused
                report.remoteSaid = "no commit at \(remote) \(GitStore.branch)"
                return true
            }
            let ours = try git.resolve("HEAD^{commit}")
            var already = false
            if ours != nil { already = try git.run(["merge-base", "--is-ancestor", theirs, "HEAD"]).status == 0 }
            if !already {
                guard try take(layout, git: git, theirs: theirs, ours: ours, author: author, fingerprint: fingerprint, remote: remote,
                               report: &report, language: lang) else { return true }
            }
        }
        // Push what the remote lacks.
        let head = try git.ok(["rev-parse", "HEAD"]).line
        if ls.line.split(separator: "\t").first.map(String.init) != head {
            let p = try git.run((signing?.gitOptions ?? []) + ["push", "-q", "--no-verify"] + (signing == nil ? [] : ["--signed=if-asked"])
                                + [remote, "HEAD:refs/heads/" + GitStore.branch])
            if p.status != 0 {
                // The remote moved meanwhile: before the push (fetch first, non-fast-forward), or
                // while its hook checked this one (another push took the branch first: git's
                // "cannot lock ref … is at X but expected Y"). Fetch again.
                if p.stderr.contains("fetch first") || p.stderr.contains("non-fast-forward") || p.stderr.contains("cannot lock ref") { return false }
                report.remoteSaid = p.stderr
                report.status = p.stderr.contains("remote rejected") || p.stderr.contains("pre-receive") || p.stderr.contains("remote:")
                    ? .refused : .unreachable
                return true
            }
            report.pushed = true
        }
        report.head = head
        return true
    }

    /// Checks `theirs` and merges it; false (with the report filled) when refused.
    static func take(_ layout: StoreLayout, git: Git, theirs: String, ours: String?, author: String, fingerprint: String, remote: String,
                     report: inout Report, language lang: Language) throws -> Bool {
        // 1. The rule, commit by commit.
        let changes = try Trace.phase("sync: add-only rule, fetched commits") { try StorePolicy.changes(git, revisions: ours == nil ? [theirs] : [theirs, "--not", "HEAD"]) }
        report.refusals = StorePolicy.refusals(changes)
        if !report.refusals.isEmpty { report.status = .refused; return false }
        // 2. Forks (once every fetched commit kept the rule: a record rewritten in their history is an edit): a record both sides hold with other bytes.
        var forked: [(member: String, seq: Int)] = []
        // What theirs holds that ours does not (or holds otherwise).
        let difference = ours == nil ? changes : StorePolicy.parseRaw(try git.ok(["diff-tree", "-r", "-z", "--no-renames", "HEAD", theirs]).stdout)
        if ours != nil {
            for c in difference where c.status == "M" {
                if case .record(let m, let n, _) = StorePolicy.place(c.path), !forked.contains(where: { $0 == (m, n) }) { forked.append((m, n)) }
            }
        }
        if !forked.isEmpty {
            let ref = "refs/pingshen/forks/" + theirs
            try git.ok(["update-ref", ref, theirs])
            let short = String(theirs.prefix(12))
            for (m, n) in forked {
                let kept = ForkEvidence.folder + "/" + short
                try FileManager.default.createDirectory(atPath: layout.root + "/" + kept + "/records/" + m + "/" + RecordFileName.folder(n),
                                                        withIntermediateDirectories: true)
                for sig in [false, true] {
                    let rel = RecordFileName.path(member: m, seq: n, signature: sig)
                    let blob = try git.run(["cat-file", "blob", theirs + ":" + rel])
                    if blob.status == 0 { try DurableFile.write(blob.stdout, to: layout.root + "/" + kept + "/" + rel) }
                }
                let path = RecordFileName.path(member: m, seq: n)
                report.forks.append(Fork(member: m, seq: n, path: path, keptAt: kept + "/" + path, ref: ref))
            }
            report.status = .refused
            return false
        }
        // 3. The tree the merge makes, verified whole.
        let tree: String
        if let ours {
            let m = try git.run(["merge-tree", "--write-tree", "--no-messages", "--name-only", ours, theirs])
            let lines = m.text.split(separator: "\n").map(String.init)
            guard m.status == 0, let t = lines.first, Git.isObjectID(t) else {
                // Both sides changed the same dossier (two amendments made concurrently).
                report.refusals = lines.dropFirst().filter { !$0.isEmpty }.map {
                    StorePolicy.Refusal(path: $0, kind: "conflict", zh: "两边都改动了这份材料（同时签了两次修改）；请在一台主机上再签一次修改后同步",
                                        en: "both sides changed this dossier (two amendments signed concurrently); sign one more amendment on one host, then sync")
                }
                if report.refusals.isEmpty { report.remoteSaid = m.stderr }
                report.status = .refused
                return false
            }
            tree = t
        } else {
            tree = try git.ok(["rev-parse", theirs + "^{tree}"]).line
        }
        // What came in is checked once: the merged tree's check starts from this host's
        // verified-record cache (only new signatures are checked) and leaves them in it; this
        // store's own problems come through its store index, with those signatures known.
        let checked = try Trace.phase("sync: merged tree checked (TreeCheck)") {
            try TreeCheck.verify(git, tree: tree, scratchParent: layout.root + "/.git", cache: VerifyCache.path(layout), language: lang)
        }
        let before = try Trace.phase("sync: this store's own problems (verify --cached)") { try StoreVerify.report(layout: layout, language: lang, cached: true) }
        report.problems = TreeCheck.newProblems(checked.report.problems, over: before.problems)
        if checked.report.fingerprint != fingerprint {
            report.problems.append(Problem(path: "records", kind: "fingerprint-mismatch", message: lang.pick(
                "远端的评审库指纹是 \(checked.report.fingerprint ?? "（无）")，不是本库的 \(fingerprint)：不是同一个评审库",
                "the remote's store fingerprint is \(checked.report.fingerprint ?? "(none)"), not this store's \(fingerprint): not the same store")))
        }
        if !report.problems.isEmpty { report.status = .refused; return false }
        // 4. Merge: new files only.
        let merge = try git.run(["-c", "commit.gpgsign=false", "merge", "-q", "--no-edit", "--no-verify", "-m", "pingshen sync: records from \(remote)", theirs],
                                extraEnvironment: Git.identity(author))
        guard merge.status == 0 else {
            _ = try? git.run(["merge", "--abort"])
            report.status = .refused
            report.remoteSaid = merge.stderr + merge.text
            return false
        }
        // Records taken: signature files the fetched commits added.
        var taken = Set<String>()
        for c in difference where c.status == "A" {
            if case .record(_, _, true)? = StorePolicy.place(c.path) { taken.insert(c.path) }
        }
        report.received += taken.count
        // The views follow the history the merge brought.
        let st = try Governance.load(layout, language: lang)
        if st.genesis != nil { try Governance.writeViews(st, layout: layout) }
        return true
    }
}
