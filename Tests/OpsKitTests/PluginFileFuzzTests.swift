import OpsKit
import TestSupport
import Testing

@Suite("Fuzzing the plugin file reader")
struct PluginFileFuzzTests {
    static let pieces: [String] = ["[", "]", "[[", "]]", "{", "}", "=", "\"", "'", "'''", ",", ".", "\n", "#", " ", "\\", "-", "1", "0x",
                                   "true", "format = \"json\"", "format = \"regex\"", "pattern = '(?<", "records = \"[].x[]\"",
                                   "risk = \"destroys-data\"", "[subcommands.a.subcommands.b]", "[tools.t]", "complete = {",
                                   "checks = [\"a <", "columns = [\"a=../", "é", "\u{0}", "\u{FEFF}"]

    // It found toml++ 3.x (inside TOMLKit) asserting on inputs its callers
    // let through, which aborted the shell, release builds too (SwiftPM
    // defines no NDEBUG): TOMLHazard refuses them before TOMLKit sees them.
    @Test("10,000 mutated plugin files load or name what is wrong; never a crash")
    func mutatedFiles() {
        var random = SeededRandom(seed: 0x9_1E5)
        let originals = ["pgbackrest.toml", "postgresql-common.toml"].map { readText(ShellBinary.packageRoot + "/plugins/" + $0)! }
        let output = CapturedOutput(status: .success, standardOutput: fixture("pgbackrest/info-output-json.json"))
        var loaded = 0, refused = 0
        for round in 0..<10_000 {
            var bytes = Array(originals[round % 2].utf8)
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let at = Int.random(in: 0...bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0 where at < bytes.count: bytes.remove(at: at)
                case 1 where at < bytes.count: bytes[at] = UInt8.random(in: 0...255, using: &random)
                case 2: bytes.insert(contentsOf: Self.pieces.randomElement(using: &random)!.utf8, at: at)
                default:  // a slice of the file repeated elsewhere: duplicate keys and tables
                    let start = Int.random(in: 0..<bytes.count, using: &random)
                    bytes.insert(contentsOf: bytes[start..<min(bytes.count, start + 80)], at: at)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                let plugins = try PluginFileReader.parse(text, file: "fuzz.toml")
                for plugin in plugins {
                    let invocation = ToolInvocation(wrappers: [], executable: plugin.executables[0], arguments: ["info", "--output=json"])
                    _ = plugin.table(for: invocation, output: output)
                    _ = plugin.risk(of: invocation)
                }
                loaded += 1
            } catch {
                #expect(error.file == "fuzz.toml" && !error.problem.isEmpty)
                refused += 1
            }
        }
        #expect(loaded + refused == 10_000)
        #expect(loaded > 0 && refused > 0, "the mutations reach both outcomes: \(loaded) loaded, \(refused) refused")
    }
}
