import Foundation
import OpsKit

extension WalEPlugin {
    /// `backup-fetch DIR NAME|LATEST` over a non-empty DIR mixes two
    /// clusters' files (WAL-E itself refuses only when `DIR/postmaster.pid`
    /// exists): the operator types DIR to go on. Looked at on each target,
    /// as the target's user, also inside `knife ssh`.
    public func guards(for words: [String], on targets: [Target], in context: Context) async -> [Confirmation] {
        guard let invocation = ToolInvocation.find(in: words, isTool: { executables.contains(basename($0)) }),
              let directory = Self.fetchDirectory(invocation, grammar: grammar) else { return [] }
        let look = "find \(ShellQuoting.quote(directory)) -mindepth 1 -maxdepth 1 2>/dev/null | head -n 4"
        // All targets at once: before a fan-out to 30 hosts, not 30 round trips in a row.
        let listings = await withTaskGroup(of: (Int, [String]).self) { group in
            for (index, target) in targets.enumerated() {
                group.addTask {
                    let listing = try? await context.captureStep(look, on: target, purpose: "backup-fetch: is \(directory) empty on \(target.hostLabel)", limit: 4096)
                    return (index, listing?.standardOutput.textLines.filter { !$0.isEmpty } ?? [])
                }
            }
            var byTarget = [[String]](repeating: [], count: targets.count)
            for await (index, entries) in group { byTarget[index] = entries }
            return byTarget
        }
        return zip(targets, listings).compactMap { target, entries in
            guard !entries.isEmpty else { return nil }
            let names = entries.prefix(3).map(basename).joined(separator: ", ")
            return Confirmation(
                reason: "backup-fetch: \(directory) on \(target) is not empty (\(names)\(entries.count > 3 ? ", …" : "")); "
                    + "restoring over it mixes two clusters' files. Empty it first (the runbook's step 2), or",
                word: directory)
        }
    }

    /// A restore runs for hours on a real cluster: the shell suggests `bg`,
    /// and a job of it shows how much of DIR is there, of how much the
    /// archive says the backup holds.
    public func longRun(of invocation: ToolInvocation) -> LongRun? {
        guard let directory = Self.fetchDirectory(invocation, grammar: grammar),
              let verb = invocation.arguments.firstIndex(of: "backup-fetch") else { return nil }
        let positionals = grammar.resolve(invocation.arguments).positionals
        let size = BackupSize(command: invocation.wrappers + [invocation.executable] + invocation.arguments[..<verb],
                              query: positionals.count > 1 ? positionals[1] : "LATEST")
        return LongRun(progressDirectory: directory, expectedBytes: { target, context in await size.bytes(on: target, in: context) })
    }

    /// The DIR of a `backup-fetch DIR NAME` line.
    static func fetchDirectory(_ invocation: ToolInvocation, grammar: ToolGrammar) -> String? {
        let (path, positionals) = grammar.resolve(invocation.arguments)
        guard path.first?.name == "backup-fetch", let directory = positionals.first else { return nil }
        return directory
    }

    /// Runs backup-fetch with a live line of elapsed time and bytes restored
    /// so far (`du -sb DIR` on the target, every 5 s in the first minute,
    /// then every 30 s: each read is audited), then the size and duration.
    func fetchWithProgress(_ command: String, directory: String, in context: Context) async throws -> Outcome {
        let console = context.console, target = context.session.target
        let clock = ContinuousClock()
        let started = clock.now
        let size: @Sendable () async -> Int64? = {
            let result = try? await context.captureStep("du -sb \(ShellQuoting.quote(directory)) 2>/dev/null | cut -f1", on: target,
                                                        purpose: "backup-fetch: bytes restored into \(directory)", limit: 256)
            return result.flatMap { Int64($0.standardOutput.trimmingTrailingBlanks()) }
        }
        let progress = Task {
            var live = LiveLine(on: console)
            defer { live.clear() }
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(started.duration(to: clock.now) < .seconds(60) ? 5 : 30))
                if let bytes = await size() {
                    // Off a terminal only the final line says how much: one
                    // every 5 s for hours would bury the log.
                    live.update("restoring into \(directory): \(Self.bytesText(bytes)) in \(started.duration(to: clock.now).clockText)", news: nil)
                }
            }
        }
        let outcome = try await context.runShell(command)
        progress.cancel()
        _ = await progress.result
        let elapsed = started.duration(to: clock.now)
        if outcome.status.isSuccess, let bytes = await size() {
            console.line("restored \(Self.bytesText(bytes)) into \(directory) in \(elapsed.clockText)", style: .success)
        }
        return outcome
    }

    static func bytesText(_ bytes: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(bytes), unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}
