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

    /// The line before a trailing, unquoted `&` (not `&&`), when it has one.
    static func backgrounded(_ text: String) -> String? {
        let trimmed = text.trimmingTrailingBlanks()
        guard trimmed.hasSuffix("&"), !trimmed.hasSuffix("&&"), !trimmed.hasSuffix("\\&"),
              let words = try? Words(parsing: trimmed), words.comment == nil, words.words.last?.symbolicText.hasSuffix("&") == true else { return nil }
        let rest = String(trimmed.dropLast()).trimmingTrailingBlanks()
        // `a; b &` backgrounds only `b` in a shell: such a line stays sh's.
        guard let before = try? Words(parsing: rest), !before.isEmpty, !before.hasShellSyntax else { return nil }
        return rest
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
        let risk = context.catalog.risk(of: values)
        if !line.hasShellSyntax, let (plugin, invocation) = context.catalog.tool(in: values) {
            let call = ToolCall(invocation: invocation, line: line)
            let plan = try await plugin.plan(call, risk: risk, in: context)
            if let stopped = try await approve(plan, line: line) { return stopped }
            if context.catalog.longRun(of: values) != nil {
                context.console.notice("this can run for hours and ends if this connection does: `bg \(line.recorded)` runs it detached (jobs, attach %%)")
            }
            var scratch = context
            let outcome = try await plugin.run(call, plan: plan, in: &scratch)
            context = scratch
            return outcome
        }
        if let outcome = try await runWrappedTool(line) { return outcome }
        if line.hasShellSyntax { noteConfinedState(in: values) }
        return try await runPlanned(.here(line.shellText, risk: risk, in: context.session), line: line, suggest: true)
    }

    /// `cd /tmp && rm x`, `x=1; …`: inside a shell line, a `cd`, `export`
    /// or assignment changes that line's `sh` only. Never silently: the
    /// operator may expect the next line to run there.
    private func noteConfinedState(in values: [String]) {
        if values.last?.hasSuffix("&") == true, values.last?.hasSuffix("&&") == false {
            context.console.notice("the trailing & puts its command in the background of this line's own shell, which ends with the line; `bg LINE` runs a line detached")
        }
        for command in ShellRisk.split(values) {
            guard let first = command.first else { continue }
            let changes = context.catalog.command(named: first).map { !$0.effect(of: Array(command.dropFirst())).isEmpty }
                ?? (command.allSatisfy { $0.contains("=") } && Variables.isValidName(String(first.prefix { $0 != "=" })))
            guard changes else { continue }
            context.console.notice("`\(command.joined(separator: " "))` runs in this line's own shell: later lines do not see it. Type it on a line of its own to keep it")
        }
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

    /// A tool inside `su USER -c '…'`, `sudo -u USER sh -c '…'`, `bash -lc
    /// '…'` or after `cd DIR &&`, run by its plugin (its own subcommands, its
    /// records) as that user, in that directory; nil when there is none.
    private func runWrappedTool(_ line: ExpandedLine) async throws -> Outcome? {
        var target = context.session.target
        var text = line.text, found = false
        for _ in 0..<4 {
            if let (directory, rest) = ShellWrapper.changingDirectory(text) {
                target.directory = directory.hasPrefix("/") || target.directory == nil ? directory : target.directory! + "/" + directory
                text = rest
            } else if let current = try? ExpandedLine(text, variables: context.session.variablesHere), !current.hasShellSyntax,
                      let wrapper = ShellWrapper.unwrap(current.values) {
                if let user = wrapper.user { target = target.switching(to: user, login: wrapper.login) }
                // The inner text is a value, spliced already: nothing in it is ours to expand again.
                text = wrapper.text.replacing("$", with: "\\$")
            } else {
                break
            }
            found = true
        }
        guard found, let inner = try? ExpandedLine(text, variables: context.session.variablesHere), !inner.hasShellSyntax,
              let (plugin, invocation) = context.catalog.tool(in: inner.values) else { return nil }
        context.console.notice("\(plugin.name) inside `\(line.values.prefix(3).joined(separator: " "))…`: run as \(target)")
        context.session.push(target)
        defer { context.session.pop() }
        let call = ToolCall(invocation: invocation, line: inner)
        let plan = try await plugin.plan(call, risk: context.catalog.risk(of: inner.values), in: context)
        if let stopped = try await context.approve(plan, words: plan.guardWords ?? inner.values, typed: line.recorded) { return stopped }
        var scratch = context
        let outcome = try await plugin.run(call, plan: plan, in: &scratch)
        context = scratch
        return outcome
    }

    /// The jobs already running this plan's command on every one of its
    /// targets; nil when any target runs none (in dry-run, none are asked).
    private func runningJobs(for plan: RunPlan) async throws -> [Job]? {
        guard !context.session.dryRun else { return nil }
        var found: [Job] = []
        for (target, command) in plan.steps {
            let wanted = target.applyingShellState(to: command).textLines.first ?? ""
            guard let listing = try await context.captureStep(JobScripts.list(host: target.hostLabel), on: target,
                                                              purpose: "bg: is this already running on \(target.hostLabel)"),
                  let job = Job.parse(listing.standardOutput, host: target.hostLabel).first(where: { $0.state == .running && $0.command == wanted })
            else { return nil }
            found.append(job)
        }
        return found.isEmpty ? nil : found
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
