import Foundation
import Panel
import Records
import Scoring

// Who is in the running (issue 12): the one function `rank`, `stats`, `finalize` and the UI
// read. A dossier counts only when the secretary has signed the decision "eligible" for its
// current version (the dossier_sha256 its intake or last amendment pins, `DossierPins`): the
// seeds put 资格审核 before 专家评审 (000 三(四), 002 五(一), 003 五), and an unsigned check is
// no check. An upheld objection after the public notice takes it out again.
extension ReviewSession {
    /// The qualification of every dossier of the store, in id order.
    public func qualifications() -> [Qualification] {
        let l = ledger
        return panel.dossiers.map { ReviewSession.qualification(of: $0, in: l) }
    }

    /// Where one dossier stands (see `Qualification.State`).
    public func qualification(of d: Dossier) -> Qualification { ReviewSession.qualification(of: d, in: ledger) }

    /// The same in a ledger taken once: read through the session for each of 10,000 dossiers,
    /// the ledger (some forty arrays and tables) was copied, retained and released each time.
    static func qualification(of d: Dossier, in ledger: Ledger) -> Qualification {
        if ledger.outcome(of: d.id) == "upheld" {
            return Qualification(dossier: d.id, name: d.name, state: .objectionUpheld)
        }
        guard let decision = ledger.eligibilityDecisions[d.id] else {
            return Qualification(dossier: d.id, name: d.name, state: .unchecked)
        }
        let current = ledger.pins.current[d.id]?.sha256
        guard let version = ledger.eligibilityVersions[d.id], version == current else {
            return Qualification(dossier: d.id, name: d.name, state: .unchecked, decidedOnOlderVersion: true)
        }
        if decision == "eligible" {
            // The reasons are read only where shown: 10,000 eligible dossiers decode nothing.
            return Qualification(dossier: d.id, name: d.name, state: .eligible)
        }
        let detail = ledger.eligibilityDetail(d.id)
        return Qualification(dossier: d.id, name: d.name, state: .ineligible, reasons: detail.reasons, reason: detail.reason)
    }

    /// The secretary's own reason for an "eligible" decision that overrode the check, if any.
    public func overrideReason(_ dossier: String) -> String? { ledger.eligibilityDetail(dossier).reason }

    /// The dossiers in the running, in id order.
    public var dossiersInRunning: [Dossier] { dossiersInRunning(where: { _ in true }) }

    /// The dossiers in the running that `include` keeps (asked first), in id order.
    func dossiersInRunning(where include: (Dossier) -> Bool) -> [Dossier] {
        let l = ledger
        return panel.dossiers.filter { include($0) && ReviewSession.qualification(of: $0, in: l).inRunning }
    }
}

extension ReviewSession {
    /// The warning of a competitive round (差额评审, seed 004 五.4: "专家开展差额评审") that is
    /// not one: no more eligible candidates than places, so the panel chooses nothing. nil when
    /// the programme is not competitive or the round is.
    public static func competitionWarning(program: Program, eligible: Int) -> LocalizedText? {
        guard program.competitive == true, eligible <= program.quota else { return nil }
        return LocalizedText(zh: "警告：本项目为差额评审，但合格的申报（\(eligible) 份）不多于名额（\(program.quota) 个）：不构成差额",
                             en: "warning: this is a competitive round (差额评审), but there are no more eligible candidates (\(eligible)) than places (\(program.quota))")
    }
}
