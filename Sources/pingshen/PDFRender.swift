import Foundation
import Panel
import Review
#if canImport(Glibc)
import Glibc
#endif

/// `export … --format pdf` (issue 15): the notice page (`--format html`) printed to PDF by a
/// headless browser installed on this machine — Chromium (`--headless --print-to-pdf`, which
/// honours the page's A4 `@page` rule) or wkhtmltopdf. pingshen carries no PDF engine of its
/// own; when no browser is found it says so and exits with `PDFRender.noBrowserStatus`, having
/// written nothing.
enum PDFRender {
    /// Exit status when no headless browser is installed (distinct from 1, a refused export, and
    /// 2, a store that cannot be read).
    static let noBrowserStatus: Int32 = 3
    /// PINGSHEN_BROWSER: the browser's path, instead of looking for one on PATH.
    static let variable = "PINGSHEN_BROWSER"
    /// Looked for on PATH, in this order.
    static let chromiumNames = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"]
    static let wkhtmltopdf = "wkhtmltopdf"
    /// A browser that has not finished by then is killed.
    static let timeout: TimeInterval = 120

    enum Browser {
        case chromium(String)
        case wkhtmltopdf(String)
    }

    struct NoBrowser: Error {}

    static func executable(_ path: String) -> Bool { access(path, X_OK) == 0 && !isDirectory(path) }
    static func isDirectory(_ path: String) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &d) && d.boolValue
    }

    /// The browser to use: $PINGSHEN_BROWSER (a Chromium unless its name says wkhtmltopdf),
    /// else the first of `chromiumNames`, then wkhtmltopdf, found on $PATH.
    static func find(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Browser {
        if let p = env[variable], !p.isEmpty {
            guard executable(p) else {
                throw ActionError(zh: "\(variable)=\(TerminalText.sanitize(p)) 不是可执行文件", en: "\(variable)=\(TerminalText.sanitize(p)) is not an executable file")
            }
            return (p as NSString).lastPathComponent.contains(wkhtmltopdf) ? .wkhtmltopdf(p) : .chromium(p)
        }
        let dirs = (env["PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        func onPath(_ name: String) -> String? { dirs.lazy.map { $0 + "/" + name }.first(where: executable) }
        for name in chromiumNames { if let p = onPath(name) { return .chromium(p) } }
        if let p = onPath(wkhtmltopdf) { return .wkhtmltopdf(p) }
        throw NoBrowser()
    }

    static func noBrowserMessage(_ lang: Language) -> String {
        lang.pick("没有找到无头浏览器，无法生成 PDF：请安装 Chromium（Debian：apt-get install chromium fonts-noto-cjk）或 wkhtmltopdf，或用 \(variable) 指定其路径；也可以用 --format html 导出网页，再在浏览器中打印为 PDF。未写出任何文件。",
                  "no headless browser found to make the PDF: install Chromium (Debian: apt-get install chromium fonts-noto-cjk) or wkhtmltopdf, or give its path in \(variable); or export --format html and print the page to PDF from a browser. Nothing was written.")
    }

    /// The PDF of `html`, printed by `browser` in a private temporary directory (its own
    /// profile, so a running browser of the user's is never touched).
    static func render(html: String, with browser: Browser, lang: Language) throws -> Data {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pingshen-pdf-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: work) }
        let page = work.appendingPathComponent("notice.html"), pdf = work.appendingPathComponent("notice.pdf")
        try Data(html.utf8).write(to: page)
        let exe: String, args: [String]
        switch browser {
        case .chromium(let p):
            exe = p
            // --no-sandbox: the sandbox cannot start as root (containers, CI); the page is our
            // own, script-free and forbidden every resource by its Content-Security-Policy.
            args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-extensions", "--no-first-run",
                    "--user-data-dir=" + work.appendingPathComponent("profile").path,
                    "--no-pdf-header-footer", "--print-to-pdf-no-header", "--print-to-pdf=" + pdf.path, page.absoluteString]
        case .wkhtmltopdf(let p):
            exe = p
            args = ["--quiet", "--page-size", "A4", "--print-media-type", "--encoding", "utf-8", page.path, pdf.path]
        }
        let proc = Process()
        proc.executableURL = URL(fileURLWithPath: exe)
        proc.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = work.path
        proc.environment = env
        let errPipe = Pipe()
        proc.standardOutput = FileHandle.nullDevice
        proc.standardError = errPipe
        proc.standardInput = FileHandle.nullDevice
        try proc.run()
        let box = ErrBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { box.data = errPipe.fileHandleForReading.readDataToEndOfFile(); done.signal() }
        let deadline = Date().addingTimeInterval(timeout)
        while proc.isRunning, Date() < deadline { usleep(50_000) }
        if proc.isRunning { proc.terminate(); usleep(500_000); if proc.isRunning { kill(proc.processIdentifier, SIGKILL) } }
        proc.waitUntilExit()
        _ = done.wait(timeout: .now() + 5)
        let bytes = (try? Data(contentsOf: pdf)) ?? Data()
        guard proc.terminationReason == .exit, proc.terminationStatus == 0, bytes.starts(with: Array("%PDF-".utf8)) else {
            let tail = String(decoding: box.data.suffix(600), as: UTF8.self)
            throw ActionError(zh: "\(exe) 未能生成 PDF（退出状态 \(proc.terminationStatus)）：\(tail)",
                              en: "\(exe) did not make the PDF (exit status \(proc.terminationStatus)): \(tail)")
        }
        return bytes
    }

    final class ErrBox: @unchecked Sendable { var data = Data() }
}
