import OpsKit
import Plugins
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("The interpreter")
@MainActor
struct InterpreterTests {
    let directory = TemporaryDirectory()

    func exists(_ name: String) -> Bool { access(directory.path + "/" + name, F_OK) == 0 }

    @Test("set, echo, unset and vars work together")
    func variables() async {
        let console = TestConsole()
        let shell = makeInterpreter(console: console)
        #expect(await shell.run("set role dr-base-db-patroni").status == .success)
        #expect(await shell.run("echo roles:$role").status == .success)
        #expect(await shell.run("unset role").status == .success)
        #expect(await shell.run("vars").status == .success)
        #expect(console.output.hasPrefix("roles:dr-base-db-patroni\n"))
        #expect(console.output.contains("role     (unset)"))
        #expect(console.output.contains("date     2026-11-29  (pinned)"))
    }

    @Test("an unset variable stops the command before it runs")
    func unsetVariableRunsNothing() async {
        defer { directory.remove() }
        let console = TestConsole()
        let shell = makeInterpreter(console: console)
        let outcome = await shell.run("touch \(directory.path)/ran; touch \(directory.path)/$missing")
        #expect(outcome.status == .exited(2))
        #expect(!exists("ran"))
        #expect(console.error.contains("unset variable $missing at column"))
        #expect(console.error.contains("^"))
    }

    @Test("$(date +%F) becomes the pinned stamp, and the shell says so")
    func pinnedDate() async {
        let console = TestConsole()
        let shell = makeInterpreter(console: console, date: "2019-06-15")
        #expect(await shell.run("echo pg_hba.conf.$(date +%F)").status == .success)
        #expect(await shell.run("sh -c 'echo conf.$(date +%F)'").status == .success)
        #expect(console.output == "pg_hba.conf.2019-06-15\nconf.2019-06-15\n")
        #expect(console.error.contains("pinned date stamp 2019-06-15"))
    }

    @Test("dry-run shows the exact command and target and runs nothing")
    func dryRun() async {
        defer { directory.remove() }
        let console = TestConsole()
        let shell = makeInterpreter(console: console)
        _ = await shell.run("dry-run on")
        _ = await shell.run("set dir \(directory.path)")
        #expect(await shell.run("touch '$dir/file'").status == .success)
        #expect(!exists("file"))
        #expect(console.output.contains("dry-run: on local (changes state): touch '\(directory.path)/file'"))
    }

    @Test("a destructive command with nobody to confirm it is refused")
    func destructiveRefusedWithoutTerminal() async {
        defer { directory.remove() }
        directory.write("keep", "x")
        let console = TestConsole(answers: [])
        let shell = makeInterpreter(console: console)
        let outcome = await shell.run("rm -rf \(directory.path)/keep")
        #expect(outcome.status != .success)
        #expect(exists("keep"))
        #expect(console.error.contains("command: rm -rf \(directory.path)/keep"))
        #expect(console.error.contains("refused"))
    }

    @Test("a destructive command runs only when the target's name is typed", arguments: [("local", true), ("yes", false), ("", false)])
    func destructiveConfirmation(answer: String, runs: Bool) async {
        defer { directory.remove() }
        directory.write("victim", "x")
        let console = TestConsole(answers: [answer])
        let shell = makeInterpreter(console: console)
        _ = await shell.run("rm -r \(directory.path)/victim")
        #expect(exists("victim") == !runs)
        #expect(console.questions.count == 1)
    }

    @Test("--yes skips confirmation and says so")
    func assumeYes() async {
        defer { directory.remove() }
        directory.write("victim", "x")
        let console = TestConsole()
        let shell = makeInterpreter(console: console) { $0.assumeYes = true }
        #expect(await shell.run("rm -rf \(directory.path)/victim").status == .success)
        #expect(!exists("victim"))
        #expect(console.error.contains("confirmation skipped: --yes"))
    }

    @Test("an unknown command fails as sh says, with a suggestion")
    func unknownCommand() async {
        let console = TestConsole()
        let shell = makeInterpreter(console: console)
        let outcome = await shell.run("vras")
        #expect(outcome.status == .exited(127))
        #expect(console.error.contains("did you mean `vars`?"))
    }

