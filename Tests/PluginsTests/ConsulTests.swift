import Foundation
import OpsKit
import Plugins
import TestSupport
import Testing

/// `consul` over Consul's HTTP API, against the stand-in server: Consul
/// cannot be installed here (see Tests/Standins/consul/README.md). The
/// stand-in CLI is a client of the same API, so what the shell prints is
/// compared with what the CLI prints, byte for byte.
@Suite("consul over the HTTP API (against the Consul stand-in)", .serialized)
@MainActor
struct ConsulTests {
    let token = "7f3c-secret-token-9a1d"

    func shell(_ consul: ConsulStandIn, console: TestConsole, dryRun: Bool = false, recording: String? = nil) async throws -> Interpreter {
        let shell = makeInterpreter(console: console, plugins: BuiltinPlugins.all) { $0.dryRun = dryRun }
        #expect(await shell.run("set CONSUL_HTTP_ADDR \(consul.address)").status == .success)
        if let recording { #expect(await shell.run("record start \(recording)").status == .success) }
        #expect(await shell.run("set -s CONSUL_HTTP_TOKEN \(token)").status == .success)
        return shell
    }

    /// What the stand-in CLI prints for `arguments`.
    func cli(_ consul: ConsulStandIn, _ arguments: [String]) async throws -> ShellBinary.Result {
        try await ShellBinary.runProcess(ConsulStandIn.cli, arguments, environment: ["CONSUL_HTTP_ADDR": consul.address, "CONSUL_HTTP_TOKEN": token])
    }

    @Test("kv put, get, get -recurse, get -keys and members print what the consul CLI prints")
    func sameAsCLI() async throws {
        let consul = try ConsulStandIn(token: token)
        defer { consul.stop() }
        let console = TestConsole()
        let shell = try await shell(consul, console: console)
        #expect(await shell.run("consul kv put service/pg-ha-cluster/leader patroni-01-db-dr.c.gitlab-dr.internal").status == .success)
        #expect(await shell.run("consul kv put service/pg-ha-cluster/config '{\"ttl\": 30}'").status == .success)
        #expect(await shell.run("consul kv put service/pg-ha-cluster/note 'two\nlines'").status == .success)
        #expect(console.output == """
            Success! Data written to: service/pg-ha-cluster/leader
            Success! Data written to: service/pg-ha-cluster/config
            Success! Data written to: service/pg-ha-cluster/note

            """)
        for line in ["kv get service/pg-ha-cluster/leader", "kv get -recurse service/pg-ha-cluster", "kv get -keys service/",
                     "kv get -detailed service/pg-ha-cluster/config", "members"] {
            let ours = TestConsole()
            let shell = try await self.shell(consul, console: ours)
            #expect(await shell.run("consul " + line).status == .success)
            let theirs = try await cli(consul, line.split(separator: " ").map(String.init))
            #expect(theirs.status == 0)
            #expect(ours.output == theirs.output, "consul \(line)")
        }
    }

    @Test("a missing key is the CLI's error and exit 1; a missing prefix lists nothing")
    func missing() async throws {
        let consul = try ConsulStandIn(token: token)
        defer { consul.stop() }
        let console = TestConsole()
        let shell = try await shell(consul, console: console)
        #expect(await shell.run("consul kv get service/none").status == .exited(1))
        #expect(console.error.contains("Error! No key exists at: service/none"))
        #expect(await shell.run("consul kv get -recurse service/none").status == .success)
        #expect(console.output == "")
    }

    @Test("--json: the keys and values as records, base64 decoded")
    func json() async throws {
        let consul = try ConsulStandIn(token: token)
        defer { consul.stop() }
        let console = TestConsole()
        let shell = try await shell(consul, console: console)
        #expect(await shell.run("consul kv put service/c/leader patroni-01").status == .success)
        let records = TestConsole()
        #expect(try await self.shell(consul, console: records).run("consul kv get --json -recurse service/c").status == .success)
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(records.output.utf8)) as? [[String: Any]])
        #expect(objects.count == 1 && objects[0]["key"] as? String == "service/c/leader" && objects[0]["value"] as? String == "patroni-01")
        // A number, as Consul's own API has ModifyIndex.
        #expect(objects[0]["modify_index"] as? Int ?? 0 > 0, "\(records.output)")
    }

    @Test("kv delete -recurse shows the exact request, runs only when the prefix is typed, and dry-run deletes nothing")
    func deleteConfirmation() async throws {
        let consul = try ConsulStandIn(token: token)
        defer { consul.stop() }
        let setUp = TestConsole()
        #expect(try await shell(consul, console: setUp).run("consul kv put service/pg-ha-cluster/leader x").status == .success)
        let dryRun = TestConsole()
        #expect(try await shell(consul, console: dryRun, dryRun: true).run("consul kv delete -recurse service/pg-ha-cluster").status == .success)
        #expect(dryRun.output.contains("dry-run: on local (destroys data): DELETE http://\(consul.address)/v1/kv/service/pg-ha-cluster?recurse (Consul HTTP API)"))
        let refused = TestConsole(answers: ["local"])
        #expect(try await shell(consul, console: refused).run("consul kv delete -recurse service/pg-ha-cluster").status == .exited(1))
        #expect(refused.questions == ["Type the prefix (service/pg-ha-cluster) to run it: "])
        let still = try await cli(consul, ["kv", "get", "service/pg-ha-cluster/leader"])
        #expect(still.output == "x\n", "neither dry-run nor a wrong answer deletes")
        let confirmed = TestConsole(answers: ["service/pg-ha-cluster"])
        #expect(try await shell(consul, console: confirmed).run("consul kv delete -recurse service/pg-ha-cluster").status == .success)
        #expect(confirmed.output == "Success! Deleted keys with prefix: service/pg-ha-cluster\n")
        #expect(try await cli(consul, ["kv", "get", "service/pg-ha-cluster/leader"]).status == 1)
    }

    @Test("the token goes in a header only: never in a URL, the output, the recording or the history")
    func tokenStaysSecret() async throws {
        let consul = try ConsulStandIn(token: token)
        defer { consul.stop() }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let recording = directory.path + "/session.ops"
        let console = TestConsole()
        let shell = try await shell(consul, console: console, recording: recording)
        #expect(await shell.run("consul kv put service/x 1").status == .success)
        #expect(await shell.run("consul kv get service/x").status == .success)
        #expect(await shell.run("set CONSUL_HTTP_TOKEN wrong-token").status == .success)
        #expect(await shell.run("consul kv get service/x").status == .exited(1))
        #expect(console.error.contains("Unexpected response code: 403 (ACL not found)"))
        #expect(await shell.run("consul kv get -token=\(token) service/x").status != .success)
        #expect(console.error.contains("read -s CONSUL_HTTP_TOKEN"))
        let requests = readFile(consul.log)
        #expect(requests.contains("token_header=yes") && !requests.contains("token_header=no"), "\(requests)")
        for text in [requests, readFile(recording), console.output, console.error] {
            #expect(!text.contains(token) && !text.contains("wrong-token"))
        }
        #expect(readFile(recording).contains("read -s CONSUL_HTTP_TOKEN"))
        #expect(readFile(recording).contains("consul kv get -token=<hidden> service/x"))
    }

    @Test("an agent that is not there: a clear error naming the address, nothing else")
    func unreachable() async throws {
        let console = TestConsole()
        let shell = makeInterpreter(console: console, plugins: BuiltinPlugins.all)
        #expect(await shell.run("set CONSUL_HTTP_ADDR 127.0.0.1:1").status == .success)
        #expect(await shell.run("consul kv get service/x").status == .exited(1))
        #expect(console.error.contains("Error querying Consul agent: cannot reach http://127.0.0.1:1"))
    }

    @Test("the CLI's own text, from a host, reads into the same records as the HTTP answer")
    func cliText() async throws {
        let consul = try ConsulStandIn(token: token)
        defer { consul.stop() }
        _ = try await cli(consul, ["kv", "put", "service/c/leader", "patroni-01"])
        _ = try await cli(consul, ["kv", "put", "service/c/note", "two\nlines"])
        let plugin = ConsulPlugin()
        for line in ["kv get -recurse service/c", "kv get -keys service/", "members"] {
            let arguments = line.split(separator: " ").map(String.init)
            let text = try await cli(consul, arguments)
            let invocation = ToolInvocation(wrappers: [], executable: "consul", arguments: arguments)
            let fromText = try #require(plugin.table(for: invocation, output: CapturedOutput(status: .success, standardOutput: text.output)), "\(line)")
            let json = TestConsole()
            #expect(try await shell(consul, console: json).run("consul --json " + line).status == .success)
            let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]])
            #expect(fromText.rows.map { row in Dictionary(uniqueKeysWithValues: zip(fromText.columns, row)) }
                    == objects.map { $0.filter { fromText.columns.contains($0.key) }.compactMapValues { $0 as? String } }, "\(line)")
        }
    }
}
