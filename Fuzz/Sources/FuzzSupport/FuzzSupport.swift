import Foundation
import CFuzzerDriver
#if canImport(Glibc)
import Glibc
#endif

// What every fuzz target shares. A target is a function of one input (LLVM's LibFuzzer.html,
// "Fuzz Target"): it must not catch a Swift trap, since a trap is the crash the campaign looks
// for, and it states the invariants the code promises with `expect`.

/// Runs libFuzzer (with the process's arguments: corpus directories and -flags) on `target`.
public func fuzzMain(_ target: @escaping (Data) -> Void) -> Never {
    fuzzTarget = target
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        // libFuzzer may hand over a null pointer with size 0.
        let input = data.map { size > 0 ? Data(bytes: $0, count: size) : Data() } ?? Data()
        fuzzTarget?(input)
        return 0
    })
}
nonisolated(unsafe) private var fuzzTarget: ((Data) -> Void)?

/// An invariant of the code under test. When it does not hold the fuzzer has found a bug: the
/// process stops as on a trap, and libFuzzer keeps the input as a crash-* file.
public func expect(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                   file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError("fuzz invariant broken: \(message())", file: file, line: line) }
}

/// Renders an error's message the way the CLI does, so that message building runs too.
public func render(_ error: any Error) {
    let text = "\(error)"
    expect(!text.isEmpty, "an error with an empty message: \(type(of: error))")
}

/// A directory of this process for loaders that read files by path (on /dev/shm when there,
/// so that the per-input writes stay in memory). Removed at exit.
public let scratchDir: String = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    var template = Array((base + "/pingshen-fuzz.XXXXXX").utf8CString)
    guard let p = mkdtemp(&template) else { fatalError("mkdtemp failed") }
    let dir = String(cString: p)
    scratchRoot = strdup(dir)
    atexit { if let r = scratchRoot { _ = try? FileManager.default.removeItem(atPath: String(cString: r)) } }
    return dir
}()
nonisolated(unsafe) private var scratchRoot: UnsafeMutablePointer<CChar>?

/// Writes `data` to `path` (replacing it), for a loader to read.
public func put(_ data: Data, at path: String) {
    guard FileManager.default.createFile(atPath: path, contents: data) else { fatalError("cannot write \(path)") }
}
