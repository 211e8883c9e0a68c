/// A tool the shell understands: `patronictl`, `wal-e`, `consul`…
///
/// A plugin says which command lines are its tool's (by executable name,
/// also behind `sudo`, `envdir …` or a full path), completes them, rates
/// their risk, and runs them. Adding a tool is one new plugin.
public protocol Plugin: Sendable {
    /// The tool's name, e.g. `patronictl`.
    var name: String { get }
    /// Every executable name that runs the tool, e.g. `patronictl` and
    /// `gitlab-patronictl`.
    var executables: [String] { get }
    /// One line for `help`.
    var summary: String { get }
    /// The tool's subcommands and flags.
    var grammar: ToolGrammar { get }
    /// A few typical lines for `help NAME`.
    var examples: [String] { get }
    /// How risky this command line is.
    func risk(of invocation: ToolInvocation) -> Risk
    /// Live values for the word being typed (members, backups, keys); the
    /// grammar's subcommands and flags are completed without this.
    func liveCompletions(for invocation: ToolInvocation, prefix: String, in session: Session) -> [String]
    /// Runs the command line. `shellText` is the whole line, expanded and
    /// quoted for `sh -c`.
    func run(_ invocation: ToolInvocation, shellText: String, in context: inout Context) async throws -> Outcome
}

extension Plugin {
    public var examples: [String] { [] }

    /// The risk the grammar gives: the subcommand's own, raised by any
    /// escalating flag present (`wal-e delete … --confirm`).
    public func risk(of invocation: ToolInvocation) -> Risk {
        let path = grammar.resolve(invocation.arguments).path
        var risk = path.last?.risk ?? .readOnly
        let flags = grammar.flags + path.flatMap(\.flags)
        for argument in invocation.arguments where argument.hasPrefix("-") {
            if let raised = flags.first(where: { $0.matches(argument) })?.escalatesTo { risk = max(risk, raised) }
        }
        return risk
    }

    public func liveCompletions(for invocation: ToolInvocation, prefix: String, in session: Session) -> [String] { [] }

    /// Runs the real tool on the current target, after checking that it is
    /// installed there.
    public func run(_ invocation: ToolInvocation, shellText: String, in context: inout Context) async throws -> Outcome {
        try await context.runTool(invocation, shellText: shellText, named: name)
    }
}
