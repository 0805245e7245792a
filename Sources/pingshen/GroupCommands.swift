import ArgumentParser
import Foundation
import Panel
import Records
import Review

// Field groups and assignment (issue 13): `group add|list|propose|confirm|move`, `assign`,
// `assignments`. Thin over `ReviewSession` (Review/Groups.swift).

func splitList(_ s: String) -> [String] {
    s.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

func jsonText(_ v: JSONValue) -> String { String(decoding: CanonicalJSON.encode(v), as: UTF8.self) }

/// JSON with nulls (JSONValue has none): keys sorted, slashes as written.
func jsonAny(_ v: Any) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self)
}

struct GroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group", abstract: "Field groups (专业组): members, and dossiers grouped by field.",
        subcommands: [Add.self, List.self, Propose.self, Confirm.self, Move.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a group's members (and, for a group the programme does not define, its name and fields). Supersedes the group's earlier record.")
        @OptionGroup var common: Common
        @Argument var store: String
        @Option(name: .customLong("as"), help: "The secretary's member id.") var id: String
        @Option(help: "Unencrypted OpenSSH key file (default: ssh-agent).") var key: String?
        @Option(name: .customLong("id"), help: "The group id.") var group: String
        @Option(help: "The group's name (required unless program.yaml defines the group).") var name: String?
        @Option(help: "The 专业领域 values or keywords it covers, comma-separated.") var fields: String?
        @Option(help: "Its members, comma-separated (all of them: the record replaces the earlier list).") var members: String = ""

        func validate() throws { try checkIDs(common.language, [("--as", id), ("--id", group)] + splitList(members).map { ("--members", $0) }) }

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                try signRecord(.group, store: store, as: id, key: key, lang: lang,
                               said: { LocalizedText(zh: "已签署专业组 \(group) 的记录 \($0)", en: "signed group \(group): \($0)") }) {
                    try $0.groupAddBody(as: id, id: group, name: name, fields: fields.map(splitList), members: splitList(members))
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The groups: fields, members, and how many dossiers each holds.")
        @OptionGroup var common: Common
        @Argument var store: String
        @Option(help: "table or json") var format: String = "table"

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                try checkFormat(format, ["table", "json"])
                let s = try ReviewSession(root: store)
                try s.settle()
                let signed = s.ledger.dossierGroups
                let gs = s.groups()
                let count = Dictionary(grouping: signed.values, by: { $0 }).mapValues(\.count)
                if format == "json" {
                    emit(jsonText(.object(["groups": .array(gs.map { g in
                        .object(["id": .string(g.id), "name": .object(["zh": .string(g.name.zh), "en": .string(g.name.en)]),
                                 "fields": .array(g.fields.map { .string($0) }), "members": .array(g.members.map { .string($0) }),
                                 "dossiers": .int(Int64(count[g.id] ?? 0))])
                    })])))
                } else {
                    say(TextTable.render(headers: [lang.pick("专业组", "group"), lang.pick("名称", "name"), lang.pick("专业领域", "fields"),
                                                   lang.pick("成员", "members"), lang.pick("材料", "dossiers")],
                                         rows: gs.map { [$0.id, $0.name.text(lang), $0.fields.joined(separator: ", "), $0.members.joined(separator: ", "),
                                                         String(count[$0.id] ?? 0)] }))
                }
            }
        }
    }

    struct Propose: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the automatic grouping by 专业领域 beside the signed one; dossiers no group matches are listed as unassigned.")
        @OptionGroup var common: Common
        @Argument var store: String
        @Option(help: "table or json") var format: String = "table"

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                try checkFormat(format, ["table", "json"])
                let s = try ReviewSession(root: store)
                try s.settle()
                let rows = s.groupingRows()
                if format == "json" {
                    emit(jsonAny(["dossiers": rows.map { r -> [String: Any] in
                        ["dossier": r.dossier, "field": r.field, "proposed": r.proposed as Any? ?? NSNull(), "signed": r.signed as Any? ?? NSNull()]
                    }]))
                } else {
                    let none = lang.pick("（未分组）", "(unassigned)")
                    say(TextTable.render(headers: [lang.pick("编号", "dossier"), lang.pick("姓名", "name"), lang.pick("专业领域", "field"),
                                                   lang.pick("建议", "proposed"), lang.pick("已签署", "signed")],
                                         rows: rows.map { [$0.dossier, $0.name, $0.field, $0.proposed ?? none, $0.signed ?? "—"] }))
                    let un = rows.filter { $0.proposed == nil && $0.signed == nil }.map(\.dossier)
                    if !un.isEmpty {
                        say(lang.pick("未能按专业领域分组（请用 group move 指定）：", "no group matches their field (use group move): ") + un.joined(separator: ", "))
                    }
                }
            }
        }
    }

    struct Confirm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign the automatic grouping of every dossier not yet in a group (one dossier-group record).")
        @OptionGroup var common: Common
        @Argument var store: String
        @Option(name: .customLong("as")) var id: String
        @Option(help: "Unencrypted OpenSSH key file (default: ssh-agent).") var key: String?

        func validate() throws { try checkIDs(common.language, [("--as", id)]) }

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                let s = try ReviewSession(root: store)
                let (body, unassigned) = try s.groupConfirmBody(as: id)
                if let body {
                    let stored = try s.append(kind: .dossierGroup, body: body, as: id, signer: try signer(for: s, as: id, key: key))
                    let n = body["groups"]?.object?.count ?? 0
                    say(lang.pick("已签署分组记录 \(stored.path)（\(n) 份）", "signed the grouping \(stored.path) (\(n) dossiers)"))
                } else {
                    say(lang.pick("没有需要签署的分组", "no grouping to sign"))
                }
                if !unassigned.isEmpty {
                    warn(lang.pick("未能按专业领域分组（请用 pingshen group move 指定）：", "no group matches their field (use pingshen group move): ") + unassigned.joined(separator: ", "))
                }
            }
        }
    }

    struct Move: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sign a dossier's move to another group, with the reason.")
        @OptionGroup var common: Common
        @Argument var store: String
        @Option(name: .customLong("as")) var id: String
        @Option(help: "Unencrypted OpenSSH key file (default: ssh-agent).") var key: String?
        @Option var dossier: String
        @Option(help: "The group it moves to.") var to: String
        @Option var reason: String

        func validate() throws { try checkIDs(common.language, [("--as", id), ("--dossier", dossier), ("--to", to)]) }

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                try signRecord(.dossierGroup, store: store, as: id, key: key, lang: lang,
                               said: { LocalizedText(zh: "已签署：\(dossier) 调入专业组 \(to)（\($0)）", en: "signed: \(dossier) moved to group \(to) (\($0))") }) {
                    try $0.groupMoveBody(as: id, dossier: dossier, to: to, reason: reason)
                }
            }
        }
    }
}

