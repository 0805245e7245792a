import Foundation
import Panel
import Records
import Review
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A store that is also a git repository (issue 14): its records, dossiers and evidence are
/// tracked; everything derived or private is ignored (`ignoreText`). One branch, `main`.
public enum GitStore {
    public static let branch = "main"

    /// The store's .gitignore. Views are written from the signed records after every sync (two
    /// hosts that add members would otherwise edit the same file); keys, drafts, the cache, the
    /// staging area and lock and temp files never leave the host.
    public static let ignoreText = """
    # pingshen: only records/, dossiers/ and evidence/ are replicated (README "Several hosts").
    # Views, written from the signed history after every sync:
    /roster.yaml
    /allowed_signers
    /program.yaml
    /sanctions.yaml
    # Derived, private or in progress on this host:
    /.cache/
    /drafts/
    /.staging/
    /.keys/
    /keys/
    /.governance.lock
    /records/*/.lock
    /records/*/*/.tmp-*
    /dossiers/.tmp-*

    """

    /// git's settings for a repository of many small files (git-config(1)): `feature.manyFiles`
    /// (index v4, the untracked cache), index v4 spelled out (path prefixes compressed: about
    /// half the index of 600k paths), and fsck of every object fetched.
    public static let settings: [(String, String)] = [
        ("feature.manyFiles", "true"), ("index.version", "4"), ("core.untrackedCache", "true"),
        ("fetch.fsckObjects", "true"), ("transfer.fsckObjects", "true"), ("pingshen.store", "true"),
    ]

