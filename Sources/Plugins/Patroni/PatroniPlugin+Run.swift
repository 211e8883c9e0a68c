import OpsKit

extension PatroniPlugin {
    public func plan(_ call: ToolCall, risk: Risk, in context: Context) async throws -> RunPlan {
        if ownSubcommand(call) == "wait" { return .here(listCommand(call), risk: .readOnly, in: context.session) }
        return .here(call.shellText, risk: risk, in: context.session)
    }

    public func run(_ call: ToolCall, plan: RunPlan, in context: inout Context) async throws -> Outcome {
        switch ownSubcommand(call) {
        case "wait":
            let arguments = call.invocation.arguments
            return try await wait(call, Array(arguments[(arguments.firstIndex(of: "wait")! + 1)...]), in: context)
        default:
            return try await context.runTool(call.invocation, shellText: call.shellText, named: name)
        }
    }

    /// The subcommand when it is one of ours rather than patronictl's.
    func ownSubcommand(_ call: ToolCall) -> String? {
        let name = grammar.resolve(call.invocation.arguments).path.first?.name
        return name == "wait" ? name : nil
    }
}
