import OpsKit

extension SystemctlPlugin {
    public func readsOutput(of invocation: ToolInvocation) -> Bool {
        ["is-active", "is-enabled", "is-failed", "status"].contains(grammar.resolve(invocation.arguments).path.first?.name ?? "")
    }

    /// `is-active`/`is-enabled`/`is-failed` print one state per unit;
    /// `status` prints a block per unit with an `Active:` line. Exit 3 from
    /// `is-active` means "not active", not a failure to run (systemctl's LSB
    /// codes).
    public func table(for invocation: ToolInvocation, output: CapturedOutput) -> RecordTable? {
        let (path, units) = grammar.resolve(invocation.arguments)
        guard let verb = path.first?.name, !units.isEmpty else { return nil }
        let lines = output.standardOutput.textLines.map { $0.trimmingTrailingBlanks() }.filter { !$0.isEmpty }
        switch verb {
        case "is-active", "is-enabled", "is-failed":
            let states = lines.count == units.count ? lines : Array(repeating: Self.meaning(of: output.status, for: verb), count: units.count)
            return RecordTable(columns: ["unit", verb == "is-enabled" ? "enabled" : "state"], rows: zip(units, states).map { [$0, $1] })
        case "status":
            let states = Self.activeStates(in: lines)
            let missing = output.standardError.contains("could not be found") || output.status.code == 4
            let rows = units.map { unit -> [String] in
                [unit, states[Self.serviceName(unit)] ?? (missing ? "no such unit" : Self.meaning(of: output.status, for: verb))]
            }
            return RecordTable(columns: ["unit", "state"], rows: rows)
        default:
            return nil
        }
    }

    /// Each unit's `Active:` state (`active (running)`, `inactive (dead)`,
    /// `failed (Result: exit-code)`), keyed by unit name. A block starts with
    /// `● NAME.service - Description` (systemd draws ●, ○, ×, ↻ or * in
    /// front; the daemonless systemctl draws nothing).
    static func activeStates(in lines: [String]) -> [String: String] {
        var states: [String: String] = [:]
        var unit: String?
        for line in lines {
            if !line.hasPrefix(" ") {
                let header = line.drop { !$0.isLetter && !$0.isNumber && $0 != "@" && $0 != "_" }
                unit = header.split(separator: " ").first.map(String.init)
            } else if let current = unit, line.trimmingLeadingSpaces().hasPrefix("Active:") {
                let text = String(line.trimmingLeadingSpaces().dropFirst("Active:".count)).trimmingLeadingSpaces()
                // `active (running) since Sun 2026-11-29 …; 5h ago`: the state, not the date.
                let state = text.firstRange(of: " since ").map { String(text[..<$0.lowerBound]) } ?? text
                states[current] = state.isEmpty ? "unknown" : state
            }
        }
        return states
    }

    /// `patroni` and `patroni.service` name the same unit.
    static func serviceName(_ unit: String) -> String {
        unit.contains(".") ? unit : unit + ".service"
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
