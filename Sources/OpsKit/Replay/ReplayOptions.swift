/// How to replay a script: `replay FILE [--dry-run] [--step] [--from LINE]
/// [--set NAME=VALUE]… [--strict] [--resume]`.
public struct ReplayOptions: Sendable {
    public var file: String
    public var dryRun = false
    public var step = false
    public var from: Int?
    public var overrides: [(name: String, value: String)] = []
    public var strict = false
    public var resume = false

    public static let usage = "replay FILE [--dry-run] [--step] [--from LINE] [--set NAME=VALUE]... [--strict] [--resume]"

    public init(file: String) { self.file = file }

    /// Reads the options from a `replay` line's arguments.
    public init(arguments: [String]) throws(UsageError) {
        var file: String?
        var iterator = arguments.makeIterator()
        var options = ReplayOptions(file: "")
        while let argument = iterator.next() {
            switch argument {
            case "--dry-run": options.dryRun = true
            case "--step": options.step = true
            case "--strict": options.strict = true
            case "--resume": options.resume = true
            case "--from":
                guard let value = iterator.next(), let line = Int(value), line > 0 else { throw UsageError("--from needs a line number", usage: Self.usage) }
                options.from = line
            case "--set":
                guard let value = iterator.next(), let equals = value.firstIndex(of: "="), Variables.isValidName(String(value[..<equals])) else {
                    throw UsageError("--set needs NAME=VALUE", usage: Self.usage)
                }
                options.overrides.append((String(value[..<equals]), String(value[value.index(after: equals)...])))
            default:
                guard !argument.hasPrefix("-"), file == nil else { throw UsageError("unexpected \(argument)", usage: Self.usage) }
                file = argument
            }
        }
        guard let file else { throw UsageError("replay needs a script", usage: Self.usage) }
        options.file = file
        self = options
    }
}
