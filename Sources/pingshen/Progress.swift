import Foundation
import Panel
import Records

/// The progress line of long commands on a terminal (issue 17): "核验签名 24,576 / 41,212 ·
/// 8,190 条/秒" on stderr, redrawn in place and erased at the end. On a pipe (stderr not a
/// terminal) nothing is drawn.
///
/// A scan knows its total only once the store is read and every record folder listed (seconds at 40,000
/// records, more on a loaded machine): until its first report, a line with an empty bar and the
/// time so far is drawn from `firstAfter` on, so that a cold open shows progress at once (the
/// criterion: within 200 ms) while a warm one, over before that, draws nothing.
enum ProgressLine {
    static let firstAfter: TimeInterval = 0.05
    static let tick: TimeInterval = 0.25

    /// Runs `body` with the line drawn on stderr when it is a terminal.
    static func around<T>(_ lang: Language, _ body: () throws -> T) rethrows -> T {
        guard isatty(2) != 0 else { return try body() }
        let start = Date()
        let line = Line()
        ScanProgress.shared.install { done, total in
            // A scan of a few records is over before anyone could read a line.
            guard total >= 1000 || line.drawn else { return }
            line.draw(ScanProgress.line(done: done, total: total, seconds: Date().timeIntervalSince(start), lang: lang), scanning: true)
        }
        // Before the scan's first report: the empty bar and the time so far.
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .userInitiated))
        timer.schedule(deadline: .now() + firstAfter, repeating: tick)
        timer.setEventHandler {
            line.drawWaiting(ScanProgress.waitingLine(seconds: Date().timeIntervalSince(start), lang: lang))
        }
        timer.resume()
        defer {
            timer.cancel()
            ScanProgress.shared.install(nil)
            line.erase()
        }
        return try body()
    }

    /// The one line on stderr: the waiting line gives way to the scan's for good, and nothing
    /// is drawn once it is erased.
    final class Line: @unchecked Sendable {
        private let lock = NSLock()
        private var wasDrawn = false, scanning = false, done = false

        var drawn: Bool { lock.lock(); defer { lock.unlock() }; return wasDrawn }

        /// The scan's line (`scanning`), or the waiting line, which is drawn only until the
        /// scan's first: both decided under the one lock, so a late tick never paints over it.
        func draw(_ text: String, scanning s: Bool) {
            lock.lock(); defer { lock.unlock() }
            guard !done, s || !scanning else { return }
            if s { scanning = true }
            wasDrawn = true
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        }

        func drawWaiting(_ text: String) { draw(text, scanning: false) }

        func erase() {
            lock.lock(); defer { lock.unlock() }
            if wasDrawn, !done { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            done = true
        }
    }
}
