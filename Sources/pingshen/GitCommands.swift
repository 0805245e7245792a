import ArgumentParser
import Foundation
import Panel
import Records
import Review
import Replication

/// `pingshen git …`: a store that is also a git repository (issue 14, README "Several hosts").
struct GitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "git", abstract: "A store kept in git, to sync between hosts.",
                                                    subcommands: [Enable.self])

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a store a git repository (or adopt a `git clone` of a hub): .gitignore, git's many-files settings, views, one commit.")
        @OptionGroup var common: Common
        @Argument(help: "The store.") var store: String
        @Option(name: .customLong("as"), help: "The member named as the commit's author (default: pingshen).") var author: String?

        func run() throws {
            let lang = common.language
            if let author { try checkIDs(lang, [("--as", author)]) }
            try guarded(lang) { try enableGit(store: store, author: author, lang: lang) }
        }
    }
}

/// `git enable` and `init --git`: reports what was done.
func enableGit(store: String, author: String?, lang: Language) throws {
    let e = try GitStore.enable(StoreLayout(store), author: author, language: lang)
    let what = e.commit.map { lang.pick("，提交 \($0.commit.prefix(12))（\($0.files) 个文件）", ", commit \($0.commit.prefix(12)) (\($0.files) files)") }
        ?? lang.pick("，无新文件可提交", ", nothing new to commit")
    say((e.created ? lang.pick("已将 \(store) 建为 git 仓库", "\(store) is now a git repository")
                   : lang.pick("\(store) 已是 git 仓库，设置已核对", "\(store) was a git repository; settings checked")) + what)
}
