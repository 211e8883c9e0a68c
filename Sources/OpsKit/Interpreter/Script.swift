/// Runs a script — a file, standard input, or `-c` lines — one logical line
/// at a time, stopping at the first failure.
@MainActor
public struct Script {
    /// Where the lines come from, for messages (`deploy.ops`, `-c`, `stdin`).
    public let name: String
    /// Whether each line is shown (on stderr) before it runs, as replay does,
    /// so a script's log says what ran.
    public var showsLines: Bool

    public init(name: String, showsLines: Bool = false) {
        self.name = name
        self.showsLines = showsLines
    }

    /// Runs `lines`; returns the first failing command's status, or success.
    /// Stopping at the first failure is deliberate: in a runbook the next
    /// step usually depends on this one.
    public func run(_ lines: some Sequence<String>, in interpreter: Interpreter) async -> Outcome {
        var assembler = LineAssembler()
        for line in lines {
            guard let logical = assembler.add(line) else { continue }
            let outcome = await execute(logical, at: assembler.startLine, in: interpreter)
            if outcome.endsSession || !outcome.status.isSuccess { return outcome }
        }
        if let unfinished = assembler.finish() {
            let outcome = await execute(unfinished, at: assembler.startLine, in: interpreter)
            if !outcome.status.isSuccess { return outcome }
        }
        return .success
    }

    private func execute(_ line: String, at number: Int, in interpreter: Interpreter) async -> Outcome {
        if showsLines, let words = try? Words(parsing: line), !words.isEmpty {
            interpreter.context.console.write("▶ \(name):\(number): \(ExpandedLine.recordedForm(of: line, words))\n", style: .bold, to: .error)
        }
        let outcome = await interpreter.run(line)
        if !outcome.status.isSuccess {
            interpreter.context.console.error("\(name):\(number): stopped: \(outcome.status) from `\(line)`")
        }
        return outcome
    }
}
