/// Everything a session carries from one line to the next.
public struct Session: Sendable {
    /// The session variables, `date` pinned at start.
    public var variables: Variables
    /// The target stack; the last one is where commands run. Never empty.
    public private(set) var targets: [Target] = [.local]
    /// Whether commands are shown instead of run: `dry-run on`, or a
    /// promise made for the whole run that nothing in its input can lift.
    public var dryRun: Bool {
        get { dryRunSwitch || dryRunPromises > 0 }
        set { dryRunSwitch = newValue }
    }
    /// What `dry-run on|off` set.
    private var dryRunSwitch = false
    /// How many callers promised a dry-run (`--dry-run`, `replay --dry-run`,
    /// the guide's preview); while any holds, `dry-run off` changes nothing.
    public private(set) var dryRunPromises = 0
    /// Whether destructive commands may run without typed confirmation
    /// (`--yes`, for scripts only).
    public var assumeYes = false
    /// The last job this session started (`attach %%`).
    public var lastJob: String?
    /// The name of the user who started the shell, as the prompt shows it.
    public let loginUser: String

    public init(variables: Variables = Variables(), loginUser: String = Session.currentUserName()) {
        self.variables = variables
        self.loginUser = loginUser
    }

    /// Promises that nothing runs until `endDryRunPromise()`: a line
    /// `dry-run off` in a previewed script cannot turn a preview into a run.
    public mutating func promiseDryRun() { dryRunPromises += 1 }

    /// Ends one `promiseDryRun()`.
    public mutating func endDryRunPromise() { dryRunPromises = max(0, dryRunPromises - 1) }

    /// Where the next command runs.
    public var target: Target { targets[targets.count - 1] }

    /// The user the next command runs as.
    public var effectiveUser: String { target.user ?? loginUser }

    /// Makes `target` the current target; `exit` returns to the previous one.
    public mutating func push(_ target: Target) { targets.append(target) }

    /// Changes the current level's shell state (`cd`, `export`).
    public mutating func changeTarget(_ change: (inout Target) -> Void) {
        change(&targets[targets.count - 1])
    }

    /// The variables a line here expands with: the session's, and for names
    /// the session does not have, what `export` set at this level (the
    /// remote shell has the same value, so either may expand it).
    public var variablesHere: Variables {
        var variables = self.variables
        for (name, value) in target.environment where variables[name] == nil {
            try? variables.set(name, to: value)
        }
        return variables
    }

    /// Returns to the previous target; false when already at the first.
    @discardableResult
    public mutating func pop() -> Bool {
        guard targets.count > 1 else { return false }
        targets.removeLast()
        return true
    }

    /// The user name of this process, as `id -un` prints it.
    public static func currentUserName() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid\(geteuid())"
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
