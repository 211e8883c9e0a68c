import Foundation
import Testing
import TestSupport

/// `opsshell export ansible` and `replay --via ansible`, checked with the
/// real ansible-core (scripts/install-ansible.sh): the playbook as Ansible
/// reads it, `--syntax-check` and `ansible-lint` on every export, and local
/// runs by `ansible-playbook` whose output files are compared with what the
/// shell itself produces.
@Suite(.serialized)
struct AnsibleExportTests {
    static let ansibleBin = ProcessInfo.processInfo.environment["OPSSHELL_ANSIBLE_BIN"]
        ?? ShellBinary.packageRoot + "/lab/.ansible-venv/bin"

    /// A fresh directory with `files` in it.
    static func directory(_ files: [String: String] = [:]) throws -> String {
        let path = NSTemporaryDirectory() + "ansible-export-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
        return path
    }

    static let inventory = """
        ssh_config = "/tmp/no such/ssh_config"
        [hosts."db-1"]
        roles = ["dr-base-db-patroni"]
        address = "127.0.0.1"
        port = 2201
        user = "root"
        identity_file = "/keys/id"
        patroni_api = "127.0.0.1:8008"
        ansible_ssh_common_args = "-oProxyCommand=touch /tmp/owned"
        [hosts."db-2"]
        roles = ["dr-base-db-patroni"]
        [hosts."prod"]
        roles = ["production-db"]
        """

    /// Exports `script` (with `inventory`) into a new directory.
    static func export(_ script: String, inventory: String = inventory, flags: [String] = [], in dir: String? = nil) async throws
        -> (dir: String, result: ShellBinary.Result) {
        let dir = try dir ?? directory()
        try script.write(toFile: dir + "/recording.ops", atomically: true, encoding: .utf8)
        try inventory.write(toFile: dir + "/opsshell.toml", atomically: true, encoding: .utf8)
        let result = try await ShellBinary.run(["export", "ansible", "--inventory", dir + "/opsshell.toml"] + flags + [dir + "/recording.ops", dir + "/out"])
        return (dir + "/out", result)
    }

