import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The shipped plugin files through the shell as a process, against the
/// real pgbackrest and postgresql-common (scripts/install-deps.sh test), on
/// a throw-away PostgreSQL 15 cluster of their own: its own port, its data
/// under a temporary directory, stopped and dropped even when a test fails.
@Suite("Plugin files against the real pgbackrest and pg_lsclusters", .serialized)
struct PluginFileProcessTests {
    /// A throw-away cluster `15/NAME` (pg_createcluster), archiving into a
    /// pgBackRest repository beside it.
    final class Cluster {
        let directory = TemporaryDirectory()
        let name: String
        let port: Int
        var config: String { directory.path + "/pgbackrest.conf" }
        var data: String { directory.path + "/data" }

        init(port: Int) throws {
            self.port = port
            name = "opsshell\(port)"
            _ = system("pg_dropcluster --stop 15 \(name) >/dev/null 2>&1")  // a cluster left by a killed run
            chmod(directory.path, 0o755)  // postgres reads its data directory under it
            directory.write("pgbackrest.conf", """
                [global]
                repo1-path=\(directory.path)/repo
                log-path=\(directory.path)/log
                lock-path=\(directory.path)/lock
                log-level-console=warn
                repo1-retention-full=2
                [\(name)]
                pg1-path=\(data)
                pg1-port=\(port)
                pg1-socket-path=/var/run/postgresql

                """)
            try TestSupport.run("mkdir -p \(directory.path)/repo \(directory.path)/log \(directory.path)/lock && chown postgres \(directory.path)/repo \(directory.path)/log \(directory.path)/lock && chmod 644 \(config)")
            try TestSupport.run("pg_createcluster 15 \(name) -p \(port) -d \(data) -o archive_mode=on -o 'archive_command=pgbackrest --config=\(config) --stanza=\(name) archive-push %p' >/dev/null && pg_ctlcluster 15 \(name) start")
        }

        /// `pgbackrest --config=… --stanza=NAME`, as the postgres user.
        var pgbackrest: String { "sudo -u postgres pgbackrest --config=\(config) --stanza=\(name)" }

        func stanzaWithOneBackup() throws {
            try TestSupport.run("\(pgbackrest) stanza-create && \(pgbackrest) backup --type=full --start-fast")
        }

        func drop() {
            _ = system("pg_dropcluster --stop 15 \(name) >/dev/null 2>&1")
            directory.remove()
        }
    }

    static let plugins = ShellBinary.packageRoot + "/plugins"

    func shell(_ lines: [String], _ flags: [String] = []) async throws -> ShellBinary.Result {
        try await ShellBinary.run(["--plugins", Self.plugins, "--no-audit"] + flags + lines.flatMap { ["-c", $0] })
    }

    @Test("pgbackrest info --json reads the real stanza and its backup; stanza-delete and expire are refused without a person")
    func pgbackrest() async throws {
        let cluster = try Cluster(port: 5491)
        defer { cluster.drop() }
        try cluster.stanzaWithOneBackup()

        let info = try await shell(["\(cluster.pgbackrest) info --json"])
        #expect(info.status == 0, "\(info.error)")
        #expect(info.output.hasPrefix(#"[{"stanza":"\#(cluster.name)","status":"ok","label":""#), "\(info.output)")
        #expect(info.output.contains(#""type":"full""#) && info.output.contains(#""size":"#))

        let table = try await shell(["\(cluster.pgbackrest) info --output=json"])
        #expect(table.output.hasPrefix("stanza  "), "records as a table: \(table.output)")

        let missing = try await shell(["sudo -u postgres pgbackrest --config=\(cluster.config) --stanza=nosuch info --output=json"])
        #expect(missing.status == 1)
        #expect(missing.error.contains("pgbackrest: check `status == ok` failed: stanza nosuch has status = missing stanza path"))

        let dry = try await shell(["\(cluster.pgbackrest) stanza-delete", "\(cluster.pgbackrest) expire", "\(cluster.pgbackrest) restore --delta"], ["--dry-run"])
        #expect(dry.output.contains("dry-run: on local (destroys data): \(cluster.pgbackrest) stanza-delete\n"))
        #expect(dry.output.contains("dry-run: on local (destroys data): \(cluster.pgbackrest) expire\n"))
        #expect(dry.output.contains("dry-run: on local (changes state): \(cluster.pgbackrest) restore --delta\n"))

        let refused = try await shell(["\(cluster.pgbackrest) stanza-delete --force"])
        #expect(refused.status == 1)
        #expect(refused.error.contains("This destroys data.") && refused.error.contains("there is no terminal"))
        let still = try await shell(["\(cluster.pgbackrest) info --json"])
        #expect(still.output.contains(#""status":"ok""#), "the stanza is still there: \(still.output)")
    }

