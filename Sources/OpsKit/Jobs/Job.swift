/// A detached job (`bg LINE`) as its host records it: what `jobs` lists and
/// `attach`/`wait`/`kill` find, from any shell, after any crash.
public struct Job: Sendable, Equatable {
    public enum State: Sendable, Equatable, CustomStringConvertible {
        case running
        case exited(Int32)
        /// The process is gone and left no status (the host rebooted, it was killed with -9).
        case lost
        /// Another user's job: its files are theirs alone (0700).
        case unreadable

        public var description: String {
            switch self {
            case .running: "running"
            case .exited(let status): "exited \(status)"
            case .lost: "lost"
            case .unreadable: "not readable (another user's)"
            }
        }
    }

    /// `1a2b3c`, written `%1a2b3c`.
    public var id: String
    /// The host as the shell named it (`local` for this machine).
    public var host: String
    /// The user it runs as.
    public var user: String
    public var state: State
    /// Seconds since it started.
    public var seconds: Int?
    /// The size of the directory it fills (a restore's data directory).
    public var progressBytes: Int64?
    /// What that directory will hold at the end, when the archive said so
    /// as the job started (a base backup's expanded size).
    public var expectedBytes: Int64?
    /// The last line it printed.
    public var lastLine: String
    public var command: String

    /// Reads `JobScripts.list`'s lines for `host`.
    static func parse(_ listing: String, host: String) -> [Job] {
        listing.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 8, !fields[0].isEmpty else { return nil }
            // `?`: another user's jobs, which this login cannot read.
            let state: State
            switch fields[2] {
            case "running": state = .running
            case "lost": state = .lost
            case "unreadable": state = .unreadable
            case let text where text.hasPrefix("exited "): state = .exited(Int32(text.dropFirst(7)) ?? 255)
            default: return nil
            }
            return Job(id: fields[0], host: host, user: fields[1], state: state, seconds: Int(fields[3]),
                       progressBytes: Int64(fields[4]), expectedBytes: Int64(fields[5]).flatMap { $0 > 0 ? $0 : nil },
                       lastLine: fields[6], command: fields[7...].joined(separator: "\t"))
        }
    }

    /// A new job id: six hex digits, enough to tell a session's jobs apart.
    static func newID() -> String {
        let digits = String(UInt32.random(in: 0...0xFF_FFFF), radix: 16)
        return String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// `%1a2b3c` or `1a2b3c` → `1a2b3c`; nil for anything else.
    static func id(from word: String) -> String? {
        let text = word.hasPrefix("%") ? String(word.dropFirst()) : word
        return text.count == 6 && text.allSatisfy(\.isHexDigit) ? text.lowercased() : nil
    }
}

extension Job {
    /// `00:12:03`, as the live lines and summaries show time.
    var age: String {
        guard let seconds else { return "" }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
    }
}
