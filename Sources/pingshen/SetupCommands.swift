import ArgumentParser
import Foundation
import Panel
import Records
import Review

struct Programs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the embedded programme templates.")
    @OptionGroup var common: Common

    func run() throws {
        let lang = common.language
        let rows = Templates.all.map { p in
            [p.id, p.title.text(lang), String(p.quota), p.document]
        }
        say(TextTable.render(headers: [lang.pick("模板", "template"), lang.pick("项目", "programme"),
                                       lang.pick("名额", "quota"), lang.pick("文件", "document")],
                             rows: rows, alignRight: [2]))
    }
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a store for one programme instance.")
    @OptionGroup var common: Common
    @Argument(help: "The store folder to create (must not exist or be empty).") var store: String
    @Option(help: "Programme template id (see `pingshen programs`).") var program: String
    @Option(help: "The programme year.") var year: Int?
    @Option(help: "Places to fill (overrides the template).") var quota: Int?

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            let p = try StoreSetup.create(root: store, programID: program, year: year, quota: quota)
            say(lang.pick("已创建 \(store)：\(p.title.zh)，名额 \(p.quota)，实例 \(p.instance ?? "")",
                          "created \(store): \(p.title.en), quota \(p.quota), instance \(p.instance ?? "")"))
        }
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import nominations from CSV (UTF-8 or GB18030) or YAML, all or nothing, signing the intake record as the secretary.")
    @OptionGroup var common: Common
    @Argument var store: String
    @Argument(help: "FILE.csv or FILE.yaml") var file: String
    @Option(help: "auto, utf-8 or gb18030") var encoding: String = "auto"
    @Option(name: .customLong("as"), help: "The secretary who signs the intake record.") var id: String?
    @Option(help: "Unencrypted OpenSSH key file (default: ssh-agent).") var key: String?

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            guard let enc = DossierImport.Encoding(rawValue: encoding) else {
                throw ActionError(zh: "未知编码 \(encoding)（auto、utf-8 或 gb18030）", en: "unknown encoding \(encoding) (auto, utf-8 or gb18030)")
            }
            guard let id else {
                throw ActionError(zh: "导入由秘书签署：pingshen import STORE FILE --as 秘书编号 [--key 私钥文件]",
                                  en: "an import is signed by the secretary: pingshen import STORE FILE --as SEC [--key PATH]")
            }
            let session = try ReviewSession(root: store)
            let s = try signer(for: session, as: id, key: key)
            let made = try session.importDossiers(path: file, encoding: enc, as: id, signer: s)
            say(lang.pick("已导入 \(made.imported.count) 份申报材料", "imported \(made.imported.count) dossiers")
                + (made.unchanged > 0 ? lang.pick("（\(made.unchanged) 份已在库中，未变）", " (\(made.unchanged) already in the store, unchanged)") : ""))
        }
    }
}

struct DossierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dossier", abstract: "Signed changes to imported dossiers.",
                                                    subcommands: [Amend.self])

    struct Amend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace one dossier with FILE.yaml, signing a dossier-amend record (new SHA-256 and the reason) as the secretary.")
        @OptionGroup var common: Common
        @Argument var store: String
        @Option(name: .customLong("as"), help: "The secretary who signs the amendment.") var id: String
        @Option(help: "Unencrypted OpenSSH key file (default: ssh-agent).") var key: String?
        @Option(help: "The dossier id.") var dossier: String
        @Argument(help: "FILE.yaml: the dossier as the store keeps it (id, fields), or an import list of one.") var file: String
        @Option(help: "Why the dossier changes.") var reason: String

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                let session = try ReviewSession(root: store)
                let s = try signer(for: session, as: id, key: key)
                let pin = try session.amendDossier(dossier, file: file, reason: reason, as: id, signer: s)
                say(lang.pick("已签署 \(dossier) 的修改 \(pin.path)（SHA-256 \(pin.sha256)）",
                              "signed the amendment of \(dossier) \(pin.path) (SHA-256 \(pin.sha256))"))
            }
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The qualification check (资格审核) of every dossier.")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option(help: "table or json") var format: String = "table"

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            // The signed dossiers only (see `DossierPins`).
            let panel = try ReviewSession(root: store).panel
            let results = Eligibility.checkAll(panel)
            switch format {
            case "json": emit(CheckReport.json(results, lang: lang))
            case "table": say(CheckReport.table(results, dossiers: panel.dossiers, lang: lang))
            default: throw ActionError(zh: "未知格式 \(format)", en: "unknown format \(format) (table or json)")
            }
        }
    }
}

