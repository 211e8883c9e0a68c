import ArgumentParser
import Foundation
import OpsKit

/// `wal-e check-latest` (ours): the runbook's step 3 as a check.
struct CheckLatest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-latest",
        abstract: "Fail unless the newest base backup is younger than --max-age.")

    @Option(name: .long, help: "The oldest acceptable newest backup: 24h, 90m, 2d.")
    var maxAge: String = "24h"

    @ArgumentParser.Flag(name: .long, help: "Print the verdict as one JSON document.")
    var json = false
}

extension WalEPlugin {
    /// The session variable holding the command that runs WAL-E on the
    /// hosts, e.g. `/usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e`,
    /// so the operator can type just `wal-e backup-list`.
    static let prefixVariable = "wale"

    /// The shell text that runs WAL-E with `arguments` on the target.
    func commandText(_ arguments: [String], call: ToolCall, session: Session) -> String {
        if call.invocation.wrappers.isEmpty, call.invocation.executable == "wal-e", let prefix = session.variables[Self.prefixVariable] {
            return prefix + " " + ShellQuoting.join(arguments)
        }
        return ShellQuoting.join(call.invocation.wrappers + [call.invocation.executable] + arguments)
    }

    public func plan(_ call: ToolCall, risk: Risk, in context: Context) async throws -> RunPlan {
        let arguments = call.invocation.arguments
        if arguments.first == "check-latest" {
            return .here(commandText(["backup-list"], call: call, session: context.session), risk: .readOnly, in: context.session)
        }
        let plain = call.invocation.wantsJSON ? call.invocation.withoutJSON.arguments : arguments
        let text = (call.invocation.wrappers.isEmpty && call.invocation.executable == "wal-e" && context.session.variables[Self.prefixVariable] != nil)
            || call.invocation.wantsJSON ? commandText(plain, call: call, session: context.session) : call.shellText
        return .here(text, risk: risk, in: context.session)
    }

    public func run(_ call: ToolCall, plan: RunPlan, in context: inout Context) async throws -> Outcome {
        let arguments = call.invocation.arguments
        guard arguments.first == "check-latest" else {
            guard let (_, command) = plan.steps.first else { return .success }
            if call.invocation.wantsJSON, readsOutput(of: call.invocation.withoutJSON) {
                return try await context.runForJSON(command, invocation: call.invocation.withoutJSON, plugin: self)
            }
            if let directory = Self.fetchDirectory(call.invocation, grammar: grammar) {
                return try await fetchWithProgress(command, directory: directory, in: context)
            }
            return context.session.variables[Self.prefixVariable] != nil && call.invocation.wrappers.isEmpty
                ? try await context.runShell(command)
                : try await context.runTool(call.invocation, shellText: command, named: name)
        }
        let options = try CheckLatest.parse(Array(arguments.dropFirst()))
        guard let maxAge = DurationText.parse(options.maxAge) else {
            throw UsageError("--max-age needs a duration such as 24h", usage: "wal-e check-latest [--max-age 24h]")
        }
        guard let listing = try await context.captureStep(plan.steps[0].command, on: context.session.target,
                                                          purpose: "wal-e check-latest: the backups", limit: 64 << 20) else { return .success }
        guard listing.status.isSuccess else {
            context.console.error("wal-e backup-list failed (\(listing.status)): \(listing.standardError.lastLine)")
            return Outcome(status: listing.status)
        }
        let backups = try WalEBackupList.parse(listing.standardOutput)
        let verdict = BackupVerdict(backups: backups, maxAge: maxAge.inSeconds, now: Date())
        if options.json {
            context.console.line(verdict.json)
        } else {
            context.console.line(verdict.message, style: verdict.passed ? .success : .error)
        }
        return Outcome(status: verdict.passed ? .success : .exited(1))
    }
}

/// Whether the newest backup is recent enough, and a sentence saying so.
struct BackupVerdict {
    let newest: WalEBackup?
    let age: TimeInterval?
    let maxAge: TimeInterval

    init(backups: [WalEBackup], maxAge: TimeInterval, now: Date) {
        newest = backups.last
        age = newest.map { $0.age(at: now) }
        self.maxAge = maxAge
    }

    var passed: Bool { (age ?? .infinity) <= maxAge }

    var message: String {
        guard let newest, let age else {
            return "no base backup in the archive: production backups are not arriving; report to the DBRE on call"
        }
        let verdict = passed ? "ok" : "too old"
        return "\(verdict): the newest backup \(newest.name) (start segment \(newest.startSegment)) is \(Self.describe(age)) old; the limit is \(Self.describe(maxAge))"
            + (passed ? "" : ". Production backups are breaking: report to the DBRE on call before restoring from it")
    }

    var json: String {
        let object: [String: Any] = ["passed": passed, "newest": newest?.name ?? NSNull(), "start_segment": newest?.startSegment ?? NSNull(),
                                     "age_seconds": age.map { Int($0) } ?? NSNull(), "max_age_seconds": Int(maxAge)]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func describe(_ seconds: TimeInterval) -> String {
        let minutes = Int(seconds / 60)
        if minutes < 60 { return "\(minutes) min" }
        let hours = minutes / 60
        return hours < 48 ? "\(hours) h \(minutes % 60) min" : "\(hours / 24) days \(hours % 24) h"
    }
}
