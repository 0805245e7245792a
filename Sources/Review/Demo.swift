import Foundation
import Panel
import Records
import Scoring

/// The built-in demo store: the Shanghai programme, a dozen realistic dossiers, a panel of
/// seven with most sheets signed, so a new user sees the real thing in one command.
public enum DemoStore {
    public struct Seat: Sendable { public var id: String; public var name: String; public var role: Role; public var unit: String? }

    public static let seats: [Seat] = [
        Seat(id: "m01", name: "王建国", role: .member, unit: "上海交通大学"),
        Seat(id: "m02", name: "李秀英", role: .member, unit: "上海市职工技协"),
        Seat(id: "m03", name: "张伟", role: .member, unit: "上海电气集团"),
        Seat(id: "m04", name: "陈静", role: .member, unit: "同济大学"),
        Seat(id: "m05", name: "刘洋", role: .member, unit: "上海市机械工程学会"),
        Seat(id: "c01", name: "周立群", role: .chair, unit: "上海市总工会"),
        Seat(id: "s01", name: "吴敏", role: .secretary, unit: "上海市总工会"),
    ]

    /// Builds the demo store at `root` (which must not exist or be empty) and returns the key
    /// file of each seat (root/.keys/ID, unencrypted, for the demo only).
    @discardableResult
    public static func build(at root: String, quota: Int = 5) throws -> [String: String] {
        // The secretary founds the store (the genesis record) and signs every member-add.
        let founder = seats.first { $0.role == .secretary }!
        let founderKey = try StoreSetup.createWithNewKey(root: root, programID: "shanghai-craftsman", year: 2026, quota: quota,
                                                         founder: Member(id: founder.id, name: founder.name, role: .secretary, unit: founder.unit, key: ""))
        let layout = StoreLayout(root)
        var keyFiles: [String: String] = [founder.id: founderKey]
        for seat in seats where seat.id != founder.id {
            keyFiles[seat.id] = try StoreSetup.addMemberWithNewKey(
                Member(id: seat.id, name: seat.name, role: seat.role, unit: seat.unit, key: ""), to: layout, comment: "\(seat.id)@pingshen-demo",
                secretary: founder.id, secretaryKey: founderKey)
        }
        let session = try ReviewSession(root: root)
        // Imported as `pingshen import` does: the secretary signs the intake record.
        try session.publishDossiers(DemoData.dossiers, source: "demo", as: "s01", signer: try KeyFileSigner(path: keyFiles["s01"]!))
        let criteria = session.program.sheet.criteria
        var rng = SplitMix64(seed: 2026)
        let dossiers = session.panel.dossiers
        for seat in seats where seat.role != .secretary {
            let signer = try KeyFileSigner(path: keyFiles[seat.id]!)
            for (i, d) in dossiers.enumerated() {
                // m01 (the demo user) has signed two sheets and left the rest to do.
                if seat.id == "m01" && i >= 2 { break }
                // the chair scores only part of the list, so the progress grid has gaps.
                if seat.role == .chair && i % 3 == 2 { continue }
                if let unit = seat.unit, unit == d.employer {
                    try session.recuse(as: seat.id, dossier: d.id, reason: "同一单位", signer: signer)
                    continue
                }
                // A strength per dossier, plus each member's own severity and some noise.
                let strength = 14 + (d.id.unicodeScalars.reduce(0) { $0 + Int($1.value) } % 9)
                let severity = [0, -2, 1, -1, 2, 0, 0][seats.firstIndex { $0.id == seat.id } ?? 0]
                var points: [String: Int] = [:]
                for c in criteria {
                    let noise = Int(rng.next() % 5) - 2
                    points[c.id] = min(c.max, max(0, strength + severity + noise))
                }
                let total = points.values.reduce(0, +)
                let vote: Vote = total >= 72 ? .recommend : (total >= 60 ? .abstain : .reject)
                try session.score(as: seat.id, dossier: d.id, points: points, vote: vote,
                                  comment: total >= 80 ? "技艺精湛，带徒成效显著。" : nil, signer: signer)
            }
        }
        // The secretary has signed the qualification check (SH-007 is not a union member).
        let secretary = try KeyFileSigner(path: keyFiles["s01"]!)
        for body in try session.eligibilityBodies(as: "s01") {
            try session.append(kind: .eligibility, body: body, as: "s01", signer: secretary)
        }
        // A draft in progress for the demo user.
        if dossiers.count > 2 {
            let d = dossiers[2]
            var points: [String: Int] = [:]
            if let first = criteria.first { points[first.id] = min(first.max, 20) }
            try Drafts(layout: layout).save(member: "m01", Draft(dossier: d.id, points: points, comment: "事迹材料翔实，"))
        }
        return keyFiles
    }
}
