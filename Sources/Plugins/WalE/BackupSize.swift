import Foundation
import OpsKit

/// The expanded size of the base backup a `backup-fetch` restores, as the
/// archive records it: what a restore job's progress is measured against.
///
/// `backup-list --detail QUERY` has it in `expanded_size_bytes` on S3, GCS,
/// Swift and WABS (one request per backup for the sentinel). The file
/// backend never loads the detail (`FileBackupInfo.load_detail` does
/// nothing), so there the column stays empty and the backup's stop sentinel,
/// `basebackups_005/NAME_backup_stop_sentinel.json`, is read instead: WAL-E
/// writes `expanded_size_bytes` into it at `backup-push`
/// (`wal_e/operator/backup.py`).
struct BackupSize: Sendable {
    /// The fetch's own command line up to its subcommand: wrappers
    /// (`sudo -iu gitlab-psql envdir /etc/wal-e.d/env`), WAL-E, global flags.
    let command: [String]
    /// `LATEST` or a backup's name, as the fetch names it.
    let query: String

    /// Asked on `target` through the one path (read-only looks, audited);
    /// nil when the archive does not say.
    func bytes(on target: Target, in context: Context) async -> Int64? {
        let list = (command + ["backup-list", "--detail", query]).map(ShellQuoting.quote).joined(separator: " ") + " 2>/dev/null"
        guard let listing = try? await context.captureStep(list, on: target, purpose: "backup-fetch: the size of backup \(query) on \(target.hostLabel)",
                                                           limit: 1 << 20),
              listing.status.isSuccess, let backup = (try? WalEBackupList.parse(listing.standardOutput))?.last else { return nil }
        if let size = backup.expandedSizeBytes { return size }
        // The file backend: its prefix from --file-prefix, else from the
        // fetch's own environment (the envdir). No shell text of ours runs
        // there: `sudo -i` would expand its `$`s in the login shell.
        let wrappers = ToolInvocation.find(in: command) { basename($0) == "wal-e" }?.wrappers ?? []
        func run(_ words: [String], _ purpose: String) async -> String? {
            let output = try? await context.captureStep(words.map(ShellQuoting.quote).joined(separator: " "), on: target, purpose: purpose, limit: 1 << 16)
            return output.flatMap { $0.status.isSuccess ? $0.standardOutput.trimmingTrailingBlanks() : nil }
        }
        let flag = command.firstIndex(of: "--file-prefix").flatMap { command.indices.contains($0 + 1) ? command[$0 + 1] : nil }
        var prefix = flag
        if prefix == nil { prefix = await run(wrappers + ["printenv", "WALE_FILE_PREFIX"], "backup-fetch: the archive's file prefix on \(target.hostLabel)") }
        guard let prefix, let path = Self.sentinelPath(prefix: prefix, backup: backup.name),
              let sentinel = await run(wrappers + ["cat", path], "backup-fetch: the size of \(backup.name) in its sentinel") else { return nil }
        return Self.expandedSize(inSentinel: sentinel)
    }

    /// Where the file backend keeps a backup's stop sentinel
    /// (`file://localhost/PATH` or `file:///PATH`); nil for other backends.
    static func sentinelPath(prefix: String, backup: String) -> String? {
        var path = Substring(prefix)
        if path.hasPrefix("file://localhost/") { path = path.dropFirst("file://localhost".count) }
        else if path.hasPrefix("file:///") { path = path.dropFirst("file://".count) }
        else { return nil }
        while path.hasSuffix("/") { path = path.dropLast() }
        return "\(path)/basebackups_005/\(backup)_backup_stop_sentinel.json"
    }

    /// `expanded_size_bytes` of a sentinel's JSON; nil when it has none.
    static func expandedSize(inSentinel text: String) -> Int64? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let size = object["expanded_size_bytes"] as? NSNumber, size.int64Value > 0 else { return nil }
        return size.int64Value
    }
}
