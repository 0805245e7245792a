import ArgumentParser
import Foundation
import Panel
import Records
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
            Programs.self, Init.self, Import.self, Check.self, Eligible.self, Keygen.self, MemberCommand.self,
            Score.self, Recuse.self, Rank.self, Stats.self, Finalize.self, Objection.self, Approve.self,
            Export.self, Promote.self, Verify.self, Kinds.self, ReviewCommand.self, Demo.self, SSHCommand.self, Simulate.self, BenchUI.self,
        ]
    )
}

/// Options every command takes.
struct Common: ParsableArguments {
    @Option(name: .long, help: "Language of messages and tables: zh or en (default: LC_ALL/LANG, else zh).")
    var lang: String?

    var language: Language { Language.resolve(flag: lang) }
}

/// Runs `body`, turning the errors users can cause into a message and exit status 1 (nothing
/// was written: every action checks before it appends).
func guarded(_ lang: Language, _ body: () throws -> Void) throws {
    do {
        // Errors raised deep in the panel code (import, validation) speak the same language.
        try PanelMessages.$language.withValue(lang) { try body() }
    } catch let e as ActionError {
        fail(e.message(lang))
    } catch let e as InputError {
        fail(e.description)
    } catch let e as StoreError {
        fail(e.description)
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
    FileHandle.standardError.write(Data(("pingshen: " + message + "\n").utf8))
    Foundation.exit(code)
}

func say(_ s: String) {
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
