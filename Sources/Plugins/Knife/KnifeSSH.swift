import OpsKit

/// `knife ssh [OPTIONS] QUERY 'COMMAND'` read from a knife command line.
struct KnifeSSH {
    var query: String
    /// Where COMMAND is in the invocation's arguments.
    var commandIndex: Int
    var concurrency: Int?
    var timeout: Duration?
    /// `-m`: QUERY is a space-separated list of host names.
    var manualList = false
    /// `-a ATTRIBUTE`: connect to this host attribute's value (Chef's
    /// `ipaddress`, or the inventory's), keeping the host's name as its label.
    var attribute: String?
    /// `--json` (ours): the inner tool's records from every host as one JSON document.
    var json = false

    static let usage = "knife ssh [-C N] [--timeout DURATION] [-a ATTRIBUTE] [-m] [--json] QUERY 'COMMAND'"

    /// The options followed by a value, so that value is not taken for the
    /// query or the command.
    static let valuedFlags: Set = ["-C", "--concurrency", "--timeout", "--ssh-timeout", "-a", "--attribute", "-x", "--ssh-user",
                                   "-p", "--ssh-port", "-i", "--ssh-identity-file", "-G", "--ssh-gateway"]

    /// The argument index COMMAND has, or will have once typed, for
    /// `arguments` starting with `ssh`.
    static func commandIndex(in arguments: [String]) -> Int? {
        guard let found = positionals(arguments) else { return nil }
        return found.dropFirst().first ?? (found.count == 1 ? arguments.count : nil)
    }

    /// Parses arguments that start with `ssh` (after knife's own flags).
    static func parse(_ arguments: [String]) throws -> KnifeSSH {
        guard let start = arguments.firstIndex(of: "ssh") else { throw UsageError("not a knife ssh line", usage: usage) }
        var options = KnifeSSH(query: "", commandIndex: -1)
        var positional: [Int] = []
        var index = start + 1
        while index < arguments.count {
            let argument = arguments[index]
            let value = index + 1 < arguments.count ? arguments[index + 1] : nil
            switch argument {
            case "-C", "--concurrency":
                guard let value, let number = Int(value), number > 0 else { throw UsageError("-C needs a positive number", usage: usage) }
                options.concurrency = number
                index += 1
            case "--timeout", "--ssh-timeout":
                guard let value, let duration = DurationText.parse(value) else { throw UsageError("--timeout needs a duration such as 30s or 5m", usage: usage) }
                options.timeout = duration
                index += 1
            case "-m", "--manual-list":
                options.manualList = true
            case "--json" where positional.isEmpty:
                options.json = true
            case "-a", "--attribute":
                guard let value, !value.isEmpty, !value.hasPrefix("-") else { throw UsageError("-a needs an attribute name, such as ipaddress", usage: usage) }
                options.attribute = value
                index += 1
            case "-x", "--ssh-user", "-p", "--ssh-port", "-i", "--ssh-identity-file", "-G", "--ssh-gateway":
                throw UsageError("\(argument) is not supported here: set user, port and identity_file per host in the inventory, or in ssh_config", usage: usage)
            case "-e", "--exit-on-error", "--no-host-key-verify":
                break
            default:
                if argument.hasPrefix("-"), positional.isEmpty { throw UsageError("unknown option \(argument)", usage: usage) }
                positional.append(index)
            }
            index += 1
        }
        guard positional.count == 2 else {
            throw UsageError(positional.count < 2 ? "knife ssh needs a query and a command" : "quote the command: knife ssh QUERY 'COMMAND'", usage: usage)
        }
        options.query = arguments[positional[0]]
        options.commandIndex = positional[1]
        return options
    }

    private static func positionals(_ arguments: [String]) -> [Int]? {
        guard let start = arguments.firstIndex(of: "ssh") else { return nil }
        var found: [Int] = []
        var index = start + 1
        while index < arguments.count {
            if valuedFlags.contains(arguments[index]) { index += 2; continue }
            if !arguments[index].hasPrefix("-") || !found.isEmpty { found.append(index) }
            index += 1
        }
        return found
    }
}
