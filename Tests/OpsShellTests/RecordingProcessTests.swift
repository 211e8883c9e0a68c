import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The recording and the audit log against what really happens to a shell:
/// SIGKILL, a read-only or full file system, secrets, --step at a terminal.
@Suite("Recording survives", .serialized)
struct RecordingProcessTests {
    @Test("kill -9 mid-command leaves a valid script ending with the running command, marked unfinished")
    func sigkill() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let script = directory.path + "/killed.ops"
        let shell = try PseudoTerminal([ShellBinary.path, "--record", script, "-c", "echo before", "-c", "sleep 30", "-c", "echo after"],
                                       environment: ["XDG_STATE_HOME": directory.path, "NO_COLOR": "1"])
        // Mid-command: the recording and the audit log both show it running.
        let audit = directory.path + "/opsshell/audit.jsonl"
        let deadline = Monotonic.now + 10
        while !(readFile(script).contains("sleep 30\n# !! unfinished") && readFile(audit).contains("\"typed\":\"sleep 30\"")),
              Monotonic.now < deadline { usleep(20_000) }
        kill(shell.pid, SIGKILL)
        let text = readFile(script)
        #expect(text.contains("echo before\n# => exit 0 in "))
        #expect(text.hasSuffix("\n") && text.split(separator: "\n").suffix(2).first == "sleep 30")
        #expect(text.split(separator: "\n").last?.hasPrefix("# !! unfinished: the shell ended while this command ran") == true)
        let events = readFile(audit).split(separator: "\n")
        #expect(events.last?.contains("\"event\":\"start\"") == true && events.last?.contains("\"typed\":\"sleep 30\"") == true)
        // The script still replays: the unfinished command is run again.
        let replay = try await ShellBinary.run(["replay", "--dry-run", script], environment: ["XDG_STATE_HOME": directory.path])
        #expect(replay.status == 0)
        #expect(replay.error.contains("this command was running when the recorded session ended"))
    }

    @Test("a recording on a read-only file system is refused at once")
    func readOnly() async throws {
        let directory = TemporaryDirectory()
        defer { _ = system("umount \(directory.path)/ro 2>/dev/null"); directory.remove() }
        try run("mkdir \(directory.path)/ro && mount -t tmpfs -o ro,size=64k tmpfs \(directory.path)/ro")
        let result = try await ShellBinary.run(["-c", "record start \(directory.path)/ro/x.ops", "-c", "echo not-reached"],
                                               environment: ["XDG_STATE_HOME": directory.path])
        #expect(result.status == 1)
        #expect(result.error.contains("cannot write \(directory.path)/ro/x.ops: Read-only file system"))
        #expect(!result.output.contains("not-reached"))
    }

    @Test("on a full file system the command does not run unrecorded")
    func fullDisk() async throws {
        let directory = TemporaryDirectory()
        defer { _ = system("umount \(directory.path)/small 2>/dev/null"); directory.remove() }
        try run("mkdir \(directory.path)/small && mount -t tmpfs -o size=64k tmpfs \(directory.path)/small")
        let marker = directory.path + "/ran"
        let result = try await ShellBinary.run([
            "--record", "\(directory.path)/small/x.ops",
            "-c", "head -c 1000000 /dev/zero > \(directory.path)/small/filler || true",
            // Recorded as typed, comment and all: 6 KB that no longer fit.
            "-c", "touch \(marker) # \(String(repeating: "x", count: 6000))",
        ], environment: ["XDG_STATE_HOME": directory.path])
        #expect(result.status == 1)
        #expect(result.error.contains("recording failed: cannot write \(directory.path)/small/x.ops: No space left on device; nothing was run"))
        #expect(access(marker, F_OK) != 0)
        let script = readFile("\(directory.path)/small/x.ops")
        #expect(script.hasSuffix("\n") && !script.contains("touch \(marker)"), "no half-written line is left")
    }

    @Test("a secret never appears in any file the shell wrote")
    func secrets() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let secret = "s3cr3t-\(getpid())-value"
        let terminal = try PseudoTerminal([ShellBinary.path, "--record", directory.path + "/s.ops"],
                                          environment: ["XDG_STATE_HOME": directory.path, "NO_COLOR": "1"])
        try terminal.expectPrompt(after: terminal.transcript.startIndex, within: 15)
        for line in ["set -s token \(secret)", "sh -c 'test -n \"$1\"' x $token", "dry-run on", "echo $token > /dev/null", "dry-run off", "read -s other"] {
            let mark = terminal.mark
            terminal.type(line + "\r")
            if line.hasPrefix("read") { try terminal.expect("(not echoed)", after: mark); terminal.type(secret + "2\r") }
            try terminal.expectPrompt(after: mark)
        }
        terminal.type("\u{4}")
        #expect(terminal.waitForExit() == 0)
        #expect(!terminal.transcript.contains(secret + "2"), "read -s echoed the secret")
        let files = ["s.ops", "opsshell/history", "opsshell/audit.jsonl"].map { directory.path + "/" + $0 }
        for file in files {
            #expect(!readFile(file).isEmpty, "\(file) was written")
            #expect(!readFile(file).contains(secret), "\(file) holds the secret")
        }
        #expect(readFile(directory.path + "/s.ops").contains("read -s token\n"))
    }

    @Test("replay --step asks before each command: run, skip, edit, quit")
    func step() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let dir = directory.path
        let script = directory.write("step.ops", "touch \(dir)/one\ntouch \(dir)/two\ntouch \(dir)/three\ntouch \(dir)/four\n")
        let terminal = try PseudoTerminal([ShellBinary.path, "replay", "--step", script], environment: ["XDG_STATE_HOME": dir, "NO_COLOR": "1"])
        var mark = try terminal.expect("[r]un, [s]kip, [e]dit, [q]uit? ", within: 15)
        terminal.type("r\r")
        mark = try terminal.expect("[r]un, [s]kip, [e]dit, [q]uit? ", after: mark)
        terminal.type("s\r")
        mark = try terminal.expect("[r]un, [s]kip, [e]dit, [q]uit? ", after: mark)
        terminal.type("e\r")
        mark = try terminal.expect("new line (was: touch \(dir)/three): ", after: mark)
        terminal.type("touch \(dir)/edited\r")
        mark = try terminal.expect("[r]un, [s]kip, [e]dit, [q]uit? ", after: mark)
        terminal.type("q\r")
        try terminal.expect("resume with: opsshell replay \(script) --resume", after: mark)
        #expect(terminal.waitForExit() == 1)
        #expect([access("\(dir)/one", F_OK), access("\(dir)/two", F_OK), access("\(dir)/three", F_OK), access("\(dir)/edited", F_OK), access("\(dir)/four", F_OK)]
                == [0, -1, -1, 0, -1])
    }
}
