import Foundation
import TestSupport
import Testing

/// What a hostile probe of the shell found (issue 17), each through the
/// process interface: a dry-run that a line could lift, a NUL that cut the
/// command `/bin/sh` ran, an audit log that failed open.
@Suite("Hostile input", .serialized)
struct HostileInputTests {
    @Test("a dry-run asked for on the command line holds for the whole input: `dry-run off` in it runs nothing",
          arguments: ["replay", "run", "stdin"])
    func dryRunCannotBeLifted(mode: String) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let canary = directory.path + "/canary"
        let script = directory.write("r.ops", "# opsshell 0.2.0 recording\ndry-run off\ntouch \(canary)\n")
        let environment = ["XDG_STATE_HOME": directory.path]
        let result = switch mode {
        case "replay": try await ShellBinary.run(["replay", "--dry-run", script], environment: environment)
        case "run": try await ShellBinary.run(["run", "--dry-run", script], environment: environment)
        default: try await ShellBinary.run(["--dry-run"], input: readFile(script), environment: environment)
        }
        #expect(access(canary, F_OK) != 0, "the canary was created: the dry-run ran a command")
        #expect(result.error.contains("dry-run stays on"))
        #expect(result.output.contains("dry-run: on local (changes state): touch \(canary)"))
    }

    @Test("`replay --dry-run` inside a shell ends its promise with the replay; the shell's own switch is as before")
    func replayPromiseEnds() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let canary = directory.path + "/after"
        let script = directory.write("r.ops", "dry-run off\ntouch \(directory.path)/inside\n")
        let result = try await ShellBinary.run(["-c", "replay --dry-run \(script)", "-c", "touch \(canary)"],
                                               environment: ["XDG_STATE_HOME": directory.path])
        #expect(result.status == 0)
        #expect(access(directory.path + "/inside", F_OK) != 0)
        #expect(access(canary, F_OK) == 0, "after the replay, commands run again")
    }

    @Test("a line with a NUL, ESC, CR or invalid UTF-8 is refused with its column; nothing runs",
          arguments: [("rm -rf T\u{0}/keep/junk", 9, "NUL (U+0000)"), ("rm -rf T\u{1B}[2K", 9, "ESC (U+001B)"),
                      ("rm -rf T\r/keep", 9, "a carriage return (U+000D)"), ("rm -rf T\u{202E}peek", 9, "the invisible character U+202E")])
    func invisibleCharacters(line: String, column: Int, named: String) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let target = directory.path + "/t"
        try run("mkdir -p \(target)/keep")
        let typed = line.replacingOccurrences(of: "T", with: target)
        let result = try await ShellBinary.run(["--yes"], input: typed + "\n", environment: ["XDG_STATE_HOME": directory.path])
        #expect(result.status == 2)
        #expect(access(target, F_OK) == 0, "\(target) was deleted")
        let at = column + target.count - 1
        #expect(result.error.contains("the line holds \(named) at column \(at): nothing was run"), "\(result.error)")
        // The caret sits under the character, drawn as a visible symbol.
        let shown = result.error.split(separator: "\n").map(String.init)
        if let index = shown.firstIndex(where: { $0.hasPrefix("  rm -rf ") }), shown.indices.contains(index + 1) {
            #expect(shown[index + 1] == "  " + String(repeating: " ", count: at - 1) + "^")
        } else {
            Issue.record("no caret line in \(result.error)")
        }
    }

    @Test("bytes that are not UTF-8 in a script are refused, not run as U+FFFD")
    func invalidUTF8() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try run("printf 'touch %s/\\377\\376x\\n' \(directory.path) > \(directory.path)/bad.ops")
        let result = try await ShellBinary.run(["run", "\(directory.path)/bad.ops"], environment: ["XDG_STATE_HOME": directory.path])
        #expect(result.status == 2)
        #expect(result.error.contains("not valid UTF-8"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["bad.ops", "opsshell"])
    }

    @Test("on a full disk the audit log refuses every command, even with --yes; `audit off` goes on, and says so")
    func auditFailsClosed() async throws {
        let directory = TemporaryDirectory()
        defer { _ = system("umount \(directory.path)/state 2>/dev/null"); directory.remove() }
        try run("mkdir \(directory.path)/state && mount -t tmpfs -o size=64k tmpfs \(directory.path)/state")
        let state = ["XDG_STATE_HOME": directory.path + "/state"]
        // A page of audit log ending in a line torn by an earlier crash (so
        // the next event needs a new page), then a disk filled to the last byte.
        let whole = "{\"event\":\"start\",\"pad\":\"" + String(repeating: "x", count: 4096 - 13 - 27) + "\"}\n"
        directory.write("torn", whole + "{\"event\":\"sta")
        try run("mkdir -p \(directory.path)/state/opsshell && cp \(directory.path)/torn \(directory.path)/state/opsshell/audit.jsonl")
        try run("head -c 1000000 /dev/zero > \(directory.path)/state/filler 2>/dev/null || true")
        let canary = directory.path + "/canary"
        let refused = try await ShellBinary.run(["--yes", "-c", "rm -rf \(directory.path)/nothing", "-c", "touch \(canary)"], environment: state)
        #expect(refused.status == 1)
        #expect(refused.error.contains("audit log: cannot write \(directory.path)/state/opsshell/audit.jsonl: No space left on device; nothing was run"))
        #expect(refused.error.contains("`audit off`"))
        #expect(access(canary, F_OK) != 0)

        let knowing = try await ShellBinary.run(["-c", "audit off", "-c", "touch \(canary)"], environment: state)
        #expect(knowing.status == 0)
        #expect(knowing.error.contains("audit log off"))
        #expect(access(canary, F_OK) == 0)

        // Space again: the torn line is cut before the next event, and every line reads.
        try run("rm \(directory.path)/state/filler")
        let again = try await ShellBinary.run(["-c", "true"], environment: state)
        #expect(again.status == 0)
        let lines = readFile(directory.path + "/state/opsshell/audit.jsonl").split(separator: "\n")
        #expect(lines.count >= 3)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line)")
        }
    }

    @Test("where the audit log cannot be written at all, commands are refused; --no-audit runs them, and the recording says so")
    func noAuditFlag() async throws {
        let directory = TemporaryDirectory()
        defer { _ = system("umount \(directory.path)/state 2>/dev/null"); directory.remove() }
        try run("mkdir \(directory.path)/state && mount -t tmpfs -o ro,size=64k tmpfs \(directory.path)/state")
        let state = ["XDG_STATE_HOME": directory.path + "/state"]
        let refused = try await ShellBinary.run(["-c", "echo ran"], environment: state)
        #expect(refused.status == 1)
        #expect(refused.error.contains("audit log: cannot write \(directory.path)/state/opsshell/audit.jsonl"))
        #expect(refused.output.isEmpty)
        let recording = directory.path + "/s.ops"
        let result = try await ShellBinary.run(["--no-audit", "--record", recording, "-c", "echo ran"], environment: state)
        #expect(result.status == 0)
        #expect(result.output == "ran\n")
        #expect(readFile(recording).contains("# started with --no-audit: no command of it is in the audit log\n"))
    }

    @Test("--record onto a full disk is refused and leaves no empty file behind")
    func recordOnFullDisk() async throws {
        let directory = TemporaryDirectory()
        defer { _ = system("umount \(directory.path)/small 2>/dev/null"); directory.remove() }
        try run("mkdir \(directory.path)/small && mount -t tmpfs -o size=64k tmpfs \(directory.path)/small")
        try run("head -c 1000000 /dev/zero > \(directory.path)/small/filler 2>/dev/null || true")
        let result = try await ShellBinary.run(["--record", "\(directory.path)/small/x.ops", "-c", "echo not-reached"],
                                               environment: ["XDG_STATE_HOME": directory.path])
        #expect(result.status != 0)
        #expect(result.error.contains("No space left on device"))
        #expect(access("\(directory.path)/small/x.ops", F_OK) != 0, "a 0-byte recording was left")
        #expect(!result.output.contains("not-reached"))
    }

    @Test("sudo su - USER checks that USER exists there; a missing user fails at once and keeps the target")
    func missingUser() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let result = try await ShellBinary.run(["-c", "sudo su - nosuchuser-\(getpid())", "-c", "echo after"],
                                               environment: ["XDG_STATE_HOME": directory.path])
        #expect(result.status == 1)
        #expect(result.error.contains("there is no user nosuchuser-\(getpid()) on local"))
        #expect(!result.output.contains("after"))
    }

    @Test("replay --dry-run writes no progress file and leaves an existing one as it was")
    func dryRunWritesNothing() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let script = directory.write("r.ops", "echo one\necho $nosuch\necho three\n")
        let result = try await ShellBinary.run(["replay", "--dry-run", script], environment: ["XDG_STATE_HOME": directory.path])
        #expect(result.status == 2)
        #expect(access(script + ".progress", F_OK) != 0, "a dry-run wrote \(script).progress")
        directory.write("r.ops.progress", "next-line 2\n")
        let finished = try await ShellBinary.run(["replay", "--dry-run", "--from", "3", script], environment: ["XDG_STATE_HOME": directory.path])
        #expect(finished.status == 0)
        #expect(readFile(script + ".progress") == "next-line 2\n")
    }

    @Test("a dry-run writes no recording: neither --record nor `record start` in it creates a file")
    func dryRunRecordsNothing() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let result = try await ShellBinary.run(["--dry-run", "--record", directory.path + "/a.ops", "-c", "record start \(directory.path)/b.ops", "-c", "touch x"],
                                               environment: ["XDG_STATE_HOME": directory.path])
        #expect(result.status == 0)
        #expect(access(directory.path + "/a.ops", F_OK) != 0 && access(directory.path + "/b.ops", F_OK) != 0)
        #expect(result.error.contains("a dry-run writes no recording"))
    }

    @Test("replay stops at a top-level `exit` with commands after it, and says how many did not run")
    func replayExit() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let script = directory.write("r.ops", "echo one\nexit\necho two\necho three\n")
        let result = try await ShellBinary.run(["replay", script], environment: ["XDG_STATE_HOME": directory.path])
        #expect(result.status == 1)
        #expect(result.output == "one\n")
        #expect(result.error.contains("r.ops:2: `exit` at the first target ends the script here; 2 later commands not run"))
    }
}
