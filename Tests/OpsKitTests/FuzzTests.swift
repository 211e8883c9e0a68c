import OpsKit
import Plugins
import TestSupport
import Testing

@Suite("Fuzzing the parser")
struct FuzzTests {
    static let alphabet: [String] = ["'", "\"", "\\", "$", "{", "}", "(", ")", "#", " ", "\t", "\n", "a", "Z", "_", "1",
                                     "date", "$(date +%F)", "${", "$datadir", "|", ";", "é", "☃", "\u{0}", "\u{7F}"]

    @Test("100,000 random lines either parse or get an error; never a crash")
    func randomLines() {
        var random = SeededRandom(seed: 0x5EED)
        var variables = Variables(date: "2026-11-29")
        try! variables.set("datadir", to: "/var/opt/gitlab/postgresql/data")
        var parsed = 0, rejected = 0
        for round in 0..<100_000 {
            let line: String
            switch round % 4 {
            case 0:  // Random bytes, decoded leniently as a terminal would deliver them.
                let bytes = (0..<Int.random(in: 0...80, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                line = String(decoding: bytes, as: UTF8.self)
            case 3 where round % 1000 == 3:  // Now and then a very long line.
                line = String(repeating: "a'b\"c$d ", count: 5000)
            default:  // Shell-significant pieces in random order.
                line = (0..<Int.random(in: 0...40, using: &random)).map { _ in Self.alphabet.randomElement(using: &random)! }.joined()
            }
            do {
                let words = try Words(parsing: line)
                for word in words.words {
                    _ = try? word.value(in: variables)
                    _ = try? word.shellText(in: variables)
                }
                parsed += 1
            } catch {
                #expect(error.column >= 1 && error.column <= line.unicodeScalars.count + 1, "column \(error.column) for \(line.debugDescription)")
                rejected += 1
            }
        }
        #expect(parsed + rejected == 100_000)
        // Both outcomes must really occur, or the generator is not exercising the parser.
        #expect(parsed > 10_000 && rejected > 10_000)
    }

    static let words = ["echo", "set", "unset", "vars", "ssh", "sudo", "su", "-", "exit", "knife", "ssh", "roles:db", "name:*", "'",
                        "\"", "patronictl", "list", "-c", "wal-e", "backup-list", "check-latest", "--max-age", "systemctl", "stop",
                        "patroni", "consul", "kv", "delete", "-recurse", "rm", "-rf", "$datadir", "$(date +%F)", "|", ";", "&&", "x",
                        "envdir", "/etc/wal-e.d/env", "dry-run", "on", "help", "-C", "0", "--timeout", "1s", "-m", "wait", "--every"]

    @Test("20,000 random lines through the whole interpreter in dry-run: a status each, never a crash")
    @MainActor
    func randomCommands() async {
        var random = SeededRandom(seed: 0xD2E7)
        let console = TestConsole()
        let shell = makeInterpreter(console: console, plugins: BuiltinPlugins.all) { $0.dryRun = true }
        _ = await shell.run("set datadir /var/opt/gitlab/postgresql/data")
        var statuses: [Int32: Int] = [:]
        for _ in 0..<20_000 {
            let line = (0..<Int.random(in: 1...8, using: &random)).map { _ in Self.words.randomElement(using: &random)! }.joined(separator: " ")
            let outcome = await shell.run(line)
            statuses[outcome.status.code, default: 0] += 1
            if !shell.session.dryRun { _ = await shell.run("dry-run on") }
            while shell.session.targets.count > 1 { _ = await shell.run("exit") }
        }
        #expect(statuses.values.reduce(0, +) == 20_000)
        #expect(statuses.count > 1, "both successes and failures occur: \(statuses)")
    }
}
