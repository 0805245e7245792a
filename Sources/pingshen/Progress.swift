import Foundation
import Panel
import Records

/// The progress line of long commands on a terminal (issue 17): "核验签名 24,576 / 41,212 ·
/// 8,190 条/秒" on stderr, redrawn in place and erased at the end. On a pipe (stderr not a
/// terminal) nothing is drawn.
enum ProgressLine {
    /// Runs `body` with the line drawn on stderr when it is a terminal.
    static func around<T>(_ lang: Language, _ body: () throws -> T) rethrows -> T {
        guard isatty(2) != 0 else { return try body() }
        let start = Date()
        let drew = Flag()
        ScanProgress.shared.install { done, total in
            // A scan of a few records is over before anyone could read a line.
            guard total >= 1000 || drew.value else { return }
            drew.value = true
            let line = ScanProgress.line(done: done, total: total, seconds: Date().timeIntervalSince(start), lang: lang)
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        }
        defer {
            ScanProgress.shared.install(nil)
            if drew.value { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        }
        return try body()
    }

    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var v = false
        var value: Bool {
            get { lock.lock(); defer { lock.unlock() }; return v }
            set { lock.lock(); v = newValue; lock.unlock() }
        }
    }
}
