import ArgumentParser
import Foundation
import Panel
import Records
import Review

struct SSHCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ssh", abstract: "Remote review over the host's OpenSSH.",
                                                    subcommands: [AuthorizedKeys.self])

    struct AuthorizedKeys: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "authorized-keys",
            abstract: "Print authorized_keys lines: each member's key runs only `pingshen review STORE --as ID`.")
        @OptionGroup var common: Common
        @Argument var store: String
        @Option(help: "The pingshen binary on the review host (default: this one).") var binary: String?
        @Option(help: "Merge into this authorized_keys file instead of printing (replaces this store's block).") var file: String?
        @Option(name: .customLong("git"), help: "A hub (`pingshen hub init`): each key runs only `pingshen git-gate ID HUB` (git fetch and push of that hub).") var hub: String?

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                let panel = try Governance.openPanel(store).panel
                let bin = binary ?? CommandLine.executablePath
                let block = try hub.map { try SSHAccess.gitAuthorizedKeys(hub: $0, roster: panel.roster, binary: bin) }
                    ?? SSHAccess.authorizedKeys(store: store, roster: panel.roster, binary: bin)
                if let file {
                    var existing = ""
                    if FileManager.default.fileExists(atPath: file) {
                        guard let text = String(data: try InputFile.read(file, limit: InputFile.textLimit), encoding: .utf8) else {
                            throw ActionError(zh: "无法以 UTF-8 读取 \(file)（未做任何修改）", en: "cannot read \(file) as UTF-8 (nothing was changed)")
                        }
                        existing = text
                    }
                    let merged = try SSHAccess.merge(existing: existing, block: block, store: store, file: file,
                                                     blockName: hub.map(SSHAccess.gitBlockName))
                    try DurableFile.write(Data(merged.utf8), to: file)
                    chmod(file, 0o600)   // sshd's StrictModes refuses a group- or world-writable file
                    say(lang.pick("已更新 \(file)（\(panel.roster.members.count) 位成员）", "updated \(file) (\(panel.roster.members.count) members)"))
                } else {
                    emit(block)   // checked line by line (SSHAccess.keyToken): every id and key is one safe token
                }
            }
        }
    }
}

extension CommandLine {
    /// The running binary's absolute path (/proc/self/exe on Linux).
    static var executablePath: String {
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return p }
        return SSHAccess.absolute(CommandLine.arguments[0])
    }
}

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a large signed store for benchmarks (every member scores every dossier).")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option var dossiers: Int
    @Option var members: Int
    @Option var seed: UInt64 = 1

    func validate() throws {
        try checkBounds(common.language, [("--dossiers", dossiers, Limits.simulatedDossiers, ("模拟的申报数", "simulated dossiers")),
                                          ("--members", members, Limits.simulatedMembers, ("模拟的评委数", "simulated members"))])
    }

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            let s = try Simulation.run(root: store, dossiers: dossiers, members: members, seed: seed)
            say(lang.pick("已生成 \(s.dossiers) 份申报、\(s.members) 位成员、\(s.records) 条签名记录，用时 \(String(format: "%.1f", s.seconds)) 秒",
                          "simulated \(s.dossiers) dossiers, \(s.members) members, \(s.records) signed records in \(String(format: "%.1f", s.seconds)) s"))
        }
    }
}
