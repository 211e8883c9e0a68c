import OpsKit
import Plugins
import Subprocess
import SystemPackage
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `knife ssh` output as bytes, and what bounds a host's time, through the
/// real binary and real sshd hosts on loopback.
@Suite("Fan-out output is byte-exact and a timeout bounds connecting", .serialized, .timeLimit(.minutes(1)))
struct FanOutBytesTests {
    @Test("binary output comes through byte for byte, each line behind its host's prefix")
    func binaryOutput() async throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        // Every byte value, invalid UTF-8 included, over a few lines and a
        // line longer than a chunk; no newline at the very end.
        var bytes: [UInt8] = []
        for round in 0..<40 { bytes += (0...255).map { UInt8($0) }.filter { $0 != 10 } + (round % 10 == 9 ? [] : [10]) }
        bytes += [UInt8](repeating: 0xFF, count: 200_000) + [10, 0xC3, 0x28]
        let file = hosts.directory.path + "/blob"
        try write(bytes, to: file)
        let inventory = hosts.directory.write("inventory.toml", hosts.inventoryText())
        let result = try await runCapturingBytes(["--inventory", inventory, "-c", "knife ssh roles:db 'cat \(file)'"])
        var expected: [UInt8] = []
        for line in bytes.split(separator: 10, omittingEmptySubsequences: false) { expected += Array("db-1 ".utf8) + line + [10] }
        #expect(result.status == 0)
        #expect(result.output.count == expected.count)
        #expect(result.output == expected)
    }

    @Test("a line longer than a chunk streams out before the host ends it")
    func longLineStreams() async throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let release = hosts.directory.path + "/release"
        let inventory = hosts.directory.write("inventory.toml", hosts.inventoryText())
        // One megabyte without a newline, then the host waits for us: only
        // if the line streams can we see most of it (all but the last part
        // of a chunk) and let the host finish.
        let remote = "head -c 1000000 /dev/zero | tr '\\\\0' x; while [ ! -e \(release) ]; do sleep 0.05; done; echo end"
        let options = PlatformOptions()
        let result = try await Subprocess.run(
            .path(FilePath(ShellBinary.path)), arguments: ["--inventory", inventory, "-c", "knife ssh roles:db \"\(remote)\""],
            environment: .inherit.updating(["NO_COLOR": "1"]), platformOptions: options, input: .none, output: .sequence, error: .discarded
        ) { execution in
            var seen = 0, released = false
            for try await buffer in execution.standardOutput {
                seen += buffer.count
                if seen >= 900_000, !released {
                    close(open(release, O_CREAT | O_WRONLY, 0o644))
                    released = true
                }
            }
            return released
        }
        #expect(result.closureResult)
        #expect(result.terminationStatus.isSuccess)
    }

    @Test("--timeout covers connecting: silent and stalling hosts time out, the others are reported")
    func timeoutCoversConnecting() async throws {
        let hosts = try SSHHosts(count: 1)
        defer { hosts.stop() }
        let silent = try StallingListener()
        let stalling = try StallingListener(banner: "SSH-2.0-OpenSSH_9.2\r\n")
        var extra = ""
        for (name, port) in [("db-silent", silent.port), ("db-stalling", stalling.port)] {
            extra += "[hosts.\"\(name)\"]\nroles = [\"db\"]\naddress = \"127.0.0.1\"\nport = \(port)\n\n"
        }
        let inventory = try hosts.inventory(extra: extra)
        let console = TestConsole()
        let executor = ProcessExecutor(inventory: inventory, ssh: .forSession())
        defer { executor.closeConnections() }
        let catalog = Catalog(commands: Builtins.all, plugins: BuiltinPlugins.all)
        let shell = await Interpreter(context: Context(session: Session(variables: Variables(date: "2026-11-29")), console: console,
                                                       executor: executor, catalog: catalog, inventory: inventory))
        // 5 s: room for the real host's key exchange on 2 busy cores.
        let outcome = await shell.run("knife ssh --timeout 5s roles:db 'echo alive'")
        await silent.stop()
        await stalling.stop()
        #expect(outcome.hosts.map(\.host) == ["db-1", "db-silent", "db-stalling"])
        #expect(outcome.hosts.map(\.result) == [.finished(.success), .timedOut, .timedOut])
        #expect(console.output.contains("db-1        alive\n"))
        // Not a speed figure: ssh's own connect timeout is 10 s, and before
        // the fix each host was reported only when ssh gave up (10 s, 45 s).
        for host in outcome.hosts.dropFirst() {
            #expect(host.seconds < Double(SSHSettings(controlDirectory: nil).connectTimeout), "\(host.host) took \(host.seconds) s")
        }
    }

    @Test("an IPv6 address in brackets reaches the host")
    func bracketedIPv6() async throws {
        let hosts = try SSHHosts(count: 1, alsoListenOn: "::1")
        defer { hosts.stop() }
        let text = hosts.inventoryText().split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0 == "address = \"127.0.0.1\"" ? "address = \"[::1]\"" : String($0) }.joined(separator: "\n")
        let inventory = hosts.directory.write("inventory.toml", text)
        let result = try await ShellBinary.run(["--inventory", inventory, "-c", "knife ssh roles:db 'echo over ipv6'"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == "db-1 over ipv6\n")
    }

    private func write(_ bytes: [UInt8], to path: String) throws {
        guard let file = fopen(path, "w") else { throw TestFailure("cannot write \(path)") }
        defer { fclose(file) }
        guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw TestFailure("cannot write \(path)") }
    }

    private func runCapturingBytes(_ arguments: [String]) async throws -> (status: Int32, output: [UInt8]) {
        var options = PlatformOptions()
        options.createSession = true
        let result = try await Subprocess.run(
            .path(FilePath(ShellBinary.path)), arguments: Arguments(arguments), environment: .inherit.updating(["NO_COLOR": "1"]),
            platformOptions: options, input: .none, output: .bytes(limit: 64 << 20), error: .discarded)
        let status: Int32 = if case .exited(let code) = result.terminationStatus { Int32(code) } else { -1 }
        return (status, result.standardOutput)
    }
}
