import Synchronization

/// One host's output, byte for byte, each line behind the host's prefix.
///
/// Bytes pass through as the host wrote them (binary output stays binary).
/// A line is held until its newline so it goes out in one write; a line
/// longer than a chunk goes out in pieces as it comes, the prefix before the
/// first, so memory is bounded by a chunk, not by the line.
final class HostLines: Sendable {
    /// The most of one line held back before it is written in pieces.
    static let chunk = 64 * 1024

    private struct Line {
        var pending: [UInt8] = []
        /// Whether part of the current line is already written.
        var started = false
    }

    private struct Buffers {
        var output = Line()
        var error = Line()
        var lastError = ""
        /// Everything the host wrote, when collecting instead of printing.
        var kept: (output: [UInt8], error: [UInt8]) = ([], [])
    }

    private let host: Int
    private let prefix: String
    private let gate: OutputGate
    private let collects: Bool
    private let buffers = Mutex(Buffers())

    /// `host` tells hosts apart at the gate and picks the prefix's colour.
    init(host: Int, prefix: String, gate: OutputGate, collects: Bool = false) {
        self.host = host
        self.prefix = prefix
        self.gate = gate
        self.collects = collects
    }

    /// What the host printed, when collecting; a last line without a
    /// newline gets one, as when printing.
    func collected(status result: HostOutcome.Result) -> CapturedOutput {
        let status: ExitStatus = if case .finished(let status) = result { status } else { .exited(255) }
        return buffers.withLock {
            CapturedOutput(status: status, standardOutput: Self.text($0.kept.output), standardError: Self.text($0.kept.error))
        }
    }

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self) + (bytes.isEmpty || bytes.last == 10 ? "" : "\n")
    }

    /// The last line the host wrote on stderr (ssh's reason when it fails).
    var lastError: String { buffers.withLock { $0.lastError } }

    func add(_ bytes: [UInt8], from stream: OutputStream) {
        if collects {
            buffers.withLock { if stream == .output { $0.kept.output += bytes } else { $0.kept.error += bytes } }
            if stream == .error { noteLastError(bytes) }
            return
        }
        let pieces: [OutputGate.Piece] = buffers.withLock { buffers in
            var pieces: [OutputGate.Piece] = []
            var line = stream == .output ? buffers.output : buffers.error
            var start = bytes.startIndex
            while let newline = bytes[start...].firstIndex(of: 10) {
                line.pending += bytes[start...newline]
                if stream == .error, !line.started { buffers.lastError = Self.lastLine(line.pending, else: buffers.lastError) }
                pieces.append(piece(&line, endsLine: true))
                start = newline + 1
            }
            line.pending += bytes[start...]
            if line.pending.count >= Self.chunk { pieces.append(piece(&line, endsLine: false)) }
            if stream == .output { buffers.output = line } else { buffers.error = line }
            return pieces
        }
        for piece in pieces { gate.write(piece, to: stream) }
    }

    /// Writes what is left of a last line, with a newline to end it.
    func flush() {
        let rest: [(OutputStream, OutputGate.Piece)] = buffers.withLock { buffers in
            var rest: [(OutputStream, OutputGate.Piece)] = []
            if !buffers.output.pending.isEmpty || buffers.output.started {
                buffers.output.pending.append(10)
                rest.append((.output, piece(&buffers.output, endsLine: true)))
            }
            if !buffers.error.pending.isEmpty || buffers.error.started {
                if !buffers.error.started { buffers.lastError = Self.lastLine(buffers.error.pending, else: buffers.lastError) }
                buffers.error.pending.append(10)
                rest.append((.error, piece(&buffers.error, endsLine: true)))
            }
            return rest
        }
        if !collects { for (stream, piece) in rest { gate.write(piece, to: stream) } }
    }

    /// The next piece of `line`: what is pending, behind the prefix when it
    /// starts the line.
    private func piece(_ line: inout Line, endsLine: Bool) -> OutputGate.Piece {
        let piece = OutputGate.Piece(host: host, prefix: line.started ? [] : [(prefix, .host(host))],
                                     bytes: line.pending, endsLine: endsLine)
        line.pending.removeAll(keepingCapacity: true)
        line.started = !endsLine
        return piece
    }

    private func noteLastError(_ bytes: [UInt8]) {
        let text = String(decoding: bytes.suffix(Self.chunk), as: UTF8.self)
        buffers.withLock { $0.lastError = Self.lastLine(Array(text.utf8), else: $0.lastError) }
    }

    /// The last non-empty line in `bytes` (a line end at its end dropped),
    /// or `fallback` when there is none.
    private static func lastLine(_ bytes: [UInt8], else fallback: String) -> String {
        let line = String(decoding: bytes, as: UTF8.self).lastLine
        return line.isEmpty ? fallback : line
    }
}
