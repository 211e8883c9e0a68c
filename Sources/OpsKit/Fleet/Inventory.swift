import TOMLKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The hosts the shell knows, with their roles and how to reach them.
///
/// Read from TOML:
/// ```toml
/// ssh_config = "/path/to/ssh_config"      # optional, passed to ssh -F
/// [hosts."patroni-01-db-dr.c.gitlab-dr.internal"]
/// roles = ["dr-base-db-patroni"]
/// address = "10.251.9.101"                 # optional: HostName
/// port = 22                                # optional
/// user = "root"                            # optional
/// identity_file = "~/.ssh/id_ed25519"      # optional
/// patroni_api = "10.251.9.101:8008"        # any other string: an attribute
/// ```
public struct Inventory: Sendable {
    /// Every host, sorted by name.
    public private(set) var hosts: [Host]
    /// An `ssh_config` for every connection (`ssh -F`), if set.
    public var sshConfig: String?
    /// Where the inventory came from, for messages; nil when empty.
    public var source: String?

    public init(hosts: [Host] = [], sshConfig: String? = nil, source: String? = nil) {
        self.hosts = hosts.sorted { $0.name < $1.name }
        self.sshConfig = sshConfig
        self.source = source
    }

    /// The host called `name`.
    public func host(named name: String) -> Host? { hosts.first { $0.name == name } }

    /// The hosts `query` selects, in name order.
    /// - Throws: `FleetError.noHosts` when none match, naming the roles known.
    public func hosts(matching query: HostQuery) throws(FleetError) -> [Host] {
        let found = hosts.filter(query.matches)
        guard !found.isEmpty else {
            throw FleetError.noHosts(query: query.description, known: Array(Set(hosts.flatMap(\.roles))).sorted())
        }
        return found
    }

    /// Every role any host has, sorted.
    public var roles: [String] { Array(Set(hosts.flatMap(\.roles))).sorted() }

    /// Replaces each host's roles with what Chef search says.
    public mutating func setRoles(_ rolesByHost: [String: [String]]) {
        for index in hosts.indices { hosts[index].roles = rolesByHost[hosts[index].name] ?? [] }
    }

    /// Adds hosts (from Chef search) that the file did not list.
    public mutating func add(_ extra: [Host]) {
        let known = Set(hosts.map(\.name))
        hosts = (hosts + extra.filter { !known.contains($0.name) }).sorted { $0.name < $1.name }
    }
}

extension Inventory {
    /// The inventory file a session uses: `--inventory FILE`, else
    /// `./opsshell.toml`, else `$XDG_CONFIG_HOME/opsshell/opsshell.toml`
    /// (default `~/.config`); nil when there is none.
    public static func defaultPath(environment: (String) -> String? = { getenv($0).map { String(cString: $0) } }) -> String? {
        var candidates = ["opsshell.toml"]
        if let config = environment("XDG_CONFIG_HOME") ?? environment("HOME").map({ $0 + "/.config" }) {
            candidates.append(config + "/opsshell/opsshell.toml")
        }
        return candidates.first { access($0, F_OK) == 0 }
    }

    /// Reads an inventory file.
    /// - Throws: `FleetError.badInventory` naming the file, line and field.
    public static func load(_ path: String) throws(FleetError) -> Inventory {
        guard let text = readText(path) else {
            throw .badInventory(file: path, line: nil, field: nil, problem: "cannot read it: \(String(cString: strerror(errno)))")
        }
        return try parse(text, file: path)
    }

