import Foundation
import Panel

/// Which of several decisions about the same thing is the later one (issue 16, "order comes from
/// chains, not clocks"). `created` is what the signer typed into the record: it orders nothing
/// (an eligibility record dated 2099 would otherwise win forever).
///
/// - One signer: the later record in the signer's chain (higher `seq`; `prev` links them).
/// - Two signers: b is later than a when b had seen a — b's `seen` vector (record format v2)
///   names a's signer at a seq ≥ a's, or, for a finalization, its signed `counted` does (the
///   Merkle root proves those records are the ones it saw).
/// - Decisions that did not see each other are concurrent. If the latest decisions (the heads:
///   those no other decision saw) disagree, that is a `decision-conflict` problem in `verify`:
///   none of the conflicting records counts until a signer who has seen them all decides again
///   (that record sees both, so it is the one head).
public enum DecisionOrder {
    public struct Item: Sendable, Hashable {
        public var path: String
        public var signer: String
        public var seq: Int
        /// What the record had seen: member → highest seq (its `seen`, and a finalization's `counted`).
        public var saw: [String: Int]
        /// What it decides (equal values do not conflict).
        public var value: String

        public init(path: String, signer: String, seq: Int, saw: [String: Int], value: String) {
            self.path = path; self.signer = signer; self.seq = seq; self.saw = saw; self.value = value
        }

        /// From a record: its `seen`, with a finalization's `counted` on top.
        public init(_ r: Record, path: String, value: String) {
            var saw = r.seen
            if r.kind == .finalize, let f = Verifier.finalizeBody(r.body) {
                for (m, s) in f.counted where s > (saw[m] ?? 0) { saw[m] = s }
            }
            self.init(path: path, signer: r.signer, seq: r.seq, saw: saw, value: value)
        }
    }

    /// Whether b comes after a (see the type's rules).
    public static func isLater(_ b: Item, than a: Item) -> Bool {
        if b.signer == a.signer { return b.seq > a.seq }
        return (b.saw[a.signer] ?? 0) >= a.seq
    }

    /// The heads: the items no other item comes after, in path order.
    public static func heads(_ items: [Item]) -> [Item] {
        // One decision is its own head (most of them: each dossier's group, 10,000 at city scale).
        if items.count == 1, items[0].seq > 0 { return items }
        // Each signer's last decision first (its chain puts it after the signer's others), so
        // the pairwise pass is over signers, never over records (a signer could sign thousands).
        var last: [String: Item] = [:]
        for i in items where (last[i.signer]?.seq ?? 0) < i.seq { last[i.signer] = i }
        let lasts = Array(last.values)
        return lasts.filter { a in !lasts.contains { b in b != a && isLater(b, than: a) } }
            .sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// The latest decision when the heads agree (one of them, the first by path), nil when there
    /// is none or they conflict.
    public static func latest(_ items: [Item]) -> Item? {
        let h = heads(items)
        guard let first = h.first, h.allSatisfy({ $0.value == first.value }) else { return nil }
        return first
    }

    /// The heads that conflict (empty when the heads agree).
    public static func conflicting(_ items: [Item]) -> [Item] {
        let h = heads(items)
        guard let first = h.first, !h.allSatisfy({ $0.value == first.value }) else { return [] }
        return h
    }
}
