/// A problem in a plugin file: where it is and what to do about it. The
/// plugin the file describes is disabled; the shell goes on.
public struct PluginFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's path.
    public var file: String
    /// The 1-based line, when known.
    public var line: Int?
    /// The dotted field, e.g. `subcommands.info.output.format`.
    public var field: String?
    /// What is wrong and how to fix it.
    public var problem: String

    public init(file: String, line: Int? = nil, field: String? = nil, problem: String) {
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
    }

    public var description: String {
        let place = [line.map { "line \($0)" }, field.map { "field `\($0)`" }].compactMap { $0 }.joined(separator: ", ")
        return "\(file)\(place.isEmpty ? "" : " (\(place))"): \(problem)"
    }
}
