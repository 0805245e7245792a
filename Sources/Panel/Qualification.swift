import Foundation

/// Where a dossier stands after the qualification check (资格审核) as the secretary signed it:
/// only a signed decision "eligible" on the dossier's current version puts it in the running
/// (issue 12; seeds 000/002/003: 资格审核 comes before 专家评审). `ReviewSession.qualifications()`
/// decides it once for `rank`, `stats`, `finalize` and the UI.
public struct Qualification: Hashable, Sendable {
    public enum State: String, Sendable, CaseIterable {
        /// A signed decision "eligible" on the current version: in the running.
        case eligible
        /// A signed decision "ineligible" on the current version.
        case ineligible
        /// No signed decision, or one made on an older version of the dossier.
        case unchecked
        /// Removed after the public notice (an objection upheld).
        case objectionUpheld = "objection-upheld"

        public func label(_ lang: Language) -> String {
            switch self {
            case .eligible: return lang.pick("合格", "eligible")
            case .ineligible: return lang.pick("不合格", "not eligible")
            case .unchecked: return lang.pick("未审核", "not checked")
            case .objectionUpheld: return lang.pick("异议成立", "objection upheld")
            }
        }
    }

    public var dossier: String
    public var name: String
    public var state: State
    /// The signed decision's reasons (the check's failures as signed).
    public var reasons: [RuleFailure]
    /// The secretary's reason where the decision is not the check's (an override, 待核实 settled).
    public var reason: String?
    /// A decision exists but names an older version of the dossier (it was amended since).
    public var decidedOnOlderVersion: Bool

    public init(dossier: String, name: String, state: State, reasons: [RuleFailure] = [], reason: String? = nil, decidedOnOlderVersion: Bool = false) {
        self.dossier = dossier; self.name = name; self.state = state; self.reasons = reasons; self.reason = reason
        self.decidedOnOlderVersion = decidedOnOlderVersion
    }

    public var inRunning: Bool { state == .eligible }

    /// "不合格：工会会员为“否”…" — the state with its reasons, for a table line.
    public func summary(_ lang: Language) -> String {
        var parts: [String] = []
        if state == .unchecked && decidedOnOlderVersion {
            parts.append(lang.pick("材料已更新，需重新审核", "the dossier was amended: decide again"))
        }
        if state == .ineligible || state == .unchecked { parts += reasons.map { $0.message(lang) } }
        if let reason, !reason.isEmpty { parts.append(lang.pick("秘书理由：", "secretary's reason: ") + reason) }
        return parts.isEmpty ? state.label(lang) : state.label(lang) + lang.pick("：", ": ") + parts.joined(separator: lang.pick("；", "; "))
    }
}
