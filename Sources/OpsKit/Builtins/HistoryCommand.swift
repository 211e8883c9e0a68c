/// `history [N]`: shows the lines entered, numbered.
struct HistoryCommand: Command {
    let name = "history"
    let summary = "show the lines entered (this session and earlier ones)"
    let usage = "history [COUNT]"
    let onlyLooks = true

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        let arguments = line.arguments
        let lines = context.history()
        var count = lines.count
        if let argument = arguments.first {
            guard let limit = Int(argument), limit >= 0 else { throw UsageError("'\(argument)' is not a count", usage: usage) }
            count = min(limit, lines.count)
        }
        let width = String(lines.count).count
        for (number, line) in lines.enumerated().suffix(count) {
            let label = String(number + 1)
            context.console.line(String(repeating: " ", count: width - label.count) + label + "  " + line)
        }
        return .success
    }
}
