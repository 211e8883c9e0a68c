/// The shell's own commands.
public enum Builtins {
    /// Every built-in command, in the order `help` lists them.
    public static let all: [any Command] = [
        HelpCommand(), SetCommand(), UnsetCommand(), VarsCommand(), EchoCommand(),
        HistoryCommand(), DryRunCommand(), AuditCommand(), SSHCommand(),
        DirectoryCommand(verb: .cd), DirectoryCommand(verb: .pushd), DirectoryCommand(verb: .popd), ExportCommand(),
        BackgroundCommand(), JobsCommand(), JobControlCommand(verb: .attach), JobControlCommand(verb: .wait), JobControlCommand(verb: .kill),
        RecordCommand(), ReplayCommand(), ConfirmCommand(), SleepCommand(), ReadCommand(), PluginsCommand(), ExitCommand(),
    ]
}
