import CEdit
#if canImport(Glibc)
import Glibc
#endif

/// libedit behind a safe type: one line at a time, emacs keys, Ctrl-R
/// search, Tab completion and a history file. Nothing else in the program
/// touches libedit or its pointers.
///
/// Confined to the REPL loop's thread: libedit calls back into it (prompt,
/// Tab) from inside `el_gets`, on that thread, and nowhere else.
final class LineEditor {
    /// What `readLine` got.
    enum Input {
        case line(String)
        /// Ctrl-C at the prompt: the line was thrown away.
        case interrupted
        /// Ctrl-D on an empty line, or the terminal went away.
        case endOfInput
    }

    private let editor: OpaquePointer
    private let input: UnsafeMutablePointer<FILE>?
    private let output: UnsafeMutablePointer<FILE>?
    private let history: OpaquePointer
    private let historyPath: String?
    private let historySize: Int32
    /// Set by Ctrl-C while editing: the line read is thrown away.
    private var abandoned = false
    /// The prompt as libedit reads it; kept alive between calls.
    private var promptBytes: [CChar] = [0]
    /// Tab's answer for the text left of the cursor.
    var complete: (String) -> (typed: String, candidates: [String]) = { ($0, []) }

    /// The marker around prompt characters that take no columns (colour).
    static let literalMarker: CChar = 1

    init(program: String, historyPath: String?, historySize: Int32 = 10_000) {
        // Our own FILE streams on the standard descriptors: the C globals
        // `stdin`/`stdout` are shared mutable state Swift 6 will not touch.
        Self.useUTF8()
        input = fdopen(STDIN_FILENO, "r")
        output = fdopen(STDOUT_FILENO, "w")
        editor = el_init(program, input, output, fdopen(STDERR_FILENO, "w"))
        history = history_init()
        self.historyPath = historyPath
        self.historySize = historySize
        cedit_history_setsize(history, historySize)
        cedit_history_setunique(history, 1)
        if let historyPath { cedit_history_load(history, historyPath) }

        cedit_set_history(editor, history)
        cedit_set_editor(editor, "emacs")
        // With SIGINT handled elsewhere, libedit's own handling makes el_gets
        // return EINTR on Ctrl-C instead of killing the shell.
        cedit_set_signal(editor, 1)
        cedit_set_clientdata(editor, Unmanaged.passUnretained(self).toOpaque())
        cedit_set_prompt(editor, { editor in
            // el_gets has just installed libedit's signal handlers, which
            // re-send SIGTERM/SIGHUP to our whole process group: take those
            // signals back (see Interruption.claimSignals).
            Interruption.claimSignals()
            return LineEditor.from(editor)?.promptPointer()
        }, LineEditor.literalMarker)
        cedit_add_function(editor, "opsshell-complete", "complete the word", { editor, _ in
            LineEditor.from(editor)?.completeAtCursor() ?? UInt8(CC_ERROR)
        })
        cedit_bind(editor, "^I", "opsshell-complete")
        // Ctrl-C at the prompt is a key, not a signal: libedit retries a read
        // interrupted once (read__fixio), so a single SIGINT would not end
        // el_gets. While a command runs the terminal is cooked again and
        // Ctrl-C is a real SIGINT for that command.
        cedit_setty_edit_mode(editor, "-isig")
        cedit_add_function(editor, "opsshell-interrupt", "abandon the line", { editor, _ in
            guard let lineEditor = LineEditor.from(editor) else { return UInt8(CC_ERROR) }
            lineEditor.abandoned = true
            // Shown at the end of the abandoned line, as bash does.
            fputs("^C\n", lineEditor.output)
            fflush(lineEditor.output)
            return UInt8(CC_NEWLINE)
        })
        cedit_bind(editor, "^C", "opsshell-interrupt")
        cedit_bind(editor, "^R", "em-inc-search-prev")
        // Read ~/.editrc last so an operator's own bindings win.
        el_source(editor, nil)
    }

    deinit {
        // Nothing to save: every line went to the file as it was entered.
        history_end(history)
        el_end(editor)
    }

