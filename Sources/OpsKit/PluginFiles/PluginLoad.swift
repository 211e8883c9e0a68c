#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The plugin files read at start-up: the tools they add, and every file
/// that could not be used and why (for the start-up warning and `plugins`).
public struct PluginLoad: Sendable {
    /// The directories read, in order.
    public var directories: [String] = []
    /// The tools loaded, in the order read.
    public var plugins: [FilePlugin] = []
    /// Files (or tools in them) refused, each with its reason.
    public var problems: [PluginFileError] = []

    public init() {}

    /// Where plugin files are read from, in order: the binary's own
    /// `../share/opsshell/plugins` (what `make install` puts there), then
    /// `$XDG_CONFIG_HOME/opsshell/plugins` (default `~/.config`), then each
    /// `--plugins DIR`. A later file's tool replaces an earlier one's of the
    /// same name: a site's own file overrides the shipped one.
    public static func directories(extra: [String], executable: String? = currentExecutable(),
                                   environment: (String) -> String? = { getenv($0).map { String(cString: $0) } }) -> [String] {
        var found: [String] = []
        if let executable, let slash = executable.lastIndex(of: "/") {
            let bin = String(executable[..<slash])
            let prefix = bin.lastIndex(of: "/").map { String(bin[..<$0]) } ?? "."
            found.append(prefix + "/share/opsshell/plugins")
        }
        if let config = environment("XDG_CONFIG_HOME") ?? environment("HOME").map({ $0 + "/.config" }) {
            found.append(config + "/opsshell/plugins")
        }
        return found + extra
    }

    /// The cache of plugin files read before:
    /// `$XDG_CACHE_HOME/opsshell/plugin-files` (default `~/.cache`).
    public static func defaultCache() -> String? { PluginFileCache.defaultPath() }

    /// Reads every `*.toml` in `directories` (missing ones skipped, unless
    /// named in `required`), refusing a tool whose executables a built-in or
    /// an earlier file already runs. With a `cache` file (see
    /// `PluginFileCache`), a file read before and unchanged is not parsed
    /// until its tool is used.
    public static func load(directories: [String], required: Set<String> = [], besides builtins: [any Plugin],
                            cache: String? = nil) -> PluginLoad {
        let identity = cache.map { _ in PluginFileCache.identity() } ?? ""
        let cached = cache.map { PluginFileCache.read($0, identity: identity) } ?? PluginFileCache()
        var fresh = cached
        var seen: Set<String> = []
        var load = PluginLoad()
        load.directories = directories
        var byName: [String: FilePlugin] = [:]
        var order: [String] = []
        let taken = Dictionary(builtins.flatMap { plugin in plugin.executables.map { ($0, plugin.name) } }, uniquingKeysWith: { first, _ in first })
        for directory in directories {
            guard let files = tomlFiles(in: directory) else {
                if required.contains(directory) {
                    load.problems.append(PluginFileError(file: directory, problem: "--plugins: cannot read this directory: \(String(cString: strerror(errno)))"))
                }
                continue
            }
            for file in files {
                let tools: [FilePlugin]
                // Stamped before reading: a change while it is read shows next time.
                let stamp = PluginFileCache.Stamp(of: file)
                seen.insert(file)
                if let stamp, let entry = cached.entries[file], entry.stamp == stamp {
                    let source = PluginFileSource(file: file, text: entry.text, bodies: nil)
                    tools = entry.tools.map { FilePlugin(name: $0.name, summary: $0.summary, executables: $0.executables, file: file, source: source) }
                } else {
                    fresh.entries[file] = nil
                    do {
                        tools = try PluginFileReader.read(file)
                    } catch {
                        load.problems.append(error)
                        continue
                    }
                    if let stamp, let source = tools.first?.source {
                        fresh.entries[file] = .init(stamp: stamp, text: source.text, tools: tools.map { ($0.name, $0.summary, $0.executables) })
                    }
                }
                for tool in tools {
                    if let (executable, owner) = tool.executables.lazy.compactMap({ name in taken[name].map { (name, $0) } }).first {
                        load.problems.append(PluginFileError(file: file, field: "executables", problem:
                            "tool \(tool.name) is refused: `\(executable)` is the built-in \(owner)'s; a plugin file cannot take over a built-in tool"))
                        continue
                    }
                    let others = byName.values.filter { $0.name != tool.name }
                    if let clash = others.first(where: { !Set($0.executables).isDisjoint(with: tool.executables) }) {
                        load.problems.append(PluginFileError(file: file, field: "executables", problem:
                            "tool \(tool.name) is refused: \(clash.file ?? clash.name) already runs \(Set(clash.executables).intersection(tool.executables).sorted().joined(separator: ", "))"))
                        continue
                    }
                    if byName[tool.name] == nil { order.append(tool.name) }
                    byName[tool.name] = tool
                }
            }
        }
        load.plugins = order.compactMap { byName[$0] }
        if let cache {
            // Files of other directories (another --plugins) stay while they exist.
            for path in fresh.entries.keys where !seen.contains(path) && PluginFileCache.Stamp(of: path) == nil { fresh.entries[path] = nil }
            if fresh.entries.count != cached.entries.count || fresh.entries.contains(where: { cached.entries[$0.key]?.stamp != $0.value.stamp }) {
                fresh.write(cache, identity: identity)
            }
        }
        return load
    }

    /// The `*.toml` files of a directory, sorted; nil when it cannot be read.
    static func tomlFiles(in directory: String) -> [String]? {
        guard let handle = opendir(directory) else { return nil }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasSuffix(".toml"), !name.hasPrefix(".") { names.append(name) }
        }
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        return names.sorted().map { base + "/" + $0 }
    }

    /// This process's executable (`/proc/self/exe`), for the share directory
    /// beside it.
    public static func currentExecutable() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
