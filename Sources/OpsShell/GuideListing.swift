import OpsKit

/// `opsshell guide --list`: the reader's warnings, then each procedure (when
/// there are several) and its steps, one line each, then each step's
/// commands with where they run, the lines that may be commands, the
/// suggested inline commands, what is shown and not run, and its checks.
enum GuideListing {
    static func text(_ runbook: Runbook) -> String {
        var text = "\(runbook.title ?? runbook.source): \(runbook.steps.count) steps\n"
        // Room for every line at once: a 100,000-line block's listing otherwise moves itself as it grows.
        var room = 0
        for step in runbook.steps {
            room += 200
            for block in step.blocks { for candidate in block.candidates { room += candidate.text.utf8.count + 48 } }
        }
        text.reserveCapacity(room)
        for warning in runbook.warnings { text += "warning: \(warning)\n" }
        let procedures = runbook.procedures
        for (index, procedure) in procedures.enumerated() {
            if procedures.count > 1 {
                text += "procedure \(index + 1): \(procedure.title) (--procedure \(procedure.slug)), \(procedure.ordinals.count) steps\n"
            }
            for ordinal in procedure.ordinals { text += self.step(runbook.steps[ordinal - 1]) }
        }
        return text
    }

    private static func step(_ step: RunbookStep) -> String {
        let box = step.checked.map { $0 ? "[x] " : "[ ] " } ?? ""
        var text = "\(step.ordinal). [\(step.number)] \(box)\(step.title)\n"
        // The targets come in the commands' order: walk them side by side.
        let targeted = step.targetedCommands()
        var next = 0
        var current = Target.local
        var target = current.description  // an unsure line runs where the command before it did
        for block in step.blocks {
            for candidate in block.candidates {
                if candidate.kind == .command, next < targeted.count {
                    if targeted[next].target != current {
                        current = targeted[next].target
                        target = current.description
                    }
                    next += 1
                }
                // Appended piece by piece: an interpolated line per command was a fifth of a big block's listing.
                text += candidate.kind == .unsure ? "     command or output? " : "     "
                text += target
                text += ": "
                text += candidate.text
                text += "\n"
            }
            if let language = block.language {
                text += "     (\(block.output.count) lines of \(language), shown, not run)\n"
            } else if !block.output.isEmpty {
                text += "     (\(block.output.count) lines of example output, not run)\n"
            }
        }
        for suggestion in step.suggested {
            text += "     suggested (inline code, run only if picked): \(suggestion.text)\n"
        }
        for check in step.checks {
            text += "     \(check.kind.rawValue): \(check.command)\n"
        }
        return text
    }
}
