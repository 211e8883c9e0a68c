/// `exit`: back to the previous target, or out of the shell.
struct ExitCommand: Command {
    let name = "exit"
    let summary = "go back to the previous target; at the first, leave the shell"
    let usage = "exit"

    func effect(of arguments: [String]) -> Effect { .movesTarget }

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        if context.session.pop() { return .success }
        return Outcome(status: .success, endsSession: true)
    }
}
