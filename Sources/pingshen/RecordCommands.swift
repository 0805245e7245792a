import ArgumentParser
import Foundation
import Panel
import Records
import Review
import Replication
import Scoring

/// Parses `craft=20 skill=21` (also `craft=20,skill=21`) into points, naming the bad item.
func parsePoints(_ items: [String]) throws -> [String: Int] {
    var points: [String: Int] = [:]
    for item in items.flatMap({ $0.split(separator: ",").map(String.init) }) {
        let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty else {
            throw ActionError(zh: "--score 需要 评分项=分数，得到“\(item)”", en: "--score takes CRITERION=POINTS, got '\(item)'")
        }
        guard let n = Int(parts[1]) else {
            throw ActionError(zh: "评分项 \(parts[0]) 的分数必须是整数，得到“\(parts[1])”", en: "points for \(parts[0]) must be an integer, got '\(parts[1])'")
        }
        guard points[parts[0]] == nil else {
            throw ActionError(zh: "评分项 \(parts[0]) 给了两次", en: "criterion \(parts[0]) given twice")
        }
        points[parts[0]] = n
    }
    return points
}

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sign a score sheet for one dossier (a later sheet supersedes).")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option(name: .customLong("as"), help: "Your member id.") var id: String
    @Option var dossier: String
    @Option(name: .customLong("score"), parsing: .upToNextOption, help: "CRITERION=POINTS, one per criterion of the sheet.")
    var scores: [String] = []
    @Option(help: "recommend, reject or abstain") var vote: String?
    @Option var comment: String?
    @Option(help: "Unencrypted OpenSSH key file (default: ssh-agent).") var key: String?
    @Option(help: "The round the sheet is for (default: the open round; programmes with rounds).") var round: Int?

    func validate() throws {
        try checkIDs(common.language, [("--as", id), ("--dossier", dossier)])
        if let round { try checkBounds(common.language, [("--round", round, Limits.rounds, ("轮次", "the round"))]) }
    }

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            let points = try parsePoints(scores)
            var v: Vote?
            if let vote {
                guard let parsed = Vote(rawValue: vote) else {
                    throw ActionError(zh: "投票只能是 recommend、reject 或 abstain", en: "--vote is recommend, reject or abstain")
                }
                v = parsed
            }
            try signRecord(.score, store: store, as: id, key: key, lang: lang) {
                try $0.scoreBody(as: id, dossier: dossier, points: points, vote: v, comment: comment, round: round)
            }
        }
    }
}

struct Recuse: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Declare a conflict of interest (回避) for one dossier.")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option(name: .customLong("as")) var id: String
    @Option var dossier: String
    @Option var reason: String?
    @Option var key: String?

    func validate() throws { try checkIDs(common.language, [("--as", id), ("--dossier", dossier)]) }

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            try signRecord(.recusal, store: store, as: id, key: key, lang: lang) {
                try $0.recusalBody(as: id, dossier: dossier, reason: reason)
            }
        }
    }
}

