#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What Tab offers for the word under the cursor.
public struct Completion: Sendable, Equatable {
    /// The part of the word already typed, which every candidate extends.
    public var typed: String
    /// Full replacements for `typed`, sorted.
    public var candidates: [String]

    /// The longest text every candidate starts with.
    public var commonPrefix: String {
        guard var prefix = candidates.first else { return typed }
        for candidate in candidates.dropFirst() {
            while !candidate.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }
}

/// Completes built-ins, tool names, subcommands, flags, `$variables`, live
/// values and file paths, from the text left of the cursor.
public struct Completer: Sendable {
    public let catalog: Catalog
    public let inventory: Inventory
    /// Runs plugin files' completion commands; nil: none run.
    public let lookups: CompletionLookups?

    public init(catalog: Catalog, inventory: Inventory = Inventory(), lookups: CompletionLookups? = nil) {
        self.catalog = catalog
        self.inventory = inventory
        self.lookups = lookups
    }

    /// The completion for the word that ends at the end of `text`.
    public func complete(_ text: String, in session: Session) -> Completion {
        let (previous, typed) = PartialLine.split(text)
        return Completion(typed: typed, candidates: candidates(previous: previous, typed: typed, session: session))
    }

    private func candidates(previous: [String], typed: String, session: Session) -> [String] {
        if let dollar = typed.lastIndex(of: "$") {
            let head = typed[..<dollar]
            var name = typed[typed.index(after: dollar)...]
            let braced = name.hasPrefix("{")
            if braced { name = name.dropFirst() }
            if name.unicodeScalars.allSatisfy(isNameContinue) {
                return session.variables.knownNames
                    .filter { $0.hasPrefix(name) }
                    .map { head + (braced ? "${\($0)}" : "$\($0)") }
            }
        }
        guard let first = previous.first else { return commandWords(typed) }
        if let command = catalog.command(named: first) {
            if first == "help" { return previous.count == 1 ? commandWords(typed) : [] }
            return matching(command.completions(forArgumentAt: previous.count - 1, prefix: typed, in: session), typed)
        }
        if let invocation = ToolInvocation.find(in: previous, isTool: { catalog.plugin(forExecutable: $0) != nil }),
           let plugin = catalog.plugin(forExecutable: invocation.executable) {
            let found = toolCandidates(plugin, invocation, typed: typed, session: session)
            return found.isEmpty ? paths(typed) : found
        }
        if ToolInvocation.find(in: previous + ["x"], isTool: { $0 == "x" }) != nil, !typed.hasPrefix("-") {
            // Only wrappers so far (`sudo `, `envdir /etc/wal-e.d/env `): a command comes next.
            return previous.last.map(basename) == "envdir" ? paths(typed) : commandWords(typed)
        }
        return paths(typed)
    }

    private func toolCandidates(_ plugin: any Plugin, _ invocation: ToolInvocation, typed: String, session: Session) -> [String] {
        if plugin.embeddedCommandIndex(in: invocation.arguments) == invocation.arguments.count {
            // Inside `knife ssh QUERY '…`: the inner command completes as a line of its own.
            let inner = complete(typed, in: session)
            let head = typed.dropLast(inner.typed.count)
            return inner.candidates.map { head + $0 }
        }
        let grammar = plugin.grammar
        let (path, positionals) = grammar.resolve(invocation.arguments)
        if typed.hasPrefix("-") {
            let flags = grammar.flags + path.flatMap(\.flags)
            return matching(flags.flatMap(\.spellings), typed)
        }
        var found: [String] = []
        let level = path.last?.subcommands ?? grammar.subcommands
        if positionals.count == grammar.argumentsBeforeSubcommand { found += level.map(\.name) }
        found += plugin.liveCompletions(for: invocation, prefix: typed, session: session, inventory: inventory, lookups: lookups)
        return matching(found, typed)
    }

    private func commandWords(_ typed: String) -> [String] {
        typed.contains("/") ? paths(typed) : matching(catalog.commandWords, typed)
    }

    private func matching(_ words: [String], _ typed: String) -> [String] {
        Array(Set(words.filter { $0.hasPrefix(typed) })).sorted()
    }

    /// File and directory names that extend `typed`; directories end in `/`.
    func paths(_ typed: String) -> [String] {
        let slash = typed.lastIndex(of: "/")
        let shown = slash.map { String(typed[...$0]) } ?? ""
        let base = slash.map { String(typed[typed.index(after: $0)...]) } ?? typed
        var directory = shown.isEmpty ? "." : shown
        if directory.hasPrefix("~/"), let home = getenv("HOME") {
            directory = String(cString: home) + directory.dropFirst()
        }
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var found: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            guard name != ".", name != "..", name.hasPrefix(base), base.hasPrefix(".") || !name.hasPrefix(".") else { continue }
            var isDirectory = entry.pointee.d_type == UInt8(DT_DIR)
            if entry.pointee.d_type == UInt8(DT_LNK) || entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                var info = stat()
                isDirectory = stat(directory + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            }
            found.append(shown + name + (isDirectory ? "/" : ""))
        }
        return found.sorted()
    }
}

/// The words left of the cursor, split leniently: an open quote is fine.
enum PartialLine {
    /// The complete words before the cursor (quotes removed) and the word
    /// being typed.
    static func split(_ text: String) -> (previous: [String], typed: String) {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped { current.append(character); escaped = false; continue }
            switch (quote, character) {
            case (nil, " "), (nil, "\t"):
                if inWord { words.append(current) }
                current = ""
                inWord = false
            case (nil, "\\"): escaped = true; inWord = true
            case (nil, "'"), (nil, "\""): quote = character; inWord = true
            case (let open?, _) where character == open: quote = nil
            default: current.append(character); inWord = true
            }
        }
        return (words, current)
    }
}
