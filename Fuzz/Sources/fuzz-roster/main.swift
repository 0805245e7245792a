import Foundation
import FuzzSupport
@testable import Panel
@testable import Records

// roster.yaml as a store holds it (Roster.swift), read as the store loaders read it, with each
// member checked as `member add` checks one (RosterOps.validate: id, name, key line) and the
// allowed_signers file generated from it.

let path = scratchDir + "/roster.yaml"

fuzzMain { bytes in
    put(bytes, at: path)
    do {
        let roster = try YAMLFile.decode(Roster.self, path: path)
        var checked = Roster()
        for m in roster.members {
            do {
                _ = try RosterOps.validate(m, against: checked)
                checked.members.append(m)
            } catch {
                render(error)
            }
        }
        let signers = RosterOps.allowedSigners(roster)
        // One line per member whose key parses, and nothing else (the header comment aside).
        let lines = signers.split(separator: "\n", omittingEmptySubsequences: false)
        let keyed = roster.members.filter { (try? SSHPublicKey(line: $0.key)) != nil }.count
        expect(lines.count == keyed + 2, "allowed_signers has \(lines.count - 2) lines for \(keyed) keyed members")
    } catch {
        render(error)
    }
}
