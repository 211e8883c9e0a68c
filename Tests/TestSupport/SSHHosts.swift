import OpsKit
#if canImport(Glibc)
import Glibc
#endif

/// Real OpenSSH `sshd` processes on 127.0.0.1, one per "host", each on its
/// own port, with keys made for the test; stopped by `stop()`.
public final class SSHHosts: @unchecked Sendable {
    // @unchecked: built once in init, then only read; `stop` is idempotent.
    public let directory: TemporaryDirectory
    public let names: [String]
    public private(set) var ports: [Int]
    private var pids: [pid_t] = []
    /// A port where nothing listens, for "host down" tests.
    public let deadPort: Int

    /// A second address each sshd listens on (`::1`), besides 127.0.0.1.
    private let alsoListenOn: String?

    /// Starts `count` sshd hosts named `db-1`…`db-N` (role `db`), on
    /// 127.0.0.1 and on `alsoListenOn` when given.
    public init(count: Int, alsoListenOn: String? = nil) throws {
        self.alsoListenOn = alsoListenOn
        directory = TemporaryDirectory()
        names = (1...count).map { "db-\($0)" }
        var ports: [Int] = []
        for _ in 0...count { ports.append(SSHHosts.freePort()) }
        deadPort = ports.removeLast()
        self.ports = []
        let dir = directory.path
        mkdir("/run/sshd", 0o755)
        try run("ssh-keygen -q -t ed25519 -N '' -f \(dir)/host_key && ssh-keygen -q -t ed25519 -N '' -f \(dir)/id_ed25519 && cp \(dir)/id_ed25519.pub \(dir)/authorized_keys && chmod 600 \(dir)/id_ed25519 \(dir)/authorized_keys")
        for index in ports.indices {
            // A port picked free can be taken by a test running beside this
            // one before sshd binds it: then sshd exits, and we pick again.
            var attempt = 0
            while true {
                let pid = try startDaemon(index, port: ports[index])
                if try waitForOwnListener(ports[index], pid: pid) {
                    pids.append(pid)
                    break
                }
                attempt += 1
                guard attempt < 5 else { throw TestFailure("sshd \(index) could not bind a port: \(readFile("\(dir)/sshd_\(index).log"))") }
                ports[index] = SSHHosts.freePort()
            }
        }
        self.ports = ports
        directory.write("ssh_config", """
            Host *
              StrictHostKeyChecking no
              UserKnownHostsFile /dev/null
              LogLevel ERROR

            """)
    }

    /// Starts sshd number `index` on `port`.
    private func startDaemon(_ index: Int, port: Int) throws -> pid_t {
        let dir = directory.path
        let config = directory.write("sshd_\(index).conf", """
                Port \(port)
                ListenAddress 127.0.0.1
                \(alsoListenOn.map { "ListenAddress \($0)" } ?? "")
                HostKey \(dir)/host_key
                AuthorizedKeysFile \(dir)/authorized_keys
                PidFile \(dir)/sshd_\(index).pid
                StrictModes no
                UsePAM no
                PermitRootLogin yes
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                MaxSessions 100
                MaxStartups 100
                LogLevel VERBOSE

                """)
        return try spawn(["/usr/sbin/sshd", "-D", "-e", "-f", config], log: "\(dir)/sshd_\(index).log")
    }

    deinit { stop() }

    /// Stops every sshd and removes the keys.
    public func stop() {
        for pid in pids { kill(pid, SIGTERM); waitpid(pid, nil, 0) }
        pids = []
        directory.remove()
    }

    /// Inventory TOML for the hosts (role `db`), plus `extra` host entries.
    public func inventoryText(extra: String = "") -> String {
        var text = "ssh_config = \"\(directory.path)/ssh_config\"\n"
        for (name, port) in zip(names, ports) {
            text += """
                [hosts."\(name)"]
                roles = ["db"]
                address = "127.0.0.1"
                port = \(port)
                user = "\(Session.currentUserName())"
                identity_file = "\(directory.path)/id_ed25519"

                """
        }
        return text + extra
    }

    /// An inventory entry for a host that is down (nothing listens).
    public var deadHostEntry: String {
        """
        [hosts."db-down"]
        roles = ["db"]
        address = "127.0.0.1"
        port = \(deadPort)
        user = "\(Session.currentUserName())"
        identity_file = "\(directory.path)/id_ed25519"

        """
    }

    public func inventory(extra: String = "") throws -> Inventory {
        try Inventory.parse(inventoryText(extra: extra), file: "test-inventory.toml")
    }

    /// How many connections sshd number `index` accepted so far.
    public func acceptedConnections(_ index: Int) -> Int {
        let log = readFile("\(directory.path)/sshd_\(index).log")
        return log.split(separator: "\n").filter { $0.contains("Accepted publickey") }.count
    }

    private static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until `port` listens and sshd `pid` still runs (a listener
    /// with our sshd gone is another test's); false when ours exited.
    private func waitForOwnListener(_ port: Int, pid: pid_t) throws -> Bool {
        let deadline = Monotonic.now + 10
        while Monotonic.now < deadline {
            if waitpid(pid, nil, WNOHANG) == pid { return false }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if connected == 0 {
                usleep(50_000)
                return waitpid(pid, nil, WNOHANG) != pid
            }
            usleep(20_000)
        }
        throw TestFailure("sshd on port \(port) did not start; log: \(readFile("\(directory.path)/sshd_0.log"))")
    }
}

/// Runs a shell line and fails the test with its output when it fails.
public func run(_ command: String) throws {
    let status = system(command)
    guard status == 0 else { throw TestFailure("`\(command)` failed with \(status)") }
}

/// Starts a program in the background with its output in `log`.
public func spawn(_ argv: [String], log: String) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    // The calling thread may block or ignore signals (the shell's own
    // handling, a runtime thread); the child gets none of that, or a
    // SIGTERM to stop it would stay pending for ever.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t(), all = sigset_t()
    sigemptyset(&none)
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    let status = withCStrings(argv) { posix_spawn(&pid, argv[0], &actions, &attributes, $0, environ) }
    guard status == 0 else { throw TestFailure("cannot start \(argv[0]): \(String(cString: strerror(status)))") }
    return pid
}

/// The processes whose command line contains `marker` (as `pgrep -f`).
public func processes(containing marker: String) -> [pid_t] {
    guard let directory = opendir("/proc") else { return [] }
    defer { closedir(directory) }
    var found: [pid_t] = []
    while let entry = readdir(directory) {
        let name = withUnsafePointer(to: entry.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
        guard let pid = pid_t(name), pid != getpid(), let file = fopen("/proc/\(pid)/cmdline", "r") else { continue }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = fread(&buffer, 1, buffer.count, file)
        fclose(file)
        let command = String(decoding: buffer[..<count].map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
        if command.contains(marker), isRunning(pid) { found.append(pid) }
    }
    return found
}

/// A file's text, or "" when it cannot be read.
public func readFile(_ path: String) -> String {
    readText(path) ?? ""
}

/// The names in a directory, `.` and `..` left out.
public func readDirectory(_ path: String) -> [String] {
    guard let directory = opendir(path) else { return [] }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
        let name = withUnsafePointer(to: entry.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
        if name != ".", name != ".." { names.append(name) }
    }
    return names
}
