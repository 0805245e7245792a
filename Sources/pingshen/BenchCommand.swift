import ArgumentParser
import Foundation
import Panel
import Review
import TerminalUI

/// Times the UI headless on a real store (scripts/bench): the first frame (open the store with
/// the verified-record cache, build the state, render) and key-to-redraw over a scripted walk.
struct BenchUI: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-ui", abstract: "Time the UI's first frame and key-to-redraw (headless).",
                                                    shouldDisplay: false)
    @OptionGroup var common: Common
    @Argument var store: String
    @Option(name: .customLong("as")) var id: String
    @Option var keys: Int = 200
    @Option var cols: Int = 120
    @Option var rows: Int = 40
    @Flag(help: "Also time the secretary's assignment screen (--as a secretary): opening it, and each reload a poll makes after a data change.")
    var assignment = false

    func validate() throws {
        try checkIDs(common.language, [("--as", id)])
        try checkBounds(common.language, [("--keys", keys, Limits.benchKeys, ("按键数", "keys")),
                                          ("--cols", cols, Limits.terminalColumns, ("终端列数", "terminal columns")),
                                          ("--rows", rows, Limits.terminalRows, ("终端行数", "terminal rows"))])
    }

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            let clock = ContinuousClock()
            let start = clock.now
            // As `pingshen review` opens: the index first, the files checked beside it.
            let session = try ReviewSession(root: store, checkInBackground: true)
            let opened = clock.now
            let backend = try SessionBackend(session: session, member: id, signer: nil)
            let controller = Trace.phase("ui: state") { AppController(backend: backend, lang: lang, size: (cols, rows)) }
            _ = Trace.phase("ui: first frame") { controller.frame() }
            let first = clock.now
            // When the check of the files is in and the screen shows its result.
            while session.checkingInBackground, !controller.poll() { usleep(2000) }
            _ = controller.frame()
            let checked = clock.now
            // A walk a reader makes: down the list, page, open a dossier, back, the sheet, back.
            let walk: [Key] = [.down, .down, .pageDown, .down, .enter, .pageDown, .escape, .char("s"), .tab, .escape, .up, .pageUp, .char("G"), .char("g")]
            var times: [Double] = []
            for i in 0..<keys {
                let t0 = clock.now
                _ = controller.handle(walk[i % walk.count])
                times.append((clock.now - t0).seconds * 1000)
            }
            times.sort()
            func ms(_ d: Duration) -> String { String(format: "%.1f", d.seconds * 1000) }
            // The secretary's assignment screen (issue 13): the desk (w), step 7, then the
            // reload every poll that finds a change makes while it is open.
            if assignment {
                _ = controller.handle(.escape)
                _ = controller.handle(.char("w"))
                let t0 = clock.now
                _ = controller.handle(.char("7"))
                let open = clock.now - t0
                var reloads: [Double] = []
                for _ in 0..<10 {
                    let t = clock.now
                    controller.send(.dataChanged)
                    _ = controller.frame()
                    reloads.append((clock.now - t).seconds * 1000)
                }
                reloads.sort()
                say(String(format: "ui assignment screen: open %@ ms; reload after a data change over %d reloads: median %.1f ms, max %.1f ms",
                           ms(open), reloads.count, reloads[reloads.count / 2], reloads.last ?? 0))
            }
            let p = { (q: Double) in times.isEmpty ? 0 : times[min(times.count - 1, Int(Double(times.count) * q))] }
            say("ui first frame: \(ms(first - start)) ms (open store \(ms(opened - start)) ms, \(session.panel.dossiers.count) dossiers, \(session.ledger.recordCount) records)")
            say("ui frame after the check of every record file's stamps: \(ms(checked - start)) ms")
            say(String(format: "ui key-to-redraw over %d keys: median %.2f ms, p95 %.2f ms, max %.2f ms", times.count, p(0.5), p(0.95), times.last ?? 0))
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
