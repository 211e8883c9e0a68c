import OpsKit

extension PatroniPlugin {
    /// The runbook's step 9: never stop or restart Patroni on the leader.
    /// `systemctl stop|restart patroni` aimed at a host that leads needs
    /// the host's name typed; so does one aimed at a host whose role cannot
    /// be told (its API down, no `patroni_api`, a member that matches no
    /// host): the guard fails closed. Who leads is asked at that moment,
    /// of each target itself (`MemberHosts`).
    public func guards(for words: [String], on targets: [Target], in context: Context) async -> [Confirmation] {
        guard Self.stopsPatroni(words) else { return [] }
        let identities = await withTaskGroup(of: (Int, MemberHosts.Identity).self) { group in
            for (index, target) in targets.enumerated() {
                group.addTask { (index, await MemberHosts.identity(of: target, in: context.inventory)) }
            }
            var found = [MemberHosts.Identity](repeating: .unknown(""), count: targets.count)
            for await (index, identity) in group { found[index] = identity }
            return found
        }
        return zip(targets, identities).compactMap { target, identity in
            switch identity {
            case .member(let name, let role) where role.leads:
                return Confirmation(
                    reason: "\(target.hostLabel) is the cluster's \(role.rawValue.lowercased())\(name == target.hostLabel ? "" : " (member \(name))"). "
                        + "Stopping or restarting Patroni there takes the cluster's leader away (the runbook: never do this on the leader; cycle the replicas instead).",
                    word: target.hostLabel)
            case .member:
                return nil
            case .unknown(let why):
                return Confirmation(
                    reason: "It cannot be told whether \(target.hostLabel) leads the Patroni cluster: \(why). Stopping Patroni on the leader takes the cluster's leader away.",
                    word: target.hostLabel)
            }
        }
    }

    /// `[sudo] systemctl stop|restart|kill|try-restart patroni[.service]`.
    public static func stopsPatroni(_ words: [String]) -> Bool {
        guard let invocation = ToolInvocation.find(in: words, isTool: { $0 == "systemctl" || $0.hasSuffix("/systemctl") }) else { return false }
        let arguments = invocation.arguments.filter { !$0.hasPrefix("-") }
        guard let verb = arguments.first, ["stop", "restart", "kill", "try-restart", "reload-or-restart"].contains(verb) else { return false }
        return arguments.dropFirst().contains { $0 == "patroni" || $0 == "patroni.service" }
    }
}
