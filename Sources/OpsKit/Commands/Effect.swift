/// What a line does to the session besides running commands, declared by
/// the built-in (or the line's form) as data, so that recording, replay
/// before `--from`, the guide's preview and step targets read it instead of
/// keeping lists of names.
public struct Effect: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Moves the target: `ssh HOST`, `sudo su - USER`, `exit`.
    public static let movesTarget = Effect(rawValue: 1 << 0)
    /// Sets or removes session variables: `set`, `read -s`, `NAME=VALUE`.
    public static let setsVariables = Effect(rawValue: 1 << 1)
    /// Changes the current level's shell state: `cd`, `export`, `pushd`.
    public static let setsShellState = Effect(rawValue: 1 << 2)
    /// Changes how later lines run: `dry-run on|off`.
    public static let setsMode = Effect(rawValue: 1 << 3)

    /// Whether the line changes what later lines see, which a replay from a
    /// later line must still apply and a preview must still follow.
    public var changesSession: Bool { !isEmpty }
}
