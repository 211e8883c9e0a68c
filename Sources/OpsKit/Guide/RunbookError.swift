/// Why a runbook could not be read; each message names the file and line and
/// says what to change.
public enum RunbookError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A NUL or other control byte, or bytes that are not UTF-8, first found
    /// on `line`: a binary file, or one saved in another encoding.
    case notText(String, line: Int)
    /// A code fence opened on `line` is never closed.
    case unclosedFence(String, line: Int)
    /// An HTML comment opened on `line` is never closed with `-->`.
    case unclosedComment(String, line: Int)
    /// `<!-- opsshell: WORD … -->` where WORD is not `check`, `wait` or `when`.
    case unknownDirective(String, line: Int, String)
    /// `<!-- opsshell: check -->` (or `wait`) with no command after it.
    case emptyDirective(String, line: Int, String)
    /// An `opsshell:` comment that is not inside any step.
    case strayDirective(String, line: Int)
    /// Not a single numbered step in the file.
    case noSteps(String)
    /// Steps, but no command in any of them.
    case noCommands(String)

    /// A sentence for the operator: where, what is wrong, what to change.
    public var description: String {
        switch self {
        case let .notText(source, line):
            "\(source), line \(line): this is not a text file (a NUL or control byte, or bytes that are not UTF-8); "
                + "save the runbook as UTF-8 Markdown"
        case let .unclosedFence(source, line):
            "\(source), line \(line): the code block opened here is never closed; end it with a line of the same "
                + "backticks or tildes (at least as many) after its last line"
        case let .unclosedComment(source, line):
            "\(source), line \(line): the HTML comment `<!--` opened here is never closed, so it hides the rest "
                + "of the file; close it with `-->`"
        case let .unknownDirective(source, line, word):
            "\(source), line \(line): unknown opsshell directive `\(word)`; write "
                + "`<!-- opsshell: check COMMAND -->`, `<!-- opsshell: wait COMMAND -->` or `<!-- opsshell: when NAME=VALUE -->`"
        case let .emptyDirective(source, line, word):
            "\(source), line \(line): `opsshell: \(word)` has no command; write the command after it, "
                + "e.g. `<!-- opsshell: \(word) wal-e check-latest --max-age 24h -->`"
        case let .strayDirective(source, line):
            "\(source), line \(line): this opsshell check is not inside a numbered step; "
                + "move it under the step it checks"
        case .noSteps(let source):
            "\(source) has no numbered steps: a step is a numbered list item `1. …` at the start of a line, "
                + "or a heading `## 1. …`"
        case .noCommands(let source):
            "\(source) has steps but no commands: put each step's commands in a fenced code block "
                + "(```sh … ```) under the step"
        }
    }
}
