/// `echo WORDS`: prints its arguments, variables expanded.
struct EchoCommand: Command {
    let name = "echo"
    let summary = "print words, session variables expanded"
    let usage = "echo [WORD...]"
    let examples = ["echo $datadir", "echo pg_hba.conf.$(date +%F)"]

    func run(_ arguments: [String], in context: inout Context) async throws -> Outcome {
        context.console.line(arguments.joined(separator: " "))
        return .success
    }
}
