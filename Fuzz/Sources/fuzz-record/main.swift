import Foundation
import FuzzSupport
@testable import Panel
@testable import Records

// A record file (CanonicalJSON.swift, Record.swift, RecordFast.swift, RecordSummary.swift).
// Invariants:
// - canonical JSON: whatever the strict decoder accepts re-encodes to the same bytes;
// - a record accepted by Record(bytes:) re-encodes to its bytes;
// - differential: whenever the fast path (Record.fast) answers, Record(bytes:) accepts the
//   bytes and makes the same record, with or without an expected programme instance;
// - a record's summary (the store index's form) reads back as written.

fuzzMain { bytes in
    do {
        let v = try CanonicalJSON.decode(bytes)
        expect(CanonicalJSON.encode(v) == bytes, "canonical JSON accepted bytes that re-encode differently")
    } catch {
        render(error)
    }
    var general: Record?
    do {
        let r = try Record(bytes: bytes)
        general = r
        expect(r.canonicalBytes() == bytes, "a record that re-encodes differently")
        if let e = RecordBody.problem(kind: r.kind, body: r.body) { render(e) }
        let summary = RecordSummary(r, sha256: "x")
        var w = ByteWriter()
        summary.encode(into: &w)
        let back = w.out.withUnsafeBytes { raw -> RecordSummary? in
            var reader = ByteReader(raw)
            return RecordSummary.decode(&reader, signer: r.signer, seq: r.seq, kind: r.kind, sha256: { "x" })
        }
        expect(back != nil, "a record's summary does not read back")
    } catch {
        render(error)
    }
    for expected in [nil, "shanghai-craftsman-2026"] as [String?] {
        if let fast = Record.fast(bytes, program: expected) {
            expect(general != nil, "the fast path read a record that Record(bytes:) refuses")
            expect(fast == general, "the fast path and Record(bytes:) disagree: \(fast) / \(String(describing: general))")
        }
    }
}
