import Dispatch
import Foundation
import OpsKit
import Synchronization

extension PatroniPlugin {
    /// Member and cluster names from the live cluster, for Tab: after a
    /// subcommand that takes them (`restart`, `reinit`, `switchover
    /// --candidate`, `remove`…), and for `-m`/`--member`/`--candidate` values.
    public func liveCompletions(for invocation: ToolInvocation, prefix: String, session: Session, inventory: Inventory) -> [String] {
        let (path, _) = grammar.resolve(invocation.arguments)
        let takesNames: Set = ["restart", "reload", "reinit", "remove", "switchover", "failover", "pause", "resume", "flush", "list", "topology", "edit-config", "show-config", "history", "query", "dsn"]
        guard let subcommand = path.first?.name, takesNames.contains(subcommand) else { return [] }
        let api = session.target.host.flatMap { inventory.host(named: $0)?.attributes["patroni_api"] }
            ?? inventory.hosts.lazy.compactMap { $0.attributes["patroni_api"] }.first
        guard let api, let names = LiveNames.shared.names(at: api) else { return [] }
        let last = invocation.arguments.last ?? ""
        if ["-m", "--member", "--candidate", "--leader", "--primary"].contains(last) { return names.members }
        return [names.cluster].compactMap { $0 } + names.members
    }
}

/// The cluster's names, asked of Patroni's REST API from inside a Tab press:
/// a short timeout, and the answer kept a few seconds so typing stays quick.
final class LiveNames: Sendable {
    static let shared = LiveNames()

    struct Names: Sendable {
        var cluster: String?
        var members: [String]
        var fetched: ContinuousClock.Instant
    }

    private let cache = Mutex<[String: Names]>([:])

    /// Names at `api`, or nil when the API does not answer within 300 ms.
    func names(at api: String) -> Names? {
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[api] }), cached.fetched.duration(to: now) < .seconds(10) { return cached }
        // Tab is answered synchronously inside libedit, on the REPL's thread
        // (not one of Swift's pool): wait there for the pool to fetch.
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Names?>(nil)
        Task.detached {
            async let members = try? PatroniAPI.cluster(at: api, timeout: .milliseconds(300))
            async let scope = try? PatroniAPI.scope(at: api, timeout: .milliseconds(300))
            if let found = await members {
                let names = Names(cluster: await scope, members: found.map(\.name), fetched: .now)
                result.withLock { $0 = names }
            }
            done.signal()
        }
        guard done.wait(timeout: .now() + .milliseconds(500)) == .success, let names = result.withLock({ $0 }) else { return nil }
        cache.withLock { $0[api] = names }
        return names
    }
}
