/// Walks a recording's lines as the interpreter would, keeping the target
/// stack, the variables and the jobs, and turns each line into tasks of
/// the play for where it ran.
struct PlaybookBuilder {
    enum Added { case tasks, endsSession }

    /// Where a session variable's value comes from in the playbook.
    enum Source {
        case value(String)
        /// `read -s NAME`: asked once (`vars_prompt`, private), never written.
        case secret
        /// `NAME=$(…)` run on a host: that host's fact.
        case fact(host: String)
    }

    struct Job { let placement: Placement; let register: String; var waited = false }

    let export: AnsibleExport
    let hosts: AnsibleInventory
    private(set) var plays: [AnsiblePlay] = []
    private var play: AnsiblePlay?
    private var variables: [(name: String, source: Source)] = [("date", .value(Variables.today()))]
    /// Values for expanding lines, so their risk is the shell's rating.
    private var expansion = Variables()
    private var secrets: [String] = []
    /// The target stack: the first level is this machine.
    var stack = [Placement(hosts: [], pattern: "localhost")]
    private var jobs: [String: Job] = [:]
    private var jobOrder: [String] = []
    private var lastJob: String?
    var entry = ScriptFile.Entry(line: 0, text: "")
    /// Set by `bg`: the next shell task starts detached, as this job.
    var pendingJob: String?
    /// Where the last shell task ran (a job is waited for there).
    var lastPlacement: Placement?

    init(export: AnsibleExport, hosts: AnsibleInventory) {
        self.export = export
        self.hosts = hosts
    }

    func refuse(_ reason: String) -> AnsibleExportError {
        AnsibleExportError(line: entry.line, text: entry.text, reason: reason)
    }

    var here: Placement { stack[stack.count - 1] }

    // MARK: lines

    mutating func add(_ entry: ScriptFile.Entry) throws(AnsibleExportError) -> Added {
        self.entry = entry
        let words: Words
        do { words = try Words(parsing: entry.text) } catch { throw refuse("\(error)") }
        let values = try expand(words)
        guard !values.isEmpty else { return .tasks }
        if !words.hasShellSyntax, let command = export.catalog.command(for: values) {
            return try builtin(command.name, words: words, values: values)
        }
        if !words.hasShellSyntax, let (user, login) = TargetSwitch.parse(values) {
            try checkUser(user)
            var level = here
            level.user = user
            level.isLogin = login
            if login { level.directory = nil; level.environment = [] }
            stack.append(level)
            return .tasks
        }
        if let assignment = Assignment(try expanded(entry.text), from: 0) {
            try assign(assignment, words: words)
            return .tasks
        }
        if !words.hasShellSyntax, let (plugin, invocation) = export.catalog.tool(in: values) {
            if try tool(plugin, invocation, words: words, values: values) { return .tasks }
        }
        try shell(ShellTemplate(words.source), risk: export.catalog.risk(of: values), at: here, word: here.isLocal ? "local" : here.pattern)
        return .tasks
    }

    private func expand(_ words: Words) throws(AnsibleExportError) -> [String] {
        do {
            return try words.words.map { word throws(LanguageError) in try word.value(in: expansionHere) }
        } catch {
            throw refuse("\(error) (the recorded session would have refused it too)")
        }
    }

    private func expanded(_ text: String) throws(AnsibleExportError) -> ExpandedLine {
        do { return try ExpandedLine(text, variables: expansionHere) } catch { throw refuse("\(error)") }
    }

    /// The session's variables plus this level's exports, as `$NAME` sees them.
    private var expansionHere: Variables {
        var all = expansion
        for (name, value) in here.environment { try? all.set(name, to: value) }
        return all
    }

