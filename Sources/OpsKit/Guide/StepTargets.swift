extension RunbookStep {
    /// Each command with the target it runs on, as the step's own lines move
    /// it (`ssh HOST`, `sudo su [- USER]`, `exit`), starting from `start`.
    /// What `guide --list` prints; the walk itself moves the real target
    /// stack with the same lines.
    /// Host and user names are expanded with `variables` where they can be
    /// (`ssh $leader`), and shown as written where not.
    public func targetedCommands(from start: Target = .local, variables: Variables = Variables()) -> [(command: RunbookCommand, target: Target)] {
        var stack = [start]
        return commands.map { command in
            let target = stack[stack.count - 1]
            let words = (try? Words(parsing: command.text))?.words.map { (try? $0.value(in: variables)) ?? $0.symbolicText } ?? []
            if words.count == 2, words[0] == "ssh" {
                stack.append(Target(host: words[1]))
            } else if let (user, login) = TargetSwitch.parse(words) {
                stack.append(Target(host: target.host, user: user, isLogin: login))
            } else if words == ["exit"], stack.count > 1 {
                stack.removeLast()
            }
            return (command, target)
        }
    }

    /// The `when NAME=VALUE` conditions this step has, unmet in `variables`:
    /// empty when the step applies.
    public func unmetConditions(in variables: Variables) -> [String] {
        checks.filter { $0.kind == .when }.compactMap { check in
            let parts = check.command.split(separator: "=", maxSplits: 1).map { String($0).trimmingTrailingBlanks() }
            guard parts.count == 2 else { return check.command }
            return variables[parts[0]] == parts[1] ? nil : "\(parts[0]) is \(variables[parts[0]].map { "'\($0)'" } ?? "unset"), not '\(parts[1])'"
        }
    }
}
