import Foundation
import OpsKit
@testable import Plugins
import TestSupport
import Testing

@Suite("catch-up: the leader's WAL, lag, rates and ETAs")
struct CatchUpTests {
    @Test("the WAL query's real output reads as pg_wal's size and each slot with its retained bytes")
    func leaderWAL() throws {
        let wal = try LeaderWAL.parse(fixture("postgresql/leader-wal-15.txt"))
        #expect(wal.dataDirectory == "/var/opt/gitlab/postgresql/data")
        #expect(wal.inRecovery)
        #expect(wal.walBytes > 0 && wal.walBytes % (16 << 20) == 0)
        #expect(wal.slots.map(\.name) == ["patroni_02_db_dr_c_gitlab_dr_internal", "patroni_03_db_dr_c_gitlab_dr_internal"])
        #expect(wal.slots.allSatisfy { $0.active && $0.retainedBytes == 0 && $0.walStatus == "reserved" && $0.safeWALSize == nil })
        let disk = try #require(LeaderWAL.parseDisk(fixture("postgresql/df-pg_wal.txt")))
        #expect(disk.free > 0 && disk.size > disk.free)
    }

    @Test("output that is not the query's JSON line is an error that shows it")
    func notJSON() {
        #expect(throws: LeaderWAL.Failure.self) { try LeaderWAL.parse("psql: error: connection refused\n") }
    }

    @Test("slot names follow Patroni's slot_name_from_member_name", arguments: [
        ("patroni-01-db-dr.c.gitlab-dr.internal", "patroni_01_db_dr_c_gitlab_dr_internal"),
        ("Pod:1", "podu00581"),
        (String(repeating: "a", count: 70), String(repeating: "a", count: 63)),
    ])
    func slotNames(member: String, slot: String) {
        #expect(LeaderWAL.slotName(ofMember: member) == slot)
    }

    @Test("Patroni's timestamps keep their fraction and zone")
    func timestamps() throws {
        let date = try #require(XLog.timestamp("2026-12-02 01:27:20.500000+00:00"))
        #expect(date.timeIntervalSince1970 == 1_796_174_840.5)
        #expect(XLog.timestamp("yesterday") == nil)
    }

    @Test("xlog of a real standby leader and replica: replayed_location and its time")
    func xlog() throws {
        let leader = try XLog.parse(Data(fixture("patroni-api/patroni-standby-leader-4.1.5.json").utf8))
        let replica = try XLog.parse(Data(fixture("patroni-api/patroni-replica-4.1.5.json").utf8))
        #expect(leader.position != nil && replica.position != nil && replica.replayedAt != nil)
    }

    func sample(at second: Double, leader: Int64, replica: Int64, wal: Int64, free: Int64 = 100 << 20) -> CatchUpSample {
        CatchUpSample(time: Date(timeIntervalSince1970: second),
                      leader: .init(name: "n1", role: .standbyLeader, state: "in archive recovery", position: leader, replayedAt: nil),
                      replicas: [.init(name: "n2", role: .replica, state: "running", position: replica, replayedAt: nil)],
                      wal: LeaderWAL(dataDirectory: "/d", inRecovery: true, walBytes: wal, slots: [], diskFreeBytes: free, diskSizeBytes: 1 << 30))
    }

    @Test("a replica that gains 1 MB/s on a 60 MB lag is due in a minute; the disk lasts longer: no warning")
    func gaining() {
        let report = CatchUpReport([sample(at: 0, leader: 100 << 20, replica: 30 << 20, wal: 10 << 20),
                                    sample(at: 10, leader: 110 << 20, replica: 50 << 20, wal: 10 << 20)])
        #expect(report.replicas[0].lagBytes == 60 << 20)
        #expect(report.replicas[0].replayRate == Double(2 << 20))
        #expect(report.replicas[0].etaSeconds == 60)
        #expect(report.diskFullSeconds == nil && report.warning == nil)
        #expect(report.json().contains("\"eta_seconds\":60"))
    }

    @Test("a replica falling behind has no ETA, and a growing pg_wal then warns")
    func notGaining() throws {
        let report = CatchUpReport([sample(at: 0, leader: 100 << 20, replica: 30 << 20, wal: 10 << 20),
                                    sample(at: 10, leader: 120 << 20, replica: 40 << 20, wal: 30 << 20)])
        #expect(report.replicas[0].lagBytes == 80 << 20)
        #expect(report.replicas[0].etaSeconds == nil)
        #expect(report.diskFullSeconds == 50)
        #expect(report.warning?.contains("n2 is not catching up") == true)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let members = try #require(document["members"] as? [[String: Any]])
        #expect(members[0]["eta_seconds"] is NSNull)
        #expect(report.rendered().contains("not gaining"))
    }

    @Test("a streaming replica within one segment of the leader is caught up, though its lag is not zero")
    func withinASegment() {
        let report = CatchUpReport([sample(at: 0, leader: 112 << 20, replica: 100 << 20, wal: 10 << 20),
                                    sample(at: 10, leader: 128 << 20, replica: 116 << 20, wal: 30 << 20)])
        #expect(report.replicas[0].etaSeconds == 0)
        #expect(report.warning == nil)
        #expect(report.rendered().contains("caught up"))
    }

    @Test("the disk full before the slowest replica is due warns, naming both times")
    func diskBeforeReplica() {
        let report = CatchUpReport([sample(at: 0, leader: 100 << 20, replica: 0, wal: 10 << 20, free: 50 << 20),
                                    sample(at: 10, leader: 100 << 20, replica: 10 << 20, wal: 20 << 20, free: 40 << 20)])
        #expect(report.replicas[0].etaSeconds == 90)
        #expect(report.diskFullSeconds == 40)
        #expect(report.warning?.contains("full in about 40s, before n2 catches up (in about 1m30s)") == true)
    }
}
