import Foundation
import Panel
import Records
import Review
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Between levels (issue 14, README "Several hosts"): the city's store names a district's hub
/// as a **read-only remote** and promotes the district's approved list straight from the
/// fetched history, not from a folder on the same host.
///
/// A remote is git's own (`remote.NAME.url` in the store's `.git/config`, so `git remote -v`
/// shows it), marked as another level's by `remote.NAME.pingshenReadOnly` and pinned to that
/// store's fingerprint (`remote.NAME.pingshenFingerprint`, the one the district's public notice
/// printed). It has no fetch refspec and an unusable push URL, so a plain `git fetch` or `git
/// push` neither takes nor sends anything there, and `sync` refuses it by name: a district's
/// history is never merged into the city's and nothing is ever pushed to it.
///
/// A fetch takes the district's `main` into a quarantine ref, then checks it as a clone is
/// checked before anything is kept: it must descend from what was fetched before (a rewritten
/// history is refused, naming both commits), every new commit must keep the add-only rule
/// (`StorePolicy`), its tree must verify against its own signed roster (`TreeCheck`: a forged
/// approval is a bad signature or a role that may not sign it), and its genesis must be the
/// pinned fingerprint. Only then does `refs/pingshen/levels/NAME` move to it. `promote
/// --from-remote NAME` promotes from that checked tree, and the evidence it copies is checked
/// against the same fingerprint. The tree is checked in a kept tree of its own
/// (`GITDIR/pingshen/level-NAME-check-UID/`, a `CheckTree`: sealed, never replicated), so a
/// fetch writes only the files the district added since the last one; its `.cache` keeps the
/// district's verified signatures and store index, so only what came in is checked again.
public enum LevelRemote {
    /// Where the checked tip of each level remote is kept.
    public static let refPrefix = "refs/pingshen/levels/"
    static let incomingPrefix = "refs/pingshen/levels-incoming/"
    static let readOnlyKey = "pingshenReadOnly"
    static let fingerprintKey = "pingshenFingerprint"
    /// A push URL no push can reach (a path under /dev/null cannot exist).
    public static let noPushURL = "/dev/null/pingshen-read-only-remote"

    /// A remote as the store's git config holds it.
    public struct Remote: Sendable, Hashable {
        public var name: String
        public var url: String
        public var readOnly: Bool
        /// The other level's store fingerprint (read-only remotes).
        public var fingerprint: String?
        /// The checked tip last fetched (read-only remotes).
        public var fetched: String?
    }

