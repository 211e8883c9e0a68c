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
        if let command = context.catalog.command(named: values[0]) {
            var scratch = context
            let outcome = try await command.run(Array(values.dropFirst()), in: &scratch)
            context = scratch
            return outcome
        }
        let shellText = try words.source.shellText(in: variables)
        if let invocation = ToolInvocation.find(in: values, isTool: { context.catalog.plugin(forExecutable: $0) != nil }),
           let plugin = context.catalog.plugin(forExecutable: invocation.executable) {
            if let stopped = guardCommand(shellText, risk: plugin.risk(of: invocation)) { return stopped }
            var scratch = context
            let outcome = try await plugin.run(invocation, shellText: shellText, in: &scratch)
            context = scratch
            return outcome
        }
        if let stopped = guardCommand(shellText, risk: ShellRisk.classify(values)) { return stopped }
        let outcome = try await context.runShell(shellText)
        if outcome.status == .exited(127), let suggestion = context.catalog.suggestions(for: values[0]).first {
            context.console.notice("did you mean `\(suggestion)`?")
        }
        return outcome
    }

    /// Dry-run and destructive-command confirmation, before anything runs.
    /// Returns nil when the command may run, else the outcome instead.
    private func guardCommand(_ shellText: String, risk: Risk) -> Outcome? {
        let session = context.session
        let console = context.console
        if session.dryRun {
            console.line("dry-run: on \(session.target) (\(risk)): \(shellText)", style: .dim)
            return .success
        }
        guard risk == .destroysData else { return nil }
        let name = session.target.hostLabel
        console.write("This destroys data.\n  target:  \(session.target)\n  command: \(shellText)\n", style: .warning, to: .error)
        if session.assumeYes {
            console.notice("confirmation skipped: --yes")
            return nil
        }
        guard let answer = console.ask("Type the target's name (\(name)) to run it: ") else {
            console.error("refused: this command destroys data and there is no terminal to confirm it; run it interactively, or pass --yes in a script")
            return Outcome(status: .exited(1))
        }
        guard answer.trimmingTrailingBlanks() == name else {
            console.error("not confirmed ('\(answer)' is not '\(name)'); nothing was run")
            return Outcome(status: .exited(1))
        }
        return nil
    }

    private func report(_ error: any Error, in line: String) {
        context.console.error("\(error)")
        if let error = error as? LanguageError, !line.contains("\n") {
            // Point at the column, as compilers do: the operator sees where.
            context.console.write("  \(line)\n  \(String(repeating: " ", count: max(0, error.column - 1)))^\n", style: .dim, to: .error)
        }
    }
}
