import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real ssh-agent on a private socket, for tests: started in a fresh directory, stopped by
/// `stop()` or when released.
public final class SSHAgentProcess: @unchecked Sendable {
    public let socket: String
    let dir: String
    let process: Process

    public struct DidNotStart: Error, CustomStringConvertible {
        public var description: String { "ssh-agent did not start" }
    }

    public init() throws {
        var template = Array((NSTemporaryDirectory() + "pingshen-agent-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw DidNotStart() }
        dir = String(cString: made)
        socket = dir + "/agent.sock"
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-agent")
        process.arguments = ["-D", "-a", socket]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: socket) { usleep(10_000) }
        guard FileManager.default.fileExists(atPath: socket) else { stop(); throw DidNotStart() }
    }

    public func stop() {
        // SIGKILL: a child of the test process may inherit a mask that blocks SIGTERM.
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: dir)
    }

    deinit { stop() }
}