    /// A remote name: 1–64 letters, digits, - and _, starting with a letter or digit (it becomes
    /// part of a git ref and a config key).
    public static func checkName(_ name: String) throws {
        let u = Array(name.utf8)
        func alnum(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) }
        guard (1...64).contains(u.count), alnum(u[0]), u.allSatisfy({ alnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }) else {
            throw ActionError(zh: "远端名 \(TerminalText.quoted(name)) 不可用：须为 1–64 个字母、数字、- 或 _，以字母或数字开头",
                              en: "the remote name \(TerminalText.quoted(name)) is not usable: it must be 1–64 letters, digits, - or _, starting with a letter or digit")
        }
    }

    /// A URL a remote may be given: not an option, no control character (`Sync.checkRemote`),
    /// no remote helper (`ext::`, `fd::`, any `TRANSPORT::ADDRESS`: git would run a program for
    /// it) and no host that is an option (`ssh://-oProxyCommand=…/`).
    public static func checkURL(_ url: String) throws {
        try Sync.checkRemote(url)
        func refuse() -> ActionError {
            ActionError(zh: "远端地址 \(TerminalText.quoted(url)) 不可用：只接受路径、file://、ssh://、git://、http(s):// 或 host:path（不接受 TRANSPORT:: 这类会运行程序的地址，主机名不能以 - 开头）",
                        en: "the remote URL \(TerminalText.quoted(url)) is not usable: only a path, file://, ssh://, git://, http(s):// or host:path (no TRANSPORT:: address, which runs a program; no host starting with -)")
        }
        if let r = url.range(of: "::") {
            let scheme = url[..<r.lowerBound]
            if !scheme.isEmpty, !scheme.contains("/") { throw refuse() }
        }
        if let r = url.range(of: "://") {
            var host = url[r.upperBound...]
            if let at = host.firstIndex(of: "@"), !host[..<at].contains("/") { host = host[host.index(after: at)...] }
            if host.hasPrefix("-") { throw refuse() }
        }
    }

    static func repository(_ layout: StoreLayout) throws -> Git {
        guard let git = GitStore.repository(layout) else {
            throw ActionError(zh: "\(layout.root) 不是 git 评审库（先运行 pingshen git enable \(layout.root)）",
                              en: "\(layout.root) is not a git store (run pingshen git enable \(layout.root) first)")
        }
        return git
    }

    static func config(_ git: Git, _ key: String) throws -> String? {
        let r = try git.run(["config", "--get", key])
        return r.status == 0 ? r.line : nil
    }

    /// `pingshen remote add STORE NAME URL [--read-only --fingerprint HEX]`. A read-only remote
    /// is another level's store, pinned to its fingerprint; a plain one is a host of this same
    /// store to `sync` with (an off-site copy), and a fingerprint given for it must be this
    /// store's own.
    public static func add(_ given: StoreLayout, name: String, url: String, readOnly: Bool, fingerprint: String?,
                           language lang: Language) throws -> Remote {
        let layout = StoreLayout(SSHAccess.absolute(given.root))   // git runs in the store: see Sync.run
        let git = try repository(layout)
        try checkName(name)
        try checkURL(url)
        let want = try fingerprint.map { fp in
            do { return try Hub.checkFingerprint(fp) } catch {
                throw ActionError(zh: "--fingerprint 应为 64 位十六进制（SHA-256，init 与 verify 打印的那个），而不是 \(TerminalText.quoted(fp))",
                                  en: "--fingerprint must be 64 hex digits (the SHA-256 that init and verify print), not \(TerminalText.quoted(fp))")
            }
        }
        if readOnly && want == nil {
            throw ActionError(zh: "只读远端须用 --fingerprint 给出那一级评审库的指纹（其公示所印）",
                              en: "a read-only remote needs --fingerprint: that level's store fingerprint, as its public notice printed it")
        }
        if try config(git, "remote.\(name).url") != nil {
            throw ActionError(zh: "远端 \(name) 已存在（git remote -v）", en: "a remote \(name) exists already (git remote -v)")
        }
        guard let own = try Governance.load(layout, language: lang).fingerprint else {
            throw ActionError(zh: "\(layout.root)：没有有效的创始记录", en: "\(layout.root): no valid genesis record")
        }
        if readOnly, want == own {
            throw ActionError(zh: "指纹 \(own) 就是本评审库自己的：只读远端是另一级的评审库；本库的其他主机不加 --read-only",
                              en: "the fingerprint \(own) is this store's own: a read-only remote is another level's store; another host of this store is added without --read-only")
        }
        if !readOnly, let want, want != own {
            throw ActionError(zh: "\(want) 不是本评审库的指纹 \(own)：同步的远端保存同一个评审库；另一级的评审库用 --read-only 添加",
                              en: "\(want) is not this store's fingerprint \(own): a remote to sync with holds this same store; another level's store is added with --read-only")
        }
        // A relative path names the place from here, not from the store git runs in.
        let url = Sync.absoluteLocalPath(url)
        var settings: [(String, String)] = [("remote.\(name).url", url), ("remote.\(name).tagOpt", "--no-tags")]
        if readOnly {
            settings += [("remote.\(name).pushurl", noPushURL), ("remote.\(name).\(readOnlyKey)", "true"),
                         ("remote.\(name).\(fingerprintKey)", want ?? "")]
        } else {
            settings.append(("remote.\(name).fetch", "+refs/heads/\(GitStore.branch):refs/remotes/\(name)/\(GitStore.branch)"))
        }
        for (k, v) in settings { try git.ok(["config", k, v]) }
        return Remote(name: name, url: url, readOnly: readOnly, fingerprint: want, fetched: nil)
    }

    /// What `remove` removed.
    public struct Removed: Sendable {
        public var remote: Remote
        /// A level remote's kept check tree (`GITDIR/pingshen/level-NAME-check-UID/`): removed.
        public var checkTreeRemoved = false
        /// A path where the kept tree or its `pingshen/` folder should be that is not a folder of
        /// this user's (a symbolic link, another user's): left as it is, not followed.
        public var left: String?
    }

    /// `pingshen remote remove STORE NAME`: the remote's git settings and remote-tracking refs
    /// (`git remote remove`), a level remote's checked ref (`refs/pingshen/levels/NAME`: a remote
    /// added again under that name starts afresh) and its kept check tree, which nothing else
    /// would ever remove (`CheckTree.remove`: only a folder of this user's, never through a
    /// link). Takes the sync lock: no fetch of it runs meanwhile.
    public static func remove(_ given: StoreLayout, name: String) throws -> Removed {
        let layout = StoreLayout(SSHAccess.absolute(given.root))   // git runs in the store: see Sync.run
        let git = try repository(layout)
        try checkName(name)
        let fd = try Sync.lock(layout)
        defer { close(fd) }
        guard let url = try config(git, "remote.\(name).url") else {
            throw ActionError(zh: "\(layout.root) 没有名为 \(name) 的远端（pingshen remote list \(layout.root)）",
                              en: "\(layout.root) has no remote \(name) (pingshen remote list \(layout.root))")
        }
        var out = Removed(remote: try readOnly(git, name: name) ?? Remote(name: name, url: url, readOnly: false, fingerprint: nil, fetched: nil))
        try git.ok(["remote", "remove", name])
        for ref in [refPrefix + name, incomingPrefix + name] where try git.resolve(ref) != nil {
            try git.ok(["update-ref", "-d", ref])
        }
        switch try CheckTree(parent: layout.root + "/.git", name: "level-\(name)-check").remove() {
        case .nothing: break
        case .removed: out.checkTreeRemoved = true
        case .left(let path): out.left = path
        }
        return out
    }

    /// The store's remotes, by name.
    public static func list(_ layout: StoreLayout) throws -> [Remote] {
        let git = try repository(layout)
        let r = try git.run(["config", "-z", "--get-regexp", "^remote\\..*\\.url$"])
        var out: [Remote] = []
        for entry in Git.fields(r.stdout) {
            let kv = entry.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard kv.count == 2, kv[0].hasPrefix("remote."), kv[0].hasSuffix(".url") else { continue }
            let name = String(kv[0].dropFirst(7).dropLast(4))
            if let level = try readOnly(git, name: name) { out.append(level) } else {
                out.append(Remote(name: name, url: kv[1], readOnly: false, fingerprint: nil, fetched: nil))
            }
        }
        return out.sorted { $0.name < $1.name }
    }

    /// The read-only remote `name`, nil when `name` is no remote or a plain one.
    public static func readOnly(_ git: Git, name: String) throws -> Remote? {
        guard (try? checkName(name)) != nil, try config(git, "remote.\(name).\(readOnlyKey)") == "true",
              let url = try config(git, "remote.\(name).url") else { return nil }
        let fp = try config(git, "remote.\(name).\(fingerprintKey)")
        return Remote(name: name, url: url, readOnly: true, fingerprint: fp, fetched: try git.resolve(refPrefix + name + "^{commit}"))
    }

    /// What a fetch of a level remote found.
    public struct Fetched: Sendable {
        public var status: Sync.Status = .inStep
        public var remote: Remote
        /// The checked tip (when taken).
        public var commit = ""
        public var previous: String?
        public var records = 0
        public var fingerprint: String?
        public var refusals: [StorePolicy.Refusal] = []
        public var problems: [Problem] = []
        public var remoteSaid = ""
    }

    /// `pingshen remote fetch STORE NAME`: fetches and checks; the level ref moves only when
    /// everything holds.
    public static func fetch(_ given: StoreLayout, name: String, language lang: Language) throws -> Fetched {
        let layout = StoreLayout(SSHAccess.absolute(given.root))   // git runs in the store: see Sync.run
        return try fetchChecked(layout, name: name, language: lang) { _, _ in }
    }

    /// `pingshen promote STORE --from-remote NAME`: fetches and checks the district's history as
    /// `fetch` does, then promotes its approved list into this store from the checked tree.
    /// The promotion is nil when the fetch was refused or the remote unreachable (see `status`).
    public static func promote(_ given: StoreLayout, name: String, as secretaryID: String, fingerprint: String?,
                               signer: (Member) throws -> RecordSigner, language lang: Language) throws -> (Fetched, ReviewSession.Promotion?) {
        let layout = StoreLayout(SSHAccess.absolute(given.root))   // git runs in the store: see Sync.run
        var made: ReviewSession.Promotion?
        let f = try fetchChecked(layout, name: name, language: lang) { source, fetched in
            let fp = fetched.remote.fingerprint ?? ""
            if let fingerprint, fingerprint.lowercased() != fp {
                throw ActionError(zh: "--fingerprint \(fingerprint) 与远端 \(name) 登记的指纹 \(fp) 不同",
                                  en: "--fingerprint \(fingerprint) differs from the fingerprint remote \(name) was added with, \(fp)")
            }
            made = try ReviewSession(root: source.root).promote(to: layout.root, as: secretaryID, fingerprint: fp,
                                                                sourceLabel: name + "@" + fetched.commit.prefix(12), signer: signer)
        }
        return (f, made)
    }

    /// Fetch, check, move the level ref, then `use` the checked tree (the remote's kept check
    /// tree, `CheckTree` named `level-NAME-check`). Nothing moves when a check fails; `use`
    /// runs only when all hold.
    static func fetchChecked(_ layout: StoreLayout, name: String, language lang: Language,
                             use: (StoreLayout, Fetched) throws -> Void) throws -> Fetched {
        let git = try repository(layout)
        try checkName(name)
        guard let remote = try readOnly(git, name: name) else {
            throw ActionError(zh: "\(name) 不是本评审库的只读远端（pingshen remote add \(layout.root) \(name) URL --read-only --fingerprint HEX）",
                              en: "\(name) is not a read-only remote of this store (pingshen remote add \(layout.root) \(name) URL --read-only --fingerprint HEX)")
        }
        // The config is a file anyone who writes the store can edit: its values are checked again.
        try checkURL(remote.url)
        let want = try Hub.checkFingerprint(remote.fingerprint ?? "")
        let fd = try Sync.lock(layout)
        defer { close(fd) }
        // git's gc, apart (`Git.startAutoGC`): the fetch's own runs with gc.auto=0.
        defer { git.startAutoGC() }
        var out = Fetched(remote: remote)
        out.previous = remote.fetched
        // By URL, not by name: no remote.NAME.* option (uploadpack, proxy…) takes part.
        let ls = try git.run(["ls-remote", remote.url, "refs/heads/" + GitStore.branch])
        guard ls.status == 0 else {
            out.status = .unreachable
            out.remoteSaid = ls.stderr
            return out
        }
        guard !ls.line.isEmpty else {
            out.status = .refused
            out.remoteSaid = lang.pick("\(remote.url) 没有 \(GitStore.branch) 分支", "\(remote.url) has no \(GitStore.branch) branch")
            return out
        }
        let incoming = incomingPrefix + name
        defer { _ = try? git.run(["update-ref", "-d", incoming]) }
        let f = try git.run(["-c", "fetch.fsckObjects=true", "fetch", "-q", "--no-tags", "--no-write-fetch-head", remote.url,
                             "+refs/heads/" + GitStore.branch + ":" + incoming])
        guard f.status == 0, let theirs = try git.resolve(incoming + "^{commit}") else {
            out.status = .refused
            out.remoteSaid = f.stderr
            return out
        }
        out.commit = theirs
        func refuse(_ path: String, _ kind: String, _ zh: String, _ en: String) -> Fetched {
            out.problems.append(Problem(path: path, kind: kind, message: lang.pick(zh, en)))
            out.status = .refused
            return out
        }
        // 1. It grows from what was fetched before: a history rewritten there is refused.
        if let previous = out.previous, previous != theirs,
           try git.run(["merge-base", "--is-ancestor", previous, theirs]).status != 0 {
            return refuse(GitStore.branch, "rewritten",
                          "\(remote.url) 的 \(GitStore.branch)（\(theirs.prefix(12))）不再包含此前取回并核验过的 \(previous.prefix(12))：历史被改写（强制推送），或不是同一个仓库；什么也没有采用",
                          "\(remote.url)'s \(GitStore.branch) (\(theirs.prefix(12))) no longer contains \(previous.prefix(12)), fetched and checked before: its history was rewritten (a forced push) or it is another repository; nothing was taken")
        }
        // 2. Every new commit keeps the add-only rule.
        out.refusals = StorePolicy.refusals(try StorePolicy.changes(git, revisions: out.previous.map { [theirs, "--not", $0] } ?? [theirs]))
        if !out.refusals.isEmpty { out.status = .refused; return out }
        // 3. The tip verifies against its own signed roster, and is the store pinned.
        let tree = try git.ok(["rev-parse", theirs + "^{tree}"]).line
        // In the remote's own kept tree (issue 14): a scratch checkout wrote and removed every
        // file of the district's tree on each fetch (626k at 300k records).
        return try TreeCheck.withCheckout(git, tree: tree, scratchParent: layout.root + "/.git", keptName: "level-\(name)-check",
                                          language: lang) { source, st in
            let checked = try TreeCheck.check(source, governance: st, language: lang)
            out.fingerprint = checked.report.fingerprint
            out.records = checked.report.records
            out.problems = checked.report.problems.filter { !TreeCheck.replicable.contains($0.kind) }
            if checked.report.fingerprint != want {
                out.problems.append(Problem(path: "records", kind: "fingerprint-mismatch", message: lang.pick(
                    "\(remote.url) 的评审库指纹是 \(checked.report.fingerprint ?? "（无创始记录）")，不是远端 \(name) 登记的 \(want)",
                    "the store at \(remote.url) has fingerprint \(checked.report.fingerprint ?? "(no genesis record)"), not \(want), the one remote \(name) was added with")))
            }
            if !out.problems.isEmpty { out.status = .refused; return out }
            try git.ok(["update-ref", "-m", "pingshen: \(name) fetched and checked", refPrefix + name, theirs, out.previous ?? Git.zeroID])
            try use(source, out)
            return out
        }
    }
}
