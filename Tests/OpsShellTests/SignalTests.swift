import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The shell told to end (SIGTERM, SIGHUP, a closed stdout) ends what it
/// started: local children, remote commands, ssh masters, its control
/// directory, and writes the audit `end` event naming the signal.
@Suite("Ending the shell with a signal", .serialized)
struct SignalTests {
    @Test("a signal at the prompt ends the shell only: the wrapper script around it lives",
          arguments: [SIGTERM, SIGHUP])
    func wrapperSurvives(signal: Int32) throws {
        let state = TemporaryDirectory()
        defer { state.remove() }
        // sh without job control: the shell shares the wrapper's process group.
        let terminal = try PseudoTerminal(["/bin/sh", "-c", "'\(ShellBinary.path)'; echo survived-$?; sleep 1"],
                                          environment: ["XDG_STATE_HOME": state.path, "NO_COLOR": "1"])
        try terminal.expectPrompt(after: terminal.transcript.startIndex, within: 15)
        let shell = try #require(children(of: terminal.pid).first, "the shell runs under the wrapper")
        kill(shell, signal)
        try terminal.expect("survived-\(128 + signal)")
        #expect(terminal.waitForExit() == 0)
    }

    @Test("a signal during a fan-out leaves no ssh, no remote command, no control directory, and logs the signal",
          arguments: [SIGTERM, SIGHUP])
    func duringFanOut(signal: Int32) throws {
        let hosts = try SSHHosts(count: 2)
        defer { hosts.stop() }
        let state = TemporaryDirectory()
        defer { state.remove() }
        let inventory = state.write("inventory.toml", hosts.inventoryText())
        let marker = "opsshell-signal-\(signal)-\(getpid())"
        let terminal = try PseudoTerminal([ShellBinary.path, "--inventory", inventory],
                                          environment: ["XDG_STATE_HOME": state.path, "NO_COLOR": "1"])
        try terminal.expectPrompt(after: terminal.transcript.startIndex, within: 15)
        terminal.type("knife ssh roles:db 'sleep 300; echo \(marker)'\r")
        // Two remote sleeps, each also named by its watchdog and local ssh client.
        try waitFor { processes(containing: "sleep 300; echo \(marker)").count >= 6 }
        let control = try #require(controlDirectory(of: hosts), "an ssh master runs for the session")
        kill(terminal.pid, signal)
        #expect(terminal.waitForExit(within: 20) == 128 + signal)
        try expectEnded(hosts: hosts, marker: marker, control: control)
        let ends = auditEnds(state)
        #expect(ends.contains { $0.contains("\"result\":\"signal \(signalName(signal))\"") && $0.contains(marker) },
                "audit end events: \(ends)")
    }

    @Test("output to a closed pipe ends the shell: `opsshell -c … | head -1` leaves nothing running")
    func closedPipe() async throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let state = TemporaryDirectory()
        defer { state.remove() }
        let inventory = state.write("inventory.toml", hosts.inventoryText())
        let marker = "opsshell-pipe-\(getpid())"
        // `first` reaches head, which exits; the shell's next write fails.
        let line = "knife ssh db-1 'echo first; sleep 2; yes \(marker)'"
        let pipeline = Task {
            try await ShellBinary.runProcess("/usr/bin/timeout", ["60", "/bin/sh", "-c",
                "'\(ShellBinary.path)' --inventory '\(inventory)' -c \"\(line)\" | head -1; echo status=$?"],
                environment: ["XDG_STATE_HOME": state.path])
        }
        try waitFor { controlDirectory(of: hosts) != nil }
        let control = try #require(controlDirectory(of: hosts))
        let result = try await pipeline.value
        #expect(result.status == 0, "the pipeline ended by itself, not by timeout: \(result.error)")
        #expect(result.output == "db-1 first\nstatus=0\n")
        try expectEnded(hosts: hosts, marker: marker, control: control)
        let ends = auditEnds(state)
        #expect(ends.contains { $0.contains("\"result\":\"signal PIPE\"") && $0.contains(marker) }, "audit end events: \(ends)")
    }

    @Test("a SIGKILLed shell's control directory is removed by the next start; a live shell's is kept")
    func staleDirectory() async throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let state = TemporaryDirectory()
        defer { state.remove() }
        let inventory = state.write("inventory.toml", hosts.inventoryText())
        let environment = ["XDG_STATE_HOME": state.path]
        // env execs the shell: same pid, with the test's state directory.
        let env = ["/usr/bin/env", "XDG_STATE_HOME=\(state.path)", ShellBinary.path]
        let killed = try spawn(env + ["--inventory", inventory, "-c", "ssh db-1", "-c", "sleep 300s"], log: state.path + "/killed.log")
        try waitFor { controlDirectory(of: hosts) != nil }
        let stale = try #require(controlDirectory(of: hosts))
        kill(killed, SIGKILL)
        waitpid(killed, nil, 0)
        #expect(isDirectory(stale) && !masters(hosts).isEmpty, "SIGKILL leaves the directory and the master behind")

        let live = try spawn(env + ["-c", "sleep 300s"], log: state.path + "/live.log")
        defer { kill(live, SIGKILL); waitpid(live, nil, 0) }
        try waitFor { directories(ownedBy: live).count == 1 }

        let next = try await ShellBinary.run(["-c", "echo next"], environment: environment)
        #expect(next.output == "next\n")
        #expect(!isDirectory(stale), "the dead shell's directory is gone")
        try waitFor { masters(hosts).isEmpty }
        #expect(directories(ownedBy: live).count == 1, "the live shell's directory is kept")
    }

    // MARK: - What is left

    /// Nothing of the shell's is left: ssh clients and masters (their
    /// command lines name the test hosts' key), remote commands, the directory.
    private func expectEnded(hosts: SSHHosts, marker: String, control: String) throws {
        do {
            try waitFor(seconds: 8) { masters(hosts).isEmpty && processes(containing: marker).isEmpty }
        } catch {
            let left = (masters(hosts) + processes(containing: marker)).map { "\($0): \(commandLine($0))" }
            Issue.record("processes left:\n\(left.joined(separator: "\n"))")
        }
        #expect(!isDirectory(control), "\(control) was removed")
    }

    /// The ssh processes (clients and masters) that use the test hosts' key.
    private func masters(_ hosts: SSHHosts) -> [pid_t] {
        processes(containing: hosts.directory.path + "/id_ed25519")
    }

    /// The control directory an ssh process for `hosts` names in ControlPath=.
    private func controlDirectory(of hosts: SSHHosts) -> String? {
        for pid in masters(hosts) {
            for argument in commandLine(pid).split(separator: " ") where argument.hasPrefix("ControlPath=") {
                let path = argument.dropFirst("ControlPath=".count)
                return String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
            }
        }
        return nil
    }

    private func directories(ownedBy pid: pid_t) -> [String] {
        readDirectory("/tmp").filter { $0.hasPrefix("opsshell-ssh.") }
            .filter { readFile("/tmp/\($0)/owner") == "\(pid)\n" }
    }

    private func auditEnds(_ state: TemporaryDirectory) -> [String] {
        readFile(state.path + "/opsshell/audit.jsonl").split(separator: "\n").map(String.init)
            .filter { $0.contains("\"event\":\"end\"") }
    }

    private func signalName(_ signal: Int32) -> String { signal == SIGTERM ? "TERM" : signal == SIGHUP ? "HUP" : "\(signal)" }
}

func children(of parent: pid_t) -> [pid_t] {
    readDirectory("/proc").compactMap(pid_t.init).filter { pid in
        // "pid (name) state ppid …": the parent follows the state.
        let stat = readFile("/proc/\(pid)/stat")
        guard let close = stat.lastIndex(of: ")") else { return false }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 && pid_t(fields[1]) == parent
    }
}

func commandLine(_ pid: pid_t) -> String {
    String(readFile("/proc/\(pid)/cmdline").map { $0 == "\0" ? " " : $0 })
}

func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
}

func waitFor(seconds: Double = 15, _ condition: () -> Bool) throws {
    let deadline = Monotonic.now + seconds
    while !condition() {
        guard Monotonic.now < deadline else { throw TestFailure("condition not met within \(seconds) s") }
        usleep(50_000)
    }
}
