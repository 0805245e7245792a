import ArgumentParser
import Foundation
import Panel
import Records
import Replication
import Review
import Scoring

@main
struct Pingshen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pingshen",
        abstract: "评审 — signed expert review for craftsman selection and skill funding panels.",
        discussion: """
        A store is a folder: program.yaml, roster.yaml, allowed_signers, dossiers/, records/.
        Every score, recusal and decision is a record signed with the member's own SSH key
        (namespace review-record@pingshen), verifiable with stock `ssh-keygen -Y verify`.
        """,
        subcommands: [
            Programs.self, FormCommand.self, Init.self, Import.self, Check.self, Eligible.self, Keygen.self, MemberCommand.self,
            ProgramCommand.self, SanctionCommand.self, GovernanceCommand.self, DossierCommand.self, Attach.self,
            Score.self, Recuse.self, Rank.self, Stats.self, Shortlist.self, Finalize.self, Publicity.self, Objection.self, Ruling.self, Approve.self,
            GroupCommand.self, Assign.self, Assignments.self,
            Export.self, Promote.self, Verify.self, Kinds.self, ReviewCommand.self, Demo.self, SSHCommand.self, Simulate.self, BenchUI.self,
            GitCommand.self, SyncCommand.self, HubCommand.self, HostCommand.self, GitHookCommand.self, GitGateCommand.self, CloneCommand.self,
            RemoteCommand.self,
        ]
    )
}

/// Options every command takes.
struct Common: ParsableArguments {
    @Option(name: .long, help: "Language of messages and tables: zh or en (default: LC_ALL/LANG, else zh).")
    var lang: String?

    var language: Language { Language.resolve(flag: lang) }
}

/// Ids from the command line enter here: each checked against the one `Identifier` rule before
/// anything looks it up, names a file with it or signs it.
func checkIDs(_ lang: Language, _ ids: [(option: String, value: String)]) throws {
    for (option, value) in ids where !Identifier.isValid(value) {
        throw ValidationError(lang.pick("\(option) \(TerminalText.quoted(value)) 不是有效的编号：\(Identifier.rule.zh)",
                                        "\(option) \(TerminalText.quoted(value)) is not a valid id: \(Identifier.rule.en)"))
    }
}

/// A `--format` value is one the command knows: anything else is refused before any output,
/// naming the value (made safe to print) and the accepted ones, never taken for the default.
func checkFormat(_ format: String, _ accepted: [String]) throws {
    guard !accepted.contains(format) else { return }
    let shown = TerminalText.sanitize(format)
    throw ActionError(zh: "未知格式 \(shown)（可用：\(accepted.joined(separator: "、"))）",
                      en: "unknown format \(shown) (one of: \(accepted.joined(separator: ", ")))")
}

/// Numbers from the command line enter here: each within its bound (`Limits`, which says why),
/// before anything allocates, counts or computes with it.
func checkBounds(_ lang: Language, _ items: [(option: String, value: Int, range: ClosedRange<Int>, what: (zh: String, en: String))]) throws {
    for i in items where !i.range.contains(i.value) {
        let r = "\(i.range.lowerBound)…\(i.range.upperBound)"
        throw ValidationError(lang.pick("\(i.option) \(i.value) 超出范围 \(r)（\(i.what.zh)）", "\(i.option) \(i.value) is outside \(r) (\(i.what.en))"))
    }
}

/// Runs `body`, turning the errors users can cause into a message and exit status 1 (nothing
/// was written: every action checks before it appends).
func guarded(_ lang: Language, _ body: () throws -> Void) throws {
    do {
        // Errors raised deep in the panel code (import, validation) speak the same language.
        try PanelMessages.$language.withValue(lang) { try body() }
    } catch let e as ActionError {
        fail(e.message(lang))
    } catch let e as RecordsError {
        // In --lang: `description` would be read here, outside the language's scope.
        fail(e.message(lang))
    } catch let e as InputError {
        fail(e.description)
    } catch let e as StoreError {
        fail(e.description)
    } catch let f as Git.Failure {
        fail(lang.pick("git 出错：\(f.description)", "git failed: \(f.description)"))
    } catch let d as GitStore.LocalDamage {
        fail(d.message(lang))
    } catch let e as ExitCode {
        throw e
    } catch let e as CleanExit {
        throw e
    } catch let e as ValidationError {
        throw e
    } catch {
        fail("\(error)")
    }
}

func fail(_ message: String, code: Int32 = 1) -> Never {
    warn("pingshen: " + message)
    Foundation.exit(code)
}

/// Text for the terminal (tables, reports, messages): through the one sanitiser, so that no
/// dossier field, comment or file name can send a control or bidi sequence (TerminalText).
func say(_ s: String) {
    emit(TerminalText.sanitize(s, keepLineBreaks: true))
}

/// The same on standard error.
func warn(_ s: String) {
    let t = TerminalText.sanitize(s, keepLineBreaks: true)
    FileHandle.standardError.write(Data((t.hasSuffix("\n") ? t : t + "\n").utf8))
}

/// Data formats written as they are: JSON (escaped by RFC 8259's rules, JSONText) and CSV
/// (formula-leading cells neutralised, CSV.exportField). They are read by programs, not terminals.
func emit(_ s: String) {
    FileHandle.standardOutput.write(Data((s.hasSuffix("\n") ? s : s + "\n").utf8))
}

/// Resolves the signer for `--as ID [--key PATH]`: a key file, else the ssh-agent.
func signer(for session: ReviewSession, as id: String, key: String?) throws -> RecordSigner {
    try SignerChoice.resolve(keyPath: key, member: try session.member(id))
}

/// The one way a command signs a record: `body` builds it from the opened store, checking every
/// rule, before the key file or the agent is touched; then it is signed, appended and reported.
func signRecord(_ kind: RecordKind, store: String, as id: String, key: String?, lang: Language,
                said: (String) -> LocalizedText = { LocalizedText(zh: "已签署 \($0)", en: "signed \($0)") },
                body: (ReviewSession) throws -> [String: JSONValue]) throws {
    let session = try ReviewSession(root: store)
    let checked = try body(session)
    let stored = try session.append(kind: kind, body: checked, as: id, signer: try signer(for: session, as: id, key: key))
    say(said(stored.path).text(lang))
}
