#if canImport(Glibc)
import Glibc
#endif

/// Where the shell keeps its state: `$XDG_STATE_HOME/opsshell`, by default
/// `~/.local/state/opsshell`, created 0700.
enum StatePaths {
    static func directory() -> String? {
        let environment = { (name: String) in getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } }
        guard let base = environment("XDG_STATE_HOME") ?? environment("HOME").map({ $0 + "/.local/state" }) else { return nil }
        let directory = base + "/opsshell"
        var path = ""
        for component in directory.split(separator: "/") {
            path += "/" + component
            mkdir(path, 0o700)
        }
        return access(directory, W_OK) == 0 ? directory : nil
    }

    static var history: String? { directory().map { $0 + "/history" } }
}
