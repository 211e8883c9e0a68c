/// `vars`: lists the session variables.
struct VarsCommand: Command {
    let name = "vars"
    let summary = "list the session variables"
    let usage = "vars"
    let onlyLooks = true

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        let variables = context.session.variables
        let names = variables.knownNames
        let width = names.map(\.count).max() ?? 0
        for name in names {
            let padded = name.padded(to: width)
            if variables.isSecret(name) {
                context.console.line("\(padded)  ******** (secret)")
            } else if let value = variables[name] {
                context.console.line("\(padded)  \(value)" + (name == "date" ? "  (pinned)" : ""))
            } else {
                context.console.line("\(padded)  (unset)", style: .dim)
            }
        }
        return .success
    }
}

extension String {
    /// The string padded with spaces to `width` columns.
    public func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
