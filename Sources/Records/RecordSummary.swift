import Foundation
import Panel

/// What a verified record says, without its bytes or signature: the form in which the store
/// index keeps it and hands it to the ledger. Scores and recusals (nearly every record at city
/// scale) keep only their fields; the few other records are kept whole.
public struct RecordSummary: Sendable {
    public enum Content: Sendable {
        /// `version`: the dossier's SHA-256 the sheet names (`dossier_sha256`, issue 11), if any.
        case score(dossier: String, points: [(key: String, value: Int)], vote: String?, comment: String?, version: String?)
        case recusal(dossier: String, version: String?)
        /// Any other kind, or a body that is not a plain sheet: the record as signed.
        case whole(Record, sha256: String)
    }

    public var signer: String
    public var seq: Int
    public var kind: RecordKind
    public var content: Content

    /// records/MEMBER/NNN/NNNNNN.json
    public var path: String { RecordFileName.path(member: signer, seq: seq) }

    public init(signer: String, seq: Int, kind: RecordKind, content: Content) {
        self.signer = signer; self.seq = seq; self.kind = kind; self.content = content
    }

    public init(_ record: Record, sha256: String) {
        signer = record.signer
        seq = record.seq
        kind = record.kind
        content = RecordSummary.content(of: record) ?? .whole(record, sha256: sha256)
    }

    public init(_ stored: StoredRecord) { self.init(stored.record, sha256: stored.sha256) }

    static func content(of r: Record) -> Content? {
        switch r.kind {
        case .score:
            guard let dossier = r.body["dossier"]?.string, case .object(let pts)? = r.body["points"] else { return nil }
            var points: [(key: String, value: Int)] = []
            points.reserveCapacity(pts.count)
            for (k, v) in pts.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                guard let n = v.int, let i = Int(exactly: n) else { return nil }
                points.append((k, i))
            }
            let vote: String?
            switch r.body["vote"] {
            case nil: vote = nil
            case .string(let s)?: vote = s
            default: return nil
            }
            let comment: String?
            switch r.body["comment"] {
            case nil: comment = nil
            case .string(let s)?: comment = s
            default: return nil
            }
            let version: String?
            switch r.body[DossierPins.bodyKey] {
            case nil: version = nil
            case .string(let s)?: version = s
            default: return nil
            }
            // Anything else in the body: keep the record whole, so nothing is lost. A round-1
            // sheet of a programme with rounds says `round: 1`, which is what absent means; a
            // later round's sheet is kept whole (issue 13: few, and verify reads its `seen`).
            if let v = r.body["round"], v.int != 1 { return nil }
            guard Set(r.body.keys).isSubset(of: ["dossier", "points", "vote", "comment", "round", DossierPins.bodyKey]) else { return nil }
            return .score(dossier: dossier, points: points, vote: vote, comment: comment, version: version)
        case .recusal:
            guard let dossier = r.body["dossier"]?.string else { return nil }
            let version: String?
            switch r.body[DossierPins.bodyKey] {
            case nil: version = nil
            case .string(let s)?: version = s
            default: return nil
            }
            if let v = r.body["round"], v.int != 1 { return nil }
            guard Set(r.body.keys).isSubset(of: ["dossier", "reason", "round", DossierPins.bodyKey]) else { return nil }
            return .recusal(dossier: dossier, version: version)
        default:
            return nil
        }
    }

    // MARK: - Binary form (the store index)

    /// Self-contained bytes (no shared string table), so an index can carry them over verbatim.
    func encode(into w: inout ByteWriter) {
        switch content {
        case let .score(dossier, points, vote, comment, version):
            // Tag 3: a sheet naming its dossier version (the version first), else tag 0.
            if let version { w.byte(3); w.string(version) } else { w.byte(0) }
            w.string(dossier)
            w.varint(UInt64(points.count))
            for p in points { w.string(p.key); w.zigzag(Int64(p.value)) }
            w.optionalString(vote)
            w.optionalString(comment)
        case let .recusal(dossier, version):
            if let version { w.byte(4); w.string(version) } else { w.byte(1) }
            w.string(dossier)
        case let .whole(record, _):
            w.byte(2)
            let bytes = record.canonicalBytes()
            w.varint(UInt64(bytes.count))
            w.bytes(bytes)
        }
    }

    /// Decodes what `encode` wrote; nil when the bytes are not such a summary.
    static func decode(_ r: inout ByteReader, signer: String, seq: Int, kind: RecordKind, sha256: () -> String) -> RecordSummary? {
        guard var tag = r.byte() else { return nil }
        var version: String?
        if tag == 3 || tag == 4 {
            guard let v = r.string() else { return nil }
            version = v
            tag -= 3
        }
        switch tag {
        case 0:
            guard let dossier = r.string(), let n = r.varint(), n <= 1024 else { return nil }
            var points: [(key: String, value: Int)] = []
            points.reserveCapacity(Int(n))
            for _ in 0..<n {
                guard let k = r.string(), let v = r.zigzag() else { return nil }
                points.append((k, Int(v)))
            }
            guard let vote = r.optionalString(), let comment = r.optionalString() else { return nil }
            return RecordSummary(signer: signer, seq: seq, kind: kind, content: .score(dossier: dossier, points: points, vote: vote, comment: comment, version: version))
        case 1:
            guard let dossier = r.string() else { return nil }
            return RecordSummary(signer: signer, seq: seq, kind: kind, content: .recusal(dossier: dossier, version: version))
        case 2:
            guard let n = r.varint(), let bytes = r.bytes(Int(n)), let record = try? Record(bytes: Data(bytes)) else { return nil }
            return RecordSummary(signer: signer, seq: seq, kind: kind, content: .whole(record, sha256: sha256()))
        default:
            return nil
        }
    }
}

