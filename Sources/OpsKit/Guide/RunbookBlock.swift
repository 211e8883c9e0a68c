/// A code block of a runbook step (fenced or indented), split into the
/// commands to run, the lines that may be commands (the walk asks), and the
/// example output or other-language text shown after them.
public struct RunbookBlock: Sendable, Equatable {
    /// The info string as written after the opening fence: `"sh"`, `"8sh"`,
    /// `""` (also for an indented block).
    public var info: String
    /// The 1-based line of the opening fence (of an indented block: the line before its first).
    public var line: Int
    /// The lines read as commands (`kind` `.command`) and those that may be
    /// (`.unsure`), in order.
    public var candidates: [RunbookCommand]
    /// The lines judged example output, or the block's text when it is not
    /// shell, as written (dedented).
    public var output: [String]
    /// Every line of the block, dedented, for display.
    public var text: [String]
    /// Not nil when the block is not shell: its language (`sql`, `yaml`), or
    /// `"text"` when an info-less block does not read as shell.
    public var language: String?

    /// The commands to run: the candidates read as commands.
    public var commands: [RunbookCommand] { candidates.filter { $0.kind == .command } }
}

extension RunbookBlock {
    /// Reads a block's lines, already dedented; `lines[0]` is on file line
    /// `line + 1`. The rules are `RunbookReader`'s rule 6.
    init(info: String, line: Int, lines: [String]) {
        var reader = CommandReader(lines: lines, firstLine: line + 1)
        var language = Self.language(of: info)
        if language == nil {
            if !reader.read(infoSaysShell: !info.strippedOfBlanks.isEmpty) { language = "text" }
        } else {
            reader.output = lines.filter { !$0.isBlankLine }
            reader.findUnsure()
        }
        self.init(info: info, line: line, candidates: reader.commands, output: reader.output, text: lines, language: language)
    }

    /// Languages whose blocks are shown, never run: their lines are output.
    static let notShell: Set<String> = [
        "sql", "psql", "pgsql", "plpgsql", "yaml", "yml", "json", "toml", "ini", "conf", "cfg", "xml", "html", "csv",
        "hcl", "terraform", "tf", "text", "txt", "plain", "plaintext", "output", "log", "diff", "patch", "python", "py",
        "ruby", "rb", "go", "javascript", "js", "properties", "nginx", "dockerfile", "markdown", "md",
    ]

    /// The language of a block that is not shell, from its info string's
    /// first word; nil for a shell (`sh`, `8sh`, `console`, none).
    static func language(of info: String) -> String? {
        let language = info.prefix { !$0.isWhitespace && $0 != "{" && $0 != "," }.lowercased()
        return notShell.contains(language) ? language : nil
    }

    /// Whether a block with this info string may hold shell commands.
    static func isShell(_ info: String) -> Bool { language(of: info) == nil }
}

/// A command line from a runbook: a code block's, or inline code in a step's text.
public struct RunbookCommand: Sendable, Equatable {
    /// How sure the reader is that the line is a command.
    public enum Kind: Sendable, Equatable {
        /// Read as a command: the walk runs it.
        case command
        /// It may be a command or output: the listing says "command or
        /// output?" and the walk asks before running it.
        case unsure
        /// Inline code in a step without a code block, that reads as a
        /// command: offered, run only when the operator picks it.
        case suggested
    }

    /// The command to run: prompt removed, trimmed, continuation lines joined;
    /// a trailing `# comment` is kept (the shell language drops it itself).
    public var text: String
    /// The 1-based line in the file the command starts on.
    public var line: Int
    public var kind: Kind

    public init(text: String, line: Int, kind: Kind = .command) {
        self.text = text
        self.line = line
        self.kind = kind
    }
}
