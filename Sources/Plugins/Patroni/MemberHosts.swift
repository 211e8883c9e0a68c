import Foundation
import OpsKit

/// Which inventory host is which Patroni member, found from what can be
/// checked: a host's own REST API (`GET /patroni` says its role), or the
/// cluster's members (`GET /cluster`) matched by their API address against
/// the host's `patroni_api`, or by their connect address against the host's
/// address. Never by comparing names: member names are often not host names
/// (short names, pod names, IPs).
enum MemberHosts {
    /// What is known of the member on a host right now.
    enum Identity: Equatable {
        /// The member there and its role.
        case member(name: String, role: PatroniMember.Role)
        /// Nothing could tell; why not, for the operator.
        case unknown(String)
    }

    /// One member as `GET /cluster` lists it, with its addresses.
    struct Listed: Equatable {
        var name: String
        var role: PatroniMember.Role
        /// `127.0.0.1:8008`: the authority of `api_url`.
        var api: String?
        /// The connect address, without the port.
        var address: String
    }

    /// The member on `target` and its role, asked at this moment.
    static func identity(of target: Target, in inventory: Inventory) async -> Identity {
        guard let name = target.host else {
            // This machine: a Patroni on its default port answers for itself.
            if let own = try? await status(at: "127.0.0.1:8008") { return own }
            return .unknown("no Patroni REST API answers on this machine (127.0.0.1:8008)")
        }
        guard let host = inventory.host(named: name) else { return .unknown("\(name) is not in the inventory, so its Patroni REST API is not known") }
        var reasons: [String] = []
        if let api = host.attributes["patroni_api"] {
            do {
                return try await status(at: api)
            } catch {
                reasons.append("its REST API at \(api) did not answer (\(error))")
            }
        }
        // Its own API is down or unknown: the cluster as a peer sees it,
        // peers of the same roles first.
        let others = inventory.hosts.filter { $0.name != name && $0.attributes["patroni_api"] != nil }
        let peers = others.filter { !Set($0.roles).isDisjoint(with: host.roles) } + others.filter { Set($0.roles).isDisjoint(with: host.roles) }
        for peer in peers {
            guard let members = try? await cluster(at: peer.attributes["patroni_api"]!) else { continue }
            switch match(host, in: members) {
            case .success(let member): return .member(name: member.name, role: member.role)
            case .failure(let failure):
                return .unknown((reasons + [failure.description + " (as \(peer.name)'s REST API lists them)"]).joined(separator: "; "))
            }
        }
        if host.attributes["patroni_api"] == nil { reasons.append("\(name) has no patroni_api in the inventory") }
        reasons.append(peers.isEmpty ? "no other host has a patroni_api to ask" : "no other member's REST API answered")
        return .unknown(reasons.joined(separator: "; "))
    }

    /// The inventory host of `member`, for reaching it (`cycle-replicas`).
    static func host(of member: Listed, in inventory: Inventory) -> Result<OpsKit.Host, Mismatch> {
        let byAPI = inventory.hosts.filter { host in host.attributes["patroni_api"].map { authority($0) == member.api } ?? false }
        if byAPI.count == 1 { return .success(byAPI[0]) }
        let byAddress = inventory.hosts.filter { ($0.address ?? $0.name) == member.address }
        if byAddress.count == 1 { return .success(byAddress[0]) }
        return .failure(Mismatch(description: byAddress.count > 1
            ? "member \(member.name) is at \(member.address), as are \(byAddress.map(\.name).joined(separator: ", ")); give each host its patroni_api to tell them apart"
            : "member \(member.name) (REST API \(member.api ?? "unknown"), address \(member.address)) is no host of the inventory: no host has that patroni_api or address"))
    }

    /// Why a host and a member could not be matched.
    struct Mismatch: Error, CustomStringConvertible {
        let description: String
    }

    /// The member `host` is, among `members`: by API address, then by
    /// connect address when exactly one member has it.
    static func match(_ host: OpsKit.Host, in members: [Listed]) -> Result<Listed, Mismatch> {
        if let api = host.attributes["patroni_api"].map(authority), let member = members.first(where: { $0.api == api }) {
            return .success(member)
        }
        let address = host.address ?? host.name
        let same = members.filter { $0.address == address }
        if same.count == 1 { return .success(same[0]) }
        return .failure(Mismatch(description: same.isEmpty
            ? "no member has \(host.name)'s REST API or address (\(address))"
            : "members \(same.map(\.name).joined(separator: ", ")) all have address \(address), so which one \(host.name) is cannot be told"))
    }

    /// `GET /patroni`: the member's own name and role.
    static func status(at api: String) async throws -> Identity {
        let answer = try await HTTPExchange.send(.get, PatroniAPI.baseURL(api) + "/patroni", timeout: .seconds(3), limit: 1 << 20)
        guard answer.status == 200 || answer.status == 503,  // 503: a replica that is not running yet still says its role
              let document = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any],
              let roleText = document["role"] as? String, let role = PatroniMember.Role(cell: roleText) else {
            throw MemberHostsFailure(description: "GET /patroni at \(api) did not say a role (HTTP \(answer.status))")
        }
        let name = (document["patroni"] as? [String: Any])?["name"] as? String ?? api
        return .member(name: name, role: role)
    }

    /// `GET /cluster`: every member with its addresses.
    static func cluster(at api: String) async throws -> [Listed] {
        let answer = try await HTTPExchange.send(.get, PatroniAPI.baseURL(api) + "/cluster", timeout: .seconds(3))
        guard answer.status == 200, let document = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any],
              let members = document["members"] as? [[String: Any]] else {
            throw MemberHostsFailure(description: "GET /cluster at \(api) did not list members (HTTP \(answer.status))")
        }
        return members.compactMap { member in
            guard let name = member["name"] as? String, let role = (member["role"] as? String).flatMap(PatroniMember.Role.init(cell:)) else { return nil }
            return Listed(name: name, role: role, api: (member["api_url"] as? String).map(authority), address: member["host"] as? String ?? "")
        }
    }

    /// `http://10.0.0.1:8008/patroni` and `10.0.0.1:8008` → `10.0.0.1:8008`.
    static func authority(_ address: String) -> String {
        var text = Substring(address)
        if let scheme = text.range(of: "://") { text = text[scheme.upperBound...] }
        return String(text.prefix { $0 != "/" })
    }
}

/// A REST answer that is not what Patroni sends.
struct MemberHostsFailure: Error, CustomStringConvertible {
    let description: String
}
