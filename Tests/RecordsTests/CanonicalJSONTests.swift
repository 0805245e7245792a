import Foundation
import Testing
@testable import Records

@Suite struct CanonicalJSONTests {
    func text(_ v: JSONValue) -> String { String(decoding: CanonicalJSON.encode(v), as: UTF8.self) }

    @Test func encodesSortedCompactMinimal() {
        let v: JSONValue = ["b": 1, "a": ["x", -5, ["é": "q\"\\\n\u{01}/"]], "B": "大"]
        #expect(text(v) == #"{"B":"大","a":["x",-5,{"é":"q\"\\\n\u0001/"}],"b":1}"#)
    }

    @Test func keysSortByUTF8Bytes() {
        // U+FF21 (ef bc a1) sorts after U+00E9 (c3 a9) by bytes; "Z" < "a".
        let v: JSONValue = ["Ａ": 1, "é": 2, "a": 3, "Z": 4]
        #expect(text(v) == #"{"Z":4,"a":3,"é":2,"Ａ":1}"#)
    }

    @Test func roundTrips() throws {
        let values: [JSONValue] = [
            "", 0, 1, -1, .int(Int64.max), .int(Int64.min), [], [:],
            ["k": ["nested": [1, 2, ["deep": "值\t\u{7f}\u{1f}"]]]],
            .string("\u{8}\u{c}\r\u{0}"),
        ]
        for v in values {
            let d = CanonicalJSON.encode(v)
            #expect(try CanonicalJSON.decode(d) == v)
            #expect(CanonicalJSON.encode(try CanonicalJSON.decode(d)) == d)
        }
    }

    @Test(arguments: [
        #"{"a":1, "b":2}"#, #" {"a":1}"#, #"{"a":1}\#n"#,     // white space
        #"{"b":1,"a":2}"#, #"{"a":1,"a":1}"#,                 // order, duplicates
        "1.5", "1e3", "01", "-0", "+1", "true", "false", "null", #"{"a":null}"#,
        #""\/""#, #""\u0041""#, #""\u000A""#, #""\u001F""#, #""\u000a""#, #""\x""#,  // non-canonical escapes
        "\"\u{1}\"", "\"abc", "[1,]", "[1 ]", "{\"a\"}", "9223372036854775808", "-9223372036854775809",
        "", "[]]", #"{"a":1}{}"#,
    ])
    func rejectsNonCanonical(_ s: String) {
        #expect(throws: CanonicalJSON.DecodeError.self) { try CanonicalJSON.decode(Data(s.utf8)) }
    }

    @Test func rejectsInvalidUTF8() {
        for bytes: [UInt8] in [[0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xFF, 0x22], [0x22, 0x5C, 0x6E, 0xC0, 0xAF, 0x22]] {
            #expect(throws: CanonicalJSON.DecodeError.self) { try CanonicalJSON.decode(Data(bytes)) }
        }
    }

    @Test func acceptsCanonicalControlEscapes() throws {
        #expect(try CanonicalJSON.decode(Data(#""\u001f\u0000\b""#.utf8)) == .string("\u{1f}\u{0}\u{8}"))
    }

    @Test func recordBytesAreStrict() throws {
        let r = Record(kind: .score, program: "p", signer: "m1", seq: 1, prev: Record.zeroHash,
                       created: "2026-11-21T13:04:05Z", body: ["dossier": "D1", "points": ["craft": 20]])
        let b = r.canonicalBytes()
        #expect(String(decoding: b, as: UTF8.self) ==
                #"{"body":{"dossier":"D1","points":{"craft":20}},"created":"2026-11-21T13:04:05Z","gov":"\#(Record.zeroHash)","kind":"score","prev":"\#(Record.zeroHash)","program":"p","seen":{},"seq":1,"signer":"m1","v":2}"#)
        #expect(try Record(bytes: b) == r)
        var bad = r; bad.created = "2026-11-21 13:04:05"
        #expect(throws: RecordsError.self) { try Record(bytes: bad.canonicalBytes()) }
        bad = r; bad.prev = String(repeating: "A", count: 64)
        #expect(throws: RecordsError.self) { try Record(bytes: bad.canonicalBytes()) }
        bad = r; bad.signer = "../x"
        #expect(throws: RecordsError.self) { try Record(bytes: bad.canonicalBytes()) }
        var extra = r.json.object!; extra["x"] = 1
        #expect(throws: RecordsError.self) { try Record(bytes: CanonicalJSON.encode(.object(extra))) }
        var kind = r.json.object!; kind["kind"] = "vote"
        #expect(throws: RecordsError.self) { try Record(bytes: CanonicalJSON.encode(.object(kind))) }
    }

    @Test func timestampFormat() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_795_266_245)) == "2026-11-21T13:04:05Z")
        #expect(Timestamp.isValid("2026-11-21T13:04:05Z"))
        #expect(!Timestamp.isValid("2026-13-21T13:04:05Z"))
        #expect(!Timestamp.isValid("2026-11-21T13:04:05+08:00"))
    }

    @Test func merkleMatchesLevelByLevel() {
        func naive(_ leaves: [Data]) -> String {
            if leaves.isEmpty { return Record.sha256Hex(Data()) }
            var level = leaves
            while level.count > 1 {
                var next: [Data] = []
                var i = 0
                while i < level.count {
                    if i + 1 < level.count { next.append(Data(SHA256Hasher.hash(level[i] + level[i + 1]))) } else { next.append(level[i]) }
                    i += 2
                }
                level = next
            }
            return Hex.encode(level[0])
        }
        for n in 0...33 {
            let leaves = (0..<n).map { Data(SHA256Hasher.hash(Data("leaf\($0)".utf8))) }
            #expect(Merkle.root(leaves) == naive(leaves), "n = \(n)")
        }
    }
}

import Crypto
enum SHA256Hasher { static func hash(_ d: Data) -> [UInt8] { Array(SHA256.hash(data: d)) } }
