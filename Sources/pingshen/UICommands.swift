import ArgumentParser
import Curses
import Foundation
import Panel
import Records
import Review
import Scoring
import TerminalUI

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Statistics for the chair: per dossier spread, member severity, Kendall's W, outliers, stability at the cut.")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option(help: "text or json") var format: String = "text"
    @Option(help: "Only this field group: its dossiers, its members' severity within it, its W, outliers and stability.") var group: String?

    func validate() throws { if let group { try checkIDs(common.language, [("--group", group)]) } }

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            try checkFormat(format, ["text", "json"])
            let session = try ReviewSession(root: store)
            // The dossiers in the running only (issue 12: one function decides, as for `rank`).
            // The round's sheets and dossiers (issue 13: the open round of a programme with rounds).
            let input = session.statisticsInput(round: nil)
            let overall = Statistics.compute(program: input.program, dossiers: input.dossiers, table: input.table)
            // Per field group (issue 13): each group's scale, and the group's own figures.
            var groups = session.groupStatistics(overall: overall)
            var stats = overall
            if let group {
                guard let g = groups.first(where: { $0.group == group }) else {
                    let known = groups.map(\.group)
                    throw ActionError(zh: "没有专业组 \(TerminalText.quoted(group))" + (known.isEmpty ? "（本项目没有专业组）" : "（现有：\(known.joined(separator: "、"))）"),
                                      en: "no group \(TerminalText.quoted(group))" + (known.isEmpty ? " (this programme has no groups)" : " (groups: \(known.joined(separator: ", ")))"))
                }
                groups = [g]
                stats = g.panel
            }
            // As `rank`: the problems are in the output, and the exit status is 1.
            let problems = session.problemCount
            var out = format == "json" ? stats.json(problems: problems) : (session.problemBanner(lang).map { $0 + "\n" } ?? "") + stats.text(lang)
            if format == "json" {
                if let close = out.lastIndex(of: "}") {
                    out.replaceSubrange(close...close, with: ",\"groups\":[" + groups.map { "\n" + $0.json() }.joined(separator: ",") + (groups.isEmpty ? "]}" : "\n]}"))
                }
            } else if !groups.isEmpty {
                let names = Dictionary(session.groups().map { ($0.id, TerminalText.sanitize($0.name.text(lang))) }, uniquingKeysWith: { a, _ in a })
                out += (out.hasSuffix("\n") ? "\n" : "\n\n") + GroupStatistics.text(groups, names: names, lang)
            }
            // Sheets made on an older version of their dossier (issue 11), listed beside the figures.
            let stale = session.staleSheets()
            // The dossiers left out, as `rank` lists them (未审核 / 不合格 / 异议成立).
            let leftOut = session.qualifications().filter { !$0.inRunning }
            if format == "json" {
                let list = stale.map { "{\"member\":\(jsonString($0.member)),\"dossier\":\(jsonString($0.dossier)),\"path\":\(jsonString($0.path)),\"counted\":\($0.counted)}" }
                let left = leftOut.map { "{\"dossier\":\(jsonString($0.dossier)),\"status\":\(jsonString($0.state.rawValue))}" }
                if let close = out.lastIndex(of: "}") {
                    out.replaceSubrange(close...close, with: ",\"stale_sheets\":[" + list.joined(separator: ",") + "],\"not_in_running\":[" + left.joined(separator: ",") + "]}")
                }
            } else if !stale.isEmpty {
                out += (out.hasSuffix("\n") ? "" : "\n") + lang.pick("材料已更新：\(stale.count) 份评分表针对较早版本的材料（\(stale[0].counted ? "照计" : "不计")）",
                                  "dossier updated: \(stale.count) sheets were made on an older version of their dossier (\(stale[0].counted ? "counted" : "not counted"))")
            }
            if format != "json", !leftOut.isEmpty {
                var r = Ranking(program: session.program.id, method: "", quota: 0, entries: [])
                r.outOfRunning = leftOut
                out += (out.hasSuffix("\n") ? "" : "\n") + r.outOfRunningText(lang)
            }
            if format == "json" { emit(out) } else { say(out) }
            if problems > 0 { throw ExitCode(1) }
        }
    }
}

