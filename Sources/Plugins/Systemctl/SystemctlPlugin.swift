import OpsKit

/// `systemctl` (systemd's `src/systemctl`): service state and control.
public struct SystemctlPlugin: Plugin {
    public let name = "systemctl"
    public let executables = ["systemctl"]
    public let summary = "systemd services: start, stop, status, is-active"
    public let examples = ["sudo systemctl stop patroni", "systemctl is-active patroni"]

    public init() {}

    static let unitFlags = [Flag("--no-block"), Flag("--now"), Flag("-q", "--quiet")]

    public let grammar = ToolGrammar(
        flags: [
            Flag("--no-pager"), Flag("-l", "--full"), Flag("--user"), Flag("--system"), Flag("-H", "--host", takesValue: true),
            Flag("--root", takesValue: true), Flag("-a", "--all"), Flag("-t", "--type", takesValue: true),
            Flag("--state", takesValue: true), Flag("-n", "--lines", takesValue: true), Flag("-o", "--output", takesValue: true),
        ],
        subcommands: [
            Subcommand("status", "a unit's state and recent log"),
            Subcommand("is-active", "whether a unit is active (exit 3: not active)", flags: unitFlags),
            Subcommand("is-enabled", "whether a unit starts at boot", flags: unitFlags),
            Subcommand("is-failed", "whether a unit failed", flags: unitFlags),
            Subcommand("show", "a unit's properties", flags: [Flag("-p", "--property", takesValue: true)]),
            Subcommand("cat", "a unit's files"),
            Subcommand("list-units", "loaded units"),
            Subcommand("list-unit-files", "installed unit files"),
            Subcommand("start", "start a unit", risk: .changesState, flags: unitFlags),
            Subcommand("stop", "stop a unit", risk: .changesState, flags: unitFlags),
            Subcommand("restart", "stop and start a unit", risk: .changesState, flags: unitFlags),
            Subcommand("try-restart", "restart a unit if it runs", risk: .changesState, flags: unitFlags),
            Subcommand("reload", "reload a unit's configuration", risk: .changesState, flags: unitFlags),
            Subcommand("reload-or-restart", risk: .changesState, flags: unitFlags),
            Subcommand("enable", "start a unit at boot", risk: .changesState, flags: unitFlags),
            Subcommand("disable", "do not start a unit at boot", risk: .changesState, flags: unitFlags),
            Subcommand("mask", risk: .changesState), Subcommand("unmask", risk: .changesState),
            Subcommand("kill", "send a signal to a unit's processes", risk: .changesState, flags: [Flag("-s", "--signal", takesValue: true)]),
            Subcommand("reset-failed", risk: .changesState),
            Subcommand("daemon-reload", "reload unit files", risk: .changesState),
        ]
    )
}
