import TestSupport
import Testing

/// `patronictl wait` where waiting cannot help (issue 13): a host without
/// patronictl says so at once instead of retrying "not found" until the
/// timeout. Over a real sshd host, which has no patronictl.
@Suite("A wait that cannot be met stops at once")
struct WaitTests {
    @Test("patronictl wait on a host where patronictl is not installed fails at once with exit 127 and the reason")
    func notInstalled() async throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let state = TemporaryDirectory()
        defer { state.remove() }
        let inventory = state.write("opsshell.toml", hosts.inventoryText())
        let clock = ContinuousClock()
        let started = clock.now
        let result = try await ShellBinary.run(["--inventory", inventory, "-c", "ssh db-1", "-c", "patronictl wait --all-running --timeout 5m --every 1s"],
                                               environment: ["XDG_STATE_HOME": state.path])
        #expect(result.status == 127)
        #expect(result.error.contains("patronictl list on db-1 failed (exit 127)"), "\(result.error)")
        #expect(result.error.contains("waiting cannot change that"))
        // Not a speed figure: the wait's own timeout is 5 minutes.
        #expect(started.duration(to: clock.now) < .seconds(60))
    }
}
