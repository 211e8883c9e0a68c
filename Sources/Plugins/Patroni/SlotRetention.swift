import Foundation
import OpsKit

/// How long the leader keeps a stopped member's replication slot, as the
/// running Patroni does it. A member's key in the DCS lives `ttl` seconds
/// after its last update; once it is gone, Patroni before 4.0 drops the
/// slot at its next loop. 4.0 and later keep it `member_slots_ttl` seconds
/// longer (default 1800: `patroni/global_config.py`, kept in the `/status`
/// key's `retain_slots`, `patroni/dcs/__init__.py`), so an immediate
/// restart, or the seed's ten minutes, frees nothing there.
struct SlotRetention: Sendable, Equatable {
    /// The leader's Patroni version (`4.1.5`), from `GET /patroni`.
    var version: String?
    var ttl: Int
    var loopWait: Int
    /// Nil before 4.0 (no such setting); else the configured value or 1800.
    var memberSlotsTTL: Int?

    /// Seconds after a stop by which the slot should be gone: the member
    /// key's `ttl`, the retention, and two HA loops of slack.
    var bound: Int { ttl + (memberSlotsTTL ?? 0) + 2 * loopWait }

    /// What the bound comes from, for the line printed before the first stop.
    var explanation: String {
        let patroni = "Patroni \(version ?? "of unknown version")"
        guard let retention = memberSlotsTTL else {
            return "\(patroni) drops a stopped member's slot once its key expires: ttl \(ttl) s + 2 × loop_wait \(loopWait) s = \(bound) s"
        }
        return "\(patroni) keeps a stopped member's slot for member_slots_ttl \(retention) s after its key expires (ttl \(ttl) s), "
            + "checked every loop_wait \(loopWait) s: up to \(bound) s"
    }

    /// Reads the version from the leader's `GET /patroni` and the dynamic
    /// configuration from `GET /config`.
    static func read(at api: String) async throws -> SlotRetention {
        let base = PatroniAPI.baseURL(api)
        let status = try await HTTPExchange.send(.get, base + "/patroni", timeout: .seconds(3), limit: 1 << 20)
        let config = try await HTTPExchange.send(.get, base + "/config", timeout: .seconds(3), limit: 1 << 20)
        guard config.status == 200 else {
            throw PatroniAPI.Failure(description: "GET \(base)/config answered \(config.status): the DCS ttl and member_slots_ttl cannot be read")
        }
        let version = ((try? JSONSerialization.jsonObject(with: Data(status.body)) as? [String: Any])?["patroni"] as? [String: Any])?["version"] as? String
        return parse(config: Data(config.body), version: version)
    }

    /// The retention from `GET /config`'s document and the version.
    static func parse(config: Data, version: String?) -> SlotRetention {
        let document = (try? JSONSerialization.jsonObject(with: config) as? [String: Any]) ?? [:]
        func seconds(_ key: String) -> Int? {
            switch document[key] {
            case let number as NSNumber: return number.intValue
            case let text as String: return DurationText.parse(text).map { Int($0.inSeconds) } ?? Int(text)
            default: return nil
            }
        }
        let major = version.flatMap { Int($0.prefix { $0.isNumber }) }
        let retains = major.map { $0 >= 4 } ?? true  // unknown: assume the longer, newer behaviour
        return SlotRetention(version: version, ttl: seconds("ttl") ?? 30, loopWait: seconds("loop_wait") ?? 10,
                             memberSlotsTTL: retains ? seconds("member_slots_ttl") ?? 1800 : nil)
    }

    /// What to do when the slot outlived the bound, for the operator.
    func remedies(slot: String) -> String {
        var lines = ["the leader still has slot \(slot), so its WAL was not freed. Remedies:"]
        if let retention = memberSlotsTTL, retention > 0 {
            lines.append("  - lower member_slots_ttl (now \(retention) s): patronictl edit-config -s member_slots_ttl=0 --force, then cycle again")
        }
        lines.append("  - bound what any slot may hold: patronictl edit-config -p max_slot_wal_keep_size=10GB --force (PostgreSQL 13+; the slot is then lost instead of filling the disk)")
        lines.append("  - or keep the replica stopped longer: --max-stopped longer than \(bound) s")
        return lines.joined(separator: "\n")
    }
}
