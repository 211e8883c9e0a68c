import OpsKit
import TestSupport
import Testing

/// Reads inline Markdown the way `opsshell guide` reads a file.
private func read(_ markdown: String) throws(RunbookError) -> Runbook {
    try Runbook(text: markdown, source: "test.md")
}

@Suite("Reading the seed runbook")
struct SeedRunbookTests {
    static let seed = fixture("runbooks/geo-patroni-cluster.md")

    /// Every step's commands, written out from the seed.
    static let commands: [[String]] = [
        ["knife ssh roles:dr-base-db-patroni 'sudo systemctl stop patroni'",
         "knife ssh roles:dr-base-db-patroni 'consul kv delete -recurse service/pg-ha-cluster'"],
        ["knife ssh roles:dr-base-db-patroni 'sudo cp /var/opt/gitlab/postgresql/data/pg_hba.conf /var/opt/gitlab/postgresql/pg_hba.conf.$(date +%F)'",
         "knife ssh roles:dr-base-db-patroni 'sudo cp /var/opt/gitlab/postgresql/data/pg_ident.conf /var/opt/gitlab/postgresql/pg_ident.conf.$(date +%F)'",
         "knife ssh roles:dr-base-db-patroni 'sudo rm -rf /var/opt/gitlab/postgresql/data' # TAKE CARE!",
         "knife ssh roles:dr-base-db-patroni 'sudo mkdir /var/opt/gitlab/postgresql/data'",
         "knife ssh roles:dr-base-db-patroni 'sudo chown gitlab-psql:gitlab-psql  /var/opt/gitlab/postgresql/data'"],
        ["/usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e backup-list"],
        ["ssh patroni-01-db-dr.c.gitlab-dr.internal", "sudo su", "systemctl start patroni"],
        ["tail -f /var/log/gitlab/patroni/patroni.log"],
        ["ssh patroni-02-db-dr.c.gitlab-dr.internal",
         "sudo su - gitlab-psql",
         "/usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e backup-fetch /var/opt/gitlab/postgresql/data LATEST"],
        ["knife ssh roles:dr-base-db-patroni 'sudo cp /var/opt/gitlab/postgresql/pg_hba.conf.$(date +%F) /var/opt/gitlab/postgresql/data/pg_hba.conf'",
         "knife ssh roles:dr-base-db-patroni 'sudo cp /var/opt/gitlab/postgresql/pg_ident.conf.$(date +%F) /var/opt/gitlab/postgresql/data/pg_ident.conf'"],
        ["systemctl start patroni"],
        ["gitlab-patronictl list"],
        ["crontab -l"],
    ]

    static let titles = [
        "Stop patroni",
        "Backup config files and delete data directory",
        "Check the latest production backup is available from any node",
        "Start patroni in one of the node",
        "Check patroni log to make sure it started patroni and is restoring from production",
        "While 01 node is restoring, we can start manually restoring 02 and 03 node in parallel to speed up the process",
        "While the restore is in process, copy back the config files we took at step 2 to make sure Postgresql service can start properly after the restore",
        "Start patroni service on 02 and 03 nodes after the restore is completed",
        "Now the patroni cluster should be established",
        "You may notice the non-leader nodes still have very large replication lags",
    ]

    static let patroniTable = [
        "+---------------+---------------------------------------+--------------+--------+---------+----+-----------+",
        "|    Cluster    |                 Member                |     Host     |  Role  |  State  | TL | Lag in MB |",
        "+---------------+---------------------------------------+--------------+--------+---------+----+-----------+",
        "| pg-ha-cluster | patroni-01-db-dr.c.gitlab-dr.internal | 10.251.9.101 | Leader | running | 20 |         0 |",
        "| pg-ha-cluster | patroni-02-db-dr.c.gitlab-dr.internal | 10.251.9.102 |        | running | 20 |        xxx   |",
        "| pg-ha-cluster | patroni-03-db-dr.c.gitlab-dr.internal | 10.251.9.103 |        | running | 20 |      xxx     |",
        "+---------------+---------------------------------------+--------------+--------+---------+----+-----------+",
    ]

    @Test("finds the ten steps, the two 8s included, numbered as written")
    func steps() throws {
        let runbook = try Runbook(text: Self.seed, source: "geo-patroni-cluster.md")
        #expect(runbook.title == "Geo Patroni Cluster Management")
        #expect(runbook.steps.map(\.number) == ["1", "2", "3", "4", "5", "6", "7", "8", "8", "9"])
        #expect(runbook.steps.map(\.ordinal) == Array(1...10))
        #expect(runbook.steps.map(\.line) == [9, 16, 26, 40, 48, 54, 62, 69, 75, 88])
        #expect(runbook.steps.map(\.title) == Self.titles)
    }

