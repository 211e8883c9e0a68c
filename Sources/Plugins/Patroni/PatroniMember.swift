import OpsKit

/// One member of a Patroni cluster, as `patronictl list` reports it.
public struct PatroniMember: Sendable, Equatable, Codable {
    /// Patroni's roles, as `list` prints them (older versions print an empty
    /// role for a replica).
    public enum Role: String, Sendable, Codable {
        case leader = "Leader"
        case standbyLeader = "Standby Leader"
        case syncStandby = "Sync Standby"
        case replica = "Replica"

        /// Reads a role cell: `Leader`, `Standby Leader`, `standby_leader`,
        /// `Sync Standby`, `Replica`, or empty (a replica before 2.0).
        init?(cell: String) {
            let normalized = cell.replacingAll("_", with: " ").lowercased()
            switch normalized {
            case "leader", "master", "primary": self = .leader
            case "standby leader": self = .standbyLeader
            case "sync standby", "sync replica", "quorum standby": self = .syncStandby
            case "replica", "": self = .replica
            default: return nil
            }
        }

        /// Whether this member leads (the runbook never restarts it).
        public var leads: Bool { self == .leader || self == .standbyLeader }
    }

    public var cluster: String?
    public var name: String
    public var host: String
    public var role: Role
    /// `running`, `streaming`, `in archive recovery`, `stopped`, `starting`…
    public var state: String
    public var timeline: Int?
    /// Replication lag in MB (the receive lag where both are known); nil for
    /// the leader or when unknown.
    public var lagMB: Int?
    /// The replay lag in MB, Patroni 4.1 and later.
    public var replayLagMB: Int?
    /// `Receive LSN` and `Replay LSN` (`0/9000000`), Patroni 4.1 and later.
    public var receiveLSN: String?
    public var replayLSN: String?

    public init(cluster: String? = nil, name: String, host: String, role: Role, state: String,
                timeline: Int? = nil, lagMB: Int? = nil, replayLagMB: Int? = nil,
                receiveLSN: String? = nil, replayLSN: String? = nil) {
        self.cluster = cluster
        self.name = name
        self.host = host
        self.role = role
        self.state = state
        self.timeline = timeline
        self.lagMB = lagMB
        self.replayLagMB = replayLagMB
        self.receiveLSN = receiveLSN
        self.replayLSN = replayLSN
    }

    /// The larger of the two lags, what a lag bound is checked against.
    public var worstLagMB: Int? {
        switch (lagMB, replayLagMB) {
        case let (a?, b?): max(a, b)
        case let (a?, nil): a
        case let (nil, b?): b
        case (nil, nil): nil
        }
    }

    /// Whether Postgres is up and following (or leading).
    public var isRunning: Bool {
        ["running", "streaming", "in archive recovery"].contains(state)
    }
}
