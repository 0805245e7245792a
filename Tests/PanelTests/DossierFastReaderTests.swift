import Foundation
import Testing
import Yams
@testable import Panel

/// The fast dossier reader must read exactly what Yams reads, or decline (nil) so Yams decides.
struct DossierFastReaderTests {
    static func yams(_ text: String) throws -> Dossier { try YAMLDecoder().decode(Dossier.self, from: text) }

    @Test func readsWhatTheWriterWritesLikeYams() throws {
        let pieces = ["王建国", "a\"b", "back\\slash", "line\nbreak", "tab\there", "cr\rhere", " leading space", "trailing ",
                      "多行\n事迹\n", "blank\n\nline", "\u{2028}sep", "\u{FEFF}bom", "\u{85}nel", "ctl\u{1}", "#not a comment",
                      "key: value", "- dash", "'single'", "null", "true", "0123", "", "    indented\nnext", "end\n\n", "x\n   \ny",
                      "长期扎根一线，主持完成多项技术攻关；带教徒弟二十余名。", "emoji 🛠️", "\u{7F}del", "a|b", "|"]
        var state: UInt64 = 42
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        var fastCount = 0
        for round in 0..<400 {
            var fields: [String: String] = [:]
            for f in DossierFields.all.dropFirst() where next() % 3 != 0 {
                var v = ""
                for _ in 0..<(1 + next() % 3) { v += pieces[next() % pieces.count] }
                fields[f.id] = v
            }
            if round % 7 == 0 { fields["extra_field"] = pieces[next() % pieces.count] }
            let d = Dossier(id: "D\(round)", fields: fields)
            let text = try DossierImport.yaml(d)
            let viaYams = try Self.yams(text)
            if let fast = DossierFastReader.parse(Data(text.utf8)) {
                fastCount += 1
                #expect(fast == viaYams, "round \(round):\n\(text)")
            }
        }
        // The common case must take the fast path (otherwise it is no faster).
        let plain = Dossier(id: "D1", fields: ["name": "王建国", "deeds": "第一行\n第二行", "employer": "上海电气集团"])
        #expect(DossierFastReader.parse(Data(try DossierImport.yaml(plain).utf8)) == plain)
        #expect(fastCount > 50)
    }

    @Test func declinesOtherForms() {
        let others = [
            "id: D1\nfields:\n  id: \"D1\"\n",                       // plain scalar
            "id: \"D1\"\nfields:\n  id: \"D1\"  # comment\n",        // trailing comment
            "id: \"D1\"\nfields: {id: \"D1\"}\n",                    // flow style
            "id: \"D1\"\nfields:\n  id: 'D1'\n",                      // single quotes
            "id: \"D1\"\nfields:\n  id: \"D1\"\n  id: \"D2\"\n",     // duplicate key
            "id: \"D1\"\nfields:\n  name: \"x\"\n",                   // fields without the id
            "id: \"D1\"\r\nfields:\r\n  id: \"D1\"\r\n",              // CRLF
            "id: \"D1\"\nfields:\n  id: \"D1\"",                      // no final newline
            "# header\nid: \"D1\"\nfields:\n  id: \"D1\"\n",
            "id: \"D1\"\nfields:\n  id: \"D1\"\n  deeds: |\n      deep\n    shallow\n",
        ]
        for text in others {
            #expect(DossierFastReader.parse(Data(text.utf8)) == nil, "\(text)")
        }
    }
}
