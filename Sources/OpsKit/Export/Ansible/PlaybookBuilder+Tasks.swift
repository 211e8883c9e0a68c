/// The tasks a line becomes: shell commands (with their confirmation),
/// fan-out, detached jobs and their waits, and the shell's own waits as
/// `until` loops on Patroni's REST API.
extension PlaybookBuilder {
    /// A shell command at `placement`, stopping the run when it fails; a
    /// destructive one pauses for `word` first (unless unattended).
    mutating func shell(_ template: ShellTemplate, risk: Risk, at placement: Placement, word: String,
                        register: String? = nil, job: String? = nil, options: [(key: String, value: YAMLNode)] = []) throws(AnsibleExportError) {
        let job = job ?? pendingJob
        pendingJob = nil
        lastPlacement = placement
        var taskVars: [(key: String, value: YAMLNode)] = []
        for name in Set(template.variableNames).sorted() {
            if let exported = placement.environment.first(where: { $0.name == name }) {
                taskVars.append((name, .text(exported.value)))
            } else if !knows(name) {
                throw refuse("$\(name) is not set here")
            }
        }
        if risk == .destroysData, !export.options.unattended {
            let command = Self.innerWords(template).joined(separator: " ")
            addConfirmation("This destroys data.\n  target: \(placement.isLocal ? "local" : placement.pattern)\n  command: \(command)\nType \(word) to run it", word: word, at: placement)
        }
        let (cmd, textVars) = template.node
        taskVars += textVars
        var module: [(key: String, value: YAMLNode)] = [("cmd", cmd)]
        if let chdir = placement.chdir { module.append(("chdir", chdir)) }
        var task: [(key: String, value: YAMLNode)] = [("name", .text("Line \(entry.line): \(entry.text)")), ("ansible.builtin.shell", .map(module))]
        task += placement.taskOptions()
        task += options
        if !taskVars.isEmpty { task.append(("vars", .map(taskVars))) }
        if let job {
            task.append(("async", .int(jobTimeout)))
            task.append(("poll", .int(0)))
            task.append(("register", .plain(job)))
        } else if let register {
            task.append(("register", .plain(register)))
        }
        // Check mode skips shell tasks, as Ansible does; read-only ones change nothing.
        task.append(("changed_when", .bool(risk != .readOnly)))
        if template.variableNames.contains(where: isSecret) { task.append(("no_log", .bool(true))) }
        add(.map(task), at: placement)
    }

    private func knows(_ name: String) -> Bool {
        expansionHasValue(name)
    }

    /// A pause for a typed word and the check of what was typed: without a
    /// terminal Ansible does not wait, the answer is empty, and the run stops.
    /// The pause runs once per play and its answer is registered on every
    /// host, so each host checks it.
    mutating func addConfirmation(_ prompt: String, word: String, at placement: Placement? = nil) {
        let where_ = placement ?? here
        let register = "opsshell_confirm_\(entry.line)"
        add(.map([("name", .text("Line \(entry.line): confirm")),
                  ("ansible.builtin.pause", .map([("prompt", .text(prompt))])),
                  ("register", .plain(register))]), at: where_)
        add(.map([("name", .text("Line \(entry.line): the word typed is \(word)")),
                  ("ansible.builtin.assert", .map([
                      ("that", .list([.template("\(register).user_input | default('') | trim == opsshell_word")])),
                      ("fail_msg", .text("not confirmed: this needs \(word) typed; nothing was run")),
                      ("quiet", .bool(true)),
                  ])),
                  ("vars", .map([("opsshell_word", .text(word))]))]), at: where_)
    }

    /// A tool's line the shell handles itself: `knife ssh` fans out,
    /// `patronictl wait` polls the REST API; tools the shell answers from
    /// this machine are refused. False: an ordinary shell command.
    mutating func tool(_ plugin: any Plugin, _ invocation: ToolInvocation, words: Words, values: [String]) throws(AnsibleExportError) -> Bool {
        let arguments = invocation.arguments
        switch plugin.name {
        case "knife":
            guard arguments.first == "ssh", let index = plugin.embeddedCommandIndex(in: arguments) else {
                throw refuse("only `knife ssh` has an Ansible form; `knife search`, `node list` and `role list` answer from the inventory")
            }
            try knifeSSH(arguments, commandIndex: index, words: words, wrappers: invocation.wrappers.count)
            return true
        case "patronictl" where arguments.first == "wait":
            try patroniWait(Array(arguments.dropFirst()))
            return true
        case "patronictl" where ["catch-up", "cycle-replicas"].contains(arguments.first ?? ""):
            throw refuse("`patronictl \(arguments[0])` is the shell's own (it reads SQL on the leader and stops replicas one at a time); it has no Ansible form yet")
        case "wal-e" where arguments.contains("check-latest"), "wal-g" where arguments.contains("check-latest"):
            throw refuse("`check-latest` is the shell's own check; it has no Ansible form yet")
        case _ where here.isLocal && ["patronictl", "consul"].contains(plugin.name):
            throw refuse("on this machine the shell answers `\(plugin.name)` itself (REST or HTTP API, no CLI needed); run it on a host (`ssh HOST …`) to export it")
        default:
            return false
        }
    }

    private mutating func knifeSSH(_ arguments: [String], commandIndex: Int, words: Words, wrappers: Int) throws(AnsibleExportError) {
        var manual = false
        var extra: [(key: String, value: YAMLNode)] = []
        var positionals: [Int] = []
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "-m", "--manual-list": manual = true
            case "-C", "--concurrency":
                guard index + 1 < arguments.count, let number = Int(arguments[index + 1]), number > 0 else { throw refuse("-C needs a positive number") }
                extra.append(("throttle", .int(number)))
                index += 1
            case "--timeout", "--ssh-timeout":
                guard index + 1 < arguments.count, let duration = DurationText.parse(arguments[index + 1]) else { throw refuse("--timeout needs a duration") }
                extra.append(("timeout", .int(max(1, Int(duration.components.seconds)))))
                index += 1
            case _ where argument.hasPrefix("-") && positionals.isEmpty:
                throw refuse("knife ssh \(argument) has no Ansible form here")
            default: positionals.append(index)
            }
            index += 1
        }
        guard positionals.count == 2, positionals[1] == commandIndex else { throw refuse("knife ssh needs QUERY 'COMMAND'") }
        let query = arguments[positionals[0]]
        let names: [String], pattern: String
        if manual {
            names = query.split(separator: " ").map(String.init)
            pattern = names.joined(separator: ",")
        } else {
            let found: [Host]
            do { found = try hosts.inventory.hosts(matching: HostQuery(query)) } catch { throw refuse("\(error)") }
            names = found.map(\.name)
            let role = query.hasPrefix("roles:") ? String(query.dropFirst(6)) : query.hasPrefix("role:") ? String(query.dropFirst(5)) : nil
            pattern = role.flatMap(hosts.group(forRole:)) ?? names.joined(separator: ",")
        }
        let placement = try hostPlacement(names, pattern: pattern)
        // The word of the line that holds COMMAND: the tool's arguments start after its wrappers and name.
        let word = words.words[wrappers + 1 + commandIndex]
        let template = ShellTemplate(word)
        let risk = export.catalog.risk(of: Self.innerWords(template))
        try shell(template, risk: risk, at: placement, word: query, options: extra)
    }
}
