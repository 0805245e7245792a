import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway sshd on 127.0.0.1 with its own host key and the authorized_keys file `pingshen ssh
/// authorized-keys` wrote. Its configuration allows every kind of forwarding: whatever is refused
/// is refused by the generated `restrict,…` lines alone.
final class SSHTestServer {
    let dir: String
    let port: Int
    let log: String
    private let pid: pid_t

    static let sshd = "/usr/sbin/sshd"

    init(authorizedKeys: String, acceptLang: Bool = false) throws {
        guard FileManager.default.isExecutableFile(atPath: SSHTestServer.sshd) else {
            throw StoreFailure("\(SSHTestServer.sshd) is missing: install openssh-server (.ci/run does)")
        }
        // sshd -D refuses to start without its privilege separation directory.
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o755])
        dir = try Harness.tempDir("sshd")
        log = dir + "/sshd.log"
        try Harness.sshKeygen(dir + "/host_ed25519", comment: "test-host")
        var lastError = ""
        for _ in 0..<5 {
            let port = try SSHTestServer.freePort()
            let config = """
            ListenAddress 127.0.0.1
            Port \(port)
            HostKey \(dir)/host_ed25519
            PidFile \(dir)/sshd.pid
            AuthorizedKeysFile \(authorizedKeys)
            UsePAM no
            StrictModes no
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            AllowTcpForwarding yes
            AllowStreamLocalForwarding yes
            AllowAgentForwarding yes
            X11Forwarding yes
            PermitTunnel yes
            \(acceptLang ? "AcceptEnv LANG" : "")
            """
            try config.write(toFile: dir + "/sshd_config", atomically: true, encoding: .utf8)
            let pid = try SpawnedProcess.spawn(SSHTestServer.sshd, ["-D", "-e", "-f", dir + "/sshd_config"], output: log)
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline && SpawnedProcess.running(pid) && !SSHTestServer.accepts(port: port) { usleep(50_000) }
            if SpawnedProcess.running(pid) && SSHTestServer.accepts(port: port) {
                self.port = port
                self.pid = pid
                return
            }
            SpawnedProcess.stop(pid)
            lastError = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        }
        throw StoreFailure("sshd did not start: \(lastError)")
    }

    func stop() { SpawnedProcess.stop(pid) }

    var logText: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// The ssh client's arguments for `key`, before the destination's extra options and command.
    func client(key: String, _ options: [String] = []) -> [String] {
        ["-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
         "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-i", key, "-p", String(port)] + options + ["root@127.0.0.1"]
    }

    /// `ssh … COMMAND` without a terminal.
    func ssh(key: String, _ options: [String] = [], command: [String] = [], env: [String: String] = [:]) throws -> Harness.Result {
        try Harness.run("/usr/bin/ssh", client(key: key, options) + command, env: env)
    }

    /// A port nobody listens on right now (bound to 127.0.0.1:0, then released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StoreFailure("socket: \(errno)") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, len) == 0 && getsockname(fd, sa, &len) == 0
            }
        }
        guard ok else { throw StoreFailure("bind: \(errno)") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// A TCP connection to 127.0.0.1:port, or nil.
    static func connect(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        let ok = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        if !ok { close(fd); return nil }
        return fd
    }

    static func accepts(port: Int) -> Bool {
        guard let fd = connect(port: port) else { return false }
        close(fd)
        return true
    }

    /// Everything the peer sends until it closes the connection or `seconds` pass.
    static func readAll(_ fd: Int32, seconds: Int) -> Data {
        var tv = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var out = Data()
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }
}