    @Test("reads each step's commands exactly, the trailing # TAKE CARE! kept")
    func commands() throws {
        let runbook = try Runbook(text: Self.seed, source: "geo-patroni-cluster.md")
        #expect(runbook.steps.map { $0.commands.map(\.text) } == Self.commands)
        #expect(runbook.steps[0].commands.map(\.line) == [12, 13])
        #expect(runbook.steps[0].blocks.map(\.line) == [11])
        #expect(runbook.steps.map { $0.blocks.map(\.info) } == [["sh"], ["sh"], ["sh"], ["sh"], ["sh"], ["sh"], ["sh"], ["8sh"], [""], [""]])
    }

    @Test("takes the backup list, the patronictl table and the cron lines as output, not commands")
    func output() throws {
        let runbook = try Runbook(text: Self.seed, source: "geo-patroni-cluster.md")
        let backups = runbook.steps[2].blocks[0]
        #expect(backups.output.count == 7)
        #expect(backups.output.first?.hasPrefix("name\tlast_modified\texpanded_size_bytes") == true)
        #expect(backups.output.dropFirst().allSatisfy { $0.hasPrefix("base_0000001400010") })
        #expect(backups.text.count == 9)
        #expect(runbook.steps[8].blocks[0].output == Self.patroniTable)
        #expect(runbook.steps[9].blocks[0].output == ["0 0/2 * * * /bin/systemctl stop patroni", "10 0/2 * * * /bin/systemctl start patroni"])
        #expect(runbook.steps.filter { $0.blocks.contains { !$0.output.isEmpty } }.map(\.ordinal) == [3, 9, 10])
    }

    @Test("keeps each step's prose to its own text: no fences, no section after the last step")
    func prose() throws {
        let runbook = try Runbook(text: Self.seed, source: "geo-patroni-cluster.md")
        #expect(runbook.steps[0].prose == ["Stop patroni:"])
        #expect(!runbook.steps.contains { $0.prose.joined().contains("```") })
        #expect(!runbook.steps.contains { $0.prose.joined().contains("Other patroni specific management") })
        #expect(!runbook.steps.contains { $0.prose.joined().contains("patroni management") })
        let last = runbook.steps[9].prose
        #expect(last.count == 5 && last[1] == "" && last[3] == "")
        #expect(last[2].hasPrefix("During the replay process"))
        #expect(last[4].hasSuffix("after the replication is caught up!):"))
    }

    @Test("reads a CRLF copy, a CR copy and a BOM'd copy the same")
    func lineEnds() throws {
        let original = try Runbook(text: Self.seed, source: "geo.md")
        let crlf = Self.seed.textLines.joined(separator: "\r\n")
        let cr = Self.seed.textLines.joined(separator: "\r")
        #expect(try Runbook(text: crlf, source: "geo.md") == original)
        #expect(try Runbook(bytes: Array(cr.utf8), source: "geo.md") == original)
        #expect(try Runbook(bytes: [0xEF, 0xBB, 0xBF] + Array(crlf.utf8), source: "geo.md") == original)
        #expect(try Runbook(text: "\u{FEFF}" + Self.seed, source: "geo.md") == original)
    }
}

@Suite("Reading runbook Markdown")
struct RunbookReaderTests {
    @Test("headings with a number are steps; other headings end them; their subsections and lists stay in them")
    func headings() throws {
        let runbook = try read("""
            # Failover drill
            ## 1. Stop patroni
            Stop it on every node.
            ```
            systemctl stop patroni
            ```
            ### Why
            Because.
            ## Step 2: Check
            1. look at the log
            2. then at the cluster
            ```sh
            patronictl list
            ```
            ### Step 3 - Start again
            ```sh
            systemctl start patroni
            ```
            ## Notes
            ```sh
            rm -rf /
            ```
            ## 4) Done
            """)
        #expect(runbook.title == "Failover drill")
        #expect(runbook.steps.map(\.number) == ["1", "2", "3", "4"])
        #expect(runbook.steps.map(\.title) == ["Stop patroni", "Check", "Start again", "Done"])
        #expect(runbook.steps[0].prose == ["Stop patroni", "Stop it on every node.", "", "### Why", "Because."])
        #expect(runbook.steps[1].prose == ["Check", "1. look at the log", "2. then at the cluster"])
        #expect(runbook.steps.map { $0.commands.map(\.text) } == [["systemctl stop patroni"], ["patronictl list"], ["systemctl start patroni"], []])
        #expect(runbook.steps.map(\.line) == [2, 9, 15, 23])
    }

