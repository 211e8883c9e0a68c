#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a guided walk is, kept in a small text file beside its recording,
/// so `opsshell guide --resume` continues after a crash or a dropped VPN.
///
/// The file is rewritten whole (a temporary file, fsync, rename) before each
/// step starts and after it ends: a kill at any moment leaves the last
/// complete state.
///
///     # opsshell guide progress
///     runbook geo-rebuild
///     fingerprint 3b0f9c2e11a4d6f7
///     recording /home/op/.local/state/opsshell/guides/geo-rebuild-20261129-031502.ops
///     step 8
///     done 1 2 3 4 5 6 7
///     job 9 1 1a2b3c
///     set role dr-base-db-patroni
public struct GuideProgress: Sendable, Equatable {
    /// The runbook's file path, or a built-in runbook's name.
    public var runbook: String
    /// A hash of the runbook's text: resuming over a changed runbook warns.
    public var fingerprint: String
    public var recording: String
    /// The ordinal of the step the walk is at (the next one to run).
    public var step: Int
    /// Ordinals of the steps run to the end, checks passed.
    public var done: Set<Int> = []
    /// Ordinals of the steps the operator skipped.
    public var skipped: Set<Int> = []
    /// The session's variables, secrets left out (they are asked again).
    public var variables: [(name: String, value: String)] = []
    /// The walk's own level (where each step starts): its `cd` and
    /// `export`s, so a resumed walk runs later steps in the same place.
    public var directory: String?
    public var environment: [(name: String, value: String)] = []
    /// The detached jobs the current step's lines started (`bg`), by step
    /// ordinal and line number: a resumed walk finds them on the hosts
    /// instead of starting them again.
    public var jobs: [StepLine: String] = [:]
    /// Whether the walk reached its end.
    public var finished = false
    /// The procedure walked (its slug), when the runbook has several.
    public var procedure: String?

    /// A line of a step: its ordinal and the line's number in it (from 1).
    public struct StepLine: Hashable, Sendable, Comparable {
        public var step: Int
        public var line: Int

        public init(step: Int, line: Int) {
            self.step = step
            self.line = line
        }

        public static func < (a: StepLine, b: StepLine) -> Bool { (a.step, a.line) < (b.step, b.line) }
    }

    public init(runbook: String, fingerprint: String, recording: String, step: Int = 1) {
        self.runbook = runbook
        self.fingerprint = fingerprint
        self.recording = recording
        self.step = step
    }

    public static func == (a: GuideProgress, b: GuideProgress) -> Bool {
        a.runbook == b.runbook && a.fingerprint == b.fingerprint && a.recording == b.recording && a.step == b.step
            && a.done == b.done && a.skipped == b.skipped && a.finished == b.finished
            && a.variables.map(\.name) == b.variables.map(\.name) && a.variables.map(\.value) == b.variables.map(\.value)
            && a.directory == b.directory && a.environment.map(\.name) == b.environment.map(\.name)
            && a.environment.map(\.value) == b.environment.map(\.value) && a.jobs == b.jobs && a.procedure == b.procedure
    }

    /// The progress file for a recording.
    public static func path(forRecording recording: String) -> String { recording + ".guide" }

    /// The file's text.
    public var text: String {
        var lines = ["# opsshell guide progress", "runbook \(runbook)", "fingerprint \(fingerprint)", "recording \(recording)", "step \(step)"]
        if let procedure { lines.append("procedure \(procedure)") }
        lines.append((["done"] + done.sorted().map(String.init)).joined(separator: " "))
        lines.append((["skipped"] + skipped.sorted().map(String.init)).joined(separator: " "))
        for (place, id) in jobs.sorted(by: { $0.key < $1.key }) { lines.append("job \(place.step) \(place.line) \(id)") }
        // The value as it is to the end of the line (not in the shell's
        // language, where `$` would be a reference); `\` and newlines escaped.
        for (name, value) in variables { lines.append("set \(name) \(Self.escaped(value))") }
        if let directory { lines.append("directory \(Self.escaped(directory))") }
        for (name, value) in environment { lines.append("export \(name) \(Self.escaped(value))") }
        if finished { lines.append("finished") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads a progress file's text; nil when it is not one.
    public init?(text: String) {
        var fields: [String: String] = [:]
        var variables: [(String, String)] = [], environment: [(String, String)] = []
        var finished = false
        var jobs: [StepLine: String] = [:]
        for line in text.textLines where !line.isEmpty && !line.hasPrefix("#") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            if parts[0] == "set" || parts[0] == "export" {
                guard parts.count == 2 else { return nil }
                let pair = parts[1].split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard Variables.isValidName(pair[0]) else { return nil }
                let entry = (pair[0], Self.unescaped(pair.count == 2 ? pair[1] : ""))
                if parts[0] == "set" { variables.append(entry) } else { environment.append(entry) }
            } else if parts[0] == "directory", parts.count == 2 {
                fields["directory"] = Self.unescaped(parts[1])
            } else if parts[0] == "finished" {
                finished = true
            } else if parts[0] == "job" {
                let fields = parts.count == 2 ? parts[1].split(separator: " ").map(String.init) : []
                guard fields.count == 3, let step = Int(fields[0]), let number = Int(fields[1]), let id = Job.id(from: fields[2]) else { return nil }
                jobs[StepLine(step: step, line: number)] = id
            } else {
                fields[parts[0]] = parts.count == 2 ? parts[1] : ""
            }
        }
        guard let runbook = fields["runbook"], let fingerprint = fields["fingerprint"], let recording = fields["recording"],
              let step = fields["step"].flatMap({ Int($0) }) else { return nil }
        self.init(runbook: runbook, fingerprint: fingerprint, recording: recording, step: step)
        done = Set((fields["done"] ?? "").split(separator: " ").compactMap { Int($0) })
        skipped = Set((fields["skipped"] ?? "").split(separator: " ").compactMap { Int($0) })
        self.variables = variables
        directory = fields["directory"]
        self.environment = environment
        self.jobs = jobs
        self.finished = finished
        procedure = fields["procedure"]
    }

    /// Writes the file so that a crash leaves the old or the new one whole.
    public func save(to path: String) throws(RecordingError) {
        let temporary = path + ".tmp"
        let file = try AppendOnlyFile(path: temporary, mode: 0o600, truncate: true)
        try file.append(text)
        file.close()
        guard rename(temporary, path) == 0 else {
            throw RecordingError(path: path, errno: errno)
        }
    }

    static func escaped(_ value: String) -> String {
        var text = ""
        for character in value {
            switch character {
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\r\n": text += "\\r\\n"  // one Character in Swift
            default: text.append(character)
            }
        }
        return text
    }

    static func unescaped(_ text: String) -> String {
        var value = ""
        var escaping = false
        for character in text {
            if escaping {
                value += character == "n" ? "\n" : character == "r" ? "\r" : String(character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                value.append(character)
            }
        }
        return value
    }

    /// A short, stable hash of a runbook's text (FNV-1a, 64 bits).
    public static func fingerprint(of text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
