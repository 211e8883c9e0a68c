/// `dry-run on|off`: show commands instead of running them.
struct DryRunCommand: Command {
    let name = "dry-run"
    let summary = "show every command's exact form and target instead of running it"
    let usage = "dry-run [on|off]"

    func effect(of arguments: [String]) -> Effect { arguments.isEmpty ? [] : .setsMode }

    func completions(forArgumentAt index: Int, prefix: String, in session: Session) -> [String] {
        index == 0 ? ["on", "off"] : []
    }

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        let arguments = line.arguments
        switch arguments.first {
        case nil:
            context.console.line("dry-run is \(context.session.dryRun ? "on" : "off")")
        case "on":
            context.session.dryRun = true
            context.console.notice("dry-run on: commands are shown, nothing runs")
        case "off" where context.session.dryRunPromises > 0:
            // A preview (`--dry-run`, `replay --dry-run`, the guide) is a
            // promise for the whole run: the input cannot lift it.
            context.session.dryRun = false
            context.console.notice("dry-run stays on: this run was started as a dry-run, and nothing in it can turn that off")
        case "off":
            context.session.dryRun = false
            context.console.notice("dry-run off: commands run")
        case let other?:
            throw UsageError("dry-run takes on or off, not '\(other)'", usage: usage)
        }
        return .success
    }
}
