import ArgumentParser
import Foundation
import OpsKit

/// `patronictl catch-up` (ours): are the replicas catching up, and does
/// the leader's disk last until they have? The runbook's step 11.
struct CatchUp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catch-up",
        abstract: "Replay lag, rate and ETA per replica; the leader's WAL, slots and disk runway.")

    @ArgumentParser.Flag(name: .long, help: "One JSON object (with --watch: one per line).")
    var json = false

    @Option(name: .long, help: "Redraw every so often, e.g. 30s, until Ctrl-C.")
    var watch: String?

    @Option(name: .long, help: "Samples the rates are taken over (the last N).")
    var samples: Int = 3

    @Option(name: .long, help: "Time between samples of a one-shot report, e.g. 5s.")
    var every: String = "5s"

    @Option(name: .long, help: "The SQL client on the leader's host, as the operator runs it there.")
    var psql: String = "gitlab-psql"

    static let usage = "patronictl catch-up [--json] [--watch 30s] [--samples 3] [--every 5s] [--psql 'sudo -u postgres psql']"
}

extension PatroniPlugin {
    func catchUp(_ call: ToolCall, _ arguments: [String], in context: Context) async throws -> Outcome {
        let options = try CatchUp.parse(arguments)
        guard let every = DurationText.parse(options.watch ?? options.every), every > .zero else {
            throw UsageError("--watch and --every need a duration such as 30s", usage: CatchUp.usage)
        }
        guard options.samples >= 2 else { throw UsageError("--samples needs at least 2: a rate is a difference", usage: CatchUp.usage) }
        guard let api = try await Self.clusterAPI(for: context) else {
            throw UsageError("catch-up reads Patroni's REST API: give the hosts patroni_api in the inventory", usage: CatchUp.usage)
        }
        let console = context.console
        var window: [CatchUpSample] = []
        while true {
            let sample = try await catchUpSample(api: api, psql: options.psql, in: context)
            if let previous = window.last, previous.leader.name != sample.leader.name { window.removeAll() }  // a new leader: old rates mean nothing
            window = Array((window + [sample]).suffix(options.samples))
            if options.watch == nil, window.count < options.samples {
                do { try await Task.sleep(for: every) } catch { return Outcome(status: .interrupted) }
                continue
            }
            let report = CatchUpReport(window)
            if options.json || call.invocation.wantsJSON {
                console.write(report.json() + "\n", style: .plain, to: .output)
            } else {
                let clear = options.watch != nil && console.drawsInPlace(on: .output) ? "\u{1B}[H\u{1B}[2J" : ""
                let stamp = options.watch != nil ? "catch-up at \(Self.clockStamp(report.time)) (every \(options.watch!), Ctrl-C ends)\n" : ""
                console.write(clear + stamp + report.rendered(), style: .plain, to: .output)
            }
            // A warning is information for the operator, not a failed command: the guide's step goes on.
            guard options.watch != nil else { return .success }
            do { try await Task.sleep(for: every) } catch { return .success }
        }
    }

    /// One sample: the cluster and each member's `xlog` from the REST API,
    /// and the leader's WAL from its host.
    func catchUpSample(api: String, psql: String, in context: Context) async throws -> CatchUpSample {
        let listed = try await MemberHosts.cluster(at: api)
        let states = Dictionary((try await PatroniAPI.cluster(at: api)).map { ($0.name, $0.state) }, uniquingKeysWith: { first, _ in first })
        guard let leader = listed.first(where: { $0.role.leads }) else {
            throw PatroniAPI.Failure(description: "the cluster has no leader now (\(PatroniAPI.baseURL(api))/cluster); catch-up measures against the leader")
        }
        let positions = await withTaskGroup(of: (String, XLog?).self) { group in
            for member in listed {
                group.addTask { (member.name, try? await XLog.read(at: member.api ?? "")) }
            }
            var found: [String: XLog] = [:]
            for await (name, xlog) in group { if let xlog { found[name] = xlog } }
            return found
        }
        func member(_ listed: MemberHosts.Listed) -> CatchUpSample.Member {
            CatchUpSample.Member(name: listed.name, role: listed.role, state: states[listed.name] ?? "unknown",
                                 position: positions[listed.name]?.position, replayedAt: positions[listed.name]?.replayedAt)
        }
        var wal: LeaderWAL?
        switch MemberHosts.host(of: leader, in: context.inventory) {
        case .success(let host): wal = try await LeaderWAL.read(on: host.name, psql: psql, in: context)
        case .failure(let mismatch): throw mismatch
        }
        return CatchUpSample(time: Date(), leader: member(leader), replicas: listed.filter { !$0.role.leads }.map(member), wal: wal)
    }

    static func clockStamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: date)
    }
}

/// A member's `xlog` from `GET /patroni`: where it has replayed to, and
/// when the last replayed transaction committed.
struct XLog: Sendable, Equatable {
    var position: Int64?
    var replayedAt: Date?

    static func read(at api: String) async throws -> XLog {
        let answer = try await HTTPExchange.send(.get, PatroniAPI.baseURL(api) + "/patroni", timeout: .seconds(3), limit: 1 << 20)
        return try parse(Data(answer.body))
    }

    /// A primary says `location`; a replica or standby leader `replayed_location`.
    static func parse(_ body: Data) throws -> XLog {
        guard let document = try JSONSerialization.jsonObject(with: body) as? [String: Any],
              let xlog = document["xlog"] as? [String: Any] else { return XLog() }
        let position = LeaderWAL.integer(xlog["replayed_location"]) ?? LeaderWAL.integer(xlog["location"])
        return XLog(position: position, replayedAt: (xlog["replayed_timestamp"] as? String).flatMap(timestamp))
    }

    /// `2026-12-02 01:27:20.095078+00:00`, as Patroni writes PostgreSQL's timestamps.
    static func timestamp(_ text: String) -> Date? {
        var whole = text, fraction = 0.0
        if let dot = text.firstIndex(of: "."), let zone = text[dot...].firstIndex(where: { $0 == "+" || $0 == "-" }) {
            fraction = Double("0" + text[dot..<zone]) ?? 0
            whole = String(text[..<dot] + text[zone...])
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ssxxxxx"
        return formatter.date(from: whole).map { $0.addingTimeInterval(fraction) }
    }
}

extension PatroniPlugin {
    /// The plan: the read-only WAL query on the leader's host as the
    /// cluster stands now (dry-run shows it); the line itself when the
    /// leader cannot be found yet (the run says why).
    func planCatchUp(_ call: ToolCall, in context: Context) async -> RunPlan {
        let arguments = call.invocation.arguments
        let options = (try? CatchUp.parse(Array(arguments[(arguments.firstIndex(of: "catch-up")! + 1)...]))) ?? CatchUp()
        if let api = try? await Self.clusterAPI(for: context), let listed = try? await MemberHosts.cluster(at: api),
           let leader = listed.first(where: { $0.role.leads }), case .success(let host) = MemberHosts.host(of: leader, in: context.inventory) {
            return RunPlan(steps: [(Target(host: host.name), LeaderWAL.command(psql: options.psql))], risk: .readOnly, confirmationWord: host.name)
        }
        return .here(call.shellText, risk: .readOnly, in: context.session)
    }
}