    @Test("`1)` markers, nested lists and a fence at the start of an item")
    func markers() throws {
        let runbook = try read("""
            1) Stop patroni.
               1. on the replicas
               2. then on the leader
            2) ```sh
               systemctl stop patroni
               ```
            10) Check:
                ```
                patronictl list
                ```
            """)
        #expect(runbook.steps.map(\.number) == ["1", "2", "10"])
        #expect(runbook.steps[0].prose == ["Stop patroni.", "1. on the replicas", "2. then on the leader"])
        #expect(runbook.steps.map(\.title) == ["Stop patroni", "", "Check"])
        #expect(runbook.steps.map { $0.commands.map(\.text) } == [[], ["systemctl stop patroni"], ["patronictl list"]])
    }

    @Test("tilde fences, and longer fences that show a fence inside")
    func fences() throws {
        let runbook = try read("""
            1. Write the note.
               ~~~ bash
               cat notes.md
               ```
               ~~~
            2. Read it.
               ````
               cat notes.md
               ```
               ````
            3. Then:
               ``` `inline` code, not a fence ```
               ```
               echo done
               ```
            """)
        #expect(runbook.steps.count == 3)
        #expect(runbook.steps[0].blocks.map(\.info) == ["bash"])
        #expect(runbook.steps[0].blocks[0].text == ["cat notes.md", "```"])
        #expect(runbook.steps[1].blocks[0].text == ["cat notes.md", "```"])
        #expect(runbook.steps[2].prose == ["Then:", "``` `inline` code, not a fence ```"])
        #expect(runbook.steps.map { $0.commands.map(\.text) } == [["cat notes.md"], ["cat notes.md"], ["echo done"]])
    }

    @Test("in a block with prompts only the prompted lines are commands", arguments: [
        ("$ ", "$ "), ("postgres@patroni-01:~$ ", "root@patroni-01:/var/log# "), ("[root@db-01 ~]# ", "patroni-01$ "),
    ])
    func prompts(first: String, second: String) throws {
        let runbook = try read("""
            1. Look:
               ```console
               \(first)gitlab-patronictl list
               + Cluster: pg-ha-cluster ----+
               # not a prompt, output
               \(second)sudo systemctl status \\
               >   patroni
               ● patroni.service
               \(second)# a comment at a prompt
               ```
            """)
        let block = runbook.steps[0].blocks[0]
        #expect(block.commands.map(\.text) == ["gitlab-patronictl list", "sudo systemctl status patroni"])
        #expect(block.commands.map(\.line) == [3, 6])
        #expect(block.output == ["+ Cluster: pg-ha-cluster ----+", "# not a prompt, output", "● patroni.service"])
    }

