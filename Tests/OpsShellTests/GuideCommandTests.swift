import Foundation
import TestSupport
import Testing

@Suite("opsshell guide as a process")
struct GuideCommandTests {
    @Test("guide --list on the seed runbook: its ten steps, the commands and targets it gives, step 8's table as output")
    func listSeed() async throws {
        let result = try await ShellBinary.run(["guide", "--list", ShellBinary.packageRoot + "/Tests/Fixtures/runbooks/geo-patroni-cluster.md"])
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.components(separatedBy: "\n")
        #expect(lines.first == "Geo Patroni Cluster Management: 10 steps")
        let steps = lines.filter { $0.first?.isNumber == true }
        #expect(steps.map { $0.components(separatedBy: " ")[1] } == ["[1]", "[2]", "[3]", "[4]", "[5]", "[6]", "[7]", "[8]", "[8]", "[9]"])
        // Step 4 and 6 change target: the lines after `ssh HOST` run there, as root or gitlab-psql.
        #expect(result.output.contains("""
            4. [4] Start patroni in one of the node
                 local: ssh patroni-01-db-dr.c.gitlab-dr.internal
                 patroni-01-db-dr.c.gitlab-dr.internal: sudo su
                 root@patroni-01-db-dr.c.gitlab-dr.internal: systemctl start patroni

            """))
        #expect(result.output.contains("""
                 gitlab-psql@patroni-02-db-dr.c.gitlab-dr.internal: /usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e backup-fetch /var/opt/gitlab/postgresql/data LATEST

            """))
        // The second step 8: one command, and its table is example output.
        #expect(result.output.contains("""
            9. [8] Now the patroni cluster should be established
                 local: gitlab-patronictl list
                 (7 lines of example output, not run)

            """))
        #expect(!result.output.contains("| pg-ha-cluster |"))
    }

    @Test("a page of several procedures: --list shows them, --procedure picks one, a walk without one is refused with their names")
    func procedures() async throws {
        let file = ShellBinary.packageRoot + "/Tests/Fixtures/runbooks/crunchy-pgbackrest-restore.md"
        let listed = try await ShellBinary.run(["guide", "--list", file])
        #expect(listed.status == 0, "\(listed.error)")
        #expect(listed.output.contains("procedure 1: Restore (--procedure restore), 3 steps\n1. [1] pg-primary"))
        #expect(listed.output.contains("procedure 2: Delta restore (--procedure delta-restore), 1 steps\n4. [1]"))
        let one = try await ShellBinary.run(["guide", "--list", file, "--procedure", "delta-restore"])
        #expect(one.output.hasPrefix("Restore with pgBackRest — Delta restore: 1 steps\n1. [1] pg-primary: stop the cluster"))
        let walk = try await ShellBinary.run(["guide", file, "--dry-run"], input: "q\n")
        #expect(walk.status != 0)
        #expect(walk.error.contains("has 2 procedures: 1. Restore (restore); 2. Delta restore (delta-restore); walk one with --procedure NAME"))
        let wrong = try await ShellBinary.run(["guide", "--list", file, "--procedure", "3"])
        #expect(wrong.status != 0 && wrong.error.contains("has no procedure '3'"))
    }

    @Test("the built-in geo-rebuild lists its steps, with the checks the seed only asked a person to make")
    func listBuiltin() async throws {
        let result = try await ShellBinary.run(["guide", "--list", "geo-rebuild"])
        #expect(result.status == 0)
        #expect(result.output.contains("check: /usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e check-latest --max-age 24h"))
        #expect(result.output.contains("wait: gitlab-patronictl wait --all-running --leader --members 3"))
        #expect(result.output.contains("gitlab-patronictl cycle-replicas --every 2h --max-lag 100MB"))
        #expect(result.output.contains("when: dcs=consul") && result.output.contains("when: dcs=etcd"))
    }

    @Test("runbooks that are not runbooks get a clear message and no crash", arguments: [
        ("# Notes\n\nJust prose, no steps.\n", "no numbered steps"),
        ("1. Prose only.\n2. More prose.\n", "no commands"),
        ("1. Broken.\n   ```sh\n   rm -rf /tmp/x\n", "never closed"),
        ("1. Junk \u{1}\u{2}\u{1B}\n", "line 1"),
    ])
    func badRunbooks(text: String, message: String) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.write("book.md", text)
        let result = try await ShellBinary.run(["guide", "--list", file])
        #expect(result.status == 64, "a usage error, not a crash: \(result.status)")
        #expect(result.error.contains(message), "\(result.error)")
        let walk = try await ShellBinary.run(["guide", "--record", directory.path + "/walk.ops", file])
        #expect(walk.status == 64 && walk.error.contains(message))
    }

    @Test("a binary file (NUL bytes, invalid UTF-8) is refused with the line it goes wrong on")
    func binaryJunk() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path + "/junk.md"
        var bytes = Array("1. Step\n   ```sh\n   true\n   ```\n".utf8)
        bytes += [0x00, 0xFF, 0xFE, 0x7F, 0x45, 0x4C, 0x46]
        #expect(FileManager.default.createFile(atPath: file, contents: Data(bytes)))
        let result = try await ShellBinary.run(["guide", "--list", file])
        #expect(result.status == 64)
        #expect(result.error.contains("line 5"), "\(result.error)")
    }

    @Test("--resume with nothing to resume says so")
    func nothingToResume() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let result = try await ShellBinary.run(["guide", "--resume"], environment: ["XDG_STATE_HOME": directory.path])
        #expect(result.status == 64)
        #expect(result.error.contains("no unfinished guided walk"))
    }
}
