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
                let (panel, governance) = try Governance.openPanel(store)
                let bin = binary ?? CommandLine.executablePath
                // A hub's block also lets in the review hosts the roster names (their keys push).
                let hosts = governance.currentHosts.map { SSHAccess.KeyEntry(id: $0.id, key: $0.key, isHost: true) }
                let block = try hub.map { try SSHAccess.gitAuthorizedKeys(hub: $0, roster: panel.roster, hosts: hosts, binary: bin) }
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
                    let n = panel.roster.members.count, h = hub == nil ? 0 : hosts.count
                    say(lang.pick("已更新 \(file)（\(n) 位成员\(h > 0 ? "，\(h) 台主机" : "")）", "updated \(file) (\(n) members\(h > 0 ? ", \(h) hosts" : ""))"))
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
    static let configuration = CommandConfiguration(
        abstract: "Create a large signed store for benchmarks (every member scores every dossier; with --groups, only the K members assigned to it; with --rounds 2, a shortlist and a committee round).",
        discussion: "With --groups G --per-dossier K: the programme gets G field groups (member j sits in group j mod G), the secretary signs the groups, the grouping by field and an assignment (the real algorithm, seeded by --seed), members score their assigned dossiers only, and the recused pairs are re-assigned and scored.")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option var dossiers: Int
    @Option var members: Int
    @Option var seed: UInt64 = 1
    @Option(help: "Field groups (1…\(Simulation.Grouped.maxGroups)); each dossier is assigned to --per-dossier members of its group.") var groups: Int?
    @Option(name: .customLong("per-dossier"), help: "Members per dossier in a grouped store (default 5).") var perDossier: Int?
    @Option(help: "Rounds of a grouped store: 1, or 2 (初评 by the groups, a shortlist of 3× the quota signed by the chair, 终评 by the committee).")
    var rounds: Int?

    func validate() throws {
        try checkBounds(common.language, [("--dossiers", dossiers, Limits.simulatedDossiers, ("模拟的申报数", "simulated dossiers")),
                                          ("--members", members, Limits.simulatedMembers, ("模拟的评委数", "simulated members"))])
        if let groups {
            try checkBounds(common.language, [("--groups", groups, 1...Simulation.Grouped.maxGroups, ("专业组数", "field groups"))])
        }
        if let perDossier {
            guard groups != nil else {
                throw ValidationError(common.language.pick("--per-dossier 需与 --groups 同用", "--per-dossier needs --groups"))
            }
            try checkBounds(common.language, [("--per-dossier", perDossier, 1...AssignmentPlan.maxPerDossier, ("每份材料的评审人数", "members per dossier"))])
        }
        if let rounds {
            guard groups != nil else { throw ValidationError(common.language.pick("--rounds 需与 --groups 同用", "--rounds needs --groups")) }
            try checkBounds(common.language, [("--rounds", rounds, 1...2, ("评审轮数", "rounds"))])
        }
    }

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            let grouped = groups.map { Simulation.Grouped(groups: $0, perDossier: perDossier ?? 5, rounds: rounds ?? 1) }
            let s = try Simulation.run(root: store, dossiers: dossiers, members: members, seed: seed, grouped: grouped)
            say(lang.pick("已生成 \(s.dossiers) 份申报、\(s.members) 位成员、\(s.records) 条签名记录，用时 \(String(format: "%.1f", s.seconds)) 秒",
                          "simulated \(s.dossiers) dossiers, \(s.members) members, \(s.records) signed records in \(String(format: "%.1f", s.seconds)) s"))
            if grouped != nil {
                say(lang.pick("\(s.groups) 个专业组，每份 \(s.perDossier) 人；回避后重新分配 \(s.replaced) 对",
                              "\(s.groups) groups, \(s.perDossier) members per dossier; \(s.replaced) pairs re-assigned after recusals"))
            }
            if (grouped?.rounds ?? 1) > 1 {
                say(lang.pick("第 1 轮入围 \(s.shortlisted) 份（裁定并列 \(s.tiesResolved) 份），第 2 轮由全体评委评审",
                              "round 1 shortlisted \(s.shortlisted) dossiers (\(s.tiesResolved) tied at a line, resolved); round 2 scored by the whole committee"))
            }
        }
    }
}
