#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TOMLKit

/// Reads a plugin file (TOML) into the tools it describes; the format is in
/// the README's "Plugin files". A file holds one tool (`executables` at the
/// top), or a suite of them under `[tools.NAME]`, or both.
public enum PluginFileReader {
    /// Reads and parses the file at `path`.
    /// - Throws: `PluginFileError` naming the file, line and field.
    public static func read(_ path: String) throws(PluginFileError) -> [FilePlugin] {
        guard let text = readText(path) else {
            throw PluginFileError(file: path, problem: "cannot read it: \(String(cString: strerror(errno)))")
        }
        return try parse(text, file: path)
    }

    /// Parses plugin-file TOML; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(PluginFileError) -> [FilePlugin] {
        if let hazard = TOMLHazard.first(in: text) {
            throw PluginFileError(file: file, line: hazard.line, problem: "not valid TOML: \(hazard.problem)")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw PluginFileError(file: file, line: error.source.begin.line, problem: "not valid TOML: \(error.description)")
        } catch {
            throw PluginFileError(file: file, problem: "not valid TOML: \(error)")
        }
        var reader = FileFields(file: file, text: text)
        let tools = try reader.plugins(in: table)
        let source = PluginFileSource(file: file, text: text, bodies: Dictionary(tools.map { ($0.name, $0.body) }, uniquingKeysWith: { _, last in last }))
        return tools.map { FilePlugin(name: $0.name, summary: $0.summary, executables: $0.executables, file: file, source: source) }
    }
}

/// The walk over one file's tables, with what errors need to say where.
struct FileFields {
    let file: String
    /// The file's text, for the line of a field when there is an error
    /// (finding every key's line up front was a third of reading a file).
    let text: String

    /// A tool as the file describes it.
    struct Tool {
        var name: String
        var summary: String
        var executables: [String]
        var body: FilePlugin.Body
    }

    func fail(_ field: String, _ problem: String) -> PluginFileError {
        PluginFileError(file: file, line: TOMLPositions(text).line(of: field), field: field, problem: problem)
    }

    static let toolKeys: Set = ["name", "summary", "executables", "examples", "risk", "arguments", "flags", "subcommands", "output", "checks", "guard"]
    static let subcommandKeys: Set = ["help", "risk", "aliases", "arguments", "flags", "subcommands", "output", "checks", "guard"]

    mutating func plugins(in table: TOMLTable) throws(PluginFileError) -> [Tool] {
        for key in table.keys where !Self.toolKeys.contains(key) && key != "tools" {
            throw fail(key, "unknown field; the top level takes \((Self.toolKeys.sorted() + ["tools"]).joined(separator: ", "))")
        }
        let name = try string("name", in: table, at: "", required: true)!
        let summary = try string("summary", in: table, at: "", required: true)!
        var plugins: [Tool] = []
        if table["executables"] != nil {
            plugins.append(try tool(name, table, at: "", summary: summary))
        } else if let stray = Self.toolKeys.subtracting(["name", "summary"]).sorted().first(where: { table[$0] != nil }) {
            throw fail(stray, "belongs to a tool, and the top level names none: add executables = [\"\(name)\"], or move it under [tools.NAME]")
        }
        if let tools = table["tools"] {
            guard let tools = tools.table else { throw fail("tools", "must be tables: [tools.NAME], one per tool") }
            for toolName in tools.keys.sorted() {
                guard let fields = tools[toolName]?.table else { throw fail("tools.\(toolName)", "must be a table of the tool's fields") }
                for key in fields.keys where !Self.toolKeys.contains(key) || key == "name" {
                    throw fail("tools.\(toolName).\(key)", "unknown field; a tool takes \(Self.toolKeys.subtracting(["name"]).sorted().joined(separator: ", "))")
                }
                plugins.append(try tool(toolName, fields, at: "tools.\(toolName).", summary: summary))
            }
        }
        guard !plugins.isEmpty else {
            throw fail("executables", "the file names no tool: give `executables = [\"NAME\"]`, or [tools.NAME] tables each with executables")
        }
        return plugins
    }