struct Rank: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The ranking against the quota, recounted from the signed records.")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option(help: "table, json, csv or md") var format: String = "table"
    @Option(help: "The round to rank (default: the open round of a programme with rounds; the final ranking once finalized).") var round: Int?
    @Option(help: "One field group's list (a round by groups).") var group: String?

    func validate() throws {
        if let round { try checkBounds(common.language, [("--round", round, Limits.rounds, ("轮次", "the round"))]) }
        if let group { try checkIDs(common.language, [("--group", group)]) }
    }

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            try checkFormat(format, ["table", "json", "csv", "md"])
            let session = try ProgressLine.around(lang) { try ReviewSession(root: store) }
            for p in session.ledger.problems.prefix(5) {
                warn(lang.pick("警告：\(p.path)：\(p.message)（不计入）", "warning: \(p.path): \(p.message) (not counted)"))
            }
            var ranking = try Trace.phase("rank: standing") { try session.ranking(round: round, group: group.map { .some($0) }) }
            ranking.storeFingerprint = session.governance.fingerprint
            // A store with problems says so in the output itself, and the exit status is 1
            // (README: "No silent partial results").
            let problems = session.problemCount
            let banner = session.problemBanner(lang).map { $0 + "\n" } ?? ""
            switch format {
            case "json": emit(ranking.json(problems: problems))
            case "csv": emit(ranking.csv(problems: problems))
            case "md": say(banner.isEmpty ? ranking.markdown(lang) : "> " + banner + "\n" + ranking.markdown(lang))
            default:
                say(banner + ranking.table(lang))
                if !ranking.staleSheets.isEmpty {
                    let counted = ranking.staleSheets.first?.counted ?? true
                    say(lang.pick("材料已更新：\(ranking.staleSheets.count) 份评分表针对较早版本的材料（\(counted ? "照计" : "不计")）：",
                                  "dossier updated: \(ranking.staleSheets.count) sheets were made on an older version of their dossier (\(counted ? "counted" : "not counted")):")
                        + "\n" + ranking.staleSheets.map { "  \($0.dossier) \($0.member) \($0.path)" }.joined(separator: "\n"))
                }
            }
            if problems > 0 { throw ExitCode(1) }
        }
    }
}

struct Finalize: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sign the final ranking as the chair (with the Merkle root of the records counted).")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option(name: .customLong("as")) var id: String
    @Option(name: .customLong("resolve"), help: "Resolve a tie at the cut: ID=selected:REASON or ID=not-selected:REASON (repeat).")
    var resolve: [String] = []
    @Option var key: String?

    func validate() throws { try checkIDs(common.language, [("--as", id)]) }

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            let resolutions = try parseResolutions(resolve)
            try signRecord(.finalize, store: store, as: id, key: key, lang: lang,
                           said: { LocalizedText(zh: "已签署定稿 \($0)", en: "signed the final ranking \($0)") }) {
                try $0.finalizeBody(as: id, resolutions: resolutions)
            }
        }
    }
}

/// `--resolve ID=selected|not-selected:REASON`, as finalize and ruling take it.
struct Shortlist: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a round's shortlist as the chair: the dossiers of a group (or of the committee's list) that go on to the next round.",
        discussion: "Sized by the programme (rounds[].shortlist: per_group, or a ratio of the places split across the groups by their nominations, largest remainder). A tie at a shortlist line is resolved as at the quota line: --resolve ID=selected:REASON or ID=not-selected:REASON for every tied dossier. Without --group, every group not yet shortlisted is signed (one record each), all checked first.")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option(name: .customLong("as")) var id: String
    @Option var key: String?
    @Option(help: "The round whose shortlist this is (not the last).") var round: Int
    @Option(help: "One group's shortlist (a round by groups); default: every group not yet signed.") var group: String?
    @Option(name: .customLong("resolve"), help: "Resolve a tie at a shortlist line: ID=selected:REASON or ID=not-selected:REASON (repeat).")
    var resolve: [String] = []

    func validate() throws {
        try checkIDs(common.language, [("--as", id)] + (group.map { [("--group", $0)] } ?? []))
        try checkBounds(common.language, [("--round", round, Limits.rounds, ("轮次", "the round"))])
    }

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            let resolutions = try parseResolutions(resolve)
            let session = try ReviewSession(root: store)
            let bodies = try session.shortlistBodies(as: id, round: round, group: group, resolutions: resolutions)
            let sig = try signer(for: session, as: id, key: key)
            for body in bodies {
                let stored = try session.append(kind: .shortlist, body: body, as: id, signer: sig)
                let n = body["shortlist"]?.array?.count ?? 0
                let g = body["group"]?.string
                say(lang.pick("已签署第 \(round) 轮\(g.map { "专业组 \($0) " } ?? "")入围名单 \(stored.path)：\(n) 份入围",
                              "signed the round \(round) shortlist\(g.map { " of group \($0)" } ?? "") \(stored.path): \(n) go on"))
            }
        }
    }
}

