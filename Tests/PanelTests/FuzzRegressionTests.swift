import Foundation
import Testing
@testable import Panel

/// Inputs the fuzzing campaign (scripts/fuzz, Fuzz/) found to crash, kept as they were found
/// (base64 of the crash-* file) so that each stays fixed. Each must now give an error or a
/// result, never a trap.
@Suite struct FuzzRegressionTests {
    static func bytes(_ base64: String) -> Data { Data(base64Encoded: base64)! }

    /// fuzz-csv: a UTF-8 file with a BOM whose last bytes are not UTF-8. The message quoting
    /// the bad bytes indexed the file without its BOM at the offset within the file (a range
    /// past the end: a trap). Now: an error naming the byte, as without a BOM.
    @Test func csvWithBOMAndBadBytesAtTheEnd() throws {
        let data = Self.bytes("77u/57yW5pyfLOW3peS8mmJpcnRoX2RhdGW4kw==")
        for encoding in [DossierImport.Encoding.auto, .utf8] {
            let error = #expect(throws: InputError.self) {
                try DossierImport.readCSV(data: data, path: "f.csv", program: Templates.program("hangzhou-craftsman")!, encoding: encoding)
            }
            #expect(error?.line == 1)
            #expect(error?.message.contains("B8 93") == true, "\(String(describing: error))")
        }
    }
}
