import Foundation
import FuzzSupport
import Yams
@testable import Panel

// A dossier, both as a file of the store (dossiers/ID.yaml: DossierFastReader, else Yams through
// the Codable Dossier) and as a YAML nominations file for `pingshen import` (Import.readYAML).
// Differential: whenever the fast reader answers, Yams reads the same dossier from the bytes.

let program = Templates.program("shanghai-craftsman")!

fuzzMain { bytes in
    let fast = DossierFastReader.parse(bytes)
    let text = String(data: bytes, encoding: .utf8)
    let general: Dossier?
    do {
        guard let text else { throw InputError(path: "fuzz.yaml", message: "not valid UTF-8") }
        general = try YAMLDecoder().decode(Dossier.self, from: text)
    } catch {
        render(error)
        general = nil
    }
    if let fast {
        expect(general != nil, "the fast reader read \(fast.id.debugDescription), Yams refuses the file")
        expect(general == fast, "the fast reader and Yams disagree: \(fast) / \(String(describing: general))")
    }
    do {
        let dossiers = try DossierImport.readYAML(data: bytes, path: "fuzz.yaml", program: program, existingIDs: ["D001"])
        for d in dossiers {
            expect(isSafeFileName(d.id), "import accepted the id \(d.id.debugDescription)")
            if let written = try? DossierImport.yaml(d) {
                let back = DossierFastReader.parse(Data(written.utf8))
                expect(back == nil || back == d, "the written dossier \(d.id) reads back differently")
            }
        }
    } catch {
        render(error)
    }
}
