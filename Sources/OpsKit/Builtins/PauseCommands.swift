/// `confirm "TEXT"`: stop until a person types yes.
struct ConfirmCommand: Command {
    let name = "confirm"
    let summary = "pause until the operator types yes (scripts use it before a risky step)"
    let usage = "confirm \"TEXT\""
    let examples = ["confirm \"Node 01 is the standby leader and restoring\""]

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        let arguments = line.arguments
        let text = arguments.joined(separator: " ")
        context.console.write("\(text.isEmpty ? "Continue?" : text)\n", style: .warning, to: .error)
        return context.confirm(Confirmation(reason: "", word: "yes"), prompt: "Type yes to continue: ", skipped: "confirmed by --yes") ?? .success
    }
}

/// `sleep DURATION`: wait (Ctrl-C ends it).
struct SleepCommand: Command {
    let name = "sleep"
    let summary = "wait, e.g. sleep 30s, sleep 2h"
    let usage = "sleep DURATION"

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        let arguments = line.arguments
        guard arguments.count == 1, let duration = DurationText.parse(arguments[0]) else {
            throw UsageError("sleep needs one duration: 500ms, 30s, 10m, 2h", usage: usage)
        }
        if context.session.dryRun {
            context.console.line("dry-run: sleep \(arguments[0])", style: .dim)
            return .success
        }
        do {
            try await Task.sleep(for: duration)
        } catch {
            return Outcome(status: .interrupted)
        }
        return .success
    }
}

/// `read -s NAME`: ask for a secret without echo; it is never shown,
/// written to history, recorded or logged.
struct ReadCommand: Command {
    let name = "read"
    let summary = "ask for a secret value without echoing it"
    let usage = "read -s NAME"

    func effect(of arguments: [String]) -> Effect { .setsVariables }

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        let arguments = line.arguments
        guard arguments.count == 2, arguments[0] == "-s" else { throw UsageError("read takes -s NAME", usage: usage) }
        let name = arguments[1]
        guard let value = context.console.askSecret("\(name) (not echoed): ") else {
            context.console.error("no terminal to read $\(name) from; set it with --set \(name)=VALUE")
            return Outcome(status: .exited(1))
        }
        try context.session.variables.set(name, to: value, secret: true)
        return .success
    }
}
