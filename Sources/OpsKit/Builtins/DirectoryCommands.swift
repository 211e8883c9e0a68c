/// `cd DIR`, `cd -`, `cd`, `pushd DIR`, `popd`: the current level's working
/// directory, checked on the target, as a login there would keep it. Later
/// commands at this level run in it; `exit` leaves it with the level.
struct DirectoryCommand: Command {
    enum Verb: String { case cd, pushd, popd }

    let verb: Verb
    var name: String { verb.rawValue }
    var summary: String {
        switch verb {
        case .cd: "change the directory later commands run in on this target (checked there); `cd -` goes back"
        case .pushd: "change directory, remembering this one for popd"
        case .popd: "go back to the directory pushd remembered"
        }
    }
    var usage: String {
        switch verb {
        case .cd: "cd [DIR|-]"
        case .pushd: "pushd DIR"
        case .popd: "popd"
        }
    }

    func effect(of arguments: [String]) -> Effect { .setsShellState }

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        let arguments = line.arguments
        let target = context.session.target
        let wanted: String?
        switch (verb, arguments.count) {
        case (.cd, 0): wanted = nil
        case (.cd, 1) where arguments[0] == "-":
            guard let previous = target.previousDirectory else {
                context.console.error("cd -: there is no previous directory on \(target.hostLabel)")
                return Outcome(status: .exited(1))
            }
            wanted = previous
        case (.cd, 1), (.pushd, 1): wanted = arguments[0]
        case (.popd, 0):
            guard let top = target.directoryStack.last else {
                context.console.error("popd: the directory stack on \(target.hostLabel) is empty")
                return Outcome(status: .exited(1))
            }
            wanted = top
        default:
            throw UsageError("\(name) takes \(verb == .popd ? "no arguments" : "one directory")", usage: usage)
        }
        guard let (from, to) = try await resolve(wanted, in: &context) else { return Outcome(status: .exited(1)) }
        context.session.changeTarget { level in
            switch verb {
            case .pushd: level.directoryStack.append(from)
            case .popd: level.directoryStack.removeLast()
            case .cd: break
            }
            level.previousDirectory = from
            level.directory = to
        }
        if verb != .cd {
            let stack = context.session.target.directoryStack.reversed()
            context.console.line(([to] + stack).joined(separator: " "))
        }
        return .success
    }

    /// Where the level is now and where `wanted` (nil: the user's home) is,
    /// as `pwd` prints them on the target; nil after saying why not. In
    /// dry-run nothing runs there, so the path is taken as written.
    private func resolve(_ wanted: String?, in context: inout Context) async throws -> (from: String, to: String)? {
        let target = context.session.target
        let change = wanted.map { "cd -- \(ShellQuoting.quote($0))" } ?? "cd"
        let shown = wanted ?? "~"
        // The shell's own look, not the operator's command: in dry-run it is
        // skipped, and said so, rather than shown as a plan.
        let look = context.session.dryRun ? nil
            : try await context.captureStep("pwd && \(change) && pwd", on: target, purpose: "\(name) \(shown): look on \(target.hostLabel)")
        guard let output = look else {
            let from = target.directory ?? "~"
            let to = wanted.map { $0.hasPrefix("/") ? $0 : from + "/" + $0 } ?? "~"
            context.console.notice("dry-run: \(shown) is not checked on \(target.hostLabel)")
            return (from, to)
        }
        let lines = output.standardOutput.split(separator: "\n").map(String.init)
        guard output.status.isSuccess, lines.count == 2 else {
            let said = output.standardError.trimmingTrailingBlanks()
            context.console.error("\(name): \(shown) is not a directory on \(target.hostLabel)\(said.isEmpty ? "" : " (\(said))"); still in \(target.directory ?? "the login directory")")
            return nil
        }
        return (lines[0], lines[1])
    }
}
