import OpsKit
import TestSupport
import Testing

@Suite("Fuzzing the runbook reader")
struct RunbookFuzzTests {
    static let seed = Array(fixture("runbooks/geo-patroni-cluster.md").utf8)

    /// Markdown and shell pieces that steer the reader into its corners.
    static let pieces = ["```", "~~~", "````", "```sh", "<!--", "-->", "<!-- opsshell: check x -->", "<!-- opsshell: wait", "1. ",
                         "8) ", "## ", "## 3. ", "# ", "$ ", "\\", "'", "\"", "<<EOF", "EOF", "\t", "   ", "\n", "\r\n", "\r",
                         "a", "+--+", "|", "\u{FEFF}", "é", "☃", "\u{0}", "`", "\u{C}"]

    /// Reads `bytes`; a runbook must keep its promises, an error must name a
    /// line of the input. Returns whether it was read.
    static func read(_ bytes: [UInt8]) -> Bool {
        let lineCount = String(decoding: bytes, as: UTF8.self).textLines.count
        do {
            let runbook = try Runbook(bytes: bytes, source: "fuzz.md")
            #expect(runbook.steps.map(\.ordinal) == Array(1...runbook.steps.count))
            #expect(runbook.steps.allSatisfy { (1...lineCount).contains($0.line) })
            #expect(runbook.steps.flatMap(\.commands).allSatisfy { (1...lineCount).contains($0.line) && !$0.text.isEmpty })
            return true
        } catch {
            if let line = error.line { #expect((1...lineCount).contains(line), "\(error)") }
            return false
        }
    }

    @Test("random bytes, cut, thinned and spliced copies of the seed are read or refused, never a crash")
    func mutations() async {
        // Seconds of CPU: it yields between inputs, so the tests running
        // beside it on Swift's few pool threads (timed streaming ones) go on.
        var random = SeededRandom(seed: 0x5EED)
        var outcomes: [Bool] = []
        for _ in 0..<3000 {
            await Task.yield()
            outcomes.append(Self.read((0..<Int.random(in: 0...200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }))
        }
        for end in stride(from: 0, through: Self.seed.count, by: 97) {
            outcomes.append(Self.read(Array(Self.seed[..<end])))
        }
        let lines = fixture("runbooks/geo-patroni-cluster.md").textLines
        for index in lines.indices {
            await Task.yield()
            var dropped = lines
            dropped.remove(at: index)
            outcomes.append(Self.read(Array(dropped.joined(separator: "\n").utf8)))
            var doubled = lines
            doubled.insert(lines[index], at: index)
            outcomes.append(Self.read(Array(doubled.joined(separator: "\n").utf8)))
        }
        for _ in 0..<2000 {
            await Task.yield()
            let pieces = (0..<Int.random(in: 0...60, using: &random)).map { _ in Self.pieces.randomElement(using: &random)! }
            outcomes.append(Self.read(Array(pieces.joined().utf8)))
        }
        for _ in 0..<500 {
            await Task.yield()
            var text = String(decoding: Self.seed, as: UTF8.self)
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let offset = Int.random(in: 0...text.count, using: &random)
                text.insert(contentsOf: Self.pieces.randomElement(using: &random)!, at: text.index(text.startIndex, offsetBy: offset))
            }
            outcomes.append(Self.read(Array(text.utf8)))
        }
        // Both outcomes must occur, or the inputs are not reaching the reader's corners.
        #expect(outcomes.filter { $0 }.count > 300 && outcomes.filter { !$0 }.count > 300)
    }
}

extension RunbookError {
    /// The line the error names, if it names one.
    fileprivate var line: Int? {
        switch self {
        case let .notText(_, line), let .unclosedFence(_, line), let .unclosedComment(_, line),
             let .unknownDirective(_, line, _), let .emptyDirective(_, line, _), let .strayDirective(_, line):
            line
        case .noSteps, .noCommands:
            nil
        }
    }
}
