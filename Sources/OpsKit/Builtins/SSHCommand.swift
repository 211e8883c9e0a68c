/// `ssh HOST`: make HOST the current target; `ssh HOST CMD…`: run one
/// command there.
struct SSHCommand: Command {
    let name = "ssh"
    let summary = "make a host the current target (exit returns), or run one command there"
    let usage = "ssh HOST [COMMAND...]"
    let examples = ["ssh patroni-01-db-dr.c.gitlab-dr.internal", "ssh patroni-02-db-dr.c.gitlab-dr.internal 'sudo systemctl status patroni'"]

    func run(_ arguments: [String], in context: inout Context) async throws -> Outcome {
        guard let name = arguments.first else { throw UsageError("ssh needs a host", usage: usage) }
        guard Host.isValidName(name) else { throw FleetError.unsafeHostName(name) }
        let inventory = context.inventory
        if !inventory.hosts.isEmpty, inventory.host(named: name) == nil {
            let names = inventory.hosts.map(\.name)
            throw FleetError.unknownHost(name, suggestions: names.filter { editDistance($0, name) <= 3 || $0.hasPrefix(name) })
        }
        let target = Target(host: name)
        if arguments.count > 1 {
            // ssh's own rule: the words after the host, joined by spaces, are
            // the remote shell's command line.
            let variables = context.session.variables
            let text = try context.words.words.dropFirst(2).map { word throws(LanguageError) in try word.shellText(in: variables) }.joined(separator: " ")
            let plan = RunPlan(steps: [(target, text)], risk: context.catalog.risk(of: Array(arguments.dropFirst())), confirmationWord: name)
            if let stopped = context.check(plan) { return stopped }
            let console = context.console
            let status = try await context.executor.run(text, on: target) { console.write(bytes: $1, to: $0) }
            return Outcome(status: status)
        }
        if !context.session.dryRun {
            // Connect now, so an unreachable host is said at once and the
            // target does not change.
            do {
                let probe = try await context.executor.capture("true", on: target, limit: 1024)
                guard probe.status.isSuccess else {
                    context.console.error("cannot reach \(name): \(probe.standardError.trimmingTrailingBlanks())")
                    return Outcome(status: probe.status)
                }
            } catch {
                context.console.error("cannot reach \(name): \(error.reason)")
                return Outcome(status: .exited(255))
            }
        }
        context.session.push(target)
        return .success
    }
}
