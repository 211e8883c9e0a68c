import OpsKit
#if canImport(Glibc)
import Glibc
#endif

/// The Consul stand-in (`Tests/Standins/consul/`): Consul cannot be
/// installed here, so tests talk to a server that answers the documented
/// KV and members endpoints exactly as Consul's sources do (see its README).
public final class ConsulStandIn: Sendable {
    public let address: String
    public let log: String
    /// The stand-in CLI, a client of the same HTTP API as the real `consul`.
    public static let cli = ShellBinary.packageRoot + "/Tests/Standins/consul/consul"
    private let pid: pid_t
    private let directory: TemporaryDirectory

    /// Starts a server; with `token`, every request needs it (ACLs on).
    public init(token: String? = nil) throws {
        directory = TemporaryDirectory()
        log = directory.path + "/requests.log"
        let output = directory.path + "/server.out"
        var argv = ["/usr/bin/python3", ShellBinary.packageRoot + "/Tests/Standins/consul/consul-server.py", "--port", "0", "--log", log]
        if let token { argv += ["--token", token] }
        pid = try spawn(argv, log: output)
        let deadline = Monotonic.now + 10
        while Monotonic.now < deadline {
            if let line = readFile(output).textLines.first(where: { $0.hasPrefix("listening on ") }) {
                address = String(line.dropFirst("listening on ".count))
                return
            }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        throw TestFailure("the Consul stand-in did not start: \(readFile(output))")
    }

    public func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        directory.remove()
    }
}
