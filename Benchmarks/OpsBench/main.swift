// Times the parsers and the native Patroni list in-process, for make bench.
// Prints tab-separated rows: figure, value, target, peer.
import Foundation
import OpsKit
import Plugins

func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return times.sorted()[runs / 2]
}

// 100,000 backups in WAL-E's real shape: tab-separated, \r\n, short detail columns.
var listing = "name\tlast_modified\texpanded_size_bytes\twal_segment_backup_start\twal_segment_offset_backup_start\twal_segment_backup_stop\twal_segment_offset_backup_stop\r\n"
for i in 0..<100_000 {
    let segment = String(format: "%08X%08X%08X", 20, i / 256, i % 256)
    listing += "base_\(segment)_00000040\t2026-11-28T07:48:48.159227\t\t\(segment)\t00000040\t\t\r\n"
}
var backups = 0
let walE = try median(5) { backups = try WalEBackupList.parse(listing).count }
precondition(backups == 100_000)
print("parse a 100,000-row wal-e backup-list (median of 5)\t\(String(format: "%.1f", walE)) ms\t< 100 ms\t")

// 1,000 members in Patroni 4.1's pretty table.
var table = "+ Cluster: big (1) ---+\n| Member | Host | Role | State | TL | Receive LSN | Lag | Replay LSN | Lag |\n+---+\n"
for i in 0..<1_000 {
    table += "| member-\(i) | 10.0.\(i / 256).\(i % 256):5432 | \(i == 0 ? "Leader" : "Replica") | \(i == 0 ? "running" : "streaming") | 3 | 0/9000000 | \(i % 7) | 0/9000000 | \(i % 5) |\n"
}
table += "+---+\n"
var members = 0
let patroni = try median(5) { members = try PatroniList.parse(table).count }
precondition(members == 1_000)
print("parse a 1,000-member patronictl list (median of 5)\t\(String(format: "%.1f", patroni)) ms\t< 100 ms\t")

// The native list against a running lab: GET /cluster from a warm process.
if CommandLine.arguments.count > 1 {
    let api = CommandLine.arguments[1]
    _ = try await PatroniAPI.cluster(at: api)  // connection and process warm, as in a running shell
    var times: [Double] = []
    for _ in 0..<21 {
        let start = DispatchTime.now().uptimeNanoseconds
        let found = try await PatroniAPI.cluster(at: api)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        precondition(!found.isEmpty)
    }
    let peer = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : ""
    print("native patronictl list (GET /cluster, warm shell, median of 21)\t\(String(format: "%.1f", times.sorted()[10])) ms\t< 20 ms\t\(peer)")
}

// Issue 17, item 4: work in proportion to the input, not its square.
let longLine = "echo " + String(repeating: "abcdefghij", count: 100_000)
var parsed = 0
let parse = try median(5) { parsed = try Words(parsing: longLine).words.count }
precondition(parsed == 2)
print("parse a 1 MB line (median of 5)\t\(String(format: "%.1f", parse)) ms\t< 50 ms\t")

var inventoryText = ""
for i in 0..<5_000 {
    inventoryText += "[hosts.\"db-\(i).c.gitlab-dr.internal\"]\nroles = [\"dr-base-db-patroni\"]\naddress = \"10.0.\(i / 256).\(i % 256)\"\nport = 22\nuser = \"root\"\n\n"
}
var loaded = 0
let load = try median(5) { loaded = try Inventory.parse(inventoryText, file: "bench.toml").hosts.count }
precondition(loaded == 5_000)
print("load a 5,000-host inventory (median of 5)\t\(String(format: "%.1f", load)) ms\t< 100 ms\t")
