#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replays a script in the running session: it shows each command before
/// running it, stops at the first failure with the way to resume, and keeps
/// its place in `FILE.progress` so a crash costs nothing.
@MainActor
public struct Replay {
    public let options: ReplayOptions

    public init(options: ReplayOptions) { self.options = options }

    /// The progress file next to the script.
    public var progressPath: String { options.file + ".progress" }

    public func run(on interpreter: Interpreter) async -> Outcome {
        let console = interpreter.context.console
        let script: ScriptFile
        do {
            script = try ScriptFile.load(options.file)
        } catch {
            console.error("replay: \(error)")
            return Outcome(status: .exited(1))
        }
        var start = options.from ?? 1
        if options.resume {
            guard let saved = readText(progressPath).flatMap({ Int($0.lastLine.split(separator: " ").last ?? "") }) else {
                console.error("replay: no progress to resume in \(progressPath)")
                return Outcome(status: .exited(1))
            }
            start = saved
            console.notice("resuming \(options.file) at line \(saved)")
        }
        // `replay --dry-run` is a promise for the whole script: a recorded
        // `dry-run off` line must not turn the preview into a run.
        if options.dryRun { interpreter.context.session.promiseDryRun() }
        defer { if options.dryRun { interpreter.context.session.endDryRunPromise() } }
        // A dry-run writes nothing, the progress file included: it would
        // make a later --resume start where the preview stopped.
        let keepsProgress = !interpreter.context.session.dryRun
        for (name, value) in options.overrides {
            try? interpreter.context.session.variables.set(name, to: value)
        }
        let overridden = Set(options.overrides.map(\.name))

        for (index, entry) in script.entries.enumerated() {
            let words = try? Words(parsing: entry.text)
            let texts = words?.words.map(\.symbolicText) ?? []
            if let name = Self.assignedName(texts), overridden.contains(name) {
                if texts[0] == "read" || texts[1] == "-s", let value = interpreter.context.session.variables[name] {
                    try? interpreter.context.session.variables.set(name, to: value, secret: true)
                }
                console.notice("line \(entry.line): keeping --set \(name) instead of `\(texts[0] == "read" ? entry.text : "set \(name) …")`")
                continue
            }
            if entry.line < start {
                // Before --from: take the session state along (variables,
                // targets) so the rest lands where it did; run nothing else.
                if !entry.values.isEmpty {
                    // An assignment: its recorded value, not its command again.
                    for (name, value) in entry.values { try? interpreter.context.session.variables.set(name, to: value) }
                } else if interpreter.context.catalog.effect(of: texts).changesSession {
                    await applyQuietly(entry.text, on: interpreter)
                }
                continue
            }
            var text = entry.text
            console.write("▶ \(options.file):\(entry.line): \(text)\n", style: .bold, to: .error)
            if entry.unfinished { console.notice("this command was running when the recorded session ended") }
            if options.step {
                switch ask(about: text, console: console) {
                case .run: break
                case .skip: continue
                case .edit(let edited): text = edited
                case .quit:
                    if keepsProgress { saveProgress(entry.line) }
                    console.notice("replay stopped before line \(entry.line); resume with: opsshell replay \(options.file) --resume")
                    return Outcome(status: .exited(1))
                }
            }
            // A recorded job that has ended since: its status, not a second run
            // (one still running is re-attached by the line itself).
            if let id = entry.job, !interpreter.context.session.dryRun, let ended = await Self.endedJob(id, in: interpreter.context) {
                console.notice("line \(entry.line): job %\(id) has already ended (\(ended)); not started again")
                interpreter.context.session.lastJob = id
                if !ended.isSuccess {
                    if keepsProgress { saveProgress(entry.line) }
                    console.error("replay stopped at \(options.file):\(entry.line): its job %\(id) ended with \(ended)")
                    return Outcome(status: ended)
                }
                if keepsProgress { saveProgress(entry.line + 1) }
                continue
            }
            let outcome = await interpreter.run(text)
            if outcome.endsSession {
                // `exit` at the first target ends a recorded session; a
                // script that goes on after it is not what was recorded.
                let left = script.entries.count - index - 1
                guard left > 0 else { break }
                if keepsProgress { saveProgress(entry.line + 1) }
                console.error("replay stopped at \(options.file):\(entry.line): `exit` at the first target ends the script here; \(left) later command\(left == 1 ? "" : "s") not run")
                return Outcome(status: .exited(1))
            }
            if !outcome.status.isSuccess {
                if keepsProgress { saveProgress(entry.line) }
                console.error("replay stopped at \(options.file):\(entry.line) (\(outcome.status)). Fix it, then resume: opsshell replay \(options.file) --from \(entry.line)")
                return outcome
            }
            if options.strict, let recorded = entry.recordedResult, !options.dryRun {
                let now = ResultLine.summary(outcome)
                if now != recorded {
                    if keepsProgress { saveProgress(entry.line + 1) }
                    console.error("replay stopped at \(options.file):\(entry.line): the result differs (--strict): recorded \"\(recorded)\", now \"\(now)\"")
                    return Outcome(status: .exited(1))
                }
            }
            if keepsProgress { saveProgress(entry.line + 1) }
        }
        if keepsProgress { unlink(progressPath) }
        return .success
    }

    /// The variable a `set NAME …`, `set -s NAME …` or `read -s NAME` line assigns.
    static func assignedName(_ words: [String]) -> String? {
        switch words.first {
        case "set"?: words.count >= 3 && words[1] == "-s" ? words[2] : (words.count >= 2 ? words[1] : nil)
        case "read"?: words.count == 3 ? words[2] : nil
        default: nil
        }
    }

    /// The highest status of job `id` when every host's part has ended;
    /// nil when it still runs somewhere, or no host knows it.
    static func endedJob(_ id: String, in context: Context) async -> ExitStatus? {
        guard let (jobs, _) = try? await context.findJobs(id: id) else { return nil }
        let parts = jobs.filter { $0.id == id }
        guard !parts.isEmpty else { return nil }
        var worst = ExitStatus.success
        for part in parts {
            guard case .exited(let code) = part.state else { return nil }
            if code != 0, worst.isSuccess || code > worst.code { worst = .exited(code) }
        }
        return worst
    }

    private func applyQuietly(_ line: String, on interpreter: Interpreter) async {
        interpreter.context.session.promiseDryRun()  // `ssh HOST` then switches without connecting
        _ = await interpreter.run(line)
        interpreter.context.session.endDryRunPromise()
    }

    enum Choice { case run, skip, edit(String), quit }

    private func ask(about text: String, console: any Console) -> Choice {
        while true {
            guard let answer = console.ask("[r]un, [s]kip, [e]dit, [q]uit? ") else { return .quit }
            switch answer.trimmingTrailingBlanks() {
            case "r", "run", "": return .run
            case "s", "skip": return .skip
            case "q", "quit": return .quit
            case "e", "edit":
                guard let edited = console.ask("new line (was: \(text)): "), !edited.isEmpty else { continue }
                return .edit(edited)
            default: continue
            }
        }
    }

    private func saveProgress(_ line: Int) {
        guard let file = try? AppendOnlyFile(path: progressPath, truncate: true) else { return }
        try? file.append("next-line \(line)\n")
    }
}
