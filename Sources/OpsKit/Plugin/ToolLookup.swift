#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Context {
    /// Runs a tool's command line as a shell command on the current target,
    /// telling the operator plainly when the tool is not installed.
    public func runTool(_ invocation: ToolInvocation, shellText: String, named tool: String) async throws -> Outcome {
        let target = session.target
        if target.isLocal, ToolLookup.path(of: invocation.executable) == nil {
            console.error("\(tool): `\(invocation.executable)` is not installed on this machine (not found in PATH). "
                + "Install it, or run it where it is: ssh HOST, or knife ssh QUERY '…'.")
            return Outcome(status: .exited(127))
        }
        return try await runShell(shellText)
    }

    /// Runs shell text on the current target, output streamed to the console.
    public func runShell(_ text: String) async throws(ExecutionError) -> Outcome {
        let console = self.console
        let status = try await executor.run(text, on: session.target) { stream, bytes in
            console.write(bytes: bytes, to: stream)
        }
        return Outcome(status: status)
    }
}

/// Finds executables the way `sh` does.
public enum ToolLookup {
    /// The full path `command` runs, or nil when it is not installed.
    public static func path(of command: String, searchPath: String? = nil) -> String? {
        if command.contains("/") { return access(command, X_OK) == 0 ? command : nil }
        let path = searchPath ?? getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(command)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
