/// Every name the shell answers to: its built-in commands and its plugins,
/// with "did you mean" for a typo.
public struct Catalog: Sendable {
    public let commands: [any Command]
    public let plugins: [any Plugin]
    /// The plugin files read at start-up, for `plugins`.
    public let pluginFiles: PluginLoad
    private let commandsByName: [String: any Command]
    private let pluginsByExecutable: [String: any Plugin]

    public init(commands: [any Command], plugins: [any Plugin], pluginFiles: PluginLoad = PluginLoad()) {
        self.commands = commands
        self.plugins = plugins
        self.pluginFiles = pluginFiles
        commandsByName = Dictionary(commands.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var byExecutable: [String: any Plugin] = [:]
        for plugin in plugins {
            for executable in plugin.executables where byExecutable[executable] == nil {
                byExecutable[executable] = plugin
            }
        }
        pluginsByExecutable = byExecutable
    }

    /// The built-in command called `name`.
    public func command(named name: String) -> (any Command)? { commandsByName[name] }

    /// The built-in that takes this line (its expanded words), if any:
    /// `wait %ID` is ours, `wait` alone is the shell's.
    public func command(for words: [String]) -> (any Command)? {
        guard let first = words.first, let command = commandsByName[first], command.claims(Array(words.dropFirst())) else { return nil }
        return command
    }

    /// The plugin whose tool an executable name (`gitlab-patronictl`) or
    /// path (`/opt/wal-e/bin/wal-e`) runs.
    public func plugin(forExecutable executable: String) -> (any Plugin)? {
        pluginsByExecutable[executable] ?? pluginsByExecutable[basename(executable)]
    }

    /// The plugin called `name`.
    public func plugin(named name: String) -> (any Plugin)? {
        plugins.first { $0.name == name }
    }

    /// The tool a command line runs, seen through its wrappers.
    public func tool(in words: [String]) -> (plugin: any Plugin, invocation: ToolInvocation)? {
        guard let invocation = ToolInvocation.find(in: words, isTool: { plugin(forExecutable: $0) != nil }),
              let plugin = plugin(forExecutable: invocation.executable) else { return nil }
        return (plugin, invocation)
    }

    /// The risk of a command line (expanded words): its tool's rating, or
    /// the shell's for plain commands, and the risk of any command it
    /// carries (`knife ssh roles:x 'sudo rm -rf …'` destroys data).
    public func risk(of words: [String]) -> Risk {
        // Every command of a list or pipeline counts: `patronictl list; rm -rf x`
        // destroys data.
        let commands = ShellRisk.split(words)
        if commands.count > 1 { return commands.map(risk(of:)).max() ?? .readOnly }
        // `su postgres -c 'rm -rf x'`: the command inside is what runs.
        if let wrapper = ShellWrapper.unwrap(words) { return risk(of: Context.words(of: wrapper.text)) }
        guard let (plugin, invocation) = tool(in: words) else { return ShellRisk.classify(words) }
        var risk = plugin.risk(of: invocation)
        if let index = plugin.embeddedCommandIndex(in: invocation.arguments), invocation.arguments.indices.contains(index),
           let inner = try? Words(parsing: invocation.arguments[index]) {
            risk = max(risk, self.risk(of: inner.words.map(\.symbolicText)))
        }
        return risk
    }

    /// Whether a command line can run for hours, seen through any command
    /// it carries (`knife ssh … 'wal-e backup-fetch …'`).
    public func longRun(of words: [String]) -> LongRun? {
        // `find DIR -delete && wal-e backup-fetch DIR LATEST`: the restore is
        // in the list, not at its head.
        let commands = ShellRisk.split(words)
        if commands.count > 1 { return commands.lazy.compactMap(longRun(of:)).first }
        guard let (plugin, invocation) = tool(in: words) else { return nil }
        if let own = plugin.longRun(of: invocation) { return own }
        guard let index = plugin.embeddedCommandIndex(in: invocation.arguments), invocation.arguments.indices.contains(index),
              let inner = try? Words(parsing: invocation.arguments[index]) else { return nil }
        return longRun(of: inner.words.map(\.symbolicText))
    }

    /// What every plugin wants confirmed before `words` run on `targets`,
    /// looking inside a carried command (`knife ssh … 'CMD'`) too.
    public func guards(for words: [String], on targets: [Target], in context: Context) async -> [Confirmation] {
        var lines = [words]
        for command in ShellRisk.split(words) {
            if let wrapper = ShellWrapper.unwrap(command) { lines.append(Context.words(of: wrapper.text)) }
        }
        if let (plugin, invocation) = tool(in: words), let index = plugin.embeddedCommandIndex(in: invocation.arguments),
           invocation.arguments.indices.contains(index), let inner = try? Words(parsing: invocation.arguments[index]) {
            lines.append(inner.words.map(\.symbolicText))
        }
        var found: [Confirmation] = []
        for line in lines {
            for plugin in plugins { found += await plugin.guards(for: line, on: targets, in: context) }
        }
        return found
    }

    /// What a line (its expanded words) does to the session, as its
    /// built-in declares it, or as its form says (`sudo su - USER` moves the
    /// target, `NAME=VALUE` sets a variable); empty for a line that only
    /// runs commands.
    public func effect(of words: [String]) -> Effect {
        guard !words.isEmpty else { return [] }
        if let command = command(for: words) { return command.effect(of: Array(words.dropFirst())) }
        if TargetSwitch.parse(words) != nil { return .movesTarget }
        let assigns = words.allSatisfy { word in word.firstIndex(of: "=").map { Variables.isValidName(String(word[..<$0])) } ?? false }
        return assigns ? .setsVariables : []
    }

    /// Every word that can start a command: built-ins and tool names.
    public var commandWords: [String] {
        (Array(commandsByName.keys) + Array(pluginsByExecutable.keys)).sorted()
    }

    /// Names close to `word` (a typo of one or two letters), best first.
    public func suggestions(for word: String) -> [String] {
        let limit = word.count <= 4 ? 1 : 2
        return commandWords
            .map { ($0, editDistance(word, $0)) }
            .filter { $0.1 <= limit }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
            .map(\.0)
    }
}

/// The last component of a path: `/opt/wal-e/bin/wal-e` → `wal-e`.
public func basename(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
}

/// Edit distance counting a swap of neighbours as one edit (optimal string
/// alignment), since `vras` for `vars` is the typo people make.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { table[i][0] = i }
    for j in 0...b.count { table[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
            }
        }
    }
    return table[a.count][b.count]
}
