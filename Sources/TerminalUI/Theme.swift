import Foundation
import Panel
import TOMLKit

/// A colour as themes name it: the terminal default, one of the 8 basic colours (bright variants
/// are 8–15) or an xterm-256 index.
public enum ThemeColor: Hashable, Sendable {
    case `default`
    case index(Int)

    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    public static func parse(_ s: String) -> ThemeColor? {
        let t = s.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "default" || t.isEmpty { return .default }
        if let i = names.firstIndex(of: t) { return .index(i) }
        if t.hasPrefix("bright-") || t.hasPrefix("bright_"), let i = names.firstIndex(of: String(t.dropFirst(7))) { return .index(i + 8) }
        if let n = Int(t), (0...255).contains(n) { return .index(n) }
        return nil
    }
}

public struct Attributes: OptionSet, Hashable, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let bold = Attributes(rawValue: 1)
    public static let reverse = Attributes(rawValue: 2)
    public static let underline = Attributes(rawValue: 4)
    public static let dim = Attributes(rawValue: 8)

    static func parse(_ s: String) -> Attributes? {
        switch s.lowercased() {
        case "bold": return .bold
        case "reverse": return .reverse
        case "underline": return .underline
        case "dim": return .dim
        default: return nil
        }
    }
}

public struct RoleStyle: Hashable, Sendable {
    public var fg: ThemeColor
    public var bg: ThemeColor
    public var attrs: Attributes
    public init(fg: ThemeColor = .default, bg: ThemeColor = .default, attrs: Attributes = []) {
        self.fg = fg; self.bg = bg; self.attrs = attrs
    }
}

/// A theme maps semantic roles to colours and attributes. Loaded from TOML:
///
///     name = "default"
///     [roles.title]
///     fg = "white"
///     bg = "blue"
///     attrs = ["bold"]
///
/// Roles not named fall back to `normal`. With `colors = false` (the `mono` theme, `NO_COLOR`,
/// or a terminal without colours) only attributes are used.
public struct Theme: Hashable, Sendable {
    public var name: String
    public var colors: Bool
    public var styles: [StyleRole: RoleStyle]

    public init(name: String, colors: Bool, styles: [StyleRole: RoleStyle]) {
        self.name = name; self.colors = colors; self.styles = styles
    }

    public func style(_ role: StyleRole) -> RoleStyle {
        let s = styles[role] ?? styles[.normal] ?? RoleStyle()
        return colors ? s : RoleStyle(attrs: s.attrs)
    }

    public static let builtInNames = ["default", "light", "high-contrast", "mono"]

    struct File: Decodable {
        var name: String?
        var colors: Bool?
        var roles: [String: RoleFile]?
    }
    struct RoleFile: Decodable {
        var fg: String?
        var bg: String?
        var attrs: [String]?
    }

    /// Parses a theme from TOML text; errors name `path` and the role or line.
    public static func parse(_ text: String, path: String) throws -> Theme {
        let file: File
        do {
            file = try TOMLDecoder().decode(File.self, from: text)
        } catch let e as TOMLParseError {
            throw InputError(path: path, line: e.source.begin.line, message: e.description)
        } catch {
            throw InputError(path: path, message: "\(error)")
        }
        var styles: [StyleRole: RoleStyle] = [:]
        for (key, r) in file.roles ?? [:] {
            let roleName = key.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "").lowercased()
            guard let role = StyleRole.allCases.first(where: { $0.rawValue.lowercased() == roleName }) else {
                throw InputError(path: path, field: "roles.\(key)", message: localized("未知的角色（可用：\(StyleRole.allCases.map(\.rawValue).joined(separator: ", "))）", "unknown role (known: \(StyleRole.allCases.map(\.rawValue).joined(separator: ", ")))"))
            }
            var st = RoleStyle()
            if let fg = r.fg {
                guard let c = ThemeColor.parse(fg) else { throw InputError(path: path, field: "roles.\(key).fg", message: localized("未知的颜色 “\(fg)”", "unknown colour '\(fg)'")) }
                st.fg = c
            }
            if let bg = r.bg {
                guard let c = ThemeColor.parse(bg) else { throw InputError(path: path, field: "roles.\(key).bg", message: localized("未知的颜色 “\(bg)”", "unknown colour '\(bg)'")) }
                st.bg = c
            }
            for a in r.attrs ?? [] {
                guard let at = Attributes.parse(a) else { throw InputError(path: path, field: "roles.\(key).attrs", message: localized("未知的属性 “\(a)”（bold、reverse、underline、dim）", "unknown attribute '\(a)' (bold, reverse, underline, dim)")) }
                st.attrs.insert(at)
            }
            styles[role] = st
        }
        return Theme(name: file.name ?? (path as NSString).lastPathComponent.replacingOccurrences(of: ".toml", with: ""),
                     colors: file.colors ?? true, styles: styles)
    }

    /// A theme by name (a built-in one or `NAME.toml` in `searchPath`) or by path to a .toml file.
    /// Files in `searchPath` win over the embedded copies, so the folder can be edited.
    public static func named(_ name: String, searchPath: [String] = Theme.defaultSearchPath()) throws -> Theme {
        if name.hasSuffix(".toml") || name.contains("/") {
            guard let data = FileManager.default.contents(atPath: name), let text = String(data: data, encoding: .utf8) else {
                throw InputError(path: name, message: localized("无法读取主题文件", "cannot read theme file"))
            }
            return try parse(text, path: name)
        }
        for dir in searchPath {
            let p = dir + "/" + name + ".toml"
            if let data = FileManager.default.contents(atPath: p), let text = String(data: data, encoding: .utf8) {
                return try parse(text, path: p)
            }
        }
        if let text = EmbeddedThemes.files[name] {
            return try parse(text, path: "(embedded) \(name).toml")
        }
        throw InputError(path: name, field: "--theme", message: localized("没有这个主题（内置：\(builtInNames.joined(separator: ", "))）", "no such theme (built in: \(builtInNames.joined(separator: ", ")))"))
    }

    /// The embedded default theme (always parses).
    public static var `default`: Theme { (try? parse(EmbeddedThemes.files["default"]!, path: "default.toml")) ?? mono }
    /// The embedded mono theme: attributes only.
    public static var mono: Theme {
        (try? parse(EmbeddedThemes.files["mono"]!, path: "mono.toml")) ?? Theme(name: "mono", colors: false, styles: [:])
    }

    /// `./themes`, then `$PINGSHEN_THEMES`.
    public static func defaultSearchPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var out: [String] = []
        if let p = environment["PINGSHEN_THEMES"], !p.isEmpty { out.append(p) }
        out.append(FileManager.default.currentDirectoryPath + "/themes")
        return out
    }

    /// The theme to use: `mono` when `NO_COLOR` is set (any value) or the terminal has no
    /// colours; else `--theme`, else `default`.
    public static func resolve(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                               terminalHasColors: Bool = true) throws -> Theme {
        if let nc = environment["NO_COLOR"], !nc.isEmpty { return mono }
        if !terminalHasColors { return mono }
        return try named(flag ?? "default", searchPath: defaultSearchPath(environment: environment))
    }
}
