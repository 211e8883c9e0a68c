import OpsKit

extension PatroniPlugin {
    public func plan(_ call: ToolCall, risk: Risk, in context: Context) async throws -> RunPlan {
        switch ownSubcommand(call) {
        case "wait": return .here(listCommand(call), risk: .readOnly, in: context.session)
        case "cycle-replicas": return try await planCycle(call, in: context)
        case "catch-up": return await planCatchUp(call, in: context)
        default: break
        }
        return planAsTyped(call, risk: risk, in: context)
    }

    public func run(_ call: ToolCall, plan: RunPlan, in context: inout Context) async throws -> Outcome {
        switch ownSubcommand(call) {
        case "wait":
            let arguments = call.invocation.arguments
            return try await wait(call, Array(arguments[(arguments.firstIndex(of: "wait")! + 1)...]), in: context)
        case "cycle-replicas":
            let arguments = call.invocation.arguments
            return try await cycleReplicas(call, Array(arguments[(arguments.firstIndex(of: "cycle-replicas")! + 1)...]), in: context)
        case "catch-up":
            let arguments = call.invocation.arguments
            return try await catchUp(call, Array(arguments[(arguments.firstIndex(of: "catch-up")! + 1)...]), in: context)
        default:
            let wantsJSON = call.invocation.wantsJSON
            if isPlainList(call), let api = Self.restAPI(for: context) {
                do {
                    let members = try await PatroniAPI.cluster(at: api)
                    let text = wantsJSON ? Self.records(members).json() + "\n"
                        : call.invocation.arguments.contains("json") ? PatroniTable.json(members) : PatroniTable.pretty(members)
                    context.console.write(text, style: .plain, to: .output)
                    return .success
                } catch {
                    context.console.notice("\(error); asking patronictl instead")
                }
            }
            if isPlainList(call), context.session.target.isLocal, let inventory = InventoryCluster(context.inventory) {
                return try await listFromInventory(call, inventory, in: context)
            }
            if call.invocation.arguments.contains("--cluster") {
                throw UsageError("--cluster (ours) picks one of the inventory's clusters when asking from here; patronictl itself takes the name: patronictl list NAME",
                                 usage: "patronictl list [--cluster NAME] [-f json] [--json]")
            }
            return try await runAsTyped(call, plan: plan, in: context)
        }
    }

    /// `list` on this machine, from the first of the inventory's REST APIs
    /// that answers: no patronictl needed on the bastion.
    func listFromInventory(_ call: ToolCall, _ inventory: InventoryCluster, in context: Context) async throws -> Outcome {
        let cluster = call.invocation.arguments.firstIndex(of: "--cluster").flatMap { call.invocation.arguments[safe: $0 + 1] }
        do {
            let (source, members) = try await inventory.members(of: cluster)
            context.console.notice(Self.askedNotice(source))
            let text = call.invocation.wantsJSON ? Self.records(members).json() + "\n"
                : call.invocation.arguments.contains("json") ? PatroniTable.json(members) : PatroniTable.pretty(members)
            context.console.write(text, style: .plain, to: .output)
            return .success
        } catch let failure as InventoryCluster.Failure {
            context.console.error("patronictl: \(failure)")
            return Outcome(status: .exited(1))
        }
    }

    static func askedNotice(_ source: InventoryCluster.Source) -> String {
        "read \(source.cluster.map { "cluster \($0)" } ?? "the cluster") from \(source.host)'s REST API (\(PatroniAPI.baseURL(source.api)))"
    }

    /// `list`, or `list -f json`/`--format json`: what the REST API can answer.
    func isPlainList(_ call: ToolCall) -> Bool {
        let (path, positionals) = grammar.resolve(call.invocation.arguments)
        let format = call.invocation.arguments.firstIndex { $0 == "-f" || $0 == "--format" }.map { call.invocation.arguments[safe: $0 + 1] }
        return path.map(\.name) == ["list"] && positionals.allSatisfy { $0 == "json" || $0 == "pretty" || $0 == "--json" }
            && (format == nil || format == "json" || format == "pretty")
            && !call.invocation.arguments.contains { ["-e", "--extended", "-t", "--timestamp", "-W", "-w", "--watch", "--group"].contains($0) }
    }

    /// The subcommand when it is one of ours rather than patronictl's.
    func ownSubcommand(_ call: ToolCall) -> String? {
        let name = grammar.resolve(call.invocation.arguments).path.first?.name
        return ["wait", "cycle-replicas", "catch-up"].contains(name) ? name : nil
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
