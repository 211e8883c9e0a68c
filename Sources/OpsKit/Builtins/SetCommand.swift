/// `set NAME VALUE`: sets a session variable.
struct SetCommand: Command {
    let name = "set"
    let summary = "set a session variable"
    let usage = "set [-s] NAME VALUE"

    func effect(of arguments: [String]) -> Effect { .setsVariables }
    let examples = [
        "set role dr-base-db-patroni",
        "set datadir /var/opt/gitlab/postgresql/data",
        "set -s token s3cr3t        # a secret: never shown, logged or recorded",
    ]

    func completions(forArgumentAt index: Int, prefix: String, in session: Session) -> [String] {
        index == 0 ? session.variables.knownNames : []
    }

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        var arguments = line.arguments
        let secret = arguments.first == "-s"
        if secret { arguments.removeFirst() }
        guard arguments.count == 2 else {
            throw UsageError(arguments.count > 2 ? "set takes one value: quote a value with spaces" : "set needs a name and a value", usage: usage)
        }
        let (name, value) = (arguments[0], arguments[1])
        try context.session.variables.set(name, to: value, secret: secret)
        if !secret, Variables.holdsCredential(name) {
            context.console.notice("$\(name) holds a credential: kept secret (never shown, logged or recorded), as with set -s")
        }
        if name == "date" {
            context.console.notice("the pinned date stamp is now \(value); $(date +%F) expands to it")
        }
        return .success
    }
}

/// `unset NAME`: removes a session variable, and the variable from this
/// level's environment when `export` put it there.
struct UnsetCommand: Command {
    let name = "unset"
    let summary = "remove a session variable, or an exported one at this level"
    let usage = "unset NAME..."

    func effect(of arguments: [String]) -> Effect { [.setsVariables, .setsShellState] }

    func completions(forArgumentAt index: Int, prefix: String, in session: Session) -> [String] {
        Array(Set(session.variables.all.map(\.name)).union(session.target.environment.keys)).sorted()
    }

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        let arguments = line.arguments
        guard !arguments.isEmpty else { throw UsageError("unset needs a variable name", usage: usage) }
        for name in arguments {
            let exported = context.session.target.environment[name] != nil
            context.session.changeTarget { $0.environment[name] = nil }
            let set = context.session.variables.unset(name)
            if !set, !exported { context.console.notice("$\(name) was not set") }
            if exported { context.console.notice("\(name) is no longer exported on \(context.session.target.hostLabel)") }
        }
        return .success
    }
}
