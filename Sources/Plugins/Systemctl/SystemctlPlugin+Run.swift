import OpsKit

extension SystemctlPlugin {
    /// On the current target: `is-active`/`is-enabled`/`is-failed` print a
    /// state table; `start`, `stop`, `restart`… run as typed and then show
    /// the units' state, read with `systemctl status` (the daemonless
    /// systemctl's `is-active` says `unknown` for a running unit that is not
    /// enabled; `status` tells the truth in both). `status` itself prints
    /// systemctl's own text, which has the log lines operators look for.
    public func run(_ call: ToolCall, plan: RunPlan, in context: inout Context) async throws -> Outcome {
        let invocation = call.invocation.withoutJSON
        let (path, units) = grammar.resolve(invocation.arguments)
        let verb = path.first?.name ?? ""
        guard !units.isEmpty, !(call.invocation.wantsJSON && readsOutput(of: invocation)) else {
            return try await runAsTyped(call, plan: plan, in: context)
        }
        switch verb {
        case "is-active", "is-enabled", "is-failed":
            let output = try await context.executor.capture(call.shellText, on: context.session.target, limit: 1 << 20)
            show(output, table: table(for: invocation, output: output), on: context)
            return Outcome(status: output.status)
        case _ where Self.actions.contains(verb):
            let outcome = try await context.runTool(call.invocation, shellText: call.shellText, named: name)
            guard outcome.status != .interrupted, !(outcome.status.code == 127) else { return outcome }
            let status = ToolInvocation(wrappers: invocation.wrappers, executable: invocation.executable, arguments: ["status", "--no-pager"] + units)
            let output = try await context.executor.capture(status.shellText, on: context.session.target, limit: 1 << 20)
            show(nil, table: table(for: status, output: output), on: context)
            return outcome
        default:
            return try await runAsTyped(call, plan: plan, in: context)
        }
    }

    /// The verbs after which the units' new state is shown.
    static let actions: Set = ["start", "stop", "restart", "try-restart", "reload", "reload-or-restart"]

    /// The table with the target as its host column; the tool's own words
    /// when it printed something else.
    private func show(_ output: CapturedOutput?, table: RecordTable?, on context: Context) {
        let console = context.console
        if let table {
            console.write(RecordTable.merged([(context.session.target.hostLabel, table)])!.rendered(), style: .plain, to: .output)
        } else if let output {
            console.write(output.standardOutput, style: .plain, to: .output)
        }
        if let output, !output.standardError.isEmpty { console.write(output.standardError, style: .plain, to: .error) }
    }
}
