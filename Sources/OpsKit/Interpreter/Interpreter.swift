/// What happens to a line, in one place: it is read once into an
/// `ExpandedLine`, recorded, and then whatever runs it — a built-in, a
/// target switch, an assignment, a plugin, or `sh` — goes through the same
/// steps: plan (the exact command on each host) → guards → dry-run stops
/// here → confirmation → audit `start` → run → audit `end`.
@MainActor
public final class Interpreter {
    /// The session and its I/O; built-ins change the session through it.
    public internal(set) var context: Context

    public init(context: Context) {
        self.context = context
        self.context.runLine = { [unowned self] line in await self.run(line) }
    }

    /// The current session.
    public var session: Session { context.session }

    /// Runs one logical line and reports what happened on the console.
    /// Never throws: every failure is reported and becomes a status.
    public func run(_ typed: String) async -> Outcome {
        let line: ExpandedLine
        // `LINE &`, as shell users type it: the line as a detached job.
        let text = Self.backgrounded(typed).map { "bg " + $0 } ?? typed
        do {
            line = try ExpandedLine(text, variables: context.session.variablesHere)
            if line.words.isEmpty { return .success }
        } catch {
            report(error, in: text)
            return .usageError
        }
        if line.words.usesPinnedDate {
            context.console.notice("$(date +%F) is the session's pinned date stamp \(context.session.variables.date)")
        }
        let logged = isLogged(line)
        if logged, let recorder = context.recorder {
            do {
                try recorder.willRun(line.recorded)
            } catch {
                context.console.error("recording failed: \(error); nothing was run. `record stop` to go on without recording")
                return Outcome(status: .exited(1))
            }
        }
        context.typedLine = line.recorded
        defer { context.typedLine = nil }
        let clock = ContinuousClock()
        let started = clock.now
        let outcome: Outcome
        do {
            outcome = try await dispatch(line, logged: logged)
        } catch let error as LanguageError {
            report(error, in: text)
            outcome = .usageError
        } catch let error as AuditRefusal {
            context.console.error(error.description)
            outcome = Outcome(status: .exited(1))
        } catch let error as UsageError {
            context.console.error(error.description)
            outcome = .usageError
        } catch {
            context.console.error("\(error)")
            outcome = Outcome(status: .exited(1))
        }
        if logged { finish(line.recorded, outcome, seconds: started.duration(to: clock.now).inSeconds) }
        return outcome
    }

    /// Whether the line goes into the recording and the audit log: not the
    /// built-ins that only look.
    private func isLogged(_ line: ExpandedLine) -> Bool {
        guard let command = context.catalog.command(for: line.words.words.map(\.symbolicText)) else { return true }
        return command.isRecorded
    }

    private func finish(_ line: String, _ outcome: Outcome, seconds: Double) {
        let secrets = context.session.variables.secretValues
        do {
            try context.recorder?.didRun(outcome, seconds: seconds)
        } catch {
            context.console.error("recording failed: \(error); the result of this command is not in it")
        }
        do {
            try context.audit?.end(typed: line, outcome: outcome, seconds: seconds, secrets: secrets)
        } catch {
            context.console.error("audit log: \(error)")
        }
    }

    private func dispatch(_ line: ExpandedLine, logged: Bool) async throws -> Outcome {
        let values = line.values
        // `echo x | cat`, `for …; do …; done`: a shell line, for sh whole.
        if !line.hasShellSyntax, let command = context.catalog.command(for: values) {
            if let plan = try await command.plan(line, in: context) {
                return try await runPlanned(plan, line: line)
            }
            // A built-in that only changes the session: audited as typed.
            if logged { try begin(.here(line.recorded, risk: .readOnly, in: context.session), line: line) }
            if let command = command as? any SessionCommand {
                return try await command.run(line, on: self)
            }
            var scratch = context
            let outcome = try await command.run(line, in: &scratch)
            context = scratch
            return outcome
        }
        if !line.hasShellSyntax, let (user, login) = TargetSwitch.parse(values) {
            if logged { try begin(.here(line.recorded, risk: .readOnly, in: context.session), line: line) }
            if let failed = try await checkUser(user) { return failed }
            // `sudo su - gitlab-psql`: later commands run as that user, on the same host.
            context.session.push(context.session.target.switching(to: user, login: login))
            return .success
        }
        if let assignment = Assignment(line, from: 0) {
            return try await assign(assignment)
        }
        if !line.hasShellSyntax, let (plugin, invocation) = context.catalog.tool(in: values) {
            return try await runTool(plugin, ToolCall(invocation: invocation, line: line), typed: line)
        }
        if let outcome = try await runWrappedTool(line) { return outcome }
        if line.hasShellSyntax { noteConfinedState(in: values) }
        return try await runPlanned(.here(line.shellText, risk: context.catalog.risk(of: values), in: context.session), line: line, suggest: true)
    }

