import OpsKit
import Plugins
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A terminal whose operator types `answers` in order.
@MainActor
final class ScriptedTerminal: GuideTerminal {
    var answers: [String]
    var prompts: [String] = []
    var shells = 0
    let width = 80

    init(_ answers: [String]) { self.answers = answers }

    func choose(_ prompt: String) -> String? {
        prompts.append(prompt)
        return answers.isEmpty ? nil : answers.removeFirst()
    }

    func edit(_ text: String, prompt: String) -> String? {
        prompts.append(prompt + text)
        return answers.isEmpty ? nil : answers.removeFirst()
    }

    func run(_ line: String, in interpreter: Interpreter) async -> Outcome { await interpreter.run(line) }

    func shell(_ interpreter: Interpreter) async { shells += 1 }
}

@Suite("The guided walk (scripted answers, local commands)", .serialized)
@MainActor
struct GuideTests {
    let directory = TemporaryDirectory()

    func runbook(_ text: String) throws -> Runbook { try Runbook(text: text, source: "test.md") }

    func walk(_ book: Runbook, answers: [String], progress: GuideProgress? = nil, console: TestConsole = TestConsole(),
              configure: (inout Session) -> Void = { _ in }) async throws -> (Outcome, GuideProgress, ScriptedTerminal) {
        let recording = directory.path + "/walk.ops"
        let shell = makeInterpreter(console: console, plugins: BuiltinPlugins.all, configure: configure)
        #expect(await shell.run("record start \(recording)").status == .success)
        let terminal = ScriptedTerminal(answers)
        let start = progress ?? GuideProgress(runbook: "test.md", fingerprint: book.fingerprint, recording: recording)
        let guide = Guide(runbook: book, progress: start, progressPath: GuideProgress.path(forRecording: recording), interpreter: shell, terminal: terminal)
        let outcome = await guide.walk()
        _ = await shell.run("record stop")
        return (outcome, guide.progress, terminal)
    }

    var steps: String {
        """
        # Test
        1. Make a.
           ```sh
           touch \(directory.path)/a
           ```
        2. Make b.
           ```sh
           touch \(directory.path)/b
           ```
        3. Make c.
           ```
           sudo su
           touch \(directory.path)/c
           ```
           <!-- opsshell: check test -f \(directory.path)/c -->
        """
    }

    func exists(_ name: String) -> Bool { access(directory.path + "/" + name, F_OK) == 0 }

    @Test("run, skip and back: each step runs only when asked; progress, recording and the dry-run preview say so")
    func walkThrough() async throws {
        defer { directory.remove() }
        let console = TestConsole()
        let (outcome, progress, _) = try await walk(try runbook(steps), answers: ["r", "s", "b", "r", "r"], console: console)
        #expect(outcome.status == .success)
        #expect(exists("a") && exists("b") && exists("c"))
        #expect(progress.finished && progress.done == [1, 2, 3] && progress.skipped.isEmpty)
        #expect(console.output.contains("Step 1 of 3 · 1. Make a"))
        #expect(console.output.contains("dry-run: on local (changes state): touch \(directory.path)/a"))
        let saved = try #require(GuideProgress(text: readFile(directory.path + "/walk.ops.guide")))
        #expect(saved.finished && saved.step == 4)
        let recording = readFile(directory.path + "/walk.ops")
        #expect(recording.contains("touch \(directory.path)/a\n# => exit 0"))
        #expect(recording.contains("test -f \(directory.path)/c\n# => exit 0"))
        // Readable and replayable: each step named, and the target put back as `exit`.
        #expect(recording.contains("# step 1 of 3 (1): Make a\ntouch"))
        let lines = recording.textLines
        let check = try #require(lines.firstIndex(of: "test -f \(directory.path)/c"))
        #expect(lines[check + 2] == "exit" && lines[check + 3].hasPrefix("# => exit 0"))
        #expect(!recording.contains("dry-run"), "the preview is not recorded")
    }

    @Test("an unsure line and a suggested inline command run only when the operator says yes, in the block's order")
    func askedLines() async throws {
        defer { directory.remove() }
        let book = try runbook("""
            1. Make them:
               ```sh
               +---+
               touch \(directory.path)/sure
               ```
            2. Maybe `touch \(directory.path)/picked` or `touch \(directory.path)/left`.
            """)
        #expect(book.steps[0].candidates.map(\.kind) == [.unsure, .command])
        // Step 1: "+---+" is not a command (n), then run; step 2: yes to the first suggestion, no to the second, run.
        let (outcome, progress, _) = try await walk(book, answers: ["n", "r", "y", "n", "r"])
        #expect(outcome.status == .success && progress.done == [1, 2])
        #expect(exists("sure") && exists("picked") && !exists("left"))
        let recording = readFile(directory.path + "/walk.ops")
        #expect(recording.contains("# step 2: line 6 taken as a command: touch \(directory.path)/picked"))
        #expect(!recording.contains("+---+"))
    }

    @Test("quit keeps the place; a new walk from the saved progress resumes there")
    func quitAndResume() async throws {
        defer { directory.remove() }
        let book = try runbook(steps)
        let (first, progress, _) = try await walk(book, answers: ["r", "q"])
        #expect(first.status == .success && progress.step == 2 && !progress.finished)
        #expect(exists("a") && !exists("b"))
        let saved = try #require(GuideProgress(text: readFile(directory.path + "/walk.ops.guide")))
        #expect(saved == progress)
        let (second, resumed, _) = try await walk(book, answers: ["r", "r"], progress: saved)
        #expect(second.status == .success && resumed.finished && resumed.done == [1, 2, 3])
    }

