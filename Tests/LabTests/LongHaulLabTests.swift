import Foundation
import OpsKit
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Whether the lab runs in long-haul mode (`LAB_LONG=1 make lab-up`; `make lab-long-test` sets this).
let labLong = getenv("OPSSHELL_LAB_LONG").map { String(cString: $0) != "" && String(cString: $0) != "0" } ?? false

/// The seed's step 9 danger for real, in the lab's long-haul mode: a
/// replica rebuilt from the base backup replays the archive slowly (pv -L)
/// while production writes, and the standby leader's pg_wal (a small tmpfs)
/// fills through the replica's slot. First the control (no remedy: the
/// slot's WAL grows past a threshold), then the built-in runbook's step 11
/// (`cycle-replicas`, `catch-up`): the slot's WAL is released, the disk
/// never fills, and catch-up's ETA is held against the time node 3 took.
@Suite("Long haul: the leader's disk while a replica restores", .serialized,
       .enabled(if: labInventory != nil && labLong, "needs the lab in long-haul mode: make lab-long-test"))
struct LongHaulLabTests {
    static let leader = "patroni-01-db-dr.c.gitlab-dr.internal"
    static let rebuilt = "patroni-03-db-dr.c.gitlab-dr.internal"
    static let slot = "patroni_03_db_dr_c_gitlab_dr_internal"
    static let mib: Int64 = 1 << 20

    /// One `catch-up --json` report, read through the shell as an operator would.
    struct Report {
        var document: [String: Any]
        var time = Date()
        var leader: [String: Any] { document["leader"] as? [String: Any] ?? [:] }
        var walBytes: Int64 { (leader["wal_bytes"] as? NSNumber)?.int64Value ?? -1 }
        var diskFree: Int64 { (leader["disk_free_bytes"] as? NSNumber)?.int64Value ?? -1 }
        var slotRetained: Int64? { ((document["slots"] as? [[String: Any]])?.first { $0["name"] as? String == slot }?["retained_bytes"] as? NSNumber)?.int64Value }
        var member: [String: Any] { (document["members"] as? [[String: Any]])?.first { $0["name"] as? String == rebuilt } ?? [:] }
        var lag: Int64? { (member["replay_lag_bytes"] as? NSNumber)?.int64Value }
        var eta: Double? { (member["eta_seconds"] as? NSNumber)?.doubleValue }
        var state: String { member["state"] as? String ?? "" }
    }

