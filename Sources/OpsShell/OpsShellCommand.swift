import ArgumentParser
import OpsKit
import Plugins
#if canImport(Glibc)
import Glibc
#endif

/// `opsshell`: the interactive shell, or a script from `-c`, a file or stdin.
@main
struct OpsShellCommand: AsyncParsableCommand {

    static let configuration = CommandConfiguration(
        commandName: "opsshell",
        abstract: "An operations shell for PostgreSQL/Patroni clusters.",
        discussion: """
            With no arguments on a terminal, starts the interactive shell. When standard \
            input is not a terminal, reads commands from it as a script.
            """,
        version: ShellVersion.current,
        subcommands: [Interactive.self, RunScript.self, ReplayScript.self, GuideRunbook.self, ExportRecording.self],
        defaultSubcommand: Interactive.self
    )
}

/// Flags every way of starting a session shares.
struct SessionOptions: ParsableArguments {
    @ArgumentParser.Flag(name: .long, help: "Show every command's exact form and target; run nothing.")
    var dryRun = false

    @ArgumentParser.Flag(name: .long, help: "Run destructive commands without typed confirmation (scripts only).")
    var yes = false

    @Option(name: .customLong("set"), help: ArgumentHelp("Set a session variable before the first command.", valueName: "NAME=VALUE"))
    var variables: [String] = []

    @Option(name: .long, help: ArgumentHelp("Record the whole session as a script that replays.", valueName: "FILE"))
    var record: String?

    @ArgumentParser.Flag(name: .long, help: "Run without writing the audit log (audit.jsonl); the recording says so.")
    var noAudit = false

    @Option(name: .customLong("plugins"), help: ArgumentHelp("Also read plugin files (*.toml) from DIR, after the installed ones and $XDG_CONFIG_HOME/opsshell/plugins; repeat for more.", valueName: "DIR"))
    var pluginDirectories: [String] = []

    @Option(name: .long, help: ArgumentHelp("The inventory of hosts and roles (default: ./opsshell.toml, then $XDG_CONFIG_HOME/opsshell/opsshell.toml).", valueName: "FILE"))
    var inventory: String?

    /// A fresh interpreter set up as the flags say.
    @MainActor
    func makeInterpreter(history: @escaping @Sendable () -> [String] = { [] }) throws -> Interpreter {
        var session = Session()
        if dryRun { session.promiseDryRun() }  // for the whole run: no line can lift it
        session.assumeYes = yes
        for assignment in variables {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw ValidationError("--set takes NAME=VALUE, not '\(assignment)'")
            }
            do {
                try session.variables.set(String(assignment[..<equals]), to: String(assignment[assignment.index(after: equals)...]))
            } catch {
                throw ValidationError("--set \(assignment): \(error)")
            }
        }
        let console = TerminalConsole()
        // A broken plugin file disables its tool, never the shell: a warning, and `plugins` lists it.
        let pluginFiles = PluginLoad.load(directories: PluginLoad.directories(extra: pluginDirectories),
                                          required: Set(pluginDirectories), besides: BuiltinPlugins.all,
                                          cache: PluginLoad.defaultCache())
        for problem in pluginFiles.problems { console.notice("plugin file: \(problem); that tool is not loaded (`plugins` lists what is)") }
        let catalog = Catalog(commands: Builtins.all, plugins: BuiltinPlugins.all + pluginFiles.plugins, pluginFiles: pluginFiles)
        let hosts = try loadInventory()
        let executor = ProcessExecutor(inventory: hosts, ssh: SSHSettings.forSession())
        var context = Context(session: session, console: console, executor: executor, catalog: catalog, inventory: hosts, history: history)
        // Always a log, even where it cannot be written: its first `start`
        // event then refuses the command (fail closed) until `audit off`.
        let audit = AuditLog(path: StatePaths.audit, sessionID: context.sessionID, user: session.loginUser)
        if noAudit { audit.turnOff("--no-audit") }
        context.audit = audit
        if let record, dryRun {
            console.notice("--dry-run: no recording is written to \(record); a dry-run writes nothing")
        } else if let record {
            do {
                context.recorder = try Recorder(path: record, session: session, version: ShellVersion.current, sessionID: context.sessionID)
                if noAudit { try? context.recorder?.comment("started with --no-audit: no command of it is in the audit log") }
            } catch {
                throw ValidationError("--record: \(error)")
            }
        }
        return Interpreter(context: context)
    }

    /// The inventory named by --inventory, else the default one, else none.
    func loadInventory() throws -> Inventory {
        guard let path = inventory ?? Inventory.defaultPath() else { return Inventory() }
        do {
            return try Inventory.load(path)
        } catch {
            throw ValidationError("inventory: \(error)")
        }
    }
}

