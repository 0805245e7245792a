import Foundation
import Panel

/// The input of the independent recount, `scripts/recount.py INPUT.json`, written from the raw
/// sheet events (before `validSheets`), so that the script recomputes everything itself: valid
/// sheets, totals, scores, ranks and statuses. Its output has the shape of `Ranking.json()`.
public enum RecountInput {
    public static func json(program: Program, dossiers: [Dossier], events: [SheetEvent]) -> String {
        let a = program.aggregation
        var out = "{\"program\":\(jsonString(program.id)),\"quota\":\(program.quota),\"max_total\":\(program.sheet.maxTotal)"
        out += ",\"aggregation\":{\"method\":\(jsonString(a.method)),\"trim\":\(a.trim),\"trim_min\":\(a.trimMin),\"quorum\":\(a.quorum)"
        out += ",\"tie_breaks\":[" + a.tieBreaks.map(jsonString).joined(separator: ",") + "]"
        out += ",\"approval_threshold\":\(a.approvalThreshold.map(jsonString) ?? "null")}"
        out += ",\"dossiers\":[" + dossiers.map { "{\"id\":\(jsonString($0.id)),\"name\":\(jsonString($0.name))}" }.joined(separator: ",") + "]"
        out += ",\"events\":["
        out += events.map { e in
            switch e {
            case let .score(s, seq):
                let points = s.points.keys.sorted().map { "\(jsonString($0)):\(s.points[$0]!)" }.joined(separator: ",")
                return "\n{\"kind\":\"score\",\"seq\":\(seq),\"member\":\(jsonString(s.member)),\"dossier\":\(jsonString(s.dossier))"
                    + ",\"points\":{\(points)},\"vote\":\(s.vote.map { jsonString($0.rawValue) } ?? "null")}"
            case let .recusal(member, dossier, seq):
                return "\n{\"kind\":\"recusal\",\"seq\":\(seq),\"member\":\(jsonString(member)),\"dossier\":\(jsonString(dossier))}"
            }
        }.joined(separator: ",")
        out += "]}\n"
        return out
    }
}
