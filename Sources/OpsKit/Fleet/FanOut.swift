/// Runs one command on many hosts at once, each output line prefixed with
/// its host, then says how every host did.
public struct FanOut: Sendable {
    public let executor: any Executor
    public let console: any Console
    /// At most this many hosts at once (`-C`); nil for all.
    public var concurrency: Int?
    /// A host still running after this long is stopped and reported (`--timeout`).
    public var timeout: Duration?
    /// Collect each host's output (in `HostOutcome.output`) instead of
    /// printing it, for a plugin that reads it into records.
    public var collectsOutput = false

    public init(executor: any Executor, console: any Console, concurrency: Int? = nil, timeout: Duration? = nil) {
        self.executor = executor
        self.console = console
        self.concurrency = concurrency
        self.timeout = timeout
    }

    /// Runs each step; returns every host's outcome, in the steps' order.
    public func run(_ steps: [(target: Target, command: String)]) async -> [HostOutcome] {
        let width = steps.map { $0.target.hostLabel.count }.max() ?? 0
        let limit = max(1, concurrency ?? steps.count)
        let gate = OutputGate(console: console)
        return await withTaskGroup(of: (Int, HostOutcome).self) { group in
            var outcomes = [HostOutcome?](repeating: nil, count: steps.count)
            var next = 0
            func start() {
                let index = next
                next += 1
                let (target, command) = steps[index]
                group.addTask {
                    let prefix = target.hostLabel.padded(to: width) + " "
                    return (index, await runOne(command, on: target, lines: HostLines(host: index, prefix: prefix, gate: gate, collects: collectsOutput)))
                }
            }
            while next < min(limit, steps.count) { start() }
            for await (index, outcome) in group {
                outcomes[index] = outcome
                if next < steps.count, !Task.isCancelled { start() }
            }
            // Hosts never started (Ctrl-C before their turn) are reported too.
            return outcomes.enumerated().map { index, outcome in
                outcome ?? HostOutcome(host: steps[index].target.hostLabel, result: .interrupted, seconds: 0)
            }
        }
    }

    private func runOne(_ command: String, on target: Target, lines: HostLines) async -> HostOutcome {
        let clock = ContinuousClock()
        let started = clock.now
        let executor = self.executor
        let result: HostOutcome.Result
        do {
            let status = try await withTimeout(timeout) {
                try await executor.run(command, on: target) { stream, bytes in lines.add(bytes, from: stream) }
            }
            // Before reading lastError: a last line without a newline is in it.
            lines.flush()
            switch status {
            case nil: result = .timedOut
            case .interrupted?: result = .interrupted
            case .exited(255)? where lines.lastError.hasPrefix("ssh: ") || lines.lastError.contains("Permission denied"):
                result = .unreachable(lines.lastError)
            case let status?: result = .finished(status)
            }
        } catch let error as ExecutionError {
            result = .unreachable(error.reason)
        } catch {
            result = .unreachable("\(error)")
        }
        // Always, so a line cut short ends and the other hosts' output goes on.
        lines.flush()
        return HostOutcome(host: target.hostLabel, result: result, seconds: started.duration(to: clock.now).inSeconds,
                           output: collectsOutput ? lines.collected(status: result) : nil)
    }

    /// Prints the per-host summary table and a one-line verdict on stderr.
    public func summarize(_ outcomes: [HostOutcome], seconds: Double) {
        let width = max(4, outcomes.map(\.host.count).max() ?? 0)
        var text = "\n" + "host".padded(to: width) + "  " + "result".padded(to: 12) + "  time\n"
        for outcome in outcomes {
            let detail = outcome.result.detail.map { "  " + $0 } ?? ""
            let row: String = outcome.host.padded(to: width) + "  " + outcome.result.label.padded(to: 12)
            text += row + "  " + formatSeconds(outcome.seconds) + detail + "\n"
        }
        let succeeded = outcomes.filter(\.isSuccess).count
        text += "\(succeeded)/\(outcomes.count) hosts succeeded in \(formatSeconds(seconds))\n"
        console.write(text, style: succeeded == outcomes.count ? .plain : .warning, to: .error)
    }
}

/// How one host did.
public struct HostOutcome: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        case finished(ExitStatus)
        case unreachable(String)
        case timedOut
        case interrupted

        var label: String {
            switch self {
            case .finished(let status): status.description
            case .unreachable: "unreachable"
            case .timedOut: "timed out"
            case .interrupted: "interrupted"
            }
        }

        var detail: String? {
            if case .unreachable(let reason) = self { reason } else { nil }
        }
    }

    public let host: String
    public let result: Result
    public let seconds: Double
    /// What the host printed, when the fan-out collected it.
    public var output: CapturedOutput? = nil

    public init(host: String, result: Result, seconds: Double, output: CapturedOutput? = nil) {
        self.host = host
        self.result = result
        self.seconds = seconds
        self.output = output
    }

    public static func == (lhs: HostOutcome, rhs: HostOutcome) -> Bool {
        lhs.host == rhs.host && lhs.result == rhs.result && lhs.seconds == rhs.seconds
    }

    public var isSuccess: Bool { result == .finished(.success) }

    /// The host's status as an exit code: the command's, 255 for an
    /// unreachable host (as ssh), 124 for a timeout (as timeout(1)).
    public var code: Int32 {
        switch result {
        case .finished(let status): status.code
        case .unreachable: 255
        case .timedOut: 124
        case .interrupted: 130
        }
    }
}

extension Array where Element == HostOutcome {
    /// The fan-out's status: success when every host succeeded, else the
    /// highest host code (knife's rule, so no failure hides behind another).
    public var overallStatus: ExitStatus {
        if allSatisfy(\.isSuccess) { return .success }
        if contains(where: { $0.result == .interrupted }) { return .interrupted }
        return .exited(map(\.code).max() ?? 1)
    }
}

func formatSeconds(_ seconds: Double) -> String {
    let hundredths = Int((seconds * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) s"
}

/// Runs `body`, giving up after `timeout`: nil then.
func withTimeout<Value: Sendable>(_ timeout: Duration?, _ body: @escaping @Sendable () async throws -> Value) async throws -> Value? {
    guard let timeout else { return try await body() }
    return try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        let first = try await group.next()!
        group.cancelAll()
        return first
    }
}
