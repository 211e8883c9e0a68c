import TestSupport
import Testing

@Suite("opsshell as a process")
struct CommandLineTests {
    @Test("-c runs lines in order in one session")
    func repeatedC() async throws {
        let result = try await ShellBinary.run(["-c", "set role dr-base-db-patroni", "-c", "echo roles:$role"])
        #expect(result.status == 0)
        #expect(result.output == "roles:dr-base-db-patroni\n")
    }

    @Test("-c takes any line, even one that starts with a dash", arguments: ["-x", "--yes-not-a-flag", "-c"])
    func dashLine(line: String) async throws {
        // Run as a command, so sh says it is not found: not a flag of ours, nor of sh.
        let result = try await ShellBinary.run(["-c", line, "-c", "echo not reached"])
        #expect(result.status == 127, "\(result.error)")
        #expect(result.error.contains("\(line): not found"), "\(result.error)")
        #expect(!result.output.contains("not reached"))
    }

    @Test("a line that starts with a dash still goes through the interpreter")
    func dashLineExpands() async throws {
        let result = try await ShellBinary.run(["--set", "x=value", "-c", "--x=$x"])
        #expect(result.error.contains("--x=value: not found"), "\(result.error)")
    }

    @Test("the exit status is the first failing command's, and later lines do not run")
    func firstFailure() async throws {
        let result = try await ShellBinary.run(["-c", "true", "-c", "sh -c 'exit 7'", "-c", "echo not reached"])
        #expect(result.status == 7)
        #expect(!result.output.contains("not reached"))
        #expect(result.error.contains("-c:2: stopped: exit 7"))
    }

    @Test("reads a script from standard input when it is not a terminal")
    func standardInput() async throws {
        let script = """
            # set up
            set datadir /var/opt/gitlab/postgresql/data
            echo "$datadir/pg_hba.conf" \\
              continued
            echo 'multi
            line'
            """
        let result = try await ShellBinary.run([], input: script)
        #expect(result.status == 0)
        #expect(result.output == "/var/opt/gitlab/postgresql/data/pg_hba.conf continued\nmulti\nline\n")
        #expect(!result.output.contains("$ "), "no prompt when stdin is not a terminal")
    }

    @Test("run FILE runs a script file")
    func runFile() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.write("book.ops", "set x 1\necho x=$x\nexit\necho after exit\n")
        let result = try await ShellBinary.run(["run", file])
        #expect(result.status == 0)
        #expect(result.output == "x=1\n")
    }

    @Test("a script written with Windows line ends runs line by line")
    func crlfScript() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.write("crlf.ops", "set x 1\r\necho x=$x\r\necho two\r\n")
        let result = try await ShellBinary.run(["run", file])
        #expect(result.status == 0)
        #expect(result.output == "x=1\ntwo\n")
    }

    @Test("an unset variable is an error naming it; nothing runs", arguments: [["-c", "echo start; echo $nope"]])
    func unsetVariable(arguments: [String]) async throws {
        let result = try await ShellBinary.run(arguments)
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.error.contains("unset variable $nope at column 18"))
    }

    @Test("unbalanced quotes get the column")
    func unbalanced() async throws {
        let result = try await ShellBinary.run(["-c", "knife ssh roles:x 'sudo ls"])
        #expect(result.status == 2)
        #expect(result.error.contains("the ' at column 19 is never closed"))
    }

    @Test("a destructive command in a script without --yes is refused; with --yes it runs")
    func destructiveInScripts() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        directory.write("data", "x")
        let refused = try await ShellBinary.run(["-c", "rm -rf \(directory.path)/data"])
        #expect(refused.status == 1)
        #expect(refused.error.contains("refused"))
        let listed = try await ShellBinary.runProcess("/bin/ls", [directory.path])
        #expect(listed.output == "data\n")
        let confirmed = try await ShellBinary.run(["--yes", "-c", "rm -rf \(directory.path)/data"])
        #expect(confirmed.status == 0)
        #expect(try await ShellBinary.runProcess("/bin/ls", [directory.path]).output.isEmpty)
    }

    @Test("--set and --dry-run shape the session")
    func setAndDryRun() async throws {
        let result = try await ShellBinary.run(["--dry-run", "--set", "datadir=/srv/pg", "-c", "sudo rm -rf $datadir"])
        #expect(result.status == 0)
        #expect(result.output.contains("dry-run: on local (destroys data): sudo rm -rf /srv/pg"))
    }

    @Test("a tool that is not installed is named plainly")
    func missingTool() async throws {
        // (consul kv is answered over HTTP here; its other commands need the CLI.)
        let result = try await ShellBinary.run(["-c", "consul catalog services"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 127)
        #expect(result.error.contains("consul: `consul` is not installed on this machine"))
        let walG = try await ShellBinary.run(["-c", "wal-g backup-list"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(walG.status == 127)
        #expect(walG.error.contains("`wal-g` is not installed on this machine"))
    }

    @Test("--help and --version come from the argument parser")
    func helpAndVersion() async throws {
        let help = try await ShellBinary.run(["--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("USAGE: opsshell"))
        #expect(help.output.contains("run"))
        let version = try await ShellBinary.run(["--version"])
        #expect(version.output == "0.2.0\n")
    }
}
