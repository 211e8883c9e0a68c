@testable import OpsKit
import TestSupport
import Testing

/// The fan-out's gate onto the console: hosts waiting for a stream another
/// host is mid-line on, through memory and through the temporary file.
@Suite("The output gate holds waiting hosts' output whole and in order")
struct OutputGateTests {
    @Test("held output comes out whole, in each host's order, after the line in progress", arguments: [0, OutputGate.memoryLimit])
    func heldOutputInOrder(memoryLimit: Int) {
        let console = TestConsole()
        let gate = OutputGate(console: console, memoryLimit: memoryLimit)
        func piece(_ host: Int, _ text: String, starts: Bool, ends: Bool) -> OutputGate.Piece {
            OutputGate.Piece(host: host, prefix: starts ? [("h\(host) ", .host(host))] : [], bytes: Array(text.utf8), endsLine: ends)
        }
        gate.write(piece(0, "long", starts: true, ends: false), to: .output)
        // Host 1: two whole lines, then a long line of its own; host 2 one line.
        gate.write(piece(1, "one\n", starts: true, ends: true), to: .output)
        gate.write(piece(2, "x\n", starts: true, ends: true), to: .output)
        gate.write(piece(1, "two\n", starts: true, ends: true), to: .output)
        gate.write(piece(1, "aa", starts: true, ends: false), to: .output)
        gate.write(piece(1, "bb", starts: false, ends: false), to: .output)
        gate.write(piece(0, "-line\n", starts: false, ends: true), to: .output)
        // Host 1 is mid-line now (from what it held): host 2 still waits.
        #expect(console.output == "h0 long-line\nh1 one\nh1 two\nh1 aabb")
        gate.write(piece(2, "y\n", starts: true, ends: true), to: .output)
        gate.write(piece(1, "cc\n", starts: false, ends: true), to: .output)
        #expect(console.output == "h0 long-line\nh1 one\nh1 two\nh1 aabbcc\nh2 x\nh2 y\n")
    }

    @Test("another stream is not held by a line in progress on this one")
    func streamsApart() {
        let console = TestConsole()
        let gate = OutputGate(console: console, memoryLimit: 0)
        gate.write(OutputGate.Piece(host: 0, prefix: [("h0 ", .host(0))], bytes: Array("long".utf8), endsLine: false), to: .output)
        gate.write(OutputGate.Piece(host: 1, prefix: [("h1 ", .host(1))], bytes: Array("oops\n".utf8), endsLine: true), to: .error)
        #expect(console.error == "h1 oops\n")
    }
}
