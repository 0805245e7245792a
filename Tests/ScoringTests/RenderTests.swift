import Foundation
import Testing
import Panel
@testable import Scoring

@Suite struct RenderTests {
    /// A: 86 87 86 → 259/3 selected; B "李, \"小\"明" 80 80 80 → 80 not-selected (quota 1); C two sheets → no-quorum.
    func ranking(threshold: String? = nil) -> Ranking {
        let s = sheets("A", [86, 87, 86], votes: [.recommend, .recommend, .abstain]) + sheets("B", [80, 80, 80]) + sheets("C", [99, 99])
        let ds = [dossier("A", "张三丰"), dossier("B", "李, \"小\"明"), dossier("C", "Li")]
        return Ranker.rank(program: testProgram(quota: 1, threshold: threshold), dossiers: ds, sheets: s)
    }

    @Test func jsonContract() throws {
        let json = ranking().json()
        let expected = """
        {"program":"shanghai-craftsman","method":"trimmed-mean","quota":1,"entries":[
        {"rank":1,"dossier":"A","name":"张三丰","score":"86.33","exact":"259/3","sheets":3,"status":"selected","median":"86","recommend":2,"reject":0,"abstain":1,"approval":null},
        {"rank":2,"dossier":"B","name":"李, \\"小\\"明","score":"80.00","exact":"80","sheets":3,"status":"not-selected","median":"80","recommend":0,"reject":0,"abstain":0,"approval":null},
        {"rank":3,"dossier":"C","name":"Li","score":"99.00","exact":"99","sheets":2,"status":"no-quorum","median":"99","recommend":0,"reject":0,"abstain":0,"approval":null}
        ],"quorum":3,"approval_threshold":null,"stale_sheets":[],"not_in_running":[],"problems":0}

        """
        #expect(json == expected)
        // And it is JSON: numbers are numbers, score/exact strings.
        let obj = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let first = (obj["entries"] as! [[String: Any]])[0]
        #expect(first["rank"] as? Int == 1)
        #expect(first["score"] as? String == "86.33")
        #expect(obj["quota"] as? Int == 1)
    }

    @Test func jsonThresholdAndEscapes() throws {
        let r = ranking(threshold: "2/3")
        let obj = try JSONSerialization.jsonObject(with: Data(r.json().utf8)) as! [String: Any]
        #expect(obj["approval_threshold"] as? String == "2/3")
        let entries = obj["entries"] as! [[String: Any]]
        #expect(entries.map { $0["approval"] as? String } == ["met", "below-threshold", nil])
        #expect(jsonString("a\u{1}\n\t\\") == "\"a\\u0001\\n\\t\\\\\"")
        var empty = r
        empty.entries = []
        #expect(empty.json().contains("\"entries\":[],"))
    }

    @Test func csvRFC4180() {
        let lines = ranking().csv().components(separatedBy: "\r\n")
        #expect(lines[0] == "rank,dossier,name,score,exact,sheets,status,median,recommend,reject,abstain,approval")
        #expect(lines[1] == "1,A,张三丰,86.33,259/3,3,selected,86,2,0,1,")
        #expect(lines[2] == "2,B,\"李, \"\"小\"\"明\",80.00,80,3,not-selected,80,0,0,0,")
        #expect(lines[3] == "3,C,Li,99.00,99,2,no-quorum,99,0,0,0,")
        #expect(lines[4] == "")  // every record ends with CRLF
        #expect(lines.count == 5)
    }

    @Test func markdownBothLanguages() {
        let zh = ranking().markdown(.zh).split(separator: "\n").map(String.init)
        #expect(zh[0].contains("名额 1"))
        #expect(zh[1] == "| 名次 | 编号 | 姓名 | 得分 | 精确值 | 评分表 | 状态 | 中位数 | 推荐 | 不推荐 | 弃权 | 推荐比例 |")
        #expect(zh[2] == "|---:|---|---|---:|---:|---:|---|---:|---:|---:|---:|---|")
        #expect(zh[3] == "| 1 | A | 张三丰 | 86.33 | 259/3 | 3 | 入选 | 86 | 2 | 0 | 1 |  |")
        let en = ranking().markdown(.en)
        #expect(en.contains("| Rank | Dossier | Name | Score |"))
        #expect(en.contains("| 3 | C | Li | 99.00 | 99 | 2 | no quorum |"))
        var r = ranking()
        r.entries[0].name = "a|b"
        #expect(r.markdown(.en).contains("| a\\|b |"))
    }

    @Test func tableAlignsByTerminalCells() {
        for lang in Language.allCases {
            let text = ranking().table(lang)
            let lines = text.split(separator: "\n").map(String.init)
            // title, header, rule, 3 rows
            #expect(lines.count == 6)
            // The score column ends at the same cell on every row: measure the cells before "86.33" etc.
            let scores = ["86.33", "80.00", "99.00"]
            var ends: [Int] = []
            for (line, score) in zip(lines[3...], scores) {
                let range = line.range(of: score)!
                ends.append(DisplayWidth.of(String(line[..<range.upperBound])))
            }
            #expect(Set(ends).count == 1)
            // Every status starts at the same cell.
            let statusStarts = zip(lines[3...], [RankStatus.selected, .notSelected, .noQuorum]).map { line, st in
                DisplayWidth.of(String(line[..<line.range(of: st.label(lang))!.lowerBound]))
            }
            #expect(Set(statusStarts).count == 1)
            #expect(!lines.contains { $0.hasSuffix(" ") })
        }
        #expect(ranking().table(.zh).contains("入选"))
        #expect(ranking().table(.en).contains("not selected"))
        // No threshold → no approval column.
        #expect(!ranking().table(.en).contains("Approval"))
        #expect(ranking(threshold: "2/3").table(.en).contains("Approval"))
    }

    @Test func missingValuesForADossierWithoutSheets() throws {
        let r = Ranker.rank(program: testProgram(quota: 1), dossiers: [dossier("E", "王五")], sheets: [])
        let e = (try JSONSerialization.jsonObject(with: Data(r.json().utf8)) as! [String: Any])["entries"] as! [[String: Any]]
        #expect(e[0]["score"] is NSNull && e[0]["exact"] is NSNull && e[0]["median"] is NSNull)
        #expect(e[0]["rank"] as? Int == 1 && e[0]["status"] as? String == "no-quorum" && e[0]["sheets"] as? Int == 0)
        #expect(r.csv().components(separatedBy: "\r\n")[1] == "1,E,王五,,,0,no-quorum,,0,0,0,")
        #expect(r.markdown(.zh).contains("| 1 | E | 王五 | - | - | 0 | 有效评分表不足 | - | 0 | 0 | 0 |  |"))
        #expect(r.table(.en).contains("no quorum"))
    }
}
