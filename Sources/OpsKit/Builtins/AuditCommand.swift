/// `audit [on|off]`: the knowing way on when the audit log cannot be
/// written (a full disk), and back.
///
/// Not a recorded command: replaying a recording must not turn off the
/// replaying shell's audit. The recording gets a comment instead.
struct AuditCommand: Command {
    let name = "audit"
    let summary = "show, stop or resume the audit log (audit.jsonl); `audit off` is noted in the recording"
    let usage = "audit [on|off]"
    let isRecorded = false

    func completions(forArgumentAt index: Int, prefix: String, in session: Session) -> [String] {
        index == 0 ? ["on", "off"] : []
    }

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        let arguments = line.arguments
        guard let audit = context.audit else {
            context.console.line("this session has no audit log")
            return arguments.isEmpty ? .success : Outcome(status: .exited(1))
        }
        switch arguments.first {
        case nil:
            context.console.line(audit.offReason.map { "audit log off (\($0)): \(audit.path)" } ?? "audit log on: \(audit.path)")
        case "off":
            let reason = "audit off typed by \(context.session.loginUser)"
            audit.turnOff(reason)
            try? context.recorder?.comment("\(reason): the commands below are not in \(audit.path)")
            context.console.notice("audit log off: commands run without being written to \(audit.path); `audit on` resumes it")
        case "on":
            do {
                try audit.turnOn()
            } catch {
                context.console.error("audit log: \(error); it stays off")
                return Outcome(status: .exited(1))
            }
            try? context.recorder?.comment("audit on: the commands below are in \(audit.path) again")
            context.console.notice("audit log on: \(audit.path)")
        case let other?:
            throw UsageError("audit takes on or off, not '\(other)'", usage: usage)
        }
        return .success
    }
}
