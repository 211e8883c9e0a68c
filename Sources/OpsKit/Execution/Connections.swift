import Subprocess
import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The session's master connections, one per host, opened on first use.
///
/// The master is started on its own (`ssh -N -f`, its messages in a log
/// file) before the first command: an unreachable host is then reported as
/// such, in ssh's own words, and commands started at once for the same host
/// do not race to become its master.
actor Connections {
    private let ssh: SSHSettings
    private let sshConfig: String?
    /// Hosts with a live master, and hosts being opened (others wait).
    private var opened: [String: Task<String?, Never>] = [:]

    init(ssh: SSHSettings, sshConfig: String?) {
        self.ssh = ssh
        self.sshConfig = sshConfig
    }

    /// Opens the master for `host` unless it is open; nil on success, else
    /// why the host cannot be reached (ssh's own words).
    func open(_ host: Host) async -> String? {
        guard let directory = ssh.controlDirectory else { return nil }
        // A master that has gone since (ControlPersist ran out) is recreated
        // by the next command's own ssh (ControlMaster=auto).
        // Keyed by address too: `knife ssh -a` may reach a host elsewhere.
        let key = host.address.map { "\(host.name)@\($0)" } ?? host.name
        if let existing = opened[key], await existing.value == nil { return nil }
        let ssh = self.ssh, sshConfig = self.sshConfig
        let task = Task { await Connections.startMaster(host, ssh: ssh, sshConfig: sshConfig, log: directory + "/\(key).log") }
        opened[key] = task
        // The opening is a task of its own (others may wait for it), so the
        // caller's cancellation (`--timeout`, Ctrl-C) has to be passed on:
        // else a host that never answers holds the caller until ssh gives up.
        let failure = await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
        if failure != nil { opened[key] = nil }
        return failure
    }

    /// Starts the master and waits for it to have authenticated (`-f`
    /// forks then); cancelling stops the ssh that is connecting. Awaited, not blocking: a blocking wait would hold one of
    /// the few threads of Swift's pool, and 30 hosts would open two at a time.
    private static func startMaster(_ host: Host, ssh: SSHSettings, sshConfig: String?, log: String) async -> String? {
        let argv = ssh.argv(host: host, sshConfig: sshConfig, remoteCommand: nil, extraOptions: ["-N", "-f"])
        let descriptor = Glibc.open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return "cannot write \(log)" }
        let status: Int32
        do {
            // A log file, not a pipe: it is read only when ssh fails.
            let result = try await Subprocess.run(
                .name(argv[0]), arguments: Arguments(Array(argv.dropFirst())), input: .none,
                output: .fileDescriptor(FileDescriptor(rawValue: descriptor), closeAfterSpawningProcess: false),
                error: .fileDescriptor(FileDescriptor(rawValue: descriptor), closeAfterSpawningProcess: false))
            status = ExitStatus(result.terminationStatus).code
        } catch {
            close(descriptor)
            return "cannot start ssh: \(error)"
        }
        close(descriptor)
        guard status != 0 else { return nil }
        let message = readText(log)?.lastLine ?? ""
        return message.isEmpty ? "ssh exited with \(status)" : message
    }

    /// Runs argv with stdin from /dev/null and stdout/stderr to `log`, and
    /// waits, blocking: only for closing connections when the shell ends.
    static func spawnAndWait(_ argv: [String], log: String) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let pointers = argv.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawnp(&pid, argv[0], &actions, nil, pointers, environ) == 0 else { return 127 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
