import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// HTTPS to Patroni's and Consul's APIs through URLSession, against a
/// self-signed certificate made here with openssl. The server is a stand-in
/// (`Tests/Standins/http/serve.py`, Python's http.server with ssl).
///
/// URLSession on Linux trusts what libcurl trusts: the system's store,
/// `/etc/ssl/certs/ca-certificates.crt` (swift-corelibs-foundation reads
/// `URLSessionCertificateAuthorityInfoFile` on Android only). So the test
/// puts the CA there the way `update-ca-certificates` would, but only for
/// the shell's process: a bundle bound over that file in its own mount
/// namespace (`unshare -m`, so root), leaving the machine's store alone.
@Suite("TLS to the REST APIs", .serialized, .enabled(if: geteuid() == 0, "needs root for unshare -m"))
struct TLSTests {
    /// A CA-less self-signed certificate for 127.0.0.1, and a bundle of
    /// the system's CAs plus it.
    struct Certificate {
        let directory = TemporaryDirectory()
        var certificate: String { directory.path + "/api.crt" }
        var key: String { directory.path + "/api.key" }
        var bundle: String { directory.path + "/bundle.crt" }

        init() async throws {
            let made = try await ShellBinary.runProcess("/usr/bin/openssl", [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", directory.path + "/api.key", "-out", directory.path + "/api.crt",
            ])
            guard made.status == 0 else { throw TestFailure("openssl: \(made.error)") }
            directory.write("bundle.crt", readFile("/etc/ssl/certs/ca-certificates.crt") + readFile(directory.path + "/api.crt"))
        }
    }

    /// `opsshell -c LINE…` with `inventory`; with `trusting`, that bundle is
    /// the system's CA store for this run.
    func run(_ lines: [String], inventory: String, environment: [String: String] = [:], trusting bundle: String?) async throws -> ShellBinary.Result {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.write("opsshell.toml", inventory)
        let shell = ([ShellBinary.path, "--inventory", file] + lines.flatMap { ["-c", $0] }).map { "'\($0)'" }.joined(separator: " ")
        let bind = bundle.map { "mount --bind '\($0)' /etc/ssl/certs/ca-certificates.crt && " } ?? ""
        return try await ShellBinary.runProcess("/usr/bin/unshare", ["-m", "/bin/sh", "-c", bind + "exec " + shell],
                                                environment: environment.merging(["XDG_STATE_HOME": directory.path]) { $1 })
    }

    @Test("patronictl list over HTTPS: refused with a self-signed certificate, read once its CA is in the system's store")
    func patroniOverTLS() async throws {
        let tls = try await Certificate()
        defer { tls.directory.remove() }
        let api = try HTTPStandIn(["cluster": readFile(ShellBinary.packageRoot + "/Tests/Fixtures/patroni-api/cluster-4.1.5.json")],
                                  tls: (tls.certificate, tls.key))
        defer { api.stop() }
        let inventory = "[hosts.\"patroni-01\"]\npatroni_api = \"https://\(api.address)\"\ncluster = \"pg-ha-cluster\"\n"
        let untrusted = try await run(["patronictl list --json"], inventory: inventory, trusting: nil)
        #expect(untrusted.status != 0)
        #expect(untrusted.output.isEmpty)
        #expect(untrusted.error.contains("https://\(api.address)"), "names the API: \(untrusted.error)")
        #expect(untrusted.error.contains("update-ca-certificates"), "says how to trust it: \(untrusted.error)")
        let trusted = try await run(["patronictl list --json"], inventory: inventory, trusting: tls.bundle)
        #expect(trusted.status == 0, "\(trusted.error)")
        #expect(trusted.output.contains(#""Member":"patroni-03-db-dr.c.gitlab-dr.internal""#), "\(trusted.output)")
    }

    @Test("consul kv get over HTTPS (CONSUL_HTTP_SSL): refused self-signed, read once its CA is trusted")
    func consulOverTLS() async throws {
        let tls = try await Certificate()
        defer { tls.directory.remove() }
        // Consul's /v1/kv answer: base64 values, numbers for the indexes.
        let pairs = #"[{"LockIndex":0,"Key":"service/c/leader","Flags":0,"Value":"cGF0cm9uaS0wMQ==","CreateIndex":12,"ModifyIndex":12}]"#
        let api = try HTTPStandIn(["v1/kv/service/c/leader": pairs], tls: (tls.certificate, tls.key))
        defer { api.stop() }
        let environment = ["CONSUL_HTTP_ADDR": api.address, "CONSUL_HTTP_SSL": "true"]
        let untrusted = try await run(["consul kv get service/c/leader"], inventory: "", environment: environment, trusting: nil)
        #expect(untrusted.status != 0 && !untrusted.output.contains("patroni-01"), "\(untrusted.output)\(untrusted.error)")
        let trusted = try await run(["consul kv get service/c/leader"], inventory: "", environment: environment, trusting: tls.bundle)
        #expect(trusted.status == 0, "\(trusted.error)")
        #expect(trusted.output == "patroni-01\n", "\(trusted.output)")
    }
}
