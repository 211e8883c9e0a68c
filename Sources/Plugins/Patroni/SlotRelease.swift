import Foundation
import OpsKit

/// One replica's cycle, measured: the WAL its slot holds on the leader,
/// Patroni stopped until the leader has dropped that slot (or a bound), Patroni
/// started again, and what was freed. Every command (the stop, the start,
/// each read of the leader's slots) goes through the one path.
struct SlotRelease: Sendable {
    let leaderHost: String
    let psql: String
    let retention: SlotRetention
    /// Seconds a replica stays stopped waiting for its slot to go.
    let bound: Int

    /// What became of one replica's cycle.
    enum Result {
        case measured(Freed)
        case failed(ExitStatus)
        case interrupted
        case dryRun
    }

    /// The bytes one cycle freed, or why it freed none.
    struct Freed: Sendable {
        var member: String
        var retainedBefore: Int64
        var dropped: Bool
        var waitedSeconds: Int
    }

    /// The sum over a run, and its outcome: a slot that was not dropped
    /// is a failure (the disk is still filling), not a success.
    struct Totals {
        var freed: Int64 = 0
        var notDropped: [String] = []

        mutating func add(_ result: Freed) {
            if result.dropped { freed += result.retainedBefore } else { notDropped.append(result.member) }
        }

        func outcome(_ console: any Console) -> Outcome {
            guard notDropped.isEmpty else {
                console.error("cycle-replicas: the leader kept the slots of \(notDropped.joined(separator: ", ")): their WAL was not freed")
                return Outcome(status: .exited(1))
            }
            console.line("cycle-replicas: freed \(CatchUpReport.bytes(freed)) of WAL the replicas' slots held on the leader", style: .success)
            return .success
        }
    }

    /// Finds the leader and how long its Patroni keeps a stopped member's
    /// slot, and says so before the first stop.
    static func prepare(psql: String, maxStopped: Int?, in context: Context) async throws -> SlotRelease {
        guard let api = try await PatroniPlugin.clusterAPI(for: context) else {
            throw UsageError("cycle-replicas needs a Patroni REST API: give the hosts patroni_api in the inventory", usage: CycleReplicas.usage)
        }
        let listed = try await MemberHosts.cluster(at: api)
        guard let leader = listed.first(where: { $0.role.leads }) else {
            throw PatroniAPI.Failure(description: "the cluster has no leader now: there is no slot to free; wait for one (patronictl wait --leader)")
        }
        let host: OpsKit.Host
        switch MemberHosts.host(of: leader, in: context.inventory) {
        case .success(let found): host = found
        case .failure(let mismatch): throw mismatch
        }
        let retention = try await SlotRetention.read(at: leader.api ?? api)
        let bound = maxStopped ?? retention.bound
        context.console.line("cycle-replicas: \(retention.explanation); each replica stays stopped until the leader \(leader.name) "
            + "drops its slot, at most \(bound) s\(maxStopped == nil ? "" : " (--max-stopped)")")
        return SlotRelease(leaderHost: host.name, psql: psql, retention: retention, bound: bound)
    }

    /// The replicas, those whose slots hold the most WAL first: they are
    /// what fills the leader's disk, so they are freed first.
    func ordered<Replica>(_ replicas: [Replica], name: (Replica) -> String, in context: Context) async throws -> [Replica] {
        guard let wal = try await LeaderWAL.read(on: leaderHost, psql: psql, in: context) else { return replicas }
        let held = Dictionary(wal.slots.map { ($0.name, $0.retainedBytes ?? 0) }, uniquingKeysWith: max)
        return replicas.enumerated().sorted { first, second in
            let a = held[LeaderWAL.slotName(ofMember: name(first.element))] ?? 0, b = held[LeaderWAL.slotName(ofMember: name(second.element))] ?? 0
            return a != b ? a > b : first.offset < second.offset
        }.map(\.element)
    }

    /// Cycles `member` on `host`: measure, stop, wait for the slot to go, start, report.
    func cycle(_ member: String, on host: String, in context: Context) async throws -> Result {
        let console = context.console
        let slot = LeaderWAL.slotName(ofMember: member)
        guard let before = try await LeaderWAL.read(on: leaderHost, psql: psql, in: context) else { return .dryRun }
        let held = before.slots.first { $0.name == slot }
        console.line("  slot \(slot) on the leader holds \(held.map { CatchUpReport.bytes($0.retainedBytes ?? 0) } ?? "nothing (no such slot)"); "
            + "pg_wal is \(CatchUpReport.bytes(before.walBytes))")
        let target = Target(host: host)
        guard let stopped = try await context.runStep(PatroniPlugin.stop, on: target, risk: .changesState,
                                                      purpose: "cycle-replicas: restart Patroni on replica \(member) (stop)") else { return .dryRun }
        if stopped == .interrupted { return .interrupted }
        guard stopped.isSuccess else { return .failed(stopped) }
        let clock = ContinuousClock()
        let start = clock.now
        var dropped = held == nil
        var interrupted = false
        while !dropped, start.duration(to: clock.now) < .seconds(bound) {
            do { try await Task.sleep(for: .seconds(max(2, min(retention.loopWait, 10)))) } catch { interrupted = true; break }
            dropped = try await LeaderWAL.read(on: leaderHost, psql: psql, in: context).map { !$0.slots.contains { $0.name == slot } } ?? true
        }
        let waited = Int(start.duration(to: clock.now).inSeconds)
        // Started again whatever happened: a replica is never left stopped, not even at Ctrl-C.
        guard let started = try await context.runStep(PatroniPlugin.start, on: target, risk: .changesState,
                                                      purpose: "cycle-replicas: restart Patroni on replica \(member) (start)") else { return .dryRun }
        guard started.isSuccess else { return .failed(started) }
        if interrupted { return .interrupted }
        let after = try await LeaderWAL.read(on: leaderHost, psql: psql, in: context)
        let retained = held?.retainedBytes ?? 0
        if dropped {
            console.line("  the leader dropped slot \(slot) after \(waited) s: freed \(CatchUpReport.bytes(retained)) of WAL it held; "
                + "pg_wal \(CatchUpReport.bytes(before.walBytes)) → \(after.map { CatchUpReport.bytes($0.walBytes) } ?? "?") "
                + "(files go at the leader's next restartpoint)", style: .success)
        } else {
            console.error("cycle-replicas: after \(waited) s stopped, " + retention.remedies(slot: slot))
        }
        return .measured(Freed(member: member, retainedBefore: retained, dropped: dropped, waitedSeconds: waited))
    }
}
