/// A built-in command of the shell (`set`, `vars`, `help`…).
///
/// A command is thin: it reads its arguments and calls into the session or
/// the domain code.
public protocol Command: Sendable {
    /// The word that runs it.
    var name: String { get }
    /// One line for `help`.
    var summary: String { get }
    /// The synopsis, e.g. `set NAME VALUE`.
    var usage: String { get }
    /// A few example lines for `help NAME`.
    var examples: [String] { get }
    /// Whether the command only looks (help, vars, history): a recording
    /// and the audit log leave such lines out.
    var onlyLooks: Bool { get }
    /// Whether a recording holds the line (`record stop` and `replay` do
    /// not: the replayed commands are recorded one by one).
    var isRecorded: Bool { get }
    /// Completions for the argument being typed at `index` (0 = first).
    func completions(forArgumentAt index: Int, prefix: String, in session: Session) -> [String]
    /// What the line does to the session (moves the target, sets
    /// variables), besides any command it runs.
    func effect(of arguments: [String]) -> Effect
    /// The commands the line runs on targets, when it runs any
    /// (`ssh HOST CMD`): the interpreter then guards, confirms, audits and
    /// runs them, exactly as a typed command. Nil: `run` does the work.
    func plan(_ line: ExpandedLine, in context: Context) async throws -> RunPlan?
    /// Whether the built-in takes this line (`wait %1a2b3c`), or leaves it
    /// to the shell's command of the same name (`wait`, `kill 1234`).
    func claims(_ arguments: [String]) -> Bool
    /// Runs the command with its expanded arguments.
    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome
}

extension Command {
    public var examples: [String] { [] }
    public var onlyLooks: Bool { false }
    public var isRecorded: Bool { !onlyLooks }
    public func completions(forArgumentAt index: Int, prefix: String, in session: Session) -> [String] { [] }
    public func effect(of arguments: [String]) -> Effect { [] }
    public func plan(_ line: ExpandedLine, in context: Context) async throws -> RunPlan? { nil }
    public func claims(_ arguments: [String]) -> Bool { true }
}

/// What a command leaves behind: its status, and on which hosts.
public struct Outcome: Sendable, Equatable {
    /// The overall status: the first failure's, or success.
    public var status: ExitStatus
    /// Whether the shell should end after this command (`exit` at the first
    /// target).
    public var endsSession = false
    /// Each host's outcome, for a command that ran on several.
    public var hosts: [HostOutcome] = []

    public init(status: ExitStatus, endsSession: Bool = false, hosts: [HostOutcome] = []) {
        self.status = status
        self.endsSession = endsSession
        self.hosts = hosts
    }

    public static let success = Outcome(status: .success)
    /// A usage or validation failure: exit 2, as shells and getopt use it.
    public static let usageError = Outcome(status: .exited(2))
}

/// What a command works with: the session, and where it reads and writes.
public struct Context: Sendable {
    public var session: Session
    public let console: any Console
    /// Runs commands; reached only through the one path (`runStep`,
    /// `captureStep`, a planned line), never around it.
    let executor: any Executor
    /// The lines entered so far, newest last (for `history`).
    public var history: @Sendable () -> [String]
    /// Every command and plugin, for `help` and completion.
    public let catalog: Catalog
    /// The hosts the session knows.
    public let inventory: Inventory
    /// The line being run, as files hold it: what a plugin's further
    /// commands are audited under.
    public internal(set) var typedLine: String?
    /// The recording in progress (`record start`), if any.
    public var recorder: Recorder?
    /// The audit log, if it could be opened.
    public var audit: AuditLog?
    /// This session's id, in the audit log and recordings.
    public let sessionID: String = String(UInt64.random(in: 0...UInt64.max), radix: 16)
    /// Runs a line of a script in this same session (replay), set by the
    /// interpreter.
    public internal(set) var runLine: (@MainActor (String) async -> Outcome)?

    public init(session: Session, console: any Console, executor: any Executor, catalog: Catalog,
                inventory: Inventory = Inventory(), history: @escaping @Sendable () -> [String] = { [] }) {
        self.session = session
        self.console = console
        self.executor = executor
        self.catalog = catalog
        self.inventory = inventory
        self.history = history
    }
}

/// A command line given to a command that cannot take it; the message says
/// how to call it.
public struct UsageError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let usage: String

    public init(_ message: String, usage: String) {
        self.message = message
        self.usage = usage
    }

    public var description: String { "\(message)\nusage: \(usage)" }
}
