import OpsKit
import Plugins
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Fan-out, targets and SSH over real OpenSSH sshd processes on loopback.
@Suite("Fleets over real sshd", .serialized)
@MainActor
struct FanOutTests {
    func shell(_ hosts: SSHHosts, console: TestConsole, extra: String = "", configure: (inout Session) -> Void = { _ in }) throws -> Interpreter {
        let inventory = try hosts.inventory(extra: extra)
        var session = Session(variables: Variables(date: "2026-11-29"))
        configure(&session)
        let executor = ProcessExecutor(inventory: inventory, ssh: .forSession())
        let catalog = Catalog(commands: Builtins.all, plugins: BuiltinPlugins.all)
        return Interpreter(context: Context(session: session, console: console, executor: executor, catalog: catalog, inventory: inventory))
    }

    @Test("knife ssh runs on every host of a role, prefixes each line, and sums up")
    func fanOut() async throws {
        let hosts = try SSHHosts(count: 3)
        defer { hosts.stop() }
        let console = TestConsole()
        let shell = try shell(hosts, console: console)
        defer { shell.closeConnections() }
        let outcome = await shell.run("knife ssh roles:db 'echo one; echo two >&2; printf partial'")
        #expect(outcome.status == .success)
        #expect(outcome.hosts.map(\.host) == ["db-1", "db-2", "db-3"])
        for name in hosts.names {
            #expect(console.output.contains("\(name) one\n"))
            #expect(console.output.contains("\(name) partial\n"))
            #expect(console.error.contains("\(name) two\n"))
        }
        #expect(console.error.contains("3/3 hosts succeeded"))
    }

    @Test("a host that is down is reported and the others carry on")
    func hostDown() async throws {
        let hosts = try SSHHosts(count: 2)
        defer { hosts.stop() }
        let console = TestConsole()
        let shell = try shell(hosts, console: console, extra: hosts.deadHostEntry)
        defer { shell.closeConnections() }
        let outcome = await shell.run("knife ssh roles:db 'echo alive'")
        #expect(outcome.status == .exited(255))
        // Prefixes are aligned to the longest host name (db-down).
        #expect(console.output.contains("db-1    alive\n") && console.output.contains("db-2    alive\n"))
        let down = try #require(outcome.hosts.first { $0.host == "db-down" })
        guard case .unreachable(let reason) = down.result else { Issue.record("db-down: \(down.result)"); return }
        #expect(reason.contains("Connection refused"))
        #expect(console.error.contains("2/3 hosts succeeded"))
    }

    @Test("a failing host makes the whole command fail, with the highest status")
    func failureStatus() async throws {
        let hosts = try SSHHosts(count: 2)
        defer { hosts.stop() }
        let console = TestConsole()
        let shell = try shell(hosts, console: console)
        defer { shell.closeConnections() }
        let outcome = await shell.run(#"knife ssh roles:db 'test "$(cat /proc/sys/kernel/hostname)" = never || exit 3'"#)
        #expect(outcome.status == .exited(3), "\(console.output)\(console.error)")
    }

    @Test("--timeout stops a slow host and its remote processes")
    func timeout() async throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let marker = "opsshell-timeout-\(getpid())"
        let shell = try shell(hosts, console: TestConsole())
        defer { shell.closeConnections() }
        let outcome = await shell.run("knife ssh --timeout 1s roles:db 'sleep 60; echo \(marker)'")
        #expect(outcome.hosts.first?.result == .timedOut)
        #expect(outcome.status == .exited(124))
        try await expectGone(marker)
    }

    @Test("Ctrl-C stops every remote command: the remote processes are gone")
    func cancellationKillsRemote() async throws {
        let hosts = try SSHHosts(count: 3)
        defer { hosts.stop() }
        let marker = "opsshell-cancel-\(getpid())"
        let shell = try shell(hosts, console: TestConsole())
        defer { shell.closeConnections() }
        let task = Task { await shell.run("knife ssh roles:db 'sleep 300; echo \(marker)'") }
        try await waitFor { processes(containing: marker).count >= 3 }
        task.cancel()
        let outcome = await task.value
        #expect(outcome.status == .interrupted)
        try await expectGone(marker)
    }

