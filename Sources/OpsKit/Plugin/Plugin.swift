/// A tool the shell understands: `patronictl`, `wal-e`, `consul`…
///
/// A plugin says which command lines are its tool's (by executable name,
/// also behind `sudo`, `envdir …` or a full path), completes them, rates
/// their risk, plans where they run, and runs them. Adding a tool is one new
/// plugin.
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
    /// How risky this command line is, before looking inside any command it
    /// carries (the catalog does that).
    func risk(of invocation: ToolInvocation) -> Risk
    /// The index in `invocation.arguments` of a command line the tool runs
    /// elsewhere (`knife ssh QUERY 'CMD'`), if there is one or will be one
    /// at `invocation.arguments.count`.
    func embeddedCommandIndex(in arguments: [String]) -> Int?
    /// Live values for the word being typed (members, backups, keys); the
    /// grammar's subcommands and flags are completed without this.
    func liveCompletions(for invocation: ToolInvocation, prefix: String, session: Session, inventory: Inventory) -> [String]
    /// The same, for a plugin whose values come from running a read-only
    /// command on the target (a plugin file's `complete = { command = … }`).
    func liveCompletions(for invocation: ToolInvocation, prefix: String, session: Session, inventory: Inventory,
                         lookups: CompletionLookups?) -> [String]
    /// The plugin file it was read from; nil for a built-in.
    var file: String? { get }
    /// Where and what exactly the line will run, for dry-run and
    /// confirmation, before anything runs.
    func plan(_ call: ToolCall, risk: Risk, in context: Context) async throws -> RunPlan
    /// Whether the plugin reads this command line's output into records
    /// (`backup-list`, `is-active`, `list`), so a fan-out collects it.
    func readsOutput(of invocation: ToolInvocation) -> Bool
    /// The records in what this command line printed; nil when the output
    /// is not what the plugin knows (it is then shown as it is).
    func table(for invocation: ToolInvocation, output: CapturedOutput) -> RecordTable?
    /// Confirmations this plugin wants before a command line runs on
    /// `targets`, whichever tool the line runs (Patroni's guards
    /// `systemctl stop patroni` on the leader).
    func guards(for words: [String], on targets: [Target], in context: Context) async -> [Confirmation]
    /// Runs the planned command line.
    func run(_ call: ToolCall, plan: RunPlan, in context: inout Context) async throws -> Outcome
    /// Whether the line can run for hours (a restore): the shell then
    /// suggests `bg`, and a job of it shows the directory it fills.
    func longRun(of invocation: ToolInvocation) -> LongRun?
}

/// A command that can run for hours, as its plugin knows it.
public struct LongRun: Sendable {
    /// The directory whose size tells how far it is (`backup-fetch DIR`).
    public var progressDirectory: String?
    /// How many bytes the directory will hold at the end, asked on a target
    /// where the archive knows it (a base backup's expanded size); nil when
    /// it does not. Its looks go through the one path (`captureStep`).
    public var expectedBytes: (@Sendable (_ target: Target, _ context: Context) async -> Int64?)?

    public init(progressDirectory: String? = nil, expectedBytes: (@Sendable (Target, Context) async -> Int64?)? = nil) {
        self.progressDirectory = progressDirectory
        self.expectedBytes = expectedBytes
    }
}

/// A line the interpreter gave to a plugin: the tool's command line within
/// it, and the line as read once.
public struct ToolCall: Sendable {
    /// The tool's command line, expanded.
    public let invocation: ToolInvocation
    /// The whole line, parsed and expanded once.
    public let line: ExpandedLine

    public init(invocation: ToolInvocation, line: ExpandedLine) {
        self.invocation = invocation
        self.line = line
    }

    /// The line's words before expansion (`$NAME` still symbolic).
    public var words: Words { line.words }
    /// The whole line, expanded and quoted for `sh -c`.
    public var shellText: String { line.shellText }

    /// The unexpanded word of the argument at `index`, for a plugin that
    /// renders an embedded command with its own quoting.
    public func word(ofArgument index: Int) -> Word? {
        let position = invocation.wrappers.count + 1 + index
        return words.words.indices.contains(position) ? words.words[position] : nil
    }
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

    public func embeddedCommandIndex(in arguments: [String]) -> Int? { nil }

    public func longRun(of invocation: ToolInvocation) -> LongRun? { nil }

    public func readsOutput(of invocation: ToolInvocation) -> Bool { false }

    public func guards(for words: [String], on targets: [Target], in context: Context) async -> [Confirmation] { [] }

    public func table(for invocation: ToolInvocation, output: CapturedOutput) -> RecordTable? { nil }

    public func liveCompletions(for invocation: ToolInvocation, prefix: String, session: Session, inventory: Inventory) -> [String] { [] }

    public func liveCompletions(for invocation: ToolInvocation, prefix: String, session: Session, inventory: Inventory,
                                lookups: CompletionLookups?) -> [String] {
        liveCompletions(for: invocation, prefix: prefix, session: session, inventory: inventory)
    }

    public var file: String? { nil }

    /// Where the tool comes from, for `help` and `plugins`.
    public var origin: String { file.map { "from \($0)" } ?? "built in" }

    public func plan(_ call: ToolCall, risk: Risk, in context: Context) async throws -> RunPlan {
        planAsTyped(call, risk: risk, in: context)
    }

    public func run(_ call: ToolCall, plan: RunPlan, in context: inout Context) async throws -> Outcome {
        try await runAsTyped(call, plan: plan, in: context)
    }

    /// The line as typed, on the current target (without our `--json`): the
    /// default plan, and what a plugin with its own subcommands plans for
    /// the tool's.
    public func planAsTyped(_ call: ToolCall, risk: Risk, in context: Context) -> RunPlan {
        .here(call.invocation.wantsJSON ? call.invocation.withoutJSON.shellText : call.shellText, risk: risk, in: context.session)
    }

    /// Runs the real tool on the current target, after checking that it is
    /// installed there; with `--json`, prints its records instead. The
    /// default run, and the fallback of plugins that answer some lines
    /// themselves.
    public func runAsTyped(_ call: ToolCall, plan: RunPlan, in context: Context) async throws -> Outcome {
        if call.invocation.wantsJSON, readsOutput(of: call.invocation.withoutJSON), let (_, command) = plan.steps.first {
            return try await context.runForJSON(command, invocation: call.invocation.withoutJSON, plugin: self)
        }
        return try await context.runTool(call.invocation, shellText: call.shellText, named: name)
    }
}
