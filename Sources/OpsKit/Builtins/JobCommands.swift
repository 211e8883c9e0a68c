/// `bg LINE` (and `LINE &`): run LINE on its target(s) detached from this
/// connection, so a dropped VPN or a killed shell never ends it. Guarded,
/// confirmed and audited as LINE itself; the plan says it runs as a job.
struct BackgroundCommand: Command {
    let name = "bg"
    let summary = "run a line detached on its host(s): it survives the connection and this shell (jobs, attach, wait, kill)"
    let usage = "bg LINE   (or LINE &)"
    let examples = ["bg knife ssh -m 'patroni-02 patroni-03' 'sudo -iu gitlab-psql wal-e backup-fetch /var/opt/gitlab/postgresql/data LATEST'",
                    "bg sleep 3600 &", "attach %%"]

    func plan(_ line: ExpandedLine, in context: Context) async throws -> RunPlan? {
        let rest = line.words.words.dropFirst()
        guard let first = rest.first else { throw UsageError("bg needs a line to run", usage: usage) }
        let inner = try ExpandedLine(String(line.text[line.text.index(line.text.startIndex, offsetBy: first.column - 1)...]),
                                     variables: line.variables)
        var plan: RunPlan
        if !inner.hasShellSyntax, let command = context.catalog.command(for: inner.values),
           let planned = try await command.plan(inner, in: context) {
            plan = planned
        } else if !inner.hasShellSyntax, context.catalog.effect(of: inner.values).changesSession {
            throw UsageError("`\(inner.values[0])` changes this shell's session; it cannot run detached", usage: usage)
        } else if !inner.hasShellSyntax, let (plugin, invocation) = context.catalog.tool(in: inner.values) {
            plan = try await plugin.plan(ToolCall(invocation: invocation, line: inner), risk: context.catalog.risk(of: inner.values), in: context)
        } else {
            plan = .here(inner.shellText, risk: context.catalog.risk(of: inner.values), in: context.session)
        }
        plan.guardWords = plan.guardWords ?? inner.values
        let longRun = context.catalog.longRun(of: inner.values)
        plan.watch = longRun?.progressDirectory
        plan.expectedBytes = longRun?.expectedBytes
        plan.followUps = []
        plan.job = Job.newID()
        return plan
    }

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        preconditionFailure("bg always plans")
    }
}

/// `jobs [--json]`: every job the hosts record, from any shell.
struct JobsCommand: Command {
    let name = "jobs"
    let summary = "list the detached jobs the hosts record: running (how long, last line), exited N, or lost"
    let usage = "jobs [--json]"

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        let json = line.arguments == ["--json"]
        guard line.arguments.isEmpty || json else { throw UsageError("jobs takes only --json", usage: usage) }
        let (jobs, unreachable) = try await context.findJobs()
        if json {
            let rows = jobs.map { job -> [String] in
                let status = if case .exited(let code) = job.state { String(code) } else { "" }
                let progress = JobProgress(job)
                return [job.id, job.host, job.user, job.state.description, status, job.seconds.map(String.init) ?? "",
                        job.progressBytes.map(String.init) ?? "", job.expectedBytes.map(String.init) ?? "",
                        progress?.bytesPerSecond.map { String(Int64($0)) } ?? "", progress?.etaSeconds.map(String.init) ?? "",
                        job.lastLine, job.command]
            }
            let table = RecordTable(columns: ["id", "host", "user", "state", "status", "seconds", "progress_bytes", "expected_bytes",
                                              "rate_bytes_per_second", "eta_seconds", "last_line", "command"],
                                    rows: rows, numericColumns: ["status", "seconds", "progress_bytes", "expected_bytes", "rate_bytes_per_second", "eta_seconds"],
                                    omitsEmptyCells: true)
            context.console.line(table.json())
        } else if jobs.isEmpty {
            context.console.line("no jobs on \(1 + context.inventory.hosts.count) hosts")
        } else {
            let rows = jobs.map { job in
                ["%" + job.id, job.host, job.user, job.state.description, job.age,
                 JobProgress(job)?.description ?? "", String(job.lastLine.prefix(60))]
            }
            context.console.write(RecordTable(columns: ["JOB", "HOST", "USER", "STATE", "FOR", "PROGRESS", "LAST LINE"], rows: rows).rendered(),
                                  style: .plain, to: .output)
        }
        for (host, reason) in unreachable { context.console.error("jobs: \(host) could not be asked: \(reason)") }
        return Outcome(status: unreachable.isEmpty ? .success : .exited(1))
    }

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(count), unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(count) B" : "\((value * 10).rounded() / 10) \(units[unit])"
    }
}

