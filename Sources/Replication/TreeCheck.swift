import Foundation
import Panel
import Records
import Review
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `verify` of a git tree that is not checked out: the tree a sync would produce, or the tip a
/// push would leave on the hub. The tree is checked out beside the objects (the tree kept
/// between checks, `CheckTree`, moved there by writing only what differs; or a scratch folder
/// written whole), its views are written from its own signed history, and `StoreVerify` runs
/// on it: the same checks as `pingshen verify`, against the roster that tree's governance chain gives.
public enum TreeCheck {
    public struct Outcome: Sendable {
        public var report: VerifyReport
        /// The members the tree's signed roster holds (removed members are not on it).
        public var members: Set<String>
        /// Each member's current key line (`ssh-ed25519 AAAA…`), by id.
        public var keys: [String: String] = [:]
        /// Each current review host's key line, by id (host-add, not removed).
        public var hostKeys: [String: String] = [:]
        /// The keys that may sign a push, by id: every member's and every host's (ids never
        /// collide: the history refuses an id used by either).
        public var pushKeys: [String: String] { keys.merging(hostKeys) { m, _ in m } }
        /// Whether `id` may push: a member or a review host of the signed roster.
        public func mayPush(_ id: String) -> Bool { members.contains(id) || hostKeys[id] != nil }
    }

    /// Problems that do not stop a record from being replicated: what two hosts acting
    /// concurrently bring about (`StoreVerify.replicable`, where each is argued).
    public static var replicable: Set<String> { StoreVerify.replicable }

    /// Verifies `tree` (an object id). `scratchParent`: a folder on the repository's file system.
    ///
    /// `cache`: a verified-record cache file (`VerifyCache`: HMAC entries under this user's
    /// secret, "this signature over these bytes was valid") that the check starts from and
    /// leaves the signatures it checked in. A sync passes the store's own, so that a record
    /// this host already holds is not checked again, only what came in; the records the
    /// merge brings are then known to the host's next command (issue 14: sync used to verify
    /// every signature twice per merge). Everything else (roster, chains, rules, pins) is
    /// checked in full each time, as `verify --cached` does.
    /// `persistent`: check in the tree kept between checks (`withCheckout`).
    public static func verify(_ git: Git, tree: String, scratchParent: String, cache: String? = nil, persistent: Bool = true,
                              language lang: Language) throws -> Outcome {
        try withCheckout(git, tree: tree, scratchParent: scratchParent, cache: cache, persistent: persistent, language: lang) { layout, st in
            try check(layout, governance: st, cache: cache, language: lang)
        }
    }

    /// Checks `tree` out, runs `body` on it (a store of its own, its views written from its
    /// own signed history), and leaves it.
    ///
    /// `persistent` (issue 14: a sync wrote and removed the whole tree, 618k files at 300k
    /// records, and that file-system work dominated): the tree is kept between checks in
    /// `scratchParent/pingshen/check-UID/` (`CheckTree`) and brought from what it held to
    /// `tree` by writing only what differs. Otherwise (and whenever the kept tree cannot be
    /// used: another user's files, a full disk) it is written whole into a scratch folder under
    /// `scratchParent` and removed after. Either way the store `body` sees holds exactly the
    /// tree's files, and its paths are checked before any file is written (`CheckTree.safe`: regular
    /// files at relative paths only).
    /// `cache`: a verified-record cache file the store starts from (see `verify`).
    /// `keptName`: which kept tree (`CheckTree.init(parent:name:)`; a level remote keeps its own).
    public static func withCheckout<T>(_ git: Git, tree: String, scratchParent: String, cache: String? = nil, persistent: Bool = true,
                                       keptName: String = "check",
                                       language lang: Language, _ body: (StoreLayout, Governance.State) throws -> T) throws -> T {
        guard persistent else { return try withScratch(git, tree: tree, scratchParent: scratchParent, cache: cache, language: lang, body) }
        let kept = CheckTree(parent: scratchParent, name: keptName)
        let lock: Int32
        do { lock = try kept.lock() } catch {
            return try withScratch(git, tree: tree, scratchParent: scratchParent, cache: cache, language: lang, body)
        }
        defer { close(lock) }
        do {
            try kept.bring(git, to: tree)
        } catch let e as CheckTree.UnsafePath {
            throw ActionError(zh: e.message(.zh), en: e.message(.en))
        } catch {
            return try withScratch(git, tree: tree, scratchParent: scratchParent, cache: cache, language: lang, body)
        }
        return try open(StoreLayout(kept.work), cache: cache, language: lang, body)
    }

