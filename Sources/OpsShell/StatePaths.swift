#if canImport(Glibc)
import Glibc
#endif

/// Where the shell keeps its state: `$XDG_STATE_HOME/opsshell`, by default
/// `~/.local/state/opsshell`, created 0700.
enum StatePaths {
    /// The state directory, made if missing; nil when it cannot be written.
    static func directory() -> String? {
        let directory = intended()
        var path = ""
        for component in directory.split(separator: "/") {
            path += "/" + component
            mkdir(path, 0o700)
        }
        return access(directory, W_OK) == 0 ? directory : nil
    }

    static var history: String? { directory().map { $0 + "/history" } }

    /// The audit log's path, whether or not it can be written there: the
    /// log itself refuses commands when it cannot (fail closed).
    static var audit: String { (directory() ?? intended()) + "/audit.jsonl" }

    /// `$XDG_STATE_HOME/opsshell` or `~/.local/state/opsshell`, made or not.
    private static func intended() -> String {
        let environment = { (name: String) in getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } }
        return (environment("XDG_STATE_HOME") ?? environment("HOME").map { $0 + "/.local/state" } ?? "/nonexistent") + "/opsshell"
    }
}
