import Foundation
import OpsKit
import Plugins
import TestSupport
import Testing

@Suite("Reading patronictl list")
struct PatroniListTests {
    @Test("the 1.6 table with a Cluster column, empty replica roles and hand-edited lags")
    func version16() throws {
        let members = try PatroniList.parse(fixture("patronictl/list-pretty-1.6.txt"))
        #expect(members.map(\.name) == ["patroni-01-db-dr.c.gitlab-dr.internal", "patroni-02-db-dr.c.gitlab-dr.internal", "patroni-03-db-dr.c.gitlab-dr.internal"])
        #expect(members.map(\.role) == [.leader, .replica, .replica])
        #expect(members.allSatisfy { $0.cluster == "pg-ha-cluster" && $0.timeline == 20 && $0.state == "running" })
        #expect(members[0].lagMB == 0)
        #expect(members[1].lagMB == nil, "`xxx` is not a lag")
        #expect(members[0].host == "10.251.9.101")
    }

    @Test("Patroni 3.3.6 (Lag in MB) and 4.1.5 (Receive LSN | Lag | Replay LSN | Lag), tables and JSON, captured in the lab", arguments: [
        ("patronictl/list-pretty-4.1.5.txt", true), ("patronictl/list-json-4.1.5.txt", true),
        ("patronictl/list-pretty-3.3.6.txt", false), ("patronictl/list-json-3.3.6.txt", false),
    ])
    func realVersions(file: String, hasReplayLag: Bool) throws {
        let members = try PatroniList.parse(fixture(file))
        #expect(members.map(\.role) == [.standbyLeader, .replica, .replica])
        #expect(members.map(\.state) == ["in archive recovery", "streaming", "streaming"])
        #expect(members[0].lagMB == nil && members[1].lagMB == 0 && members[2].lagMB == 0)
        #expect(members[2].replayLagMB == (hasReplayLag ? 0 : nil))
        #expect(members[1].host == "127.0.0.1:25434" && members[0].timeline == 1)
        if file.contains("pretty") { #expect(members.allSatisfy { $0.cluster == "pg-ha-cluster" }) }
    }

    static let broken: [(String, String)] = [
        ("", "no table header"),
        ("Error: Provided config file /etc/patroni.yml not existing or no read rights", "no table header"),
        ("+---+\n| Member | Host | Role | State |\n+---+\n| a | h | Leader | running |\n", "cut off"),
        ("+---+\n| Member | Host | Role | State |\n+---+\n| a | h | Leader |\n+---+\n", "cells"),
        ("+---+\n| Member | Host | Role | State |\n+---+\n| a | h | Boss | running |\n+---+\n", "unknown role"),
        ("[{\"Member\": \"a\"}]", "without Member or State"),
        ("[{\"Member\": ", "not a JSON array"),
    ]

    @Test("malformed or truncated output is an error that still shows the raw text", arguments: broken)
    func malformed(text: String, reason: String) {
        let error = #expect(throws: PatroniList.ParseError.self) { try PatroniList.parse(text) }
        #expect(error?.reason.contains(reason) == true, "\(error?.reason ?? "")")
        #expect(error?.description.hasSuffix(text) == true)
    }
}

@Suite("Reading wal-e backup-list")
struct WalEBackupListTests {
    @Test("reads the seed's GCS listing, rows shorter than the header, sorted by start segment")
    func gcs() throws {
        let backups = try WalEBackupList.parse(fixture("wal-e/backup-list-gcs-1.1.txt"))
        #expect(backups.count == 6)
        #expect(backups.first?.name == "base_000000140001047600000023_02614680")
        #expect(backups.last?.startSegment == "0000001400010B4C0000008B")
        #expect(backups.map(\.startSegment) == backups.map(\.startSegment).sorted())
        #expect(backups.allSatisfy { $0.expandedSizeBytes == nil })
        let first = try #require(backups.first)
        // 2019-06-15 04:27:42.235 UTC
        #expect(abs(first.lastModified.timeIntervalSince1970 - 1_560_572_862.235) < 0.001)
        #expect(abs(first.age(at: Date(timeIntervalSince1970: 1_560_572_862.235 + 3600)) - 3600) < 0.001)
    }

