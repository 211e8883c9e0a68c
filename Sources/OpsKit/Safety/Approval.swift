/// The one path every command takes before it runs, typed or not: the
/// plan's guards, dry-run (which stops here), confirmation, and the audit
/// `start` event. A plugin or built-in that needs a further command (a
/// restart, a status read, a probe) runs it through `runStep`/`captureStep`,
/// which take the same path; nothing else can reach the executor.
extension Context {
    /// Guards, dry-run, confirmation and audit start for `plan`, whose
    /// commands are `words` (what the guards read; for `knife ssh`, the
    /// command it carries). Nil: go ahead; else the outcome to report.
    /// - Throws: `AuditRefusal` when the audit start is not on disk.
    func approve(_ plan: RunPlan, words: [String], typed: String, parent: String? = nil) async throws(AuditRefusal) -> Outcome? {
        var plan = plan
        // Guards may look at the targets (backup-fetch lists DIR there):
        // in dry-run nothing runs, and nothing will need confirming.
        if !session.dryRun {
            plan.confirmations += await catalog.guards(for: words, on: plan.steps.map(\.target), in: self)
        }
        if let stopped = check(plan) { return stopped }
        do {
            try audit?.start(typed: typed, expanded: plan.steps + plan.followUps, secrets: session.variables.secretValues, parent: parent)
        } catch {
            throw AuditRefusal(reason: error)
        }
        return nil
    }

    /// Runs a further command on `target` for the line being run (a
    /// plugin's restart, a follow-up), through the whole path, with its own
    /// audit events under the line. Nil in dry-run (the plan was shown);
    /// a refusal (guard, confirmation, audit) is the status returned.
    public func runStep(_ command: String, on target: Target, risk: Risk, purpose: String) async throws -> ExitStatus? {
        let plan = RunPlan(steps: [(target, command)], risk: risk, confirmationWord: target.hostLabel)
        if let stopped = try await approve(plan, words: Self.words(of: command), typed: purpose, parent: typedLine) {
            return session.dryRun ? nil : stopped.status
        }
        let console = self.console
        let clock = ContinuousClock()
        let started = clock.now
        let status: ExitStatus
        do {
            status = try await executor.run(command, on: target) { console.write(bytes: $1, to: $0) }
        } catch {
            endStep(purpose, Outcome(status: .exited(255)), since: started, clock)
            throw error
        }
        endStep(purpose, Outcome(status: status), since: started, clock)
        return status
    }

    /// Runs a read-only command on `target` and returns what it printed
    /// (a probe, a status read), through the whole path and audited under
    /// the line. Nil in dry-run, where it does not run.
    public func captureStep(_ command: String, on target: Target, purpose: String, risk: Risk = .readOnly,
                            guardWords: [String]? = nil, limit: Int = 1 << 20) async throws -> CapturedOutput? {
        let plan = RunPlan(steps: [(target, command)], risk: risk, confirmationWord: target.hostLabel)
        if let stopped = try await approve(plan, words: guardWords ?? Self.words(of: command), typed: purpose, parent: typedLine) {
            return session.dryRun ? nil : CapturedOutput(status: stopped.status, standardOutput: "", standardError: "not run: \(purpose)")
        }
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let output = try await executor.capture(command, on: target, limit: limit)
            endStep(purpose, Outcome(status: output.status), since: started, clock)
            return output
        } catch {
            endStep(purpose, Outcome(status: .exited(255)), since: started, clock)
            throw error
        }
    }

    /// Runs a read-only query on this machine that a plan cannot be made
    /// without (Chef's search for `knife ssh`'s hosts); it runs in dry-run
    /// too, and says so there, since the dry-run must show those hosts.
    public func lookUp(_ command: String, purpose: String, limit: Int = 1 << 20) async throws -> CapturedOutput {
        guard session.dryRun else {
            return try await captureStep(command, on: .local, purpose: purpose, limit: limit)
                ?? CapturedOutput(status: .exited(1), standardOutput: "", standardError: "not run: \(purpose)")
        }
        console.write("dry-run: looking up on local (read-only, to plan): \(command)\n", style: .dim, to: .error)
        return try await executor.capture(command, on: .local, limit: limit)
    }

    /// Ends what the executor keeps open (SSH masters), when the shell ends.
    public func closeConnections() { executor.closeConnections() }

    /// The fan-out of an approved plan: every step at once, bounded by
    /// `concurrency` and `timeout`.
    public func fanOut(concurrency: Int?, timeout: Duration?) -> FanOut {
        FanOut(executor: executor, console: console, concurrency: concurrency, timeout: timeout)
    }

    private func endStep(_ purpose: String, _ outcome: Outcome, since started: ContinuousClock.Instant, _ clock: ContinuousClock) {
        do {
            try audit?.end(typed: purpose, outcome: outcome, seconds: started.duration(to: clock.now).inSeconds,
                           secrets: session.variables.secretValues, parent: typedLine)
        } catch {
            console.error("audit log: \(error)")
        }
    }

    /// A command's words for its guards (`sudo -n systemctl stop patroni`).
    public static func words(of command: String) -> [String] {
        (try? Words(parsing: command))?.words.map(\.symbolicText) ?? [command]
    }
}

/// A command refused because its audit `start` event could not be written.
struct AuditRefusal: Error, CustomStringConvertible {
    let reason: RecordingError

    var description: String {
        "audit log: \(reason); nothing was run. Free space there, or type `audit off` to go on knowingly without an audit log (the recording notes it)"
    }
}