    /// The store's repository, when the store is one (its own `.git` at the store's root).
    public static func repository(_ layout: StoreLayout) -> Git? {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: layout.root + "/.git", isDirectory: &isDir), isDir.boolValue else { return nil }
        return Git(dir: layout.root)
    }

    /// What `enable` did.
    public struct Enabled: Sendable {
        public var created: Bool
        public var commit: Batch?
        public var fingerprint: String
    }

    /// Makes the store a git repository, or adopts one (a `git clone` of a hub): checks the
    /// store has a valid genesis, `git init -b main` when there is no `.git`, sets `settings`,
    /// writes `.gitignore`, writes the views from the signed history (a clone has none) and
    /// commits what is not yet committed. Running it again changes nothing.
    public static func enable(_ given: StoreLayout, author: String? = nil, language lang: Language) throws -> Enabled {
        let layout = StoreLayout(SSHAccess.absolute(given.root))   // git runs in the store: see Sync.run
        let st = try Governance.load(layout, language: lang)
        guard st.genesis != nil, let fp = st.fingerprint else {
            let why = st.problems.first.map { "\($0.path)：\($0.message)" } ?? ""
            throw ActionError(zh: "\(layout.root)：没有有效的创始记录，不是 pingshen 评审库（\(why)）",
                              en: "\(layout.root): no valid genesis record; not a pingshen store (\(why))")
        }
        var created = false
        let git: Git
        if let g = repository(layout) {
            git = g
            let top = try git.ok(["rev-parse", "--show-toplevel"]).line
            guard canonical(top) == canonical(layout.root) else {
                throw ActionError(zh: "\(layout.root) 的 git 仓库根目录是 \(top)，不是评审库本身", en: "the git repository of \(layout.root) has its root at \(top), not at the store")
            }
            let head = try git.run(["symbolic-ref", "-q", "HEAD"]).line
            guard head == "refs/heads/" + branch else {
                throw ActionError(zh: "\(layout.root) 当前分支是 \(head.isEmpty ? "（游离）" : head)，评审库只用 \(branch)",
                                  en: "\(layout.root) is on \(head.isEmpty ? "(detached)" : head); a store uses only \(branch)")
            }
        } else {
            git = Git(dir: layout.root)
            try git.ok(["init", "-q", "-b", branch])
            created = true
        }
        for (k, v) in settings { try git.ok(["config", k, v]) }
        // git applies index.version only to an index it starts: one a checkout wrote before the
        // settings (a clone, a plain `git clone` adopted) stays in version 2, 57.6 MB instead
        // of 43.2 MB at 626k entries. Rewritten once in version 4.
        if let head = FileHandle(forReadingAtPath: layout.root + "/.git/index").map({ h in defer { try? h.close() }; return h.readData(ofLength: 8) }),
           head.count == 8, Array(head.prefix(4)) == Array("DIRC".utf8), head[head.startIndex + 7] != 4 || head[head.startIndex + 4] != 0 {
            try git.ok(["update-index", "--index-version", "4"])
        }
        let ignorePath = layout.root + "/.gitignore"
        if let have = FileManager.default.contents(atPath: ignorePath) {
            guard have == Data(ignoreText.utf8) else {
                throw ActionError(zh: "\(ignorePath) 与 pingshen 的不同；请删除它或恢复原样后重试",
                                  en: "\(ignorePath) differs from pingshen's; remove it or restore it and retry")
            }
        } else {
            try DurableFile.write(Data(ignoreText.utf8), to: ignorePath)
        }
        try Governance.writeViews(st, layout: layout)
        let batch = try commitBatch(layout, git: git, message: "pingshen: git enabled (store \(fp))", author: author, language: lang)
        // The first commit of a large store writes its files into one pack (`packOptions`), its
        // trees loose; git's gc, when its thresholds say so, runs in the background, not waited
        // for (`Git.startAutoGC`).
        git.startAutoGC()
        return Enabled(created: created, commit: batch, fingerprint: fp)
    }

    /// One local commit of what the store gained since the last one.
    public struct Batch: Sendable {
        public var commit: String
        public var files: Int
        /// Records added (pairs .json + .sig).
        public var records: Int
    }

    /// A tracked file that was changed in place or deleted: refused, never committed.
    public struct LocalDamage: Error, Sendable {
        public var paths: [(path: String, deleted: Bool)]
        public func message(_ lang: Language) -> String {
            paths.map { p in
                p.deleted ? lang.pick("\(p.path)：已提交的文件被删除（用 git checkout -- \(p.path) 恢复）",
                                      "\(p.path): a committed file was deleted (restore it with git checkout -- \(p.path))")
                          : lang.pick("\(p.path)：已提交的记录被改写（记录从不改写；用 git checkout -- \(p.path) 恢复）",
                                      "\(p.path): a committed record was rewritten (records are never rewritten; restore it with git checkout -- \(p.path))")
            }.joined(separator: "\n")
        }
    }

    /// Stages what the store gained (new records whose signature is there, new dossiers, new
    /// evidence, amended dossiers) and commits it as one commit. Refuses (`LocalDamage`)
    /// when a committed record or evidence file was changed, or any committed file deleted.
    /// nil when there was nothing to commit. Files a store's history may not hold are left
    /// untracked (verify reports them as stray).
    /// `packChunk`: at most this many files a `update-index` run when they go into a pack (`packOptions`).
    public static func commitBatch(_ layout: StoreLayout, git: Git, message: String, author: String?, language lang: Language,
                                   packChunk: Int = packChunk) throws -> Batch? {
        let status = try git.ok(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"])
        var add: [String] = []
        var damage: [(String, Bool)] = []
        for entry in Git.fields(status.stdout) {
            guard entry.utf8.count > 3 else { continue }
            let xy = String(entry.prefix(2)), path = String(entry.dropFirst(3))
            guard let place = StorePolicy.place(path) else { continue }
            if xy.contains("D") { damage.append((path, true)); continue }
            if xy == "??" || xy.contains("A") {
                if case .record(let member, let seq, _) = place {
                    // A record exists once its signature does: both files or neither.
                    guard FileManager.default.fileExists(atPath: layout.recordFile(member, seq: seq, signature: true)),
                          FileManager.default.fileExists(atPath: layout.recordFile(member, seq: seq)) else { continue }
                }
                add.append(path)
                continue
            }
            if xy.contains("M") || xy.contains("T") {
                if case .dossier = place { add.append(path) } else { damage.append((path, false)) }
            }
        }
        if !damage.isEmpty { throw LocalDamage(paths: damage.map { (path: $0.0, deleted: $0.1) }) }
        guard !add.isEmpty else { return nil }
        // Paths, not pathspecs: `git add --pathspec-from-file` matches every pathspec against
        // every path it walks (quadratic: the first commit of a 300,000-record store, 618k paths,
        // had not finished after 8 minutes); update-index takes each path as it is.
        // Into a pack, in parts of `packChunk` files, a run and a pack each: git's bulk checkin
        // looks every new object up in the list of all it wrote in that run (a linear scan), so
        // one run of 626k files was quadratic (stopped after 21 minutes, 178 MB of pack written).
        let pack = packOptions(git, files: add.count)
        let part = pack.isEmpty ? add.count : max(1, packChunk)
        var start = 0
        while start < add.count {
            let end = add.count - start > part ? start + part : add.count
            var list = Data()
            for p in add[start..<end] { list.append(contentsOf: Array(p.utf8)); list.append(0) }
            try git.ok(pack + ["update-index", "--add", "-z", "--stdin"], stdin: list)
            start = end
        }
        let staged = try git.ok(["diff", "--cached", "--name-only", "-z"])
        guard !staged.stdout.isEmpty else { return nil }
        try git.ok(["-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-m", message], extraEnvironment: Git.identity(author ?? "pingshen"))
        let commit = try git.ok(["rev-parse", "HEAD"]).line
        let records = add.filter { if case .record(_, _, true) = StorePolicy.place($0) { return true }; return false }.count
        return Batch(commit: commit, files: add.count, records: records)
    }

    /// From this many new files a commit writes them into one pack (`packOptions`): below it,
    /// loose objects as git always does (a thousand is a seventh of git's `gc.auto` threshold).
    public static let packFrom = 1000

    /// At most this many files a pack (`commitBatch`): 26 packs for the 626k files of a
    /// 300,000-record store, under git's `gc.autoPackLimit` (50); the scan of git's bulk checkin
    /// stays a part's length.
    public static let packChunk = 25_000

    /// git's options for `update-index --add` of `files` new files. Many at once (the first
    /// commit of a large store: 626k at 300k records, where a loose object each took 476 of
    /// `git enable`'s 544 s) go into **one pack**: every file larger than
    /// `core.bigFileThreshold` (1 byte here: every non-empty one) is streamed into the pack of
    /// update-index's object transaction (git's bulk checkin), not written as a loose object.
    /// The objects, and so the tree and commit ids, are the same; the index gets each file's
    /// stat data as before. Only git 2.37 and later hold that transaction in update-index
    /// (older ones would write a pack per file), so older gits keep loose objects.
    static func packOptions(_ git: Git, files: Int) -> [String] {
        guard files >= packFrom, let v = git.version(), v >= (2, 37) else { return [] }
        return ["-c", "core.bigFileThreshold=1"]
    }

    /// The path with symbolic links resolved (itself when it cannot be resolved).
    public static func canonical(_ p: String) -> String {
        guard let r = realpath(p, nil) else { return p }
        defer { free(r) }
        return String(cString: r)
    }
}
