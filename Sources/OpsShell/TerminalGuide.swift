import OpsKit
#if canImport(Glibc)
import Glibc
#endif

/// The guide's terminal: answers and edits through libedit, commands run as
/// the task Ctrl-C cancels, the shell is the REPL. Without a terminal,
/// answers are read line by line from standard input.
@MainActor
struct TerminalGuide: GuideTerminal {
    let editor: LineEditor?
    let interruption: Interruption

    var width: Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return getenv("COLUMNS").flatMap { Int(String(cString: $0)) } ?? 80
    }

    func choose(_ prompt: String) -> String? {
        guard let editor else {
            _ = prompt.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
            return Swift.readLine()
        }
        while true {
            switch editor.readLine(prompt: prompt) {
            case .line(let text): return text
            case .interrupted: continue
            case .endOfInput: return nil
            }
        }
    }

    func edit(_ text: String, prompt: String) -> String? {
        guard let editor else { return choose(prompt) }
        if case .line(let edited) = editor.readLine(prompt: prompt, initial: text) {
            editor.remember(edited)
            return edited
        }
        return nil
    }

    func run(_ line: String, in interpreter: Interpreter) async -> Outcome {
        let outcome = await interruption.run { await interpreter.run(line) }
        if outcome.status == .interrupted {
            interpreter.context.console.write("^C interrupted\n", style: .warning, to: .error)
        }
        return outcome
    }

    func shell(_ interpreter: Interpreter) async {
        guard let editor else {
            interpreter.context.console.error("no terminal here, so no shell; answer r, s, b or q")
            return
        }
        _ = await REPL(interpreter: interpreter, editor: editor, interruption: interruption).run()
    }
}