    /// A plugin's line (`call.line`, the tool's own, inside `typed` when a
    /// wrapper held it): its plan, the one path's approval, its run.
    func runTool(_ plugin: any Plugin, _ call: ToolCall, typed line: ExpandedLine) async throws -> Outcome {
        let values = call.line.values
        let plan = try await plugin.plan(call, risk: context.catalog.risk(of: values), in: context)
        if let stopped = try await context.approve(plan, words: plan.guardWords ?? values, typed: line.recorded) { return stopped }
        if context.catalog.longRun(of: values) != nil {
            context.console.notice("this can run for hours and ends if this connection does: `bg \(line.recorded)` runs it detached (jobs, attach %%)")
        }
        var scratch = context
        let outcome = try await plugin.run(call, plan: plan, in: &scratch)
        context = scratch
        return outcome
    }

    /// Runs a plan's steps after approval, output streamed: a shell line,
    /// or a built-in's (`ssh HOST CMD`), or detached as a job (`bg`).
    private func runPlanned(_ plan: RunPlan, line: ExpandedLine, suggest: Bool = false) async throws -> Outcome {
        if let id = plan.job {
            // Never the same command twice at once: a resumed walk or a
            // replay re-attaches to the job still running it.
            if let running = try await runningJobs(for: plan) {
                context.session.lastJob = running[0].id
                context.console.notice("already running as job %\(running[0].id) on \(running.map(\.host).joined(separator: ", ")) for \(running[0].age); attaching instead of starting it again")
                try? context.recorder?.note("job %\(running[0].id): re-attached")
                return await context.follow(running, showOutput: true)
            }
            if let stopped = try await approve(plan, line: line) { return stopped }
            context.session.lastJob = id
            return try await context.launch(plan, job: id, watch: plan.watch)
        }
        if let stopped = try await approve(plan, line: line) { return stopped }
        var status = ExitStatus.success
        for (target, command) in plan.steps {
            let console = context.console
            status = try await context.executor.run(command, on: target) { console.write(bytes: $1, to: $0) }
            if !status.isSuccess { break }
        }
        if suggest, status == .exited(127), let suggestion = context.catalog.suggestions(for: line.values[0]).first {
            context.console.notice("did you mean `\(suggestion)`?")
        }
        return Outcome(status: status)
    }

    /// Guards, dry-run, confirmation and audit start for a line's plan.
    func approve(_ plan: RunPlan, line: ExpandedLine) async throws(AuditRefusal) -> Outcome? {
        try await context.approve(plan, words: plan.guardWords ?? line.values, typed: line.recorded)
    }

    /// The audit start of a built-in that changes only the session.
    private func begin(_ plan: RunPlan, line: ExpandedLine) throws(AuditRefusal) {
        do {
            try context.audit?.start(typed: line.recorded, expanded: plan.steps, secrets: context.session.variables.secretValues)
        } catch {
            throw AuditRefusal(reason: error)
        }
    }

    /// Closes the session's SSH master connections; call when the shell ends.
    public func closeConnections() {
        context.closeConnections()
    }

    private func report(_ error: any Error, in line: String) {
        context.console.error("\(error)")
        if let error = error as? LanguageError, !line.contains("\n") {
            // Point at the column, as compilers do: the operator sees where,
            // an invisible character drawn as a symbol of its own.
            context.console.write("  \(InputText.visible(line))\n  \(String(repeating: " ", count: max(0, error.column - 1)))^\n", style: .dim, to: .error)
        }
    }
}
