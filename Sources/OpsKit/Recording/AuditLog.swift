/// Every command the shell runs, appended to `audit.jsonl` as JSON lines:
/// a `start` event before it runs (so a killed command still shows) and an
/// `end` event with each host's status. Secrets are masked.
public final class AuditLog: @unchecked Sendable {
    // @unchecked: the interpreter (main actor) is its only user.
    private let file: AppendOnlyFile
    public var path: String { file.path }
    let sessionID: String
    let user: String

    public init(path: String, sessionID: String, user: String) throws(RecordingError) {
        file = try AppendOnlyFile(path: path, mode: 0o600)
        self.sessionID = sessionID
        self.user = user
    }

    /// One command about to run.
    public func start(typed: String, expanded: [(target: Target, command: String)], secrets: [String]) throws(RecordingError) {
        var object = base("start")
        object.append(("typed", .string(mask(typed, secrets))))
        object.append(("targets", .array(expanded.map { .string($0.target.description) })))
        object.append(("expanded", .array(expanded.map { .string(mask($0.command, secrets)) })))
        try file.append(JSONValue.object(object).encoded + "\n")
    }

    /// How it ended: overall and per host.
    public func end(typed: String, outcome: Outcome, seconds: Double, secrets: [String]) throws(RecordingError) {
        var object = base("end")
        object.append(("typed", .string(mask(typed, secrets))))
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
        try file.append(JSONValue.object(object).encoded + "\n")
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
