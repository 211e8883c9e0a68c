import Foundation
import OpsKit

/// Hosts from a Chef server, through the real `knife` when it is installed
/// and configured: `knife search node QUERY -a ATTRIBUTE -F json`.
enum ChefSearch {
    /// Whether a real, configured `knife` is here: on PATH, with a config
    /// where knife looks for one (`KNIFE_HOME`, `.chef/` in this directory,
    /// `~/.chef/`).
    static func isConfigured() -> Bool {
        guard ToolLookup.path(of: "knife") != nil else { return false }
        let environment = ProcessInfo.processInfo.environment
        if environment["KNIFE_HOME"] != nil { return true }
        let home = environment["HOME"] ?? ""
        let candidates = [".chef/knife.rb", ".chef/config.rb", "\(home)/.chef/knife.rb", "\(home)/.chef/config.rb", "\(home)/.chef/credentials"]
        return candidates.contains { FileManager.default.fileExists(atPath: $0) }
    }

    /// The nodes `query` finds, in Chef's order, each with the value of
    /// `attribute` (nil when the node does not have it).
    static func nodes(matching query: String, attribute: String = "fqdn", in context: Context) async throws -> [Node] {
        let command = ShellQuoting.join(["knife", "search", "node", query, "-a", attribute, "-F", "json"])
        let result = try await context.lookUp(command, purpose: "knife ssh \(query): the hosts Chef finds", limit: 16 << 20)
        // knife exits 1 when nothing matched, with a valid empty document.
        guard result.status.isSuccess || result.status == .exited(1) else {
            throw SearchError("knife search failed (\(result.status)): \(result.standardError.lastLine)")
        }
        return try parse(result.standardOutput, attribute: attribute)
    }

    /// A node name and the attribute asked for.
    struct Node: Equatable {
        var name: String
        var value: String?
    }

    /// Reads `{"results": N, "rows": [{"NAME": {"ATTRIBUTE": …}}]}` (knife's
    /// `search.rb`, `-F json` with `-a`): the nodes, in Chef's order.
    static func parse(_ json: String, attribute: String = "fqdn") throws -> [Node] {
        guard let document = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let rows = document["rows"] as? [[String: Any]] else {
            throw SearchError("knife search printed something that is not its JSON result: \(json.prefix(200))")
        }
        return rows.flatMap { row in
            row.keys.sorted().map { name in
                let value = (row[name] as? [String: Any])?[attribute]
                return Node(name: name, value: (value as? String) ?? (value as? NSNumber).map { "\($0)" })
            }
        }
    }

    struct SearchError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