struct Assign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign an assignment: K members of its group per dossier, loads balanced, no member on a dossier of their own unit, a declared conflict or a recusal. Run again after a recusal or a removal: only the open dossiers of that member are re-assigned.",
        discussion: "Deterministic: the same seed and signed inputs give the same assignment, and verify recomputes it (README, \"Field groups and assignment\").")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option(name: .customLong("as")) var id: String
    @Option(help: "Unencrypted OpenSSH key file (default: ssh-agent).") var key: String?
    @Option(name: .customLong("per-dossier"), help: "Members per dossier (default: the programme's quorum).") var perDossier: Int?
    @Option(help: "The seed, 0…18446744073709551615 (default: the assignment in force's, else 0).") var seed: String?
    @Option(name: .customLong("conflict"), help: "A declared conflict, MEMBER=DOSSIER (repeat): that member never gets that dossier.")
    var conflicts: [String] = []
    @Flag(name: .customLong("dry-run"), help: "Print what would be signed; sign nothing.") var dryRun = false

    func validate() throws {
        try checkIDs(common.language, [("--as", id)])
        if let perDossier {
            try checkBounds(common.language, [("--per-dossier", perDossier, 1...AssignmentPlan.maxPerDossier, ("每份材料的评审人数", "members per dossier"))])
        }
        if let seed, AssignmentPlan.parseSeed(seed) == nil {
            throw ValidationError(common.language.pick("--seed \(TerminalText.quoted(seed)) 应为 0…18446744073709551615 的整数",
                                                       "--seed \(TerminalText.quoted(seed)) must be an integer in 0…18446744073709551615"))
        }
    }

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            var pairs: [MemberDossierPair] = []
            for c in conflicts {
                let parts = c.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, Identifier.isValid(parts[0]), Identifier.isValid(parts[1]) else {
                    throw ActionError(zh: "--conflict 需要 成员=材料编号，得到 \(TerminalText.quoted(c))", en: "--conflict takes MEMBER=DOSSIER, got \(TerminalText.quoted(c))")
                }
                pairs.append(MemberDossierPair(parts[0], parts[1]))
            }
            let s = try ReviewSession(root: store)
            let p = try s.assignmentProposal(as: id, perDossier: perDossier, seed: seed.flatMap(AssignmentPlan.parseSeed), conflicts: pairs)
            let loads = p.loads.values
            let summary = lang.pick(
                "\(p.result.table.count) 份材料，每份 \(p.body["per_dossier"]?.int ?? 0) 人；工作量 \(loads.min() ?? 0)…\(loads.max() ?? 0) 份/人；回避 \(p.excludedCount) 对",
                "\(p.result.table.count) dossiers, \(p.body["per_dossier"]?.int ?? 0) members each; loads \(loads.min() ?? 0)…\(loads.max() ?? 0) per member; \(p.excludedCount) pairs kept apart")
            if !p.changes {
                say(lang.pick("分配无需改变（\(p.replaces ?? "")）", "the assignment in force stands (\(p.replaces ?? "")); nothing to change"))
                return
            }
            if dryRun {
                say(summary)
                return
            }
            let stored = try s.append(kind: .assignment, body: p.body, as: id, signer: try signer(for: s, as: id, key: key))
            say(lang.pick("已签署分配记录 \(stored.path)", "signed the assignment \(stored.path)") + (p.replaces.map { lang.pick("（替换 \($0)）", " (replaces \($0))") } ?? ""))
            say(summary)
            for d in p.dropped.sorted(by: { $0.pair < $1.pair }) {
                say(lang.pick("撤下 \(d.pair.member) – \(d.pair.dossier)（\(d.why)）", "taken off: \(d.pair.member) – \(d.pair.dossier) (\(d.why))"))
            }
            for (d, n) in p.result.short.sorted(by: { $0.key < $1.key }) {
                warn(lang.pick("\(d) 缺 \(n) 名评审（专业组成员不足或需回避）", "\(d) lacks \(n) members (the group is too small once conflicts are kept apart)"))
            }
            if !p.ungrouped.isEmpty {
                warn(lang.pick("未分组、未分配（pingshen group move）：", "not grouped, not assigned (pingshen group move): ") + p.ungrouped.joined(separator: ", "))
            }
        }
    }
}

