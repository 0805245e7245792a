// Scoring — aggregation, ranking, ties, quota and statistics: pure, exact, repeatable functions
// over valid sheets (no I/O). Depends only on Panel.
//
// Entry points
//   validSheets(_ events: [SheetEvent]) -> [Sheet]
//   Ranker.rank(program:dossiers:sheets:) -> Ranking      (Ranking.json / csv / markdown(lang) / table(lang))
//   Ranker.validate(_ aggregation:) -> [(zh, en)]         problems in a programme's aggregation settings
//   Statistics.compute(program:dossiers:sheets:) -> PanelStatistics   (PanelStatistics.json / text(lang))
//
// Decisions (each documented where it is implemented):
//   * Valid sheets: the member's highest-seq score per dossier; a recusal by that member for that
//     dossier removes the pair whatever its position in the chain.                   (Sheets.swift)
//   * Exactness: Fraction holds Int64/Int64, computes in Int128, always reduced. `exact` is written
//     like Python's str(Fraction): "259/3", and an integer as "86" (never "86/1"). `score` is the
//     exact value rounded half up (toward +∞ at .5) to two decimals.                 (Fraction.swift)
//   * Methods: trimmed-mean, mean, median exact; z-score uses the mean absolute deviation instead
//     of the standard deviation (no square root) and rescales to the panel's mean and mean absolute
//     deviation; z-score and Borda round each per-sheet value half up to 1/10000 before the exact
//     mean. Borda: beaten + ½·tied among the member's own dossiers, / (n−1) × max total; unscored
//     dossiers get nothing from that member and do not count in that member's list.  (Aggregate.swift)
//   * Ranking: competition ranks; tie-breaks in `tie_breaks` order (median, recommend, approval);
//     no-quorum dossiers listed last, sorted by id, all with rank = ranked count + 1, never taking
//     a quota place; tie-at-cut for every dossier of a tie straddling the quota line; an approval
//     threshold failure keeps the rank, gives not-selected + approval "below-threshold" and passes
//     the quota place down; zero cast votes never meet a threshold; abstain counts as cast.
//                                                                                     (Ranker.swift)
//   * Rendering: JSON keys in contract order then extras (median, recommend, reject, abstain,
//     approval; top level quorum, approval_threshold); CSV RFC 4180 with the JSON keys as header;
//     Markdown and a cell-aligned table with zh/en headers.                           (Render.swift)
//   * Statistics: per dossier n/mean/variance/sd/min/max/spread; member severity; Kendall's W
//     (tie-corrected; incomplete rankings with Durbin's T₁ under an assignment); outlier sheets (robust rule); stability at the cut line
//     (leave one member out).                                                     (Statistics.swift)
//
// An independent recount lives in scripts/recount.py (Python, fractions.Fraction); its input is
// written by RecountInput.json(program:dossiers:events:) from the raw sheet events; the tests
// compare it with Ranker on random panels for every method.
