import Foundation
import Panel
import Scoring
import Review

// Importing nominations by path (issue 17): the file (CSV in UTF-8 or GB18030, .xlsx, YAML) is
// read for a preview of what will be imported, or the error naming the row or cell and the
// field; Ctrl-S signs the intake record of exactly what was previewed, all or nothing, through
// `ReviewSession.importDossiers` as `pingshen import` does.

extension UI {
    static func importIntro(_ lang: Language) -> String {
        lang.pick("输入文件路径（.xlsx、.csv 或 .yaml），按 Enter 预览将导入的申报；核对无误后按 Ctrl-S 签署导入记录。全部导入或全部不导入。",
                  "Type the file's path (.xlsx, .csv or .yaml) and press Enter for a preview of what will be imported; then Ctrl-S signs the intake record. All or nothing.")
    }

    static func importForm(_ s: AppState) -> FormState {
        FormState(kind: .importFile, fields: [
            .text("path", LocalizedText(zh: "文件路径", en: "File path"), note: LocalizedText(zh: ".xlsx / .csv / .yaml", en: ".xlsx / .csv / .yaml")),
            .text("sheet", LocalizedText(zh: "工作表", en: "Worksheet"), note: LocalizedText(zh: "留空：第一张", en: "empty: the first")),
        ])
    }

    /// Reads the file for its preview (nothing is written). An error stays under the form, the
    /// path as typed.
    static func previewImport(_ s: inout AppState, _ f: inout FormState, _ b: ReviewBackend) {
        let lang = s.lang
        guard let path = f.optional("path") else {
            f.lines = [FormLine(lang.pick("请先输入文件路径", "Type the file's path first"), .warning)]
            f.previewed = nil
            return
        }
        f.scroll = 0
        do {
            let p = try b.previewImport(path: expandHome(path), sheet: f.optional("sheet"), lang: lang)
            var lines = [FormLine(lang.pick("将导入 \(p.new.count) 份申报材料", "\(p.new.count) dossiers will be imported")
                                  + (p.unchanged > 0 ? lang.pick("（另有 \(p.unchanged) 份已在库中，未变）", " (\(p.unchanged) more already in the store, unchanged)") : ""),
                                  p.new.isEmpty ? .warning : .signed)]
            for d in p.new {
                lines.append(FormLine("\(d.id)  \(d.name)  \(d.employer)  \(d.field)"))
            }
            if p.new.isEmpty { lines.append(FormLine(lang.pick("没有新的申报材料，无需签署", "Nothing new: nothing to sign"), .dim)) }
            else { lines.append(FormLine(lang.pick("按 Ctrl-S 签署导入记录", "Press Ctrl-S to sign the intake record"), .dim)) }
            f.lines = lines
            f.previewed = p.new.isEmpty ? nil : f.values
        } catch {
            f.lines = [FormLine(lang.pick("不能导入（未写入任何内容）：", "Cannot import (nothing was written):"), .error),
                       FormLine(error.userMessage(lang), .error)]
            f.previewed = nil
        }
    }

    /// `~/` as a shell would expand it: the path is typed as a person types it.
    static func expandHome(_ path: String) -> String {
        guard path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] else { return path }
        return home + path.dropFirst(1)
    }

    static func askToImport(_ s: inout AppState, _ f: FormState, _ b: ReviewBackend) {
        guard let path = f.optional("path"), f.previewed == f.values else {
            say(&s, "请先按 Enter 预览将导入的内容", "Press Enter for the preview first", .warning)
            return
        }
        confirmSecretary(&s, .importFile(path: expandHome(path), sheet: f.optional("sheet")), b)
    }
}
