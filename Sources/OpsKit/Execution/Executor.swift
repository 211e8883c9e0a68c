/// Runs shell commands on a target. Everything that starts a process goes
/// through one of these, so recording, audit, dry-run and Ctrl-C are written
/// once.
public protocol Executor: Sendable {
    /// Runs `command` (shell text for `/bin/sh -c`) on `target`, streaming its
    /// output to `output` as it comes.
    ///
    /// Cancelling the calling task stops the command and every process it
    /// started, and returns `.interrupted`.
    /// - Throws: `ExecutionError` when the command could not be started.
    func run(_ command: String, on target: Target, output: @escaping OutputHandler) async throws(ExecutionError) -> ExitStatus

    /// Runs `command` on `target` and returns what it printed, up to `limit`
    /// bytes of standard output; for plugins that parse a tool's output.
    func capture(_ command: String, on target: Target, limit: Int) async throws(ExecutionError) -> CapturedOutput

    /// Ends what the executor keeps open between commands (SSH master
    /// connections); called when the shell ends.
    func closeConnections()
}

extension Executor {
    public func closeConnections() {}
}

/// Receives a command's output as it arrives.
public typealias OutputHandler = @Sendable (_ stream: OutputStream, _ bytes: [UInt8]) -> Void

/// What a command printed, and how it ended.
public struct CapturedOutput: Sendable {
    public var status: ExitStatus
    public var standardOutput: String
    public var standardError: String

    public init(status: ExitStatus, standardOutput: String, standardError: String = "") {
        self.status = status
        self.standardOutput = standardOutput
        self.standardError = standardError
    }
}

/// A command that could not be run at all (as opposed to one that failed).
public struct ExecutionError: Error, Sendable, CustomStringConvertible {
    public let command: String
    public let target: Target
    public let reason: String

    public init(command: String, target: Target, reason: String) {
        self.command = command
        self.target = target
        self.reason = reason
    }

    public var description: String { "could not run on \(target): \(reason)" }
}
