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
    public func run(_ text: String) async -> Outcome {
        let line: ExpandedLine
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
        guard let name = line.words.words.first?.symbolicText, let command = context.catalog.command(named: name) else { return true }
        return command.isRecorded
    }

    /// The line as files hold it; see `ExpandedLine.recordedForm`.
    public static func recordedForm(of line: String, _ words: Words) -> String {
        ExpandedLine.recordedForm(of: line, words)
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
        if !line.hasShellSyntax, let command = context.catalog.command(named: values[0]) {
            if let plan = try command.plan(line, in: context) {
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
        let risk = context.catalog.risk(of: values)
        if !line.hasShellSyntax, let (plugin, invocation) = context.catalog.tool(in: values) {
            let call = ToolCall(invocation: invocation, line: line)
            let plan = try await plugin.plan(call, risk: risk, in: context)
            if let stopped = try await approve(plan, line: line) { return stopped }
            var scratch = context
            let outcome = try await plugin.run(call, plan: plan, in: &scratch)
            context = scratch
            return outcome
        }
        if line.hasShellSyntax { noteConfinedState(in: values) }
        return try await runPlanned(.here(line.shellText, risk: risk, in: context.session), line: line, suggest: true)
    }

    /// `cd /tmp && rm x`, `x=1; …`: inside a shell line, a `cd`, `export`
    /// or assignment changes that line's `sh` only. Never silently: the
    /// operator may expect the next line to run there.
    private func noteConfinedState(in values: [String]) {
        for command in ShellRisk.split(values) {
            guard let first = command.first else { continue }
            let changes = context.catalog.command(named: first).map { !$0.effect(of: Array(command.dropFirst())).isEmpty }
                ?? (command.allSatisfy { $0.contains("=") } && Variables.isValidName(String(first.prefix { $0 != "=" })))
            guard changes else { continue }
            context.console.notice("`\(command.joined(separator: " "))` runs in this line's own shell: later lines do not see it. Type it on a line of its own to keep it")
        }
    }

    /// Runs a plan's steps after approval, output streamed: a shell line,
    /// or a built-in's (`ssh HOST CMD`).
    private func runPlanned(_ plan: RunPlan, line: ExpandedLine, suggest: Bool = false) async throws -> Outcome {
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

    /// `NAME=VALUE`, `NAME=$(command)`: session variables, the command run
    /// on the current target through the same path as any other.
    private func assign(_ assignment: Assignment) async throws -> Outcome {
        let target = context.session.target
        let purpose = "\(assignment.names.joined(separator: " ")): evaluate on \(target.hostLabel)"
        guard let values = try await assignment.values(on: target, purpose: purpose, in: context) else {
            return context.session.dryRun ? .success : Outcome(status: .exited(1))
        }
        for (name, value) in zip(assignment.names, values) {
            try context.session.variables.set(name, to: value)
            let secret = context.session.variables.isSecret(name)
            if assignment.literalValues == nil {
                context.console.notice("$\(name) = \(secret ? "(secret)" : ShellQuoting.quote(value)), from the shell on \(target.hostLabel)")
            }
            // The value under the line, so `replay --from` a later line has it
            // without running the command again; never a secret's.
            if !secret { try? context.recorder?.note(ScriptFile.valueNote(name, value)) }
        }
        return .success
    }

    /// Whether `user` exists on the current target, asked there before the
    /// switch, so that `sudo su - NOSUCHUSER` fails at once rather than at
    /// the next command. In dry-run nothing runs, so it is not asked.
    private func checkUser(_ user: String) async throws -> Outcome? {
        let target = context.session.target
        guard !context.session.dryRun else {
            context.console.notice("dry-run: whether user \(user) exists on \(target.hostLabel) is not checked")
            return nil
        }
        do {
            guard let answer = try await context.captureStep("id -u -- \(ShellQuoting.quote(user))", on: target,
                                                             purpose: "sudo su \(user): is there such a user on \(target.hostLabel)") else { return nil }
            if answer.status.isSuccess { return nil }
            let said = answer.standardError.trimmingTrailingBlanks()
            context.console.error("there is no user \(user) on \(target.hostLabel)\(said.isEmpty ? "" : " (\(said))"); still \(context.session.effectiveUser)@\(target.hostLabel)")
        } catch let error as ExecutionError {
            context.console.error("cannot switch to \(user): \(error)")
        }
        return Outcome(status: .exited(1))
    }

    /// Guards, dry-run, confirmation and audit start for a line's plan.
    private func approve(_ plan: RunPlan, line: ExpandedLine) async throws(AuditRefusal) -> Outcome? {
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
