// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "pingshen",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pingshen", targets: ["pingshen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        // .xlsx workbooks are ZIP packages; on Linux it needs zlib (Debian's zlib1g-dev).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // ncursesw, seen through a small C shim (macros Swift cannot import).
        .systemLibrary(
            name: "CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        // Programme definitions, dossiers, roster, eligibility rules, import.
        .target(name: "Panel", dependencies: [.product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto"),
                                             .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // Canonical records, SSHSIG, OpenSSH keys, ssh-agent, durable store, verify.
        .target(name: "Records", dependencies: ["Panel", .product(name: "Crypto", package: "swift-crypto")]),
        // Aggregation, ranking, ties, quota, statistics: pure functions.
        .target(name: "Scoring", dependencies: ["Panel"]),
        // The review session: a store opened with its verified records, tallied; actions that append.
        .target(name: "Review", dependencies: ["Panel", "Records", "Scoring"]),
        // Stores on git (issue 14): the add-only rule, sync, the hub's hook, the SSH gate.
        .target(name: "Replication", dependencies: ["Panel", "Records", "Review"]),
        // Every screen as state -> update -> view into a cell grid. No curses calls.
        .target(name: "TerminalUI", dependencies: ["Panel", "Records", "Scoring", "Review", .product(name: "TOMLKit", package: "TOMLKit")]),
        // The only code that calls ncursesw.
        .target(name: "Curses", dependencies: ["CNcursesw", "TerminalUI"]),
        .executableTarget(name: "pingshen", dependencies: [
            "Panel", "Records", "Scoring", "Review", "Replication", "TerminalUI", "Curses",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // What more than one test target needs (a real ssh-agent); not part of any product.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "PanelTests", dependencies: ["Panel", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "RecordsTests", dependencies: ["Records", "Panel", "TestSupport"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "Panel", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "Review", "Records", "Scoring", "Panel"]),
        .testTarget(name: "PingshenTests", dependencies: ["Review", "Replication", "Records", "Scoring", "Panel", "TerminalUI", "TestSupport"]),
    ]
)

// libFuzzer targets (Fuzz/, built and run by scripts/fuzz). They exist only when PINGSHEN_FUZZ
// is set, so that `swift build` and `swift test` never see them: they need -sanitize=fuzzer to
// link (libFuzzer's driver) and `@testable import` (-enable-testing). ld.gold fails on the
// AddressSanitizer runtime's symbols; lld (in the Swift toolchain) links them.
if Context.environment["PINGSHEN_FUZZ"] != nil {
    package.targets.append(.target(name: "CFuzzerDriver", path: "Fuzz/Sources/CFuzzerDriver"))
    package.targets.append(.target(name: "FuzzSupport", dependencies: ["CFuzzerDriver"], path: "Fuzz/Sources/FuzzSupport"))
    let fuzzers: [(name: String, dependencies: [Target.Dependency])] = [
        ("fuzz-csv", ["Panel"]),
        ("fuzz-program", ["Panel"]),
        ("fuzz-roster", ["Panel", "Records"]),
        ("fuzz-dossier", ["Panel", .product(name: "Yams", package: "Yams")]),
        ("fuzz-record", ["Records", "Panel"]),
        ("fuzz-sshsig", ["Records", .product(name: "Crypto", package: "swift-crypto")]),
        ("fuzz-openssh-key", ["Records"]),
        ("fuzz-agent", ["Records"]),
    ]
    for f in fuzzers {
        package.targets.append(.executableTarget(
            name: f.name, dependencies: f.dependencies + ["FuzzSupport"], path: "Fuzz/Sources/\(f.name)",
            swiftSettings: [.swiftLanguageMode(.v5)], linkerSettings: [.unsafeFlags(["-use-ld=lld"])]))
        package.products.append(.executable(name: f.name, targets: [f.name]))
    }
}
