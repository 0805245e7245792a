import Foundation

/// Phase timings on standard error when PINGSHEN_TRACE is set (for benchmarks and profiling;
/// silent otherwise).
public enum Trace {
    public static let enabled = ProcessInfo.processInfo.environment["PINGSHEN_TRACE"] != nil
    static let start = DispatchTime.now().uptimeNanoseconds

    /// Runs `body`, and with tracing on prints how long it took.
    @inline(__always)
    public static func phase<T>(_ name: @autoclosure () -> String, _ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let origin = start
        let t0 = DispatchTime.now().uptimeNanoseconds
        defer {
            let t1 = DispatchTime.now().uptimeNanoseconds
            let line = String(format: "trace %8.1f ms  %7.1f ms  %@\n", (Double(t1) - Double(origin)) / 1e6, (Double(t1) - Double(t0)) / 1e6, name())
            FileHandle.standardError.write(Data(line.utf8))
        }
        return try body()
    }
}
