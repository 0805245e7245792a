import Foundation
import FuzzSupport
@testable import Panel

// CSV import (Import.swift, CSV.swift, ImportEncoding.swift): the bytes of a nominations file,
// through encoding detection, the RFC 4180 reader and the dossier checks of `pingshen import`.

let program = Templates.program("hangzhou-craftsman")!

fuzzMain { bytes in
    do {
        let dossiers = try DossierImport.readCSV(data: bytes, path: "fuzz.csv", program: program, existingIDs: ["D001"])
        for d in dossiers {
            expect(isSafeFileName(d.id), "import accepted the id \(d.id.debugDescription)")
            expect(d.fields["id"] == d.id, "a dossier without its id field")
            expect(Set(dossiers.map(\.id)).count == dossiers.count, "import accepted a duplicate id")
            // What import writes must read back as the same dossier.
            if let text = try? DossierImport.yaml(d) {
                let back = DossierFastReader.parse(Data(text.utf8))
                expect(back == nil || back == d, "the written dossier \(d.id) reads back differently")
            }
        }
    } catch {
        render(error)
    }
    // The explicit encodings of --encoding.
    for e in [DossierImport.Encoding.utf8, .gb18030] {
        do {
            let (text, _) = try TextDecoding.decode(bytes, path: "fuzz.csv", encoding: e)
            _ = try? CSV.parse(text, path: "fuzz.csv")
        } catch {
            render(error)
        }
    }
}
