import Dispatch
import Synchronization

/// Runs the read-only commands a plugin file names for Tab
/// (`complete = { command = "pg_lsclusters --no-header", field = 2 }`) on
/// the current target, beside the one path of `Approval.swift`.
///
/// These are not operator commands, so they are neither confirmed nor
/// audited; to keep that safe a lookup runs only what the shell itself
/// rates read-only (a file cannot rate its lookup otherwise), is bounded by
/// `timeout`, and its lines are kept for `freshness` so typing stays quick.
/// In dry-run a lookup never runs on a remote host: nothing reaches a host
/// that dry-run promised to leave alone; on this machine it runs, read-only,
/// as `Context.lookUp` does.
public final class CompletionLookups: Sendable {
    /// How long Tab waits for a lookup.
    public static let timeout = Duration.seconds(1)
    /// How long a lookup's lines are reused.
    public static let freshness = Duration.seconds(5)

    private let executor: any Executor
    private let catalog: Catalog
    private let cache = Mutex<[String: (lines: [String], fetched: ContinuousClock.Instant)]>([:])

    init(executor: any Executor, catalog: Catalog) {
        self.executor = executor
        self.catalog = catalog
    }

    /// Why a lookup did not run, or nil when it may.
    public func refusal(of command: String, on target: Target, dryRun: Bool) -> String? {
        if dryRun, !target.isLocal { return "dry-run: completion does not run commands on \(target.hostLabel)" }
        let words = Context.words(of: command)
        let risk = catalog.risk(of: words)
        return risk == .readOnly ? nil : "completion runs only read-only commands; `\(command)` \(risk)"
    }

    /// The lines `command` prints on `target`: from the cache when fresh,
    /// else run now, waiting at most `timeout`; empty when it is refused,
    /// fails or is too slow. Called synchronously from Tab.
    public func lines(of command: String, on target: Target, dryRun: Bool) -> [String] {
        guard refusal(of: command, on: target, dryRun: dryRun) == nil else { return [] }
        let key = "\(target)\n\(command)"
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[key] }), cached.fetched.duration(to: now) < Self.freshness { return cached.lines }
        // Tab is answered inside libedit on the REPL's thread, not one of
        // Swift's pool: wait there while the pool runs the command.
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<[String]>([])
        let executor = self.executor
        let task = Task.detached {
            if let output = try? await executor.capture(command, on: target, limit: 1 << 16), output.status.isSuccess {
                result.withLock { $0 = output.standardOutput.textLines.filter { !$0.isEmpty } }
            }
            done.signal()
        }
        let seconds = Double(Self.timeout.components.seconds) + Double(Self.timeout.components.attoseconds) / 1e18
        if done.wait(timeout: .now() + seconds) != .success {
            task.cancel()  // the executor tears the command down
        }
        let lines = result.withLock { $0 }
        // Kept even when empty: a host that does not answer costs one wait, not one per Tab.
        cache.withLock { $0[key] = (lines, now) }
        return lines
    }
}

extension Context {
    /// The lookups Tab may run for plugin files, on this session's executor.
    public var completionLookups: CompletionLookups { CompletionLookups(executor: executor, catalog: catalog) }
}
