import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The signal that is ending the shell (SIGTERM, SIGHUP, or SIGPIPE when its
/// output went away), once one has arrived.
///
/// The running command is cancelled like a Ctrl-C, so it comes back as
/// `.interrupted`; this says why, so the audit log's `end` event can name
/// the signal (`signal TERM`) instead of blaming an operator's Ctrl-C.
public enum ShellEnding {
    private static let received = Atomic<Int32>(0)

    /// Records `signal` as the reason the shell ends; the first one wins.
    /// Returns whether it was the first.
    @discardableResult
    public static func begin(_ signal: Int32) -> Bool {
        received.compareExchange(expected: 0, desired: signal, ordering: .sequentiallyConsistent).exchanged
    }

    /// The signal ending the shell, or nil while it is not ending.
    public static var signal: Int32? {
        let value = received.load(ordering: .sequentiallyConsistent)
        return value == 0 ? nil : value
    }

    /// `TERM`, `HUP`, `PIPE`…: the name `kill -l` prints.
    public static func name(of signal: Int32) -> String {
        switch signal {
        case SIGTERM: "TERM"
        case SIGHUP: "HUP"
        case SIGPIPE: "PIPE"
        case SIGINT: "INT"
        case SIGQUIT: "QUIT"
        default: String(signal)
        }
    }

    /// How a command stopped by the ending shell reads in logs: status
    /// 128 + signal and `signal TERM`; any other status as it is.
    static func logged(_ status: ExitStatus) -> (code: Int32, text: String) {
        guard status == .interrupted, let signal else { return (status.code, status.description) }
        return (128 + signal, "signal " + name(of: signal))
    }
}
