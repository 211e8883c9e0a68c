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
