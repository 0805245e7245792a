import Panel

/// Who may see other members' scores on a dossier (issue 17). A programme that hides scores
/// until submitted (`aggregation.hide_others_until_submitted`, the default) shows a scoring
/// member (member or chair) nobody else's totals, points, votes, medians or comments on a
/// dossier until that member has signed a sheet for it or recused; once the ranking is
/// finalized everything is visible. Roles that do not score (secretary, approver) oversee and
/// always see. One rule: every screen that shows scores asks it.
public enum ScoreVisibility {
    /// What the viewer has done on the dossier.
    public enum Own: Sendable { case nothing, draft, signed, recused }

    public static func othersVisible(program: Program, viewer role: Role, own: Own, finalized: Bool) -> Bool {
        if finalized || !program.aggregation.hideOthersUntilSubmitted { return true }
        guard role == .member || role == .chair else { return true }
        return own == .signed || own == .recused
    }
}

extension ReviewSession {
    /// Why `member` cannot sign a sheet for `dossier` now, nil when they can (issue 17): the
    /// one rule `score` and the UI's sheet read. The ranking is finalized; the member recused
    /// (final); the dossier is out of the running by a signed decision (not eligible on its
    /// current version, or an objection upheld). A dossier not yet checked can be scored: its
    /// sheets count once the check is signed.
    public func sheetLock(member memberID: String, dossier: String, round: Int? = nil) -> LocalizedText? {
        let n = round ?? openRound
        if ledger.finalization != nil {
            return LocalizedText(zh: "评审结果已由组长签署定稿，不能再提交评分或回避",
                                 en: "the ranking has been finalized by the chair; no more scores or recusals")
        }
        if ledger.round(n).recusal(.init(memberID, dossier)) != nil {
            return LocalizedText(zh: "\(memberID) 已声明回避 \(dossier)（回避不可撤回），不能评分",
                                 en: "\(memberID) recused from \(dossier) (a recusal is final) and cannot score it")
        }
        // Rounds (issue 13): the round open, the dossier on its shortlist, no earlier recusal.
        if let lock = roundLock(member: memberID, dossier: dossier, round: n) { return lock }
        // Assignment (issue 13): once the secretary has signed one, a member scores only the
        // dossiers it gives them (round 1's: later rounds are the committee's).
        if n == 1, let lock = assignmentLock(member: memberID, dossier: dossier) { return lock }
        if let d = panel.dossier(dossier) {
            let q = qualification(of: d)
            switch q.state {
            case .ineligible:
                return LocalizedText(zh: "\(dossier) 经签名的资格审核为不合格，不参加评审", en: "\(dossier) was signed as not eligible and is not under review")
            case .objectionUpheld:
                return LocalizedText(zh: "\(dossier) 公示异议成立，已退出评审", en: "an objection to \(dossier) was upheld; it is out of the review")
            case .eligible, .unchecked:
                break
            }
        }
        return nil
    }
}
