/// Walks an operator through a runbook, step by step: shows the step,
/// what each command will do where, runs it on the operator's word, checks
/// the result, and keeps its place in a progress file.
@MainActor
public final class Guide {
    public let runbook: Runbook
    public internal(set) var progress: GuideProgress
    let interpreter: Interpreter
    let terminal: any GuideTerminal
    let progressPath: String
    var console: any Console { interpreter.context.console }

    public init(runbook: Runbook, progress: GuideProgress, progressPath: String, interpreter: Interpreter, terminal: any GuideTerminal) {
        self.runbook = runbook
        self.progress = progress
        self.progressPath = progressPath
        self.interpreter = interpreter
        self.terminal = terminal
    }

    /// What the operator chose to do with a step.
    enum Choice { case done, skip, back, quit, stop(String) }

    /// How running a step's lines and checks went.
    enum StepRun { case done, notDone, checkFailed(String) }

    /// Walks from the progress's step to the end, or until the operator
    /// quits or a check fails; the outcome is the walk's.
    public func walk() async -> Outcome {
        guard askForParameters() else { return Outcome(status: .exited(1)) }
        // A resumed walk starts where the last one stood (`cd`, `export`).
        interpreter.context.session.changeTarget { level in
            if let directory = progress.directory { level.directory = directory }
            for (name, value) in progress.environment { level.environment[name] = value }
        }
        while progress.step <= runbook.steps.count {
            let step = runbook.steps[progress.step - 1]
            let unmet = step.unmetConditions(in: interpreter.context.session.variables)
            if !unmet.isEmpty {
                console.notice("step \(step.ordinal) (\(step.number). \(step.title)) does not apply: \(unmet.joined(separator: ", "))")
                progress.skipped.insert(step.ordinal)
                progress.step += 1
                if let failed = save() { return failed }
                continue
            }
            if let failed = save() { return failed }
            switch await attend(step) {
            case .done:
                progress.done.insert(step.ordinal)
                progress.skipped.remove(step.ordinal)
                progress.jobs = progress.jobs.filter { $0.key.step != step.ordinal }
                progress.step += 1
            case .skip:
                progress.skipped.insert(step.ordinal)
                progress.jobs = progress.jobs.filter { $0.key.step != step.ordinal }
                progress.step += 1
            case .back:
                progress.step = previousApplicable(before: step.ordinal)
            case .quit:
                if let failed = save() { return failed }
                console.notice("stopped at step \(step.ordinal); `opsshell guide --resume` continues here")
                return .success
            case .stop(let reason):
                if let failed = save() { return failed }
                console.error("\(reason)\nthe walk stops at step \(step.ordinal); put it right, then `opsshell guide --resume` runs this step again")
                return Outcome(status: .exited(1))
            }
        }
        progress.finished = true
        if let failed = save() { return failed }
        let skipped = progress.skipped.sorted()
        console.line("The runbook is done: \(progress.done.count) steps run" + (skipped.isEmpty ? "." : ", skipped: \(skipped.map(String.init).joined(separator: ", ")).")
                     + " The walk is recorded in \(progress.recording).", style: .success)
        return .success
    }

    /// Shows the step and asks what to do until the step is done, skipped,
    /// left, or a check fails.
    private func attend(_ original: RunbookStep) async -> Choice {
        show(original, original.commands.map(\.text))
        let step = askAboutCandidates(original)
        var lines = step.commands.map(\.text)
        if step.commands.count != original.commands.count {
            console.write(StepView(step: step, total: runbook.steps.count, width: terminal.width,
                                   variables: interpreter.context.session.variables).commands(), to: .output)
        }
        await preview(lines)
        for (place, id) in progress.jobs.sorted(by: { $0.key < $1.key }) where place.step == step.ordinal {
            console.notice("line \(place.line) started job %\(id) before this walk was interrupted: [r]un looks for it on the hosts and does not start it again")
        }
        while true {
            guard let answer = terminal.choose("[r]un, [s]kip, [e]dit, s[h]ell, [b]ack, [q]uit? ") else { return .quit }
            switch answer.trimmingTrailingBlanks().lowercased() {
            case "r", "run":
                switch await run(step, lines) {
                case .done: return .done
                case .checkFailed(let reason): return .stop(reason)
                case .notDone: console.notice("step \(step.ordinal) is not done: run it again, edit a line, skip it, or look in the shell")
                }
            case "s", "skip": return .skip
            case "b", "back": return .back
            case "q", "quit": return .quit
            case "h", "shell":
                console.notice("the shell, on the guide's session; `exit` returns to step \(step.ordinal)")
                await terminal.shell(interpreter)
            case "e", "edit":
                guard let index = pickLine(lines), let edited = terminal.edit(lines[index], prompt: "[\(index + 1)] "), !edited.isEmpty else { continue }
                lines[index] = edited
                // An edited line is a new command: the job the old one started is not its.
                progress.jobs[GuideProgress.StepLine(step: step.ordinal, line: index + 1)] = nil
                show(step, lines)
                await preview(lines)
            default:
                console.error("answer r (run), s (skip), e (edit), h (shell), b (back) or q (quit)")
            }
        }
    }

