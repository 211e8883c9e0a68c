import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Tools inside the wrappers runbooks put around them (issue 13):
/// `su USER -c '…'`, `sudo -u USER sh -c '…'`, `bash -lc '…'`, `cd DIR && …`
/// are looked through, so the tool inside is rated, guarded and run as itself.
@Suite("Tools inside wrappers")
struct WrappedToolTests {
    func run(_ lines: [String], _ options: [String] = []) async throws -> ShellBinary.Result {
        let state = TemporaryDirectory()
        defer { state.remove() }
        return try await ShellBinary.run(options + lines.flatMap { ["-c", $0] }, environment: ["XDG_STATE_HOME": state.path])
    }

    @Test("su USER -c 'rm -rf DIR' destroys data: without a terminal it is refused, and DIR stays")
    func suRemoveIsDestructive() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try TestSupport.run("mkdir -p \(directory.path)/keep && chmod 777 \(directory.path)")
        let result = try await run(["su nobody -s /bin/sh -c 'rm -rf \(directory.path)/keep'"])
        #expect(result.status == 1)
        #expect(result.error.contains("This destroys data."), "\(result.error)")
        #expect(access(directory.path + "/keep", F_OK) == 0)
    }

    @Test("a tool inside su/sudo sh -c/bash -lc and after cd DIR && runs as that user, in that directory, with its own subcommands",
          arguments: [
            ("su nobody -s /bin/sh -c 'cd /tmp && wal-e check-latest --max-age 24h'", "nobody@local:/tmp"),
            ("sudo -u nobody sh -c 'cd /var && wal-e check-latest --max-age 24h'", "nobody@local:/var"),
            ("bash -lc 'wal-e check-latest'", "local"),
            ("cd /usr && wal-e check-latest", "local:/usr"),
          ])
    func toolInside(line: String, target: String) async throws {
        let result = try await run([line], ["--dry-run"])
        #expect(result.status == 0, "\(result.error)")
        // check-latest is ours (the real wal-e has no such command): its plan reads the backups.
        #expect(result.output == "dry-run: on \(target) (read-only): wal-e backup-list\n", "\(result.output)")
    }
}
