import OpsKit

/// WAL-E (`wal_e/cmd.py`, 1.1.x): base backups and WAL archiving.
public struct WalEPlugin: Plugin {
    public let name = "wal-e"
    public let executables = ["wal-e"]
    public let summary = "WAL-E base backups and WAL archive: backup-list, backup-fetch, wal-fetch"
    public let examples = [
        "/usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e backup-list",
        "set wale '/usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e'   # then: wal-e backup-list",
        "wal-e check-latest --max-age 24h",
        "wal-e backup-fetch /var/opt/gitlab/postgresql/data LATEST",
    ]

    public init() {}

    public let grammar = ToolGrammar(
        flags: [
            Flag("-k", "--aws-access-key-id", takesValue: true), Flag("--aws-instance-profile"),
            Flag("-a", "--wabs-account-name", takesValue: true), Flag("--s3-prefix", takesValue: true),
            Flag("--wabs-prefix", takesValue: true), Flag("--gs-prefix", takesValue: true),
            Flag("--file-prefix", takesValue: true), Flag("--gpg-key-id", takesValue: true),
            Flag("--terse"), Flag("--help"),
        ],
        subcommands: [
            Subcommand("backup-list", "list base backups", flags: [Flag("--detail")]),
            Subcommand("backup-fetch", "restore a base backup into a data directory", risk: .changesState, flags: [
                Flag("--blind-restore"), Flag("--restore-spec", takesValue: true), Flag("--pool-size", "-p", takesValue: true),
            ]),
            Subcommand("backup-push", "push a base backup of a data directory", risk: .changesState, flags: [
                Flag("--cluster-read-rate-limit", takesValue: true), Flag("--pool-size", "-p", takesValue: true), Flag("--while-offline"),
            ]),
            Subcommand("wal-fetch", "fetch one WAL segment", risk: .changesState, flags: [Flag("--prefetch", "-p", takesValue: true)]),
            Subcommand("wal-push", "archive one WAL segment", risk: .changesState, flags: [Flag("--pool-size", "-p", takesValue: true)]),
            Subcommand("wal-prefetch", "prefetch WAL segments"),
            Subcommand("delete", "delete backups and WAL (a dry run unless --confirm)", flags: [Flag("--confirm", escalatesTo: .destroysData)], subcommands: [
                Subcommand("before", "everything before a backup or segment"),
                Subcommand("retain", "all but the newest N backups"),
                Subcommand("old-versions", "data from older WAL-E versions"),
                Subcommand("everything", "the whole archive"),
            ]),
            Subcommand("version", "the WAL-E version"),
            Subcommand("check-latest", "(opsshell) fail unless the newest backup is younger than --max-age", flags: [
                Flag("--max-age", takesValue: true), Flag("--json"),
            ]),
        ]
    )
}

/// WAL-G (`docs/README.md`): WAL-E's successor, same job, similar verbs.
public struct WalGPlugin: Plugin {
    public let name = "wal-g"
    public let executables = ["wal-g"]
    public let summary = "WAL-G base backups and WAL archive"
    public let examples = ["wal-g backup-list --detail", "wal-g backup-fetch /var/lib/postgresql/15/main LATEST"]

    public init() {}

    public let grammar = ToolGrammar(
        flags: [Flag("--config", takesValue: true), Flag("--help"), Flag("-h")],
        subcommands: [
            Subcommand("backup-list", "list base backups", flags: [Flag("--detail"), Flag("--json"), Flag("--pretty")]),
            Subcommand("backup-fetch", "restore a base backup", risk: .changesState),
            Subcommand("backup-push", "push a base backup", risk: .changesState, flags: [Flag("--full", "-f"), Flag("--permanent", "-p")]),
            Subcommand("wal-fetch", "fetch one WAL segment", risk: .changesState),
            Subcommand("wal-push", "archive one WAL segment", risk: .changesState),
            Subcommand("wal-show", "show the WAL archive's timelines"),
            Subcommand("wal-verify", "check the WAL archive's integrity"),
            Subcommand("delete", "delete backups (a dry run unless --confirm)", flags: [Flag("--confirm", escalatesTo: .destroysData)], subcommands: [
                Subcommand("retain"), Subcommand("before"), Subcommand("everything"), Subcommand("target"), Subcommand("garbage"),
            ]),
        ]
    )
}