    func report() async throws -> Report {
        let result = try await ShellBinary.run(["--inventory", labInventory!, "-c", "patronictl catch-up --json --samples 2 --every 5s"])
        let line = try #require(result.output.textLines.last { $0.hasPrefix("{") }, "catch-up printed no JSON: \(result.output) \(result.error)")
        return Report(document: try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]))
    }

    func onHost(_ host: String, _ command: String) async throws -> ShellBinary.Result {
        try await ShellBinary.run(["--inventory", labInventory!, "--yes", "-c", "ssh \(host) '\(command)'"])
    }

    @Test("without a remedy the slot of a restoring replica fills pg_wal; cycle-replicas releases it, the disk never fills, catch-up's ETA holds")
    func controlThenRemedy() async throws {
        let started = Date()
        var reports: [Report] = []
        let first = try await report()
        reports.append(first)
        let size = try #require((first.leader["disk_size_bytes"] as? NSNumber)?.int64Value)
        #expect(size <= 512 * Self.mib, "pg_wal is not on a small filesystem of its own (\(size) bytes): is the lab in long-haul mode?")
        #expect(first.leader["name"] as? String == Self.leader)

        // Node 3 is rebuilt as steps 1-8 do it: Patroni stopped, the data directory wiped, and (below) started
        // again, which restores the base backup and replays the archive at the throttle's rate.
        let wipe = try await onHost(Self.rebuilt, "sudo systemctl stop patroni && sudo rm -rf /var/opt/gitlab/postgresql/data")
        #expect(wipe.status == 0, "\(wipe.error)")
        let baseline = first.walBytes

        // The control: no remedy. Node 3's member key expires (ttl 30 s), but Patroni 4.x keeps its slot
        // (member_slots_ttl 1800 s): the slot holds WAL and pg_wal grows past the threshold.
        let threshold = baseline + 48 * Self.mib
        var control: Report?
        while Date().timeIntervalSince(started) < 420 {
            let now = try await report()
            reports.append(now)
            if now.walBytes > threshold, (now.slotRetained ?? 0) > 48 * Self.mib {
                control = now
                break
            }
            try await Task.sleep(for: .seconds(5))
        }
        let danger = try #require(control, "the danger was not reproduced: pg_wal stayed under \(threshold) bytes: \(reports.map(\.walBytes))")
        #expect(danger.state != "streaming", "node 3 is stopped, yet its slot holds WAL")
        let controlMinutes = danger.time.timeIntervalSince(started) / 60

        // Node 3 restores; it is cycled once it replays the archive (not while it fetches the base
        // backup: cycling then would break its restore).
        let start = try await onHost(Self.rebuilt, "sudo systemctl start patroni")
        #expect(start.status == 0, "\(start.error)")
        var replaying: Report?
        let restoreStarted = Date()
        while Date().timeIntervalSince(restoreStarted) < 300 {
            let now = try await report()
            reports.append(now)
            if ["running", "in archive recovery"].contains(now.state) { replaying = now; break }
            try await Task.sleep(for: .seconds(5))
        }
        let before = try #require(replaying, "node 3 did not start replaying within 5 minutes")
        let retainedBefore = try #require(before.slotRetained)

        // The remedy, the runbook's step 11. member_slots_ttl is lowered to 0 for the test (Patroni 4.x keeps a
        // departed member's slot 1800 s by default), as the runbook's remedy line says.
        let lowered = try await onHost(Self.leader, "gitlab-patronictl edit-config -s member_slots_ttl=0 --force")
        #expect(lowered.status == 0, "\(lowered.error)")
        try await Task.sleep(for: .seconds(6))  // one loop_wait: the leader has read it
        let cycle = try await ShellBinary.run(["--inventory", labInventory!, "-c", "ssh \(Self.leader)",
                                               "-c", "gitlab-patronictl cycle-replicas --cycles 1 --every 1s --max-stopped 3m"])
        #expect(cycle.status == 0, "\(cycle.output)\n\(cycle.error)")
        #expect(cycle.output.contains("the leader dropped slot \(Self.slot)"), "\(cycle.output)")
        // Node 3's slot holds the most, so it is cycled first, while it still replays: the cycle frees what it held.
        let restarts = cycle.output.textLines.filter { $0.hasPrefix("cycle 1: restarting Patroni on replica ") }
        #expect(restarts.first?.contains(Self.rebuilt) == true, "the replica holding the most WAL first: \(restarts)")
        let held = cycle.output.firstMatch(of: /slot patroni_03_db_dr_c_gitlab_dr_internal on the leader holds ([0-9.]+) MB/).flatMap { Double($0.1) }
        #expect((held ?? 0) >= 32, "cycle-replicas measured what node 3's slot held before its stop: \(cycle.output)")
        #expect(cycle.output.contains("member_slots_ttl 0 s"), "the bound printed up front: \(cycle.output)")
        let restored = try await onHost(Self.leader, "gitlab-patronictl edit-config -s member_slots_ttl=1800 --force")
        #expect(restored.status == 0, "\(restored.error)")

        // Released: node 3's old slot is gone, and pg_wal shrinks by what it held at the next restartpoint. (The
        // new slot a standby leader creates starts at its last restartpoint's redo pointer, so it may hold a
        // few segments at once: the disk, not the new slot, is what is measured.)
        var released: Report?
        let cycled = Date()
        let peakBefore = max(danger.walBytes, before.walBytes)
        while Date().timeIntervalSince(cycled) < 180 {
            let now = try await report()
            reports.append(now)
            if now.walBytes <= peakBefore - 32 * Self.mib {
                released = now
                break
            }
            try await Task.sleep(for: .seconds(5))
        }
        let after = try #require(released, "after cycle-replicas, pg_wal did not shrink from \(peakBefore): \(reports.suffix(5).map { ($0.slotRetained, $0.walBytes) })")

        // Catch-up: node 3 reaches the leader; the ETA catch-up gave on the way is held against the time it took.
        var predicted: (eta: Double, at: Date)?
        var caughtUp: Date?
        while Date().timeIntervalSince(cycled) < 600 {
            let now = try await report()
            reports.append(now)
            if let lag = now.lag, lag <= 16 * Self.mib, now.state == "streaming" { caughtUp = now.time; break }
            if predicted == nil, let eta = now.eta, eta > 0 { predicted = (eta, now.time) }
            try await Task.sleep(for: .seconds(5))
        }
        let done = try #require(caughtUp, "node 3 did not catch up within 10 minutes of the cycle")
        let peak = reports.map(\.walBytes).max() ?? 0
        let leastFree = reports.map(\.diskFree).min() ?? 0
        #expect(leastFree > 16 * Self.mib, "the leader's pg_wal filesystem filled: \(leastFree) bytes free at worst")
        #expect(reports.allSatisfy { $0.leader["name"] as? String == Self.leader }, "the leader changed")
        if let predicted {
            let took = done.timeIntervalSince(predicted.at)
            print("long-haul figures: ETA \(Int(predicted.eta)) s predicted, \(Int(took)) s taken")
            #expect(predicted.eta < 3 * took + 60 && took < 3 * predicted.eta + 60, "catch-up's ETA \(predicted.eta) s is far from the \(took) s node 3 took")
        } else {
            Issue.record("catch-up never gave node 3 an ETA while it caught up")
        }
        print("long-haul figures: pg_wal \(baseline / Self.mib) MiB at the start, \(danger.walBytes / Self.mib) MiB after \(String(format: "%.1f", controlMinutes)) min "
            + "with node 3 stopped and wiped, no remedy (slot held \(danger.slotRetained.map { $0 / Self.mib } ?? 0) MiB; \(retainedBefore / Self.mib) MiB when node 3 replayed, \(Int(before.time.timeIntervalSince(restoreStarted))) s after its start), peak \(peak / Self.mib) MiB of \(size / Self.mib) MiB, "
            + "least free \(leastFree / Self.mib) MiB; after cycle-replicas the slot held \((after.slotRetained ?? 0) / Self.mib) MiB, pg_wal \(after.walBytes / Self.mib) MiB; "
            + "node 3 caught up \(String(format: "%.1f", done.timeIntervalSince(started) / 60)) min after its rebuild began")
        print("long-haul cycle-replicas output:\n\(cycle.output)")
        // The cluster whole again for what runs next.
        let whole = try await ShellBinary.run(["--inventory", labInventory!, "-c", "ssh \(Self.leader)",
                                               "-c", "patronictl wait --all-running --leader --members 3 --timeout 5m --every 5s"])
        #expect(whole.status == 0, "\(whole.error)")
    }
}
