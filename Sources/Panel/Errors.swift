import Foundation

/// Bad input, named by where it is: the file, the line (1-based) and the field when known.
public struct InputError: Error, CustomStringConvertible, Equatable, Sendable {
    public var path: String
    public var line: Int?
    public var field: String?
    public var message: String

    public init(path: String, line: Int? = nil, field: String? = nil, message: String) {
        self.path = path; self.line = line; self.field = field; self.message = message
    }

    public var description: String {
        var place = path
        if let line { place += ":\(line)" }
        if let field { place += " [\(field)]" }
        return "\(place): \(message)"
    }
}

/// A failure of the store itself (missing, unreadable, inconsistent).
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