    /// Runs the step's lines in order, then its checks, on the targets the
    /// lines move to; the target stack is back where it was afterwards. A
    /// line that failed or was interrupted leaves the step not done (the
    /// operator decides); a failed check stops the walk.
    private func run(_ step: RunbookStep, _ lines: [String]) async -> StepRun {
        let depth = interpreter.context.session.targets.count
        try? interpreter.context.recorder?.comment("step \(step.ordinal) of \(runbook.steps.count) (\(step.number)): \(step.title)")
        defer {
            // Back where the step started; recorded as the `exit`s it takes,
            // so a replay of the walk moves as the walk did.
            while interpreter.context.session.targets.count > depth {
                interpreter.context.session.pop()
                try? interpreter.context.recorder?.willRun("exit")
                try? interpreter.context.recorder?.didRun(.success, seconds: 0)
            }
        }
        for (index, line) in lines.enumerated() {
            console.write("▶ [\(index + 1)] \(line)\n", style: .bold, to: .error)
            let place = GuideProgress.StepLine(step: step.ordinal, line: index + 1)
            if let id = progress.jobs[place] {
                // Started before the walk was interrupted: found on the
                // hosts, never started again without the operator's word.
                guard await resume(job: id, at: place) else { return .notDone }
                continue
            }
            let before = interpreter.context.session.lastJob
            let outcome = await timed("step \(step.ordinal), line \(index + 1)") { await self.terminal.run(line, in: self.interpreter) }
            if let job = interpreter.context.session.lastJob, job != before {
                // Kept at once: the walk may be killed while the job runs.
                progress.jobs[place] = job
                _ = save()
            }
            if outcome.status == .interrupted { return .notDone }
            guard outcome.status.isSuccess else {
                console.error("step \(step.ordinal), line \(index + 1) failed (\(outcome.status)): \(line)")
                return .notDone
            }
            if outcome.endsSession { console.notice("`exit` at the first target ends a guided walk only with [q]uit") }
        }
        for check in step.checks where check.kind != .when {
            console.write("▶ \(check.kind.rawValue): \(check.command)\n", style: .bold, to: .error)
            let outcome = await timed("step \(step.ordinal), \(check.kind.rawValue)") { await self.terminal.run(check.command, in: self.interpreter) }
            if outcome.status == .interrupted { return .notDone }
            guard outcome.status.isSuccess else {
                return .checkFailed("step \(step.ordinal)'s \(check.kind.rawValue) failed (\(outcome.status)): \(check.command)")
            }
        }
        return .done
    }

    /// Runs `body`, saying how long it has run every minute, and at the end
    /// when it took a while.
    private func timed(_ what: String, _ body: @escaping @MainActor () async -> Outcome) async -> Outcome {
        let clock = ContinuousClock()
        let started = clock.now
        let console = self.console
        let ticker = Task {
            while true {
                try await Task.sleep(for: .seconds(60))
                if let note = Self.tick(what, elapsed: started.duration(to: clock.now), live: LiveLine.shown.current) {
                    console.write(note, style: .dim, to: .error)
                }
            }
        }
        let outcome = await body()
        ticker.cancel()
        let elapsed = started.duration(to: clock.now)
        if elapsed > .seconds(3) { console.write("  \(what) took \(elapsed.clockText)\n", style: .dim, to: .error) }
        return outcome
    }

    /// The once-a-minute note of a long line: with what a live line last
    /// said (`patronictl wait`'s reason), or nothing while that line is
    /// redrawn in place on the terminal, where it shows time and reason.
    nonisolated static func tick(_ what: String, elapsed: Duration, live: (text: String, drawnInPlace: Bool)?) -> String? {
        if live?.drawnInPlace == true { return nil }
        return "… \(what): \(elapsed.clockText) so far" + (live.map { "; last: \($0.text)" } ?? "") + "\n"
    }

    private func show(_ step: RunbookStep, _ lines: [String]) {
        var edited = step
        var index = 0
        for blockIndex in edited.blocks.indices {
            for candidate in edited.blocks[blockIndex].candidates.indices
            where index < lines.count && edited.blocks[blockIndex].candidates[candidate].kind == .command {
                edited.blocks[blockIndex].candidates[candidate].text = lines[index]
                index += 1
            }
        }
        let view = StepView(step: edited, total: runbook.steps.count, width: terminal.width, variables: interpreter.context.session.variables)
        console.write(view.header(), to: .output)
        console.write(view.prose(), to: .output)
        if !lines.isEmpty || !step.checks.isEmpty {
            console.write("\n", style: .plain, to: .output)
            console.write(view.commands(), to: .output)
        }
    }

