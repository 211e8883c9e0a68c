#if canImport(Glibc)
import Glibc
#endif

/// A program running on a real pseudo-terminal, driven like a person at a
/// keyboard: type, then wait for text on the screen.
///
/// The program becomes a session leader with the terminal as its
/// controlling tty (`setsid -c`), so Ctrl-C typed here is a real SIGINT from
/// the line discipline, exactly as at a terminal.
public final class PseudoTerminal: @unchecked Sendable {
    // @unchecked: a test drives one terminal from one task at a time.
    public let pid: pid_t
    private let master: Int32
    /// TIOCSPTLCK and TIOCGPTN: `_IOW`/`_IOR('T', 0x31/0x30, int)`, macros
    /// Swift cannot import; these values hold on Linux x86_64 and arm64.
    static let unlockRequest: UInt = 0x4004_5431
    static let numberRequest: UInt = 0x8004_5430
    /// Everything the program wrote so far.
    public private(set) var transcript = ""

    /// Starts `arguments` on a new pseudo-terminal with `environment` added
    /// to a minimal one (TERM, HOME, PATH).
    public init(_ arguments: [String], environment: [String: String] = [:], columns: UInt16 = 120) throws {
        // posix_openpt and friends are hidden from Swift's Glibc module; on
        // Linux they are /dev/ptmx plus two ioctls (grantpt is a no-op there).
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, PseudoTerminal.unlockRequest, &unlock) == 0, ioctl(master, PseudoTerminal.numberRequest, &number) == 0 else {
            throw TestFailure("cannot open a pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        let name = "/dev/pts/\(number)"
        var size = winsize(ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        let slave = open(name, O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw TestFailure("cannot open \(name)") }
        defer { close(slave) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor in Int32(0)...2 { posix_spawn_file_actions_adddup2(&actions, slave, descriptor) }
        posix_spawn_file_actions_addclose(&actions, master)

        var base = ["TERM": "xterm", "PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
                    "HOME": getenv("HOME").map { String(cString: $0) } ?? "/root", "LANG": "C.UTF-8"]
        base.merge(environment) { $1 }
        let argv = ["/usr/bin/setsid", "-w", "-c"] + arguments
        let environ = base.map { "\($0.key)=\($0.value)" }
        var child: pid_t = 0
        let status = withCStrings(argv) { argvPointers in
            withCStrings(environ) { environPointers in
                posix_spawn(&child, argv[0], &actions, nil, argvPointers, environPointers)
            }
        }
        guard status == 0 else { throw TestFailure("cannot start \(arguments): \(String(cString: strerror(status)))") }
        pid = child
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(master)
    }

    /// Types `text` (use "\t" for Tab, "\u{3}" for Ctrl-C, "\u{4}" for Ctrl-D).
    public func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Waits until the screen shows `text` after `offset` (default: anywhere
    /// in the transcript); returns the transcript's length just after it.
    @discardableResult
    public func expect(_ text: String, after offset: String.Index? = nil, within seconds: Double = 10) throws -> String.Index {
        let deadline = Monotonic.now + seconds
        while true {
            drain()
            let start = offset ?? transcript.startIndex
            if let range = transcript[start...].firstRange(of: text) { return range.upperBound }
            guard Monotonic.now < deadline else {
                throw TestFailure("timed out after \(seconds) s waiting for \(text.debugDescription); the screen shows:\n\(transcript[start...].suffix(1500))")
            }
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, 20)
        }
    }

    /// Waits for the shell's prompt (it ends with the date stamp and `$ ` or
    /// `# `) after `offset`, so the next keys reach libedit, not a command.
    public func expectPrompt(after offset: String.Index, within seconds: Double = 10) throws {
        let deadline = Monotonic.now + seconds
        while true {
            let end = try expect(" ", after: offset, within: max(0.1, deadline - Monotonic.now))
            let text = transcript[offset..<end]
            if text.hasSuffix("# ") || text.hasSuffix("$ ") { return try waitForLineEditing(until: deadline) }
            guard Monotonic.now < deadline else { throw TestFailure("no prompt after: \(transcript[offset...])") }
            return try expectPrompt(after: end, within: deadline - Monotonic.now)
        }
    }

    /// Waits for `prompt` after `offset` and for libedit to be reading, so
    /// the next keys are an answer to it; returns the mark after the prompt.
    @discardableResult
    public func expectInput(_ prompt: String, after offset: String.Index? = nil, within seconds: Double = 10) throws -> String.Index {
        let end = try expect(prompt, after: offset, within: seconds)
        try waitForLineEditing(until: Monotonic.now + 10)
        return end
    }

    /// libedit prints the prompt a moment before it puts the terminal in
    /// raw mode; keys typed in between are read in cooked mode (a ^D there
    /// even turns into NUL). A person cannot type that fast, a test can:
    /// wait until the terminal really is in raw mode (ICANON off).
    private func waitForLineEditing(until deadline: Double) throws {
        var modes = termios()
        while tcgetattr(master, &modes) == 0, modes.c_lflag & UInt32(ICANON) != 0 {
            guard Monotonic.now < deadline else { throw TestFailure("the terminal never left canonical mode") }
            usleep(1_000)
        }
    }

    /// The end of what has been read so far, for `expect(_:after:)`.
    public var mark: String.Index { drain(); return transcript.endIndex }

    /// Waits for the program to exit; returns its status, or nil on timeout.
    public func waitForExit(within seconds: Double = 10) -> Int32? {
        let deadline = Monotonic.now + seconds
        while Monotonic.now < deadline {
            drain()
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) }
            usleep(10_000)
        }
        return nil
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(master, &buffer, buffer.count)
            guard count > 0 else { return }
            transcript += String(decoding: buffer[..<count], as: UTF8.self)
        }
    }
}

/// A test's own failure with a message, for helpers that cannot `#expect`.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Seconds on the monotonic clock.
public enum Monotonic {
    public static var now: Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

func withCStrings<Result>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result) -> Result {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// Whether a process is really running: a zombie (exited, not yet reaped by
/// its new parent) does not count, though `kill(pid, 0)` still succeeds on it.
public func isRunning(_ pid: pid_t) -> Bool {
    guard let file = fopen("/proc/\(pid)/stat", "r") else { return false }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 512)
    guard fgets(&buffer, 512, file) != nil else { return false }
    let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    // The state follows the command name in parentheses: "123 (sleep) S …".
    guard let close = text.lastIndex(of: ")") else { return false }
    let state = text[text.index(after: close)...].dropFirst().first
    return state != "Z" && state != "X"
}
