import Foundation
import Panel
@testable import Scoring

/// A programme with two criteria of 50 points each (max total 100) and the given aggregation.
func testProgram(method: String = "trimmed-mean", quota: Int = 2, trim: Int = 1, trimMin: Int = 5, quorum: Int = 3,
                 tieBreaks: [String] = ["median", "recommend"], threshold: String? = nil, id: String = "shanghai-craftsman") -> Program {
    let criteria = [
        Criterion(id: "skill", name: LocalizedText(zh: "技能", en: "Skill"), rubric: LocalizedText(zh: "", en: ""), max: 50),
        Criterion(id: "contribution", name: LocalizedText(zh: "贡献", en: "Contribution"), rubric: LocalizedText(zh: "", en: ""), max: 50),
    ]
    return Program(id: id, title: LocalizedText(zh: "测试", en: "Test"), organiser: LocalizedText(zh: "", en: ""),
                   document: "", quota: quota, sheet: ScoringSheet(criteria: criteria),
                   aggregation: Aggregation(method: method, trim: trim, trimMin: trimMin, quorum: quorum,
                                            tieBreaks: tieBreaks, approvalThreshold: threshold))
}

/// A sheet whose points add up to `total` (split over the two criteria).
func sheet(_ member: String, _ dossier: String, _ total: Int, _ vote: Vote? = nil) -> Sheet {
    let a = min(total, 50)
    return Sheet(member: member, dossier: dossier, points: ["skill": a, "contribution": total - a], vote: vote)
}

func dossier(_ id: String, _ name: String? = nil) -> Dossier {
    Dossier(id: id, fields: ["name": name ?? "Name \(id)"])
}

/// Sheets of one dossier from a list of totals, members m1, m2, ….
func sheets(_ dossier: String, _ totals: [Int], votes: [Vote?] = []) -> [Sheet] {
    totals.enumerated().map { i, t in sheet("m\(i + 1)", dossier, t, i < votes.count ? votes[i] : nil) }
}

/// The deterministic generator of Panel, under the name these tests use.
typealias SplitMix = SplitMix64

/// A panel built from a grid of values: value < 0 means "no sheet" (recused / not scored).
/// Sheet (m, d) has total values[m·D + d]; its vote is derived from the value.
func gridPanel(members: Int, dossiers: Int, values: [Int]) -> (dossiers: [Dossier], sheets: [Sheet]) {
    let ds = (0..<dossiers).map { dossier("D\($0)") }
    var out: [Sheet] = []
    for m in 0..<members {
        for d in 0..<dossiers {
            let v = values[(m * dossiers + d) % max(1, values.count)]
            if v < 0 { continue }
            out.append(sheet("m\(m)", "D\(d)", v, Vote.allCases[(v + m) % 3]))
        }
    }
    return (ds, out)
}