    @Test("the control: killing only the local ssh client leaves the remote command running")
    func killingClientAloneOrphans() async throws {
        // Shows that the test above can fail: without our remote watchdog, the
        // remote sleep outlives the client, as the issue warns.
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let marker = "opsshell-orphan-\(getpid())"
        let client = try spawn(["/usr/bin/ssh", "-F", hosts.directory.path + "/ssh_config", "-i", hosts.directory.path + "/id_ed25519",
                                "-p", String(hosts.ports[0]), "-o", "BatchMode=yes", "127.0.0.1", "sleep 30; echo \(marker)"],
                               log: hosts.directory.path + "/client.log")
        try await waitFor { !processes(containing: marker).filter { $0 != client }.isEmpty }
        kill(client, SIGKILL)
        waitpid(client, nil, 0)
        try await Task.sleep(for: .milliseconds(500))
        let orphans = processes(containing: marker)
        #expect(!orphans.isEmpty, "the remote sleep died with its client; the watchdog test proves nothing then")
        orphans.forEach { kill($0, SIGKILL) }
    }

    @Test("ssh HOST switches the target; sudo su - USER switches the user there; exit goes back")
    func targetStack() async throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        try ensureUser("opsshell-test")
        let console = TestConsole()
        let shell = try shell(hosts, console: console)
        defer { shell.closeConnections() }
        #expect(await shell.run("ssh db-1").status == .success)
        #expect(shell.session.target == Target(host: "db-1"))
        #expect(await shell.run("printenv SSH_CONNECTION | cut -d' ' -f4").status == .success)
        #expect(console.output.hasSuffix("\(hosts.ports[0])\n"), "the command ran over ssh on db-1's sshd")
        #expect(await shell.run("sudo su - opsshell-test").status == .success)
        #expect(await shell.run("id -un; pwd").status == .success)
        #expect(console.output.hasSuffix("opsshell-test\n/home/opsshell-test\n"))
        #expect(await shell.run("exit").status == .success)
        #expect(shell.session.target == Target(host: "db-1"))
        #expect(await shell.run("exit").status == .success)
        #expect(shell.session.target == .local)
    }

    @Test("ssh to an unknown or unreachable host says so and keeps the target")
    func unknownHost() async throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let console = TestConsole()
        let shell = try shell(hosts, console: console, extra: hosts.deadHostEntry)
        defer { shell.closeConnections() }
        #expect(await shell.run("ssh db-11").status != .success)
        #expect(console.error.contains("unknown host db-11; did you mean db-1?"))
        #expect(await shell.run("ssh db-down").status == .exited(255))
        #expect(console.error.contains("Connection refused"))
        #expect(shell.session.target == .local)
    }

    @Test("hostile names never become ssh options or shell syntax", arguments: ["-oProxyCommand=touch /tmp/pwned", "a;b", "$(id)", "x y"])
    func hostileNames(name: String) async throws {
        #expect(!Host.isValidName(name))
        let entry = "[hosts.\"\(name.replacingAll("\"", "'"))\"]\nroles = [\"db\"]\n"
        #expect(throws: FleetError.self) { try Inventory.parse(entry, file: "hostile.toml") }
        let console = TestConsole()
        let shell = makeInterpreter(console: console)
        #expect(await shell.run("ssh '\(name)'").status != .success)
        #expect(console.error.contains("refusing host name"))
        #expect(access("/tmp/pwned", F_OK) != 0)
    }

    @Test("knife ssh -a ATTRIBUTE connects to that attribute's value and keeps the host's name")
    func addressAttribute() async throws {
        let hosts = try SSHHosts(count: 2)
        defer { hosts.stop() }
        // The inventory's address is one nothing listens on; only the
        // attribute reaches sshd. db-2 lacks it.
        let text = hosts.inventoryText()
            .replacing("address = \"127.0.0.1\"", with: "address = \"127.0.0.9\"")
            .replacing("[hosts.\"db-1\"]", with: "[hosts.\"db-1\"]\nbacknet = \"127.0.0.1\"")
        let inventory = try Inventory.parse(text, file: "t.toml")
        func interpreter(dryRun: Bool = false, console: TestConsole) -> Interpreter {
            var session = Session(variables: Variables(date: "2026-11-29"))
            session.dryRun = dryRun
            return Interpreter(context: Context(session: session, console: console, executor: ProcessExecutor(inventory: inventory, ssh: .forSession()),
                                                catalog: Catalog(commands: Builtins.all, plugins: BuiltinPlugins.all), inventory: inventory))
        }
        let console = TestConsole()
        let shell = interpreter(console: console)
        defer { shell.closeConnections() }
        #expect(await shell.run("knife ssh name:db-1 'echo via-name'").status != .success)
        #expect(await shell.run("knife ssh -a backnet name:db-1 'echo via-attribute'").status == .success)
        #expect(console.output.contains("db-1 via-attribute\n"))
        let missing = await shell.run("knife ssh -a backnet roles:db 'echo never'")
        #expect(missing.status != .success)
        #expect(console.error.contains("db-2 has no attribute backnet"))
        #expect(!console.output.contains("never"))
        let dryRun = TestConsole()
        #expect(await interpreter(dryRun: true, console: dryRun).run("knife ssh -a backnet name:db-1 'rm -rf /tmp/x'").status == .success)
        #expect(dryRun.output.contains("dry-run: on db-1 (at 127.0.0.1) (destroys data): rm -rf /tmp/x\n"))
    }

    @Test("a variable in the remote command reaches the remote shell as one literal value")
    func exactRemoteQuoting() async throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let console = TestConsole()
        let shell = try shell(hosts, console: console)
        defer { shell.closeConnections() }
        _ = await shell.run(#"set v "\$(id) 'q' \"dq\" ; echo injected""#)
        #expect(await shell.run("knife ssh roles:db 'printf \"%s|\\n\" $v'").status == .success)
        #expect(console.output == "db-1 $(id) 'q' \"dq\" ; echo injected|\n")
    }

    @Test("a destructive fan-out lists every host's exact command and runs only when the query is typed")
    func confirmation() async throws {
        let hosts = try SSHHosts(count: 2)
        defer { hosts.stop() }
        let victim = hosts.directory.path + "/victim"
        mkdir(victim, 0o755)
        let refused = TestConsole(answers: ["db"])
        let first = try shell(hosts, console: refused)
        defer { first.closeConnections() }
        #expect(await first.run("knife ssh roles:db 'rm -rf \(victim)'").status == .exited(1))
        #expect(access(victim, F_OK) == 0)
        #expect(refused.error.contains("2 hosts (roles:db), each running exactly:"))
        #expect(refused.error.contains("    db-1: rm -rf \(victim)\n    db-2: rm -rf \(victim)\n"))
        let confirmed = TestConsole(answers: ["roles:db"])
        let second = try shell(hosts, console: confirmed)
        defer { second.closeConnections() }
        #expect(await second.run("knife ssh roles:db 'rm -rf \(victim)'").status == .success)
        #expect(access(victim, F_OK) != 0)
    }

    @Test("dry-run prints every host's exact command and connects to none")
    func dryRun() async throws {
        let hosts = try SSHHosts(count: 3)
        defer { hosts.stop() }
        let console = TestConsole()
        let shell = try shell(hosts, console: console) { $0.dryRun = true }
        defer { shell.closeConnections() }
        #expect(await shell.run("knife ssh roles:db 'sudo systemctl stop patroni'").status == .success)
        for name in hosts.names { #expect(console.output.contains("dry-run: on \(name) (changes state): sudo systemctl stop patroni\n")) }
        // backup-fetch's guard looks at DIR on each host; in dry-run it must not.
        #expect(await shell.run("knife ssh roles:db 'wal-e backup-fetch /tmp LATEST'").status == .success)
        #expect((0..<3).map(hosts.acceptedConnections) == [0, 0, 0])
    }

    @Test("the second command to a host reuses the session's connection")
    func multiplexing() async throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let shell = try shell(hosts, console: TestConsole())
        for _ in 0..<4 { #expect(await shell.run("knife ssh db-1 true").status == .success) }
        #expect(hosts.acceptedConnections(0) == 1, "four commands, one ssh handshake")
        shell.closeConnections()
    }

    @Test("-C 1 runs one host at a time: each host's lines come as a block, in order")
    func concurrencyBound() async throws {
        let hosts = try SSHHosts(count: 3)
        defer { hosts.stop() }
        let console = TestConsole()
        let shell = try shell(hosts, console: console)
        defer { shell.closeConnections() }
        #expect(await shell.run("knife ssh -C 1 roles:db 'echo start; sleep 0.3; echo end'").status == .success)
        #expect(console.output == "db-1 start\ndb-1 end\ndb-2 start\ndb-2 end\ndb-3 start\ndb-3 end\n")
    }

    @Test("when the shell ends, its master connections and socket directory are gone")
    func closesConnections() async throws {
        let hosts = try SSHHosts(count: 2)
        defer { hosts.stop() }
        let ssh = SSHSettings.forSession()
        let directory = try #require(ssh.controlDirectory)
        var info = stat()
        #expect(stat(directory, &info) == 0 && info.st_mode & 0o777 == 0o700)
        let inventory = try hosts.inventory()
        let shell = Interpreter(context: Context(session: Session(), console: TestConsole(), executor: ProcessExecutor(inventory: inventory, ssh: ssh),
                                                 catalog: Catalog(commands: Builtins.all, plugins: BuiltinPlugins.all), inventory: inventory))
        #expect(await shell.run("knife ssh roles:db true").status == .success)
        #expect(processes(containing: directory).count == 2, "one master per host")
        shell.closeConnections()
        try await Task.sleep(for: .milliseconds(300))
        #expect(processes(containing: directory).isEmpty)
        #expect(access(directory, F_OK) != 0)
    }

    @Test("after a host's master connection has gone, the next command returns and reuse goes on")
    func masterGone() async throws {
        // The command's own ssh recreates the master (ControlMaster=auto);
        // --timeout would say so if that ever held the command's pipes open.
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let ssh = SSHSettings.forSession()
        let directory = try #require(ssh.controlDirectory)
        let inventory = try hosts.inventory()
        let console = TestConsole()
        let shell = Interpreter(context: Context(session: Session(), console: console, executor: ProcessExecutor(inventory: inventory, ssh: ssh),
                                                 catalog: Catalog(commands: Builtins.all, plugins: BuiltinPlugins.all), inventory: inventory))
        defer { shell.closeConnections() }
        #expect(await shell.run("knife ssh db-1 'echo first'").status == .success)
        let masters = processes(containing: directory)
        #expect(masters.count == 1)
        // End it as ControlPersist's timeout does: cleanly, socket removed.
        // (A killed master leaves its socket, and ssh then just connects.)
        masters.forEach { kill($0, SIGTERM) }
        let gone = Monotonic.now + 20  // a bound, not a pace: a loaded machine ends the master late
        while !processes(containing: directory).isEmpty || socketCount(directory) > 0, Monotonic.now < gone { try await Task.sleep(for: .milliseconds(50)) }
        #expect(socketCount(directory) == 0, "the master left its socket")
        let outcome = await shell.run("knife ssh --timeout 10s db-1 'echo again'")
        #expect(outcome.status == .success, "\(console.error)")
        #expect(console.output.hasSuffix("db-1 again\n"))
        #expect(processes(containing: directory).count == 1, "a master again, for the next command")
    }

    @Test("queries select by role, name glob, all, or host name; none matching is an error")
    func queries() throws {
        let inventory = try Inventory.parse("""
            [hosts."patroni-01"]
            roles = ["dr-base-db-patroni"]
            [hosts."patroni-02"]
            roles = ["dr-base-db-patroni", "extra"]
            [hosts."consul-01"]
            roles = ["consul"]
            """, file: "q.toml")
        #expect(try inventory.hosts(matching: HostQuery("roles:dr-base-db-patroni")).map(\.name) == ["patroni-01", "patroni-02"])
        #expect(try inventory.hosts(matching: HostQuery("role:extra")).map(\.name) == ["patroni-02"])
        #expect(try inventory.hosts(matching: HostQuery("name:patroni-0*")).map(\.name) == ["patroni-01", "patroni-02"])
        #expect(try inventory.hosts(matching: HostQuery("*:*")).count == 3)
        #expect(try inventory.hosts(matching: HostQuery("consul-01")).map(\.name) == ["consul-01"])
        #expect(throws: FleetError.noHosts(query: "roles:web", known: ["consul", "dr-base-db-patroni", "extra"])) {
            try inventory.hosts(matching: HostQuery("roles:web"))
        }
    }

    /// Control sockets in the session's directory (its logs and owner file aside).
    private func socketCount(_ directory: String) -> Int {
        readDirectory(directory).filter { name in
            var info = stat()
            return lstat(directory + "/" + name, &info) == 0 && info.st_mode & S_IFMT == S_IFSOCK
        }.count
    }

    /// Waits until no process carries `marker`, seen twice 300 ms apart: the
    /// watchdog's own shell (whose command line holds the command's text)
    /// forks `kill` and `sleep 2` while it ends the command, and one scan can
    /// fall between two of them.
    private func expectGone(_ marker: String) async throws {
        let deadline = Monotonic.now + 8
        var left = processes(containing: marker)
        while Monotonic.now < deadline {
            if left.isEmpty {
                try await Task.sleep(for: .milliseconds(300))
                left = processes(containing: marker)
                if left.isEmpty { return }
            }
            try await Task.sleep(for: .milliseconds(50))
            left = processes(containing: marker)
        }
        let lines = left.map { "\($0): \(readFile("/proc/\($0)/cmdline").map { $0 == "\0" ? " " : $0 })" }
        Issue.record("remote processes with \(marker) are still running:\n\(lines.joined(separator: "\n"))")
    }

    private func waitFor(_ condition: () -> Bool) async throws {
        let deadline = Monotonic.now + 10
        while !condition() {
            guard Monotonic.now < deadline else { throw TestFailure("condition not met within 10 s") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private func ensureUser(_ name: String) throws {
        if getpwnam(name) == nil { try run("useradd -m -s /bin/sh \(name)") }
    }
}

extension String {
    func replacingAll(_ target: Character, _ replacement: String) -> String {
        String(flatMap { $0 == target ? Array(replacement) : [$0] })
    }
}
