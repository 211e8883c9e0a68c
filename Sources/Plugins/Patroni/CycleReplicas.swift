import ArgumentParser
import OpsKit

/// `patronictl cycle-replicas` (ours): the runbook's step 9 without cron.
struct CycleReplicas: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cycle-replicas",
        abstract: "Restart Patroni on the replicas only, every so often, until their lag is under a bound.")

    @Option(name: .long, help: "Time between cycles, e.g. 2h.")
    var every: String = "2h"

    @Option(name: .long, help: "Stop once every replica's lag is at most this, e.g. 100MB.")
    var maxLag: String = "100MB"

    @Option(name: .long, help: "Stop after this many cycles (default: until the lag bound is met or Ctrl-C).")
    var cycles: Int?

    @Option(name: .long, help: "Keep a replica stopped at most this long waiting for the leader to drop its slot (default: from member_slots_ttl and ttl).")
    var maxStopped: String?

    @Option(name: .long, help: "The SQL client on the leader's host, for reading its slots.")
    var psql: String = "gitlab-psql"

    static let usage = "patronictl cycle-replicas [--every 2h] [--max-lag 100MB] [--cycles N] [--max-stopped 10m] [--psql gitlab-psql]"
}

extension PatroniPlugin {
    /// A cycle stops Patroni on a replica, waits for the leader to drop the
    /// replica's slot, and starts it again.
    static let stop = "sudo -n systemctl stop patroni"
    static let start = "sudo -n systemctl start patroni"

    /// The plan: the stop and the start on each replica's host as the
    /// cluster stands now, so dry-run shows exactly where they would run.
    func planCycle(_ call: ToolCall, in context: Context) async throws -> RunPlan {
        let steps = try await replicaHosts(in: context).flatMap { [(Target(host: $0.host.name), Self.stop), (Target(host: $0.host.name), Self.start)] }
        var plan = RunPlan(steps: steps, risk: .changesState, confirmationWord: "replicas")
        plan.guardWords = Context.words(of: Self.stop)
        return plan
    }

    /// Each cycle restarts Patroni on every replica, each restart a command
    /// of its own through the shell's one path: the leader guard asks that
    /// host, at that moment, whether it leads (a failover in between is
    /// caught there, and a host it cannot tell about is asked about), and
    /// the audit log has each restart. Stops when the lag bound is met,
    /// after `--cycles`, or at Ctrl-C, and says which.
    func cycleReplicas(_ call: ToolCall, _ arguments: [String], in context: Context) async throws -> Outcome {
        let options = try CycleReplicas.parse(arguments)
        let usage = CycleReplicas.usage
        guard let every = DurationText.parse(options.every) else { throw UsageError("--every needs a duration such as 2h", usage: usage) }
        guard let bound = ClusterCondition.megabytes(options.maxLag) else { throw UsageError("--max-lag needs a size such as 100MB", usage: usage) }
        let maxStopped = try options.maxStopped.map { text -> Int in
            guard let value = DurationText.parse(text) else { throw UsageError("--max-stopped needs a duration such as 10m", usage: usage) }
            return Int(value.inSeconds)
        }
        let console = context.console
        var cycle = 0
        var totals = SlotRelease.Totals()
        while true {
            let members = try await self.members(call, in: context)
            if options.cycles == nil, ClusterCondition(maxLagMB: bound).unmet(members) == nil {
                console.line("cycle-replicas: every replica's lag is at most \(bound) MB; stopping after \(cycle) cycles", style: .success)
                return totals.outcome(console)
            }
            if let limit = options.cycles, cycle >= limit {
                console.line("cycle-replicas: \(cycle) cycles done (--cycles \(limit))", style: .success)
                return totals.outcome(console)
            }
            cycle += 1
            let release = try await SlotRelease.prepare(psql: options.psql, maxStopped: maxStopped, in: context)
            for (replica, host) in try await release.ordered(try await replicaHosts(in: context), name: \.member.name, in: context) {
                let lag = members.first { $0.name == replica.name }?.worstLagMB
                console.line("cycle \(cycle): restarting Patroni on replica \(replica.name) (\(host.name), lag \(lag.map { "\($0) MB" } ?? "unknown"))")
                let result = try await release.cycle(replica.name, on: host.name, in: context)
                switch result {
                case .interrupted: return stopped(after: cycle, console)
                case .failed(let status):
                    console.error("cycle-replicas: restarting Patroni on \(host.name) failed or was refused (\(status)); stopping")
                    return Outcome(status: status)
                case .measured(let freed): totals.add(freed)
                case .dryRun: continue
                }
            }
            if options.cycles.map({ cycle >= $0 }) == true { continue }
            do { try await Task.sleep(for: every) } catch { return stopped(after: cycle, console) }
        }
    }

    /// The replicas as the cluster lists them now, each with its inventory
    /// host, matched by REST API or address (`MemberHosts`), never by name.
    func replicaHosts(in context: Context) async throws -> [(member: MemberHosts.Listed, host: Host)] {
        guard let api = try await Self.clusterAPI(for: context) else {
            throw UsageError("cycle-replicas needs a Patroni REST API to read the cluster: give the hosts patroni_api in the inventory",
                             usage: CycleReplicas.usage)
        }
        let members = try await MemberHosts.cluster(at: api)
        return try members.filter { !$0.role.leads }.map { member in
            switch MemberHosts.host(of: member, in: context.inventory) {
            case .success(let host): return (member, host)
            case .failure(let mismatch): throw mismatch
            }
        }
    }

    /// The REST API to read the cluster from: the target's, or on this
    /// machine the first of the inventory's that answers.
    static func clusterAPI(for context: Context) async throws -> String? {
        if let api = restAPI(for: context) { return api }
        guard context.session.target.isLocal, let inventory = InventoryCluster(context.inventory) else { return nil }
        return try await inventory.members(of: nil).source.api
    }

    private func stopped(after cycles: Int, _ console: any Console) -> Outcome {
        console.notice("cycle-replicas: stopped by Ctrl-C after \(cycles) cycles; the replicas run as they are")
        return Outcome(status: .interrupted)
    }
}
