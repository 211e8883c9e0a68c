import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C the way SwiftPM's Cancellator does it: SIGINT is watched with a
/// dispatch source and cancels the running command's task, whose teardown
/// ends the command's whole process group. The shell itself lives on.
final class Interruption: Sendable {
    /// Set once in `init` and never touched again; dispatch sources are
    /// thread-safe, the type just does not say so.
    nonisolated(unsafe) private let source: any DispatchSourceSignal
    private let running = Mutex<(@Sendable () -> Void)?>(nil)
    /// What to do on Ctrl-C when no command runs (a script exits; the REPL
    /// leaves it to libedit, which clears the line).
    private let whenIdle: @Sendable () -> Void

    init(whenIdle: @escaping @Sendable () -> Void) {
        self.whenIdle = whenIdle
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in self?.interrupt() }
        source.resume()
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
