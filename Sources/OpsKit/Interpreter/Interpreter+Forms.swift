/// The forms of a line that the interpreter reads before running it:
/// `LINE &`, assignments, `sudo su - USER`'s check, tools inside wrappers,
/// a job already running, and state changes a shell line would lose.
extension Interpreter {
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

    /// `cd /tmp && rm x`, `x=1; …`: inside a shell line, a `cd`, `export`
    /// or assignment changes that line's `sh` only. Never silently: the
    /// operator may expect the next line to run there.
    func noteConfinedState(in values: [String]) {
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

    /// A tool inside `su USER -c '…'`, `sudo -u USER sh -c '…'`, `bash -lc
    /// '…'` or after `cd DIR &&`, run by its plugin (its own subcommands, its
    /// records) as that user, in that directory; nil when there is none.
    func runWrappedTool(_ line: ExpandedLine) async throws -> Outcome? {
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
        return try await runTool(plugin, ToolCall(invocation: invocation, line: inner), typed: line)
    }

    /// The jobs already running this plan's command on every one of its
    /// targets; nil when any target runs none (in dry-run, none are asked).
    func runningJobs(for plan: RunPlan) async throws -> [Job]? {
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
    func assign(_ assignment: Assignment) async throws -> Outcome {
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
    func checkUser(_ user: String) async throws -> Outcome? {
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
}
