import OpsKit
import Rainbow
#if canImport(Glibc)
import Glibc
#endif

/// The console on the process's standard streams. Writes go straight to the
/// file descriptors (no buffering), so a command's output, our notices and
/// the prompt appear in the order they happened.
struct TerminalConsole: Console {
    /// Colour per stream: Rainbow looks at stdout only, so `opsshell … 2>log`
    /// would put escapes in the log. NO_COLOR (any non-empty value, as
    /// no-color.org says) and TERM=dumb turn it off everywhere.
    private static let colourOutput = colourAllowed && isatty(STDOUT_FILENO) != 0
    private static let colourError = colourAllowed && isatty(STDERR_FILENO) != 0
    private static var colourAllowed: Bool {
        let noColor = getenv("NO_COLOR").map { String(cString: $0) } ?? ""
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        return noColor.isEmpty && term != "dumb"
    }

    func drawsInPlace(on stream: OpsKit.OutputStream) -> Bool {
        stream == .output ? Self.colourOutput : Self.colourError
    }

    func write(_ text: String, style: OpsKit.Style, to stream: OpsKit.OutputStream) {
        write(bytes: Array(styled(text, style, stream).utf8), to: stream)
    }

    func write(_ parts: [(text: String, style: OpsKit.Style)], to stream: OpsKit.OutputStream) {
        write(bytes: Array(parts.map { styled($0.text, $0.style, stream) }.joined().utf8), to: stream)
    }

    /// One `writev` of the prefix and the bytes: still one write (lines
    /// from other processes cannot land between them), without copying a
    /// long line's piece behind its prefix.
    func write(_ parts: [(text: String, style: OpsKit.Style)], bytes: [UInt8], to stream: OpsKit.OutputStream) {
        let prefix = Array(parts.map { styled($0.text, $0.style, stream) }.joined().utf8)
        prefix.withUnsafeBytes { prefix in
            bytes.withUnsafeBytes { bytes in write([prefix, bytes], to: stream) }
        }
    }

    func write(bytes: [UInt8], to stream: OpsKit.OutputStream) {
        bytes.withUnsafeBytes { write([$0], to: stream) }
    }

    /// Writes `buffers` in order, all of them, however the kernel splits them.
    private func write(_ buffers: [UnsafeRawBufferPointer], to stream: OpsKit.OutputStream) {
        let descriptor: Int32 = stream == .output ? STDOUT_FILENO : STDERR_FILENO
        var left = buffers.filter { !$0.isEmpty }
        while !left.isEmpty {
            var vectors = left.map { iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count) }
            let written = writev(descriptor, &vectors, Int32(vectors.count))
            if written < 0 {
                if errno == EINTR { continue }
                // A closed pipe (`opsshell … | head`): nothing more to
                // say, and nobody to say it to; the shell ends as SIGPIPE would.
                if errno == EPIPE { Interruption.outputClosed() }
                return
            }
            var done = written
            while let first = left.first, done >= first.count {
                done -= first.count
                left.removeFirst()
            }
            if done > 0 { left[0] = UnsafeRawBufferPointer(rebasing: left[0][done...]) }
        }
    }

    /// Asks on the controlling terminal, so a confirmation works even when
    /// the commands come from a file; nil when there is no terminal.
    func ask(_ prompt: String) -> String? {
        guard let tty = fopen("/dev/tty", "r+") else { return nil }
        defer { fclose(tty) }
        fputs(prompt, tty)
        fflush(tty)
        var buffer = [CChar](repeating: 0, count: 4096)
        guard fgets(&buffer, Int32(buffer.count), tty) != nil else { return nil }
        let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return line.hasSuffix("\n") ? String(line.dropLast()) : line
    }

    /// Asks on the terminal with echo off, for secrets.
    func askSecret(_ prompt: String) -> String? {
        let tty = open("/dev/tty", O_RDWR)
        guard tty >= 0 else { return nil }
        defer { close(tty) }
        var saved = termios()
        guard tcgetattr(tty, &saved) == 0 else { return nil }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(tty, TCSANOW, &quiet)
        defer {
            tcsetattr(tty, TCSANOW, &saved)
            _ = Glibc.write(tty, "\n", 1)
        }
        _ = prompt.withCString { Glibc.write(tty, $0, strlen($0)) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(tty, &byte, 1) == 1, byte != 10 { bytes.append(byte) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func styled(_ text: String, _ style: OpsKit.Style, _ stream: OpsKit.OutputStream) -> String {
        guard drawsInPlace(on: stream) else { return text }
        return switch style {
        case .plain: text
        case .bold: text.bold
        case .dim: text.dim
        case .error: text.red
        case .warning: text.yellow.bold
        case .notice: text.cyan
        case .success: text.green
        case .host(let index): text.applyingColor(TerminalConsole.hostColor(index))
        }
    }

    /// Distinct colours for hosts in fan-out output, repeating after eight.
    static func hostColor(_ index: Int) -> NamedColor {
        switch index % 8 {
        case 0: .cyan
        case 1: .magenta
        case 2: .blue
        case 3: .green
        case 4: .yellow
        case 5: .lightCyan
        case 6: .lightMagenta
        default: .lightBlue
        }
    }
}
