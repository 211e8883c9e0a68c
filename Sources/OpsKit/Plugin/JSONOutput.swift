extension ToolInvocation {
    /// Whether the line asks for records as JSON (`--json`, ours: the tools
    /// themselves do not take it).
    public var wantsJSON: Bool { arguments.contains("--json") }

    /// The invocation without our `--json`, as the tool itself must see it.
    public var withoutJSON: ToolInvocation {
        ToolInvocation(wrappers: wrappers, executable: executable, arguments: arguments.filter { $0 != "--json" })
    }

    /// The command line as shell text, each word quoted.
    public var shellText: String { ShellQuoting.join(words) }
}

extension Context {
    /// Runs `command` on the current target and prints what the plugin reads
    /// from its output as one JSON document on stdout, nothing else; the
    /// tool's own output goes to stderr when it cannot be read.
    public func runForJSON(_ command: String, invocation: ToolInvocation, plugin: any Plugin) async throws -> Outcome {
        let output = try await executor.capture(command, on: session.target, limit: 64 << 20)
        guard let table = plugin.table(for: invocation, output: output) else {
            console.write(output.standardOutput + output.standardError, style: .plain, to: .error)
            console.error("\(plugin.name): cannot read this output as records (\(output.status)); it is shown above")
            return Outcome(status: output.status.isSuccess ? .exited(1) : output.status)
        }
        console.write(table.json() + "\n", style: .plain, to: .output)
        return Outcome(status: output.status)
    }
}
