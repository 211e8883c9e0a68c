/// The `# => …` comment under each recorded command: how it ended.
///
/// `# => exit 0 in 0.02 s`, `# => exit 0 on 3/3 hosts in 2.10 s`, or per
/// host when they differ: `# => exit 255 on 2/3 hosts in 1.20 s: db-1 exit 0, db-2 unreachable, …`.
public enum ResultLine {
    static let prefix = "# => "

    /// The result comment for `outcome`, which took `seconds`.
    public static func format(_ outcome: Outcome, seconds: Double) -> String {
        prefix + summary(outcome) + " in " + formatSeconds(seconds)
    }

    /// The part of the result a replay compares (`--strict`): status and
    /// hosts, not the time.
    public static func summary(_ outcome: Outcome) -> String {
        guard !outcome.hosts.isEmpty else { return outcome.status.description }
        let succeeded = outcome.hosts.filter(\.isSuccess).count
        var text = "\(outcome.status.description) on \(succeeded)/\(outcome.hosts.count) hosts"
        if succeeded != outcome.hosts.count {
            text += ": " + outcome.hosts.map { "\($0.host) \($0.result.label)" }.joined(separator: ", ")
        }
        return text
    }

    /// The comparable part of a recorded result line, or nil when `line` is
    /// not one.
    public static func parse(_ line: String) -> String? {
        guard line.hasPrefix(prefix) else { return nil }
        var text = String(line.dropFirst(prefix.count))
        if let colon = text.firstRange(of: ": ") {
            // "exit 255 on 2/3 hosts in 1.20 s: db-1 exit 0, …": the time sits before the hosts.
            let head = text[..<colon.lowerBound], hosts = text[colon.upperBound...]
            text = stripTime(String(head)) + ": " + hosts
        } else {
            text = stripTime(text)
        }
        return text
    }

    private static func stripTime(_ text: String) -> String {
        guard let range = text.ranges(of: " in ").last else { return text }
        return String(text[..<range.lowerBound])
    }
}