/// Little-endian fixed-width integers, LEB128 varints and length-prefixed UTF-8.
public struct ByteWriter {
    public var out: [UInt8] = []
    public init() {}
    public mutating func byte(_ b: UInt8) { out.append(b) }
    public mutating func bytes<C: Collection>(_ b: C) where C.Element == UInt8 { out.append(contentsOf: b) }
    public mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 { out.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        out.append(UInt8(v))
    }
    public mutating func zigzag(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
    public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    public mutating func string(_ s: String) { varint(UInt64(s.utf8.count)); out.append(contentsOf: s.utf8) }
    public mutating func optionalString(_ s: String?) {
        guard let s else { varint(0); return }
        varint(UInt64(s.utf8.count) + 1); out.append(contentsOf: s.utf8)
    }
}

public struct ByteReader {
    let base: UnsafeRawBufferPointer
    public private(set) var at: Int
    let end: Int
    public init(_ base: UnsafeRawBufferPointer, from: Int = 0, to: Int? = nil) { self.base = base; at = from; end = to ?? base.count }
    public var atEnd: Bool { at >= end }
    public mutating func byte() -> UInt8? {
        guard at < end else { return nil }
        defer { at += 1 }
        return base[at]
    }
    public mutating func varint() -> UInt64? {
        var v: UInt64 = 0, shift: UInt64 = 0
        while at < end, shift < 64 {
            let b = base[at]; at += 1
            v |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return v }
            shift += 7
        }
        return nil
    }
    public mutating func zigzag() -> Int64? {
        guard let u = varint() else { return nil }
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }
    public mutating func u64() -> UInt64? {
        guard end - at >= 8 else { return nil }
        defer { at += 8 }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self))
    }
    public mutating func bytes(_ n: Int) -> UnsafeRawBufferPointer? {
        guard n >= 0, end - at >= n else { return nil }
        defer { at += n }
        return UnsafeRawBufferPointer(rebasing: base[at..<at + n])
    }
    public mutating func string() -> String? {
        guard let n = varint(), n <= UInt64(end - at), let b = bytes(Int(n)) else { return nil }
        return ByteReader.text(b)
    }

    /// UTF-8 text; nil when not valid UTF-8.
    static func text(_ b: UnsafeRawBufferPointer) -> String? {
        // Validated once, no second pass over the bytes (the kept ledger holds 100,000 strings).
        String(validating: b.bindMemory(to: UInt8.self), as: UTF8.self)
    }
    /// .some(nil) for an absent string; nil when malformed.
    public mutating func optionalString() -> String?? {
        guard let n = varint() else { return nil }
        if n == 0 { return .some(nil) }
        guard n - 1 <= UInt64(end - at), let b = bytes(Int(n - 1)), let s = ByteReader.text(b) else { return nil }
        return .some(s)
    }
}
