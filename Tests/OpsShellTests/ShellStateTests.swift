import Foundation
import TestSupport
import Testing

/// Each target level keeps its shell state (issue 11): `cd`, `export` and
/// `NAME=$(cmd)` change what later lines see, checked where they run, and
/// `exit` gives the level below back. Through `opsshell` as a process.
@Suite("Shell state kept by each target level")
struct ShellStateTests {
    func run(_ lines: [String], in directory: TemporaryDirectory, options: [String] = []) async throws -> ShellBinary.Result {
        try await ShellBinary.run(options + lines.flatMap { ["-c", $0] }, environment: ["XDG_STATE_HOME": directory.path])
    }

    @Test("cd DIR then rm removes inside DIR, not where the shell started")
    func cdThenRemove() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try TestSupport.run("mkdir -p \(directory.path)/work && touch \(directory.path)/work/notes.txt \(directory.path)/notes.txt")
        let result = try await run(["cd \(directory.path)", "cd work", "rm -f notes.txt", "pwd"], in: directory)
        #expect(result.status == 0, "\(result.error)")
        #expect(access(directory.path + "/work/notes.txt", F_OK) != 0)
        #expect(access(directory.path + "/notes.txt", F_OK) == 0)
        #expect(result.output == directory.path + "/work\n")
    }

    @Test("cd to a path that is not a directory fails with the path, and the directory stays")
    func cdNowhere() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let result = try await run(["cd \(directory.path)", "cd /nonexistent-\(getpid())"], in: directory)
        #expect(result.status == 1)
        #expect(result.error.contains("cd: /nonexistent-\(getpid()) is not a directory on local"))
        #expect(result.error.contains("still in \(directory.path)"))
    }

    @Test("cd -, cd alone, pushd and popd move as a shell's do")
    func directoryMoves() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let result = try await run(["cd /usr", "cd /etc", "cd -", "pwd", "pushd /var", "popd", "pwd", "cd", "pwd"], in: directory)
        #expect(result.status == 0, "\(result.error)")
        let home = String(cString: getenv("HOME"))
        #expect(result.output == "/usr\n/var /usr\n/usr\n/usr\n\(home)\n")
    }

    @Test("an exported variable reaches later commands; unset takes it away")
    func export() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let result = try await run(["export STAMP='a b'", "printenv STAMP", "export", "unset STAMP", "printenv STAMP"], in: directory)
        #expect(result.status == 1)
        #expect(result.output == "a b\nexport STAMP='a b'\n")
    }

    @Test("NAME=$(cmd), also over several lines, becomes a session variable with the command's output, trailing newline stripped")
    func assignments() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let script = directory.write("s.ops", """
            latest="$( \\
              printf '%s\\n' base_1 base_2 \\
              | tail -n 1 \\
            )"

            echo restore $latest
            plain=x
            echo $plain
            """)
        let result = try await ShellBinary.run(["run", script], environment: ["XDG_STATE_HOME": directory.path])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == "restore base_2\nx\n")
        #expect(result.error.contains("$latest = base_2, from the shell on local"))
    }

    @Test("a cd inside a shell line says it does not last; nothing is silently dropped")
    func confinedCd() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let result = try await run(["cd /tmp && true", "pwd"], in: directory)
        #expect(result.error.contains("`cd /tmp` runs in this line's own shell: later lines do not see it"))
        #expect(result.output == FileManager.default.currentDirectoryPath + "\n")
    }

    @Test("dry-run and the audit log show the directory next to the target")
    func directoryShown() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let dry = try await run(["cd /tmp", "dry-run on", "rm -rf data"], in: directory)
        #expect(dry.output.contains("dry-run: on local:/tmp (destroys data): rm -rf data"), "\(dry.output)")
        _ = try await run(["cd /tmp", "true"], in: directory)
        let audit = readFile(directory.path + "/opsshell/audit.jsonl")
        #expect(audit.contains("\"targets\":[\"local:/tmp\"]"), "\(audit)")
    }

    @Test("a recorded NAME=$(cmd) keeps its value: replay --from a later line uses it without running the command again")
    func recordedAssignment() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let recording = directory.path + "/s.ops"
        let counter = directory.path + "/ran"
        let first = try await ShellBinary.run(["--record", recording, "-c", "latest=$(echo x >> \(counter); echo base_7)", "-c", "echo $latest"],
                                              environment: ["XDG_STATE_HOME": directory.path])
        #expect(first.status == 0, "\(first.error)")
        #expect(readFile(recording).contains("# value: latest=base_7\n"))
        let lines = readFile(recording).split(separator: "\n", omittingEmptySubsequences: false)
        let echo = try #require(lines.firstIndex { $0 == "echo $latest" }) + 1
        let replay = try await ShellBinary.run(["replay", "--from", "\(echo)", recording], environment: ["XDG_STATE_HOME": directory.path])
        #expect(replay.status == 0, "\(replay.error)")
        #expect(replay.output == "base_7\n")
        #expect(readFile(counter) == "x\n", "the assignment's command ran again")
    }

    @Test("replay --from a later line still runs it in the directory and with the exports set before it")
    func replayFrom() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let script = directory.write("r.ops", "cd /usr\nexport STAMP=kept\npwd\nprintenv STAMP\n")
        let result = try await ShellBinary.run(["replay", "--from", "4", script], environment: ["XDG_STATE_HOME": directory.path])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == "kept\n")
        let whole = try await ShellBinary.run(["replay", "--from", "3", script], environment: ["XDG_STATE_HOME": directory.path])
        #expect(whole.output == "/usr\nkept\n")
    }
}
