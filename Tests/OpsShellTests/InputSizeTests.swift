import TestSupport
import Testing

/// Big inputs through the real binary. Each used to take a minute or more
/// (work that grew with the square of the input); the time limit turns
/// that back into a failure. The figures themselves are `make bench`'s.
@Suite("Big inputs take time in proportion to their size", .timeLimit(.minutes(1)))
struct InputSizeTests {
    @Test("a 1 MB line is read and echoed whole")
    func megabyteLine() async throws {
        let word = String(repeating: "abcdefghij", count: 100_000)
        let result = try await ShellBinary.run([], input: "echo \(word)\n")
        #expect(result.status == 0, "\(result.error.prefix(500))")
        let echoed = result.output == word + "\n"  // Compared apart: a failure would print the megabyte.
        #expect(echoed, "printed \(result.output.utf8.count) bytes")
    }

    @Test("an inventory of 10,000 hosts loads, and knife node list names them all")
    func bigInventory() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var text = ""
        for index in 0..<10_000 {
            text += "[hosts.\"h\(index)\"]\nroles = [\"db\"]\naddress = \"10.0.\(index / 256).\(index % 256)\"\n\n"
        }
        let file = directory.write("opsshell.toml", text)
        let result = try await ShellBinary.run(["--inventory", file, "-c", "knife node list"])
        #expect(result.status == 0, "\(result.error.prefix(500))")
        #expect(result.output.split(separator: "\n").count == 10_000)
    }

    @Test("guide --list reads a runbook with a 100,000-line code block")
    func bigCodeBlock() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var text = "# Big\n\n1. Run every line\n\n   ```sh\n"
        for index in 0..<100_000 { text += "   echo line \(index)\n" }
        text += "   ```\n"
        let file = directory.write("big.md", text)
        let result = try await ShellBinary.run(["guide", "--list", file])
        #expect(result.status == 0, "\(result.error.prefix(500))")
        #expect(result.output.contains("echo line 0\n"))
        #expect(result.output.contains("echo line 99999"))
    }
}
