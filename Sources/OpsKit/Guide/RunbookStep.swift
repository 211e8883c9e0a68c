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

    /// The commands of all the step's blocks, in order.
    public var commands: [RunbookCommand] { blocks.flatMap(\.commands) }
}

/// A command line from a runbook's code block.
public struct RunbookCommand: Sendable, Equatable {
    /// The command to run: prompt removed, trimmed, continuation lines joined;
    /// a trailing `# comment` is kept (the shell language drops it itself).
    public var text: String
    /// The 1-based line in the file the command starts on.
    public var line: Int
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
