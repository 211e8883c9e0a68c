import OpsKit

/// `patronictl` (and GitLab's `gitlab-patronictl`): Patroni's command line.
/// Subcommands and flags are Patroni 4.x's (`patroni/ctl.py`).
public struct PatroniPlugin: Plugin {
    public let name = "patronictl"
    public let executables = ["patronictl", "gitlab-patronictl"]
    public let summary = "Patroni cluster control: members, switchover, restart, reinit"
    public let examples = [
        "gitlab-patronictl list", "patronictl -c /etc/patroni/patroni.yml list -f json",
        "gitlab-patronictl wait --all-running --leader --max-lag 100MB --timeout 6h --every 30s",
        "gitlab-patronictl catch-up --watch 30s", "gitlab-patronictl cycle-replicas --cycles 1",
    ]

    public init() {}

    public let grammar = ToolGrammar(
        flags: [
            Flag("-c", "--config-file", takesValue: true), Flag("-d", "--dcs-url", "--dcs", takesValue: true),
            Flag("-k", "--insecure"), Flag("--help"),
        ],
        subcommands: [
            Subcommand("list", "list the cluster's members", flags: [
                Flag("-e", "--extended"), Flag("-t", "--timestamp"), Flag("-f", "--format", takesValue: true),
                Flag("-W"), Flag("-w", "--watch", takesValue: true), Flag("--group", takesValue: true),
                Flag("--cluster", takesValue: true),
            ]),
            Subcommand("topology", "the members as a replication tree", flags: [Flag("-W"), Flag("-w", "--watch", takesValue: true)]),
            Subcommand("history", "the cluster's timeline history", flags: [Flag("-f", "--format", takesValue: true)]),
            Subcommand("show-config", "the dynamic configuration"),
            Subcommand("dsn", "a member's connection string", flags: [Flag("-r", "--role", takesValue: true), Flag("-m", "--member", takesValue: true)]),
            Subcommand("query", "run SQL on a member", risk: .changesState, flags: [
                Flag("-r", "--role", takesValue: true), Flag("-m", "--member", takesValue: true),
                Flag("-c", "--command", takesValue: true), Flag("-f", "--file", takesValue: true), Flag("-U", "--username", takesValue: true),
            ]),
            Subcommand("version", "the Patroni version"),
            Subcommand("restart", "restart PostgreSQL on members", risk: .changesState, flags: [
                Flag("-r", "--role", takesValue: true), Flag("--any"), Flag("--scheduled", takesValue: true),
                Flag("--pending"), Flag("--timeout", takesValue: true), Flag("--force"),
            ]),
            Subcommand("reload", "reload the configuration of members", risk: .changesState, flags: [Flag("-r", "--role", takesValue: true), Flag("--force")]),
            Subcommand("switchover", "hand the leader role to another member", risk: .changesState, flags: [
                Flag("--leader", "--primary", takesValue: true), Flag("--candidate", takesValue: true),
                Flag("--scheduled", takesValue: true), Flag("--force"),
            ]),
            Subcommand("failover", "promote a member without a healthy leader", risk: .changesState, flags: [Flag("--candidate", takesValue: true), Flag("--force")]),
            Subcommand("pause", "maintenance mode on: Patroni stops acting", risk: .changesState, flags: [Flag("--wait")]),
            Subcommand("resume", "maintenance mode off", risk: .changesState, flags: [Flag("--wait")]),
            Subcommand("edit-config", "change the dynamic configuration", risk: .changesState, flags: [
                Flag("-s", "--set", takesValue: true), Flag("-p", "--pg", takesValue: true), Flag("--apply", takesValue: true),
                Flag("--replace", takesValue: true), Flag("--force"), Flag("-q", "--quiet"),
            ]),
            Subcommand("flush", "discard scheduled events", risk: .changesState, flags: [Flag("-r", "--role", takesValue: true), Flag("--force")]),
            Subcommand("demote-cluster", "make the cluster a standby cluster", risk: .changesState, flags: [
                Flag("--host", takesValue: true), Flag("--port", takesValue: true), Flag("--restore-command", takesValue: true), Flag("--force"),
            ]),
            Subcommand("promote-cluster", "make a standby cluster a primary cluster", risk: .changesState, flags: [Flag("--force")]),
            Subcommand("reinit", "wipe a replica's data directory and rebuild it", risk: .destroysData, flags: [Flag("--wait"), Flag("--force")]),
            Subcommand("remove", "erase the cluster's state from the DCS", risk: .destroysData),
            Subcommand("cycle-replicas", "(opsshell) restart Patroni on the replicas only, every so often, until lag is under a bound",
                       risk: .changesState, flags: [Flag("--every", takesValue: true), Flag("--max-lag", takesValue: true), Flag("--cycles", takesValue: true)]),
            Subcommand("catch-up", "(opsshell) replay lag, rate and ETA per replica; the leader's WAL, slots and disk runway", flags: [
                Flag("--json"), Flag("--watch", takesValue: true), Flag("--samples", takesValue: true),
                Flag("--every", takesValue: true), Flag("--psql", takesValue: true),
            ]),
            Subcommand("wait", "(opsshell) wait until members run, a leader exists, lag is under a bound", flags: [
                Flag("--all-running"), Flag("--leader"), Flag("--max-lag", takesValue: true), Flag("--timeout", takesValue: true),
                Flag("--every", takesValue: true), Flag("--members", takesValue: true), Flag("--cluster", takesValue: true),
            ]),
        ]
    )
}
