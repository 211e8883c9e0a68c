/// A tool described by a plugin file (`plugins/pgbackrest.toml`) rather than
/// compiled in: its grammar, risk, completion sources, output records,
/// checks and guards. It runs through the same plan, guard, confirmation and
/// audit path as a built-in, and never rates a line lower than the shell's
/// own list does (`rm -r` stays destroys-data whatever a file says).
public struct FilePlugin: Plugin {
    public let name: String
    public let summary: String
    public let executables: [String]
    /// The file it was read from.
    public let file: String?
    /// Everything else the file says, parsed when the tool is first used:
    /// a file the cache vouches for is not parsed at start-up.
    let source: PluginFileSource

    public var grammar: ToolGrammar { body.grammar }
    public var examples: [String] { body.examples }
    /// The risk of a line that names none of the subcommands.
    var defaultRisk: Risk { body.defaultRisk }
    /// What the file says about each subcommand path (`""` for the tool
    /// itself, `stanza-create`, `kv get`).
    var commands: [String: CommandDetails] { body.commands }
    /// Where the values of flags come from, by every spelling.
    var flagValues: [String: ValueSource] { body.flagValues }
    var body: Body { source.body(of: name) }

    /// What a tool's file says beyond its name, summary and executables.
    struct Body: Sendable {
        var grammar: ToolGrammar
        var examples: [String]
        var defaultRisk: Risk
        var commands: [String: CommandDetails]
        var flagValues: [String: ValueSource]

        /// For a tool whose file no longer parses as it did when cached
        /// (it cannot, short of a corrupt cache): every line of it confirms
        /// as destroying data, so a bad cache can only ask for more care.
        static let unreadable = Body(grammar: ToolGrammar(), examples: [], defaultRisk: .destroysData, commands: [:], flagValues: [:])
    }

    /// A subcommand's positional arguments, output, checks and guard.
    struct CommandDetails: Sendable {
        var arguments: [Argument] = []
        var output: RecordFormat?
        var checks: [RecordCheck] = []
        var directoryGuard: DirectoryGuard?
    }

    /// A positional argument and where its values come from.
    struct Argument: Sendable {
        var name: String
        var values: ValueSource?
    }

    /// Candidates for Tab: a fixed list, or the lines of a read-only command
    /// run on the current target: one whitespace-separated `field` of each,
    /// or the first group of `pattern` in the lines it matches. `{NAME}` in
    /// the command is the argument NAME already typed; `{--flag}` is that
    /// flag with its value, when the line has it.
    enum ValueSource: Sendable {
        case list([String])
        case command(String, field: Int?, pattern: String?)
    }

    /// `restore` over a non-empty directory, unless a flag says it is meant
    /// (`--delta`, `--force`): the directory is the value of `flag`.
    struct DirectoryGuard: Sendable {
        var flag: String
        var unless: [String]
    }

    /// The risk the file gives, raised by escalating flags, and never below
    /// what the shell's own list says of the same words.
    public func risk(of invocation: ToolInvocation) -> Risk {
        let path = grammar.resolve(invocation.arguments).path
        var risk = path.last?.risk ?? defaultRisk
        let flags = grammar.flags + path.flatMap(\.flags)
        for argument in invocation.arguments where argument.hasPrefix("-") {
            if let raised = flags.first(where: { $0.matches(argument) })?.escalatesTo { risk = max(risk, raised) }
        }
        return max(risk, ShellRisk.floor(of: invocation.words))
    }

    /// The details of the deepest subcommand the line names that has any.
    func details(for invocation: ToolInvocation) -> CommandDetails? {
        let names = grammar.resolve(invocation.arguments).path.map(\.name)
        return commands[names.joined(separator: " ")]
    }

    public func readsOutput(of invocation: ToolInvocation) -> Bool {
        guard let output = details(for: invocation)?.output else { return false }
        return output.arguments.allSatisfy(invocation.arguments.contains)
    }

    public func table(for invocation: ToolInvocation, output: CapturedOutput) -> RecordTable? {
        guard let format = details(for: invocation.withoutJSON)?.output else { return nil }
        return format.table(output.standardOutput)
    }
}

extension ShellRisk {
    /// The least risk a plugin file may give `words`: destroys-data when
    /// the shell's own list says so (`rm -r`, `dd`, `pg_dropcluster`…), else
    /// read-only (the file's rating stands).
    public static func floor(of words: [String]) -> Risk {
        classify(words) == .destroysData ? .destroysData : .readOnly
    }
}
