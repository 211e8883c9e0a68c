#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a session as a script that replays: a header, the variables in
/// force, then every command as typed, each followed by its result.
///
/// Nothing already run is lost: the command and an "unfinished" marker are
/// on disk (fsync) before it runs; when it ends the marker is replaced by the
/// result. A shell killed mid-command leaves a valid script that ends with
/// the command that was running, marked unfinished.
public final class Recorder: @unchecked Sendable {
    // @unchecked: the interpreter (main actor) is its only user.
    private let file: AppendOnlyFile
    /// Where the running command's marker starts, to cut it off afterwards.
    private var markerOffset: off_t?
    public var path: String { file.path }
    /// Commands recorded so far.
    public private(set) var commands = 0

    static let unfinishedMarker = "# !! unfinished: the shell ended while this command ran"

    /// Starts a recording at `path` (a new file, or appended to an existing
    /// one as a new session).
    public init(path: String, session: Session, version: String, sessionID: String) throws(RecordingError) {
        let existed = access(path, F_OK) == 0
        file = try AppendOnlyFile(path: path, mode: 0o600)
        var header = file.length > 0 ? "\n" : ""
        header += "# opsshell \(version) recording\n"
        header += "# started \(UTCTime.now()) by \(session.loginUser) on \(UTCTime.hostName()), session \(sessionID)\n"
        for (name, variable) in session.variables.all {
            header += variable.isSecret ? "read -s \(name)\n" : "set \(name) \(ShellQuoting.quote(variable.value))\n"
        }
        do {
            try file.append(header)
        } catch {
            // A full disk: leave no empty file that looks like a recording.
            if !existed { unlink(path) }
            throw error
        }
    }

    /// Records `line` before it runs. A recording that cannot be written
    /// throws, and the command must not run.
    public func willRun(_ line: String) throws(RecordingError) {
        let before = file.length
        do {
            try file.append(line + "\n")
            markerOffset = file.length
            try file.append(Recorder.unfinishedMarker + " (started \(UTCTime.now()))\n")
        } catch {
            // A half-written line would not replay: cut it off (that frees
            // space, so it works on a full disk too).
            try? file.truncate(to: before)
            markerOffset = nil
            throw error
        }
    }

    /// Adds a note under the running command (`# confirmed: typed "local"`).
    public func note(_ text: String) throws(RecordingError) {
        guard let offset = markerOffset else { return }
        try file.truncate(to: offset)
        try file.append("# \(text)\n")
        markerOffset = file.length
        try file.append(Recorder.unfinishedMarker + "\n")
    }

    /// Adds a comment line between commands (`# step 4 of 12: …`), so a
    /// guided walk's recording reads as its runbook does.
    public func comment(_ text: String) throws(RecordingError) {
        guard markerOffset == nil else { return }
        try file.append("# \(text)\n")
    }

    /// Replaces the marker with the result.
    public func didRun(_ outcome: Outcome, seconds: Double) throws(RecordingError) {
        if let offset = markerOffset { try file.truncate(to: offset) }
        markerOffset = nil
        commands += 1
        try file.append(ResultLine.format(outcome, seconds: seconds) + "\n")
    }

    /// Ends the recording with a closing comment.
    public func stop() {
        try? file.append("# stopped \(UTCTime.now()) after \(commands) commands\n")
        file.close()
    }
}

/// Times and names for headers and logs, without Foundation.
enum UTCTime {
    /// Now in UTC, ISO 8601 to the second: `2026-11-29T14:32:10Z`.
    static func now() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, 255)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
