import ArgumentParser
import Foundation
import Panel
import Records
import Review
import Replication
#if canImport(Glibc)
import Glibc
#endif

/// `pingshen hub init PATH --store-fingerprint HEX`: a bare repository that only grows.
struct HubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hub", abstract: "A hub that only grows: the bare repository hosts sync through.",
                                                    subcommands: [HubInit.self])

    struct HubInit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create a bare repository whose pre-receive hook refuses any push that is unsigned, changes or deletes a file, holds a record that does not verify, or a fork.")
        @OptionGroup var common: Common
        @Argument(help: "The hub's folder (must not exist, or be empty).") var path: String
        @Option(name: .customLong("store-fingerprint"), help: "The store fingerprint (init and verify print it) this hub takes.") var fingerprint: String
        @Option(help: "The pingshen binary the hook runs (default: this one).") var binary: String?

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                let abs = try Hub.create(path: path, fingerprint: fingerprint, binary: binary ?? CommandLine.executablePath, language: lang)
                say(lang.pick("已创建集线库 \(abs)（只收指纹 \(fingerprint.lowercased()) 的评审库；pre-receive 钩子已安装）",
                              "hub created at \(abs) (takes only store \(fingerprint.lowercased()); pre-receive hook installed)"))
                say(lang.pick("只收由名单上的密钥签名的推送（pingshen sync 评审库 集线库 --as 编号 [--key 私钥]）",
                              "takes only pushes signed with a key on the signed roster (pingshen sync STORE HUB --as ID [--key PATH])"))
            }
        }
    }
}

/// `pingshen git-hook pre-receive`: what a hub's hook runs (githooks(5)).
struct GitHookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "git-hook", abstract: "Run by a hub's git hook (pre-receive); not for people.")
    @OptionGroup var common: Common
    @Argument(help: "The hook: pre-receive.") var hook: String

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        let lang = common.lang != nil ? common.language : Hub.language(gitDir: env["GIT_DIR"] ?? ".")
        guard hook == "pre-receive" else {
            fail(lang.pick("未知的钩子 \(TerminalText.quoted(hook))（只有 pre-receive）", "unknown hook \(TerminalText.quoted(hook)) (only pre-receive)"))
        }
        let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        var pusher: String?
        if let p = env["PINGSHEN_PUSHER"] {
            guard Identifier.isValid(p) else { fail(lang.pick("推送者编号不可用", "the pusher's id is not usable")) }
            pusher = p
        }
        do {
            let gitDir = env["GIT_DIR"] ?? "."
            let cert = try PushCert.received(git: Git(dir: gitDir, inHook: true), environment: env)
            let v = try Hub.preReceive(gitDir: gitDir, input: input, pusher: pusher, cert: cert, language: lang)
            guard v.ok else {
                for r in v.refusals { warn(lang.pick("pingshen 集线库拒收：", "pingshen hub refused: ") + r) }
                throw ExitCode(1)
            }
        } catch let e as ExitCode {
            throw e
        } catch let e as ActionError {
            fail(lang.pick("pingshen 集线库拒收：", "pingshen hub refused: ") + e.message(lang))
        } catch {
            // Fail closed: a check that could not run refuses the push.
            fail(lang.pick("pingshen 集线库拒收（检查未能完成）：", "pingshen hub refused (the check could not run): ") + "\(error)")
        }
    }
}

