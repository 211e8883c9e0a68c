import OpsKit

extension SystemctlPlugin {
    public func readsOutput(of invocation: ToolInvocation) -> Bool {
        ["is-active", "is-enabled", "is-failed", "status"].contains(grammar.resolve(invocation.arguments).path.first?.name ?? "")
    }

    /// `is-active`/`is-enabled`/`is-failed` print one state per unit;
    /// `status` prints an `Active:` line per unit. Exit 3 from `is-active`
    /// means "not active", not a failure to run (systemctl's LSB codes).
    public func table(for invocation: ToolInvocation, output: CapturedOutput) -> RecordTable? {
        let (path, units) = grammar.resolve(invocation.arguments)
        guard let verb = path.first?.name else { return nil }
        let lines = output.standardOutput.textLines.map { $0.trimmingTrailingBlanks() }.filter { !$0.isEmpty }
        switch verb {
        case "is-active", "is-enabled", "is-failed":
            guard !units.isEmpty else { return nil }
            let states = lines.count == units.count ? lines : Array(repeating: Self.meaning(of: output.status, for: verb), count: units.count)
            return RecordTable(columns: ["unit", verb == "is-enabled" ? "enabled" : "state"], rows: zip(units, states).map { [$0, $1] })
        case "status":
            let active = lines.filter { $0.hasPrefix("Active:") || $0.contains(" Active: ") }
            guard !units.isEmpty else { return nil }
            let states = active.map { line -> String in
                let text = line.split(separator: ":", maxSplits: 1).last.map { String($0).trimmingLeadingSpaces() } ?? ""
                return text.split(separator: " ").prefix(2).joined(separator: " ")
            }
            let padded = units.indices.map { states.indices.contains($0) ? states[$0] : Self.meaning(of: output.status, for: "status") }
            return RecordTable(columns: ["unit", "state"], rows: zip(units, padded).map { [$0, $1] })
        default:
            return nil
        }
    }

    /// What a status code says when there is no state line to read.
    static func meaning(of status: ExitStatus, for verb: String) -> String {
        switch status.code {
        case 0: verb == "is-failed" ? "failed" : "active"
        case 3: "inactive"
        case 4: "no such unit"
        default: "unknown (\(status))"
        }
    }
}

extension String {
    func trimmingLeadingSpaces() -> String { String(drop { $0 == " " }) }
}
