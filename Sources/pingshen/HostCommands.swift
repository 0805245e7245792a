import ArgumentParser
import Foundation
import Panel
import Records
import Review

/// `pingshen host add|remove|list` (issue 14): the review hosts the signed roster names. A
/// host's key (a district or city review host, an off-site copy) signs pushes to the store's
/// hub (`pingshen sync STORE --as HOST --key …`) and reaches it over ssh through the gate
/// (`ssh authorized-keys STORE --git HUB` writes its line); it never signs a record. Each
/// change is a governance record signed by a secretary, as for members.
struct HostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "host", abstract: "Review hosts whose keys sign pushes to the hub: signed governance records.",
                                                    subcommands: [Add.self, Remove.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Name a review host: a host-add record signed by a secretary. The host's key then signs its pushes (sync --as HOST); it signs no record.")
        @OptionGroup var common: Common
        @Argument var store: String
        @Option(name: .customLong("as"), help: "The secretary who signs.") var secretary: String
        @Option(help: "The secretary's unencrypted private key file (default: ssh-agent).") var key: String?
        @Option(help: "The host's id (never a member's or another host's).") var id: String
        @Option(help: "A name for people (e.g. 青浦区评审主机).") var name: String?
        @Option(help: "The host's OpenSSH public key file (HOST.pub); its own key, no member's.") var pubkey: String
        @Option var reason: String

        func validate() throws { try checkIDs(common.language, [("--as", secretary), ("--id", id)]) }

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                let rec = try signGovernance(.hostAdd(id: id, name: name, pubkey: try readPublicKey(pubkey), reason: reason),
                                             store: store, as: secretary, key: key, lang: lang)
                let fp = (try? SSHPublicKey(line: rec.record.body["host"]?["key"]?.string ?? "").fingerprint) ?? ""
                say(lang.pick("已添加主机 \(id)（\(fp)）：\(rec.path)", "added host \(id) (\(fp)): \(rec.path)"))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a review host: a host-remove record signed by a secretary; its key no longer signs pushes.")
        @OptionGroup var common: Common
        @Argument var store: String
        @Option(name: .customLong("as"), help: "The secretary who signs.") var secretary: String
        @Option(help: "The secretary's unencrypted private key file (default: ssh-agent).") var key: String?
        @Option var id: String
        @Option var reason: String

        func validate() throws { try checkIDs(common.language, [("--as", secretary), ("--id", id)]) }

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                let rec = try signGovernance(.hostRemove(id: id, reason: reason), store: store, as: secretary, key: key, lang: lang)
                say(lang.pick("已移除主机 \(id)：其密钥不再能签名推送：\(rec.path)", "removed host \(id): its key no longer signs pushes: \(rec.path)"))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the review hosts the signed roster names now.")
        @OptionGroup var common: Common
        @Argument var store: String

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                let st = try Governance.openPanel(store).governance
                let rows = try st.currentHosts.map { h in [h.id, h.name ?? "", try SSHPublicKey(line: h.key).fingerprint] }
                say(TextTable.render(headers: [lang.pick("主机", "host"), lang.pick("名称", "name"), lang.pick("密钥指纹", "key")], rows: rows))
            }
        }
    }
}
