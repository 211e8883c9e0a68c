/// Starting, finding and following detached jobs, on the hosts themselves,
/// through the shell's one path: every look and every start is planned and
/// audited like any command.
extension Context {
    /// Starts each step of an approved plan as job `id`, detached from this
    /// connection; says `job %ID` and each host's start.
    func launch(_ plan: RunPlan, job id: String, watch: String?) async throws -> Outcome {
        let console = self.console
        var failed: [String] = []
        var hosts: [HostOutcome] = []
        var expectations: [String: Int64] = [:]
        let expectedBytes = watch == nil ? nil : plan.expectedBytes
        await withTaskGroup(of: (String, ExitStatus, String, Int64?).self) { group in
            for (target, command) in plan.steps {
                group.addTask {
                    // What the restore will come to, asked before it starts
                    // (the archive's listing); kept with the job on the host.
                    let expected = await expectedBytes?(target, self)
                    let script = JobScripts.launch(id: id, host: target.hostLabel, command: target.applyingShellState(to: command),
                                                   watch: watch, expected: expected)
                    do {
                        let output = try await executor.capture(script, on: target, limit: 4096)
                        let started = output.status.isSuccess && output.standardOutput.contains("started")
                        return (target.hostLabel, started ? .success : (output.status.isSuccess ? .exited(1) : output.status),
                                output.standardError.trimmingTrailingBlanks(), expected)
                    } catch {
                        return (target.hostLabel, .exited(255), "\(error)", expected)
                    }
                }
            }
            for await (host, status, said, expected) in group {
                hosts.append(HostOutcome(host: host, result: .finished(status), seconds: 0))
                if !status.isSuccess { failed.append("\(host): \(said.isEmpty ? "\(status)" : said)") }
                expectations[host] = expected
            }
        }
        hosts.sort { $0.host < $1.host }
        console.line("job %\(id)" + (watch.map { ", progress: the size of \($0)" } ?? ""))
        for host in hosts where host.result == .finished(.success) {
            console.line("  \(host.host): started, detached" + (expectations[host.host].map { "; expected size \(JobsCommand.bytes($0))" } ?? ""))
        }
        for failure in failed { console.error("  \(failure)") }
        try? recorder?.note("job %\(id) on \(hosts.map(\.host).joined(separator: " "))")
        let status: ExitStatus = failed.isEmpty ? .success : .exited(1)
        return Outcome(status: status, hosts: hosts)
    }

    /// The jobs the hosts record: this machine, every inventory host (as
    /// the login user), and the current target as its user. Hosts that
    /// cannot be asked are in `unreachable`.
    func findJobs(id: String? = nil) async throws -> (jobs: [Job], unreachable: [(host: String, reason: String)]) {
        var targets = [Target.local] + inventory.hosts.map { Target(host: $0.name) }
        let here = session.target
        if here.user != nil || (here.host != nil && !targets.contains { $0.host == here.host }) { targets.append(Target(host: here.host, user: here.user)) }
        var jobs: [Job] = [], unreachable: [(String, String)] = []
        try await withThrowingTaskGroup(of: (String, CapturedOutput?).self) { group in
            for target in targets {
                group.addTask {
                    let output = try? await self.captureStep(JobScripts.list(host: target.hostLabel, id: id), on: target,
                                                             purpose: "jobs: what \(target.hostLabel) records", limit: 1 << 20)
                    return (target.hostLabel, output ?? nil)
                }
            }
            for try await (host, output) in group {
                guard let output else { continue }
                guard output.status.isSuccess else {
                    unreachable.append((host, output.standardError.lastLine))
                    continue
                }
                jobs += Job.parse(output.standardOutput, host: host)
            }
        }
        // The same job seen as root and as its user: once.
        var seen = Set<String>()
        jobs = jobs.filter { seen.insert("\($0.id)@\($0.host)/\($0.user)").inserted }
        jobs.sort { ($0.id, $0.host) < ($1.id, $1.host) }
        return (jobs, unreachable.sorted { $0.0 < $1.0 })
    }

    /// Follows (or waits for) every host's part of a job until it ends; the
    /// highest status. Ctrl-C stops following; the job keeps running.
    func follow(_ jobs: [Job], showOutput: Bool) async -> Outcome {
        let steps = jobs.map { job -> (target: Target, command: String) in
            (Self.target(of: job), JobScripts.follow(job.id, host: job.host, user: job.user, showOutput: showOutput))
        }
        let progress = showOutput ? reportProgress(of: jobs) : nil
        defer { progress?.cancel() }
        if steps.count == 1, let (target, command) = steps.first {
            let console = self.console
            let status = (try? await executor.run(command, on: target) { console.write(bytes: $1, to: $0) }) ?? .exited(255)
            return Outcome(status: status)
        }
        let outcomes = await fanOut(concurrency: nil, timeout: nil).run(steps)
        return Outcome(status: outcomes.overallStatus, hosts: outcomes)
    }

    /// Where a job's host is asked about it: as the login user, as `jobs` asks.
    static func target(of job: Job) -> Target { job.host == "local" ? .local : Target(host: job.host) }

    /// While `jobs` run, a line per host every so often beside their output:
    /// bytes so far, the expected size, the rate since the last reading, the
    /// ETA at that rate. Nil when none of them fills a directory.
    func reportProgress(of jobs: [Job]) -> Task<Void, Never>? {
        let watched = jobs.filter { $0.state == .running && $0.progressBytes != nil }
        guard !watched.isEmpty else { return nil }
        let context = self
        return Task {
            var last = watched
            var readings = 0
            while true {
                // Often at first, so that a rate shows soon; then twice a
                // minute, since each reading is a look the audit log keeps.
                do { try await Task.sleep(for: .seconds(readings < 6 ? 10 : 30)) } catch { return }
                readings += 1
                for (index, job) in last.enumerated() {
                    guard let listing = try? await context.captureStep(JobScripts.list(host: job.host, id: job.id), on: Self.target(of: job),
                                                                       purpose: "attach: the progress of %\(job.id) on \(job.host)", limit: 1 << 16),
                          let now = Job.parse(listing.standardOutput, host: job.host).first(where: { $0.id == job.id && $0.user == job.user }),
                          now.state == .running, let progress = JobProgress(from: job, to: now) else { continue }
                    guard !Task.isCancelled else { return }
                    context.console.notice("%\(job.id) on \(job.host): \(progress)")
                    last[index] = now
                }
            }
        }
    }
}
