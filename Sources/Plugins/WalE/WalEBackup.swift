import Foundation
import OpsKit

/// One base backup in the archive, as `wal-e backup-list` (or WAL-G's)
/// reports it.
public struct WalEBackup: Sendable, Equatable, Codable {
    public var name: String
    /// When the backup was stored, UTC.
    public var lastModified: Date
    public var expandedSizeBytes: Int64?
    /// The WAL segment the backup starts at, e.g. `000000140001047600000023`:
    /// timeline, then position. Backups sort by it, not by time.
    public var startSegment: String
    public var startOffset: String?

    /// How old the backup is at `now`.
    public func age(at now: Date = Date()) -> TimeInterval { now.timeIntervalSince(lastModified) }
}

/// Reads `backup-list` output: WAL-E's tab-separated `csv.writer(dialect=
/// 'excel-tab')` (`wal_e/operator/backup.py`), header always the seven
/// fields; without `--detail` (and on the file backend even with it) the
/// detail fields are empty and rows may be shorter than the header.
public enum WalEBackupList {
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let reason: String
        public let line: Int?
        public var description: String { "backup-list: \(reason)" + (line.map { " (line \($0))" } ?? "") }
    }

    static let header = ["name", "last_modified", "expanded_size_bytes", "wal_segment_backup_start",
                         "wal_segment_offset_backup_start", "wal_segment_backup_stop", "wal_segment_offset_backup_stop"]

    /// The backups, sorted by start segment (oldest first).
    public static func parse(_ text: String) throws(ParseError) -> [WalEBackup] {
        var lines = text.textLines
        while lines.last == "" { lines.removeLast() }
        guard let first = lines.first else { throw ParseError(reason: "no output at all (is WAL-E configured?)", line: nil) }
        let columns = first.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard columns.count >= 4, columns.first == "name" else {
            throw ParseError(reason: "the first line is not backup-list's header: \(first.prefix(120))", line: 1)
        }
        func index(_ name: String) -> Int? { columns.firstIndex(of: name) }
        guard let modifiedColumn = index("last_modified"), let startColumn = index("wal_segment_backup_start") else {
            throw ParseError(reason: "the header lacks last_modified or wal_segment_backup_start", line: 1)
        }
        var backups: [WalEBackup] = []
        for (offset, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            func field(_ column: Int?) -> String? { column.flatMap { fields.indices.contains($0) ? fields[$0] : nil }.flatMap { $0.isEmpty ? nil : $0 } }
            guard let name = field(0), name.hasPrefix("base_") else {
                throw ParseError(reason: "not a backup row: \(line.prefix(120))", line: offset + 1)
            }
            guard let modified = field(modifiedColumn).flatMap(parseTime) else {
                throw ParseError(reason: "\(name): unreadable last_modified '\(field(modifiedColumn) ?? "")'", line: offset + 1)
            }
            guard let start = field(startColumn), start.count == 24, start.allSatisfy(\.isHexDigit) else {
                throw ParseError(reason: "\(name): wal_segment_backup_start is not a 24-digit segment name", line: offset + 1)
            }
            backups.append(WalEBackup(name: name, lastModified: modified, expandedSizeBytes: field(index("expanded_size_bytes")).flatMap { Int64($0) },
                                      startSegment: start.uppercased(), startOffset: field(index("wal_segment_offset_backup_start"))))
        }
        return backups.sorted { $0.startSegment < $1.startSegment }
    }

    /// `2019-06-15 04:27:42.235000+00:00` (S3/GCS) or
    /// `2026-11-28T07:48:48.159227` (file backend, naive UTC).
    static func parseTime(_ text: String) -> Date? {
        var text = text.replacingAll(" ", with: "T")
        if text.hasSuffix("+00:00") { text.removeLast(6) }
        if text.hasSuffix("Z") { text.removeLast() }
        let parts = text.split(separator: ".", maxSplits: 1)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        guard let whole = formatter.date(from: String(parts[0])) else { return nil }
        let fraction = parts.count > 1 ? Double("0." + parts[1]) ?? 0 : 0
        return whole.addingTimeInterval(fraction)
    }
}
