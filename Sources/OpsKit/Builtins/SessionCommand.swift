/// A built-in that works on the running session itself rather than on a
/// copy of its context: `replay` runs lines through the same interpreter.
public protocol SessionCommand: Command {
    @MainActor
    func run(_ line: ExpandedLine, on interpreter: Interpreter) async throws -> Outcome
}

extension SessionCommand {
    public func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        preconditionFailure("the interpreter runs session commands with run(_:on:)")
    }
}

/// `replay FILE …`: runs a recorded script in this session.
struct ReplayCommand: SessionCommand {
    let name = "replay"
    let summary = "replay a recorded script: --dry-run, --step, --from LINE, --set NAME=VALUE, --strict, --resume"
    let usage = ReplayOptions.usage
    let examples = ["replay rebuild.ops --dry-run", "replay rebuild.ops --step --set date=2026-11-29", "replay rebuild.ops --from 14"]
    let isRecorded = false

    @MainActor
    func run(_ line: ExpandedLine, on interpreter: Interpreter) async throws -> Outcome {
        await Replay(options: try ReplayOptions(arguments: line.arguments)).run(on: interpreter)
    }
}
