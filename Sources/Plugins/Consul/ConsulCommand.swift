import OpsKit

/// A `consul kv …` or `consul members` line read the way the CLI reads it
/// (Go's `flag` package: `-name`, `--name`, `-name=value`, `-name value`;
/// flags end at the first argument that is not one).
struct ConsulCommand: Equatable {
    enum Verb: String { case get, put, delete, members }

    var verb: Verb
    var key = ""
    var value: String?
    /// Flags by name without dashes; `""` for a boolean flag that is set.
    var flags: [String: String] = [:]

    static let usage = "consul kv get [-recurse|-keys|-detailed] KEY · consul kv put KEY VALUE · consul kv delete [-recurse] KEY · consul members"

    /// Flags the shell answers over HTTP; any other sends the line to the CLI.
    static let understood: Set = ["http-addr", "token", "token-file", "datacenter", "stale", "recurse", "keys", "separator",
                                  "detailed", "base64", "flags", "cas", "modify-index", "status"]
    static let valued: Set = ["http-addr", "token", "token-file", "datacenter", "separator", "flags", "modify-index", "status",
                              "ca-file", "ca-path", "client-cert", "client-key", "tls-server-name", "namespace", "partition", "session"]

    /// The command in `arguments` (after `consul`), or nil when it is one
    /// the shell leaves to the CLI. Throws for lines the CLI would refuse.
    static func parse(_ arguments: [String]) throws -> ConsulCommand? {
        let verb: Verb
        var rest: ArraySlice<String>
        switch (arguments.first, arguments.dropFirst().first) {
        case ("kv", "get"): verb = .get
        case ("kv", "put"): verb = .put
        case ("kv", "delete"): verb = .delete
        case ("members", _): verb = .members
        default: return nil
        }
        rest = arguments.dropFirst(verb == .members ? 1 : 2)
        var command = ConsulCommand(verb: verb)
        while let argument = rest.first, argument.hasPrefix("-"), argument != "-" {
            rest = rest.dropFirst()
            if argument == "--" { break }
            let body = argument.drop { $0 == "-" }
            let parts = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            if parts.count == 2 {
                command.flags[name] = String(parts[1])
            } else if valued.contains(name) {
                guard let value = rest.first else { throw UsageError("flag needs an argument: -\(name)", usage: usage) }
                command.flags[name] = value
                rest = rest.dropFirst()
            } else {
                command.flags[name] = ""
            }
        }
        if command.flags["token"] != nil {
            throw UsageError("a token on the command line would reach history and the process list: set it with read -s CONSUL_HTTP_TOKEN, or use -token-file", usage: usage)
        }
        guard command.flags.keys.allSatisfy(understood.contains) else { return nil }
        let positionals = Array(rest)
        switch verb {
        case .members:
            guard positionals.isEmpty else { throw UsageError("consul members takes no arguments", usage: usage) }
        case .get, .delete:
            guard positionals.count <= 1 else { throw UsageError("Too many arguments (expected 1, got \(positionals.count))", usage: usage) }
            command.key = positionals.first ?? ""
            guard !command.key.isEmpty || command.isRecursive || command.flags["keys"] != nil else {
                throw UsageError("Error! Missing KEY argument", usage: usage)
            }
        case .put:
            guard (1...2).contains(positionals.count) else { throw UsageError("Error! Missing KEY argument", usage: usage) }
            command.key = positionals[0]
            command.value = positionals.count == 2 ? positionals[1] : ""
        }
        if command.key.hasPrefix("/") { command.key.removeFirst() }
        return command
    }

    /// A boolean flag's value (`-recurse`, `-recurse=true`).
    func isSet(_ name: String) -> Bool {
        guard let value = flags[name] else { return false }
        return value.isEmpty || ["1", "t", "true", "T", "TRUE", "True"].contains(value)
    }

    var isRecursive: Bool { isSet("recurse") }
}
