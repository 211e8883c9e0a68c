import Foundation
import OpsKit

/// What the leader's PostgreSQL says about its WAL: the size of `pg_wal`,
/// each replication slot and the WAL it holds back, and the room left on
/// the filesystem under `pg_wal`. Read with one read-only SQL query and one
/// `df`, both run on the leader's host through the shell's one path.
struct LeaderWAL: Sendable, Equatable {
    /// One row of `pg_replication_slots`, with the bytes of WAL it retains.
    struct Slot: Sendable, Equatable {
        var name: String
        var type: String
        var active: Bool
        var restartLSN: String?
        /// The leader's position minus the slot's `restart_lsn`: the WAL
        /// PostgreSQL keeps for it. Nil when the slot reserves nothing yet.
        var retainedBytes: Int64?
        /// `reserved`, `extended`, `unreserved`, `lost` (PostgreSQL 13+).
        var walStatus: String?
        /// Bytes that can still be written before the slot is lost, when
        /// `max_slot_wal_keep_size` bounds it (PostgreSQL 13+).
        var safeWALSize: Int64?
    }

    var dataDirectory: String
    var inRecovery: Bool
    /// The leader's position (replayed or received on a standby leader).
    var lsn: String?
    /// The size of the files in `pg_wal`.
    var walBytes: Int64
    var maxSlotWALKeepSize: String?
    var slots: [Slot]
    /// Free and total bytes of the filesystem that holds `pg_wal`.
    var diskFreeBytes: Int64?
    var diskSizeBytes: Int64?

    /// The query. `to_jsonb(s)` keeps every column the server's version has
    /// (`wal_status`, `safe_wal_size` from 13 on), so one text fits all.
    static let query = """
        with pos as (select case when pg_is_in_recovery() \
        then greatest(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) else pg_current_wal_lsn() end as lsn) \
        select json_build_object('data_directory', current_setting('data_directory'), \
        'in_recovery', pg_is_in_recovery(), 'lsn', (select lsn from pos), \
        'wal_bytes', (select coalesce(sum(size), 0) from pg_ls_waldir()), \
        'max_slot_wal_keep_size', current_setting('max_slot_wal_keep_size', true), \
        'slots', coalesce((select json_agg(to_jsonb(s) || jsonb_build_object('retained_bytes', \
        pg_wal_lsn_diff((select lsn from pos), s.restart_lsn)) order by s.slot_name) from pg_replication_slots s), '[]'::json))
        """

    /// The command that runs the query: `psql` is the operator's client
    /// (`gitlab-psql` on omnibus hosts), with psql's own flags for one bare
    /// line of output: no psqlrc, unaligned, tuples only, quiet.
    static func command(psql: String) -> String {
        psql + " " + ShellQuoting.join(["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", query])
    }

    /// `df` of the filesystem under `pg_wal` (the trailing slash follows
    /// a `pg_wal` that is a symlink to its own disk).
    static func diskCommand(dataDirectory: String) -> String {
        ShellQuoting.join(["df", "-P", "-B1", dataDirectory + "/pg_wal/"])
    }

    /// Reads the query's output: one JSON object (psql may print notices
    /// on other lines; the object is the line that starts with `{`).
    static func parse(_ output: String) throws -> LeaderWAL {
        guard let line = output.textLines.first(where: { $0.hasPrefix("{") }),
              let document = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let directory = document["data_directory"] as? String else {
            throw Failure(description: "the leader's WAL query did not print its JSON line: \(output.prefix(200))")
        }
        let slots = (document["slots"] as? [[String: Any]] ?? []).map { slot in
            Slot(name: slot["slot_name"] as? String ?? "", type: slot["slot_type"] as? String ?? "",
                 active: slot["active"] as? Bool ?? false, restartLSN: slot["restart_lsn"] as? String,
                 retainedBytes: integer(slot["retained_bytes"]), walStatus: slot["wal_status"] as? String,
                 safeWALSize: integer(slot["safe_wal_size"]))
        }
        return LeaderWAL(dataDirectory: directory, inRecovery: document["in_recovery"] as? Bool ?? false,
                         lsn: document["lsn"] as? String, walBytes: integer(document["wal_bytes"]) ?? 0,
                         maxSlotWALKeepSize: document["max_slot_wal_keep_size"] as? String, slots: slots)
    }

    /// Reads `df -P -B1`: the second line's available and total blocks.
    static func parseDisk(_ output: String) -> (free: Int64, size: Int64)? {
        guard let fields = output.textLines.dropFirst().first?.split(separator: " ", omittingEmptySubsequences: true),
              fields.count >= 4, let size = Int64(fields[1]), let free = Int64(fields[3]) else { return nil }
        return (free, size)
    }

    /// A JSON number that may come as an integer or a decimal (`numeric`).
    static func integer(_ value: Any?) -> Int64? {
        switch value {
        case let number as NSNumber: return number.int64Value
        case let text as String: return Int64(text)
        default: return nil
        }
    }

    /// Why the leader's WAL could not be read.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }
}

extension LeaderWAL {
    /// Reads the leader's WAL on `host` through the one path (audited,
    /// shown in dry-run). Nil in dry-run, where nothing runs.
    static func read(on host: String, psql: String, in context: Context) async throws -> LeaderWAL? {
        let target = Target(host: host)
        guard let result = try await context.captureStep(command(psql: psql), on: target,
                                                         purpose: "patronictl: the leader's WAL and replication slots") else { return nil }
        guard result.status.isSuccess else {
            throw Failure(description: "the WAL query on the leader's host \(host) failed (\(result.status)): \(result.standardError.lastLine); "
                + "check that `\(psql)` connects there as a superuser, or pass --psql 'COMMAND'")
        }
        var wal = try parse(result.standardOutput)
        if let disk = try await context.captureStep(diskCommand(dataDirectory: wal.dataDirectory), on: target,
                                                    purpose: "patronictl: free space under the leader's pg_wal"),
           disk.status.isSuccess, let (free, size) = parseDisk(disk.standardOutput) {
            wal.diskFreeBytes = free
            wal.diskSizeBytes = size
        }
        return wal
    }

    /// The slot Patroni keeps for `member` (`slot_name_from_member_name` in
    /// `patroni/dcs/__init__.py`: lower case, `-` and `.` become `_`, any
    /// other character `uNNNN`, at most 63 characters).
    static func slotName(ofMember member: String) -> String {
        var name = ""
        for scalar in member.lowercased().unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9", "_": name.unicodeScalars.append(scalar)
            case "-", ".": name += "_"
            default:
                let digits = String(scalar.value)
                name += "u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
            }
        }
        return String(name.prefix(63))
    }
}
