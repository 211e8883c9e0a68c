import Foundation
import OpsKit
import TestSupport
import Testing

/// The command language fuzzed through the real process: seeded scripts of
/// real runbook lines, mutated with quotes, `$`, NULs, escapes, invalid
/// UTF-8 and very long lines, run by `opsshell run --dry-run`. Every one of
/// them tries to create a canary file; in a dry-run none may, and no input
/// may crash the shell.
@Suite("Fuzzing the command language through the process")
struct LanguageFuzzTests {
    /// Real lines: the seed runbook's and the rehearsal's, with a canary
    /// path where they would write or delete.
    static func realLines(canary: String) -> [String] {
        let sources = [fixture("runbooks/geo-patroni-cluster.md"), readFile(ShellBinary.packageRoot + "/Tests/lab/rehearsal.ops")]
        var lines = sources.flatMap { $0.split(separator: "\n").map(String.init) }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("```") && !$0.hasPrefix("|") && !$0.hasPrefix("+") }
        lines += [
            "touch \(canary)", "echo x > \(canary)", "sh -c 'touch \(canary)'", "knife ssh roles:db 'touch \(canary)'",
            "dry-run off", "dry-run off\ntouch \(canary)", "set f \(canary)", "touch $f", "echo $(touch \(canary))",
            "ssh db-1", "sudo su - gitlab-psql", "exit", "replay \(canary).ops", "record start \(canary)",
            "audit off", "confirm 'go on'", "set -s token x", "cp /etc/hostname \(canary)",
        ]
        return lines
    }

    static let pieces: [[UInt8]] = ["'", "\"", "\\", "$", "${", "}", "$(", ")", "`", "|", ";", "&&", ">", "#", " ", "\t",
                                    "\u{0}", "\u{1B}[2K", "\r", "\u{7F}", "\u{202E}", "é", "$date", "$nosuch", "\\\n"]
        .map { Array($0.utf8) } + [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF8, 0x88]]

    /// One mutated line: a real line with pieces inserted, bytes cut, or
    /// another real line spliced in.
    static func mutate(_ line: String, with lines: [String], using random: inout SeededRandom) -> [UInt8] {
        var bytes = Array(line.utf8)
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            let at = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0: bytes.insert(contentsOf: pieces.randomElement(using: &random)!, at: at)
            case 1 where !bytes.isEmpty: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...4, using: &random)))
            case 2: bytes.insert(contentsOf: Array(lines.randomElement(using: &random)!.utf8), at: at)
            default: break
            }
        }
        return bytes
    }

    @Test("300 seeded scripts in dry-run: a status each, never a crash, and the canary never appears")
    func scripts() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let canary = directory.path + "/canary"
        let inventory = directory.write("opsshell.toml", """
            [hosts.db-1]
            address = "127.0.0.1"
            port = 1
            roles = ["db"]

            [hosts.db-2]
            address = "127.0.0.1"
            port = 1
            roles = ["db"]
            """)
        let lines = Self.realLines(canary: canary)
        var random = SeededRandom(seed: 0xCA4A_7F00)
        var statuses: [Int32: Int] = [:]
        for round in 0..<300 {
            var script: [UInt8] = []
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                let line = lines.randomElement(using: &random)!
                script += Int.random(in: 0..<3, using: &random) == 0 ? Array(line.utf8) : Self.mutate(line, with: lines, using: &random)
                script.append(UInt8(ascii: "\n"))
            }
            if round % 50 == 7 {  // now and then a long line of shell-significant text
                script += Array(("echo " + String(repeating: "a'b\"c$d \\ ", count: 100_000) + "\n").utf8)
            }
            let file = directory.path + "/s.ops"
            try Data(script).write(to: URL(fileURLWithPath: file))
            let result = try await ShellBinary.run(["run", "--dry-run", "--inventory", inventory, file],
                                                   environment: ["XDG_STATE_HOME": directory.path])
            statuses[result.status, default: 0] += 1
            #expect(result.status < 128, "round \(round) crashed (\(result.status)): \(String(decoding: script.prefix(400), as: UTF8.self).debugDescription)\n\(result.error.suffix(400))")
            if access(canary, F_OK) == 0 {
                Issue.record("round \(round) created the canary in a dry-run: \(String(decoding: script.prefix(800), as: UTF8.self).debugDescription)")
                unlink(canary)
            }
        }
        // Both outcomes really occur, or the generator is not reaching the interpreter.
        #expect((statuses[0] ?? 0) > 25 && statuses.count > 1, "\(statuses)")
    }
}
