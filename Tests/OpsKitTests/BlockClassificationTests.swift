import OpsKit
import Testing

private func block(_ info: String, _ lines: [String]) throws -> RunbookBlock {
    let markdown = "1. Step\n   ```\(info)\n" + lines.map { "   " + $0 + "\n" }.joined() + "   ```\n"
    let runbook = try Runbook(text: markdown + "2. x\n   ```sh\n   true\n   ```\n", source: "test.md")
    return runbook.steps[0].blocks[0]
}

@Suite("Telling commands from output and other languages")
struct BlockClassificationTests {
    @Test("the multi-line latest=\"$( … )\" assignment is one command, and the restore after it another")
    func multiLineAssignment() throws {
        let lines = ["ssh patroni-02-db-dr.c.gitlab-dr.internal", "sudo su - gitlab-psql", "latest=\"$( \\",
                     "  /usr/bin/envdir /etc/wal-g.d/env /opt/wal-g/bin/wal-g backup-list \\", "  | grep base \\",
                     "  | sort -nk1 \\", "  | tail -1 \\", "  | cut -f1 -d' ' \\", ")\"", "",
                     "/usr/bin/envdir /etc/wal-g.d/env /opt/wal-g/bin/wal-g backup-fetch /var/opt/gitlab/postgresql/data $latest"]
        let read = try block("sh", lines)
        #expect(read.commands.map(\.text) == [
            "ssh patroni-02-db-dr.c.gitlab-dr.internal", "sudo su - gitlab-psql",
            "latest=\"$( /usr/bin/envdir /etc/wal-g.d/env /opt/wal-g/bin/wal-g backup-list | grep base | sort -nk1 | tail -1 | cut -f1 -d' ' )\"",
            "/usr/bin/envdir /etc/wal-g.d/env /opt/wal-g/bin/wal-g backup-fetch /var/opt/gitlab/postgresql/data $latest",
        ])
        #expect(read.output.isEmpty)
        #expect(read.commands.map(\.line) == [3, 4, 5, 13])
    }

    @Test("shell constructs over lines are one command: $( ) without backslashes, if/fi, for/done, case/esac, functions, { }")
    func constructs() throws {
        let read = try block("bash", [
            "latest=$(", "  wal-g backup-list | tail -1", ")",
            "if [ -f /tmp/x ]; then", "  echo yes", "fi",
            "for node in 01 02; do", "  ssh patroni-$node true", "done",
            "case $role in", "  leader) echo L;;", "esac",
            "restart() {", "  sudo systemctl restart patroni", "}",
            "echo if you want, done",
        ])
        #expect(read.commands.map(\.line) == [3, 6, 9, 12, 15, 18])
        #expect(read.commands.last?.text == "echo if you want, done")
        #expect(read.commands[0].text == "latest=$(\n  wal-g backup-list | tail -1\n)")
    }

    @Test("an info-less block that does not read as shell is text: Terraform, YAML to paste", arguments: [
        ["per_node_chef_run_list = {", "  \"patroni-01\" = \"role[gitlab-patroni]\"", "}"],
        ["postgresql:", "  parameters:", "    max_wal_senders: 10"],
        ["SELECT pg_is_in_recovery();"],
    ])
    func text(lines: [String]) throws {
        let read = try block("", lines)
        #expect(read.commands.isEmpty)
        #expect(read.candidates.isEmpty)
        #expect(read.language == "text")
        #expect(read.output == lines)
    }

    @Test("output counts only after a command; a line that could be a command is never hidden")
    func unsure() throws {
        let transcript = try block("", ["gitlab-patronictl list", "+ Cluster: pg-ha-cluster ---+", "| a | b |",
                                        "sudo systemctl status patroni", "Active: active (running)"])
        #expect(transcript.commands.map(\.text) == ["gitlab-patronictl list"])
        #expect(transcript.candidates.filter { $0.kind == .unsure }.map(\.text) == ["sudo systemctl status patroni"])
        #expect(transcript.output == ["+ Cluster: pg-ha-cluster ---+", "| a | b |", "Active: active (running)"])

        let noCommandFirst = try block("sh", ["+---+", "patronictl list"])
        #expect(noCommandFirst.commands.map(\.text) == ["patronictl list"])
        #expect(noCommandFirst.candidates.map(\.kind) == [.unsure, .command])

        let yaml = try block("yaml", ["bootstrap:", "sudo gitlab-ctl reconfigure"])
        #expect(yaml.commands.isEmpty)
        #expect(yaml.candidates.map(\.text) == ["sudo gitlab-ctl reconfigure"])
        #expect(yaml.language == "yaml")
    }

    @Test("inline code is a step's suggested commands only when it starts with a known tool and the step has no block")
    func inline() throws {
        let runbook = try Runbook(text: """
            1. Start PostgreSQL. Command: `sudo systemctl start patroni`
            2. Check `max_connections` and run `gitlab-patronictl list`, then `/usr/bin/envdir /etc/wal-e.d/env wal-e backup-list`.
            3. Look at `the log` (`tail -f /var/log/gitlab/patroni/patroni.log`):
               ```sh
               true
               ```
            """, source: "test.md")
        #expect(runbook.steps.map { $0.suggested.map(\.text) } == [
            ["sudo systemctl start patroni"], ["gitlab-patronictl list", "/usr/bin/envdir /etc/wal-e.d/env wal-e backup-list"], [],
        ])
        #expect(runbook.steps[0].suggested.map(\.line) == [1])
        #expect(runbook.steps[0].commands.isEmpty)
        let picked = runbook.steps[1].adopting([0, 1])
        #expect(picked.commands.map(\.text) == ["gitlab-patronictl list", "/usr/bin/envdir /etc/wal-e.d/env wal-e backup-list"])
        #expect(picked.suggested.isEmpty)
    }

    @Test("a page made only of inline commands is read, not refused")
    func onlyInline() throws {
        let runbook = try Runbook(text: "## Post-checks\n1. Cluster: `gitlab-patronictl list`\n2. Replication: `sudo gitlab-psql -c 'select 1'`\n", source: "t.md")
        #expect(runbook.steps.flatMap(\.suggested).count == 2)
    }
}
