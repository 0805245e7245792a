import Foundation
import Testing

/// Files a user names on the command line (an import list, a workbook, --pubkey, a programme
/// for `program amend`, a dossier for `dossier amend`): a FIFO used to make the command wait
/// forever, /dev/zero to read until memory ran out. Now each is refused at once, naming the
/// path, and nothing is signed.
@Suite struct InputFileTests {
    /// The binary under timeout(1): a hang shows as exit 124 (137 when it ignored SIGTERM, as the
    /// old import of a 300 MB file did) instead of hanging the suite.
    static func run(_ args: [String]) throws -> Harness.Result {
        try Harness.run("/usr/bin/timeout", ["-k", "5", "20", Harness.binary] + args + ["--lang", "en"])
    }

    @Test func fifosDevicesAndHugeFilesAreRefusedNamingThePath() throws {
        let fx = try Fixture()
        let fifo = fx.dir + "/list.csv"
        #expect(mkfifo(fifo, 0o600) == 0)
        for (name, target) in [("zero.csv", "/dev/zero"), ("zero.xlsx", "/dev/zero"), ("pipe.yaml", fifo), ("pipe.pub", fifo)] {
            try FileManager.default.createSymbolicLink(atPath: fx.dir + "/" + name, withDestinationPath: target)
        }
        // A sparse file over the import limit: one fstat, not 300 MB read.
        let huge = fx.dir + "/huge.csv"
        #expect(FileManager.default.createFile(atPath: huge, contents: nil))
        #expect(truncate(huge, 300 << 20) == 0)
        let before = Harness.records(fx.store, "sec").count
        let sec = ["--as", "sec", "--key", fx.key("sec")]
        let cases: [(args: [String], path: String, says: String)] = [
            (["import", fx.store, fifo] + sec, fifo, "not a regular file"),
            (["import", fx.store, fx.dir + "/zero.csv"] + sec, "zero.csv", "not a regular file"),
            (["import", fx.store, fx.dir + "/zero.xlsx"] + sec, "zero.xlsx", "not a regular file"),
            (["import", fx.store, huge] + sec, huge, "too large"),
            (["member", "add", fx.store] + sec + ["--id", "m9", "--name", "x", "--role", "member", "--pubkey", fx.dir + "/pipe.pub"], "pipe.pub", "not a regular file"),
            (["program", "amend", fx.store] + sec + [fx.dir + "/pipe.yaml", "--reason", "x"], "pipe.yaml", "not a regular file"),
            (["dossier", "amend", fx.store] + sec + ["--dossier", "D001", fx.dir + "/pipe.yaml", "--reason", "x"], "pipe.yaml", "not a regular file"),
            (["ssh", "authorized-keys", fx.store, "--file", fifo], fifo, "not a regular file"),
        ]
        for c in cases {
            let r = try Self.run(c.args)
            #expect(r.status == 1, "\(c.args[0]) \(c.path): exit \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(c.path) && r.stderr.contains(c.says), "\(r.stderr)")
        }
        #expect(Harness.records(fx.store, "sec").count == before, "nothing signed")
        #expect(try Harness.pingshen(["verify", fx.store]).status == 0)
    }
}
