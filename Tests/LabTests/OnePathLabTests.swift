import Foundation
@testable import OpsKit
import Plugins
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 11 against the lab: every command through one path, a leader
/// guard that cannot fail open (also where member names are not host
/// names), and shell state kept by each target level. Through `opsshell`
/// as a process, without a terminal, as a script would run it.
@Suite("One path, against the lab", .serialized, .enabled(if: labInventory != nil, "needs the lab: make lab-test"))
struct OnePathLabTests {
    static let nodes = (1...3).map { "patroni-0\($0)-db-dr.c.gitlab-dr.internal" }

    /// The lab's inventory and ssh_config with other host names (`ho-n1`…):
    /// same addresses, ports, keys and `patroni_api`. Patroni's members keep
    /// their names, so no member name is a host name.
    static func renamedInventory(in directory: TemporaryDirectory) -> String {
        var inventory = readFile(labInventory!)
        let sshConfigPath = inventory.firstMatch(of: /ssh_config = "([^"]+)"/).map { String($0.1) }!
        var sshConfig = readFile(sshConfigPath)
        for (index, node) in nodes.enumerated() {
            inventory = inventory.replacingOccurrences(of: node, with: "ho-n\(index + 1)")
            sshConfig = sshConfig.replacingOccurrences(of: node, with: "ho-n\(index + 1)")
        }
        let config = directory.write("ssh_config", sshConfig)
        return directory.write("renamed.toml", inventory.replacingOccurrences(of: sshConfigPath, with: config))
    }

    /// Node 1's REST API port, as the lab's inventory gives it: the ports
    /// move with LAB_PORT_BASE (lab/lib.sh), so none is written here.
    static let firstAPIPort = readFile(labInventory ?? "").firstMatch(of: /patroni_api = "127\.0\.0\.1:([0-9]+)"/).flatMap { Int($0.1) } ?? 25009

    /// The member that leads now and its index (0-based), asked of each REST API.
    static func leader() async throws -> Int {
        for index in 0..<3 {
            let api = "127.0.0.1:\(firstAPIPort + index)"
            if (try? await MemberHostsProbe.leads(at: api)) == true { return index }
        }
        throw LabFailure("no member leads")
    }

    @Test("ssh LEADER 'sudo systemctl stop patroni' (the one-shot form) is refused without a terminal; the leader still leads")
    func oneShotStopOnLeader() async throws {
        let state = TemporaryDirectory()
        defer { state.remove() }
        let leader = try await Self.leader()
        let result = try await ShellBinary.run(["--inventory", labInventory!, "-c", "ssh \(Self.nodes[leader]) 'sudo systemctl stop patroni'"],
                                               environment: ["XDG_STATE_HOME": state.path])
        #expect(result.status == 1)
        #expect(result.error.contains("\(Self.nodes[leader]) is the cluster's standby leader"), "\(result.error)")
        #expect(result.error.contains("there is no terminal"))
        #expect(try await Self.leader() == leader, "the leader changed: the stop ran")
    }

    @Test("hosts named unlike their members: the guard finds the leader by its REST API, one-shot and after ssh HOST")
    func renamedHostsGuard() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let inventory = Self.renamedInventory(in: directory)
        let leader = try await Self.leader()
        let host = "ho-n\(leader + 1)"
        for lines in [["ssh \(host) 'sudo systemctl stop patroni'"], ["ssh \(host)", "systemctl stop patroni"]] {
            let result = try await ShellBinary.run(["--inventory", inventory] + lines.flatMap { ["-c", $0] },
                                                   environment: ["XDG_STATE_HOME": directory.path])
            #expect(result.status == 1, "\(lines)")
            #expect(result.error.contains("\(host) is the cluster's standby leader (member \(Self.nodes[leader]))"), "\(result.error)")
        }
        #expect(try await Self.leader() == leader, "the leader changed: a stop ran")
        // A replica is told apart too: no question for it.
        let hosts = try Inventory.load(inventory)
        let context = Context(session: Session(), console: TestConsole(), executor: ProcessExecutor(inventory: hosts),
                              catalog: Catalog(commands: Builtins.all, plugins: BuiltinPlugins.all), inventory: hosts)
        let replica = "ho-n\((leader + 1) % 3 + 1)"
        let words = ["sudo", "systemctl", "stop", "patroni"]
        #expect(await context.catalog.guards(for: words, on: [Target(host: replica)], in: context).isEmpty)
        #expect(await context.catalog.guards(for: words, on: [Target(host: host)], in: context).map(\.word) == [host])
    }

    @Test("a host whose role cannot be told is asked about, never let through")
    func unknownRoleAsks() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        // ho-n1's patroni_api points at a port nothing listens on, and every
        // member shares its address: nothing can say which member it is.
        let inventory = readFile(Self.renamedInventory(in: directory)).replacingOccurrences(of: "patroni_api = \"127.0.0.1:\(Self.firstAPIPort)\"", with: "patroni_api = \"127.0.0.1:1\"")
        let file = directory.write("unknown.toml", inventory)
        let result = try await ShellBinary.run(["--inventory", file, "-c", "ssh ho-n1 'sudo systemctl restart patroni'"],
                                               environment: ["XDG_STATE_HOME": directory.path])
        #expect(result.status == 1)
        #expect(result.error.contains("It cannot be told whether ho-n1 leads the Patroni cluster"), "\(result.error)")
    }

    @Test("cycle-replicas on hosts named unlike their members restarts each replica's host, each restart in the audit log")
    func cycleReplicasRenamed() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let inventory = Self.renamedInventory(in: directory)
        let leader = try await Self.leader()
        let dry = try await ShellBinary.run(["--inventory", inventory, "--dry-run", "-c", "patronictl cycle-replicas --cycles 1 --max-stopped 1s"],
                                            environment: ["XDG_STATE_HOME": directory.path])
        let replicas = (0..<3).filter { $0 != leader }.map { "ho-n\($0 + 1)" }
        for replica in replicas {
            #expect(dry.output.contains("dry-run: on \(replica) (changes state): sudo -n systemctl stop patroni"), "\(dry.output)")
            #expect(dry.output.contains("dry-run: on \(replica) (changes state): sudo -n systemctl start patroni"), "\(dry.output)")
        }
        #expect(!dry.output.contains("ho-n\(leader + 1)"))
        // A second stopped: too short for the leader to drop a slot (member_slots_ttl), so the run fails, saying so.
        let result = try await ShellBinary.run(["--inventory", inventory, "-c", "patronictl cycle-replicas --cycles 1 --every 1s --max-stopped 1s"],
                                               environment: ["XDG_STATE_HOME": directory.path])
        #expect(result.status == 1, "\(result.error)")
        #expect(result.error.contains("their WAL was not freed"), "\(result.error)")
        let events = readFile(directory.path + "/opsshell/audit.jsonl").split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        for replica in replicas {
            let restarts = events.filter { ($0["parent"] as? String) == "patronictl cycle-replicas --cycles 1 --every 1s --max-stopped 1s"
                && ($0["typed"] as? String)?.hasPrefix("cycle-replicas: restart Patroni on replica") == true
                && (($0["targets"] as? [String]) == [replica] || $0["event"] as? String == "end") }
            let started = restarts.filter { $0["event"] as? String == "start" && ($0["targets"] as? [String]) == [replica] }
            #expect(started.count == 2, "no start events for \(replica)'s stop and start")
            for typed in started.compactMap({ $0["typed"] as? String }) {
                #expect(events.contains { $0["event"] as? String == "end" && $0["typed"] as? String == typed && ($0["status"] as? Int) == 0 },
                        "no end event for \(typed)")
            }
        }
        try await waitForCluster()
    }

    @Test("cd DIR, export, NAME=$(cmd) on a lab host: later commands run there, with that, and see it")
    func shellStateOnHost() async throws {
        let state = TemporaryDirectory()
        defer { state.remove() }
        let node = Self.nodes[1]
        let result = try await ShellBinary.run(["--inventory", labInventory!,
            "-c", "ssh \(node)",
            "-c", "mkdir -p /var/tmp/opsshell-cd/inner && touch /var/tmp/opsshell-cd/notes.txt /var/tmp/notes.txt",
            "-c", "cd /var/tmp/opsshell-cd", "-c", "rm -f notes.txt",
            "-c", "test -e /var/tmp/notes.txt && test ! -e /var/tmp/opsshell-cd/notes.txt",
            "-c", "export STAMP=from-export", "-c", "printenv STAMP",
            "-c", "who=$(hostname)", "-c", "echo remote:$who",
            "-c", "sudo su - gitlab-psql", "-c", "pwd", "-c", "exit", "-c", "pwd",
            "-c", "cd /nonexistent-\(getpid())",
        ], environment: ["XDG_STATE_HOME": state.path])
        #expect(result.status == 1)
        #expect(result.output.contains("from-export\n"))
        #expect(result.output.contains("remote:\(node)\n"), "\(result.output)")
        #expect(result.output.hasSuffix("/var/tmp/opsshell-cd\n"), "exit did not bring back the directory: \(result.output)")
        #expect(result.error.contains("cd: /nonexistent-\(getpid()) is not a directory on \(node)"))
        _ = try await ShellBinary.run(["--inventory", labInventory!, "-c", "ssh \(node) 'rm -rf /var/tmp/opsshell-cd /var/tmp/notes.txt'"],
                                      environment: ["XDG_STATE_HOME": state.path])
    }

    /// The cluster whole again (three members running) before the next test.
    func waitForCluster() async throws {
        let result = try await ShellBinary.run(["--inventory", labInventory!, "-c", "ssh \(Self.nodes[0])",
                                                "-c", "patronictl wait --all-running --leader --members 3 --timeout 3m --every 2s"])
        #expect(result.status == 0, "\(result.error)")
    }
}

/// Whether a Patroni member leads, asked of its REST API (with curl) for
/// the tests' own checks.
enum MemberHostsProbe {
    static func leads(at api: String) async throws -> Bool {
        let output = try await ShellBinary.runProcess("/usr/bin/curl", ["-s", "--max-time", "3", "http://\(api)/patroni"])
        guard let document = try JSONSerialization.jsonObject(with: Data(output.output.utf8)) as? [String: Any],
              let role = document["role"] as? String else { throw LabFailure("no role at \(api)") }
        return ["standby_leader", "leader", "primary", "master"].contains(role)
    }
}

struct LabFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
