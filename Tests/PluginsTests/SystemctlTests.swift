import OpsKit
import Plugins
import Testing

@Suite("Reading systemctl's states")
struct SystemctlTests {
    let plugin = SystemctlPlugin()

    func table(_ line: String, _ output: CapturedOutput) throws -> RecordTable? {
        let invocation = try #require(ToolInvocation.find(in: line.split(separator: " ").map(String.init)) { $0.hasSuffix("systemctl") })
        return plugin.table(for: invocation, output: output)
    }

    @Test("status of systemd 252: one block per unit, the state without its date; a missing unit says so")
    func systemdStatus() throws {
        // systemd's src/systemctl/systemctl-show.c print_status_info(): the
        // unit's dot (●, ○ or ×), "Active:" right-aligned in a column.
        let text = """
            ● patroni.service - Runners to orchestrate a high-availability PostgreSQL
                 Loaded: loaded (/etc/systemd/system/patroni.service; enabled; preset: enabled)
                 Active: active (running) since Sun 2026-11-29 10:00:01 UTC; 5h 2min ago
               Main PID: 1234 (patroni)
                  Tasks: 12 (limit: 4915)
                 CGroup: /system.slice/patroni.service
                         └─1234 /usr/bin/python3 /usr/local/bin/patroni /etc/patroni.yml

            Nov 29 10:00:01 node patroni[1234]: 2026-11-29 10:00:01,000 INFO: no action. I am (patroni-01), the leader with the lock

            × etcd.service - etcd key-value store
                 Loaded: loaded (/lib/systemd/system/etcd.service; disabled; preset: enabled)
                 Active: failed (Result: exit-code) since Sun 2026-11-29 09:59:00 UTC; 5h ago

            """
        let output = CapturedOutput(status: .exited(4), standardOutput: text, standardError: "Unit nosuch.service could not be found.\n")
        let records = try #require(try table("systemctl status patroni etcd.service nosuch", output))
        #expect(records.rows == [["patroni", "active (running)"], ["etcd.service", "failed (Result: exit-code)"], ["nosuch", "no such unit"]])
    }

    @Test("status of the lab's daemonless systemctl (Debian's systemctl 1.4): no dot, no date")
    func daemonlessStatus() throws {
        // Printed by lab/cache/systemctl/usr/bin/systemctl for a unit that runs and is not enabled.
        let text = "demo.service - demo\n    Loaded: loaded (/tmp/sdroot/etc/systemd/system/demo.service, disabled)\n    Active: active (running)\n"
        let records = try #require(try table("sudo systemctl status demo", CapturedOutput(status: .success, standardOutput: text)))
        #expect(records.rows == [["demo", "active (running)"]])
    }

    @Test("is-active: a state per unit; without one, the exit code's meaning (3 = not active, 4 = no such unit)")
    func isActive() throws {
        let printed = try table("systemctl is-active patroni etcd", CapturedOutput(status: .exited(3), standardOutput: "unknown\nactive\n"))
        #expect(printed?.rows == [["patroni", "unknown"], ["etcd", "active"]])
        let quiet = try table("systemctl is-active -q patroni", CapturedOutput(status: .exited(3), standardOutput: ""))
        #expect(quiet?.rows == [["patroni", "inactive"]])
        let missing = try table("systemctl is-enabled nosuch", CapturedOutput(status: .exited(4), standardOutput: ""))
        #expect(missing?.columns == ["unit", "enabled"] && missing?.rows == [["nosuch", "no such unit"]])
        #expect(try table("systemctl is-active", CapturedOutput(status: .success, standardOutput: "active\n")) == nil)
    }
}
