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
}

extension PatroniPlugin {
    /// Each cycle re-reads who leads and restarts Patroni on every other
    /// member — re-checking just before each one, so a failover in between
    /// never gets the new leader restarted. Stops when the lag bound is met,
    /// after `--cycles`, or at Ctrl-C, and says which.
    func cycleReplicas(_ call: ToolCall, _ arguments: [String], in context: Context) async throws -> Outcome {
        let options = try CycleReplicas.parse(arguments)
        let usage = "patronictl cycle-replicas [--every 2h] [--max-lag 100MB] [--cycles N]"
        guard let every = DurationText.parse(options.every) else { throw UsageError("--every needs a duration such as 2h", usage: usage) }
        guard let bound = ClusterCondition.megabytes(options.maxLag) else { throw UsageError("--max-lag needs a size such as 100MB", usage: usage) }
        let console = context.console
        var cycle = 0
        while true {
            let members = try await self.members(call, in: context)
            if options.cycles == nil, ClusterCondition(maxLagMB: bound).unmet(members) == nil {
                console.line("cycle-replicas: every replica's lag is at most \(bound) MB; stopping after \(cycle) cycles", style: .success)
                return .success
            }
            if let limit = options.cycles, cycle >= limit {
                console.line("cycle-replicas: \(cycle) cycles done (--cycles \(limit))", style: .success)
                return .success
            }
            cycle += 1
            for replica in members where !replica.role.leads {
                // Who leads now? A failover since the list above must not
                // get the new leader restarted.
                let current = try await self.members(call, in: context)
                guard current.first(where: { $0.name == replica.name }).map({ !$0.role.leads }) == true else {
                    console.notice("\(replica.name) leads now; not restarting it")
                    continue
                }
                guard context.inventory.host(named: replica.name) != nil else {
                    throw UsageError("member \(replica.name) is not a host in the inventory, so it cannot be reached", usage: usage)
                }
                console.line("cycle \(cycle): restarting Patroni on replica \(replica.name) (lag \(replica.worstLagMB.map { "\($0) MB" } ?? "unknown"))")
                let status = try await context.executor.run("sudo -n systemctl stop patroni && sudo -n systemctl start patroni",
                                                            on: Target(host: replica.name)) { console.write(bytes: $1, to: $0) }
                if status == .interrupted { return stopped(after: cycle, console) }
                guard status.isSuccess else {
                    console.error("cycle-replicas: restarting Patroni on \(replica.name) failed (\(status)); stopping")
                    return Outcome(status: status)
                }
            }
            if options.cycles.map({ cycle >= $0 }) == true { continue }
            do { try await Task.sleep(for: every) } catch { return stopped(after: cycle, console) }
        }
    }

    private func stopped(after cycles: Int, _ console: any Console) -> Outcome {
        console.notice("cycle-replicas: stopped by Ctrl-C after \(cycles) cycles; the replicas run as they are")
        return Outcome(status: .interrupted)
    }
}
