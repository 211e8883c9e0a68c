#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which hosts a command is for: `roles:NAME`, `role:NAME`, `name:GLOB`,
/// `*:*`, or a bare host name — knife's search syntax, the part runbooks use.
public enum HostQuery: Sendable, Hashable, CustomStringConvertible {
    case role(String)
    case name(glob: String)
    case all
    case host(String)

    /// Parses a query as written after `knife ssh` or `knife search node`.
    public init(_ text: String) throws(FleetError) {
        if text == "*:*" || text == "*" { self = .all; return }
        guard let colon = text.firstIndex(of: ":") else {
            guard Host.isValidName(text) else { throw FleetError.badQuery(text) }
            self = .host(text)
            return
        }
        let field = text[..<colon], value = String(text[text.index(after: colon)...])
        guard !value.isEmpty else { throw FleetError.badQuery(text) }
        switch field {
        case "roles", "role": self = .role(value)
        case "name", "fqdn", "hostname": self = .name(glob: value)
        default: throw FleetError.badQuery(text)
        }
    }

    /// Whether `host` matches.
    public func matches(_ host: Host) -> Bool {
        switch self {
        case .all: true
        case .role(let role): host.roles.contains(role)
        case .name(let glob): fnmatch(glob, host.name, 0) == 0
        case .host(let name): host.name == name
        }
    }

    public var description: String {
        switch self {
        case .all: "*:*"
        case .role(let role): "roles:\(role)"
        case .name(let glob): "name:\(glob)"
        case .host(let name): name
        }
    }
}
