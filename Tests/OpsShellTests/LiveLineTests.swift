import TestSupport
import Testing

/// Status lines redrawn in place belong on a terminal only: through a pipe
/// they must be plain lines a log or `grep` can read.
@Suite("Live lines through a pipe")
struct LiveLineTests {
    /// An empty inventory and no patronictl here: every look fails, which
    /// is a status line like any other.
    @Test("patronictl wait writes plain status lines into a pipe, with and without NO_COLOR", arguments: ["1", ""])
    func waitIsPlainInAPipe(noColor: String) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let inventory = directory.write("opsshell.toml", "")
        let result = try await ShellBinary.run(
            ["--inventory", inventory, "-c", "patronictl wait --timeout 2s --every 1s"],
            environment: ["NO_COLOR": noColor, "PATH": "/usr/bin:/bin", "XDG_STATE_HOME": directory.path])
        #expect(result.status == 1)
        #expect(result.error.contains("waiting: "), "stderr: \(result.error.debugDescription)")
        #expect(!result.error.contains("\u{1B}"), "no escapes in a pipe: \(result.error.debugDescription)")
        #expect(!result.error.contains("\r"), "no redrawing in a pipe: \(result.error.debugDescription)")
        // The same status three times is said once.
        #expect(result.error.split(separator: "\n").filter { $0.contains("waiting: ") }.count == 1, "stderr: \(result.error.debugDescription)")
    }
}
