import OpsKit

extension PatroniPlugin {
    public func readsOutput(of invocation: ToolInvocation) -> Bool {
        grammar.resolve(invocation.arguments).path.first?.name == "list"
    }

    /// `list`: the members, in patronictl's own column names.
    public func table(for invocation: ToolInvocation, output: CapturedOutput) -> RecordTable? {
        guard grammar.resolve(invocation.arguments).path.first?.name == "list", output.status.isSuccess,
              let members = try? PatroniList.parse(output.standardOutput) else { return nil }
        return Self.records(members)
    }

    /// Members as records, in patronictl's column names.
    static func records(_ members: [PatroniMember]) -> RecordTable {
        RecordTable(columns: ["Member", "Host", "Role", "State", "TL", "Lag in MB"], rows: members.map {
            [$0.name, $0.host, $0.role.rawValue, $0.state, $0.timeline.map(String.init) ?? "", $0.worstLagMB.map(String.init) ?? ""]
        })
    }
}