    /// The playbook as Ansible's own YAML loader reads it.
    static func playbook(_ dir: String) async throws -> [[String: Any]] {
        let load = "import json,sys\nfrom ansible.parsing.yaml.loader import AnsibleLoader\nprint(json.dumps(AnsibleLoader(open(sys.argv[1]).read()).get_single_data()))"
        let result = try await ShellBinary.runProcess(ansibleBin + "/python", ["-c", load, dir + "/" + "playbook.yml"])
        #expect(result.status == 0, "\(result.error)")
        return try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]] ?? []
    }

    static func tasks(_ plays: [[String: Any]]) -> [[String: Any]] { plays.flatMap { $0["tasks"] as? [[String: Any]] ?? [] } }

    /// `--syntax-check` and `ansible-lint` (with the export's own skip list) pass.
    static func checkWithAnsible(_ dir: String) async throws {
        let env = ["ANSIBLE_CONFIG": dir + "/ansible.cfg", "ANSIBLE_LOCAL_TEMP": dir + "/.tmp", "HOME": dir]
        let syntax = try await ShellBinary.runProcess(ansibleBin + "/ansible-playbook",
                                                      ["-i", dir + "/inventory.yml", dir + "/playbook.yml", "--syntax-check"], environment: env)
        #expect(syntax.status == 0, "syntax-check: \(syntax.output)\(syntax.error)")
        let lint = try await ShellBinary.runProcess(ansibleBin + "/ansible-lint", ["--nocolor", "--offline", "-c", dir + "/.ansible-lint", dir + "/playbook.yml"],
                                                    environment: env.merging(["PATH": ansibleBin + ":/usr/bin:/bin"]) { $1 })
        #expect(lint.status == 0, "ansible-lint: \(lint.output)\(lint.error)")
    }

    /// Runs the export with ansible-playbook.
    static func runPlaybook(_ dir: String, _ extra: [String] = [], environment: [String: String] = [:]) async throws -> ShellBinary.Result {
        try await ShellBinary.runProcess(ansibleBin + "/ansible-playbook", ["-i", dir + "/inventory.yml", dir + "/playbook.yml"] + extra,
                                         environment: ["ANSIBLE_CONFIG": dir + "/ansible.cfg", "ANSIBLE_LOCAL_TEMP": dir + "/.tmp",
                                                       "ANSIBLE_NOCOLOR": "1"].merging(environment) { $1 })
    }

    @Test func theLabRehearsalBecomesPlaysOnTheRightHostsWithItsUsersAndConfirmations() async throws {
        let script = try String(contentsOfFile: ShellBinary.packageRoot + "/Tests/lab/rehearsal.ops", encoding: .utf8)
        let inventory = Self.inventory.replacingOccurrences(of: "\"db-1\"", with: "\"patroni-01-db-dr.c.gitlab-dr.internal\"")
            .replacingOccurrences(of: "\"db-2\"", with: "\"patroni-02-db-dr.c.gitlab-dr.internal\"")
            + "\n[hosts.\"patroni-03-db-dr.c.gitlab-dr.internal\"]\nroles = [\"dr-base-db-patroni\"]\n"
        let (dir, result) = try await Self.export(script, inventory: inventory)
        #expect(result.status == 0, "\(result.error)")
        let plays = try await Self.playbook(dir)
        let tasks = Self.tasks(plays)
        // Every command line of the recording is a task, in order.
        let lines = tasks.compactMap { ($0["name"] as? String).flatMap { $0.hasPrefix("Line ") ? $0 : nil } }
        #expect(lines.first == "Line 16: knife ssh roles:dr-base-db-patroni 'sudo systemctl stop patroni'")
        #expect(plays.first?["hosts"] as? String == "dr_base_db_patroni")
        #expect(plays.allSatisfy { $0["any_errors_fatal"] as? Bool == true && $0["max_fail_percentage"] as? Int == 0 })
        let fetch = try #require(tasks.first { ($0["name"] as? String)?.contains("backup-fetch") == true })
        #expect(fetch["become_user"] as? String == "gitlab-psql")
        #expect((fetch["ansible.builtin.shell"] as? [String: Any])?["chdir"] as? String == "~")
        let start = try #require(tasks.first { ($0["name"] as? String)?.hasSuffix("systemctl start patroni") == true && $0["become"] != nil })
        #expect(start["become_user"] as? String == "root")
        // rm -rf of the data directory: a pause for the query, and the check of the word.
        let rmIndex = try #require(tasks.firstIndex { ($0["name"] as? String)?.contains("sudo rm -rf") == true })
        #expect(tasks[rmIndex - 2]["ansible.builtin.pause"] != nil)
        let that = (tasks[rmIndex - 1]["ansible.builtin.assert"] as? [String: Any])?["that"] as? [String]
        #expect(that?.first?.hasSuffix("== opsshell_word") == true)
        #expect((tasks[rmIndex - 1]["vars"] as? [String: Any])?["opsshell_word"] as? String == "roles:dr-base-db-patroni")
        let dated = try #require(tasks.first { ($0["name"] as? String)?.contains("pg_hba.conf.$(date +%F)'") == true })
        #expect((dated["ansible.builtin.shell"] as? [String: Any])?["cmd"] as? String == "{{ opsshell_text_0 ~ (date | string | quote) }}")
        #expect((dated["vars"] as? [String: Any])?["opsshell_text_0"] as? String
            == "sudo cp /var/opt/gitlab/postgresql/data/pg_hba.conf /var/opt/gitlab/postgresql/pg_hba.conf.")
        try await Self.checkWithAnsible(dir)

        let (quiet, unattended) = try await Self.export(script, inventory: inventory, flags: ["--unattended"])
        #expect(unattended.status == 0)
        #expect(Self.tasks(try await Self.playbook(quiet)).allSatisfy { $0["ansible.builtin.pause"] == nil })
        #expect(try String(contentsOfFile: quiet + "/playbook.yml", encoding: .utf8).contains("# UNATTENDED"))
    }

    @Test func theInventoryHasConnectionsAndGroupsAndNoAttributeCanSetAnAnsibleVariable() async throws {
        let (dir, result) = try await Self.export("knife ssh roles:production-db 'true'\n")
        #expect(result.status == 0, "\(result.error)")
        let load = "import json,sys\nfrom ansible.parsing.yaml.loader import AnsibleLoader\nprint(json.dumps(AnsibleLoader(open(sys.argv[1]).read()).get_single_data()))"
        let loaded = try await ShellBinary.runProcess(Self.ansibleBin + "/python", ["-c", load, dir + "/inventory.yml"])
        let inventory = try #require(try JSONSerialization.jsonObject(with: Data(loaded.output.utf8)) as? [String: Any])
        let all = try #require(inventory["all"] as? [String: Any])
        let db1 = try #require((all["hosts"] as? [String: Any])?["db-1"] as? [String: Any])
        #expect(db1["ansible_host"] == nil)
        #expect(db1["ansible_port"] as? Int == 2201)
        #expect(db1["ansible_user"] as? String == "root")
        #expect(db1["ansible_ssh_private_key_file"] as? String == "/keys/id")
        #expect(db1["ansible_ssh_common_args"] as? String == "-F '/tmp/no such/ssh_config' -o HostName=127.0.0.1")
        let (plain, _) = try await Self.export("echo x\n", inventory: Self.inventory.replacingOccurrences(of: "ssh_config = ", with: "# "))
        #expect(try String(contentsOfFile: plain + "/inventory.yml", encoding: .utf8).contains("ansible_host: \"127.0.0.1\""))
        #expect(db1["opsshell_ansible_ssh_common_args"] as? String == "-oProxyCommand=touch /tmp/owned")
        #expect(db1["opsshell_patroni_api"] as? String == "127.0.0.1:8008")
        let groups = try #require(all["children"] as? [String: Any])
        #expect(((groups["dr_base_db_patroni"] as? [String: Any])?["hosts"] as? [String: Any])?.keys.sorted() == ["db-1", "db-2"])
        let list = try await ShellBinary.runProcess(Self.ansibleBin + "/ansible-inventory", ["-i", dir + "/inventory.yml", "--graph"],
                                                    environment: ["ANSIBLE_CONFIG": dir + "/ansible.cfg"])
        #expect(list.status == 0 && list.output.contains("@dr_base_db_patroni:") && !list.error.contains("WARNING"), "\(list.output)\(list.error)")
    }

    /// Values that would be shell syntax or Jinja if spliced raw.
    static let hostile = ["{{ lookup('pipe', 'touch /tmp/opsshell-owned') }}", "a'; touch /tmp/opsshell-owned; echo '", "$(id) `id` \"q\" \\ {% raw %}",
                          "line\nbreak", "{# c #} }} {{"]

    @Test(arguments: hostile)
    func aHostileValueReachesTheCommandAsThatValueAndNothingElse(value: String) async throws {
        let work = try Self.directory()
        // Single-quoted, double-quoted and bare, as the shell splices each.
        let script = """
            set v \(shellQuote(value))
            printf '%s' $v > \(work)/bare
            printf '%s' "$v" > \(work)/double
            sh -c 'printf %s "$1"' sh '$v' > \(work)/single
            echo '{{ 6 * 7 }}' > \(work)/literal

            """
        let (dir, result) = try await Self.export(script, in: work)
        #expect(result.status == 0, "\(result.error)")
        let run = try await Self.runPlaybook(dir)
        #expect(run.status == 0, "\(run.output)\(run.error)")
        for name in ["bare", "double", "single"] {
            #expect(try String(contentsOfFile: work + "/" + name, encoding: .utf8) == value, "\(name)")
        }
        #expect(try String(contentsOfFile: work + "/literal", encoding: .utf8) == "{{ 6 * 7 }}\n")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/opsshell-owned"))
        try await Self.checkWithAnsible(dir)
    }

    @Test func aRecordedSessionRunsThroughAnsibleAsItRanInTheShell() async throws {
        let work = try Self.directory()
        // Recorded by the shell itself, then exported: cd, export, an assignment, sleep, a job.
        let lines = """
            cd \(work)
            export GREETING='hi there'
            stamp=$(printf 'x%sy' 42)
            printf '%s %s\\n' "$GREETING" $stamp > session.txt
            sleep 1s
            bg sh -c 'sleep 1; echo job done > job.txt'
            wait %%
            """
        let record = try await ShellBinary.run(["run", "--record", work + "/session.ops", "/dev/stdin"], input: lines + "\n")
        #expect(record.status == 0, "\(record.error)")
        let shellOutput = try String(contentsOfFile: work + "/session.txt", encoding: .utf8)
        #expect(shellOutput == "hi there x42y\n")
        try FileManager.default.removeItem(atPath: work + "/session.txt")
        try FileManager.default.removeItem(atPath: work + "/job.txt")
        let recorded = try String(contentsOfFile: work + "/session.ops", encoding: .utf8)
        let (dir, result) = try await Self.export(recorded, in: work)
        #expect(result.status == 0, "\(result.error)")
        let tasks = Self.tasks(try await Self.playbook(dir))
        #expect(tasks.contains { $0["async"] as? Int == 21600 && $0["poll"] as? Int == 0 })
        #expect(tasks.contains { $0["ansible.builtin.async_status"] != nil && $0["until"] != nil })
        let run = try await Self.runPlaybook(dir)
        #expect(run.status == 0, "\(run.output)\(run.error)")
        #expect(try String(contentsOfFile: work + "/session.txt", encoding: .utf8) == shellOutput)
        #expect(try String(contentsOfFile: work + "/job.txt", encoding: .utf8) == "job done\n")
        try await Self.checkWithAnsible(dir)
    }

    @Test func theFirstFailureStopsThePlaybookAsItStoppedTheRecording() async throws {
        let work = try Self.directory()
        let (dir, result) = try await Self.export("touch \(work)/one\nfalse\ntouch \(work)/two\n", in: work)
        #expect(result.status == 0, "\(result.error)")
        let run = try await Self.runPlaybook(dir)
        #expect(run.status != 0)
        #expect(FileManager.default.fileExists(atPath: work + "/one"))
        #expect(!FileManager.default.fileExists(atPath: work + "/two"))
    }

    @Test func anUnreachableHostStopsThePlaybookBeforeTheNextPlay() async throws {
        let work = try Self.directory()
        let inventory = "[hosts.\"db-1\"]\nroles = [\"db\"]\naddress = \"127.0.0.1\"\nport = 1\n"
        let (dir, result) = try await Self.export("ssh db-1 true\ntouch \(work)/after\n", inventory: inventory, in: work)
        #expect(result.status == 0, "\(result.error)")
        let run = try await Self.runPlaybook(dir)
        #expect(run.status != 0)
        #expect(run.output.contains("UNREACHABLE"), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: work + "/after"))
    }

    @Test func aSecretIsAskedPrivatelyAndNeverWritten() async throws {
        let work = try Self.directory()
        let (dir, result) = try await Self.export("read -s PGPASSWORD\nprintf '%s' $PGPASSWORD > \(work)/secret\n", in: work)
        #expect(result.status == 0, "\(result.error)")
        let plays = try await Self.playbook(dir)
        let prompt = (plays.first?["vars_prompt"] as? [[String: Any]])?.first
        #expect(prompt?["name"] as? String == "PGPASSWORD" && prompt?["private"] as? Bool == true)
        #expect(Self.tasks(plays).contains { $0["no_log"] as? Bool == true && ($0["name"] as? String)?.contains("printf") == true })
        let run = try await Self.runPlaybook(dir, ["-e", #"{"PGPASSWORD": "s3 cr'et"}"#])
        #expect(run.status == 0, "\(run.output)\(run.error)")
        #expect(try String(contentsOfFile: work + "/secret", encoding: .utf8) == "s3 cr'et")
        #expect(!run.output.contains("s3 cr'et"))
        try await Self.checkWithAnsible(dir)
    }

    @Test func aDestructiveCommandWithoutATerminalStopsAtItsPause() async throws {
        let work = try Self.directory()
        try FileManager.default.createDirectory(atPath: work + "/data", withIntermediateDirectories: true)
        let (dir, result) = try await Self.export("rm -rf \(work)/data\n", in: work)
        #expect(result.status == 0, "\(result.error)")
        let run = try await Self.runPlaybook(dir)
        #expect(run.status != 0)
        #expect(run.output.contains("not confirmed"), "\(run.output)")
        #expect(FileManager.default.fileExists(atPath: work + "/data"))
    }

    @Test func patronictlWaitPollsTheRESTAPIUntilTheClusterIsReady() async throws {
        let (dir, result) = try await Self.export("ssh db-1\ngitlab-patronictl wait --leader --max-lag 16MB --timeout 10m --every 30s\nexit\n")
        #expect(result.status == 0, "\(result.error)")
        let task = try #require(Self.tasks(try await Self.playbook(dir)).first { $0["ansible.builtin.uri"] != nil })
        #expect((task["ansible.builtin.uri"] as? [String: Any])?["url"] as? String == "http://127.0.0.1:8008/cluster")
        #expect(task["retries"] as? Int == 20 && task["delay"] as? Int == 30)
        #expect((task["until"] as? String)?.contains("select('gt', 16777216)") == true)
        try await Self.checkWithAnsible(dir)
    }

    @Test(arguments: [
        ("echo ok\ndry-run on\n", 2, "Ansible has nothing that does it"),
        ("patronictl cycle-replicas --cycles 1\n", 1, "cycle-replicas"),
        ("ssh db-1\ncd -\n", 2, "cd -"),
        ("echo a\nexit\necho b\n", 2, "1 later command"),
        ("ssh nowhere\n", 1, "not in the inventory"),
        ("knife ssh roles:nobody 'true'\n", 1, "nobody"),
        ("echo $unset\n", 1, "unset"),
        ("patronictl list\n", 1, "answers `patronictl` itself"),
    ])
    func whatAnsibleCannotExpressIsRefusedWithItsLineAndNothingIsWritten(script: String, line: Int, reason: String) async throws {
        let (dir, result) = try await Self.export(script)
        #expect(result.status == 1)
        #expect(result.error.contains("line \(line): "), "\(result.error)")
        #expect(result.error.contains(reason), "\(result.error)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/playbook.yml"))
    }

    @Test func aHostNameThatIsAnAnsiblePatternIsRefused() async throws {
        let (_, result) = try await Self.export("echo x\n", inventory: "[hosts.\"fe80::1\"]\nroles = [\"db\"]\n")
        #expect(result.status == 1)
        #expect(result.error.contains("fe80::1") && result.error.contains("host pattern"), "\(result.error)")
    }

    @Test func replayViaAnsibleRunsThePlaybookAndCheckModeSaysShellTasksAreSkipped() async throws {
        let work = try Self.directory()
        try "set v recorded\nprintf '%s' $v > \(work)/ran\n".write(toFile: work + "/r.ops", atomically: true, encoding: .utf8)
        let env = ["OPSSHELL_ANSIBLE_PLAYBOOK": Self.ansibleBin + "/ansible-playbook", "ANSIBLE_LOCAL_TEMP": work + "/.tmp"]
        let check = try await ShellBinary.run(["replay", "--via", "ansible", "--check", work + "/r.ops"], environment: env)
        #expect(check.status == 0, "\(check.output)\(check.error)")
        #expect(check.error.contains("check mode skips shell tasks"))
        #expect(!FileManager.default.fileExists(atPath: work + "/ran"))
        // --set overrides the recording's value, as in the shell's replay.
        let run = try await ShellBinary.run(["replay", "--via", "ansible", "--set", "v=it's a b", work + "/r.ops"], environment: env)
        #expect(run.status == 0, "\(run.output)\(run.error)")
        #expect(run.output.contains("PLAY RECAP"))
        #expect(try String(contentsOfFile: work + "/ran", encoding: .utf8) == "it's a b")
        let failing = try await ShellBinary.run(["replay", "--via", "ansible", work + "/missing.ops"], environment: env)
        #expect(failing.status != 0 && failing.error.contains("missing.ops"), "\(failing.error)")
    }
}

/// `value` as one POSIX shell word (for writing test scripts).
func shellQuote(_ value: String) -> String { "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'" }
