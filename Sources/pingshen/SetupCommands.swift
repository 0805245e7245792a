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

/// `pingshen form PROGRAM --format csv`: the programme's blank application form (issue 12), so
/// that secretaries circulate the right one. PROGRAM is a template id or a store (its signed
/// programme). The form's definition is `ProgramForm` (Panel), which other formats reuse.
struct FormCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "form",
        abstract: "Print the programme's blank application form (its own headers), to circulate and import back.")
    @OptionGroup var common: Common
    @Argument(help: "A programme template id (see `pingshen programs`) or a store folder.") var program: String
    @Option(help: "csv or xlsx (a workbook: required fields marked *, lists for 是/否 and the channels)") var format: String = "csv"
    @Option(help: "Language of the headers: zh (the form as printed, default) or en.") var headers: String = "zh"
    @Option(help: "Write to this file instead of standard output.") var out: String?

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            guard let headerLang = Language(rawValue: headers) else {
                throw ActionError(zh: "--headers 只能是 zh 或 en", en: "--headers is zh or en")
            }
            let p: Program
            if let t = Templates.program(program) {
                p = t
            } else if FileManager.default.fileExists(atPath: StoreLayout(program).programFile) {
                p = try ReviewSession(root: program).program
            } else {
                throw ActionError(zh: "没有模板或评审库“\(program)”（模板：\(Templates.ids.joined(separator: ", "))）",
                                  en: "no template or store '\(program)' (templates: \(Templates.ids.joined(separator: ", ")))")
            }
            switch format {
            // As written (CRLF line ends): `emit` would add a line end after the CSV's own.
            case "csv": try write(Data(ProgramForm.csv(p, lang: headerLang).utf8), lang: lang)
            case "xlsx": try write(try ProgramForm.xlsx(p, lang: headerLang), lang: lang)
            default:
                throw ActionError(zh: "未知格式 \(format)（可用：\(ProgramForm.formats.joined(separator: ", "))）",
                                  en: "unknown format \(format) (one of: \(ProgramForm.formats.joined(separator: ", ")))")
            }
        }
    }

    /// To `--out` (durably), else to standard output as it is.
    func write(_ data: Data, lang: Language) throws {
        guard let out else { FileHandle.standardOutput.write(data); return }
        try DurableFile.write(data, to: out)
        warn(lang.pick("已写出 \(out)", "wrote \(out)"))
    }
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a store for one programme instance, with its genesis record signed by the founding secretary.")
    @OptionGroup var common: Common
    @Argument(help: "The store folder to create (must not exist or be empty).") var store: String
    @Option(help: "Programme template id (see `pingshen programs`).") var program: String
    @Option(help: "The programme year.") var year: Int?
    @Option(help: "Places to fill (overrides the template).") var quota: Int?
    @Option(help: "The founding secretary's id.") var secretary: String?
    @Option(help: "The founding secretary's name.") var name: String?
    @Option(help: "The founding secretary's unit.") var unit: String?
    @Option(help: "The founding secretary's OpenSSH public key file (PATH.pub).") var pubkey: String?
    @Option(help: "The founding secretary's unencrypted private key file (default: ssh-agent).") var key: String?
    @Flag(help: "Make the store a git repository as well (`pingshen git enable`), to sync it between hosts.") var git = false

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            guard let secretary, let name, let pubkey else {
                throw ActionError(
                    zh: "init 需要创始秘书签署创始记录：pingshen init STORE --program ID [--year Y] [--quota N] --secretary ID --name NAME [--unit U] --pubkey PATH.pub [--key PATH]",
                    en: "init needs the founding secretary to sign the genesis record: pingshen init STORE --program ID [--year Y] [--quota N] --secretary ID --name NAME [--unit U] --pubkey PATH.pub [--key PATH]")
            }
            let founder = Member(id: secretary, name: name, role: .secretary, unit: unit, key: try readPublicKey(pubkey))
            let s = try SignerChoice.resolve(keyPath: key, member: founder)
            let p = try StoreSetup.create(root: store, programID: program, year: year, quota: quota, founder: founder, signer: s)
            let fp = try Governance.fingerprint(StoreLayout(store)) ?? ""
            say(lang.pick("已创建 \(store)：\(p.title.zh)，名额 \(p.quota)，实例 \(p.instance ?? "")\n存储指纹：\(fp)",
                          "created \(store): \(p.title.en), quota \(p.quota), instance \(p.instance ?? "")\nstore fingerprint: \(fp)"))
            if git { try enableGit(store: store, author: secretary, lang: lang) }
        }
    }
}