    @Test("reads WAL-E 1.1.1's file-backend listing with its Excel line ends (\\r\\n), captured in the lab")
    func fileBackendCRLF() throws {
        let text = fixture("wal-e/backup-list-file-1.1.1.txt")
        #expect(text.contains("\r\n"), "the fixture keeps the tool's real line ends")
        let backups = try WalEBackupList.parse(text)
        #expect(backups.count == 1)
        #expect(backups.first?.startSegment == "000000010000000000000004")
    }

    @Test("sorts by start segment, not by time", arguments: [
        "name\tlast_modified\texpanded_size_bytes\twal_segment_backup_start\twal_segment_offset_backup_start\twal_segment_backup_stop\twal_segment_offset_backup_stop\n"
        + "base_000000020000000000000009_00000040\t2026-11-28T01:00:00.000001\t\t000000020000000000000009\t00000040\t\t\n"
        + "base_000000010000000000000004_00000040\t2026-11-28T07:48:48.159227\t\t000000010000000000000004\t00000040\t\t\n",
    ])
    func sortsBySegment(text: String) throws {
        let backups = try WalEBackupList.parse(text)
        #expect(backups.map(\.startSegment) == ["000000010000000000000004", "000000020000000000000009"])
        #expect(abs(backups[0].lastModified.timeIntervalSince1970 - 1_795_852_128.159227) < 0.001)
    }

    @Test("an empty archive has the header and no backups")
    func empty() throws {
        #expect(try WalEBackupList.parse("name\tlast_modified\texpanded_size_bytes\twal_segment_backup_start\twal_segment_offset_backup_start\twal_segment_backup_stop\twal_segment_offset_backup_stop\n").isEmpty)
    }

    @Test("what is not a listing is an error naming the line", arguments: [
        ("", "no output"),
        ("Traceback (most recent call last):\n", "not backup-list's header"),
        ("name\tlast_modified\texpanded_size_bytes\twal_segment_backup_start\nbase_1\tyesterday\t\t000000010000000000000004\n", "unreadable last_modified"),
        ("name\tlast_modified\texpanded_size_bytes\twal_segment_backup_start\nbase_1\t2026-11-28T07:48:48\t\t0004\n", "24-digit"),
    ])
    func malformed(text: String, reason: String) {
        let error = #expect(throws: WalEBackupList.ParseError.self) { try WalEBackupList.parse(text) }
        #expect(error?.reason.contains(reason) == true, "\(error?.description ?? "")")
    }
}

@Suite("What patronictl wait waits for")
struct ClusterConditionTests {
    let leader = PatroniMember(name: "p1", host: "h1", role: .standbyLeader, state: "streaming", timeline: 1)
    func replica(_ name: String, _ state: String, lag: Int?) -> PatroniMember {
        PatroniMember(name: name, host: name, role: .replica, state: state, timeline: 1, lagMB: lag)
    }

    @Test("each condition names what is missing, and is met when nothing is")
    func conditions() {
        let all = ClusterCondition(allRunning: true, leader: true, maxLagMB: 100, members: 3)
        #expect(all.unmet([]) == "no members")
        #expect(all.unmet([leader, replica("p2", "streaming", lag: 0)]) == "2 of 3 members")
        #expect(all.unmet([replica("p1", "streaming", lag: 0), replica("p2", "streaming", lag: 0), replica("p3", "streaming", lag: 0)]) == "no leader")
        #expect(all.unmet([leader, replica("p2", "stopped", lag: nil), replica("p3", "streaming", lag: 0)]) == "p2 is stopped")
        #expect(all.unmet([leader, replica("p2", "in archive recovery", lag: 120), replica("p3", "streaming", lag: 0)]) == "p2 lag 120 MB > 100 MB")
        #expect(all.unmet([leader, replica("p2", "streaming", lag: nil), replica("p3", "streaming", lag: 0)]) == "p2 lag unknown")
        #expect(all.unmet([leader, replica("p2", "streaming", lag: 100), replica("p3", "in archive recovery", lag: 3)]) == nil)
    }

