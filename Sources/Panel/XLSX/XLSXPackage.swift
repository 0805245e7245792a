import Foundation
import ZIPFoundation

/// The parts of an .xlsx file (an OPC package: a ZIP of XML parts, ECMA-376 Part 2), read with
/// bounds, because a workbook comes from outside: at most `maxEntries` entries, at most
/// `maxPartBytes` inflated bytes for one part and `maxTotalBytes` for all parts read (a zip bomb
/// stops there, whatever the entry's header claims), no DTD in any part (OOXML parts have none;
/// refusing `<!DOCTYPE` rules out entity expansion before the XML parser sees it). Nothing is
/// ever written to disk, so an entry name with `../` reaches no file: names are only looked up.
public final class XLSXPackage {
    public static let maxEntries = 10_000
    public static let maxPartBytes = 256 << 20
    public static let maxTotalBytes = 512 << 20

    let archive: Archive
    let path: String
    /// Entry by normalized name (lower case, `/` separators, no leading `/`): OPC part names are
    /// case-insensitive (ECMA-376 Part 2 §9.1.1.1) and some writers use `\`.
    private var entries: [String: Entry] = [:]
    private var inflated = 0

    public init(path: String) throws {
        self.path = path
        try InputFile.check(path, limit: InputFile.importLimit)
        // A legacy .xls (OLE2 compound file) starts with D0 CF 11 E0 A1 B1 1A E1.
        if let fh = FileHandle(forReadingAtPath: path) {
            let head = (try? fh.read(upToCount: 8)) ?? Data()
            try? fh.close()
            if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
                throw InputError(path: path, message: localized(
                    "这是旧版 Excel 97–2003 工作簿（.xls），无法直接读取：请在 Excel 或 WPS 中另存为 .xlsx 或 CSV（UTF-8）后再导入",
                    "this is a legacy Excel 97–2003 workbook (.xls), which cannot be read: save it as .xlsx or CSV (UTF-8) in Excel or WPS and import that"))
            }
            if !head.starts(with: [0x50, 0x4B]) {
                throw InputError(path: path, message: localized("不是 .xlsx 工作簿（不是 ZIP 文件）", "not an .xlsx workbook (not a ZIP file)"))
            }
        } else {
            throw InputError(path: path, message: localized("无法读取文件", "cannot read the file"))
        }
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw InputError(path: path, message: localized("不是可读的 .xlsx 工作簿（ZIP 目录损坏）", "not a readable .xlsx workbook (damaged ZIP directory)"))
        }
        var n = 0
        for e in archive {
            n += 1
            if n > XLSXPackage.maxEntries {
                throw InputError(path: path, message: localized("工作簿里的文件超过 \(XLSXPackage.maxEntries) 个：不像是 .xlsx",
                                                                "the workbook holds more than \(XLSXPackage.maxEntries) entries: not a plausible .xlsx"))
            }
            guard e.type == .file else { continue }
            let key = XLSXPackage.normalize(e.path)
            if entries[key] == nil { entries[key] = e }
        }
    }

    static func normalize(_ name: String) -> String {
        var s = name.replacingOccurrences(of: "\\", with: "/")
        while s.hasPrefix("/") { s.removeFirst() }
        return s.lowercased()
    }

    public func has(_ part: String) -> Bool { entries[XLSXPackage.normalize(part)] != nil }

    /// The bytes of `part`, nil when the package has no such part.
    public func part(_ name: String) throws -> Data? {
        guard let e = entries[XLSXPackage.normalize(name)] else { return nil }
        var out = Data()
        let limit = min(XLSXPackage.maxPartBytes, XLSXPackage.maxTotalBytes - inflated)
        let tooBig = InputError(path: path, field: name, message: localized(
            "工作簿的部件 \(name) 解压后过大（上限 \(XLSXPackage.maxPartBytes >> 20) MiB，总计 \(XLSXPackage.maxTotalBytes >> 20) MiB）：可能是压缩炸弹",
            "part \(name) inflates beyond the limit (\(XLSXPackage.maxPartBytes >> 20) MiB, \(XLSXPackage.maxTotalBytes >> 20) MiB in all): a zip bomb?"))
        if e.uncompressedSize > UInt64(limit) { throw tooBig }
        do {
            _ = try archive.extract(e, bufferSize: 64 << 10, skipCRC32: false) { chunk in
                if out.count + chunk.count > limit { throw tooBig }
                out.append(chunk)
            }
        } catch let err as InputError {
            throw err
        } catch {
            throw InputError(path: path, field: name, message: localized("工作簿的部件 \(name) 损坏，无法解压", "part \(name) is damaged and cannot be inflated"))
        }
        inflated += out.count
        // OOXML parts never carry a DTD (ECMA-376 Part 2 §8.1.6: a DTD declaration is an error);
        // refusing one here rules out entity expansion ("billion laughs") and external entities.
        if out.range(of: Data("<!DOCTYPE".utf8)) != nil || out.range(of: Data("<!ENTITY".utf8)) != nil {
            throw InputError(path: path, field: name, message: localized("工作簿的部件 \(name) 含有 DTD（<!DOCTYPE>），.xlsx 不允许", "part \(name) holds a DTD (<!DOCTYPE>), which .xlsx does not allow"))
        }
        return out
    }

    /// Resolves a relationship target against the folder of its source part (`xl/` for
    /// xl/workbook.xml): an absolute target (`/xl/worksheets/sheet1.xml`, as some writers give;
    /// CoreXLSX issue #121) is taken from the package root. `..` above the root is refused.
    public static func resolve(_ target: String, from sourceDir: String) -> String? {
        var t = target.replacingOccurrences(of: "\\", with: "/")
        if let hash = t.firstIndex(of: "#") { t = String(t[..<hash]) }
        let absolute = t.hasPrefix("/")
        var parts: [Substring] = absolute ? [] : sourceDir.split(separator: "/")
        for p in t.split(separator: "/") {
            if p == "." || p.isEmpty { continue }
            if p == ".." {
                if parts.isEmpty { return nil }
                parts.removeLast()
            } else {
                parts.append(p)
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }
}
