/// `ssh HOST`: make HOST the current target; `ssh HOST CMD…`: run one
/// command there, guarded and confirmed as if typed after `ssh HOST`.
struct SSHCommand: Command {
    let name = "ssh"
    let summary = "make a host the current target (exit returns), or run one command there"
    let usage = "ssh HOST [COMMAND...]"
    let examples = ["ssh patroni-01-db-dr.c.gitlab-dr.internal", "ssh patroni-02-db-dr.c.gitlab-dr.internal 'sudo systemctl status patroni'"]

    func effect(of arguments: [String]) -> Effect { arguments.count == 1 ? .movesTarget : [] }

    /// `ssh HOST CMD…`: ssh's own rule, the words after the host joined by
    /// spaces are the remote shell's command line; its guards read them.
    func plan(_ line: ExpandedLine, in context: Context) async throws -> RunPlan? {
        let arguments = line.arguments
        guard arguments.count > 1 else { return nil }
        let target = try Self.target(arguments[0], in: context.inventory)
        let text = try line.shellText(ofWordsFrom: 2)
        let inner = (try? Words(parsing: text))?.words.map(\.symbolicText) ?? Array(arguments.dropFirst())
        var plan = RunPlan(steps: [(target, text)], risk: context.catalog.risk(of: inner), confirmationWord: arguments[0])
        plan.guardWords = inner
        return plan
    }

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        let arguments = line.arguments
        guard let name = arguments.first else { throw UsageError("ssh needs a host", usage: usage) }
        let target = try Self.target(name, in: context.inventory)
        // Connect now, so an unreachable host is said at once and the
        // target does not change (not in dry-run: nothing runs there).
        do {
            if !context.session.dryRun, let probe = try await context.captureStep("true", on: target, purpose: "ssh \(name): connect"),
               !probe.status.isSuccess {
                context.console.error("cannot reach \(name): \(probe.standardError.trimmingTrailingBlanks())")
                return Outcome(status: probe.status)
            }
        } catch let error as ExecutionError {
            context.console.error("cannot reach \(name): \(error.reason)")
            return Outcome(status: .exited(255))
        }
        context.session.push(target)
        return .success
    }

    /// The host, checked against the inventory (when there is one).
    static func target(_ name: String, in inventory: Inventory) throws -> Target {
        guard Host.isValidName(name) else { throw FleetError.unsafeHostName(name) }
        if !inventory.hosts.isEmpty, inventory.host(named: name) == nil {
            let names = inventory.hosts.map(\.name)
            throw FleetError.unknownHost(name, suggestions: names.filter { editDistance($0, name) <= 3 || $0.hasPrefix(name) })
        }
        return Target(host: name)
    }
}