    /// Parses inventory TOML; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(FleetError) -> Inventory {
        if let hazard = TOMLHazard.first(in: text) {
            throw .badInventory(file: file, line: hazard.line, field: nil, problem: "not valid TOML: \(hazard.problem)")
        }
        let document: InventoryDocument
        if let plain = InventoryFastReader.read(text) {
            document = plain
        } else {
            do {
                document = InventoryDocument(try TOMLTable(string: text))
            } catch let error as TOMLParseError {
                throw .badInventory(file: file, line: error.source.begin.line, field: nil, problem: error.description)
            } catch {
                throw .badInventory(file: file, line: nil, field: nil, problem: "\(error)")
            }
        }
        return try inventory(from: document.sorted(), file: file, text: text)
    }

    /// The hosts a document describes, checked; `text` is the whole file,
    /// for finding the line of a bad field.
    private static func inventory(from document: InventoryDocument, file: String, text: String) throws(FleetError) -> Inventory {
        // Lines are found only for an error message: finding every key's
        // line up front was 73% of loading 5,000 hosts.
        var lines: SourceLines { SourceLines(text) }
        var sshConfig: String?
        for (key, value) in document.settings.map({ ($0.key, $0.value) }) {
            guard key == "ssh_config" else {
                throw .badInventory(file: file, line: lines.key(key), field: key, problem: "unknown setting; the top level takes ssh_config and [hosts.NAME] tables")
            }
            guard let value = value.string else {
                throw .badInventory(file: file, line: lines.key(key), field: key, problem: "must be a string (a path)")
            }
            sshConfig = expandTilde(value)
        }
        guard let entries = document.hosts else {
            throw .badInventory(file: file, line: lines.key("hosts"), field: "hosts", problem: "must be tables: [hosts.\"NAME\"]")
        }
        var hosts: [Host] = []
        hosts.reserveCapacity(entries.count)
        for entry in entries {
            let name = entry.name
            guard Host.isValidName(name) else {
                throw .badInventory(file: file, line: lines.hostHeader(name), field: "hosts.\(name)", problem: FleetError.unsafeHostName(name).description)
            }
            guard let fields = entry.fields else {
                throw .badInventory(file: file, line: lines.hostHeader(name), field: "hosts.\(name)", problem: "must be a table")
            }
            hosts.append(try parseHost(name, fields, file: file, text: text))
        }
        return Inventory(hosts: hosts, sshConfig: sshConfig, source: file)
    }

    /// `text` is the whole file, for finding the line of a bad field.
    private static func parseHost(_ name: String, _ fields: [InventoryDocument.Field], file: String, text: String) throws(FleetError) -> Host {
        var host = Host(name: name)
        for field in fields {
            let (key, value) = (field.key, field.value)
            let fail = { (problem: String) in
                FleetError.badInventory(file: file, line: SourceLines(text).key(key, inHost: name), field: "hosts.\(name).\(key)", problem: problem)
            }
            switch key {
            case "roles":
                guard let roles = value.strings else {
                    throw fail("must be a list of strings, e.g. roles = [\"dr-base-db-patroni\"]")
                }
                host.roles = roles
            case "port":
                guard let port = value.integer, (1...65535).contains(port) else { throw fail("must be a port number, 1 to 65535") }
                host.port = port
            case "address", "user", "identity_file":
                guard let text = value.string, !text.isEmpty else { throw fail("must be a non-empty string") }
                if key == "address" {
                    guard let address = Host.sshAddress(text) else { throw fail(FleetError.unsafeHostName(text).description) }
                    host.address = address
                } else if key == "user" {
                    guard Variables.isValidName(text.replacingAll("-", with: "_")) else { throw fail("'\(text)' is not a user name") }
                    host.user = text
                } else {
                    host.identityFile = expandTilde(text)
                }
            default:
                if let text = value.string { host.attributes[key] = text }
                else if let number = value.integer { host.attributes[key] = String(number) }
                else { throw fail("an attribute must be a string or a number") }
            }
        }
        return host
    }
}

extension String {
    func trimmingLeadingBlanksSubstring() -> Substring { drop { $0 == " " || $0 == "\t" } }
}

func expandTilde(_ path: String) -> String {
    guard path.hasPrefix("~/"), let home = getenv("HOME") else { return path }
    return String(cString: home) + path.dropFirst()
}

/// Reads a whole file as UTF-8 (invalid bytes replaced); nil with errno set
/// when it cannot be read. No Foundation: it costs start-up time.
public func readText(_ path: String) -> String? {
    readBytes(path).map { String(decoding: $0, as: UTF8.self) }
}

/// Reads a whole file's bytes; nil with errno set when it cannot be read.
public func readBytes(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        bytes.append(contentsOf: buffer[..<count])
        if count < buffer.count { return ferror(file) == 0 ? bytes : nil }
    }
}
