import Foundation
import Testing
@testable import Panel

/// A YAML text is bounded before Yams composes it: a programme is YAML that a secretary's key
/// can sign outside pingshen (a program-amend, the genesis), and every member's open decodes
/// it (`GovernanceRules.program`), as does `import` a manifest. Yams hashes every mapping key
/// whole, aliases expanded, and the schema check and the decoder walk every expanded node:
/// both bombs below ran for ever before (`YAMLBounds`). A deep text is refused by libyaml's
/// own nesting limit (1,000), before Yams's recursive composer: held, tested here.
@Suite struct YAMLBoundsTests {
    /// `a0` ten scalars, each next one ten aliases of the one before: `a8` stands for 10^9.
    static func bomb(levels: Int = 9) -> String {
        var t = "a0: &a0 [" + Array(repeating: "q", count: 10).joined(separator: ",") + "]\n"
        for i in 1..<levels { t += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ",") + "]\n" }
        return t
    }

    @Test func anAliasBombAsAKeyIsRefusedNotHashed() {
        let text = Self.bomb() + "? *a8\n: 1\n"
        #expect {
            _ = try YAMLFile.decode(Program.self, text: text, path: "p.yaml")
        } throws: { e in
            let s = "\(e)"
            return e is InputError && s.contains("p.yaml") && (s.contains("alias") || s.contains("别名"))
        }
    }

    @Test func anAliasBombThroughTheSchemaIsRefused() {
        // rounds × criteria, every key one the schema knows: it walked them all, then decoded them.
        let n = 10_000
        let criterion = "&c {id: c1, name: {zh: 甲, en: A}, rubric: {zh: 甲, en: A}, max: 10}"
        var text = "rounds:\n- &r {round: 1, name: {zh: 乙, en: B}, by: all, sheet: {criteria: [" + criterion
        text += String(repeating: ", *c", count: n - 1) + "]}}\n"
        text += String(repeating: "- *r\n", count: n - 1)
        #expect {
            _ = try YAMLFile.decode(Program.self, text: text, path: "p.yaml")
        } throws: { e in
            let s = "\(e)"
            return e is InputError && (s.contains("alias") || s.contains("别名"))
        }
    }

    @Test func aDeepTextIsRefusedNotComposed() {
        for (open, close) in [("[", "]"), ("{a: ", "}")] {
            let n = 200_000
            let text = "title: " + String(repeating: open, count: n) + "x" + String(repeating: close, count: n) + "\n"
            #expect {
                _ = try YAMLFile.decode(Program.self, text: text, path: "p.yaml")
            } throws: { e in
                let s = "\(e)"
                return e is InputError && s.contains("p.yaml:1")
            }
        }
        // block style: "- - - … x" nests one level per "- "
        let block = "title:\n" + String(repeating: "- ", count: 100_000) + "x\n"
        #expect(throws: InputError.self) { _ = try YAMLFile.decode(Program.self, text: block, path: "p.yaml") }
    }

    @Test func aFewAliasesAndOrdinaryDepthStillRead() throws {
        let v = try YAMLFile.decode([String: [[Int]]].self, text: "a: &x [[1, 2], [3]]\nb: *x\n", path: "p.yaml")
        #expect(v["b"] == [[1, 2], [3]])
        let nested = try YAMLFile.decode([[[[[[[Int]]]]]]].self, text: "[[[[[[[1]]]]]]]", path: "p.yaml")
        #expect(nested == [[[[[[[1]]]]]]])
        // every template reads as before
        for src in Templates.sources { _ = try Templates.decode(src.yaml, id: src.id) }
        // a syntax error is still Yams's, with its line
        #expect(throws: InputError.self) { _ = try YAMLFile.decode([String: Int].self, text: "a: 1\nb: [\n", path: "p.yaml") }
    }
}
