/// Every command the shell runs, appended to `audit.jsonl` as JSON lines:
/// a `start` event before it runs (so a killed command still shows) and an
/// `end` event with each host's status. Secrets are masked.
///
/// The log fails closed: when a `start` event cannot be written and synced
/// (a full disk, a read-only state directory), `start` throws and the
/// command must not run. `audit off` is the knowing way on, and says so.
public final class AuditLog: @unchecked Sendable {
    // @unchecked: the interpreter (main actor) is its only user.
    public let path: String
    /// Opened at the first event, and again after a failure: space freed
    /// meanwhile lets the next command run.
    private var file: AppendOnlyFile?
    let sessionID: String
    let user: String
    /// Why events are not written, when the operator turned the log off.
    public private(set) var offReason: String?

    public init(path: String, sessionID: String, user: String) {
        self.path = path
        self.sessionID = sessionID
        self.user = user
    }

    /// Whether events are written.
    public var isOn: Bool { offReason == nil }

    /// Stops writing events, for `audit off` or `--no-audit`; the last event
    /// says so when it can still be written.
    public func turnOff(_ reason: String) {
        guard isOn else { return }
        try? write(base("audit-off") + [("reason", .string(reason))])
        offReason = reason
    }

    /// Writes events again (`audit on`); throws when the log cannot be written.
    public func turnOn() throws(RecordingError) {
        offReason = nil
        try write(base("audit-on"))
    }

    /// One command about to run. Throws when the event is not on disk:
    /// the command must then not run.
    /// A command a plugin runs for a typed line (a restart, a status read)
    /// names that line as its `parent`.
    public func start(typed: String, expanded: [(target: Target, command: String)], secrets: [String], parent: String? = nil) throws(RecordingError) {
        var object = base("start")
        object.append(("typed", .string(mask(typed, secrets))))
        if let parent { object.append(("parent", .string(mask(parent, secrets)))) }
        object.append(("targets", .array(expanded.map { .string($0.target.description) })))
        object.append(("expanded", .array(expanded.map { .string(mask($0.command, secrets)) })))
        try write(object)
    }

    /// How it ended: overall and per host.
    public func end(typed: String, outcome: Outcome, seconds: Double, secrets: [String], parent: String? = nil) throws(RecordingError) {
        var object = base("end")
        object.append(("typed", .string(mask(typed, secrets))))
        if let parent { object.append(("parent", .string(mask(parent, secrets)))) }
        // A command cut short by SIGTERM/SIGHUP/SIGPIPE names the signal (ShellEnding).
        let status = ShellEnding.logged(outcome.status)
        object.append(("status", .number(Double(status.code))))
        object.append(("result", .string(status.text)))
        if !outcome.hosts.isEmpty {
            object.append(("hosts", .array(outcome.hosts.map { host in
                .object([("host", .string(host.host)), ("status", .number(Double(host.code))),
                         ("result", .string(host.result.label)), ("seconds", .number(host.seconds))])
            })))
        }
        object.append(("seconds", .number(seconds)))
        try write(object)
    }

    private func write(_ object: [(String, JSONValue)]) throws(RecordingError) {
        guard isOn else { return }
        let file = try opened()
        do {
            try file.append(JSONValue.object(object).encoded + "\n")
        } catch {
            self.file = nil  // reopen (and repair) at the next event
            throw error
        }
    }

    private func opened() throws(RecordingError) -> AppendOnlyFile {
        if let file { return file }
        let opened = try AppendOnlyFile(path: path, mode: 0o600)
        // A line torn by a crash or a full disk would glue the next event
        // to it and make the whole line unreadable.
        try opened.cutTornLastLine()
        file = opened
        return opened
    }

    private func base(_ event: String) -> [(String, JSONValue)] {
        [("time", .string(UTCTime.now())), ("event", .string(event)), ("session", .string(sessionID)), ("user", .string(user))]
    }
}

/// Replaces every secret value in `text` with asterisks.
func mask(_ text: String, _ secrets: [String]) -> String {
    var text = text
    for secret in secrets where !secret.isEmpty {
        text = text.replacing(secret, with: "********")
    }
    return text
}

/// Just enough JSON to write log lines without Foundation.
enum JSONValue {
    case string(String)
    case number(Double)
    case array([JSONValue])
    case object([(String, JSONValue)])

    var encoded: String {
        switch self {
        case .string(let text): JSONValue.quote(text)
        case .number(let number):
            number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String((number * 1000).rounded() / 1000)
        case .array(let values): "[" + values.map(\.encoded).joined(separator: ",") + "]"
        case .object(let pairs): "{" + pairs.map { JSONValue.quote($0.0) + ":" + $0.1.encoded }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
