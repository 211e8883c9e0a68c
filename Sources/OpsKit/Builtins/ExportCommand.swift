/// `export NAME=VALUE…`, `export NAME`, `export`: variables in the
/// environment of every later command at this level (this host, this user),
/// as a login there keeps them. `exit` leaves them with the level.
struct ExportCommand: Command {
    let name = "export"
    let summary = "export a variable to every later command on this target; `export` alone lists them"
    let usage = "export NAME=VALUE... | export NAME... | export"
    let examples = ["export PGDATA=/var/opt/gitlab/postgresql/data", "export PATH=\\$PATH:/opt/wal-e/bin"]

    func effect(of arguments: [String]) -> Effect { arguments.isEmpty || arguments == ["-p"] ? [] : .setsShellState }

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        let arguments = line.arguments
        let target = context.session.target
        if arguments.isEmpty || arguments == ["-p"] {
            for (name, value) in target.environment.sorted(by: { $0.key < $1.key }) {
                context.console.line("export \(name)=\(ShellQuoting.quote(value))")
            }
            if target.environment.isEmpty { context.console.line("nothing exported on \(target.hostLabel)") }
            return .success
        }
        var exported: [(String, String)] = []
        for argument in arguments where !argument.contains("=") {
            // `export NAME`: the session variable's value, as a shell exports its own.
            guard Variables.isValidName(argument), let value = context.session.variablesHere[argument] else {
                throw UsageError("export \(argument): no variable \(argument) to export; give it a value: export \(argument)=VALUE", usage: usage)
            }
            exported.append((argument, value))
        }
        if arguments.contains(where: { $0.contains("=") }) {
            let offset = 1 + arguments.prefix { !$0.contains("=") }.count
            guard arguments.dropFirst(offset - 1).allSatisfy({ $0.contains("=") }), let assignment = Assignment(line, from: offset) else {
                throw UsageError("export takes NAME=VALUE words (names before them, if any)", usage: usage)
            }
            guard let values = try await assignment.values(on: target, purpose: "export: evaluate on \(target.hostLabel)", in: context) else {
                return Outcome(status: context.session.dryRun ? .success : .exited(1))
            }
            exported += zip(assignment.names, values).map { ($0, $1) }
        }
        context.session.changeTarget { level in
            for (name, value) in exported { level.environment[name] = value }
        }
        return .success
    }
}