    @Test("a line with shell syntax runs in sh whole, even when it starts with a built-in's name")
    func shellSyntax() async {
        let console = TestConsole()
        let shell = makeInterpreter(console: console)
        #expect(await shell.run("echo x | tr x y").status == .success)
        #expect(await shell.run("for n in 1 2; do echo \\$n; done").status == .success)
        #expect(await shell.run("n=7; echo \\$n '|'").status == .success)
        #expect(console.output == "y\n1\n2\n7 |\n")
    }

    @Test("wal-e backup-fetch into a non-empty directory asks first; into an empty one it does not")
    func backupFetchGuard() async {
        defer { directory.remove() }
        _ = system("mkdir -p \(directory.path)/full \(directory.path)/empty && touch \(directory.path)/full/postmaster.pid")
        let console = TestConsole()
        let shell = makeInterpreter(console: console, plugins: BuiltinPlugins.all)
        #expect(await shell.run("wal-e backup-fetch \(directory.path)/full LATEST").status == .exited(1))
        #expect(console.error.contains("backup-fetch: \(directory.path)/full on local is not empty (postmaster.pid)"))
        #expect(console.error.contains("refused"))
        let second = TestConsole()
        let other = makeInterpreter(console: second, plugins: BuiltinPlugins.all)
        _ = await other.run("wal-e backup-fetch \(directory.path)/empty LATEST")
        #expect(!second.error.contains("is not empty"))
    }

    @Test("exit at the first target ends the session")
    func exitEnds() async {
        let shell = makeInterpreter()
        #expect(await shell.run("exit").endsSession)
    }

    @Test("help lists built-ins and tools, and explains one")
    func help() async {
        let console = TestConsole()
        let shell = makeInterpreter(console: console)
        _ = await shell.run("help")
        _ = await shell.run("help set")
        #expect(console.output.contains("dry-run"))
        #expect(console.output.contains("usage: set [-s] NAME VALUE"))
        #expect(console.output.contains("examples:"))
    }

    @Test("a script stops at the first failure and names its line")
    func scriptStops() async {
        defer { directory.remove() }
        let console = TestConsole()
        let shell = makeInterpreter(console: console)
        let lines = ["# a runbook", "true", "sh -c 'exit 4'", "touch \(directory.path)/after"]
        let outcome = await Script(name: "book.ops").run(lines, in: shell)
        #expect(outcome.status == .exited(4))
        #expect(!exists("after"))
        #expect(console.error.contains("book.ops:3: stopped: exit 4"))
    }

    @Test("credentials stay out of files: a credential-named variable is secret, a -token flag's value is hidden", arguments: [
        ("set CONSUL_HTTP_TOKEN 0b5e-token", "read -s CONSUL_HTTP_TOKEN"),
        ("set db_password hunter2", "read -s db_password"),
        ("consul kv get -token=0b5e-token service/x", "consul kv get -token=<hidden> service/x"),
        ("psql --password hunter2 -c 'select 1'", "psql --password <hidden> -c select 1"),
        ("consul kv get -token-file=/etc/consul.token service/x", "consul kv get -token-file=/etc/consul.token service/x"),
    ])
    func credentials(line: String, recorded: String) throws {
        #expect(ExpandedLine.recordedForm(of: line, try Words(parsing: line)) == recorded)
    }

    @Test("set CONSUL_HTTP_TOKEN keeps the value secret and says so; vars never shows it")
    func credentialVariable() async {
        let console = TestConsole()
        let shell = makeInterpreter(console: console)
        #expect(await shell.run("set CONSUL_HTTP_TOKEN 0b5e-token").status == .success)
        #expect(await shell.run("vars").status == .success)
        #expect(console.error.contains("holds a credential: kept secret"))
        #expect(!console.output.contains("0b5e-token") && !console.error.contains("0b5e-token"))
        #expect(shell.context.session.variables.isSecret("CONSUL_HTTP_TOKEN"))
    }
}