/// The one key of an OpenSSH public key file (`--pubkey`), checked here so that a refusal
/// names the file: a file with options before the key, several keys, or no key is refused
/// before anything is signed (an authorized_keys-style line must never reach the roster).
/// The new member's public key file (`ReviewSession.readPublicKey`, shared with the UI).
func readPublicKey(_ path: String) throws -> String { try ReviewSession.readPublicKey(path) }

/// Signs a governance change as secretary `as` (key file or ssh-agent): the rules are
/// `ReviewSession.signGovernance`, which the UI's roster screen goes through too.
func signGovernance(_ change: Governance.Change, store: String, as id: String, key: String?, lang: Language) throws -> StoredRecord {
    try ReviewSession.signGovernance(change, store: store, as: id) { try SignerChoice.resolve(keyPath: key, member: $0) }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import nominations from an Excel workbook (.xlsx), CSV (UTF-8 or GB18030) or YAML, all or nothing, signing the intake record as the secretary.")
    @OptionGroup var common: Common
    @Argument var store: String
    @Argument(help: "FILE.xlsx, FILE.csv or FILE.yaml") var file: String
    @Option(help: "The worksheet of an .xlsx workbook to read (default: the first).") var sheet: String?
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
            let made = try session.importDossiers(path: file, encoding: enc, sheet: sheet, as: id, signer: s)
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

struct Attach: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Attach files (scanned certificates, award documents) to a dossier: stored in dossiers/ID/, each one's SHA-256 and size pinned in a signed attachment record.",
        discussion: "A file already attached with the same bytes is not signed again. verify reports an attached file that differs, is gone, or a file there that no record pins.")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option(name: .customLong("as"), help: "The secretary who signs the attachment record.") var id: String
    @Option(help: "Unencrypted OpenSSH key file (default: ssh-agent).") var key: String?
    @Option(help: "The dossier id.") var dossier: String
    @Argument(help: "The files; each keeps its name.") var files: [String]

    func validate() throws { try checkIDs(common.language, [("--as", id), ("--dossier", dossier)]) }

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            let session = try ReviewSession(root: store)
            let r = try session.attach(dossier: dossier, paths: files, as: id) { try SignerChoice.resolve(keyPath: key, member: $0) }
            say(TextTable.render(headers: [lang.pick("文件", "file"), lang.pick("类型", "kind"), lang.pick("字节", "bytes"), "SHA-256"],
                                 rows: r.files.map { [$0.name, $0.kind, String($0.size), $0.sha256] }))
            if let rec = r.record {
                say(lang.pick("已签署 \(rec.path)：\(dossier) 的 \(r.changed.count) 个附件，存于 dossiers/\(dossier)/",
                              "signed \(rec.path): \(r.changed.count) attachments of \(dossier), in dossiers/\(dossier)/"))
            } else {
                say(lang.pick("这些附件已签署过，内容相同：未签署新记录", "these attachments were signed already with the same bytes: no new record"))
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
            try checkFormat(format, ["table", "json"])
            // The signed dossiers only (see `DossierPins`).
            let panel = try ReviewSession(root: store).panel
            let results = Eligibility.checkAll(panel)
            // 差额评审 (seed 004 五.4): a competitive round needs more eligible candidates than places.
            if let w = ReviewSession.competitionWarning(program: panel.program, eligible: results.filter(\.eligible).count) {
                warn(w.text(lang))
            }
            if format == "json" { emit(CheckReport.json(results, lang: lang)) } else { say(CheckReport.table(results, dossiers: panel.dossiers, lang: lang)) }
        }
    }
}

