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
            guard let output = try await context.captureStep(call.shellText, on: context.session.target, purpose: call.line.recorded) else { return .success }
            show(output, table: table(for: invocation, output: output), on: context)
            return Outcome(status: output.status)
        case _ where Self.actions.contains(verb):
            let outcome = try await context.runTool(call.invocation, shellText: call.shellText, named: name)
            guard outcome.status != .interrupted, !(outcome.status.code == 127), let (target, command) = plan.followUps.first else { return outcome }
            if let output = try await context.captureStep(command, on: target, purpose: "\(verb): the units' state afterwards") {
                show(nil, table: table(for: Self.statusInvocation(of: invocation, units: units), output: output), on: context)
            }
            return outcome
        default:
            return try await runAsTyped(call, plan: plan, in: context)
        }
    }

    /// `start`, `stop`, `restart`…: the line as typed, then a read of the
    /// units' state, both in the plan so dry-run and the audit show them.
    public func plan(_ call: ToolCall, risk: Risk, in context: Context) async throws -> RunPlan {
        var plan = planAsTyped(call, risk: risk, in: context)
        let invocation = call.invocation.withoutJSON
        let (path, units) = grammar.resolve(invocation.arguments)
        if let verb = path.first?.name, Self.actions.contains(verb), !units.isEmpty, !call.invocation.wantsJSON {
            plan.followUps = [(context.session.target, Self.statusInvocation(of: invocation, units: units).shellText)]
        }
        return plan
    }

    /// `systemctl status --no-pager UNITS`, behind the same wrappers.
    static func statusInvocation(of invocation: ToolInvocation, units: [String]) -> ToolInvocation {
        ToolInvocation(wrappers: invocation.wrappers, executable: invocation.executable, arguments: ["status", "--no-pager"] + units)
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
