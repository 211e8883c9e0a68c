/// Turns lines into actions: parses, expands, finds the built-in, plugin or
/// shell command that runs the line, guards it, and runs it.
@MainActor
public final class Interpreter {
    /// The session and its I/O; built-ins change the session through it.
    public private(set) var context: Context

    public init(context: Context) {
        self.context = context
    }

    /// The current session.
    public var session: Session { context.session }

    /// Runs one logical line and reports what happened on the console.
    /// Never throws: every failure is reported and becomes a status.
    public func run(_ line: String) async -> Outcome {
        let words: Words
        do {
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
        do {
            return try await dispatch(words)
        } catch let error as LanguageError {
            report(error, in: line)
            return .usageError
        } catch let error as UsageError {
            context.console.error(error.description)
            return .usageError
        } catch {
            context.console.error("\(error)")
            return Outcome(status: .exited(1))
        }
    }

    private func dispatch(_ words: Words) async throws -> Outcome {
        let variables = context.session.variables
        let values = try words.words.map { word throws(LanguageError) in try word.value(in: variables) }
        context.words = words
        if let command = context.catalog.command(named: values[0]) {
            var scratch = context
            let outcome = try await command.run(Array(values.dropFirst()), in: &scratch)
            context = scratch
            return outcome
        }
        if let (user, login) = TargetSwitch.parse(values) {
            // `sudo su - gitlab-psql`: later commands run as that user, on the same host.
            context.session.push(Target(host: context.session.target.host, user: user, isLogin: login))
            return .success
        }
        let shellText = try words.source.shellText(in: variables)
        let risk = context.catalog.risk(of: values)
        if let (plugin, invocation) = context.catalog.tool(in: values) {
            let call = ToolCall(invocation: invocation, words: words, shellText: shellText)
            let plan = try await plugin.plan(call, risk: risk, in: context)
            if let stopped = context.check(plan) { return stopped }
            var scratch = context
            let outcome = try await plugin.run(call, plan: plan, in: &scratch)
            context = scratch
            return outcome
        }
        if let stopped = context.check(.here(shellText, risk: risk, in: context.session)) { return stopped }
        let outcome = try await context.runShell(shellText)
        if outcome.status == .exited(127), let suggestion = context.catalog.suggestions(for: values[0]).first {
            context.console.notice("did you mean `\(suggestion)`?")
        }
        return outcome
    }

    /// Closes the session's SSH master connections; call when the shell ends.
    public func closeConnections() {
        context.executor.closeConnections()
    }

    private func report(_ error: any Error, in line: String) {
        context.console.error("\(error)")
        if let error = error as? LanguageError, !line.contains("\n") {
            // Point at the column, as compilers do: the operator sees where.
            context.console.write("  \(line)\n  \(String(repeating: " ", count: max(0, error.column - 1)))^\n", style: .dim, to: .error)
        }
    }
}
