import Foundation
import Panel
import Testing
@testable import TerminalUI

func typeText(_ c: AppController, _ text: String) {
    for ch in text { c.send(.key(.char(ch))) }
}

func press(_ c: AppController, _ keys: Key...) {
    for k in keys { c.send(.key(k)) }
}

/// Plain-text snapshots in Tests/TerminalUITests/Snapshots, compared exactly; written anew when
/// PINGSHEN_RECORD=1.
enum Snapshot {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    static func text(_ g: Grid) -> String {
        g.lines().joined(separator: "\n") + "\n"
    }

    static func check(_ g: Grid, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = dir.appendingPathComponent(name + ".txt")
        let actual = text(g)
        if ProcessInfo.processInfo.environment["PINGSHEN_RECORD"] == "1" {
            try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try? actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing snapshot \(name).txt (run with PINGSHEN_RECORD=1 to record)", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            var firstDiff = 0
            while firstDiff < min(e.count, a.count) && e[firstDiff] == a[firstDiff] { firstDiff += 1 }
            let el = firstDiff < e.count ? String(e[firstDiff]) : "<none>"
            let al = firstDiff < a.count ? String(a[firstDiff]) : "<none>"
            Issue.record("snapshot \(name) differs at line \(firstDiff + 1):\n expected: \(el)\n   actual: \(al)", sourceLocation: sourceLocation)
        }
    }

    /// Structural checks every frame must pass: each row is exactly `width` cells, no wide
    /// character is split (a continuation always follows a wide cell).
    static func checkWellFormed(_ g: Grid, sourceLocation: SourceLocation = #_sourceLocation) {
        for y in 0..<g.height {
            #expect(DisplayWidth.of(g.row(at: y)) == g.width, "row \(y) is not \(g.width) cells: \(g.row(at: y))", sourceLocation: sourceLocation)
            for x in 0..<g.width where g[x, y].continuation {
                #expect(x > 0 && DisplayWidth.of(g[x - 1, y].text) == 2, "orphan continuation at \(x),\(y)", sourceLocation: sourceLocation)
            }
            for x in 0..<g.width where DisplayWidth.of(g[x, y].text) == 2 {
                #expect(x + 1 < g.width && g[x + 1, y].continuation, "wide char without continuation at \(x),\(y)", sourceLocation: sourceLocation)
            }
        }
    }
}
