import OpsKit
import Plugins
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Recording a session over real sshd hosts, and replaying it.
@Suite("Record and replay", .serialized)
@MainActor
struct RecordReplayTests {
    func shell(_ hosts: SSHHosts, console: TestConsole, configure: (inout Session) -> Void = { _ in }) throws -> Interpreter {
        let inventory = try hosts.inventory()
        var session = Session(variables: Variables(date: "2026-11-29"))
        configure(&session)
        return Interpreter(context: Context(session: session, console: console, executor: ProcessExecutor(inventory: inventory, ssh: .forSession()),
                                            catalog: Catalog(commands: Builtins.all, plugins: BuiltinPlugins.all), inventory: inventory))
    }

    @Test("a recording holds the header, the variables, each command as typed and its result")
    func records() async throws {
        let hosts = try SSHHosts(count: 2)
        defer { hosts.stop() }
        let script = hosts.directory.path + "/session.ops"
        let console = TestConsole()
        let shell = try shell(hosts, console: console) { try! $0.variables.set("role", to: "db") }
        defer { shell.closeConnections() }
        for line in ["record start \(script)", "ssh db-1", "sudo su", "id -un", "exit", "exit", "vars", "help",
                     "knife ssh roles:$role 'echo hi'", "record stop"] {
            #expect(await shell.run(line).status == .success, "\(line)")
        }
        let lines = readFile(script).split(separator: "\n").map(String.init)
        #expect(lines[0] == "# opsshell \(ShellVersion.current) recording")
        #expect(lines[1].hasPrefix("# started 20") && lines[1].contains(" by \(Session.currentUserName()) on "))
        #expect(Array(lines[2...3]) == ["set date 2026-11-29", "set role db"])
        let commands = lines.filter { !$0.hasPrefix("#") }
        #expect(commands == ["set date 2026-11-29", "set role db", "ssh db-1", "sudo su", "id -un", "exit", "exit", "knife ssh roles:$role 'echo hi'"])
        let results = lines.filter { $0.hasPrefix("# => ") }
        #expect(results.count == 6)
        #expect(results.last?.hasPrefix("# => exit 0 on 2/2 hosts in ") == true)
        #expect(lines.last?.hasPrefix("# stopped ") == true)
    }

    @Test("replay --dry-run shows every host's command and runs nothing")
    func replayDryRun() async throws {
        let hosts = try SSHHosts(count: 2)
        defer { hosts.stop() }
        let marker = hosts.directory.path + "/ran"
        let script = hosts.directory.write("dry.ops", "set role db\nknife ssh roles:$role 'touch \(marker)'\n# => exit 0 on 2/2 hosts in 0.30 s\n")
        let console = TestConsole()
        let shell = try shell(hosts, console: console)
        defer { shell.closeConnections() }
        #expect(await shell.run("replay \(script) --dry-run").status == .success)
        #expect(console.output.contains("dry-run: on db-1 (changes state): touch \(marker)\ndry-run: on db-2 (changes state): touch \(marker)\n"))
        #expect(access(marker, F_OK) != 0)
        #expect((0..<2).map(hosts.acceptedConnections) == [0, 0])
        #expect(!shell.session.dryRun, "replay --dry-run leaves the session as it was")
    }

    @Test("replay --from starts at a line and still lands on the recorded target; --set overrides a recorded set")
    func replayFromAndSet() async throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let dir = hosts.directory.path
        let script = hosts.directory.write("from.ops", """
            set name first
            ssh db-1
            touch \(dir)/$name-1
            touch \(dir)/$name-2
            printenv SSH_CONNECTION > \(dir)/where

            """)
        let console = TestConsole()
        let shell = try shell(hosts, console: console)
        defer { shell.closeConnections() }
        #expect(await shell.run("replay \(script) --from 4 --set name=second").status == .success)
        #expect(access("\(dir)/second-1", F_OK) != 0 && access("\(dir)/first-1", F_OK) != 0)
        #expect(access("\(dir)/second-2", F_OK) == 0)
        #expect(readFile("\(dir)/where").contains(" \(hosts.ports[0])\n"), "ran on db-1 although `ssh db-1` was before --from")
        #expect(console.error.contains("keeping --set name"))
    }

    @Test("replay stops at the first failure with the way to resume, and --resume continues there")
    func stopAndResume() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let dir = directory.path
        let script = directory.write("fail.ops", "touch \(dir)/a\ntest -e \(dir)/gate\ntouch \(dir)/b\n")
        let console = TestConsole()
        let shell = makeInterpreter(console: console)
        #expect(await shell.run("replay \(script)").status == .exited(1))
        #expect(console.error.contains("replay stopped at \(script):2 (exit 1). Fix it, then resume: opsshell replay \(script) --from 2"))
        #expect(readFile(script + ".progress") == "next-line 2\n")
        directory.write("gate", "")
        unlink("\(dir)/a")
        #expect(await shell.run("replay \(script) --resume").status == .success)
        #expect(access("\(dir)/a", F_OK) != 0, "line 1 ran once, not again")
        #expect(access("\(dir)/b", F_OK) == 0)
        #expect(access(script + ".progress", F_OK) != 0, "a finished replay leaves no progress file")
    }

    @Test("replay --strict stops when a result differs from the recorded one")
    func strict() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let script = directory.write("strict.ops", "true\n# => exit 0 in 0.01 s\ntrue\n# => exit 0 on 3/3 hosts in 1.00 s\ntouch \(directory.path)/after\n")
        let console = TestConsole()
        let shell = makeInterpreter(console: console)
        #expect(await shell.run("replay \(script)").status == .success, "without --strict a different result is fine")
        unlink("\(directory.path)/after")
        #expect(await shell.run("replay \(script) --strict").status == .exited(1))
        #expect(console.error.contains(":3: the result differs (--strict): recorded \"exit 0 on 3/3 hosts\", now \"exit 0\""))
        #expect(access("\(directory.path)/after", F_OK) != 0)
    }

    @Test("a destructive command answered with --yes is recorded as such; confirm too")
    func yesIsRecorded() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let script = directory.path + "/yes.ops"
        let shell = makeInterpreter { $0.assumeYes = true }
        _ = await shell.run("record start \(script)")
        _ = await shell.run("mkdir \(directory.path)/x")
        #expect(await shell.run("rm -rf \(directory.path)/x").status == .success)
        #expect(await shell.run("confirm \"restore finished on 02 and 03\"").status == .success)
        _ = await shell.run("record stop")
        let text = readFile(script)
        #expect(text.contains("rm -rf \(directory.path)/x\n# confirmation skipped: --yes\n# => exit 0"))
        #expect(text.contains("confirm \"restore finished on 02 and 03\"\n# confirmed by --yes\n# => exit 0"))
    }
}
