import OpsKit
import Plugins
import TestSupport
import Testing

@Suite("Reading etcdctl's keys (etcdctl 3.4.23, captured)")
struct EtcdKeyTests {
    let plugin = EtcdctlPlugin()
    let keys = ["/service/pg-ha-cluster/config", "/service/pg-ha-cluster/leader",
                "/service/pg-ha-cluster/members/patroni-01-db-dr.c.gitlab-dr.internal", "/service/pg-ha-cluster/note"]

    func table(_ line: String, _ file: String) throws -> RecordTable? {
        let invocation = try #require(ToolInvocation.find(in: line.split(separator: " ").map(String.init)) { $0 == "etcdctl" })
        return plugin.table(for: invocation, output: CapturedOutput(status: .success, standardOutput: fixture(file)))
    }

    @Test("get --prefix: key and value lines; a two-line value stays one value")
    func simple() throws {
        let records = try #require(try table("etcdctl get --prefix /service/pg-ha-cluster/", "etcdctl/get-prefix-3.4.23.txt"))
        #expect(records.columns == ["key", "value"])
        #expect(records.rows.map { $0[0] } == keys)
        #expect(records.rows[1][1] == "patroni-01-db-dr.c.gitlab-dr.internal")
        #expect(records.rows[3][1] == "first line\nsecond line")
        #expect(records.rendered().textLines.count == 6, "one line per key, a header, and the final newline")
    }

    @Test("-w json: base64 keys and values decoded; --keys-only: the keys")
    func jsonAndKeys() throws {
        let json = try #require(try table("etcdctl get -w json --prefix /service/pg-ha-cluster/", "etcdctl/get-json-3.4.23.txt"))
        let text = try #require(try table("etcdctl get --prefix /service/pg-ha-cluster/", "etcdctl/get-prefix-3.4.23.txt"))
        #expect(json == text)
        let keysOnly = try #require(try table("etcdctl get --prefix --keys-only /service/pg-ha-cluster/", "etcdctl/get-keys-only-3.4.23.txt"))
        #expect(keysOnly.rows == keys.map { [$0] })
        let deleted = try #require(try table("etcdctl del --prefix /service/pg-ha-cluster/", "etcdctl/del-prefix-3.4.23.txt"))
        #expect(deleted.rows == [["4"]])
    }

    @Test("a key that is not there prints nothing: no rows, not an error")
    func missing() throws {
        let invocation = try #require(ToolInvocation.find(in: ["etcdctl", "get", "/nokey"]) { $0 == "etcdctl" })
        #expect(plugin.table(for: invocation, output: CapturedOutput(status: .success, standardOutput: ""))?.rows == [])
        #expect(plugin.table(for: invocation, output: CapturedOutput(status: .exited(1), standardOutput: "", standardError: "Error: context deadline exceeded\n")) == nil)
    }
}
