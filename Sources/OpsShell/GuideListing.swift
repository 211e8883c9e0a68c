import OpsKit

/// `opsshell guide --list`: each step on one line, then its commands with
/// where they run, and its checks.
enum GuideListing {
    static func text(_ runbook: Runbook) -> String {
        var text = "\(runbook.title ?? runbook.source): \(runbook.steps.count) steps\n"
        for step in runbook.steps {
            text += "\(step.ordinal). [\(step.number)] \(step.title)\n"
            for (command, target) in step.targetedCommands() {
                text += "     \(target.description): \(command.text)\n"
            }
            for block in step.blocks where !block.output.isEmpty {
                text += "     (\(block.output.count) lines of example output, not run)\n"
            }
            for check in step.checks {
                text += "     \(check.kind.rawValue): \(check.command)\n"
            }
        }
        return text
    }
}
