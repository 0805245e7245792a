import Foundation
import Panel

/// What the panel takes from the signed history (issue 13): the one check of a programme text
/// and of a sanction, applied where the history is replayed (`Governance.apply`, the genesis),
/// before a secretary signs (`Governance.append`, `found`), and by the panel on what the
/// history gives it (`Governance.openPanel`; `PanelStore.open` runs the same `Eligibility`
/// checks on the view files).
///
/// Before, the history took what only its body's shape allowed (a sanction of year 5, a rule
/// type the engine does not know) and the panel refused it on every open, so such a record,
/// signed outside pingshen with a secretary's key, made the whole store unusable. Now the
/// history refuses it as it refuses a record signed by someone not allowed: named by `verify`
/// (path, `gov-invalid`, the reason), not applied, and the panel opens on the history before it.
public enum GovernanceRules {
    /// The programme as the panel takes it: program.yaml's schema (keys, bounds, groups, rounds,
    /// shortlists, quota, `YAMLFile.decode`) and its rules and fields (`Eligibility.validate`).
    /// Errors in the language of `lang`, naming `path`.
    public static func program(_ text: String, path: String = "program.yaml", language lang: Language = RecordsError.currentLanguage) throws -> Program {
        try PanelMessages.$language.withValue(lang) {
            let p = try YAMLFile.decode(Program.self, text: text, path: path)
            try Eligibility.validate(p, path: path)
            return p
        }
    }

    /// An error of `program` as a problem's message says it.
    public static func describe(_ error: Error, language lang: Language) -> String {
        switch error {
        case let e as InputError: return e.description
        case let e as RecordsError: return e.message(lang)
        default: return "\(error)"
        }
    }

    /// What the panel refuses in a sanction (`Eligibility.sanctionProblem`: its kind, name and
    /// year), nil when it takes it.
    public static func sanctionProblem(_ s: Sanction) -> RecordsError? {
        Eligibility.sanctionProblem(s).map { RecordsError("处理条目的 \($0.field)：\($0.zh)", "the sanction's \($0.field): \($0.en)") }
    }
}
