import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The coloured prompt as a real terminal receives it: libedit's prompt
/// escapes must reach the screen whole and take no columns.
@Suite("The coloured prompt on a terminal", .serialized)
struct ColourPromptTests {
    let state = TemporaryDirectory()

    @Test("with colour on, the screen shows user@local DATE # and the cursor stands right after it")
    func colouredPromptDrawsWhole() throws {
        defer { state.remove() }
        let terminal = try PseudoTerminal([ShellBinary.path], environment: ["XDG_STATE_HOME": state.path])
        let user = String(cString: getpwuid(geteuid())!.pointee.pw_name)
        let expected = "\(user)@local \(todayStamp()) \(user == "root" ? "#" : "$") "
        let start = terminal.mark
        try terminal.expectInput(todayStamp(), after: start, within: 15)
        usleep(100_000)
        let prompt = terminal.transcript[start...]
        #expect(prompt.contains("\u{1B}[32m"), "colour is on: \(prompt.debugDescription)")
        #expect(Self.strippingColour(String(prompt)) == expected, "the bytes were \(prompt.debugDescription)")

        let typed = terminal.mark
        terminal.type("x")
        try terminal.expect("x", after: typed)
        let screen = try TerminalScreen(String(terminal.transcript[start...]))
        #expect(screen.cursorLine == expected + "x")
        #expect(screen.column == expected.count + 1, "the typed x landed at column \(screen.column - 1), not \(expected.count)")
    }

    @Test("after cd, the prompt shows the directory (shortened) and the cursor still stands right after it")
    func directoryInPrompt() throws {
        let state = TemporaryDirectory()
        defer { state.remove() }
        let terminal = try PseudoTerminal([ShellBinary.path], environment: ["XDG_STATE_HOME": state.path])
        let user = String(cString: getpwuid(geteuid())!.pointee.pw_name)
        try terminal.expectInput(todayStamp(), within: 15)  // the first prompt, however early it came
        let typed = terminal.mark
        try run("mkdir -p \(state.path)/var/opt/postgresql/data")
        terminal.type("cd \(state.path)/var/opt/postgresql/data\r")
        let expected = "\(user)@local:…/postgresql/data \(todayStamp()) \(user == "root" ? "#" : "$") "
        let start = try terminal.expect("\r\n", after: typed)
        try terminal.expectInput(todayStamp(), after: start)
        usleep(100_000)
        #expect(Self.strippingColour(String(terminal.transcript[start...])) == expected, "\(terminal.transcript[start...].debugDescription)")
        let mark = terminal.mark
        terminal.type("x")
        try terminal.expect("x", after: mark)
        let screen = try TerminalScreen(String(terminal.transcript[start...]))
        #expect(screen.column == expected.count + 1, "the typed x landed at column \(screen.column - 1), not \(expected.count)")
    }

    @Test("non-ASCII in the prompt and in a typed line: libedit decodes them as UTF-8 (it crashed on `…` in the C locale)")
    func nonASCII() throws {
        let state = TemporaryDirectory()
        defer { state.remove() }
        try run("mkdir -p '\(state.path)/données'")
        let terminal = try PseudoTerminal([ShellBinary.path], environment: ["XDG_STATE_HOME": state.path, "LANG": "C", "LC_ALL": ""])
        try terminal.expectInput(todayStamp(), within: 15)  // the first prompt, however early it came
        let typed = terminal.mark
        terminal.type("cd '\(state.path)/données'\r")
        try terminal.expectInput(todayStamp(), after: try terminal.expect("\r\n", after: typed))
        #expect(Self.strippingColour(String(terminal.transcript[typed...])).contains(":\(state.path)/données "))
        let echo = terminal.mark
        terminal.type("echo été\r")
        try terminal.expect("été\r\n", after: try terminal.expect("\r\n", after: echo))
    }

    /// The text without SGR colour escapes (`ESC[…m`).
    static func strippingColour(_ text: String) -> String {
        var result = ""
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            if scalar == "\u{1B}" {
                while let next = scalars.next(), next != "m" {}
                continue
            }
            result.unicodeScalars.append(scalar)
        }
        return result
    }
}