    @Test("a failing check stops the walk with the reason, and --resume comes back to that step")
    func failingCheck() async throws {
        defer { directory.remove() }
        let book = try runbook("""
            1. Check.
               ```sh
               true
               ```
               <!-- opsshell: check test -f \(directory.path)/missing -->
            2. Never reached.
               ```sh
               touch \(directory.path)/never
               ```
            """)
        let console = TestConsole()
        let (outcome, progress, _) = try await walk(book, answers: ["r", "r"], console: console) {
            try? $0.variables.set("CONSUL_HTTP_TOKEN", to: "s3cr3t-value")
        }
        #expect(outcome.status == .exited(1))
        #expect(!readFile(directory.path + "/walk.ops.guide").contains("s3cr3t-value"), "no secret in the progress file")
        #expect(console.error.contains("step 1's check failed (exit 1): test -f \(directory.path)/missing"))
        #expect(progress.step == 1 && progress.done.isEmpty && !exists("never"))
    }

    @Test("a failing line stops the step and asks again; edit changes the line for this walk")
    func failAndEdit() async throws {
        defer { directory.remove() }
        let book = try runbook("""
            1. Two lines.
               ```sh
               false
               touch \(directory.path)/second
               ```
            """)
        let console = TestConsole()
        let (outcome, progress, terminal) = try await walk(book, answers: ["r", "e", "1", "true", "r"], console: console)
        #expect(outcome.status == .success && progress.done == [1])
        #expect(console.error.contains("step 1, line 1 failed (exit 1): false"))
        #expect(terminal.prompts.contains("[1] false"))
        #expect(exists("second"))
        #expect(readFile(directory.path + "/walk.ops").contains("true\n# => exit 0"))
    }

    @Test("`when NAME=VALUE` passes a step by unless the variable matches; unset variables are asked for first")
    func conditionsAndParameters() async throws {
        defer { directory.remove() }
        let book = try runbook("""
            1. Consul only.
               <!-- opsshell: when dcs=consul -->
               ```sh
               touch \(directory.path)/consul-$cluster
               ```
            2. etcd only.
               <!-- opsshell: when dcs=etcd -->
               ```sh
               touch \(directory.path)/etcd-$cluster
               ```
            """)
        let console = TestConsole()
        let (outcome, progress, terminal) = try await walk(book, answers: ["etcd", "pg-ha-cluster", "r"], console: console)
        #expect(outcome.status == .success)
        #expect(terminal.prompts.prefix(2) == ["This runbook uses $dcs; its value: ", "This runbook uses $cluster; its value: "])
        #expect(exists("etcd-pg-ha-cluster") && !exists("consul-pg-ha-cluster"))
        #expect(progress.skipped == [1] && progress.done == [2])
        #expect(progress.variables.contains { $0.name == "dcs" && $0.value == "etcd" })
        #expect(console.error.contains("does not apply: dcs is 'etcd', not 'consul'"))
    }

    @Test("the preview runs nothing: built-ins that act even in dry-run (echo, sleep, confirm) are only named")
    func previewRunsNothing() async throws {
        defer { directory.remove() }
        let book = try runbook("""
            1. Built-ins.
               ```sh
               echo marker-xyz
               sleep 30s
               confirm "really?"
               touch \(directory.path)/made
               ```
            """)
        let console = TestConsole()
        let (outcome, progress, terminal) = try await walk(book, answers: ["q"], console: console)
        #expect(outcome.status == .success && progress.step == 1)
        #expect(console.output.contains("built-in, on local: sleep 30s\n"))
        #expect(console.output.contains("built-in, on local: echo marker-xyz\n") && !console.output.contains("\nmarker-xyz\n"))
        #expect(terminal.prompts == ["[r]un, [s]kip, [e]dit, s[h]ell, [b]ack, [q]uit? "], "confirm asked nothing")
        #expect(console.output.contains("dry-run: on local (changes state): touch \(directory.path)/made") && !exists("made"))
    }

    @Test("a step's cd and export at the walk's own level are kept, and a resumed walk starts there")
    func levelStateKept() async throws {
        defer { directory.remove() }
        try run("mkdir -p \(directory.path)/work")
        let book = try runbook("""
            # Test
            1. Go there.
               ```sh
               cd \(directory.path)/work
               export STAMP=kept
               ```
            2. Make a file.
               ```sh
               touch made-here
               ```
            """)
        let (_, progress, _) = try await walk(book, answers: ["r", "q"])
        #expect(progress.step == 2, "quit before step 2")
        #expect(progress.directory == directory.path + "/work" && progress.environment.map(\.name) == ["STAMP"])
        let (resumed, _, _) = try await walk(book, answers: ["r"], progress: progress)
        #expect(resumed.status == .success)
        #expect(exists("work/made-here"))
    }

    @Test("the progress file: written whole and read back the same, odd values too")
    func progressFile() throws {
        defer { directory.remove() }
        var progress = GuideProgress(runbook: "geo-rebuild", fingerprint: "0123456789abcdef", recording: "/tmp/x y.ops", step: 8)
        progress.done = [1, 2, 3]
        progress.skipped = [4]
        progress.variables = [("date", "2026-11-29"), ("replicas", "patroni-02 patroni-03"), ("odd", "it's $x \\ and\na new line")]
        progress.directory = "/var/opt/gitlab/a b"
        progress.environment = [("PGDATA", "/var/opt/gitlab/postgresql/data"), ("ODD", "x\ny")]
        let path = directory.path + "/p.guide"
        try progress.save(to: path)
        #expect(GuideProgress(text: readFile(path)) == progress)
        #expect(GuideProgress(text: "garbage") == nil)
    }
}
