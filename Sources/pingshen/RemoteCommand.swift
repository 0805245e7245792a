import ArgumentParser
import Foundation
import Panel
import Records
import Review
import Replication

/// `pingshen remote …` (issue 14, README "Several hosts"): a store's remotes. A read-only one
/// is another level's hub (the city names a district's), pinned to that store's fingerprint;
/// `promote --from-remote` takes its approved list from the fetched history.
struct RemoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remote", abstract: "A git store's remotes: other hosts of it, and other levels' hubs (read-only).",
                                                    subcommands: [Add.self, List.self, Fetch.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a remote: another host of this store (to sync with), or with --read-only another level's hub (to promote from).")
        @OptionGroup var common: Common
        @Argument(help: "The store (a git store).") var store: String
        @Argument(help: "The remote's name (letters, digits, - and _).") var name: String
        @Argument(help: "Its URL: a path or an ssh:// URL.") var url: String
        @Flag(name: .customLong("read-only"), help: "Another level's store: never merged, never pushed to; promote --from-remote takes its approved list.")
        var readOnly = false
        @Option(help: "That store's fingerprint, as its public notice printed it (required with --read-only).") var fingerprint: String?

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                let r = try LevelRemote.add(StoreLayout(store), name: name, url: url, readOnly: readOnly, fingerprint: fingerprint, language: lang)
                say(r.readOnly
                    ? lang.pick("已添加只读远端 \(r.name)：\(r.url)（另一级评审库，指纹 \(r.fingerprint ?? "")）；用 pingshen promote \(store) --from-remote \(r.name) 取其审定名单",
                                "added read-only remote \(r.name): \(r.url) (another level's store, fingerprint \(r.fingerprint ?? "")); pingshen promote \(store) --from-remote \(r.name) takes its approved list")
                    : lang.pick("已添加远端 \(r.name)：\(r.url)；用 pingshen sync \(store) \(r.name) 同步", "added remote \(r.name): \(r.url); pingshen sync \(store) \(r.name) keeps it in step"))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the store's remotes (name, URL, read-only with the fingerprint and the commit last fetched and checked).")
        @OptionGroup var common: Common
        @Argument(help: "The store (a git store).") var store: String

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                for r in try LevelRemote.list(StoreLayout(store)) {
                    let url = TerminalText.quoted(r.url)
                    if r.readOnly {
                        say("\(r.name)\t\(url)\t" + lang.pick("只读 指纹 \(r.fingerprint ?? "") 已取回 \(r.fetched.map { String($0.prefix(12)) } ?? "无")",
                                                           "read-only fingerprint \(r.fingerprint ?? "") fetched \(r.fetched.map { String($0.prefix(12)) } ?? "none")"))
                    } else {
                        say("\(r.name)\t\(url)\t" + lang.pick("同步", "sync"))
                    }
                }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a remote: its git settings, and for a read-only one its checked ref and its kept check tree.")
        @OptionGroup var common: Common
        @Argument(help: "The store (a git store).") var store: String
        @Argument(help: "The remote's name.") var name: String

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                let r = try LevelRemote.remove(StoreLayout(store), name: name)
                if let left = r.left {
                    warn(lang.pick("未删除 \(TerminalText.quoted(left))：不是本用户自己的文件夹（符号链接或他人的），原样保留，未跟随",
                                   "left \(TerminalText.quoted(left)) as it is: not a folder of this user's (a symbolic link, or another user's); not followed"))
                }
                let url = TerminalText.quoted(r.remote.url)
                say(lang.pick("已删除远端 \(name)（\(url)）" + (r.checkTreeRemoved ? "及其核验检出树" : ""),
                              "removed remote \(name) (\(url))" + (r.checkTreeRemoved ? " and its kept check tree" : "")))
            }
        }
    }

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch a read-only remote and check it (add-only history that grows from the last fetch, its tip verified, its fingerprint).",
            discussion: "Exit 0: fetched and checked; 1: refused (nothing was taken); 2: the remote could not be reached.")
        @OptionGroup var common: Common
        @Argument(help: "The store (a git store).") var store: String
        @Argument(help: "The read-only remote's name.") var name: String

        func run() throws {
            let lang = common.language
            var status: Int32 = 0
            try guarded(lang) {
                let f = try LevelRemote.fetch(StoreLayout(store), name: name, language: lang)
                status = f.status.rawValue
                reportLevelFetch(f, lang: lang)
            }
            if status != 0 { throw ExitCode(status) }
        }
    }
}

/// What a fetch of a read-only remote found, on standard output (taken) or error (refused,
/// unreachable), each refusal with its path and kind.
func reportLevelFetch(_ f: LevelRemote.Fetched, lang: Language) {
    let name = f.remote.name
    for x in f.refusals { warn(lang.pick("拒收 ", "refused ") + x.message(lang)) }
    for p in f.problems { warn(lang.pick("拒收 ", "refused ") + "\(p.path): \(p.kind): \(p.message)") }
    switch f.status {
    case .inStep:
        say(lang.pick("已取回并核验 \(name) 的 \(f.commit.prefix(12))：\(f.records) 条记录，评审库指纹 \(f.fingerprint ?? "")",
                      "fetched and checked \(name) at \(f.commit.prefix(12)): \(f.records) records, store fingerprint \(f.fingerprint ?? "")"))
    case .refused:
        if !f.remoteSaid.isEmpty { warn(f.remoteSaid) }
        warn(lang.pick("已拒收 \(name) 的历史：什么也没有采用", "refused \(name)'s history: nothing was taken"))
    case .unreachable:
        warn(lang.pick("无法连接 \(name)（\(f.remote.url)）：", "could not reach \(name) (\(f.remote.url)): ") + f.remoteSaid)
    }
}
