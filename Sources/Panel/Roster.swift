import Foundation

public enum Role: String, Codable, Hashable, Sendable, CaseIterable {
    /// 专家: scores dossiers.
    case member
    /// 评审组长: scores, resolves ties and signs the final ranking.
    case chair
    /// 工作人员: imports, runs the qualification check, records objections.
    case secretary
    /// 审定: approves the final list (市总审定 / 区总审定). An extension of design.md's three roles.
    case approver
}

/// A person on the panel. `key` is an OpenSSH public key line ("ssh-ed25519 AAAA… comment").
public struct Member: Codable, Hashable, Sendable {
    public var id: String
    public var name: String
    public var role: Role
    public var unit: String?
    public var key: String
    public init(id: String, name: String, role: Role, unit: String? = nil, key: String) {
        self.id = id; self.name = name; self.role = role; self.unit = unit; self.key = key
    }
    enum CodingKeys: String, CodingKey, CaseIterable { case id, name, role, unit, key }
}

public struct Roster: Codable, Hashable, Sendable {
    public var members: [Member]
    public init(members: [Member] = []) { self.members = members }
    enum CodingKeys: String, CodingKey, CaseIterable { case members }
    public func member(_ id: String) -> Member? { members.first { $0.id == id } }
}
