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
