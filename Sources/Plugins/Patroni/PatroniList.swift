import Foundation
import OpsKit

/// The members in `patronictl list` output, in any of its forms.
///
/// - Up to 1.6: `| Cluster | Member | Host | Role | State | TL | Lag in MB |`
/// - 2.0 to 4.0: `+ Cluster: NAME (SYSID) ---+` above `| Member | Host | Role | State | TL | Lag in MB |`
/// - 4.1 and later: `| … | TL | Receive LSN | Lag | Replay LSN | Lag |`
/// - `-f json`: an array of objects; empty fields are left out.
///
/// Extra columns (`Group`, `Pending restart`, `Tags`…), rule lines between
/// rows and footers (`Maintenance mode: on`) are allowed.
public enum PatroniList {
    /// Output that is not a member list; `raw` is what the tool printed.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let reason: String
        public let raw: String
        public var description: String { "patronictl list: \(reason); it printed:\n\(raw)" }
    }

    public static func parse(_ text: String) throws(ParseError) -> [PatroniMember] {
        let trimmed = text.drop { $0 == " " || $0 == "\n" }
        if trimmed.hasPrefix("[") { return try parseJSON(text) }
        return try parseTable(text)
    }

    // MARK: - Pretty table

    static func parseTable(_ text: String) throws(ParseError) -> [PatroniMember] {
        let lines = text.textLines
        var cluster: String?
        if let title = lines.first(where: { $0.hasPrefix("+ Cluster: ") }) {
            // "+ Cluster: pg-ha-cluster (7438…) ---+…" or "+ Cluster: pg-ha-cluster -+…"
            let rest = title.dropFirst("+ Cluster: ".count)
            cluster = rest.split(separator: " ").first.map(String.init)
        }
        guard let headerIndex = lines.firstIndex(where: { $0.hasPrefix("|") && cells($0).contains("Member") }) else {
            throw ParseError(reason: "no table header with a Member column", raw: text)
        }
        let header = cells(lines[headerIndex])
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        guard let memberColumn = column("Member"), let hostColumn = column("Host"), let roleColumn = column("Role"),
              let stateColumn = column("State") else {
            throw ParseError(reason: "the header lacks Member, Host, Role or State: \(header.joined(separator: " | "))", raw: text)
        }
        let lagColumns = header.indices.filter { header[$0] == "Lag in MB" || header[$0] == "Lag" }
        var members: [PatroniMember] = []
        var sawClosingRule = false
        for line in lines[(headerIndex + 1)...] {
            if line.hasPrefix("+") { sawClosingRule = true; continue }
            guard line.hasPrefix("|") else { continue }  // footers, blank lines
            sawClosingRule = false
            let row = cells(line)
            guard row.count == header.count else {
                throw ParseError(reason: "a row has \(row.count) cells, the header \(header.count): \(line)", raw: text)
            }
            if row[memberColumn].isEmpty {
                continue  // a continuation of multi-line tags
            }
            guard let role = PatroniMember.Role(cell: row[roleColumn]) else {
                throw ParseError(reason: "unknown role '\(row[roleColumn])' for \(row[memberColumn])", raw: text)
            }
            let clusterCell = column("Cluster").map { row[$0] }
            members.append(PatroniMember(
                cluster: clusterCell ?? cluster, name: row[memberColumn], host: row[hostColumn], role: role,
                state: row[stateColumn], timeline: column("TL").flatMap { Int(row[$0]) },
                lagMB: lagColumns.first.flatMap { Int(row[$0]) },
                replayLagMB: lagColumns.count > 1 ? Int(row[lagColumns[1]]) : nil,
                receiveLSN: column("Receive LSN").map { row[$0] }.flatMap { $0.isEmpty ? nil : $0 },
                replayLSN: column("Replay LSN").map { row[$0] }.flatMap { $0.isEmpty ? nil : $0 }))
        }
        guard sawClosingRule else { throw ParseError(reason: "the table is cut off (no closing rule)", raw: text) }
        return members
    }

    /// The cells of a `| a | b |` row, trimmed.
    static func cells(_ line: String) -> [String] {
        var parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if parts.first == "" { parts.removeFirst() }
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    // MARK: - JSON

    static func parseJSON(_ text: String) throws(ParseError) -> [PatroniMember] {
        guard let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else {
            throw ParseError(reason: "not a JSON array of members", raw: text)
        }
        var members: [PatroniMember] = []
        for object in array {
            guard let name = object["Member"] as? String, let state = object["State"] as? String else {
                throw ParseError(reason: "a member without Member or State: \(object)", raw: text)
            }
            let roleText = object["Role"] as? String ?? ""
            guard let role = PatroniMember.Role(cell: roleText) else {
                throw ParseError(reason: "unknown role '\(roleText)' for \(name)", raw: text)
            }
            func int(_ key: String) -> Int? {
                if let number = object[key] as? Int { return number }
                return (object[key] as? String).flatMap { Int($0) }
            }
            members.append(PatroniMember(
                cluster: object["Cluster"] as? String, name: name, host: object["Host"] as? String ?? "", role: role, state: state,
                timeline: int("TL"), lagMB: int("Receive Lag") ?? int("Lag in MB"), replayLagMB: int("Replay Lag"),
                receiveLSN: object["Receive LSN"] as? String, replayLSN: object["Replay LSN"] as? String))
        }
        return members
    }
}
