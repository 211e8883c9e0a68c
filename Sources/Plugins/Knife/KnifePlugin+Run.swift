import OpsKit

extension KnifePlugin {
    public func embeddedCommandIndex(in arguments: [String]) -> Int? {
        grammar.resolve(arguments).path.first?.name == "ssh" ? KnifeSSH.commandIndex(in: arguments) : nil
    }

    /// After `knife ssh` (or `knife search node`): the inventory's roles as
    /// queries, and its host names.
    public func liveCompletions(for invocation: ToolInvocation, prefix: String, session: Session, inventory: Inventory) -> [String] {
        let (path, positionals) = grammar.resolve(invocation.arguments)
        guard positionals.isEmpty, ["ssh", "search"].contains(path.first?.name) else { return [] }
        return inventory.roles.map { "roles:\($0)" } + inventory.hosts.map(\.name) + ["name:", "*:*"]
    }

    public func plan(_ call: ToolCall, risk: Risk, in context: Context) async throws -> RunPlan {
        guard grammar.resolve(call.invocation.arguments).path.first?.name == "ssh" else {
            return .here(call.shellText, risk: risk, in: context.session)
        }
        let ssh = try KnifeSSH.parse(call.invocation.arguments)
        guard let word = call.word(ofArgument: ssh.commandIndex) else { throw UsageError("no command", usage: KnifeSSH.usage) }
        // The inner command keeps its own quoting: values are spliced quoted
        // for where they land inside it.
        let command = try word.shellText(in: context.session.variables)
        let targets = try await self.targets(for: ssh, in: context)
        return RunPlan(steps: targets.map { ($0, command) }, risk: risk, confirmationWord: ssh.query)
    }

    public func run(_ call: ToolCall, plan: RunPlan, in context: inout Context) async throws -> Outcome {
        let path = grammar.resolve(call.invocation.arguments)
        switch path.path.map(\.name) {
        case ["ssh"]:
            let ssh = try KnifeSSH.parse(call.invocation.arguments)
            var fanOut = context.fanOut(concurrency: ssh.concurrency, timeout: ssh.timeout)
            // The inner tool reads each host's output only when the command
            // is that tool alone, not a pipeline around it.
            let inner = (try? Words(parsing: call.invocation.arguments[ssh.commandIndex]))
                .flatMap { $0.hasShellSyntax ? nil : context.catalog.tool(in: $0.words.map(\.symbolicText)) }
            fanOut.collectsOutput = inner.map { $0.plugin.readsOutput(of: $0.invocation) } ?? false
            let clock = ContinuousClock()
            let started = clock.now
            let outcomes = await fanOut.run(plan.steps)
            if let (plugin, invocation) = inner, fanOut.collectsOutput {
                printRecords(outcomes, plugin: plugin, invocation: invocation, json: ssh.json, on: context.console)
            }
            fanOut.summarize(outcomes, seconds: started.duration(to: clock.now).inSeconds)
            return Outcome(status: outcomes.overallStatus, hosts: outcomes)
        case _ where ChefSearch.isConfigured():
            return try await context.runTool(call.invocation, shellText: call.shellText, named: name)
        case ["search"], ["search", "node"]:
            guard let query = path.positionals.last else { throw UsageError("knife search node needs a query", usage: "knife search node QUERY") }
            let hosts = try context.inventory.hosts(matching: HostQuery(query))
            list(hosts, on: context.console)
            return .success
        case ["node", "list"]:
            for host in context.inventory.hosts { context.console.line(host.name) }
            return .success
        case ["role", "list"]:
            for role in context.inventory.roles { context.console.line(role) }
            return .success
        default:
            context.console.error("knife: Chef's knife is not installed and configured here; without it the inventory answers `knife ssh`, `knife search node`, `knife node list` and `knife role list`")
            return Outcome(status: .exited(127))
        }
    }

    /// The hosts a `knife ssh` reaches: Chef search when a configured knife
    /// is here (the inventory then only adds connection settings), else the
    /// inventory. With `-a`, each is reached at that attribute's value.
    private func targets(for ssh: KnifeSSH, in context: Context) async throws -> [Target] {
        var found: [(name: String, address: String?)]
        if ssh.manualList {
            found = ssh.query.split(separator: " ").map { (String($0), nil) }
            if ssh.attribute != nil { throw UsageError("-a needs a search query, not -m: a list of names has no attributes", usage: KnifeSSH.usage) }
        } else if ChefSearch.isConfigured() {
            let nodes = try await ChefSearch.nodes(matching: ssh.query, attribute: ssh.attribute ?? "fqdn", in: context)
            guard !nodes.isEmpty else { throw FleetError.noHosts(query: ssh.query, known: []) }
            found = nodes.map { ($0.name, ssh.attribute == nil ? nil : $0.value) }
            if let attribute = ssh.attribute, let missing = nodes.first(where: { $0.value == nil }) {
                throw FleetError.missingAttribute(host: missing.name, attribute: attribute)
            }
        } else {
            let hosts = try context.inventory.hosts(matching: HostQuery(ssh.query))
            found = try hosts.map { host in
                guard let attribute = ssh.attribute else { return (host.name, nil) }
                guard let value = host.value(of: attribute) else { throw FleetError.missingAttribute(host: host.name, attribute: attribute) }
                return (host.name, value)
            }
        }
        return try found.map { name, address in
            guard Host.isValidName(name) else { throw FleetError.unsafeHostName(name) }
            guard let address else { return Target(host: name) }
            guard let usable = Host.sshAddress(address) else { throw FleetError.unsafeHostName(address) }
            return Target(host: name, address: usable)
        }
    }

    /// One table for all hosts, with a host column; a host whose output the
    /// plugin cannot read is shown as it printed it.
    private func printRecords(_ outcomes: [HostOutcome], plugin: any Plugin, invocation: ToolInvocation, json: Bool, on console: any Console) {
        var tables: [(host: String, table: RecordTable)] = []
        let width = outcomes.map(\.host.count).max() ?? 0
        for outcome in outcomes {
            guard let output = outcome.output else { continue }
            if let table = plugin.table(for: invocation, output: output) {
                tables.append((outcome.host, table))
            } else {
                // With --json, stdout holds the JSON document and nothing else.
                for line in output.standardOutput.textLines where !line.isEmpty {
                    console.write(outcome.host.padded(to: width) + " " + line + "\n", style: .plain, to: json ? .error : .output)
                }
                for line in output.standardError.textLines where !line.isEmpty { console.write(outcome.host.padded(to: width) + " " + line + "\n", style: .plain, to: .error) }
            }
        }
        if let merged = RecordTable.merged(tables) { console.write(json ? merged.json() + "\n" : merged.rendered(), style: .plain, to: .output) }
    }

    private func list(_ hosts: [Host], on console: any Console) {
        let width = hosts.map(\.name.count).max() ?? 0
        console.line("\(hosts.count) \(hosts.count == 1 ? "host" : "hosts") found")
        for host in hosts {
            let address = host.address.map { " \($0)\(host.port.map { ":\($0)" } ?? "")" } ?? ""
            console.line(host.name.padded(to: width) + "  roles: " + host.roles.joined(separator: ",") + address)
        }
    }
}
