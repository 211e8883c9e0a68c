import ArgumentParser
import Foundation
import OpsKit

/// `patronictl wait` (ours): wait until the cluster is as the runbook needs.
struct PatroniWait: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait until every member runs, a leader exists and lag is under a bound.")

    @ArgumentParser.Flag(name: .long, help: "Every member running (running, streaming or in archive recovery).")
    var allRunning = false

    @ArgumentParser.Flag(name: .long, help: "A leader (or standby leader) exists.")
    var leader = false

    @Option(name: .long, help: "Every replica's lag at most this, e.g. 100MB or 1GB.")
    var maxLag: String?

    @Option(name: .long, help: "Give up after this long, e.g. 6h.")
    var timeout: String = "1h"

    @Option(name: .long, help: "How often to look, e.g. 10s.")
    var every: String = "10s"

    @Option(name: .long, help: "How many members to expect (default: any).")
    var members: Int?

    @Option(name: .long, help: "Which of the inventory's clusters, when asked from here (no ssh first).")
    var cluster: String?
}

/// What the operator waits for, and whether a member list meets it.
public struct ClusterCondition: Sendable {
    public var allRunning: Bool
    public var leader: Bool
    public var maxLagMB: Int?
    public var members: Int?

    public init(allRunning: Bool = false, leader: Bool = false, maxLagMB: Int? = nil, members: Int? = nil) {
        self.allRunning = allRunning
        self.leader = leader
        self.maxLagMB = maxLagMB
        self.members = members
    }

    /// Nil when met, else what is still missing, in a few words.
    public func unmet(_ list: [PatroniMember]) -> String? {
        if list.isEmpty { return "no members" }
        if let members, list.count < members { return "\(list.count) of \(members) members" }
        if leader, !list.contains(where: { $0.role.leads }) { return "no leader" }
        if allRunning, let down = list.first(where: { !$0.isRunning }) { return "\(down.name) is \(down.state)" }
        if let bound = maxLagMB {
            for member in list where !member.role.leads {
                guard let lag = member.worstLagMB else { return "\(member.name) lag unknown" }
                if lag > bound { return "\(member.name) lag \(lag) MB > \(bound) MB" }
            }
        }
        return nil
    }

    /// `100MB`, `1GB`, `512kB`, or a plain number of MB.
    public static func megabytes(_ text: String) -> Int? {
        let units: [(String, Double)] = [("TB", 1_048_576), ("GB", 1024), ("MB", 1), ("kB", 1.0 / 1024), ("KB", 1.0 / 1024)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { Int(($0 * factor).rounded(.up)) }
        }
        return Int(text)
    }
}

extension PatroniPlugin {
    /// The global flags before the subcommand (`-c FILE`), kept for the
    /// `list -f json` we run.
    func listCommand(_ call: ToolCall) -> String {
        let arguments = call.invocation.arguments
        var index = 0
        while index < arguments.count, arguments[index].hasPrefix("-") {
            index += ["-c", "--config-file", "-d", "--dcs-url", "--dcs"].contains(arguments[index]) ? 2 : 1
        }
        let globals = arguments.prefix(index)
        return ShellQuoting.join(call.invocation.wrappers + [call.invocation.executable] + globals + ["list", "-f", "json"])
    }

    /// The members as they are now: from Patroni's REST API when the
    /// target host has `patroni_api` in the inventory, or, on this machine,
    /// from the inventory's APIs; else with the real patronictl on the target.
    func members(_ call: ToolCall, cluster: String? = nil, in context: Context) async throws -> [PatroniMember] {
        if let api = Self.restAPI(for: context) { return try await PatroniAPI.cluster(at: api) }
        if context.session.target.isLocal, let inventory = InventoryCluster(context.inventory) {
            return try await inventory.members(of: cluster).members
        }
        guard let result = try await context.captureStep(listCommand(call), on: context.session.target,
                                                         purpose: "patronictl: the members", limit: 16 << 20) else { return [] }
        guard result.status.isSuccess else {
            // Not installed, not executable, or not understood: no wait changes that.
            if [126, 127, 2].contains(result.status.code) {
                throw WaitCannotHelp(status: result.status, reason: "patronictl list on \(context.session.target.hostLabel) failed (\(result.status)): \(result.standardError.lastLine)")
            }
            throw UsageError("patronictl list failed (\(result.status)): \(result.standardError.lastLine)", usage: "patronictl [-c FILE] list")
        }
        return try PatroniList.parse(result.standardOutput)
    }

    /// The REST API of the current target host, if the inventory knows it.
    static func restAPI(for context: Context) -> String? {
        context.session.target.host.flatMap { context.inventory.host(named: $0)?.attributes["patroni_api"] }
    }

    func wait(_ call: ToolCall, _ arguments: [String], in context: Context) async throws -> Outcome {
        let options = try PatroniWait.parse(arguments)
        guard let timeout = DurationText.parse(options.timeout), let every = DurationText.parse(options.every) else {
            throw UsageError("--timeout and --every need durations such as 6h and 10s", usage: "patronictl wait [--all-running] [--leader] [--max-lag 100MB] [--timeout 6h] [--every 10s]")
        }
        let maxLag = try options.maxLag.map { text -> Int in
            guard let value = ClusterCondition.megabytes(text) else { throw UsageError("--max-lag needs a size such as 100MB", usage: "patronictl wait --max-lag 100MB") }
            return value
        }
        let condition = ClusterCondition(allRunning: options.allRunning || (!options.leader && maxLag == nil),
                                         leader: options.leader, maxLagMB: maxLag, members: options.members)
        if context.session.target.isLocal, let inventory = InventoryCluster(context.inventory) {
            // Which cluster is a question waiting cannot answer: say so now.
            do { _ = try await inventory.choose(options.cluster, timeout: .seconds(3)) } catch {
                context.console.error("patronictl wait: \(error)")
                return Outcome(status: .exited(2))
            }
            // Say once which API answers, so the operator knows what was read.
            if let (source, _) = try? await inventory.members(of: options.cluster) { context.console.notice(Self.askedNotice(source)) }
        }
        let clock = ContinuousClock()
        let started = clock.now
        var last = ""
        var live = LiveLine(on: context.console)
        while true {
            let elapsed = started.duration(to: clock.now)
            var status: String
            do {
                let list = try await members(call, cluster: options.cluster, in: context)
                let states = list.map { "\($0.name) \($0.state)\($0.worstLagMB.map { " lag \($0) MB" } ?? "")" }.joined(separator: ", ")
                guard let missing = condition.unmet(list) else {
                    live.clear()
                    context.console.line("cluster ready after \(elapsed.clockText): \(states)", style: .success)
                    return .success
                }
                status = "\(missing) — \(states)"
            } catch let failure as WaitCannotHelp {
                live.clear()
                context.console.error("patronictl wait: \(failure.reason); waiting cannot change that, so it stops now")
                return Outcome(status: failure.status)
            } catch {
                status = "\(error)".textLines.first ?? "\(error)"
            }
            last = status
            live.update("\(elapsed.clockText) waiting: \(status)", news: status)
            guard elapsed + every <= timeout else { break }
            do { try await Task.sleep(for: every) } catch {
                live.keep()
                return Outcome(status: .interrupted)
            }
        }
        live.keep()
        context.console.error("patronictl wait: timed out after \(options.timeout): \(last)")
        return Outcome(status: .exited(1))
    }
}

/// A failure that waiting cannot change (exit 127 not found, 126 not
/// executable, 2 a usage error): `wait` stops at once with it.
struct WaitCannotHelp: Error {
    let status: ExitStatus
    let reason: String
}
