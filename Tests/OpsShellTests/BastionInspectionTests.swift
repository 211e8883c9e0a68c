import TestSupport
import Testing

/// `patronictl list` and `wait` from where the operator stands (no target,
/// no patronictl installed), through the inventory's `patroni_api`.
///
/// The APIs are stand-ins (`HTTPStandIn`) serving real Patroni 4.1.5
/// answers captured in the lab (`Tests/Fixtures/patroni-api/`); the lab
/// test `bastionList` runs the same against the live cluster.
@Suite("Inspecting a cluster from the bastion")
struct BastionInspectionTests {
    static let cluster = readFile(ShellBinary.packageRoot + "/Tests/Fixtures/patroni-api/cluster-4.1.5.json")

    static func patroni(scope: String) -> String {
        #"{"state": "running", "role": "replica", "patroni": {"version": "4.1.5", "scope": "\#(scope)", "name": "x"}}"#
    }

    /// Runs `lines` with `inventory` and a PATH without patronictl.
    func run(_ lines: [String], inventory: String) async throws -> ShellBinary.Result {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.write("opsshell.toml", inventory)
        return try await ShellBinary.run(["--inventory", file] + lines.flatMap { ["-c", $0] },
                                         environment: ["PATH": "/usr/bin:/bin", "XDG_STATE_HOME": directory.path])
    }

    @Test("with no target, patronictl list reads the first inventory API that answers and says which")
    func firstThatAnswers() async throws {
        let api = try HTTPStandIn(["cluster": Self.cluster, "patroni": Self.patroni(scope: "pg-ha-cluster")])
        defer { api.stop() }
        // Port 1 on loopback refuses at once: a member that is down.
        let inventory = """
            [hosts."patroni-01"]
            patroni_api = "127.0.0.1:1"
            [hosts."patroni-02"]
            patroni_api = "\(api.address)"
            """
        let result = try await run(["patronictl list --json"], inventory: inventory)
        #expect(result.status == 0, "stderr: \(result.error)")
        #expect(result.output.contains(#""Member":"patroni-02-db-dr.c.gitlab-dr.internal""#), "\(result.output)")
        // Keyed and typed as Patroni 4.1's patronictl list -f json.
        #expect(result.output.contains(#""Receive LSN":"0/B000000","Receive Lag":0"#), "\(result.output)")
        #expect(result.error.contains("note: read cluster pg-ha-cluster from patroni-02's REST API (http://\(api.address))"), "\(result.error)")
        #expect(!result.error.contains("not installed"))
    }

    @Test("with two clusters, list asks for --cluster, which picks by attribute or by the API's scope")
    func severalClusters() async throws {
        let main = try HTTPStandIn(["cluster": Self.cluster, "patroni": Self.patroni(scope: "main")])
        defer { main.stop() }
        let dr = try HTTPStandIn(["cluster": Self.cluster, "patroni": Self.patroni(scope: "dr")])
        defer { dr.stop() }
        let inventory = """
            [hosts."main-01"]
            patroni_api = "\(main.address)"
            cluster = "main"
            [hosts."dr-01"]
            patroni_api = "\(dr.address)"
            """
        let ambiguous = try await run(["patronictl list"], inventory: inventory)
        #expect(ambiguous.status == 1)
        #expect(ambiguous.error.contains("several clusters (dr, main); pass --cluster NAME"), "\(ambiguous.error)")
        let picked = try await run(["patronictl list --cluster dr"], inventory: inventory)
        #expect(picked.status == 0, "\(picked.error)")
        #expect(picked.error.contains("from dr-01's REST API"), "\(picked.error)")
        #expect(picked.output.contains("| patroni-03-db-dr.c.gitlab-dr.internal |"), "\(picked.output)")
        let waited = try await run(["patronictl wait --cluster main --all-running --leader --timeout 5s --every 1s"], inventory: inventory)
        #expect(waited.status == 0, "\(waited.error)")
        #expect(waited.error.contains("from main-01's REST API"), "\(waited.error)")
        #expect(waited.output.contains("cluster ready"), "\(waited.output)")
    }
}
