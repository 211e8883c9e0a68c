/// `plugins`: every tool the shell knows and where it comes from (built in,
/// or the plugin file it was read from), the directories searched for
/// plugin files, and every file that failed to load, with why.
struct PluginsCommand: Command {
    let name = "plugins"
    let summary = "list the tools and where each comes from; plugin files that failed to load"
    let usage = "plugins"
    let onlyLooks = true

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        let console = context.console
        let catalog = context.catalog
        let rows = catalog.plugins.map { ($0.name, $0.executables.joined(separator: ", "), $0.file ?? "built in") }
        let nameWidth = rows.map(\.0.count).max() ?? 0
        let runsWidth = rows.map(\.1.count).max() ?? 0
        console.line("tool".padded(to: nameWidth) + "  " + "runs as".padded(to: runsWidth) + "  from", style: .bold)
        for (tool, runs, origin) in rows { console.line(tool.padded(to: nameWidth) + "  " + runs.padded(to: runsWidth) + "  " + origin) }
        let files = catalog.pluginFiles
        console.line("plugin files are read from (later ones replace a tool of the same name):")
        for directory in files.directories { console.line("  " + directory) }
        if !files.problems.isEmpty {
            console.line("not loaded:", style: .warning)
            for problem in files.problems { console.line("  \(problem)", style: .warning) }
        }
        return .success
    }
}
