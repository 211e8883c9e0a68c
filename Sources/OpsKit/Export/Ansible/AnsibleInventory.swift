/// The shell's inventory as an Ansible YAML inventory: each host with
/// `ansible_host` (or, with an `ssh_config`, `-o HostName=` beside `-F`), `ansible_port`, `ansible_user`, its key file and the
/// `ssh_config`, a group per role, and `localhost` for lines that ran on
/// this machine. Free attributes are `opsshell_NAME`, so no attribute can
/// set one of Ansible's connection variables.
struct AnsibleInventory: Sendable {
    let inventory: Inventory
    /// Role → group name.
    let groups: [(role: String, group: String)]

    init(_ inventory: Inventory) throws(AnsibleExportError) {
        self.inventory = inventory
        for host in inventory.hosts where !Self.isPatternSafe(host.name) {
            throw AnsibleExportError(line: nil, text: host.name, reason: "host \(host.name) cannot be named in an Ansible host pattern (letters, digits, `.`, `-` and `_` only); give it such a name in the inventory, with its address in `address`")
        }
        var groups: [(String, String)] = []
        var taken: [String: String] = [:]
        for role in inventory.roles {
            let group = Self.groupName(role)
            if let other = taken[group] {
                throw AnsibleExportError(line: nil, text: role, reason: "roles \(other) and \(role) would both be the Ansible group \(group); rename one")
            }
            if inventory.host(named: group) != nil {
                throw AnsibleExportError(line: nil, text: role, reason: "role \(role) would be the Ansible group \(group), which is also a host's name")
            }
            taken[group] = role
            groups.append((role, group))
        }
        self.groups = groups
    }

    /// The group for a role: Ansible allows letters, digits and `_`, not
    /// starting with a digit (`dr-base-db-patroni` → `dr_base_db_patroni`).
    static func groupName(_ role: String) -> String {
        var name = String(role.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_": Character(scalar)
            default: "_"
            }
        })
        if name.isEmpty || name.first!.isNumber { name = "role_" + name }
        if ["all", "ungrouped", "localhost"].contains(name) { name = "role_" + name }
        return name
    }

    /// Whether `name` reads as itself in a host pattern: no `:` or `,`
    /// (separators), `!` `&` `~` (operators), `*` `?` `[` (globs, ranges).
    static func isPatternSafe(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first != "-", first != ".", name != "all", name != "localhost" else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "-", "_": true
            default: false
            }
        }
    }

    func group(forRole role: String) -> String? { groups.first { $0.role == role }?.group }

    func rendered(sshConfig: String?) -> String {
        var hostPairs: [(key: String, value: YAMLNode)] = [
            ("localhost", .map([("ansible_connection", .plain("local")),
                                ("ansible_python_interpreter", .template("{{ ansible_playbook_python }}"))])),
        ]
        for host in inventory.hosts {
            var vars: [(key: String, value: YAMLNode)] = []
            // With an ssh_config, connect by the host's name as the shell
            // does (`-o HostName=ADDRESS`), so its `Host NAME` block applies;
            // ansible_host would make ssh look up the address instead.
            if let address = host.address, sshConfig == nil { vars.append(("ansible_host", .text(address))) }
            if let port = host.port { vars.append(("ansible_port", .int(port))) }
            if let user = host.user { vars.append(("ansible_user", .text(user))) }
            if let key = host.identityFile { vars.append(("ansible_ssh_private_key_file", .text(key))) }
            if let sshConfig {
                let hostName = host.address.map { " -o " + ShellQuoting.quote("HostName=" + $0) } ?? ""
                vars.append(("ansible_ssh_common_args", .text("-F " + ShellQuoting.quote(sshConfig) + hostName)))
            }
            for (name, value) in host.attributes.sorted(by: { $0.key < $1.key }) where Variables.isValidName(name) {
                vars.append(("opsshell_" + name, .text(value)))
            }
            hostPairs.append((host.name, .map(vars)))
        }
        var children: [(key: String, value: YAMLNode)] = []
        for (role, group) in groups {
            let members = inventory.hosts.filter { $0.roles.contains(role) }.map { (key: $0.name, value: YAMLNode.map([])) }
            children.append((group, .map([("hosts", .map(members))])))
        }
        var all: [(key: String, value: YAMLNode)] = [("hosts", .map(hostPairs))]
        if !children.isEmpty { all.append(("children", .map(children))) }
        let source = inventory.source.map { " from \(AnsibleExport.comment($0))" } ?? ""
        return "# Written by opsshell export ansible\(source). Roles are groups (`-` becomes `_`).\n---\n"
            + YAMLNode.map([("all", .map(all))]).rendered()
    }
}
