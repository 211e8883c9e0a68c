#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plugin files this binary read before and found good, kept in
/// `$XDG_CACHE_HOME/opsshell/plugin-files` (default `~/.cache`), so that
/// start-up need not parse them again: each is taken back only while its
/// file's device, inode, size, mtime and ctime are what they were, and
/// only by the binary that wrote it. A cache that is missing, from another
/// binary or version, truncated or damaged (checksum) is ignored and
/// rebuilt; it is written whole to a temporary file and renamed over.
struct PluginFileCache {
    /// What `stat` says of a file; any change means it is read again.
    /// ctime cannot be set back by `touch`, so a same-size edit that
    /// restores the mtime is still seen.
    struct Stamp: Equatable {
        var fields: [UInt64]  // dev, ino, size, mtime s, ns, ctime s, ns

        init?(of path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            fields = [UInt64(info.st_dev), UInt64(info.st_ino), UInt64(info.st_size),
                      UInt64(bitPattern: Int64(info.st_mtim.tv_sec)), UInt64(info.st_mtim.tv_nsec),
                      UInt64(bitPattern: Int64(info.st_ctim.tv_sec)), UInt64(info.st_ctim.tv_nsec)]
        }

        init(fields: [UInt64]) { self.fields = fields }
    }

    /// One file: its stamp, its text, and the tools it names.
    struct Entry {
        var stamp: Stamp
        var text: String
        var tools: [(name: String, summary: String, executables: [String])]
    }

    /// Entries by the file's path.
    var entries: [String: Entry] = [:]

    /// Bumped whenever the layout below changes.
    static let format: UInt64 = 1
    static let magic = Array("OPSSHELL-PLUGIN-FILES\n".utf8)

    /// The cache file, or nil when there is no home to keep it in.
    static func defaultPath(environment: (String) -> String? = { getenv($0).map { String(cString: $0) } }) -> String? {
        guard let base = environment("XDG_CACHE_HOME").flatMap({ $0.isEmpty ? nil : $0 }) ?? environment("HOME").map({ $0 + "/.cache" }) else { return nil }
        return base + "/opsshell/plugin-files"
    }

    /// Who may read the cache: this format, this version, this very binary
    /// (its size and mtime), since another build may check files differently.
    static func identity(executable: String? = PluginLoad.currentExecutable()) -> String {
        let binary = executable.flatMap { Stamp(of: $0) }.map { "\($0.fields[2]) \($0.fields[3]).\($0.fields[4])" } ?? "unknown"
        return "format \(format), opsshell \(ShellVersion.current), binary \(binary)"
    }

    /// The cache at `path`; empty when it is missing or not to be trusted.
    static func read(_ path: String, identity: String) -> PluginFileCache {
        guard let bytes = readBytes(path) else { return PluginFileCache() }
        return decode(bytes, identity: identity) ?? PluginFileCache()
    }

    /// Writes the cache whole and atomically; a cache that cannot be
    /// written is only slower next time, so failures are ignored.
    func write(_ path: String, identity: String) {
        guard let slash = path.lastIndex(of: "/") else { return }
        makeDirectories(String(path[..<slash]))
        let temporary = "\(path).\(getpid()).tmp"
        guard let file = fopen(temporary, "w") else { return }
        let bytes = encode(identity: identity)
        let written = fwrite(bytes, 1, bytes.count, file)
        guard fclose(file) == 0, written == bytes.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            return
        }
    }

    func encode(identity: String) -> [UInt8] {
        var payload = CacheBytes()
        payload.append(UInt64(entries.count))
        for (path, entry) in entries.sorted(by: { $0.key < $1.key }) {
            payload.append(path)
            for field in entry.stamp.fields { payload.append(field) }
            payload.append(entry.text)
            payload.append(UInt64(entry.tools.count))
            for tool in entry.tools {
                payload.append(tool.name)
                payload.append(tool.summary)
                payload.append(UInt64(tool.executables.count))
                for executable in tool.executables { payload.append(executable) }
            }
        }
        var header = CacheBytes()
        header.bytes = Self.magic
        header.append(identity)
        header.append(UInt64(payload.bytes.count))
        header.append(CacheBytes.checksum(payload.bytes[...]))
        return header.bytes + payload.bytes
    }

    /// Nil for anything but a whole cache written for `identity`.
    static func decode(_ bytes: [UInt8], identity: String) -> PluginFileCache? {
        guard bytes.starts(with: magic) else { return nil }
        var reader = CacheReader(bytes: bytes, index: magic.count)
        guard reader.string() == identity, let length = reader.number(), let sum = reader.number(),
              UInt64(bytes.count - reader.index) == length, CacheBytes.checksum(bytes[reader.index...]) == sum,
              let count = reader.number() else { return nil }
        var cache = PluginFileCache()
        for _ in 0..<count {
            guard let path = reader.string() else { return nil }
            var fields: [UInt64] = []
            for _ in 0..<7 {
                guard let field = reader.number() else { return nil }
                fields.append(field)
            }
            guard let text = reader.string(), let toolCount = reader.number(), toolCount <= 1_000 else { return nil }
            var tools: [(name: String, summary: String, executables: [String])] = []
            for _ in 0..<toolCount {
                guard let name = reader.string(), let summary = reader.string(), let executableCount = reader.number(), executableCount <= 1_000 else { return nil }
                var executables: [String] = []
                for _ in 0..<executableCount {
                    guard let executable = reader.string() else { return nil }
                    executables.append(executable)
                }
                tools.append((name, summary, executables))
            }
            cache.entries[path] = Entry(stamp: Stamp(fields: fields), text: text, tools: tools)
        }
        return reader.index == bytes.count ? cache : nil
    }

    /// `mkdir -p`, quietly.
    private func makeDirectories(_ directory: String) {
        var prefix = directory.hasPrefix("/") ? "" : "."
        for part in directory.split(separator: "/") {
            prefix += "/" + part
            mkdir(prefix, 0o755)
        }
    }
}

/// The cache's bytes as they are written: numbers as 8 bytes, little
/// endian; strings as their length, then their UTF-8.
struct CacheBytes {
    var bytes: [UInt8] = []

    mutating func append(_ number: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: number >> UInt64(shift))) }
    }

    mutating func append(_ text: String) {
        append(UInt64(text.utf8.count))
        bytes.append(contentsOf: text.utf8)
    }

    /// FNV-1a, 64 bits: enough to tell a damaged cache from a whole one.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }
}

/// Reads what `CacheBytes` wrote; nil past the end.
struct CacheReader {
    let bytes: [UInt8]
    var index: Int

    mutating func number() -> UInt64? {
        guard bytes.count - index >= 8 else { return nil }
        var value: UInt64 = 0
        for offset in 0..<8 { value |= UInt64(bytes[index + offset]) << UInt64(8 * offset) }
        index += 8
        return value
    }

    mutating func string() -> String? {
        guard let length = number(), length <= UInt64(bytes.count - index) else { return nil }
        let end = index + Int(length)
        defer { index = end }
        return String(decoding: bytes[index..<end], as: UTF8.self)
    }
}