    private func tool(_ name: String, _ table: TOMLTable, at prefix: String, summary inherited: String) throws(PluginFileError) -> Tool {
        let executables = try strings("executables", in: table, at: prefix) ?? []
        guard !executables.isEmpty else { throw fail(prefix + "executables", "must list at least one executable name, e.g. [\"\(name)\"]") }
        for executable in executables where executable.isEmpty || executable.contains(where: { $0 == "/" || $0 == " " || $0 == "\t" }) || executable.hasPrefix("-") {
            throw fail(prefix + "executables", "'\(executable)' is not an executable name: a bare name, no path, blanks or leading '-'")
        }
        var commands: [String: FilePlugin.CommandDetails] = [:]
        var flagValues: [String: FilePlugin.ValueSource] = [:]
        let top = try details(table, at: prefix)
        commands[""] = top
        let flags = try self.flags(table, at: prefix, into: &flagValues)
        let subcommands = try self.subcommands(table, at: prefix, path: [], commands: &commands, flagValues: &flagValues)
        let grammar = ToolGrammar(flags: flags, subcommands: subcommands, argumentsBeforeSubcommand: subcommands.isEmpty ? 0 : top.arguments.count)
        let body = FilePlugin.Body(grammar: grammar, examples: try strings("examples", in: table, at: prefix) ?? [],
                                   defaultRisk: try risk("risk", in: table, at: prefix) ?? .changesState, commands: commands, flagValues: flagValues)
        return Tool(name: name, summary: try string("summary", in: table, at: prefix) ?? inherited, executables: executables, body: body)
    }

    private func subcommands(_ table: TOMLTable, at prefix: String, path: [String], commands: inout [String: FilePlugin.CommandDetails],
                             flagValues: inout [String: FilePlugin.ValueSource]) throws(PluginFileError) -> [Subcommand] {
        guard let value = table["subcommands"] else { return [] }
        guard let subtables = value.table else { throw fail(prefix + "subcommands", "must be tables: [subcommands.NAME]") }
        var found: [Subcommand] = []
        for name in subtables.keys.sorted() {
            let at = "\(prefix)subcommands.\(name)."
            guard let fields = subtables[name]?.table else { throw fail(String(at.dropLast()), "must be a table: [subcommands.\(name)] with help, risk…") }
            guard !name.isEmpty, !name.hasPrefix("-"), !name.contains(" ") else { throw fail(String(at.dropLast()), "'\(name)' is not a subcommand name") }
            for key in fields.keys where !Self.subcommandKeys.contains(key) {
                throw fail(at + key, "unknown field; a subcommand takes \(Self.subcommandKeys.sorted().joined(separator: ", "))")
            }
            commands[(path + [name]).joined(separator: " ")] = try details(fields, at: at)
            found.append(Subcommand(name, try string("help", in: fields, at: at) ?? "", risk: try risk("risk", in: fields, at: at) ?? .readOnly,
                                    aliases: try strings("aliases", in: fields, at: at) ?? [], flags: try flags(fields, at: at, into: &flagValues),
                                    subcommands: try subcommands(fields, at: at, path: path + [name], commands: &commands, flagValues: &flagValues)))
        }
        return found
    }

    private func flags(_ table: TOMLTable, at prefix: String, into values: inout [String: FilePlugin.ValueSource]) throws(PluginFileError) -> [Flag] {
        guard let value = table["flags"] else { return [] }
        guard let flagTables = value.table else { throw fail(prefix + "flags", "must be a table: [flags] with \"--name\" = { help = … }") }
        var flags: [Flag] = []
        for spelling in flagTables.keys.sorted() {
            let at = "\(prefix)flags.\(spelling)."
            guard spelling.hasPrefix("-"), spelling.count > 1, !spelling.contains("=") else {
                throw fail(String(at.dropLast()), "'\(spelling)' is not a flag: flags start with '-' (\"--stanza\", \"-f\")")
            }
            guard let fields = flagTables[spelling]?.table else { throw fail(String(at.dropLast()), "must be a table, e.g. \"\(spelling)\" = { help = \"…\" }") }
            for key in fields.keys where !["help", "value", "also", "raises", "complete"].contains(key) {
                throw fail(at + key, "unknown field; a flag takes help, value, also, raises, complete")
            }
            var flag = Flag(spelling, takesValue: try bool("value", in: fields, at: at) ?? false, escalatesTo: try risk("raises", in: fields, at: at))
            flag.spellings += try strings("also", in: fields, at: at) ?? []
            flag.summary = try string("help", in: fields, at: at) ?? ""
            if let source = try valueSource(fields, at: at) {
                for spelling in flag.spellings { values[spelling] = source }
            }
            flags.append(flag)
        }
        return flags
    }

