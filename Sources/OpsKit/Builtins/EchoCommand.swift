/// `echo WORDS`: prints its arguments, variables expanded.
struct EchoCommand: Command {
    let name = "echo"
    let summary = "print words, session variables expanded"
    let usage = "echo [WORD...]"
    let examples = ["echo $datadir", "echo pg_hba.conf.$(date +%F)"]

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        let arguments = line.arguments
        context.console.line(arguments.joined(separator: " "))
        return .success
    }
}
