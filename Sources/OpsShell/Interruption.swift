import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C cancels the running command's task, whose teardown ends the
/// command's whole process group; the shell itself lives on.
///
/// A self-pipe, not a dispatch signal source: on Linux libdispatch reads
/// signals through signalfd, which loses a SIGINT that the kernel hands to a
/// thread not blocking it. Here the handler only writes one byte (async-signal
/// safe) and a dispatch read source on the pipe does the rest.
final class Interruption: Sendable {
    private let running = Mutex<(@Sendable () -> Void)?>(nil)
    /// What to do on Ctrl-C when no command runs (a script exits; the REPL
    /// leaves it to libedit, which clears the line).
    private let whenIdle: @Sendable () -> Void
    /// Set once in `init`, never touched again; read sources are thread-safe,
    /// the type just does not say so.
    nonisolated(unsafe) private let source: any DispatchSourceRead

    init(whenIdle: @escaping @Sendable () -> Void) {
        self.whenIdle = whenIdle
        var ends: [Int32] = [0, 0]
        pipe(&ends)
        _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        interruptPipe = ends[1]
        source = DispatchSource.makeReadSource(fileDescriptor: ends[0], queue: .global())
        source.setEventHandler { [weak self] in
            var bytes = [UInt8](repeating: 0, count: 64)
            _ = read(ends[0], &bytes, bytes.count)
            self?.interrupt()
        }
        source.resume()
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            var byte: UInt8 = 3
            _ = write(interruptPipe, &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // No SA_RESTART: a blocking read at the prompt sees EINTR.
        sigaction(SIGINT, &action, nil)
    }

    private func interrupt() {
        let cancel = running.withLock { $0 }
        if let cancel { cancel() } else { whenIdle() }
    }

    /// Runs `body` as the command Ctrl-C cancels.
    @MainActor
    func run<Result: Sendable>(_ body: @escaping @MainActor () async -> Result) async -> Result {
        let task = Task { @MainActor in await body() }
        running.withLock { $0 = { task.cancel() } }
        let result = await task.value
        running.withLock { $0 = nil }
        return result
    }
}

/// The pipe's write end, for the signal handler, which can capture nothing.
/// Written once, before the handler is installed; only read afterwards.
nonisolated(unsafe) private var interruptPipe: Int32 = -1
