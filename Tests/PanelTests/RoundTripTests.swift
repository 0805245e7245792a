import Foundation
import Testing
import Yams
@testable import Panel


let alphabet: [String] = ["a", "Z", "0", "9", " ", ",", "\"", "\n", "\r\n", "'", ":", "#", "-", "?", "&", "*", "!", "|", ">",
                          "{", "}", "[", "]", "%", "@", "`", "\\", "\t", "匠", "“", "”", "—", "…", "，", "：", "𠀀", "🇨🇳", "e\u{301}",
                          "null", "~", "yes", "no", "true", "0x1F", "1e3", "007", "2016-09-30", "是", "否"]

func randomText(_ rng: inout SplitMix64, maxParts: Int = 12) -> String {
    let n = Int.random(in: 0...maxParts, using: &rng)
    return (0..<n).map { _ in alphabet.randomElement(using: &rng)! }.joined()
}

@Suite struct RoundTripTests {
    @Test func csvWriteThenParseIsIdentity() throws {
        var rng = SplitMix64(seed: 20161)
        for _ in 0..<300 {
            let cols = Int.random(in: 1...6, using: &rng)
            var rows = (0..<Int.random(in: 1...5, using: &rng)).map { _ in (0..<cols).map { _ in randomText(&rng) } }
            // a record that is a single empty field is a blank line: give it content
            rows = rows.map { $0.count == 1 && $0[0].isEmpty ? ["x"] : $0 }
            // CSV keeps line breaks inside quotes as "\n"
            let expected = rows.map { $0.map { $0.replacingOccurrences(of: "\r\n", with: "\n") } }
            let parsed = try CSV.parse(CSV.write(rows), path: "r.csv").map(\.fields)
            #expect(parsed == expected)
        }
    }

    @Test func dossierYAMLDecodesToTheSameDossier() throws {
        var rng = SplitMix64(seed: 30)
        for i in 0..<1000 {
            var fields: [String: String] = [:]
            for f in DossierFields.all.shuffled(using: &rng).prefix(Int.random(in: 0...8, using: &rng)) where f.id != "id" {
                fields[f.id] = randomText(&rng)
            }
            let d = Dossier(id: "R\(i)", fields: fields)
            let text = try DossierImport.yaml(d)
            let back = try YAMLDecoder().decode(Dossier.self, from: text)
            #expect(back == d, "\(text)")
        }
    }

    @Test(arguments: ["a\n", "a\n\n", "a\nb", "a\n  \nb", "a\n b\n", "#x\ny", "- x\n- y", "a\u{85}b", "x\u{2028}y",
                      "|\nb", "> q\nr", "a\n\nb\n", "a\u{FEFF}b\nc", "a\tb\nc", "  lead\nx", "\nfirst blank", "“引号”\n—破折号…"])
    func dossierYAMLEdgeCases(text: String) throws {
        let d = Dossier(id: "E1", fields: ["deeds": text, "yes": text, "weird key: x": "v"])
        let yaml = try DossierImport.yaml(d)
        #expect(try YAMLDecoder().decode(Dossier.self, from: yaml) == d, "\(yaml)")
    }

    @Test func dossierYAMLIsReadable() throws {
        let d = Dossier(id: "A1", fields: ["name": "王五", "deeds": "第一段。\n第二段。\n"])
        #expect(try DossierImport.yaml(d) == "id: \"A1\"\nfields:\n  id: \"A1\"\n  name: \"王五\"\n  deeds: |\n    第一段。\n    第二段。\n")
    }

    @Test func gb18030ImportAgreesWithUTF8Import() throws {
        var rng = SplitMix64(seed: 7)
        let dir = TempDir()
        let gbSafe = alphabet.filter { $0 != "\r\n" && $0 != "\t" }
        for k in 0..<40 {
            let rows = [["编号", "姓名", "主要事迹"]] + (0..<3).map { j in
                ["K\(k)-\(j)", (0..<4).map { _ in gbSafe.randomElement(using: &rng)! }.joined(), randomText(&rng)]
            }
            let text = CSV.write(rows)
            let utf8 = try DossierImport.read(path: dir.file("u\(k).csv", Data(text.utf8)), program: hangzhou)
            let gb = try DossierImport.read(path: dir.file("g\(k).csv", try #require(text.data(using: gb18030))), program: hangzhou)
            #expect(utf8 == gb)
        }
    }
}
