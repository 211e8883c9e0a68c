import TestSupport
import Testing

/// Status lines redrawn in place belong on a terminal only: through a pipe
/// they must be plain lines a log or `grep` can read.
@Suite("Live lines through a pipe")
struct LiveLineTests {
    /// A cluster that never has the four members asked for: every look
    /// says so, a status line like any other. The API is a stand-in serving
    /// Patroni 4.1.5's real `GET /cluster` captured in the lab.
    @Test("patronictl wait writes plain status lines into a pipe, with and without NO_COLOR", arguments: ["1", ""])
    func waitIsPlainInAPipe(noColor: String) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let cluster = readFile(ShellBinary.packageRoot + "/Tests/Fixtures/patroni-api/cluster-4.1.5.json")
        let api = try HTTPStandIn(["cluster": cluster, "patroni": readFile(ShellBinary.packageRoot + "/Tests/Fixtures/patroni-api/patroni-standby-leader-4.1.5.json")])
        defer { api.stop() }
        let inventory = directory.write("opsshell.toml", "[hosts.\"patroni-01\"]\npatroni_api = \"\(api.address)\"\n")
        let result = try await ShellBinary.run(
            ["--inventory", inventory, "-c", "patronictl wait --members 4 --timeout 2s --every 1s"],
            environment: ["NO_COLOR": noColor, "PATH": "/usr/bin:/bin", "XDG_STATE_HOME": directory.path])
        #expect(result.status == 1)
        #expect(result.error.contains("waiting: "), "stderr: \(result.error.debugDescription)")
        #expect(!result.error.contains("\u{1B}"), "no escapes in a pipe: \(result.error.debugDescription)")
        #expect(!result.error.contains("\r"), "no redrawing in a pipe: \(result.error.debugDescription)")
        // The same status three times is said once.
        #expect(result.error.split(separator: "\n").filter { $0.contains("waiting: ") }.count == 1, "stderr: \(result.error.debugDescription)")
    }
}
