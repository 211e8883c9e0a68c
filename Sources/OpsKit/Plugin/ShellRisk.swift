/// The risk of a plain shell command that no plugin claims.
///
/// Deliberately narrow (pgcli's lesson: a warning on everything is a warning
/// on nothing): only commands that destroy data are flagged, and only a few
/// well-known readers count as read-only.
public enum ShellRisk {
    static let destroyers: Set<String> = ["mkfs", "dropdb", "shred", "wipefs", "pg_dropcluster", "dd"]
    static let readers: Set<String> = [
        "cat", "less", "head", "tail", "grep", "ls", "df", "du", "ps", "echo", "pwd", "id", "whoami",
        "hostname", "uptime", "free", "find", "stat", "date", "crontab", "journalctl", "psql", "true",
    ]

    /// The risk of `words` (expanded), looking through `sudo` and friends and
    /// at every command of a pipeline or list.
    public static func classify(_ words: [String]) -> Risk {
        var risk = Risk.readOnly
        for command in split(words) {
            risk = max(risk, classifySimple(command))
        }
        return risk
    }

    static func classifySimple(_ words: [String]) -> Risk {
        let tool = ToolInvocation.command(in: words)
        let name = tool.map { basename($0.executable) } ?? basename(words.first ?? "")
        let arguments = tool?.arguments ?? []
        if name == "rm", arguments.contains(where: isRecursiveFlag) { return .destroysData }
        if name == "find" { return findRisk(arguments) }
        if name == "crontab", arguments.contains("-r") { return .destroysData }
        if destroyers.contains(name) || name.hasPrefix("mkfs.") { return .destroysData }
        if name == "crontab", arguments.isEmpty || arguments == ["-l"] { return .readOnly }
        return readers.contains(name) && name != "crontab" ? .readOnly : .changesState
    }

    /// `find` reads, unless it deletes (`-delete`) or runs a command on what
    /// it finds (`-exec rm -rf {} +`: that command's risk, at least a change).
    static func findRisk(_ arguments: [String]) -> Risk {
        if arguments.contains("-delete") { return .destroysData }
        guard let exec = arguments.firstIndex(where: { ["-exec", "-execdir", "-ok", "-okdir"].contains($0) }) else { return .readOnly }
        let command = arguments[(exec + 1)...].prefix { $0 != ";" && $0 != "+" && $0 != "\\;" }
        return max(.changesState, classifySimple(Array(command)))
    }

    static func isRecursiveFlag(_ argument: String) -> Bool {
        if argument == "--recursive" { return true }
        guard argument.hasPrefix("-"), !argument.hasPrefix("--") else { return false }
        return argument.contains("r") || argument.contains("R")
    }

    /// Splits words at `;`, `&&`, `||` and `|` written as their own words or
    /// glued to a word's end.
    static func split(_ words: [String]) -> [[String]] {
        var commands: [[String]] = [[]]
        for word in words {
            var word = word
            var separated = false
            for separator in [";", "&&", "||", "|", "&"] where word == separator || word.hasSuffix(separator) {
                word.removeLast(separator.count)
                separated = true
                break
            }
            if !word.isEmpty { commands[commands.count - 1].append(word) }
            if separated { commands.append([]) }
        }
        return commands.filter { !$0.isEmpty }
    }
}
