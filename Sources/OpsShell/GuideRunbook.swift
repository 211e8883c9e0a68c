import ArgumentParser
import OpsKit
#if canImport(Glibc)
import Glibc
#endif

extension OpsShellCommand {
    /// `opsshell guide RUNBOOK.md`, `guide geo-rebuild`, `guide --list`,
    /// `guide --resume`.
    struct GuideRunbook: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "guide", abstract: "Walk through a Markdown runbook step by step.",
            discussion: """
                RUNBOOK is a Markdown file or a built-in runbook (\(BuiltinRunbooks.names.joined(separator: ", "))). \
                The walk is recorded (--record FILE, else under $XDG_STATE_HOME/opsshell/guides/), and its \
                place is kept in FILE.guide beside the recording: --resume continues there.
                """)

        @Argument(help: "A Markdown runbook, or a built-in one's name.") var runbook: String?
        @ArgumentParser.Flag(name: .long, help: "Print the steps found, one line each, with their commands; run nothing.") var list = false
        @ArgumentParser.Flag(name: .long, help: "Continue the last unfinished walk (of RUNBOOK, when given).") var resume = false
        @Option(name: .long, help: "The procedure to walk, of a runbook that has several: its number, title or slug (see --list).",
                completion: .custom { words, _, _ in GuideRunbook.procedureNames(words) }) var procedure: String?
        @OptionGroup var options: SessionOptions

        @MainActor
        mutating func run() async throws {
            if list {
                guard let runbook else { throw ValidationError("--list needs a runbook") }
                let book = try Self.load(runbook)
                print(GuideListing.text(procedure == nil ? book : try Self.pick(procedure, of: book)), terminator: "")
                return
            }
            var progress: GuideProgress
            let book: Runbook
            if resume {
                let path = try GuideFiles.progressToResume(runbook: runbook, recording: options.record)
                guard let text = readText(path), let found = GuideProgress(text: text) else {
                    throw ValidationError("\(path) is not a guide's progress file")
                }
                guard !found.finished else { throw ValidationError("the walk in \(path) is finished; start a new one with opsshell guide \(found.runbook)") }
                progress = found
                let whole = try Self.load(found.runbook)
                book = try found.procedure.map { try Self.pick($0, of: whole) } ?? whole
                if book.fingerprint != found.fingerprint {
                    TerminalConsole().notice("\(found.runbook) has changed since this walk started; steps are resumed by number")
                }
                // The walk's own variables first (the pinned date too), then --set.
                options.variables = found.variables.map { "\($0.name)=\($0.value)" } + options.variables
                options.record = found.recording
                TerminalConsole().notice("resuming \(found.runbook) at step \(found.step); recording to \(found.recording)")
            } else {
                guard let runbook else { throw ValidationError("which runbook? a Markdown file, or one of: \(BuiltinRunbooks.names.joined(separator: ", "))") }
                let whole = try Self.load(runbook)
                book = try Self.pick(procedure, of: whole)
                // Absolute: --resume may run from another directory.
                let recording = absolutePath(try options.record ?? GuideFiles.newRecording(for: runbook))
                options.record = recording
                progress = GuideProgress(runbook: BuiltinRunbooks.text(named: runbook) == nil ? absolutePath(runbook) : runbook,
                                         fingerprint: book.fingerprint, recording: recording)
                if whole.procedures.count > 1 { progress.procedure = whole.procedure(named: procedure ?? "")?.slug }
                for warning in whole.warnings { TerminalConsole().notice("\(runbook), \(warning)") }
                TerminalConsole().notice("recording this walk to \(recording)")
                GuideFiles.register(progress: GuideProgress.path(forRecording: recording))
            }
            if options.yes {
                TerminalConsole().notice("--yes does not apply to a guided walk: a person confirms each destructive step")
                options.yes = false
            }
            let interactive = isatty(STDIN_FILENO) != 0
            let editor = interactive ? LineEditor(program: "opsshell", historyPath: StatePaths.history) : nil
            let interpreter = try options.makeInterpreter(history: { [] })
            if let editor {
                let completer = Completer(catalog: interpreter.context.catalog, inventory: interpreter.context.inventory)
                editor.complete = { text in
                    let completion = completer.complete(text, in: interpreter.session)
                    return (completion.typed, completion.candidates)
                }
            }
            let terminal = TerminalGuide(editor: editor, interruption: Interruption(whenIdle: {}, cleanUp: { [context = interpreter.context] in
                context.closeConnections()
            }))
            let guide = Guide(runbook: book, progress: progress, progressPath: GuideProgress.path(forRecording: progress.recording),
                              interpreter: interpreter, terminal: terminal)
            let outcome = await guide.walk()
            interpreter.context.recorder?.stop()
            interpreter.closeConnections()
            throw ExitCode(outcome.status.code)
        }

        /// The runbook cut to the procedure `name` picks; the whole runbook
        /// when it has one procedure and none is named.
        static func pick(_ name: String?, of runbook: Runbook) throws -> Runbook {
            let procedures = runbook.procedures
            let names = procedures.enumerated().map { "\($0.offset + 1). \($0.element.title) (\($0.element.slug))" }.joined(separator: "; ")
            guard let name else {
                guard procedures.count == 1 else {
                    throw ValidationError("\(runbook.source) has \(procedures.count) procedures: \(names); walk one with --procedure NAME")
                }
                return runbook
            }
            guard let procedure = runbook.procedure(named: name) else {
                throw ValidationError("\(runbook.source) has no procedure '\(name)'; its procedures: \(names)")
            }
            return procedures.count == 1 ? runbook : runbook.only(procedure)
        }

        /// Tab completion of --procedure: the slugs of the runbook on the line.
        static func procedureNames(_ words: [String]) -> [String] {
            for word in words.reversed() where !word.hasPrefix("-") {
                if let runbook = try? load(word) { return runbook.procedures.map(\.slug) }
            }
            return []
        }

        /// A built-in runbook by name, else a file.
        static func load(_ name: String) throws -> Runbook {
            do {
                if let bytes = BuiltinRunbooks.text(named: name) { return try Runbook(bytes: bytes, source: name) }
                guard let bytes = readBytes(name) else {
                    throw ValidationError("cannot read \(name): \(String(cString: strerror(errno))); built-in runbooks: \(BuiltinRunbooks.names.joined(separator: ", "))")
                }
                return try Runbook(bytes: bytes, source: name)
            } catch let error as RunbookError {
                throw ValidationError("\(error)")
            }
        }
    }
}

func absolutePath(_ path: String) -> String {
    guard !path.hasPrefix("/"), let directory = getcwd(nil, 0) else { return path }
    defer { free(directory) }
    return String(cString: directory) + "/" + path
}
