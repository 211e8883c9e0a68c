/// `bg LINE` as `async`/`poll: 0`, `wait`/`attach %ID` as an
/// `async_status` loop, and `patronictl wait` as an `until` loop on
/// Patroni's REST API (`GET /cluster`).
extension PlaybookBuilder {
    mutating func background(_ words: Words) throws(AnsibleExportError) {
        guard words.words.count > 1, !entry.text.contains("\n") else { throw refuse("bg needs a line to run") }
        let id = entry.job ?? "line\(entry.line)"
        let register = "opsshell_job_" + String(id.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9": Character(scalar)
            default: "_"
            }
        })
        let outer = entry
        let inner = String(entry.text.dropFirst(words.words[1].column - 1))
        pendingJob = register
        lastPlacement = nil
        _ = try add(ScriptFile.Entry(line: outer.line, text: inner))
        entry = outer
        guard pendingJob == nil, let placement = lastPlacement else {
            pendingJob = nil
            throw refuse("only a command on a target can run detached")
        }
        registerJob(id, Job(placement: placement, register: register))
    }

    mutating func waitForJob(_ arguments: [String]) throws(AnsibleExportError) {
        guard arguments.count == 1, arguments[0].hasPrefix("%") else { throw refuse("wait and attach take one job, %ID") }
        let wanted = String(arguments[0].dropFirst())
        let id = wanted == "%" ? (lastJobID ?? "") : wanted
        guard job(id) != nil else { throw refuse("job %\(wanted) was not started by this recording, so the playbook has no handle on it") }
        addJobWait(id)
    }

    mutating func addJobWait(_ id: String) {
        guard let job = job(id) else { return }
        markWaited(id)
        let delay = 10
        var task: [(key: String, value: YAMLNode)] = [
            ("name", .text(entry.line > 0 ? "Line \(entry.line): wait for job %\(id)" : "Wait for job %\(id)")),
            ("ansible.builtin.async_status", .map([("jid", .template("{{ \(job.register).ansible_job_id }}"))])),
        ]
        task += job.placement.taskOptions()
        task += [
            ("register", .plain(job.register + "_status")),
            ("until", .template("\(job.register)_status.finished")),
            ("retries", .int(max(1, jobTimeout / delay))),
            ("delay", .int(delay)),
            // Check mode skipped the job's start: nothing to wait for.
            ("when", .template("\(job.register).ansible_job_id is defined")),
        ]
        add(.map(task), at: job.placement)
    }

    mutating func patroniWait(_ arguments: [String]) throws(AnsibleExportError) {
        var allRunning = false, leader = false, maxLag: Int?, cluster: String?
        var timeout = 3600, every = 10
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--all-running": allRunning = true
            case "--leader": leader = true
            case "--max-lag":
                guard let text = iterator.next(), let bytes = Self.bytes(text) else { throw refuse("--max-lag needs a size such as 100MB") }
                maxLag = bytes
            case "--timeout", "--every":
                guard let text = iterator.next(), let duration = DurationText.parse(text) else { throw refuse("\(argument) needs a duration") }
                let seconds = max(1, Int(duration.components.seconds))
                if argument == "--timeout" { timeout = seconds } else { every = seconds }
            case "--cluster": cluster = iterator.next()
            default: throw refuse("patronictl wait \(argument) has no Ansible form here")
            }
        }
        if !leader, maxLag == nil { allRunning = true }
        guard let api = patroniAPI(cluster: cluster) else {
            throw refuse("no host in the inventory has a patroni_api to wait on")
        }
        let url = (api.contains("://") ? api : "http://" + api) + "/cluster"
        let register = "opsshell_wait_\(entry.line)"
        let members = "(\(register).json.members | default([]))"
        let leaders = "['leader', 'standby_leader', 'master', 'primary']"
        var conditions = ["\(register).json is defined", "\(members) | length > 0"]
        if allRunning { conditions.append("\(members) | rejectattr('state', 'in', ['running', 'streaming']) | list | length == 0") }
        if leader { conditions.append("\(members) | selectattr('role', 'in', \(leaders)) | list | length > 0") }
        if let maxLag {
            let replicas = "\(members) | rejectattr('role', 'in', \(leaders))"
            conditions.append("\(replicas) | rejectattr('lag', 'number') | list | length == 0")
            conditions.append("\(replicas) | map(attribute='lag') | select('number') | select('gt', \(maxLag)) | list | length == 0")
        }
        add(.map([
            ("name", .text("Line \(entry.line): \(entry.text)")),
            ("ansible.builtin.uri", .map([("url", .text(url)), ("return_content", .bool(true))])),
            ("register", .plain(register)),
            ("until", .template(conditions.map { "(\($0))" }.joined(separator: " and "))),
            ("retries", .int(max(1, timeout / every))),
            ("delay", .int(every)),
        ]), at: stack[0])
    }

    /// The REST API to read: the current host's, else the first host's
    /// (of `cluster`, when given) that has one.
    private func patroniAPI(cluster: String?) -> String? {
        if here.hosts.count == 1, let api = hosts.inventory.host(named: here.hosts[0])?.attributes["patroni_api"] { return api }
        return hosts.inventory.hosts.first { host in
            host.attributes["patroni_api"] != nil && (cluster == nil || host.attributes["cluster"] == cluster)
        }?.attributes["patroni_api"]
    }

    /// `100MB` (MiB, as patronictl's "Lag in MB"), `512kB`, `1GB`, bytes.
    static func bytes(_ text: String) -> Int? {
        let digits = text.prefix { $0.isNumber }
        guard let number = Int(digits) else { return nil }
        switch text.dropFirst(digits.count).uppercased() {
        case "", "B": return number
        case "KB", "KIB", "K": return number << 10
        case "MB", "MIB", "M": return number << 20
        case "GB", "GIB", "G": return number << 30
        default: return nil
        }
    }
}