    @Test("commands go on over backslashes, open quotes and here-documents")
    func continuations() throws {
        let runbook = try read("""
            1. Restore:
               ```sh
               # fetch the latest backup
               /usr/bin/envdir /etc/wal-e.d/env \\
                 /opt/wal-e/bin/wal-e backup-fetch /var/opt/gitlab/postgresql/data LATEST
               sudo gitlab-psql -c "
                 SELECT 1;"
               cat > /tmp/recovery.conf <<'EOF'
               restore_command = 'x'
               EOF
               echo done # all of it
               ```
            """)
        #expect(runbook.steps[0].commands.map { "\($0.line): \($0.text)" } == [
            "4: /usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e backup-fetch /var/opt/gitlab/postgresql/data LATEST",
            "6: sudo gitlab-psql -c \"\n  SELECT 1;\"",
            "8: cat > /tmp/recovery.conf <<'EOF'\nrestore_command = 'x'\nEOF",
            "11: echo done # all of it",
        ])
        #expect(runbook.steps[0].blocks[0].output.isEmpty)
    }

    @Test("output starts at the first line that is not a command", arguments: [
        ("1\tfoo", true), ("+---+", true), ("| a |", true), ("─────", true), ("┌──┐", true), ("╭──╮", true), ("═══", true),
        ("0 0/2 * * * /bin/true", true), ("Active: active (running)", true), ("\"quoted\"", true), ("● patroni", true),
        ("ls -l", false), ("./run.sh", false), ("/usr/bin/envdir x", false), ("~/bin/x", false), ("$HOME/x", false),
        ("${X}/y", false), ("PGHOST=/tmp psql", false), ("_x", false), (".venv/bin/patronictl list", false),
    ])
    func outputJudgement(line: String, isOutput: Bool) throws {
        let runbook = try read("1. Run:\n   ```\n   true\n   \(line)\n   ```\n")
        #expect(runbook.steps[0].blocks[0].output == (isOutput ? [line] : []))
        #expect(runbook.steps[0].commands.count == (isOutput ? 1 : 2))
    }

    @Test("blocks in a language that is not a shell are shown, never run")
    func otherLanguages() throws {
        let runbook = try read("""
            1. Check replication:
               ```sql
               SELECT * FROM pg_stat_replication;
               ```
               ```yaml
               postgresql:
               ```
               ```bash
               gitlab-psql
               ```
            """)
        #expect(runbook.steps[0].commands.map(\.text) == ["gitlab-psql"])
        #expect(runbook.steps[0].blocks[0].output == ["SELECT * FROM pg_stat_replication;"])
    }

    @Test("checks come from opsshell comments, one line or many, in order")
    func checks() throws {
        let runbook = try read("""
            Preamble. <!-- an ordinary comment -->
            1. Check the backups. <!-- opsshell: check wal-e check-latest --max-age 24h -->
               Then wait
               <!-- opsshell: wait
                    patronictl wait   --all-running
                    --timeout 6h -->
               for the cluster.
               <!-- a note for editors -->
               `<!-- opsshell: bogus -->` is how not to write it.
               ```
               wal-e backup-list
               ```
            2. Next.
               ```
               <!-- opsshell: check this is code -->
               ```
            """)
        #expect(runbook.steps[0].checks.map { "\($0.line): \($0.kind.rawValue) \($0.command)" } == [
            "2: check wal-e check-latest --max-age 24h",
            "4: wait patronictl wait --all-running --timeout 6h",
        ])
        #expect(runbook.steps[0].prose == ["Check the backups.", "Then wait", "for the cluster.", "`<!-- opsshell: bogus -->` is how not to write it."])
        #expect(runbook.steps[1].checks.isEmpty)
        #expect(runbook.steps[1].blocks[0].output == ["<!-- opsshell: check this is code -->"])
    }

    @Test("a commented-out block is not a step's commands")
    func commentedOut() throws {
        let runbook = try read("""
            1. Stop.
               ```
               systemctl stop patroni
               ```
            <!--
            2. Old way.
               ```
               rm -rf /var/opt/gitlab/postgresql/data
               ```
            -->
            """)
        #expect(runbook.steps.count == 1)
        #expect(runbook.steps[0].commands.map(\.text) == ["systemctl stop patroni"])
    }

    @Test("what cannot be read is an error naming the line", arguments: [
        ("1. a\n   <!-- opsshell: chekc foo -->\n   ```\n   x\n   ```", RunbookError.unknownDirective("test.md", line: 2, "chekc")),
        ("1. a\n   ```\n   x\n   ```\n   <!--\n   opsshell: wait\n   -->", .emptyDirective("test.md", line: 5, "wait")),
        ("<!-- opsshell: check x -->\n1. a\n   ```\n   x\n   ```", .strayDirective("test.md", line: 1)),
        ("1. a\n   ```sh\n   x\n\n2. b\n   y\n", .unclosedFence("test.md", line: 2)),
        ("1. a\n   ~~~\n   x\n   ```\n2. b\n", .unclosedFence("test.md", line: 2)),
        ("1. a\n   ```\n   x\n   ``` sh\n2. b\n", .unclosedFence("test.md", line: 2)),
        ("1. a\n   ```\n   x\n   ```\n<!-- hides\n2. b", .unclosedComment("test.md", line: 5)),
        ("", .noSteps("test.md")),
        ("# A runbook\n\nJust prose.\n\n- a bullet\n\n```\nls\n```\n", .noSteps("test.md")),
        ("1. a\n2. b\n   ```\n   +---+\n   ```", .noCommands("test.md")),
        ("1. a\n   ```\n   x\u{0}\n   ```", .notText("test.md", line: 3)),
        ("1. a\r\n\u{1B}[31m", .notText("test.md", line: 2)),
    ])
    func errors(markdown: String, error: RunbookError) {
        #expect(throws: error) { try read(markdown) }
        #expect(throws: error) { try Runbook(bytes: Array(markdown.utf8), source: "test.md") }
    }

    @Test("bytes that are not UTF-8 are refused with their line")
    func notUTF8() {
        let bytes = Array("1. a\n   ```\n".utf8) + [0x78, 0xC3, 0x28] + Array("\n   ```\n".utf8)
        #expect(throws: RunbookError.notText("bin", line: 3)) { try Runbook(bytes: bytes, source: "bin") }
        #expect(throws: RunbookError.notText("bin", line: 1)) { try Runbook(bytes: [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01], source: "bin") }
    }

    @Test("messages say what to fix")
    func messages() {
        #expect(RunbookError.noSteps("geo.md").description.contains("a numbered list item `1. …` at the start of a line, or a heading `## 1. …`"))
        #expect(RunbookError.unclosedFence("geo.md", line: 12).description.hasPrefix("geo.md, line 12: "))
        #expect(RunbookError.notText("x.bin", line: 1).description.contains("UTF-8"))
    }
}
