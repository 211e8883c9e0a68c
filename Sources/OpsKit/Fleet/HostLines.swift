import Synchronization

/// One host's output cut into lines, each written with the host's prefix in
/// one write, so lines from different hosts never mix mid-line.
final class HostLines: Sendable {
    private struct Buffers {
        var output: [UInt8] = []
        var error: [UInt8] = []
        var lastError = ""
        /// Every line, when collecting instead of printing.
        var kept: (output: [String], error: [String]) = ([], [])
    }
    private let prefix: String
    private let colour: Int
    private let console: any Console
    private let collects: Bool
    private let buffers = Mutex(Buffers())

    init(prefix: String, colour: Int, console: any Console, collects: Bool = false) {
        self.prefix = prefix
        self.colour = colour
        self.console = console
        self.collects = collects
    }

    /// What the host printed, when collecting.
    func collected(status result: HostOutcome.Result) -> CapturedOutput {
        let status: ExitStatus = if case .finished(let status) = result { status } else { .exited(255) }
        return buffers.withLock {
            CapturedOutput(status: status, standardOutput: $0.kept.output.map { $0 + "\n" }.joined(),
                           standardError: $0.kept.error.map { $0 + "\n" }.joined())
        }
    }

    /// The last line the host wrote on stderr (ssh's reason when it fails).
    var lastError: String { buffers.withLock { $0.lastError } }

    func add(_ bytes: [UInt8], from stream: OutputStream) {
        let lines: [String] = buffers.withLock { buffers in
            var pending = stream == .output ? buffers.output : buffers.error
            pending += bytes
            // Cut at each newline, then drop what was cut once: removing line
            // by line would move the rest of a 64 kB chunk for every line.
            var lines: [String] = []
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 10) {
                lines.append(String(decoding: pending[start..<newline], as: UTF8.self))
                start = newline + 1
            }
            pending.removeSubrange(..<start)
            if stream == .output { buffers.output = pending } else {
                buffers.error = pending
                if let last = lines.last(where: { !$0.isEmpty }) { buffers.lastError = last }
            }
            return lines
        }
        for line in lines { emit(line, to: stream) }
    }

    /// Writes what is left without a final newline.
    func flush() {
        let rest = buffers.withLock { buffers in
            defer { buffers.output = []; buffers.error = [] }
            return (String(decoding: buffers.output, as: UTF8.self), String(decoding: buffers.error, as: UTF8.self))
        }
        if !rest.0.isEmpty { emit(rest.0, to: .output) }
        if !rest.1.isEmpty {
            buffers.withLock { $0.lastError = rest.1 }
            emit(rest.1, to: .error)
        }
    }

    private func emit(_ line: String, to stream: OutputStream) {
        if collects {
            buffers.withLock { if stream == .output { $0.kept.output.append(line) } else { $0.kept.error.append(line) } }
            return
        }
        console.write([(prefix, .host(colour)), (line + "\n", .plain)], to: stream)
    }
}
