import Foundation
import Crypto
import Panel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signatures already checked on this machine, so a second `verify` skips the Ed25519 work.
///
/// An entry is HMAC-SHA-256(secret, SHA-256(record bytes) || SHA-256(signature bytes)): it says
/// "this signature over these exact bytes was valid". The secret lives outside the store
/// (`$XDG_CACHE_HOME/pingshen/cache-secret`, else `~/.cache/pingshen/cache-secret`, mode 0600),
/// so a cache file that came with a copied or tampered store never matches and every
/// record is checked in full. Everything else (roster, roles, programme, chains) is checked
/// on every run. The file (`STORE/.cache/verified-v1`) is derived data: safe to delete.
public final class VerifyCache: @unchecked Sendable {
    struct Entry: Hashable { var a: UInt64, b: UInt64, c: UInt64, d: UInt64 }

    let path: String
    let key: SymmetricKey
    private var known: Set<Entry> = []
    private var seen: [Entry] = []
    private var added = 0
    private let lock = NSLock()

    /// nil when no secret can be kept (no writable cache home); verification then runs in full.
    public init?(layout: StoreLayout, secretPath: String? = nil) {
        guard let secret = VerifyCache.secret(at: secretPath ?? VerifyCache.defaultSecretPath()) else { return nil }
        key = SymmetricKey(data: secret)
        path = VerifyCache.path(layout)
        if let data = Verifier.readFile(path), data.count % 32 == 0 {
            data.withUnsafeBytes { raw in
                let n = data.count / 32
                known.reserveCapacity(n)
                for i in 0..<n {
                    let p = raw.baseAddress! + i * 32
                    known.insert(Entry(a: p.loadUnaligned(as: UInt64.self), b: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                                       c: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self), d: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
                }
            }
        }
    }

    /// The cache file of a store (derived data, never replicated: `.cache/` is ignored).
    public static func path(_ layout: StoreLayout) -> String { layout.cacheDir + "/verified-v1" }

    static func defaultSecretPath() -> String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.cache")
        return base + "/pingshen/cache-secret"
    }

    static func secret(at path: String) -> Data? {
        if let d = Verifier.readFile(path), d.count == 32 { return d }
        let dir = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var bytes = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 { bytes[i] = UInt8.random(in: 0...255) }
        do { try KeyGen.writeNew(Data(bytes), to: path, mode: 0o600) } catch {
            // Someone else may have just made it.
            if let d = Verifier.readFile(path), d.count == 32 { return d }
            return nil
        }
        return Data(bytes)
    }

    func entry(json: Data, signature: Data) -> Entry {
        entry(jsonDigest: SHA256.hash(data: json), signature: signature)
    }

    /// The same entry from the record's SHA-256, when the caller has it already.
    func entry(jsonDigest: SHA256.Digest, signature: Data) -> Entry {
        var h = HMAC<SHA256>(key: key)
        jsonDigest.withUnsafeBytes { h.update(data: $0) }
        h.update(data: Data(SHA256.hash(data: signature)))
        let mac = h.finalize()
        return mac.withUnsafeBytes { p in
            Entry(a: p.loadUnaligned(as: UInt64.self), b: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                  c: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self), d: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }
    }

    /// Read-only after init, so safe from many threads.
    func contains(_ e: Entry) -> Bool { known.contains(e) }

    /// Records a valid signature (kept for the next run).
    func note(_ e: Entry, new: Bool) {
        guard new else { return }
        lock.lock(); seen.append(e); added += 1; lock.unlock()
    }

    /// Writes the entries known before and those found valid in this run, when there are new
    /// ones. (Entries of records that are gone stay: an index-assisted run sees only the records
    /// that changed, so "not seen" does not mean "gone".)
    public func save() {
        lock.lock(); defer { lock.unlock() }
        guard added > 0 else { return }
        var all = known
        all.formUnion(seen)
        var out = Data(capacity: all.count * 32)
        for var e in all { withUnsafeBytes(of: &e) { out.append(contentsOf: $0) } }
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? DurableFile.write(out, to: path, replace: true, sync: false)
    }

    public var count: Int { known.count }
}