/// A long-running helper (sshd, a forwarding ssh client) started with posix_spawn, not
/// Foundation's Process: sshd closes every descriptor it inherits, which Process takes for the
/// child's exit and then blocks its one monitoring thread in waitpid until sshd really exits.
enum SpawnedProcess {
    /// Starts `path ARGS` with stdin from /dev/null and stdout+stderr appended to `output`.
    /// glibc ≥ 2.34 (not in Swift's Glibc module: looked up at run time).
    typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    static let addClosefrom: AddClosefrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: AddClosefrom.self) }

    /// Every other descriptor is closed in the child: a daemon it starts (the tmux server) must
    /// not hold a descriptor that some Foundation Process of a test running in parallel waits on.
    static func spawn(_ path: String, _ args: [String], output: String, error: String? = nil, env: [String: String] = [:]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if let error {
            posix_spawn_file_actions_addopen(&actions, 2, error, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        guard let closefrom = SpawnedProcess.addClosefrom else { throw StoreFailure("glibc has no posix_spawn_file_actions_addclosefrom_np") }
        _ = closefrom(&actions, 3)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // Signals blocked in the test process must not stay blocked in the child.
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK))
        var environment = ProcessInfo.processInfo.environment
        environment["LANG"] = "C.UTF-8"
        environment.removeValue(forKey: "SSH_AUTH_SOCK")
        for (k, v) in env { environment[k] = v }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attr, argv, envp)
        guard rc == 0 else { throw StoreFailure("posix_spawn \(path): \(rc)") }
        return pid
    }

    /// Runs a short command to its end: like `Harness.run`, without Foundation's Process (the
    /// tmux client forks the server, which would keep Process waiting).
    static func run(_ path: String, _ args: [String], env: [String: String] = [:]) throws -> Harness.Result {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-run-\(UUID().uuidString.prefix(8))").path
        defer { unlink(base + ".out"); unlink(base + ".err") }
        let pid = try spawn(path, args, output: base + ".out", error: base + ".err", env: env)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let out = FileManager.default.contents(atPath: base + ".out") ?? Data()
        let err = FileManager.default.contents(atPath: base + ".err") ?? Data()
        return Harness.Result(status: code, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    /// True while the child has not exited (it is reaped once it has).
    static func running(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    /// SIGKILL and reap: the test process's blocked signal mask may keep SIGTERM from landing.
    static func stop(_ pid: pid_t) {
        guard running(pid) else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}

/// A tmux server of its own (a unique -L socket) with named sessions: the terminals of the test.
final class SSHTestTmux {
    let socket = "pingshen-ssh-\(UUID().uuidString.prefix(8))"

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    private func tmux(_ args: [String]) throws -> Harness.Result {
        try SpawnedProcess.run("/usr/bin/tmux", ["-L", socket, "-f", "/dev/null"] + args)
    }

    /// Starts `command` in a new 100×30 session named `name`, with TERM and `env` set.
    func start(_ name: String, _ command: [String], env: [String: String] = [:]) throws {
        let line = (["TERM": "xterm-256color"].merging(env) { $1 }.map { "\($0.key)=\(SSHTestTmux.quote($0.value))" } + command.map(SSHTestTmux.quote))
            .joined(separator: " ")
        let r = try tmux(["new-session", "-d", "-s", name, "-x", "100", "-y", "30", "exec env " + line])
        guard r.status == 0 else { throw StoreFailure("tmux: \(r.stderr)") }
        _ = try tmux(["set-option", "-t", name, "remain-on-exit", "on"])
    }

    func keys(_ name: String, _ keys: String...) throws {
        _ = try tmux(["send-keys", "-t", name] + keys)
    }

    /// Literal text (digits), not key names.
    func type(_ name: String, _ text: String) throws {
        _ = try tmux(["send-keys", "-t", name, "-l", text])
    }

    func screen(_ name: String) throws -> String {
        try tmux(["capture-pane", "-p", "-t", name]).stdout
    }

    /// Waits (up to `seconds`) until the screen shows every one of `texts`; returns the screen.
    @discardableResult
    func waitFor(_ name: String, _ texts: String..., seconds: Double = 30) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try screen(name)
            if texts.allSatisfy(last.contains) { return last }
            usleep(100_000)
        }
        throw StoreFailure("\(name): timed out waiting for \(texts); screen:\n\(last)")
    }

    /// The pid of the process in the session's pane (the command itself: it was exec'd).
    func panePID(_ name: String) throws -> pid_t {
        let r = try tmux(["display-message", "-p", "-t", name, "#{pane_pid}"])
        guard let pid = pid_t(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw StoreFailure("pane_pid: \(r.stdout) \(r.stderr)") }
        return pid
    }

    /// True once the pane's command has exited (the pane stays, remain-on-exit).
    func exited(_ name: String) -> Bool {
        let r = try? tmux(["display-message", "-p", "-t", name, "#{pane_dead}"])
        return r?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    func waitExited(_ name: String, seconds: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if exited(name) { return true }
            usleep(100_000)
        }
        return false
    }

    /// Back to the dossier list (Esc) and `q`; true once the command has exited.
    func quit(_ name: String) throws -> Bool {
        for _ in 0..<5 {
            let screen = try self.screen(name)
            let hints = screen.split(separator: "\n").last.map(String.init) ?? ""
            if hints.contains("退出") || hints.contains("quit") {
                try keys(name, "q")
                if waitExited(name, seconds: 10) { return true }
            } else {
                try keys(name, "Escape")
                usleep(600_000)
            }
        }
        return exited(name)
    }

    func kill() {
        _ = try? tmux(["kill-server"])
    }
}

@Suite(.serialized) struct SSHTests {
    static let criteria = ["craft", "skill", "leadership", "contribution"]

    /// `--file` merges: a rerun replaces exactly its own block, other lines (and other stores'
    /// blocks) stay; a roster change shows up; an unterminated block is refused, file untouched.
    @Test func authorizedKeysFileReplacesItsOwnBlock() throws {
        let fx = try Fixture()
        let other = try Fixture()
        let file = fx.dir + "/authorized_keys"
        let before = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherAdminKeyOtherAdminKeyOtherAdmin admin@host\n# a comment the admin wrote\n"
        try before.write(toFile: file, atomically: true, encoding: .utf8)
        let binary = "/opt/pingshen/bin/pingshen"
        var r = try Harness.pingshen(["ssh", "authorized-keys", fx.store, "--binary", binary, "--file", file])
        #expect(r.status == 0, "\(r.stderr)")
        r = try Harness.pingshen(["ssh", "authorized-keys", other.store, "--binary", binary, "--file", file])
        #expect(r.status == 0, "\(r.stderr)")
        let first = try String(contentsOfFile: file, encoding: .utf8)
        #expect(first.hasPrefix(before))
        let printed = try Harness.pingshen(["ssh", "authorized-keys", fx.store, "--binary", binary])
        #expect(printed.status == 0)
        #expect(first.contains(printed.stdout))
        let lines = printed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "# BEGIN pingshen \(fx.store)")
        #expect(lines.last == "# END pingshen \(fx.store)")
        let keyLines = lines.dropFirst().dropLast()
        #expect(keyLines.count == 7)
        for (line, id) in zip(keyLines, ["sec"] + Fixture.members + ["chair"]) {
            let pub = try String(contentsOfFile: fx.key(id) + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
            #expect(line == "restrict,pty,agent-forwarding,command=\"\(binary) review \(fx.store) --as \(id)\" \(pub) pingshen:\(id)")
        }
        // Rerun: byte for byte the same.
        r = try Harness.pingshen(["ssh", "authorized-keys", fx.store, "--binary", binary, "--file", file])
        #expect(r.status == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == first)
        var st = stat()
        #expect(stat(file, &st) == 0 && st.st_mode & 0o777 == 0o600)
        // A new member: one more line in the same single block, the other store's block untouched.
        try Harness.sshKeygen(fx.dir + "/m6", comment: "m6")
        r = try fx.addMember("m6", name: "专家m6", pubkey: fx.dir + "/m6.pub")
        #expect(r.status == 0, "\(r.stderr)")
        r = try Harness.pingshen(["ssh", "authorized-keys", fx.store, "--binary", binary, "--file", file])
        #expect(r.status == 0)
        let second = try String(contentsOfFile: file, encoding: .utf8)
        #expect(second.components(separatedBy: "# BEGIN pingshen \(fx.store)\n").count == 2)
        #expect(second.contains("--as m6\""))
        #expect(second.contains("# BEGIN pingshen \(other.store)\n"))
        #expect(second.components(separatedBy: "command=").count == 1 + 8 + 7)
        #expect(second.hasPrefix(before))
        // A begin marker without its end: refused, file unchanged.
        let broken = before + "# BEGIN pingshen \(fx.store)\nrestrict,command=\"x\" ssh-ed25519 AAAA old\nssh-ed25519 AAAAkept kept@host\n"
        try broken.write(toFile: file, atomically: true, encoding: .utf8)
        r = try Harness.pingshen(["ssh", "authorized-keys", fx.store, "--binary", binary, "--file", file])
        #expect(r.status != 0)
        #expect(r.stderr.contains("line 3"), "\(r.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == broken)
    }

    /// A store and a binary whose paths hold a space, quotes and a backslash: the line sshd reads
    /// runs exactly `BINARY review STORE --as ID`, whatever the client asks for.
    @Test func forcedCommandQuotingThroughSshd() throws {
        let fx = try Fixture()
        let nasty = fx.dir + "/评审 it's \"q\" \\dir\\"
        try FileManager.default.createDirectory(atPath: nasty, withIntermediateDirectories: true)
        let store = nasty + "/store $HOME `id`"
        try FileManager.default.moveItem(atPath: fx.store, toPath: store)
        // A stand-in binary that prints its arguments, one per line.
        let binary = nasty + "/print args"
        try "#!/bin/sh\nfor a in \"$@\"; do printf '<%s>\\n' \"$a\"; done\n".write(toFile: binary, atomically: true, encoding: .utf8)
        chmod(binary, 0o755)
        let keys = fx.dir + "/authorized_keys"
        var r = try Harness.pingshen(["ssh", "authorized-keys", store, "--binary", binary, "--file", keys])
        #expect(r.status == 0, "\(r.stderr)")
        let server = try SSHTestServer(authorizedKeys: keys)
        defer { server.stop() }
        for id in ["m1", "chair"] {
            r = try server.ssh(key: fx.key(id), command: ["id; touch " + fx.dir + "/pwned"])
            #expect(r.status == 0, "\(r.stderr)\n\(server.logText)")
            #expect(r.stdout == "<review>\n<\(store)>\n<--as>\n<\(id)>\n", "\(r.stdout)")
        }
        #expect(!FileManager.default.fileExists(atPath: fx.dir + "/pwned"))
        // A newline cannot go into an authorized_keys line.
        let newline = fx.dir + "/new\nline"
        try FileManager.default.moveItem(atPath: store, toPath: newline)
        r = try Harness.pingshen(["ssh", "authorized-keys", newline, "--binary", binary])
        #expect(r.status != 0)
        #expect(r.stderr.contains("control character"), "\(r.stderr)")
    }

    /// The throwaway sshd with the generated authorized_keys: each key lands in the review UI as
    /// its member whatever command the client sends; no command runs without a terminal; no
    /// forwarding but the agent's; an unknown key is refused; two members score at once over
    /// `ssh -A -tt`, each record verifies with ssh-keygen as its member's, the chair watches it
    /// live, and the store verifies afterwards.
    @Test func remoteReviewEndToEnd() throws {
        let fx = try Fixture()
        let authorized = fx.dir + "/authorized_keys"
        var r = try Harness.pingshen(["ssh", "authorized-keys", fx.store, "--binary", Harness.binary, "--file", authorized])
        #expect(r.status == 0, "\(r.stderr)")
        let server = try SSHTestServer(authorizedKeys: authorized)
        defer { server.stop() }
        let tmux = SSHTestTmux()
        defer { tmux.kill() }
        let ssh = "/usr/bin/ssh"

        // 1. Every key lands in the UI as its own member, whatever the client asks to run
        // (without -A: the UI says there is no agent to sign with).
        let pwned = fx.dir + "/pwned"
        let asks = ["id", "touch \(pwned)", "", "\(Harness.binary) review \(fx.store) --as chair", "/bin/sh"]
        for (i, id) in (Fixture.members + ["chair", "sec"]).enumerated() {
            let ask = asks[i % asks.count]
            let name = "land-\(id)"
            try tmux.start(name, [ssh, "-tt"] + server.client(key: fx.key(id)) + (ask.isEmpty ? [] : [ask]))
            let screen = try tmux.waitFor(name, "专家\(id)（", "已登录：专家\(id)（\(id)）")
            #expect(!screen.contains("uid="))
            #expect(screen.contains("⚠ 不能签名：没有 ssh-agent"), "no agent: the UI says so\n\(screen)")
            if !ask.isEmpty { #expect(screen.contains("未执行命令“\(ask.prefix(4))"), "\(screen)") }
            for other in Fixture.members + ["chair", "sec"] where other != id {
                #expect(!screen.contains("专家\(other)（"), "\(id) landed as \(other)?\n\(screen)")
            }
            #expect(try tmux.quit(name), "\(id): the UI did not quit\n\((try? tmux.screen(name)) ?? "")")
        }
        #expect(!FileManager.default.fileExists(atPath: pwned))

        // 2. Without a terminal no command runs: a refusal with a message.
        for ask in ["id", "touch \(pwned)"] {
            r = try server.ssh(key: fx.key("m1"), command: [ask])
            #expect(r.status != 0)
            #expect(!r.stdout.contains("uid="))
            #expect(r.stderr.contains("此连接只能进入评审界面"), "\(r.stderr)")
        }
        r = try server.ssh(key: fx.key("m1"))
        #expect(r.status != 0)
        #expect(r.stderr.contains("终端"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: pwned))

        // 3. Forwarding is refused by the key's options alone (this sshd allows it all).
        r = try server.ssh(key: fx.key("m1"), ["-W", "127.0.0.1:\(server.port)"])
        #expect(r.status == 255)
        #expect(!r.stdout.contains("SSH-2.0"))
        let remotePort = try SSHTestServer.freePort()
        r = try server.ssh(key: fx.key("m1"), ["-o", "ExitOnForwardFailure=yes", "-R", "\(remotePort):127.0.0.1:\(server.port)"], command: ["id"])
        #expect(r.status == 255)
        #expect(r.stderr.contains("forwarding failed"), "\(r.stderr)")
        #expect(!SSHTestServer.accepts(port: remotePort))
        // -L listens on the client side; a connection through it must never reach the target.
        let localPort = try SSHTestServer.freePort()
        let forwarder = try SpawnedProcess.spawn(ssh, ["-N", "-o", "ExitOnForwardFailure=yes", "-L", "\(localPort):127.0.0.1:\(server.port)"]
                                                   + server.client(key: fx.key("m1")), output: fx.dir + "/ssh-L.log")
        defer { SpawnedProcess.stop(forwarder) }
        var through: Int32?
        let deadline = Date().addingTimeInterval(20)
        while through == nil && Date() < deadline && SpawnedProcess.running(forwarder) {
            through = SSHTestServer.connect(port: localPort)
            if through == nil { usleep(100_000) }
        }
        let fd = try #require(through, "ssh -L did not listen: \((try? String(contentsOfFile: fx.dir + "/ssh-L.log", encoding: .utf8)) ?? "")")
        let got = SSHTestServer.readAll(fd, seconds: 10)
        close(fd)
        #expect(!String(decoding: got, as: UTF8.self).contains("SSH-"), "the local forward reached sshd")
        SpawnedProcess.stop(forwarder)
        #expect(server.logText.contains("refused local port forward"), "\(server.logText)")

        // 4. An unknown key: refused before anything runs.
        try Harness.sshKeygen(fx.dir + "/stranger", comment: "stranger")
        r = try server.ssh(key: fx.dir + "/stranger", command: ["id"])
        #expect(r.status == 255)
        #expect(r.stderr.contains("Permission denied"), "\(r.stderr)")
        #expect(!r.stdout.contains("uid="))

        // 5. Two members score at once through their forwarded agents; the chair watches.
        var agents: [String: Agent] = [:]
        defer { agents.values.forEach { $0.stop() } }
        for id in ["m1", "m2", "chair"] {
            let agent = try Agent()
            agents[id] = agent
            r = try Harness.run("/usr/bin/ssh-add", ["-q", fx.key(id)], env: ["SSH_AUTH_SOCK": agent.socket])
            #expect(r.status == 0, "ssh-add: \(r.stderr)")
            let fingerprint = try Harness.run("/usr/bin/ssh-keygen", ["-l", "-f", fx.key(id) + ".pub"]).stdout.split(separator: " ")[1]
            try tmux.start(id, [ssh, "-A", "-tt"] + server.client(key: fx.key(id)), env: ["SSH_AUTH_SOCK": agent.socket])
            // Who is signed in and how it signs: the member's own key, through the forwarded agent.
            try tmux.waitFor(id, "已登录：专家\(id)（\(id)）", "ssh-agent (\(fingerprint))")
        }
        try tmux.keys("chair", "p")
        try tmux.waitFor("chair", "1. 专家m1：", "草稿 0", "已签 0")
        let points = ["m1": [21, 22, 23, 24], "m2": [25, 24, 23, 22]]
        for id in ["m1", "m2"] { try tmux.keys(id, "s") }
        for id in ["m1", "m2"] { try tmux.waitFor(id, "评分表 · D001") }
        for i in 0..<4 {
            for id in ["m1", "m2"] {
                try tmux.type(id, String(points[id]![i]))
                if i < 3 { try tmux.keys(id, "Tab") }
            }
        }
        for id in ["m1", "m2"] { try tmux.waitFor(id, "总分：\(points[id]!.reduce(0, +)) / ") }
        // Live: the chair sees m1's draft without pressing a key.
        try tmux.waitFor("chair", "1. 专家m1：", "草稿 1")
        for id in ["m1", "m2"] {
            try tmux.keys(id, "Tab")
            try tmux.type(id, "1")
        }
        for id in ["m1", "m2"] { try tmux.keys(id, "C-s") }
        for id in ["m1", "m2"] { try tmux.waitFor(id, "\"kind\":\"score\"", "\"signer\":\"\(id)\"") }
        for id in ["m1", "m2"] { try tmux.keys(id, "y") }
        for id in ["m1", "m2"] { try tmux.waitFor(id, "已签名并保存", "records/\(id)/000/000001.json") }
        try tmux.waitFor("chair", "1. 专家m1：", "已签 1")
        for id in ["m1", "m2"] {
            let recs = Harness.records(fx.store, id)
            #expect(recs.count == 1)
            let rec = try #require(recs.first)
            let v = try Harness.sshVerify(store: fx.store, member: id, record: rec)
            #expect(v.status == 0, "ssh-keygen -Y verify \(id): \(v.stderr)")
            let wrong = try Harness.sshVerify(store: fx.store, member: id == "m1" ? "m2" : "m1", record: rec)
            #expect(wrong.status != 0, "\(id)'s record must not verify as another member's")
            let json = try Harness.json(try String(contentsOfFile: rec, encoding: .utf8))
            #expect(json["signer"] as? String == id)
            let body = json["body"] as? [String: Any]
            #expect(body?["points"] as? [String: Int] == Dictionary(uniqueKeysWithValues: zip(SSHTests.criteria, points[id]!)))
            // Written under the session's umask 007: nothing for others.
            var st = stat()
            #expect(stat(rec, &st) == 0 && st.st_mode & 0o007 == 0, "mode \(String(st.st_mode & 0o777, radix: 8))")
        }
        for id in ["m1", "m2", "chair"] {
            #expect(try tmux.quit(id), "\(id): the UI did not quit\n\((try? tmux.screen(id)) ?? "")")
        }
        r = try Harness.pingshen(["verify", fx.store])
        #expect(r.status == 0, "verify: \(r.stdout) \(r.stderr)")
    }

    /// A dropped connection: SIGHUP ends the UI, the typed points stay in the draft, and the
    /// next session shows them on that sheet (and signs them), nowhere else.
    @Test func hangupKeepsTheDraft() throws {
        let fx = try Fixture()
        let tmux = SSHTestTmux()
        defer { tmux.kill() }
        try tmux.start("hup", [Harness.binary, "review", fx.store, "--as", "m3", "--key", fx.key("m3"), "--lang", "en"])
        try tmux.waitFor("hup", "D001", "signed in: 专家m3 (m3)")
        try tmux.keys("hup", "s")
        try tmux.waitFor("hup", "Scoring sheet · D001")
        try tmux.type("hup", "18")
        try tmux.keys("hup", "Tab")
        try tmux.type("hup", "19")
        try tmux.waitFor("hup", "Total: 37 / ")
        let draft = fx.store + "/drafts/m3/D001.json"
        var saved: [String: Int]?
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let data = FileManager.default.contents(atPath: draft), let d = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
               let p = d["points"] as? [String: Int], p["skill"] == 19 { saved = p; break }
            usleep(100_000)
        }
        #expect(saved == ["craft": 18, "skill": 19], "draft: \(String(describing: saved))")
        let pid = try tmux.panePID("hup")
        let cmdline = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
        #expect(cmdline.contains("review"), "pane process: \(cmdline)")
        #expect(kill(pid, SIGHUP) == 0)
        #expect(tmux.waitExited("hup"), "the UI did not end on SIGHUP")
        #expect(Harness.records(fx.store, "m3").isEmpty)
        let after = try Harness.json(try String(contentsOfFile: draft, encoding: .utf8))
        #expect(after["points"] as? [String: Int] == ["craft": 18, "skill": 19])
        #expect(!FileManager.default.fileExists(atPath: fx.store + "/drafts/m3/D002.json"))

        // The next session: the sheet comes back with the points; completing it signs them.
        try tmux.start("again", [Harness.binary, "review", fx.store, "--as", "m3", "--key", fx.key("m3"), "--lang", "en"])
        try tmux.waitFor("again", "D001")
        try tmux.keys("again", "s")
        try tmux.waitFor("again", "Scoring sheet · D001", "18", "19", "Total: 37 / ")
        try tmux.keys("again", "Tab")
        try tmux.keys("again", "Tab")
        try tmux.type("again", "20")
        try tmux.keys("again", "Tab")
        try tmux.type("again", "21")
        try tmux.keys("again", "Tab")
        try tmux.type("again", "1")
        try tmux.waitFor("again", "Total: 78 / ")
        try tmux.keys("again", "C-s")
        try tmux.waitFor("again", "\"kind\":\"score\"")
        try tmux.keys("again", "y")
        try tmux.waitFor("again", "records/m3/000/000001.json")
        let rec = try #require(Harness.records(fx.store, "m3").first)
        let body = try Harness.json(try String(contentsOfFile: rec, encoding: .utf8))["body"] as? [String: Any]
        #expect(body?["points"] as? [String: Int] == ["craft": 18, "skill": 19, "leadership": 20, "contribution": 21])
        #expect(try Harness.sshVerify(store: fx.store, member: "m3", record: rec).status == 0)
        #expect(!FileManager.default.fileExists(atPath: draft), "the draft goes once the sheet is signed")
        #expect(try tmux.quit("again"))
    }

    /// The host set-up script: its sshd Match block is valid for this sshd (`sshd -t`) and, for
    /// the service account only, denies forwarding and user rc while keeping agent and pty; its
    /// default run only prints and changes nothing.
    @Test func hostSetupScript() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let script = root + "/scripts/ssh-host-setup.sh"
        var r = try Harness.run("/bin/bash", [script, "--sshd-block", "--user", "reviewer"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("Match User reviewer\n"))
        let dir = try Harness.tempDir("sshdcfg")
        try Harness.sshKeygen(dir + "/host", comment: "host")
        try ("HostKey \(dir)/host\nUsePAM no\nAllowTcpForwarding yes\nX11Forwarding yes\n" + r.stdout).write(toFile: dir + "/cfg", atomically: true, encoding: .utf8)
        r = try Harness.run(SSHTestServer.sshd, ["-t", "-f", dir + "/cfg"])
        #expect(r.status == 0, "sshd -t: \(r.stderr)")
        func effective(_ user: String) throws -> [String: String] {
            let t = try Harness.run(SSHTestServer.sshd, ["-T", "-f", dir + "/cfg", "-C", "user=\(user),host=client,addr=192.0.2.1"])
            #expect(t.status == 0, "sshd -T: \(t.stderr)")
            var out: [String: String] = [:]
            for line in t.stdout.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                if parts.count == 2 && out[parts[0]] == nil { out[parts[0]] = parts[1] }
            }
            return out
        }
        let reviewer = try effective("reviewer")
        for (k, v) in ["allowtcpforwarding": "no", "allowstreamlocalforwarding": "no", "x11forwarding": "no", "permittunnel": "no",
                       "permituserrc": "no", "permitlisten": "none", "permitopen": "none", "allowagentforwarding": "yes", "permittty": "yes",
                       "passwordauthentication": "no", "authenticationmethods": "publickey"] {
            #expect(reviewer[k] == v, "\(k) = \(reviewer[k] ?? "nil")")
        }
        #expect(reviewer["authorizedkeysfile"] == "/home/reviewer/.ssh/authorized_keys")
        #expect(try effective("someoneelse")["allowtcpforwarding"] == "yes", "the block is for the service account only")
        // The default run prints and changes nothing.
        let fx = try Fixture()
        var before = stat()
        stat(fx.store + "/roster.yaml", &before)
        r = try Harness.run("/bin/bash", [script, fx.store, "--binary", Harness.binary, "--user", "reviewer"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("would write /etc/ssh/sshd_config.d/reviewer.conf"))
        #expect(r.stdout.contains("restrict,pty,agent-forwarding,command="))
        var after = stat()
        stat(fx.store + "/roster.yaml", &after)
        #expect(before.st_mode == after.st_mode && before.st_uid == after.st_uid)
        #expect(!FileManager.default.fileExists(atPath: "/home/reviewer/.ssh/authorized_keys"))
    }

    /// Without an agent the UI says so; a host-held key (STORE/keys/ID) is used only where the
    /// programme allows it, and the UI says that too.
    @Test func noAgentAndTheHostHeldKey() throws {
        let fx = try Fixture()
        let tmux = SSHTestTmux()
        defer { tmux.kill() }
        try FileManager.default.createDirectory(atPath: fx.store + "/keys", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fx.key("m4"), toPath: fx.store + "/keys/m4")
        let command = [Harness.binary, "review", fx.store, "--as", "m4", "--lang", "en"]
        // Not allowed (the default): the key file is ignored, the UI says it cannot sign.
        try tmux.start("refused", command)
        var screen = try tmux.waitFor("refused", "signed in: 专家m4 (m4)", "cannot sign: no ssh-agent")
        #expect(!screen.contains("host-held"))
        #expect(try tmux.quit("refused"))
        // Allowed by the programme: used, and named.
        let program = fx.store + "/program.yaml"
        let yaml = try String(contentsOfFile: program, encoding: .utf8)
        #expect(yaml.contains("host_key_allowed: false"))
        // A signed amendment (a hand edit of program.yaml would be a view that differs: ignored).
        let amended = fx.dir + "/amended.yaml"
        try yaml.replacingOccurrences(of: "host_key_allowed: false", with: "host_key_allowed: true").write(toFile: amended, atomically: true, encoding: .utf8)
        let amend = try Harness.pingshen(["program", "amend", fx.store, "--as", "sec", "--key", fx.key("sec"), amended, "--reason", "评审在主机上进行"])
        #expect(amend.status == 0, "\(amend.stderr)")
        try tmux.start("allowed", command)
        screen = try tmux.waitFor("allowed", "signed in: 专家m4 (m4) · ⚠ host-held key (the programme allows it; no ssh-agent")
        // It signs with that key: the record verifies as m4's.
        try tmux.keys("allowed", "s")
        try tmux.waitFor("allowed", "Scoring sheet · D001")
        for (i, p) in ["10", "11", "12", "13"].enumerated() {
            try tmux.type("allowed", p)
            try tmux.keys("allowed", "Tab")
            if i == 3 { try tmux.type("allowed", "1") }
        }
        try tmux.keys("allowed", "C-s")
        try tmux.waitFor("allowed", "keys/m4")
        try tmux.keys("allowed", "y")
        try tmux.waitFor("allowed", "records/m4/000/000001.json")
        let rec = try #require(Harness.records(fx.store, "m4").first)
        #expect(try Harness.sshVerify(store: fx.store, member: "m4", record: rec).status == 0)
        #expect(try tmux.quit("allowed"))
        // Allowed, but no key there: it says where it looked.
        try FileManager.default.removeItem(atPath: fx.store + "/keys/m4")
        try tmux.start("missing", command)
        try tmux.waitFor("missing", "signed in: 专家m4 (m4) · ⚠ no ssh-agent (use ssh -A); no host-held key at keys/m4")
        #expect(try tmux.quit("missing"))
    }
}
