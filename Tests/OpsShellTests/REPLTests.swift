import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The interactive shell through a real pseudo-terminal, as an operator uses it.
@Suite("The REPL on a terminal", .serialized)
struct REPLTests {
    let state = TemporaryDirectory()

    func start(_ extra: [String: String] = [:]) throws -> PseudoTerminal {
        let terminal = try PseudoTerminal([ShellBinary.path], environment: ["XDG_STATE_HOME": state.path, "NO_COLOR": "1"].merging(extra) { $1 })
        try terminal.expectPrompt(after: terminal.transcript.startIndex, within: 15)
        return terminal
    }

    @Test("the prompt shows user, target and the pinned date")
    func prompt() throws {
        defer { state.remove() }
        let terminal = try start()
        let user = String(cString: getpwuid(geteuid())!.pointee.pw_name)
        try terminal.expect("\(user)@local \(todayStamp()) ")
    }

    @Test("Tab completes patr to patronictl, then its subcommand")
    func tabCompletes() throws {
        defer { state.remove() }
        let terminal = try start()
        terminal.type("dry-run on\r")
        try terminal.expectPrompt(after: try terminal.expect("dry-run on:"))
        // The screen mixes cursor movements into the echo, so the proof is
        // the command the shell ends up with.
        terminal.type("patr\t")
        try terminal.expect("onictl")
        terminal.type("li\t\r")
        try terminal.expect("dry-run: on local (read-only): patronictl list\r\n")
    }

    @Test("two shells at once both keep their history: lines are merged, not overwritten")
    func historyFromTwoShells() throws {
        defer { state.remove() }
        let shells = [try start(), try start()]
        for number in 1...150 {
            for (shell, name) in zip(shells, ["a", "b"]) {
                // The mark before the keys: taken after them, it can fall behind the shell's answer.
                let before = shell.mark
                shell.type("echo \(name)-\(number)\r")
                // A deadline, not a speed figure: 300 lines on 2 cores shared with other suites.
                try shell.expectPrompt(after: try shell.expect("\(name)-\(number)\r\n", after: before, within: 60), within: 60)
            }
        }
        for shell in shells {
            shell.type("\u{4}")
            #expect(shell.waitForExit() == 0)
        }
        // libedit's file format escapes the space as \040.
        let lines = readFile(state.path + "/opsshell/history").split(separator: "\n").map { String($0.replacing("\\040", with: " ")) }
        let expected = (1...150).flatMap { ["echo a-\($0)", "echo b-\($0)"] }
        #expect(Array(lines.dropFirst()) == expected, "the file holds \(lines.count - 1) lines")
        var info = stat()
        #expect(stat(state.path + "/opsshell/history", &info) == 0 && info.st_mode & 0o777 == 0o600)
    }

    @Test("the merged history file keeps its size limit")
    func historyLimit() throws {
        defer { state.remove() }
        // A file at the limit, as libedit writes it; one more line drops the oldest.
        mkdir(state.path + "/opsshell", 0o700)
        state.write("opsshell/history", "_HiStOrY_V2_\n" + (1...10_000).map { "echo\\040old-\($0)\n" }.joined())
        let shell = try start()
        shell.type("echo newest\r")
        try shell.expectPrompt(after: try shell.expect("newest\r\n"))
        let lines = readFile(state.path + "/opsshell/history").split(separator: "\n")
        #expect(lines.count == 10_001)
        #expect(lines[1] == "echo\\040old-2" && lines.last == "echo\\040newest")
    }

    @Test("history survives a restart: up-arrow recalls the last line")
    func historyPersists() throws {
        defer { state.remove() }
        do {
            let first = try start()
            first.type("echo remembered-line\r")
            let output = try first.expect("remembered-line\r\n")
            try first.expectPrompt(after: output)
            first.type("\u{4}")
            #expect(first.waitForExit() == 0, "the screen shows: \(first.transcript.debugDescription)")
        }
        var info = stat()
        #expect(stat(state.path + "/opsshell/history", &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let second = try start()
        let mark = second.mark
        second.type("\u{1B}[A")
        try second.expect("echo remembered-line", after: mark)
        second.type("\r")
        try second.expect("remembered-line\r\n", after: mark)
    }

