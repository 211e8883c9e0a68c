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

    /// Members as records keyed and typed as `patronictl list -f json` of
    /// the same version has them: `TL` and lags are numbers, empty fields
    /// are left out; 4.1 and later have `Receive LSN`, `Receive Lag`,
    /// `Replay LSN`, `Replay Lag`, earlier versions `Lag in MB`.
    static func records(_ members: [PatroniMember]) -> RecordTable {
        let lsnColumns = members.contains { $0.replayLagMB != nil || $0.receiveLSN != nil || $0.replayLSN != nil }
        let lag = lsnColumns ? ["Receive LSN", "Receive Lag", "Replay LSN", "Replay Lag"] : ["Lag in MB"]
        let cluster = members.contains { $0.cluster != nil }
        func text(_ number: Int?) -> String { number.map(String.init) ?? "" }
        return RecordTable(
            columns: (cluster ? ["Cluster"] : []) + ["Member", "Host", "Role", "State", "TL"] + lag,
            rows: members.map { member in
                (cluster ? [member.cluster ?? ""] : []) + [member.name, member.host, member.role.rawValue, member.state, text(member.timeline)]
                    + (lsnColumns ? [member.receiveLSN ?? "", text(member.lagMB), member.replayLSN ?? "", text(member.replayLagMB)] : [text(member.lagMB)])
            },
            numericColumns: ["TL", "Lag in MB", "Receive Lag", "Replay Lag"], omitsEmptyCells: true)
    }
}