func parseResolutions(_ items: [String]) throws -> [Resolution] {
    try items.map { item -> Resolution in
        guard let eq = item.firstIndex(of: "="), let colon = item[eq...].firstIndex(of: ":") else {
            throw ActionError(zh: "--resolve 需要 编号=selected|not-selected:理由，得到“\(TerminalText.sanitize(item))”",
                              en: "--resolve takes ID=selected|not-selected:REASON, got '\(TerminalText.sanitize(item))'")
        }
        return Resolution(dossier: String(item[..<eq]), decision: String(item[item.index(after: eq)..<colon]),
                          reason: String(item[item.index(after: colon)...]))
    }
}

struct Ruling: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The chair's ruling on a place an upheld objection freed: which candidate fills it, or that it stays vacant.",
        discussion: "Needed when the candidates at the next place are tied, or the next was ruled not-selected before (at the quota line or for an earlier place): --resolve each of them (one selected), as at the quota line. --vacant REASON leaves the place empty; approve then says so (vacant).")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option(name: .customLong("as")) var id: String
    @Option(help: "The dossier whose upheld objection freed the place (default: the first place awaiting a ruling).") var place: String?
    @Option(name: .customLong("resolve"), help: "ID=selected:REASON or ID=not-selected:REASON for each candidate at the next place (repeat).")
    var resolve: [String] = []
    @Option(help: "Leave the place empty, with the reason.") var vacant: String?
    @Option var key: String?

    func validate() throws { try checkIDs(common.language, [("--as", id)] + (place.map { [("--place", $0)] } ?? [])) }

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            let resolutions = try parseResolutions(resolve)
            try signRecord(.ruling, store: store, as: id, key: key, lang: lang,
                           said: { LocalizedText(zh: "已签署递补裁定 \($0)", en: "signed the ruling on the freed place \($0)") }) {
                try $0.rulingBody(as: id, place: place, resolutions: resolutions, vacant: vacant)
            }
        }
    }
}

struct Publicity: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign the public notice (社会公示) of the finalized list, from one date to another (secretary).",
        discussion: "After an upheld objection, --supplement ID signs the supplementary notice (补充公示) of the next eligible candidate only.")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option(name: .customLong("as")) var id: String
    @Option(help: "The notice's first day, YYYY-MM-DD (Beijing).") var from: String
    @Option(help: "The notice's last day, YYYY-MM-DD (Beijing), at least the programme's notice length after --from.") var to: String
    @Option(help: "A supplementary notice of this one dossier: the next eligible candidate for a place an upheld objection freed.")
    var supplement: String?
    @Option var key: String?

    func validate() throws { try checkIDs(common.language, [("--as", id)] + (supplement.map { [("--supplement", $0)] } ?? [])) }

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            try signRecord(.publicity, store: store, as: id, key: key, lang: lang,
                           said: { LocalizedText(zh: "已签署公示 \($0)", en: "signed the public notice \($0)") }) {
                try $0.publicityBody(as: id, from: from, to: to, supplement: supplement)
            }
        }
    }
}

struct Objection: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Record an objection from the public notice (社会公示) and its outcome (secretary).")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option(name: .customLong("as")) var id: String
    @Option var dossier: String
    @Option var text: String
    @Option(help: "pending, upheld (the candidate is removed; the place is filled only by a supplementary notice) or dismissed") var outcome: String = "pending"
    @Option(help: "The notice it answers: the publicity record's path (records/SEC/NNN/NNNNNN.json) or SHA-256 (default: the latest notice listing the dossier).")
    var publicity: String?
    @Option(help: "The date the objection came in, YYYY-MM-DD, within the notice period (default: today, or the earlier record's).")
    var received: String?
    @Option var key: String?

    func validate() throws { try checkIDs(common.language, [("--as", id), ("--dossier", dossier)]) }

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            try signRecord(.objection, store: store, as: id, key: key, lang: lang) {
                try $0.objectionBody(as: id, dossier: dossier, text: text, outcome: outcome, publicity: publicity, received: received)
            }
        }
    }
}

