import Foundation
import OpsKit
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension LabTests {
    /// Issue 13's step as runbooks write it: `latest="$( … )"` over several
    /// backslashed lines, then a `backup-fetch` of `$latest`, read by the
    /// guide from Markdown and walked on a lab host as gitlab-psql. The fetch
    /// goes into a scratch directory (the cluster keeps running), whose
    /// backup label must name the newest backup the archive lists.
    @Test("guide: a multi-line latest=\"$( … )\" step, then backup-fetch $latest, end to end on a lab host")
    func multiLineLatestStep() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let scratch = "/tmp/opsshell-latest-\(getpid())"  // /tmp is the machine's own in the lab's hosts
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let wale = "/usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e"
        let runbook = directory.write("latest.md", """
            # Fetch the newest base backup into a scratch directory

            1. Find the newest base backup, then fetch it:

               ```shell
               ssh patroni-03-db-dr.c.gitlab-dr.internal
               sudo su - gitlab-psql
               latest="$( \\
                 \(wale) backup-list 2>/dev/null \\
                 | grep '^base_' \\
                 | sort -k2 \\
                 | tail -n 1 \\
                 | cut -f1 \\
               )"
               mkdir -p \(scratch)
               \(wale) backup-fetch \(scratch) $latest
               ```

            """)
        let recording = directory.path + "/walk.ops"
        let walk = try await ShellBinary.run(["guide", runbook, "--inventory", labInventory!, "--record", recording, "--no-audit"],
                                             input: "r\n", environment: ["XDG_STATE_HOME": directory.path])
        #expect(walk.status == 0, "\(walk.output)\n\(walk.error)")
        // What the archive says is newest, asked directly, not through the shell under test.
        let listed = try await ShellBinary.run(["--inventory", labInventory!, "--no-audit", "-c",
                                                "ssh patroni-01-db-dr.c.gitlab-dr.internal 'sudo -iu gitlab-psql \(wale) backup-list 2>/dev/null'"])
        let newest = try #require(listed.output.textLines.filter { $0.hasPrefix("base_") }
            .map { $0.split(separator: "\t").map(String.init) }.max { $0[1] < $1[1] }?.first, "backup-list: \(listed.output)")
        #expect(readFile(recording).contains("# value: latest=\(newest)"), "the recording keeps the value: \(readFile(recording))")
        #expect(readFile(scratch + "/PG_VERSION").hasPrefix("15"), "backup-fetch left no data directory in \(scratch)")
        #expect(readFile(scratch + "/backup_label").contains("START WAL LOCATION"), "no backup label in \(scratch)")
    }
}
