import Foundation
import Panel

/// How far a scan has got (issue 17: long work shows progress on a terminal). The scan reports
/// each chunk of records it has checked; a command that runs on a terminal installs a handler
/// that draws a line on stderr. Nothing is installed for the UI (it has its own screen) or on a
/// pipe, so by default this costs one lock per 8,192 records.
public final class ScanProgress: @unchecked Sendable {
    public static let shared = ScanProgress()
    private let lock = NSLock()
    private var handler: (@Sendable (_ done: Int, _ total: Int) -> Void)?

    public func install(_ h: (@Sendable (_ done: Int, _ total: Int) -> Void)?) {
        lock.lock(); handler = h; lock.unlock()
    }

    /// The line a terminal shows: "核验签名 ██████████░░░░░░░░░░ 24,576 / 41,212 · 8,190 条/秒".
    public static func line(done: Int, total: Int, seconds: Double, lang: Language) -> String {
        let rate = seconds > 0 ? Int(Double(done) / seconds) : 0
        let width = 20
        let filled = total > 0 ? max(0, min(width, done * width / total)) : width
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        func n(_ v: Int) -> String {
            var s = String(v), out = ""
            while s.count > 3 { out = "," + s.suffix(3) + out; s.removeLast(3) }
            return s + out
        }
        return lang.pick("核验签名 \(bar) \(n(done)) / \(n(total)) · \(n(rate)) 条/秒",
                         "checking signatures \(bar) \(n(done)) / \(n(total)) · \(n(rate))/s")
    }

    /// The line before a scan knows its total (the store's files are being read, its record
    /// folders listed): the empty bar and the time so far, "打开评审库 ░░░░░░░░░░░░░░░░░░░░ 1.2 秒".
    public static func waitingLine(seconds: Double, lang: Language) -> String {
        let bar = String(repeating: "░", count: 20)
        let t = String(format: "%.1f", max(0, seconds))
        return lang.pick("打开评审库 \(bar) \(t) 秒", "opening the store \(bar) \(t) s")
    }

    func report(done: Int, total: Int) {
        lock.lock(); let h = handler; lock.unlock()
        h?(done, total)
    }
}
