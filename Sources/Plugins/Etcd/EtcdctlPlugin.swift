import OpsKit

/// etcd's `etcdctl` (v3 API, `etcdctl/ctlv3/command/`): the DCS the lab's
/// Patroni uses. `etcdctl del --prefix /service/pg-ha-cluster/` is the etcd
/// form of the runbook's `consul kv delete -recurse service/pg-ha-cluster`.
public struct EtcdctlPlugin: Plugin {
    public let name = "etcdctl"
    public let executables = ["etcdctl"]
    public let summary = "etcd keys (Patroni's DCS): get, put, del, watch, member list"
    public let examples = ["etcdctl get --prefix --keys-only /service/pg-ha-cluster/", "etcdctl del --prefix /service/pg-ha-cluster/"]

    public init() {}

    static let global = [
        Flag("--endpoints", takesValue: true), Flag("--cacert", takesValue: true), Flag("--cert", takesValue: true),
        Flag("--key", takesValue: true), Flag("--user", takesValue: true), Flag("-w", "--write-out", takesValue: true),
        Flag("--dial-timeout", takesValue: true), Flag("--command-timeout", takesValue: true), Flag("--insecure-skip-tls-verify"),
    ]

    public let grammar = ToolGrammar(
        flags: global,
        subcommands: [
            Subcommand("get", "read a key or a prefix", flags: [
                Flag("--prefix"), Flag("--keys-only"), Flag("--print-value-only"), Flag("--limit", takesValue: true),
                Flag("--from-key"), Flag("--rev", takesValue: true), Flag("--sort-by", takesValue: true), Flag("--order", takesValue: true),
            ]),
            Subcommand("put", "write a key", risk: .changesState, flags: [Flag("--lease", takesValue: true), Flag("--prev-kv")]),
            Subcommand("del", "delete a key, or every key under a prefix with --prefix", risk: .destroysData, flags: [
                Flag("--prefix"), Flag("--prev-kv"), Flag("--from-key"),
            ]),
            Subcommand("watch", "print changes to a key or prefix", flags: [Flag("--prefix"), Flag("--rev", takesValue: true)]),
            Subcommand("member", "the cluster's members", subcommands: [
                Subcommand("list"), Subcommand("add", risk: .changesState), Subcommand("remove", risk: .destroysData),
            ]),
            Subcommand("endpoint", "endpoint health and status", subcommands: [Subcommand("health"), Subcommand("status")]),
            Subcommand("snapshot", "save or restore the keyspace", subcommands: [
                Subcommand("save"), Subcommand("status"), Subcommand("restore", risk: .destroysData),
            ]),
            Subcommand("compaction", "discard history before a revision", risk: .destroysData),
            Subcommand("defrag", "defragment the storage", risk: .changesState),
            Subcommand("version", "the etcdctl version"),
        ]
    )
}
