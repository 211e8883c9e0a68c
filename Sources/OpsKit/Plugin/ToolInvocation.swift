/// A tool's command line as the operator typed it, seen through the wrappers
/// in front of it: `sudo -u gitlab-psql /usr/bin/envdir /etc/wal-e.d/env
/// /opt/wal-e/bin/wal-e backup-list` is the tool `wal-e`, subcommand
/// `backup-list`.
public struct ToolInvocation: Sendable {
    /// The words before the tool: `sudo …`, `envdir DIR`, `env A=B`.
    public let wrappers: [String]
    /// The executable as typed (`/opt/wal-e/bin/wal-e`, `gitlab-patronictl`).
    public let executable: String
    /// The arguments after the executable.
    public let arguments: [String]

    /// Every word, wrappers included: the command line to run.
    public var words: [String] { wrappers + [executable] + arguments }

    public init(wrappers: [String], executable: String, arguments: [String]) {
        self.wrappers = wrappers
        self.executable = executable
        self.arguments = arguments
    }

    /// Finds the tool in `words`, skipping the wrappers runbooks put in front
    /// of it; nil when the words are not such a command line.
    public static func find(in words: [String], isTool: (String) -> Bool) -> ToolInvocation? {
        var index = 0
        while index < words.count {
            let word = words[index]
            let name = basename(word)
            if isTool(word) {
                return ToolInvocation(wrappers: Array(words[..<index]), executable: word,
                                      arguments: Array(words[(index + 1)...]))
            }
            guard let skip = wrapperLength(name, at: index, in: words) else { return nil }
            index += skip
        }
        return nil
    }

    /// The command behind any wrappers: `sudo -u x rm -rf y` → `rm -rf y`.
    public static func command(in words: [String]) -> ToolInvocation? {
        find(in: words) { word in wrapperLength(basename(word), at: 0, in: [word, "x"]) == nil }
    }

    /// How many words the wrapper at `index` takes, itself included.
    private static func wrapperLength(_ name: String, at index: Int, in words: [String]) -> Int? {
        let rest = words[(index + 1)...]
        switch name {
        case "sudo":
            return 1 + optionWords(rest, valued: ["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T"])
        case "envdir":
            return rest.isEmpty ? nil : 2
        case "env":
            let options = optionWords(rest, valued: ["-u", "-C", "-S"])
            return 1 + options + rest.dropFirst(options).prefix(while: isAssignment).count
        case "nice":
            return 1 + optionWords(rest, valued: ["-n"])
        case "timeout":
            let options = optionWords(rest, valued: ["-k", "-s"])
            return rest.count > options ? 2 + options : nil
        case "nohup", "exec", "time", "command":
            return 1
        default:
            // `PGUSER=x tool …`: an assignment in front of the command.
            return isAssignment(words[index]) ? 1 : nil
        }
    }

    /// The number of option words at the start of `rest`.
    private static func optionWords(_ rest: ArraySlice<String>, valued: Set<String>) -> Int {
        var count = 0
        var iterator = rest.makeIterator()
        while let word = iterator.next(), word.hasPrefix("-") {
            count += 1
            if word == "--" { break }
            // `-iu USER`: a cluster of short options whose last one takes a value.
            let last = word.hasPrefix("--") || word.count < 3 ? word : "-" + String(word.last!)
            if valued.contains(word) || valued.contains(last) {
                count += 1
                _ = iterator.next()
            }
        }
        return count
    }

    private static func isAssignment(_ word: String) -> Bool {
        guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return false }
        return Variables.isValidName(String(word[..<equals]))
    }
}
