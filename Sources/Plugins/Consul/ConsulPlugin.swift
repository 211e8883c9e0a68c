import OpsKit

/// HashiCorp's `consul` CLI, the parts runbooks use (`command/kv/…`).
public struct ConsulPlugin: Plugin {
    public let name = "consul"
    public let executables = ["consul"]
    public let summary = "Consul key/value store and cluster membership"
    public let examples = ["consul kv get -recurse service/pg-ha-cluster", "consul kv delete -recurse service/pg-ha-cluster"]

    public init() {}

    static let http = [
        Flag("-http-addr", takesValue: true), Flag("-token", takesValue: true), Flag("-token-file", takesValue: true),
        Flag("-datacenter", takesValue: true), Flag("-stale"), Flag("-ca-file", takesValue: true),
    ]

    public let grammar = ToolGrammar(
        flags: [Flag("-help"), Flag("-version")],
        subcommands: [
            Subcommand("kv", "the key/value store", subcommands: [
                Subcommand("get", "read a key or a prefix", flags: http + [
                    Flag("-recurse"), Flag("-detailed"), Flag("-keys"), Flag("-separator", takesValue: true), Flag("-base64"),
                ]),
                Subcommand("put", "write a key", risk: .changesState, flags: http + [
                    Flag("-flags", takesValue: true), Flag("-cas"), Flag("-modify-index", takesValue: true),
                    Flag("-acquire"), Flag("-release"), Flag("-session", takesValue: true), Flag("-base64"),
                ]),
                Subcommand("delete", "delete a key, or a whole prefix with -recurse", risk: .destroysData, flags: http + [
                    Flag("-recurse"), Flag("-cas"), Flag("-modify-index", takesValue: true),
                ]),
                Subcommand("export", "print a prefix as JSON", flags: http),
                Subcommand("import", "load keys from JSON", risk: .changesState, flags: http + [Flag("-prefix", takesValue: true)]),
            ]),
            Subcommand("members", "the cluster's agents", flags: http + [Flag("-detailed"), Flag("-status", takesValue: true)]),
            Subcommand("catalog", "services and nodes", subcommands: [
                Subcommand("services"), Subcommand("nodes"), Subcommand("datacenters"),
            ]),
            Subcommand("info", "the agent's status"),
            Subcommand("lock", "run a command holding a lock", risk: .changesState),
            Subcommand("maint", "node or service maintenance mode", risk: .changesState, flags: [Flag("-enable"), Flag("-disable"), Flag("-reason", takesValue: true)]),
            Subcommand("snapshot", "save or restore the server state", subcommands: [
                Subcommand("save"), Subcommand("inspect"), Subcommand("restore", risk: .destroysData),
            ]),
            Subcommand("reload", "reload the agent's configuration", risk: .changesState),
            Subcommand("leave", "make the agent leave the cluster", risk: .changesState),
            Subcommand("version", "the Consul version"),
        ]
    )
}