    @Test("sizes read as MB", arguments: [("100MB", 100), ("1GB", 1024), ("512kB", 1), ("42", 42), ("lots", nil)])
    func sizes(text: String, megabytes: Int?) {
        #expect(ClusterCondition.megabytes(text) == megabytes)
    }
}

@Suite("Patroni: the leader guard's reading of command lines, and our own table")
struct PatroniGuardTests {
    @Test("stopping or restarting Patroni is recognised behind sudo and paths", arguments: [
        ("sudo systemctl stop patroni", true), ("systemctl restart patroni.service", true), ("/bin/systemctl --no-block stop patroni", true),
        ("sudo systemctl start patroni", false), ("systemctl status patroni", false), ("systemctl stop postgresql", false), ("echo systemctl stop patroni", false),
    ])
    func recognises(line: String, stops: Bool) throws {
        #expect(PatroniPlugin.stopsPatroni(try Words(parsing: line).words.map(\.symbolicText)) == stops)
    }

    @Test("the table printed from the REST API reads back as the same members")
    func roundTrip() throws {
        let members = [
            PatroniMember(name: "patroni-01", host: "127.0.0.1:5432", role: .standbyLeader, state: "streaming", timeline: 1),
            PatroniMember(name: "patroni-02", host: "127.0.0.1:5433", role: .replica, state: "in archive recovery", timeline: 1, lagMB: 16),
        ]
        #expect(try PatroniList.parse(PatroniTable.pretty(members)) == members)
        let fromJSON = try PatroniList.parse(PatroniTable.json(members))
        #expect(fromJSON.map(\.name) == ["patroni-01", "patroni-02"] && fromJSON[1].lagMB == 16 && fromJSON[0].role == .standbyLeader)
    }

    @Test("GET /cluster's bytes of lag become MB, 'unknown' becomes no lag")
    func clusterJSON() throws {
        let json = #"{"members": [{"name": "a", "role": "standby_leader", "state": "streaming", "api_url": "http://x/patroni", "host": "10.0.0.1", "port": 5432, "timeline": 3},"#
            + #"{"name": "b", "role": "replica", "state": "streaming", "host": "10.0.0.2", "port": 5432, "timeline": 3, "receive_lag": 104857600, "replay_lag": 209715200, "lag": 209715200},"#
            + #"{"name": "c", "role": "replica", "state": "stopped", "receive_lag": "unknown", "lag": "unknown"}]}"#
        let members = try PatroniAPI.parse(json)
        #expect(members.map(\.role) == [.standbyLeader, .replica, .replica])
        #expect(members[1].lagMB == 100 && members[1].replayLagMB == 200 && members[1].worstLagMB == 200)
        #expect(members[2].lagMB == nil && members[2].host == "")
        #expect(members[0].host == "10.0.0.1:5432")
    }
}

@Suite("Records")
struct RecordTableTests {
    @Test("render aligned, encode as JSON objects, merge hosts with a host column")
    func records() throws {
        let table = RecordTable(columns: ["unit", "state"], rows: [["patroni", "active"], ["etcd", "inactive \"x\""]])
        #expect(table.rendered() == "unit     state\npatroni  active\netcd     inactive \"x\"\n")
        let decoded = try JSONSerialization.jsonObject(with: Data(table.json().utf8)) as? [[String: String]]
        #expect(decoded == [["unit": "patroni", "state": "active"], ["unit": "etcd", "state": "inactive \"x\""]])
        let merged = try #require(RecordTable.merged([("db-1", table), ("db-2", table)]))
        #expect(merged.columns == ["host", "unit", "state"] && merged.rows.count == 4 && merged.rows[2] == ["db-2", "patroni", "active"])
    }
}
