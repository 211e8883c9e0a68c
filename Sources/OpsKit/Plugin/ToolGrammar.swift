/// The shape of a tool's command line: its subcommands and flags, as far as
/// completion and risk need them.
public struct ToolGrammar: Sendable {
    /// Flags accepted before any subcommand.
    public var flags: [Flag]
    /// The tool's subcommands, nested where the tool nests them
    /// (`consul kv get`).
    public var subcommands: [Subcommand]
    /// Positional arguments that come before the subcommand, as in
    /// `pg_ctlcluster 15 main stop` (2); most tools take none.
    public var argumentsBeforeSubcommand: Int

    public init(flags: [Flag] = [], subcommands: [Subcommand] = [], argumentsBeforeSubcommand: Int = 0) {
        self.flags = flags
        self.subcommands = subcommands
        self.argumentsBeforeSubcommand = argumentsBeforeSubcommand
    }

    /// The deepest subcommand path the arguments name, and the positional
    /// arguments after it (flags and their values left out):
    /// `["-c", "x.yml", "kv", "get", "-recurse", "a/b"]` → `kv get`, `["a/b"]`.
    public func resolve(_ arguments: [String]) -> (path: [Subcommand], positionals: [String]) {
        var path: [Subcommand] = []
        var positionals: [String] = []
        var level = subcommands
        var flags = self.flags
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument.hasPrefix("-"), argument.count > 1 {
                // A flag that takes a separate value skips that value too.
                if let flag = flags.first(where: { $0.matches(argument) }), flag.takesValue, !argument.contains("=") {
                    index += 1
                }
            } else if positionals.count == argumentsBeforeSubcommand, let next = level.first(where: { $0.name == argument || $0.aliases.contains(argument) }) {
                path.append(next)
                level = next.subcommands
                flags += next.flags
            } else {
                positionals.append(argument)
            }
        }
        return (path, positionals)
    }
}

/// One subcommand of a tool.
public struct Subcommand: Sendable {
    public var name: String
    public var aliases: [String]
    public var summary: String
    public var flags: [Flag]
    public var subcommands: [Subcommand]
    /// The risk of running it without any escalating flag.
    public var risk: Risk

    public init(_ name: String, _ summary: String = "", risk: Risk = .readOnly, aliases: [String] = [],
                flags: [Flag] = [], subcommands: [Subcommand] = []) {
        self.name = name
        self.summary = summary
        self.risk = risk
        self.aliases = aliases
        self.flags = flags
        self.subcommands = subcommands
    }
}

/// One flag of a tool: its spellings and whether a value follows it.
public struct Flag: Sendable {
    /// Every spelling, e.g. `["-c", "--config-file"]`.
    public var spellings: [String]
    public var takesValue: Bool
    /// Set when the flag makes the command riskier (`--confirm` on
    /// `wal-e delete`, `-recurse` on `consul kv delete`).
    public var escalatesTo: Risk?
    /// One line for `help TOOL` (plugin files give one; built-ins need not).
    public var summary = ""

    public init(_ spellings: String..., takesValue: Bool = false, escalatesTo: Risk? = nil) {
        self.spellings = spellings
        self.takesValue = takesValue
        self.escalatesTo = escalatesTo
    }

    func matches(_ argument: String) -> Bool {
        let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
        return spellings.contains(name)
    }
}
