import Foundation
import OpsKit

/// Consul's HTTP API (`/v1/kv`, `/v1/agent/members`), spoken directly from
/// the shell's machine: what the `consul` CLI does, without needing it.
///
/// The token goes in the `X-Consul-Token` header only: never in a URL,
/// which ends up in proxies' and Consul's own logs, and never in anything
/// the shell prints or writes.
public struct ConsulAPI: Sendable {
    /// `http://127.0.0.1:8500`, as the CLI defaults to.
    public var baseURL: String
    var token: String?
    /// `-datacenter`, `-stale`: query parameters every request carries.
    var datacenter: String?
    var stale = false

    /// The agent and token as the CLI finds them: the flags, then the
    /// session's variables, then the environment (`CONSUL_HTTP_ADDR`,
    /// `CONSUL_HTTP_TOKEN`, `CONSUL_HTTP_TOKEN_FILE`, `CONSUL_HTTP_SSL`).
    public init(flags: [String: String], variables: Variables, environment: [String: String]) throws(ConsulError) {
        func setting(_ name: String) -> String? { variables[name] ?? environment[name] }
        let address = flags["http-addr"] ?? setting("CONSUL_HTTP_ADDR") ?? "127.0.0.1:8500"
        let secure = ["1", "true"].contains(setting("CONSUL_HTTP_SSL")?.lowercased() ?? "")
        baseURL = address.contains("://") ? address : (secure ? "https://" : "http://") + address
        if baseURL.hasSuffix("/") { baseURL.removeLast() }
        if let file = flags["token-file"] ?? setting("CONSUL_HTTP_TOKEN_FILE") {
            guard let text = readText(file) else { throw ConsulError.unreadable("cannot read the token file \(file)") }
            token = text.trimmingTrailingBlanks()
        } else {
            token = setting("CONSUL_HTTP_TOKEN").flatMap { $0.isEmpty ? nil : $0 }
        }
        datacenter = flags["datacenter"]
        stale = flags["stale"] != nil
    }

    /// The URL a request goes to, for dry-run and confirmation: it holds
    /// no token.
    public func url(_ path: String, _ query: [(String, String?)] = []) -> String {
        var items = query
        if let datacenter { items.append(("dc", datacenter)) }
        if stale { items.append(("stale", nil)) }
        let text = items.map { name, value in value.map { "\(name)=\(Self.escaped($0, keepSlash: false))" } ?? name }.joined(separator: "&")
        return baseURL + path + (text.isEmpty ? "" : "?" + text)
    }

    /// `/v1/kv/KEY` with the key's bytes escaped, its slashes kept.
    public func kvPath(_ key: String) -> String { "/v1/kv/" + Self.escaped(key, keepSlash: true) }

    /// Sends one request; the status and the body.
    func send(_ method: HTTPExchange.Method, _ url: String, body: [UInt8]? = nil, timeout: Duration = .seconds(10)) async throws(ConsulError)
        -> (status: Int, body: [UInt8]) {
        do {
            return try await HTTPExchange.send(method, url, headers: token.map { ["X-Consul-Token": $0] } ?? [:], body: body,
                                               timeout: timeout, limit: 64 << 20)
        } catch {
            throw ConsulError.unreachable(address: baseURL, reason: error.description)
        }
    }

    /// Percent-encodes everything but unreserved characters (and `/` in a
    /// key path), so no key can change the request's path or query.
    static func escaped(_ text: String, keepSlash: Bool) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.append(Character(UnicodeScalar(byte)))
            case UInt8(ascii: "/") where keepSlash:
                result.append("/")
            default:
                let hex = Array("0123456789ABCDEF")
                result += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
            }
        }
        return result
    }
}
