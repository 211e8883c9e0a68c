import OpsKit
import TestSupport
import Testing

/// A runbook fixture and what a careful reader takes from it, step by step:
/// each line that is or may be a command, `? ` before an unsure one, `~ `
/// before a suggested inline one.
struct StyleCase: Sendable, CustomStringConvertible {
    var file: String
    var steps: [[String]]
    /// The languages of the blocks shown and never run, in order.
    var shown: [String] = []
    var procedures: [String] = []
    var description: String { file }
}

@Suite("Runbooks in the styles teams write them (fixtures after public runbooks)")
struct PublicStyleRunbookTests {
    static let cases: [StyleCase] = [
        StyleCase(file: "gitlab-scaling.md", steps: [
            [], [], ["~ gitlab-patronictl list"], ["~ sudo systemctl enable patroni && sudo systemctl start patroni"],
            ["~ sudo journalctl -u patroni -f"], ["gitlab-patronictl list"], ["sudo gitlab-ctl stop pgbouncer"], [],
        ], procedures: ["adding-a-replica", "removing-a-replica"]),
        StyleCase(file: "gitlab-ci-standby.md", steps: [
            ["~ ssh patroni-ci-01-db-gprd.c.gitlab-production.internal \"sudo gitlab-patronictl list\""],
            ["knife ssh roles:gprd-base-db-patroni-ci 'sudo chef-client-disable \"rebuild standby\"'"],
            [],
            ["knife ssh -C 1 roles:gprd-base-db-patroni-ci 'sudo systemctl stop patroni'"],
            ["knife ssh roles:gprd-base-db-patroni-ci 'sudo chef-client-enable'", "gitlab-patronictl list"],
        ], shown: ["text"]),
        StyleCase(file: "geo-rebuild-walg.md", steps: [
            ["knife ssh roles:dr-base-db-patroni 'sudo systemctl stop patroni'"],
            ["ssh patroni-02-db-dr.c.gitlab-dr.internal", "sudo su - gitlab-psql",
             "latest=\"$( /usr/bin/envdir /etc/wal-g.d/env /opt/wal-g/bin/wal-g backup-list | grep base | sort -nk1 | tail -1 | cut -f1 -d' ' )\"",
             "/usr/bin/envdir /etc/wal-g.d/env /opt/wal-g/bin/wal-g backup-fetch /var/opt/gitlab/postgresql/data $latest"],
            ["gitlab-patronictl list"],
        ]),
        StyleCase(file: "percona-ha-setup.md", steps: [
            [], [], ["wget https://repo.example.com/apt/release_latest.deb", "sudo dpkg -i release_latest.deb"], ["sudo apt update"],
            [], ["sudo systemctl enable --now patroni", "patronictl -c /etc/patroni/patroni.yml list"],
        ], shown: ["yaml"], procedures: ["preconditions", "procedure"]),
        StyleCase(file: "crunchy-pgbackrest-restore.md", steps: [
            ["sudo pg_ctlcluster 15 demo stop", "sudo -u postgres find /var/lib/postgresql/15/demo -mindepth 1 -delete"],
            ["sudo -u postgres pgbackrest --stanza=demo restore"],
            ["sudo pg_ctlcluster 15 demo start", "sudo -u postgres pgbackrest info"],
            ["sudo pg_ctlcluster 15 demo stop", "sudo -u postgres pgbackrest --stanza=demo --delta --log-level-console=detail restore"],
        ], shown: ["output"], procedures: ["restore", "delta-restore"]),
        StyleCase(file: "pigsty-manual-pitr.md", steps: [
            ["sudo su - postgres",
             "function pb() {\n    local stanza=$(grep -o '\\[[^][]*]' /etc/pgbackrest/pgbackrest.conf | head -n1 | tr -d '[]')\n    pgbackrest --stanza=$stanza $@\n}"],
            ["pb info"],
            ["sudo systemctl stop patroni", "pb --delta --type=time --target=\"2025-07-13 03:03:00+00\" --target-action=pause restore"],
            ["pg_ctl -D /pg/data start", "psql -c 'select pg_is_in_recovery()'"],
        ]),
        StyleCase(file: "dr-drill-steps.md", steps: [
            ["systemctl stop postgresql.service"], ["rm -rf /db/16"],
            ["pgbackrest --stanza=standalone --delta --log-level-console=info --type=time --target=\"2024-06-17 09:18:22+00\" --target-action=pause restore"],
            [],
        ], shown: ["text", "sql"]),
        StyleCase(file: "vscode-toc-switchover.md", steps: [
            ["sudo gitlab-patronictl list"],
            ["sudo gitlab-patronictl switchover --master patroni-01 --candidate patroni-02 --force"],
            [],
        ], shown: ["sql"]),
        StyleCase(file: "change-checklist.md", steps: [
            [], ["~ sudo gitlab-patronictl list"], ["sudo gitlab-psql -c \"select client_addr, replay_lag from pg_stat_replication\""],
            ["ssh patroni-02-db-gprd", "sudo gitlab-patronictl restart pg-ha-cluster patroni-02-db-gprd --force"],
            ["~ sudo gitlab-patronictl list"], ["~ sudo journalctl -u patroni --since \"10 min ago\""],
        ], procedures: ["pre-checks", "change-steps", "post-checks"]),
        StyleCase(file: "blog-patroni-install.md", steps: [
            ["sudo apt install -y postgresql-common", "sudo /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh",
             "sudo apt install -y postgresql-16", "sudo systemctl stop postgresql@16-main", "sudo pg_dropcluster 16 main"],
            ["sudo tee /etc/patroni/config.yml > /dev/null <<EOF\nscope: pg-ha\nname: $(hostname -s)\nEOF"],
            ["sudo systemctl enable --now patroni", "patronictl -c /etc/patroni/config.yml list"],
        ]),
        StyleCase(file: "post-checks-inline.md", steps: [
            ["~ patronictl -c /etc/patroni.yml list"], ["~ curl -s http://127.0.0.1:8008/patroni"], ["~ sudo journalctl -u patroni"], [],
        ]),
    ]

    @Test("each fixture's commands are exactly what a careful reader takes: none missing, nothing shown run", arguments: cases)
    func commands(_ expected: StyleCase) throws {
        let runbook = try Runbook(text: fixture("runbooks/" + expected.file), source: expected.file)
        let read = runbook.steps.map { step in
            step.candidates.map { ($0.kind == .unsure ? "? " : $0.kind == .suggested ? "~ " : "") + $0.text }
        }
        #expect(read == expected.steps)
        let shown = runbook.steps.flatMap(\.blocks).compactMap(\.language)
        #expect(shown == expected.shown)
        #expect(runbook.steps.flatMap(\.blocks).filter { $0.language != nil }.allSatisfy { $0.commands.isEmpty })
        #expect(runbook.procedures.count == max(1, expected.procedures.count))
        if !expected.procedures.isEmpty { #expect(runbook.procedures.map(\.slug) == expected.procedures) }
    }

    @Test("the never-closed SQL block at the end of a page is a warning with its line, the steps before it kept")
    func unclosedAtEnd() throws {
        let runbook = try Runbook(text: fixture("runbooks/vscode-toc-switchover.md"), source: "v.md")
        #expect(runbook.warnings.map(\.line) == [27])
        #expect(runbook.steps.map(\.title) == ["Pre-requisites", "Switchover", "Verify"])
        #expect(runbook.steps.map(\.checked) == [nil, nil, false])
    }
}
