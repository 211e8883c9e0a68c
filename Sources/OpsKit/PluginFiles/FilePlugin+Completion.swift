extension FilePlugin {
    /// Values for the word being typed: a flag's value after the flag, else
    /// the positional argument at this place, from the file's list or from
    /// its read-only command run on the current target.
    public func liveCompletions(for invocation: ToolInvocation, prefix: String, session: Session, inventory: Inventory,
                                lookups: CompletionLookups?) -> [String] {
        let arguments = invocation.arguments
        if let last = arguments.last, last.hasPrefix("-"), !last.contains("="), let source = flagValues[last] {
            var typed: [String: String] = [:]
            for flag in flagsWithValues(in: arguments) { typed[flag.name] = flag.text }
            return values(from: source, typed: typed, session: session, lookups: lookups)
        }
        let (path, positionals) = grammar.resolve(arguments)
        // The tool's own arguments come first (`pg_ctlcluster VERSION CLUSTER`), then the subcommand's.
        var expected = commands[""]?.arguments ?? []
        if !path.isEmpty { expected += commands[path.map(\.name).joined(separator: " ")]?.arguments ?? [] }
        guard positionals.count < expected.count, let source = expected[positionals.count].values else { return [] }
        var typed: [String: String] = [:]
        for (argument, value) in zip(expected, positionals) { typed[argument.name] = value }
        for flag in flagsWithValues(in: arguments) { typed[flag.name] = flag.text }
        return values(from: source, typed: typed, session: session, lookups: lookups)
    }

    private func values(from source: ValueSource, typed: [String: String], session: Session, lookups: CompletionLookups?) -> [String] {
        switch source {
        case .list(let values):
            return values
        case let .command(template, field, pattern):
            guard let lookups, let command = Self.fill(template, with: typed) else { return [] }
            let lines = lookups.lines(of: command, on: session.target, dryRun: session.dryRun)
            let regex = pattern.flatMap { try? Regex($0) }
            let values = lines.compactMap { line -> String? in
                if let regex {
                    guard let match = try? regex.firstMatch(in: line) else { return nil }
                    return match.output.count > 1 ? match.output[1].substring.map(String.init) : String(match.output[0].substring ?? "")
                }
                guard let field else { return line.trimmingTrailingBlanks() }
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                return fields.indices.contains(field - 1) ? String(fields[field - 1]) : nil
            }
            return Array(Set(values)).sorted()
        }
    }

    /// `{NAME}` replaced by the typed argument, quoted, and `{--flag}` by
    /// `--flag=VALUE` or nothing; nil while an argument is not typed yet.
    static func fill(_ template: String, with typed: [String: String]) -> String? {
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            if name.hasPrefix("-") {
                result += typed[name].map { ShellQuoting.quote("\(name)=\($0)") } ?? ""
            } else {
                guard let value = typed[name] else { return nil }
                result += ShellQuoting.quote(value)
            }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// The flags of the line that have a value, `--config=X` or `--config X`.
    private func flagsWithValues(in arguments: [String]) -> [(name: String, text: String)] {
        let flags = grammar.flags + grammar.resolve(arguments).path.flatMap(\.flags)
        var found: [(String, String)] = []
        for (index, argument) in arguments.enumerated() where argument.hasPrefix("-") {
            if let equals = argument.firstIndex(of: "=") {
                found.append((String(argument[..<equals]), String(argument[argument.index(after: equals)...])))
            } else if flags.first(where: { $0.matches(argument) })?.takesValue == true, arguments.indices.contains(index + 1) {
                found.append((argument, arguments[index + 1]))
            }
        }
        return found
    }
}
