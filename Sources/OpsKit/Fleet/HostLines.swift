import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
            // In place (not a copy of the line), so appending never copies what is pending.
            stream == .output ? cut(bytes, into: &buffers.output, notes: false, lastError: &buffers.lastError)
                : cut(bytes, into: &buffers.error, notes: true, lastError: &buffers.lastError)
        }
        for piece in pieces { gate.write(piece, to: stream) }
    }

    /// Writes what is left of a last line, with a newline to end it.
    func flush() {
        let rest: [(OutputStream, OutputGate.Piece)] = buffers.withLock { buffers in
            var rest: [(OutputStream, OutputGate.Piece)] = []
            if !buffers.output.pending.isEmpty || buffers.output.started {
                rest.append((.output, end(&buffers.output, with: [10])))
            }
            if !buffers.error.pending.isEmpty || buffers.error.started {
                if !buffers.error.started { buffers.lastError = Self.lastLine(buffers.error.pending, else: buffers.lastError) }
                rest.append((.error, end(&buffers.error, with: [10])))
            }
            return rest
        }
        if !collects { for (stream, piece) in rest { gate.write(piece, to: stream) } }
    }

    /// The pieces `bytes` make of `line`: one per line they end, and the
    /// start of a line once it outgrows a chunk. A line already streaming
    /// passes each read straight through, so a long line is never gathered
    /// or copied again. When `notes` (stderr), `lastError` gets each short line.
    private func cut(_ bytes: [UInt8], into line: inout Line, notes: Bool, lastError: inout String) -> [OutputGate.Piece] {
        var pieces: [OutputGate.Piece] = []
        var start = 0
        while let newline = Self.newline(in: bytes, from: start) {
            let short = !line.started
            pieces.append(end(&line, with: start == 0 && newline == bytes.count - 1 ? bytes : Array(bytes[start...newline])))
            if notes, short { lastError = Self.lastLine(pieces[pieces.count - 1].bytes, else: lastError) }
            start = newline + 1
        }
        guard start < bytes.count else { return pieces }
        let rest = start == 0 ? bytes : Array(bytes[start...])
        if line.started {
            pieces.append(OutputGate.Piece(host: host, prefix: [], bytes: rest, endsLine: false))
        } else {
            line.pending += rest
            if line.pending.count >= Self.chunk {
                pieces.append(OutputGate.Piece(host: host, prefix: prefixParts, bytes: line.pending, endsLine: false))
                line.pending = []
                line.started = true
            }
        }
        return pieces
    }

    /// The piece that ends `line` with `bytes` (which hold its newline):
    /// behind the prefix unless part of it is already out.
    private func end(_ line: inout Line, with bytes: [UInt8]) -> OutputGate.Piece {
        let whole = line.pending.isEmpty ? bytes : line.pending + bytes
        let piece = OutputGate.Piece(host: host, prefix: line.started ? [] : prefixParts, bytes: whole, endsLine: true)
        line = Line()
        return piece
    }

    private var prefixParts: [(text: String, style: Style)] { [(prefix, .host(host))] }

    /// The index of the first newline in `bytes` from `start` (memchr: a
    /// long line is scanned at memory speed).
    private static func newline(in bytes: [UInt8], from start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        return bytes.withUnsafeBytes { buffer in
            memchr(buffer.baseAddress! + start, 10, buffer.count - start).map { buffer.baseAddress!.distance(to: UnsafeRawPointer($0)) }
        }
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