    /// The tree written whole into a scratch folder under `scratchParent`, removed after.
    static func withScratch<T>(_ git: Git, tree: String, scratchParent: String, cache: String?, language lang: Language,
                               _ body: (StoreLayout, Governance.State) throws -> T) throws -> T {
        let scratch = scratchParent + "/pingshen-check-" + UUID().uuidString
        let work = scratch + "/store"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let env = ["GIT_INDEX_FILE": scratch + "/index"]
        do { try CheckTree.refuseUnsafe(git, tree: tree) } catch let e as CheckTree.UnsafePath { throw ActionError(zh: e.message(.zh), en: e.message(.en)) }
        try git.ok(["read-tree", tree], extraEnvironment: env)
        try git.ok(["--work-tree=" + work, "checkout-index", "-a"], extraEnvironment: env)
        return try open(StoreLayout(work), cache: cache, language: lang, body)
    }

    /// A checked-out tree made a store: the verified-record cache copied in, the views written.
    static func open<T>(_ layout: StoreLayout, cache: String?, language lang: Language, _ body: (StoreLayout, Governance.State) throws -> T) throws -> T {
        if let cache, let known = FileManager.default.contents(atPath: cache) {
            try FileManager.default.createDirectory(atPath: layout.cacheDir, withIntermediateDirectories: true)
            try known.write(to: URL(fileURLWithPath: VerifyCache.path(layout)))
        }
        let st = try Governance.load(layout, language: lang)
        if st.genesis != nil { try Governance.writeViews(st, layout: layout) }
        return try body(layout, st)
    }

    /// `verify` of a checked-out tree (`withCheckout`): its problems, named relative to the store.
    /// `cache`: where the signatures it checked are left (see `verify`).
    public static func check(_ layout: StoreLayout, governance st: Governance.State, cache: String? = nil, language lang: Language) throws -> Outcome {
        let work = layout.root
        // Through the index path (`cached`): with no index in the scratch folder every record is
        // read and checked, the signatures through the verified-record cache it was given. All
        // that `pingshen verify` checks (`StoreVerify`): a forged shortlist is found here too.
        var report = try StoreVerify.report(layout: layout, language: lang, cached: true)
        if let cache, let after = FileManager.default.contents(atPath: VerifyCache.path(layout)), after != FileManager.default.contents(atPath: cache) {
            try? FileManager.default.createDirectory(atPath: (cache as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try? DurableFile.write(after, to: cache, replace: true, sync: false)
        }
        // Paths are named relative to the store: the scratch folder never shows.
        for i in report.problems.indices {
            report.problems[i].message = report.problems[i].message.replacingOccurrences(of: work + "/", with: "")
                .replacingOccurrences(of: work, with: ".")
        }
        var keys: [String: String] = [:]
        for m in st.roster.members { keys[m.id] = m.key }
        var hostKeys: [String: String] = [:]
        for h in st.currentHosts { hostKeys[h.id] = h.key }
        return Outcome(report: report, members: Set(st.roster.members.map(\.id)), keys: keys, hostKeys: hostKeys)
    }

    /// The problems of `after` that `before` did not have (by path and kind), leaving out the
    /// replicable ones. `rounds-unchecked` is never excused as old: that this store's rounds
    /// could not be checked either says nothing of the shortlists the fetch would bring.
    public static func newProblems(_ after: [Problem], over before: [Problem]) -> [Problem] {
        let old = Set(before.map { $0.path + "\u{0}" + $0.kind })
        return after.filter { !replicable.contains($0.kind) && ($0.kind == StoreVerify.uncheckedKind || !old.contains($0.path + "\u{0}" + $0.kind)) }
    }
}
