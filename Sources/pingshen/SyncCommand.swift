import ArgumentParser
import Foundation
import Panel
import Records
import Review
import Replication

/// `pingshen sync STORE [REMOTE]` (issue 14): exit 0 when both sides hold the same records, 1
/// when something was refused or a fork was found (both stated), 2 when the remote could not
/// be reached.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Commit this host's new records, fetch, verify what came in before taking it, merge, push.",
        discussion: "Exit 0: both sides agree; 1: something was refused or a fork was found; 2: the remote could not be reached.")
    @OptionGroup var common: Common
    @Argument(help: "The store (a git store: `pingshen git enable`).") var store: String
    @Argument(help: "A remote name or URL (default: origin).") var remote: String = "origin"
    @Option(name: .customLong("as"), help: "The member, or the review host (pingshen host add), named as the author of this host's commits, who signs the push (git push --signed) with their key.") var author: String?
    @Option(help: "The member's (or host's) unencrypted private key file that signs the push (default: the key the ssh-agent holds for them).") var key: String?

    func run() throws {
        let lang = common.language
        if let author { try checkIDs(lang, [("--as", author)]) }
        var status: Int32 = 0
        try guarded(lang) {
            var signing: Sync.PushSigning?
            if let author {
                signing = try pushSigning(author)
            } else if key != nil {
                throw ActionError(zh: "--key 须与 --as 一起使用（签名推送的成员）", en: "--key needs --as (the member who signs the push)")
            }
            let r = try Sync.run(StoreLayout(store), remote: remote, author: author, signing: signing, language: lang)
            status = r.status.rawValue
            if let c = r.committed {
                say(lang.pick("本机提交 \(c.commit.prefix(12))：\(c.records) 条记录，\(c.files) 个文件", "committed \(c.commit.prefix(12)) on this host: \(c.records) records, \(c.files) files"))
            }
            for f in r.forks {
                warn(lang.pick("分叉：成员 \(f.member) 在序号 \(f.seq) 签了两份不同的记录。本机的是 \(f.path)；\(remote) 的保存在 \(f.keptAt)（及 \(f.ref)）。两份都保留，未合并任何内容",
                               "fork: member \(f.member) signed two different records at seq \(f.seq). This host's is \(f.path); \(remote)'s is kept at \(f.keptAt) (and \(f.ref)). Both are kept; nothing was merged"))
            }
            for x in r.refusals { warn(lang.pick("拒收 ", "refused ") + x.message(lang)) }
            for p in r.problems { warn(lang.pick("拒收 ", "refused ") + "\(p.path): \(p.kind): \(p.message)") }
            switch r.status {
            case .inStep:
                if r.received > 0 { say(lang.pick("收到 \(r.received) 条记录", "records received: \(r.received)")) }
                say(lang.pick("已与 \(remote) 同步：\(r.head.prefix(12))\(r.pushed ? "（已推送）" : "")",
                              "in step with \(remote) at \(r.head.prefix(12))\(r.pushed ? " (pushed)" : "")"))
            case .refused:
                if !r.remoteSaid.isEmpty { warn(r.remoteSaid) }
                warn(lang.pick("同步已停止：这次取回的内容一概未采用", "sync stopped: nothing of this fetch was taken"))
            case .unreachable:
                warn(lang.pick("无法连接 \(remote)：", "could not reach \(remote): ") + r.remoteSaid)
            }
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// The key of a member or of a review host the signed roster names, checked as every
    /// signing command checks it (a key file that is the roster's key for them, or the agent
    /// holding it), as git's `user.signingKey`. Read from the governance history only: no
    /// record is verified for this (the sync verifies what it takes).
    func pushSigning(_ id: String) throws -> Sync.PushSigning {
        let st = try Governance.load(StoreLayout(store))
        guard st.genesis != nil else {
            throw ActionError(zh: "\(store)：没有有效的创始记录", en: "\(store): no valid genesis record")
        }
        guard let line = st.roster.member(id)?.key ?? st.currentHosts.first(where: { $0.id == id })?.key else {
            throw ActionError(zh: "\(id) 不在签名的名单上（不是成员，也不是名单上的主机：pingshen host add）",
                              en: "\(id) is not on the signed roster (neither a member nor a host it names: pingshen host add)")
        }
        _ = try SignerChoice.resolve(keyPath: key, id: id, key: line)
        if let key {
            return Sync.PushSigning(member: id, signingKey: SSHAccess.absolute(key))
        }
        let k = try SSHPublicKey(line: line)
        return Sync.PushSigning(member: id, signingKey: "key::" + k.keyText)
    }
}
