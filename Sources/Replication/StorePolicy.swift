import Foundation
import Panel
import Records

/// What may enter a store's git history, path by path: the rule a hub enforces on every pushed
/// commit and `sync` on every fetched one (README "Several hosts"). A store only grows:
///
/// - `records/MEMBER/NNN/NNNNNN.json` and `.json.sig` (`RecordFileName.path`, the one spelling:
///   a record in another seq's folder or outside the folders is not a store file): added,
///   never changed or deleted. A record
///   file that comes in with other bytes than the one already there is an edit, or a fork (the
///   member signed two different records at that seq on two hosts).
/// - `evidence/NS/…` (a promotion's evidence, pinned by the intake record): added only.
/// - `dossiers/ID.yaml`: added, or replaced by the version a signed `dossier-amend` record
///   names (the one file the store format replaces; the verification of the whole tree that
///   follows reports any other version as `dossier-changed`). Never deleted.
/// - `.gitignore`: exactly `GitStore.ignoreText`.
/// - Nothing else: no view (roster.yaml, allowed_signers, program.yaml, sanctions.yaml are
///   written from the records), no cache, no draft, no key, no symbolic link, no executable,
///   no submodule.
public enum StorePolicy {
    /// One path a commit changes, as `git diff-tree -r --raw` gives it.
    public struct Change: Sendable, Hashable {
        /// A (added), M (modified), D (deleted), T (type changed), or another letter git uses.
        public var status: String
        public var oldMode: String
        public var newMode: String
        public var oldBlob: String
        public var newBlob: String
        public var path: String
        /// The commit that makes the change (empty when the change is between two trees).
        public var commit: String = ""
        public init(status: String, oldMode: String, newMode: String, oldBlob: String, newBlob: String, path: String, commit: String = "") {
            self.status = status; self.oldMode = oldMode; self.newMode = newMode; self.oldBlob = oldBlob; self.newBlob = newBlob
            self.path = path; self.commit = commit
        }
    }

    /// Why a change is refused: `kind` is one of not-a-store-file, not-a-regular-file, deleted,
    /// changed, fork.
    public struct Refusal: Sendable, Hashable {
        public var path: String
        public var kind: String
        public var zh: String
        public var en: String
        public func message(_ lang: Language) -> String { "\(path): \(kind): " + lang.pick(zh, en) }
    }

    /// What a tracked path is.
    public enum Place: Equatable, Sendable {
        case record(member: String, seq: Int, signature: Bool)
        case dossier(String)
        case evidence
        case ignoreFile
    }

    /// The place of `path` in a store, nil when a store's history may not hold it.
    public static func place(_ path: String) -> Place? {
        if path == ".gitignore" { return .ignoreFile }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let top = parts.first else { return nil }
        switch top {
        case "records":
            guard let (member, e) = RecordFileName.parsePath(path), Identifier.isValid(member) else { return nil }
            switch e {
            case .json(let n): return .record(member: member, seq: n, signature: false)
            case .sig(let n): return .record(member: member, seq: n, signature: true)
            }
        case "dossiers":
            guard parts.count == 2, parts[1].hasSuffix(".yaml"), Identifier.isValid(String(parts[1].dropLast(5))) else { return nil }
            return .dossier(String(parts[1].dropLast(5)))
        case PromotionEvidence.dir:
            // evidence/NS/ and at most four names under it (PromotionEvidence.isSafePath).
            guard parts.count >= 3, parts.count <= 6, parts.dropFirst().allSatisfy(Identifier.isValid) else { return nil }
            return .evidence
        default:
            return nil
        }
    }

    /// The refusal of one change, nil when a store may take it.
    public static func check(_ c: Change) -> Refusal? {
        func refuse(_ kind: String, _ zh: String, _ en: String) -> Refusal { Refusal(path: c.path, kind: kind, zh: zh, en: en) }
        guard let place = place(c.path) else {
            return refuse("not-a-store-file", "不是评审库的文件（只复制 records/、dossiers/、evidence/ 与 .gitignore）",
                          "not a store file (only records/, dossiers/, evidence/ and .gitignore are replicated)")
        }
        if c.status == "D" {
            return refuse("deleted", "删除了已有文件：评审库只增不减", "deletes an existing file: a store only grows")
        }
        guard c.newMode == "100644" else {
            return refuse("not-a-regular-file", "不是普通文件（模式 \(c.newMode)：符号链接、可执行文件或子模块）",
                          "not a regular file (mode \(c.newMode): a symbolic link, an executable or a submodule)")
        }
        guard c.status != "A" else { return nil }
        switch place {
        case .dossier:
            // A signed amendment replaces the file; the tree's verification judges the version.
            return c.status == "M" ? nil : refuse("changed", "以不允许的方式改动了材料文件（\(c.status)）", "changes a dossier file in a way a store never does (\(c.status))")
        case .record(let member, let seq, _):
            return refuse("changed", "改动了已有的记录：记录从不改写（这是篡改，或成员 \(member) 在序号 \(seq) 签了两份不同的记录）",
                          "changes an existing record: records are never rewritten (an edit, or member \(member) signed two different records at seq \(seq))")
        case .evidence:
            return refuse("changed", "改动了已有的晋升证据文件", "changes an existing promotion evidence file")
        case .ignoreFile:
            return refuse("changed", "改动了 .gitignore", "changes .gitignore")
        }
    }

    /// Parses `git diff-tree -r -z --raw` output: commit headers (with `--stdin`) and entries
    /// `:OLDMODE NEWMODE OLDBLOB NEWBLOB STATUS` NUL `PATH` NUL.
    public static func parseRaw(_ data: Data) -> [Change] {
        let fields = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        var out: [Change] = []
        var commit = ""
        var i = 0
        while i < fields.count {
            let f = fields[i]
            if f.hasPrefix(":") {
                let meta = f.dropFirst().split(separator: " ").map(String.init)
                guard meta.count == 5, i + 1 < fields.count else { i += 1; continue }
                out.append(Change(status: String(meta[4].prefix(1)), oldMode: meta[0], newMode: meta[1], oldBlob: meta[2], newBlob: meta[3],
                                  path: fields[i + 1], commit: commit))
                i += 2
            } else {
                let t = f.trimmingCharacters(in: .whitespacesAndNewlines)
                if !t.isEmpty { commit = String(t.prefix(40)) }
                i += 1
            }
        }
        return out
    }

    /// Every change the commits in `revisions` (rev-list arguments: `NEW --not --all`,
    /// `THEIRS --not HEAD`) make, each against each of its parents (a merge against both; a
    /// root commit against the empty tree). A change made in one commit and undone in the next
    /// is seen: every commit of the history must keep the rule, not only its tip.
    public static func changes(_ git: Git, revisions: [String]) throws -> [Change] {
        let list = try git.ok(["rev-list", "--parents"] + revisions)
        guard !list.stdout.isEmpty else { return [] }
        let diff = try git.ok(["diff-tree", "-r", "-z", "--no-renames", "--root", "-m", "--stdin"], stdin: list.stdout)
        return parseRaw(diff.stdout)
    }

    /// The refusals among `changes`, each path once (the first reason found).
    public static func refusals(_ changes: [Change]) -> [Refusal] {
        var seen = Set<String>()
        var out: [Refusal] = []
        for c in changes {
            guard let r = check(c), !seen.contains(r.path) else { continue }
            seen.insert(r.path)
            out.append(r)
        }
        return out
    }
}
