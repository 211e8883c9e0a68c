/// What a command will do before it does it: the exact shell text on each
/// target, how risky it is, and the word an operator types to confirm.
public struct RunPlan: Sendable {
    /// Each target and the exact text it runs.
    public var steps: [(target: Target, command: String)]
    public var risk: Risk
    /// What the operator types to confirm a destructive command: the query
    /// (`roles:dr-base-db-patroni`) or the host's name.
    public var confirmationWord: String
    /// What the word names, for the prompt when it is not the target or
    /// the query (`the prefix` for `consul kv delete -recurse`).
    public var confirmationNoun: String?
    /// Confirmations a plugin asks for whatever the risk (stopping Patroni
    /// on the leader).
    public var confirmations: [Confirmation] = []
    /// The command's words as the guards read them, when they are not the
    /// line's own (`ssh HOST 'sudo systemctl stop patroni'`).
    public var guardWords: [String]?
    /// Set by `bg`: the steps start detached, as this job.
    public var job: String?
    /// A directory whose size is the job's progress (a restore's target).
    public var watch: String?
    /// What the watched directory will hold at the end, asked per target
    /// as the job starts (see `LongRun.expectedBytes`).
    public var expectedBytes: (@Sendable (Target, Context) async -> Int64?)?
    /// Commands the plugin runs after the steps, each through the same path
    /// (`systemctl status` after `systemctl start`): shown in dry-run and
    /// confirmation, audited as they run.
    public var followUps: [(target: Target, command: String)] = []

    public init(steps: [(target: Target, command: String)], risk: Risk, confirmationWord: String) {
        self.steps = steps
        self.risk = risk
        self.confirmationWord = confirmationWord
    }

    /// One command on the session's current target.
    public static func here(_ command: String, risk: Risk, in session: Session) -> RunPlan {
        RunPlan(steps: [(session.target, command)], risk: risk, confirmationWord: session.target.hostLabel)
    }
}

/// A question a plugin wants answered before a command runs: why, and the
/// word to type.
public struct Confirmation: Sendable, Equatable {
    public var reason: String
    public var word: String

    public init(reason: String, word: String) {
        self.reason = reason
        self.word = word
    }
}

extension Context {
    /// Dry-run and destructive-command confirmation, before anything runs:
    /// nil when the plan may run, else the outcome to report instead.
    public func check(_ plan: RunPlan) -> Outcome? {
        if session.dryRun {
            let detached = plan.job.map { " (as job %\($0), detached)" } ?? ""
            for (target, command) in plan.steps {
                console.line("dry-run: on \(target) (\(plan.risk)): \(mask(command, session.variables.secretValues))\(detached)", style: .dim)
            }
            for (target, command) in plan.followUps {
                console.line("dry-run: then on \(target): \(mask(command, session.variables.secretValues))", style: .dim)
            }
            return .success
        }
        for confirmation in plan.confirmations {
            if let refused = confirm(confirmation) { return refused }
        }
        guard plan.risk == .destroysData else { return nil }
        var text = "This destroys data.\n"
        if plan.steps.count == 1, let (target, command) = plan.steps.first {
            text += "  target:  \(target)\n  command: \(mask(command, session.variables.secretValues))\n"
        } else {
            text += "  \(plan.steps.count) hosts (\(plan.confirmationWord)), each running exactly:\n"
            for (target, command) in plan.steps { text += "    \(target): \(mask(command, session.variables.secretValues))\n" }
        }
        for (target, command) in plan.followUps { text += "  then on \(target): \(mask(command, session.variables.secretValues))\n" }
        console.write(text, style: .warning, to: .error)
        let noun = plan.confirmationNoun ?? (plan.steps.count == 1 ? "the target's name" : "the query")
        let prompt = "Type \(noun) (\(plan.confirmationWord)) to run it: "
        return confirm(Confirmation(reason: "", word: plan.confirmationWord), prompt: prompt)
    }
}

extension Context {
    /// Asks for a confirmation: the word typed, `--yes` in a script (noted
    /// in the recording), or refused. Nil when given.
    func confirm(_ confirmation: Confirmation, prompt: String? = nil, skipped: String = "confirmation skipped: --yes") -> Outcome? {
        if !confirmation.reason.isEmpty { console.write(confirmation.reason + "\n", style: .warning, to: .error) }
        if session.assumeYes {
            console.notice(skipped)
            try? recorder?.note(skipped)
            return nil
        }
        guard let answer = console.ask(prompt ?? "Type \(confirmation.word) to go on: ") else {
            console.error("refused: this needs a person to confirm it and there is no terminal; run it interactively, or pass --yes in a script")
            return Outcome(status: .exited(1))
        }
        guard answer.trimmingTrailingBlanks() == confirmation.word else {
            console.error("not confirmed ('\(answer)' is not '\(confirmation.word)'); nothing was run")
            return Outcome(status: .exited(1))
        }
        try? recorder?.note("confirmed: typed \"\(confirmation.word)\"")
        return nil
    }
}
