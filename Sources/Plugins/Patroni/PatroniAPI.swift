import Foundation
import OpsKit

/// Patroni's REST API: `GET /cluster` answers in milliseconds what
/// `patronictl list` needs a Python start and a DCS round trip for.
///
/// The members come from `patroni/utils.py` `cluster_as_json`: `name`,
/// `role` (`leader`, `standby_leader`, `sync_standby`, `quorum_standby`,
/// `replica`), `state`, `host`, `port`, `timeline`, and for non-leaders
/// `lag`/`receive_lag`/`replay_lag` in bytes or `unknown`, and (4.1)
/// `receive_lsn`/`replay_lsn`.
public enum PatroniAPI {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The cluster as the member at `address` (`10.0.0.1:8008`, or a URL)
    /// sees it.
    public static func cluster(at address: String, timeout: Duration = .seconds(3)) async throws -> [PatroniMember] {
        let base = baseURL(address)
        let answer: (status: Int, body: [UInt8])
        do {
            answer = try await HTTPExchange.send(.get, base + "/cluster", timeout: timeout)
        } catch {
            throw Failure(description: "Patroni's REST API at \(base) did not answer: \(error)")
        }
        guard answer.status == 200 else {
            throw Failure(description: "GET \(base)/cluster answered \(answer.status)")
        }
        return try parse(String(decoding: answer.body, as: UTF8.self))
    }

    /// The cluster's name (`scope`), from `GET /patroni`.
    public static func scope(at address: String, timeout: Duration = .seconds(3)) async throws -> String? {
        let answer = try await HTTPExchange.send(.get, baseURL(address) + "/patroni", timeout: timeout, limit: 1 << 20)
        let document = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
        return (document?["patroni"] as? [String: Any])?["scope"] as? String
    }

    /// `http://` in front of a bare `host:port`, as patronictl's `restapi.connect_address` reads.
    static func baseURL(_ address: String) -> String {
        address.hasPrefix("http://") || address.hasPrefix("https://") ? address : "http://" + address
    }

    /// Reads a `GET /cluster` document.
    public static func parse(_ json: String) throws -> [PatroniMember] {
        guard let document = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let members = document["members"] as? [[String: Any]] else {
            throw Failure(description: "GET /cluster did not answer with a members list: \(json.prefix(200))")
        }
        return try members.map { member in
            guard let name = member["name"] as? String, let roleText = member["role"] as? String,
                  let role = PatroniMember.Role(cell: roleText) else {
                throw Failure(description: "a member without a name or a known role: \(member)")
            }
            func megabytes(_ key: String) -> Int? {
                (member[key] as? Int).map { Int((Double($0) / 1_048_576).rounded()) }
            }
            let host = (member["host"] as? String).map { host in (member["port"] as? Int).map { "\(host):\($0)" } ?? host } ?? ""
            // 4.1's LSNs; `unknown` is what patronictl shows as empty.
            func lsn(_ key: String) -> String? { (member[key] as? String).flatMap { $0 == "unknown" || $0.isEmpty ? nil : $0 } }
            return PatroniMember(name: name, host: host, role: role, state: member["state"] as? String ?? "",
                                 timeline: member["timeline"] as? Int, lagMB: megabytes("receive_lag") ?? megabytes("lag"),
                                 replayLagMB: megabytes("replay_lag"), receiveLSN: lsn("receive_lsn"), replayLSN: lsn("replay_lsn"))
        }
    }
}