    @Test("Ctrl-R searches the history backwards")
    func reverseSearch() throws {
        defer { state.remove() }
        let terminal = try start()
        terminal.type("echo needle-in-history\r")
        try terminal.expectPrompt(after: try terminal.expect("needle-in-history\r\n"))
        terminal.type("echo other\r")
        let mark = try terminal.expect("other\r\n")
        try terminal.expectPrompt(after: mark)
        terminal.type("\u{12}needle")
        try terminal.expect("echo needle-in-history", after: mark)
        terminal.type("\r\r")
        try terminal.expect("\r\nneedle-in-history\r\n", after: mark)
    }

    @Test("Ctrl-C interrupts sleep 30 within a second and the shell lives on")
    func ctrlCInterrupts() throws {
        defer { state.remove() }
        let terminal = try start()
        terminal.type("sleep 30\r")
        usleep(300_000)
        let pressed = Monotonic.now
        terminal.type("\u{3}")
        let interrupted = try terminal.expect("interrupted", within: 5)
        #expect(Monotonic.now - pressed < 1)
        try terminal.expectPrompt(after: interrupted)
        let mark = terminal.mark
        terminal.type("echo still-alive\r")
        try terminal.expect("still-alive\r\n", after: mark)
        #expect(waitpid(terminal.pid, nil, WNOHANG) == 0)
    }

    @Test("Ctrl-C at the prompt clears the line; Ctrl-D exits")
    func ctrlCAndCtrlD() throws {
        defer { state.remove() }
        let terminal = try start()
        terminal.type("echo never-run")
        let typed = try terminal.expect("never-run")
        terminal.type("\u{3}")
        try terminal.expectPrompt(after: typed)
        let mark = terminal.mark
        terminal.type("echo after\r")
        let output = try terminal.expect("after\r\n", after: mark)
        #expect(terminal.transcript.contains("echo never-run^C\r\n"))
        #expect(!terminal.transcript.contains("\nnever-run\r\n"), "the abandoned line must not run")
        try terminal.expectPrompt(after: output)
        terminal.type("\u{4}")
        #expect(terminal.waitForExit() == 0)
    }

    @Test("an unset variable prints the error and runs nothing")
    func unsetVariable() throws {
        defer { state.remove() }
        let marker = state.path + "/ran"
        let terminal = try start()
        terminal.type("touch \(marker) && echo $missing\r")
        try terminal.expect("unset variable $missing")
        #expect(access(marker, F_OK) != 0)
    }

    @Test("an open quote continues on the next line")
    func continuation() throws {
        defer { state.remove() }
        let terminal = try start()
        terminal.type("echo 'first\r")
        try terminal.expect("> ")
        terminal.type("second'\r")
        try terminal.expect("first\r\nsecond\r\n")
    }

    @Test("a destructive command asks for the target's name")
    func confirmation() throws {
        defer { state.remove() }
        let victim = state.path + "/victim"
        mkdir(victim, 0o755)
        let terminal = try start()
        terminal.type("rm -rf \(victim)\r")
        try terminal.expect("Type the target's name (local)")
        terminal.type("nope\r")
        try terminal.expectPrompt(after: try terminal.expect("not confirmed"))
        #expect(access(victim, F_OK) == 0)
        // Marks before the keys: taken after them, one can fall behind the shell's answer.
        let mark = terminal.mark
        terminal.type("rm -rf \(victim)\r")
        try terminal.expect("Type the target's name (local)", after: mark)
        let answered = terminal.mark
        terminal.type("local\r")
        try terminal.expect("@local", after: answered)
        usleep(200_000)
        #expect(access(victim, F_OK) != 0)
    }

    @Test("colour on a terminal, plain with NO_COLOR")
    func colour() throws {
        defer { state.remove() }
        let coloured = try PseudoTerminal([ShellBinary.path], environment: ["XDG_STATE_HOME": state.path])
        try coloured.expect("\u{1B}[", within: 15)
        let plain = try start()
        try plain.expect(" \(todayStamp()) ")
        #expect(!plain.transcript.contains("\u{1B}[3"))
    }
}

func todayStamp() -> String {
    var now = time(nil)
    var parts = tm()
    localtime_r(&now, &parts)
    let month = Int(parts.tm_mon) + 1, day = Int(parts.tm_mday)
    return "\(Int(parts.tm_year) + 1900)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
}
