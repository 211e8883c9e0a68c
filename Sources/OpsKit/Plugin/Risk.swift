/// What running a command can do to the systems it touches.
public enum Risk: Int, Sendable, Comparable, CustomStringConvertible {
    /// Only looks: `patronictl list`, `consul kv get`, `systemctl status`.
    case readOnly
    /// Changes state that can be changed back: `systemctl stop`, `kv put`.
    case changesState
    /// Destroys data: `rm -rf`, `consul kv delete -recurse`, `patronictl remove`.
    case destroysData

    public static func < (lhs: Risk, rhs: Risk) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .readOnly: "read-only"
        case .changesState: "changes state"
        case .destroysData: "destroys data"
        }
    }
}
