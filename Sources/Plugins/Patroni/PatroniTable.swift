import Foundation
import OpsKit

/// Members printed the way patronictl prints them, so eyes and our own
/// parser read them alike.
public enum PatroniTable {
    static let columns = ["Member", "Host", "Role", "State", "TL", "Lag in MB"]

    /// patronictl's boxed table (`+---+` rules, `| a | b |` rows).
    public static func pretty(_ members: [PatroniMember]) -> String {
        let rows = members.map { [$0.name, $0.host, $0.role.rawValue, $0.state, $0.timeline.map(String.init) ?? "", $0.worstLagMB.map(String.init) ?? ""] }
        let widths = columns.indices.map { column in max(columns[column].count, rows.map { $0[column].count }.max() ?? 0) }
        let rule = "+" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "+\n"
        func line(_ cells: [String]) -> String {
            "|" + cells.indices.map { " " + cells[$0].padded(to: widths[$0]) + " " }.joined(separator: "|") + "|\n"
        }
        return rule + line(columns) + rule + rows.map(line).joined() + rule
    }

    /// `-f json`: patronictl's keys and types; empty fields left out, as
    /// patronictl does.
    public static func json(_ members: [PatroniMember]) -> String {
        PatroniPlugin.records(members).json() + "\n"
    }
}
