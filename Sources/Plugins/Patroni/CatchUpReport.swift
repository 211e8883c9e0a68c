import Foundation
import OpsKit

/// One look at the cluster for `patronictl catch-up`: each member's
/// replay position (`GET /patroni`'s `xlog`) and the leader's WAL.
struct CatchUpSample: Sendable {
    /// A member's state and replay position at `time`.
    struct Member: Sendable, Equatable {
        var name: String
        var role: PatroniMember.Role
        var state: String
        /// `xlog.replayed_location` (a replica, a standby leader) or
        /// `xlog.location` (a primary), in bytes.
        var position: Int64?
        /// `xlog.replayed_timestamp`: when the last replayed transaction committed.
        var replayedAt: Date?
    }

    var time: Date
    var leader: Member
    var replicas: [Member]
    /// Nil when it could not be read (dry-run, no psql there).
    var wal: LeaderWAL?
}

/// What `catch-up` shows, computed from the last samples: lag, rates and
/// ETAs per replica, and the leader's WAL with its disk runway.
struct CatchUpReport: Sendable {
    struct Replica: Sendable, Equatable {
        var name: String
        var role: PatroniMember.Role
        var state: String
        var lagBytes: Int64?
        var lagSeconds: Double?
        /// Bytes replayed per second over the samples.
        var replayRate: Double?
        /// How fast the lag shrinks (bytes per second); negative: it grows.
        var gainRate: Double?
        /// Seconds until the lag is gone at `gainRate`; nil when not gaining.
        var etaSeconds: Double?
    }

    var time: Date
    var leader: String
    var leaderRole: PatroniMember.Role
    var replicas: [Replica]
    var wal: LeaderWAL?
    /// Growth of `pg_wal` in bytes per second over the samples.
    var walGrowth: Double?
    /// Seconds until the filesystem under `pg_wal` is full at `walGrowth`.
    var diskFullSeconds: Double?
    var span: Double
    var warning: String?

    /// The report over `samples` (oldest first, the same leader
    /// throughout): rates between the first and the last.
    init(_ samples: [CatchUpSample]) {
        let last = samples[samples.count - 1], first = samples[0]
        let span = last.time.timeIntervalSince(first.time)
        func rate(_ from: Int64?, _ to: Int64?) -> Double? {
            guard span > 0, let from, let to else { return nil }
            return Double(to - from) / span
        }
        func lag(_ member: CatchUpSample.Member?, in sample: CatchUpSample) -> Int64? {
            guard let member, let position = member.position, let lead = sample.leader.position else { return nil }
            return max(0, lead - position)
        }
        time = last.time
        leader = last.leader.name
        leaderRole = last.leader.role
        self.span = span
        wal = last.wal
        replicas = last.replicas.map { member in
            let earlier = first.replicas.first { $0.name == member.name }
            let lagNow = lag(member, in: last), lagThen = lag(earlier, in: first)
            let gain = rate(lagNow, lagThen)
            var lagSeconds: Double?
            if let replayed = member.replayedAt {
                lagSeconds = max(0, (last.leader.replayedAt ?? last.time).timeIntervalSince(replayed))
            }
            let eta: Double? = lagNow.map { $0 <= Self.caughtUp } == true ? 0 : lagNow.flatMap { lag in gain.flatMap { $0 > 0 ? Double(lag) / $0 : nil } }
            return Replica(name: member.name, role: member.role, state: member.state, lagBytes: lagNow, lagSeconds: lagSeconds,
                           replayRate: rate(earlier?.position, member.position), gainRate: gain, etaSeconds: eta)
        }
        walGrowth = rate(first.wal?.walBytes, last.wal?.walBytes)
        if let growth = walGrowth, growth > 0, let free = last.wal?.diskFreeBytes { diskFullSeconds = Double(free) / growth }
        warning = Self.warning(replicas: replicas, diskFull: diskFullSeconds)
    }

    /// A replica within one WAL segment of the leader is caught up: the
    /// leader's position moves a segment at a time when it restores from
    /// the archive, so a streaming replica can look that far behind.
    static let caughtUp: Int64 = 16 << 20

    /// A warning when the disk fills before the slowest replica catches up
    /// (or while one is not gaining at all).
    static func warning(replicas: [Replica], diskFull: Double?) -> String? {
        guard let diskFull else { return nil }
        let behind = replicas.filter { ($0.lagBytes ?? Int64.max) > caughtUp }
        if let stuck = behind.first(where: { $0.etaSeconds == nil }) {
            return "the leader's pg_wal filesystem is full in about \(Self.duration(diskFull)) and \(stuck.name) is not catching up; "
                + "cycle the replicas (patronictl cycle-replicas) or free WAL now"
        }
        guard let slowest = behind.max(by: { ($0.etaSeconds ?? 0) < ($1.etaSeconds ?? 0) }), let eta = slowest.etaSeconds, eta > diskFull else { return nil }
        return "the leader's pg_wal filesystem is full in about \(Self.duration(diskFull)), before \(slowest.name) catches up "
            + "(in about \(Self.duration(eta))); cycle the replicas (patronictl cycle-replicas) or free WAL now"
    }