/// Options of the two UI commands.
struct UIOptions: ParsableArguments {
    @Option(help: "Colour theme: default, light, high-contrast, mono, or a .toml file (NO_COLOR gives mono).")
    var theme: String?

    @Flag(name: .customLong("no-mouse"), help: "Do not take the mouse (clicks and the wheel); the terminal's own text selection then works without Shift.")
    var noMouse = false

    /// The theme and its name: NO_COLOR, else --theme, else the member's saved choice.
    func resolveTheme(saved: String? = nil) throws -> (theme: Theme, name: String) {
        if ProcessInfo.processInfo.environment["NO_COLOR"].map({ !$0.isEmpty }) == true {
            return (try Theme.named("mono"), "mono")
        }
        let name = theme ?? saved ?? "default"
        return (try Theme.named(name), name)
    }
}

/// Opens the UI for `member`; signs through `key`, else the ssh-agent. Without a usable key the
/// UI still opens (to read), and says why it cannot sign.
func openUI(store: String, member: String, key: String?, ui: UIOptions, lang flagLang: Language, langGiven: Bool, ignoredCommand: String? = nil) throws {
    // The first screen from the store index; the record files are checked beside it.
    // A store not opened on this machine before is checked in full first: the progress line
    // says how far (issue 17: a cold open of 2,000 × 20 was a blank screen for 6.5 s). It is
    // gone before the UI takes the terminal; the background check beside the UI draws nothing.
    let session = try ProgressLine.around(flagLang) { try ReviewSession(root: store, checkInBackground: true) }
    let m = try session.member(member)
    // The member's own choice of language and theme (issue 17), unless --lang / --theme say.
    let saved = Drafts(layout: session.layout).preferences(member: m.id)
    let lang = langGiven ? flagLang : (saved?.lang.map { $0 == "en" ? Language.en : .zh } ?? flagLang)
    var signer: RecordSigner?
    var problem: ActionError?
    // What the member is told when the UI opens (one line: who is signed in, how records get
    // signed, what went wrong first); the full reason comes again with any attempt to sign.
    var how: String
    var warning = false
    let noAgent = key == nil && (ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"] ?? "").isEmpty
    do {
        let s = try SignerChoice.resolve(keyPath: key, member: m)
        signer = s
        how = lang.pick("签名方式：", "signing with: ") + s.description
    } catch let e as ActionError {
        warning = true
        let short = key != nil ? e.message(lang)
            : noAgent ? lang.pick("没有 ssh-agent（远程评审请用 ssh -A 连接）", "no ssh-agent (use ssh -A)")
            : lang.pick("ssh-agent 中没有您的密钥（请先 ssh-add）", "your key is not in the ssh-agent (ssh-add it)")
        // Without a usable agent, a host-held key (STORE/keys/ID) only where the programme allows it.
        let hostKey = session.layout.root + "/keys/" + member
        if key == nil, session.program.aggregation.hostKeyAllowed {
            if FileManager.default.fileExists(atPath: hostKey) {
                do {
                    let s = try SignerChoice.resolve(keyPath: hostKey, member: m)
                    signer = s
                    how = "⚠ " + lang.pick("主机保管的密钥（本方案允许；\(short)）：", "host-held key (the programme allows it; \(short)): ") + s.description
                } catch let hk as ActionError {
                    problem = hk
                    how = "⚠ " + short + lang.pick("；主机保管的密钥也不可用：", "; the host-held key is not usable either: ") + hk.message(lang)
                }
            } else {
                problem = e
                how = "⚠ " + short + lang.pick("；本方案允许的主机保管密钥 keys/\(member) 不存在", "; no host-held key at keys/\(member) (the programme allows one)")
            }
        } else {
            problem = e
            how = "⚠ " + lang.pick("不能签名：", "cannot sign: ") + short
        }
    }
    var text = lang.pick("已登录：\(m.name)（\(m.id)）· ", "signed in: \(m.name) (\(m.id)) · ") + how
    if let ignoredCommand {
        text += lang.pick(" · 未执行命令“\(ignoredCommand)”", " · the command '\(ignoredCommand)' was not run")
    }
    let backend = try SessionBackend(session: session, member: member, signer: signer, signerProblem: problem)
    let (theme, themeName) = try ui.resolveTheme(saved: saved?.theme)
    try TerminalApp.run(backend: backend, theme: theme, themeName: themeName, lang: lang, mouse: !ui.noMouse, greeting: (text, warning))
    // Ended by a signal (a dropped connection, Ctrl-C from outside): the terminal is restored and
    // drafts are on disk; say so in the exit status, as a shell would.
    if let signal = TerminalApp.interruptedBy { throw ExitCode(128 + signal) }
}

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "review", abstract: "The terminal UI: score dossiers, or as chair watch progress and finalize.")
    @OptionGroup var common: Common
    @OptionGroup var ui: UIOptions
    @Argument var store: String
    @Option(name: .customLong("as"), help: "Your member id.") var id: String
    @Option(help: "Unencrypted OpenSSH key file (default: ssh-agent, forwarded with ssh -A in a remote session).") var key: String?

    func validate() throws { try checkIDs(common.language, [("--as", id)]) }

    func run() throws {
        let lang = common.language
        let env = ProcessInfo.processInfo.environment
        // A hang-up (dropped connection), Ctrl-C or kill must reach the UI even when the parent
        // left them blocked: drafts are saved as typed, and the terminal is restored on the way out.
        var stopping = sigset_t()
        sigemptyset(&stopping)
        for sig in [SIGHUP, SIGINT, SIGTERM] { sigaddset(&stopping, sig) }
        pthread_sigmask(SIG_UNBLOCK, &stopping, nil)
        if env["SSH_CONNECTION"] != nil {
            // A remote session: records are shared with the other sessions of the service account only.
            umask(0o007)
            if let command = env["SSH_ORIGINAL_COMMAND"], !command.isEmpty, isatty(0) == 0 {
                fail(lang.pick("此连接只能进入评审界面，不执行命令（“\(command)”）。请用 ssh -t 连接。",
                               "this connection only opens the review UI; it runs no command ('\(command)'). Connect with ssh -t."))
            }
        }
        guard isatty(0) != 0, isatty(1) != 0 else {
            fail(lang.pick("评审界面需要终端（远程评审请用 ssh -t）", "the review UI needs a terminal (use ssh -t for remote review)"))
        }
        try guarded(lang) {
            let command = env["SSH_CONNECTION"] != nil ? env["SSH_ORIGINAL_COMMAND"].flatMap { $0.isEmpty ? nil : $0 } : nil
            try openUI(store: store, member: id, key: key, ui: ui, lang: lang, langGiven: common.lang != nil, ignoredCommand: command)
        }
    }
}

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The terminal UI on a built-in demo store (Shanghai programme, a dozen dossiers, a panel of seven).")
    @OptionGroup var common: Common
    @OptionGroup var ui: UIOptions
    @Option(name: .customLong("as"), help: "Seat to take: m01 (a member, default), c01 (the chair) or s01 (the secretary).") var id: String = "m01"
    @Option(help: "Where to build the demo store (default: a new temporary folder).") var store: String?
    @Flag(help: "Print the demo store's ranking instead of opening the UI.") var print = false

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            let root = store ?? FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-demo-\(ProcessInfo.processInfo.processIdentifier)").path
            let keys = try DemoStore.build(at: root)
            guard let key = keys[id] else {
                throw ActionError(zh: "演示库没有席位 \(id)（m01…m05、c01、s01）", en: "the demo has no seat \(id) (m01…m05, c01, s01)")
            }
            if print || isatty(0) == 0 || isatty(1) == 0 {
                let session = try ReviewSession(root: root)
                say(session.standing().ranking.table(lang))
                say(lang.pick("演示库：\(root)（用 pingshen review \(root) --as \(id) --key \(key) 打开界面）",
                              "demo store: \(root) (open the UI with: pingshen review \(root) --as \(id) --key \(key))"))
                return
            }
            try openUI(store: root, member: id, key: key, ui: ui, lang: lang, langGiven: common.lang != nil)
            warn(lang.pick("演示库保留在 \(root)", "the demo store stays at \(root)"))
        }
    }
}
