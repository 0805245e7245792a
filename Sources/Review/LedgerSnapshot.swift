import Foundation
import Panel
import Records

/// The ledger of a store with no problem, kept in STORE/.cache/ledger-v1-UID (sealed: see
/// `SealedFile`) under the fingerprint of the records it was built from (`Verifier.openCounted`):
/// the next open of the unchanged store takes the ledger's arrays as they are instead of taking
/// in 300,000 summaries one by one. Derived data: safe to delete.
extension Ledger {
    static let snapshotMagic = Array("pingshen-ledger-6".utf8)

    /// One per user, like the store index (`StoreIndex.path`).
    static func snapshotPath(_ layout: StoreLayout) -> String { layout.cacheDir + "/ledger-v1-\(getuid())" }

    /// `seenOf`: whose entries of each later-round sheet's `seen` to keep (the shortlists'
    /// signers: all the round rules read; a whole `seen` holds every signer of the store, and
    /// 28,000 of them made the kept ledger of the two-round benchmark store 4× slower to read).
    func snapshot(fingerprint: [UInt8], seenOf: Set<String>? = nil) -> [UInt8] {
        var w = ByteWriter()
        w.bytes(Ledger.snapshotMagic)
        w.bytes(fingerprint)
        w.varint(UInt64(recordCount))
        func strings(_ a: [String]) { w.varint(UInt64(a.count)); for x in a { w.string(x) } }
        func ints<T: BinaryInteger>(_ a: [T]) { w.varint(UInt64(a.count)); for x in a { w.zigzag(Int64(x)) } }
        func map(_ d: [String: String]) {
            w.varint(UInt64(d.count))
            for k in d.keys.sorted() { w.string(k); w.string(d[k]!) }
        }
        func record(_ r: StoredRecord?) {
            guard let r else { w.byte(0); return }
            w.byte(1)
            let bytes = r.record.canonicalBytes()
            w.varint(UInt64(bytes.count)); w.bytes(bytes)
            w.string(r.path); w.string(r.sha256)
        }
        strings(memberIDs); strings(dossierIDs); strings(keyIDs)
        ints(slotMember); ints(slotDossier); ints(slotSeq); ints(slotRecusal); ints(slotVote); ints(slotTotal)
        ints(slotPoints); ints(slotPointCount); ints(pointKeys); ints(pointValues); ints(heads)
        w.varint(UInt64(comments.count))
        for k in comments.keys.sorted() { w.zigzag(Int64(k)); w.string(comments[k]!) }
        map(eligibilityDecisions)
        w.varint(UInt64(decisionItems.count))
        for k in decisionItems.keys.sorted() {
            w.string(k)
            let items = decisionItems[k]!
            w.varint(UInt64(items.count))
            for i in items {
                w.string(i.path); w.string(i.signer); w.zigzag(Int64(i.seq)); w.string(i.value)
                w.varint(UInt64(i.saw.count))
                for m in i.saw.keys.sorted() { w.string(m); w.zigzag(Int64(i.saw[m]!)) }
            }
        }
        w.varint(UInt64(decisionRecords.count))
        for k in decisionRecords.keys.sorted() { record(decisionRecords[k]) }
        record(finalization)
        w.varint(UInt64(objections.count))
        for k in objections.keys.sorted() { w.string(k); record(objections[k]) }
        record(approval)
        ints(slotVersion); strings(versionIDs); map(eligibilityVersions)
        pins.encode(into: &w)
        // The sheets kept aside (`otherSheets`).
        w.varint(UInt64(otherSheets.count))
        for k in otherSheets.keys.sorted() {
            let vs = otherSheets[k]!
            w.zigzag(Int64(k)); w.varint(UInt64(vs.count))
            for v in vs {
                w.zigzag(Int64(v.seq)); w.zigzag(Int64(v.vote)); w.zigzag(Int64(v.total)); ints(v.keys); ints(v.values)
                if let c = v.comment { w.byte(1); w.string(c) } else { w.byte(0) }
                w.zigzag(Int64(v.version))
            }
        }
        w.varint(UInt64(inputHeads.count))
        for k in inputHeads.keys.sorted() { w.string(k); w.zigzag(Int64(inputHeads[k]!)) }
        w.varint(UInt64(sheetSeen.count))
        for k in sheetSeen.keys.sorted() {
            let seen = seenOf.map { keep in sheetSeen[k]!.filter { keep.contains($0.key) } } ?? sheetSeen[k]!
            w.string(k); w.varint(UInt64(seen.count))
            for m in seen.keys.sorted() { w.string(m); w.zigzag(Int64(seen[m]!)) }
        }
        // The later rounds' ledgers (issue 13), each a snapshot of its own.
        w.varint(UInt64(laterRounds.count))
        for n in laterRounds.keys.sorted() {
            let inner = laterRounds[n]!.snapshot(fingerprint: fingerprint, seenOf: Set(shortlistRecords.map(\.record.signer)))
            w.varint(UInt64(n)); w.varint(UInt64(inner.count)); w.bytes(inner)
        }
        return w.out
    }

