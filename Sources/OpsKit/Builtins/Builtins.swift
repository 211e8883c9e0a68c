/// The shell's own commands.
public enum Builtins {
    /// Every built-in command, in the order `help` lists them.
    public static let all: [any Command] = [
        HelpCommand(), SetCommand(), UnsetCommand(), VarsCommand(), EchoCommand(),
        HistoryCommand(), DryRunCommand(), AuditCommand(), SSHCommand(), RecordCommand(), ReplayCommand(),
        ConfirmCommand(), SleepCommand(), ReadCommand(), ExitCommand(),
    ]
}
