import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Detached jobs (`bg`) over real sshd hosts: they outlive the shell that
/// started them and its ssh connections; the hosts record them, so another
/// shell lists, follows and ends them.
@Suite("Detached jobs", .serialized)
struct JobsTests {
    /// `opsshell` with the hosts' inventory.
    func shell(_ lines: [String], hosts: SSHHosts, state: TemporaryDirectory, options: [String] = []) async throws -> ShellBinary.Result {
        let inventory = state.write("opsshell.toml", hosts.inventoryText())
        return try await ShellBinary.run(["--inventory", inventory] + options + lines.flatMap { ["-c", $0] }, environment: ["XDG_STATE_HOME": state.path])
    }

    /// A shell loop that ends once PATH exists (POSIX sh, no quotes: it goes inside the tests' single quotes).
    static func waitFor(_ path: String) -> String { "until [ -e \(path) ]; do sleep 0.1; done" }

    static func jobID(in output: String) -> String? {
        output.firstMatch(of: /job %([0-9a-f]{6})/).map { String($0.1) }
    }

    static func jobs(_ json: String) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]) ?? []
    }

    @Test("a bg fan-out survives SIGKILL of the shell and of its ssh masters; a new shell sees it running, then exited 0")
    func survivesTheShell() async throws {
        let hosts = try SSHHosts(count: 2)
        defer { hosts.stop() }
        let state = TemporaryDirectory()
        defer { state.remove() }
        let marks = state.path + "/marks"
        try run("mkdir \(marks)")
        let inventory = state.write("opsshell.toml", hosts.inventoryText())
        let control = state.path + "/ssh-control"
        // The jobs wait for a gate the test opens, not for a guess of how long a loaded machine takes.
        let gate = state.path + "/gate"
        let terminal = try PseudoTerminal([ShellBinary.path, "--inventory", inventory, "-c", "bg knife ssh roles:db '\(Self.waitFor(gate)); touch \(marks)/$$'", "-c", "sleep 60"],
                                          environment: ["XDG_STATE_HOME": state.path, "NO_COLOR": "1", "TMPDIR": control])
        let started = try terminal.expect("db-2: started, detached", within: 20)
        let id = try #require(Self.jobID(in: String(terminal.transcript[..<started])))
        kill(terminal.pid, SIGKILL)
        // Its masters too: the job must not hang on any connection of the shell.
        for pid in processes(containing: "ControlMaster") where readFile("/proc/\(pid)/cmdline").contains(hosts.directory.path) { kill(pid, SIGKILL) }
        let running = try await shell(["jobs --json"], hosts: hosts, state: state)
        let seen = Self.jobs(running.output).filter { $0["id"] as? String == id }
        #expect(seen.map { $0["host"] as? String } == ["db-1", "db-2"], "\(running.output) \(running.error)")
        #expect(seen.allSatisfy { $0["state"] as? String == "running" })
        try run("touch \(gate)")
        let waited = try await shell(["wait %\(id)"], hosts: hosts, state: state)
        #expect(waited.status == 0, "\(waited.error)")
        #expect(readDirectory(marks).count == 2, "each host's job ran to its end")
        let after = Self.jobs(try await shell(["jobs --json"], hosts: hosts, state: state).output).filter { $0["id"] as? String == id }
        #expect(after.map { $0["state"] as? String } == ["exited 0", "exited 0"])
    }

    @Test("attach follows a job's output from now on and ends with the job's exit status")
    func attach() async throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let state = TemporaryDirectory()
        defer { state.remove() }
        // The job repeats a line until the test has seen it (attach follows from where the log is when it
        // starts), then writes a last line just before it ends: that one must not be lost.
        let seen = state.path + "/seen"
        let inventory = state.write("opsshell.toml", hosts.inventoryText())
        let job = "echo one; until [ -e \(seen) ]; do echo again $((6*7)); sleep 0.2; done; echo last $((3+4)); exit 3"
        let terminal = try PseudoTerminal([ShellBinary.path, "--inventory", inventory, "-c", "bg ssh db-1 '\(job)'", "-c", "attach %%"],
                                          environment: ["XDG_STATE_HOME": state.path, "NO_COLOR": "1"])
        defer { kill(terminal.pid, SIGKILL) }
        let attached = try terminal.expect("attached to %", within: 20)
        // Output, not the command line attach names: that holds `$((6*7))`, not its value.
        let followed = try terminal.expect("again 42", after: attached, within: 20)
        try run("touch \(seen)")
        _ = try terminal.expect("last 7", after: followed, within: 20)
        #expect(terminal.waitForExit(within: 20) == 3, "\(terminal.transcript)")
    }

    @Test("LINE & is bg LINE; the same command still running is re-attached, not started twice")
    func reattach() async throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let state = TemporaryDirectory()
        defer { state.remove() }
        let marker = "opsshell-reattach-\(getpid())"
        // It repeats its line until the test has seen it: a re-attach follows from where the log is then.
        let seen = state.path + "/seen"
        let line = "sh -c 'until [ -e \(seen) ]; do echo \(marker); sleep 0.2; done' &"
        let first = try await shell(["ssh db-1", line], hosts: hosts, state: state)
        #expect(first.status == 0, "\(first.error)")
        let id = try #require(Self.jobID(in: first.output))
        // The second shell finds it running and follows it; only then does the job end.
        let inventory = state.write("opsshell.toml", hosts.inventoryText())
        let again = try PseudoTerminal([ShellBinary.path, "--inventory", inventory, "-c", "ssh db-1", "-c", line],
                                       environment: ["XDG_STATE_HOME": state.path, "NO_COLOR": "1"])
        defer { kill(again.pid, SIGKILL) }
        let found = try again.expect("already running as job %\(id) on db-1", within: 20)
        _ = try again.expect(marker, after: found, within: 20)
        try run("touch \(seen)")
        #expect(again.waitForExit(within: 20) == 0, "\(again.transcript)")
        #expect(!again.transcript.contains("started, detached"), "a second job was started: \(again.transcript)")
    }

    @Test("a job whose process is gone without a status is lost, and wait says so")
    func lost() async throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let state = TemporaryDirectory()
        defer { state.remove() }
        let started = try await shell(["bg ssh db-1 'sleep 60'"], hosts: hosts, state: state)
        let id = try #require(Self.jobID(in: started.output))
        let pid = pid_t(readFile("/var/tmp/opsshell-jobs/root/\(id)@db-1/pid").trimmingCharacters(in: .whitespacesAndNewlines))!
        kill(-pid, SIGKILL)
        usleep(300_000)
        let listed = Self.jobs(try await shell(["jobs --json"], hosts: hosts, state: state).output).first { $0["id"] as? String == id }
        #expect(listed?["state"] as? String == "lost")
        let waited = try await shell(["wait %\(id)"], hosts: hosts, state: state)
        #expect(waited.status == 255)
        #expect(waited.error.contains("job %\(id) is lost"))
    }

    @Test("a job's files are its user's alone: another login cannot read or attach it")
    func ownFiles() async throws {
        let state = TemporaryDirectory()
        defer { state.remove() }
        try run("chmod 755 \(state.path)")
        let started = try await ShellBinary.run(["-c", "bg sleep 5"], environment: ["XDG_STATE_HOME": state.path])
        let id = try #require(Self.jobID(in: started.output))
        let user = String(cString: getpwuid(geteuid())!.pointee.pw_name)
        var info = stat()
        #expect(stat("/var/tmp/opsshell-jobs/\(user)", &info) == 0 && info.st_mode & 0o777 == 0o700 && info.st_uid == geteuid())
        #expect(stat("/var/tmp/opsshell-jobs/\(user)/\(id)@local/log", &info) == 0 && info.st_mode & 0o077 == 0)
        guard geteuid() == 0 else { return }
        // As nobody: the job is listed as another user's, and attach says how to reach it.
        let other = try await ShellBinary.runProcess("/usr/sbin/runuser", ["-u", "nobody", "--", ShellBinary.path, "--no-audit", "-c", "attach %\(id)"],
                                                     environment: ["XDG_STATE_HOME": state.path + "/nobody", "HOME": "/tmp"])
        #expect(other.status == 1)
        #expect(other.error.contains("\(user) on local run jobs whose files are theirs alone"), "\(other.error)")
        _ = try await ShellBinary.run(["--yes", "-c", "kill %\(id)"], environment: ["XDG_STATE_HOME": state.path])
    }

    @Test("replaying a recorded bg line whose job has ended reads its status and does not start it again")
    func replayEndedJob() async throws {
        let state = TemporaryDirectory()
        defer { state.remove() }
        let recording = state.path + "/r.ops"
        let count = state.path + "/runs"
        let first = try await ShellBinary.run(["--record", recording, "-c", "bg sh -c 'echo x >> \(count)'", "-c", "wait %%"],
                                              environment: ["XDG_STATE_HOME": state.path])
        #expect(first.status == 0, "\(first.error)")
        let id = try #require(Self.jobID(in: first.output))
        #expect(readFile(recording).contains("# job %\(id) on local\n"))
        let replay = try await ShellBinary.run(["replay", recording], environment: ["XDG_STATE_HOME": state.path])
        #expect(replay.status == 0, "\(replay.error)")
        #expect(replay.error.contains("job %\(id) has already ended (exit 0); not started again"), "\(replay.error)")
        #expect(readFile(count) == "x\n", "the job ran again")
    }

    @Test("dry-run shows each host's command as a job and starts nothing")
    func dryRun() async throws {
        let hosts = try SSHHosts(count: 2)
        defer { hosts.stop() }
        let state = TemporaryDirectory()
        defer { state.remove() }
        let result = try await shell(["bg knife ssh roles:db 'touch \(state.path)/x'"], hosts: hosts, state: state, options: ["--dry-run"])
        #expect(result.status == 0)
        #expect(result.output.contains("dry-run: on db-1 (changes state): touch \(state.path)/x (as job %"), "\(result.output)")
        #expect(result.output.contains("dry-run: on db-2"))
        #expect(access(state.path + "/x", F_OK) != 0)
    }
}
