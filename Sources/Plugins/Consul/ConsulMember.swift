import Foundation
import OpsKit

/// An agent of `GET /v1/agent/members` (`api/agent.go` `AgentMember`), as
/// `consul members` shows it (`command/members/members.go`).
public struct ConsulMember: Sendable, Equatable {
    public var node: String
    public var address: String
    public var status: String
    public var type: String
    public var build: String
    public var protocolVersion: String
    public var datacenter: String
    public var partition: String
    public var segment: String

    /// Serf's member status numbers (`api/agent.go` `MemberStatus`).
    static func statusName(_ code: Int) -> String {
        ["none", "alive", "leaving", "left", "failed"].indices.contains(code) ? ["none", "alive", "leaving", "left", "failed"][code] : "unknown"
    }

    static func parse(_ body: [UInt8]) throws(ConsulError) -> [ConsulMember] {
        guard let entries = try? JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]] else {
            throw ConsulError.unreadable("/v1/agent/members did not answer with a JSON array")
        }
        let members = entries.map { entry in
            let tags = entry["Tags"] as? [String: String] ?? [:]
            let address = (entry["Addr"] as? String ?? "") + ":" + String((entry["Port"] as? NSNumber)?.intValue ?? 0)
            var build = tags["build"] ?? ""
            if build.isEmpty { build = "< 0.3" } else if let colon = build.firstIndex(of: ":") { build = String(build[..<colon]) }
            let type = tags["role"] == "consul" ? "server" : tags["role"] == "node" ? "client" : "unknown"
            let partition = (tags["ap"] ?? "").isEmpty ? "default" : tags["ap"]!
            // Servers are in every segment; a client without one is in the default.
            let segment = partition != "default" ? "" : type == "server" ? "<all>" : (tags["segment"] ?? "").isEmpty ? "<default>" : tags["segment"]!
            let status = statusName((entry["Status"] as? NSNumber)?.intValue ?? -1)
            guard type != "unknown" else {
                return ConsulMember(node: entry["Name"] as? String ?? "", address: address, status: status, type: type, build: "",
                                    protocolVersion: "", datacenter: "", partition: "", segment: "")
            }
            return ConsulMember(node: entry["Name"] as? String ?? "", address: address, status: status, type: type, build: build,
                                protocolVersion: tags["vsn"] ?? "", datacenter: tags["dc"] ?? "", partition: partition, segment: segment)
        }
        // members.go sorts servers first, then the default partition, then by segment, partition and name.
        return members.sorted { a, b in
            func key(_ member: ConsulMember) -> (Int, Int, String, String, String) {
                (member.type == "server" ? 0 : 1, member.partition == "default" ? 0 : 1, member.segment, member.partition, member.node)
            }
            return key(a) < key(b)
        }
    }

    static let columns = ["Node", "Address", "Status", "Type", "Build", "Protocol", "DC", "Partition", "Segment"]

    var cells: [String] { [node, address, status, type, build, protocolVersion, datacenter, partition, segment] }

    static func table(_ members: [ConsulMember]) -> RecordTable {
        RecordTable(columns: columns.map { $0.lowercased() }, rows: members.map(\.cells))
    }

    /// `columnize.SimpleFormat`: each column as wide as its widest cell,
    /// two spaces between, the last column not padded.
    static func columnized(_ members: [ConsulMember]) -> String {
        let rows = [columns] + members.map(\.cells)
        let widths = columns.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.indices.map { $0 == row.count - 1 ? row[$0] : row[$0].padded(to: widths[$0]) }.joined(separator: "  ")
                .trimmingTrailingBlanks() + "\n"
        }.joined()
    }
}
