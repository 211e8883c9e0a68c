import OpsKit
#if canImport(Glibc)
import Glibc
#endif

/// A stand-in HTTP(S) server (`Tests/Standins/http/serve.py`) answering
/// `GET /NAME` with the file `NAME` it was given: for APIs that cannot run
/// in a unit test (Patroni needs PostgreSQL and a DCS). Always `stop()` it.
public final class HTTPStandIn: Sendable {
    /// `127.0.0.1:PORT`.
    public let address: String
    private let pid: pid_t
    private let directory: TemporaryDirectory

    /// Serves `files` (path without the leading slash → body); with `tls`
    /// (certificate and key files), over HTTPS.
    public init(_ files: [String: String], tls: (certificate: String, key: String)? = nil) throws {
        directory = TemporaryDirectory()
        for (name, body) in files { directory.write(name.replacingAll("/", with: "_"), body) }
        let output = directory.path + "/server.out"
        var argv = ["/usr/bin/python3", ShellBinary.packageRoot + "/Tests/Standins/http/serve.py", "--root", directory.path]
        if let tls { argv += ["--cert", tls.certificate, "--key", tls.key] }
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
        throw TestFailure("the HTTP stand-in did not start: \(readFile(output))")
    }

    public func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        directory.remove()
    }
}