    /// Every line in dry-run: its exact form on each host, nothing run,
    /// nothing recorded; the session is as it was afterwards.
    private func preview(_ lines: [String]) async {
        guard !lines.isEmpty else { return }
        let saved = interpreter.context.session
        let recorder = interpreter.context.recorder, audit = interpreter.context.audit
        interpreter.context.recorder = nil
        interpreter.context.audit = nil
        interpreter.context.session.promiseDryRun()  // a `dry-run off` in the runbook cannot lift it
        console.write("  what runs where:\n", style: .dim, to: .output)
        for line in lines {
            // Built-ins act even in dry-run (`echo` prints, `sleep` waits,
            // `confirm` asks): only those whose effect later lines depend on
            // (they move the target, set a variable or a directory), or that
            // plan commands (`ssh HOST CMD`), are run here; the others are named.
            if let expanded = try? ExpandedLine(line, variables: interpreter.context.session.variablesHere), !expanded.words.isEmpty, !expanded.hasShellSyntax,
               let command = interpreter.context.catalog.command(named: expanded.values[0]),
               !command.effect(of: expanded.arguments).changesSession, (try? await command.plan(expanded, in: interpreter.context)) == nil {
                console.write("  built-in, on \(interpreter.context.session.target): \(line)\n", style: .dim, to: .output)
                continue
            }
            _ = await interpreter.run(line)
        }
        interpreter.context.session = saved
        interpreter.context.recorder = recorder
        interpreter.context.audit = audit
    }

    /// Asks, line by line, about what may be a command: an unsure line of a
    /// block ("command or output?") and a suggested inline command. Only
    /// the lines the operator says yes to run; the answers are recorded as
    /// comments, so a replay shows what the walk chose.
    private func askAboutCandidates(_ step: RunbookStep) -> RunbookStep {
        var chosen: Set<Int> = []
        for (index, candidate) in step.candidates.enumerated() where candidate.kind != .command {
            let question = candidate.kind == .unsure
                ? "line \(candidate.line) may be a command or output: \(candidate.text)\n  run it as a command in this step? [y/N] "
                : "suggested by the step's text (line \(candidate.line)): \(candidate.text)\n  run it in this step? [y/N] "
            let answer = terminal.choose(question)?.trimmingTrailingBlanks().lowercased()
            guard answer == "y" || answer == "yes" else { continue }
            chosen.insert(index)
            try? interpreter.context.recorder?.comment("step \(step.ordinal): line \(candidate.line) taken as a command: \(candidate.text)")
        }
        return chosen.isEmpty ? step : step.adopting(chosen)
    }

    private func pickLine(_ lines: [String]) -> Int? {
        guard lines.count > 1 else { return lines.isEmpty ? nil : 0 }
        guard let answer = terminal.choose("edit which line [1-\(lines.count)]? "), let number = Int(answer.trimmingTrailingBlanks()),
              (1...lines.count).contains(number) else { return nil }
        return number - 1
    }

    private func previousApplicable(before ordinal: Int) -> Int {
        var candidate = ordinal - 1
        while candidate > 1, !runbook.steps[candidate - 1].unmetConditions(in: interpreter.context.session.variables).isEmpty {
            candidate -= 1
        }
        return max(1, candidate)
    }

    /// Asks for each variable the runbook uses and the session lacks, but
    /// not for one the runbook assigns itself (`latest="$( … )"`, `export
    /// NAME=…`): its steps give it its value when they run.
    private func askForParameters() -> Bool {
        var names: [String] = [], assigned: Set<String> = []
        for step in runbook.steps {
            for command in step.commands {
                let skip = command.text.hasPrefix("export ") ? 1 : 0
                assigned.formUnion(Assignment.assignedNames(command.text, skippingWords: skip) ?? [])
            }
            // Conditions first: they decide which steps apply at all.
            let texts = step.checks.map { $0.kind == .when ? "$" + ($0.command.split(separator: "=").first.map(String.init) ?? "") : $0.command }
                + step.commands.map(\.text)
            for text in texts {
                guard let words = try? Words(parsing: text) else { continue }
                for case .reference(let reference) in words.source.pieces {
                    if case .variable(let name) = reference.kind, !names.contains(name) { names.append(name) }
                }
            }
        }
        for name in names where interpreter.context.session.variables[name] == nil && !assigned.contains(name) {
            guard let value = terminal.choose("This runbook uses $\(name); its value: "), !value.trimmingTrailingBlanks().isEmpty else {
                console.error("$\(name) has no value; give it with --set \(name)=VALUE")
                return false
            }
            do {
                try interpreter.context.session.variables.set(name, to: value.trimmingTrailingBlanks())
                try interpreter.context.recorder?.willRun("set \(name) \(ShellQuoting.quote(value.trimmingTrailingBlanks()))")
                try interpreter.context.recorder?.didRun(.success, seconds: 0)
            } catch {
                console.error("\(error)")
                return false
            }
        }
        return true
    }

    /// Writes the progress, with the session's variables as they are now.
    func save() -> Outcome? {
        progress.variables = interpreter.context.session.variables.all
            .filter { !$0.variable.isSecret }.map { ($0.name, $0.variable.value) }
        let level = interpreter.context.session.targets[0]
        progress.directory = level.directory
        progress.environment = level.environment.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        do {
            try progress.save(to: progressPath)
            return nil
        } catch {
            console.error("cannot keep the guide's place: \(error); nothing more runs")
            return Outcome(status: .exited(1))
        }
    }
}