    private func checkUser(_ user: String) throws(AnsibleExportError) {
        let safe = !user.isEmpty && user.first != "-" && user.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-", ".": true
            default: false
            }
        }
        if !safe { throw refuse("user \(user) is not a user name Ansible's become_user can take as it is") }
    }

    // MARK: built-ins

    private mutating func builtin(_ name: String, words: Words, values: [String]) throws(AnsibleExportError) -> Added {
        let arguments = Array(values.dropFirst())
        switch name {
        case "set":
            if arguments.count >= 2, arguments[0] == "-s" { try setVariable(arguments[1], .secret); return .tasks }
            guard arguments.count >= 2 else { throw refuse("set needs NAME VALUE") }
            try setVariable(arguments[0], Variables.holdsCredential(arguments[0]) ? .secret : .value(arguments.dropFirst().joined(separator: " ")))
        case "read":
            guard arguments.count == 2, arguments[0] == "-s" else { throw refuse("read takes -s NAME") }
            try setVariable(arguments[1], .secret)
        case "unset":
            for argument in arguments {
                if let index = here.environment.firstIndex(where: { $0.name == argument }) {
                    stack[stack.count - 1].environment.remove(at: index)
                } else {
                    variables.removeAll { $0.name == argument }
                    _ = expansion.unset(argument)
                    endPlay()
                }
            }
        case "ssh":
            guard let host = arguments.first else { throw refuse("ssh needs a host") }
            let level = try hostPlacement([host], pattern: host)
            if arguments.count == 1 { stack.append(level); return .tasks }
            let inner = Array(words.words.dropFirst(2))
            try shell(ShellTemplate(joining: inner), risk: export.catalog.risk(of: Self.innerWords(ShellTemplate(joining: inner))), at: level, word: host)
        case "exit":
            if stack.count == 1 { return .endsSession }
            stack.removeLast()
        case "cd": try changeDirectory(arguments)
        case "export": try exportVariables(arguments)
        case "bg": try background(words)
        case "wait", "attach": try waitForJob(arguments)
        case "confirm":
            let text = arguments.isEmpty ? "Continue?" : arguments.joined(separator: " ")
            addConfirmation(text + "\nType yes to continue", word: "yes")
        case "sleep":
            guard arguments.count == 1, let duration = DurationText.parse(arguments[0]) else { throw refuse("sleep needs one duration") }
            let seconds = max(1, Int(duration.components.seconds))
            add(.map([("name", .text("Line \(entry.line): \(entry.text)")), ("ansible.builtin.pause", .map([("seconds", .int(seconds))]))]), at: stack[0])
        case "echo":
            add(.map([("name", .text("Line \(entry.line): \(entry.text)")),
                      ("ansible.builtin.debug", .map([("msg", .text(arguments.joined(separator: " ")))]))]), at: stack[0])
        default:
            throw refuse("`\(name)` is the shell's own (\(export.catalog.command(named: name)?.summary ?? "a built-in")); Ansible has nothing that does it")
        }
        return .tasks
    }

    private mutating func setVariable(_ name: String, _ source: Source) throws(AnsibleExportError) {
        guard Variables.isValidName(name) else { throw refuse("\(name) is not a variable name") }
        variables.removeAll { $0.name == name }
        variables.append((name, source))
        switch source {
        case .value(let value): try? expansion.set(name, to: value)
        case .secret:
            try? expansion.set(name, to: "secret", secret: true)
            if !secrets.contains(name) { secrets.append(name) }
        case .fact: try? expansion.set(name, to: entry.values.first { $0.name == name }?.value ?? "value")
        }
        // A play's vars are fixed when it starts: the next task starts a play that has it.
        endPlay()
    }

    private mutating func changeDirectory(_ arguments: [String]) throws(AnsibleExportError) {
        guard arguments.count <= 1 else { throw refuse("cd takes one directory") }
        guard let wanted = arguments.first else {
            stack[stack.count - 1].directory = "~"
            return
        }
        if wanted == "-" { throw refuse("`cd -` depends on where the shell was; write the directory") }
        if wanted.hasPrefix("/") || wanted.hasPrefix("~") {
            stack[stack.count - 1].directory = wanted
        } else {
            let base = here.directory ?? (here.isLocal ? export.options.localDirectory : "~")
            stack[stack.count - 1].directory = base.hasSuffix("/") ? base + wanted : base + "/" + wanted
        }
    }

    private mutating func exportVariables(_ arguments: [String]) throws(AnsibleExportError) {
        guard !arguments.isEmpty else { return }  // `export` alone only lists
        for argument in arguments {
            let name: String, value: String
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
                if value.contains("$") || value.contains("`") {
                    throw refuse("an exported value the target's shell evaluates (`$…`, backquotes) has no Ansible `environment` form; export the value itself")
                }
            } else {
                name = argument
                guard let known = expansionHere[argument] else { throw refuse("export \(argument): no variable \(argument) to export") }
                value = known
            }
            guard Variables.isValidName(name) else { throw refuse("\(name) is not a variable name") }
            stack[stack.count - 1].environment.removeAll { $0.name == name }
            stack[stack.count - 1].environment.append((name, value))
        }
    }

    /// `NAME=VALUE` is a variable; `NAME=$(…)` runs on the target and its
    /// output becomes that host's fact, which later plays read.
    private mutating func assign(_ assignment: Assignment, words: Words) throws(AnsibleExportError) {
        if let literal = assignment.literalValues {
            for (name, value) in zip(assignment.names, literal) { try setVariable(name, .value(value)) }
            return
        }
        guard assignment.names.count == 1, let name = assignment.names.first else {
            throw refuse("only one NAME=$(…) per line can be exported")
        }
        guard here.hosts.count <= 1 else { throw refuse("an assignment runs on one target") }
        let register = "opsshell_out_\(name)"
        var template = ShellTemplate(words.source)
        template = ShellTemplate(parts: template.parts + [.literal(" && printf '%s' \"$\(name)\"")])
        let risk = assignment.substitutions.map { export.catalog.risk(of: Context.words(of: $0)) }.max() ?? .readOnly
        try shell(template, risk: risk, at: here, word: here.isLocal ? "local" : here.pattern, register: register)
        let host = here.hosts.first ?? "localhost"
        add(.map([("name", .text("Line \(entry.line): keep $\(name)")),
                  ("ansible.builtin.set_fact", .map([("opsshell_value_\(name)", .template("{{ \(register).stdout }}"))]))]), at: here)
        try setVariable(name, .fact(host: host))
    }

    static func innerWords(_ template: ShellTemplate) -> [String] {
        let text = template.parts.map { part -> String in
            switch part {
            case .literal(let text): text
            case .variable(let name, _): "$" + name
            }
        }.joined()
        return Context.words(of: text)
    }

    // MARK: plays and tasks

    func hostPlacement(_ names: [String], pattern: String) throws(AnsibleExportError) -> Placement {
        for name in names where hosts.inventory.host(named: name) == nil {
            throw refuse("host \(name) is not in the inventory; the playbook can only reach the inventory's hosts")
        }
        return Placement(hosts: names, pattern: pattern)
    }

    mutating func add(_ task: YAMLNode, at placement: Placement) {
        if let play, play.hosts != placement.pattern { endPlay() }
        if play == nil { startPlay(at: placement) }
        play!.tasks.append(task)
    }

    private mutating func startPlay(at placement: Placement) {
        var vars: [(key: String, value: YAMLNode)] = []
        for (name, source) in variables {
            switch source {
            case .value(let value): vars.append((name, .text(value)))
            case .secret: vars.append((name, .template("{{ hostvars['localhost'].opsshell_secret_\(name) }}")))
            case .fact(let host): vars.append((name, .template("{{ hostvars['\(host)'].opsshell_value_\(name) }}")))
            }
        }
        if placement.isLocal { vars.append(("opsshell_local_dir", .text(export.options.localDirectory))) }
        let label = placement.isLocal ? "this machine" : placement.pattern
        play = AnsiblePlay(name: "From line \(entry.line): on \(label)", hosts: placement.pattern, isLocal: placement.isLocal, vars: vars)
    }

    mutating func endPlay() {
        if let play { plays.append(play) }
        play = nil
    }

    /// Whether the line's variables include `name` (a session variable).
    func expansionHasValue(_ name: String) -> Bool { expansion[name] != nil }

    /// Whether `name` is a secret, so tasks using it log nothing.
    func isSecret(_ name: String) -> Bool { secrets.contains(name) }

    var jobTimeout: Int { export.options.jobTimeoutSeconds }

    mutating func registerJob(_ id: String, _ job: Job) {
        jobs[id] = job
        jobOrder.append(id)
        lastJob = id
    }

    func job(_ id: String) -> Job? { jobs[id == "%" ? (lastJob ?? "") : id] }
    var lastJobID: String? { lastJob }
    mutating func markWaited(_ id: String) { jobs[id]?.waited = true }

    /// The playbook: the secrets asked first, then every play, then a wait
    /// for each job the recording left running.
    mutating func finish() -> [AnsiblePlay] {
        for id in jobOrder where jobs[id]?.waited == false { addJobWait(id) }
        endPlay()
        guard !secrets.isEmpty else { return plays }
        var ask = AnsiblePlay(name: "Ask for the recording's secrets", hosts: "localhost", isLocal: true)
        ask.prompts = secrets
        ask.tasks = [.map([("name", .text("Keep the secrets for the later plays")),
                           ("ansible.builtin.set_fact", .map(secrets.map { ("opsshell_secret_\($0)", YAMLNode.template("{{ \($0) }}")) })),
                           ("no_log", .bool(true))])]
        return [ask] + plays
    }
}
