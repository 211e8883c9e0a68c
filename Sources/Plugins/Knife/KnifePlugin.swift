import OpsKit

/// Chef's `knife`, the parts runbooks use (`knife/lib/chef/knife/ssh.rb`,
/// `search.rb`, `node_*.rb`).
public struct KnifePlugin: Plugin {
    public let name = "knife"
    public let executables = ["knife"]
    public let summary = "Chef: run a command on every host a search finds, search nodes"
    public let examples = ["knife ssh roles:dr-base-db-patroni 'sudo systemctl stop patroni'", "knife node list"]

    public init() {}

    public let grammar = ToolGrammar(
        flags: [
            Flag("-c", "--config", takesValue: true), Flag("-E", "--environment", takesValue: true),
            Flag("-F", "--format", takesValue: true), Flag("-z", "--local-mode"), Flag("-y", "--yes"),
            Flag("-V", "--verbose"), Flag("-h", "--help"),
        ],
        subcommands: [
            Subcommand("ssh", "run a command on every node a query finds", risk: .changesState, flags: [
                Flag("-a", "--attribute", takesValue: true), Flag("-C", "--concurrency", takesValue: true),
                Flag("-m", "--manual-list"), Flag("-x", "--ssh-user", takesValue: true), Flag("-p", "--ssh-port", takesValue: true),
                Flag("-i", "--ssh-identity-file", takesValue: true), Flag("-G", "--ssh-gateway", takesValue: true),
                Flag("-e", "--exit-on-error"), Flag("--ssh-timeout", takesValue: true), Flag("--no-host-key-verify"),
            ]),
            Subcommand("search", "search the Chef server's index", flags: [
                Flag("-a", "--attribute", takesValue: true), Flag("-i", "--id-only"), Flag("-R", "--rows", takesValue: true),
                Flag("-r", "--run-list"), Flag("-l", "--long"), Flag("-b", "--start", takesValue: true),
            ], subcommands: [Subcommand("node"), Subcommand("role"), Subcommand("client"), Subcommand("environment")]),
            Subcommand("node", "nodes on the Chef server", subcommands: [
                Subcommand("list"), Subcommand("show"), Subcommand("edit", risk: .changesState),
                Subcommand("run_list", risk: .changesState), Subcommand("delete", risk: .destroysData),
            ]),
            Subcommand("role", "roles on the Chef server", subcommands: [Subcommand("list"), Subcommand("show")]),
            Subcommand("status", "when each node last ran chef-client"),
        ]
    )
}
