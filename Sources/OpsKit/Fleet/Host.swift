/// A machine the shell can run commands on, as the inventory describes it.
public struct Host: Sendable, Hashable {
    /// The name operators use (`patroni-01-db-dr.c.gitlab-dr.internal`).
    public var name: String
    /// Roles it plays (`dr-base-db-patroni`); queries select by them.
    public var roles: [String]
    /// Where to connect, when not the name itself (through `ssh_config`).
    public var address: String?
    public var port: Int?
    public var user: String?
    public var identityFile: String?
    /// Free attributes (`patroni_api = "127.0.0.1:8008"`, `datacenter`…).
    public var attributes: [String: String]

    public init(name: String, roles: [String] = [], address: String? = nil, port: Int? = nil,
                user: String? = nil, identityFile: String? = nil, attributes: [String: String] = [:]) {
        self.name = name
        self.roles = roles
        self.address = address
        self.port = port
        self.user = user
        self.identityFile = identityFile
        self.attributes = attributes
    }

    /// An attribute by name; `name`, `fqdn` and `address` are the host's
    /// own fields (Chef's names for what `knife ssh -a` may pick).
    public func value(of attribute: String) -> String? {
        switch attribute {
        case "name", "fqdn": attributes[attribute] ?? name
        case "address", "ipaddress": attributes[attribute] ?? address
        default: attributes[attribute]
        }
    }

    /// Whether `text` is safe as a host name or address on an ssh command
    /// line: it can never be read as an option (`-oProxyCommand=…`), hold
    /// shell syntax, or carry ssh's `%` tokens.
    public static func isValidName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first != "-", text.count <= 253 else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "-", "_", ":": true
            default: false
            }
        }
    }

    /// `text` as ssh takes an address: an IPv6 literal in URL brackets
    /// (`[::1]`, as people write it) loses them, since ssh's `HostName`
    /// wants it bare; nil when the result is not a safe name.
    public static func sshAddress(_ text: String) -> String? {
        var address = Substring(text)
        if address.hasPrefix("["), address.hasSuffix("]"), address.contains(":") {
            address = address.dropFirst().dropLast()
        }
        return isValidName(String(address)) ? String(address) : nil
    }
}
