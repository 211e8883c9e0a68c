/// What a command will do before it does it: the exact shell text on each
/// target, how risky it is, and the word an operator types to confirm.
public struct RunPlan: Sendable {
    /// Each target and the exact text it runs.
    public var steps: [(target: Target, command: String)]
    public var risk: Risk
    /// What the operator types to confirm a destructive command: the query
    /// (`roles:dr-base-db-patroni`) or the host's name.
    public var confirmationWord: String

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

extension Context {
    /// Dry-run and destructive-command confirmation, before anything runs:
    /// nil when the plan may run, else the outcome to report instead.
    public func check(_ plan: RunPlan) -> Outcome? {
        if session.dryRun {
            for (target, command) in plan.steps {
                console.line("dry-run: on \(target) (\(plan.risk)): \(mask(command, session.variables.secretValues))", style: .dim)
            }
            return .success
        }
        guard plan.risk == .destroysData else { return nil }
        var text = "This destroys data.\n"
        if plan.steps.count == 1, let (target, command) = plan.steps.first {
            text += "  target:  \(target)\n  command: \(mask(command, session.variables.secretValues))\n"
        } else {
            text += "  \(plan.steps.count) hosts (\(plan.confirmationWord)), each running exactly:\n"
            for (target, command) in plan.steps { text += "    \(target): \(mask(command, session.variables.secretValues))\n" }
        }
        console.write(text, style: .warning, to: .error)
        if session.assumeYes {
            console.notice("confirmation skipped: --yes")
            try? recorder?.note("confirmation skipped: --yes")
            return nil
        }
        let word = plan.confirmationWord
        guard let answer = console.ask("Type \(plan.steps.count == 1 ? "the target's name" : "the query") (\(word)) to run it: ") else {
            console.error("refused: this command destroys data and there is no terminal to confirm it; run it interactively, or pass --yes in a script")
            return Outcome(status: .exited(1))
        }
        guard answer.trimmingTrailingBlanks() == word else {
            console.error("not confirmed ('\(answer)' is not '\(word)'); nothing was run")
            return Outcome(status: .exited(1))
        }
        try? recorder?.note("confirmed: typed \"\(word)\"")
        return nil
    }
}
