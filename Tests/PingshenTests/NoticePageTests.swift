import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import Panel

/// Issue 15, the public notice as a page: `export publicity|final --format html` (one standalone
/// file, every field escaped, A4 print and phone layouts, the store fingerprint and the Merkle
/// root in its footer) and `--format pdf` through a headless browser, or a clear refusal.
@Suite struct NoticePageTests {
    /// Names that would run, break out of an attribute, or reorder the page if written raw.
    static let hostile = [
        "<script>alert(1)</script>王",
        "李\"><img src=x onerror=alert(2)>'&amp;",
        "张\u{202E}傅\u{2066}\u{200B}\u{1B}[2J\u{07}\u{9B}&#x202E;",
    ]
    static let objectionText = "来信请寄：上海市某路1号（邮编200000）</p><script>alert(3)</script>\n电话：021-12345678"

    /// A store whose dossiers D001–D003 carry the hostile names, whose programme publishes 12
    /// characters of the deeds and a hostile objections address, finalized with D001 and D002
    /// selected (quota 2).
    static func finalizedHostile() throws -> Fixture {
        var csv = Fixture.defaultCSV
        for (i, name) in hostile.enumerated() {
            let old = ["王师傅", "李师傅", "张师傅"][i]
            csv = csv.replacingOccurrences(of: "D00\(i + 1),\(old)", with: "D00\(i + 1),\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
        }
        let fx = try Fixture(dossiers: csv)
        // The programme publishes an extract of the deeds and says where to object (signed amendment).
        var yaml = try String(contentsOfFile: fx.store + "/program.yaml", encoding: .utf8)
        let quoted = objectionText.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
        let at = try #require(yaml.range(of: "  working_days: true\n"))
        yaml.insert(contentsOf: "  deeds_chars: 12\n  objections: {zh: \"\(quoted)\", en: \"\(quoted)\"}\n", at: at.upperBound)
        let file = fx.dir + "/amended.yaml"
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        let amend = try Harness.pingshen(["program", "amend", fx.store, "--as", "sec", "--key", fx.key("sec"), file, "--reason", "公示页"])
        #expect(amend.status == 0, "program amend: \(amend.stderr)")
        try fx.signCheck()
        for m in ["m1", "m2", "m3"] {
            for (d, p) in [("D001", 24), ("D002", 20), ("D003", 15), ("D004", 10)] {
                #expect(try fx.score(m, d, [p, p, p, p]).status == 0)
            }
        }
        let fin = try fx.finalize()
        #expect(fin.status == 0, "finalize: \(fin.stderr)")
        return fx
    }

    /// What an XML reader sees of the page: every element with its attributes, and the text of
    /// each element by name (a parse failure fails the test: the page is well-formed).
    final class Outline: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String])] = []
        var texts: [String: [String]] = [:]
        var stack: [(String, String)] = []
        var error: Error?
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            elements.append((name, attributes))
            stack.append((name, ""))
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            for i in stack.indices { stack[i].1 += string }
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if let (n, t) = stack.popLast() { texts[n, default: []].append(t) }
        }
        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { error = parseError }

        static func of(_ html: String) throws -> Outline {
            let o = Outline()
            let p = XMLParser(data: Data(html.utf8))
            p.delegate = o
            let ok = p.parse()
            #expect(ok && o.error == nil, "the page is not well-formed: \(String(describing: o.error ?? p.parserError))")
            return o
        }
    }

    static let allowedElements: Set<String> = ["html", "head", "meta", "title", "style", "body", "header", "main", "footer", "section",
                                               "p", "h1", "h2", "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "dl", "dt", "dd", "code", "br"]

    /// `s` as the page shows it: what TerminalText/HTMLText never writes raw made visible.
    static func shown(_ s: String) -> String { TerminalText.sanitize(s) }

    @Test func thePublicNoticeIsOneStandalonePageWithEveryFieldInert() throws {
        let fx = try Self.finalizedHostile()
        let r = try Harness.pingshen(["export", fx.store, "publicity", "--format", "html"])
        #expect(r.status == 0, "\(r.stderr)")
        let html = r.stdout
        // Standalone: no script, no external resource of any kind; a CSP forbidding them anyway.
        let lower = html.lowercased()
        for bad in ["<script", "href=", "url(", "@import", "http://", "https://", "<img", "<link", "javascript:"] {
            #expect(!lower.contains(bad), "\(bad) in the page")
        }
        #expect(html.contains("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\""))
        // Not one control, bidi or invisible character written raw (not even as a reference).
        #expect(!html.unicodeScalars.contains { TerminalText.isUnsafe($0) && $0 != "\n" })
        #expect(!lower.contains("&#x202e;") && !lower.contains("&#8238;"))
        // Well-formed; only the page's own elements; no event handler attribute.
        let o = try Outline.of(html)
        for el in o.elements {
            #expect(Self.allowedElements.contains(el.name), "element \(el.name)")
            #expect(!el.attributes.keys.contains { $0.lowercased().hasPrefix("on") || $0 == "src" || $0 == "href" }, "\(el)")
        }
        // The hostile names are text in their cells, exactly as written (controls made visible).
        let cells = o.texts["td"] ?? []
        #expect(cells.contains(Self.shown(Self.hostile[0])), "\(cells)")
        #expect(cells.contains(Self.shown(Self.hostile[1])), "\(cells)")
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;王"))
        #expect(html.contains("李&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&#39;&amp;amp;"))
        // D003 was not selected: not on the list.
        #expect(!cells.contains { $0.hasPrefix("张") })
        // The programme's title, the list's columns (its own labels), the deeds' extract.
        #expect(o.texts["h1"] == ["Shanghai Craftsman (the thousand-craftsmen plan)"], "\(o.texts["h1"] ?? [])")
        for label in ["No.", "ID", "Name", "Field"] { #expect((o.texts["th"] ?? []).contains(label), "\(o.texts["th"] ?? [])") }
        #expect((o.texts["th"] ?? []).contains("Main deeds (extract)"))
        #expect(cells.contains("长期扎根一线，攻克“卡脖…"), "\(cells)")
        #expect(cells.contains("上海电气") && cells.contains("数控加工") && cells.contains("D001") && cells.contains("D002"))
        // Where and how to object: the programme's text, escaped, its line break kept.
        #expect(html.contains("来信请寄：上海市某路1号（邮编200000）&lt;/p&gt;&lt;script&gt;alert(3)&lt;/script&gt;<br/>电话：021-12345678"))
        // No notice signed yet: the period is said to be open, with the programme's length.
        #expect(html.contains("The notice period is not yet set (this programme&#39;s notice runs at least 5 working days)"))
        // The footer: the store fingerprint and the Merkle root, as verify and the finalization say.
        let verify = try Harness.json(try Harness.pingshen(["verify", fx.store, "--format", "json"]).stdout)
        let fp = try #require(verify["fingerprint"] as? String)
        let fin = try #require(Harness.records(fx.store, "chair").last)
        let root = try #require((try NoticeTests.body(fin))["merkle_root"] as? String)
        let codes = o.texts["code"] ?? []
        #expect(codes.contains(fp) && codes.contains(root), "\(codes)")
        #expect(html.contains("pingshen verify STORE --fingerprint \(fp)"))
        // Print on A4, read on a phone.
        #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"))
        #expect(html.contains("@page { size: A4;") && html.contains("@media print") && html.contains("@media (max-width: 40em)"))
        #expect(html.contains("thead { display: table-header-group; }"))
        #expect(html.contains("<td data-label=\"Name\">"))

        // After the notice is signed: its period; the Chinese page reads the same way.
        #expect(try fx.publicise().status == 0)
        let signed = try Harness.pingshen(["export", fx.store, "publicity", "--format", "html"]).stdout
        #expect(signed.contains("\(Fixture.day(Fixture.noticeFrom)) to \(Fixture.day(Fixture.noticeTo)) (Beijing dates"), "\(signed)")
        let zh = try Harness.run(Harness.binary, ["export", fx.store, "publicity", "--format", "html", "--lang", "zh"])
        #expect(zh.status == 0, "\(zh.stderr)")
        let zo = try Outline.of(zh.stdout)
        #expect(zo.texts["h1"] == ["“上海工匠”培养选树千人计划"])
        #expect(zh.stdout.contains("<html lang=\"zh-CN\"") && zh.stdout.contains("拟入选名单公示"))
        #expect(zh.stdout.contains("\(Fixture.day(Fixture.noticeFrom)) 至 \(Fixture.day(Fixture.noticeTo))"))

        // --out writes the same page to a file.
        let file = fx.dir + "/公示.html"
        let toFile = try Harness.pingshen(["export", fx.store, "publicity", "--format", "html", "--out", file])
        #expect(toFile.status == 0 && toFile.stdout.isEmpty, "\(toFile.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == signed)
    }

    @Test func theFinalListPageNamesTheApprovalAndTheNotice() throws {
        let fx = try Self.finalizedHostile()
        // Before approval: refused as the other formats are.
        let early = try Harness.pingshen(["export", fx.store, "final", "--format", "html"])
        #expect(early.status == 1 && early.stderr.contains("not approved"), "\(early.stderr)")
        try fx.approveList()
        let r = try Harness.pingshen(["export", fx.store, "final", "--format", "html"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try Outline.of(r.stdout)
        let cells = o.texts["td"] ?? []
        #expect(cells.contains(Self.shown(Self.hostile[0])) && cells.contains(Self.shown(Self.hostile[1])), "\(cells)")
        #expect((o.texts["li"] ?? []).contains { $0.contains("Shanghai FTU chair's office meeting (appr-sftu), approved") }, "\(o.texts["li"] ?? [])")
        #expect(r.stdout.contains("approved list") && !r.stdout.contains("Objections</h2>"))
        #expect(!r.stdout.lowercased().contains("<script"))
    }

    /// `--format pdf` with no browser installed: exit 3, a message saying what to install, and
    /// no file written. A browser that fails is an error naming it; a bad PINGSHEN_BROWSER too.
    @Test func pdfWithoutABrowserSaysSo() throws {
        let fx = try NoticeTests.finalized()
        let empty = try Harness.tempDir("nobrowser")
        let out = fx.dir + "/notice.pdf"
        var env = ["PATH": empty]
        env[PDFEnv.variable] = ""
        let none = try Harness.pingshen(["export", fx.store, "publicity", "--format", "pdf", "--out", out], env: env)
        #expect(none.status == 3, "\(none.status) \(none.stderr)")
        #expect(none.stderr.contains("no headless browser found") && none.stderr.contains("apt-get install chromium fonts-noto-cjk"), "\(none.stderr)")
        #expect(none.stderr.contains("Nothing was written"))
        #expect(!FileManager.default.fileExists(atPath: out))
        // The list's own refusal comes first (no browser needed to say the list is not approved).
        let notApproved = try Harness.pingshen(["export", fx.store, "final", "--format", "pdf", "--out", out], env: env)
        #expect(notApproved.status == 1 && notApproved.stderr.contains("not approved"), "\(notApproved.stderr)")
        // A browser that fails, a path that is not a program.
        let failing = try Harness.pingshen(["export", fx.store, "publicity", "--format", "pdf", "--out", out], env: [PDFEnv.variable: "/bin/false"])
        #expect(failing.status == 1 && failing.stderr.contains("/bin/false did not make the PDF"), "\(failing.stderr)")
        let notExe = try Harness.pingshen(["export", fx.store, "publicity", "--format", "pdf", "--out", out], env: [PDFEnv.variable: empty])
        #expect(notExe.status == 1 && notExe.stderr.contains("is not an executable file"), "\(notExe.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        // An unknown format is refused by name.
        let bad = try Harness.pingshen(["export", fx.store, "publicity", "--format", "docx"])
        #expect(bad.status == 1 && bad.stderr.contains("unknown format docx"), "\(bad.stderr)")
    }

    enum PDFEnv { static let variable = "PINGSHEN_BROWSER" }

    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Issue 15's "Done when": the page rendered by headless Chromium (Debian's `chromium`, with
    /// `fonts-noto-cjk`): a screenshot (a PNG of the asked size), and the rendered page holds the
    /// Chinese title and every name. The PDF of `--format pdf` is a PDF. (Skipped where Chromium
    /// is not installed; .ci/run installs it.)
    @Test(.enabled(if: NoticePageTests.chromium != nil, "needs Debian's chromium"))
    func headlessChromiumRendersTheNotice() throws {
        let fx = try NoticeTests.finalized()
        try fx.approveList()
        let browser = try #require(Self.chromium)
        for list in ["publicity", "final"] {
            let page = fx.dir + "/\(list).html"
            let r = try Harness.run(Harness.binary, ["export", fx.store, list, "--format", "html", "--out", page, "--lang", "zh"])
            #expect(r.status == 0, "\(r.stderr)")
            let profile = try Harness.tempDir("chromium")
            let common = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile]
            let png = fx.dir + "/\(list).png"
            let shot = try Harness.run(browser, common + ["--hide-scrollbars", "--window-size=800,1100", "--screenshot=" + png, URL(fileURLWithPath: page).absoluteString],
                                       env: ["HOME": profile])
            #expect(shot.status == 0, "\(shot.stderr)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: png))
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG")
            // IHDR: width and height, big-endian, at bytes 16…23.
            func be32(_ at: Int) -> Int { bytes.count > at + 3 ? bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } : 0 }
            #expect(be32(16) == 800 && be32(20) == 1100, "\(be32(16))×\(be32(20))")
            #expect(bytes.count > 20_000, "a nearly blank screenshot: \(bytes.count) bytes")
            // The page as Chromium laid it out: the title and every name are text on it.
            let dom = try Harness.run(browser, common + ["--dump-dom", URL(fileURLWithPath: page).absoluteString], env: ["HOME": profile])
            #expect(dom.status == 0, "\(dom.stderr)")
            #expect(dom.stdout.contains("<h1>“上海工匠”培养选树千人计划</h1>"), "\(dom.stdout.prefix(2000))")
            for name in ["王师傅", "李师傅"] { #expect(dom.stdout.contains(">\(name)</td>"), "\(name)") }
            #expect(!dom.stdout.contains("张师傅"))
            if ProcessInfo.processInfo.environment["PINGSHEN_KEEP_PNG"] != nil { try? FileManager.default.copyItem(atPath: png, toPath: "/tmp/pingshen-notice-\(list).png") }
        }
        // --format pdf through the same browser (found on PATH).
        let pdf = fx.dir + "/notice.pdf"
        let r = try Harness.pingshen(["export", fx.store, "publicity", "--format", "pdf", "--out", pdf])
        #expect(r.status == 0, "\(r.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: pdf))
        #expect(bytes.starts(with: Array("%PDF-".utf8)) && bytes.count > 5_000, "\(bytes.count) bytes")
    }
}
