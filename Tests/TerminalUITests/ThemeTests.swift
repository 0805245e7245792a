import Foundation
import Panel
import Testing
@testable import TerminalUI

@Suite struct ThemeTests {
    static let themesDir = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes").path

    @Test(arguments: Theme.builtInNames)
    func everyBuiltInThemeParsesAndNamesEveryRole(_ name: String) throws {
        let t = try Theme.named(name, searchPath: [ThemesDirHolder.dir])
        #expect(t.name == name)
        for role in StyleRole.allCases where role != .normal {
            #expect(t.styles[role] != nil, "\(name) has no style for \(role)")
        }
    }

    @Test(arguments: Theme.builtInNames)
    func theEmbeddedCopiesMatchTheThemesFolder(_ name: String) throws {
        let file = try String(contentsOfFile: ThemesDirHolder.dir + "/\(name).toml", encoding: .utf8)
        let embedded = try #require(EmbeddedThemes.files[name])
        #expect(file.trimmingCharacters(in: .whitespacesAndNewlines) == embedded.trimmingCharacters(in: .whitespacesAndNewlines),
                "run themes/embed.sh after editing themes/\(name).toml")
    }

    @Test func theBinaryRunsWithoutTheFolder() throws {
        let t = try Theme.named("default", searchPath: ["/nonexistent"])
        #expect(t.colors && t.name == "default")
    }

    @Test func noColorAndColourlessTerminalsGetMono() throws {
        let a = try Theme.resolve(flag: "high-contrast", environment: ["NO_COLOR": "1"])
        #expect(a.name == "mono" && !a.colors)
        let b = try Theme.resolve(flag: nil, environment: [:], terminalHasColors: false)
        #expect(b.name == "mono")
        let c = try Theme.resolve(flag: "light", environment: ["NO_COLOR": ""])
        #expect(c.name == "light")
    }

    @Test func monoUsesAttributesOnly() {
        let m = Theme.mono
        for role in StyleRole.allCases {
            let s = m.style(role)
            #expect(s.fg == .default && s.bg == .default)
        }
        #expect(m.style(.selection).attrs.contains(.reverse))
    }

    @Test func badThemesAreNamedByFileAndField() {
        #expect(throws: InputError.self) { try Theme.parse("[roles.title]\nfg = \"purple-ish\"\n", path: "t.toml") }
        do {
            _ = try Theme.parse("[roles.titel]\nfg = \"red\"\n", path: "t.toml")
            Issue.record("unknown role accepted")
        } catch let e as InputError {
            #expect(e.path == "t.toml" && e.field == "roles.titel")
        } catch { Issue.record("\(error)") }
        do {
            _ = try Theme.parse("name = \"x\"\n[roles\n", path: "broken.toml")
            Issue.record("broken TOML accepted")
        } catch let e as InputError {
            #expect(e.path == "broken.toml" && e.line == 2)
        } catch { Issue.record("\(error)") }
        #expect(throws: InputError.self) { try Theme.named("no-such-theme", searchPath: []) }
    }

    @Test func coloursParse() {
        #expect(ThemeColor.parse("red") == .index(1))
        #expect(ThemeColor.parse("bright-cyan") == .index(14))
        #expect(ThemeColor.parse("202") == .index(202))
        #expect(ThemeColor.parse("default") == .default)
        #expect(ThemeColor.parse("256") == nil)
    }
}

enum ThemesDirHolder {
    static let dir = ThemeTests.themesDir
}