struct Approve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Approve the publicised list (审定) for one approving body (approver role), after the notice period.")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option(name: .customLong("as")) var id: String
    @Option(help: "The approving body you sign for (program.yaml approval.by); needed where several approve jointly.")
    var body: String?
    @Option var key: String?

    func validate() throws { try checkIDs(common.language, [("--as", id)]) }

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            var left: [String] = []
            try signRecord(.approval, store: store, as: id, key: key, lang: lang,
                           said: { LocalizedText(zh: "已签署审定 \($0)", en: "signed the approval \($0)") }) {
                let b = try $0.approvalBody(as: id, body: body)
                left = $0.program.approvingBodies.filter { $0 != b["body"]?.string && !$0.isEmpty }
                return b
            }
            let session = try ReviewSession(root: store)
            let waiting = session.bodiesToApprove()
            if !waiting.isEmpty, !left.isEmpty {
                say(lang.pick("尚待审定：\(waiting.joined(separator: "、"))", "still to approve: \(waiting.joined(separator: ", "))"))
            }
        }
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the list for public notice (publicity) or the approved list (final).",
        discussion: "html: one standalone page to publish and print (A4), no external resources. pdf: that page printed by a headless browser installed here (chromium or wkhtmltopdf, or $PINGSHEN_BROWSER); exit 3 when there is none.")
    @OptionGroup var common: Common
    @Argument var store: String
    @Argument(help: "publicity or final") var list: String
    @Option(help: "md, csv, json, html, pdf or xlsx (each carries the store fingerprint)") var format: String = "md"
    @Option(help: "Write to this file instead of standard output.") var out: String?

    func run() throws {
        let lang = common.language
        try guarded(lang) {
            guard let which = PublishedList(rawValue: list) else {
                throw ActionError(zh: "名单只能是 publicity 或 final", en: "the list is publicity or final")
            }
            let session = try ReviewSession(root: store)
            if format == "pdf" {
                let html = try session.exportList(which, format: "html", lang: lang)
                let browser: PDFRender.Browser
                do { browser = try PDFRender.find() } catch is PDFRender.NoBrowser {
                    fail(PDFRender.noBrowserMessage(lang), code: PDFRender.noBrowserStatus)
                }
                let pdf = try PDFRender.render(html: html, with: browser, lang: lang)
                try write(pdf, lang: lang)
                return
            }
            // The same text and bytes as the UI's export screen (`ReviewSession.listText`).
            if out != nil || format == "xlsx" {
                try write(try session.listFile(which, format: format, lang: lang), lang: lang)
            } else {
                emit(try session.listText(which, format: format, lang: lang))
            }
        }
    }

    /// To `--out` (durably, replacing a file there, never writing through a symbolic link), else
    /// to standard output.
    func write(_ data: Data, lang: Language) throws {
        guard let out else { FileHandle.standardOutput.write(data); return }
        try DurableFile.write(data, to: out)
        warn(lang.pick("已写出 \(out)", "wrote \(out)"))
    }
}

