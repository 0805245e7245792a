import Foundation
import Panel
import Scoring
import Review

// Exporting the list for the public notice or the approved list to a file (issue 17), through
// `ReviewSession.listFile`, the bytes `pingshen export … --out` writes; from the UI only to a
// new file (`ReviewSession.writeList`), never replacing one.

extension UI {
    static func exportIntro(_ lang: Language) -> String {
        lang.pick("选择名单和格式，输入要写入的新文件路径（不会覆盖已有文件），Ctrl-S 写入。每种格式都带评审库指纹。",
                  "Choose the list and format, type the path of a new file (an existing one is never replaced), then Ctrl-S writes it. Every format carries the store fingerprint.")
    }

    static func exportForm(_ s: AppState, _ b: ReviewBackend) -> FormState {
        FormState(kind: .export, fields: [
            .choice("list", LocalizedText(zh: "名单", en: "List"), [
                ("publicity", LocalizedText(zh: "公示名单", en: "list for the public notice")),
                ("final", LocalizedText(zh: "审定名单", en: "approved list")),
            ]),
            .choice("format", LocalizedText(zh: "格式", en: "Format"), [
                ("md", LocalizedText(zh: "Markdown（公示文本）", en: "Markdown (the notice)")),
                ("csv", LocalizedText(zh: "CSV（表格）", en: "CSV (spreadsheet)")),
                ("json", LocalizedText(zh: "JSON", en: "JSON")),
                ("html", LocalizedText(zh: "HTML（公示网页，可打印）", en: "HTML (the notice page, printable)")),
            ]),
            .text("path", LocalizedText(zh: "写入文件", en: "Write to"), note: LocalizedText(zh: "新文件的路径", en: "a new file's path")),
        ])
    }

    /// Ctrl-S: nothing is signed, so no confirmation; the writer refuses what it must.
    static func exportEffects(_ s: inout AppState, _ f: FormState) -> [Effect] {
        guard let path = f.optional("path") else {
            say(&s, "请输入要写入的文件路径", "Type the path of the file to write", .warning); return []
        }
        guard let list = PublishedList(rawValue: f.value("list")) else { return [] }
        s.busy = true
        say(&s, "正在写入…", "Writing…")
        return [.writeList(list, format: f.value("format"), path: expandHome(path))]
    }
}
