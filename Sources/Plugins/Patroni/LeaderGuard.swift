import OpsKit

extension PatroniPlugin {
    /// The runbook's step 9: never stop or restart Patroni on the leader.
    /// `systemctl stop|restart patroni` aimed at the current leader needs
    /// the leader's name typed; who leads is asked of Patroni's REST API
    /// (`patroni_api` in the inventory) at that moment.
    public func guards(for words: [String], on targets: [Target], in context: Context) async -> [Confirmation] {
        guard Self.stopsPatroni(words) else { return [] }
        let hosts = targets.compactMap(\.host)
        guard !hosts.isEmpty else { return [] }
        guard let leader = await Self.leader(near: hosts, in: context.inventory) else {
            if !hosts.contains(where: { context.inventory.host(named: $0)?.attributes["patroni_api"] != nil }) { return [] }
            return [Confirmation(reason: "No Patroni REST API answered, so it is unknown whether \(hosts.joined(separator: ", ")) leads the cluster.",
                                 word: "unknown-leader")]
        }
        guard hosts.contains(leader.name) else { return [] }
        return [Confirmation(
            reason: "\(leader.name) is the cluster's \(leader.role.rawValue.lowercased()). Stopping or restarting Patroni there "
                + "takes the cluster's leader away (the runbook: never do this on the leader; cycle the replicas instead).",
            word: leader.name)]
    }

    /// `[sudo] systemctl stop|restart|kill|try-restart patroni[.service]`.
    public static func stopsPatroni(_ words: [String]) -> Bool {
        guard let invocation = ToolInvocation.find(in: words, isTool: { $0 == "systemctl" || $0.hasSuffix("/systemctl") }) else { return false }
        let arguments = invocation.arguments.filter { !$0.hasPrefix("-") }
        guard let verb = arguments.first, ["stop", "restart", "kill", "try-restart", "reload-or-restart"].contains(verb) else { return false }
        return arguments.dropFirst().contains { $0 == "patroni" || $0 == "patroni.service" }
    }

    /// The leading member, asked of the first REST API that answers: the
    /// hosts' own first, then other hosts of their roles.
    static func leader(near hosts: [String], in inventory: Inventory) async -> PatroniMember? {
        let own = hosts.compactMap { inventory.host(named: $0) }
        let roles = Set(own.flatMap(\.roles))
        let peers = inventory.hosts.filter { !hosts.contains($0.name) && !roles.isDisjoint(with: $0.roles) }
        for host in own + peers {
            guard let api = host.attributes["patroni_api"], let members = try? await PatroniAPI.cluster(at: api) else { continue }
            return members.first { $0.role.leads }
        }
        return nil
    }
}
