extension FilePlugin {
    /// The line as typed; with `--json`, without it and with the arguments
    /// the tool needs to print what the records are read from.
    public func plan(_ call: ToolCall, risk: Risk, in context: Context) async throws -> RunPlan {
        guard call.invocation.wantsJSON, let output = details(for: call.invocation.withoutJSON)?.output else {
            return planAsTyped(call, risk: risk, in: context)
        }
        return .here(Self.adding(output.arguments, to: call.invocation.withoutJSON).shellText, risk: risk, in: context.session)
    }

    /// A line whose output the file reads (with `--json`, or already with
    /// the arguments it needs): the records as a table, or as JSON, then
    /// the checks; any other line runs as typed. Called after approval: the
    /// plan's one step is what runs.
    public func run(_ call: ToolCall, plan: RunPlan, in context: inout Context) async throws -> Outcome {
        let invocation = call.invocation.withoutJSON
        let json = call.invocation.wantsJSON
        guard let details = details(for: invocation), let output = details.output, json || readsOutput(of: invocation),
              let (target, command) = plan.steps.first else {
            return try await context.runTool(call.invocation, shellText: call.shellText, named: name)
        }
        if target.isLocal, ToolLookup.path(of: invocation.executable) == nil {
            return try await context.runTool(invocation, shellText: command, named: name)  // says it is not installed
        }
        let captured = try await context.executor.capture(command, on: target, limit: 64 << 20)
        let console = context.console
        guard let table = output.table(captured.standardOutput) else {
            console.write(captured.standardOutput, style: .plain, to: json ? .error : .output)
            console.write(captured.standardError, style: .plain, to: .error)
            console.error("\(name): cannot read this output as records (\(captured.status)); it is shown above. Check the [output] of \(file ?? name)")
            return Outcome(status: captured.status.isSuccess ? .exited(1) : captured.status)
        }
        console.write(json ? table.json() + "\n" : table.rendered(), style: .plain, to: .output)
        if !captured.standardError.isEmpty { console.write(captured.standardError, style: .plain, to: .error) }
        let failures = details.checks.compactMap { $0.failure(in: table) }
        for failure in failures { console.error("\(name): \(failure)") }
        return Outcome(status: captured.status.isSuccess && !failures.isEmpty ? .exited(1) : captured.status)
    }

    /// `invocation` with each of `arguments` it does not already have.
    static func adding(_ arguments: [String], to invocation: ToolInvocation) -> ToolInvocation {
        ToolInvocation(wrappers: invocation.wrappers, executable: invocation.executable,
                       arguments: invocation.arguments + arguments.filter { !invocation.arguments.contains($0) })
    }

    /// A file's `guard`: the directory a line writes into must be empty on
    /// every target, unless a flag says otherwise; when the line does not
    /// name the directory (the tool's configuration does), the guard cannot
    /// tell, so it asks.
    public func guards(for words: [String], on targets: [Target], in context: Context) async -> [Confirmation] {
        guard let invocation = ToolInvocation.find(in: words, isTool: { executables.contains(basename($0)) }),
              let rule = details(for: invocation)?.directoryGuard,
              !invocation.arguments.contains(where: { argument in rule.unless.contains { argument == $0 || argument.hasPrefix($0 + "=") } })
        else { return [] }
        let verb = grammar.resolve(invocation.arguments).path.map(\.name).joined(separator: " ")
        let allowed = rule.unless.joined(separator: " or ")
        guard let directory = Self.value(of: rule.flag, in: invocation.arguments) else {
            return [Confirmation(reason: "\(name) \(verb): the line does not say \(rule.flag), so which directory it writes into (and whether it is empty) cannot be checked here; "
                                    + "pass \(rule.flag) DIR, or \(allowed), or", word: verb)]
        }
        let look = "find \(ShellQuoting.quote(directory)) -mindepth 1 -maxdepth 1 2>/dev/null | head -n 4"
        var found: [Confirmation] = []
        for target in targets {
            let listing = try? await context.captureStep(look, on: target, purpose: "\(name) \(verb): is \(directory) empty on \(target.hostLabel)", limit: 4096)
            let entries = listing?.standardOutput.textLines.filter { !$0.isEmpty } ?? []
            guard !entries.isEmpty else { continue }
            let names = entries.prefix(3).map(basename).joined(separator: ", ")
            found.append(Confirmation(reason: "\(name) \(verb): \(directory) on \(target) is not empty (\(names)\(entries.count > 3 ? ", …" : "")); "
                                          + "empty it first, or pass \(allowed), or", word: directory))
        }
        return found
    }

    /// The value of `flag` in `arguments`: `--flag=VALUE` or `--flag VALUE`.
    static func value(of flag: String, in arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument.hasPrefix(flag + "=") { return String(argument.dropFirst(flag.count + 1)) }
            if argument == flag, arguments.indices.contains(index + 1) { return arguments[index + 1] }
        }
        return nil
    }
}