    private func details(_ table: TOMLTable, at prefix: String) throws(PluginFileError) -> FilePlugin.CommandDetails {
        var details = FilePlugin.CommandDetails()
        if let value = table["arguments"] {
            guard let array = value.array else { throw fail(prefix + "arguments", "must be a list: [{ name = \"version\", complete = … }]") }
            for (index, element) in array.enumerated() {
                let at = "\(prefix)arguments.\(index)."
                guard let fields = element.table else { throw fail(prefix + "arguments", "argument \(index + 1) must be a table: { name = \"…\" }") }
                for key in fields.keys where key != "name" && key != "complete" {
                    throw fail(at + key, "unknown field; an argument takes name and complete")
                }
                details.arguments.append(.init(name: try string("name", in: fields, at: at, required: true)!, values: try valueSource(fields, at: at)))
            }
        }
        if let value = table["output"] {
            guard let fields = value.table else { throw fail(prefix + "output", "must be a table: [output] with format = …") }
            details.output = try RecordFormat.read(fields, at: prefix + "output.", in: self)
        }
        for check in try strings("checks", in: table, at: prefix) ?? [] {
            switch RecordCheck.parse(check) {
            case .success(let parsed):
                if let columns = details.output?.knownColumns, !columns.contains(parsed.column) {
                    throw fail(prefix + "checks", "check `\(check)` names \(parsed.column), which is not a column of the output (\(columns.joined(separator: ", ")))")
                }
                details.checks.append(parsed)
            case .failure(let error): throw fail(prefix + "checks", error.description)
            }
        }
        if !details.checks.isEmpty, details.output == nil { throw fail(prefix + "checks", "checks need records: give this command an [output]") }
        if let value = table["guard"] {
            guard let fields = value.table else { throw fail(prefix + "guard", "must be a table: { empty_directory = \"--flag\", unless = [\"--force\"] }") }
            for key in fields.keys where key != "empty_directory" && key != "unless" {
                throw fail(prefix + "guard." + key, "unknown field; a guard takes empty_directory and unless")
            }
            details.directoryGuard = .init(flag: try string("empty_directory", in: fields, at: prefix + "guard.", required: true)!,
                                           unless: try strings("unless", in: fields, at: prefix + "guard.") ?? [])
        }
        return details
    }

    private func valueSource(_ table: TOMLTable, at prefix: String) throws(PluginFileError) -> FilePlugin.ValueSource? {
        guard let value = table["complete"] else { return nil }
        if value.array != nil { return .list(try strings("complete", in: table, at: prefix) ?? []) }
        guard let fields = value.table else {
            throw fail(prefix + "complete", "must be a list of values, or { command = \"a read-only command\", field = N }")
        }
        for key in fields.keys where !["command", "field", "pattern"].contains(key) {
            throw fail(prefix + "complete." + key, "unknown field; complete takes command, field and pattern")
        }
        let command = try string("command", in: fields, at: prefix + "complete.", required: true)!
        guard !command.trimmingTrailingBlanks().isEmpty else { throw fail(prefix + "complete.command", "is empty: give the command whose output lines are the values") }
        let field = try int("field", in: fields, at: prefix + "complete.")
        if let field, field < 1 { throw fail(prefix + "complete.field", "counts from 1 (the first whitespace-separated field)") }
        let pattern = try string("pattern", in: fields, at: prefix + "complete.")
        if let pattern, (try? Regex(pattern)) == nil {
            throw fail(prefix + "complete.pattern", "is not a regular expression Swift can compile")
        }
        return .command(command, field: field, pattern: pattern)
    }
}
