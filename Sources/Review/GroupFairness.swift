import Foundation
import Panel
import Records
import Scoring

// Fairness across field groups and the chair's view of them (issue 13): each group's
// statistics (Scoring/GroupStatistics.swift) and its progress against the assignment in force,
// with the members who are behind. The terminal UI's board and the secretary's assignment
// screen read these; `pingshen stats` prints the statistics.

/// Where one (member, dossier) pair stands for the progress board.
public enum PairProgress: Sendable, Hashable {
    case open, signed, recused
}

/// One group's progress: the pairs the assignment in force gives its dossiers (every member of
/// the group on every dossier of the group while no assignment is signed), how many are signed
/// and recused, and each member's share.
public struct GroupProgress: Sendable, Hashable {
    public struct MemberLine: Sendable, Hashable {
        public var member: String
        public var assigned: Int
        public var signed: Int
        public var recused: Int
        /// Neither signed nor recused.
        public var open: Int { assigned - signed - recused }
    }
    public var group: String
    public var name: LocalizedText
    /// The group's dossiers (those no signed decision took out of the running).
    public var dossiers: Int
    /// Pairs to score: assigned pairs less recusals.
    public var expected: Int
    public var signed: Int
    /// Most open first, then id (UTF-8 bytes).
    public var members: [MemberLine]
    /// The members with anything open, most open first.
    public var behind: [MemberLine] { members.filter { $0.open > 0 } }

    /// The board (pure): `groups` in order with their members; `dossierGroup`: the signed group
    /// of each dossier; `dossiers`: those in the running; `assignment`: dossier → members of
    /// the assignment in force (nil: none signed); `state` tells a pair's progress.
    public static func board(groups: [(id: String, name: LocalizedText, members: [String])], dossierGroup: [String: String],
                             dossiers: [String], assignment: [String: [String]]?,
                             state: (_ member: String, _ dossier: String) -> PairProgress) -> [GroupProgress] {
        var byGroup: [String: [String]] = [:]
        for d in dossiers { if let g = dossierGroup[d] { byGroup[g, default: []].append(d) } }
        return groups.map { g in
            var lines: [String: MemberLine] = [:]
            for m in g.members where assignment == nil { lines[m] = MemberLine(member: m, assigned: 0, signed: 0, recused: 0) }
            let ds = byGroup[g.id] ?? []
            for d in ds {
                for m in assignment.map({ $0[d] ?? [] }) ?? g.members {
                    var l = lines[m] ?? MemberLine(member: m, assigned: 0, signed: 0, recused: 0)
                    l.assigned += 1
                    switch state(m, d) {
                    case .signed: l.signed += 1
                    case .recused: l.recused += 1
                    case .open: break
                    }
                    lines[m] = l
                }
            }
            let ms = lines.values.sorted { $0.open != $1.open ? $0.open > $1.open : $0.member.utf8.lexicographicallyPrecedes($1.member.utf8) }
            let assigned = ms.reduce(0) { $0 + $1.assigned }, recused = ms.reduce(0) { $0 + $1.recused }
            return GroupProgress(group: g.id, name: g.name, dossiers: ds.count, expected: assigned - recused,
                                 signed: ms.reduce(0) { $0 + $1.signed }, members: ms)
        }
    }
}

extension ReviewSession {
    /// The round the statistics and the board show when none is asked: the open round (the
    /// last once finalized); 1 without rounds.
    public var shownRound: Int { hasRounds ? (finalized ? program.roundCount : openRound) : 1 }

    /// Each group's statistics in the groups' order (empty when the programme has no groups),
    /// on round `round`'s sheets and dossiers (default `shownRound`, as `stats`). `overall`:
    /// the whole panel's statistics of that round (its stability is filtered per group). In a
    /// round by groups before the last, each group's stability is at its shortlist line.
    public func groupStatistics(overall: PanelStatistics, round asked: Int? = nil) -> [GroupStatistics] {
        guard hasGroups else { return [] }
        let n = asked ?? shownRound
        let input = statisticsInput(round: n)
        var lines: [String: Int] = [:]
        if hasRounds, n < program.roundCount, program.roundSpec(n)?.byGroups == true {
            for (k, size) in shortlistSizes(round: n).sizes { if let k { lines[k] = size } }
        }
        return Statistics.groups(program: input.program, dossiers: input.dossiers, table: input.table,
                                 groupOf: ledger.dossierGroups, order: groups().map(\.id), overall: overall, lines: lines)
    }

    /// Each group's progress in round `round` (default `shownRound`; empty without groups). In
    /// round 1, against the assignment in force, over the dossiers no signed decision took out
    /// of the running (a dossier not yet checked is scored as a member's list shows it); in a
    /// later round, every scoring member of the roster on each dossier of the round (the
    /// committee), by the dossiers' groups. A pair is signed when the member's latest sheet of
    /// the round stands, recused when they recused in it.
    public func groupProgress(round asked: Int? = nil) -> [GroupProgress] {
        guard hasGroups else { return [] }
        let n = asked ?? shownRound
        let l = ledger.round(n)
        let gs = groups()
        let board: [(id: String, name: LocalizedText, members: [String])]
        let table: [String: [String]]?
        let ds: [Dossier]
        if n == 1 {
            // Without an assignment, the group's members who score (one removed since is no
            // longer expected to); with one, its pairs, a removed member's open until replaced.
            board = gs.map { ($0.id, $0.name, $0.members.filter { panel.roster.member($0).map(ReviewSession.scoring) ?? false }) }
            table = (try? assignmentInForce())?.assignment.table
            ds = panel.dossiers.filter { let q = qualification(of: $0).state; return q != .ineligible && q != .objectionUpheld }
        } else {
            let everyone = panel.roster.members.filter(ReviewSession.scoring).map(\.id)
            board = gs.map { ($0.id, $0.name, everyone) }
            table = nil
            ds = roundDossiers(n)
        }
        return GroupProgress.board(groups: board, dossierGroup: ledger.dossierGroups, dossiers: ds.map(\.id), assignment: table) { m, d in
            if l.recusal(.init(m, d)) != nil { return .recused }
            return l.latestScore(.init(m, d)) != nil ? .signed : .open
        }
    }
}
