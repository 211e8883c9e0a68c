/// A resumed walk and the detached jobs its step started before the shell
/// was gone (a killed shell, a dropped VPN): they are found on the hosts
/// and followed or read, never started a second time.
extension Guide {
    /// Finds job `id`, which the line at `place` started, on the hosts.
    /// Still running, or ended with 0 everywhere: the line counts as run
    /// (`attach %%` after it follows the job). Ended otherwise, lost, or
    /// gone: says so with its last output, forgets it (so that [r]un starts
    /// the line anew, through its confirmation), and returns false.
    func resume(job id: String, at place: GuideProgress.StepLine) async -> Bool {
        let context = interpreter.context
        let line = "step \(place.step), line \(place.line)"
        let found: [Job], unreachable: [(host: String, reason: String)]
        do {
            (found, unreachable) = try await context.findJobs(id: id)
        } catch {
            console.error("\(line): cannot look for its job %\(id): \(error); nothing was started")
            return false
        }
        let parts = found.filter { $0.id == id && $0.state != .unreadable }
        guard !parts.isEmpty else {
            if !unreachable.isEmpty {
                console.error("\(line) started job %\(id); \(unreachable.map(\.host).joined(separator: ", ")) could not be asked about it, so it is not started again. [r]un asks once more")
                return false
            }
            console.error("\(line) started job %\(id), which no host knows now (its files were removed?): not started again by itself. Look with `jobs`; [r]un now starts the line anew, and asks first")
            forget(place)
            return false
        }
        let hosts = parts.map(\.host).joined(separator: ", ")
        if parts.contains(where: { $0.state == .running }) {
            let running = parts.filter { $0.state == .running }
            let progress = running.compactMap { job in JobProgress(job).map { "\(job.host): \($0)" } }
            console.notice("\(line): job %\(id) is still running on \(running.map(\.host).joined(separator: ", ")) for \(running[0].age)"
                + (progress.isEmpty ? "" : " (\(progress.joined(separator: "; ")))") + "; re-attached, not started again")
            try? context.recorder?.comment("\(line): job %\(id) still running on \(hosts); re-attached, not started again")
            interpreter.context.session.lastJob = id
            return true
        }
        for part in parts {
            let said = part.lastLine.isEmpty ? "no output" : "its last output: \(part.lastLine)"
            console.notice("\(line): job %\(id) on \(part.host) ended while the shell was gone: \(part.state); \(said)")
        }
        let failed = parts.filter { $0.state != .exited(0) }
        try? context.recorder?.comment("\(line): job %\(id) had ended on \(hosts): \(parts.map { "\($0.host) \($0.state)" }.joined(separator: ", ")); not started again")
        guard failed.isEmpty else {
            console.error("\(line): job %\(id) did not succeed (\(failed.map { "\($0.host): \($0.state)" }.joined(separator: ", "))), so the step is not done. "
                + "Nothing was started again; [r]un starts the line anew (it asks first), or look in the s[h]ell, or [s]kip")
            forget(place)
            return false
        }
        interpreter.context.session.lastJob = id
        return true
    }

    /// The line's job is no longer the walk's: [r]un starts the line anew.
    private func forget(_ place: GuideProgress.StepLine) {
        progress.jobs[place] = nil
        _ = save()
    }
}
