import OpsKit

/// A cluster read from where the operator stands (the bastion, no `ssh`
/// first): through the REST APIs the inventory names (`patroni_api`).
///
/// Each member's API answers for the whole cluster, so the first that
/// answers is enough. Which cluster a host belongs to comes from its
/// `cluster` attribute, else from the API's own `scope` (`GET /patroni`).
struct InventoryCluster {
    /// A host that has a REST API, and the cluster it is in, when known.
    struct Source: Sendable {
        var host: String
        var api: String
        var cluster: String?
    }

    /// Why the inventory could not answer.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let sources: [Source]

    /// The inventory's hosts with `patroni_api`, in its order; nil when
    /// there are none (then patronictl itself is asked).
    init?(_ inventory: Inventory) {
        let sources = inventory.hosts.compactMap { host in
            host.attributes["patroni_api"].map { Source(host: host.name, api: $0, cluster: host.attributes["cluster"]) }
        }
        guard !sources.isEmpty else { return nil }
        self.sources = sources
    }

    /// The members of `cluster` (or of the only cluster there is) from the
    /// first API that answers, and the source asked.
    func members(of cluster: String?, timeout: Duration = .seconds(3)) async throws -> (source: Source, members: [PatroniMember]) {
        let candidates = try await choose(cluster, timeout: timeout)
        var failures: [String] = []
        for source in candidates {
            do {
                return (source, try await PatroniAPI.cluster(at: source.api, timeout: timeout))
            } catch {
                failures.append("\(source.host): \(error)")
            }
        }
        throw Failure(description: "no REST API in the inventory answered for \(cluster.map { "cluster \($0)" } ?? "the cluster"):\n  "
            + failures.joined(separator: "\n  "))
    }

    /// The sources of the cluster asked for. Hosts without a `cluster`
    /// attribute are asked their scope first (all at once), so that two
    /// clusters in one inventory are never mixed up silently.
    func choose(_ cluster: String?, timeout: Duration) async throws -> [Source] {
        var sources = self.sources
        if sources.contains(where: { $0.cluster == nil }) { sources = await withScopes(sources, timeout: timeout) }
        let names = Set(sources.compactMap(\.cluster)).sorted()
        if let cluster {
            let chosen = sources.filter { $0.cluster == cluster }
            guard !chosen.isEmpty else {
                throw Failure(description: "no host in the inventory is in cluster \(cluster) (its clusters: \(names.isEmpty ? "none known" : names.joined(separator: ", "))); "
                    + "give hosts a cluster attribute, or check the name")
            }
            return chosen
        }
        guard names.count <= 1 else {
            throw Failure(description: "the inventory holds several clusters (\(names.joined(separator: ", "))); pass --cluster NAME")
        }
        return sources
    }

    /// Fills in each unknown cluster from the API's scope, all at once.
    private func withScopes(_ sources: [Source], timeout: Duration) async -> [Source] {
        await withTaskGroup(of: (Int, String?).self) { group in
            for (index, source) in sources.enumerated() where source.cluster == nil {
                group.addTask { (index, try? await PatroniAPI.scope(at: source.api, timeout: timeout)) }
            }
            var filled = sources
            for await (index, scope) in group { filled[index].cluster = scope }
            return filled
        }
    }
}