    /// The ledger kept for `fingerprint`, or nil (none, another store state, damaged), over
    /// the bytes as read (`SealedFile.withBytes`): the 12 MB of the two-round benchmark
    /// store's kept ledger, and each later round's part of it, are not copied to be parsed.
    static func fromSnapshot(_ raw: UnsafeRawBufferPointer, fingerprint: [UInt8]) -> Ledger? {
        var r = ByteReader(raw)
        guard let m = r.bytes(snapshotMagic.count), m.elementsEqual(snapshotMagic),
              let fp = r.bytes(32), fp.elementsEqual(fingerprint), let count = r.varint() else { return nil }
        var l = Ledger(problems: [])
        l.recordCount = Int(count)
        func strings() -> [String]? {
            guard let n = r.varint(), n < 1 << 32 else { return nil }
            var a: [String] = []
            a.reserveCapacity(Int(n))
            for _ in 0..<n { guard let s = r.string() else { return nil }; a.append(s) }
            return a
        }
        func ints<T: FixedWidthInteger>(_: T.Type) -> [T]? {
            guard let n = r.varint(), n < 1 << 32 else { return nil }
            var a: [T] = []
            a.reserveCapacity(Int(n))
            for _ in 0..<n { guard let v = r.zigzag(), let x = T(exactly: v) else { return nil }; a.append(x) }
            return a
        }
        func map() -> [String: String]? {
            guard let n = r.varint(), n < 1 << 32 else { return nil }
            var d: [String: String] = [:]
            d.reserveCapacity(min(Int(n), (raw.count - r.at) / 2))
            for _ in 0..<n { guard let k = r.string(), let v = r.string() else { return nil }; d[k] = v }
            return d
        }
        func record() -> StoredRecord?? {
            guard let tag = r.byte() else { return nil }
            if tag == 0 { return .some(nil) }
            guard let n = r.varint(), let b = r.bytes(Int(n)), let rec = try? Record(bytes: Data(b)),
                  let path = r.string(), let sha = r.string() else { return nil }
            return .some(StoredRecord(record: rec, bytes: Data(), path: path, sha256: sha))
        }
        guard let members = strings(), let dossiers = strings(), let keys = strings(),
              let sm = ints(Int32.self), let sd = ints(Int32.self), let ss = ints(Int32.self), let sr = ints(Int32.self),
              let sv = ints(Int8.self), let st = ints(Int.self), let sp = ints(Int32.self), let spc = ints(UInt16.self),
              let pk = ints(Int32.self), let pv = ints(Int.self), let heads = ints(Int32.self) else { return nil }
        let n = sm.count
        guard [sd.count, ss.count, sr.count, sv.count, st.count, sp.count, spc.count].allSatisfy({ $0 == n }),
              pk.count == pv.count, heads.count == members.count,
              sm.allSatisfy({ $0 >= 0 && Int($0) < members.count }), sd.allSatisfy({ $0 >= 0 && Int($0) < dossiers.count }),
              pk.allSatisfy({ $0 >= 0 && Int($0) < keys.count }),
              (0..<n).allSatisfy({ sp[$0] >= 0 && Int(sp[$0]) + Int(spc[$0]) <= pk.count }) else { return nil }
        l.memberIDs = members; l.dossierIDs = dossiers; l.keyIDs = keys
        l.slotMember = sm; l.slotDossier = sd; l.slotSeq = ss; l.slotRecusal = sr; l.slotVote = sv; l.slotTotal = st
        l.slotPoints = sp; l.slotPointCount = spc; l.pointKeys = pk; l.pointValues = pv; l.heads = heads
        guard let nc = r.varint(), nc <= UInt64(n) else { return nil }
        for _ in 0..<nc {
            guard let k = r.zigzag(), let s = Int32(exactly: k), s >= 0, Int(s) < n, let c = r.string() else { return nil }
            l.comments[s] = c
        }
        guard let ed = map(), let nk = r.varint(), nk < 1 << 32 else { return nil }
        l.eligibilityDecisions = ed
        // (Each key takes at least two bytes: a damaged count cannot reserve more than the file holds.)
        l.decisionItems.reserveCapacity(min(Int(nk), (raw.count - r.at) / 2))
        for _ in 0..<nk {
            guard let k = r.string(), let ni = r.varint(), ni < 1 << 32 else { return nil }
            var items: [DecisionOrder.Item] = []
            for _ in 0..<ni {
                guard let path = r.string(), let signer = r.string(), let sq = r.zigzag(), let seq = Int(exactly: sq),
                      let value = r.string(), let ns = r.varint(), ns < 1 << 16 else { return nil }
                var saw: [String: Int] = [:]
                for _ in 0..<ns {
                    guard let m = r.string(), let v = r.zigzag(), let s = Int(exactly: v) else { return nil }
                    saw[m] = s
                }
                items.append(DecisionOrder.Item(path: path, signer: signer, seq: seq, saw: saw, value: value))
            }
            l.decisionItems[k] = items
        }
        guard let nr = r.varint(), nr < 1 << 32 else { return nil }
        for _ in 0..<nr {
            guard let d = record(), let d else { return nil }
            l.decisionRecords[d.path] = d
        }
        guard let fin = record(), let no = r.varint(), no < 1 << 32 else { return nil }
        l.finalization = fin
        for _ in 0..<no {
            guard let k = r.string(), let o = record(), let o else { return nil }
            l.objections[k] = o
        }
        guard let approval = record(), let sver = ints(Int32.self), sver.count == n, let vids = strings(),
              sver.allSatisfy({ $0 >= -1 && Int($0) < vids.count }), let ev = map(), let pins = DossierPins.decode(&r),
              let nos = r.varint(), nos <= UInt64(n) else { return nil }
        for _ in 0..<nos {
            guard let k = r.zigzag(), let s = Int32(exactly: k), s >= 0, Int(s) < n, let nv = r.varint(), nv < 1 << 16 else { return nil }
            var vs: [SheetVersion] = []
            for _ in 0..<nv {
                guard let sq = r.zigzag(), let seq = Int32(exactly: sq), seq > 0, let vt = r.zigzag(), let vote = Int8(exactly: vt),
                      let tt = r.zigzag(), let total = Int(exactly: tt), let keys = ints(Int32.self), let values = ints(Int.self),
                      keys.count == values.count, keys.count <= Int(UInt16.max), keys.allSatisfy({ $0 >= 0 && Int($0) < l.keyIDs.count }),
                      let tag = r.byte(), tag <= 1 else { return nil }
                var comment: String?
                if tag == 1 { guard let c = r.string() else { return nil }; comment = c }
                guard let vv = r.zigzag(), let version = Int32(exactly: vv), version >= -1, Int(version) < vids.count else { return nil }
                vs.append(SheetVersion(seq: seq, vote: vote, total: total, keys: keys, values: values, comment: comment, version: version))
            }
            l.otherSheets[s] = vs
        }
        guard let ni = r.varint(), ni < 1 << 32 else { return nil }
        for _ in 0..<ni {
            guard let k = r.string(), let v = r.zigzag(), let seq = Int(exactly: v) else { return nil }
            l.inputHeads[k] = seq
        }
        guard let ns = r.varint(), ns < 1 << 32 else { return nil }
        for _ in 0..<ns {
            guard let k = r.string(), let nm = r.varint(), nm < 1 << 32 else { return nil }
            var seen: [String: Int] = [:]
            for _ in 0..<nm {
                guard let m = r.string(), let v = r.zigzag(), let seq = Int(exactly: v) else { return nil }
                seen[m] = seq
            }
            l.sheetSeen[k] = seen
        }
        guard let nl = r.varint(), nl <= UInt64(Limits.rounds.upperBound) else { return nil }
        for _ in 0..<nl {
            guard let k = r.varint(), k >= 2, k <= UInt64(Limits.rounds.upperBound), let len = r.varint(), let b = r.bytes(Int(clamping: len)),
                  let inner = Ledger.fromSnapshot(UnsafeRawBufferPointer(b), fingerprint: fingerprint) else { return nil }
            l.laterRounds[Int(k)] = inner
        }
        guard r.atEnd else { return nil }
        l.approval = approval
        l.slotVersion = sver; l.versionIDs = vids; l.eligibilityVersions = ev; l.pins = pins
        for (i, id) in vids.enumerated() { l.versionNumber[id] = Int32(i) }
        // The lookups, rebuilt.
        for (i, id) in members.enumerated() { l.memberNumber[id] = Int32(i) }
        for (i, id) in dossiers.enumerated() { l.dossierNumber[id] = Int32(i) }
        for (i, id) in keys.enumerated() { l.keyNumber[id] = Int32(i) }
        l.slotOf.reserveCapacity(n)
        for s in 0..<n { l.slotOf[UInt64(UInt32(sm[s])) << 32 | UInt64(UInt32(sd[s]))] = Int32(s) }
        guard l.memberNumber.count == members.count, l.dossierNumber.count == dossiers.count, l.slotOf.count == n else { return nil }
        return l
    }
}
