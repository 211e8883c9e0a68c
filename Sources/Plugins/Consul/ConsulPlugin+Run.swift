import Foundation
import OpsKit

extension ConsulPlugin {
    /// On this machine, `kv get/put/delete` and `members` speak Consul's
    /// HTTP API (the plan shows the request, never the token); elsewhere,
    /// and for anything else, the `consul` CLI runs on the target.
    public func plan(_ call: ToolCall, risk: Risk, in context: Context) async throws -> RunPlan {
        guard context.session.target.isLocal, let (command, api) = try http(call, in: context) else {
            return planAsTyped(call, risk: risk, in: context)
        }
        let request = Self.request(for: command, api: api)
        var plan = RunPlan(steps: [(.local, "\(request.method.rawValue) \(request.url) (Consul HTTP API)")], risk: risk,
                           confirmationWord: command.key.isEmpty ? "everything" : command.key)
        plan.confirmationNoun = command.isRecursive ? "the prefix" : "the key"
        return plan
    }

    public func run(_ call: ToolCall, plan: RunPlan, in context: inout Context) async throws -> Outcome {
        guard context.session.target.isLocal, let (command, api) = try http(call, in: context) else {
            return try await runAsTyped(call, plan: plan, in: context)
        }
        let console = context.console
        let request = Self.request(for: command, api: api)
        let body: [UInt8]?
        do {
            body = try command.verb == .put ? Self.bytes(of: command) : nil
        } catch {
            console.error("\(error)")
            return Outcome(status: .exited(1))
        }
        let answer: (status: Int, body: [UInt8])
        do {
            answer = try await api.send(request.method, request.url, body: body)
        } catch {
            console.error("\(error)")
            return Outcome(status: .exited(1))
        }
        let printed = ConsulPrinter(command: command, json: call.invocation.wantsJSON)
        do {
            return try printed.show(answer, on: console)
        } catch {
            console.error("\(error)")
            return Outcome(status: .exited(1))
        }
    }

    /// The command and agent when the shell answers this line over HTTP.
    private func http(_ call: ToolCall, in context: Context) throws -> (ConsulCommand, ConsulAPI)? {
        let arguments = call.invocation.withoutJSON.arguments
        guard call.invocation.wrappers.isEmpty, let command = try ConsulCommand.parse(arguments) else { return nil }
        let api = try ConsulAPI(flags: command.flags, variables: context.session.variables, environment: ProcessInfo.processInfo.environment)
        return (command, api)
    }

    static func request(for command: ConsulCommand, api: ConsulAPI) -> (method: HTTPExchange.Method, url: String) {
        var query: [(String, String?)] = []
        switch command.verb {
        case .members:
            return (.get, api.url("/v1/agent/members", [("segment", "_all")]))
        case .get:
            if command.isSet("keys") {
                query.append(("keys", nil))
                query.append(("separator", command.flags["separator"] ?? "/"))
            } else if command.isRecursive {
                query.append(("recurse", nil))
            }
            return (.get, api.url(api.kvPath(command.key), query))
        case .put:
            if let flags = command.flags["flags"] { query.append(("flags", flags)) }
            if command.isSet("cas") { query.append(("cas", command.flags["modify-index"] ?? "0")) }
            return (.put, api.url(api.kvPath(command.key), query))
        case .delete:
            if command.isRecursive { query.append(("recurse", nil)) }
            if command.isSet("cas") { query.append(("cas", command.flags["modify-index"] ?? "0")) }
            return (.delete, api.url(api.kvPath(command.key), query))
        }
    }

    /// The value to write: as given, base64-decoded with `-base64`, or a
    /// file's bytes for `@FILE` (as the CLI reads them).
    static func bytes(of command: ConsulCommand) throws -> [UInt8] {
        let value = command.value ?? ""
        if command.isSet("base64") {
            guard let data = Data(base64Encoded: value) else { throw ConsulError.unreadable("Error! Cannot base 64 decode data: the value is not base64") }
            return Array(data)
        }
        if value.hasPrefix("@") {
            guard let data = FileManager.default.contents(atPath: String(value.dropFirst())) else {
                throw ConsulError.unreadable("Error! Failed to read file: \(value.dropFirst())")
            }
            return Array(data)
        }
        if value == "-" { throw ConsulError.unreadable("reading the value from stdin (-) is not supported in the shell; give it as an argument or @FILE") }
        return Array(value.utf8)
    }
}
