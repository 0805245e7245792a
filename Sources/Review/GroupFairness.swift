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
    /// Each group's statistics in the groups' order (empty when the programme has no groups).
    /// `overall`: the whole panel's statistics (its stability is filtered per group).
    public func groupStatistics(overall: PanelStatistics, lines: [String: Int] = [:]) -> [GroupStatistics] {
        guard hasGroups else { return [] }
        return Statistics.groups(program: program, dossiers: dossiersInRunning, table: countedSheetTable,
                                 groupOf: ledger.dossierGroups, order: groups().map(\.id), overall: overall, lines: lines)
    }

    /// Each group's progress against the assignment in force (empty without groups), over the
    /// dossiers no signed decision took out of the running (a dossier not yet checked is
    /// scored as a member's list shows it). A pair is signed when the member's latest sheet for
    /// it stands, recused when they recused.
    public func groupProgress() -> [GroupProgress] {
        guard hasGroups else { return [] }
        let table = (try? assignmentInForce())?.assignment.table
        let open = panel.dossiers.filter { let q = qualification(of: $0).state; return q != .ineligible && q != .objectionUpheld }
        return GroupProgress.board(groups: groups().map { ($0.id, $0.name, $0.members) }, dossierGroup: ledger.dossierGroups,
                                   dossiers: open.map(\.id), assignment: table) { m, d in
            if ledger.recusal(.init(m, d)) != nil { return .recused }
            return ledger.latestScore(.init(m, d)) != nil ? .signed : .open
        }
    }
}
