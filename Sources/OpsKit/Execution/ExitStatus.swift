/// How a command ended. A non-zero exit is a result, not an error.
public enum ExitStatus: Sendable, Hashable, CustomStringConvertible {
    /// The command exited with this code.
    case exited(Int32)
    /// The command was ended by this signal.
    case signalled(Int32)
    /// The operator interrupted it (Ctrl-C); the processes are gone.
    case interrupted

    public static let success = ExitStatus.exited(0)

    /// Whether the command succeeded.
    public var isSuccess: Bool { self == .success }

    /// The status as a shell reports it: the exit code, or 128 + signal.
    public var code: Int32 {
        switch self {
        case .exited(let code): code
        case .signalled(let signal): 128 + signal
        case .interrupted: 130
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exit \(code)"
        case .signalled(let signal): "killed by signal \(signal)"
        case .interrupted: "interrupted"
        }
    }
}
