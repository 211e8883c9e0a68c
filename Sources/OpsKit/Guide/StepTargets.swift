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
            guard Self.mayMoveTarget(command.text) else { return (command, target) }
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

    /// Whether a line may be `ssh HOST`, `sudo su…` or `exit`: a plain first
    /// word that is none of them cannot be, whatever follows (parsing every
    /// line of a 100,000-line block to find out took a fifth of its listing).
    static func mayMoveTarget(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { bytes in
            var end = 0
            while end < bytes.count, bytes[end] != 0x20, bytes[end] != 0x09, bytes[end] != 0x0A {
                let byte = bytes[end]
                let plain = (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || (0x30...0x39).contains(byte)
                    || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x2F
                guard plain else { return true }  // quotes, `$`, `\`: let `Words` decide
                end += 1
            }
            let head = UnsafeBufferPointer(rebasing: bytes[..<end])
            return head.elementsEqual("ssh".utf8) || head.elementsEqual("sudo".utf8) || head.elementsEqual("exit".utf8)
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
