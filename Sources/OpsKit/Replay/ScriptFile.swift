#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A recording (or any script) read back as commands with line numbers and
/// the results recorded under them.
public struct ScriptFile: Sendable {
    public struct Entry: Sendable, Equatable {
        /// The 1-based line the command starts on.
        public let line: Int
        /// The command, possibly over several physical lines.
        public let text: String
        /// The comparable part of its `# =>` result, when recorded.
        public var recordedResult: String?
        /// Whether the shell ended while it ran (no result, a marker).
        public var unfinished = false
    }

    public let path: String
    public let entries: [Entry]

    /// Reads a script.
    /// - Throws: `RecordingError` when it cannot be read.
    public static func load(_ path: String) throws(RecordingError) -> ScriptFile {
        guard let text = readText(path) else { throw RecordingError(path: path, errno: errno) }
        return ScriptFile(path: path, text: text)
    }

    public init(path: String, text: String) {
        self.path = path
        var entries: [Entry] = []
        var assembler = LineAssembler()
        for line in text.textLines {
            if !assembler.isContinuing, line.hasPrefix("#") {
                if let result = ResultLine.parse(line), !entries.isEmpty { entries[entries.count - 1].recordedResult = result }
                if line.hasPrefix(Recorder.unfinishedMarker), !entries.isEmpty { entries[entries.count - 1].unfinished = true }
                _ = assembler.add("")  // keep line numbers counting
                continue
            }
            guard let logical = assembler.add(line) else { continue }
            if let words = try? Words(parsing: logical), words.isEmpty { continue }
            entries.append(Entry(line: assembler.startLine, text: logical))
        }
        if let rest = assembler.finish() { entries.append(Entry(line: assembler.startLine, text: rest)) }
        self.entries = entries
    }
}