extension OpsShellCommand {
    /// The default: interactive on a terminal, a script otherwise.
    struct Interactive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "shell", abstract: "Start the shell (the default).")

        // Unconditional: `-c '-x'` or `-c '--anything'` is a line to run, not a flag.
        @Option(name: .customShort("c"), parsing: .unconditionalSingleValue, help: ArgumentHelp("Run this line and exit; repeat to run several in one session.", valueName: "LINE"))
        var lines: [String] = []

        @OptionGroup var options: SessionOptions

        @MainActor
        mutating func run() async throws {
            if !lines.isEmpty || isatty(STDIN_FILENO) == 0 {
                let source: any Sequence<String> = lines.isEmpty ? StandardInputLines() : lines.flatMap(\.textLines)
                try await runScript(source, name: lines.isEmpty ? "stdin" : "-c", options: options)
                return
            }
            if options.yes {
                // A person is at the keyboard: they confirm for themselves.
                TerminalConsole().notice("--yes applies to scripts only; destructive commands still ask here")
                options.yes = false
            }
            let editor = LineEditor(program: "opsshell", historyPath: StatePaths.history)
            let history = HistorySnapshot(editor: editor)
            let interpreter = try options.makeInterpreter(history: { history.entries() })
            let completer = Completer(catalog: interpreter.context.catalog, inventory: interpreter.context.inventory,
                                      lookups: interpreter.context.completionLookups)
            editor.complete = { text in
                let completion = completer.complete(text, in: interpreter.session)
                return (completion.typed, completion.candidates)
            }
            let interruption = Interruption(whenIdle: {}, cleanUp: { [context = interpreter.context] in
                context.closeConnections()
            })
            let outcome = await REPL(interpreter: interpreter, editor: editor, interruption: interruption).run()
            interpreter.context.recorder?.stop()
            interpreter.closeConnections()
            throw ExitCode(outcome.status.code)
        }
    }

    /// `opsshell run FILE`.
    struct RunScript: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a script, stopping at the first failure.")

        @Argument(help: "The script: one command per line, as typed in the shell.")
        var file: String

        @OptionGroup var options: SessionOptions

        @MainActor
        mutating func run() async throws {
            guard let text = readText(file) else {
                throw ValidationError("cannot read \(file): \(String(cString: strerror(errno)))")
            }
            try await runScript(text.textLines, name: file, options: options, showsLines: true)
        }
    }
}

extension OpsShellCommand {
    /// `opsshell replay FILE`.
    struct ReplayScript: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay", abstract: "Replay a recorded script, stopping at the first failure.",
            discussion: "Progress is kept in FILE.progress, so --resume continues after a failure or a crash.")

        @Argument(help: "The recording.") var file: String
        @ArgumentParser.Flag(name: .customLong("step"), help: "Ask before each command: run, skip, edit or quit.") var step = false
        @Option(name: .customLong("from"), help: "Start at this line (variables and targets before it still apply).") var from: Int?
        @ArgumentParser.Flag(name: .customLong("strict"), help: "Stop when a result differs from the recorded one.") var strict = false
        @ArgumentParser.Flag(name: .customLong("resume"), help: "Continue where the last replay of FILE stopped.") var resume = false
        @Option(name: .customLong("via"), help: ArgumentHelp("Replay through another engine: ansible (exports, then runs ansible-playbook).", valueName: "ENGINE")) var via: String?
        @ArgumentParser.Flag(name: .customLong("check"), help: "With --via ansible: Ansible's check mode.") var check = false
        @OptionGroup var options: SessionOptions

        @MainActor
        mutating func run() async throws {
            if let via {
                guard via == "ansible" else { throw ValidationError("--via knows only ansible") }
                guard !step, from == nil, !strict, !resume else { throw ValidationError("--via ansible runs the whole playbook: --step, --from, --strict and --resume are the shell's own") }
                try await AnsibleExporting.replay(recording: file, check: check, options: options)
                return
            }
            guard !check else { throw ValidationError("--check goes with --via ansible; the shell's own preview is --dry-run") }
            var replay = ReplayOptions(file: file)
            replay.dryRun = options.dryRun
            replay.step = step
            replay.from = from
            replay.strict = strict
            replay.resume = resume
            // --set values override the recording's own `set` lines.
            replay.overrides = options.variables.compactMap { assignment in
                assignment.firstIndex(of: "=").map { (String(assignment[..<$0]), String(assignment[assignment.index(after: $0)...])) }
            }
            let interpreter = try options.makeInterpreter()
            let interruption = Interruption(whenIdle: { [context = interpreter.context] in
                context.closeConnections()
                Glibc.exit(130)
            }, cleanUp: { [context = interpreter.context] in context.closeConnections() })
            let outcome = await interruption.run { [replay] in await Replay(options: replay).run(on: interpreter) }
            interpreter.context.recorder?.stop()
            interpreter.closeConnections()
            throw ExitCode(outcome.status.code)
        }
    }
}

/// Runs lines as a script; Ctrl-C stops the running command and the script.
@MainActor
func runScript(_ lines: some Sequence<String>, name: String, options: SessionOptions, showsLines: Bool = false) async throws {
    let interpreter = try options.makeInterpreter()
    let interruption = Interruption(whenIdle: { [context = interpreter.context] in
        context.closeConnections()
        exit(130)
    }, cleanUp: { [context = interpreter.context] in context.closeConnections() })
    let outcome = await interruption.run { await Script(name: name, showsLines: showsLines).run(lines, in: interpreter) }
    interpreter.context.recorder?.stop()
    interpreter.closeConnections()
    throw ExitCode(outcome.status.code)
}

/// The libedit history, readable from the `history` built-in. Only the REPL
/// loop's thread reads it (the built-in runs on the main actor, as the loop).
final class HistorySnapshot: @unchecked Sendable {
    private let editor: LineEditor
    init(editor: LineEditor) { self.editor = editor }
    func entries() -> [String] { MainActor.assumeIsolated { editor.entries } }
}
