/// `record start FILE`, `record stop`, `record status`.
struct RecordCommand: Command {
    let name = "record"
    let summary = "record this session as a script that replays"
    let usage = "record start FILE | record stop | record status"
    let examples = ["record start rebuild-$(date +%F).ops", "record status", "record stop"]
    let isRecorded = false

    func completions(forArgumentAt index: Int, prefix: String, in session: Session) -> [String] {
        index == 0 ? ["start", "status", "stop"] : []
    }

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        let arguments = line.arguments
        switch arguments.first {
        case "start":
            guard arguments.count == 2 else { throw UsageError("record start needs a file", usage: usage) }
            if let current = context.recorder {
                throw UsageError("already recording to \(current.path); record stop first", usage: usage)
            }
            // A run promised as a dry-run writes nothing, and a recording of
            // it would show as run what never ran.
            guard context.session.dryRunPromises == 0 else {
                context.console.notice("dry-run: would record to \(arguments[1]); a dry-run writes no recording")
                return .success
            }
            context.recorder = try Recorder(path: arguments[1], session: context.session, version: ShellVersion.current, sessionID: context.sessionID)
            context.console.notice("recording to \(arguments[1])")
        case "stop":
            guard let recorder = context.recorder else { throw UsageError("not recording", usage: usage) }
            recorder.stop()
            context.console.notice("recorded \(recorder.commands) commands to \(recorder.path)")
            context.recorder = nil
        case "status", nil:
            if let recorder = context.recorder {
                context.console.line("recording to \(recorder.path): \(recorder.commands) commands so far")
            } else {
                context.console.line("not recording")
            }
        case let other?:
            throw UsageError("record takes start, stop or status, not '\(other)'", usage: usage)
        }
        return .success
    }
}

/// The shell's version, in recordings and `--version`.
public enum ShellVersion {
    public static let current = "0.2.0"
}
