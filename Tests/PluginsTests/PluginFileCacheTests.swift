@testable import OpsKit
import Plugins
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The cache of plugin files read before ($XDG_CACHE_HOME/opsshell/plugin-files),
/// on real files in a temporary directory.
@Suite("Plugin files: the start-up cache")
struct PluginFileCacheTests {
    static let tool = """
        name = "mytool"
        summary = "my tool"
        executables = ["mytool"]

        [subcommands.wipe]
        help = "wipes it"
        risk = "destroys-data"
        """

    /// A directory holding `mytool.toml`, and the cache path beside it.
    struct Place {
        let directory = TemporaryDirectory()
        var plugins: String { directory.path + "/plugins" }
        var cache: String { directory.path + "/cache/opsshell/plugin-files" }
        var file: String { plugins + "/mytool.toml" }

        init(_ text: String = PluginFileCacheTests.tool) {
            mkdir(directory.path + "/plugins", 0o755)
            directory.write("plugins/mytool.toml", text)
        }

        func load() -> PluginLoad {
            PluginLoad.load(directories: [plugins], besides: BuiltinPlugins.all, cache: cache)
        }
    }

    static func risk(of arguments: [String], in load: PluginLoad) -> Risk? {
        load.plugins.first.map { $0.risk(of: ToolInvocation(wrappers: [], executable: "mytool", arguments: arguments)) }
    }

    @Test("a file read before is taken from the cache unparsed, and its tool rates lines as when it was parsed")
    func cachedFileIsNotParsed() throws {
        let place = Place()
        defer { place.directory.remove() }
        let first = place.load()
        let parsed = try #require(first.plugins.first)
        #expect(parsed.source.isParsed)
        #expect(access(place.cache, F_OK) == 0, "the first load writes the cache")

        let second = place.load()
        let cached = try #require(second.plugins.first)
        #expect(!cached.source.isParsed, "start-up does not parse a cached file")
        #expect(cached.name == "mytool" && cached.summary == "my tool" && cached.executables == ["mytool"] && cached.file == place.file)
        #expect(Self.risk(of: ["wipe"], in: second) == .destroysData)
        #expect(cached.source.isParsed, "first use parses it")
        #expect(cached.grammar.subcommands.map(\.name) == parsed.grammar.subcommands.map(\.name))
    }

    @Test("a file changed to the same size with its mtime set back is read again (ctime)")
    func changedFileIsReadAgain() throws {
        let place = Place()
        defer { place.directory.remove() }
        _ = place.load()
        var before = stat()
        stat(place.file, &before)
        sleep(1)  // a ctime one second later at least, on any filesystem's clock
        place.directory.write("plugins/mytool.toml", Self.tool.replacing("\"destroys-data\"", with: "\"read-only\"    "))
        var times = [before.st_atim, before.st_mtim]
        utimensat(AT_FDCWD, place.file, &times, 0)
        var after = stat()
        stat(place.file, &after)
        #expect(after.st_size == before.st_size && after.st_mtim.tv_sec == before.st_mtim.tv_sec)

        let load = place.load()
        #expect(Self.risk(of: ["wipe"], in: load) == .readOnly)
        #expect(load.plugins.first?.source.isParsed == true)
    }

    @Test("a broken file is never cached: each start warns about it", arguments: [1, 2])
    func brokenFileIsNotCached(run: Int) {
        let place = Place("name = \"mytool\"\nsummary = \n")
        defer { place.directory.remove() }
        for _ in 0..<run { _ = place.load() }
        let load = place.load()
        #expect(load.plugins.isEmpty)
        #expect(load.problems.map(\.line) == [2])
    }

    @Test("a damaged, truncated, foreign or garbage cache is ignored and rebuilt", arguments: ["flip", "truncate", "foreign", "garbage"])
    func untrustedCacheIsRebuilt(damage: String) throws {
        let place = Place()
        defer { place.directory.remove() }
        _ = place.load()
        var bytes = try #require(readBytes(place.cache))
        switch damage {
        case "flip": bytes[bytes.count - 3] ^= 0x20  // near the end: only the checksum can tell
        case "truncate": bytes.removeLast(5)
        case "foreign": bytes = PluginFileCache.decode(bytes, identity: PluginFileCache.identity())!.encode(identity: "another binary")
        default: bytes = Array("not a cache at all\n".utf8)
        }
        let handle = fopen(place.cache, "w")
        fwrite(bytes, 1, bytes.count, handle)
        fclose(handle)
        #expect(PluginFileCache.decode(bytes, identity: PluginFileCache.identity()) == nil)

        let load = place.load()
        let plugin = try #require(load.plugins.first)
        #expect(plugin.source.isParsed, "an untrusted cache is not used")
        #expect(Self.risk(of: ["wipe"], in: load) == .destroysData)
        let rebuilt = try #require(readBytes(place.cache))
        #expect(PluginFileCache.decode(rebuilt, identity: PluginFileCache.identity())?.entries[place.file] != nil)
    }
}
