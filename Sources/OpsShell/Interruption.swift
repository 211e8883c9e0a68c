import Dispatch
import OpsKit
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Signals, through one self-pipe.
///
/// Ctrl-C (SIGINT) cancels the running command's task, whose teardown ends
/// the command's whole process group; the shell itself lives on.
///
/// SIGTERM and SIGHUP end the shell, and so does a write to a closed
/// standard output or error (`opsshell … | head -1`, SIGPIPE): the running
/// command is cancelled the same way, so its processes are ended, its audit
/// `end` event is written (naming the signal, see `ShellEnding`) and the
/// remote watchdogs see their input close; then the ssh masters are closed,
/// the control directory is removed, and the shell dies of the signal, as a
/// process killed by it would.
///
/// A self-pipe, not a dispatch signal source: on Linux libdispatch reads
/// signals through signalfd, which loses a signal that the kernel hands to a
/// thread not blocking it. Here the handler only writes the signal's number
/// (async-signal safe) and a dispatch read source on the pipe does the rest.
final class Interruption: Sendable {
    private let running = Mutex<(@Sendable () -> Void)?>(nil)
    /// What to do on Ctrl-C when no command runs (a script exits; the REPL
    /// leaves it to libedit, which clears the line).
    private let whenIdle: @Sendable () -> Void
    /// What ending the shell must undo: close the ssh masters.
    private let cleanUp: @Sendable () -> Void
    /// Whether `cleanUp` ran; held while it runs, so a second caller waits.
    private let cleanedUp = Mutex(false)
    /// The terminal's modes before libedit made them raw, put back when the
    /// shell ends at the prompt (libedit's own handler does not run then).
    private let terminalModes: TerminalModes?
    /// Set once in `init`, never touched again; read sources are thread-safe,
    /// the type just does not say so.
    nonisolated(unsafe) private let source: any DispatchSourceRead

    /// How long a cancelled command may take to stop before the shell ends
    /// anyway (one stuck reading a confirmation from the terminal).
    private static let grace: DispatchTimeInterval = .seconds(5)

    init(whenIdle: @escaping @Sendable () -> Void, cleanUp: @escaping @Sendable () -> Void = {}) {
        self.whenIdle = whenIdle
        self.cleanUp = cleanUp
        terminalModes = TerminalModes(of: STDIN_FILENO)
        var ends: [Int32] = [0, 0]
        pipe(&ends)
        _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        signalPipe = ends[1]
        source = DispatchSource.makeReadSource(fileDescriptor: ends[0], queue: .global())
        source.setEventHandler { [weak self] in
            var bytes = [UInt8](repeating: 0, count: 64)
            let count = read(ends[0], &bytes, bytes.count)
            for byte in bytes.prefix(max(0, count)) {
                if Int32(byte) == SIGINT { self?.interrupt() } else { self?.ending(Int32(byte)) }
            }
        }
        source.resume()
        Self.claimSignals()
        // Handled, not ignored: an ignored SIGPIPE would be inherited by the
        // commands we start. A failed write then says EPIPE, which the
        // console reports through `outputClosed`.
        var quiet = sigaction()
        quiet.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&quiet.sa_mask)
        sigaction(SIGPIPE, &quiet, nil)
    }

    /// Installs our handler for SIGINT, SIGTERM and SIGHUP.
    ///
    /// Also called from libedit's prompt callback: with EL_SIGNAL on,
    /// `el_gets` installs its own handlers on entry (before it prints the
    /// prompt), and those re-send the signal with `kill(0, …)` to the whole
    /// process group, which would kill a wrapper script that started us.
    static func claimSignals() {
        guard signalPipe >= 0 else { return }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            var byte = UInt8(truncatingIfNeeded: signal)
            _ = write(signalPipe, &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // No SA_RESTART: a blocking read at the prompt sees EINTR.
        for signal in [SIGINT, SIGTERM, SIGHUP] { sigaction(signal, &action, nil) }
    }

    /// Standard output or error is gone (EPIPE): end the shell as SIGPIPE
    /// would. Safe from any thread.
    static func outputClosed() {
        guard signalPipe >= 0 else { return }
        var byte = UInt8(SIGPIPE)
        _ = write(signalPipe, &byte, 1)
    }

    private func interrupt() {
        let cancel = running.withLock { $0 }
        if let cancel { cancel() } else { whenIdle() }
    }

    private func ending(_ signal: Int32) {
        // Repeats (every failed write says EPIPE) change nothing.
        guard ShellEnding.begin(signal) else { return }
        guard let cancel = running.withLock({ $0 }) else { end() }
        // `run` ends the shell once the command has stopped and its end
        // event is written; this is for a command that does not stop.
        cancel()
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.grace) { [self] in end() }
    }

    /// Runs `body` as the command Ctrl-C cancels; when a signal is ending
    /// the shell, does not return once `body` has.
    @MainActor
    func run<Result: Sendable>(_ body: @escaping @MainActor () async -> Result) async -> Result {
        let task = Task { @MainActor in await body() }
        running.withLock { $0 = { task.cancel() } }
        let result = await task.value
        running.withLock { $0 = nil }
        if ShellEnding.signal != nil { end() }
        return result
    }

    /// Cleans up once (a second caller waits for the first) and dies of the
    /// signal that is ending the shell.
    private func end() -> Never {
        cleanedUp.withLock { done in
            guard !done else { return }
            terminalModes?.restore()
            cleanUp()
            done = true
        }
        let signal = ShellEnding.signal ?? SIGTERM
        Glibc.signal(signal, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, signal)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(signal)
        _exit(128 + signal)
    }
}

/// A terminal's modes, to put back.
private struct TerminalModes: Sendable {
    let descriptor: Int32
    let modes: termios

    init?(of descriptor: Int32) {
        var modes = termios()
        guard isatty(descriptor) != 0, tcgetattr(descriptor, &modes) == 0 else { return nil }
        self.descriptor = descriptor
        self.modes = modes
    }

    func restore() {
        var modes = modes
        tcsetattr(descriptor, TCSANOW, &modes)
    }
}

/// The pipe's write end, for the signal handler, which can capture nothing.
/// Written once, before the handler is installed; only read afterwards.
nonisolated(unsafe) private var signalPipe: Int32 = -1
