import Foundation
import Panel
import Records
import Review
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A hub that only grows (issue 14): a bare repository whose `pre-receive` hook runs
/// `pingshen git-hook pre-receive`, with git's own guards on (git-config(1)):
/// `receive.denyNonFastForwards` (no history rewritten), `receive.denyDeletes` (no branch
/// deleted), `receive.fsckObjects` (every object received is checked).
public enum Hub {
    /// The hub's config key for the store fingerprint it accepts.
    public static let fingerprintKey = "pingshen.fingerprint"
    /// The language the hook answers in (the pusher's environment does not reach a hub over
    /// ssh): the one `hub init` ran in, `--lang` or the environment.
    public static let languageKey = "pingshen.lang"
    /// The hub's language: its config, else the environment.
    public static func language(gitDir: String) -> Language {
        let configured = (try? Git(dir: gitDir, inHook: true).run(["config", "--get", languageKey]).line) ?? ""
        return Language.parse(configured) ?? Language.resolve(flag: nil)
    }

    public static let settings: [(String, String)] = [
        ("receive.denyNonFastForwards", "true"), ("receive.denyDeletes", "true"), ("receive.fsckObjects", "true"),
        ("transfer.fsckObjects", "true"), ("core.logAllRefUpdates", "true"),
    ]

    /// A lowercase 64-hex fingerprint, or a refusal naming the option.
    public static func checkFingerprint(_ hex: String) throws -> String {
        let h = hex.lowercased()
        guard h.utf8.count == 64, h.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw ActionError(zh: "--store-fingerprint 应为 64 位十六进制（SHA-256，init 与 verify 打印的那个），而不是 \(TerminalText.quoted(hex))",
                              en: "--store-fingerprint must be 64 hex digits (the SHA-256 that init and verify print), not \(TerminalText.quoted(hex))")
        }
        return h
    }

    /// The hook: `exec 'BINARY' git-hook pre-receive`, the path single-quoted for sh.
    public static func hookScript(binary: String) throws -> String {
        guard binary.hasPrefix("/"), !binary.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw ActionError(zh: "程序路径须为绝对路径且不含控制字符：\(TerminalText.quoted(binary))",
                              en: "the binary's path must be absolute and hold no control character: \(TerminalText.quoted(binary))")
        }
        let quoted = "'" + binary.replacingOccurrences(of: "'", with: "'\\''") + "'"
        return "#!/bin/sh\n# pingshen hub: every push is checked before it is taken (records only added, each verified).\nexec \(quoted) git-hook pre-receive\n"
    }

    /// Creates the hub at `path` (which must not exist, or be an empty folder).
    public static func create(path: String, fingerprint hex: String, binary: String, language lang: Language) throws -> String {
        let fp = try checkFingerprint(hex)
        let script = try hookScript(binary: binary)
        let abs = SSHAccess.absolute(path)
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: abs, isDirectory: &isDir) {
            guard isDir.boolValue, (try? FileManager.default.contentsOfDirectory(atPath: abs))?.isEmpty == true else {
                throw ActionError(zh: "\(abs) 已存在且不是空目录", en: "\(abs) exists and is not an empty folder")
            }
        }
        let parent = (abs as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try Git(dir: parent).ok(["init", "-q", "--bare", "-b", GitStore.branch, abs])
        let git = Git(dir: abs)
        for (k, v) in settings { try git.ok(["config", k, v]) }
        try git.ok(["config", fingerprintKey, fp])
        try git.ok(["config", languageKey, lang.rawValue])
        // git offers push certificates only with a nonce seed (git-config(1) receive.certNonceSeed):
        // a secret of this hub, 32 random bytes. git's own check of the signature needs an
        // allowed-signers file; the hook checks it itself (PushCert), so git's is pointed at none.
        var seed = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in seed.indices { seed[i] = UInt8.random(in: 0...255, using: &rng) }
        try git.ok(["config", "receive.certNonceSeed", seed.map { String(format: "%02x", $0) }.joined()])
        try git.ok(["config", "gpg.ssh.allowedSignersFile", "/dev/null"])
        let hook = abs + "/hooks/pre-receive"
        try DurableFile.write(Data(script.utf8), to: hook)
        guard chmod(hook, 0o755) == 0 else { throw ActionError(zh: "无法设置 \(hook) 的权限", en: "cannot chmod \(hook)") }
        return abs
    }

    /// What the hook decided: every refusal, one line each.
    public struct Verdict: Sendable {
        public var refusals: [String] = []
        public var ok: Bool { refusals.isEmpty }
    }

    /// The pre-receive check (githooks(5): stdin holds `OLD NEW REF` lines; a non-zero exit
    /// refuses the whole push, every ref). Runs in the hub with git's environment (the
    /// quarantined objects are readable through it). `pusher`: the member the SSH gate let in
    /// (PINGSHEN_PUSHER), who must be on the roster the pushed tree gives.
    /// `cert`: the push certificate (`PushCert.received`); a push without one is refused.
    public static func preReceive(gitDir: String, input: String, pusher: String?, cert: PushCert.Received? = nil,
                                  language lang: Language) throws -> Verdict {
        let git = Git(dir: gitDir, inHook: true)
        var v = Verdict()
        func refuse(_ zh: String, _ en: String) { v.refusals.append(lang.pick(zh, en)) }
        let configured = try git.run(["config", "--get", fingerprintKey]).line
        guard let fp = try? checkFingerprint(configured) else {
            refuse("集线库没有设置 \(fingerprintKey)（用 pingshen hub init 创建）", "the hub has no \(fingerprintKey) (create it with pingshen hub init)")
            return v
        }
        // Every push is signed (issue 14): there is no setting that takes unsigned pushes. A hub
        // made before this rule kept `pingshen.signedPushes=false` in its config; it is ignored.
        if cert == nil {
            refuse("推送未签名：本集线库只收由成员密钥签名的推送（pingshen sync 评审库 集线库 --as 编号 [--key 私钥]，即 git push --signed，gpg.format=ssh）",
                   "the push is not signed: this hub takes only pushes signed with a member's key (pingshen sync STORE HUB --as ID [--key PATH], i.e. git push --signed with gpg.format=ssh)")
        }
        let updates = input.split(separator: "\n").map(String.init)
        for line in input.split(separator: "\n") {
            let f = line.split(separator: " ").map(String.init)
            guard f.count == 3, Git.isObjectID(f[0]), Git.isObjectID(f[1]) else {
                refuse("无法读取的推送行", "an unreadable push line"); continue
            }
            let (old, new, ref) = (f[0], f[1], f[2])
            guard ref == "refs/heads/" + GitStore.branch else {
                refuse("\(TerminalText.quoted(ref))：集线库只收 refs/heads/\(GitStore.branch)", "\(TerminalText.quoted(ref)): the hub takes only refs/heads/\(GitStore.branch)")
                continue
            }
            guard new != Git.zeroID else { refuse("\(ref)：不能删除分支", "\(ref): a branch is never deleted"); continue }
            if old != Git.zeroID, try git.run(["merge-base", "--is-ancestor", old, new]).status != 0 {
                refuse("\(ref)：不是快进（历史不能改写）", "\(ref): not a fast-forward (history is never rewritten)"); continue
            }
            let changes = try StorePolicy.changes(git, revisions: [new, "--not", "--all"])
            let refused = StorePolicy.refusals(changes)
            for r in refused { v.refusals.append(r.message(lang)) }
            guard refused.isEmpty else { continue }
            let tree = try git.ok(["rev-parse", new + "^{tree}"]).line
            // The hub keeps the signatures it checked (this user's verified-record cache, in the
            // hub's folder): a push is checked for what it adds, not the whole store again.
            let checked = try TreeCheck.verify(git, tree: tree, scratchParent: SSHAccess.absolute(gitDir),
                                               cache: SSHAccess.absolute(gitDir) + "/pingshen/verified-v1", language: lang)
            if checked.report.fingerprint != fp {
                refuse("评审库指纹是 \(checked.report.fingerprint ?? "（无创始记录）")，本集线库只收 \(fp)",
                       "the store fingerprint is \(checked.report.fingerprint ?? "(no genesis record)"); this hub takes only \(fp)")
            }
            for p in checked.report.problems where !TreeCheck.replicable.contains(p.kind) {
                v.refusals.append("\(p.path): \(p.kind): \(p.message)")
            }
            if let pusher, !checked.mayPush(pusher) {
                refuse("推送者 \(TerminalText.quoted(pusher)) 不在签名的名单上（不是成员，也不是名单上的主机）",
                       "the pusher \(TerminalText.quoted(pusher)) is not on the signed roster (neither a member nor a host it names)")
            }
            if let cert {
                switch PushCert.check(cert, updates: updates, keys: checked.pushKeys, language: lang) {
                case .failure(let e): v.refusals.append(e.message(lang))
                case .success(let signer):
                    if let pusher, pusher != signer {
                        refuse("推送证书由 \(signer) 签名，而通过 SSH 推送的是 \(pusher)",
                               "the push certificate is signed by \(signer), but \(pusher) is the one pushing over SSH")
                    }
                }
            }
        }
        return v
    }
}
