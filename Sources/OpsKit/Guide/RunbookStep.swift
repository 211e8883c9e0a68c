/// One numbered step of a runbook: its text, its code blocks and its checks.
public struct RunbookStep: Sendable, Equatable {
    /// The number as written: `"8"`, `"01"`. Two steps may share one (the
    /// seed runbook has two steps numbered 8); `ordinal` tells them apart.
    public var number: String
    /// The 1-based position among the runbook's steps, unique.
    public var ordinal: Int
    /// The step's first line up to its first sentence end, e.g. `Stop patroni`;
    /// inline Markdown kept as written.
    public var title: String
    /// The step's Markdown text, starting with the text after its number,
    /// dedented to the item's text column; code blocks and HTML comments left
    /// out, one blank line between paragraphs.
    public var prose: [String]
    /// The step's fenced code blocks, in order.
    public var blocks: [RunbookBlock]
    /// The `<!-- opsshell: check|wait … -->` comments in the step, in order.
    public var checks: [RunbookCheck]
    /// The 1-based line the step starts on.
    public var line: Int

    /// Inline code in the step's text that reads as a command (a known tool
    /// first), when the step has no code block: offered, never run unasked.
    public var suggested: [RunbookCommand] = []
    /// A task-list checkbox before the title: `true` for `[x]`, `false` for
    /// `[ ]`, nil for none.
    public var checked: Bool?
    /// The section heading the step is under (the runbook's procedures are
    /// built from these), nil before any.
    public var section: RunbookSection?

    /// The commands of all the step's blocks, in order.
    public var commands: [RunbookCommand] { blocks.flatMap(\.commands) }

    /// Every line that is or may be a command, in order: the blocks'
    /// candidates, then the suggested inline commands.
    public var candidates: [RunbookCommand] { blocks.flatMap(\.candidates) + suggested }

    /// The step with the candidates at `chosen` (indices into `candidates`:
    /// unsure or suggested lines the operator said yes to) made commands; a
    /// chosen suggestion runs after the blocks' commands.
    public func adopting(_ chosen: Set<Int>) -> RunbookStep {
        var step = self
        var index = 0
        for block in step.blocks.indices {
            for candidate in step.blocks[block].candidates.indices {
                if chosen.contains(index) { step.blocks[block].candidates[candidate].kind = .command }
                index += 1
            }
        }
        let picked = suggested.indices.filter { chosen.contains(index + $0) }.map { RunbookCommand(text: suggested[$0].text, line: suggested[$0].line) }
        if !picked.isEmpty {
            step.blocks.append(RunbookBlock(info: "inline", line: picked[0].line, candidates: picked, output: [],
                                            text: picked.map(\.text), language: nil))
            step.suggested = suggested.indices.filter { !chosen.contains(index + $0) }.map { suggested[$0] }
        }
        return step
    }
}

/// A heading that is not a step, as the steps after it record it.
public struct RunbookSection: Sendable, Equatable {
    /// 1 to 6.
    public var level: Int
    /// Its text, inline HTML and anchors taken out.
    public var title: String
    /// The 1-based line of the heading.
    public var line: Int
    /// The section headings it is in, outermost first.
    public var parents: [RunbookSection] = []
}


/// A check a runbook asks for in a hidden comment, e.g.
/// `<!-- opsshell: check wal-e check-latest --max-age 24h -->`.
public struct RunbookCheck: Sendable, Equatable {
    /// How the walk uses the command.
    public enum Kind: String, Sendable {
        /// Run once; a failure stops the walk.
        case check
        /// Run a command that waits for a state; a failure stops the walk.
        case wait
        /// `NAME=VALUE`: the step applies only when the session variable
        /// NAME is VALUE (`when dcs=etcd`); otherwise the walk passes it by.
        case when
    }

    /// Whether the command is a check or a wait.
    public var kind: Kind
    /// The command, its whitespace collapsed to single spaces.
    public var command: String
    /// The 1-based line the comment starts on.
    public var line: Int
}