    /// The report as one JSON object (the keys are the contract of `--json`).
    func json() -> String {
        func number(_ value: Double?) -> Any { value.map { ($0 * 10).rounded() / 10 } ?? NSNull() }
        func integer(_ value: Int64?) -> Any { value ?? NSNull() as Any }
        let document: [String: Any] = [
            "time": ISO8601DateFormatter().string(from: time),
            "sample_seconds": number(span),
            "members": replicas.map { replica -> [String: Any] in
                ["name": replica.name, "role": replica.role.apiName, "state": replica.state,
                 "replay_lag_bytes": integer(replica.lagBytes), "replay_lag_seconds": number(replica.lagSeconds),
                 "replay_rate_bytes_per_second": number(replica.replayRate), "catch_up_rate_bytes_per_second": number(replica.gainRate),
                 "eta_seconds": number(replica.etaSeconds)]
            },
            "leader": [
                "name": leader, "role": leaderRole.apiName, "wal_bytes": integer(wal?.walBytes),
                "wal_growth_bytes_per_second": number(walGrowth), "disk_free_bytes": integer(wal?.diskFreeBytes),
                "disk_size_bytes": integer(wal?.diskSizeBytes), "disk_full_seconds": number(diskFullSeconds),
                "max_slot_wal_keep_size": wal?.maxSlotWALKeepSize ?? NSNull(),
            ] as [String: Any],
            "slots": (wal?.slots ?? []).map { slot -> [String: Any] in
                ["name": slot.name, "type": slot.type, "active": slot.active, "restart_lsn": slot.restartLSN ?? NSNull(),
                 "retained_bytes": integer(slot.retainedBytes), "wal_status": slot.walStatus ?? NSNull(),
                 "safe_wal_size": integer(slot.safeWALSize)]
            },
            "warning": warning ?? NSNull(),
        ]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The report as tables: the replicas, the leader's line, the slots.
    func rendered() -> String {
        let members = RecordTable(columns: ["member", "role", "state", "lag", "lag time", "replay rate", "ETA"], rows: replicas.map { replica in
            [replica.name, replica.role.apiName, replica.state, replica.lagBytes.map(Self.bytes) ?? "unknown",
             replica.lagSeconds.map(Self.duration) ?? "unknown", replica.replayRate.map { Self.bytes(Int64($0)) + "/s" } ?? "-",
             replica.lagBytes.map { $0 <= Self.caughtUp } == true ? "caught up" : replica.etaSeconds.map(Self.duration) ?? "not gaining"]
        })
        var text = members.rendered()
        if let wal {
            var line = "leader \(leader): pg_wal \(Self.bytes(wal.walBytes))"
            if let growth = walGrowth { line += growth >= 0 ? ", growing \(Self.bytes(Int64(growth)))/s" : ", shrinking \(Self.bytes(Int64(-growth)))/s" }
            if let free = wal.diskFreeBytes, let size = wal.diskSizeBytes { line += "; its filesystem \(Self.bytes(free)) free of \(Self.bytes(size))" }
            line += diskFullSeconds.map { ", full in \(Self.duration($0))" } ?? ""
            text += "\n" + line + "\n"
            if !wal.slots.isEmpty {
                text += "\n" + RecordTable(columns: ["slot", "type", "active", "retained", "wal_status", "safe_wal_size"], rows: wal.slots.map { slot in
                    [slot.name, slot.type, slot.active ? "yes" : "no", slot.retainedBytes.map(Self.bytes) ?? "none",
                     slot.walStatus ?? "-", slot.safeWALSize.map(Self.bytes) ?? "-"]
                }).rendered()
            }
        } else {
            text += "\nleader \(leader): its WAL was not read\n"
        }
        if let warning { text += "\nWARNING: \(warning)\n" }
        return text
    }

    /// `16.0 MB` (MiB, as patronictl's lag in MB is).
    static func bytes(_ value: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var amount = Double(value), unit = 0
        while abs(amount) >= 1024, unit < units.count - 1 { amount /= 1024; unit += 1 }
        return unit == 0 ? "\(value) B" : String(format: "%.1f %@", amount, units[unit])
    }

    /// `45s`, `3m20s`, `2h05m`.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        return "\(total / 3600)h\(String(format: "%02d", total / 60 % 60))m"
    }
}

extension PatroniMember.Role {
    /// The role as Patroni's REST API spells it.
    var apiName: String {
        switch self {
        case .leader: "leader"
        case .standbyLeader: "standby_leader"
        case .syncStandby: "sync_standby"
        case .replica: "replica"
        }
    }
}
