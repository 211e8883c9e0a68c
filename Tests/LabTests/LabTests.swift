import Foundation
@testable import OpsKit
import Plugins
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The lab's inventory, when `make lab-test` runs these with the cluster up.
let labInventory = getenv("OPSSHELL_LAB_INVENTORY").map { String(cString: $0) }
let node1 = "patroni-01-db-dr.c.gitlab-dr.internal"
let node2 = "patroni-02-db-dr.c.gitlab-dr.internal"

/// The plugins against the real tools in the rehearsal lab (Patroni 4.1.5,
/// WAL-E 1.1.1, the daemonless systemctl), after the rehearsal re-formed the
/// cluster. Run by `make lab-test`; skipped elsewhere.
@Suite("Plugins against the lab", .serialized, .enabled(if: labInventory != nil, "needs the lab: make lab-test"))
@MainActor
struct LabTests {
    func shell(_ console: TestConsole, on host: String? = nil) async throws -> Interpreter {
        let inventory = try Inventory.load(labInventory!)
        let shell = Interpreter(context: Context(session: Session(variables: Variables(date: "2026-11-29")), console: console,
                                                 executor: ProcessExecutor(inventory: inventory, ssh: .forSession()),
                                                 catalog: Catalog(commands: Builtins.all, plugins: BuiltinPlugins.all), inventory: inventory))
        if let host { #expect(await shell.run("ssh \(host)").status == .success) }
        return shell
    }

    @Test("real Patroni 4.1.5 output, pretty and JSON, reads as the three members")
    func realListOutput() async throws {
        let shell = try await shell(TestConsole())
        defer { shell.closeConnections() }
        let executor = shell.context.executor
        for command in ["gitlab-patronictl list", "gitlab-patronictl list -f json"] {
            let output = try await executor.capture(command, on: Target(host: node1), limit: 1 << 20)
            #expect(output.status.isSuccess, "\(output.standardError)")
            let members = try PatroniList.parse(output.standardOutput)
            #expect(members.map(\.name) == [node1, node2, "patroni-03-db-dr.c.gitlab-dr.internal"], "\(output.standardOutput)")
            #expect(members.filter { $0.role.leads }.count == 1)
            let running = members.allSatisfy { $0.isRunning }
            #expect(running)
        }
    }

    @Test("patronictl list on a node answers from the REST API with the same members")
    func nativeList() async throws {
        let console = TestConsole()
        let shell = try await shell(console, on: node1)
        defer { shell.closeConnections() }
        #expect(await shell.run("patronictl list").status == .success)
        let native = try PatroniList.parse(console.output)
        let real = try PatroniList.parse(try await shell.context.executor.capture("gitlab-patronictl list -f json", on: Target(host: node1), limit: 1 << 20).standardOutput)
        #expect(native.map(\.name) == real.map(\.name))
        #expect(native.map(\.role) == real.map(\.role))
    }

    @Test("from the bastion (no target), patronictl list reads the inventory's REST APIs: the same members as patronictl on a node")
    func bastionList() async throws {
        let console = TestConsole()
        let shell = try await shell(console)
        defer { shell.closeConnections() }
        #expect(await shell.run("patronictl list --json").status == .success, "\(console.error)")
        #expect(console.error.contains("REST API"), "the notice names the API asked: \(console.error)")
        let fromHere = try PatroniList.parse(console.output)
        let real = try PatroniList.parse(try await shell.context.executor.capture("gitlab-patronictl list -f json", on: Target(host: node1), limit: 1 << 20).standardOutput)
        #expect(fromHere.map(\.name) == real.map(\.name))
        #expect(fromHere.map(\.role) == real.map(\.role))
        #expect(fromHere.map(\.timeline) == real.map(\.timeline))
    }

    @Test("patronictl wait returns when the cluster is ready, and times out naming what is missing")
    func wait() async throws {
        let console = TestConsole()
        let shell = try await shell(console, on: node1)
        defer { shell.closeConnections() }
        #expect(await shell.run("gitlab-patronictl wait --all-running --leader --max-lag 100MB --timeout 2m --every 2s").status == .success)
        #expect(console.output.contains("cluster ready after"))
        #expect(await shell.run("gitlab-patronictl wait --members 4 --timeout 2s --every 1s").status == .exited(1))
        #expect(console.error.contains("timed out after 2s: 3 of 4 members"))
    }

    @Test("stopping Patroni on the leader needs the leader's name; on a replica it does not")
    func leaderGuard() async throws {
        let console = TestConsole(answers: ["yes"])
        let shell = try await shell(console)
        defer { shell.closeConnections() }
        let leader = try PatroniList.parse(try await shell.context.executor.capture("gitlab-patronictl list -f json", on: Target(host: node1), limit: 1 << 20).standardOutput)
            .first { $0.role.leads }!.name
        let replica = leader == node1 ? node2 : node1
        let words = ["sudo", "systemctl", "stop", "patroni"]
        #expect(await shell.context.catalog.guards(for: words, on: [Target(host: replica)], in: shell.context).isEmpty)
        let guards = await shell.context.catalog.guards(for: words, on: [Target(host: leader)], in: shell.context)
        #expect(guards.map(\.word) == [leader])
        // Through knife ssh too, and the wrong answer runs nothing.
        #expect(await shell.run("knife ssh roles:dr-base-db-patroni 'sudo systemctl restart patroni'").status == .exited(1))
        #expect(console.error.contains("\(leader) is the cluster's standby leader"))
        #expect(console.error.contains("not confirmed ('yes' is not '\(leader)')"))
    }

    @Test("wal-e check-latest passes on a fresh backup, fails on too strict a bound; the wale prefix works")
    func checkLatest() async throws {
        let console = TestConsole()
        let shell = try await shell(console, on: node1)
        defer { shell.closeConnections() }
        #expect(await shell.run("set wale '/usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e'").status == .success)
        #expect(await shell.run("wal-e check-latest --max-age 24h").status == .success)
        #expect(console.output.contains("ok: the newest backup base_"))
        #expect(await shell.run("wal-e check-latest --max-age 1s").status == .exited(1))
        #expect(console.output.contains("too old:"))
    }

    @Test("backup-fetch over a replica's live data directory is refused unless its path is typed")
    func backupFetchGuard() async throws {
        let console = TestConsole(answers: ["no"])
        let shell = try await shell(console, on: node2)
        defer { shell.closeConnections() }
        #expect(await shell.run("sudo su - gitlab-psql").status == .success)
        let line = "/usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e backup-fetch /var/opt/gitlab/postgresql/data LATEST"
        #expect(await shell.run(line).status == .exited(1))
        #expect(console.error.contains("backup-fetch: /var/opt/gitlab/postgresql/data on gitlab-psql@\(node2) is not empty"))
        #expect(console.error.contains("not confirmed ('no' is not '/var/opt/gitlab/postgresql/data')"))
    }

    @Test("cycle-replicas on Patroni 4.1.5's default member_slots_ttl: the replicas restart, the leader keeps their slots, and it says so")
    func cycleReplicas() async throws {
        let console = TestConsole()
        let shell = try await shell(console, on: node1)
        defer { shell.closeConnections() }
        let before = try PatroniList.parse(try await shell.context.executor.capture("gitlab-patronictl list -f json", on: Target(host: node1), limit: 1 << 20).standardOutput)
        let leader = before.first { $0.role.leads }!.name
        // 10 s stopped, far under the 1800 s Patroni 4.x keeps a departed member's slot: nothing may be reported freed.
        #expect(await shell.run("gitlab-patronictl cycle-replicas --cycles 1 --every 1s --max-stopped 10s").status == .exited(1))
        let restarted = console.output.textLines.filter { $0.hasPrefix("cycle 1: restarting Patroni on replica ") }
        #expect(restarted.count == 2, "\(console.output)")
        #expect(!restarted.contains { $0.contains(leader) }, "the leader \(leader) must never be restarted")
        #expect(console.output.contains("Patroni 4.1.5 keeps a stopped member's slot for member_slots_ttl 1800 s"), "\(console.output)")
        #expect(console.error.contains("so its WAL was not freed"), "\(console.error)")
        #expect(console.error.contains("patronictl edit-config -s member_slots_ttl=0"))
        #expect(console.error.contains("max_slot_wal_keep_size"))
        #expect(!console.output.contains("freed "), "a slot that was kept is never reported as freed: \(console.output)")
        #expect(await shell.run("gitlab-patronictl wait --all-running --leader --members 3 --timeout 3m --every 2s").status == .success)
        let after = try PatroniList.parse(try await shell.context.executor.capture("gitlab-patronictl list -f json", on: Target(host: node1), limit: 1 << 20).standardOutput)
        #expect(after.first { $0.role.leads }?.name == leader)
    }

    @Test("patronictl catch-up --json from the bastion: every key of the contract, with the lab's real values")
    func catchUpJSON() async throws {
        let console = TestConsole()
        let bastion = try await shell(console)
        defer { bastion.closeConnections() }
        #expect(await bastion.run("patronictl catch-up --json --samples 2 --every 2s").status == .success, "\(console.error)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(console.output.utf8)) as? [String: Any], "\(console.output)")
        let members = try #require(document["members"] as? [[String: Any]])
        #expect(Set(members.compactMap { $0["name"] as? String }) == [node2, "patroni-03-db-dr.c.gitlab-dr.internal"])
        #expect(members.allSatisfy { $0["replay_lag_bytes"] is NSNumber && $0.keys.contains("eta_seconds") }, "\(members)")
        let leader = try #require(document["leader"] as? [String: Any])
        #expect(leader["name"] as? String == node1)
        #expect(((leader["wal_bytes"] as? NSNumber)?.int64Value ?? 0) >= 16 << 20, "pg_wal holds at least one segment: \(leader)")
        #expect(((leader["disk_free_bytes"] as? NSNumber)?.int64Value ?? 0) > 0)
        let slots = try #require(document["slots"] as? [[String: Any]])
        // Patroni 4.1.5 on a standby leader: one physical slot per replica, named after the member.
        #expect(Set(slots.compactMap { $0["name"] as? String }) == ["patroni_02_db_dr_c_gitlab_dr_internal", "patroni_03_db_dr_c_gitlab_dr_internal"], "\(slots)")
        #expect(slots.allSatisfy { $0["active"] is Bool && $0["retained_bytes"] is NSNumber && $0["wal_status"] as? String != nil })
        // Its WAL query went through the one path, on the leader's host: in the plan, audited.
        let dry = TestConsole()
        let dryShell = try await shell(dry)
        defer { dryShell.closeConnections() }
        #expect(await dryShell.run("dry-run on").status == .success)
        #expect(await dryShell.run("patronictl catch-up").status == .success)
        #expect(dry.output.contains("dry-run: on \(node1) (read-only): gitlab-psql -X -A -t -q"), "\(dry.output)")
    }

    @Test("systemctl on one node: a state table with the host; after a restart, the state read from status")
    func systemctlTable() async throws {
        let console = TestConsole()
        let probe = try await shell(console)
        defer { probe.closeConnections() }
        let leader = try PatroniList.parse(try await probe.context.executor.capture("gitlab-patronictl list -f json", on: Target(host: node1), limit: 1 << 20).standardOutput)
            .first { $0.role.leads }!.name
        let replica = leader == node1 ? node2 : node1
        let shell = try await shell(console, on: replica)
        defer { shell.closeConnections() }
        // The daemonless systemctl says `unknown` (exit 3) for a running unit that is not enabled.
        let state = await shell.run("systemctl is-active patroni").status
        #expect(state == .success || state == .exited(3))
        #expect(console.output.contains("host"), "\(console.output)")
        #expect(console.output.textLines.contains { $0.hasPrefix(replica) && $0.contains("patroni") }, "\(console.output)")
        #expect(await shell.run("sudo systemctl restart patroni").status == .success)
        #expect(console.output.textLines.contains { $0.hasPrefix(replica) && $0.hasSuffix("patroni  active (running)") }, "\(console.output)")
        #expect(await shell.run("gitlab-patronictl wait --all-running --leader --members 3 --timeout 3m --every 2s").status == .success)
    }

    @Test("etcdctl against the lab's etcd: Patroni's keys read into records; del --prefix asks first")
    func etcdKeys() async throws {
        let console = TestConsole(answers: ["no"])
        let shell = try await shell(console, on: node1)
        defer { shell.closeConnections() }
        #expect(await shell.run("etcdctl get --json --prefix /service/pg-ha-cluster/").status == .success)
        let records = try #require(try JSONSerialization.jsonObject(with: Data(console.output.utf8)) as? [[String: String]], "\(console.output)")
        let keys = records.compactMap { $0["key"] }
        #expect(keys.contains("/service/pg-ha-cluster/leader") && keys.contains("/service/pg-ha-cluster/members/\(node1)"), "\(keys)")
        #expect(records.first { $0["key"] == "/service/pg-ha-cluster/leader" }?["value"]?.hasPrefix("patroni-0") == true)
        // Destructive: nothing is deleted without the target's name typed.
        #expect(await shell.run("etcdctl del --prefix /service/pg-ha-cluster/").status == .exited(1))
        #expect(console.error.contains("This destroys data."))
        let after = try await shell.context.executor.capture("etcdctl get --prefix --keys-only /service/pg-ha-cluster/", on: Target(host: node1), limit: 1 << 20)
        #expect(after.standardOutput.contains("/service/pg-ha-cluster/leader"))
    }

    @Test("--json prints one JSON document of records, nothing else, on stdout")
    func json() async throws {
        func objects(_ text: String) throws -> [[String: Any]] {
            try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], "not a JSON array: \(text)")
        }
        let fanOut = TestConsole()
        let everywhere = try await shell(fanOut)
        defer { everywhere.closeConnections() }
        // The daemonless systemctl's quirk: `is-active` prints unknown and
        // exits 3 ("not active") while `status` says running.
        let status = await everywhere.run("knife ssh --json roles:dr-base-db-patroni 'sudo systemctl is-active patroni'").status
        #expect(status == .success || status == .exited(3))
        let states = try objects(fanOut.output)
        #expect(states.count == 3 && states.allSatisfy { $0["unit"] as? String == "patroni" && $0["host"] != nil })
        #expect(states.allSatisfy { ["active", "unknown"].contains($0["state"] as? String ?? "") }, "\(states)")
        let single = TestConsole()
        let onNode = try await shell(single, on: node1)
        defer { onNode.closeConnections() }
        #expect(await onNode.run("patronictl list --json").status == .success)
        #expect(try objects(single.output).map { $0["Member"] as? String } == [node1, node2, "patroni-03-db-dr.c.gitlab-dr.internal"])
        let backups = TestConsole()
        let walE = try await shell(backups, on: node1)
        defer { walE.closeConnections() }
        #expect(await walE.run("/usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e backup-list --json").status == .success)
        #expect(try objects(backups.output).first?["backup"] as? String != nil, "\(backups.output)")
    }

    @Test("Tab completes member and cluster names from the live cluster")
    func liveCompletion() async throws {
        let shell = try await shell(TestConsole(), on: node1)
        defer { shell.closeConnections() }
        let completer = Completer(catalog: shell.context.catalog, inventory: shell.context.inventory)
        #expect(completer.complete("gitlab-patronictl reinit pg", in: shell.session).candidates == ["pg-ha-cluster"])
        #expect(completer.complete("gitlab-patronictl switchover --candidate patroni-0", in: shell.session).candidates
                == [node1, node2, "patroni-03-db-dr.c.gitlab-dr.internal"])
    }

    @Test("knife ssh merges each host's records into one table with a host column")
    func mergedTables() async throws {
        let console = TestConsole()
        let shell = try await shell(console)
        defer { shell.closeConnections() }
        #expect(await shell.run("knife ssh roles:dr-base-db-patroni '/usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e backup-list'").status == .success)
        let lines = console.output.split(separator: "\n")
        #expect(lines.first?.hasPrefix("host") == true && lines.first?.contains("start segment") == true, "\(console.output)")
        #expect(lines.filter { $0.contains("base_") }.count >= 3)
        _ = await shell.run("knife ssh roles:dr-base-db-patroni 'sudo systemctl is-active patroni'")
        #expect(console.output.contains("patroni-03-db-dr.c.gitlab-dr.internal  patroni"))
    }
}
