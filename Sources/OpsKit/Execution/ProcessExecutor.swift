import Subprocess
import Synchronization
import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs commands with the system's `/bin/sh` locally and OpenSSH's `ssh`
/// on hosts, through swift-subprocess.
///
/// Each command gets its own process group, so Ctrl-C can end the whole
/// pipeline (`sh`, `sleep`, `tail`…) and not just the process in front:
/// SIGTERM to the group, then SIGKILL half a second later. On a host, the
/// remote side stops the command when the connection ends (see
/// `RemoteCommand.wrapped`).
public struct ProcessExecutor: Executor {
    public let inventory: Inventory
    public let ssh: SSHSettings
    private let connections: Connections

    public init(inventory: Inventory = Inventory(), ssh: SSHSettings = SSHSettings(controlDirectory: nil)) {
        self.inventory = inventory
        self.ssh = ssh
        connections = Connections(ssh: ssh, sshConfig: inventory.sshConfig)
    }

    public func run(_ command: String, on target: Target, output: @escaping OutputHandler) async throws(ExecutionError) -> ExitStatus {
        let argv = try await self.argv(for: command, on: target)
        do {
            // Locally stdin is /dev/null (a command waiting for input would
            // hang the shell). On a host it is a pipe held open until the
            // command ends: end-of-file there tells the remote watchdog to
            // stop the command.
            let result = target.isLocal
                ? try await Subprocess.run(configuration(argv), input: .none, output: .sequence, error: .sequence) { execution in
                    try await Self.drain(execution.standardOutput, execution.standardError, to: output)
                }
                : try await Subprocess.run(configuration(argv), input: .inputWriter, output: .sequence, error: .sequence) { execution in
                    try await Self.drain(execution.standardOutput, execution.standardError, to: output)
                    try await execution.standardInputWriter.finish()
                }
            return Task.isCancelled ? .interrupted : ExitStatus(result.terminationStatus)
        } catch is CancellationError {
            return .interrupted
        } catch {
            if Task.isCancelled { return .interrupted }
            throw ExecutionError(command: command, target: target, reason: "\(error)")
        }
    }

    /// Reads both streams at once, so neither pipe fills and blocks the other.
    private static func drain(_ standardOutput: SubprocessOutputSequence, _ standardError: SubprocessOutputSequence,
                              to output: @escaping OutputHandler) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await buffer in standardOutput { output(.output, buffer.withUnsafeBytes { Array($0) }) }
            }
            group.addTask {
                for try await buffer in standardError { output(.error, buffer.withUnsafeBytes { Array($0) }) }
            }
            try await group.waitForAll()
        }
    }

    /// Runs through `run`, so a host sees the same held-open stdin (a
    /// closed one tells its watchdog to stop the command at once).
    public func capture(_ command: String, on target: Target, limit: Int) async throws(ExecutionError) -> CapturedOutput {
        let collected = Collected(limit: limit)
        let status = try await run(command, on: target) { stream, bytes in collected.add(bytes, from: stream) }
        return CapturedOutput(status: status, standardOutput: collected.output, standardError: collected.error)
    }

    public func closeConnections() { ssh.closeConnections() }

    /// The exact argument vector that runs `command` on `target`; what
    /// dry-run shows and what runs are the same thing.
    public func argv(for command: String, on target: Target) async throws(ExecutionError) -> [String] {
        // `cd` and `export` at this level, for every command that runs here.
        let command = target.applyingShellState(to: command)
        guard let name = target.host else {
            return ProcessExecutor.localArgv(for: command, as: target.user, login: target.isLogin)
        }
        var host = inventory.host(named: name) ?? Host(name: name)
        if let address = target.address {
            guard Host.isValidName(address) else {
                throw ExecutionError(command: command, target: target, reason: "\(address) is not a safe address for ssh")
            }
            host.address = address
        }
        if let failure = await connections.open(host) {
            throw ExecutionError(command: command, target: target, reason: failure)
        }
        return ssh.argv(host: host, sshConfig: inventory.sshConfig,
                        remoteCommand: RemoteCommand.wrapped(command, user: target.user, login: target.isLogin))
    }

    func configuration(_ argv: [String]) -> Configuration {
        var options = PlatformOptions()
        options.processGroupID = 0
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: .milliseconds(500))]
        let executable: Executable = argv[0].hasPrefix("/") ? .path(FilePath(argv[0])) : .name(argv[0])
        return Configuration(executable: executable, arguments: Arguments(Array(argv.dropFirst())),
                             environment: .inherit, platformOptions: options)
    }

    /// The argument vector that runs `command` locally, through `sudo` when a
    /// user other than this process's is asked for. `sudo -n` never prompts:
    /// with no terminal to answer, a password prompt would hang.
    static func localArgv(for command: String, as user: String?, login: Bool = false) -> [String] {
        // `--`: a line may start with `-` (`-x`), which sh would take as its own option.
        guard let user, user != Session.currentUserName() else { return ["/bin/sh", "-c", "--", command] }
        let text = login ? "cd ~ 2>/dev/null || cd /; " + command : command
        return ["/usr/bin/sudo", "-n", "-H", "-u", user, "--", "/bin/sh", "-c", "--", text]
    }
}

extension ExitStatus {
    init(_ status: TerminationStatus) {
        switch status {
        case .exited(let code): self = .exited(Int32(code))
        case .signaled(let signal): self = .signalled(Int32(signal))
        }
    }
}

/// Output collected up to a limit per stream; the rest is drained and dropped.
private final class Collected: Sendable {
    private let limit: Int
    private let buffers = Mutex<(output: [UInt8], error: [UInt8])>(([], []))

    init(limit: Int) { self.limit = limit }

    func add(_ bytes: [UInt8], from stream: OutputStream) {
        buffers.withLock { buffers in
            if stream == .output {
                buffers.output += bytes.prefix(max(0, limit - buffers.output.count))
            } else {
                buffers.error += bytes.prefix(max(0, 64 * 1024 - buffers.error.count))
            }
        }
    }

    var output: String { buffers.withLock { String(decoding: $0.output, as: UTF8.self) } }
    var error: String { buffers.withLock { String(decoding: $0.error, as: UTF8.self) } }
}
