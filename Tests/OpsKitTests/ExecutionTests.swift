import OpsKit
import Synchronization
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Running commands locally")
struct ExecutionTests {
    final class Collected: Sendable {
        let bytes = Mutex<(output: [UInt8], error: [UInt8])>(([], []))
        var handler: OutputHandler {
            { stream, chunk in self.bytes.withLock { if stream == .output { $0.output += chunk } else { $0.error += chunk } } }
        }
        var output: String { bytes.withLock { String(decoding: $0.output, as: UTF8.self) } }
        var error: String { bytes.withLock { String(decoding: $0.error, as: UTF8.self) } }
    }

    @Test("keeps the exit status and both streams")
    func exitStatusAndStreams() async throws {
        let collected = Collected()
        let status = try await ProcessExecutor().run("echo out; echo err >&2; exit 3", on: .local, output: collected.handler)
        #expect(status == .exited(3))
        #expect(collected.output == "out\n")
        #expect(collected.error == "err\n")
    }

    @Test("a local command reading stdin gets end-of-file at once, not a hang")
    func stdinIsEmpty() async throws {
        let collected = Collected()
        let status = try await ProcessExecutor().run("cat; echo done", on: .local, output: collected.handler)
        #expect(status == .success)
        #expect(collected.output == "done\n")
    }

    @Test("does not deadlock when both streams carry megabytes")
    func largeOutput() async throws {
        let collected = Collected()
        let status = try await ProcessExecutor().run("head -c 8000000 /dev/zero; head -c 8000000 /dev/zero >&2", on: .local, output: collected.handler)
        #expect(status == .success)
        #expect(collected.bytes.withLock { ($0.output.count, $0.error.count) } == (8_000_000, 8_000_000))
    }

    @Test("streams output as it comes, before the command ends")
    func streams() async throws {
        let collected = Collected()
        // Generous margins: on 2 busy cores the suites running beside this one
        // delay it; what matters is "first" before the 20 s sleep ends.
        let task = Task { try await ProcessExecutor().run("echo first; sleep 20; echo second", on: .local, output: collected.handler) }
        let deadline = Monotonic.now + 15
        while collected.output.isEmpty, Monotonic.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(collected.output == "first\n")
        task.cancel()
        #expect(try await task.value == .interrupted)
    }

    @Test("cancelling ends the whole process group, grandchildren too")
    func cancellationKillsGroup() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let pidFile = directory.path + "/pid"
        let collected = Collected()
        // sh starts a background sleep and waits: killing sh alone would orphan the sleep.
        let task = Task { try await ProcessExecutor().run("sleep 30 & echo $! > \(pidFile); wait", on: .local, output: collected.handler) }
        var grandchild: pid_t = 0
        let deadline = Monotonic.now + 5
        while grandchild == 0, Monotonic.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            if let text = try? await ShellBinary.runProcess("/bin/cat", [pidFile]).output, let pid = pid_t(text.trimmingCharacters()) { grandchild = pid }
        }
        #expect(grandchild > 0)
        let started = Monotonic.now
        task.cancel()
        #expect(try await task.value == .interrupted)
        // Well before the 30 s sleep would have ended (a loaded machine delays it).
        #expect(Monotonic.now - started < 20)
        let gone = Monotonic.now + 1
        while isRunning(grandchild), Monotonic.now < gone { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!isRunning(grandchild), "the grandchild sleep \(grandchild) outlived the cancellation")
    }

    @Test("captures output for parsing, bounded")
    func capture() async throws {
        let captured = try await ProcessExecutor().capture("printf 'a\\tb\\n'; echo oops >&2; exit 1", on: .local, limit: 1024)
        #expect(captured.status == .exited(1))
        #expect(captured.standardOutput == "a\tb\n")
        #expect(captured.standardError == "oops\n")
    }
}

extension String {
    func trimmingCharacters() -> String {
        var text = Substring(self)
        while text.last?.isWhitespace == true { text.removeLast() }
        while text.first?.isWhitespace == true { text.removeFirst() }
        return String(text)
    }
}