struct Assignments: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The assignment in force: each dossier's group and members.")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option(help: "table or json") var format: String = "table"
    @Option(help: "Only this member's dossiers.") var member: String?

    func validate() throws { if let member { try checkIDs(common.language, [("--member", member)]) } }

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            try checkFormat(format, ["table", "json"])
            let s = try ReviewSession(root: store)
            try s.settle()
            let current = try s.assignmentInForce()
            let signedGroups = s.ledger.dossierGroups
            var rows: [(dossier: String, group: String?, members: [String])] = []
            for d in s.panel.dossiers {
                let e = current?.assignment.entries[d.id]
                rows.append((d.id, e?.group ?? signedGroups[d.id], e?.members ?? []))
            }
            if let member { rows = rows.filter { $0.members.contains(member) } }
            if format == "json" {
                var o: [String: Any] = ["assignments": rows.map { r -> [String: Any] in
                    ["dossier": r.dossier, "group": r.group as Any? ?? NSNull(), "members": r.members]
                }]
                if let current { o["record"] = current.record.path; o["seed"] = String(current.assignment.seed); o["per_dossier"] = current.assignment.perDossier }
                emit(jsonAny(o))
            } else {
                if current == nil { say(lang.pick("尚未签署分配", "no assignment signed yet")) }
                say(TextTable.render(headers: [lang.pick("编号", "dossier"), lang.pick("专业组", "group"), lang.pick("评审成员", "members")],
                                     rows: rows.map { [$0.dossier, $0.group ?? lang.pick("（未分组）", "(unassigned)"), $0.members.joined(separator: ", ")] }))
            }
        }
    }
}
