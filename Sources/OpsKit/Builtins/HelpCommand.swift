/// `help [NAME]`: the commands, or one command's usage and examples.
struct HelpCommand: Command {
    let name = "help"
    let summary = "list commands, or show how to use one"
    let usage = "help [COMMAND]"
    let onlyLooks = true

    func completions(forArgumentAt index: Int, prefix: String, in session: Session) -> [String] {
        []  // The completer offers command words for help's argument.
    }

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        let arguments = line.arguments
        let catalog = context.catalog
        let console = context.console
        guard let topic = arguments.first else {
            console.line("Built-in commands:", style: .bold)
            list(catalog.commands.map { ($0.name, $0.summary) }, on: console)
            console.line("Tools (also behind sudo, envdir, full paths and inside knife ssh '…'):", style: .bold)
            list(catalog.plugins.map { ($0.executables.joined(separator: ", "), $0.summary + ($0.file.map { " [\($0)]" } ?? "")) }, on: console)
            console.line("Anything else runs with /bin/sh on the current target. `help NAME` shows more.")
            return .success
        }
        if let command = catalog.command(named: topic) {
            console.line("\(command.name): \(command.summary)")
            console.line("usage: \(command.usage)")
            show(examples: command.examples, on: console)
        } else if let plugin = catalog.plugin(forExecutable: topic) {
            console.line("\(plugin.name): \(plugin.summary)")
            console.line("runs as: \(plugin.executables.joined(separator: ", "))")
            console.line("\(plugin.origin)")
            list(plugin.grammar.subcommands.map { ($0.name, "\($0.summary) [\($0.risk)]") }, on: console)
            let flags = plugin.grammar.flags.filter { !$0.summary.isEmpty }
            if !flags.isEmpty {
                console.line("flags:")
                list(flags.map { ($0.spellings.joined(separator: ", "), $0.summary + ($0.escalatesTo.map { " [raises to \($0)]" } ?? "")) }, on: console)
            }
            show(examples: plugin.examples, on: console)
        } else {
            let hint = catalog.suggestions(for: topic).first.map { "; did you mean `\($0)`?" } ?? ""
            console.error("no help for '\(topic)'\(hint)")
            return Outcome(status: .exited(1))
        }
        return .success
    }

    private func list(_ rows: [(String, String)], on console: any Console) {
        let width = rows.map(\.0.count).max() ?? 0
        for (name, summary) in rows {
            console.line("  " + name.padded(to: width) + "  " + summary)
        }
    }

    private func show(examples: [String], on console: any Console) {
        guard !examples.isEmpty else { return }
        console.line("examples:")
        for example in examples { console.line("  " + example) }
    }
}