struct Promote: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Nominate an approved list to a higher-level programme (逐级晋升).",
        discussion: """
        pingshen promote SOURCE --to TARGET --as SEC: from a store on this host.
        pingshen promote TARGET --from-remote NAME --as SEC: from the fetched history of a read-only remote (pingshen remote add TARGET NAME URL --read-only --fingerprint HEX); exit 0 promoted, 1 refused, 2 the remote could not be reached.
        """)
    @OptionGroup var common: Common
    @Argument(help: "The source store (with --to), or the higher-level store (with --from-remote).") var store: String
    @Option(help: "The higher-level store.") var to: String?
    @Option(name: .customLong("from-remote"), help: "A read-only remote of STORE (another level's hub): its main is fetched, checked and promoted from.")
    var fromRemote: String?
    @Option(name: .customLong("as"), help: "The higher-level store's secretary, who signs the intake there.") var id: String
    @Option(help: "Unencrypted OpenSSH key file (default: ssh-agent).") var key: String?
    @Option(help: "The source store's fingerprint as its public notice printed it: refuse unless the store promoted is that one.")
    var fingerprint: String?

    func validate() throws {
        if (to == nil) == (fromRemote == nil) {
            throw ValidationError(common.language.pick("须给出 --to TARGET 或 --from-remote NAME 之一", "give one of --to TARGET or --from-remote NAME"))
        }
    }

    func run() throws {
        let lang = common.language
        var status: Int32 = 0
        try guarded(lang) {
            let p: ReviewSession.Promotion
            let target: String
            if let name = fromRemote {
                target = store
                let (f, made) = try LevelRemote.promote(StoreLayout(store), name: name, as: id, fingerprint: fingerprint,
                                                        signer: { try SignerChoice.resolve(keyPath: key, member: $0) }, language: lang)
                reportLevelFetch(f, lang: lang)
                guard let made else { status = f.status.rawValue; return }
                p = made
            } else {
                target = to ?? ""
                p = try ReviewSession(root: store).promote(to: target, as: id, fingerprint: fingerprint) { try SignerChoice.resolve(keyPath: key, member: $0) }
            }
            say(lang.pick("已向 \(target) 推荐 \(p.dossiers.count) 份（编号 \(p.namespace)-…；来源评审库指纹 \(p.sourceFingerprint)；审定：\(p.approvers.joined(separator: "、"))）",
                          "nominated \(p.dossiers.count) to \(target) (ids \(p.namespace)-…; source store fingerprint \(p.sourceFingerprint); approved by \(p.approvers.joined(separator: ", ")))"))
        }
        if status != 0 { throw ExitCode(status) }
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify every signature and chain. Exit 0 all valid, 1 any problem, 2 cannot read.")
    @OptionGroup var common: Common
    @Argument var store: String
    @Option(help: "table or json") var format: String = "table"
    @Flag(help: "Skip records verified before on this machine: unchanged files (the store index, keyed by their stat data) are not read, changed ones are checked against the verified-record cache (keyed by their bytes and signature).")
    var cached = false
    @Option(help: "Worker threads (default: sixteen per core, at most 64, so that reading from disk overlaps with verifying).")
    var threads: Int = Verifier.defaultThreads()
    @Option(help: "The store fingerprint published (e.g. in the public notice): fail unless this store is that one.")
    var fingerprint: String?

    func validate() throws {
        try checkBounds(common.language, [("--threads", threads, Limits.threads, ("工作线程数", "worker threads"))])
    }

    func run() throws {
        let lang = common.language
        try guarded(lang) { try checkFormat(format, ["table", "json"]) }
        var report: VerifyReport
        do {
            // The records, then the dossier files against their signed versions.
            // Every check (`StoreVerify`, as sync and the hub run it): the records, then what the
            // session adds (rounds: every signed shortlist recomputed from the signed sheets).
            report = try ProgressLine.around(lang) {
                try PanelMessages.$language.withValue(lang) {
                    try StoreVerify.report(layout: StoreLayout(store), threads: threads, language: lang, cached: cached)
                }
            }
        } catch {
            fail(lang.pick("无法读取评审库：", "cannot read the store: ") + "\(error)", code: 2)
        }
        if let fingerprint { report.expectFingerprint(fingerprint, language: lang) }
        switch format {
        case "json":
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            emit(String(decoding: try enc.encode(report), as: UTF8.self))
        default:
            say(lang.pick("存储指纹：", "store fingerprint: ") + (report.fingerprint ?? lang.pick("（无创始记录）", "(no genesis record)")))
            if report.problems.isEmpty {
                say(lang.pick("全部 \(report.records) 条记录验证通过", "all \(report.records) records verified"))
            } else {
                say(TextTable.render(headers: [lang.pick("文件", "path"), lang.pick("问题", "problem"), lang.pick("说明", "message")],
                                     rows: report.problems.map { [$0.path, $0.kind, $0.message] }))
                say(lang.pick("\(report.records) 条记录，\(report.problems.count) 个问题", "\(report.records) records, \(report.problems.count) problems"))
            }
        }
        if !report.ok { throw ExitCode(1) }
    }
}

struct Kinds: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The record kinds: who may sign each, what its body holds, what it pins (the table verify checks against).")
    @OptionGroup var common: Common

    func run() throws { say(RecordKinds.describe(common.language)) }
}
