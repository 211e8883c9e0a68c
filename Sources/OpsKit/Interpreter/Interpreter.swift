/// Turns lines into actions: parses, expands, finds the built-in, plugin or
/// shell command that runs the line, guards it, and runs it.
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
    public func run(_ line: String) async -> Outcome {
        let words: Words
        do {
            if let (column, scalar) = InputText.firstInvisible(in: line) {
                throw LanguageError(.invisibleCharacter(scalar), column: column)
            }
            words = try Words(parsing: line)
            if words.isEmpty { return .success }
            try words.checkReferences(in: context.session.variables)
        } catch {
            report(error, in: line)
            return .usageError
        }
        if words.usesPinnedDate {
            context.console.notice("$(date +%F) is the session's pinned date stamp \(context.session.variables.date)")
        }
        let logged = isLogged(words)
        // What files hold: the line as typed, but never a secret's value.
        let typed = Self.recordedForm(of: line, words)
        if logged, let recorder = context.recorder {
            do {
                try recorder.willRun(typed)
            } catch {
                context.console.error("recording failed: \(error); nothing was run. `record stop` to go on without recording")
                return Outcome(status: .exited(1))
            }
        }
        let clock = ContinuousClock()
        let started = clock.now
        let outcome: Outcome
        do {
            outcome = try await dispatch(words, logged: logged, line: typed)
        } catch let error as LanguageError {
            report(error, in: line)
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
        if logged { finish(typed, outcome, seconds: started.duration(to: clock.now).inSeconds) }
        return outcome
    }

    /// Whether the line goes into the recording and the audit log: not the
    /// built-ins that only look.
    private func isLogged(_ words: Words) -> Bool {
        guard let name = words.words.first?.symbolicText, let command = context.catalog.command(named: name) else { return true }
        return command.isRecorded
    }

    /// The line as files hold it (recording, audit, history): as typed,
    /// except that a secret's value never reaches them: `set -s x V` (or
    /// `set CONSUL_HTTP_TOKEN V`) becomes `read -s x`, and a credential
    /// given as a flag (`-token=V`, `--password V`) is hidden.
    public static func recordedForm(of line: String, _ words: Words) -> String {
        let texts = words.words.map(\.symbolicText)
        if texts.count >= 3, texts[0] == "set", texts[1] == "-s" { return "read -s \(texts[2])" }
        if texts.count >= 3, texts[0] == "set", Variables.holdsCredential(texts[1]) { return "read -s \(texts[1])" }
        guard texts.contains(where: CredentialFlag.isCredential) else { return line }
        return CredentialFlag.hidden(texts).joined(separator: " ")
    }

    /// Writes the audit start event once the exact commands are known.
    /// - Throws: `AuditRefusal` when it is not on disk: nothing may run.
    private func begin(_ steps: [(target: Target, command: String)], line: String) throws(AuditRefusal) {
        do {
            try context.audit?.start(typed: line, expanded: steps, secrets: context.session.variables.secretValues)
        } catch {
            throw AuditRefusal(reason: error)
        }
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

    private func dispatch(_ words: Words, logged: Bool, line: String) async throws -> Outcome {
        let variables = context.session.variables
        let values = try words.words.map { word throws(LanguageError) in try word.value(in: variables) }
        context.words = words
        // `echo x | cat`, `for …; do …; done`: a shell line, for sh whole.
        if !words.hasShellSyntax, let command = context.catalog.command(named: values[0]) {
            // `line` is the logged form (a secret's value already left out).
            if logged { try begin([(context.session.target, line)], line: line) }
            if let command = command as? any SessionCommand {
                return try await command.run(Array(values.dropFirst()), on: self)
            }
            var scratch = context
            let outcome = try await command.run(Array(values.dropFirst()), in: &scratch)
            context = scratch
            return outcome
        }
        if !words.hasShellSyntax, let (user, login) = TargetSwitch.parse(values) {
            if logged { try begin([(context.session.target, line)], line: line) }
            if let failed = await checkUser(user) { return failed }
            // `sudo su - gitlab-psql`: later commands run as that user, on the same host.
            context.session.push(Target(host: context.session.target.host, user: user, isLogin: login))
            return .success
        }
        let shellText = try words.source.shellText(in: variables)
        let risk = context.catalog.risk(of: values)
        if !words.hasShellSyntax, let (plugin, invocation) = context.catalog.tool(in: values) {
            let call = ToolCall(invocation: invocation, words: words, shellText: shellText)
            let plan = try await plugin.plan(call, risk: risk, in: context)
            if let stopped = try await approve(plan, values, line: line) { return stopped }
            var scratch = context
            let outcome = try await plugin.run(call, plan: plan, in: &scratch)
            context = scratch
            return outcome
        }
        if let stopped = try await approve(.here(shellText, risk: risk, in: context.session), values, line: line) { return stopped }
        let outcome = try await context.runShell(shellText)
        if outcome.status == .exited(127), let suggestion = context.catalog.suggestions(for: values[0]).first {
            context.console.notice("did you mean `\(suggestion)`?")
        }
        return outcome
    }

    /// Whether `user` exists on the current target, asked there before the
    /// switch, so that `sudo su - NOSUCHUSER` fails at once rather than at
    /// the next command. In dry-run nothing runs, so it is not asked.
    private func checkUser(_ user: String) async -> Outcome? {
        let target = context.session.target
        guard !context.session.dryRun else {
            context.console.notice("dry-run: whether user \(user) exists on \(target.hostLabel) is not checked")
            return nil
        }
        do {
            let answer = try await context.executor.capture("id -u -- \(ShellQuoting.quote(user))", on: target, limit: 4096)
            if answer.status.isSuccess { return nil }
            let said = answer.standardError.trimmingTrailingBlanks()
            context.console.error("there is no user \(user) on \(target.hostLabel)\(said.isEmpty ? "" : " (\(said))"); still \(context.session.effectiveUser)@\(target.hostLabel)")
        } catch {
            context.console.error("cannot switch to \(user): \(error)")
        }
        return Outcome(status: .exited(1))
    }

    /// Adds every plugin's guards to the plan, then dry-run or confirmation;
    /// when the plan may run, its audit start is written. Nil: go ahead.
    private func approve(_ plan: RunPlan, _ values: [String], line: String) async throws(AuditRefusal) -> Outcome? {
        var plan = plan
        // Guards may look at the targets (backup-fetch lists DIR there):
        // in dry-run nothing runs, and nothing will need confirming.
        if !context.session.dryRun {
            plan.confirmations += await context.catalog.guards(for: values, on: plan.steps.map(\.target), in: context)
        }
        if let stopped = context.check(plan) { return stopped }
        try begin(plan.steps, line: line)
        return nil
    }

    /// Closes the session's SSH master connections; call when the shell ends.
    public func closeConnections() {
        context.executor.closeConnections()
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

/// A command refused because its audit `start` event could not be written.
struct AuditRefusal: Error, CustomStringConvertible {
    let reason: RecordingError

    var description: String {
        "audit log: \(reason); nothing was run. Free space there, or type `audit off` to go on knowingly without an audit log (the recording notes it)"
    }
}
