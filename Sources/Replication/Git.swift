import Foundation
import Panel
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system `git` (Debian's package), run as a process with an argument vector: never a shell
/// string, so no path, remote or id can become a command. Every call names the repository
/// with `-C DIR` and turns off the transports that run programs (`ext::`, `fd::`): only
/// `file`, `ssh`, `git`, `http` and `https` remotes are reached (git-config(1) protocol.allow).
public struct Git: Sendable {
    /// The repository: a store's folder, or a bare hub.
    public let dir: String
    /// Variables added to the environment of every call (an index file, an author).
    public var environment: [String: String] = [:]
    /// Inside a hook: keep GIT_DIR, the quarantine's object directories and the rest that git
    /// sets for the hook. Elsewhere they are removed, so that a variable left in the caller's
    /// environment never points a store's git at another repository.
    public var inHook = false

    public init(dir: String, environment: [String: String] = [:], inHook: Bool = false) {
        self.dir = dir; self.environment = environment; self.inHook = inHook
    }

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: String
        public var text: String { String(decoding: stdout, as: UTF8.self) }
        /// Standard output without its trailing line feed.
        public var line: String {
            var t = text
            while t.hasSuffix("\n") { t.removeLast() }
            return t
        }
    }

    /// A call to git that failed: the arguments and what git said.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var args: [String]
        public var status: Int32
        public var stderr: String
        public var description: String {
            "git \(args.joined(separator: " ")): exit \(status): \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
    }

    /// The variables git sets for hooks and for a repository other than the one named by -C.
    static let repositoryVariables = ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                                      "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_QUARANTINE_PATH", "GIT_NAMESPACE",
                                      "GIT_PREFIX", "GIT_COMMON_DIR", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS",
                                      "GIT_CONFIG_COUNT", "GIT_PUSH_OPTION_COUNT", "GIT_EXEC_PATH"]

    /// Variables never passed to git, in a hook too: `GIT_ALLOW_PROTOCOL` overrides every
    /// protocol setting (`GIT_ALLOW_PROTOCOL=ext` in the caller's environment let a sync run an
    /// `ext::` remote's command).
    static let neverPassed = ["GIT_ALLOW_PROTOCOL"]

    /// The transports a store's git may use (git-config(1) protocol.allow: `never` for the
    /// rest, which covers `ext::`, a remote that runs a command).
    /// `protocol.ext.allow` and `protocol.fd.allow` are named too: a per-protocol setting wins
    /// over `protocol.allow`, and one in the store's `.git/config` or the user's ~/.gitconfig
    /// (`protocol.ext.allow=always`) let `sync STORE 'ext::sh -c …'` run the command.
    static let protocolOptions = ["-c", "protocol.allow=never", "-c", "protocol.file.allow=always", "-c", "protocol.ssh.allow=always",
                                  "-c", "protocol.git.allow=always", "-c", "protocol.https.allow=always", "-c", "protocol.http.allow=always",
                                  "-c", "protocol.ext.allow=never", "-c", "protocol.fd.allow=never",
                                  // Files are checked out as their bytes: no line-ending or attribute filter of this host.
                                  "-c", "core.autocrlf=false", "-c", "core.attributesFile=/dev/null",
                                  // No automatic gc inside pingshen's own calls: git's `commit`, `merge` and
                                  // `fetch` run `gc --auto` and wait for it; a 600k-object repack held
                                  // `git enable` 8 minutes. pingshen starts it apart (`startAutoGC`).
                                  "-c", "gc.auto=0", "-c", "maintenance.auto=false"]

    /// The absolute path of `git`: the first executable `git` on PATH, else /usr/bin/git.
    public static func executable() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where dir.hasPrefix("/") {
            let candidate = String(dir) + "/git"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return FileManager.default.isExecutableFile(atPath: "/usr/bin/git") ? "/usr/bin/git" : nil
    }

    /// Runs `git -C DIR ARGS`, with `stdin` on its standard input. Throws only when git cannot
    /// be started; a non-zero exit is in the result.
    public func run(_ args: [String], stdin: Data? = nil, extraEnvironment: [String: String] = [:]) throws -> Result {
        try Trace.phase("git " + Git.subcommand(args)) { try call(args, stdin: stdin, extraEnvironment: extraEnvironment) }
    }

    /// The git command of an argument vector (for PINGSHEN_TRACE): the first argument that is
    /// not an option or a `-c` value.
    static func subcommand(_ args: [String]) -> String {
        var i = 0
        while i < args.count {
            if args[i] == "-c" { i += 2; continue }
            if args[i].hasPrefix("-") { i += 1; continue }
            return args[i]
        }
        return ""
    }

    private func call(_ args: [String], stdin: Data?, extraEnvironment: [String: String]) throws -> Result {
        guard let exe = Git.executable() else {
            throw Failure(args: args, status: 127, stderr: "git is not installed (apt-get install git) / 未安装 git")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["-C", dir] + Git.protocolOptions + args
        var env = ProcessInfo.processInfo.environment
        if !inHook { for k in Git.repositoryVariables { env.removeValue(forKey: k) } }
        for k in Git.neverPassed { env.removeValue(forKey: k) }
        env["GIT_TERMINAL_PROMPT"] = "0"
        env["GIT_LITERAL_PATHSPECS"] = "1"
        for (k, v) in environment { env[k] = v }
        for (k, v) in extraEnvironment { env[k] = v }
        p.environment = env
        let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        p.standardError = errPipe
        try p.run()
        let group = DispatchGroup()
        let out = Collected(), err = Collected()
        let (outHandle, errHandle) = (outPipe.fileHandleForReading, errPipe.fileHandleForReading)
        group.enter()
        DispatchQueue.global().async { out.data = outHandle.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { err.data = errHandle.readDataToEndOfFile(); group.leave() }
        let input = inPipe.fileHandleForWriting
        if let stdin {
            // git may exit before reading it all: EPIPE, not SIGPIPE.
            signal(SIGPIPE, SIG_IGN)
            try? input.write(contentsOf: stdin)
        }
        try? input.close()
        group.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: out.data, stderr: String(decoding: err.data, as: UTF8.self))
    }

    /// Starts `git gc --auto --quiet` on the repository and does not wait for it: standard
    /// input, output and error on /dev/null (nothing of it can hold pingshen's pipes or
    /// terminal), `gc.autoDetach` on (git goes to the background once it has decided to pack).
    /// git's own thresholds decide whether there is anything to do (`gc.auto`, 6,700 loose
    /// objects; `gc.autoPackLimit`, 50 packs; a user may set them in the repository's config),
    /// and git's lock (`gc.pid`) keeps two from running at once on a repository. Called after a
    /// command that wrote objects (`git enable`, `sync`, `clone`, a level remote's fetch), whose
    /// own git calls run with `gc.auto=0`. Never throws: a gc that cannot start changes nothing
    /// of what the command did, and git's next command finds the objects as they were.
    public func startAutoGC() {
        guard let exe = Git.executable() else { return }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = ["-C", dir, "-c", "gc.autoDetach=true", "gc", "--auto", "--quiet"]
        // The repository named by -C only (never a hook's quarantine or a scratch index).
        var env = ProcessInfo.processInfo.environment
        for k in Git.repositoryVariables { env.removeValue(forKey: k) }
        env["GIT_TERMINAL_PROMPT"] = "0"
        p.environment = env
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try? p.run()
    }

    /// `run`, throwing `Failure` unless git exits 0.
    @discardableResult
    public func ok(_ args: [String], stdin: Data? = nil, extraEnvironment: [String: String] = [:]) throws -> Result {
        let r = try run(args, stdin: stdin, extraEnvironment: extraEnvironment)
        guard r.status == 0 else { throw Failure(args: args, status: r.status, stderr: r.stderr) }
        return r
    }

    /// The NUL-separated fields of an output (`-z`).
    public static func fields(_ data: Data) -> [String] {
        data.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The object id of `rev` (a commit, `HEAD`, `COMMIT^{tree}`), nil when there is none.
    public func resolve(_ rev: String) throws -> String? {
        let r = try run(["rev-parse", "--verify", "--quiet", "--end-of-options", rev])
        return r.status == 0 ? r.line : nil
    }

    /// The environment that names `who` as author and committer of a store's commit.
    public static func identity(_ who: String) -> [String: String] {
        ["GIT_AUTHOR_NAME": who, "GIT_AUTHOR_EMAIL": who + "@pingshen", "GIT_COMMITTER_NAME": who, "GIT_COMMITTER_EMAIL": who + "@pingshen"]
    }

    /// The id of the empty tree (the base a root commit is compared with).
    public static let emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
    public static let zeroID = String(repeating: "0", count: 40)

    /// git's version as (major, minor) from `git version` ("git version 2.39.5"), nil when it
    /// cannot be read.
    public func version() -> (Int, Int)? {
        guard let r = try? run(["version"]), r.status == 0 else { return nil }
        let words = r.line.split(separator: " ")
        guard words.count >= 3 else { return nil }
        let parts = words[2].split(separator: ".")
        guard parts.count >= 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        return (major, minor)
    }

    /// A 40-hex object id.
    public static func isObjectID(_ s: String) -> Bool {
        s.utf8.count == 40 && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// Bytes read on another thread (each written by one reader, read after the group's wait).
final class Collected: @unchecked Sendable {
    var data = Data()
}