struct Eligible: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eligibility",
        abstract: "Sign the qualification results as the secretary (one eligibility record per changed decision).")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option(name: .customLong("as")) var id: String
    @Option(help: "Unencrypted OpenSSH key file (default: ssh-agent).") var key: String?

    func validate() throws { try checkIDs(common.language, [("--as", id)]) }

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            let session = try ReviewSession(root: store)
            let bodies = try session.eligibilityBodies(as: id)
            let s = try signer(for: session, as: id, key: key)
            for b in bodies { try session.append(kind: .eligibility, body: b, as: id, signer: s) }
            say(lang.pick("已签署 \(bodies.count) 条资格审核记录", "signed \(bodies.count) eligibility records"))
        }
    }
}

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a new OpenSSH Ed25519 key pair: PATH (0600) and PATH.pub.")
    @OptionGroup var common: Common
    @Option var out: String
    @Option var comment: String = "pingshen"

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            if FileManager.default.fileExists(atPath: self.out) || FileManager.default.fileExists(atPath: self.out + ".pub") {
                throw ActionError(zh: "\(self.out) 已存在，不会覆盖", en: "\(self.out) exists; not overwriting")
            }
            try KeyGen.write(to: self.out, comment: comment)
            let pub = try SSHPublicKey(line: try String(contentsOfFile: self.out + ".pub", encoding: .utf8))
            say("\(self.out)\n\(self.out).pub\n\(pub.fingerprint)")
        }
    }
}

struct MemberCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "member", abstract: "The panel roster.",
                                                    subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a member to roster.yaml and allowed_signers.")
        @OptionGroup var common: Common
        @Argument var store: String
        @Option var id: String
        @Option var name: String
        @Option(help: "member, chair, secretary or approver") var role: String
        @Option var unit: String?
        @Option(help: "The member's OpenSSH public key file (PATH.pub).") var key: String

        func validate() throws { try checkIDs(common.language, [("--id", id)]) }

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                guard let r = Role(rawValue: role) else {
                    throw ActionError(zh: "未知角色 \(role)（member、chair、secretary、approver）", en: "unknown role \(role) (member, chair, secretary, approver)")
                }
                guard let text = try? String(contentsOfFile: key, encoding: .utf8) else {
                    throw ActionError(zh: "无法读取公钥文件 \(key)", en: "cannot read public key file \(key)")
                }
                let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
                _ = try PanelStore.open(store)
                try RosterOps.addMember(Member(id: id, name: name, role: r, unit: unit, key: line), to: StoreLayout(store))
                say(lang.pick("已添加 \(id)（\(name)，\(r.rawValue)）", "added \(id) (\(name), \(r.rawValue))"))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the roster.")
        @OptionGroup var common: Common
        @Argument var store: String

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                let panel = try PanelStore.open(store)
                let rows = try panel.roster.members.map { m in
                    [m.id, m.name, m.role.rawValue, m.unit ?? "", try SSHPublicKey(line: m.key).fingerprint]
                }
                say(TextTable.render(headers: ["id", lang.pick("姓名", "name"), lang.pick("角色", "role"), lang.pick("单位", "unit"), lang.pick("密钥指纹", "key")], rows: rows))
            }
        }
    }
}
