/// Where commands run: the local machine or a host, as a user, and the shell
/// state of that login (its directory and exported variables).
///
/// The session keeps a stack of targets: `ssh HOST` pushes a host,
/// `sudo su [- USER]` pushes a user on the same host, `exit` pops, and with
/// it goes that level's `cd` and `export`, as leaving a real login does.
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
    /// The directory commands start in, as `pwd` printed it there after
    /// `cd`; nil: the login's own (home over ssh, the shell's locally).
    public var directory: String?
    /// The directory before the last `cd`, for `cd -`.
    public var previousDirectory: String?
    /// `pushd`'s stack, newest last.
    public var directoryStack: [String] = []
    /// Variables `export`ed at this level, given to every command here.
    public var environment: [String: String] = [:]

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

    /// `gitlab-psql@ho-n1:/var/opt/gitlab/postgresql`: who, where, in which
    /// directory, as dry-run, confirmations and the audit log show it.
    public var description: String {
        let place = address.map { "\(hostLabel) (at \($0))" } ?? hostLabel
        let who = user.map { "\($0)@\(place)" } ?? place
        return directory.map { "\(who):\($0)" } ?? who
    }

    /// The same login as another user (`sudo su`, `sudo su - USER`): a login
    /// switch starts afresh in USER's home, a plain one keeps the directory
    /// and the exports, as `su` and `su -` do.
    public func switching(to user: String, login: Bool) -> Target {
        var next = Target(host: host, user: user, isLogin: login, address: address)
        if !login {
            next.directory = directory
            next.environment = environment
        }
        return next
    }

    /// `command` as it must run at this level: in its directory (and not
    /// at all if that is gone), with its exports. The executor applies it,
    /// so every command here — typed, planned by a plugin, a probe — gets it.
    public func applyingShellState(to command: String) -> String {
        var prefix = ""
        if let directory { prefix += "cd -- \(ShellQuoting.quote(directory)) || exit 1; " }
        if !environment.isEmpty {
            prefix += "export " + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(ShellQuoting.quote($0.value))" }.joined(separator: " ") + "; "
        }
        return prefix + command
    }
}
