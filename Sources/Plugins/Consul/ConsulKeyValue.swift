import Foundation

/// A key in Consul's KV store as `GET /v1/kv/KEY` returns it (`api/kv.go`
/// `KVPair`), its value decoded from base64.
public struct ConsulKeyValue: Sendable, Equatable {
    public var key: String
    /// The value's bytes as text; nil for a key stored without a value.
    public var value: String?
    public var flags: UInt64
    public var createIndex: UInt64
    public var modifyIndex: UInt64
    public var lockIndex: UInt64
    public var session: String?

    public init(key: String, value: String?, flags: UInt64 = 0, createIndex: UInt64 = 0, modifyIndex: UInt64 = 0,
                lockIndex: UInt64 = 0, session: String? = nil) {
        self.key = key
        self.value = value
        self.flags = flags
        self.createIndex = createIndex
        self.modifyIndex = modifyIndex
        self.lockIndex = lockIndex
        self.session = session
    }

    /// Reads the JSON array the KV endpoint answers with.
    public static func parse(_ body: [UInt8]) throws(ConsulError) -> [ConsulKeyValue] {
        guard let entries = try? JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]] else {
            throw ConsulError.unreadable("the KV endpoint did not answer with a JSON array: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        return try entries.map { entry throws(ConsulError) in
            guard let key = entry["Key"] as? String else { throw ConsulError.unreadable("a KV entry without a Key: \(entry)") }
            var value: String?
            if let encoded = entry["Value"] as? String {
                guard let bytes = Data(base64Encoded: encoded) else { throw ConsulError.unreadable("the value of \(key) is not base64") }
                value = String(decoding: bytes, as: UTF8.self)
            }
            func number(_ field: String) -> UInt64 { (entry[field] as? NSNumber)?.uint64Value ?? 0 }
            return ConsulKeyValue(key: key, value: value, flags: number("Flags"), createIndex: number("CreateIndex"),
                                  modifyIndex: number("ModifyIndex"), lockIndex: number("LockIndex"),
                                  session: (entry["Session"] as? String).flatMap { $0.isEmpty ? nil : $0 })
        }
    }
}

/// Why a Consul request gave no answer the shell can use.
public enum ConsulError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The agent could not be reached at all.
    case unreachable(address: String, reason: String)
    /// An HTTP status other than the documented answers (403: the token).
    case status(code: Int, body: String)
    /// An answer that is not what Consul documents.
    case unreadable(String)

    public var description: String {
        switch self {
        case let .unreachable(address, reason):
            "Error querying Consul agent: cannot reach \(address) (\(reason)); set CONSUL_HTTP_ADDR, or run consul on a host with ssh HOST"
        case let .status(403, body):
            "Error querying Consul agent: Unexpected response code: 403 (\(body)); the token in CONSUL_HTTP_TOKEN lacks the rights, or none is set (read -s CONSUL_HTTP_TOKEN)"
        case let .status(code, body):
            "Error querying Consul agent: Unexpected response code: \(code) (\(body))"
        case .unreadable(let problem):
            "consul: \(problem)"
        }
    }
}
