import Foundation
import Testing
import Panel
@testable import Records

/// The test binary doubles as a writer process: run with PINGSHEN_RECORDS_WRITER set, the
/// `writerProcess` test appends records as one member until killed (or N are written),
/// printing each seq once its signature is published.
enum Writer {
    static let env = "PINGSHEN_RECORDS_WRITER"

    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// spec = "ROOT|PROGRAM|MEMBER|KEYFILE|COUNT" (COUNT 0 = until killed)
    static func spawn(_ s: TestStore, member: String, count: Int) throws -> (Process, Pipe) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = ["--testing-library", "swift-testing", "--filter", "writerProcess"]
        var e = ProcessInfo.processInfo.environment
        e[env] = [s.layout.root, s.instance, member, s.keys[member]!, String(count)].joined(separator: "|")
        p.environment = e
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        return (p, out)
    }

    /// The seqs a writer reported as published.
    static func reported(_ out: Pipe) -> [Int] {
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.split(separator: "\n").compactMap { l in l.hasPrefix("published ") ? Int(l.dropFirst(10)) : nil }
    }
}

@Suite struct ConcurrencyTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment[Writer.env] != nil))
    func writerProcess() throws {
        let parts = ProcessInfo.processInfo.environment[Writer.env]!.split(separator: "|").map(String.init)
        let store = RecordStore(layout: StoreLayout(parts[0]))
        let signer = try KeyFileSigner(path: parts[3])
        let count = Int(parts[4])!
        var n = 0
        while count == 0 || n < count {
            let r = try store.append(kind: .score, body: ["dossier": .string("D\(n % 7)"), "points": ["craft": .int(Int64(n % 50))]],
                                     program: parts[1], signerID: parts[2], signer: signer)
            let line = "published \(r.record.seq)\n"
            _ = line.withCString { write(1, $0, strlen($0)) }
            n += 1
        }
        exit(0)
    }

    @Test func fourThreadsAppendingAsOneMemberLoseNothing() async throws {
        let s = try TestStore()
        let perThread = 15
        let seqs = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let store = RecordStore(layout: s.layout)   // as a separate session would
                    var mine: [Int] = []
                    for i in 0..<perThread { mine.append(try s.score("m1", points: Int64(i), store: store).record.seq) }
                    return mine
                }
            }
            var all: [Int] = []
            for try await m in group { all += m }
            return all
        }
        #expect(seqs.sorted() == Array(1...(4 * perThread)))
        let r = try s.verify()
        #expect(r.ok && r.records == 4 * perThread + s.setupRecords, "\(r.problems)")
    }

    @Test func fourProcessesAppendingAsOneMemberLoseNothing() throws {
        let s = try TestStore()
        let per = 20
        let writers = try (0..<4).map { _ in try Writer.spawn(s, member: "m1", count: per) }
        var reported: [Int] = []
        for (p, out) in writers {
            reported += Writer.reported(out)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        #expect(reported.sorted() == Array(1...(4 * per)))
        let r = try s.verify()
        #expect(r.ok && r.records == 4 * per + s.setupRecords, "\(r.problems)")
        let names = s.layout.namesInRecordFolders("m1")
        #expect(!names.contains { $0.hasPrefix(".tmp-") })
    }

    @Test func aWriterKilledAtRandomPointsNeverLeavesAHalfRecord() throws {
        let s = try TestStore()
        var published = 0
        var killedMidWrite = 0
        let g = s.setupRecords
        for round in 0..<12 {
            let (p, out) = try Writer.spawn(s, member: "m1", count: 0)
            // Let it start and write for a random while, then kill it dead.
            usleep(UInt32.random(in: 60_000...260_000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            #expect(p.terminationReason == .uncaughtSignal)
            let reported = Writer.reported(out)
            let names = s.layout.namesInRecordFolders("m1")
            if names.contains(where: { $0.hasPrefix(".tmp-") }) || names.contains(where: { n in
                n.hasSuffix(".json") && !names.contains(n + ".sig") }) { killedMidWrite += 1 }
            // Verify accepts what is there, and everything reported as written is there.
            let r = try s.verify()
            #expect(r.ok, "round \(round): \(r.problems)")
            if let last = reported.last { #expect(r.records - g >= last, "round \(round)") }
            #expect(r.records - g >= published)
            // The next append is not blocked and continues the chain.
            let next = try s.score("m1")
            #expect(next.record.seq == r.records - g + 1, "round \(round)")
            published = next.record.seq
        }
        let final = try s.verify()
        #expect(final.ok && final.records == published + g)
        let names = s.layout.namesInRecordFolders("m1")
        #expect(!names.contains { $0.hasPrefix(".tmp-") })
        #expect(!names.contains { $0.hasSuffix(".json") && !names.contains($0 + ".sig") })
        print("SIGKILL loop: \(published) records, \(killedMidWrite) of 12 kills left a partial write behind")
    }

    /// Every point where a writer can die, deterministically.
    @Test(arguments: AppendStep.allCases)
    func aWriterDyingAtEachStepIsRecovered(_ step: AppendStep) throws {
        let s = try TestStore()
        try s.score("m1"); try s.score("m1")
        let dying = RecordStore(layout: s.layout)
        dying.crashHook = { $0 == step }
        #expect(throws: RecordStore.SimulatedCrash.self) { try s.score("m1", store: dying) }
        let r = try s.verify()
        // Only a crash after the signature was linked leaves a third record.
        let expected = step == .sigLinked ? 3 : 2
        #expect(r.ok && r.records == expected + s.setupRecords, "\(step): \(r.problems)")
        let next = try s.score("m1")   // a new session
        #expect(next.record.seq == expected + 1)
        let after = try s.verify()
        #expect(after.ok && after.records == expected + 1 + s.setupRecords)
        let names = s.layout.namesInRecordFolders("m1")
        #expect(!names.contains { $0.hasPrefix(".tmp-") }, "\(step): \(names)")
    }
}

extension AppendStep: CustomTestStringConvertible {
    public var testDescription: String { "\(self)" }
}