/// `attach %ID`, `wait %ID`, `kill %ID` (`%%`: this session's last job).
/// Without a `%`, `wait` and `kill` are the shell's own.
struct JobControlCommand: Command {
    enum Verb: String { case attach, wait, kill }

    let verb: Verb
    var name: String { verb.rawValue }
    var summary: String {
        switch verb {
        case .attach: "follow a job's output until it ends (Ctrl-C detaches; the job keeps running); its exit status"
        case .wait: "wait for a job to end, without its output; its exit status"
        case .kill: "end a job (asks first)"
        }
    }
    var usage: String { "\(name) %ID" }

    func claims(_ arguments: [String]) -> Bool { verb == .attach || arguments.contains { $0.hasPrefix("%") } }

    func run(_ line: ExpandedLine, in context: inout Context) async throws -> Outcome {
        guard line.arguments.count == 1, let id = line.arguments[0] == "%%" ? context.session.lastJob : Job.id(from: line.arguments[0]) else {
            throw UsageError(line.arguments == ["%%"] ? "this session has started no job" : "\(name) takes one job id, e.g. %1a2b3c (see jobs)", usage: usage)
        }
        let (listed, unreachable) = try await context.findJobs(id: id)
        for (host, reason) in unreachable { context.console.notice("\(host) could not be asked about %\(id): \(reason)") }
        let found = listed.filter { $0.id == id }
        guard !found.isEmpty else {
            let others = listed.filter { $0.state == .unreadable }
            let owners = Set(others.map { "\($0.user) on \($0.host)" }).sorted()
            context.console.error("no job %\(id) that this login can read on any host\(unreachable.isEmpty ? "" : " that answered")"
                + (owners.isEmpty ? "" : "; \(owners.joined(separator: ", ")) run jobs whose files are theirs alone: `sudo su - USER` there, then \(name) %\(id)"))
            return Outcome(status: .exited(1))
        }
        if verb == .kill {
            let running = found.filter { $0.state == .running }
            guard !running.isEmpty else {
                context.console.error("job %\(id) is not running: \(found.map { "\($0.host) \($0.state)" }.joined(separator: ", "))")
                return Outcome(status: .exited(1))
            }
            let plan = RunPlan(steps: running.map { ($0.host == "local" ? .local : Target(host: $0.host), JobScripts.kill(id, host: $0.host, user: $0.user)) },
                               risk: .changesState, confirmationWord: "%" + id)
            var asked = plan
            asked.confirmations = [Confirmation(reason: "This ends job %\(id) (\(running[0].command)) on \(running.map(\.host).joined(separator: ", ")).", word: "%" + id)]
            if let stopped = try await context.approve(asked, words: [], typed: line.recorded, parent: context.typedLine) { return stopped }
            var status = ExitStatus.success
            for (target, command) in plan.steps {
                let result = try await context.executor.capture(command, on: target, limit: 4096)
                if !result.status.isSuccess { status = result.status; context.console.error("\(target.hostLabel): \(result.standardError.lastLine)") }
            }
            if status.isSuccess { context.console.line("job %\(id): ended on \(running.map(\.host).joined(separator: ", "))") }
            return Outcome(status: status)
        }
        for job in found where job.state != .running { context.console.notice("job %\(id) on \(job.host): \(job.state)") }
        if verb == .attach, let job = found.first(where: { $0.state == .running }) {
            context.console.notice("attached to %\(id) (\(job.command)), running for \(job.age)\(JobProgress(job).map { ", \($0)" } ?? ""); Ctrl-C detaches, the job keeps running")
        }
        let outcome = await context.follow(found, showOutput: verb == .attach)
        if outcome.status == .interrupted {
            context.console.notice("detached from %\(id); it keeps running (jobs, attach %\(id))")
        } else {
            try? context.recorder?.note("job %\(id) ended: \(outcome.status)")
        }
        return outcome
    }
}
