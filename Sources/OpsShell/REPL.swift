import OpsKit
import Rainbow
#if canImport(Glibc)
import Glibc
#endif

/// The interactive loop: prompt, read with libedit, run, repeat.
@MainActor
struct REPL {
    let interpreter: Interpreter
    let editor: LineEditor
    let interruption: Interruption

    /// Runs until `exit` at the first target or Ctrl-D; returns the last
    /// command's status.
    func run() async -> Outcome {
        var assembler = LineAssembler()
        var last = Outcome.success
        while true {
            let prompt = assembler.isContinuing ? "> " : self.prompt(for: interpreter.session)
            switch editor.readLine(prompt: prompt) {
            case .endOfInput:
                if assembler.isContinuing {
                    interpreter.context.console.error("end of input inside an open quote; the line was not run")
                }
                interpreter.context.console.write("\n", style: .plain, to: .output)
                return last
            case .interrupted:
                // Ctrl-C at the prompt: the line (and any open continuation) is dropped.
                _ = assembler.finish()
            case .line(let text):
                guard let line = assembler.add(text) else { continue }
                if let words = try? Words(parsing: line), !words.isEmpty {
                    editor.remember(ExpandedLine.recordedForm(of: line, words))
                }
                last = await interruption.run { await interpreter.run(line) }
                if last.status == .interrupted {
                    interpreter.context.console.write("^C interrupted\n", style: .warning, to: .error)
                }
                if last.endsSession { return last }
            }
        }
    }

    /// `root@local 2026-11-29 $ `: target, user, pinned date stamp; after
    /// `cd`, the directory too (`root@ho-n1:…/postgresql/data 2026-11-29 # `).
    func prompt(for session: Session) -> String {
        let user = session.effectiveUser
        let sigil = user == "root" ? "#" : "$"
        let target = session.target.hostLabel
        let directory = session.target.directory.map { ":" + Self.shortened($0) } ?? ""
        let dry = session.dryRun ? " (dry-run)" : ""
        let styled = (user + "@").green + target.green.bold + directory.blue + " " + session.variables.date.cyan + dry.yellow + " \(sigil) "
        return PromptEscapes.marked(styled, marker: UnicodeScalar(UInt8(LineEditor.literalMarker)))
    }

    /// The last two components of a long path (`…/postgresql/data`), so the
    /// prompt stays short; the whole path is in confirmations and dry-run.
    static func shortened(_ directory: String) -> String {
        let parts = directory.split(separator: "/")
        return parts.count > 3 ? "…/" + parts.suffix(2).joined(separator: "/") : directory
    }
}