struct Eligible: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eligibility",
        abstract: "Sign the qualification decisions as the secretary: only a signed decision \"eligible\" on a dossier's current version puts it in the ranking.",
        discussion: "Without --all: one eligibility record per changed decision. With --all: one record holding every decision (practical at 10,000 dossiers). --decide overrides (or settles a to-be-confirmed) with a reason, as a real 资格审核 records why.")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option(name: .customLong("as")) var id: String
    @Flag(name: .customLong("all"), help: "Sign every decision in one record (the batch form).") var all = false
    @Option(name: .customLong("dossier"), help: "Decide only this dossier (repeat).") var dossiers: [String] = []
    @Option(name: .customLong("decide"), help: "The secretary's decision: ID=eligible:REASON or ID=ineligible:REASON (repeat); a reason is required where it differs from the check.")
    var decide: [String] = []
    @Option(help: "Unencrypted OpenSSH key file (default: ssh-agent).") var key: String?

    func validate() throws { try checkIDs(common.language, [("--as", id)] + dossiers.map { ("--dossier", $0) }) }

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            let session = try ReviewSession(root: store)
            let overrides = try decide.map(EligibilityOverride.init(parsing:))
            let only = dossiers.isEmpty ? nil : Set(dossiers + overrides.map(\.dossier))
            let (decisions, unsettled) = try session.eligibilityDecisions(as: id, overrides: overrides, only: only)
            let s = try signer(for: session, as: id, key: key)
            if all {
                if let body = try session.eligibilityBatchBody(as: id, overrides: overrides, only: only) {
                    let stored = try session.append(kind: .eligibility, body: body, as: id, signer: s)
                    say(lang.pick("已签署资格审核记录 \(stored.path)（\(decisions.count) 份决定）", "signed the eligibility record \(stored.path) (\(decisions.count) decisions)"))
                } else {
                    say(lang.pick("没有需要签署的资格审核决定", "no eligibility decision to sign"))
                }
            } else {
                let bodies = try session.eligibilityBodies(as: id, overrides: overrides, only: only)
                for b in bodies { try session.append(kind: .eligibility, body: b, as: id, signer: s) }
                say(lang.pick("已签署 \(bodies.count) 条资格审核记录", "signed \(bodies.count) eligibility records"))
            }
            if !unsettled.isEmpty {
                warn(lang.pick("待核实，尚未决定（用 --decide 编号=eligible|ineligible:理由）：\(unsettled.joined(separator: ", "))",
                               "to be confirmed, not decided (use --decide ID=eligible|ineligible:REASON): \(unsettled.joined(separator: ", "))"))
            }
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
    static let configuration = CommandConfiguration(commandName: "member", abstract: "The panel roster: signed governance records.",
                                                    subcommands: [Add.self, Rotate.self, Remove.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a member: a member-add record signed by a secretary; roster.yaml and allowed_signers are rewritten from the history.")
        @OptionGroup var common: Common
        @Argument var store: String
        @Option(name: .customLong("as"), help: "The secretary who signs.") var secretary: String?
        @Option(help: "The secretary's unencrypted private key file (default: ssh-agent).") var key: String?
        @Option var id: String
        @Option var name: String
        @Option(help: "member, chair, secretary or approver") var role: String
        @Option var unit: String?
        @Option(help: "The new member's OpenSSH public key file (PATH.pub).") var pubkey: String?

        func validate() throws { try checkIDs(common.language, [("--id", id)]) }

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                guard let secretary, let pubkey else {
                    // The old, unsigned form (`--key X.pub` was the new member's key): refused.
                    throw ActionError(
                        zh: "添加成员须由秘书签名，新成员的公钥用 --pubkey，--key 是签名者（秘书）的私钥：\npingshen member add STORE --as SEC [--key PATH] --id ID --name NAME --role member|chair|secretary|approver [--unit U] --pubkey PATH.pub",
                        en: "adding a member is signed by a secretary; the new member's public key is --pubkey, and --key is the signer's (secretary's) private key:\npingshen member add STORE --as SEC [--key PATH] --id ID --name NAME --role member|chair|secretary|approver [--unit U] --pubkey PATH.pub")
                }
                guard let r = Role(rawValue: role) else {
                    throw ActionError(zh: "未知角色 \(role)（member、chair、secretary、approver）", en: "unknown role \(role) (member, chair, secretary, approver)")
                }
                let m = Member(id: id, name: name, role: r, unit: unit, key: try readPublicKey(pubkey))
                let rec = try signGovernance(.add(m), store: store, as: secretary, key: key, lang: lang)
                say(lang.pick("已添加 \(id)（\(name)，\(r.rawValue)）：\(rec.path)", "added \(id) (\(name), \(r.rawValue)): \(rec.path)"))
            }
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rotate a member's key: records signed before stay valid under the old key, later ones need the new key.")
        @OptionGroup var common: Common
        @Argument var store: String
        @Option(name: .customLong("as"), help: "The secretary who signs.") var secretary: String
        @Option(help: "The secretary's unencrypted private key file (default: ssh-agent).") var key: String?
        @Option var id: String
        @Option(help: "The member's new OpenSSH public key file (NEW.pub).") var pubkey: String

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                let rec = try signGovernance(.rotate(id: id, pubkey: try readPublicKey(pubkey)), store: store, as: secretary, key: key, lang: lang)
                let from = rec.record.body["from_seq"]?.int ?? 0
                say(lang.pick("已更换 \(id) 的密钥，自其第 \(from) 条记录起生效：\(rec.path)", "rotated \(id)'s key, valid from their record \(from) on: \(rec.path)"))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a member: their later records are problems; the sheets they signed before keep counting unless --discard-sheets.")
        @OptionGroup var common: Common
        @Argument var store: String
        @Option(name: .customLong("as"), help: "The secretary who signs.") var secretary: String
        @Option(help: "The secretary's unencrypted private key file (default: ssh-agent).") var key: String?
        @Option var id: String
        @Option var reason: String
        @Flag(name: .customLong("discard-sheets"), help: "The member's earlier sheets are not counted (signed as sheets: discard; refused after finalize).")
        var discardSheets = false

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                let rec = try signGovernance(.remove(id: id, reason: reason, discardSheets: discardSheets), store: store, as: secretary, key: key, lang: lang)
                let last = rec.record.body["last_seq"]?.int ?? 0
                if discardSheets {
                    say(lang.pick("已移除 \(id)：其评分表不再计入（记录仍有效），之后的记录无效：\(rec.path)",
                                  "removed \(id): their sheets are no longer counted (the records stay valid), later records are problems: \(rec.path)"))
                } else {
                    say(lang.pick("已移除 \(id)：其前 \(last) 条记录照常计入，之后的记录无效：\(rec.path)",
                                  "removed \(id): their first \(last) records keep counting, later ones are problems: \(rec.path)"))
                }
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
                let panel = try Governance.openPanel(store).panel
                let rows = try panel.roster.members.map { m in
                    [m.id, m.name, m.role.rawValue, m.unit ?? "", try SSHPublicKey(line: m.key).fingerprint]
                }
                say(TextTable.render(headers: ["id", lang.pick("姓名", "name"), lang.pick("角色", "role"), lang.pick("单位", "unit"), lang.pick("密钥指纹", "key")], rows: rows))
            }
        }
    }
}

