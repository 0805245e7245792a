import Foundation
import FuzzSupport
@testable import Panel

// program.yaml as a store holds it (Program.swift, Eligibility.validate): read by the same
// loader every command uses to open a store.

let store = scratchDir + "/store"
let _ready: Void = {
    try! FileManager.default.createDirectory(atPath: store + "/dossiers", withIntermediateDirectories: true)
}()

fuzzMain { bytes in
    _ = _ready
    put(bytes, at: store + "/program.yaml")
    do {
        let s = try PanelStore.open(store)
        // What a loaded programme is used for at once: its sheet, fields and rules.
        for c in s.program.sheet.criteria { _ = s.program.sheet.criterion(c.id) }
        for f in s.program.fields { _ = s.program.field(f.id) }
        _ = try? YAMLFile.encode(s.program)
    } catch {
        render(error)
    }
}
