import TestSupport
import Testing

/// Files on which TOMLKit's toml++ asserted and aborted the whole shell
/// (exit 134), through the shell as a process.
@Suite("A plugin file or inventory that crashed TOMLKit is refused, not fatal")
struct BrokenTOMLProcessTests {
    @Test("a plugin file with a header that is no key disables that tool with a warning; the shell runs")
    func pluginFile() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        directory.write("bad.toml", "name = \"x\"\nsummary = \"y\"\nexecutables = [\"x\"]\n[.]\n")
        let result = try await ShellBinary.run(["--plugins", directory.path, "--no-audit", "-c", "echo still here"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == "still here\n")
        #expect(result.error.contains("bad.toml (line 4): not valid TOML: a table header starts with a key"), "\(result.error)")
    }

    @Test("an inventory with '}' where an array expects a value is an error naming its line, not an abort")
    func inventory() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.write("opsshell.toml", "[hosts.a]\nroles = [\n}\n")
        let result = try await ShellBinary.run(["--inventory", file, "--no-audit", "-c", "echo never"])
        #expect(result.status != 0 && result.status < 128, "status \(result.status): \(result.error)")
        #expect(result.output.isEmpty)
        #expect(result.error.contains("opsshell.toml (line 3): not valid TOML: '}' where the array expects a value"), "\(result.error)")
    }
}
