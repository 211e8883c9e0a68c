import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `opsshell guide` on a real pseudo-terminal: editing a line in libedit,
/// the shell and back, going back a step.
@Suite("The guide on a terminal", .serialized)
struct GuideTerminalTests {
    let directory = TemporaryDirectory()

    func exists(_ name: String) -> Bool { access(directory.path + "/" + name, F_OK) == 0 }

    @Test("edit a line in libedit, drop into the shell and exit back, go back a step, quit and resume")
    func walk() async throws {
        defer { directory.remove() }
        let book = directory.write("book.md", """
            # A small runbook

            1. Make the first file.

               ```sh
               touch \(directory.path)/first
               ```

            2. Make the second file.

               ```sh
               touch \(directory.path)/second
               ```
            """)
        let recording = directory.path + "/walk.ops"
        let environment = ["XDG_STATE_HOME": directory.path, "NO_COLOR": "1"]
        let terminal = try PseudoTerminal([ShellBinary.path, "guide", "--record", recording, book], environment: environment)
        var mark = try terminal.expect("Step 1 of 2 · 1. Make the first file")
        mark = try terminal.expect("dry-run: on local (changes state): touch \(directory.path)/first", after: mark)
        // Edit: the line comes up in libedit; Ctrl-U clears it, the new line runs.
        mark = try terminal.expectInput("[q]uit? ", after: mark)
        terminal.type("e\r")
        mark = try terminal.expectInput("[1] ", after: mark)
        terminal.type("\u{15}touch \(directory.path)/edited\r")
        mark = try terminal.expect("dry-run: on local (changes state): touch \(directory.path)/edited", after: mark)
        mark = try terminal.expectInput("[q]uit? ", after: mark)
        terminal.type("r\r")
        // Step 2: the shell, then exit returns to the same step.
        mark = try terminal.expect("Step 2 of 2", after: mark)
        #expect(exists("edited") && !exists("first"))
        mark = try terminal.expectInput("[q]uit? ", after: mark)
        terminal.type("h\r")
        try terminal.expectPrompt(after: mark)
        mark = terminal.mark
        terminal.type("echo in-the-shell\r")
        mark = try terminal.expect("in-the-shell\r\n", after: mark)
        try terminal.expectPrompt(after: mark)
        terminal.type("exit\r")
        mark = try terminal.expectInput("[q]uit? ", after: mark)
        // Back to step 1, then quit: the place is kept.
        terminal.type("b\r")
        mark = try terminal.expect("Step 1 of 2", after: mark)
        mark = try terminal.expectInput("[q]uit? ", after: mark)
        terminal.type("q\r")
        try terminal.expect("opsshell guide --resume", after: mark)
        #expect(terminal.waitForExit() == 0)
        #expect(readFile(recording + ".guide").contains("step 1\ndone 1\n"))
        // --resume: at step 1 again; skip it and run step 2.
        let resumed = try PseudoTerminal([ShellBinary.path, "guide", "--resume"], environment: environment)
        mark = try resumed.expect("resuming \(book) at step 1")
        mark = try resumed.expectInput("[q]uit? ", after: mark)
        resumed.type("s\r")
        mark = try resumed.expectInput("[q]uit? ", after: try resumed.expect("Step 2 of 2", after: mark))
        resumed.type("r\r")
        try resumed.expect("The runbook is done", after: mark)
        #expect(resumed.waitForExit() == 0)
        #expect(exists("second"))
    }
}