struct ProgramCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "program", abstract: "The programme definition: signed amendments.",
                                                    subcommands: [Amend.self])

    struct Amend: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Amend the programme: a program-amend record (the whole new program.yaml and a reason) signed by a secretary.")
        @OptionGroup var common: Common
        @Argument var store: String
        @Option(name: .customLong("as"), help: "The secretary who signs.") var secretary: String
        @Option(help: "The secretary's unencrypted private key file (default: ssh-agent).") var key: String?
        @Argument(help: "The new programme definition (FILE.yaml).") var file: String
        @Option var reason: String

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                guard let text = String(data: try InputFile.read(file, limit: InputFile.textLimit), encoding: .utf8) else {
                    throw ActionError(zh: "\(file) 不是 UTF-8 文本", en: "\(file) is not UTF-8 text")
                }
                // The check the signed history applies to the record (GovernanceRules), named by the file.
                _ = try GovernanceRules.program(text, path: file, language: lang)
                let rec = try signGovernance(.amend(programYAML: text, reason: reason), store: store, as: secretary, key: key, lang: lang)
                say(lang.pick("已修订项目定义：\(rec.path)", "amended the programme: \(rec.path)"))
            }
        }
    }
}

struct SanctionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sanction", abstract: "Units and persons barred for falsified material: signed records.",
                                                    subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a sanction (a sanction-add record signed by a secretary); sanctions.yaml is rewritten from the history.")
        @OptionGroup var common: Common
        @Argument var store: String
        @Option(name: .customLong("as"), help: "The secretary who signs.") var secretary: String
        @Option(help: "The secretary's unencrypted private key file (default: ssh-agent).") var key: String?
        @Option(help: "unit or person") var kind: String
        @Option var name: String
        @Option(help: "The year the falsification was found (the bar covers it and the next four).") var year: Int
        @Option var note: String?

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                let rec = try signGovernance(.sanction(Sanction(kind: kind, name: name, year: year, note: note)), store: store, as: secretary, key: key, lang: lang)
                say(lang.pick("已记录处理：\(name)（\(year)）：\(rec.path)", "sanction recorded: \(name) (\(year)): \(rec.path)"))
            }
        }
    }
}

struct GovernanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "governance", abstract: "The signed governance history.",
                                                    subcommands: [Views.self])

    struct Views: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rewrite roster.yaml, allowed_signers, program.yaml and sanctions.yaml from the signed history.")
        @OptionGroup var common: Common
        @Argument var store: String

        func run() throws {
            let lang = common.language
            try guarded(lang) {
                let layout = StoreLayout(store)
                let st = try Governance.load(layout, language: lang)
                guard st.genesis != nil else {
                    throw ActionError(zh: "\(store)：没有有效的创始记录", en: "\(store): no valid genesis record")
                }
                try Governance.writeViews(st, layout: layout)
                say(lang.pick("已按签名历史重写视图文件（\(st.chain.count) 条治理记录）", "views rewritten from the signed history (\(st.chain.count) governance records)"))
            }
        }
    }
}
