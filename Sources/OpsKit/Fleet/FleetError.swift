/// What went wrong finding hosts; each message says what to do about it.
public enum FleetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The inventory file has a problem at `line` in `field`.
    case badInventory(file: String, line: Int?, field: String?, problem: String)
    /// A query that is not `roles:NAME`, `name:GLOB`, `*:*` or a host name.
    case badQuery(String)
    /// The query matched no host.
    case noHosts(query: String, known: [String])
    /// `ssh HOST` for a host the inventory does not have.
    case unknownHost(String, suggestions: [String])
    /// A host name that could be read as an option or shell syntax.
    case unsafeHostName(String)
    /// `knife ssh -a ATTRIBUTE` for a host that does not have it.
    case missingAttribute(host: String, attribute: String)

    public var description: String {
        switch self {
        case let .badInventory(file, line, field, problem):
            let place = [line.map { "line \($0)" }, field.map { "field `\($0)`" }].compactMap { $0 }.joined(separator: ", ")
            return "\(file)\(place.isEmpty ? "" : " (\(place))"): \(problem)"
        case .badQuery(let query):
            return "'\(query)' is not a query: use roles:NAME, name:GLOB, *:* or a host name"
        case let .noHosts(query, known):
            let hint = known.isEmpty ? "the inventory has no hosts; pass --inventory FILE" : "roles known: \(known.joined(separator: ", "))"
            return "no hosts match \(query); \(hint)"
        case let .unknownHost(name, suggestions):
            return "unknown host \(name)" + (suggestions.isEmpty ? "; `knife node list` shows the inventory's hosts" : "; did you mean \(suggestions.joined(separator: " or "))?")
        case let .missingAttribute(host, attribute):
            return "\(host) has no attribute \(attribute) to connect to; add `\(attribute) = \"…\"` to its entry in the inventory, or leave out -a"
        case .unsafeHostName(let name):
            return "refusing host name \(name.debugDescription): a host name may hold letters, digits, '.', '-', '_' and ':' and may not start with '-'; write an IPv6 address bare (::1) or in brackets ([::1])"
        }
    }
}
