import ArgumentParser
import Foundation
import Panel
import Records
import Review
import Replication

/// `pingshen clone HUB STORE [--fingerprint HEX]` (issue 14): exit 0 cloned, 1 refused (nothing
/// left behind), 2 the hub could not be reached.
struct CloneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clone",
        abstract: "Bring a store from a hub onto this host, verified before it is checked out.",
        discussion: "Exit 0: cloned; 1: refused (nothing is left behind); 2: the hub could not be reached.")
    @OptionGroup var common: Common
    @Argument(help: "The hub: a path or an ssh:// URL.") var hub: String
    @Argument(help: "The store folder to create (must not exist, or be empty).") var store: String
    @Option(help: "The store fingerprint the store published (its public notice); refused unless it is that one.") var fingerprint: String?

    func run() throws {
        let lang = common.language
        var status: Int32 = 0
        try guarded(lang) {
            let r = try Clone.run(hub: hub, store: store, fingerprint: fingerprint, language: lang)
            status = r.status.rawValue
            for x in r.refusals { warn(lang.pick("拒收 ", "refused ") + x.message(lang)) }
            for p in r.problems { warn(lang.pick("拒收 ", "refused ") + "\(p.path): \(p.kind): \(p.message)") }
            switch r.status {
            case .inStep:
                say(lang.pick("已克隆 \(store)：\(r.records) 条记录，存储指纹 \(r.fingerprint ?? "")",
                              "cloned \(store): \(r.records) records, store fingerprint \(r.fingerprint ?? "")"))
            case .refused:
                warn(lang.pick("克隆被拒：什么也没有留下", "clone refused: nothing was left behind"))
            case .unreachable:
                warn(lang.pick("无法连接 \(hub)：", "could not reach \(hub): ") + r.remoteSaid)
            }
        }
        if status != 0 { throw ExitCode(status) }
    }
}
