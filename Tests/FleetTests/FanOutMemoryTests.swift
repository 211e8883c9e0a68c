import OpsKit
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Huge output lines through `knife ssh`: the real binary, real sshd hosts
/// on loopback, the shell's own peak memory read from the kernel.
@Suite("Huge fan-out lines are byte-exact in memory bounded by chunks", .serialized, .timeLimit(.minutes(3)))
struct FanOutMemoryTests {
    @Test("two hosts each printing a 100 MB line at once: both lines whole and exact, and the shell's peak memory does not grow with them")
    func hugeLinesAtOnce() async throws {
        let hosts = try SSHHosts(count: 2)
        defer { hosts.stop() }
        // The same run with short lines is the baseline: what the shell
        // needs anyway (debug or release build, ssh masters, the runtime).
        let baseline = try await run(lineBytes: 1_000, on: hosts)
        let huge = try await run(lineBytes: 100_000_000, on: hosts)
        // Before the bound, the host waiting for the terminal held its whole
        // line in memory (100 MB more); chunks and the gate's 1 MB are far less.
        #expect(huge.peakKilobytes - baseline.peakKilobytes < 16 * 1024,
                "peak memory \(huge.peakKilobytes) kB with 100 MB lines, \(baseline.peakKilobytes) kB with short ones")
    }

    /// Runs a `knife ssh` whose hosts each print one line of `lineBytes`
    /// bytes (no newline in them, invalid UTF-8 among them), checks the
    /// output byte for byte, and returns the shell's peak resident memory
    /// (VmHWM), read while the hosts still hold the run open.
    private func run(lineBytes: Int, on hosts: SSHHosts) async throws -> (peakKilobytes: Int, output: String) {
        let directory = hosts.directory.path
        let inventory = hosts.directory.write("inventory.toml", hosts.inventoryText())
        let release = "\(directory)/release-\(lineBytes)", output = "\(directory)/out-\(lineBytes)"
        // Numbers separated by 0xFF bytes: every position different, so a
        // piece out of order or another host's bytes inside a line change the hash.
        let line = "seq 1 99999999999 | tr \"\\n\" \"\\377\" | head -c \(lineBytes)"
        let remote = "\(line); echo; while [ ! -e \(release) ]; do sleep 0.05; done"
        let script = hosts.directory.write("huge-\(lineBytes).ops", "knife ssh roles:db '\(remote)'\n")
        // setsid: no controlling terminal, nothing can ask (as in CI); the
        // shell keeps the pid `spawn` returns, since sh and setsid exec it.
        let pid = try spawn(["/bin/sh", "-c", "NO_COLOR=1 exec setsid \(ShellBinary.path) run --inventory \(inventory) \(script) "
                                + ">\(output) 2>\(output).err"], log: "\(output).log")
        defer {
            close(open(release, O_CREAT | O_WRONLY, 0o644))
            waitpid(pid, nil, 0)
        }
        let expectedSize = hosts.names.map { $0.utf8.count + 1 + lineBytes + 1 }.reduce(0, +)
        // The shell is still running (the hosts wait for `release`), so its
        // high-water mark can be read once every byte is out.
        var size = 0
        for _ in 0..<2400 where size < expectedSize {
            size = fileSize(output)
            if size < expectedSize { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(size == expectedSize, "\(readFile("\(output).err"))")
        let peak = try peakKilobytes(of: pid)
        close(open(release, O_CREAT | O_WRONLY, 0o644))
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(status == 0, "\(readFile("\(output).err"))")

        // Each host's line, whole: the lines may come in either order.
        let lines = try await shell("wc -l < \(output); sed -n 1p \(output) | sha256sum; sed -n 2p \(output) | sha256sum")
        var expected: [String] = []
        for name in hosts.names {
            expected.append(try await shell("{ printf '\(name) '; \(line); echo; } | sha256sum"))
        }
        let found = lines.split(separator: "\n").map(String.init)
        #expect(found.first?.trimmingSpaces == "2")
        #expect(Set(found.dropFirst()) == Set(expected.map { $0.trimmingSuffix("\n") }))
        return (peak, lines)
    }

    private func shell(_ command: String) async throws -> String {
        let result = try await ShellBinary.runProcess("/bin/sh", ["-c", command])
        guard result.status == 0 else { throw TestFailure("`\(command)` failed: \(result.error)") }
        return result.output
    }

    private func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// The process's peak resident memory: its own, not inherited from the
    /// process that started it (unlike getrusage's ru_maxrss).
    private func peakKilobytes(of pid: pid_t) throws -> Int {
        let status = readFile("/proc/\(pid)/status")
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.dropFirst("VmHWM:".count).filter(\.isNumber)) else {
            throw TestFailure("no VmHWM for \(pid) in /proc: \(status)")
        }
        return kilobytes
    }
}

extension String {
    fileprivate var trimmingSpaces: String { filter { $0 != " " } }
    fileprivate func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
