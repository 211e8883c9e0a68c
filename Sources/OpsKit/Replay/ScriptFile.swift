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
        /// The values an assignment line gave (`latest=$(…)`), as recorded.
        public var values: [(name: String, value: String)] = []
        /// The job a `bg` line started, as recorded (`# job %1a2b3c on …`).
        public var job: String?

        public static func == (a: Entry, b: Entry) -> Bool {
            a.line == b.line && a.text == b.text && a.recordedResult == b.recordedResult && a.unfinished == b.unfinished
                && a.values.map(\.name) == b.values.map(\.name) && a.values.map(\.value) == b.values.map(\.value) && a.job == b.job
        }
    }

    /// `value: latest=base_000…`: the comment a recording keeps under an
    /// assignment, its value escaped to one line.
    static func valueNote(_ name: String, _ value: String) -> String { "value: \(name)=\(GuideProgress.escaped(value))" }

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
                if line.hasPrefix("# job %"), !entries.isEmpty, entries[entries.count - 1].job == nil {
                    entries[entries.count - 1].job = Job.id(from: String(line.dropFirst(6).prefix(7)))
                }
                if line.hasPrefix("# value: "), let equals = line.firstIndex(of: "="), !entries.isEmpty {
                    let name = String(line[line.index(line.startIndex, offsetBy: 9)..<equals])
                    entries[entries.count - 1].values.append((name, GuideProgress.unescaped(String(line[line.index(after: equals)...]))))
                }
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
