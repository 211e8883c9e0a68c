#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the shell uses the system's OpenSSH client: batch mode, a connect
/// timeout, and one multiplexed master connection per host for the session,
/// so the second command to a host costs milliseconds, not a handshake.
public struct SSHSettings: Sendable {
    /// The 0700 directory holding the control sockets; nil disables
    /// multiplexing.
    public let controlDirectory: String?
    /// Seconds to wait for a connection.
    public var connectTimeout: Int = 10
    /// How long an idle master connection stays up.
    public var controlPersist = "10m"

    public init(controlDirectory: String?) {
        self.controlDirectory = controlDirectory
    }

    /// Settings with a fresh control directory for this session, after
    /// removing those left by shells that were killed (see `ControlDirectory`).
    public static func forSession() -> SSHSettings {
        ControlDirectory.removeStale()
        return SSHSettings(controlDirectory: ControlDirectory.create())
    }

    /// The `ssh` argument vector that runs `remoteCommand` on `host`.
    ///
    /// Every value from the inventory goes in as a separate argument after
    /// its option, and the destination follows `--`, so nothing can be read
    /// as an ssh option; the remote command is one argument, already quoted
    /// for the remote shell. Connection options are set here once: OpenSSH
    /// keeps the first value of an option, so a caller cannot override them.
    /// `ControlMaster=auto` lets a command recreate a master that has gone
    /// (ControlPersist ran out), so reuse goes on.
    func argv(host: Host, sshConfig: String?, remoteCommand: String?, extraOptions: [String] = []) -> [String] {
        var argv = ["ssh"]
        if let sshConfig { argv += ["-F", sshConfig] }
        argv += ["-o", "BatchMode=yes", "-o", "ConnectTimeout=\(connectTimeout)", "-o", "ServerAliveInterval=15"]
        if let controlDirectory {
            argv += ["-o", "ControlMaster=auto", "-o", "ControlPath=\(controlDirectory)/%C", "-o", "ControlPersist=\(controlPersist)"]
        }
        if let address = host.address { argv += ["-o", "HostName=\(address)"] }
        if let port = host.port { argv += ["-p", String(port)] }
        if let user = host.user { argv += ["-l", user] }
        if let identity = host.identityFile { argv += ["-i", identity, "-o", "IdentitiesOnly=yes"] }
        argv += extraOptions
        argv += ["--", host.name]
        if let remoteCommand { argv.append(remoteCommand) }
        return argv
    }

    /// Closes every master connection this session opened and removes the
    /// socket directory.
    public func closeConnections() {
        if let controlDirectory { ControlDirectory.remove(controlDirectory) }
    }
}

/// The command line the remote login shell receives.
enum RemoteCommand {
    /// Wraps `command` (text for `sh -c`) so the remote side stops it when
    /// the connection ends: killing the local `ssh` client alone leaves the
    /// remote processes running, since without a tty nothing tells them.
    ///
    /// The command runs in its own session (`setsid`) with stdin from
    /// /dev/null; a watcher reads the connection's stdin, which we hold open,
    /// and on end-of-file (our Ctrl-C, or a dropped connection) sends SIGTERM
    /// to the command's process group, then SIGKILL.
    static func wrapped(_ command: String, user: String?, login: Bool) -> String {
        let inner = user.map { user -> [String] in
            let text = login ? "cd ~ 2>/dev/null || cd /; " + command : command
            return ["sudo", "-n", "-H", "-u", user, "--", "/bin/sh", "-c", "--", text]
        } ?? ["/bin/sh", "-c", "--", command]  // `--`: a line may start with `-`.
        let watchdog = """
            exec 3<&0; \
            if command -v setsid >/dev/null 2>&1; then setsid "$@" </dev/null & else "$@" </dev/null & fi; \
            pid=$!; \
            { cat >/dev/null; kill -TERM -$pid 2>/dev/null || kill -TERM $pid; sleep 2; kill -KILL -$pid 2>/dev/null; } <&3 >/dev/null 2>&1 & \
            watcher=$!; exec 3<&-; \
            wait $pid; status=$?; kill $watcher 2>/dev/null; exit $status
            """
        return ShellQuoting.join(["/bin/sh", "-c", watchdog, "opsshell"] + inner)
    }
}