    @Test("pgbackrest restore over a non-empty data directory asks, unless --delta; without --pg1-path it cannot tell and asks")
    func restoreGuard() async throws {
        let cluster = try Cluster(port: 5492)
        defer { cluster.drop() }
        let over = try await shell(["\(cluster.pgbackrest) restore --pg1-path=\(cluster.data)"])
        #expect(over.status == 1)
        #expect(over.error.contains("pgbackrest restore: \(cluster.data) on local is not empty ("), "\(over.error)")
        let unnamed = try await shell(["\(cluster.pgbackrest) restore"])
        #expect(unnamed.error.contains("the line does not say --pg1-path"), "\(unnamed.error)")
        // With --delta the guard stands aside: pgBackRest itself then refuses a running cluster.
        let delta = try await shell(["\(cluster.pgbackrest) restore --delta --pg1-path=\(cluster.data)"], ["--yes"])
        #expect(!delta.error.contains("is not empty"))
        #expect(delta.status != 0 && delta.error.contains("postmaster.pid"), "\(delta.error)")
    }

    @Test("pg_lsclusters reads the real clusters; pg_ctlcluster stop changes state and runs; pg_dropcluster needs a person; locally, on a host and in knife ssh")
    func postgresqlCommon() async throws {
        let cluster = try Cluster(port: 5493)
        defer { cluster.drop() }
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let inventory = hosts.directory.write("opsshell.toml", hosts.inventoryText())

        let local = try await shell(["pg_lsclusters 15 \(cluster.name) --json"])
        #expect(local.output.hasPrefix(#"[{"version":15,"cluster":"\#(cluster.name)","port":\#(cluster.port),"status":"online""#), "\(local.output) \(local.error)")

        let remote = try await shell(["ssh db-1", "pg_lsclusters 15 \(cluster.name) --json"], ["--inventory", inventory])
        #expect(remote.output.contains(#""cluster":"\#(cluster.name)","port":\#(cluster.port)"#), "\(remote.error)")

        let fanOut = try await shell(["knife ssh --json roles:db 'pg_lsclusters 15 \(cluster.name)'"], ["--inventory", inventory])
        #expect(fanOut.output.hasPrefix(#"[{"host":"db-1","version":15,"cluster":"\#(cluster.name)""#), "\(fanOut.output) \(fanOut.error)")

        let dry = try await shell(["pg_dropcluster 15 \(cluster.name)", "knife ssh roles:db 'pg_dropcluster 15 \(cluster.name)'", "pg_ctlcluster 15 \(cluster.name) stop"],
                                  ["--dry-run", "--inventory", inventory])
        #expect(dry.output.contains("dry-run: on local (destroys data): pg_dropcluster 15 \(cluster.name)\n"))
        #expect(dry.output.contains("dry-run: on db-1 (destroys data): pg_dropcluster 15 \(cluster.name)\n"))
        #expect(dry.output.contains("dry-run: on local (changes state): pg_ctlcluster 15 \(cluster.name) stop\n"))

        let drop = try await shell(["pg_dropcluster 15 \(cluster.name)"])
        #expect(drop.status == 1 && drop.error.contains("there is no terminal"))

        let stop = try await shell(["pg_ctlcluster 15 \(cluster.name) stop", "pg_lsclusters 15 \(cluster.name)"])
        #expect(stop.status == 0, "\(stop.error)")
        #expect(stop.output.contains("15       \(cluster.name)  \(cluster.port)  down"), "\(stop.output)")
    }

    @Test("Tab completes pg_ctlcluster's version and cluster from the real pg_lsclusters, on a pty")
    func tab() throws {
        let cluster = try Cluster(port: 5494)
        defer { cluster.drop() }
        let state = TemporaryDirectory()
        defer { state.remove() }
        let terminal = try PseudoTerminal([ShellBinary.path, "--plugins", Self.plugins, "--no-audit"], environment: ["XDG_STATE_HOME": state.path, "NO_COLOR": "1"])
        try terminal.expectPrompt(after: terminal.transcript.startIndex, within: 15)
        terminal.type("dry-run on\r")
        try terminal.expectPrompt(after: try terminal.expect("dry-run on:"))
        terminal.type("pg_ctlcluster 1\t")
        try terminal.expect("5 ")  // the screen has cursor movements between the typed 1 and the completed 5
        terminal.type("opsshell549\t")
        try terminal.expect("4 ")
        terminal.type("rest\t\r")
        try terminal.expect("dry-run: on local (changes state): pg_ctlcluster 15 \(cluster.name) restart\r\n")
        terminal.type("exit\r")
        _ = terminal.waitForExit()
    }
}
