import Subprocess
import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs commands on this machine with `/bin/sh -c`, through swift-subprocess.
///
/// Each command gets its own process group, so Ctrl-C can end the whole
/// pipeline (`sh`, `sleep`, `tail`…) and not just the shell in front of it:
/// SIGTERM to the group, then SIGKILL half a second later.
public struct LocalExecutor: Executor {
    public init() {}

    public func run(_ command: String, on target: Target, output: @escaping OutputHandler) async throws(ExecutionError) -> ExitStatus {
        do {
            let result = try await Subprocess.run(
                configuration(command, on: target), input: .none, output: .sequence, error: .sequence
            ) { execution in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await buffer in execution.standardOutput { output(.output, buffer.withUnsafeBytes { Array($0) }) }
                    }
                    group.addTask {
                        for try await buffer in execution.standardError { output(.error, buffer.withUnsafeBytes { Array($0) }) }
                    }
                    try await group.waitForAll()
                }
            }
            return Task.isCancelled ? .interrupted : ExitStatus(result.terminationStatus)
        } catch is CancellationError {
            return .interrupted
        } catch {
            if Task.isCancelled { return .interrupted }
            throw ExecutionError(command: command, target: target, reason: "\(error)")
        }
    }

    public func capture(_ command: String, on target: Target, limit: Int) async throws(ExecutionError) -> CapturedOutput {
        do {
            let result = try await Subprocess.run(
                configuration(command, on: target), input: .none,
                output: .string(limit: limit), error: .string(limit: 64 * 1024)
            )
            return CapturedOutput(
                status: Task.isCancelled ? .interrupted : ExitStatus(result.terminationStatus),
                standardOutput: result.standardOutput,
                standardError: result.standardError
            )
        } catch is CancellationError {
            return CapturedOutput(status: .interrupted, standardOutput: "", standardError: "")
        } catch {
            throw ExecutionError(command: command, target: target, reason: "\(error)")
        }
    }

    func configuration(_ command: String, on target: Target) -> Configuration {
        var options = PlatformOptions()
        options.processGroupID = 0
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: .milliseconds(500))]
        let argv = LocalExecutor.argv(for: command, as: target.user, login: target.isLogin)
        return Configuration(
            executable: .path(FilePath(argv[0])),
            arguments: Arguments(Array(argv.dropFirst())),
            environment: .inherit,
            platformOptions: options
        )
    }

    /// The argument vector that runs `command` locally, through `sudo` when a
    /// user other than this process's is asked for. `sudo -n` never prompts:
    /// with no terminal to answer, a password prompt would hang.
    static func argv(for command: String, as user: String?, login: Bool = false) -> [String] {
        guard let user, user != Session.currentUserName() else { return ["/bin/sh", "-c", command] }
        let text = login ? "cd ~ 2>/dev/null || cd /; " + command : command
        return ["/usr/bin/sudo", "-n", "-H", "-u", user, "--", "/bin/sh", "-c", text]
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