    /// Reads one line after showing `prompt`, with `initial` already typed
    /// (the guide's "edit this line").
    func readLine(prompt: String, initial: String = "") -> Input {
        promptBytes = Array(prompt.utf8CString)
        abandoned = false
        // el_push feeds the text in as if typed; a newline in it would
        // submit the line, so it never gets one.
        if !initial.isEmpty { el_push(editor, initial.replacingOccurrences(of: "\n", with: " ")) }
        var count: Int32 = 0
        let pointer = el_gets(editor, &count)
        if abandoned { return .interrupted }
        guard let pointer else {
            return count == -1 && errno == EINTR ? .interrupted : .endOfInput
        }
        // The buffer is reused by the next call: copy it now.
        var line = String(cString: pointer)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    /// Adds a line to the history and to the history file, so a crash
    /// loses nothing already entered.
    func remember(_ line: String) {
        cedit_history_enter(history, line)
        append(line)
    }

    /// The history, oldest first.
    var entries: [String] {
        var lines: [String] = []
        var pointer = cedit_history_step(history, 1)
        while let current = pointer {
            lines.append(String(cString: current))
            pointer = cedit_history_step(history, 0)
        }
        return lines.reversed()
    }

    /// Adds `line` to the history file merged with what other shells
    /// wrote there since we started, as shells do: two shells at once
    /// keep both their lines (saving our own history whole would be last
    /// writer wins). Under a lock, the file is read, the line added, the
    /// size limit applied, and the result written to a temporary file
    /// renamed over it, so a shell starting meanwhile reads a whole file.
    private func append(_ line: String) {
        guard let historyPath else { return }
        let lock = open(historyPath + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { return }
        defer { close(lock) }  // Closing releases the lock.
        while flock(lock, LOCK_EX) != 0, errno == EINTR {}
        let merged = history_init()
        defer { history_end(merged) }
        cedit_history_setsize(merged, historySize)
        cedit_history_setunique(merged, 1)
        cedit_history_load(merged, historyPath)
        cedit_history_enter(merged, line)
        // Created 0600 before libedit writes it: history can hold host
        // names and paths of production systems.
        let temporary = historyPath + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        close(descriptor)
        if cedit_history_save(merged, temporary) >= 0 { rename(temporary, historyPath) } else { unlink(temporary) }
    }

    /// libedit decodes the prompt and the keys typed with the C library's
    /// locale; in the default "C" locale a non-ASCII character (`…`, a
    /// directory named `données`) fails to decode and libedit crashes on the
    /// null it gets back. The shell's text is UTF-8 throughout, so the
    /// character type is the environment's when that is UTF-8, else C.UTF-8.
    private static func useUTF8() {
        if let current = setlocale(LC_CTYPE, ""), String(cString: current).uppercased().filter({ $0 != "-" }).contains("UTF8") { return }
        if setlocale(LC_CTYPE, "C.UTF-8") == nil { _ = setlocale(LC_CTYPE, "C.utf8") }
    }

    private func promptPointer() -> UnsafeMutablePointer<CChar> {
        promptBytes.withUnsafeMutableBufferPointer { $0.baseAddress! }
    }

    private static func from(_ editor: OpaquePointer?) -> LineEditor? {
        guard let editor, let data = cedit_get_clientdata(editor) else { return nil }
        return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
    }

    /// Tab: insert what all candidates share; list them when that adds
    /// nothing.
    private func completeAtCursor() -> UInt8 {
        guard let info = el_line(editor)?.pointee else { return UInt8(CC_ERROR) }
        let length = info.cursor - info.buffer
        let text = String(decoding: UnsafeRawBufferPointer(start: info.buffer, count: length), as: UTF8.self)
        let (typed, candidates) = complete(text)
        guard !candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        let completion = candidates.count == 1 ? candidates[0] : Self.commonPrefix(candidates)
        // A single complete word ends with a space, unless it is a directory
        // to go on into.
        let finished = candidates.count == 1 && !completion.hasSuffix("/")
        if completion.hasPrefix(typed), completion.count > typed.count || finished {
            let addition = Self.escapingBlanks(String(completion.dropFirst(typed.count)), quoted: Self.isInQuote(text))
            el_insertstr(editor, addition + (finished ? " " : ""))
            return UInt8(CC_REFRESH)
        }
        // Nothing to add: show the choices under the line, then redraw it.
        let list = candidates.prefix(200).joined(separator: "  ")
        fputs("\n" + list + (candidates.count > 200 ? "  …" : "") + "\n", output)
        fflush(output)
        return UInt8(CC_REDISPLAY)
    }

    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first else { return "" }
        for word in words.dropFirst() { while !word.hasPrefix(prefix) { prefix.removeLast() } }
        return prefix
    }

    private static func isInQuote(_ text: String) -> Bool {
        var quote: Character?
        for character in text {
            if let open = quote { if character == open { quote = nil } } else if character == "'" || character == "\"" { quote = character }
        }
        return quote != nil
    }

    private static func escapingBlanks(_ text: String, quoted: Bool) -> String {
        quoted ? text : text.replacingOccurrences(of: " ", with: "\\ ")
    }
}

private extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
