import Panel
import Scoring

/// What the chair's screens share (Screens/ProgressScreen, RankingScreen, BreakdownScreen,
/// FinalizeScreen draw themselves in extensions of this namespace).
public enum ChairViews {
    /// Whether this viewer may see others' scores on a dossier now.
    public static func othersVisible(_ s: AppState, _ b: ReviewBackend, _ id: String) -> Bool { b.othersVisible(id) }

    /// What a score cell shows for a dossier whose scores the viewer may not see yet.
    static func hiddenWord(_ lang: Language) -> String { lang.pick("隐藏", "hidden") }
}
