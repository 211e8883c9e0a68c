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
        // Bytes, not Characters: grapheme breaking over a 100,000-row
        // listing costs most of a second; the format is ASCII tabs and line
        // ends. Read in place through a buffer pointer: array slices would
        // retain and release the listing for every line and cell.
        var text = text
        text.makeContiguousUTF8()
        let result = text.utf8.withContiguousStorageIfAvailable { bytes in
            Result { () throws(ParseError) in try parse(bytes) }
        }
        return try result!.get()
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> [WalEBackup] {
        let lines = lineRanges(bytes)
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        guard let first = lines.first else { throw ParseError(reason: "no output at all (is WAL-E configured?)", line: nil) }
        var cells: [Range<Int>] = []  // reused: no allocation per row
        cells.reserveCapacity(16)
        split(first, of: bytes, into: &cells)
        let columns = cells.map(text)
        guard columns.count >= 4, columns.first == "name" else {
            throw ParseError(reason: "the first line is not backup-list's header: \(text(first.prefix(120)))", line: 1)
        }
        func index(_ name: String) -> Int? { columns.firstIndex(of: name) }
        guard let modifiedColumn = index("last_modified"), let startColumn = index("wal_segment_backup_start") else {
            throw ParseError(reason: "the header lacks last_modified or wal_segment_backup_start", line: 1)
        }
        let sizeColumn = index("expanded_size_bytes"), offsetColumn = index("wal_segment_offset_backup_start")
        var backups: [WalEBackup] = []
        backups.reserveCapacity(lines.count)
        for (offset, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            split(line, of: bytes, into: &cells)
            func field(_ column: Int?) -> String? {
                guard let column, cells.indices.contains(column), !cells[column].isEmpty else { return nil }
                return text(cells[column])
            }
            let rowText = { text(line.prefix(120)) }
            guard let name = field(0), name.hasPrefix("base_") else {
                throw ParseError(reason: "not a backup row: \(rowText())", line: offset + 1)
            }
            guard cells.indices.contains(modifiedColumn), let modified = parseTime(bytes[cells[modifiedColumn]]) else {
                throw ParseError(reason: "\(name): unreadable last_modified '\(field(modifiedColumn) ?? "")'", line: offset + 1)
            }
            let segment = cells.indices.contains(startColumn) ? bytes[cells[startColumn]] : bytes[0..<0]
            guard segment.count == 24, segment.allSatisfy(isHexDigit) else {
                throw ParseError(reason: "\(name): wal_segment_backup_start is not a 24-digit segment name", line: offset + 1)
            }
            // Upper case, as WAL order is byte order of upper-case hex.
            let start = segment.contains { (97...102).contains($0) }
                ? String(decoding: segment.map { (97...102).contains($0) ? $0 - 32 : $0 }, as: UTF8.self)
                : text(cells[startColumn])
            backups.append(WalEBackup(name: name, lastModified: modified, expandedSizeBytes: field(sizeColumn).flatMap { Int64($0) },
                                      startSegment: start, startOffset: field(offsetColumn)))
        }
        // Segment names are upper-case hex ASCII: byte order is WAL order.
        // WAL-E lists keys in name order (base_<segment>), so the list is
        // usually sorted already: one pass to check is cheaper than sorting.
        let precedes = { (a: WalEBackup, b: WalEBackup) in a.startSegment.utf8.lexicographicallyPrecedes(b.startSegment.utf8) }
        let sorted = zip(backups, backups.dropFirst()).allSatisfy { !precedes($1, $0) }
        return sorted ? backups : backups.sorted(by: precedes)
    }

    /// The lines' byte ranges, split at `\n`, a `\r` before it dropped;
    /// trailing empty lines left out.
    static func lineRanges(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        var start = 0
        for index in bytes.indices where bytes[index] == 10 {
            let end = index > start && bytes[index - 1] == 13 ? index - 1 : index
            lines.append(start..<end)
            start = index + 1
        }
        if start < bytes.count { lines.append(start..<bytes.count) }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// The tab-separated cells of `line`, as byte ranges, into `cells`.
    static func split(_ line: Range<Int>, of bytes: UnsafeBufferPointer<UInt8>, into cells: inout [Range<Int>]) {
        cells.removeAll(keepingCapacity: true)
        var start = line.lowerBound
        for index in line where bytes[index] == 9 {
            cells.append(start..<index)
            start = index + 1
        }
        cells.append(start..<line.upperBound)
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte)
    }

    /// `2019-06-15 04:27:42.235000+00:00` (S3/GCS) or
    /// `2026-11-28T07:48:48.159227` (file backend, naive UTC). Read by hand:
    /// a date formatter per row made 100,000 rows take seconds.
    static func parseTime(_ text: String) -> Date? { parseTime(Array(text.utf8)[...]) }

    static func parseTime<Bytes: RandomAccessCollection<UInt8>>(_ slice: Bytes) -> Date? where Bytes.Index == Int {
        let base = slice.startIndex, count = slice.count
        func at(_ index: Int) -> UInt8 { slice[base + index] }  // zero-based, no copy
        guard count >= 19, at(4) == 45, at(7) == 45, at(10) == 84 || at(10) == 32, at(13) == 58, at(16) == 58 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(at(index)) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var fraction = 0.0
        var index = 19
        if index < count, at(index) == 46 {
            index += 1
            var scale = 0.1
            while index < count, (48...57).contains(at(index)) {
                fraction += Double(at(index) - 48) * scale
                scale /= 10
                index += 1
            }
        }
        // Nothing more, or UTC spelled `+00:00` or `Z`.
        let rest = slice[(base + index)...]
        guard rest.isEmpty || rest.elementsEqual("+00:00".utf8) || rest.elementsEqual("Z".utf8) else { return nil }
        return Date(timeIntervalSince1970: Double(daysSinceEpoch(year: year, month: month, day: day) * 86400
                                                  + hour * 3600 + minute * 60 + second) + fraction)
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
