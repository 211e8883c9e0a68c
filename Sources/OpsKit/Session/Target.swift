/// Where commands run: the local machine or a host, as a user.
///
/// The session keeps a stack of targets: `ssh HOST` pushes a host,
/// `sudo su [- USER]` pushes a user on the same host, `exit` pops.
public struct Target: Sendable, Hashable, CustomStringConvertible {
    /// The host name as the operator typed it; nil for the local machine.
    public var host: String?
    /// The user commands run as after `sudo su`; nil for the login user.
    public var user: String?
    /// Whether the user switch was a login (`sudo su - USER`): commands then
    /// start in that user's home directory, as `su -` does.
    public var isLogin: Bool
    /// Where to connect instead of the inventory's address for `host`
    /// (`knife ssh -a ipaddress` picks it from a host attribute).
    public var address: String?

    public init(host: String? = nil, user: String? = nil, isLogin: Bool = false, address: String? = nil) {
        self.host = host
        self.user = user
        self.isLogin = isLogin
        self.address = address
    }

    /// The local machine as the user who started the shell.
    public static let local = Target()

    /// Whether commands run on this machine.
    public var isLocal: Bool { host == nil }

    /// `local`, or the host name.
    public var hostLabel: String { host ?? "local" }

    public var description: String {
        let place = address.map { "\(hostLabel) (at \($0))" } ?? hostLabel
        return user.map { "\($0)@\(place)" } ?? place
    }
}
