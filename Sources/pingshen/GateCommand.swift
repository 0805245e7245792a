import ArgumentParser
import Foundation
import Panel
import Review
import Replication
#if canImport(Glibc)
import Glibc
#endif

/// `pingshen git-gate MEMBER HUB`: the forced command of a member's key on the hub's host.
struct GitGateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "git-gate",
        abstract: "Forced command for a hub's authorized_keys: runs only git-upload-pack or git-receive-pack on HUB (SSH_ORIGINAL_COMMAND).")
    @OptionGroup var common: Common
    @Argument var member: String
    @Argument var hub: String

    func run() throws {
        let lang = common.language
        let env = ProcessInfo.processInfo.environment
        switch GitGate.decide(original: env["SSH_ORIGINAL_COMMAND"], member: member, hub: hub, home: env["HOME"]) {
        case .failure(let e):
            fail(e.message(lang))
        case .success(let d):
            guard let git = Git.executable() else { fail(lang.pick("未安装 git", "git is not installed")) }
            let args = [git, d.service] + (d.service == "upload-pack" ? ["--strict", d.repository] : [d.repository])
            // The member the key belongs to, for the hub's hook; nothing the client sent.
            setenv("PINGSHEN_PUSHER", member, 1)
            for k in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
                      "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_EXEC_PATH", "GIT_NAMESPACE"] { unsetenv(k) }
            let cargs = args.map { strdup($0) } + [nil]
            execv(git, cargs)
            fail(lang.pick("无法运行 \(git)：", "cannot run \(git): ") + String(cString: strerror(errno)))
        }
    }
}
