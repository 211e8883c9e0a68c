/// One play of the exported playbook: the hosts a run of recorded lines
/// ran on, the session variables then in force, and the tasks.
struct AnsiblePlay: Sendable {
    var name: String
    /// A host pattern the exporter built from checked names only.
    var hosts: String
    var isLocal: Bool
    var vars: [(key: String, value: YAMLNode)] = []
    /// Secrets asked once, at the start (`read -s NAME`).
    var prompts: [String] = []
    var tasks: [YAMLNode] = []

    var node: YAMLNode {
        var pairs: [(key: String, value: YAMLNode)] = [("name", .text(name)), ("hosts", .text(hosts))]
        if isLocal { pairs.append(("connection", .plain("local"))) }
        pairs.append(("gather_facts", .bool(false)))
        // The recording stopped at its first failure, on any host; an
        // unreachable host must stop it too, which any_errors_fatal alone
        // does not do (the next play would run).
        pairs.append(("any_errors_fatal", .bool(true)))
        pairs.append(("max_fail_percentage", .int(0)))
        if !prompts.isEmpty {
            pairs.append(("vars_prompt", .list(prompts.map { name in
                .map([("name", .plain(name)), ("prompt", .text("\(name) (secret, not echoed)")), ("private", .bool(true))])
            })))
        }
        if !vars.isEmpty { pairs.append(("vars", .map(vars))) }
        pairs.append(("tasks", .list(tasks)))
        return .map(pairs)
    }
}

/// Where a task runs, as the recording's target stack had it.
struct Placement: Sendable, Equatable {
    /// Host names (checked for Ansible patterns), or empty for this machine.
    var hosts: [String]
    /// The pattern for `hosts:`: a group for `roles:NAME`, else the names.
    var pattern: String
    var user: String?
    var isLogin = false
    var directory: String?
    var environment: [(name: String, value: String)] = []

    var isLocal: Bool { hosts.isEmpty }

    static func == (a: Placement, b: Placement) -> Bool {
        a.hosts == b.hosts && a.pattern == b.pattern && a.user == b.user && a.isLogin == b.isLogin && a.directory == b.directory
            && a.environment.map(\.name) == b.environment.map(\.name) && a.environment.map(\.value) == b.environment.map(\.value)
    }

    /// `become`, `chdir` and `environment` for a task here.
    func taskOptions() -> [(key: String, value: YAMLNode)] {
        var pairs: [(key: String, value: YAMLNode)] = []
        if let user {
            pairs.append(("become", .bool(true)))
            pairs.append(("become_user", .text(user)))
        }
        if !environment.isEmpty {
            pairs.append(("environment", .map(environment.map { ($0.name, YAMLNode.text($0.value)) })))
        }
        return pairs
    }

    /// The directory a command starts in: the `cd`'s, a login's home, or
    /// for this machine the directory the export ran in.
    var chdir: YAMLNode? {
        if let directory { return .text(directory) }
        if isLogin { return .text("~") }
        if isLocal { return .template("{{ opsshell_local_dir }}") }
        return nil
    }
}
